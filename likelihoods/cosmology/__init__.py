"""The cosmology plugin: cosmological bound on Σm_ν.

The code is in likelihood.py, the data in data/cosmology/ (listed in data/cosmology/catalog.yaml).
"""
from likelihoods.cosmology.likelihood import Z95, CosmologySumMnu

__all__ = ["Z95", "CosmologySumMnu"]
