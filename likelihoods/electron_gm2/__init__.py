"""The electron_gm2 plugin: electron anomalous magnetic moment.

The code is in likelihood.py, the data in data/electron_gm2/ (listed in data/electron_gm2/catalog.yaml).
"""
from likelihoods.electron_gm2.likelihood import ElectronGMinus2

__all__ = ["ElectronGMinus2"]
