"""The higgs_potential plugin: perturbative unitarity and boundedness from below of the doublet models' potential.

The code is in likelihood.py; it has no data files.
"""
from likelihoods.higgs_potential.likelihood import UNITARITY, HiggsPotential

__all__ = ["UNITARITY", "HiggsPotential"]
