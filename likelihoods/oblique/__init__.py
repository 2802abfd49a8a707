"""The oblique plugin: the electroweak S and T parameters of the doublet models.

The code is in likelihood.py, the data in data/oblique/ (listed in data/oblique/catalog.yaml).
"""
from likelihoods.oblique.likelihood import CONTRIBUTIONS, Oblique

__all__ = ["CONTRIBUTIONS", "Oblique"]
