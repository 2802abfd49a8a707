"""The kamland_zen plugin: KamLAND-Zen 0νββ.

The code is in likelihood.py, the data in data/kamland_zen/ (listed in data/kamland_zen/catalog.yaml).
"""
from likelihoods.kamland_zen.likelihood import M_E_EV, Z90_SQ, KamLANDZen

__all__ = ["M_E_EV", "Z90_SQ", "KamLANDZen"]
