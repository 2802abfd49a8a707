"""Solar ν–e elastic scattering with a light Z′ (likelihoods/borexino/NOTES.md): cross sections, the Z′ couplings, MSW
flavour composition and the ⁷Be rate in Borexino. Pure numpy, vectorized over points; GeV units unless named.

Cross section (tree level; 't Hooft, Phys. Lett. 37B (1971) 195; Vogel & Engel, PRD 39 (1989) 3378):
    dσ/dT = (2 G_F² m_e / π) [g_L² + g_R² (1 − T/E)² − g_L g_R m_e T / E²],  0 ≤ T ≤ T_max = 2E²/(m_e + 2E),
T the electron recoil kinetic energy, E the neutrino energy [GeV]; dσ/dT in GeV⁻³. The couplings are
defined by the four-fermion operator L_eff = −2√2 G_F [ν̄_α γ^μ P_L ν_α][ē γ_μ (g_L P_L + g_R P_R) e].

SM couplings, two schemes (`couplings`):
- ``"tree"`` (as written in likelihoods/borexino/NOTES.md): ν_μ,τ g_L = −½ + s², g_R = s²; ν_e g_L = ½ + s² (W
  exchange, Fierzed), with s² = S2W_LOW = 0.23857 (the low-energy value of constants.py, used consistently).
- ``"bks95"`` (default): the electroweak radiative corrections of Bahcall, Kamionkowski & Sirlin, PRD 51
  (1995) 6146, astro-ph/9502003, App. A: g_L = ρ_NC (−½ + κ_α(T) ŝ²_Z) + δ_αe, g_R = ρ_NC κ_α(T) ŝ²_Z,
  ρ_NC = 1.0126, κ_e = 0.9791 + 0.0097 I(T), κ_μ = 0.9970 − 0.00037 I(T),
  I(T) = ⅙[⅓ + (3 − x²)(½x ln((x+1)/(x−1)) − 1)], x = √(1 + 2m_e/T), ŝ²_Z = S2W_MZ (MS-bar at m_Z; BKS
  used 0.2317, a 0.1% effect on σ). The numbers were taken as transcribed from BKS App. A in the SNEWS
  sntools code (github.com/SNEWS2/sntools, interaction_channels/es.py), not re-read from the paper; the
  resulting σ(ν_e e) reproduces Borexino's own conversion (below), which checks them at the 0.3% level.
  (BKS write the overall negative of these couplings; σ is unchanged, the sign matters only once the Z′
  shift is added, and here the SM and Z′ parts share the convention fixed by L_eff above.)
  The QED (photonic) corrections of BKS App. B are omitted: −0.5% on σ(ν_e e) and −0.4% on σ(ν_μ e) at
  862 keV (evaluated once with the full BKS expressions), and they cancel in R_SM+Z′/R_SM.
  Why not tree level: the tree formula with s² = 0.2386 gives σ(ν_e e, 862 keV) = 6.07e−45 cm², 4.6% above
  the value Borexino uses (46.0 cpd/100 t ↔ ν_e-equivalent ⁷Be flux 3.10e9 cm⁻²s⁻¹, PRL 107 (2011) 141302,
  i.e. 5.80e−45 cm²), while "bks95" gives 5.82e−45 cm² (tests/test_borexino.py).

Z′ exchange (t-channel, t = −Q² = −2 m_e T). With L ⊃ −Z′_μ [h_α ν̄_α γ^μ P_L ν_α + ē γ^μ (g_V − g_A γ5) e]
and g_V − g_A γ5 = (g_V + g_A) P_L + (g_V − g_A) P_R (γ5 = P_R − P_L), integrating out the Z′ gives
L_eff = −h_α/(m_Z′² + Q²) [ν̄γP_Lν][ēγ((g_V+g_A)P_L + (g_V−g_A)P_R)e] — the same sign convention as the SM Z
(L ⊃ −g_Z Z_μ J_Z^μ, whose exchange gives the NC part −½ + s², s² of g_L, g_R; tested by treating the Z as
a "Z′"; integrating out a vector with L ⊃ ½m²V² − V·J gives −J·J/2m², whose ν–e cross term is
−J_ν·J_e/m², and m² → m² − t at momentum transfer t). Matching to L_eff above:
    Δg_L = h_α (g_V + g_A) / [2√2 G_F (m_Z′² + 2 m_e T)],   Δg_R = h_α (g_V − g_A) / [2√2 G_F (m_Z′² + 2 m_e T)].
Left-handed neutrino couplings (docs/physics/conventions.md, docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing):
h_μ = +g + 2 g_ν, h_τ = −g + 2 g_ν, h_e = 2 g_ν, where g_ν is the V−A coefficient of the Z–Z′ mass mixing, L ⊃ −Z′ g_ν
ν̄γ(1 − γ5)ν with g_ν = ε_Z g_Z/4 (quantity `g_nue`); it is flavour-universal (T₃ = ½ for every ν_L), so it shifts ν_μ
and ν_τ as well as ν_e.

Flavour at Earth (adiabatic MSW, averaged oscillations; e.g. Maltoni & Smirnov, EPJA 52 (2016) 87, §4): P_eα = Σ_i
P_i^⊙ |U_αi|², P₁ = c13² cos²θ12^m, P₂ = c13² sin²θ12^m, P₃ = s13², cos 2θ12^m = (cos 2θ12 − β)/√((cos 2θ12 − β)² +
sin² 2θ12), β = 2√2 G_F n_e E c13²/Δm²21, n_e ≈ 100 N_A cm⁻³ at the ⁷Be production point
(likelihoods/borexino/NOTES.md). Neglected: the matter effect on θ13 (≈1e−4 in P_eα, tested against a numerically
diagonalised three-flavour Hamiltonian), the spread of the production region, and Earth matter (LMA predicts a ⁷Be
day–night asymmetry ≲ 1e−3; Borexino measured A_dn = 0.001 ± 0.012 ± 0.007, PLB 707 (2012) 22).

Numerics: the recoil integral uses a 48-node Gauss–Legendre rule adapted to the Z′ propagator (recoil_nodes;
~1e−13 relative). be7_rate evaluates it at every point with method="exact"; by default (method="table") it
expands σ_α in the Z′ couplings, σ_α = σ_α^SM + h_α(uA_α + wB_α) + h_α²(u²Q₁ + w²Q₂ − uwQ₃), whose T-integrals
depend on the point only through m_Z′ and are tabulated once (RecoilTable; equal to the direct integration to
≲ 2e−12 relative in the rate), and writes P_eα = a_α + b_α cos 2θ₁₂^m in real arithmetic.
"""
from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics.constants import EV, G_F, M_E, S2W_LOW, S2W_MZ
from globalfit.physics.neutrino import mixing_probabilities

# Unit conversions. CODATA 2018 (exact in the 2019 SI): ħc = 197.3269804 MeV fm, N_A = 6.02214076e23 /mol.
HBARC_GEV_CM = 1.973269804e-14  # ħc [GeV cm]
N_AVOGADRO = 6.02214076e23
SECONDS_PER_DAY = 86400.0
N_E_BE7 = 100.0 * N_AVOGADRO  # electron density at the ⁷Be production point [cm⁻³] (likelihoods/borexino/NOTES.md)

# Bahcall, Kamionkowski & Sirlin, PRD 51 (1995) 6146, App. A.
RHO_NC = 1.0126
KAPPA_E = (0.9791, 0.0097)
KAPPA_MU = (0.9970, -0.00037)

COUPLING_SCHEMES = ("bks95", "tree")

# Gauss–Legendre rule for the recoil integral (see recoil_nodes).
N_NODES = 48
_GL_X, _GL_W = np.polynomial.legendre.leggauss(N_NODES)


def t_max(e_nu: ArrayLike) -> np.ndarray:
    """Largest electron recoil kinetic energy T_max = 2E²/(m_e + 2E) [GeV] for neutrino energy E [GeV]."""
    e = np.asarray(e_nu, dtype=float)
    return 2.0 * e * e / (M_E + 2.0 * e)


# I(T) = ⅙ Σ_{k≥1} [3/(2k+1) − 1/(2k+3)] w^k with w = 1/x² = T/(T + 2m_e) (expand ½x ln((x+1)/(x−1)) in 1/x);
# used for w < 0.1, where the closed form cancels (its error grows like x² × 1e−16), 16 terms (error < 1e−17).
_BKS_SERIES_W = 0.1
_BKS_SERIES = np.array([3.0 / (2 * k + 1) - 1.0 / (2 * k + 3) for k in range(1, 17)]) / 6.0


def bks_i(t: ArrayLike) -> np.ndarray:
    """I(T) of BKS95 App. A (dimensionless, → 0 as T → 0), T > 0 in GeV.

    Closed form for T ≥ 0.22 m_e; below, its power series in T/(T + 2m_e) (the closed form loses all digits
    for T ≲ 1e−12 GeV, which the recoil integral samples for m_Z′ ≲ 1e−5 GeV).
    """
    t = np.asarray(t, dtype=float)
    x2 = 1.0 + 2.0 * M_E / t
    w = 1.0 / x2
    series = np.zeros_like(w)
    for c in _BKS_SERIES[::-1]:
        series = (series + c) * w
    x = np.sqrt(x2)
    with np.errstate(divide="ignore", invalid="ignore"):  # x → 1 only for T → ∞, where the series is not used
        closed = (1.0 / 3.0 + (3.0 - x2) * (0.5 * x * np.log1p(2.0 / (x - 1.0)) - 1.0)) / 6.0
    return np.where(w < _BKS_SERIES_W, series, closed)


def sm_couplings(t: ArrayLike, scheme: str = "bks95") -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """SM (g_L, g_R) of ν_e and of ν_μ = ν_τ at recoil energy T [GeV]: (gL_e, gR_e, gL_mu, gR_mu).

    Convention of the module docstring (tree: g_L^μ = −½ + s², g_R = s², g_L^e = g_L^μ + 1).
    """
    t = np.asarray(t, dtype=float)
    if scheme == "tree":
        s2 = np.full_like(t, S2W_LOW)
        return s2 + 0.5, s2, s2 - 0.5, s2
    if scheme != "bks95":
        raise ValueError(f"couplings scheme must be one of {COUPLING_SCHEMES}, got {scheme!r}")
    i = bks_i(t)
    ks_e = (KAPPA_E[0] + KAPPA_E[1] * i) * S2W_MZ
    ks_mu = (KAPPA_MU[0] + KAPPA_MU[1] * i) * S2W_MZ
    return RHO_NC * (ks_e - 0.5) + 1.0, RHO_NC * ks_e, RHO_NC * (ks_mu - 0.5), RHO_NC * ks_mu


def dsigma_dt(t: ArrayLike, e_nu: ArrayLike, g_l: ArrayLike, g_r: ArrayLike) -> np.ndarray:
    """dσ/dT [GeV⁻³] for ν e → ν e at recoil T and neutrino energy E [GeV] (module docstring); no cut on T."""
    t, e = np.asarray(t, dtype=float), np.asarray(e_nu, dtype=float)
    g_l, g_r = np.asarray(g_l, dtype=float), np.asarray(g_r, dtype=float)
    y = 1.0 - t / e
    return 2.0 * G_F**2 * M_E / np.pi * (g_l**2 + g_r**2 * y * y - g_l * g_r * M_E * t / (e * e))


def zprime_shifts(t: ArrayLike, m_zp: ArrayLike, h_nu: ArrayLike, gv_e: ArrayLike, ga_e: ArrayLike
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(Δg_L, Δg_R) from Z′ exchange: h (g_V ± g_A) / [2√2 G_F (m_Z′² + 2 m_e T)] (module docstring).

    T, m_zp in GeV; h_nu the left-handed neutrino coupling (L ⊃ −Z′ h ν̄γP_Lν); gv_e, ga_e the electron's
    (L ⊃ −Z′ ēγ(g_V − g_Aγ5)e). Broadcasts.
    """
    t, m = np.asarray(t, dtype=float), np.asarray(m_zp, dtype=float)
    h, gv, ga = (np.asarray(a, dtype=float) for a in (h_nu, gv_e, ga_e))
    prop = h / (2.0 * np.sqrt(2.0) * G_F * (m * m + 2.0 * M_E * t))
    return prop * (gv + ga), prop * (gv - ga)


def neutrino_couplings(g_zp: ArrayLike, g_nue: ArrayLike) -> np.ndarray:
    """Left-handed Z′ couplings h_α of (ν_e, ν_μ, ν_τ), shape (..., 3): (2g_ν, g + 2g_ν, −g + 2g_ν)."""
    g, gn = np.broadcast_arrays(np.asarray(g_zp, dtype=float), np.asarray(g_nue, dtype=float))
    return np.stack([2.0 * gn, g + 2.0 * gn, -g + 2.0 * gn], axis=-1)


def matter_potential(n_e_cm3: ArrayLike) -> np.ndarray:
    """Charged-current potential V = √2 G_F n_e [GeV] for an electron density n_e [cm⁻³]."""
    return np.sqrt(2.0) * G_F * np.asarray(n_e_cm3, dtype=float) * HBARC_GEV_CM**3


def solar_probabilities(e_nu: ArrayLike, s12sq: ArrayLike, s13sq: ArrayLike, s23sq: ArrayLike,
                        delta: ArrayLike, dm21sq: ArrayLike, n_e_cm3: float = N_E_BE7) -> np.ndarray:
    """P(ν_e → ν_α) at Earth, α = e, μ, τ, shape (..., 3): adiabatic MSW from production density n_e [cm⁻³].

    E [GeV], δ [rad], Δm²21 [eV²]. Averaged oscillations, no Earth matter (module docstring).
    """
    s12sq, s13sq = np.asarray(s12sq, dtype=float), np.asarray(s13sq, dtype=float)
    c13sq = 1.0 - s13sq
    beta = 2.0 * matter_potential(n_e_cm3) * np.asarray(e_nu, dtype=float) * c13sq / (
        np.asarray(dm21sq, dtype=float) * EV**2)
    cos2 = 1.0 - 2.0 * s12sq
    sin2sq = 4.0 * s12sq * (1.0 - s12sq)
    cos2m = (cos2 - beta) / np.sqrt((cos2 - beta) ** 2 + sin2sq)
    p_mass = np.stack(np.broadcast_arrays(0.5 * c13sq * (1.0 + cos2m), 0.5 * c13sq * (1.0 - cos2m), s13sq), axis=-1)
    u2 = mixing_probabilities(s12sq, s13sq, s23sq, delta)
    return np.einsum("...ai,...i->...a", u2, p_mass)


def recoil_nodes(m_zp: ArrayLike, e_nu: float, n_nodes: int = N_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Nodes T_k [GeV] and weights W_k [GeV] on [0, T_max(E)], shape (..., n_nodes), with Σ W f(T) ≈ ∫ f dT.

    Gauss–Legendre in v = ln(1 + 2m_eT/m_Z′²): the Z′ propagator (m_Z′² + 2m_eT)⁻¹ and its square become
    e^{−v}-type functions of v, so the rule stays accurate when m_Z′² ≪ 2m_eT_max (a peak of width
    m_Z′²/2m_e at T = 0) and reduces to the plain rule in T when m_Z′² ≫ 2m_eT_max.
    """
    m2 = np.asarray(m_zp, dtype=float)[..., None] ** 2
    x, w = (_GL_X, _GL_W) if n_nodes == N_NODES else np.polynomial.legendre.leggauss(n_nodes)
    v_max = np.log1p(2.0 * M_E * float(t_max(e_nu)) / m2)
    v, wv = 0.5 * v_max * (x + 1.0), 0.5 * v_max * w
    t = m2 * np.expm1(v) / (2.0 * M_E)
    return t, wv * (m2 + 2.0 * M_E * t) / (2.0 * M_E)


def line_cross_sections(e_nu: float, m_zp: ArrayLike, h_nu: ArrayLike, gv_e: ArrayLike, ga_e: ArrayLike,
                        scheme: str = "bks95", n_nodes: int = N_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Total ν_α e cross sections (SM+Z′, SM) [cm²], each of shape (n, 3) for α = e, μ, τ, at energy E [GeV].

    m_zp, gv_e, ga_e of shape (n,); h_nu of shape (n, 3) (see neutrino_couplings). The SM cross section is
    integrated on the same nodes, so the ratio is exactly 1 without a Z′.
    """
    m = np.asarray(m_zp, dtype=float)
    t, w = recoil_nodes(m, e_nu, n_nodes)                         # (n, K)
    gl_e, gr_e, gl_mu, gr_mu = sm_couplings(t, scheme)            # (n, K)
    gl_sm = np.stack([gl_e, gl_mu, gl_mu], axis=1)                # (n, 3, K)
    gr_sm = np.stack([gr_e, gr_mu, gr_mu], axis=1)
    dgl, dgr = zprime_shifts(t[:, None, :], m[:, None, None], np.asarray(h_nu, dtype=float)[:, :, None],
                             np.asarray(gv_e, dtype=float)[:, None, None], np.asarray(ga_e, dtype=float)[:, None, None])
    to_cm2 = HBARC_GEV_CM**2
    sig = np.sum(dsigma_dt(t[:, None, :], e_nu, gl_sm + dgl, gr_sm + dgr) * w[:, None, :], axis=-1) * to_cm2
    sig0 = np.sum(dsigma_dt(t[:, None, :], e_nu, gl_sm, gr_sm) * w[:, None, :], axis=-1) * to_cm2
    return sig, sig0


# ----------------------------------------------------------------------------------------------------------
# Fast path: the recoil integrals tabulated in m_Z′
# ----------------------------------------------------------------------------------------------------------
#
# With g_L = a_L(T) + c_L K, g_R = a_R(T) + c_R K, K = 1/(m_Z′² + 2m_eT), c_L = h u, c_R = h w,
# u = (g_V + g_A)/(2√2 G_F), w = (g_V − g_A)/(2√2 G_F) (zprime_shifts), z = m_eT/E², y = 1 − T/E, the square in
# dσ/dT expands into
#   σ_α = σ_α^SM + h_α (u A_α + w B_α) + h_α² (u² Q₁ + w² Q₂ − u w Q₃),
#   A_α = P∫(2a_L − a_R z)K dT,  B_α = P∫(2a_R y² − a_L z)K dT,  Q₁ = P∫K² dT,  Q₂ = P∫y²K² dT,  Q₃ = P∫zK² dT,
# P = 2G_F²m_e/π (× (ħc)² for cm²), a_L, a_R the SM couplings of ν_e (α = e) or ν_μ = ν_τ with their T dependence
# (bks95). The integrals depend on the point only through m_Z′; Q₁ = P T_max/(m²(m² + c)), c = 2m_eT_max, is
# analytic; the other six (A and B for ν_e and for ν_μ,τ, Q₂, Q₃) are computed once on a grid in ln m_Z′ with
# the recoil_nodes rule (accurate to ~1e−13) and interpolated by cubic splines, after multiplying out their
# behaviour at the ends so that what is interpolated is constant or linear in ln m_Z′ there: A, B × (m² + c);
# Q₂ × m²(m² + c); Q₃ × (m² + c)²/c. Spacing 0.005 in ln m_Z′ (the spline error scales as its fourth power).

#: range of the tables [GeV] and their spacing in ln m_Z′; outside the range be7_rate integrates directly
TABLE_M_RANGE = (1e-9, 1e4)
TABLE_STEP = 0.005


class RecoilTable:
    """The recoil integrals A_e, B_e, A_μ, B_μ, Q₂, Q₃ (see above) tabulated for ν energies E_l [GeV], and the
    SM cross sections σ_e, σ_μ [cm²] of each line.

    Built once per (energies, scheme) by recoil_table(). Spline error ≲ 2e−12 relative on each integral for
    m_Z′ in TABLE_M_RANGE (of its size nearby for B_e, which changes sign), ≲ 2e−12 on the rate
    (tests/test_fast_paths.py compares σ and R with the direct integration).
    """

    def __init__(self, energies: tuple[float, ...], scheme: str = "bks95"):
        from globalfit.grids import UniformCubic

        self.energies = tuple(float(e) for e in energies)
        self.scheme = scheme
        y0, y1 = np.log(TABLE_M_RANGE[0]), np.log(TABLE_M_RANGE[1])
        n = int(np.ceil((y1 - y0) / TABLE_STEP)) + 1
        y = np.linspace(y0, y1, n)
        self.splines = []  # per line: the six UniformCubic of the integrals
        pref = 2.0 * G_F**2 * M_E / np.pi * HBARC_GEV_CM**2
        m = np.exp(y)
        m2 = m * m
        self.c, self.q1, self.sigma_sm, self.coef = [], [], [], []
        for e_nu in self.energies:
            tm = float(t_max(e_nu))
            c = 2.0 * M_E * tm
            t, w = recoil_nodes(m, e_nu)                                  # (n, K)
            gl_e, gr_e, gl_mu, gr_mu = sm_couplings(t, scheme)
            yy = (1.0 - t / e_nu) ** 2
            z = M_E * t / e_nu**2
            kw = w / (m2[:, None] + 2.0 * M_E * t)                        # K dT
            k2w = kw / (m2[:, None] + 2.0 * M_E * t)                      # K² dT
            lin = m2 + c
            funcs = [np.sum((2.0 * gl_e - gr_e * z) * kw, axis=1) * lin,
                     np.sum((2.0 * gr_e * yy - gl_e * z) * kw, axis=1) * lin,
                     np.sum((2.0 * gl_mu - gr_mu * z) * kw, axis=1) * lin,
                     np.sum((2.0 * gr_mu * yy - gl_mu * z) * kw, axis=1) * lin,
                     np.sum(yy * k2w, axis=1) * m2 * lin,
                     np.sum(z * k2w, axis=1) * lin * lin / c]
            splines = [UniformCubic(y, pref * f) for f in funcs]
            self.splines.append(splines)
            self.coef.append([sp.coef for sp in splines])
            self.c.append(c)
            self.q1.append(pref * tm)
            # SM cross sections (σ_e, σ_μ = σ_τ) from the same rule (they do not depend on m_Z′)
            sig0 = line_cross_sections(e_nu, np.array([1.0]), np.zeros((1, 3)), np.zeros(1), np.zeros(1), scheme)[1]
            self.sigma_sm.append((float(sig0[0, 0]), float(sig0[0, 1])))

    def locate(self, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(interval index, position in it ∈ [0, 1], inside) for masses m [GeV] of shape (n,); outside the table
        (or NaN) the index and position are those of m = TABLE_M_RANGE[0] and inside is False."""
        with np.errstate(divide="ignore", invalid="ignore"):
            i, u, inside, _ = self.splines[0][0].locate(np.log(m))  # all splines share the grid
        return i, u, inside

    def integrals(self, line: int, i: np.ndarray, u: np.ndarray) -> list[np.ndarray]:
        """The six tabulated functions of line `line` at the points (i, u) of locate(): A_e, B_e, A_μ, B_μ, Q₂, Q₃
        times their normalisation factors (see the comment above RecoilTable; P includes (ħc)², so that the
        cross sections come out in cm²)."""
        from globalfit.grids import UniformCubic

        return [UniformCubic.horner(coef, i, u) for coef in self.coef[line]]

    def cross_sections(self, line: int, m_zp: ArrayLike, h_nu: ArrayLike, gv_e: ArrayLike, ga_e: ArrayLike
                       ) -> tuple[np.ndarray, np.ndarray]:
        """σ_α (SM+Z′, SM) [cm²], shape (n, 3), as line_cross_sections (m_zp inside TABLE_M_RANGE)."""
        m = np.asarray(m_zp, dtype=float)
        i, u, inside = self.locate(m)
        if not inside.all():
            raise ValueError(f"m_zp outside the table range {TABLE_M_RANGE} GeV")
        uu, ww = _uw(gv_e, ga_e)
        g_ae, g_be, g_am, g_bm, g_q2, g_q3 = self.integrals(line, i, u)
        inv1 = 1.0 / (m * m + self.c[line])
        lin_e, lin_mu = (uu * g_ae + ww * g_be) * inv1, (uu * g_am + ww * g_bm) * inv1
        quad = ((uu * uu * self.q1[line] + ww * ww * g_q2) / (m * m) - uu * ww * g_q3 * (self.c[line] * inv1)) * inv1
        h = np.asarray(h_nu, dtype=float)
        s_e, s_mu = self.sigma_sm[line]
        sig0 = np.broadcast_to(np.array([s_e, s_mu, s_mu]), h.shape)
        sig = sig0 + h * np.stack([lin_e, lin_mu, lin_mu], axis=-1) + h * h * quad[:, None]
        return sig, sig0.copy()


def _uw(gv_e, ga_e):
    """u = (g_V + g_A)/(2√2 G_F), w = (g_V − g_A)/(2√2 G_F) [GeV²]."""
    gv, ga = np.asarray(gv_e, dtype=float), np.asarray(ga_e, dtype=float)
    k = 1.0 / (2.0 * np.sqrt(2.0) * G_F)
    return (gv + ga) * k, (gv - ga) * k


@functools.lru_cache(maxsize=16)
def recoil_table(energies: tuple[float, ...], scheme: str = "bks95") -> RecoilTable:
    """The RecoilTable of these line energies [GeV] and coupling scheme, built on first use and cached."""
    return RecoilTable(energies, scheme)


def solar_probability_coefficients(s12sq: ArrayLike, s13sq: ArrayLike, s23sq: ArrayLike, delta: ArrayLike
                                   ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """(a_α), (b_α), α = e, μ, τ, with P_eα(E) = a_α + b_α cos 2θ₁₂^m(E) (solar_probabilities; δ in rad).

    a_α = ½c13²(|U_α1|² + |U_α2|²) + s13²|U_α3|², b_α = ½c13²(|U_α1|² − |U_α2|²), with |U_αi|² of the PDG
    parametrisation in real arithmetic: |U_μ1|² ± |U_μ2|² = c23² + s23²s13² or c2θ12(s23²s13² − c23²) + 2J,
    |U_τ1|² ± |U_τ2|² = s23² + c23²s13² or c2θ12(c23²s13² − s23²) − 2J, J = 2s12c12s23c23s13 cos δ.
    """
    s12sq, s13sq, s23sq = (np.clip(np.asarray(v, dtype=float), 0.0, 1.0) for v in (s12sq, s13sq, s23sq))
    c12sq, c13sq, c23sq = 1.0 - s12sq, 1.0 - s13sq, 1.0 - s23sq
    j2 = 4.0 * np.sqrt(s12sq * c12sq * s23sq * c23sq * s13sq) * np.cos(np.asarray(delta, dtype=float))
    hc = 0.5 * c13sq
    cos2 = c12sq - s12sq
    s13c13 = s13sq * c13sq
    mu_s, tau_s = s23sq * s13sq, c23sq * s13sq
    a = (hc * c13sq + s13sq * s13sq, hc * (c23sq + mu_s) + s13c13 * s23sq, hc * (s23sq + tau_s) + s13c13 * c23sq)
    b = (hc * c13sq * cos2, hc * (cos2 * (mu_s - c23sq) + j2), hc * (cos2 * (tau_s - s23sq) - j2))
    return a, b


def cos2theta12_matter(e_nu: float, s12sq: ArrayLike, s13sq: ArrayLike, dm21sq: ArrayLike,
                       n_e_cm3: float = N_E_BE7) -> np.ndarray:
    """cos 2θ₁₂^m at the production point for energy E [GeV] (as in solar_probabilities; Δm²21 in eV²)."""
    s12sq = np.asarray(s12sq, dtype=float)
    beta = (2.0 * float(matter_potential(n_e_cm3)) * e_nu / EV**2) * (1.0 - np.asarray(s13sq, dtype=float)) / (
        np.asarray(dm21sq, dtype=float))
    d = (1.0 - 2.0 * s12sq) - beta
    return d / np.sqrt(d * d + 4.0 * s12sq * (1.0 - s12sq))


def be7_rate(lines: list[tuple[float, float]], electrons: float, m_zp: ArrayLike, g_zp: ArrayLike,
             gv_e: ArrayLike, ga_e: ArrayLike, g_nue: ArrayLike, osc: dict[str, ArrayLike],
             scheme: str = "bks95", method: str = "table",
             h_mu_tau: tuple[ArrayLike, ArrayLike] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Interaction rate R = N_e Σ_lines Φ_l Σ_α P_eα(E_l) σ_α(E_l) [per day per target], (SM+Z′, SM), shape (n,).

    lines: (E [GeV], flux [cm⁻² s⁻¹]) of each ⁷Be line the measured rate includes; electrons: number of
    target electrons (3.307e31 per 100 t of Borexino scintillator gives counts/day/100 t); osc: s12sq,
    s13sq, s23sq, delta [rad], dm21sq [eV²], arrays (n,) or scalars. σ over the full recoil range.
    method="exact": line_cross_sections (the recoil integral at every point) and solar_probabilities;
    method="table" (default): the tabulated integrals (RecoilTable; the exact path for m_Z′ outside
    TABLE_M_RANGE) and solar_probability_coefficients; the two agree to ≲ 2e−12 relative.
    h_mu_tau: the left-handed ν_μ and ν_τ couplings (h_μ, h_τ) of a model other than L_μ − L_τ (default
    g + 2g_ν and −g + 2g_ν, neutrino_couplings); ν_e's is 2 g_nue either way.
    """
    if method == "exact":
        return _be7_rate_exact(lines, electrons, m_zp, g_zp, gv_e, ga_e, g_nue, osc, scheme, h_mu_tau)
    if method != "table":
        raise ValueError(f"method must be 'table' or 'exact', got {method!r}")
    m = np.asarray(m_zp, dtype=float)
    g, gn = np.asarray(g_zp, dtype=float), np.asarray(g_nue, dtype=float)
    table = recoil_table(tuple(float(e) for e, _ in lines), scheme)
    i, u, inside = table.locate(m)
    all_inside = bool(inside.all())
    m_in = m if all_inside else np.where(inside, m, 1.0)
    uu, ww = _uw(gv_e, ga_e)
    uu2, ww2, uw = uu * uu, ww * ww, uu * ww
    inv_m2 = 1.0 / (m_in * m_in)
    # flavour sums, P_eα = a_α + b_α c with c = cos 2θ₁₂^m of the line: Σ P_α h_α^k = A_k + B_k c
    h_e = 2.0 * gn
    if h_mu_tau is None:
        h_mu, h_tau = h_e + g, h_e - g
    else:
        h_mu, h_tau = (np.asarray(h, dtype=float) for h in h_mu_tau)
    (a_e, a_mu, a_tau), (b_e, b_mu, b_tau) = solar_probability_coefficients(osc["s12sq"], osc["s13sq"], osc["s23sq"],
                                                                            osc["delta"])
    a1e, b1e = a_e * h_e, b_e * h_e
    a1m, b1m = a_mu * h_mu + a_tau * h_tau, b_mu * h_mu + b_tau * h_tau
    a2 = a1e * h_e + a_mu * h_mu * h_mu + a_tau * h_tau * h_tau
    b2 = b1e * h_e + b_mu * h_mu * h_mu + b_tau * h_tau * h_tau
    a_mt, b_mt = a_mu + a_tau, b_mu + b_tau
    rate = rate0 = 0.0
    for line, (e_nu, flux) in enumerate(lines):
        c = cos2theta12_matter(e_nu, osc["s12sq"], osc["s13sq"], osc["dm21sq"])
        s_e, s_mu = table.sigma_sm[line]
        sm = (s_e * a_e + s_mu * a_mt) + (s_e * b_e + s_mu * b_mt) * c
        g_ae, g_be, g_am, g_bm, g_q2, g_q3 = table.integrals(line, i, u)
        inv1 = 1.0 / (m_in * m_in + table.c[line])
        quad = (uu2 * table.q1[line] + ww2 * g_q2) * inv_m2 - uw * g_q3 * (table.c[line] * inv1)
        zp = (((a1e + b1e * c) * (uu * g_ae + ww * g_be) + (a1m + b1m * c) * (uu * g_am + ww * g_bm)
               + (a2 + b2 * c) * quad) * inv1)
        rate = rate + flux * (sm + zp)
        rate0 = rate0 + flux * sm
    scale = electrons * SECONDS_PER_DAY
    rate = np.broadcast_to(rate * scale, m.shape).copy()
    rate0 = np.broadcast_to(rate0 * scale, m.shape).copy()
    if not all_inside:
        out = ~inside
        sub = [np.broadcast_to(np.asarray(v, dtype=float), m.shape)[out] for v in (m, g, gv_e, ga_e, gn)]
        osc_sub = {k: (np.broadcast_to(np.asarray(v, dtype=float), m.shape)[out] if np.ndim(v) else v)
                   for k, v in osc.items()}
        h_sub = None if h_mu_tau is None else tuple(np.broadcast_to(np.asarray(h, dtype=float), m.shape)[out]
                                                    for h in h_mu_tau)
        rate[out], rate0[out] = _be7_rate_exact(lines, electrons, *sub, osc_sub, scheme, h_sub)
    return rate, rate0


def _be7_rate_exact(lines, electrons, m_zp, g_zp, gv_e, ga_e, g_nue, osc, scheme="bks95", h_mu_tau=None):
    """be7_rate with method="exact"."""
    m = np.asarray(m_zp, dtype=float)
    h = neutrino_couplings(g_zp, g_nue) * np.ones_like(m)[:, None]
    if h_mu_tau is not None:
        h = h.copy()
        h[:, 1] = np.broadcast_to(np.asarray(h_mu_tau[0], dtype=float), m.shape)
        h[:, 2] = np.broadcast_to(np.asarray(h_mu_tau[1], dtype=float), m.shape)
    gv = np.broadcast_to(np.asarray(gv_e, dtype=float), m.shape)
    ga = np.broadcast_to(np.asarray(ga_e, dtype=float), m.shape)
    rate = np.zeros(m.shape)
    rate0 = np.zeros(m.shape)
    for e_nu, flux in lines:
        p = solar_probabilities(e_nu, osc["s12sq"], osc["s13sq"], osc["s23sq"], osc["delta"], osc["dm21sq"])
        p = np.broadcast_to(p, m.shape + (3,))
        sig, sig0 = line_cross_sections(e_nu, m, h, gv, ga, scheme)
        rate += flux * np.sum(p * sig, axis=-1)
        rate0 += flux * np.sum(p * sig0, axis=-1)
    scale = electrons * SECONDS_PER_DAY
    return rate * scale, rate0 * scale
