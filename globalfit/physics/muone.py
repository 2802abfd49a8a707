"""μ e⁻ → μ e⁻ Z′ at MUonE: kinematics, the tree-level matrix element and a vectorized Monte Carlo integrator
(likelihoods/muone/NOTES.md).

Units: GeV (energies, masses, momenta), GeV⁻² (cross sections; `GEV2_TO_FB` converts), radians.

Couplings (docs/physics/conventions.md, docs/physics/zprime.md): L ⊃ −Z′_α Σ_f g_f f̄γ^αf with
g_μ = g − εe (U(1)′ charge +1 plus kinetic mixing, J_em with Q_μ = −1) and g_e = −εe. Photon vertices −ieQγ^α
(Q = −1 for both lines), photon propagator −iη_αβ/q². Two diagram classes, each with the Z′ on either side of the
photon vertex (Mandl & Shaw conventions; every diagram has the same number of vertices and propagators, so the
relative sign between the classes is the sign of the couplings only):

    M_μ^α = g_μ e² [ū₃ (γ^α S_μ(p₃+k) γ^β + γ^β S_μ(p₁−k) γ^α) u₁] η_ββ′ [ū₄ γ^β′ u₂] / (p₂−p₄)²,
    M_e^α = g_e e² [ū₃ γ^β u₁] η_ββ′ [ū₄ (γ^α S_e(p₄+k) γ^β′ + γ^β′ S_e(p₂−k) γ^α) u₂] / (p₁−p₃)²,

S_f(l) = (l̸ + m_f)/(l² − m_f²); μ(p₁) e(p₂) → μ(p₃) e(p₄) Z′(k). Spins are summed with explicit spinors (chiral
representation, helicity basis), vectorized over events; the Z′ polarisations with −η_αβ + k_αk_β/m². The k_αk_β term
vanishes for each class separately (Ward identity of a vector current on one fermion line; `gauge_ratio` checks it).
With unit couplings the spin-averaged pieces A = ⟨|M̂_μ|²⟩, C = ⟨|M̂_e|²⟩, B = 2Re⟨M̂_μ M̂_e*⟩ give
⟨|M|²⟩ = g_μ² A + g_μ g_e B + g_e² C, i.e. in terms of g and x = εe
    σ = g² a + g x b + x² c,   a = A,  b = −2A − B,  c = A + B + C   (integrated with the cuts).

Phase space: dσ = ⟨|M|²⟩ dΦ₃ / (4 p_in √s), dΦ₃ = dΦ₂(s; X, f′) dM_X²/(2π) dΦ₂(X; f, Z′) (PDG review "Kinematics",
eqs. 49.12, 49.18-49.20). Two channels: "A" — X = μZ′, t_e = (p₂−p₄)² sampled as ln|t_e| (the photon pole of
muon-line emission; the electron-energy cut E_e = m_e − t_e/2m_e is imposed exactly on the t_e range), ln(M_X² − m_μ²);
"B" — X = eZ′, t_μ = (p₁−p₃)² and ln(M_X² − m_e²) (electron-line emission). Both angles of the X decay uniform in its
rest frame. Events of both channels are combined with the multi-channel weight f/(½p_A + ½p_B) (Kleiss & Pittau,
Comput. Phys. Commun. 83 (1994) 141), stratified, so the reported MC error is that of the combined estimate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from globalfit.physics.constants import ALPHA_0, M_E, M_MU

#: (ħc)² = 0.3893793721 GeV² mb (PDG 2024), in GeV² fb
GEV2_TO_FB = 0.3893793721e12
#: MUonE beam energy [GeV] (arXiv:2109.10093 uses 150 GeV)
E_BEAM = 150.0
E2 = 4.0 * math.pi * ALPHA_0  # e² with α(0)

METRIC = np.array([1.0, -1.0, -1.0, -1.0])
_S0 = np.eye(2, dtype=complex)
_SIG = [np.array([[0, 1], [1, 0]], dtype=complex), np.array([[0, -1j], [1j, 0]]),
        np.array([[1, 0], [0, -1]], dtype=complex)]
_Z2 = np.zeros((2, 2), dtype=complex)
#: γ^μ in the chiral representation (Peskin & Schroeder eq. 3.40): γ^0 = [[0, 1], [1, 0]], γ^i = [[0, σ^i], [−σ^i, 0]]
GAMMA = np.array([np.block([[_Z2, _S0], [_S0, _Z2]])] + [np.block([[_Z2, s], [-s, _Z2]]) for s in _SIG])


@dataclass(frozen=True)
class Cuts:
    """The selection of arXiv:2109.10093: θ_μ > theta_mu_min [rad], e_min < E_e < e_max [GeV] (lab frame);
    the photon veto removes nothing from the tree-level signal. `none()` disables the cuts."""

    theta_mu_min: float = 1.5e-3
    e_min: float = 1.0
    e_max: float = 25.0

    @classmethod
    def none(cls) -> Cuts:
        return cls(0.0, 0.0, math.inf)

    def passes(self, theta_mu: np.ndarray, e_e: np.ndarray) -> np.ndarray:
        return (np.asarray(theta_mu) > self.theta_mu_min) & (np.asarray(e_e) > self.e_min) & (
            np.asarray(e_e) < self.e_max)


# ---------------------------------------------------------------------------------------------- kinematics
def mandelstam_s(e_beam: float = E_BEAM) -> float:
    """s = m_μ² + m_e² + 2 m_e E_μ [GeV²] for a muon of energy e_beam on an electron at rest."""
    return M_MU**2 + M_E**2 + 2.0 * M_E * e_beam


def m_max(e_beam: float = E_BEAM) -> float:
    """Kinematic limit of m_Z′ [GeV]: √s − m_μ − m_e (0.2994 GeV at 150 GeV)."""
    return math.sqrt(mandelstam_s(e_beam)) - M_MU - M_E


def kallen_sqrt(a, b, c):
    """√λ(a, b, c), λ = a² + b² + c² − 2ab − 2bc − 2ca (clipped at 0)."""
    return np.sqrt(np.maximum(a * a + b * b + c * c - 2 * a * b - 2 * b * c - 2 * c * a, 0.0))


def dot(p, q):
    """Minkowski product of four-vectors (..., 4)."""
    return p[..., 0] * q[..., 0] - p[..., 1] * q[..., 1] - p[..., 2] * q[..., 2] - p[..., 3] * q[..., 3]


def boost(p: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """Boost four-vectors p (n, 4) by velocity beta (n, 3) (p at rest → moving with beta)."""
    b2 = np.sum(beta * beta, axis=-1)
    gam = 1.0 / np.sqrt(1.0 - b2)
    bp = np.sum(beta * p[:, 1:], axis=-1)
    coef = np.where(b2 > 0, (gam - 1.0) / np.where(b2 > 0, b2, 1.0), 0.0)
    e = gam * (p[:, 0] + bp)
    vec = p[:, 1:] + (coef * bp + gam * p[:, 0])[:, None] * beta
    return np.column_stack([e, vec])


def elastic_electron_energy(theta_mu: np.ndarray, e_beam: float = E_BEAM) -> np.ndarray:
    """Elastic μe → μe in the lab: the electron energies [GeV] of both branches at muon angle θ_μ, shape (..., 2)
    (NaN beyond θ_max = arcsin(m_e/m_μ)). From E_μ′ solving (p₁ + p₂ − p₃)² = m_e² at fixed angle:
    (E₁ + m_e)E₃ − p₁p₃ cos θ = E₁m_e + m_μ² (energy-momentum conservation)."""
    th = np.asarray(theta_mu, dtype=float)[..., None]
    e1 = e_beam
    p1 = math.sqrt(e1**2 - M_MU**2)
    a, c = e1 + M_E, e1 * M_E + M_MU**2
    # (a E₃ − c)² = p₁² cos²θ (E₃² − m_μ²)  →  quadratic in E₃
    cs2 = p1**2 * np.cos(th) ** 2
    qa, qb, qc = a * a - cs2, -2 * a * c, c * c + cs2 * M_MU**2
    disc = qb * qb - 4 * qa * qc
    root = np.sqrt(np.where(disc >= 0, disc, np.nan))
    e3 = np.concatenate([(-qb + root) / (2 * qa), (-qb - root) / (2 * qa)], axis=-1)
    return e1 + M_E - e3


# ---------------------------------------------------------------------------------------------- spinors
def spinors(p: np.ndarray, m: float) -> tuple[np.ndarray, np.ndarray]:
    """Dirac spinors u(p, h) and ū = u†γ⁰ for h = ±1 (helicity basis, chiral representation, ūu = 2m),
    shapes (n, 2, 4): u = (√(E − h|p|) χ_h, √(E + h|p|) χ_h), √(E − |p|) = m/√(E + |p|) (Peskin & Schroeder 3.53)."""
    e = p[:, 0]
    pt = np.hypot(p[:, 1], p[:, 2])
    pa = np.hypot(pt, p[:, 3])
    th = np.arctan2(pt, p[:, 3])
    ph = np.arctan2(p[:, 2], p[:, 1])
    c, s, eip = np.cos(th / 2), np.sin(th / 2), np.exp(1j * ph)
    chi_p = np.stack([c + 0j, eip * s], axis=-1)
    chi_m = np.stack([-np.conj(eip) * s, c + 0j], axis=-1)
    big = np.sqrt(e + pa)
    small = m / big
    u = np.empty((len(e), 2, 4), dtype=complex)
    u[:, 0, :2], u[:, 0, 2:] = small[:, None] * chi_p, big[:, None] * chi_p
    u[:, 1, :2], u[:, 1, 2:] = big[:, None] * chi_m, small[:, None] * chi_m
    ubar = np.einsum("nsi,ij->nsj", np.conj(u), GAMMA[0])
    return u, ubar


def slash(p: np.ndarray) -> np.ndarray:
    """p̸ = γ^μ p_μ, shape (n, 4, 4)."""
    return np.einsum("nm,mij->nij", p * METRIC, GAMMA)


def _emission_tensor(ubar_out, u_in, p_in, p_out, k, m_f):
    """ū(p_out)[γ^α S(p_out+k) γ^β + γ^β S(p_in−k) γ^α]u(p_in), shape (n, 2, 2, 4α, 4β)."""
    eye = np.eye(4)
    sa = (slash(p_out + k) + m_f * eye) / (dot(k, k) + 2 * dot(p_out, k))[:, None, None]
    sb = (slash(p_in - k) + m_f * eye) / (dot(k, k) - 2 * dot(p_in, k))[:, None, None]
    ug = np.einsum("nsi,aij->nsaj", ubar_out, GAMMA)  # ū γ^α
    gu = np.einsum("aij,ntj->ntai", GAMMA, u_in)  # γ^β u
    return (np.einsum("nsaj,njk,ntbk->nstab", ug, sa, gu, optimize=True)
            + np.einsum("nsbj,njk,ntak->nstab", ug, sb, gu, optimize=True))


def _current(ubar_out, u_in):
    """ū(p_out) γ^β u(p_in), shape (n, 2, 2, 4)."""
    return np.einsum("nsi,bij,ntj->nstb", ubar_out, GAMMA, u_in)


def amplitudes(p1, p2, p3, p4, k) -> tuple[np.ndarray, np.ndarray]:
    """M̂_μ^α, M̂_e^α with unit Z′ couplings and e² included, shape (n, 16 spin states, 4): module docstring."""
    u1, _ = spinors(p1, M_MU)
    u2, _ = spinors(p2, M_E)
    _, ub3 = spinors(p3, M_MU)
    _, ub4 = spinors(p4, M_E)
    q_e, q_mu = p2 - p4, p1 - p3
    t_e, t_mu = dot(q_e, q_e), dot(q_mu, q_mu)
    n = len(p1)
    l_mu = _emission_tensor(ub3, u1, p1, p3, k, M_MU)
    j_e = _current(ub4, u2)
    m_mu = np.einsum("nstab,b,nuvb->nstuva", l_mu, METRIC, j_e, optimize=True) * (E2 / t_e)[:, None, None, None,
                                                                                                 None, None]
    l_e = _emission_tensor(ub4, u2, p2, p4, k, M_E)
    j_mu = _current(ub3, u1)
    m_e = np.einsum("nstb,b,nuvab->nstuva", j_mu, METRIC, l_e, optimize=True) * (E2 / t_mu)[:, None, None, None,
                                                                                                None, None]
    return m_mu.reshape(n, 16, 4), m_e.reshape(n, 16, 4)


def polarisation_sum(x: np.ndarray, y: np.ndarray, k: np.ndarray, m: float, kk: bool = True) -> np.ndarray:
    """¼ Σ_spins Σ_pol X^α Y^β* (−η_αβ + k_αk_β/m²), real part, shape (n,) (¼: initial spins averaged)."""
    gg = -np.einsum("nsa,a,nsa->n", x, METRIC, np.conj(y))
    if kk:
        kl = k * METRIC
        gg = gg + np.einsum("nsa,na,nsb,nb->n", x, kl, np.conj(y), kl) / m**2
    return 0.25 * gg.real


def matrix_element_pieces(p1, p2, p3, p4, k, m: float) -> dict[str, np.ndarray]:
    """Spin-averaged A = ⟨|M̂_μ|²⟩, B = 2Re⟨M̂_μM̂_e*⟩, C = ⟨|M̂_e|²⟩ (module docstring), shape (n,) each."""
    mm, me = amplitudes(p1, p2, p3, p4, k)
    return {"A": polarisation_sum(mm, mm, k, m), "B": 2.0 * polarisation_sum(mm, me, k, m),
            "C": polarisation_sum(me, me, k, m)}


def gauge_ratio(p1, p2, p3, p4, k, m: float) -> np.ndarray:
    """Σ|k·M|²/m² over Σ(−M·M*) for M = M̂_μ + M̂_e, shape (n,): 0 up to rounding for conserved currents."""
    mm, me = amplitudes(p1, p2, p3, p4, k)
    tot = mm + me
    full = polarisation_sum(tot, tot, k, m)
    gg = polarisation_sum(tot, tot, k, m, kk=False)
    return np.abs(full - gg) / np.abs(gg)


# ---------------------------------------------------------------------------------------------- phase space
def _t_range(s, m_a, m_b, m_c, m_d):
    """t = (p_b − p_d)² range of a + b → c + d in the CM frame: (t_lo, t_hi) with t_hi ≤ 0 closest to 0,
    computed without cancellation (t_hi = (a_b − a_d)((E_b+p) − (E_d+p′)), a = E − p = m²/(E + p))."""
    rs = np.sqrt(s)
    p_in = kallen_sqrt(s, m_a**2, m_b**2) / (2 * rs)
    p_out = kallen_sqrt(s, m_c**2, m_d**2) / (2 * rs)
    e_b = (s + m_b**2 - m_a**2) / (2 * rs)
    e_d = (s + m_d**2 - m_c**2) / (2 * rs)
    a_b, a_d = m_b**2 / (e_b + p_in), m_d**2 / (e_d + p_out)
    t_hi = (a_b - a_d) * ((e_b + p_in) - (e_d + p_out))
    t_lo = (e_b - e_d) ** 2 - (p_in + p_out) ** 2
    return t_lo, np.minimum(t_hi, 0.0), p_in, p_out, e_b, e_d


@dataclass(frozen=True)
class Channel:
    """A phase-space channel: a "direct" line (mass m_d, incoming along −z before the final rotation) with
    t = (p_in − p_out)² of that line sampled in ln|t|, and a radiating line whose outgoing fermion (mass m_f) and
    the Z′ form X, sampled in ln(M_X² − m_f²). name "A": direct = electron; "B": direct = muon."""

    name: str

    @property
    def masses(self) -> tuple[float, float]:
        return (M_E, M_MU) if self.name == "A" else (M_MU, M_E)  # (direct, radiating)

    def t_bounds(self, s, mx2, cuts: Cuts):
        m_d, m_f = self.masses
        t_lo, t_hi, *_ = _t_range(s, m_f, m_d, np.sqrt(mx2), m_d)
        lo, hi = -t_hi, -t_lo  # |t| range
        if self.name == "A":  # E_e = m_e − t/2m_e exactly (lab): the electron-energy cut as a |t| window
            lo = np.maximum(lo, 2 * M_E * (cuts.e_min - M_E))
            hi = np.minimum(hi, 2 * M_E * (cuts.e_max - M_E))
        return lo, hi

    def m2_bounds(self, s, m):
        m_d, m_f = self.masses
        return 2 * m_f * m + m * m, (math.sqrt(s) - m_d) ** 2 - m_f**2

    def weight(self, s, m, t, mx2, cuts: Cuts) -> np.ndarray:
        """Phase-space weight 1/density w.r.t. dΦ₃ (azimuth integrated) at |t|, M_X²; 0 outside the support."""
        m_f = self.masses[1]
        u_lo, u_hi = self.m2_bounds(s, m)
        lo, hi = self.t_bounds(s, mx2, cuts)
        at = np.abs(t)
        ok = (hi > lo) & (lo > 0) & (at >= lo) & (at <= hi)
        j_t = at * np.log(np.where(ok, hi / np.where(lo > 0, lo, 1.0), 1.0))
        u = mx2 - m_f**2
        j_m = u * math.log(u_hi / u_lo)
        p_in = kallen_sqrt(s, M_MU**2, M_E**2) / (2 * math.sqrt(s))
        mx = np.sqrt(mx2)
        p_star = kallen_sqrt(mx2, m_f**2, m * m) / (2 * mx)
        w = j_t / (16 * math.pi * p_in * math.sqrt(s)) * j_m / (2 * math.pi) * p_star / (4 * math.pi * mx)
        return np.where(ok, w, 0.0)

    def generate(self, s, m, r: np.ndarray, cuts: Cuts):
        """Events from uniform r (n, 4): CM momenta (p1, p2, p3, p4, k) and the phase-space weight."""
        m_d, m_f = self.masses
        rs = math.sqrt(s)
        u_lo, u_hi = self.m2_bounds(s, m)
        mx2 = m_f**2 + u_lo * (u_hi / u_lo) ** r[:, 0]
        mx = np.sqrt(mx2)
        lo, hi = self.t_bounds(s, mx2, cuts)
        ok = (hi > lo) & (lo > 0)
        lo_s, hi_s = np.where(ok, lo, 1.0), np.where(ok, hi, 2.0)
        at = lo_s * (hi_s / lo_s) ** r[:, 1]
        t_lo, t_hi, p_in, p_out, e_b, e_d = _t_range(s, m_f, m_d, mx, m_d)
        n = len(at)
        e_b, p_in = np.full(n, e_b), np.full(n, p_in)
        e_a = rs - e_b
        one_m_c = np.clip((at - (-t_hi)) / (2 * p_in * p_out), 0.0, 2.0)  # 1 − cos θ, θ from the −z axis
        sin_t = np.sqrt(one_m_c * (2.0 - one_m_c))
        cos_t = 1.0 - one_m_c
        pb = np.column_stack([e_b, np.zeros(n), np.zeros(n), -p_in])
        pa = np.column_stack([e_a, np.zeros(n), np.zeros(n), p_in])
        pd = np.column_stack([e_d, p_out * sin_t, np.zeros(n), -p_out * cos_t])
        px = np.column_stack([rs - e_d, -pd[:, 1:]])
        ct = 2 * r[:, 2] - 1
        st = np.sqrt(np.maximum(1 - ct * ct, 0.0))
        phi = 2 * math.pi * r[:, 3]
        ps = kallen_sqrt(mx2, m_f**2, m * m) / (2 * mx)
        dirn = np.column_stack([st * np.cos(phi), st * np.sin(phi), ct])
        pk_rest = np.column_stack([np.sqrt(ps * ps + m * m), ps[:, None] * dirn])
        pf_rest = np.column_stack([np.sqrt(ps * ps + m_f**2), -ps[:, None] * dirn])
        beta = px[:, 1:] / px[:, :1]
        pk, pf = boost(pk_rest, beta), boost(pf_rest, beta)
        w = self.weight(s, m, -at, mx2, cuts) * ok
        if self.name == "A":  # a = μ (+z), b = e (−z): p1 = a, p2 = b, p3 = f, p4 = d
            mom = (pa, pb, pf, pd, pk)
        else:  # b = μ along −z: rotate by π about x so that the muon comes along +z
            rot = np.array([1.0, 1.0, -1.0, -1.0])
            mom = tuple(x * rot for x in (pb, pa, pd, pf, pk))
        return mom, w


CHANNELS = (Channel("A"), Channel("B"))


def lab_observables(p1, p2, p3, p4, s) -> tuple[np.ndarray, np.ndarray]:
    """Lab-frame (electron at rest) muon angle θ_μ [rad] and electron energy E_e [GeV] of CM-frame events."""
    beta = np.zeros((len(p1), 3))
    beta[:, 2] = -p2[:, 3] / p2[:, 0]  # the lab moves with the incoming electron
    p3l = boost(p3, beta)
    t_e = dot(p2 - p4, p2 - p4)
    return np.arctan2(np.hypot(p3l[:, 1], p3l[:, 2]), p3l[:, 3]), M_E - t_e / (2 * M_E)


def invariants(p1, p2, p3, p4, k) -> dict[str, np.ndarray]:
    """t_e = (p₂−p₄)², t_μ = (p₁−p₃)², M²_μZ′ and M²_eZ′ (channel variables)."""
    return {"t_e": dot(p2 - p4, p2 - p4), "t_mu": dot(p1 - p3, p1 - p3),
            "m2_muz": dot(p3 + k, p3 + k), "m2_ez": dot(p4 + k, p4 + k)}


def _channel_variables(ch: Channel, inv):
    return (inv["t_e"], inv["m2_muz"]) if ch.name == "A" else (inv["t_mu"], inv["m2_ez"])


@dataclass
class Result:
    """σ pieces [GeV⁻²] with their MC errors: a, b, c of σ = g²a + g(εe)b + (εe)²c, and A, B, C."""

    values: dict[str, float]
    errors: dict[str, float]
    n_events: int

    def sigma(self, g: float, eps_e: float) -> float:
        return g * g * self.values["a"] + g * eps_e * self.values["b"] + eps_e**2 * self.values["c"]

    def sigma_error(self, g: float, eps_e: float) -> float:
        """MC error of σ(g, εe), neglecting correlations between the pieces' errors (upper estimate: added linearly)."""
        e = self.errors
        return g * g * e["a"] + abs(g * eps_e) * e["b"] + eps_e**2 * e["c"]


def cross_section(m: float, n: int = 200_000, cuts: Cuts | None = None, e_beam: float = E_BEAM,
                  channels: tuple[str, ...] = ("A", "B"), seed: int = 1, chunk: int = 20_000) -> Result:
    """σ(μe → μeZ′) pieces at m_Z′ = m [GeV] with the cuts (default: arXiv:2109.10093's; `Cuts.none()` for the total),
    n events split equally between the channels (multi-channel weights when both are used)."""
    cuts = Cuts() if cuts is None else cuts
    s = mandelstam_s(e_beam)
    flux = 1.0 / (2 * kallen_sqrt(s, M_MU**2, M_E**2))  # 1/(4 p_in √s)
    chans = [c for c in CHANNELS if c.name in channels]
    rng = np.random.default_rng(seed)
    sums = {key: np.zeros((len(chans), 2)) for key in "abcABC"}
    if m >= m_max(e_beam):
        zero = dict.fromkeys("abcABC", 0.0)
        return Result(zero, dict(zero), n)
    per = n // len(chans)
    for ic, ch in enumerate(chans):
        done = 0
        while done < per:
            nn = min(chunk, per - done)
            done += nn
            mom, w_own = ch.generate(s, m, rng.random((nn, 4)), cuts)
            good = w_own > 0
            theta, e_e = lab_observables(*mom[:4], s)
            good &= cuts.passes(theta, e_e)
            if not np.any(good):
                continue
            mom = tuple(x[good] for x in mom)
            inv = invariants(*mom)
            dens = sum(1.0 / np.where(w > 0, w, np.inf) for w in
                       (c.weight(s, m, *_channel_variables(c, inv), cuts) for c in chans)) / len(chans)
            w = flux / dens
            pieces = matrix_element_pieces(*mom, m)
            vals = {"A": pieces["A"], "B": pieces["B"], "C": pieces["C"]}
            vals |= {"a": vals["A"], "b": -2 * vals["A"] - vals["B"], "c": vals["A"] + vals["B"] + vals["C"]}
            for key, v in vals.items():
                sums[key][ic] += [np.sum(w * v), np.sum((w * v) ** 2)]
    values, errors = {}, {}
    frac = 1.0 / len(chans)
    for key, sm in sums.items():
        mean = sm[:, 0] / per
        var = np.maximum(sm[:, 1] / per - mean**2, 0.0) / per
        values[key] = float(frac * mean.sum())
        errors[key] = float(frac * math.sqrt(var.sum()))
    return Result(values, errors, n)


def events(m: float, n: int, cuts: Cuts | None = None, e_beam: float = E_BEAM, seed: int = 1):
    """Weighted events of muon-line emission (channel A) passing the cuts: lab E_e [GeV], θ_μ [rad], weight
    [GeV⁻² per event for g = 1, ε = 0]; for distributions (likelihoods/muone/plot_electron_energy.py)."""
    cuts = Cuts() if cuts is None else cuts
    s = mandelstam_s(e_beam)
    flux = 1.0 / (2 * kallen_sqrt(s, M_MU**2, M_E**2))
    mom, w = CHANNELS[0].generate(s, m, np.random.default_rng(seed).random((n, 4)), cuts)
    theta, e_e = lab_observables(*mom[:4], s)
    good = (w > 0) & cuts.passes(theta, e_e)
    mom = tuple(x[good] for x in mom)
    return e_e[good], theta[good], flux * w[good] * matrix_element_pieces(*mom, m)["A"] / n


# ---------------------------------------------------------------------------------------------- validation pieces
def compton_cross_section(s_hat: float, m: float, n_cos: int = 400) -> float:
    """σ(γμ → μZ′) [GeV⁻²] for a real photon at ŝ, unit Z′ coupling (σ ∝ g_μ²), from the same emission tensor:
    ¼ Σ |e L^αβ|² with −η for the photon and −η + kk/m² for the Z′, Gauss–Legendre in cos θ
    (dσ/dcos θ = ⟨|M|²⟩ p_f/(32π ŝ p_i)). For m → 0 it tends to the Klein–Nishina σ/e² × g² (tests)."""
    rs = math.sqrt(s_hat)
    if rs <= M_MU + m:
        return 0.0
    p_i = (s_hat - M_MU**2) / (2 * rs)
    p_f = kallen_sqrt(s_hat, M_MU**2, m * m) / (2 * rs)
    x, wx = np.polynomial.legendre.leggauss(n_cos)
    st = np.sqrt(1 - x * x)
    nn = len(x)
    q = np.column_stack([np.full(nn, p_i), np.zeros(nn), np.zeros(nn), np.full(nn, p_i)])
    p1 = np.column_stack([np.full(nn, rs - p_i), np.zeros(nn), np.zeros(nn), np.full(nn, -p_i)])
    k = np.column_stack([np.full(nn, math.sqrt(p_f**2 + m * m)), p_f * st, np.zeros(nn), p_f * x])
    p3 = p1 + q - k
    u1, _ = spinors(p1, M_MU)
    _, ub3 = spinors(p3, M_MU)
    lt = _emission_tensor(ub3, u1, p1, p3, k, M_MU)  # (n, s3, s1, α, β)
    gz = -np.diag(METRIC)[None, :, :] + np.einsum("na,nb->nab", k * METRIC, k * METRIC) / m**2
    full = 0.25 * E2 * np.einsum("nstab,nac,b,nstcb->n", lt, gz, -METRIC, np.conj(lt), optimize=True).real
    return float(np.sum(wx * full) * p_f / (32 * math.pi * s_hat * p_i))


def epa_cross_section(m: float, e_beam: float = E_BEAM, q2max: str = "shat", n_omega: int = 64) -> float:
    """Equivalent-photon estimate of the uncut σ(μe → μeZ′) [GeV⁻²], muon-line emission, unit coupling: the
    electron's photon flux in the muon rest frame (electron energy E′ = (s − m_μ² − m_e²)/2m_μ, x = ω/E′),
        n(x) dx = (α/π)(dx/x)[(1 − x + x²/2) ln(Q²_max/Q²_min) − (1 − x)(1 − Q²_min/Q²_max)],  Q²_min = m_e²x²/(1−x)
    (Frixione, Mangano, Nason, Ridolfi, PLB 319 (1993) 339), times σ(γμ → μZ′) at ŝ = m_μ² + 2m_μω. Q²_max = ŝ − m_μ²
    ("shat") or m_μ² ("mmu"): the scale above which the virtual photon no longer looks real (leading-log accuracy)."""
    s = mandelstam_s(e_beam)
    e_p = (s - M_MU**2 - M_E**2) / (2 * M_MU)
    w_min = ((M_MU + m) ** 2 - M_MU**2) / (2 * M_MU)
    x_min = w_min / e_p
    if x_min >= 1:
        return 0.0
    y, wy = np.polynomial.legendre.leggauss(n_omega)
    lx = math.log(x_min) * (1 - y) / 2  # ln x from ln x_min to ln(1) (the flux ∝ dx/x)
    x_max = 1 - M_E / e_p
    xs = np.minimum(np.exp(lx), x_max)
    total = 0.0
    for xi, wi in zip(xs, wy * (-math.log(x_min)) / 2):
        sh = M_MU**2 + 2 * M_MU * xi * e_p
        q2min = M_E**2 * xi**2 / (1 - xi)
        qmax = max(sh - M_MU**2 if q2max == "shat" else M_MU**2, q2min)
        flux = ALPHA_0 / math.pi * ((1 - xi + xi**2 / 2) * math.log(qmax / q2min) - (1 - xi) * (1 - q2min / qmax))
        total += wi * flux * compton_cross_section(sh, m, 200)
    return total
