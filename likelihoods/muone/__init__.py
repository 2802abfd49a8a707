"""The muone plugin: MUonE forecast for μe → μeZ′, Z′ → invisible.

The code is in likelihood.py, the data in data/muone/ (listed in data/muone/catalog.yaml).
"""
from likelihoods.muone.likelihood import MUonE

__all__ = ["MUonE"]
