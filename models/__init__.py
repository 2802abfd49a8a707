"""Built-in physics models, registered as plugins in pyproject.toml (entry-point group ``globalfit.models``)
exactly like third-party ones: see globalfit.model for the protocol.

    lmu_ltau/          the gauged U(1)_{Lμ−Lτ} model (Z′, its Higgs sector, kinetic mixing, textures)
    neutrino_sector.py the light-neutrino parameters and quantities shared by models with a seesaw sector
"""
