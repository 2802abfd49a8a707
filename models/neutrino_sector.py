"""The light-neutrino sector of a model with a seesaw: its parameters (PDG convention, as NuFIT; card units) and
derived quantities (docs/physics/neutrino.md): masses from the lightest mass and the splittings, or from a two-zero
texture (docs/physics/neutrino.md#two-zero-textures), Σm_ν, m_β, m_ββ. Inside the graph masses are in eV, splittings
in eV², phases in radians. `PARAMETERS` and `QUANTITIES` are included by the models that have this sector.
"""
from __future__ import annotations

import math

from globalfit.graph import QuantitySet
from globalfit.params import ParameterInfo
from globalfit.physics import neutrino

_DEG = math.pi / 180.0
_UNIT = (0.0, 1.0)

PARAMETERS: dict[str, ParameterInfo] = {p.name: p for p in [
    ParameterInfo("s12sq", "", r"$\sin^2\theta_{12}$", "sin²θ12", bounds=_UNIT),
    ParameterInfo("s13sq", "", r"$\sin^2\theta_{13}$", "sin²θ13", bounds=_UNIT),
    ParameterInfo("s23sq", "", r"$\sin^2\theta_{23}$", "sin²θ23", bounds=_UNIT),
    ParameterInfo("delta_cp", "deg", r"$\delta_{CP}$ [°]", "Dirac CP phase", to_internal=_DEG, period=360.0),
    ParameterInfo("dm21sq", "eV^2", r"$\Delta m^2_{21}$ [eV$^2$]", "Δm²21", bounds=(0.0, math.inf)),
    ParameterInfo("dm3lsq", "eV^2", r"$\Delta m^2_{3\ell}$ [eV$^2$]",
                  "Δm²3ℓ as NuFIT: Δm²31 > 0 for NO, Δm²32 < 0 for IO",
                  bounds_by_option={"ordering": {"NO": (0.0, math.inf), "IO": (-math.inf, 0.0)}}),
    ParameterInfo("m_lightest", "eV", r"$m_\mathrm{lightest}$ [eV]", "lightest neutrino mass", bounds=(0.0, math.inf)),
    ParameterInfo("alpha21", "deg", r"$\alpha_{21}$ [°]", "Majorana phase α21", to_internal=_DEG, period=360.0),
    ParameterInfo("alpha31", "deg", r"$\alpha_{31}$ [°]", "Majorana phase α31", to_internal=_DEG, period=360.0),
]}

QUANTITIES = QuantitySet()
_KERNELS = "models.neutrino_kernels"  # compiled twins of the providers (globalfit.compiled; needs numba)
quantity = QUANTITIES.quantity


_MASS_LABELS = {"m1": r"$m_1$ [eV]", "m2": r"$m_2$ [eV]", "m3": r"$m_3$ [eV]"}


@quantity(("m1", "m2", "m3"), needs=("m_lightest", "dm21sq", "dm3lsq"), options=("ordering",), domain=True,
          when={"texture": ("none",)}, kernel=f"{_KERNELS}:masses_{{ordering}}", units="eV", labels=_MASS_LABELS,
          description="neutrino masses for the model's ordering (docs/physics/neutrino.md)")
def _masses(m_lightest, dm21sq, dm3lsq, ordering):
    return neutrino.masses(m_lightest, dm21sq, dm3lsq, ordering)


_TEXTURE_OUT = ("m1", "m2", "m3", "alpha21", "alpha31", "dm3lsq", "m_lightest")


@quantity(_TEXTURE_OUT, needs=("s12sq", "s13sq", "s23sq", "delta_cp", "dm21sq"), options=("texture", "ordering"),
          domain=True, when={"texture": ("B3", "B4", "C")}, kernel=f"{_KERNELS}:texture_{{texture}}_{{ordering}}",
          units={"m1": "eV", "m2": "eV", "m3": "eV"}, labels=_MASS_LABELS,
          description="two-zero texture (docs/physics/neutrino.md#two-zero-textures): the masses, Majorana phases "
                      "and Δm²3ℓ that solve the texture's "
                      "zero conditions exactly; outside the model where no solution has the ordering. (alpha21, "
                      "alpha31, dm3lsq, m_lightest are stored in the units of the parameters of the same name.)")
def _texture(s12sq, s13sq, s23sq, delta_cp, dm21sq, texture, ordering):
    return neutrino.texture_spectrum(texture, s12sq, s13sq, s23sq, delta_cp, dm21sq, ordering)


@quantity("sum_mnu", needs=("m1", "m2", "m3"), kernel=f"{_KERNELS}:sum_masses", units="eV",
          labels=r"$\Sigma m_\nu$ [eV]",
          description="sum of the neutrino masses")
def _sum_mnu(m1, m2, m3):
    return neutrino.sum_masses(m1, m2, m3)


@quantity("m_beta", needs=("m1", "m2", "m3", "s12sq", "s13sq"), units="eV", labels=r"$m_\beta$ [eV]",
          description="effective β-decay mass √(Σ|U_ei|² m_i²)")
def _m_beta(m1, m2, m3, s12sq, s13sq):
    return neutrino.m_beta(m1, m2, m3, s12sq, s13sq)


@quantity("m_betabeta", needs=("m1", "m2", "m3", "s12sq", "s13sq", "delta_cp", "alpha21", "alpha31"),
          kernel=f"{_KERNELS}:m_betabeta", units="eV",
          labels=r"$m_{\beta\beta}$ [eV]", description="effective Majorana mass |Σ U_ei² m_i| (0νββ)")
def _m_betabeta(m1, m2, m3, s12sq, s13sq, delta_cp, alpha21, alpha31):
    return neutrino.m_betabeta(m1, m2, m3, s12sq, s13sq, delta_cp, alpha21, alpha31)
