"""Neutrino masses and mixing (docs/physics/neutrino.md): PMNS matrix, mass spectra, Σm_ν, m_β, m_ββ. Vectorized.

Conventions: PDG (as NuFIT, Esteban et al. JHEP 09 (2020) 178):
U = R23 · U13(δ) · R12 · diag(1, e^{iα21/2}, e^{iα31/2}); angles from sin²θ_ij; phases in radians;
masses in eV, mass-squared differences in eV². Δm²3ℓ = Δm²31 > 0 (NO) or Δm²32 < 0 (IO).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def _cs(ssq: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    ssq = np.asarray(ssq, dtype=float)
    return np.sqrt(np.clip(1.0 - ssq, 0.0, 1.0)), np.sqrt(np.clip(ssq, 0.0, 1.0))


def pmns(s12sq: ArrayLike, s13sq: ArrayLike, s23sq: ArrayLike, delta: ArrayLike,
         alpha21: ArrayLike = 0.0, alpha31: ArrayLike = 0.0) -> np.ndarray:
    """The PMNS matrix U_{αi} (rows e, μ, τ; columns 1, 2, 3), complex, shape (..., 3, 3).

    PDG parametrisation (PDG 2024, "Neutrino mixing", eq. 14.33) with the Majorana phase matrix
    diag(1, e^{iα21/2}, e^{iα31/2}) on the right.
    """
    c12, s12 = _cs(s12sq)
    c13, s13 = _cs(s13sq)
    c23, s23 = _cs(s23sq)
    d = np.asarray(delta, dtype=float)
    c12, s12, c13, s13, c23, s23, d, a21, a31 = np.broadcast_arrays(
        c12, s12, c13, s13, c23, s23, d, np.asarray(alpha21, dtype=float), np.asarray(alpha31, dtype=float))
    ed = np.exp(1j * d)
    u = np.empty(c12.shape + (3, 3), dtype=complex)
    u[..., 0, 0] = c12 * c13
    u[..., 0, 1] = s12 * c13
    u[..., 0, 2] = s13 / ed
    u[..., 1, 0] = -s12 * c23 - c12 * s23 * s13 * ed
    u[..., 1, 1] = c12 * c23 - s12 * s23 * s13 * ed
    u[..., 1, 2] = s23 * c13
    u[..., 2, 0] = s12 * s23 - c12 * c23 * s13 * ed
    u[..., 2, 1] = -c12 * s23 - s12 * c23 * s13 * ed
    u[..., 2, 2] = c23 * c13
    u[..., :, 1] *= np.exp(0.5j * a21)[..., None]
    u[..., :, 2] *= np.exp(0.5j * a31)[..., None]
    return u


def mixing_probabilities(s12sq: ArrayLike, s13sq: ArrayLike, s23sq: ArrayLike, delta: ArrayLike) -> np.ndarray:
    """|U_{αi}|², shape (..., 3, 3) (independent of the Majorana phases)."""
    return np.abs(pmns(s12sq, s13sq, s23sq, delta)) ** 2


def masses(m_lightest: ArrayLike, dm21sq: ArrayLike, dm3lsq: ArrayLike, ordering: str
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(m1, m2, m3, valid) in eV from the lightest mass [eV] and the splittings [eV²] (docs/physics/neutrino.md).

    NO: m1 = m_l, m2 = √(m_l² + Δm²21), m3 = √(m_l² + Δm²31), Δm²31 > 0.
    IO: m3 = m_l, m2 = √(m_l² − Δm²32), m1 = √(m2² − Δm²21), Δm²32 < 0.
    `valid` is False where the splittings do not have the ordering's signs.
    """
    ml = np.asarray(m_lightest, dtype=float)
    d21 = np.asarray(dm21sq, dtype=float)
    d3l = np.asarray(dm3lsq, dtype=float)
    ml, d21, d3l = np.broadcast_arrays(ml, d21, d3l)
    ml2 = ml * ml
    if ordering == "NO":
        valid = (d3l > 0) & (d21 > 0) & (ml >= 0) & (d3l > d21)
        m1 = ml
        m2 = np.sqrt(np.maximum(ml2 + d21, 0.0))
        m3 = np.sqrt(np.maximum(ml2 + d3l, 0.0))
    elif ordering == "IO":
        valid = (d3l < 0) & (d21 > 0) & (ml >= 0) & (-d3l > d21)
        m3 = ml
        m2 = np.sqrt(np.maximum(ml2 - d3l, 0.0))
        m1 = np.sqrt(np.maximum(ml2 - d3l - d21, 0.0))
    else:
        raise ValueError(f"ordering must be 'NO' or 'IO', got {ordering!r}")
    return m1, m2, m3, valid


def sum_masses(m1: ArrayLike, m2: ArrayLike, m3: ArrayLike) -> np.ndarray:
    """Σm_ν = m1 + m2 + m3 [eV]."""
    return np.asarray(m1) + np.asarray(m2) + np.asarray(m3)


def m_beta(m1, m2, m3, s12sq, s13sq) -> np.ndarray:
    """Effective β-decay mass m_β = √(Σ_i |U_ei|² m_i²) [eV]."""
    c13sq = 1.0 - np.asarray(s13sq)
    s12sq = np.asarray(s12sq)
    return np.sqrt((1.0 - s12sq) * c13sq * np.square(m1) + s12sq * c13sq * np.square(m2) + s13sq * np.square(m3))


def m_betabeta(m1, m2, m3, s12sq, s13sq, delta, alpha21, alpha31) -> np.ndarray:
    """Effective Majorana mass |Σ_i U_ei² m_i| [eV] (docs/physics/neutrino.md):
    m_ββ = |c12²c13² m1 + s12²c13² m2 e^{iα21} + s13² m3 e^{i(α31 − 2δ)}|."""
    s12sq, s13sq = np.asarray(s12sq, dtype=float), np.asarray(s13sq, dtype=float)
    c13sq = 1.0 - s13sq
    amp = ((1.0 - s12sq) * c13sq * m1
           + s12sq * c13sq * m2 * np.exp(1j * np.asarray(alpha21))
           + s13sq * m3 * np.exp(1j * (np.asarray(alpha31) - 2.0 * np.asarray(delta))))
    return np.abs(amp)


# ----------------------------------------------------------------------------------------------- textures : Two-zero
# conditions of the minimal gauged L_μ−L_τ models (docs/physics/neutrino.md#two-zero-textures): which entries vanish,
# and whether in : m_ν ("zeros") or in m_ν⁻¹ ("minors"). Flavour indices e = 0, μ = 1, τ = 2.
TEXTURES: dict[str, tuple[str, tuple[tuple[int, int], tuple[int, int]]]] = {
    "B3": ("zeros", ((0, 1), (1, 1))),  # extra doublet Φ₊₁: (m_ν)_eμ = (m_ν)_μμ = 0
    "B4": ("zeros", ((0, 2), (2, 2))),  # extra doublet Φ₋₁: (m_ν)_eτ = (m_ν)_ττ = 0
    "C": ("minors", ((1, 1), (2, 2))),  # singlet σ₊₁: (m_ν⁻¹)_μμ = (m_ν⁻¹)_ττ = 0
}


def mass_matrix(m1, m2, m3, s12sq, s13sq, s23sq, delta, alpha21, alpha31) -> np.ndarray:
    """m_ν = U* diag(m₁, m₂, m₃) U† [eV] (flavour basis e, μ, τ), shape (..., 3, 3).

    With this convention (m_ν)_ee = Σ U*_ei² m_i, so |(m_ν)_ee| = m_ββ, and U†m_ν U* is diagonal.
    """
    u = pmns(s12sq, s13sq, s23sq, delta, alpha21, alpha31)
    m = np.stack(np.broadcast_arrays(np.asarray(m1, float), np.asarray(m2, float), np.asarray(m3, float)), axis=-1)
    return np.einsum("...ai,...i,...bi->...ab", u.conj(), m.astype(complex), u.conj())


def texture_ratios(texture: str, s12sq, s13sq, s23sq, delta) -> tuple[np.ndarray, np.ndarray]:
    """The complex mass ratios x₂/x₁, x₃/x₁ (x_i = m_i e^{iα_i1}, α₁₁ = 0) that solve the texture's two
    complex zero conditions exactly, for the Dirac mixing matrix V (PDG, no Majorana phases).

    Zeros of m_ν = U*DU† at (a,b): Σ_i V_ai V_bi x_i = 0. Zeros of m_ν⁻¹ = U D⁻¹ Uᵀ at (a,b): Σ_i V*_ai V*_bi / x_i =
    0. Two conditions with P_i, Q_i the products of V entries: R₂ = (P₃Q₁ − P₁Q₃)/D, R₃ = (P₁Q₂ − P₂Q₁)/D, D = P₂Q₃ −
    P₃Q₂ (ratios of x, or of 1/x for minors; docs/physics/neutrino.md#two-zero-textures; e.g. Frampton, Glashow,
    Marfatia, PLB 536 (2002) 79 for zeros; Lavoura, PLB 609 (2005) 317 for minors).
    """
    kind, ((a, b), (c, d)) = TEXTURES[texture]
    v = pmns(s12sq, s13sq, s23sq, delta)
    p = v[..., a, :] * v[..., b, :]
    q = v[..., c, :] * v[..., d, :]
    if kind == "minors":
        p, q = p.conj(), q.conj()
    den = p[..., 1] * q[..., 2] - p[..., 2] * q[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = (p[..., 2] * q[..., 0] - p[..., 0] * q[..., 2]) / den
        r3 = (p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0]) / den
        if kind == "minors":  # r are ratios of 1/x
            r2, r3 = 1.0 / r2, 1.0 / r3
    return r2, r3


def texture_spectrum(texture: str, s12sq, s13sq, s23sq, delta, dm21sq, ordering: str):
    """Masses, Majorana phases and Δm²3ℓ predicted by a two-zero texture from the mixing angles, δ and
    Δm²21 [eV²] (docs/physics/neutrino.md#two-zero-textures).

    m₂/m₁ = |R₂|, m₃/m₁ = |R₃|, α21 = arg R₂, α31 = arg R₃, m₁ = √(Δm²21/(|R₂|² − 1)).
    Returns (m1, m2, m3 [eV], alpha21, alpha31 [rad, in [0, 2π)], dm3lsq [eV², NO: m₃² − m₁², IO: m₃² − m₂²],
    m_lightest [eV], valid); valid is False where the texture has no solution with the requested ordering
    (|R₂| ≤ 1, or the spectrum has the other ordering).
    """
    r2, r3 = texture_ratios(texture, s12sq, s13sq, s23sq, delta)
    a2, a3 = np.abs(r2), np.abs(r3)
    dm21sq = np.asarray(dm21sq, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m1 = np.sqrt(dm21sq / (a2 * a2 - 1.0))
        m2, m3 = a2 * m1, a3 * m1
    ok = np.isfinite(m1) & np.isfinite(m2) & np.isfinite(m3) & (a2 > 1.0) & (dm21sq > 0)
    m1, m2, m3 = (np.where(ok, x, 0.0) for x in (m1, m2, m3))
    if ordering == "NO":
        ok &= m3 > m2
        dm3l, lightest = m3 * m3 - m1 * m1, m1
    elif ordering == "IO":
        ok &= m3 < m1
        dm3l, lightest = m3 * m3 - m2 * m2, m3
    else:
        raise ValueError(f"ordering must be 'NO' or 'IO', got {ordering!r}")
    alpha21 = np.mod(np.angle(np.where(ok, r2, 1.0)), 2 * np.pi)
    alpha31 = np.mod(np.angle(np.where(ok, r3, 1.0)), 2 * np.pi)
    return m1, m2, m3, alpha21, alpha31, dm3l, lightest, ok
