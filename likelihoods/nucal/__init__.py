"""The nucal plugin: ν-Cal I proton beam dump (U70), Z′ → e⁺e⁻.

The code is in likelihood.py (the shared beam-dump code in likelihoods/e137/), the data in data/nucal/.
"""
from likelihoods.nucal.likelihood import CHANNELS, NuCal

__all__ = ["CHANNELS", "NuCal"]
