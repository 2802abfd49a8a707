"""Neutrino trident production ν_μ N → ν_μ μ⁺μ⁻ N with a U(1)_{Lμ−Lτ} Z′ (likelihoods/trident/NOTES.md).

Units: GeV (energies, masses, momenta), GeV⁻² (cross sections); fm only where a name says so.

Effective interaction (ν_μ–μ: W exchange Fierzed plus Z exchange; Z′ exchange with its propagator):
    L = −(G_F/√2) [ν̄ γ_α (1−γ5) ν] [μ̄ γ^α (C_V(q²) − C_A γ5) μ],
    C_V(q²) = ½ + 2 s_W² + g² v² / (m_Z′² − q²),   C_A = ½,   q = p_ν − p_ν′ (q² = −Q² ≤ 0),
v² = 1/(√2 G_F). The SM values follow from g_V = −½ + 2s_W², g_A = −½ (Z) plus +1, +1 from the Fierzed W
exchange (e.g. PDG review "Electroweak model", ν–e scattering, with e → μ). The Z′ term follows from
L ⊃ −g Z′_α (μ̄γ^αμ + ν̄_μγ^αP_Lν_μ) (docs/physics/conventions.md): it adds to C_V with the sign of the SM (constructive
interference) and for m_Z′² ≫ Q² gives the contact coupling of Altmannshofer, Gori, Pospelov, Yavin,
PRL 113 (2014) 091801, arXiv:1406.2332 (AGPY): 2C_V = 1 + 4 s_W² + 2 v² g²/m_Z′². The q_αq_β/m_Z′² term
of the propagator drops out (both currents are conserved: massless ν, vector coupling to μ). s_W² is
the low-energy value (docs/physics/conventions.md: 0.23857), appropriate for Q² ≲ few GeV².

ν_μ(k) γ(p) → ν_μ(k′) μ⁻(p₁) μ⁺(p₂) at tree level, the photon on either muon line:
    M = (G_F/√2) e J_α ū(p₁)[ε̸ S(p₁−p) Γ^α + Γ^α S(p−p₂) ε̸] v(p₂),   Γ^α = γ^α(C_V − C_A γ5),
    J_α = ū(k′)γ_α(1−γ5)u(k),   S(l) = (l̸ + m_μ)/(l² − m_μ²),
with explicit Dirac matrices and spinors (Dirac representation), summed over muon spins and photon
polarisations. Tested: gauge invariance (ε → p gives 0), spin sums against Dirac traces, and the
high-energy limit σ → (αG_F²ŝ/9π²)(C_V² + C_A²)[ln(ŝ/m_μ²) − 8/3] (the coefficient of the log follows
from the photon's μ± content times σ(ν_μμ± → ν_μμ±); the constant −8/3 is our result). Since C_V depends
only on Q², σ = ∫ [C_V(Q²)² VV − 2 C_V(Q²) C_A VA + C_A² AA] exactly, with Q²-resolved pieces VV, AA, VA;
VA is odd under μ⁺ ↔ μ⁻ and integrates to zero (so ν̄_μ gives the same ratio). Hence
    σ/σ_SM = 1 + A(m_Z′) y² + B(m_Z′) y⁴,   y = g/10⁻³,   κ = 10⁻⁶ v² [GeV²],
    A = 2κ ∫ (C_V VV − C_A VA)/(m_Z′² + Q²) / σ_SM,   B = κ² ∫ VV/(m_Z′² + Q²)² / σ_SM.
For m_Z′ → ∞, A m_Z′² → 2κC_V/(C_V² + r C_A²) with r = AA/VV; AGPY's formula is the massless-muon case
r = 1 (r = 1.11 for CCFR, 1.29 for CHARM-II: their contact formula overstates R − 1 by 2–6%).
Phase space: exact 2 → 3 in (m_μμ², Q², cos θ*, φ*) (μ⁻ direction in the μμ rest frame relative to the
photon) with Gauss–Legendre rules (trapezoidal in φ*) and maps absorbing the collinear muon-propagator
peaks; Q² is resolved logarithmically down to 10⁻¹² GeV² so that A, B are exact down to m_Z′ ~ 10⁻⁵ GeV.

Coherent nuclear cross section in the equivalent-photon approximation (EPA; the approach of AGPY, see
likelihoods/trident/NOTES.md). Nucleus at rest, neutrino energy E; transverse photon flux for x ≪ 1 (Budnev, Ginzburg,
Meledin, Serbo, Phys. Rept. 15 (1975) 181):
    σ_νA = (Z² α/π) ∫ dŝ/ŝ σ_νγ(ŝ) Φ(ŝ),   Φ = ∫_{Q²_min}^∞ dQ²/Q² (1 − Q²_min/Q²) F²(Q²),
Q²_min = (ŝ/2E)², F(Q²) = exp(−Q² r²/6), r the rms charge radius (Gaussian charge distribution), so
Φ = (1 + x) E₁(x) − e^{−x}, x = Q²_min r²/3. likelihoods/trident/NOTES.md writes Φ without the factor (1 − Q²_min/Q²)
(Φ = E₁(x), `qmin_factor=False`): that overestimates the flux where Q²_min ~ 1/r², which dominates the
rate (σ_SM on Fe at 160 GeV +67%) and lowers A(100 MeV) by 17%. The factor is confirmed by the
calculation without the EPA (`method="coulomb"`): the static Coulomb field of the nucleus, A⁰ = ZeF/|q|²,
and the virtual-photon cross sections σ_T(W², Q_γ²), σ_L(W², Q_γ²) give
    σ = (Z²α/π) ∫ dW²/W² ∫ dQ_γ²/Q_γ² F² [(1 − Q²_min/Q_γ²) σ_T + σ_L]   (exact kinematics in the code),
which reduces to the EPA above for σ_L → 0, σ_T → σ_νγ; it differs from the EPA by 1.5% (CCFR) and 4.5% (CHARM-II) in
σ_SM and by ≤ 1% and ≤ 1.5% in A (≤ 2%, 4% in B) for m_Z′ ≥ 10 MeV. Only σ/σ_SM enters the likelihood; the EPA is poor
for absolute trident rates in general (Ballett et al., arXiv:1807.10973, find it adequate only for coherent μ⁺μ⁻). Not
included: incoherent (nucleon) and diffractive scattering, nuclear recoil, the beam spectrum (one mean energy per
experiment).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import exp1

from globalfit.physics.constants import ALPHA_0, G_F, M_MU, S2W_LOW, V_HIGGS

HBARC_GEV_FM = 0.1973269804  # ħc [GeV fm] (CODATA 2018)
GEV2_TO_CM2 = 0.3893793721e-27  # 1 GeV⁻² in cm² ((ħc)², CODATA 2018)

C_V_SM = 0.5 + 2.0 * S2W_LOW  # ν_μ–μ vector coupling (W + Z), s_W² at low Q²
C_A_SM = 0.5  # ν_μ–μ axial coupling
KAPPA = 1e-6 * V_HIGGS**2  # g² v² for g = 10⁻³ (y = 1) [GeV²]


def contact_ratio(m_zp: ArrayLike, g_zp: ArrayLike, s2w: float = S2W_LOW) -> np.ndarray:
    """σ/σ_SM in the heavy-Z′ (contact) limit (AGPY, arXiv:1406.2332; likelihoods/trident/NOTES.md):
    [(1 + 4s_W² + 2v²g²/m_Z′²)² + 1] / [(1 + 4s_W²)² + 1]; m_zp in GeV. Valid for m_Z′² ≫ Q² ~ GeV²."""
    m = np.asarray(m_zp, dtype=float)
    g = np.asarray(g_zp, dtype=float)
    cv2 = 1.0 + 4.0 * s2w
    return ((cv2 + 2.0 * V_HIGGS**2 * g**2 / m**2) ** 2 + 1.0) / (cv2**2 + 1.0)


# ------------------------------------------------------------------------------------- Dirac algebra
_S = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)  # Pauli σ_i
_I2, _Z2 = np.eye(2, dtype=complex), np.zeros((2, 2), dtype=complex)
GAMMA = np.array([np.block([[_I2, _Z2], [_Z2, -_I2]])]
                 + [np.block([[_Z2, s], [-s, _Z2]]) for s in _S])  # γ^μ, Dirac representation
GAMMA5 = np.block([[_Z2, _I2], [_I2, _Z2]])  # iγ⁰γ¹γ²γ³
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
_GAMMA_LOW = np.einsum("mn,nij->mij", METRIC, GAMMA)  # γ_μ


def slash(a: np.ndarray) -> np.ndarray:
    """a̸ = γ^μ a_μ for 4-vectors a[..., μ] (contravariant components, may be complex) → [..., 4, 4]."""
    return (a @ _GAMMA_LOW.reshape(4, 16)).reshape(a.shape[:-1] + (4, 4))


def mdot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minkowski product a·b (metric +−−−) of 4-vectors a[..., μ], b[..., μ]."""
    return a[..., 0] * b[..., 0] - a[..., 1] * b[..., 1] - a[..., 2] * b[..., 2] - a[..., 3] * b[..., 3]


def _sigma_dot(p3: np.ndarray) -> np.ndarray:
    return np.einsum("...i,ijk->...jk", p3.astype(complex), _S)


def massive_spinors(p: np.ndarray, m: float) -> tuple[np.ndarray, np.ndarray]:
    """u(p, s), v(p, s) for s = 1, 2 as columns [..., 4, 2] (Dirac representation, ūu = 2m):
    u = (√(E+m) χ, σ·p χ/√(E+m)), v = (σ·p η/√(E+m), √(E+m) η), so Σu ū = p̸ + m, Σv v̄ = p̸ − m."""
    n = np.sqrt(p[..., 0] + m)[..., None, None]
    sp = _sigma_dot(p[..., 1:]) / n
    top = np.broadcast_to(_I2, sp.shape) * n
    return np.concatenate([top, sp], axis=-2), np.concatenate([sp, top], axis=-2)


def left_spinor(k: np.ndarray) -> np.ndarray:
    """Massless negative-helicity spinor u_L(k) [..., 4] (Dirac representation, u†u = 2E, (1−γ5)u_L = 2u_L)."""
    e = k[..., 0]
    n = k[..., 1:] / e[..., None]
    up = n[..., 2] >= 0
    sq_p = np.sqrt(2.0 * (1.0 + np.where(up, n[..., 2], 0.0)))
    sq_m = np.sqrt(2.0 * (1.0 - np.where(up, 0.0, n[..., 2])))
    # eigenvector of σ·n with eigenvalue −1, two equivalent forms (stable for n_z ≥ 0 and n_z < 0)
    a = np.where(up, -(n[..., 0] - 1j * n[..., 1]) / sq_p, (1.0 - n[..., 2]) / sq_m)
    b = np.where(up, (1.0 + n[..., 2]) / sq_p, -(n[..., 0] + 1j * n[..., 1]) / sq_m)
    chi = np.stack([a, b], axis=-1) * np.sqrt(e)[..., None]
    return np.concatenate([chi, -chi], axis=-1)


def amplitudes(k: np.ndarray, kp: np.ndarray, p: np.ndarray, eps: np.ndarray, p1: np.ndarray,
               p2: np.ndarray, m: float = M_MU) -> tuple[np.ndarray, np.ndarray]:
    """Reduced amplitudes M_V, M_A [..., 2, 2] (μ⁻ spin, μ⁺ spin) of ν(k) γ(p, ε) → ν(k′) μ⁻(p₁) μ⁺(p₂):
    M_X = ū(p₁)[ε̸ S(p₁−p) J̸Γ_X + J̸Γ_X S(p−p₂) ε̸] v(p₂), Γ_V = 1, Γ_A = γ5, J = ū_L(k′)γ(1−γ5)u_L(k);
    the full amplitude is (G_F/√2) e (C_V M_V − C_A M_A). Momenta [..., 4] in GeV; eps [..., 4] or
    [..., n_pol, 4] (then the results are [..., n_pol, 2, 2])."""
    ul_k, ul_kp = left_spinor(k), left_spinor(kp)
    g0g = (GAMMA[0] @ GAMMA).transpose(1, 0, 2).reshape(4, 16)  # (γ⁰γ^μ)_ij as [i, (μ, j)]
    jcur = 2.0 * np.einsum("...mj,...j->...m", (ul_kp.conj() @ g0g).reshape(k.shape[:-1] + (4, 4)), ul_k)
    js = slash(jcur)
    eye = np.eye(4)
    s1 = slash(p1 - p) + m * eye
    s2 = slash(p - p2) + m * eye
    d1 = (mdot(p1 - p, p1 - p) - m * m)[..., None, None]
    d2 = (mdot(p - p2, p - p2) - m * m)[..., None, None]
    u1, _ = massive_spinors(p1, m)
    _, v2 = massive_spinors(p2, m)
    ubar1 = np.swapaxes(u1.conj(), -1, -2) @ GAMMA[0]  # [..., 2, 4]
    ubar_j = ubar1 @ js
    ubar_j5 = ubar_j @ GAMMA5
    jv = js @ v2  # [..., 4, 2]
    j5v = js @ (GAMMA5 @ v2)
    pol = eps.ndim > k.ndim
    es = slash(eps)
    if pol:  # add the polarisation axis
        ubar1, s1, s2, d1, d2, v2, ubar_j, ubar_j5, jv, j5v = (
            x[..., None, :, :] for x in (ubar1, s1, s2, d1, d2, v2, ubar_j, ubar_j5, jv, j5v))
    left = (ubar1 @ es) @ s1 / d1  # ū ε̸ S₁ / D₁
    right = s2 @ (es @ v2) / d2  # S₂ ε̸ v / D₂
    return left @ jv + ubar_j @ right, left @ j5v + ubar_j5 @ right


# ------------------------------------------------------------------------------------------ kinematics
def kinematics(w2: ArrayLike, m2_pair: ArrayLike, q2: ArrayLike, cos_mu: ArrayLike, phi_mu: ArrayLike,
               q2_gamma: ArrayLike = 0.0, m: float = M_MU) -> tuple[np.ndarray, ...]:
    """Four-momenta (k, k′, p, p₁, p₂) [..., 4] in the μ⁺μ⁻ rest frame, ẑ along the photon, k in the x–z plane.

    w2 = (k+p)² (= ŝ for a real photon), m2_pair = (p₁+p₂)², q2 = Q² = −(k−k′)² ∈ [0, (W²+Q_γ²)(W²−m_μμ²)/W²],
    q2_gamma = Q_γ² = −p² ≥ 0; cos_mu, phi_mu: μ⁻ direction relative to the photon in that frame.
    From the invariants: E_γ = (m_μμ² − Q_γ² + Q²)/(2m_μμ), E_ν = (W² + Q_γ² − Q²)/(2m_μμ), k·p = (W² + Q_γ²)/2."""
    w2, mm2, q2, c, ph, qg2 = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                                   (w2, m2_pair, q2, cos_mu, phi_mu, q2_gamma)))
    mm = np.sqrt(mm2)
    eg = (mm2 - qg2 + q2) / (2.0 * mm)
    pg = np.sqrt(eg * eg + qg2)
    ek = (w2 + qg2 - q2) / (2.0 * mm)
    ck = np.clip((eg - 0.5 * (w2 + qg2) / ek) / pg, -1.0, 1.0)
    sk = np.sqrt(1.0 - ck * ck)
    zero = np.zeros_like(w2)
    p = np.stack([eg, zero, zero, pg], axis=-1)
    k = np.stack([ek, ek * sk, zero, ek * ck], axis=-1)
    q = np.stack([mm - eg, zero, zero, -pg], axis=-1)
    kp = k - q
    beta = np.sqrt(np.clip(1.0 - 4.0 * m * m / mm2, 0.0, 1.0))
    sn = np.sqrt(np.clip(1.0 - c * c, 0.0, 1.0))
    n3 = np.stack([sn * np.cos(ph), sn * np.sin(ph), c], axis=-1) * (0.5 * mm * beta)[..., None]
    half = (0.5 * mm)[..., None]
    p1 = np.concatenate([half, n3], axis=-1)
    p2 = np.concatenate([half, -n3], axis=-1)
    return k, kp, p, p1, p2


EPS_Y = np.array([0.0, 0.0, 1.0, 0.0])  # ŷ: orthogonal to the photon and to k in the frame of `kinematics`


def polarisations(k: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Photon polarisation vectors [..., 4] in the frame of `kinematics` (p along ẑ, k in the x–z plane):
    the two transverse ones orthogonal to p and k (ŷ, and x̂ + a k normalised, a = k_x Q_γ²/(k·p)², up
    to a gauge term ∝ p) and the longitudinal ε_L = (Q_γ/k·p) k (≡ k − (k·p/p²)p normalised, up to a
    term ∝ p); Q_γ² = −p² (ε_L is zero for a real photon)."""
    kp = mdot(k, p)
    qg2 = np.maximum(-mdot(p, p), 0.0)
    a = k[..., 1] * qg2 / kp**2
    x = np.zeros_like(k)
    x[..., 1] = 1.0
    eps_x = (x + a[..., None] * k) / np.sqrt(1.0 + k[..., 1] ** 2 * qg2 / kp**2)[..., None]
    eps_l = k * (np.sqrt(qg2) / kp)[..., None]
    return np.broadcast_to(EPS_Y, k.shape), eps_x, eps_l


def squared_parts(k: np.ndarray, kp: np.ndarray, p: np.ndarray, p1: np.ndarray, p2: np.ndarray,
                  eps: np.ndarray, m: float = M_MU) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Σ|M_V|², Σ|M_A|², Σ Re M_V M_A* summed over muon spins, for photon polarisation eps [..., 4]."""
    mv, ma = amplitudes(k, kp, p, np.broadcast_to(eps, p.shape), p1, p2, m)
    axes = (-1, -2)
    return (np.sum(mv.real**2 + mv.imag**2, axis=axes), np.sum(ma.real**2 + ma.imag**2, axis=axes),
            np.sum(mv.real * ma.real + mv.imag * ma.imag, axis=axes))


# --------------------------------------------------------------------------------- ν γ cross section
@dataclass(frozen=True)
class Nodes:
    """Quadrature sizes: pair mass, Q² (two panels), μ polar angle, μ azimuth, ŝ (EPA fold)."""
    m2: int = 24
    q2: int = 24  # per panel
    cos: int = 32
    phi: int = 8
    s: int = 40
    q2_floor: float = 1e-12  # smallest Q² resolved [GeV²]; the region below contributes ∝ Q²_floor


#: coarse quadrature for checking a table builder quickly (data/*/build_table.py --quick), not for tables
QUICK_NODES = Nodes(m2=12, q2=12, cos=16, phi=6, s=16)


def table_summary(data: dict, seconds: float) -> str:
    """One line on a built coefficient table (data/trident, data/trident_forecast): build time, σ_SM, A and B at
    m_Z′ = 100 MeV and the interpolation error."""
    i = int(np.argmin(np.abs(data["m_zp"] - 0.1)))
    return (f"{seconds:.0f} s; sigma_SM = {float(data['sigma_sm_cm2']):.4e} cm^2 per target unit; "
            f"A(100 MeV) = {data['A'][i]:.4f}, B(100 MeV) = {data['B'][i]:.4e}; "
            f"interpolation error <= {float(data['interp_max_rel_error']):.1e}")


def table_arrays(fine: np.ndarray, r: dict, nuclei: list, nodes: Nodes) -> dict[str, np.ndarray]:
    """The arrays every stored coefficient table holds, from ratio coefficients `r` computed on `fine` (grid points at
    even indices, midpoints at odd ones: the midpoints measure the interpolation error): the grid, A, B, their
    limits, σ_SM [cm²], the couplings' ratios, the target nuclei and the constants and quadrature used."""
    grid = slice(0, None, 2)
    table = CoefficientTable.from_arrays(fine[grid], r["A"][grid], r["B"][grid], r["a_inf"], r["b_inf"])
    a_mid, b_mid = table.coefficients(fine[1::2])
    err = max(np.max(np.abs(a_mid / r["A"][1::2] - 1)), np.max(np.abs(b_mid / r["B"][1::2] - 1)))
    return {
        "m_zp": fine[grid], "A": r["A"][grid], "B": r["B"][grid],
        "a_inf": np.float64(r["a_inf"]), "b_inf": np.float64(r["b_inf"]),
        "sigma_sm_cm2": np.float64(r["sigma_sm"] * GEV2_TO_CM2),
        "aa_over_vv": np.float64(r["aa_over_vv"]), "va_over_vv": np.float64(r["va_over_vv"]),
        "interp_max_rel_error": np.float64(err),
        "nucleus_z": np.array([x.z for x in nuclei]),
        "nucleus_count": np.array([x.count for x in nuclei], dtype=float),
        "nucleus_radius_fm": np.array([x.radius_fm for x in nuclei]),
        "s2w": np.float64(S2W_LOW), "c_v": np.float64(C_V_SM), "c_a": np.float64(C_A_SM),
        "m_mu": np.float64(M_MU),
        "nodes": np.array([nodes.m2, nodes.q2, nodes.cos, nodes.phi, nodes.s]),
    }


def _gl(n: int, a, b):
    x, w = np.polynomial.legendre.leggauss(n)
    a, b = np.asarray(a, dtype=float)[..., None], np.asarray(b, dtype=float)[..., None]
    return 0.5 * (b - a) * x + 0.5 * (b + a), 0.5 * (b - a) * w


_PARTS = ("vv", "aa", "va")


def nugamma_parts(w2: float, nodes: Nodes = Nodes(), m: float = M_MU, q2_gamma: float = 0.0
                  ) -> dict[str, np.ndarray]:
    """Q²-resolved pieces of σ(ν_μ γ → ν_μ μ⁺μ⁻) at W² = (k+p)² [GeV²] on a (m_μμ², Q²) node grid.

    Returns q2 [n_m2, 2 n_q2] (Q² = −(k−k′)², GeV²) and the transverse pieces vv, aa, va (GeV⁻², quadrature
    weights included) with σ = Σ (C_V² vv + C_A² aa − 2 C_V C_A va) for any Q²-dependent C_V. For a
    virtual photon (q2_gamma = −p² > 0) also the longitudinal pieces l_vv, l_aa, l_va. Convention:
    σ_X = (1/2W²) ∫dΦ₃ Σ_spins |ε_X·M|², |M|² = (G_F²/2) 4πα |C_V M_V − C_A M_A|², averaged over the two
    transverse polarisations for X = T (see `polarisations`), dΦ₃ = β dm_μμ² dQ² dcosθ* dφ* / (512 π⁴
    (W² + Q_γ²)) (the azimuth of the event about the beam axis, 2π, is included: both σ_T and σ_L are
    invariant under it). Maps: m_μμ² = 4m² cosh²w (β dm_μμ² = 8m² sinh²w dw); Q² = Q²_max e^{−t} on two
    panels, [0, 6] and [6, ln(Q²_max/Q²_floor)]; β cosθ* = tanh u (absorbs the 1/(1 ∓ β cosθ*) peaks of
    the muon propagators); trapezoidal in φ* (exact for the trigonometric polynomial in φ*)."""
    long = q2_gamma > 0.0
    keys = _PARTS + (tuple("l_" + k for k in _PARTS) if long else ())
    shape = (nodes.m2, 2 * nodes.q2)
    if w2 <= 4.0 * m * m:
        return {"q2": np.ones(shape), **{k: np.zeros(shape) for k in keys}}
    w_hi = np.arccosh(np.sqrt(w2) / (2.0 * m))
    w, ww = _gl(nodes.m2, 0.0, w_hi)
    mm2 = 4.0 * m * m * np.cosh(w) ** 2
    jac_m = 8.0 * m * m * np.sinh(w) ** 2 * ww  # β dm_μμ² (β included)
    q2max = (w2 + q2_gamma) * (w2 - mm2) / w2
    t_end = np.log(q2max / np.minimum(nodes.q2_floor, 1e-6 * q2max))
    t_split = np.minimum(6.0, 0.5 * t_end)
    t1, wt1 = _gl(nodes.q2, 0.0, t_split)
    t2, wt2 = _gl(nodes.q2, t_split, t_end)
    t, wt = np.concatenate([t1, t2], axis=-1), np.concatenate([wt1, wt2], axis=-1)
    q2 = q2max[:, None] * np.exp(-t)
    jac_q = q2 * wt  # dQ² = Q² dt
    phi = 2.0 * np.pi * (np.arange(nodes.phi) + 0.5) / nodes.phi
    wphi = 2.0 * np.pi / nodes.phi
    out = {"q2": q2, **{k: np.zeros(shape) for k in keys}}
    norm = 0.5 * G_F**2 * 4.0 * np.pi * ALPHA_0 / (2.0 * w2) / (512.0 * np.pi**4 * (w2 + q2_gamma))
    grid = (2 * nodes.q2, nodes.cos, nodes.phi)
    for i in range(nodes.m2):
        beta = np.sqrt(1.0 - 4.0 * m * m / mm2[i])
        u, wu = _gl(nodes.cos, -np.arctanh(beta), np.arctanh(beta))
        c = np.tanh(u) / beta
        wc = wu * (1.0 - (beta * c) ** 2) / beta  # dcosθ* = (1 − β²c²)/β du
        mom = kinematics(w2, mm2[i], np.broadcast_to(q2[i][:, None, None], grid),
                         np.broadcast_to(c[:, None], grid), np.broadcast_to(phi, grid), q2_gamma, m)
        wgt = (wc[:, None] * wphi) * norm * (jac_q[i] * jac_m[i])[:, None, None]
        eps_y, eps_x, eps_l = polarisations(mom[0], mom[2])
        for eps in (eps_y, eps_x):  # transverse: average of the two
            for key, val in zip(_PARTS, squared_parts(*mom, eps=eps, m=m)):
                out[key][i] += 0.5 * np.sum(val * wgt, axis=(-1, -2))
        if long:
            for key, val in zip(_PARTS, squared_parts(*mom, eps=eps_l, m=m)):
                out["l_" + key][i] = np.sum(val * wgt, axis=(-1, -2))
    return out


def nugamma_cross_section(s_hat: float, c_v: float = C_V_SM, c_a: float = C_A_SM, nodes: Nodes = Nodes(),
                          m: float = M_MU) -> float:
    """σ(ν_μ γ → ν_μ μ⁺μ⁻) [GeV⁻²] at ŝ [GeV²] with constant couplings (SM by default)."""
    r = nugamma_parts(s_hat, nodes, m)
    return float(np.sum(c_v**2 * r["vv"] + c_a**2 * r["aa"] - 2.0 * c_v * c_a * r["va"]))


# -------------------------------------------------------------------------------------- EPA and nuclei
@dataclass(frozen=True)
class Nucleus:
    """A target nucleus: charge Z, number per target unit (e.g. 2 O per SiO₂), rms charge radius [fm]."""
    z: int
    count: float
    radius_fm: float


def epa_flux(s_hat: ArrayLike, energy: float, radius_fm: float, qmin_factor: bool = True) -> np.ndarray:
    """Φ(ŝ) = ∫_{Q²min}^∞ dQ²/Q² (1 − Q²min/Q²) F²(Q²), F = exp(−Q²r²/6), Q²min = (ŝ/2E)² (dimensionless;
    Budnev et al., Phys. Rept. 15 (1975) 181). Closed form (1+x)E₁(x) − e^{−x}, x = Q²min r²/3;
    qmin_factor=False drops (1 − Q²min/Q²) (the form written in likelihoods/trident/NOTES.md): E₁(x). energy in GeV."""
    r = radius_fm / HBARC_GEV_FM
    x = (np.asarray(s_hat, dtype=float) / (2.0 * energy)) ** 2 * r * r / 3.0
    x = np.minimum(x, 700.0)
    if not qmin_factor:
        return exp1(x)
    return np.maximum((1.0 + x) * exp1(x) - np.exp(-x), 0.0)


def _epa_terms(nuclei: Sequence[Nucleus], energy: float, nodes: Nodes, qmin_factor: bool, m: float):
    """(weight, parts) pairs of the EPA fold: σ_νA = Σ weight × σ_νγ pieces (weight dimensionless)."""
    r_min = min(n.radius_fm for n in nuclei) / HBARC_GEV_FM
    s_max = energy * np.sqrt(12.0 * 25.0) / r_min  # F² = e^{−25} at Q²_min for the smallest nucleus
    ls, wls = _gl(nodes.s, np.log(4.0 * m * m), np.log(s_max))
    for lsi, wi in zip(ls, wls):
        s_hat = float(np.exp(lsi))
        flux = sum(n.count * n.z**2 * epa_flux(s_hat, energy, n.radius_fm, qmin_factor) for n in nuclei)
        weight = wi * flux * ALPHA_0 / np.pi  # dŝ/ŝ = d ln ŝ
        if weight > 0.0:
            yield weight, nugamma_parts(s_hat, nodes, m)


def _coulomb_terms(nuclei: Sequence[Nucleus], energy: float, nodes: Nodes, n_qt: int, m: float):
    """(weight, parts) pairs of the coherent cross section in the static Coulomb field of the nuclei
    without the EPA (one-photon exchange, no nuclear recoil; F as in `epa_flux`):
        σ = ∫ dq⊥² dW² Z²e² F²(Q_γ²) 2W² [q⊥² σ_T(W², Q_γ²) + Q_γ² σ_L(W², Q_γ²)] / (32π² E (E−a) Q_γ⁴ a²),
    q = (0, q⊥, −a) the photon momentum in the nucleus rest frame, a = E − √(E² − W² − q⊥²),
    Q_γ² = q⊥² + a². Derived from the potential A⁰ = Z e F/|q|² and the gauge-invariant tensor
    decomposition of the νγ* → νμμ cross section; dropping σ_L and the Q_γ² dependence of σ_T gives the
    EPA of `epa_flux` with the factor (1 − Q²_min/Q²)."""
    e2 = 4.0 * np.pi * ALPHA_0
    b = {n: (n.radius_fm / HBARC_GEV_FM) ** 2 / 3.0 for n in nuclei}
    b_min = min(b.values())
    w2_max = 2.0 * energy * np.sqrt(25.0 / b_min)  # a ≈ W²/2E reaches F² = e^{−25}
    lw, wlw = _gl(nodes.s, np.log(4.0 * m * m), np.log(w2_max))
    for lwi, wi in zip(lw, wlw):
        w2 = float(np.exp(lwi))
        a0 = w2 / (2.0 * energy)
        lq, wlq = _gl(n_qt, np.log(1e-3 * min(a0 * a0, 1.0 / b_min)), np.log(30.0 / b_min))
        for lqi, wqi in zip(lq, wlq):
            qt2 = float(np.exp(lqi))
            if w2 + qt2 >= energy**2:
                continue
            a = energy - np.sqrt(energy**2 - w2 - qt2)
            qg2 = qt2 + a * a
            ff2 = sum(n.count * n.z**2 * np.exp(-b[n] * qg2) for n in nuclei)
            weight = (wi * w2) * (wqi * qt2) * e2 * ff2 * 2.0 * w2 / (32.0 * np.pi**2 * energy * (energy - a)
                                                                    * qg2**2 * a * a)
            if weight <= 0.0 or ff2 < 1e-300:
                continue
            r = nugamma_parts(w2, nodes, m, q2_gamma=qg2)
            parts = {"q2": r["q2"], **{k: qt2 * r[k] + qg2 * r["l_" + k] for k in _PARTS}}
            yield weight, parts


def ratio_coefficients(m_zp: ArrayLike, nuclei: Sequence[Nucleus], energy: float, nodes: Nodes = Nodes(),
                       method: str = "epa", qmin_factor: bool = True, n_qt: int = 16,
                       m: float = M_MU) -> dict[str, np.ndarray | float]:
    """A(m_Z′), B(m_Z′) of σ/σ_SM = 1 + A y² + B y⁴ (y = g/10⁻³) for coherent trident on `nuclei` at
    neutrino energy `energy` [GeV], m_zp [GeV] (array). method "epa" (default; `epa_flux`) or "coulomb"
    (`_coulomb_terms`, no EPA, n_qt nodes in q⊥²). Also returns the SM coherent cross section per target
    unit sigma_sm [GeV⁻²], the contact-limit coefficients a_inf = lim A m², b_inf = lim B m⁴ [GeV², GeV⁴],
    and the ratios of the axial and V–A pieces to the vector piece (1 and 0 for massless muons)."""
    if method not in ("epa", "coulomb"):
        raise ValueError(f"method {method!r}: expected 'epa' or 'coulomb'")
    m_zp = np.atleast_1d(np.asarray(m_zp, dtype=float))
    m2 = m_zp[:, None] ** 2
    terms = (_epa_terms(nuclei, energy, nodes, qmin_factor, m) if method == "epa"
             else _coulomb_terms(nuclei, energy, nodes, n_qt, m))
    num_a = np.zeros_like(m_zp)
    num_b = np.zeros_like(m_zp)
    tot = dict.fromkeys(("vv", "aa", "va", "lin"), 0.0)
    for weight, r in terms:
        q2, vv, aa, va = (r[k].ravel() for k in ("q2", "vv", "aa", "va"))
        lin = C_V_SM * vv - C_A_SM * va
        num_a += weight * ((1.0 / (m2 + q2)) @ lin)
        num_b += weight * ((1.0 / (m2 + q2) ** 2) @ vv)
        for key, val in (("vv", vv), ("aa", aa), ("va", va), ("lin", lin)):
            tot[key] += weight * np.sum(val)
    sigma_sm = C_V_SM**2 * tot["vv"] + C_A_SM**2 * tot["aa"] - 2.0 * C_V_SM * C_A_SM * tot["va"]
    return {"A": 2.0 * KAPPA * num_a / sigma_sm, "B": KAPPA**2 * num_b / sigma_sm, "sigma_sm": sigma_sm,
            "a_inf": 2.0 * KAPPA * tot["lin"] / sigma_sm, "b_inf": KAPPA**2 * tot["vv"] / sigma_sm,
            "aa_over_vv": tot["aa"] / tot["vv"], "va_over_vv": tot["va"] / tot["vv"]}


# ----------------------------------------------------------------------------------- run-time tables
@dataclass(frozen=True)
class CoefficientTable:
    """A(m_Z′), B(m_Z′) tabulated in ln m_Z′ (from data/trident/build_table.py), interpolated linearly in
    (ln m, ln A) and (ln m, ln B) — both are smooth there; the table is dense enough for ≲ 0.1%.

    Outside the grid: above m_max the contact limit of the same calculation, A = a_inf/m², B = b_inf/m⁴
    (continuous at m_max to ~1e−5; a_inf differs from the AGPY formula only by the muon-mass effect on
    the axial SM piece, see `contact_ratio`); below m_min A is constant (it converges to its m → 0 limit,
    ∫ VV/Q² being finite) and B grows like ln(1/m) (∫ VV Q²dQ²/(m²+Q²)² diverges logarithmically), so B
    is continued linearly in ln m with the slope of the two lowest grid points."""
    log_m: np.ndarray
    log_a: np.ndarray
    log_b: np.ndarray
    a_inf: float
    b_inf: float

    @classmethod
    def from_arrays(cls, m_zp: ArrayLike, a: ArrayLike, b: ArrayLike, a_inf: float, b_inf: float
                    ) -> CoefficientTable:
        return cls(np.log(np.asarray(m_zp, float)), np.log(np.asarray(a, float)), np.log(np.asarray(b, float)),
                   float(a_inf), float(b_inf))

    def coefficients(self, m_zp: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(A, B) at m_zp [GeV] (array; m_zp > 0)."""
        lm = np.log(np.maximum(np.asarray(m_zp, dtype=float), 1e-300))
        lo, hi = self.log_m[0], self.log_m[-1]
        a = np.exp(np.interp(lm, self.log_m, self.log_a))
        b = np.exp(np.interp(lm, self.log_m, self.log_b))
        heavy = lm > hi
        lmh = np.where(heavy, lm, hi)
        a = np.where(heavy, np.exp(np.log(self.a_inf) - 2.0 * lmh), a)
        b = np.where(heavy, np.exp(np.log(self.b_inf) - 4.0 * lmh), b)
        b0, b1 = np.exp(self.log_b[:2])
        slope = (b0 - b1) / (self.log_m[1] - self.log_m[0])  # dB/d ln(1/m) at the lower end
        b = np.where(lm < lo, b0 + slope * (lo - np.minimum(lm, lo)), b)
        return a, b

    def ratio(self, m_zp: ArrayLike, g_zp: ArrayLike) -> np.ndarray:
        """σ/σ_SM = 1 + A y² + B y⁴, y = g/10⁻³."""
        with np.errstate(over="ignore"):
            return self.ratio_y2(m_zp, (np.asarray(g_zp, dtype=float) / 1e-3) ** 2)

    def ratio_y2(self, m_zp: ArrayLike, y2: ArrayLike) -> np.ndarray:
        """σ/σ_SM = 1 + A y2 + B y2², y2 = h_νμ g_V^μ/10⁻⁶ — the product of the ν_μ and muon vector couplings,
        which is g² for L_μ − L_τ and may be negative for other charges (the interference changes sign)."""
        a, b = self.coefficients(m_zp)
        y2 = np.asarray(y2, dtype=float)
        with np.errstate(over="ignore"):
            return 1.0 + a * y2 + b * y2 * y2
