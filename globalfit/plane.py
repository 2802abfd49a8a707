"""Two-dimensional planes of a card: the region each likelihood excludes, the g−2 bands and the allowed region of
the fit over any two parameters or derived quantities — computed by the same plugin code as the fits (no
separate curve files), drawn as a figure and written as boundary polylines (CSV and JSON) beside it.

Axes and grid
    The axes are two names of the card: parameters or derived quantities of its model (default: the model's
    `plane`, e.g. (m_zp, g_zp)). The likelihoods are evaluated on an n × n grid of two *gridded parameters*:
    the axes themselves when both are parameters; otherwise the parameter axes completed by the parameters a
    derived axis depends on (through the model's quantity graph) that the card samples, in card order — or the
    two named with ``grid``. A derived axis is drawn in its own coordinates on the resulting curvilinear grid
    (contours are traced in the gridded parameters and mapped to the axes node by node, bilinearly); where the
    model has no solution a derived axis has no value, so the "outside the model" shading is drawn only when
    both axes are parameters. Every other parameter is held at its ``sets`` value or its prior median.

Ranges and scales
    A gridded parameter spans the range given (``NAME=LO:HI``, values in its card unit or with a unit, e.g.
    ``5MeV:200MeV``) or else its prior range (a fixed parameter needs a range). It is gridded in log when asked
    (``LO:HI:log``), when its prior is log-uniform, or when its range is positive and spans more than 2
    decades; linearly otherwise (``LO:HI:lin`` forces it). A derived axis shows the range given (plot limits
    only) or the range its values take on the grid, in log under the same rule (positive, > 2 decades).

Units
    An energy axis carded in MeV, GeV or TeV is shown in MeV when its range lies at or below 1 GeV and in GeV
    otherwise; other units are shown as carded. The unit is in the axis label, the CSV column names and the
    JSON (`Axis.shown_unit`); the arrays of `Plane` stay in card units.

Reference and thresholds (`plane_regions`), at confidence level `cl`
    reference "null" (exclusion plots): Δχ²_k = χ²_k − χ²_k(null), the null point being the model's
    `null_point` (no new physics) evaluated at the same values of the gridded parameters it keeps (e.g. the
    same m_Z′; a parameter the null point removes or fixes, such as g_Z′ or tanθ, is not kept). Likelihood k
    alone excludes where Δχ²_k > k.exclusion_dchi2(cl): χ²₁(cl) (3.84 at 95%) for a measurement, the value
    that puts a published limit curve exactly on its line for limit-curve likelihoods (BaBar, NA62: 4.61 for
    a Poisson-form curve at its published 90%).
    reference "min" (allowed regions of a fit): Δχ² against the minimum over the plane with two parameters,
    threshold χ²₂(cl) (5.99 at 95%): each likelihood k disfavours where χ²_k − min χ²_k > χ²₂(cl), and the fit
    (all likelihoods) allows Σ_k χ²_k − min Σ_k χ²_k ≤ χ²₂(cl).
    In both, the g−2 bands are χ²_g−2 < 1 (1σ) and < 4 (2σ), as the one-parameter bands are usually drawn.
    The rule and CL are stated in the figure's title and legend and in the JSON.

Files (`save_plane`): the figure (.png/.pdf) and, beside it with the same stem, <stem>.csv (columns region,
segment, x, y; the x and y column names carry the axis name and unit, e.g. ``m_zp [MeV]``) and <stem>.json
(``regions``: region name → list of segments → [x, y] points; ``region_info``; metadata: card, datasets,
model options, CL, reference rule, thresholds per likelihood, fixed parameters, axes, grid). A segment is one
boundary polyline of the region (closed loops repeat their first point).
"""
from __future__ import annotations

import csv
import dataclasses
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from globalfit import units
from globalfit.card import Card, load_card, model_graph
from globalfit.errors import CardError, Problem
from globalfit.likelihood import Likelihood
from globalfit.params import Fixed, LogUniform, Normal, Uniform
from globalfit.posterior import Posterior

#: χ²₁(95%): the exclusion threshold of a Gaussian measurement at 95% CL, one parameter (the coupling at fixed
#: mass); a likelihood's own threshold at any CL is `Likelihood.exclusion_dchi2(cl)`.
EXCLUSION_DCHI2 = 3.84
#: the likelihood drawn as 1σ/2σ bands instead of an excluded region
GMINUS2 = "gminus2"
#: g−2 bands: region name, χ²_g−2 below which a point is inside, legend text
G2_BANDS = (("gminus2-1sigma", 1.0, "g−2 1σ (χ² < 1)"), ("gminus2-2sigma", 4.0, "g−2 2σ (χ² < 4)"))
REFERENCES = ("null", "min")
#: a positive range spanning more decades than this is gridded (or drawn) in log
LOG_DECADES = 2.0
_BIG = 1e12  # stands for ±inf in contoured fields

COLORS = {"borexino": "#8e44ad", "trident": "#c0392b", "babar": "#1f4e99", "na62": "#d68910", "apv": "#17a2b8",
          "cms": "#7f8c8d"}
PALETTE = ("#e67e22", "#34495e", "#16a085", "#7d3c98", "#b03a2e", "#2e86c1", "#a04000")
HATCHES = ("//", "\\\\", "||", "--", "xx", "++", "oo", "..", "**")


# ------------------------------------------------------------------------------------------------ axes
@dataclasses.dataclass(frozen=True)
class Axis:
    """One axis of a plane, or one gridded parameter.

    `range` and the arrays of `Plane` are in the card unit `unit`; the figure and the files show `shown_unit`
    (value shown = card value × `to_shown`)."""

    name: str
    kind: str  # "parameter" | "quantity"
    unit: str  # card unit ("" if dimensionless)
    label: str  # LaTeX label without the unit
    scale: str  # "log" | "linear"
    scale_rule: str  # why this scale
    range: tuple[float, float]  # card units: the grid's range (parameters), the plot limits (quantities)
    range_given: bool = False
    shown_unit: str = ""
    to_shown: float = 1.0

    @property
    def column(self) -> str:
        """The name of this axis in the CSV/JSON files: ``NAME [UNIT]`` (``NAME`` if dimensionless)."""
        return f"{self.name} [{self.shown_unit}]" if self.shown_unit else self.name

    @property
    def axis_label(self) -> str:
        return f"{self.label} [{self.shown_unit}]" if self.shown_unit else self.label

    def shown(self, value):
        return np.asarray(value, dtype=float) * self.to_shown


def shown_unit(unit: str, hi: float) -> tuple[str, float]:
    """The unit an axis is shown in and the factor card → shown: an energy carded in MeV, GeV or TeV in MeV
    if its range ends at or below 1 GeV (`hi` in the card unit), in GeV otherwise; any other unit as carded."""
    energy = units.DIMENSIONS["energy"]
    if unit not in ("MeV", "GeV", "TeV") or not math.isfinite(hi):
        return unit, 1.0
    target = "MeV" if hi * energy[unit] <= energy["GeV"] * (1 + 1e-9) else "GeV"
    return target, energy[unit] / energy[target]


def _strip_unit(label: str) -> str:
    return re.sub(r"\s*\[[^\]]*\]\s*$", "", label)


def _problem(what: str, message: str) -> CardError:
    return CardError([Problem(what, message)], source="plane")


def parse_range(text: str, what: str) -> tuple[float, float]:
    """``LO:HI`` with 0 < LO < HI (the ranges of `globalfit profile`)."""
    try:
        lo, hi = (float(x) for x in text.split(":"))
    except ValueError:
        raise _problem(what, f"expected LO:HI (two positive numbers), got {text!r}") from None
    if not (0 < lo < hi):
        raise _problem(what, f"expected 0 < LO < HI, got {text!r}")
    return lo, hi


@dataclasses.dataclass(frozen=True)
class AxisSpec:
    """An axis or gridded parameter as asked for on the command line: ``NAME[=LO:HI[:log|:lin]]``; LO and HI
    are kept as text (they may carry a unit) until the card says what NAME is."""

    name: str
    lo: str | None = None
    hi: str | None = None
    scale: str | None = None  # "log" | "linear" | None (the rule decides)
    what: str = ""  # the option it came from, for messages


def parse_axis(text: str, what: str) -> AxisSpec:
    """``NAME``, ``NAME=LO:HI`` or ``NAME=LO:HI:log|lin``."""
    name, _, rest = text.partition("=")
    name = name.strip()
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
        raise _problem(what, f"expected NAME[=LO:HI[:log|:lin]], got {text!r}")
    if not _:
        return AxisSpec(name, what=what)
    lo, hi, scale = parse_range_text(rest, what)
    return AxisSpec(name, lo, hi, scale, what)


def parse_range_text(text: str, what: str) -> tuple[str, str, str | None]:
    """``LO:HI[:log|:lin]`` → (LO, HI, scale) with LO and HI as text."""
    parts = [p.strip() for p in text.split(":")]
    scale = None
    if len(parts) == 3 and parts[2] in ("log", "lin", "linear"):
        scale = "log" if parts[2] == "log" else "linear"
        parts = parts[:2]
    if len(parts) != 2 or not all(parts):
        raise _problem(what, f"expected LO:HI or LO:HI:log|lin (LO < HI, and 0 < LO < HI on a log axis), got {text!r}")
    return parts[0], parts[1], scale


def _range_in_card_unit(spec: AxisSpec, unit: str) -> tuple[float, float]:
    vals = []
    for t in (spec.lo, spec.hi):
        try:
            v = units.to_card_unit(t, unit, spec.name)
            v = float(v)
        except (units.UnitError, ValueError) as exc:
            raise _problem(spec.what, f"{spec.name}: {exc}") from None
        vals.append(v)
    lo, hi = vals
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise _problem(spec.what, f"expected LO < HI (and 0 < LO < HI on a log axis), got {spec.lo}:{spec.hi}")
    if spec.scale == "log" and lo <= 0:
        raise _problem(spec.what, f"a log axis needs 0 < LO < HI, got {spec.lo}:{spec.hi}")
    return lo, hi


# ----------------------------------------------------------------------------------------------- plane
@dataclasses.dataclass
class Plane:
    """The likelihoods of a card on a grid of two parameters, with the two axes drawn.

    Arrays of shape (n_v, n_u): rows follow the second gridded parameter, columns the first (for the default
    (m_zp, g_zp) plane: rows g, columns m). Values in card units."""

    axes: tuple[Axis, Axis]  # x, y
    grid: tuple[Axis, Axis]  # the gridded parameters (u: columns, v: rows)
    values: tuple[np.ndarray, np.ndarray]  # (n_u,), (n_v,): the grid, card units
    X: np.ndarray  # x-axis value at each node (NaN where a derived axis has no value)
    Y: np.ndarray
    chi2: dict[str, np.ndarray]  # likelihood → χ² = −2 ln L
    dchi2: dict[str, np.ndarray]  # likelihood → χ² − χ²(null point); empty if the model has no null point
    in_domain: np.ndarray  # bool
    fixed: dict[str, float]  # every other parameter, card units
    null_keeps: tuple[str, ...] | None  # gridded parameters the null point is evaluated at; None: no null point
    card: Card = dataclasses.field(repr=False, compare=False)
    likelihoods: Mapping[str, Likelihood] = dataclasses.field(repr=False, compare=False, default_factory=dict)

    @property
    def m(self) -> np.ndarray:
        """The values of the first gridded parameter (m_zp in the default plane)."""
        return self.values[0]

    @property
    def g(self) -> np.ndarray:
        """The values of the second gridded parameter (g_zp in the default plane)."""
        return self.values[1]

    def exclusion_dchi2(self, likelihood: str, cl: float) -> float:
        """The likelihood's own Δχ² threshold at `cl` (Likelihood.exclusion_dchi2)."""
        return float(self.likelihoods[likelihood].exclusion_dchi2(cl))


def _quantity_inputs(graph, name: str, params) -> list[str]:
    """The parameters a derived quantity depends on, through the model's quantity graph."""
    out: list[str] = []
    seen: set[str] = set()

    def walk(n: str) -> None:
        if n in seen:
            return
        seen.add(n)
        if n in params:
            out.append(n)
        elif n in graph.providers:
            for m in graph.providers[n].needs:
                walk(m)

    walk(name)
    return out


def _kind(card: Card, graph, spec: AxisSpec) -> str:
    name = spec.name
    if name in card.params:
        return "parameter"
    if name in card.catalogue:
        raise _problem(spec.what, f"'{name}' is a parameter of the model, but this card does not have it; add "
                                  f"params.{name} (e.g. --set params.{name}=VALUE, then give its range)")
    if graph.can_provide(name, card.params):
        return "quantity"
    quantities = sorted(n for n in graph.providers if graph.can_provide(n, card.params))
    raise _problem(spec.what, f"'{name}' is neither a parameter of the card ({', '.join(card.params)}) nor a "
                              f"derived quantity of its model ({', '.join(quantities)})")


def _prior_range(card: Card, name: str, what: str) -> tuple[float, float]:
    prior = card.params[name]
    if isinstance(prior, Fixed):
        raise _problem(what, f"{name} is fixed at {prior.value:g} in the card: give its range ({what} {name}=LO:HI)")
    lo, hi = prior.bounds
    if isinstance(prior, Normal):
        lo, hi = max(lo, prior.mean - 3 * prior.sigma), min(hi, prior.mean + 3 * prior.sigma)
    return lo, hi


def _grid_axis(card: Card, name: str, spec: AxisSpec | None, what: str) -> Axis:
    info = card.parameter_info(name)
    if spec is not None and spec.lo is not None:
        lo, hi = _range_in_card_unit(spec, info.unit)
        given = True
    else:
        lo, hi = _prior_range(card, name, what)
        given = False
    dlo, dhi = info.domain(card.model.option_dict())
    if lo < dlo or hi > dhi or (info.positive and lo <= 0):
        why = f" ({info.bounds_reason})" if info.bounds_reason else ""
        raise _problem(spec.what if spec is not None else what,
                       f"{name} range {lo:g}:{hi:g} leaves its allowed range "
                       f"{'(' if info.positive else '['}{dlo:g}, {dhi:g}]{why}")
    prior = card.params[name]
    if spec is not None and spec.scale:
        scale, rule = spec.scale, "as asked"
    elif isinstance(prior, LogUniform) and lo > 0:
        scale, rule = "log", "log-uniform prior"
    elif lo > 0 and math.log10(hi / lo) > LOG_DECADES:
        scale, rule = "log", f"range spans {math.log10(hi / lo):.1f} decades"
    else:
        scale, rule = "linear", ("range includes values ≤ 0" if lo <= 0 else
                                 f"range spans {math.log10(hi / lo):.1f} ≤ {LOG_DECADES:g} decades")
    su, f = shown_unit(info.unit, hi)
    return Axis(name, "parameter", info.unit, _strip_unit(info.label), scale, rule, (lo, hi), given, su, f)


def _quantity_axis(card: Card, name: str, spec: AxisSpec, values: np.ndarray) -> Axis:
    if name in card.catalogue:
        info = card.parameter_info(name)
        unit, label = info.unit, info.label
    else:
        qi = card.model.plugin.quantity_info().get(name)
        unit, label = (qi.unit, qi.label) if qi is not None else ("", name)
    finite = values[np.isfinite(values)]
    if spec.lo is not None:
        lo, hi = _range_in_card_unit(spec, unit)
        given = True
    else:
        if finite.size == 0:
            raise _problem(spec.what, f"{name} has no value on the grid (no point inside the model's domain)")
        lo, hi = float(finite.min()), float(finite.max())
        given = False
    positive = finite.size > 0 and bool(np.all(finite > 0))
    if spec.scale:
        scale, rule = spec.scale, "as asked"
    elif positive and lo > 0 and hi > lo and math.log10(hi / lo) > LOG_DECADES:
        scale, rule = "log", f"values span {math.log10(hi / lo):.1f} decades"
    else:
        scale, rule = "linear", "values include ≤ 0" if not positive else f"values span ≤ {LOG_DECADES:g} decades"
    if hi <= lo:  # a constant quantity: a token range around it
        lo, hi = (lo / 2, lo * 2) if lo > 0 else (lo - 1, lo + 1)
    su, f = shown_unit(unit, hi)
    return Axis(name, "quantity", unit, _strip_unit(label), scale, rule, (lo, hi), given, su, f)


def _choose_grid(card: Card, graph, specs: tuple[AxisSpec, AxisSpec], kinds: tuple[str, str],
                 grid: tuple[AxisSpec, AxisSpec] | None, sets: Mapping[str, float]) -> tuple[AxisSpec, AxisSpec]:
    by_name = {s.name: s for s in specs}
    if grid is not None:
        names = [g.name for g in grid]
        if len(set(names)) != 2:
            raise _problem("--grid", f"expected two different parameters, got {','.join(names)}")
        for g in grid:
            if g.name not in card.params:
                raise _problem("--grid", f"'{g.name}' is not a parameter of the card ({', '.join(card.params)})")
        for s, k in zip(specs, kinds):
            if k == "parameter" and s.name not in names:
                raise _problem("--grid", f"the axis {s.name} is a parameter: it must be one of the gridded parameters")
        chosen = list(grid)
    else:
        chosen = [s for s, k in zip(specs, kinds) if k == "parameter"]
        for s, k in zip(specs, kinds):
            if k != "quantity":
                continue
            for p in _quantity_inputs(graph, s.name, card.params):
                if len(chosen) == 2:
                    break
                if p not in {c.name for c in chosen} and not isinstance(card.params[p], Fixed) and p not in sets:
                    chosen.append(by_name.get(p, AxisSpec(p, what="--grid")))
        if len(chosen) < 2:
            raise _problem("--grid", "cannot choose the two parameters to grid for the derived axis "
                                     f"{' and '.join(s.name for s, k in zip(specs, kinds) if k == 'quantity')}: "
                                     "name them with --grid A,B")
    for s, k in zip(specs, kinds):
        if k == "quantity" and not set(_quantity_inputs(graph, s.name, card.params)) & {c.name for c in chosen}:
            raise _problem(s.what, f"{s.name} does not depend on the gridded parameters "
                                   f"{', '.join(c.name for c in chosen)}")
    for c in chosen:
        if c.name in sets:
            raise _problem(f"--set {c.name}", f"{c.name} is gridded on the plane: give its range "
                                              f"({c.what or '--grid'} {c.name}=LO:HI) instead")
        if c.name in by_name and by_name[c.name].lo is not None and c.lo is not None and c is not by_name[c.name]:
            if (c.lo, c.hi) != (by_name[c.name].lo, by_name[c.name].hi):
                raise _problem("--grid", f"two different ranges for {c.name}")
    # a range given on an axis applies to the same gridded parameter
    return tuple(by_name[c.name] if c.lo is None and c.name in by_name and by_name[c.name].lo is not None else c
                 for c in chosen)  # type: ignore[return-value]


def _with_grid(card: Card, grid: tuple[Axis, Axis], sets: Mapping[str, float], derived: tuple[str, ...]) -> Card:
    params = {}
    for name, prior in card.params.items():
        ax = next((a for a in grid if a.name == name), None)
        if ax is not None:
            params[name] = LogUniform(*ax.range) if ax.scale == "log" else Uniform(*ax.range)
        else:
            params[name] = Fixed(sets.get(name, prior.median))
    return dataclasses.replace(card, params=params, derived=tuple(dict.fromkeys((*card.derived, *derived))))


def _load_null(raw: dict) -> Card:
    """The null card, validated. Validation wants one sampled parameter: if the null point fixes all, one of
    them is given a vanishing range for the validation and fixed again afterwards."""
    raw = dict(raw)
    raw.pop("derived", None)  # the null point need not provide what the card stores
    params = dict(raw["params"])
    relaxed = None
    if all(not isinstance(v, Mapping) or v.get("prior") == "fixed" for v in params.values()):
        for k, v in params.items():
            value = v.get("value") if isinstance(v, Mapping) else v
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
                relaxed = (k, float(value))
                params[k] = {"prior": "uniform", "min": float(value), "max": float(value) * (1 + 1e-9)}
                break
    try:
        card = load_card({**raw, "params": params})
    except CardError as exc:
        raise CardError(exc.problems, source="plane: the model's null point") from None
    if relaxed:
        card = dataclasses.replace(card, params={**card.params, relaxed[0]: Fixed(relaxed[1])})
    return card


def _null_reference(plane_card: Card, grid: tuple[Axis, Axis], uu: np.ndarray, vv: np.ndarray):
    """χ² of each likelihood at the model's null point, broadcast to the grid, and the gridded parameters it is
    evaluated at (those the null point keeps as they are); (None, None) if the model has no null point."""
    raw = plane_card.to_dict()
    null_raw = plane_card.model.plugin.null_point(raw)
    if null_raw is None:
        return None, None
    keeps = tuple(a.name for a in grid if a.name in null_raw.get("params", {})
                  and null_raw["params"][a.name] == raw["params"][a.name])
    null = _load_null(null_raw)
    params = {k: (p if k in keeps else Fixed(p.median)) for k, p in null.params.items()}
    ref_post = Posterior(dataclasses.replace(null, params=params))
    nodes = {grid[0].name: uu, grid[1].name: vv}
    if len(keeps) == 2:
        cols, shape = [nodes[k].ravel() for k in ref_post.names], uu.shape
    elif len(keeps) == 1:
        along = 1 if keeps[0] == grid[0].name else 0  # the axis of the grid that parameter varies along
        line = uu[0, :] if along == 1 else vv[:, 0]
        cols, shape = [line], ((1, uu.shape[1]) if along == 1 else (uu.shape[0], 1))
    else:
        cols, shape = [], (1, 1)
    theta = np.column_stack(cols) if cols else np.zeros((1, 0))
    with np.errstate(all="ignore"):
        ev = ref_post.evaluate(theta)
    return {k: (-2.0 * v).reshape(shape) for k, v in ev.loglike.items()}, keeps


def compute_plane(card: Card, x_range=None, y_range=None, n: int = 160, sets: Mapping[str, float] | None = None,
                  *, x: str | AxisSpec | None = None, y: str | AxisSpec | None = None,
                  grid: tuple[str | AxisSpec, str | AxisSpec] | None = None,
                  ranges: Mapping[str, AxisSpec] | None = None) -> Plane:
    """χ² of every likelihood of `card` on an n × n grid (module docstring: axes, grid, ranges and scales), and
    Δχ² against the model's null point.

    `x`, `y`: the axes (names or AxisSpec; default the model's `plane`); `x_range`, `y_range`: their ranges in
    card units (for a derived axis: the plot limits); `grid`: the two gridded parameters; `ranges`: ranges of
    parameters by name, wherever they are on the plane (`globalfit plane --mzp/--g`); `sets`: values of the other
    parameters (default their prior median)."""
    model = card.model.plugin
    if (x is None or y is None) and model.plane is None:
        raise _problem("--x/--y", f"model '{card.model.name}' defines no default plane: choose the axes")
    specs = []
    for spec, default, rng, what in ((x, 0, x_range, "--x"), (y, 1, y_range, "--y")):
        spec = spec if spec is not None else model.plane[default]
        if isinstance(spec, str):
            spec = AxisSpec(spec, what=what)
        if rng is not None:
            spec = dataclasses.replace(spec, lo=repr(float(rng[0])), hi=repr(float(rng[1])))
        specs.append(spec)
    ranges = dict(ranges or {})
    used: set[str] = set()

    def merge(spec: AxisSpec) -> AxisSpec:
        r = ranges.get(spec.name)
        if r is None:
            return spec
        used.add(spec.name)
        if spec.lo is not None and (spec.lo, spec.hi) != (r.lo, r.hi):
            raise _problem(r.what, f"{spec.name} has a range in {spec.what} already")
        return dataclasses.replace(spec, lo=r.lo, hi=r.hi, scale=spec.scale or r.scale, what=r.what)

    specs = tuple(merge(s) for s in specs)
    if specs[0].name == specs[1].name:
        raise _problem("--x/--y", f"both axes are {specs[0].name}")
    if grid is not None:
        grid = tuple(AxisSpec(g, what="--grid") if isinstance(g, str) else g for g in grid)
    sets = dict(sets or {})
    graph = model_graph(card.model)
    kinds = tuple(_kind(card, graph, s) for s in specs)
    grid_specs = tuple(merge(s) for s in _choose_grid(card, graph, specs, kinds, grid, sets))
    unused = [r for name, r in ranges.items() if name not in used]
    if unused:
        raise _problem(unused[0].what, f"{unused[0].name} is not on this plane (its axes: {specs[0].name}, "
                                       f"{specs[1].name}; gridded: {grid_specs[0].name}, {grid_specs[1].name}); fix "
                                       f"it with --set {unused[0].name}=VALUE")
    gaxes = tuple(_grid_axis(card, s.name, s, s.what or "--grid") for s in grid_specs)
    quantities = tuple(s.name for s, k in zip(specs, kinds) if k == "quantity")
    plane_card = _with_grid(card, gaxes, sets, quantities)
    post = Posterior(plane_card)
    u, v = (np.geomspace(*a.range, n) if a.scale == "log" else np.linspace(*a.range, n) for a in gaxes)
    uu, vv = np.meshgrid(u, v)
    nodes = {gaxes[0].name: uu.ravel(), gaxes[1].name: vv.ravel()}
    theta = np.column_stack([nodes[name] for name in post.names])
    with np.errstate(all="ignore"):
        ev = post.evaluate(theta)
    in_domain = ev.in_domain.reshape(uu.shape)
    chi2 = {k: -2.0 * val.reshape(uu.shape) for k, val in ev.loglike.items()}
    coords, axes = [], []
    for s, k in zip(specs, kinds):
        if k == "parameter":
            coords.append(uu if s.name == gaxes[0].name else vv)
            axes.append(gaxes[0] if s.name == gaxes[0].name else gaxes[1])
        else:
            c = np.where(in_domain, np.asarray(ev.quantities[s.name], dtype=float).reshape(uu.shape), np.nan)
            c = np.where(np.isfinite(c), c, np.nan)
            coords.append(c)
            axes.append(_quantity_axis(card, s.name, s, c[in_domain]))
    ref, keeps = _null_reference(plane_card, gaxes, uu, vv)
    dchi2 = {k: c - ref[k] for k, c in chi2.items()} if ref is not None else {}
    return Plane(tuple(axes), gaxes, (u, v), coords[0], coords[1], chi2, dchi2, in_domain,
                 {k: float(val) for k, val in post.space.fixed.items()}, keeps, card, dict(post.plugins))


# --------------------------------------------------------------------------------------------- regions
@dataclasses.dataclass
class Region:
    """One region of a plane: the grid nodes where `field` is above (or below) `level`."""

    name: str  # likelihood name, "gminus2-1sigma", "gminus2-2sigma", "allowed", "outside-model"
    kind: str  # "excluded" | "band" | "allowed" | "outside"
    label: str  # legend text
    rule: str  # in words, with the threshold
    field: np.ndarray = dataclasses.field(repr=False)  # (n_v, n_u), NaN where undefined
    level: float = 0.0
    above: bool = True
    likelihood: str | None = None
    dataset: str | None = None
    threshold: float | None = None
    expected: bool = False  # a forecast's expected exclusion (drawn dashed, not in the allowed region)

    def inside(self, plane: Plane) -> np.ndarray:
        """The grid nodes in the region (bool, (n_v, n_u))."""
        with np.errstate(invalid="ignore"):
            return (self.field > self.level) if self.above else (self.field < self.level)

    def fraction(self, plane: Plane) -> float:
        """Fraction of the grid nodes inside the model's domain that lie in the region."""
        ok = plane.in_domain if self.kind != "outside" else np.ones_like(plane.in_domain)
        return float(self.inside(plane)[ok].mean()) if ok.any() else 0.0


def chi2_2(cl: float) -> float:
    """χ²₂(cl) = −2 ln(1 − cl): the two-parameter Δχ² at confidence level cl (5.99 at 95%)."""
    return -2.0 * math.log1p(-cl)


def cl_text(cl: float) -> str:
    return f"{100 * cl:.6g}%"


def _same_what(plane: Plane) -> str:
    keeps = plane.null_keeps or ()
    return f"at the same {', '.join(keeps)}" if keeps else "at the plane's fixed parameters"


def plane_regions(plane: Plane, cl: float = 0.95, reference: str = "null") -> list[Region]:
    """The regions drawn (module docstring: reference and thresholds): each likelihood's excluded (null) or
    disfavoured (min) region, the g−2 bands, the fit's allowed region (min) and where the model has no solution."""
    if reference not in REFERENCES:
        raise _problem("--reference", f"unknown reference {reference!r}; allowed: {', '.join(REFERENCES)}")
    if not 0 < cl < 1:
        raise _problem("--cl", f"expected a confidence level between 0 and 1 (or a percentage), got {cl}")
    card = plane.card
    dom = plane.in_domain
    regions: list[Region] = []
    if reference == "null" and plane.null_keeps is None:
        raise _problem("--reference", f"model '{card.model.name}' has no null point: use --reference min")
    total = None
    for name, c in plane.chi2.items():
        ds = card.likelihoods[name].dataset if name in card.likelihoods else None
        forecast = bool(getattr(plane.likelihoods.get(name), "forecast", False))
        if not forecast:  # a forecast's Asimov data are not data: not in the allowed region
            total = c.copy() if total is None else total + c
        if name == GMINUS2:
            continue
        if reference == "null" or forecast:
            thr = plane.exclusion_dchi2(name, cl)
            f = np.where(dom, plane.dchi2[name], np.nan)
            rule = f"Δχ² > {thr:.3g} against the null point {_same_what(plane)}"
            label = f"{name} ({ds})" if ds else name  # plugins without data (higgs_potential) have no dataset
            what = "expected excl." if forecast else "excl."
            regions.append(Region(name, "excluded", f"{label}: {what} {cl_text(cl)} CL, Δχ² > {thr:.3g}",
                                  ("expected (Asimov, background only): " if forecast else "") + rule, f, thr, True,
                                  name, ds, thr, forecast))
        else:
            thr = chi2_2(cl)
            f = np.where(dom, c, np.nan)
            finite = f[np.isfinite(f)]
            f = f - (finite.min() if finite.size else 0.0)
            rule = f"χ² − min over the plane > {thr:.3g} (two parameters, {cl_text(cl)} CL)"
            label = f"{name} ({ds})" if ds else name
            regions.append(Region(name, "excluded", f"{label}: disfav. {cl_text(cl)} CL, Δχ² > {thr:.3g}",
                                  rule, f, thr, True, name, ds, thr))
    if GMINUS2 in plane.chi2:
        ds = card.likelihoods[GMINUS2].dataset if GMINUS2 in card.likelihoods else None
        for rname, level, label in G2_BANDS:
            regions.append(Region(rname, "band", f"{label}, {ds}", f"χ²_g−2 < {level:g}",
                                  np.where(dom, plane.chi2[GMINUS2], np.nan), level, False, GMINUS2, ds, level))
    if reference == "min" and total is not None:
        thr = chi2_2(cl)
        f = np.where(dom, total, np.nan)
        finite = f[np.isfinite(f)]
        if finite.size:
            f = f - finite.min()
        regions.append(Region("allowed", "allowed", f"allowed by all ({cl_text(cl)} CL, Δχ²_tot < {thr:.3g})",
                              f"Σχ² − min over the plane < {thr:.3g} (two parameters, {cl_text(cl)} CL)", f, thr,
                              False, None, None, thr))
    if not dom.all() and all(a.kind == "parameter" for a in plane.axes):
        regions.append(Region("outside-model", "outside", "outside the model (no solution)",
                              "no solution of the model", (~dom).astype(float), 0.5, True))
    return regions


# ------------------------------------------------------------------------------------------- geometry
def _grid_coord(axis: Axis, values: np.ndarray) -> np.ndarray:
    return np.log10(values) if axis.scale == "log" else np.asarray(values, dtype=float)


def _shown_coord(axis: Axis, values: np.ndarray) -> np.ndarray:
    """Node values in the coordinates of the drawn axis: log10 of the shown value on a log axis."""
    s = axis.shown(values)
    if axis.scale == "log":
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(s > 0, np.log10(np.where(s > 0, s, 1.0)), np.nan)
    return s


class _Mapper:
    """Grid coordinates (of the gridded parameters) → shown axis values, bilinear in each grid cell."""

    def __init__(self, plane: Plane):
        self.gu = _grid_coord(plane.grid[0], plane.values[0])
        self.gv = _grid_coord(plane.grid[1], plane.values[1])
        self.sx = _shown_coord(plane.axes[0], plane.X)
        self.sy = _shown_coord(plane.axes[1], plane.Y)
        self.axes = plane.axes

    def __call__(self, pts: np.ndarray) -> np.ndarray:
        gu, gv = pts[:, 0], pts[:, 1]
        i = np.clip(np.searchsorted(self.gu, gu) - 1, 0, len(self.gu) - 2)
        j = np.clip(np.searchsorted(self.gv, gv) - 1, 0, len(self.gv) - 2)
        t = self._snap((gu - self.gu[i]) / (self.gu[i + 1] - self.gu[i]))
        s = self._snap((gv - self.gv[j]) / (self.gv[j + 1] - self.gv[j]))
        corners = (((1 - t) * (1 - s), j, i), (t * (1 - s), j, i + 1), ((1 - t) * s, j + 1, i), (t * s, j + 1, i + 1))
        out = []
        for a, field in zip(self.axes, (self.sx, self.sy)):
            # a point on a cell's edge does not see the nodes off that edge (they may have no coordinates)
            c = sum(np.where(w > 0, w * field[jj, ii], 0.0) for w, jj, ii in corners)
            out.append(10.0 ** c if a.scale == "log" else c)
        return np.column_stack(out)

    @staticmethod
    def _snap(t: np.ndarray) -> np.ndarray:
        return np.where(t < 1e-9, 0.0, np.where(t > 1 - 1e-9, 1.0, t))


def _generator(plane: Plane, region: Region):
    import contourpy

    f = np.clip(np.array(region.field, dtype=float), -_BIG, _BIG)  # NaN stays NaN (masked)
    m = _Mapper(plane)
    mask = ~np.isfinite(f) | ~np.isfinite(m.sx) | ~np.isfinite(m.sy)
    # corner masking contours the triangles of partly masked cells: only where every node has coordinates
    corner = bool(np.isfinite(m.sx).all() and np.isfinite(m.sy).all())
    gen = contourpy.contour_generator(m.gu, m.gv, np.ma.array(f, mask=mask), corner_mask=corner,
                                      line_type="Separate", fill_type="OuterCode")
    return gen, m


def region_lines(plane: Plane, region: Region) -> list[np.ndarray]:
    """The boundary of a region as polylines (k, 2) in shown axis units (closed loops repeat the first point)."""
    gen, m = _generator(plane, region)
    out = []
    for seg in gen.lines(region.level):
        pts = m(np.asarray(seg, dtype=float))
        ok = np.isfinite(pts).all(axis=1)
        # a polyline through a point without coordinates is split there
        for piece in np.split(pts, np.flatnonzero(~ok)):
            piece = piece[np.isfinite(piece).all(axis=1)]
            if len(piece) >= 2:
                out.append(piece)
    return out


def region_polygons(plane: Plane, region: Region):
    """The region as filled polygons: (points (k, 2) in shown units, matplotlib path codes) per outer boundary."""
    gen, m = _generator(plane, region)
    lo, hi = (region.level, 2 * _BIG) if region.above else (-2 * _BIG, region.level)
    pts, codes = gen.filled(lo, hi)
    out = []
    for p, c in zip(pts, codes):
        q = m(np.asarray(p, dtype=float))
        if np.isfinite(q).all():
            out.append((q, np.asarray(c)))
    return out


# ------------------------------------------------------------------------------------------- drawing
def _describe_reference(plane: Plane, cl: float, reference: str) -> str:
    if reference == "null":
        return (f"excluded at {cl_text(cl)} CL by each likelihood alone: Δχ² against no new physics "
                f"{_same_what(plane)} > the likelihood's threshold")
    return (f"{cl_text(cl)} CL, two parameters: Δχ² against the minimum over the plane > {chi2_2(cl):.3g} "
            "(each likelihood), below it for all together (allowed)")


def default_title(plane: Plane, cl: float = 0.95, reference: str = "null") -> str:
    card = plane.card
    model = card.model.plugin.describe(card.model.options)
    fixed = ", ".join(f"{k} = {v:g}" + (f" {card.parameter_info(k).unit}" if card.parameter_info(k).unit else "")
                      for k, v in plane.fixed.items())
    return f"{card.name} — {model}" + (f"; {fixed}" if fixed else "") + "\n" + _describe_reference(plane, cl,
                                                                                                     reference)


def plot_plane(plane: Plane, out: str | Path, title: str | None = None, cl: float = 0.95,
               reference: str = "null", regions: list[Region] | None = None) -> Path:
    """The figure: excluded regions as outlines with a distinct hatch each, g−2 bands filled, the allowed region
    (reference min) outlined in black, grey where the model has no solution; the legend names each likelihood
    with its dataset and threshold."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MplPath

    from globalfit.plots import pyplot

    plt = pyplot()
    regions = plane_regions(plane, cl, reference) if regions is None else regions
    with plt.rc_context({"hatch.linewidth": 0.7}):
        fig, ax = plt.subplots(figsize=(7.2, 5.6))
        handles, silent = [], []
        palette, hatches = iter(PALETTE * 3), iter(HATCHES * 3)

        def patches(region, **kw):
            for pts, codes in region_polygons(plane, region):
                ax.add_patch(PathPatch(MplPath(pts, codes), **kw))

        for r in regions:
            if r.kind == "outside":
                patches(r, facecolor="#bbbbbb", edgecolor="none", alpha=0.6, zorder=1)
                handles.append(Patch(facecolor="#bbbbbb", alpha=0.6, label=r.label))
        for r, color, alpha in zip([r for r in regions if r.kind == "band"][::-1], ["#58d68d", "#1e8449"],
                                   [0.55, 0.7]):
            patches(r, facecolor=color, edgecolor="none", alpha=alpha, zorder=2)
        for r, color, alpha in zip([r for r in regions if r.kind == "band"], ["#1e8449", "#58d68d"], [0.7, 0.55]):
            handles.append(Patch(facecolor=color, alpha=alpha, label=r.label))
        for r in regions:
            if r.kind != "excluded":
                continue
            if not r.inside(plane).any():
                silent.append(r.name)
                continue
            col = COLORS.get(r.name) or next(palette)
            if r.expected:  # a forecast: its expected boundary, dashed, no hatch (it excludes nothing yet)
                for line in region_lines(plane, r):
                    ax.plot(line[:, 0], line[:, 1], color=col, lw=2.0, ls="--", zorder=4)
                handles.append(Line2D([], [], color=col, lw=2.0, ls="--", label=r.label))
                continue
            hatch = next(hatches)
            patches(r, facecolor="none", edgecolor=col, hatch=hatch, linewidth=0.0, zorder=3)
            for line in region_lines(plane, r):
                ax.plot(line[:, 0], line[:, 1], color=col, lw=1.8, zorder=4)
            handles.append(Patch(facecolor="none", edgecolor=col, hatch=hatch, linewidth=1.5, label=r.label))
        for r in regions:
            if r.kind == "allowed":
                for line in region_lines(plane, r):
                    ax.plot(line[:, 0], line[:, 1], color="black", lw=2.2, zorder=5)
                handles.append(Line2D([], [], color="black", lw=2.2, label=r.label))
        if silent:
            word = "exclusion" if reference == "null" else "disfavoured region"
            ax.text(0.99, 0.01, f"no {word} in this range: " + ", ".join(silent), transform=ax.transAxes,
                    ha="right", va="bottom", fontsize=8, color="#555555", zorder=6,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})
        xa, ya = plane.axes
        ax.set_xscale("log" if xa.scale == "log" else "linear")
        ax.set_yscale("log" if ya.scale == "log" else "linear")
        ax.set_xlim(*xa.shown(xa.range))
        ax.set_ylim(*ya.shown(ya.range))
        ax.set_xlabel(xa.axis_label)
        ax.set_ylabel(ya.axis_label)
        ax.set_title(title if title is not None else default_title(plane, cl, reference), fontsize=9)
        if handles:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=True,
                      borderaxespad=0.0)
        ax.grid(True, which="major", alpha=0.25)
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(out, dpi=140 if out.suffix.lower() != ".pdf" else None, bbox_inches="tight")
        plt.close(fig)
    return out


# --------------------------------------------------------------------------------------------- files
def _num(v: float) -> float:
    return float(f"{float(v):.8g}")


def plane_metadata(plane: Plane, cl: float, reference: str, regions: list[Region]) -> dict:
    """Everything needed to read the boundaries: card, datasets, model, CL, reference rule, thresholds, fixed
    parameters, axes and grid."""
    card = plane.card
    model = card.model.plugin
    xa, ya = plane.axes
    ref: dict = {"rule": reference}
    if reference == "null":
        ref["description"] = ("Δχ² of each likelihood against the model's null point evaluated at the same "
                              "values of the gridded parameters it keeps")
        ref["null_point"] = model.null_description
        ref["same"] = list(plane.null_keeps or ())
        thresholds = {r.likelihood: r.threshold for r in regions if r.kind == "excluded"}
        ref["thresholds_from"] = "Likelihood.exclusion_dchi2(cl), one parameter; limit curves on their published line"
    else:
        total = sum(plane.chi2.values())
        t = np.where(plane.in_domain, total, np.inf)
        k = np.unravel_index(int(np.argmin(t)), t.shape)
        ref["description"] = ("Δχ² against the minimum over the plane, two parameters: each likelihood against its "
                              "own minimum (disfavoured above the threshold), the sum against its minimum (allowed "
                              "below)")
        ref["chi2_min"] = _num(t[k]) if math.isfinite(t[k]) else None
        ref["at"] = {xa.column: _num(xa.shown(plane.X[k])), ya.column: _num(ya.shown(plane.Y[k]))}
        thresholds = {r.likelihood: r.threshold for r in regions if r.kind == "excluded"}
        thresholds["allowed"] = chi2_2(cl)

    def axis(a: Axis) -> dict:
        return {"name": a.name, "column": a.column, "kind": a.kind, "unit": a.shown_unit, "card_unit": a.unit,
                "label": a.axis_label, "scale": a.scale, "scale_rule": a.scale_rule,
                "range": [_num(v) for v in a.shown(a.range)], "range_given": a.range_given}

    return {
        "format": "globalfit-plane-1",
        "card": card.name,
        "card_file": card.source,
        "model": {"name": card.model.name, "options": card.model.option_dict(),
                  "description": model.describe(card.model.options)},
        "datasets": {k: c.dataset for k, c in card.likelihoods.items()},
        "cl": cl,
        "reference": ref,
        "thresholds": {k: _num(v) for k, v in thresholds.items()},
        "gminus2_bands": {name: level for name, level, _ in G2_BANDS} if GMINUS2 in plane.chi2 else {},
        "fixed": {k: {"value": v, "unit": card.parameter_info(k).unit} for k, v in plane.fixed.items()},
        "axes": {"x": axis(xa), "y": axis(ya)},
        "grid": {"params": [axis(a) for a in plane.grid], "points": [len(plane.values[0]), len(plane.values[1])],
                 "rule": "the likelihoods are evaluated on this grid; derived axes are drawn on the resulting "
                         "curvilinear grid"},
        "columns": ["region", "segment", xa.column, ya.column],
    }


def write_plane_data(plane: Plane, out: str | Path, cl: float = 0.95, reference: str = "null",
                     regions: list[Region] | None = None) -> tuple[Path, Path]:
    """<stem>.csv and <stem>.json beside the figure `out`: every region's boundary polylines and the metadata."""
    regions = plane_regions(plane, cl, reference) if regions is None else regions
    out = Path(out)
    csv_path, json_path = out.with_suffix(".csv"), out.with_suffix(".json")
    meta = plane_metadata(plane, cl, reference, regions)
    lines = {r.name: region_lines(plane, r) for r in regions}
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(meta["columns"])
        for name, segs in lines.items():
            for i, seg in enumerate(segs):
                for px, py in seg:
                    w.writerow([name, i, f"{px:.8g}", f"{py:.8g}"])
    meta["figure"] = out.name
    meta["regions"] = {name: [[[_num(px), _num(py)] for px, py in seg] for seg in segs]
                       for name, segs in lines.items()}
    meta["region_info"] = {r.name: {"kind": r.kind, "label": r.label, "rule": r.rule, "likelihood": r.likelihood,
                                    "dataset": r.dataset, "threshold": None if r.threshold is None
                                    else _num(r.threshold), "fraction_of_plane": round(r.fraction(plane), 6),
                                    "expected": r.expected}
                           for r in regions}
    json_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return csv_path, json_path


def save_plane(plane: Plane, out: str | Path, cl: float = 0.95, reference: str = "null",
               title: str | None = None) -> tuple[Path, Path, Path]:
    """The figure `out` and its <stem>.csv, <stem>.json (the same regions in all three)."""
    regions = plane_regions(plane, cl, reference)
    fig = plot_plane(plane, out, title, cl, reference, regions)
    return (fig, *write_plane_data(plane, out, cl, reference, regions))


def parse_cl(text: str) -> float:
    """``95``, ``95%`` or ``0.95`` → 0.95."""
    try:
        v = float(str(text).strip().rstrip("%"))
    except ValueError:
        raise _problem("--cl", f"expected a confidence level such as 90, 95 or 0.95, got {text!r}") from None
    cl = v / 100 if v >= 1 else v
    if not 0 < cl < 1:
        raise _problem("--cl", f"expected a confidence level between 0 and 100%, got {text!r}")
    return cl
