"""Compiled twins of the light-neutrino sector's quantity providers (models/neutrino_sector.py) for the fused
posterior (globalfit/compiled.py, docs/compiled.md): one point per call, the formulas of globalfit.physics.neutrino
(docs/physics/neutrino.md) in the same operation order. Imported only by cards with `compiled: true` (needs numba).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from globalfit.physics.neutrino import TEXTURES


@njit
def masses_NO(m_lightest: float, dm21sq: float, dm3lsq: float) -> tuple[float, float, float, bool]:
    """(m1, m2, m3 [eV], valid) for the normal ordering: m1 = m_l, m2 = √(m_l² + Δm²21), m3 = √(m_l² + Δm²31)."""
    ml2 = m_lightest * m_lightest
    valid = dm3lsq > 0 and dm21sq > 0 and m_lightest >= 0 and dm3lsq > dm21sq
    return m_lightest, math.sqrt(max(ml2 + dm21sq, 0.0)), math.sqrt(max(ml2 + dm3lsq, 0.0)), valid


@njit
def masses_IO(m_lightest: float, dm21sq: float, dm3lsq: float) -> tuple[float, float, float, bool]:
    """(m1, m2, m3 [eV], valid) for the inverted ordering: m3 = m_l, m2 = √(m_l² − Δm²32), m1 = √(m2² − Δm²21)."""
    ml2 = m_lightest * m_lightest
    valid = dm3lsq < 0 and dm21sq > 0 and m_lightest >= 0 and -dm3lsq > dm21sq
    return math.sqrt(max(ml2 - dm3lsq - dm21sq, 0.0)), math.sqrt(max(ml2 - dm3lsq, 0.0)), m_lightest, valid


@njit
def sum_masses(m1: float, m2: float, m3: float) -> float:
    """Σm_ν [eV]."""
    return m1 + m2 + m3


@njit
def m_betabeta(m1: float, m2: float, m3: float, s12sq: float, s13sq: float, delta: float, alpha21: float,
               alpha31: float) -> float:
    """|c12²c13² m1 + s12²c13² m2 e^{iα21} + s13² m3 e^{i(α31 − 2δ)}| [eV] (phases in radians)."""
    c13sq = 1.0 - s13sq
    b = s12sq * c13sq * m2
    c = s13sq * m3
    phase = alpha31 - 2.0 * delta
    re = (1.0 - s12sq) * c13sq * m1 + b * math.cos(alpha21) + c * math.cos(phase)
    im = b * math.sin(alpha21) + c * math.sin(phase)
    return math.hypot(re, im)


@njit(error_model="numpy")
def _cdiv(a: complex, b: complex) -> complex:
    """a / b as numpy divides complex numbers (Smith's method with the reciprocal of the scale factor)."""
    br, bi = abs(b.real), abs(b.imag)
    if br >= bi:
        if br == 0.0 and bi == 0.0:
            return complex(a.real / br, a.imag / br)
        rat = b.imag / b.real
        scl = 1.0 / (b.real + b.imag * rat)
        return complex((a.real + a.imag * rat) * scl, (a.imag - a.real * rat) * scl)
    rat = b.real / b.imag
    scl = 1.0 / (b.imag + b.real * rat)
    return complex((a.real * rat + a.imag) * scl, (a.imag * rat - a.real) * scl)


@njit(error_model="numpy")  # division by zero gives inf/NaN, as numpy's (then the point is invalid)
def _texture(kind_minors: bool, a: int, b: int, c: int, d: int, normal: bool, s12sq: float, s13sq: float,
             s23sq: float, delta: float, dm21sq: float):
    """globalfit.physics.neutrino.texture_spectrum of one point for the texture whose two zeros are at (a, b) and
    (c, d) of m_ν (or of m_ν⁻¹: kind_minors), in the normal (`normal`) or inverted ordering: (m1, m2, m3 [eV], α21,
    α31 [rad, in [0, 2π)], Δm²3ℓ [eV²], m_lightest [eV], valid)."""
    c12, s12 = math.sqrt(min(max(1.0 - s12sq, 0.0), 1.0)), math.sqrt(min(max(s12sq, 0.0), 1.0))
    c13, s13 = math.sqrt(min(max(1.0 - s13sq, 0.0), 1.0)), math.sqrt(min(max(s13sq, 0.0), 1.0))
    c23, s23 = math.sqrt(min(max(1.0 - s23sq, 0.0), 1.0)), math.sqrt(min(max(s23sq, 0.0), 1.0))
    ed = complex(math.cos(delta), math.sin(delta))
    v = np.empty((3, 3), dtype=np.complex128)  # the PMNS matrix without Majorana phases (neutrino.pmns)
    v[0, 0] = c12 * c13
    v[0, 1] = s12 * c13
    v[0, 2] = _cdiv(complex(s13, 0.0), ed)
    v[1, 0] = -s12 * c23 - c12 * s23 * s13 * ed
    v[1, 1] = c12 * c23 - s12 * s23 * s13 * ed
    v[1, 2] = s23 * c13
    v[2, 0] = s12 * s23 - c12 * c23 * s13 * ed
    v[2, 1] = -c12 * s23 - s12 * c23 * s13 * ed
    v[2, 2] = c23 * c13
    p0, p1, p2 = v[a, 0] * v[b, 0], v[a, 1] * v[b, 1], v[a, 2] * v[b, 2]
    q0, q1, q2 = v[c, 0] * v[d, 0], v[c, 1] * v[d, 1], v[c, 2] * v[d, 2]
    if kind_minors:
        p0, p1, p2 = p0.conjugate(), p1.conjugate(), p2.conjugate()
        q0, q1, q2 = q0.conjugate(), q1.conjugate(), q2.conjugate()
    den = p1 * q2 - p2 * q1
    r2 = _cdiv(p2 * q0 - p0 * q2, den)
    r3 = _cdiv(p0 * q1 - p1 * q0, den)
    if kind_minors:  # r are ratios of 1/x
        r2, r3 = _cdiv(complex(1.0, 0.0), r2), _cdiv(complex(1.0, 0.0), r3)
    a2, a3 = abs(r2), abs(r3)
    m1 = math.sqrt(dm21sq / (a2 * a2 - 1.0))
    m2, m3 = a2 * m1, a3 * m1
    ok = math.isfinite(m1) and math.isfinite(m2) and math.isfinite(m3) and a2 > 1.0 and dm21sq > 0
    if not ok:
        m1 = m2 = m3 = 0.0
    if normal:
        ok = ok and m3 > m2
        dm3l, lightest = m3 * m3 - m1 * m1, m1
    else:
        ok = ok and m3 < m1
        dm3l, lightest = m3 * m3 - m2 * m2, m3
    two_pi = 2 * math.pi
    alpha21 = (math.atan2(r2.imag, r2.real) if ok else 0.0) % two_pi
    alpha31 = (math.atan2(r3.imag, r3.real) if ok else 0.0) % two_pi
    return m1, m2, m3, alpha21, alpha31, dm3l, lightest, ok


def _texture_kernel(minors: bool, a: int, b: int, c: int, d: int, normal: bool):
    """The kernel of one texture and ordering: _texture with its zeros and ordering fixed. Not cached on its own (the
    six closures would share one cache entry, numba naming caches by function and line); the fused loop that calls it
    is cached, with this code in it, under a name that includes the kernel's (globalfit.compiled)."""

    @njit
    def kernel(s12sq, s13sq, s23sq, delta, dm21sq):
        return _texture(minors, a, b, c, d, normal, s12sq, s13sq, s23sq, delta, dm21sq)

    return kernel


# texture_B3_NO … texture_C_IO, the provider's kernel "texture_{texture}_{ordering}", with the zeros of the physics
for _name, (_kind, ((_a, _b), (_c, _d))) in TEXTURES.items():
    for _ordering in ("NO", "IO"):
        globals()[f"texture_{_name}_{_ordering}"] = _texture_kernel(_kind == "minors", _a, _b, _c, _d,
                                                                    _ordering == "NO")
