"""Cross sections of a light Z′ at Belle II (√s = 10.58 GeV): e⁺e⁻ → γZ′ and e⁺e⁻ → μ⁺μ⁻Z′, tree level
(likelihoods/belle2_forecast/NOTES.md).

Units: GeV, cross sections in GeV⁻² (`GEV2_TO_FB` converts to fb). Beams: SuperKEKB, E(e⁻) = 7 GeV,
E(e⁺) = 4 GeV (√s = 10.583 GeV), so the centre-of-mass (CM) frame moves along the e⁻ beam (+z) with β = 3/11.

e⁺e⁻ → γZ′ (Z′ coupling to electrons −Z′ ē γ^μ(g_V − g_Aγ5)e; kinetic mixing: g_V = εe, g_A = 0). With
massless electrons the spin-averaged |M|² = 2e²(g_V² + g_A²)[t/u + u/t + 2m²s/(tu)] (the qq̄ → γZ result; for
m = 0, e⁺e⁻ → γγ), so with r = m²/s, c = cosθ_γ (CM):

  dσ/dc = (2π α α′/s)(1 − r)[(1 + c²) + 4r/(1 − r)²]/(1 − c²),   α′ = (g_V² + g_A²)/4π,

the dark-photon formula of Essig, Mardon, Papucci, Volansky, Zhong, JHEP 11 (2013) 167, arXiv:1309.5084, with
ε²α → α′ (vector and axial couplings do not interfere for m_e = 0). Over c₁ < c < c₂:

  σ = (2π α α′/s)(1 − r){[2 + 4r/(1 − r)²](artanh c₂ − artanh c₁) − (c₂ − c₁)}.

Photons are massless, so a lab polar-angle range maps exactly to a CM range: cos θ* = (cos θ − β)/(1 − β cos θ).

e⁺e⁻ → μ⁺μ⁻Z′ (s-channel photon, Z′ radiated from either final-state muon, vector coupling g to muons):

  M^ν = (e²g/s) v̄(p₂)γ_α u(p₁) · ū(k₁)[γ^ν S(k₁ + q)γ^α + γ^α S(−k₂ − q)γ^ν] v(k₂),  S(p) = (p̸ + m_μ)/(p² − m_μ²),

summed over spins with Σ ε_ν ε*_ν′ = −g_νν′ (the q_νq_ν′/m² term vanishes: q_ν M^ν = 0, checked numerically),
evaluated with explicit Dirac matrices and spinors (Dirac representation), vectorised over events, and integrated
by Monte Carlo over three-body phase space (Dalitz variables x_i = (k_i + q)², importance-sampled in ln(x_i − m_μ²),
random orientation). `sigma_mumu_mc_sequential` is a second, independent phase-space integration (two sequential
two-body decays, the integrand split by D₂/(D₁ + D₂)), used for validation. Initial-state radiation and Z′
emission from the e⁺e⁻ (∝ (εe)²) are not included; the Z′ is narrow and its recoil mass is m_Z′ exactly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics.constants import ALPHA_0, M_E, M_MU

#: SuperKEKB beam energies [GeV] (Belle II Physics Book, Kou et al., PTEP 2019 123C01, arXiv:1808.10567, Sec. 2)
E_ELECTRON, E_POSITRON = 7.0, 4.0
SQRT_S = 2.0 * math.sqrt(E_ELECTRON * E_POSITRON)
S = SQRT_S**2
#: velocity of the CM frame in the lab (along the e⁻ beam)
BETA_CM = (E_ELECTRON - E_POSITRON) / (E_ELECTRON + E_POSITRON)
GAMMA_CM = 1.0 / math.sqrt(1.0 - BETA_CM**2)
#: 1 GeV⁻² in fb (0.3893793721 mb GeV², PDG)
GEV2_TO_FB = 0.3893793721e12


# ---------------------------------------------------------------------------------------------- e⁺e⁻ → γZ′
def lab_to_cm_cos(cos_lab: ArrayLike) -> np.ndarray:
    """CM polar cosine of a massless particle with lab polar cosine `cos_lab` (boost β = BETA_CM along +z)."""
    c = np.asarray(cos_lab, dtype=float)
    return (c - BETA_CM) / (1.0 - BETA_CM * c)


def dsigma_gamma_dcos(cos_cm: ArrayLike, m_zp: ArrayLike, coupling2: ArrayLike = 1.0, s: float = S) -> np.ndarray:
    """dσ/dcosθ*_γ(e⁺e⁻ → γZ′) [GeV⁻²], coupling2 = g_V² + g_A² of the electron (module docstring; 0 for m ≥ √s)."""
    c = np.asarray(cos_cm, dtype=float)
    r = np.minimum(np.square(m_zp) / s, 1.0)
    open_ = r < 1.0
    rr = np.where(open_, r, 0.0)
    val = (2.0 * math.pi * ALPHA_0 * np.asarray(coupling2) / (4.0 * math.pi) / s * (1.0 - rr)
           * ((1.0 + c * c) + 4.0 * rr / (1.0 - rr) ** 2) / (1.0 - c * c))
    return np.where(open_, val, 0.0)


def sigma_gamma(m_zp: ArrayLike, cos_min: float, cos_max: float, coupling2: ArrayLike = 1.0,
                s: float = S) -> np.ndarray:
    """σ(e⁺e⁻ → γZ′) [GeV⁻²] with the photon in cos_min < cosθ* < cos_max (CM; |cos| < 1), analytic."""
    r = np.minimum(np.square(np.asarray(m_zp, dtype=float)) / s, 1.0)
    open_ = r < 1.0
    rr = np.where(open_, r, 0.0)
    log_part = math.atanh(cos_max) - math.atanh(cos_min)
    val = (2.0 * math.pi * ALPHA_0 * np.asarray(coupling2) / (4.0 * math.pi) / s * (1.0 - rr)
           * ((2.0 + 4.0 * rr / (1.0 - rr) ** 2) * log_part - (cos_max - cos_min)))
    return np.where(open_, val, 0.0)


def photon_energy_cm(m_zp: ArrayLike, s: float = S) -> np.ndarray:
    """CM photon energy E*_γ = (s − m²)/(2√s) [GeV] of e⁺e⁻ → γZ′."""
    return (s - np.square(m_zp)) / (2.0 * math.sqrt(s))


# ---------------------------------------------------------------------------------------------- Dirac algebra
_I2, _Z2 = np.eye(2), np.zeros((2, 2))
_SIGMA = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)
#: γ^μ, μ = 0..3, Dirac representation
GAMMA = np.array([np.block([[_I2, _Z2], [_Z2, -_I2]])]
                 + [np.block([[_Z2, s_], [-s_, _Z2]]) for s_ in _SIGMA]).astype(complex)
METRIC = np.array([1.0, -1.0, -1.0, -1.0])


def slash(p: np.ndarray) -> np.ndarray:
    """p̸ = p^μ g_μν γ^ν for four-vectors p (..., 4) → (..., 4, 4)."""
    return np.einsum("...m,mab->...ab", p * METRIC, GAMMA)


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minkowski product a·b of four-vectors (..., 4)."""
    return np.sum(a * b * METRIC, axis=-1)


def _sigma_dot(p3: np.ndarray) -> np.ndarray:
    return np.einsum("...i,iab->...ab", p3, _SIGMA)


def spinors_u(p: np.ndarray, m: float) -> np.ndarray:
    """u(p, s) for s = 1, 2 (Dirac representation, ū u = 2m): shape (..., 2, 4)."""
    e = p[..., 0]
    n = np.sqrt(e + m)[..., None, None]
    chi = np.broadcast_to(np.eye(2, dtype=complex), p.shape[:-1] + (2, 2))  # [..., s, component]
    lower = np.einsum("...ab,...sb->...sa", _sigma_dot(p[..., 1:]), chi) / n
    return np.concatenate([n * chi, lower], axis=-1)


def spinors_v(p: np.ndarray, m: float) -> np.ndarray:
    """v(p, s) for s = 1, 2 (Dirac representation, v̄ v = −2m): shape (..., 2, 4)."""
    e = p[..., 0]
    n = np.sqrt(e + m)[..., None, None]
    eta = np.broadcast_to(np.eye(2, dtype=complex), p.shape[:-1] + (2, 2))
    upper = np.einsum("...ab,...sb->...sa", _sigma_dot(p[..., 1:]), eta) / n
    return np.concatenate([upper, n * eta], axis=-1)


def bar(spinor: np.ndarray) -> np.ndarray:
    """ψ̄ = ψ†γ⁰ (row spinors, same shape)."""
    return np.conj(spinor) * np.array([1.0, 1.0, -1.0, -1.0])


def electron_current(p1: np.ndarray, p2: np.ndarray, m: float = M_E) -> np.ndarray:
    """v̄(p₂, s₂)γ^α u(p₁, s₁) for e⁻(p₁) e⁺(p₂): shape (n, 2, 2, 4) [s₁, s₂, α]."""
    u, vb = spinors_u(p1, m), bar(spinors_v(p2, m))
    return np.einsum("ntb,abc,nsc->nsta", vb, GAMMA, u)


def mumu_amplitude2(p1: np.ndarray, p2: np.ndarray, k1: np.ndarray, k2: np.ndarray, q: np.ndarray,
                    return_ward: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Spin-averaged |M|²/(e⁴g²) of e⁻(p₁)e⁺(p₂) → μ⁻(k₁)μ⁺(k₂)Z′(q) (module docstring), per event (n,).
    With return_ward also max |q_ν M^ν|/max|M^ν| per event (0 up to rounding: current conservation)."""
    s = dot(p1 + p2, p1 + p2)
    cur = electron_current(p1, p2)  # (n, 2, 2, 4)
    e_slash = slash(cur.reshape(-1, 4)).reshape(cur.shape[:3] + (4, 4))  # (n, 2, 2, 4, 4)
    a1 = k1 + q
    a2 = -k2 - q
    s1 = (slash(a1) + M_MU * np.eye(4)) / (dot(a1, a1) - M_MU**2)[:, None, None]
    s2 = (slash(a2) + M_MU * np.eye(4)) / (dot(a2, a2) - M_MU**2)[:, None, None]
    # ū γ^ν S1 E̸ v + ū E̸ S2 γ^ν v, contracted from the outside in: amp[n, s, t, i, j, ν]
    ub, v = bar(spinors_u(k1, M_MU)), spinors_v(k2, M_MU)
    ub_g_s1 = np.einsum("nia,vab,nbc->nivc", ub, GAMMA, s1)  # ū γ^ν S1
    s2_g_v = np.einsum("nab,vbc,njc->njva", s2, GAMMA, v)  # S2 γ^ν v
    e_v = np.einsum("nstab,njb->nstja", e_slash, v)  # E̸ v
    ub_e = np.einsum("nia,nstab->nstib", ub, e_slash)  # ū E̸
    amp = (np.einsum("nivc,nstjc->nstijv", ub_g_s1, e_v) + np.einsum("nstib,njvb->nstijv", ub_e, s2_g_v))
    amp = amp / s[:, None, None, None, None, None]
    m2 = np.sum(np.abs(amp) ** 2 * (-METRIC), axis=(1, 2, 3, 4, 5)) / 4.0
    if not return_ward:
        return m2
    ward = np.abs(np.einsum("nstijv,nv->nstij", amp, q * METRIC)).max(axis=(1, 2, 3, 4))
    return m2, ward / np.abs(amp).max(axis=(1, 2, 3, 4, 5))


def mumu_2to2_amplitude2(p1: np.ndarray, p2: np.ndarray, k1: np.ndarray, k2: np.ndarray) -> np.ndarray:
    """Spin-averaged |M|²/e⁴ of e⁺e⁻ → μ⁺μ⁻ with the same spinors (a check of the Dirac algebra:
    = 1 + cos²θ + (1 − β²) sin²θ for massless electrons)."""
    s = dot(p1 + p2, p1 + p2)
    cur = electron_current(p1, p2)
    ub, v = bar(spinors_u(k1, M_MU)), spinors_v(k2, M_MU)
    mu = np.einsum("nia,mab,njb->nijm", ub, GAMMA, v)
    amp = np.einsum("nstm,nijm->nstij", cur * METRIC, mu) / s[:, None, None, None, None]
    return np.sum(np.abs(amp) ** 2, axis=(1, 2, 3, 4)) / 4.0


# ---------------------------------------------------------------------------------------------- kinematics
def beams(n: int, s: float = S) -> tuple[np.ndarray, np.ndarray]:
    """CM four-momenta of e⁻ (along +z) and e⁺, (n, 4) each (electron mass kept)."""
    e = 0.5 * math.sqrt(s)
    pz = math.sqrt(e * e - M_E**2)
    p1 = np.tile([e, 0.0, 0.0, pz], (n, 1))
    p2 = np.tile([e, 0.0, 0.0, -pz], (n, 1))
    return p1, p2


def _rotation(u: np.ndarray) -> np.ndarray:
    """Random rotations from uniforms u (n, 3): uniform orientation (Arvo's method via a random unit quaternion)."""
    a, b, c = u[:, 0], 2 * math.pi * u[:, 1], 2 * math.pi * u[:, 2]
    q = np.stack([np.sqrt(1 - a) * np.sin(b), np.sqrt(1 - a) * np.cos(b), np.sqrt(a) * np.sin(c),
                  np.sqrt(a) * np.cos(c)], axis=1)
    w, x, y, z = q.T
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1)], axis=1)


def boost_z(p: np.ndarray, beta: float) -> np.ndarray:
    """Boost four-vectors (..., 4) by velocity beta along +z."""
    g = 1.0 / math.sqrt(1.0 - beta * beta)
    out = p.copy()
    out[..., 0] = g * (p[..., 0] + beta * p[..., 3])
    out[..., 3] = g * (p[..., 3] + beta * p[..., 0])
    return out


def lab_cos(p_cm: np.ndarray) -> np.ndarray:
    """Lab polar cosine of CM four-momenta (..., 4)."""
    p = boost_z(p_cm, BETA_CM)
    return p[..., 3] / np.linalg.norm(p[..., 1:], axis=-1)


@dataclass(frozen=True)
class MuonCuts:
    """Acceptance of both muons: lab polar angle [deg] and lab momentum [GeV]; None = no cuts."""

    theta_min_deg: float = 17.0
    theta_max_deg: float = 150.0
    p_min_gev: float = 0.0

    def passed(self, k1: np.ndarray, k2: np.ndarray) -> np.ndarray:
        ok = np.ones(len(k1), dtype=bool)
        lo, hi = math.cos(math.radians(self.theta_max_deg)), math.cos(math.radians(self.theta_min_deg))
        for k in (k1, k2):
            p = boost_z(k, BETA_CM)
            pp = np.linalg.norm(p[:, 1:], axis=-1)
            c = p[:, 3] / pp
            ok &= (c > lo) & (c < hi) & (pp > self.p_min_gev)
        return ok


@dataclass(frozen=True)
class MCResult:
    """σ/g² [GeV⁻²], its Monte Carlo standard error and the number of events."""

    sigma: float
    error: float
    n: int

    @property
    def rel_error(self) -> float:
        return self.error / self.sigma if self.sigma > 0 else math.inf


def _dalitz_point(x1: np.ndarray, x2: np.ndarray, m_zp: float, s: float) -> tuple[np.ndarray, ...]:
    """CM momenta of μ⁻, μ⁺, Z′ in a standard orientation (μ⁺ along +z, all in the xz plane) from x_i = (k_i + q)²;
    `ok` where the point is inside the Dalitz region."""
    rs = math.sqrt(s)
    e2 = (s + M_MU**2 - x1) / (2 * rs)
    e1 = (s + M_MU**2 - x2) / (2 * rs)
    eq = rs - e1 - e2
    p1 = np.sqrt(np.maximum(e1**2 - M_MU**2, 0.0))
    p2 = np.sqrt(np.maximum(e2**2 - M_MU**2, 0.0))
    pq = np.sqrt(np.maximum(eq**2 - m_zp**2, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        c12 = (pq**2 - p1**2 - p2**2) / (2 * p1 * p2)
    ok = (e1 > M_MU) & (e2 > M_MU) & (eq > m_zp) & (np.abs(c12) <= 1.0)
    c12 = np.clip(np.where(ok, c12, 0.0), -1, 1)
    s12 = np.sqrt(1 - c12**2)
    z = np.zeros_like(e1)
    k2 = np.stack([e2, z, z, p2], -1)
    k1 = np.stack([e1, p1 * s12, z, p1 * c12], -1)
    q = np.stack([eq, -p1 * s12, z, -p2 - p1 * c12], -1)
    return k1, k2, q, ok


def _rotate(p: np.ndarray, rot: np.ndarray) -> np.ndarray:
    out = p.copy()
    out[:, 1:] = np.einsum("nij,nj->ni", rot, p[:, 1:])
    return out


def sigma_mumu_mc(m_zp: float, n: int = 200_000, cuts: MuonCuts | None = MuonCuts(), seed: int = 1,
                  s: float = S, chunk: int = 20_000, e_zp_max: float | None = None) -> MCResult:
    """σ(e⁺e⁻ → μ⁺μ⁻Z′)/g² [GeV⁻²] by Monte Carlo in the Dalitz variables x_i = (k_i + q)² (module docstring):
    flat phase space dΦ₃ = dx₁dx₂/(128π³s) × (orientation average), sampled from a four-channel mixture
    (flat x₁, x₂; ln(x₁ − m²) × flat x₂; flat x₁ × ln(x₂ − m²); ln × ln, the soft corner), muons within `cuts`
    (None: no cuts), the Z′ CM energy below `e_zp_max` if given. 0 when m_zp ≥ √s − 2m_μ."""
    rs = math.sqrt(s)
    if m_zp >= rs - 2 * M_MU:
        return MCResult(0.0, 0.0, n)
    rng = np.random.default_rng(seed)
    lo, hi = (M_MU + m_zp) ** 2, (rs - M_MU) ** 2  # range of x_i
    ulo, uhi = lo - M_MU**2, hi - M_MU**2
    lnr = math.log(uhi / ulo)
    alphas = np.array([0.1, 0.3, 0.3, 0.3])
    w_all = []
    done = 0
    while done < n:
        k = min(chunk, n - done)
        done += k
        ch = rng.choice(4, size=k, p=alphas)
        flat = rng.uniform(lo, hi, size=(k, 2))
        logs = M_MU**2 + ulo * np.exp(lnr * rng.uniform(size=(k, 2)))
        x1 = np.where((ch == 1) | (ch == 3), logs[:, 0], flat[:, 0])
        x2 = np.where((ch == 2) | (ch == 3), logs[:, 1], flat[:, 1])
        g_flat = 1.0 / (hi - lo)
        g1, g2 = 1.0 / ((x1 - M_MU**2) * lnr), 1.0 / ((x2 - M_MU**2) * lnr)
        pdf = alphas[0] * g_flat**2 + alphas[1] * g1 * g_flat + alphas[2] * g_flat * g2 + alphas[3] * g1 * g2
        k1, k2, q, ok = _dalitz_point(x1, x2, m_zp, s)
        rot = _rotation(rng.uniform(size=(k, 3)))
        k1, k2, q = _rotate(k1, rot), _rotate(k2, rot), _rotate(q, rot)
        w = np.zeros(k)
        if cuts is not None:
            ok &= cuts.passed(k1, k2)
        if e_zp_max is not None:
            ok &= q[:, 0] < e_zp_max
        if ok.any():
            p1, p2 = beams(int(ok.sum()), s)
            m2 = mumu_amplitude2(p1, p2, k1[ok], k2[ok], q[ok]) * (4 * math.pi * ALPHA_0) ** 2
            w[ok] = m2 / (2 * s) / (128 * math.pi**3 * s) / pdf[ok]
        w_all.append(w)
    w = np.concatenate(w_all)
    return MCResult(float(w.mean()), float(w.std(ddof=1) / math.sqrt(len(w))), len(w))


def _two_body(m_parent: np.ndarray, m_a: float, m_b: float) -> np.ndarray:
    """Momentum of either daughter in the parent's rest frame."""
    lam = (m_parent**2 - (m_a + m_b) ** 2) * (m_parent**2 - (m_a - m_b) ** 2)
    return np.sqrt(np.maximum(lam, 0.0)) / (2 * m_parent)


def _iso(u: np.ndarray) -> np.ndarray:
    c = 2 * u[:, 0] - 1
    phi = 2 * math.pi * u[:, 1]
    st = np.sqrt(1 - c * c)
    return np.stack([st * np.cos(phi), st * np.sin(phi), c], -1)


def _boost(p: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """Boost p (n, 4) from the rest frame of `frame` (n, 4) into the frame where `frame` has its momentum."""
    m = np.sqrt(np.maximum(dot(frame, frame), 0.0))
    b = frame[:, 1:] / frame[:, :1]
    g = frame[:, 0] / m
    bp = np.sum(b * p[:, 1:], -1)
    b2 = np.sum(b * b, -1)
    coef = np.where(b2 > 0, (g - 1) * bp / np.where(b2 > 0, b2, 1.0), 0.0) + g * p[:, 0]
    out = np.empty_like(p)
    out[:, 0] = g * (p[:, 0] + bp)
    out[:, 1:] = p[:, 1:] + coef[:, None] * b
    return out


def sigma_mumu_mc_sequential(m_zp: float, n: int = 200_000, cuts: MuonCuts | None = None, seed: int = 2,
                             s: float = S, chunk: int = 20_000) -> MCResult:
    """σ(e⁺e⁻ → μ⁺μ⁻Z′)/g² [GeV⁻²] by a second, independent integration (validation): |M|² = |M|²D₂/(D₁ + D₂)
    + |M|²D₁/(D₁ + D₂), D_i = (k_i + q)² − m_μ²; the first term as e⁺e⁻ → μ⁺ + (μ⁻Z′), (μ⁻Z′) → μ⁻Z′ with
    ln D₁ uniform and isotropic two-body angles (dΦ₃ = dΦ₂(√s) dx₁/2π dΦ₂(√x₁)), the second likewise with μ⁺ ↔ μ⁻."""
    rs = math.sqrt(s)
    if m_zp >= rs - 2 * M_MU:
        return MCResult(0.0, 0.0, n)
    rng = np.random.default_rng(seed)
    lo, hi = (M_MU + m_zp) ** 2, (rs - M_MU) ** 2
    ulo, uhi = lo - M_MU**2, hi - M_MU**2
    lnr = math.log(uhi / ulo)
    w_all = []
    done = 0
    while done < n:
        k = min(chunk, n - done)
        done += k
        part = rng.integers(0, 2, size=k)  # 0: (μ⁻Z′) system, 1: (μ⁺Z′) system; each with probability ½
        u = ulo * np.exp(lnr * rng.uniform(size=k))
        x = M_MU**2 + u
        mx = np.sqrt(x)
        p_out = _two_body_pair(rs, M_MU, mx)
        d_other = _iso(rng.uniform(size=(k, 2)))
        other = np.concatenate([np.sqrt(M_MU**2 + p_out**2)[:, None], -p_out[:, None] * d_other], 1)
        system = np.concatenate([np.sqrt(x + p_out**2)[:, None], p_out[:, None] * d_other], 1)
        p_in = _two_body(mx, M_MU, m_zp)
        d_in = _iso(rng.uniform(size=(k, 2)))
        mu_rest = np.concatenate([np.sqrt(M_MU**2 + p_in**2)[:, None], p_in[:, None] * d_in], 1)
        q_rest = np.concatenate([np.sqrt(m_zp**2 + p_in**2)[:, None], -p_in[:, None] * d_in], 1)
        mu_in, q = _boost(mu_rest, system), _boost(q_rest, system)
        sel = part == 0
        k1 = np.where(sel[:, None], mu_in, other)  # μ⁻
        k2 = np.where(sel[:, None], other, mu_in)  # μ⁺
        # phase-space density: dΦ₂(√s) · dx/2π · dΦ₂(√x), angles uniform
        jac = (p_out / (4 * math.pi * rs)) * (1 / (2 * math.pi)) * (p_in / (4 * math.pi * mx))
        pdf_x = 1.0 / (u * lnr)
        ok = p_in > 0
        if cuts is not None:
            ok &= cuts.passed(k1, k2)
        w = np.zeros(k)
        if ok.any():
            p1, p2 = beams(int(ok.sum()), s)
            kk1, kk2, qq = k1[ok], k2[ok], q[ok]
            m2 = mumu_amplitude2(p1, p2, kk1, kk2, qq) * (4 * math.pi * ALPHA_0) ** 2
            d1 = dot(kk1 + qq, kk1 + qq) - M_MU**2
            d2 = dot(kk2 + qq, kk2 + qq) - M_MU**2
            frac = np.where(sel[ok], d2 / (d1 + d2), d1 / (d1 + d2))
            w[ok] = m2 * frac / (2 * s) * jac[ok] / (0.5 * pdf_x[ok])
        w_all.append(w)
    w = np.concatenate(w_all)
    return MCResult(float(w.mean()), float(w.std(ddof=1) / math.sqrt(len(w))), len(w))


def _two_body_pair(rs: float, m_a: float, m_b: np.ndarray) -> np.ndarray:
    lam = (rs**2 - (m_a + m_b) ** 2) * (rs**2 - (m_a - m_b) ** 2)
    return np.sqrt(np.maximum(lam, 0.0)) / (2 * rs)


def sigma_mumu_pointlike(s: float = S) -> float:
    """σ(e⁺e⁻ → μ⁺μ⁻) = (4πα²/3s) β(3 − β²)/2 [GeV⁻²], tree level."""
    beta = math.sqrt(1 - 4 * M_MU**2 / s)
    return 4 * math.pi * ALPHA_0**2 / (3 * s) * beta * (3 - beta**2) / 2


def sigma_mumu_soft(m_zp: float, e_zp_max: float, s: float = S, n: int = 2000) -> float:
    """Soft-Z′ (eikonal) estimate of σ(e⁺e⁻ → μ⁺μ⁻Z′)/g² [GeV⁻²], Z′ CM energy m_Z′ < E_q < e_zp_max ≪ √s, no cuts:

      σ ≈ σ_μμ ∫ d³q/((2π)³2E_q) (−J²),   J^ν = 2k₁^ν/D₁ − 2k₂^ν/D₂,   D_i = 2k_i·q + m_Z′²,

    the radiator of a massive vector off the muon pair (Σ_pol ε_νε*_ν′ → −g_νν′, conserved current), with k₁, k₂
    back to back at E = √s/2. The angular integral is analytic: with A = 2EE_q + m_Z′², B = 2p|q|,
    ∫dΩ(−J²) = 2π[8k₁·k₂ ln((A + B)/(A − B))/(AB) − 16m_μ²/(A² − B²)]; the energy integral numerical."""
    e = 0.5 * math.sqrt(s)
    p = math.sqrt(e * e - M_MU**2)
    k1k2 = e * e + p * p
    lo, hi = math.log(1e-9 * max(m_zp, 1e-6)), math.log(e_zp_max - m_zp)
    t = np.linspace(lo, hi, n)
    eq = m_zp + np.exp(t)
    pq = np.sqrt(np.maximum(eq**2 - m_zp**2, 0.0))
    a = 2 * e * eq + m_zp**2
    b = 2 * p * pq
    with np.errstate(divide="ignore", invalid="ignore"):
        ang = 2 * math.pi * np.where(b > 0, 8 * k1k2 * np.log((a + b) / (a - b)) / (a * b), 16 * k1k2 / a**2)
    ang = ang - 2 * math.pi * 16 * M_MU**2 / (a * a - b * b)
    integrand = pq * ang / (16 * math.pi**3) * (eq - m_zp)  # dE = (E − m) dt
    return sigma_mumu_pointlike(s) * float(np.trapezoid(integrand, t))
