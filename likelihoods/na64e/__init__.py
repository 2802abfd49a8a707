"""The na64e plugin: NA64 electron-beam missing-energy search, Z′ → invisible.

The code is in likelihood.py, the data in data/na64e/ (listed in data/na64e/catalog.yaml).
"""
from likelihoods.na64e.likelihood import NA64e

__all__ = ["NA64e"]
