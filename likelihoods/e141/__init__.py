"""The e141 plugin: E141 electron beam dump, Z′ → e⁺e⁻.

The code is in likelihood.py (the shared beam-dump code in likelihoods/e137/), the data in data/e141/.
"""
from likelihoods.e141.likelihood import E141

__all__ = ["E141"]
