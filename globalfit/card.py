"""Run cards: schema, loading, command-line overrides and validation.

A card is YAML with the sections `model`, `params`, `likelihoods`, `sampler`, `output`, `seed` (and an
optional `name`, `description`). Validation collects *every* problem, each with its key path, the bad
value and what is allowed, and raises one CardError. See README.md ("Run-card reference"). Parameter
values may carry a unit ("10 MeV", see globalfit.units); they are stored in the parameter's card unit.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import types
import typing
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model, model_validator

from globalfit import likelihood as registry
from globalfit import model as models
from globalfit import units, yamlio
from globalfit.errors import CardError, CardWarning, GlobalfitError, Problem, did_you_mean
from globalfit.model import DEFAULT_MODEL, ModelChoice
from globalfit.params import Catalogue, Fixed, LogUniform, Normal, ParameterInfo, Prior, Uniform, parameter_info


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
        raise ValueError(f"got {format_value(value)}; allowed: true, false (YAML 1.2: yes/no/on/off are strings)")
    return value


Num = Annotated[float, BeforeValidator(_no_bool)]
Int = Annotated[int, BeforeValidator(_no_bool)]
Bool = Annotated[bool, BeforeValidator(_only_bool)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmceeSettings(_Strict):
    walkers: Int = Field(32, ge=2, description="number of walkers (at least 2 × number of sampled parameters)")
    steps: Int = Field(4000, ge=1, description="steps per walker, burn-in included")
    burn: Int = Field(1000, ge=0, description="initial steps discarded")
    thin: Int = Field(1, ge=1, description="keep every thin-th step")
    moves: Literal["stretch", "de"] = Field("stretch",
                                            description="stretch (emcee default) or de (differential evolution)")

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


class UltraNestSettings(_Strict):
    """UltraNest's ReactiveNestedSampler.run (Buchner 2021, JOSS 6, 3001; arXiv:2101.09604)."""

    min_num_live_points: Int = Field(400, ge=10, description="live points")
    dlogz: Num = Field(0.5, gt=0, description="target uncertainty on ln Z")
    frac_remain: Num = Field(0.01, gt=0, lt=1, description="stop when the live points hold less than this "
                                                            "fraction of the evidence")
    min_ess: Int = Field(400, ge=0, description="minimum effective sample size of the posterior")
    max_ncalls: Int | None = Field(None, ge=1, description="stop after this many likelihood calls")
    max_num_improvement_loops: Int = Field(-1, ge=-1, description="run improvement loops (-1: as many as "
                                                                  "needed to reach dlogz and min_ess)")
    ndraw_min: Int = Field(128, ge=1, description="fewest points proposed in one vectorized call")
    ndraw_max: Int = Field(65536, ge=1, description="most points proposed in one vectorized call")

    @model_validator(mode="after")
    def _ndraw_order(self):
        if self.ndraw_min > self.ndraw_max:
            raise ValueError(f"ndraw_min ({self.ndraw_min}) must not exceed ndraw_max ({self.ndraw_max})")
        return self


class NautilusSettings(_Strict):
    """nautilus: importance nested sampling with neural-network bounds (Lange 2023, MNRAS 525, 3181)."""

    n_live: Int = Field(2000, ge=10, description="live points")
    n_networks: Int = Field(4, ge=1, description="neural networks in each bound's emulator")
    n_batch: Int | None = Field(None, ge=1, description="points proposed in one vectorized call "
                                                        "(default: nautilus's, 100)")
    f_live: Num = Field(0.01, gt=0, lt=1, description="end the exploration when the live set holds less "
                                                      "than this fraction of the evidence")
    n_eff: Int = Field(10000, ge=1, description="effective posterior sample size to reach")
    n_like_max: Int | None = Field(None, ge=1, description="stop after this many likelihood calls")
    discard_exploration: Bool = Field(True, description="drop the exploration-phase points (unbiased ln Z "
                                                        "and posterior)")


class LockstepSettings(_Strict):
    """globalfit's lockstep nested sampler (globalfit.samplers.lockstep): k = replace × nlive live points replaced
    per iteration by random-slice chains evaluated together."""

    nlive: Int = Field(500, ge=10, description="live points")
    dlogz: Num = Field(0.1, gt=0, description="stop when the live points could add less than this to ln Z")
    replace: Num = Field(0.5, gt=0, le=0.5, description="fraction of the live points replaced per iteration")
    slices: Int | None = Field(None, ge=1, description="slices per new point (default: max(10, 2 × parameters))")
    proposal: Literal["slice", "region", "auto"] | None = Field(
        None, description="new points from slice chains, from the friends region (rejection), or the region while it "
                          "is cheaper (default: slice; auto under sampler: auto)")
    maxcall: Int | None = Field(None, ge=1, description="stop after this many likelihood calls")


#: sampler blocks added after checkpoints and run hashes existed: left out of the card hash while at defaults
_HASH_OPTIONAL_BLOCKS = ("ultranest", "nautilus", "lockstep")


class SamplerSettings(_Strict):
    name: Literal["emcee", "dynesty", "ultranest", "nautilus", "lockstep", "auto"] = "dynesty"
    target_dlnz: Num | None = Field(None, gt=0, description="ln Z error to aim at: a pilot run chooses the live "
                                                             "points (auto, lockstep, static dynesty)")
    progress: Bool = True
    checkpoint_every: Num = Field(60.0, ge=0, description="seconds between checkpoints (0: only on SIGTERM/SIGINT)")
    emcee: EmceeSettings = EmceeSettings()
    dynesty: DynestySettings = DynestySettings()
    ultranest: UltraNestSettings = UltraNestSettings()
    nautilus: NautilusSettings = NautilusSettings()
    lockstep: LockstepSettings = LockstepSettings()

    @model_validator(mode="after")
    def _target_for_nested(self):
        if self.target_dlnz is not None and (self.name in ("emcee", "ultranest", "nautilus")
                                             or (self.name == "dynesty" and self.dynesty.dynamic)):
            engine = "dynamic dynesty" if self.name == "dynesty" else self.name
            raise ValueError(f"target_dlnz chooses the live points of auto, lockstep and static dynesty runs, not of "
                             f"{engine}; remove it (ultranest and nautilus take their own accuracy settings)")
        return self


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

TOP_LEVEL_KEYS = ("name", "description", "model", "params", "likelihoods", "derived", "sampler", "output", "seed",
                  "compiled")
#: a card or variant name: letters, digits, '_', '-', '.' (not starting with a punctuation character)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
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
    model: ModelChoice
    params: dict[str, Prior]
    likelihoods: dict[str, PluginConfig]
    sampler: SamplerSettings
    output: str
    seed: int
    source: str | None = None
    #: what each parameter means (unit, range, label): the model's parameters and the likelihoods' own
    catalogue: dict[str, ParameterInfo] = field(default_factory=dict, compare=False, repr=False)
    #: derived quantities of the model to compute and store although no likelihood reads them
    derived: tuple[str, ...] = ()
    #: evaluate Σ log L with the fused compiled kernel (globalfit.compiled, docs/compiled.md) instead of numpy
    compiled: bool = False

    def parameter_info(self, name: str) -> ParameterInfo:
        return parameter_info(name, self.catalogue)

    def to_dict(self) -> dict:
        """The resolved card (defaults filled), as written to <run>/card.yaml."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["model"] = self.model.to_dict()
        out["params"] = {k: p.to_card() for k, p in self.params.items()}
        out["likelihoods"] = {k: {"dataset": c.dataset, **c.options} if c.dataset is not None else dict(c.options)
                              for k, c in self.likelihoods.items()}
        if self.derived:  # written only when used, so that the hash of older cards is unchanged
            out["derived"] = list(self.derived)
        if self.compiled:  # likewise
            out["compiled"] = True
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
        if d["sampler"].get("target_dlnz") is None:  # cards from before target_dlnz existed hash the same
            d["sampler"].pop("target_dlnz", None)
        for block in _HASH_OPTIONAL_BLOCKS:  # cards from before these engines existed hash the same
            if d["sampler"].get(block) == SamplerSettings.model_fields[block].default.model_dump():
                d["sampler"].pop(block)
        if d["model"].get("name") == DEFAULT_MODEL:  # cards from before models were named hash the same
            d["model"].pop("name")
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()


# ------------------------------------------------------------------------------------------- helpers


def format_value(value: Any) -> str:
    """repr of a value for messages, shortened to 60 characters."""
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
            if parent is not None and issubclass(parent, _ModelOptionsBase):
                allowed.insert(0, "name")
            listed = ", ".join(allowed) or "none"
            if allowed == ["dataset"]:
                listed += " (this plugin has no other options)"
            msg = f"unknown key '{loc[-1]}'; allowed: {listed}{did_you_mean(loc[-1], allowed)}"
        elif typ == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            choices = re.findall(r"'([^']*)'", expected)
            msg = f"got {format_value(given)}; allowed: {', '.join(choices) or expected}{did_you_mean(given, choices)}"
        elif typ == "missing":
            msg = "required key is missing"
        elif typ == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            msg = f"{err['msg'].lower()} (got {format_value(given)})"
        out.append(Problem(path, msg))
    return out


def _validate(cls: type[BaseModel], data: Any, base: str, problems: list[Problem]) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        problems.append(Problem(base, f"expected a mapping of keys, got {format_value(data)}"))
        return None
    try:
        return cls.model_validate(dict(data))
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, base, cls))
        return None


# ------------------------------------------------------------------------------------------- sections
_VALUE_KEYS = ("value", "min", "max", "mean", "sigma")  # prior keys holding a value of the parameter


def _in_card_unit(name: str, value: Any, path: str, problems: list[Problem], catalogue: Catalogue) -> Any:
    """A value with a unit ("10 MeV") converted to the card unit of `name`; other values unchanged."""
    try:
        return units.to_card_unit(value, parameter_info(name, catalogue).unit, name)
    except units.UnitError as exc:
        problems.append(Problem(path, str(exc)))
        return None


def _parse_prior(name: str, spec: Any, problems: list[Problem], catalogue: Catalogue | None = None) -> Prior | None:
    catalogue = catalogue or {}
    path = f"params.{name}"
    if isinstance(spec, bool) or spec is None:
        problems.append(Problem(path, f"expected a number (fixed value) or a prior mapping, got {format_value(spec)}"))
        return None
    if isinstance(spec, str) and units.parse(spec) is not None:  # a fixed value with a unit, "10 MeV"
        spec = _in_card_unit(name, spec, path, problems, catalogue)
        if spec is None:
            return None
    if isinstance(spec, (int, float)):
        spec = {"prior": "fixed", "value": spec}
    if not isinstance(spec, Mapping):
        problems.append(Problem(path, f"expected a number (fixed value) or a mapping with 'prior', "
                                      f"got {format_value(spec)}"))
        return None
    spec = dict(spec)
    n_before = len(problems)
    for key in _VALUE_KEYS:
        if isinstance(spec.get(key), str):
            spec[key] = _in_card_unit(name, spec[key], f"{path}.{key}", problems, catalogue)
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
        problems.append(Problem(f"{path}.prior", f"unknown prior {format_value(kind)}; allowed: "
                                                 f"{', '.join(_PRIOR_SPECS)}{did_you_mean(kind, list(_PRIOR_SPECS))}"))
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


class _ModelOptionsBase(BaseModel):
    """Base of the option models built from a physics model's Options dataclass (the section also allows `name`)."""

    model_config = ConfigDict(extra="forbid")


def _model_options_model(cls: type[models.PhysicsModel]) -> type[BaseModel]:
    fields = {f.name: (_strict_bool(f.annotation), f.default) for f in cls.option_fields().values()}
    return create_model(f"{cls.name}_model_options", __base__=_ModelOptionsBase, **fields)


def _model_class(raw_model: Any) -> type[models.PhysicsModel] | None:
    """The model class a raw `model` section names (the default model if it names none); None if unknown."""
    name = raw_model.get("name", DEFAULT_MODEL) if isinstance(raw_model, Mapping) else DEFAULT_MODEL
    try:
        return models.REGISTRY.get(str(name))
    except GlobalfitError:
        return None


def _parse_model(raw: Any, problems: list[Problem]) -> ModelChoice | None:
    """The card's `model` section: `name` (default: DEFAULT_MODEL) and the model's options."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("model", f"expected a mapping of keys, got {format_value(raw)}"))
        return None
    try:
        cls = models.REGISTRY.get(str(raw.get("name", DEFAULT_MODEL)))
    except GlobalfitError as exc:
        problems.append(Problem("model.name", str(exc)))
        return None
    parsed = _validate(_model_options_model(cls), {k: v for k, v in raw.items() if k != "name"}, "model", problems)
    if parsed is None:
        return None
    try:
        options = cls.Options(**parsed.model_dump())
    except ValueError as exc:  # options that contradict each other
        problems.append(Problem("model", str(exc)))
        return None
    return ModelChoice(cls.name, options)


def _catalogue(model_cls: type[models.PhysicsModel] | None, plugin_names) -> dict[str, ParameterInfo]:
    """What each parameter means: the model's parameters, then the likelihoods' own (unknown names skipped)."""
    out = dict(model_cls.parameters) if model_cls is not None else {}
    available = registry.plugins()
    for name in plugin_names:
        cls = available.get(str(name))
        if cls is not None:
            for k, info in cls.parameters.items():
                out.setdefault(k, info)
    return out


def _raw_catalogue(raw: Mapping) -> dict[str, ParameterInfo]:
    likes = raw.get("likelihoods")
    names = list(likes) if isinstance(likes, (Mapping, list)) else []
    return _catalogue(_model_class(raw.get("model")), [n for n in names if isinstance(n, str)])


class _PluginOptions(BaseModel):
    """Base of the option models built from plugin signatures (their settings also allow `dataset`)."""

    model_config = ConfigDict(extra="forbid")


def _strict_bool(ann: Any) -> Any:
    """`bool` (also inside a union such as ``bool | None``) → Bool, which refuses "yes", "on", 1, ..."""
    if ann is bool:
        return Bool
    if typing.get_origin(ann) in (Union, types.UnionType) and bool in typing.get_args(ann):
        return Union[tuple(Bool if a is bool else a for a in typing.get_args(ann))]  # noqa: UP007
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
        raw = dict.fromkeys(raw)
    if not isinstance(raw, Mapping):
        problems.append(Problem("likelihoods", f"expected a mapping plugin name → settings, got {format_value(raw)}"))
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
            problems.append(Problem(path, f"expected a mapping (dataset and options), got {format_value(settings)}"))
            continue
        settings = dict(settings)
        known = cls.datasets()
        dataset = settings.pop("dataset", None)
        default = cls.default_dataset()
        if dataset is None:
            dataset = default
        if known:
            if dataset not in known:
                problems.append(Problem(f"{path}.dataset", f"unknown dataset {format_value(dataset)}; available: "
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
        subs = [k for k in ("emcee", "dynesty", "ultranest", "nautilus", "lockstep") if k in raw]
        if len(subs) == 1:
            raw = {**raw, "name": subs[0]}
    return _validate(SamplerSettings, raw, "sampler", problems)


# ------------------------------------------------------------------------------------------ overrides
def set_dotted(d: dict, path: list[str], value: Any) -> None:
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
    for item in sets:
        model_cls = _model_class(raw.get("model"))  # per item: an earlier --set may change model.name
        model_opts = list(model_cls.option_fields()) if model_cls is not None else []
        catalogue = _raw_catalogue(raw)
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
                value = _in_card_unit(name, value, f"--set {name}", problems, catalogue)
                if value is None:
                    continue
            elif isinstance(value, bool) or not isinstance(value, (int, float)):
                problems.append(Problem(f"--set {name}", f"a parameter value must be a number, "
                                                         f"got {format_value(value)}"))
                continue
            else:
                _warn_if_meant_mev(name, float(value), params[name], catalogue)
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
                set_dotted(raw, parts, value)
            except KeyError as exc:
                problems.append(Problem(f"--set {name}", f"cannot set below the non-mapping key {exc}"))
        elif name in TOP_LEVEL_KEYS:
            raw[name] = value
        elif name in catalogue:
            problems.append(Problem(f"--set {name}", f"'{name}' is a known parameter, but this card does not have "
                                                     f"it; add params.{name} to the card to sample or fix it (or "
                                                     f"fix it with --set params.{name}=VALUE)"))
        else:
            choices = [c for c in [*params, *model_opts, *TOP_LEVEL_KEYS, *catalogue] if c != name]
            problems.append(Problem(
                f"--set {name}",
                f"'{name}' is not a parameter of this card, a model option or a dotted card path; parameters: "
                f"{', '.join(params) or 'none'}; model options: {', '.join(model_opts) or 'none'}"
                f"{did_you_mean(name, choices)}",
            ))
    return raw, point, problems


def _warn_if_meant_mev(name: str, value: float, spec: Any, catalogue: Catalogue) -> None:
    """Warn if a bare number for a mass in GeV lies outside the card's prior box but inside it read as MeV."""
    if parameter_info(name, catalogue).unit != "GeV":
        return
    prior = _parse_prior(name, spec, [], catalogue)
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
        raise CardError([Problem("", f"expected a mapping at the top level, got {format_value(raw)}")], source=str(p))
    return raw


def read_source(source: str | Path | Mapping) -> tuple[dict, str, str]:
    """(raw card (a copy), source for messages, default name) from a card file path or a mapping."""
    if isinstance(source, Mapping):
        return copy.deepcopy(dict(source)), "run card", "card"
    return read_card_file(source), str(source), Path(source).stem


def load_card(source: str | Path | Mapping, sets: list[str] | None = None) -> Card:
    """Load and validate a run card (a path or an already-parsed mapping).

    `sets` are command-line overrides (see apply_overrides); a parameter given there is fixed at that
    value (what `globalfit run --set` does).
    """
    raw, src, default_name = read_source(source)
    raw, point, problems = apply_overrides(raw, list(sets or []))
    for k, v in point.items():
        raw["params"][k] = {"prior": "fixed", "value": v}
    return build_card(raw, src, default_name, problems)


def load_card_and_point(source: str | Path | Mapping, sets: list[str] | None = None) -> tuple[Card, dict[str, float]]:
    """Like load_card, but parameters given in `sets` are returned as a point (what `globalfit eval`
    does) instead of being fixed; the card keeps its priors."""
    raw, src, default_name = read_source(source)
    raw, point, problems = apply_overrides(raw, list(sets or []))
    model = _parse_model(raw.get("model"), [])  # its problems are reported by build_card
    opts = model.option_dict() if model is not None else {}
    catalogue = _raw_catalogue(raw)
    for name, value in point.items():  # not fixed into the card, so not checked by build_card
        msg = (_outside_domain(name, value, value, opts, catalogue) if math.isfinite(value)
               else f"must be finite (got {value})")
        if msg:
            problems.append(Problem(f"--set {name}", msg))
    return build_card(raw, src, default_name, problems), point


def build_card(raw: dict, src: str, default_name: str, problems: list[Problem]) -> Card:
    """Validate the raw card `raw` into a Card; CardError with `problems` and every problem found here."""
    for key in raw:
        if key in ("variants", "compare"):
            problems.append(Problem(str(key), "this card is a study (it has variants): run it with `globalfit run "
                                              "CARD`, or pick one variant with --variant NAME"))
        elif key not in TOP_LEVEL_KEYS:
            problems.append(Problem(str(key), f"unknown section; allowed: {', '.join(TOP_LEVEL_KEYS)}"
                                              f"{did_you_mean(key, TOP_LEVEL_KEYS)}"))
    name = raw.get("name", default_name)
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.append(Problem("name", f"expected a name of letters, digits, '_', '-', '.', got {format_value(name)}"))
        name = default_name
    description = raw.get("description") or ""
    if not isinstance(description, str):
        problems.append(Problem("description", f"expected text, got {format_value(description)}"))
        description = ""
    model = _parse_model(raw.get("model"), problems)
    likes = _parse_likelihoods(raw.get("likelihoods"), problems)
    catalogue = _raw_catalogue(raw)

    params: dict[str, Prior] = {}
    raw_params = raw.get("params")
    if not raw_params:
        problems.append(Problem("params", "at least one parameter is required"))
    elif not isinstance(raw_params, Mapping):
        problems.append(Problem("params", f"expected a mapping parameter name → prior, got {format_value(raw_params)}"))
    else:
        for pname, spec in raw_params.items():
            if not isinstance(pname, str) or not _PARAM_RE.match(pname):
                problems.append(Problem(f"params.{pname}",
                                        "a parameter name must be an identifier (letters, digits, _)"))
                continue
            prior = _parse_prior(pname, spec, problems, catalogue)
            if prior is not None:
                params[pname] = prior

    sampler = _parse_sampler(raw.get("sampler"), problems)

    output = raw.get("output", f"chains/{name}")
    if not isinstance(output, str) or not output.strip():
        problems.append(Problem("output", f"expected a directory path, got {format_value(output)}"))
        output = f"chains/{name}"
    seed = raw.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0 or seed >= 2**63:
        problems.append(Problem("seed", f"expected an integer ≥ 0, got {format_value(seed)}"))
        seed = 1

    derived = raw.get("derived") or []
    if not isinstance(derived, list) or not all(isinstance(d, str) for d in derived):
        problems.append(Problem("derived", f"expected a list of derived-quantity names, got {format_value(derived)}"))
        derived = []
    compiled = raw.get("compiled", False)
    if not isinstance(compiled, bool):
        problems.append(Problem("compiled", f"expected true or false, got {format_value(compiled)}"))
        compiled = False

    if model is not None and likes and isinstance(raw_params, Mapping) and len(params) == len(raw_params):
        problems.extend(_cross_checks(model, params, likes, sampler, catalogue, tuple(derived)))
    if problems:
        raise CardError(problems, source=src)
    return Card(name, description, model, params, likes, sampler, output, seed, None if src == "run card" else src,
                catalogue, tuple(dict.fromkeys(derived)), compiled)


def _cross_checks(model: ModelChoice, params: dict[str, Prior], likes: dict[str, PluginConfig],
                  sampler: SamplerSettings | None, catalogue: Catalogue, derived: tuple[str, ...] = ()
                  ) -> list[Problem]:
    """Checks across sections. May add parameters the card omits that have a documented default value
    (e.g. the charged-Higgs mass); they appear as fixed in the resolved card."""
    from globalfit.graph import PlanError

    problems: list[Problem] = []
    targets, optional = {}, {}
    for n, cfg in likes.items():
        supported = registry.get(n).models
        if supported is not None and model.name not in supported:
            problems.append(Problem(f"likelihoods.{n}", f"likelihood '{n}' works with the model(s) "
                                    f"{', '.join(supported)}, not with model '{model.name}' (model.name)"))
            continue
        try:
            plugin = registry.instance(n, cfg.dataset, cfg.options)
            targets[f"likelihoods.{n}"] = plugin.requires
            optional[f"likelihoods.{n}"] = plugin.optional
        except GlobalfitError as exc:
            problems.append(Problem(f"likelihoods.{n}", str(exc)))
            continue
        options = model.option_dict()
        for key, allowed in dict(plugin.model_options).items():
            if key in options and options[key] not in allowed:
                problems.append(Problem(f"likelihoods.{n}", f"{plugin.describe_choice()} works only with model.{key}: "
                                        f"{' or '.join(map(str, allowed))}, not {options[key]} (model.{key})"))
    if problems:
        return problems
    if derived:
        targets["derived"] = derived
    graph = model_graph(model)
    for _ in range(2):  # second pass after adding defaulted parameters
        try:
            plan = graph.plan(targets, params, optional)
            used, missing = plan.used_parameters, []
            break
        except PlanError as exc:
            defaults = {m: catalogue[m].default for m in exc.missing
                        if m in catalogue and catalogue[m].default is not None}
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
            feeds = sorted({o for p in graph.providers.values() if pname in p.needs for o in p.outputs})
            hint = (f"; it enters {', '.join(feeds)}: list them under `derived:` to compute and store them"
                    if feeds else "")
            problems.append(Problem(f"params.{pname}", "not read by any likelihood or derived quantity of this model "
                                    f"(parameters read: {', '.join(reads) or 'none'})"
                                    f"{did_you_mean(pname, reads + missing)}{hint}"))
    problems.extend(_parameter_constraints(model, params, catalogue))
    ndim = sum(not isinstance(p, Fixed) for p in params.values())
    if ndim == 0:
        problems.append(Problem("params", "every parameter is fixed: nothing to sample (use `globalfit eval`)"))
    if sampler is not None and sampler.name == "emcee" and sampler.emcee.walkers < 2 * ndim:
        problems.append(Problem("sampler.emcee.walkers",
                                f"emcee needs at least 2 × {ndim} = {2 * ndim} walkers for {ndim} sampled parameters "
                                f"(got {sampler.emcee.walkers})"))
    return problems


def model_graph(model: ModelChoice):
    """The derived-quantity graph of a card's model (globalfit.graph.QuantityGraph)."""
    from globalfit.graph import QuantityGraph

    plugin = model.plugin
    return QuantityGraph(model.option_dict(), plugin.quantities(model.options), label=f"model '{model.name}'")


def _parameter_constraints(model: ModelChoice, params: dict[str, Prior], catalogue: Catalogue) -> list[Problem]:
    """Prior ranges that contradict a parameter's allowed domain (e.g. a sign fixed by the model)."""
    opts = model.option_dict()
    out = [(name, _outside_domain(name, *prior.bounds, opts, catalogue)) for name, prior in params.items()]
    return [Problem(f"params.{name}", msg) for name, msg in out if msg]


def _outside_domain(name: str, lo: float, hi: float, opts: Mapping[str, object], catalogue: Catalogue) -> str | None:
    """Why values in [lo, hi] (one value if lo == hi) leave the allowed domain of `name`; None if inside."""
    info = catalogue.get(name)
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
