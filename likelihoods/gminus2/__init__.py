"""The gminus2 plugin: Muon g−2.

The code is in likelihood.py, the data in data/gminus2/ (listed in data/gminus2/catalog.yaml).
"""
from likelihoods.gminus2.likelihood import MuonGMinus2

__all__ = ["MuonGMinus2"]
