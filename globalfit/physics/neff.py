"""N_eff with a Z′ in thermal equilibrium with the neutrinos (likelihoods/neff/NOTES.md).

Units: masses in GeV at the interface (`m_zp`, as everywhere in globalfit); inside the solver temperatures and
masses are in MeV (the names say so), energy-transfer rates in MeV⁵, the Hubble rate in MeV (ħ = c = k_B = 1).

Method: the thermodynamics of neutrino decoupling as ordinary differential equations for the temperature of the
electromagnetic plasma (γ, e±) and of the neutrinos, every species described by an equilibrium distribution at
its temperature with zero chemical potential, energy exchanged between the sectors through the Standard-Model
weak rates in the Maxwell–Boltzmann approximation: M. Escudero, JCAP 02 (2019) 007, arXiv:1812.05605; applied to
the L_μ − L_τ Z′ by M. Escudero, D. Hooper, G. Krnjaic, M. Pierre, JHEP 03 (2019) 071, arXiv:1901.02010; with the
Fermi–Dirac factors of the rates of M. Escudero, JCAP 05 (2020) 048, arXiv:2001.04466. This is an independent
implementation of the published equations (no code of the authors' NUDEC_BSM is used).

With N = ln a, H = √(8πρ_tot/3)/M_Pl, ρ_ν1(T) = (7/8)(π²/15)T⁴ per flavour (ν + ν̄), ρ_Z′, P_Z′ of a vector
boson (g = 3, Bose–Einstein, zero chemical potential) at the neutrino temperature:

    dT_γ/dN = −[3(ρ_γ + P_γ) + 3(ρ_e + P_e) + 3T_γ P′_int + (δρ_ν/δt)/H] / [dρ_γ/dT + dρ_e/dT + T_γ P″_int]
    dT_ν/dN = −[4·3ρ_ν1 + 3(ρ_Z′ + P_Z′) − (δρ_ν/δt)/H] / [3 dρ_ν1/dT + dρ_Z′/dT]          (baths="common")

The Z′ is in equilibrium with the neutrinos through Z′ ↔ νν̄ (rate ≫ H, see `thermalisation_coupling`); as it
becomes non-relativistic its entropy goes to the neutrinos (the term 3(ρ_Z′ + P_Z′)). Energy transfer from the
e± plasma to the neutrinos (e⁺e⁻ ↔ νν̄ and ν e ↔ ν e, massless electrons):

    δρ_ν/δt = (G_F²/π⁵) 4[(g_L^e² + g_R^e²) + 2(g_L^μ² + g_R^μ²)] F(T_γ, T_ν),
    F(T₁, T₂) = 32 f_a (T₁⁹ − T₂⁹) + 56 f_s T₁⁴T₂⁴(T₁ − T₂)

(arXiv:1812.05605, whose f_a = f_s = 1 are the Maxwell–Boltzmann rates; f_a = 0.884, f_s = 0.829 correct them for
Fermi–Dirac statistics, arXiv:2001.04466; g_L^e = 0.727, g_R^e = 0.233 for ν_e and g_L^μ = −0.273, g_R^μ = 0.233
for ν_μ,τ: the low-energy ν–e couplings of the PDG electroweak review). With baths="split" ν_e and ν_μ,τ have
their own temperatures, the Z′ shares that of ν_μ,τ, and the two baths exchange energy through νν̄ ↔ ν′ν̄′ and
νν′ scattering (arXiv:2001.04466):

    δρ_νe/δt = (G_F²/π⁵)[4(g_L^e² + g_R^e²) F(T_γ, T_νe) + 2F(T_νμ, T_νe)],
    δρ_νμ/δt = (G_F²/π⁵)[4(g_L^μ² + g_R^μ²) F(T_γ, T_νμ) − F(T_νμ, T_νe)]   (each of ν_μ, ν_τ).

Option me_annihilation=True keeps the electron mass in the annihilation term (a check of the massless-electron
approximation, not used for the table): T⁹ → T⁹ s(m_e/T) with the Maxwell–Boltzmann thermal average over s,
s(x) = ∫_{2x}^∞ dz z⁷K₂(z) R(β)/3072, R = [g_V² β(3 − β²)/2 + g_A² β³]/(g_V² + g_A²), β² = 1 − 4x²/z²,
g_V,A = g_L ± g_R (νν̄ → e⁺e⁻ through a vector and an axial current; 3072 = ∫₀^∞ z⁷K₂).

Finite-temperature QED corrections of the e±γ plasma (qed=True; Heckler, PRD 49 (1994) 611; Mangano et al.,
PLB 534 (2002) 8; Bennett et al., JCAP 04 (2020) 003, arXiv:1911.04504), to O(e²) and O(e³):

    P_int = −(e²T²/6π²) I − (e²/2π⁴) I² + (T/12π) m_D³,
    I = ∫₀^∞ dk k²/E n_F(E),   m_D² = (2e²/π²) ∫₀^∞ dk (E + k²/E) n_F(E),   E = √(k² + m_e²),

(massless limit −5e²T⁴/288 + e³T⁴/(36√3π)), ρ_int = −P_int + T P′_int; the O(e²m_e²) logarithmic term is
neglected (below 10⁻⁴ in N_eff, arXiv:1911.04504). Finally, at T_γ ≪ m_e and T_ν ≪ m_Z′,

    N_eff = (8/7)(11/4)^{4/3} ρ_ν/ρ_γ .

Approximations (their sizes in likelihoods/neff/NOTES.md): equilibrium spectra with zero chemical potentials,
massless electrons and Maxwell–Boltzmann kinematics with constant Fermi–Dirac factors in the rates, no
neutrino oscillations, the Z′ always in equilibrium with the neutrinos, Z′ → e⁺e⁻ (kinetic mixing) and
Z′-mediated ν–e scattering neglected, no muons (the integration starts at T = 10 MeV with all species in
equilibrium, where the neutrinos are still tightly coupled).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics.constants import ALPHA_0, G_F, M_E

#: Planck mass M_Pl = √(ħc/G) [GeV], PDG 2024 (1.220890(14) × 10¹⁹ GeV)
M_PL = 1.220890e19
#: the SM benchmark with oscillations and O(e³) QED: Bennett et al., JCAP 04 (2021) 073, arXiv:2012.02726
NEFF_SM = 3.0440
#: low-energy ν–e couplings (PDG review "Electroweak model and constraints on new physics"): ν_e (charged +
#: neutral current) and ν_μ,τ (neutral current only)
G_L_E, G_R_E, G_L_MU, G_R_MU = 0.727, 0.233, -0.273, 0.233
#: Fermi–Dirac corrections to the Maxwell–Boltzmann annihilation and scattering energy-transfer rates
#: (arXiv:2001.04466); 1 and 1 reproduce the Maxwell–Boltzmann rates of arXiv:1812.05605
F_ANN, F_SCAT = 0.884, 0.829
#: internal degrees of freedom of the Z′ (massive vector boson)
ZP_DOF = 3
BATHS = ("common", "split")

_MEV = 1.0e3  # GeV → MeV
_GF_MEV = G_F * 1.0e-6  # MeV⁻²
_ME_MEV = M_E * _MEV
_MPL_MEV = M_PL * _MEV
_E2 = 4.0 * math.pi * ALPHA_0  # e²
_RHO_GAMMA = math.pi**2 / 15.0  # ρ_γ/T⁴ (g = 2)
_RHO_NU1 = 7.0 / 8.0 * math.pi**2 / 15.0  # ρ/T⁴ of one flavour, ν + ν̄
_NEFF_NORM = 8.0 / 7.0 * (11.0 / 4.0) ** (4.0 / 3.0)
_RATE = _GF_MEV**2 / math.pi**5
_C_E = 4.0 * (G_L_E**2 + G_R_E**2)
_C_MU = 4.0 * (G_L_MU**2 + G_R_MU**2)

# ------------------------------------------------------------------------------------------ thermodynamics
#: tabulation range of x = m/T: below X_MIN the massless value (relative error ~x²), above X_MAX zero (e^{−x})
X_MIN, X_MAX = 1.0e-4, 300.0
_N_X = 1500
_GL = np.polynomial.legendre.leggauss(96)


def _momentum_rule(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes q (units of T) and weights for ∫₀^∞ dq with a factor e^{−√(q²+x²)}, per x: the range
    [0, Q], √(Q² + x²) = x + 80 (the rest is below e^{−80} of the peak), in 3 panels of 96 nodes."""
    t, w = 0.5 * (_GL[0] + 1.0), 0.5 * _GL[1]
    qmax = np.sqrt((x + 80.0) ** 2 - x**2)
    edges = np.stack([np.zeros_like(x), 0.1 * qmax, 0.4 * qmax, qmax], axis=1)
    a, b = edges[:, :-1, None], edges[:, 1:, None]
    return (a + (b - a) * t).reshape(len(x), -1), ((b - a) * w).reshape(len(x), -1)


def thermo_integrals(x: ArrayLike, fermion: bool) -> dict[str, np.ndarray]:
    """Per internal degree of freedom of a species of mass m at temperature T, x = m/T (array), by quadrature:
    rho = ρ/T⁴, p = P/T⁴, drho = (dρ/dT)/T³ at fixed m, and for fermions the QED integrals i = I/T² =
    ∫dq q²/ε n and j = ∫dq (ε + q²/ε) n (ε = √(q² + x²), q = k/T; n Fermi–Dirac or Bose–Einstein)."""
    x = np.atleast_1d(np.asarray(x, dtype=float))
    q, w = _momentum_rule(x)
    eps = np.sqrt(q * q + x[:, None] ** 2)
    s = 1.0 if fermion else -1.0
    em = np.exp(-eps)
    n = em / (1.0 + s * em)
    c = 1.0 / (2.0 * math.pi**2)
    out = {"rho": c * np.sum(w * q * q * eps * n, axis=1),
           "p": c / 3.0 * np.sum(w * q**4 / eps * n, axis=1),
           "drho": c * np.sum(w * q * q * eps * eps * n * (1.0 - s * n), axis=1)}
    if fermion:
        out["i"] = np.sum(w * q * q / eps * n, axis=1)
        out["j"] = np.sum(w * (eps + q * q / eps) * n, axis=1)
    return out


def qed_pressure(x: ArrayLike) -> np.ndarray:
    """P_int/T⁴ of the e±γ plasma at x = m_e/T, O(e²) + O(e³) (module docstring)."""
    t = thermo_integrals(x, fermion=True)
    md2 = 2.0 * _E2 / math.pi**2 * t["j"]
    return -_E2 / (6.0 * math.pi**2) * t["i"] - _E2 / (2.0 * math.pi**4) * t["i"] ** 2 + md2**1.5 / (12.0 * math.pi)


def annihilation_suppression(x: ArrayLike, g_l: float, g_r: float) -> np.ndarray:
    """s(x): the Maxwell–Boltzmann e⁺e⁻ ↔ νν̄ energy-transfer rate with electron mass m_e = xT relative to
    m_e = 0 (module docstring), for ν–e couplings g_L, g_R; s(0) = 1."""
    from scipy.special import kve  # scipy where used: the plugin registry imports this module at start-up

    x = np.atleast_1d(np.asarray(x, dtype=float))[:, None]
    gv2, ga2 = (g_l + g_r) ** 2, (g_l - g_r) ** 2
    t, w = 0.5 * (_GL[0] + 1.0), 0.5 * _GL[1]
    v = math.sqrt(120.0) * t  # z = 2x + v², the √ threshold of β removed
    z = 2.0 * x + v * v
    beta = v * np.sqrt(v * v + 4.0 * x) / z
    r = (gv2 * beta * (3.0 - beta * beta) / 2.0 + ga2 * beta**3) / (gv2 + ga2)
    f = z**7 * kve(2, z) * np.exp(-z) * r * 2.0 * v
    return np.sum(math.sqrt(120.0) * w * f, axis=1) / 3072.0


class _Table:
    """Columns of functions of ℓ = ln x on a uniform grid, one cubic spline for all of them (of the logarithm
    for the positive columns, `logs`); zero for x ≥ X_MAX, the value at X_MIN below it."""

    def __init__(self, columns: dict[str, np.ndarray], ell: np.ndarray, logs: tuple[str, ...] = ()):
        self.names = list(columns)
        self.index = {k: i for i, k in enumerate(self.names)}
        self.log_idx = np.array([self.index[k] for k in logs], dtype=int)
        from scipy.interpolate import CubicSpline

        self.spline = CubicSpline(ell, np.stack([np.log(columns[k]) if k in logs else columns[k]
                                                 for k in self.names], axis=1))
        self.lo = float(ell[0])
        self.zero = np.zeros(len(self.names))

    def __call__(self, x: float) -> np.ndarray:
        if x >= X_MAX:
            return self.zero
        out = self.spline(math.log(x) if x > X_MIN else self.lo)
        out[self.log_idx] = np.exp(out[self.log_idx])
        return out

    def many(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        out = self.spline(np.log(np.clip(x, X_MIN, X_MAX)))
        out[..., self.log_idx] = np.exp(out[..., self.log_idx])
        return np.where((x >= X_MAX)[..., None], 0.0, out)


@lru_cache(maxsize=1)
def _tables() -> tuple[_Table, _Table]:
    """(fermion table: ρ, P, dρ/dT per dof and the QED columns; boson table: ρ, P, dρ/dT per dof)."""
    from scipy.interpolate import CubicSpline

    ell = np.linspace(math.log(X_MIN), math.log(X_MAX), _N_X)
    x = np.exp(ell)
    ferm = thermo_integrals(x, fermion=True)
    bos = thermo_integrals(x, fermion=False)
    # QED, S(ℓ) = P_int/T⁴ with derivatives S′, S″ in ℓ: T P′/T⁴ = 4S − S′, T²P″/T⁴ = 12S − 7S′ + S″
    s = CubicSpline(ell, qed_pressure(x))
    s0, s1, s2 = s(ell), s(ell, 1), s(ell, 2)
    fcols = {"rho": ferm["rho"], "p": ferm["p"], "drho": ferm["drho"],
             "qed_p": s0, "qed_dp": 4.0 * s0 - s1, "qed_d2p": 12.0 * s0 - 7.0 * s1 + s2}
    thermo = ("rho", "p", "drho")
    return _Table(fcols, ell, logs=thermo), _Table({k: bos[k] for k in thermo}, ell, logs=thermo)


@lru_cache(maxsize=1)
def _suppression_tables() -> tuple[_Table, _Table]:
    ell = np.linspace(math.log(X_MIN), math.log(60.0), 600)
    x = np.exp(ell)
    return (_Table({"s": annihilation_suppression(x, G_L_E, G_R_E)}, ell, logs=("s",)),
            _Table({"s": annihilation_suppression(x, G_L_MU, G_R_MU)}, ell, logs=("s",)))


# ---------------------------------------------------------------------------------------------- the solver
def _scattering(t1: float, t2: float) -> float:
    return 56.0 * F_SCAT * t1**4 * t2**4 * (t1 - t2)


def _transfer(t1: float, t2: float) -> float:
    """F(T₁, T₂) [MeV⁹] (massless electrons)."""
    return 32.0 * F_ANN * (t1**9 - t2**9) + _scattering(t1, t2)


@dataclass(frozen=True)
class NeffSolution:
    """Result of `solve_neff`: N_eff, the final T_ν/T_γ of each neutrino bath and N_eff by bath."""
    neff: float
    m_zp: float | None  # GeV; None: no Z′
    baths: str
    qed: bool
    t_nu_over_t_gamma: tuple[float, ...]
    neff_by_bath: tuple[float, ...]
    n_steps: int
    history: dict[str, np.ndarray] = field(default_factory=dict, repr=False)


def solve_neff(m_zp: float | None = None, *, baths: str = "common", qed: bool = True,
               me_annihilation: bool = False, zp_dof: int = ZP_DOF, rate_scale: float = 1.0,
               t_start_mev: float = 10.0, t_end_mev: float = 1.0e-3, rtol: float = 1e-10,
               keep_history: bool = False) -> NeffSolution:
    """N_eff from the temperature evolution between T = t_start_mev (every species in equilibrium at one
    temperature) and T_γ ≈ min(t_end_mev, m_Z′/60). `m_zp` [GeV] adds a Z′ (g = `zp_dof`) in equilibrium with
    ν_μ, ν_τ; None is the Standard Model. baths: "common" (one neutrino temperature, as arXiv:1812.05605 and
    1901.02010) or "split" (ν_e and ν_μ,τ separately). `rate_scale` multiplies every weak rate (0: instantaneous
    decoupling at t_start_mev; for checks)."""
    if baths not in BATHS:
        raise ValueError(f"baths must be one of {', '.join(BATHS)}, got {baths!r}")
    if m_zp is not None and not (isinstance(m_zp, (int, float)) and math.isfinite(m_zp) and m_zp > 0):
        raise ValueError(f"m_zp must be a positive mass in GeV, got {m_zp!r}")
    ferm, bos = _tables()
    i_rho, i_p, i_drho = ferm.index["rho"], ferm.index["p"], ferm.index["drho"]
    i_qp, i_qdp, i_qd2p = ferm.index["qed_p"], ferm.index["qed_dp"], ferm.index["qed_d2p"]
    m_mev = None if m_zp is None else float(m_zp) * _MEV
    t_end = t_end_mev if m_mev is None else min(t_end_mev, m_mev / 60.0)
    sup_e, sup_mu = _suppression_tables() if me_annihilation else (None, None)
    rate = _RATE * float(rate_scale)

    def ann(t1: float, t2: float, sup) -> float:
        if sup is None:
            return 32.0 * F_ANN * (t1**9 - t2**9)
        return 32.0 * F_ANN * (t1**9 * sup(_ME_MEV / t1)[0] - t2**9 * sup(_ME_MEV / t2)[0])

    def plasma(t_g: float) -> tuple[float, float, float]:
        """(ρ, P, dρ/dT) of γ + e± (+ the QED interaction) at T_γ."""
        c = ferm(_ME_MEV / t_g)
        t3 = t_g**3
        t4 = t3 * t_g
        rho = (_RHO_GAMMA + 4.0 * c[i_rho]) * t4
        p = (_RHO_GAMMA / 3.0 + 4.0 * c[i_p]) * t4
        drho = (4.0 * _RHO_GAMMA + 4.0 * c[i_drho]) * t3
        if qed:
            rho += (c[i_qdp] - c[i_qp]) * t4  # ρ_int = −P + T P′
            p += c[i_qp] * t4
            drho += c[i_qd2p] * t3  # dρ_int/dT = T P″
        return rho, p, drho

    def zprime(t_nu: float) -> tuple[float, float, float]:
        if m_mev is None:
            return 0.0, 0.0, 0.0
        c = bos(m_mev / t_nu)
        t3 = t_nu**3
        return zp_dof * c[0] * t3 * t_nu, zp_dof * c[1] * t3 * t_nu, zp_dof * c[2] * t3

    def rhs_common(_n, y):
        t_g, t_n = math.exp(y[0]), math.exp(y[1])
        rho_p, p_p, d_p = plasma(t_g)
        rho_z, p_z, d_z = zprime(t_n)
        rho_nu = 3.0 * _RHO_NU1 * t_n**4
        hub = math.sqrt(8.0 * math.pi * (rho_p + rho_nu + rho_z) / 3.0) / _MPL_MEV
        if me_annihilation:
            f = _C_E * ann(t_g, t_n, sup_e) + 2.0 * _C_MU * ann(t_g, t_n, sup_mu) + \
                (_C_E + 2.0 * _C_MU) * _scattering(t_g, t_n)
        else:
            f = (_C_E + 2.0 * _C_MU) * _transfer(t_g, t_n)
        q = rate * f / hub
        dtg = -(3.0 * (rho_p + p_p) + q) / d_p
        dtn = -(4.0 * rho_nu + 3.0 * (rho_z + p_z) - q) / (4.0 * rho_nu / t_n + d_z)
        return [dtg / t_g, dtn / t_n]

    def rhs_split(_n, y):
        t_g, t_e, t_m = math.exp(y[0]), math.exp(y[1]), math.exp(y[2])
        rho_p, p_p, d_p = plasma(t_g)
        rho_z, p_z, d_z = zprime(t_m)
        rho_e = _RHO_NU1 * t_e**4
        rho_m = 2.0 * _RHO_NU1 * t_m**4
        hub = math.sqrt(8.0 * math.pi * (rho_p + rho_e + rho_m + rho_z) / 3.0) / _MPL_MEV
        f_me = _transfer(t_m, t_e)  # νν: no electrons
        f_e = _C_E * (ann(t_g, t_e, sup_e) + _scattering(t_g, t_e))
        f_m = _C_MU * (ann(t_g, t_m, sup_mu) + _scattering(t_g, t_m))
        q_e = rate * (f_e + 2.0 * f_me) / hub
        q_m = 2.0 * rate * (f_m - f_me) / hub  # ν_μ + ν_τ
        dtg = -(3.0 * (rho_p + p_p) + q_e + q_m) / d_p
        dte = -(4.0 * rho_e - q_e) / (4.0 * rho_e / t_e)
        dtm = -(4.0 * rho_m + 3.0 * (rho_z + p_z) - q_m) / (4.0 * rho_m / t_m + d_z)
        return [dtg / t_g, dte / t_e, dtm / t_m]

    nb = 2 if baths == "common" else 3
    y0 = [math.log(t_start_mev)] * nb
    n_end = math.log(t_start_mev / t_end) + 0.5
    from scipy.integrate import solve_ivp

    sol = solve_ivp(rhs_common if baths == "common" else rhs_split, (0.0, n_end), y0, method="LSODA",
                    rtol=rtol, atol=rtol * 1e-2)
    if not sol.success:
        raise RuntimeError(f"N_eff solver failed at m_zp = {m_zp}: {sol.message}")
    temps = np.exp(sol.y[:, -1])
    ratios = tuple(float(t / temps[0]) for t in temps[1:])
    unit = _NEFF_NORM * _RHO_NU1 / _RHO_GAMMA  # N_eff of one flavour at T_ν/T_γ = 1
    flavours = (3.0,) if baths == "common" else (1.0, 2.0)
    by = tuple(float(k * unit * r**4) for k, r in zip(flavours, ratios))
    hist = {}
    if keep_history:
        hist = {"n": sol.t, "t_gamma_mev": np.exp(sol.y[0])}
        hist.update({f"t_nu{k}_mev": np.exp(sol.y[k]) for k in range(1, nb)})
    return NeffSolution(float(sum(by)), None if m_zp is None else float(m_zp), baths, qed, ratios, by,
                        int(sol.t.size), hist)


# ----------------------------------------------------------------------------------------- thermalisation
def zp_width_nu(m_zp: ArrayLike, g_zp: ArrayLike) -> np.ndarray:
    """Γ(Z′ → ν_μν̄_μ + ν_τν̄_τ) = g² m_Z′/(12π) [GeV] (docs/physics/zprime.md#z-decay-widths)."""
    return np.asarray(g_zp, dtype=float) ** 2 * np.asarray(m_zp, dtype=float) / (12.0 * math.pi)


def hubble(t: ArrayLike, m_zp: ArrayLike | None = None) -> np.ndarray:
    """H [GeV] at a common temperature t [GeV] of γ, e±, three neutrinos and (if given) a Z′ of mass m_zp
    [GeV] in equilibrium (muons and QED corrections not included)."""
    ferm, bos = _tables()
    t = np.asarray(t, dtype=float)
    g = _RHO_GAMMA + 4.0 * ferm.many(M_E / t)[..., ferm.index["rho"]] + 3.0 * _RHO_NU1
    if m_zp is not None:
        g = g + ZP_DOF * bos.many(np.asarray(m_zp, dtype=float) / t)[..., 0]
    return np.sqrt(8.0 * math.pi * g / 3.0) * t * t / M_PL


def thermalisation_coupling(m_zp: ArrayLike, k_min: float = 1.0) -> np.ndarray:
    """The coupling above which the Z′ is in equilibrium with ν_μ, ν_τ when it becomes non-relativistic:
    K = Γ(Z′ → νν̄)/H(T = m_Z′) ≥ k_min, i.e. g_th = √(12π k_min H(m_Z′)/m_Z′) (m_zp in GeV; likelihoods/neff/
    NOTES.md: 1.4 × 10⁻¹⁰ at 1 MeV, 4.3 × 10⁻¹⁰ at 10 MeV for k_min = 1)."""
    m = np.asarray(m_zp, dtype=float)
    return np.sqrt(12.0 * math.pi * k_min * hubble(m, m) / m)


def spline_kernel_data(spline, column: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(knots, coefficients (n − 1, 4), highest power first) of a scipy CubicSpline (of its `column` when it
    interpolates several), C-contiguous, for a compiled twin of its evaluation (likelihoods/neff/kernel.py)."""
    c = spline.c if column is None else spline.c[..., column]
    return np.ascontiguousarray(spline.x, dtype=float), np.ascontiguousarray(c.T, dtype=float)


def thermalisation_kernel_data() -> tuple:
    """The tables and constants of `thermalisation_coupling` (k_min = 1) for its compiled twin
    (likelihoods/neff/kernel.py): (knots, coefficients of ln ρ_e±/T⁴ per dof in ln x (x = m_e/T), X_MIN, X_MAX,
    ρ_γ/T⁴, 3ρ_ν1/T⁴, ZP_DOF ρ_Z′/T⁴ at T = m_Z′), as `hubble` evaluates them."""
    ferm, bos = _tables()
    knots, coef = spline_kernel_data(ferm.spline, ferm.index["rho"])
    zp = float((ZP_DOF * bos.many(np.ones(4))[..., 0])[0])
    return knots, coef, X_MIN, X_MAX, _RHO_GAMMA, 3.0 * _RHO_NU1, zp


# ------------------------------------------------------------------------------------ the run-time table
@dataclass(frozen=True)
class NeffTable:
    """ΔN_eff(m_Z′) = N_eff(m_Z′) − N_eff(SM), both from `solve_neff` with the same approximations (so their
    common offsets cancel), tabulated by data/neff/build_table.py and interpolated by a cubic spline in ln m_Z′.
    Below the grid ΔN_eff is its value at the lowest mass (the Z′ then decays after e± annihilation: the limit
    of entropy conservation in the ν + Z′ bath is reached, to 10⁻⁴ at the grid's lower end); above it 0 (the
    Z′ decays while the neutrinos are coupled; ΔN_eff at the upper end is < 10⁻⁵)."""
    m_zp: np.ndarray
    delta_neff: np.ndarray
    spline: object = field(init=False, repr=False, compare=False)  # a scipy CubicSpline of ΔN_eff(ln m_Z′)

    def __post_init__(self):
        from scipy.interpolate import CubicSpline

        object.__setattr__(self, "spline", CubicSpline(np.log(self.m_zp), self.delta_neff))

    def kernel_data(self) -> tuple[np.ndarray, np.ndarray, float, float]:
        """(knots, coefficients (spline_kernel_data), ln of the lowest and highest mass) for the compiled twin of
        `__call__` (likelihoods/neff/kernel.py)."""
        return (*spline_kernel_data(self.spline), math.log(self.m_zp[0]), math.log(self.m_zp[-1]))

    def __call__(self, m_zp: ArrayLike) -> np.ndarray:
        """ΔN_eff at m_zp [GeV] (array; non-positive or non-finite masses give NaN)."""
        m = np.asarray(m_zp, dtype=float)
        ok = np.isfinite(m) & (m > 0)
        lm = np.log(np.where(ok, m, 1.0))
        lo, hi = math.log(self.m_zp[0]), math.log(self.m_zp[-1])
        out = self.spline(np.clip(lm, lo, hi))
        out = np.where(lm > hi, 0.0, out)
        return np.where(ok, out, np.nan)
