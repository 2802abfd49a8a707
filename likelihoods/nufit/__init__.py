"""The nufit plugin: NuFIT oscillation tables.

The code is in likelihood.py, the data in data/nufit/ (listed in data/nufit/catalog.yaml).
"""
from likelihoods.nufit.likelihood import OUTSIDE_PENALTY, NuFIT

__all__ = ["OUTSIDE_PENALTY", "NuFIT"]
