"""The gauged U(1)_{Lμ−Lτ} model: a Z′ coupled to μ- and τ-flavoured leptons with coupling g, three right-handed
neutrinos, and a Higgs sector that gives the Z′ its mass (docs/physics/zprime.md#kinetic-mixing,
docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing, docs/physics/neutrino.md#two-zero-textures).

Options choose the neutrino mass ordering, the Higgs sector (which fixes the Z–Z′ mass mixing and the two
zeros of the light-neutrino mass matrix), the sign of the extra doublet's charge and whether the kinetic
mixing ε is the loop value or sampled. Its no-new-physics limit is g = 1e-12 with neither mass nor free
kinetic mixing: the reference of `globalfit plane` and of the report's pulls.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Literal

from globalfit.graph import Provider, QuantityInfo
from globalfit.model import PhysicsModel
from globalfit.params import ParameterInfo
from models import neutrino_sector
from models.lmu_ltau import quantities as zprime_quantities

#: "no Z′": a coupling so small that every effect of the Z′ is negligible
G_NULL = 1e-12
_POS = (0.0, math.inf)

PARAMETERS: dict[str, ParameterInfo] = {p.name: p for p in [
    ParameterInfo("m_zp", "GeV", r"$m_{Z'}$ [GeV]", "Z′ mass", bounds=_POS, positive=True),
    ParameterInfo("g_zp", "", r"$g_{Z'}$", "U(1)_{Lμ−Lτ} gauge coupling", bounds=(0.0, math.sqrt(4 * math.pi)),
                  bounds_reason="perturbativity: g_zp²/(4π) ≤ 1, i.e. g_zp ≤ √(4π) ≈ 3.545"),
    ParameterInfo("eps", "", r"$\epsilon$", "kinetic mixing (with model.kinetic_mixing: free), either sign"),
    ParameterInfo("tan_theta", "", r"$\tan\theta$", "v_σ/v₁, singlet to doublet vev ratio (higgs: doublet+singlet)",
                  bounds=_POS),
    ParameterInfo("tan_gamma", "", r"$\tan\gamma$",
                  "v_σ₂/v_σ₁, charge-2 to charge-1 singlet vev ratio (higgs: singlet+singlet2)", bounds=_POS),
    ParameterInfo("m_hpm", "GeV", r"$m_{H^\pm}$ [GeV]", "charged Higgs mass (doublet models)", bounds=_POS,
                  default=300.0, positive=True),
    ParameterInfo("m_h2", "GeV", r"$m_{H}$ [GeV]", "heavy CP-even neutral scalar mass (doublet models)", bounds=_POS,
                  default=300.0, positive=True),
    ParameterInfo("m_a", "GeV", r"$m_{A}$ [GeV]", "CP-odd neutral scalar mass (doublet models)", bounds=_POS,
                  default=300.0, positive=True),
]}

_IMPLIED_TEXTURE = {"none": "none", "singlet": "C", "singlet+singlet2": "none", "doublet+singlet": "none"}


@dataclass(frozen=True)
class Options:
    """Physics options of the Lμ−Lτ model. Each selects which derived quantities exist and how they are computed."""

    ordering: Literal["NO", "IO"] = field(default="NO", metadata={"doc": "neutrino mass ordering (normal or inverted)"})
    higgs: Literal["none", "singlet", "singlet+singlet2", "doublet", "doublet+singlet"] = field(
        default="none", metadata={
        "doc": "Higgs sector giving the Z′ its mass: none (unspecified; no Z–Z′ mass mixing), the minimal singlet "
               "σ₊₁ (no mass mixing), σ₊₁ and a charge-2 singlet σ₊₂ (the seesaw/leptogenesis variant: every "
               "Majorana entry allowed, no texture; tan_gamma = v₂/v₁ sampled), an extra doublet Φ (charge "
               "doublet_charge), or the doublet plus the singlet"})
    doublet_charge: Literal[1, -1] = field(default=1,
                                           metadata={"doc": "U(1)′ charge of the extra doublet Φ (+1 or −1)"})
    kinetic_mixing: Literal["loop", "free"] = field(default="loop", metadata={
        "doc": "loop: ε induced by μ and τ loops; free: ε sampled as the parameter eps"})
    texture: Literal["auto", "none", "B3", "B4", "C"] = field(default="auto", metadata={
        "doc": "zeros of the light-neutrino mass matrix forced by the U(1)′ charges: auto (what the Higgs sector "
               "implies), none (generic seesaw), B3, B4, C"})

    def __post_init__(self):
        implied = _IMPLIED_TEXTURE.get(self.higgs) or ("B3" if self.doublet_charge == 1 else "B4")
        if self.doublet_charge != 1 and self.higgs not in ("doublet", "doublet+singlet"):
            raise ValueError(f"doublet_charge only applies to models with the extra doublet (higgs: doublet or "
                             f"doublet+singlet), not higgs: {self.higgs}")
        if self.texture == "auto":
            object.__setattr__(self, "texture", implied)
        elif self.texture not in ("none", implied) and self.higgs != "none":
            charge = f" with doublet_charge {self.doublet_charge:+d}" if "doublet" in self.higgs else ""
            raise ValueError(f"texture {self.texture} contradicts higgs: {self.higgs}{charge}, which implies texture "
                             f"{implied} (docs/physics/neutrino.md#two-zero-textures); use texture: {implied} (or "
                             "auto), or none for a generic seesaw")


class LmuLtau(PhysicsModel):
    """Gauged U(1)_{Lμ−Lτ}: Z′ with coupling g to μ, τ and their neutrinos; Higgs sector and textures."""

    name = "lmu-ltau"
    Options = Options
    parameters = {**PARAMETERS, **neutrino_sector.PARAMETERS}
    plane = ("m_zp", "g_zp")
    null_description = (f"g_Z′ = {G_NULL:g} with higgs: none and kinetic_mixing: loop (no Z–Z′ mass mixing, no "
                        "free kinetic mixing); the neutrino sector and the texture unchanged")
    _quantities = zprime_quantities.QUANTITIES + neutrino_sector.QUANTITIES

    def quantities(self, options) -> list[Provider]:
        # every provider; those whose `when` the options do not meet are named in messages ("derived only with…")
        return list(self._quantities.providers)

    def quantity_info(self) -> dict[str, QuantityInfo]:
        return dict(self._quantities.info)

    def null_point(self, raw: dict) -> dict | None:
        """The resolved card in the no-Z′ limit: g_Z′ = G_NULL (fixed), no Higgs-sector mass mixing, loop kinetic
        mixing; the parameters those remove (tan_theta, tan_gamma, eps and the doublet's scalar masses) dropped;
        the resolved texture kept, so the neutrino sector is unchanged. None if the card has no g_zp."""
        if "g_zp" not in (raw.get("params") or {}):
            return None
        out = copy.deepcopy(raw)
        out["model"] = {**(out.get("model") or {}), "higgs": "none", "kinetic_mixing": "loop", "doublet_charge": 1}
        for p in ("tan_theta", "tan_gamma", "eps", "m_hpm", "m_h2", "m_a"):
            out["params"].pop(p, None)
        out["params"]["g_zp"] = G_NULL
        return out

    def describe(self, options) -> str:
        return f"higgs: {options.higgs}, kinetic_mixing: {options.kinetic_mixing}"

    def domain_hint(self, options) -> str:
        if options.texture != "none":
            return f"texture {options.texture} has no solution with ordering {options.ordering} in the prior box"
        if "doublet" in options.higgs:
            return "the Higgs sector has no solution (m_Z′ > g v/2 for the doublet) in the prior box"
        return ""
