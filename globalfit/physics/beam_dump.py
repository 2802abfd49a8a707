"""Recasting dark-photon limits of beam-dump and missing-energy searches to the Z′ (likelihoods/e137/NOTES.md).

Method: Darkcast (P. Ilten, Y. Soreq, M. Williams, W. Xue, JHEP 06 (2018) 004, arXiv:1801.04847, sec. 2.4),
re-implemented here. A search that saw no signal excludes every model whose expected signal exceeds the signal
of the dark photon (coupling εe Q_f to fermion f) on the published limit at the same mass. The expected signal is

  N ∝ σ_prod × BR(X → final state) × P_decay,

and only ratios to the dark photon enter:

- production: for electron bremsstrahlung σ ∝ g_V,e² + g_A,e² (Darkcast eq. 2.3; vector and axial emission
  equal in the Weizsäcker–Williams approximation), so σ_Z′/σ_A′ = (gv_e² + ga_e²)/(ε²e²); proton
  bremsstrahlung and π⁰ → γX (NuCal) ∝ g_V,p² with g_V,p = 2gv_u + gv_d (vector couplings; the axial proton
  coupling and the ρ/ω propagator difference in π⁰ → γX are neglected);
- decay: BR into the searched final state (e⁺e⁻ for visible searches, νν̄ for missing energy), from
  globalfit.physics.zprime_decays (the dark photon's from the same module with g = 0, gv_e = −εe, …, so the
  recast of a dark photon into itself is the identity at every mass, hadronic model included);
- displaced decays: the probability to decay between the end of the shielding (L_sh) and the end of the decay
  volume (L_sh + L_dec) is e^{−L_sh/ℓ} − e^{−(L_sh+L_dec)/ℓ}, ℓ = γβcτ. With the same production kinematics for
  both bosons the boost cancels in the ratio, so in proper time, with t₀ ∝ L_sh and τ = ħ/Γ_tot,

    P = e^{−t₀/τ} − e^{−R t₀/τ},   R = 1 + L_dec/L_sh  (Darkcast eqs. 2.22–2.23).

  t₀ at each mass follows from the published band itself: the dark photon gives the same number of events at
  the lower (ε₀) and upper (ε₁) edge (Darkcast eq. 2.24),
    ε₁² (e^{−t₀/τ₁} − e^{−Rt₀/τ₁}) = ε₀² (e^{−t₀/τ₀} − e^{−Rt₀/τ₀}),  τ_i = ħ/(ε_i² Γ̂_A(m)),
  whose solution in u = t₀/τ₀ depends only on ρ = (ε₁/ε₀)² and R. Invisible searches (NA64e, Belle II) have
  P = 1.

The likelihood then uses the ratio X = N_Z′/N_limit (1 on the published limit of a dark photon) in the limit rule
of globalfit.limits (s = −ln(1 − CL)·X): the excluded region of a band is where X > 1 at the band's CL, so a
model excluded between two couplings gives X > 1 only there (the band is reproduced, with its lower and upper
edge, without treating the edges as separate curves).

Checks (tests/test_kinetic_mixing_limits.py): with Darkcast's conventions for its L_μ − L_τ model (ε(m) of
arXiv:2006.11225 eq. 7 at q² = m², Γ(Z′ → ν_αν̄_α) = g²m/(12π) per flavour, i.e. twice the left-handed width, and
for invisible searches an extra dark width 99 × the visible one) the recast reproduces Darkcast's recast files
(E137, NA64e) to < 1e−4. Darkcast's L_μ − L_τ recasts are therefore not the model of this project, whose
neutrino width is g²m/(24π) per flavour: the plugins recast the raw dark-photon limits themselves.
Units: masses and widths in GeV.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from globalfit.limits import LimitCurve
from globalfit.physics import zprime_decays
from globalfit.physics.constants import E_CHARGE

#: bisections in ln u and their initial interval of `solve_t0` (repeated by its compiled twin)
BISECTIONS = 64
LOG_U_RANGE = (-90.0, 12.0)


def dark_photon_widths(m: ArrayLike) -> dict[str, np.ndarray]:
    """Partial widths of a dark photon with ε = 1 [GeV] (scale with ε²): zprime_decays.partial_widths with g = 0,
    gv_e = −e, gv_u = 2e/3, gv_d = −e/3 (μ, τ get −e through the induced couplings)."""
    return zprime_decays.partial_widths(m, 0.0, gv_e=-E_CHARGE, gv_u=2.0 * E_CHARGE / 3.0, gv_d=-E_CHARGE / 3.0)


def decay_window(x: ArrayLike, ratio: float) -> np.ndarray:
    """e^{−x} − e^{−Rx} = e^{−x}(1 − e^{−(R−1)x}) for x = t₀/τ ≥ 0 (no cancellation for small x)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(under="ignore", over="ignore"):
        return np.exp(-x) * -np.expm1(-(ratio - 1.0) * x)


def _log_window(x: np.ndarray, ratio: float) -> np.ndarray:
    """ln(e^{−x} − e^{−Rx}) = −x + ln(1 − e^{−(R−1)x}), x > 0."""
    return -x + np.log(-np.expm1(-(ratio - 1.0) * x))


def solve_t0(rho: ArrayLike, ratio: float) -> np.ndarray:
    """u = t₀/τ₀ solving ρ(e^{−ρu} − e^{−Rρu}) = e^{−u} − e^{−Ru} (Darkcast eq. 2.24 with ρ = (ε₁/ε₀)² ≥ 1,
    R = ratio > 1): the unique root of ln ρ + ln W(ρu) − ln W(u), W(x) = e^{−x} − e^{−Rx}, by bisection in ln u.

    The function is 2 ln ρ > 0 for u → 0 and → −∞ for u → ∞ (ρ > 1). ρ ≤ 1 (a band closing to a point) is
    treated as ρ = 1 + 1e−9.
    """
    rho = np.maximum(np.asarray(rho, dtype=float), 1.0 + 1e-9)
    log_rho = np.log(rho)
    lo = np.full(rho.shape, LOG_U_RANGE[0])
    hi = np.full(rho.shape, LOG_U_RANGE[1])
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        u = np.exp(mid)
        f = log_rho + _log_window(rho * u, ratio) - _log_window(u, ratio)
        lo = np.where(f > 0, mid, lo)
        hi = np.where(f > 0, hi, mid)
    return np.exp(0.5 * (lo + hi))


class DisplacedBand:
    """A visible (X → e⁺e⁻) beam-dump search: the published dark-photon band ε₀(m) < ε < ε₁(m) and the
    decay-volume to shielding length ratio L_dec/L_sh, recast by event counting (module docstring).

    ε₀ and ε₁ are interpolated linearly in (ln m, ln ε) between the published masses; outside them there is no
    limit (X = 0).
    """

    def __init__(self, mass: ArrayLike, eps_lower: ArrayLike, eps_upper: ArrayLike, length_ratio: float):
        self.lower = LimitCurve(mass, eps_lower)
        self.upper = LimitCurve(mass, eps_upper)
        self.length_ratio = float(length_ratio)
        self.ratio = 1.0 + self.length_ratio  # R = (L_sh + L_dec)/L_sh

    def kernel_data(self) -> np.ndarray:
        """The band as one (4, n) array — mass, log mass, log ε₀, log ε₁ (LimitCurve.kernel_data) — for the compiled
        twin of `signal_ratio` (globalfit.physics.beam_dump_kernels.signal_ratio)."""
        mass, logm, log_lower = self.lower.kernel_data()
        mass_upper, _, log_upper = self.upper.kernel_data()
        if not np.array_equal(mass, mass_upper):
            raise ValueError("the band's edges must share their masses")
        return np.ascontiguousarray(np.vstack([mass, logm, log_lower, log_upper]), dtype=float)

    def band(self, m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(ε₀, ε₁) at masses m [GeV]; NaN outside the published range."""
        return self.lower(m), self.upper(m)

    def signal_ratio(self, m: ArrayLike, production: ArrayLike, br_ee: ArrayLike, width: ArrayLike,
                     reference: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """X = N_Z′/N_limit at masses m [GeV] for a boson with production ratio `production` = σ/σ(dark photon with
        ε = 1) (e.g. (gv_e² + ga_e²)/e²), BR(→ e⁺e⁻) `br_ee` and total width `width` [GeV]. 0 where there is no
        limit (outside the band's masses, or no e⁺e⁻ channel for the dark photon).

        reference: the dark photon's partial widths per unit ε² (default dark_photon_widths(m); the tests pass
        other conventions).
        """
        m = np.asarray(m, dtype=float)
        eps0, eps1 = self.band(m)
        ref = dark_photon_widths(m) if reference is None else reference
        ok = np.isfinite(eps0) & np.isfinite(eps1) & (ref["ee"] > 0)
        eps0 = np.where(ok, eps0, 1.0)
        eps1 = np.where(ok, np.maximum(eps1, eps0), 1.0)
        gamma_hat = np.where(ok, ref["total"], 1.0)
        br_ref = np.where(ok, ref["ee"] / gamma_hat, 1.0)
        u = solve_t0((eps1 / eps0) ** 2, self.ratio)
        x = u * np.asarray(width, dtype=float) / (eps0**2 * gamma_hat)
        with np.errstate(over="ignore", under="ignore"):
            num = np.asarray(production, dtype=float) * np.asarray(br_ee, dtype=float) * decay_window(x, self.ratio)
            den = eps0**2 * br_ref * decay_window(u, self.ratio)
        return np.where(ok, num / den, 0.0)


def electron_brem_production(gv_e: ArrayLike, ga_e: ArrayLike) -> np.ndarray:
    """σ(e-bremsstrahlung)/σ(dark photon, ε = 1) = (gv_e² + ga_e²)/e²."""
    return (np.square(gv_e) + np.square(ga_e)) / E_CHARGE**2


def proton_production(gv_u: ArrayLike, gv_d: ArrayLike) -> np.ndarray:
    """σ(p-bremsstrahlung or π⁰ → γX)/σ(dark photon, ε = 1) = (2gv_u + gv_d)²/e² (vector couplings)."""
    return np.square(2.0 * np.asarray(gv_u, dtype=float) + np.asarray(gv_d, dtype=float)) / E_CHARGE**2


def invisible_signal_ratio(production: ArrayLike, br_invisible: ArrayLike, eps_limit: ArrayLike,
                           br_reference: float = 1.0) -> np.ndarray:
    """X = N_Z′/N_limit of a missing-energy search (P_decay = 1): production × BR(inv) / (ε_UL² × BR_ref), with
    production = σ/σ(dark photon, ε = 1) and BR_ref the invisible branching ratio the limit assumed (1 for NA64e).
    0 where eps_limit is NaN (no limit)."""
    eps = np.asarray(eps_limit, dtype=float)
    has = np.isfinite(eps) & (eps > 0)
    return np.where(has, np.asarray(production, dtype=float) * np.asarray(br_invisible, dtype=float)
                    / (np.where(has, eps, 1.0) ** 2 * br_reference), 0.0)
