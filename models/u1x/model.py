"""The anomaly-free U(1)_X models: SM × U(1)_X with three right-handed neutrinos and any anomaly-free charge
assignment, a named preset (`lmu-ltau`, `b-l`, `le-lmu`, `le-ltau`, `b-3le`, `b-3lmu`, `b-3ltau`) or explicit
charges (docs/physics/u1x.md). The Z′ couples through its charges and kinetic mixing; the SM Higgs is neutral
(X_H = 0), so there is no Z–Z′ mass mixing. Likelihoods built on a specific mechanism (NA62 through the Lμ−Lτ
two-Higgs-doublet mass mixing, the beam-dump recasts, N_eff, textures) declare the Lμ−Lτ model and refuse this one.
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
from models.u1x import charges as charge_sets
from models.u1x import quantities
from models.u1x.couplings import ChargeCouplings, from_charges

G_NULL = 1e-12

PARAMETERS: dict[str, ParameterInfo] = {p.name: p for p in [
    ParameterInfo("m_zp", "GeV", r"$m_{Z'}$ [GeV]", "Z′ mass", bounds=(0.0, math.inf), positive=True),
    ParameterInfo("g_zp", "", r"$g_{X}$", "U(1)_X gauge coupling", bounds=(0.0, math.sqrt(4 * math.pi)),
                  bounds_reason="perturbativity: g_zp²/(4π) ≤ 1, i.e. g_zp ≤ √(4π) ≈ 3.545"),
    ParameterInfo("eps", "", r"$\epsilon$", "kinetic mixing (with model.kinetic_mixing: free), either sign"),
]}


@dataclass(frozen=True)
class Options:
    """Options of the U(1)_X model: the charges (a preset or explicit), the kinetic mixing, the ordering."""

    preset: Literal[tuple(charge_sets.PRESETS)] = field(default="lmu-ltau", metadata={
        "doc": "named charge assignment: " + ", ".join(f"{k} ({v[1]})" for k, v in charge_sets.PRESETS.items())})
    charges: dict[str, int | str] | None = field(default=None, metadata={
        "doc": "explicit charges of the 18 fields Q1..Q3, U1..U3, D1..D3, L1..L3, E1..E3, N1..N3 (integers or "
               "rationals such as '1/3'); replaces the preset; checked for the six anomaly conditions"})
    kinetic_mixing: Literal["loop", "free", "zero"] = field(default="loop", metadata={
        "doc": "loop: ε from the charged-lepton loops (only when finite: tr(Q X) = 0 and quarks neutral); free: "
               "ε sampled as eps; zero: ε = 0 at low energy"})
    x_higgs: int = field(default=0, metadata={"doc": "U(1)_X charge of the SM Higgs (only 0 is implemented)"})
    ordering: Literal["NO", "IO"] = field(default="NO", metadata={"doc": "neutrino mass ordering"})
    texture: Literal["none"] = field(default="none", metadata={
        "doc": "textures of the neutrino mass matrix are not derived for U(1)_X (generic seesaw)"})

    def __post_init__(self):
        assignment = charge_sets.resolve(self.preset, self.charges)
        c = from_charges(assignment)
        if self.x_higgs != 0:
            raise ValueError(f"model.x_higgs: {self.x_higgs} — a charged SM Higgs (Z–Z′ mass mixing, charges "
                             "constrained by the Yukawas) is not implemented; use 0")
        if self.kinetic_mixing == "loop" and c.eps_log is None:
            why = (f"tr(Q X_V) = {c.trace} ≠ 0, so the loop mixing depends on the UV" if c.trace != 0 else
                   "the quarks are charged and their loops are hadronic")
            raise ValueError(f"model.kinetic_mixing: loop is not finite for these charges ({why}); use "
                             "kinetic_mixing: free (ε sampled as eps) or zero")
        object.__setattr__(self, "_couplings", c)

    def __hash__(self):
        items = tuple(sorted((self.charges or {}).items()))
        return hash((self.preset, items, self.kinetic_mixing, self.x_higgs, self.ordering, self.texture))

    @property
    def couplings(self) -> ChargeCouplings:
        return self._couplings


class U1X(PhysicsModel):
    """SM × U(1)_X with three ν_R: a Z′ with any anomaly-free charges (presets or explicit), kinetic mixing."""

    name = "u1x"
    Options = Options
    parameters = {**PARAMETERS, **neutrino_sector.PARAMETERS}
    plane = ("m_zp", "g_zp")
    null_description = (f"g_X = {G_NULL:g}, free kinetic mixing removed (ε from the loop, or 0); neutrino sector "
                        "unchanged")

    def quantities(self, options) -> list[Provider]:
        return quantities.providers(options.couplings, options.kinetic_mixing) + list(
            neutrino_sector.QUANTITIES.providers)

    def quantity_info(self) -> dict[str, QuantityInfo]:
        return {**quantities.INFO, **neutrino_sector.QUANTITIES.info}

    def null_point(self, raw: dict) -> dict | None:
        """The card with g_X = G_NULL (fixed) and no free kinetic mixing (loop where finite, else zero)."""
        if "g_zp" not in (raw.get("params") or {}):
            return None
        out = copy.deepcopy(raw)
        model = dict(out.get("model") or {})
        if model.get("kinetic_mixing") == "free":
            c = from_charges(charge_sets.resolve(model.get("preset", "lmu-ltau"), model.get("charges")))
            model["kinetic_mixing"] = "loop" if c.eps_log is not None else "zero"
        out["model"] = model
        out["params"].pop("eps", None)
        out["params"]["g_zp"] = G_NULL
        return out

    def describe(self, options) -> str:
        what = "explicit charges" if options.charges is not None else f"preset {options.preset}"
        return f"U(1)_X {what}, kinetic_mixing: {options.kinetic_mixing}"
