"""Orsay (LAL electron beam dump): the published dark-photon band recast to the Z′ (likelihoods/orsay/NOTES.md).

A 1.6 GeV electron beam dumped in tungsten, a search for e⁺e⁻ pairs from light neutral bosons behind ≈ 1 m of
shielding (M. Davier, H. Nguyen Ngoc, PLB 229 (1989) 150); as a dark-photon limit it covers m ≈ 1–80 MeV.

Prediction and likelihood: as for E137 (likelihoods/e137/likelihood.py, globalfit.physics.beam_dump), with
R = 1 + L_dec/L_sh = 1 + 2/1 (Darkcast's ratio for this search):

  X = [(gv_e² + ga_e²)/e² · BR(Z′→e⁺e⁻) · (e^{−x} − e^{−Rx})] / [ε₀² BR(A′→e⁺e⁻) (e^{−u} − e^{−Ru})],

ln L = ln(1 − CL)·X (`limit_shape: poisson`) or −½(z_CL X)² (`half-gaussian`); X = 1 on the published band.

Data (data/orsay/davier1989.csv: m_GeV, eps_lower, eps_upper): the curve of fig. 2 of Andreas, Niebuhr,
Ringwald, PRD 86 (2012) 095019, arXiv:1209.6083 (who derived this limit), DIGITISED by the Darkcast authors;
95% CL (Andreas et al.'s convention; not verified for this curve in a stored copy of the paper).
"""
from __future__ import annotations

from typing import Literal

from likelihoods.e137.likelihood import ElectronBeamDump


class Orsay(ElectronBeamDump):
    """Orsay electron beam dump: dark-photon band (e⁺e⁻, displaced) recast to the Z′ (95% CL; m ≈ 1–80 MeV)."""

    name = "orsay"

    def __init__(self, dataset: str = "davier1989",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape)
