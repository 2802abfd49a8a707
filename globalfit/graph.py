"""Named derived quantities, resolved once per card into an evaluation order (a small DAG).

A *quantity provider* computes one or more named outputs from named inputs (parameters or other
quantities). A physics model (globalfit.model.PhysicsModel) owns its providers, collected in a `QuantitySet`
with its `quantity` decorator and returned explicitly by the model; nothing is registered globally.
Providers may apply only under some model options (e.g. `tan_beta` is derived only when `higgs: doublet`).
`QuantityGraph.plan(targets)` works out, once, which providers are needed for the quantities the likelihoods
read; `QuantityGraph.evaluate` runs them on a batch (the posterior binds the model options once,
`QuantityGraph.compile`, and calls `QuantityGraph.run` per batch).

Domain: a provider declared with ``domain=True`` returns its outputs followed by a boolean mask of the
points where the model has a solution; elsewhere the point is outside the model and its posterior is −inf.
A NaN produced by any provider at a point inside the domain is a bug and raises.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from globalfit.errors import LikelihoodNaNError


@dataclass(frozen=True)
class QuantityInfo:
    """Description of one named derived quantity (for tables, plots and `globalfit list`)."""

    name: str
    unit: str
    label: str
    description: str


@dataclass(frozen=True)
class Provider:
    """Computes `outputs` from `needs`; active when every model option in `when` has an allowed value."""

    outputs: tuple[str, ...]
    needs: tuple[str, ...]
    func: Callable[..., object]
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    domain: bool = False
    options: tuple[str, ...] = ()  # model options passed to func as keyword arguments
    #: "module:function" of its compiled twin, formatted with the bound options (globalfit.compiled)
    kernel: str | None = None
    #: the twin's data (tables, constants): a function of the bound options returning a tuple, passed last
    kernel_data: Callable[..., tuple] | None = None

    def active(self, model_options: Mapping[str, object]) -> bool:
        return all(model_options.get(k) in allowed for k, allowed in self.when.items())

    def describe(self) -> str:
        cond = ", ".join(f"{k} ∈ {{{', '.join(map(str, v))}}}" for k, v in self.when.items())
        return f"{', '.join(self.outputs)} ← f({', '.join(self.needs)})" + (f"  [when {cond}]" if cond else "")


class QuantitySet:
    """The derived quantities of a model: `providers` in declaration order and `info` per output name.

    Use the instance's `quantity` decorator in the model's module; the model returns `providers`."""

    def __init__(self) -> None:
        self.providers: list[Provider] = []
        self.info: dict[str, QuantityInfo] = {}

    def quantity(
        self,
        outputs: str | tuple[str, ...],
        needs: Iterable[str],
        *,
        when: Mapping[str, Iterable[str]] | None = None,
        domain: bool = False,
        options: Iterable[str] = (),
        kernel: str | None = None,
        kernel_data: Callable[..., tuple] | None = None,
        units: Mapping[str, str] | str = "",
        labels: Mapping[str, str] | str | None = None,
        description: str = "",
    ):
        """Decorator adding a provider. `func(**inputs, **options)` returns an array, or a tuple of arrays
        when there are several outputs (followed by the validity mask when ``domain=True``). `kernel`: the
        "module:function" of its compiled twin for one point, a format string of the options (globalfit.compiled);
        `kernel_data(**options)`: the tuple of tables and constants passed to it after its inputs (none if None)."""
        outs = (outputs,) if isinstance(outputs, str) else tuple(outputs)

        def add(func):
            self.providers.append(Provider(outs, tuple(needs), func, {k: tuple(v) for k, v in (when or {}).items()},
                                           domain, tuple(options), kernel, kernel_data))
            for o in outs:
                unit = units.get(o, "") if isinstance(units, Mapping) else units
                if isinstance(labels, Mapping):
                    label = labels.get(o, o)
                else:
                    label = labels if (labels and len(outs) == 1) else o
                self.info.setdefault(o, QuantityInfo(o, unit, label, description or (func.__doc__ or "").strip()))
            return func

        return add

    def __add__(self, other: QuantitySet) -> QuantitySet:
        out = QuantitySet()
        out.providers = [*self.providers, *other.providers]
        out.info = {**other.info, **self.info}
        return out


class PlanError(Exception):
    """A required quantity cannot be computed (carries (key path, message) pairs)."""

    def __init__(self, problems: list[tuple[str, str]], used_parameters: set[str] | None = None,
                 missing: list[str] | None = None):
        self.problems = problems
        self.used_parameters = used_parameters or set()
        self.missing = missing or []
        super().__init__("; ".join(f"{k}: {m}" for k, m in problems))


@dataclass
class Plan:
    """The ordered providers to run, and where each required name comes from."""

    steps: list[Provider]
    sources: dict[str, str]  # name → "parameter" or the provider description
    used_parameters: set[str]


class QuantityGraph:
    """The derived-quantity graph for one set of model options and the model's providers."""

    def __init__(self, options: Mapping[str, object], providers: Iterable[Provider], label: str = "this model"):
        self.options = dict(options)
        self.label = label  # how messages name the model, e.g. "model 'lmu-ltau'"
        providers = list(providers)
        self.providers: dict[str, Provider] = {}
        self.inactive: dict[str, list[Provider]] = {}
        for p in providers:
            for o in p.outputs:
                if p.active(self.options):
                    self.providers.setdefault(o, p)
                else:
                    self.inactive.setdefault(o, []).append(p)

    def can_provide(self, name: str, parameters: Iterable[str]) -> bool:
        """Whether `name` is a parameter or can be derived (recursively) from the parameters."""
        params = set(parameters)
        known: dict[str, bool] = {}  # memo; a name being resolved counts as unavailable (breaks cycles)

        def ok(n: str) -> bool:
            if n in params:
                return True
            if n in known:
                return known[n]
            if n not in self.providers:
                return False
            known[n] = False
            known[n] = all(ok(m) for m in self.providers[n].needs)
            return known[n]

        return ok(name)

    def plan(self, targets: Mapping[str, Iterable[str]], parameters: Iterable[str],
             optional: Mapping[str, Iterable[str]] | None = None) -> Plan:
        """Resolve `targets` (consumer key path → names it reads) given the card's parameter names;
        `optional` names are included only when they can be provided.

        Raises PlanError listing every name that cannot be provided and every parameter that shadows a
        quantity this model derives.
        """
        params = set(parameters)
        problems: list[tuple[str, str]] = []
        order: list[Provider] = []
        sources: dict[str, str] = {}
        used: set[str] = set()
        missing: list[str] = []
        state: dict[str, str] = {}  # name → "visiting" | "done"

        def visit(name: str, consumer: str) -> None:
            if state.get(name) == "done":
                return
            if state.get(name) == "visiting":
                problems.append((consumer, f"circular dependency through '{name}'"))
                return
            if name in params:
                if name in self.providers:
                    problems.append((
                        f"params.{name}",
                        f"'{name}' is derived in this model ({self.providers[name].describe()}); "
                        "remove it from params or change the model options",
                    ))
                sources[name] = "parameter"
                used.add(name)
                state[name] = "done"
                return
            prov = self.providers.get(name)
            if prov is None:
                hint = ""
                if name in self.inactive:
                    conds = "; ".join(
                        ", ".join(f"model.{k}: {'|'.join(v)}" for k, v in p.when.items()) for p in self.inactive[name]
                    )
                    hint = f" (it is derived only with {conds})"
                problems.append((
                    consumer,
                    f"needs '{name}', which is neither a parameter in params nor a quantity of {self.label}{hint}; "
                    f"add params.{name} or change the model options",
                ))
                missing.append(name)
                state[name] = "done"
                return
            state[name] = "visiting"
            for need in prov.needs:
                visit(need, consumer)
            for o in prov.outputs:
                state[o] = "done"
                sources[o] = prov.describe()
            if prov not in order:
                order.append(prov)

        for consumer, names in targets.items():
            for name in names:
                visit(name, consumer)
        for consumer, names in (optional or {}).items():
            for name in names:
                if self.can_provide(name, params):
                    visit(name, consumer)
        if problems:
            raise PlanError(problems, used, missing)
        return Plan(order, sources, used)

    def compile(self, plan: Plan) -> tuple[Step, ...]:
        """The plan's providers with their option arguments bound: what `run` executes (built once per card)."""
        steps = []
        for p in plan.steps:
            options = {k: self.options[k] for k in p.options}
            kernel = p.kernel.format(**options) if p.kernel else None
            data = functools.partial(p.kernel_data, **options) if p.kernel and p.kernel_data else None
            steps.append(Step(p.func, p.needs, options, p.domain, p.outputs, kernel, data))
        return tuple(steps)

    def evaluate(self, plan: Plan, values: Mapping[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Run the plan on a batch. `values`: parameters in internal units, arrays of shape (n,).

        Returns (all parameters and quantities, validity mask of shape (n,)).
        """
        q: dict[str, np.ndarray] = dict(values)
        return q, self.run(self.compile(plan), q)

    @staticmethod
    def run(steps: tuple[Step, ...], q: dict[str, np.ndarray]) -> np.ndarray:
        """Run compiled steps (`compile`) on a batch: `q` holds the parameters in internal units, arrays (n,), and
        receives every output in place. Returns the validity mask (n,).

        The hot path of the posterior: outputs that are float arrays of shape (n,) are stored as returned (no
        view), Python floats filled in, others broadcast to (n,) (read-only views); one reduction per step finds
        whether an output may hold a NaN, and a NaN inside the domain raises LikelihoodNaNError naming the
        parameters of the point.
        """
        values = dict(q)  # the parameters, for messages
        n = len(next(iter(q.values()))) if q else 0
        shape = (n,)
        valid = np.empty(n, dtype=bool)
        valid.fill(True)
        for step in steps:
            kwargs = {k: q[k] for k in step.needs}
            kwargs.update(step.options)
            result = step.func(**kwargs)
            if step.domain:
                *outs, ok = result if isinstance(result, tuple) else (result,)
                valid &= np.asarray(ok, dtype=bool)
            else:
                outs = result if isinstance(result, tuple) else (result,)
            arrs = [a if type(a) is np.ndarray and a.dtype is _FLOAT and a.shape == shape else _column(a, n)
                    for a in outs[:len(step.outputs)]]
            if n and arrs and _may_hold_nan(arrs):
                for name, arr in zip(step.outputs, arrs):
                    if np.isnan(arr).any() and (bad := np.isnan(arr) & valid).any():
                        i = int(np.flatnonzero(bad)[0])
                        point = {k: float(v[i]) for k, v in values.items()}
                        raise LikelihoodNaNError(f"derived quantity '{name}' is NaN at {point} (a bug; please report)")
            q.update(zip(step.outputs, arrs))
        return valid


_FLOAT = np.dtype(float)


def _column(arr: object, n: int) -> np.ndarray:
    """A provider's output that is not a float array (n,) as one: a Python float filled in, anything else broadcast
    (a read-only view)."""
    if type(arr) is float:
        return np.full(n, arr)
    return np.broadcast_to(np.asarray(arr, dtype=float), (n,))


def _may_hold_nan(arrs: list[np.ndarray]) -> bool:
    """Whether any of the non-empty arrays holds a NaN: then the minimum over all is NaN (one reduction instead of
    isnan + any per array)."""
    m = np.minimum.reduce(arrs[0] if len(arrs) == 1 else arrs, axis=None)
    return m != m


@dataclass(frozen=True)
class Step:
    """A provider of a plan with its model-option arguments bound (QuantityGraph.compile)."""

    func: Callable[..., object]
    needs: tuple[str, ...]
    options: Mapping[str, object]
    domain: bool
    outputs: tuple[str, ...]
    kernel: str | None = None  # "module:function" of the compiled twin (globalfit.compiled), options filled in
    kernel_data: Callable[[], tuple] | None = None  # its data: Provider.kernel_data with the options bound
