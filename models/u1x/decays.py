"""Z′ partial widths and branching ratios for generic couplings (docs/physics/u1x.md#decays).

Units: masses and widths in GeV. Couplings as in models.u1x.couplings (L ⊃ −Z′ f̄γ(g_V − g_Aγ5)f, and
L ⊃ −Z′ h ν̄γP_Lν for the light neutrinos; right-handed neutrinos heavy). Tree level, with the formulas of
globalfit.physics.zprime_decays:
    Γ(Z′ → f f̄) = N_c m/(12π) [g_V²(1 + 2r) + g_A²(1 − 4r)] √(1 − 4r),  r = m_f²/m²,
    Γ(Z′ → ν_α ν̄_α) = h_α² m/(24π).
Hadrons: below 1 GeV π⁺π⁻ through ρ dominance, Γ = (g_V^u − g_V^d)² m R_ππ(m)/(12π) (first-family couplings;
the isovector current), above 1 GeV free quarks u, d, s (massless) and c, b above their open-flavour thresholds
(zprime_decays.hadronic_factor, generalised to per-flavour vector and axial couplings). Not included: the isoscalar
ω → 3π, π⁰γ and φ → KK̄ modes below 1 GeV, so a Z′ with baryon number (g_V^u = g_V^d, e.g. B − L) has no hadronic
width below 1 GeV here and its leptonic branching ratios there are upper estimates; Z′ → 3γ below 2m_e.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics.constants import M_E, M_MU, M_TAU
from globalfit.physics.zprime_decays import (
    BEAUTY_THRESHOLD,
    CHARM_THRESHOLD,
    M_BEAUTY,
    M_CHARM,
    M_HADRON_SWITCH,
    N_COLOURS,
    fermion_pair_factor,
    r_pipi,
)

CHANNELS = ("nunu", "ee", "mumu", "tautau", "hadrons")
_LEPTONS = (("ee", M_E), ("mumu", M_MU), ("tautau", M_TAU))


def partial_widths(m_zp: ArrayLike, lepton_v: tuple, lepton_a: tuple, h_nu: tuple, quark_v: dict, quark_a: dict
                   ) -> dict[str, np.ndarray]:
    """Partial widths [GeV]: keys "nue", "numu", "nutau", "nunu" (their sum), "ee", "mumu", "tautau", "hadrons",
    "total".

    lepton_v, lepton_a: (e, μ, τ) vector and axial couplings; h_nu: (ν_e, ν_μ, ν_τ) left-handed couplings;
    quark_v, quark_a: flavour → coupling for u, d, s, c, b. Arrays broadcast.
    """
    m = np.asarray(m_zp, dtype=float)
    unit = m / (12.0 * math.pi)
    out = {f"nu{a}": unit * 0.5 * np.square(h) for a, h in zip(("e", "mu", "tau"), h_nu)}
    out["nunu"] = out["nue"] + out["numu"] + out["nutau"]
    for (name, mass), gv, ga in zip(_LEPTONS, lepton_v, lepton_a):
        out[name] = unit * fermion_pair_factor(m, mass, gv, ga)
    low = np.square(np.asarray(quark_v["u"]) - np.asarray(quark_v["d"])) * r_pipi(np.minimum(m, M_HADRON_SWITCH))
    light = sum(np.square(quark_v[q]) + np.square(quark_a[q]) for q in ("u", "d", "s"))
    heavy = (np.where(m > CHARM_THRESHOLD, fermion_pair_factor(m, M_CHARM, quark_v["c"], quark_a["c"]), 0.0)
             + np.where(m > BEAUTY_THRESHOLD, fermion_pair_factor(m, M_BEAUTY, quark_v["b"], quark_a["b"]), 0.0))
    out["hadrons"] = unit * np.where(m < M_HADRON_SWITCH, low, N_COLOURS * (light + heavy))
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))
    out = {k: np.broadcast_to(v, shape) + 0.0 for k, v in out.items()}
    out["total"] = sum(out[k] for k in CHANNELS)
    return out


def branching_ratios(widths: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Branching ratios from `partial_widths` ("invisible" = "nunu"); a Z′ with no open channel is stable and
    counted invisible (BR_invisible = 1), as in globalfit.physics.zprime_decays."""
    tot = widths["total"]
    has = tot > 0
    safe = np.where(has, tot, 1.0)
    br = {k: np.where(has, widths[k] / safe, 0.0) for k in CHANNELS + ("nue", "numu", "nutau")}
    br["invisible"] = np.where(has, br["nunu"], 1.0)
    return br
