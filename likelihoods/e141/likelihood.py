"""E141 (SLAC electron beam dump): the published dark-photon band recast to the Z′ (likelihoods/e141/NOTES.md).

A 9 GeV electron beam on a 12 cm tungsten target, a 35 m decay region behind it: e⁺e⁻ pairs from short-lived
neutral particles (E. M. Riordan et al., PRL 59 (1987) 755). It excludes a dark-photon band at larger ε and
smaller m (≲ 20 MeV) than E137.

Prediction and likelihood: as for E137 (likelihoods/e137/likelihood.py, globalfit.physics.beam_dump), with
R = 1 + L_dec/L_sh = 1 + 35/0.12 (Darkcast's ratio for this search):

  X = [(gv_e² + ga_e²)/e² · BR(Z′→e⁺e⁻) · (e^{−x} − e^{−Rx})] / [ε₀² BR(A′→e⁺e⁻) (e^{−u} − e^{−Ru})],

ln L = ln(1 − CL)·X (`limit_shape: poisson`) or −½(z_CL X)² (`half-gaussian`); X = 1 on the published band.
With loop mixing the Z′ decays too fast (Γ ∝ g² to neutrinos) and this search excludes nothing; with
`kinetic_mixing: free` it constrains |εe| ≫ g.

Data (data/e141/riordan1987.csv: m_GeV, eps_lower, eps_upper): the curve of fig. 2 of Andreas, Niebuhr,
Ringwald, PRD 86 (2012) 095019, arXiv:1209.6083, DIGITISED by the Darkcast authors; 95% CL (Andreas et al.'s
convention; not verified for this curve in a stored copy of the paper).
"""
from __future__ import annotations

from typing import Literal

from likelihoods.e137.likelihood import ElectronBeamDump


class E141(ElectronBeamDump):
    """E141 electron beam dump: dark-photon band (e⁺e⁻, displaced) recast to the Z′ (95% CL; m ≲ 20 MeV)."""

    name = "e141"

    def __init__(self, dataset: str = "riordan1987",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape)
