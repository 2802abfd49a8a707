"""Z′ couplings of a U(1)_X charge assignment (docs/physics/u1x.md#couplings).

With L ⊃ −g Z′_μ Σ_F X_F F̄γ^μF over the chiral fields, a Dirac fermion f built from a left-handed X_L and a
right-handed X_R field couples as L ⊃ −Z′_μ f̄γ^μ(g_V − g_Aγ5)f with
    g_V = g (X_L + X_R)/2,   g_A = g (X_L − X_R)/2,
and a light (left-handed) neutrino as L ⊃ −Z′_μ h ν̄γ^μP_Lν with h = g X_L; the right-handed neutrinos are taken
heavy (they do not appear in Z′ decays or at low energy). Nucleons (vector current, valence quarks): p = 2u + d,
n = u + 2d of the first family. Kinetic mixing ε adds εeQ_f to every g_V (globalfit.physics.zprime.induced_coupling).

Loop-induced kinetic mixing. Each charged fermion adds −(e g Q_f X_V,f N_c/12π²) ln(Λ²/m_f²) to the mixing at
q² = 0 (the Lμ−Lτ case, docs/physics/zprime.md#kinetic-mixing), so ε is finite and scheme-independent only when
tr(Q X_V) = Σ_f N_c Q_f X_V,f = 0; it is then ε = −(e g/12π²) Σ_ℓ X_V,ℓ ln m_ℓ² (leptons only: loops of light
quarks are hadronic and not computed here). Otherwise ε depends on the UV (its value at the breaking scale) and the
card must sample it (kinetic_mixing: free) or set it to zero.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from globalfit.physics.constants import M_E, M_MU, M_TAU

LEPTONS = ("e", "mu", "tau")
NEUTRINOS = ("nue", "numu", "nutau")
QUARKS = ("u", "c", "t", "d", "s", "b")
_LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}
_QUARK_FIELDS = {"u": ("Q1", "U1"), "c": ("Q2", "U2"), "t": ("Q3", "U3"),
                 "d": ("Q1", "D1"), "s": ("Q2", "D2"), "b": ("Q3", "D3")}
_QUARK_CHARGE = {"u": Fraction(2, 3), "c": Fraction(2, 3), "t": Fraction(2, 3),
                 "d": Fraction(-1, 3), "s": Fraction(-1, 3), "b": Fraction(-1, 3)}


@dataclass(frozen=True)
class ChargeCouplings:
    """Coupling coefficients per unit g (floats) of one assignment: `vector[f]`, `axial[f]` for the charged
    fermions, `left[ν]` for the light neutrinos; `trace` = tr(Q X_V) (exact); `eps_log` the finite loop
    coefficient Σ_ℓ X_V,ℓ ln m_ℓ² (None where the loop mixing is not finite or involves quarks)."""

    vector: dict[str, float]
    axial: dict[str, float]
    left: dict[str, float]
    trace: Fraction
    quark_charged: bool
    eps_log: float | None

    @property
    def chiral(self) -> bool:
        return any(a != 0.0 for a in self.axial.values())


def from_charges(x: dict[str, Fraction]) -> ChargeCouplings:
    """ChargeCouplings of the assignment `x` (field → charge, models.u1x.charges)."""
    vector, axial, left = {}, {}, {}
    for i, name in enumerate(LEPTONS, start=1):
        xl, xr = x[f"L{i}"], x[f"E{i}"]
        vector[name], axial[name] = float((xl + xr) / 2), float((xl - xr) / 2)
        left[NEUTRINOS[i - 1]] = float(xl)
    for q, (fl, fr) in _QUARK_FIELDS.items():
        vector[q], axial[q] = float((x[fl] + x[fr]) / 2), float((x[fl] - x[fr]) / 2)
    trace = sum((-(x[f"L{i}"] + x[f"E{i}"]) / 2 for i in (1, 2, 3)), Fraction(0))
    trace += sum((3 * _QUARK_CHARGE[q] * (x[fl] + x[fr]) / 2 for q, (fl, fr) in _QUARK_FIELDS.items()), Fraction(0))
    quark_charged = any(x[f"{k}{i}"] != 0 for k in "QUD" for i in (1, 2, 3))
    eps_log = None
    if trace == 0 and not quark_charged:
        eps_log = sum(vector[name] * 2.0 * math.log(_LEPTON_MASS[name]) for name in LEPTONS)
    return ChargeCouplings(vector, axial, left, trace, quark_charged, eps_log)
