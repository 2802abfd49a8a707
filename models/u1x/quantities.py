"""Derived quantities of the U(1)_X model for one charge assignment (docs/physics/u1x.md).

Built per card (`providers(couplings, kinetic_mixing)`): the charges enter as constants of the closures. Names shared
with the Lμ−Lτ model mean the same thing, so the likelihoods read them unchanged: `delta_a_mu`, `eps`, `tan_beta`,
`delta_zzp`, `eps_z` (0: no Z–Z′ mass mixing with X_H = 0), and the first-family couplings `gv_e`, `ga_e`, `gv_u`,
`ga_u`, `gv_d`, `ga_d`, `gv_p`, `gv_n`, `g_nue` — here the full couplings (gauge + kinetic mixing), which for Lμ−Lτ
are the induced ones alone since its gauge couplings to the first family vanish. Generic names read by likelihoods
when a model provides them: `h_numu`, `h_nutau` (Borexino), `trident_g2` (trident), `ga_e_direct`, `gv_p_direct`,
`gv_n_direct` (APV), `g2_mu`, `br_mumu` (BaBar).

Convention (as for Lμ−Lτ, docs/physics/zprime.md): the muon g−2 and trident use the gauge couplings alone; the
O(εe) induced parts enter the electron, quark and ν_e couplings and the decays.
"""
from __future__ import annotations

import numpy as np

from globalfit.graph import Provider, QuantityInfo
from globalfit.physics import zprime
from models.u1x import decays
from models.u1x.couplings import LEPTONS, NEUTRINOS, ChargeCouplings

_KERNELS = "models.u1x.kernels"  # their compiled twins (globalfit.compiled)


def _kernel_data(name: str, *args) -> tuple:
    """models.u1x.kernels.<name>(*args): imported only when a compiled card asks (numba)."""
    from models.u1x import kernels

    return getattr(kernels, name)(*args)


#: first-family (and per-flavour) couplings, total = gauge + induced by ε
COUPLINGS = ("gv_e", "ga_e", "gv_mu", "ga_mu", "gv_tau", "ga_tau", "h_nue", "h_numu", "h_nutau",
             "gv_u", "ga_u", "gv_d", "ga_d", "gv_s", "ga_s", "gv_c", "ga_c", "gv_b", "ga_b", "gv_p", "gv_n", "g_nue",
             "ga_e_direct", "gv_p_direct", "gv_n_direct", "g2_mu")
DECAYS = ("width_zp", "br_invisible", "br_nue", "br_numu", "br_nutau", "br_ee", "br_mumu", "br_tautau", "br_hadrons")
MIXING = ("tan_beta", "delta_zzp", "eps_z")
_QUARKS = ("u", "d", "s", "c", "b")  # the order of the quark charges in the couplings kernel's data

_INFO = {
    "delta_a_mu": ("", r"$\Delta a_\mu$", "one-loop Z′ contribution to a_μ from the muon's vector and "
                                                     "axial gauge couplings (docs/physics/u1x.md#muon-g-2)"),
    "eps": ("", r"$\epsilon$", "kinetic mixing L ⊃ −eεZ′J_em: the finite lepton loop "
                                           "ε = −(e g/12π²) Σ_ℓ X_V,ℓ ln m_ℓ² (kinetic_mixing: loop), or 0 (zero)"),
    "trident_g2": ("", r"$h_{\nu_\mu} g_V^\mu$", "product of the ν_μ and muon vector gauge couplings "
                                                             "that ν_μ trident measures"),
    "width_zp": ("GeV", r"$\Gamma_{Z'}$ [GeV]", "total Z′ width (docs/physics/u1x.md#decays)"),
    **{k: ("", k, f"Z′ coupling {k} (docs/physics/u1x.md#couplings)") for k in COUPLINGS},
    **{k: ("", k, f"Z′ branching ratio {k[3:]} (docs/physics/u1x.md#decays)") for k in DECAYS[1:]},
    **{k: ("", k, "Z–Z′ mass mixing: 0 (the SM Higgs is neutral, X_H = 0)") for k in MIXING},
}
INFO: dict[str, QuantityInfo] = {k: QuantityInfo(k, *v) for k, v in _INFO.items()}


def providers(c: ChargeCouplings, kinetic_mixing: str) -> list[Provider]:
    """The quantities of the assignment with coefficients `c` (models.u1x.couplings) and the kinetic-mixing option."""
    out = []
    v_mu, a_mu = c.vector["mu"], c.axial["mu"]

    def delta_a_mu(m_zp, g_zp):
        g = np.asarray(g_zp, dtype=float)
        value = zprime.delta_a_mu(m_zp, g * v_mu)
        return value + zprime.delta_a_mu_axial(m_zp, g * a_mu) if a_mu != 0.0 else value

    out.append(Provider(("delta_a_mu",), ("m_zp", "g_zp"), delta_a_mu, kernel=f"{_KERNELS}:delta_a_mu",
                        kernel_data=lambda: _kernel_data("delta_a_mu_data", v_mu, a_mu)))
    if kinetic_mixing == "loop":
        coef = -zprime.E_CHARGE / (12.0 * np.pi**2) * c.eps_log
        out.append(Provider(("eps",), ("g_zp",), lambda g_zp: coef * np.asarray(g_zp, dtype=float),
                            kernel=f"{_KERNELS}:eps_loop", kernel_data=lambda: (float(coef),)))
    elif kinetic_mixing == "zero":
        out.append(Provider(("eps",), (), lambda: 0.0, kernel=f"{_KERNELS}:eps_zero"))
    out.append(Provider(MIXING, (), lambda: (0.0, 0.0, 0.0), kernel=f"{_KERNELS}:mixing_none"))

    h_mu, v_mu_gauge = c.left["numu"], c.vector["mu"]
    def trident_g2(g_zp):
        g = np.asarray(g_zp, dtype=float)
        return (g * h_mu) * (g * v_mu_gauge)

    out.append(Provider(("trident_g2",), ("g_zp",), trident_g2, kernel=f"{_KERNELS}:trident_g2",
                        kernel_data=lambda: (float(h_mu), float(v_mu_gauge))))

    def couplings(g_zp, eps):
        g = np.asarray(g_zp, dtype=float)
        ind = zprime.induced_couplings(eps, 0.0)
        lep = {name: (g * c.vector[name] + ind["gv_e"], g * c.axial[name] + ind["ga_e"]) for name in LEPTONS}
        h = {nu: g * c.left[nu] + 2.0 * ind["g_nue"] for nu in NEUTRINOS}
        q = {f: (g * c.vector[f] + ind["gv_u" if f in "uct" else "gv_d"],
                 g * c.axial[f] + ind["ga_u" if f in "uct" else "ga_d"]) for f in ("u", "d", "s", "c", "b")}
        gv_p = 2.0 * q["u"][0] + q["d"][0]
        gv_n = q["u"][0] + 2.0 * q["d"][0]
        return (lep["e"][0], lep["e"][1], lep["mu"][0], lep["mu"][1], lep["tau"][0], lep["tau"][1],
                h["nue"], h["numu"], h["nutau"], q["u"][0], q["u"][1], q["d"][0], q["d"][1], q["s"][0], q["s"][1],
                q["c"][0], q["c"][1], q["b"][0], q["b"][1], gv_p, gv_n, 0.5 * h["nue"],
                lep["e"][1], gv_p, gv_n, np.square(lep["mu"][0]) + np.square(lep["mu"][1]))

    charges = tuple(float(d[k]) for d, keys in ((c.vector, LEPTONS), (c.axial, LEPTONS), (c.left, NEUTRINOS),
                                                (c.vector, _QUARKS), (c.axial, _QUARKS)) for k in keys)
    out.append(Provider(COUPLINGS, ("g_zp", "eps"), couplings, kernel=f"{_KERNELS}:couplings",
                        kernel_data=lambda: charges))

    def widths(m_zp, gv_e, ga_e, gv_mu, ga_mu, gv_tau, ga_tau, h_nue, h_numu, h_nutau, gv_u, ga_u, gv_d, ga_d,
               gv_s, ga_s, gv_c, ga_c, gv_b, ga_b):
        w = decays.partial_widths(m_zp, (gv_e, gv_mu, gv_tau), (ga_e, ga_mu, ga_tau), (h_nue, h_numu, h_nutau),
                                  {"u": gv_u, "d": gv_d, "s": gv_s, "c": gv_c, "b": gv_b},
                                  {"u": ga_u, "d": ga_d, "s": ga_s, "c": ga_c, "b": ga_b})
        br = decays.branching_ratios(w)
        return (w["total"], br["invisible"], br["nue"], br["numu"], br["nutau"], br["ee"], br["mumu"], br["tautau"],
                br["hadrons"])

    out.append(Provider(DECAYS, ("m_zp",) + COUPLINGS[:19], widths, kernel=f"{_KERNELS}:widths"))
    return out
