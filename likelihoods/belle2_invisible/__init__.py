"""The belle2_invisible plugin: Belle II e⁺e⁻ → μ⁺μ⁻Z′, Z′ → invisible.

The code is in likelihood.py, the data in data/belle2_invisible/ (listed in its catalog.yaml).
"""
from likelihoods.belle2_invisible.likelihood import Belle2Invisible

__all__ = ["Belle2Invisible"]
