"""The babar plugin: BaBar e⁺e⁻ → 4μ.

The code is in likelihood.py, the data in data/babar/ (listed in data/babar/catalog.yaml).
"""
from likelihoods.babar.likelihood import CL, BaBar4Mu

__all__ = ["CL", "BaBar4Mu"]
