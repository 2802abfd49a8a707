"""Derived quantities of the Lμ−Lτ Z′: the muon g−2 contribution (docs/physics/zprime.md#muon-g-2), loop kinetic
mixing, Higgs-sector mass mixing, induced couplings to SM fermions (docs/physics/zprime.md#kinetic-mixing,
docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing). Physics and conventions: globalfit.physics.zprime.

Names read by likelihoods: eps (with kinetic_mixing: loop; with free it is the sampled parameter),
tan_beta, delta_zzp, eps_z (for every `higgs` option), gv_e, ga_e, gv_u, ga_u, gv_d, ga_d, gv_p, gv_n,
g_nue.
"""
from __future__ import annotations

import numpy as np

from globalfit.graph import QuantitySet
from globalfit.physics import zprime

QUANTITIES = QuantitySet()
quantity = QUANTITIES.quantity
_KERNELS = "models.lmu_ltau.kernels"  # their compiled twins (globalfit.compiled)


def _gm2_kernel_data() -> tuple:
    from globalfit.physics.loop_kernels import gm2_table_data

    return gm2_table_data()


@quantity("delta_a_mu", needs=("m_zp", "g_zp"), kernel=f"{_KERNELS}:delta_a_mu", kernel_data=_gm2_kernel_data,
          labels=r"$\Delta a_\mu$",
          description="one-loop Z′ contribution to a_μ (docs/physics/zprime.md#muon-g-2)")
def _delta_a_mu(m_zp, g_zp):
    return zprime.delta_a_mu(m_zp, g_zp)


_MIXING = ("tan_beta", "delta_zzp", "eps_z")
_MIXING_LABELS = {"tan_beta": r"$\tan\beta$", "delta_zzp": r"$\delta$", "eps_z": r"$\varepsilon_Z$"}
_MIXING_DOC = ("Z–Z′ mass mixing (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing): tan_beta = v₁/v₂ "
               "(U(1)′-charged doublet over SM-like doublet vev); "
               "delta_zzp = δ = ε_Z m_Z/m_Z′ = sinβ/√(cos²β + tan²θ); eps_z = ε_Z = 2g sin²β/g_Z, "
               "the Z′ coupling to the Z current in units of g_Z = 2m_Z/v")


@quantity("eps", needs=("g_zp",), when={"kinetic_mixing": ("loop",)}, kernel=f"{_KERNELS}:eps_loop",
          labels=r"$\epsilon$",
          description="loop-induced kinetic mixing ε(0) = (e g/12π²) ln(m_τ²/m_μ²) = g/69.3, "
                      "L ⊃ −e ε Z′ J_em (docs/physics/zprime.md#kinetic-mixing)")
def _eps_loop(g_zp):
    return zprime.kinetic_mixing_0(g_zp)


@quantity(_MIXING, needs=(), when={"higgs": ("none", "singlet", "singlet+singlet2")}, labels=_MIXING_LABELS,
          kernel=f"{_KERNELS}:mixing_none",
          description=_MIXING_DOC + ". All 0 with higgs: none or singlet (no U(1)′-charged doublet); solved from "
                                    "(m_zp, g_zp) with higgs: doublet (outside the model for m_Z′ > g v/2) and "
                                    "from (m_zp, g_zp, tan_theta) with higgs: doublet+singlet")
def _mixing_none():
    return 0.0, 0.0, 0.0


def _with_charge(result, charge):
    """ε_Z and δ are proportional to the doublet's U(1)′ charge Q_Φ (the Z–Z′ mass-mixing entry is
    ∝ g_Z g Q_Φ v₁²); tanβ and m_Z′ depend on Q_Φ² only."""
    tan_beta, delta, eps_z, valid = result
    return tan_beta, charge * delta, charge * eps_z, valid


def _charge_data(doublet_charge: int) -> tuple:
    return (float(doublet_charge),)


@quantity(_MIXING, needs=("m_zp", "g_zp"), when={"higgs": ("doublet",)}, domain=True, labels=_MIXING_LABELS,
          options=("doublet_charge",), kernel=f"{_KERNELS}:mixing_doublet", kernel_data=_charge_data,
          description=_MIXING_DOC + "; higgs: doublet — m_Z′ = g v sinβ cosβ solved on the small-tanβ branch, "
                                    "δ = Q_Φ tanβ; no solution for m_Z′ > g v/2")
def _mixing_doublet(m_zp, g_zp, doublet_charge):
    return _with_charge(zprime.mass_mixing(m_zp, g_zp, 0.0), doublet_charge)


@quantity(_MIXING, needs=("m_zp", "g_zp", "tan_theta"), when={"higgs": ("doublet+singlet",)}, domain=True,
          labels=_MIXING_LABELS, options=("doublet_charge",), kernel=f"{_KERNELS}:mixing_doublet_singlet",
          kernel_data=_charge_data,
          description=_MIXING_DOC + "; higgs: doublet+singlet — m_Z′² = g²v² sin²β(cos²β + tan²θ) solved for β")
def _mixing_doublet_singlet(m_zp, g_zp, tan_theta, doublet_charge):
    return _with_charge(zprime.mass_mixing(m_zp, g_zp, tan_theta), doublet_charge)


_VEV_LABELS = {"v_sigma": r"$v_{\sigma_1}$ [GeV]", "v_sigma2": r"$v_{\sigma_2}$ [GeV]"}


@quantity("v_sigma", needs=("m_zp", "g_zp"), when={"higgs": ("singlet",)}, units="GeV", labels=_VEV_LABELS,
          description="U(1)′ breaking scale: the vev of the charge-1 singlet σ₁, v = m_Z′/g (⟨σ₁⟩ = v/√2)")
def _vev_singlet(m_zp, g_zp):
    return zprime.singlet_vevs(m_zp, g_zp)[0]


@quantity(("v_sigma", "v_sigma2"), needs=("m_zp", "g_zp", "tan_gamma"), when={"higgs": ("singlet+singlet2",)},
          units="GeV", labels=_VEV_LABELS,
          description="U(1)′ breaking scales: vevs of σ₁ (charge 1) and σ₂ (charge 2), m_Z′² = g²(v₁² + 4v₂²), "
                      "v₂ = v₁ tan_gamma (⟨σᵢ⟩ = vᵢ/√2)")
def _vevs_two_singlets(m_zp, g_zp, tan_gamma):
    return zprime.singlet_vevs(m_zp, g_zp, tan_gamma)


_COUPLINGS = ("gv_e", "ga_e", "gv_u", "ga_u", "gv_d", "ga_d", "gv_p", "gv_n", "g_nue")
_COUPLING_LABELS = {
    "gv_e": r"$g_V^e$", "ga_e": r"$g_A^e$", "gv_u": r"$g_V^u$", "ga_u": r"$g_A^u$", "gv_d": r"$g_V^d$",
    "ga_d": r"$g_A^d$", "gv_p": r"$g_V^p$", "gv_n": r"$g_V^n$", "g_nue": r"$g_{\nu_e}$",
}


@quantity(_COUPLINGS, needs=("eps", "eps_z"), labels=_COUPLING_LABELS, kernel=f"{_KERNELS}:couplings",
          description="Z′ couplings to SM fermions, L ⊃ −Z′ψ̄γ(g_V − g_Aγ5)ψ, from kinetic (ε) and mass (ε_Z) "
                      "mixing with s_W² = 0.23857 (Q² ≈ 0) (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing): "
                      "gv_e/ga_e electron, gv_u/ga_u up, "
                      "gv_d/ga_d down quark, gv_p/gv_n proton/neutron vector, g_nue ν_e with "
                      "L ⊃ −g_nue Z′ ν̄_eγ(1−γ5)ν_e")
def _couplings(eps, eps_z):
    c = zprime.induced_couplings(eps, eps_z)
    return tuple(np.asarray(c[name]) for name in _COUPLINGS)
