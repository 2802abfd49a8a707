"""The bphysics plugin: B → X_sγ and B_s mixing with the charged Higgs of the doublet models.

The code is in likelihood.py, the data in data/bphysics/ (listed in data/bphysics/catalog.yaml).
"""
from likelihoods.bphysics.likelihood import NP_SCALE_GEV, OBSERVABLES, BPhysics

__all__ = ["NP_SCALE_GEV", "OBSERVABLES", "BPhysics"]
