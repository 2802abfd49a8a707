"""The neff plugin: N_eff from the CMB (and BBN) against a Z′ in equilibrium with ν_μ, ν_τ.

The code is in likelihood.py (physics in globalfit/physics/neff.py), the data in data/neff/ (listed in
data/neff/catalog.yaml; the table is built by data/neff/build_table.py).
"""
from likelihoods.neff.likelihood import NeffZprime, excluded_below

__all__ = ["NeffZprime", "excluded_below"]
