"""The borexino plugin: Borexino ⁷Be rate.

The code is in likelihood.py, the data in data/borexino/ (listed in data/borexino/catalog.yaml).
"""
from likelihoods.borexino.likelihood import NUFIT53_NO, Borexino

__all__ = ["NUFIT53_NO", "Borexino"]
