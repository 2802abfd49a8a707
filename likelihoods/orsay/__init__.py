"""The orsay plugin: Orsay (LAL) electron beam dump, Z′ → e⁺e⁻.

The code is in likelihood.py (the shared beam-dump code in likelihoods/e137/), the data in data/orsay/.
"""
from likelihoods.orsay.likelihood import Orsay

__all__ = ["Orsay"]
