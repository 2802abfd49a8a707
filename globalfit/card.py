"""Run cards: schema, loading, command-line overrides and validation.

A card is YAML with the sections `model`, `params`, `likelihoods`, `sampler`, `output`, `seed` (and an
optional `name`, `description`). Validation collects *every* problem, each with its key path, the bad
value and what is allowed, and raises one CardError. See README.md ("Run-card reference"). Parameter
values may carry a unit ("10 MeV", see globalfit.units); they are stored in the parameter's card unit.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import re
import types
import typing
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model, model_validator

from globalfit import likelihood as registry
from globalfit import units, yamlio
from globalfit.errors import CardError, CardWarning, GlobalfitError, Problem
from globalfit.params import KNOWN_PARAMETERS, Fixed, LogUniform, Normal, Prior, Uniform, parameter_info


def _warn(message: str) -> None:
    """Issue a CardWarning (from one place, so Python's default filter shows each message once)."""
    warnings.warn(CardWarning(message), stacklevel=1)


# --------------------------------------------------------------------------------------------- schema
def _no_bool(value):
    """YAML true/false must not pass for the numbers 1 and 0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {str(value).lower()}")
    return value


def _only_bool(value):
    """Only YAML true/false are booleans: no strings (YAML 1.1's yes/on), no numbers."""
    if not isinstance(value, bool):
        raise ValueError(f"got {_fmt(value)}; allowed: true, false (YAML 1.2: yes/no/on/off are strings)")
    return value


Num = Annotated[float, BeforeValidator(_no_bool)]
Int = Annotated[int, BeforeValidator(_no_bool)]
Bool = Annotated[bool, BeforeValidator(_only_bool)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ModelOptions(_Strict):
    """Physics options of the model. Each selects which derived quantities exist and how they are computed."""

    ordering: Literal["NO", "IO"] = Field("NO", description="neutrino mass ordering (normal or inverted)")
    higgs: Literal["none", "singlet", "doublet", "doublet+singlet"] = Field(
        "none", description="Higgs sector giving the Z′ its mass: none (unspecified; no Z–Z′ mass mixing), the "
                            "minimal singlet σ₊₁ (no mass mixing), an extra doublet Φ (charge doublet_charge), or "
                            "the doublet plus the singlet")
    doublet_charge: Literal[1, -1] = Field(1, description="U(1)′ charge of the extra doublet Φ (+1 or −1)")
    kinetic_mixing: Literal["loop", "free"] = Field(
        "loop", description="loop: ε induced by μ and τ loops; free: ε sampled as the parameter eps")
    texture: Literal["auto", "none", "B3", "B4", "C"] = Field(
        "auto", description="zeros of the light-neutrino mass matrix forced by the U(1)′ charges: auto (what the "
                            "Higgs sector implies), none (generic seesaw), B3, B4, C")

    @model_validator(mode="after")
    def _texture_from_field_content(self):
        implied = {"singlet": "C", "doublet": "B3" if self.doublet_charge == 1 else "B4", "doublet+singlet": "none",
                   "none": "none"}[self.higgs]
        if self.doublet_charge != 1 and self.higgs not in ("doublet", "doublet+singlet"):
            raise ValueError(f"doublet_charge only applies to models with the extra doublet (higgs: doublet or "
                             f"doublet+singlet), not higgs: {self.higgs}")
        if self.texture == "auto":
            object.__setattr__(self, "texture", implied)
        elif self.texture not in ("none", implied) and self.higgs != "none":
            charge = f" with doublet_charge {self.doublet_charge:+d}" if "doublet" in self.higgs else ""
            raise ValueError(f"texture {self.texture} contradicts higgs: {self.higgs}{charge}, which implies texture "
                             f"{implied} (SPEC §14); use texture: {implied} (or auto), or none for a generic seesaw")
        return self


class EmceeSettings(_Strict):
    walkers: Int = Field(32, ge=2, description="number of walkers (at least 2 × number of sampled parameters)")
    steps: Int = Field(4000, ge=1, description="steps per walker, burn-in included")
    burn: Int = Field(1000, ge=0, description="initial steps discarded")
    thin: Int = Field(1, ge=1, description="keep every thin-th step")
    moves: Literal["stretch", "de"] = Field("stretch", description="stretch (emcee default) or de (differential evolution)")

    @model_validator(mode="after")
    def _burn_below_steps(self):
        if self.burn >= self.steps:
            raise ValueError(f"burn ({self.burn}) must be smaller than steps ({self.steps})")
        return self


class DynestySettings(_Strict):
    dynamic: Bool = Field(False, description="dynamic nested sampling (posterior-oriented batches) instead of static")
    nlive: Int = Field(500, ge=10, description="live points (initial live points for dynamic runs)")
    dlogz: Num = Field(0.1, gt=0, description="stopping tolerance on the remaining evidence (initial run if dynamic)")
    bound: Literal["none", "single", "multi", "balls", "cubes"] = "multi"
    sample: Literal["auto", "unif", "rwalk", "slice", "rslice"] = "auto"
    maxcall: Int | None = Field(None, ge=1, description="stop after this many likelihood calls")
    nlive_batch: Int = Field(250, ge=10, description="dynamic: live points per batch")
    maxbatch: Int | None = Field(None, ge=0, description="dynamic: maximum number of batches")
    n_effective: Int | None = Field(None, ge=1, description="dynamic: stop at this effective posterior sample size")
    batch: Int = Field(64, ge=1, description="proposals evaluated together in one vectorized call (queue size); "
                                             "1 = dynesty's serial evaluation")


class SamplerSettings(_Strict):
    name: Literal["emcee", "dynesty"] = "dynesty"
    progress: Bool = True
    checkpoint_every: Num = Field(60.0, ge=0, description="seconds between checkpoints (0: only on SIGTERM/SIGINT)")
    emcee: EmceeSettings = EmceeSettings()
    dynesty: DynestySettings = DynestySettings()


class _UniformSpec(_Strict):
    prior: Literal["uniform"]
    min: Num
    max: Num

    @model_validator(mode="after")
    def _check(self):
        if not (math.isfinite(self.min) and math.isfinite(self.max)):
            raise ValueError("min and max must be finite")
        if not self.min < self.max:
            raise ValueError(f"min ({self.min}) must be smaller than max ({self.max})")
        return self


class _LogUniformSpec(_UniformSpec):
    prior: Literal["log-uniform"]  # type: ignore[assignment]

    @model_validator(mode="after")
    def _positive(self):
        if self.min <= 0:
            raise ValueError(f"min must be > 0 for a log-uniform prior (got {self.min})")
        return self


class _NormalSpec(_Strict):
    prior: Literal["normal"]
    mean: Num
    sigma: Num = Field(gt=0)
    min: Num | None = None
    max: Num | None = None

    @model_validator(mode="after")
    def _check(self):
        if self.min is not None and self.max is not None and not self.min < self.max:
            raise ValueError(f"min ({self.min}) must be smaller than max ({self.max})")
        return self


class _FixedSpec(_Strict):
    prior: Literal["fixed"]
    value: Num

    @model_validator(mode="after")
    def _finite(self):
        if not math.isfinite(self.value):
            raise ValueError("value must be finite")
        return self


_PRIOR_SPECS: dict[str, type[_Strict]] = {
    "uniform": _UniformSpec, "log-uniform": _LogUniformSpec, "normal": _NormalSpec, "fixed": _FixedSpec,
}

TOP_LEVEL_KEYS = ("name", "description", "model", "params", "likelihoods", "sampler", "output", "seed")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PARAM_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class PluginConfig:
    dataset: str | None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Card:
    """A validated run card with every default filled in."""

    name: str
    description: str
    model: ModelOptions
    params: dict[str, Prior]
    likelihoods: dict[str, PluginConfig]
    sampler: SamplerSettings
    output: str
    seed: int
    source: str | None = None

    def to_dict(self) -> dict:
        """The resolved card (defaults filled), as written to <run>/card.yaml."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["model"] = self.model.model_dump()
        out["params"] = {k: p.to_card() for k, p in self.params.items()}
        out["likelihoods"] = {k: {"dataset": c.dataset, **c.options} if c.dataset is not None else dict(c.options)
                              for k, c in self.likelihoods.items()}
        out["sampler"] = self.sampler.model_dump()
        out["output"] = self.output
        out["seed"] = self.seed
        return out

    def to_yaml(self) -> str:
        return yamlio.dumps(self.to_dict())

    def sha256(self) -> str:
        """Hash of the physics-relevant content (everything but name, description, output, progress)."""
        d = self.to_dict()
        for k in ("name", "description", "output"):
            d.pop(k, None)
        d["sampler"].pop("progress", None)
        d["sampler"].pop("checkpoint_every", None)
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()


# ------------------------------------------------------------------------------------------- helpers
def did_you_mean(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _fmt(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _model_at(cls: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class found by following `loc` from `cls` (None if it leaves the models)."""
    for part in loc:
        f = cls.model_fields.get(str(part))
        if f is None:
            return None
        ann = f.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            cls = ann
        else:
            return None
    return cls


def _pydantic_problems(exc: ValidationError, base: str, cls: type[BaseModel]) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = ".".join([base, *map(str, loc)]) if loc else base
        typ, given = err["type"], err.get("input")
        if typ == "extra_forbidden":
            parent = _model_at(cls, loc[:-1])
            allowed = list(parent.model_fields) if parent else []
            if parent is not None and issubclass(parent, _PluginOptions):
                allowed.insert(0, "dataset")
            listed = ", ".join(allowed) or "none"
            if allowed == ["dataset"]:
                listed += " (this plugin has no other options)"
            msg = f"unknown key '{loc[-1]}'; allowed: {listed}{did_you_mean(loc[-1], allowed)}"
        elif typ == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            choices = re.findall(r"'([^']*)'", expected)
            msg = f"got {_fmt(given)}; allowed: {', '.join(choices) or expected}{did_you_mean(given, choices)}"
        elif typ == "missing":
            msg = "required key is missing"
        elif typ == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            msg = f"{err['msg'].lower()} (got {_fmt(given)})"
        out.append(Problem(path, msg))
    return out


def _validate(cls: type[BaseModel], data: Any, base: str, problems: list[Problem]) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        problems.append(Problem(base, f"expected a mapping of keys, got {_fmt(data)}"))
        return None
    try:
        return cls.model_validate(dict(data))
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, base, cls))
        return None


# ------------------------------------------------------------------------------------------- sections
_VALUE_KEYS = ("value", "min", "max", "mean", "sigma")  # prior keys holding a value of the parameter


def _in_card_unit(name: str, value: Any, path: str, problems: list[Problem]) -> Any:
    """A value with a unit ("10 MeV") converted to the card unit of `name`; other values unchanged."""
    try:
        return units.to_card_unit(value, parameter_info(name).unit, name)
    except units.UnitError as exc:
        problems.append(Problem(path, str(exc)))
        return None


def _parse_prior(name: str, spec: Any, problems: list[Problem]) -> Prior | None:
    path = f"params.{name}"
    if isinstance(spec, bool) or spec is None:
        problems.append(Problem(path, f"expected a number (fixed value) or a prior mapping, got {_fmt(spec)}"))
        return None
    if isinstance(spec, str) and units.parse(spec) is not None:  # a fixed value with a unit, "10 MeV"
        spec = _in_card_unit(name, spec, path, problems)
        if spec is None:
            return None
    if isinstance(spec, (int, float)):
        spec = {"prior": "fixed", "value": spec}
    if not isinstance(spec, Mapping):
        problems.append(Problem(path, f"expected a number (fixed value) or a mapping with 'prior', got {_fmt(spec)}"))
        return None
    spec = dict(spec)
    n_before = len(problems)
    for key in _VALUE_KEYS:
        if isinstance(spec.get(key), str):
            spec[key] = _in_card_unit(name, spec[key], f"{path}.{key}", problems)
    if len(problems) > n_before:
        return None
    if "prior" not in spec:
        if set(spec) == {"value"}:
            spec["prior"] = "fixed"
        else:
            problems.append(Problem(f"{path}.prior", f"required key is missing; allowed: {', '.join(_PRIOR_SPECS)}"))
            return None
    kind = spec["prior"]
    if kind not in _PRIOR_SPECS:
        problems.append(Problem(f"{path}.prior", f"unknown prior {_fmt(kind)}; allowed: {', '.join(_PRIOR_SPECS)}"
                                                 f"{did_you_mean(kind, list(_PRIOR_SPECS))}"))
        return None
    parsed = _validate(_PRIOR_SPECS[kind], spec, path, problems)
    if parsed is None:
        return None
    if kind == "uniform":
        return Uniform(parsed.min, parsed.max)
    if kind == "log-uniform":
        return LogUniform(parsed.min, parsed.max)
    if kind == "normal":
        return Normal(parsed.mean, parsed.sigma, parsed.min, parsed.max)
    return Fixed(parsed.value)


class _PluginOptions(BaseModel):
    """Base of the option models built from plugin signatures (their settings also allow `dataset`)."""

    model_config = ConfigDict(extra="forbid")


def _strict_bool(ann: Any) -> Any:
    """`bool` (also inside a union such as ``bool | None``) → Bool, which refuses "yes", "on", 1, ..."""
    if ann is bool:
        return Bool
    if typing.get_origin(ann) in (Union, types.UnionType) and bool in typing.get_args(ann):
        return Union[tuple(Bool if a is bool else a for a in typing.get_args(ann))]
    return ann


def _plugin_options_model(cls: type[registry.Likelihood]) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for spec in cls.option_specs().values():
        fields[spec.name] = (_strict_bool(spec.annotation), ... if spec.required else spec.default)
    return create_model(f"{cls.name}_options", __base__=_PluginOptions, **fields)


def _parse_likelihoods(raw: Any, problems: list[Problem]) -> dict[str, PluginConfig]:
    if raw is None or raw == {} or raw == []:
        problems.append(Problem("likelihoods", "at least one likelihood is required; see `globalfit list`"))
        return {}
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        raw = {x: None for x in raw}
    if not isinstance(raw, Mapping):
        problems.append(Problem("likelihoods", f"expected a mapping plugin name → settings, got {_fmt(raw)}"))
        return {}
    try:
        available = registry.plugins()
    except registry.PluginError as exc:
        problems.append(Problem("likelihoods", str(exc)))
        return {}
    out = {}
    for name, settings in raw.items():
        path = f"likelihoods.{name}"
        cls = available.get(str(name))
        if cls is None:
            problems.append(Problem(path, f"unknown likelihood '{name}'; available: {', '.join(available) or 'none'}"
                                          f"{did_you_mean(name, list(available))}"))
            continue
        if settings is None:
            settings = {}
        if not isinstance(settings, Mapping):
            problems.append(Problem(path, f"expected a mapping (dataset and options), got {_fmt(settings)}"))
            continue
        settings = dict(settings)
        known = cls.datasets()
        dataset = settings.pop("dataset", None)
        default = cls.default_dataset()
        if dataset is None:
            dataset = default
        if known:
            if dataset not in known:
                problems.append(Problem(f"{path}.dataset", f"unknown dataset {_fmt(dataset)}; available: "
                                        f"{', '.join(d + (' (default)' if d == default else '') for d in known)}"
                                        f"{did_you_mean(dataset, known)}"))
                continue
        elif dataset is not None and dataset != default:
            problems.append(Problem(f"{path}.dataset", f"plugin '{name}' has no catalogued datasets; remove the key"))
            continue
        opts = _validate(_plugin_options_model(cls), settings, path, problems)
        if opts is None:
            continue
        out[str(name)] = PluginConfig(dataset, opts.model_dump())
    return out


def _parse_sampler(raw: Any, problems: list[Problem]) -> SamplerSettings | None:
    if isinstance(raw, str):
        raw = {"name": raw}
    if isinstance(raw, Mapping) and "name" not in raw:
        subs = [k for k in ("emcee", "dynesty") if k in raw]
        if len(subs) == 1:
            raw = {**raw, "name": subs[0]}
    return _validate(SamplerSettings, raw, "sampler", problems)


# ------------------------------------------------------------------------------------------ overrides
def _set_path(d: dict, path: list[str], value: Any) -> None:
    """Set a dotted path in a raw card; the value None (YAML null) removes the key."""
    for i, key in enumerate(path[:-1]):
        nxt = d.get(key)
        if not isinstance(nxt, dict):
            fixed = isinstance(nxt, (int, float)) or (isinstance(nxt, str) and i == 1 and path[0] == "params")
            nxt = {} if nxt is None else {"prior": "fixed", "value": nxt} if fixed else nxt
            if not isinstance(nxt, dict):
                raise KeyError(key)
            d[key] = nxt
        d = nxt
    if value is None:
        d.pop(path[-1], None)
    else:
        d[path[-1]] = value


def apply_overrides(raw: dict, sets: list[str]) -> tuple[dict, dict[str, Any], list[Problem]]:
    """Apply ``NAME=VALUE`` overrides to a raw card.

    NAME is a parameter of the card (returned separately as a point value; the caller decides whether it
    fixes the parameter or is an evaluation point), a model option (``ordering=IO``), or a dotted path
    into the card (``likelihoods.gminus2.dataset=fnal2021-wp20``). VALUE is parsed as YAML.
    """
    raw = copy.deepcopy(raw)
    point: dict[str, Any] = {}
    problems: list[Problem] = []
    params = raw.get("params") if isinstance(raw.get("params"), dict) else {}
    model_opts = list(ModelOptions.model_fields)
    for item in sets:
        if "=" not in item:
            problems.append(Problem(f"--set {item}", "expected NAME=VALUE"))
            continue
        name, text = item.split("=", 1)
        name = name.strip()
        try:
            value = yamlio.loads(text) if text.strip() else ""
        except yamlio.InputError as exc:  # duplicate keys, alias bomb
            problems.append(Problem(f"--set {name}", str(exc)))
            continue
        except Exception:
            value = text
        if name in params:
            if isinstance(value, str):  # a number with a unit, e.g. "10 MeV"
                value = _in_card_unit(name, value, f"--set {name}", problems)
                if value is None:
                    continue
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(Problem(f"--set {name}", f"a parameter value must be a number, got {_fmt(value)}"))
                continue
            else:
                _warn_if_meant_mev(name, float(value), params[name])
            point[name] = float(value)
        elif name in model_opts:
            raw.setdefault("model", {})
            if not isinstance(raw["model"], dict):
                raw["model"] = {}
            raw["model"][name] = value
        elif "." in name:
            parts = name.split(".")
            if parts[0] not in TOP_LEVEL_KEYS:
                problems.append(Problem(f"--set {name}", f"unknown section '{parts[0]}'; allowed: "
                                        f"{', '.join(TOP_LEVEL_KEYS)}{did_you_mean(parts[0], TOP_LEVEL_KEYS)}"))
                continue
            try:
                _set_path(raw, parts, value)
            except KeyError as exc:
                problems.append(Problem(f"--set {name}", f"cannot set below the non-mapping key {exc}"))
        elif name in TOP_LEVEL_KEYS:
            raw[name] = value
        elif name in KNOWN_PARAMETERS:
            problems.append(Problem(f"--set {name}", f"'{name}' is a known parameter, but this card does not have "
                                                     f"it; add params.{name} to the card to sample or fix it (or "
                                                     f"fix it with --set params.{name}=VALUE)"))
        else:
            choices = [c for c in [*params, *model_opts, *TOP_LEVEL_KEYS, *KNOWN_PARAMETERS] if c != name]
            problems.append(Problem(
                f"--set {name}",
                f"'{name}' is not a parameter of this card, a model option or a dotted card path; parameters: "
                f"{', '.join(params) or 'none'}; model options: {', '.join(model_opts) or 'none'}"
                f"{did_you_mean(name, choices)}",
            ))
    return raw, point, problems


def _warn_if_meant_mev(name: str, value: float, spec: Any) -> None:
    """Warn if a bare number for a mass in GeV lies outside the card's prior box but inside it read as MeV."""
    if parameter_info(name).unit != "GeV":
        return
    prior = _parse_prior(name, spec, [])
    if prior is None:
        return
    lo, hi = prior.bounds
    if not lo <= value <= hi and lo <= value * 1e-3 <= hi:
        _warn(f"{name}={value:g} is outside the prior [{lo:g}, {hi:g}] GeV but {value:g} MeV would be inside; "
              f"masses are in GeV — write '{value:g} MeV' if you meant MeV")


# ------------------------------------------------------------------------------------------- loading
def read_card_file(path: str | Path) -> dict:
    """Read a card file into a raw mapping; errors (missing file, bad YAML) become CardError."""
    p = Path(path)
    if not p.is_file():
        raise CardError([Problem("", f"no such card file: {p}")], source=str(p))
    try:
        text = p.read_text(encoding="utf-8")
        if text.startswith(yamlio.BOM):
            _warn(f"{p}: UTF-8 byte-order mark ignored")
        raw = yamlio.loads(text)
    except yamlio.InputError as exc:
        raise CardError([Problem(key, msg) for key, msg in exc.problems], source=str(p)) from None
    except Exception as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CardError([Problem("", f"not valid YAML{where}: {problem}")], source=str(p)) from None
    if raw is None:
        raise CardError([Problem("", "the card is empty")], source=str(p))
    if not isinstance(raw, dict):
        raise CardError([Problem("", f"expected a mapping at the top level, got {_fmt(raw)}")], source=str(p))
    return raw


def _read(source: str | Path | Mapping) -> tuple[dict, str, str]:
    if isinstance(source, Mapping):
        return copy.deepcopy(dict(source)), "run card", "card"
    return read_card_file(source), str(source), Path(source).stem


def load_card(source: str | Path | Mapping, sets: list[str] | None = None) -> Card:
    """Load and validate a run card (a path or an already-parsed mapping).

    `sets` are command-line overrides (see apply_overrides); a parameter given there is fixed at that
    value (what `globalfit run --set` does).
    """
    raw, src, default_name = _read(source)
    raw, point, problems = apply_overrides(raw, list(sets or []))
    for k, v in point.items():
        raw["params"][k] = {"prior": "fixed", "value": v}
    return _build(raw, src, default_name, problems)


def load_card_and_point(source: str | Path | Mapping, sets: list[str] | None = None) -> tuple[Card, dict[str, float]]:
    """Like load_card, but parameters given in `sets` are returned as a point (what `globalfit eval`
    does) instead of being fixed; the card keeps its priors."""
    raw, src, default_name = _read(source)
    raw, point, problems = apply_overrides(raw, list(sets or []))
    model = _validate(ModelOptions, raw.get("model"), "model", [])  # its problems are reported by _build
    opts = model.model_dump() if model is not None else {}
    for name, value in point.items():  # not fixed into the card, so not checked by _build
        msg = _outside_domain(name, value, value, opts) if math.isfinite(value) else f"must be finite (got {value})"
        if msg:
            problems.append(Problem(f"--set {name}", msg))
    return _build(raw, src, default_name, problems), point


def _build(raw: dict, src: str, default_name: str, problems: list[Problem]) -> Card:
    for key in raw:
        if key in ("variants", "compare"):
            problems.append(Problem(str(key), "this card is a study (it has variants): run it with `globalfit run "
                                              "CARD`, or pick one variant with --variant NAME"))
        elif key not in TOP_LEVEL_KEYS:
            problems.append(Problem(str(key), f"unknown section; allowed: {', '.join(TOP_LEVEL_KEYS)}"
                                              f"{did_you_mean(key, TOP_LEVEL_KEYS)}"))
    name = raw.get("name", default_name)
    if not isinstance(name, str) or not _NAME_RE.match(name):
        problems.append(Problem("name", f"expected a name of letters, digits, '_', '-', '.', got {_fmt(name)}"))
        name = default_name
    description = raw.get("description") or ""
    if not isinstance(description, str):
        problems.append(Problem("description", f"expected text, got {_fmt(description)}"))
        description = ""
    model = _validate(ModelOptions, raw.get("model"), "model", problems)

    params: dict[str, Prior] = {}
    raw_params = raw.get("params")
    if not raw_params:
        problems.append(Problem("params", "at least one parameter is required"))
    elif not isinstance(raw_params, Mapping):
        problems.append(Problem("params", f"expected a mapping parameter name → prior, got {_fmt(raw_params)}"))
    else:
        for pname, spec in raw_params.items():
            if not isinstance(pname, str) or not _PARAM_RE.match(pname):
                problems.append(Problem(f"params.{pname}", "a parameter name must be an identifier (letters, digits, _)"))
                continue
            prior = _parse_prior(pname, spec, problems)
            if prior is not None:
                params[pname] = prior

    likes = _parse_likelihoods(raw.get("likelihoods"), problems)
    sampler = _parse_sampler(raw.get("sampler"), problems)

    output = raw.get("output", f"chains/{name}")
    if not isinstance(output, str) or not output.strip():
        problems.append(Problem("output", f"expected a directory path, got {_fmt(output)}"))
        output = f"chains/{name}"
    seed = raw.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0 or seed >= 2**63:
        problems.append(Problem("seed", f"expected an integer ≥ 0, got {_fmt(seed)}"))
        seed = 1

    if model is not None and likes and isinstance(raw_params, Mapping) and len(params) == len(raw_params):
        problems.extend(_cross_checks(model, params, likes, sampler))
    if problems:
        raise CardError(problems, source=src)
    return Card(name, description, model, params, likes, sampler, output, seed, None if src == "run card" else src)


def _cross_checks(model: ModelOptions, params: dict[str, Prior], likes: dict[str, PluginConfig],
                  sampler: SamplerSettings | None) -> list[Problem]:
    """Checks across sections. May add parameters the card omits that have a documented default value
    (e.g. the charged-Higgs mass); they appear as fixed in the resolved card."""
    from globalfit.model import Model, PlanError
    import globalfit.quantities  # noqa: F401  (registers the built-in quantities)

    problems: list[Problem] = []
    targets, optional = {}, {}
    for n, cfg in likes.items():
        try:
            plugin = registry.instance(n, cfg.dataset, cfg.options)
            targets[f"likelihoods.{n}"] = plugin.requires
            optional[f"likelihoods.{n}"] = plugin.optional
        except GlobalfitError as exc:
            problems.append(Problem(f"likelihoods.{n}", str(exc)))
    if problems:
        return problems
    graph = Model(model.model_dump())
    for _ in range(2):  # second pass after adding defaulted parameters
        try:
            plan = graph.plan(targets, params, optional)
            used, missing = plan.used_parameters, []
            break
        except PlanError as exc:
            defaults = {m: KNOWN_PARAMETERS[m].default for m in exc.missing
                        if m in KNOWN_PARAMETERS and KNOWN_PARAMETERS[m].default is not None}
            if defaults and len(defaults) == len(exc.missing):
                params.update({k: Fixed(v) for k, v in defaults.items()})
                continue
            problems += [Problem(k, m) for k, m in exc.problems]
            used, missing = exc.used_parameters, exc.missing
            break
    reads = sorted(used)
    for pname in params:
        if pname not in used and pname in graph.providers:
            problems.append(Problem(f"params.{pname}", f"'{pname}' is derived in this model "
                                    f"({graph.providers[pname].describe()}); remove it from params"))
        elif pname not in used:
            problems.append(Problem(f"params.{pname}", "not read by any likelihood or derived quantity of this model "
                                    f"(parameters read: {', '.join(reads) or 'none'})"
                                    f"{did_you_mean(pname, reads + missing)}"))
    problems.extend(_parameter_constraints(model, params))
    ndim = sum(not isinstance(p, Fixed) for p in params.values())
    if ndim == 0:
        problems.append(Problem("params", "every parameter is fixed: nothing to sample (use `globalfit eval`)"))
    if sampler is not None and sampler.name == "emcee" and sampler.emcee.walkers < 2 * ndim:
        problems.append(Problem("sampler.emcee.walkers", f"emcee needs at least 2 × {ndim} = {2 * ndim} walkers "
                                                         f"for {ndim} sampled parameters (got {sampler.emcee.walkers})"))
    return problems


def _parameter_constraints(model: ModelOptions, params: dict[str, Prior]) -> list[Problem]:
    """Prior ranges that contradict a parameter's allowed domain (e.g. a sign fixed by the model)."""
    opts = model.model_dump()
    out = [(name, _outside_domain(name, *prior.bounds, opts)) for name, prior in params.items()]
    return [Problem(f"params.{name}", msg) for name, msg in out if msg]


def _outside_domain(name: str, lo: float, hi: float, opts: Mapping[str, object]) -> str | None:
    """Why values in [lo, hi] (one value if lo == hi) leave the allowed domain of `name`; None if inside."""
    info = KNOWN_PARAMETERS.get(name)
    if info is None:
        return None
    what = f"the value {lo:g}" if lo == hi else f"the prior range [{lo:g}, {hi:g}]"
    dom_lo, dom_hi = info.domain(opts)
    if info.positive and lo <= 0:
        return f"must be > 0; {what} includes {lo:g}" if lo != hi else f"must be > 0 (got {lo:g})"
    if lo < dom_lo or hi > dom_hi:
        why = "; ".join(filter(None, [info.domain_note(opts), info.bounds_reason]))
        return f"{what} leaves the allowed range [{dom_lo:g}, {dom_hi:g}]" + (f" ({why})" if why else "")
    return None
