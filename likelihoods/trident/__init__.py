"""The trident plugin: neutrino trident production.

The code is in likelihood.py, the data in data/trident/ (listed in data/trident/catalog.yaml).
"""
from likelihoods.trident.likelihood import Trident

__all__ = ["Trident"]
