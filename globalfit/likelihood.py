"""The likelihood plugin protocol and the registry.

A plugin is a class with a `name`, the derived quantities it `requires`, an ``__init__(dataset, **options)``
and a vectorized ``loglike(q) -> (n,)``; optionally its own `parameters` (nuisance parameters), the `models`
it works with, and a `data_root` (a third-party package's catalogued data). Plugins are discovered through
the entry-point group ``globalfit.likelihoods`` (built-ins are registered there too, in pyproject.toml);
`register` adds one in-process (tests, notebooks).

The options a plugin accepts are the keyword arguments of its ``__init__``: their defaults are the
defaults, their annotations the allowed types (``Literal[...]`` for a fixed set of choices), so a card
can be validated against the plugin without any extra schema.

The posterior passes ``loglike`` a `Batch`: the batch's parameters and quantities, shared by all plugins (never
modify them), with a memo through which plugins compute something they all need once per batch (`shared`,
`batch_call`; e.g. the Z′ branching ratios). Called with a plain mapping, a plugin computes everything itself.
"""
from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np

from globalfit import catalog
from globalfit.compiled import Kernel
from globalfit.params import ParameterInfo
from globalfit.plugins import PluginError, Registry  # noqa: F401  (PluginError: part of this module's API)

ENTRY_POINT_GROUP = "globalfit.likelihoods"
T = TypeVar("T")


class Likelihood:
    """Base class of likelihood plugins.

    Subclasses set `name` (the key used in run cards), `requires` (names of parameters or derived
    quantities read from the mapping passed to `loglike`; an instance may narrow or extend it in
    ``__init__`` when an option changes what it reads), and implement `loglike`. Datasets are the
    catalogued files of data/<name>/ (see globalfit.catalog); the default dataset is the default of the
    ``dataset`` argument of ``__init__``.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    #: names read only when the model provides them (e.g. oscillation parameters when they are sampled);
    #: `loglike` must then check ``name in q``.
    optional: ClassVar[tuple[str, ...]] = ()
    #: the plugin's own parameters (nuisance parameters, e.g. a nuclear matrix element), with their meaning
    parameters: ClassVar[Mapping[str, ParameterInfo]] = {}
    #: the physics models it can be used with (None: any model that provides what it `requires`)
    models: ClassVar[tuple[str, ...] | None] = None
    #: where a third-party plugin ships its catalogued data: <data_root>/<name>/catalog.yaml (None: globalfit's)
    data_root: ClassVar[Any] = None
    #: model options this instance works with only for some values, e.g. {"ordering": ("NO",)} for a dataset of one
    #: ordering; an instance sets it in __init__ when a dataset or option restricts it (checked with the card)
    model_options: Mapping[str, tuple] = {}

    def __init__(self, dataset: str | None = None, **options: Any):
        self.dataset = dataset
        self.options = options

    def loglike(self, q: Mapping[str, np.ndarray]) -> np.ndarray:
        """log L for a batch: arrays of shape (n,) in, shape (n,) out; −inf outside the domain. The arrays of q
        are shared with the other plugins: read them, never modify them in place."""
        raise NotImplementedError

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel | None:
        """The compiled twin of `loglike` for the fused posterior (card key `compiled: true`, globalfit.compiled): a
        Kernel naming an @njit function f(*values of its `reads` (default `requires`), data) → log L of one point,
        with its data; `optional`: the names of `self.optional` the card provides (numpy's batch then holds them).
        None (the default) when this instance has none for them."""
        return None

    def exclusion_dchi2(self, cl: float) -> float:
        """Δχ² = −2Δln L at which a point counts as excluded at confidence level `cl` by this likelihood alone
        (one parameter, e.g. the coupling at fixed mass): the χ² quantile χ²₁(cl) (2.71 at 90%, 3.84 at 95%),
        right for a Gaussian measurement. Likelihoods built from a published limit curve override it so that the
        curve is reproduced at its own CL (globalfit.limits)."""
        from scipy.stats import chi2

        return float(chi2.ppf(cl, 1))

    # ---- introspection used by the card validator and `globalfit list`
    @classmethod
    def datasets(cls) -> list[str]:
        """Dataset names of this experiment in the data catalog."""
        return catalog.datasets(cls.name)

    @classmethod
    def default_dataset(cls) -> str | None:
        param = inspect.signature(cls.__init__).parameters.get("dataset")
        if param is None or param.default is inspect.Parameter.empty:
            return None
        return param.default

    @classmethod
    def option_specs(cls) -> dict[str, OptionSpec]:
        """The options of ``__init__`` other than `dataset`: name → spec (default, type, choices)."""
        sig = inspect.signature(cls.__init__)
        try:
            hints = typing.get_type_hints(cls.__init__)
        except Exception:
            hints = {}
        out = {}
        for pname, p in sig.parameters.items():
            if pname in ("self", "dataset") or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
                continue
            ann = hints.get(pname, Any)
            choices = None
            if typing.get_origin(ann) is typing.Literal:
                choices = tuple(typing.get_args(ann))
            default = None if p.default is inspect.Parameter.empty else p.default
            out[pname] = OptionSpec(pname, ann, default, choices, p.default is inspect.Parameter.empty)
        return out

    def describe_choice(self) -> str:
        """How messages name this instance, e.g. "likelihood 'nufit' with dataset nufit-3.0-1d"."""
        return f"likelihood '{self.name}'" + (f" with dataset {self.dataset}" if self.dataset else "")

    def describe(self) -> dict:
        """What this instance uses (stored in run manifests)."""
        return {"dataset": self.dataset, "options": dict(self.options)}


@dataclass(frozen=True)
class OptionSpec:
    name: str
    annotation: Any
    default: Any
    choices: tuple | None
    required: bool

    def type_name(self) -> str:
        if self.choices:
            return " | ".join(map(str, self.choices))
        ann = self.annotation
        return getattr(ann, "__name__", str(ann).replace("typing.", ""))


class Batch(dict):
    """The parameters and quantities of one batch as the posterior passes them to `Likelihood.loglike` (name →
    array (n,)), with a `memo` the plugins of that one evaluation share (see `shared`). The posterior makes a new
    Batch per evaluation, so nothing in the memo outlives its batch."""

    __slots__ = ("memo",)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.memo: dict[Hashable, Any] = {}


def shared(q: Mapping[str, np.ndarray], key: Hashable, compute: Callable[[], T]) -> T:
    """compute(), evaluated once per batch when q is a `Batch` (the plugins of one evaluation that ask with the
    same `key` get the same object), else every time (a plain mapping: direct calls, tests).

    `key` must determine the result given the batch: name the computation and the entries of q it reads (and
    any constant it depends on); compute must read those entries unchanged. The result is shared: never modify
    it in place.
    """
    memo = getattr(q, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def batch_call(q: Mapping[str, np.ndarray], func: Callable[..., T], names: tuple[str, ...]) -> T:
    """func(*(q[k] for k in names)), the entries as float arrays, computed once per batch and shared by the plugins
    that ask (see `shared`), e.g. the Z′ branching ratios several limit plugins read. func must be a pure function
    of those inputs."""
    return shared(q, (func, names), lambda: func(*(np.asarray(q[k], dtype=float) for k in names)))


# ---------------------------------------------------------------------------------------------- registry
def _check_plugin(cls: Any, origin: str) -> None:
    if not (isinstance(cls, type) and issubclass(cls, Likelihood)):
        raise PluginError(f"plugin {origin}: not a subclass of globalfit.likelihood.Likelihood")
    if not cls.name or not isinstance(cls.name, str):
        raise PluginError(f"plugin {origin}: the class attribute 'name' must be a non-empty string")
    for attr in ("requires", "optional"):
        val = getattr(cls, attr)
        if not isinstance(val, tuple) or not all(isinstance(r, str) for r in val):
            raise PluginError(f"plugin {origin}: '{attr}' must be a tuple of quantity names")
    if cls.models is not None and not (isinstance(cls.models, tuple) and all(isinstance(m, str) for m in cls.models)):
        raise PluginError(f"plugin {origin}: 'models' must be None or a tuple of model names")
    if not all(isinstance(k, str) and isinstance(v, ParameterInfo) for k, v in dict(cls.parameters).items()):
        raise PluginError(f"plugin {origin}: 'parameters' must map names to globalfit.params.ParameterInfo")


def _data_root(cls: type[Likelihood]) -> None:
    if cls.data_root is not None:
        catalog.register_root(cls.name, cls.data_root)


REGISTRY = Registry(ENTRY_POINT_GROUP, "likelihood", _check_plugin)
REGISTRY.on_add.append(_data_root)


def register(cls: type[Likelihood]) -> type[Likelihood]:
    """Register a plugin class in this process (usable as a decorator)."""
    return REGISTRY.register(cls)


def unregister(name: str) -> None:
    REGISTRY.unregister(name)
    for key in [k for k in _INSTANCES if k[0] == name]:
        del _INSTANCES[key]


def failed() -> dict[str, str]:
    """Plugins whose entry point could not be loaded: name → reason."""
    return REGISTRY.failed()


def plugins() -> dict[str, type[Likelihood]]:
    """All available plugins by name (entry points, then in-process registrations)."""
    return REGISTRY.all()


def get(name: str) -> type[Likelihood]:
    return REGISTRY.get(name)


_INSTANCES: dict[tuple, Likelihood] = {}


def instance(name: str, dataset: str | None, options: Mapping[str, Any]) -> Likelihood:
    """The plugin `name` built with this dataset and options; built once per process and reused
    (plugins are immutable after construction; their data is read and verified once)."""
    cls = get(name)
    key = (name, cls, dataset, tuple(sorted((k, repr(v)) for k, v in options.items())))
    if key not in _INSTANCES:
        kwargs = dict(options)
        if dataset is not None:
            kwargs["dataset"] = dataset
        with catalog.recording() as files:
            plugin = cls(**kwargs)
        plugin.data_files = files  # every file this instance read: its run manifests list them
        _INSTANCES[key] = plugin
    return _INSTANCES[key]
