"""The belle2_forecast plugin: Belle II (50 ab⁻¹) forecast for e⁺e⁻ → γZ′ and e⁺e⁻ → μ⁺μ⁻Z′, Z′ → invisible.

The code is in likelihood.py, the cross sections in globalfit/physics/belle2_forecast.py, the data in
data/belle2_forecast/ (listed in its catalog.yaml).
"""
from likelihoods.belle2_forecast.likelihood import Belle2Forecast

__all__ = ["Belle2Forecast"]
