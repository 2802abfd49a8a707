"""One-loop Z′ contribution to the electron anomalous magnetic moment (likelihoods/electron_gm2/NOTES.md).

For a neutral vector boson of mass M with couplings L ⊃ −Z′_μ ē γ^μ(g_V − g_A γ5) e (the model's `gv_e`,
`ga_e`, docs/physics/zprime.md#induced-couplings-to-sm-fermions) the one-loop contribution is (J. P. Leveille,
Nucl. Phys. B137 (1978) 63; F. Jegerlehner, A. Nyffeler, Phys. Rept. 477 (2009) 1)

  Δa_e = (g_V²/8π²) F_V(r) − (g_A²/8π²) F_A(r),   r = M²/m_e²,
  F_V(r) = ∫₀¹ dx 2x²(1 − x) / [x² + r(1 − x)]                               (the muon's loop function),
  F_A(r) = ∫₀¹ dx [2x(1 − x)(4 − x) + 4x³/r] / [x² + r(1 − x)] .

Limits: F_V → 1 (r → 0), 2/(3r) (r → ∞); F_A → 10/(3r) (r → ∞), so a heavy axial boson gives
−5g_A²m_e²/(12π²M²); for r → 0 F_A → 2/r (the longitudinal mode: Δa_e → −g_A²m_e²/(4π²M²)).
With kinetic mixing alone g_V = −εe, g_A = 0 (a dark photon: Δa_e = α ε² F_V/(2π)); the Z–Z′ mass mixing of
the doublet models adds g_A = −ε_Z g_Z/4 and a small vector part.

Numerics: F_V is globalfit.physics.zprime.gm2_loop_function (tabulated Gauss–Legendre rule, ~1e−10 relative;
its table covers r ≈ 9e−13 … 9e7 in units of the muon mass and the rule is used outside). F_A is integrated in
s = logit(x) with a composite Gauss–Legendre rule (4 panels × 32 nodes) over
s ∈ [min(0, ½ln r) − 16, max(0, ln r) + 30]; tests/test_electron_gm2.py compares both with adaptive quadrature.
Units: masses in GeV; everything else dimensionless.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics import zprime
from globalfit.physics.constants import M_E

_PANELS, _NODES = 4, 32
_x, _w = np.polynomial.legendre.leggauss(_NODES)
AXIAL_NODES = ((np.arange(_PANELS)[:, None] + 0.5 * (_x[None, :] + 1.0)) / _PANELS).ravel()
AXIAL_WEIGHTS = (np.broadcast_to(_w, (_PANELS, _NODES)) / (2.0 * _PANELS)).ravel()


def vector_loop(r: ArrayLike) -> np.ndarray:
    """F_V(r) = ∫₀¹ 2x²(1−x)/[x² + r(1−x)] dx, r = M²/m_ℓ² (≥ 0)."""
    return zprime.gm2_loop_function(np.asarray(r, dtype=float))


def axial_loop(r: ArrayLike) -> np.ndarray:
    """F_A(r) = ∫₀¹ [2x(1−x)(4−x) + 4x³/r]/[x² + r(1−x)] dx, r = M²/m_ℓ² (> 0; clipped to [1e−40, 1e40])."""
    r = np.clip(np.asarray(r, dtype=float), 1e-40, 1e40)
    log_r = np.log(r)
    lo = np.minimum(0.0, 0.5 * log_r) - 16.0
    hi = np.maximum(0.0, log_r) + 30.0
    span = (hi - lo)[..., None]
    s = lo[..., None] + span * AXIAL_NODES
    e = np.exp(-s)
    x = 1.0 / (1.0 + e)
    y = e * x  # 1 − x without cancellation
    rr = r[..., None]
    num = 2.0 * x * y * (4.0 - x) + 4.0 * x**3 / rr
    integrand = num * x * y / (x * x + rr * y)  # dx = x(1−x) ds
    return np.sum(integrand * AXIAL_WEIGHTS, axis=-1) * span[..., 0]


def delta_a_lepton(m_zp: ArrayLike, g_v: ArrayLike, g_a: ArrayLike, m_lepton: float = M_E) -> np.ndarray:
    """Δa_ℓ = [g_V² F_V(r) − g_A² F_A(r)]/(8π²), r = m_Z′²/m_ℓ² (m_zp, m_lepton in GeV; m_zp > 0)."""
    r = (np.asarray(m_zp, dtype=float) / m_lepton) ** 2
    g_v, g_a = np.asarray(g_v, dtype=float), np.asarray(g_a, dtype=float)
    vec = g_v**2 * vector_loop(r)
    if np.any(g_a != 0):
        vec = vec - g_a**2 * axial_loop(r)
    return vec / (8.0 * math.pi**2)


def delta_a_e(m_zp: ArrayLike, gv_e: ArrayLike, ga_e: ArrayLike = 0.0) -> np.ndarray:
    """The Z′ contribution to the electron anomaly a_e (delta_a_lepton with m_e)."""
    return delta_a_lepton(m_zp, gv_e, ga_e, M_E)
