"""Atomic parity violation in ¹³³Cs (likelihoods/apv/NOTES.md): Gaussian in the nuclear weak charge Q_W.

Prediction (dark-Z formalism of Davoudiasl, Lee, Marciano, arXiv:1203.2947, 1205.2709, 1402.3620):
    Q_W = Q_W^SM + ΔQ_W,  ΔQ_W = δ² f Q_W^SM + 4 Z (s_W c_W) ε δ (m_Z/m_Z′) f,  f = m_Z′²/(m_Z′² + Q²),
Z = 55, Q = 2.4 MeV (typical momentum transfer of the Cs 6S–7S transition; likelihoods/apv/NOTES.md, the value used in
the dark-Z APV papers, e.g. arXiv:1205.2709 — not re-read here), δ = ε_Z m_Z/m_Z′ and ε as in globalfit.physics.zprime
(L ⊃ −e ε Z′J_em − ε_Z g_Z Z′J_Z). The first term is the Z-like (mass-mixing) exchange, the second the interference of
the Z′'s photon-like coupling to the protons, ε e Z, with its Z-like axial coupling to the electron, −ε_Z g_Z/4. A
pure dark photon (δ = 0, vector couplings only) gives no parity violation: with `higgs: none` this is the SM
likelihood. χ² = (Q_W^SM + ΔQ_W − Q_W^exp)²/(σ_exp² + σ_SM²); log L = −χ²/2.

Sign of the interference term (an open question when the plugin was written; likelihoods/apv/NOTES.md). Derived here
from the effective parity-violating interaction, L_PV = −(G_F/2√2) Q_W (ēγ_μγ5e)(N̄γ^μN) with Q_W = −(2√2/G_F) Σ_V
g_A^e(V) G_V(V)/(m_V² + Q²) summed over the exchanged bosons (couplings as L ⊃ −V f̄γ(g_V − g_Aγ5)f; G_V the nuclear
vector coupling). The SM Z (g_A^e = −g_Z/4, G_V = g_Z Q_W/4, g_Z² = 4√2 G_F m_Z²) closes this; the Z′ with g_A^e =
−ε_Z g_Z/4 and G_V = ε_Z g_Z Q_W/4 + ε e Z gives exactly the two terms above with a PLUS sign and s_W c_W ≡ e/g_Z. In
the model, ε > 0 (μ,τ loops) and δ > 0 (Φ with U(1)′ charge +1, as the muon), so the two terms have opposite signs
(Q_W^SM < 0) and nearly cancel at m_Z′ ≈ 10 MeV in the doublet model. tests/test_apv.py repeats this from the coupling
functions (which are themselves checked against the exact diagonalisation of the neutral gauge-boson mass matrix).
Literature: the DLM papers parametrise the dark Z as L ⊃ −e ε J_em Z_d − (g/2c_W) ε_Z J_NC Z_d, i.e. "ε × photon + ε_Z
× Z" exactly as here, and write the effect as G_F → ρ_d G_F, sin²θ_W → κ_d sin²θ_W with ρ_d = 1 + δ² f, κ_d = 1 − ε δ
(m_Z/m_Zd) (c_W/s_W) f, which reproduces the formula above with the same (+) sign. These DLM expressions are quoted
from memory: the paper bodies of arXiv:1203.2947, 1205.2709, 1402.3620 and 2401.17613 could not be read from this
project's tools (only abstracts), so the sign rests on the derivation and the test above, which are
convention-independent in the sense that ε and ε_Z are defined by the Lagrangian (docs/physics/conventions.md,
docs/physics/zprime.md#kinetic-mixing, docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing). With the opposite
sign the doublet point m_Z′ = 10 MeV, g = 5.03e−4 would give χ² = 7.8 instead of 0.45 (cadeddu2021; 8.0 vs 0.41 with
`sw_cw: msbar`).

Which s_W c_W (likewise; likelihoods/apv/NOTES.md): at tree level the factor is e/g_Z. With δ and ε_Z defined through
g_Z = 2m_Z/v (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing, i.e. the G_F normalisation that also normalises
Q_W) and the photon-like coupling at Q² ≈ 0 (α(0)), the consistent value is s_W c_W = e(0) v/(2m_Z) = 0.4088 (option
`sw_cw: tree`, default: 4Z s_W c_W = 89.94). The MS-bar value at m_Z, √(0.23122 · 0.76878) = 0.4216 (`sw_cw: msbar`,
4Z s_W c_W = 92.75; DLM's Δsin²θ_W ≈ −0.42 ε δ (m_Z/m_Zd) f, quoted from memory, uses about this), and the low-energy
value √(0.23857 · 0.76143) = 0.4262 (`low`) differ from it by one-loop-order terms (3.1% and 4.3% of the interference
term).

Direct couplings (models without Z–Z′ mass mixing whose electron has an axial coupling: chiral U(1)_X charges).
The same effective interaction gives ΔQ_W,direct = −(2√2/G_F) g_A^e (Z g_V^p + N g_V^n)/(m_Z′² + Q²), N = 78, read
from the model's `ga_e_direct`, `gv_p_direct`, `gv_n_direct` when it provides them (couplings not from mass mixing,
which the δ terms above already count; 0 for vector-like charges). With the SM Z's couplings this formula returns
Q_W^SM at tree level (tests/test_u1x_model.py).

Data: data/apv/<dataset>.yaml (Q_W^exp with its error components, added in quadrature; Q_W^SM = −73.23(1)).
| dataset | Q_W^exp | source |
|---|---|---|
| cadeddu2021 (default) | −72.94(43) | Cadeddu et al., PRD 104 (2021) L011701, arXiv:2104.03280 |
| porsev2009 | −73.16(29)(20) | Porsev, Beloy, Derevianko, PRL 102 (2009) 181601, arXiv:0902.0335 |
| sahoo2021 | −73.71(26)(23) | Sahoo, Das, Spiesberger, arXiv:2101.10095 |
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from globalfit import catalog
from globalfit.errors import DataError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics.constants import E_CHARGE, G_F, M_Z, S2W_LOW, S2W_MZ, V_HIGGS
from likelihoods._data import mapping, number, text

Z_CS = 55  # protons in ¹³³Cs
N_CS = 78  # neutrons in ¹³³Cs
Q_CS = 2.4e-3  # GeV, typical momentum transfer of Cs APV (likelihoods/apv/NOTES.md)

#: s_W c_W in the interference term: tree = e(0)/g_Z with g_Z = 2m_Z/v (consistent with δ, ε_Z), or
#: √(s²(1−s²)) with the MS-bar s_W² at m_Z or the low-energy value (docs/physics/conventions.md)
SW_CW = {
    "tree": E_CHARGE * V_HIGGS / (2.0 * M_Z),
    "msbar": math.sqrt(S2W_MZ * (1.0 - S2W_MZ)),
    "low": math.sqrt(S2W_LOW * (1.0 - S2W_LOW)),
}


def delta_qw(m_zp: ArrayLike, delta: ArrayLike, eps: ArrayLike, qw_sm: float, sw_cw: float = SW_CW["tree"],
             z: int = Z_CS, q: float = Q_CS) -> np.ndarray:
    """ΔQ_W = δ² f Q_W^SM + 4 Z s_W c_W ε δ (m_Z/m_Z′) f, f = m_Z′²/(m_Z′² + Q²) (dimensionless).

    m_zp and q in GeV; written with m_Z m_Z′/(m_Z′² + Q²) for the second term, so m_Z′ → 0 is finite.
    """
    m2 = np.asarray(m_zp, dtype=float) ** 2
    d = np.asarray(delta, dtype=float)
    den = m2 + q * q
    return d * d * m2 / den * qw_sm + 4.0 * z * sw_cw * np.asarray(eps, dtype=float) * d * M_Z * np.sqrt(m2) / den


def delta_qw_direct(m_zp: ArrayLike, ga_e: ArrayLike, gv_p: ArrayLike, gv_n: ArrayLike, z: int = Z_CS,
                    n: int = N_CS, q: float = Q_CS) -> np.ndarray:
    """ΔQ_W = −(2√2/G_F) g_A^e (Z g_V^p + N g_V^n)/(m_Z′² + Q²) of a Z′ with direct couplings (dimensionless;
    m_zp, q in GeV; couplings as L ⊃ −Z′ f̄γ(g_V − g_Aγ5)f)."""
    m2 = np.asarray(m_zp, dtype=float) ** 2
    nuclear = z * np.asarray(gv_p, dtype=float) + n * np.asarray(gv_n, dtype=float)
    return -2.0 * math.sqrt(2.0) / G_F * np.asarray(ga_e, dtype=float) * nuclear / (m2 + q * q)


def _total_error(raw: dict, part: str, where: str) -> float:
    """The error components of `part` ("experiment" or "theory") added in quadrature."""
    errors = mapping(raw, f"{part}.errors", where)
    return math.sqrt(sum(number(raw, f"{part}.errors.{k}", where, positive=True) ** 2 for k in errors))


class AtomicParityViolation(Likelihood):
    """Cs atomic parity violation: Gaussian in the weak charge Q_W (dark-Z Z–Z′ and kinetic mixing)."""

    name = "apv"
    requires = ("m_zp", "delta_zzp", "eps")
    #: direct couplings of models without mass mixing (module docstring), read when provided
    optional = ("ga_e_direct", "gv_p_direct", "gv_n_direct")

    def __init__(self, dataset: str = "cadeddu2021", sw_cw: Literal["tree", "msbar", "low"] = "tree"):
        super().__init__(dataset, sw_cw=sw_cw)
        raw, where = catalog.load_dataset_yaml(f"apv/{dataset}.yaml", ["nucleus", "experiment", "theory"])
        if number(raw, "nucleus.Z", where) != Z_CS:
            raise DataError(f"{where}: the APV likelihood is for ¹³³Cs (Z = {Z_CS})")
        self.qw_exp = number(raw, "experiment.value", where)
        self.qw_sm = number(raw, "theory.value", where)
        self.sigma = math.hypot(_total_error(raw, "experiment", where), _total_error(raw, "theory", where))
        self.sw_cw = SW_CW[sw_cw]
        self.sources = [text(raw, "experiment.source", where), text(raw, "theory.source", where)]

    def delta_qw(self, q) -> np.ndarray:
        """ΔQ_W at the points of `q` (needs m_zp, delta_zzp, eps; adds the direct term when the model provides
        ga_e_direct, gv_p_direct, gv_n_direct)."""
        out = delta_qw(q["m_zp"], q["delta_zzp"], q["eps"], self.qw_sm, self.sw_cw)
        if all(k in q for k in self.optional):
            out = out + delta_qw_direct(q["m_zp"], q["ga_e_direct"], q["gv_p_direct"], q["gv_n_direct"])
        return out

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel | None:
        """Compiled twin (likelihoods/apv/kernel.py), with the direct couplings when the model provides all three."""
        data = (self.qw_sm, self.qw_exp, self.sigma, 4.0 * Z_CS * self.sw_cw, Q_CS, float(Z_CS), float(N_CS))
        if all(k in optional for k in self.optional):
            return Kernel("likelihoods.apv.kernel:loglike_direct", data, (*self.requires, *self.optional))
        return Kernel("likelihoods.apv.kernel:loglike", data)

    def loglike(self, q):
        pull = (self.qw_sm + self.delta_qw(q) - self.qw_exp) / self.sigma
        return -0.5 * pull**2

    def describe(self):
        return {**super().describe(), "qw_exp": self.qw_exp, "qw_sm": self.qw_sm, "error": self.sigma,
                "sw_cw": self.sw_cw, "q_gev": Q_CS, "sources": self.sources}
