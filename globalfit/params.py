"""Priors and the parameter space: the unit cube ↔ parameter values map and the log-prior, vectorized.

Values are in *card units* (what the user writes in the run card and sees in the chains, e.g. degrees
for phases); `ParameterSpace.internal` converts to the units the physics code uses (radians, GeV). What a
parameter means (unit, allowed range, label) is declared by the physics model or the likelihood that reads it
(`ParameterInfo`, collected per card into a catalogue).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import special


@dataclass(frozen=True)
class ParameterInfo:
    """What globalfit knows about a named parameter: unit in cards, factor to internal units, label,
    allowed range (possibly depending on a model option) and a default value used when a likelihood
    reads the parameter but the card omits it."""

    name: str
    unit: str  # unit in cards and chains ("" if dimensionless)
    label: str  # LaTeX label for plots
    description: str
    to_internal: float = 1.0  # internal value = card value × to_internal
    period: float | None = None  # in card units, for periodic parameters (phases)
    bounds: tuple[float, float] = (-math.inf, math.inf)  # allowed range in card units
    positive: bool = False  # the lower bound 0 itself is excluded (e.g. a mass that appears in a denominator)
    bounds_by_option: Mapping[str, Mapping[str, tuple[float, float]]] = field(default_factory=dict)
    bounds_reason: str = ""  # why the bounds are what they are, for messages (e.g. perturbativity)
    default: float | None = None  # fixed value used when a card omits the parameter

    def domain(self, model_options: Mapping[str, object]) -> tuple[float, float]:
        lo, hi = self.bounds
        for opt, table in self.bounds_by_option.items():
            if model_options.get(opt) in table:
                blo, bhi = table[model_options[opt]]
                lo, hi = max(lo, blo), min(hi, bhi)
        return lo, hi

    def domain_note(self, model_options: Mapping[str, object]) -> str:
        opts = [f"{k}: {model_options.get(k)}" for k in self.bounds_by_option if model_options.get(k) is not None]
        return f"for {', '.join(opts)}" if opts else ""


#: a model's or plugin's parameter catalogue: name → ParameterInfo
Catalogue = Mapping[str, ParameterInfo]


def parameter_info(name: str, catalogue: Catalogue | None = None) -> ParameterInfo:
    """`name`'s entry in `catalogue` (a card's parameters: its model's and its likelihoods'), or a generic
    entry (dimensionless, label = name)."""
    info = (catalogue or {}).get(name)
    return info if info is not None else ParameterInfo(name, "", name.replace("_", r"\_"), "plugin parameter")


# ----------------------------------------------------------------------------------------------- priors
class Prior:
    """A one-dimensional prior. `from_unit` maps u ∈ [0, 1] to a value; `logpdf` is normalised."""

    kind: str = ""

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def median(self) -> float:
        return float(self.from_unit(np.array([0.5]))[0])

    @property
    def bounds(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def to_card(self) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class Uniform(Prior):
    """Flat in [min, max]."""

    min: float
    max: float
    kind = "uniform"

    def from_unit(self, u):  # clipped: rounding must not leave [min, max] at u = 0 or 1
        return np.clip(self.min + np.asarray(u) * (self.max - self.min), self.min, self.max)

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        inside = (x >= self.min) & (x <= self.max)
        return np.where(inside, -math.log(self.max - self.min), -np.inf)

    @property
    def bounds(self):
        return (self.min, self.max)

    def to_card(self):
        return {"prior": "uniform", "min": self.min, "max": self.max}


@dataclass(frozen=True)
class LogUniform(Prior):
    """Flat in ln x for 0 < min ≤ x ≤ max (density 1/(x ln(max/min)))."""

    min: float
    max: float
    kind = "log-uniform"

    def from_unit(self, u):  # clipped: exp(log(max)) can exceed max by one ulp
        lo, hi = math.log(self.min), math.log(self.max)
        return np.clip(np.exp(lo + np.asarray(u) * (hi - lo)), self.min, self.max)

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        inside = (x >= self.min) & (x <= self.max)
        val = -np.log(np.where(inside, x, 1.0)) - math.log(math.log(self.max / self.min))
        return np.where(inside, val, -np.inf)

    @property
    def bounds(self):
        return (self.min, self.max)

    def to_card(self):
        return {"prior": "log-uniform", "min": self.min, "max": self.max}


@dataclass(frozen=True)
class Normal(Prior):
    """Gaussian N(mean, sigma²), optionally truncated to [min, max] (and renormalised)."""

    mean: float
    sigma: float
    min: float | None = None
    max: float | None = None
    kind = "normal"
    _a: float = field(init=False, repr=False, compare=False, default=0.0)
    _b: float = field(init=False, repr=False, compare=False, default=0.0)
    _log_mass: float = field(init=False, repr=False, compare=False, default=0.0)

    def __post_init__(self):
        a = -math.inf if self.min is None else (self.min - self.mean) / self.sigma
        b = math.inf if self.max is None else (self.max - self.mean) / self.sigma
        object.__setattr__(self, "_a", a)
        object.__setattr__(self, "_b", b)
        # log of the probability mass of the standard normal inside [a, b], stable in the tails
        if a > 0:  # both bounds in the upper tail: use the mirrored lower tail
            a, b = -b, -a
        mass = special.log_ndtr(b) + np.log1p(-np.exp(special.log_ndtr(a) - special.log_ndtr(b)))
        object.__setattr__(self, "_log_mass", float(mass))

    def from_unit(self, u):
        from scipy import stats  # imported here: scipy.stats costs ~0.5 s, and only normal priors need it

        z = stats.truncnorm.ppf(np.asarray(u, dtype=float), self._a, self._b)
        return self.mean + self.sigma * z

    def logpdf(self, x):
        z = (np.asarray(x, dtype=float) - self.mean) / self.sigma
        inside = (z >= self._a) & (z <= self._b)
        log_norm = math.log(self.sigma) + 0.5 * math.log(2 * math.pi) + self._log_mass
        return np.where(inside, -0.5 * z * z - log_norm, -np.inf)

    @property
    def bounds(self):
        return (-math.inf if self.min is None else self.min, math.inf if self.max is None else self.max)

    def to_card(self):
        out = {"prior": "normal", "mean": self.mean, "sigma": self.sigma}
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        return out


@dataclass(frozen=True)
class Fixed(Prior):
    """A parameter held at one value (not sampled)."""

    value: float
    kind = "fixed"

    def from_unit(self, u):
        return np.full(np.shape(u), self.value, dtype=float)

    def logpdf(self, x):
        return np.zeros(np.shape(x))

    @property
    def median(self):
        return self.value

    @property
    def bounds(self):
        return (self.value, self.value)

    def to_card(self):
        return {"prior": "fixed", "value": self.value}


# ------------------------------------------------------------------------------------- parameter space
class ParameterSpace:
    """The sampled parameters (in card order) and the fixed ones.

    θ arrays have shape (n, d) with d = len(self.names), in card units.
    """

    def __init__(self, priors: Mapping[str, Prior], catalogue: Catalogue | None = None):
        self.priors = dict(priors)
        self.catalogue = dict(catalogue or {})
        self.names: list[str] = [k for k, p in self.priors.items() if not isinstance(p, Fixed)]
        self.fixed: dict[str, float] = {k: p.value for k, p in self.priors.items() if isinstance(p, Fixed)}
        self.ndim = len(self.names)
        self._factors = {k: parameter_info(k, self.catalogue).to_internal for k in self.priors}
        # Column groups for a vectorized log-prior: support bounds, log-uniform columns, normal columns,
        # and the constant part Σ_j log p_j with the x-dependent factors (1/x, Gaussian exponent) removed.
        sampled = [self.priors[k] for k in self.names]
        self._lo = np.array([p.bounds[0] for p in sampled], dtype=float)
        self._hi = np.array([p.bounds[1] for p in sampled], dtype=float)
        self._log_cols = np.array([j for j, p in enumerate(sampled) if isinstance(p, LogUniform)], dtype=int)
        self._norm_cols = np.array([j for j, p in enumerate(sampled) if isinstance(p, Normal)], dtype=int)
        self._norm_mu = np.array([sampled[j].mean for j in self._norm_cols], dtype=float)
        self._norm_sd = np.array([sampled[j].sigma for j in self._norm_cols], dtype=float)
        self._log_row = int(self._log_cols[0]) if self._log_cols.size == 1 else None  # the usual single one
        self._scaled = [(k, f) for k, f in self._factors.items() if f != 1.0]  # what `internal` converts
        const = 0.0
        for p in sampled:
            m = p.median
            const += float(p.logpdf(np.array([m]))[0])
            if isinstance(p, LogUniform):
                const += math.log(m)
            elif isinstance(p, Normal):
                const += 0.5 * ((m - p.mean) / p.sigma) ** 2
        self._const = const
        # whether every point inside the box has a finite log prior (uniform and log-uniform priors with finite
        # bounds): then `all_inside` alone decides that a batch is inside the support
        self._finite_inside = math.isfinite(const) and all(
            isinstance(p, (Uniform, LogUniform)) and math.isfinite(p.min) and math.isfinite(p.max) for p in sampled)
        # from_unit of the uniform and log-uniform columns in one pass: min + u (max − min), in ln for log-uniform
        # (then exp), clipped to [min, max] — the same arithmetic as their own from_unit, element by element
        self._flat_cols = np.array([j for j, p in enumerate(sampled) if type(p) in (Uniform, LogUniform)], dtype=int)
        flat = [sampled[j] for j in self._flat_cols]
        ln = [(math.log(p.min), math.log(p.max)) if isinstance(p, LogUniform) else (p.min, p.max) for p in flat]
        self._flat_start = np.array([a for a, _ in ln], dtype=float)[:, None]
        self._flat_width = np.array([b - a for a, b in ln], dtype=float)[:, None]
        self._flat_exp = np.flatnonzero([isinstance(p, LogUniform) for p in flat])  # rows to exponentiate
        self._flat_lo = np.array([p.min for p in flat], dtype=float)[:, None]
        self._flat_hi = np.array([p.max for p in flat], dtype=float)[:, None]
        self._other_cols = sorted(set(range(self.ndim)) - set(self._flat_cols.tolist()))  # the other priors (normal)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of the unit cube, shape (n, d), to parameter values (n, d)."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        out = np.empty_like(u)
        if self._flat_cols.size:
            rows = u.T[self._flat_cols] if self._other_cols else u.T.copy()  # (m, n), each row contiguous
            rows *= self._flat_width
            rows += self._flat_start
            if self._flat_exp.size:
                rows[self._flat_exp] = np.exp(rows[self._flat_exp])
            np.clip(rows, self._flat_lo, self._flat_hi, out=rows)
            out[:, self._flat_cols] = rows.T
        for j in self._other_cols:
            out[:, j] = self.priors[self.names[j]].from_unit(u[:, j])
        return out

    @staticmethod
    def columns(theta: np.ndarray) -> np.ndarray:
        """θ (n, d) → its columns as one contiguous (d, n) array (what log_prior_columns and values_columns take)."""
        return np.ascontiguousarray(np.atleast_2d(np.asarray(theta, dtype=float)).T)

    def all_inside(self, cols: np.ndarray) -> bool:
        """Whether the points of the columns (d, n) of θ are all inside the support with a finite log prior,
        decided from the box alone (two reductions per column); False when that cannot tell (then check the log
        prior) or n = 0."""
        return (self._finite_inside and bool(cols.shape[1])
                and bool(np.logical_and.reduce(np.minimum.reduce(cols, axis=1) >= self._lo))
                and bool(np.logical_and.reduce(np.maximum.reduce(cols, axis=1) <= self._hi)))

    def log_prior(self, theta: np.ndarray) -> np.ndarray:
        """Σ_j log p_j(θ_j), shape (n,); −inf outside the support."""
        return self.log_prior_columns(self.columns(theta))

    def log_prior_columns(self, cols: np.ndarray) -> np.ndarray:
        """log_prior from the columns (d, n) of θ (ParameterSpace.columns)."""
        n = cols.shape[1]
        # the usual case, every point inside the box, from two reductions per column (False if any NaN)
        all_inside = (bool(n) and bool((cols.min(axis=1) >= self._lo).all())
                      and bool((cols.max(axis=1) <= self._hi).all()))
        if not all_inside:
            inside = np.logical_and.reduce((cols >= self._lo[:, None]) & (cols <= self._hi[:, None]), axis=0)
        lp = np.full(n, self._const)
        if self._log_row is not None:  # one log-uniform column: its log is the sum (log never returns −0.0)
            x = cols[self._log_row]
            lp -= np.log(x if all_inside else np.where(x > 0, x, 1.0))
        elif self._log_cols.size:
            x = cols[self._log_cols]
            if not all_inside:
                x = np.where(x > 0, x, 1.0)
            lp -= np.sum(np.log(x), axis=0)
        if self._norm_cols.size:
            z = (cols[self._norm_cols] - self._norm_mu[:, None]) / self._norm_sd[:, None]
            lp -= 0.5 * np.sum(z * z, axis=0)
        return lp if all_inside else np.where(inside, lp, -np.inf)

    def median(self) -> np.ndarray:
        """The prior median of every sampled parameter, shape (1, d)."""
        return np.array([[self.priors[k].median for k in self.names]])

    def values(self, theta: np.ndarray) -> dict[str, np.ndarray]:
        """Every parameter (sampled and fixed) as arrays of shape (n,), in card units (contiguous copies)."""
        return self.values_columns(self.columns(theta))

    def values_columns(self, cols: np.ndarray) -> dict[str, np.ndarray]:
        """values from the columns (d, n) of θ (ParameterSpace.columns); the arrays are rows of cols."""
        if len(cols) == self.ndim:
            out = dict(zip(self.names, cols))
        else:  # (an IndexError if there are fewer rows)
            out = {name: cols[j] for j, name in enumerate(self.names)}
        for name, value in self.fixed.items():
            out[name] = np.full(cols.shape[1], value)
        return out

    def internal(self, values: Mapping[str, np.ndarray], into: dict | None = None) -> dict[str, np.ndarray]:
        """Card units → internal units (e.g. degrees → radians), per `ParameterInfo.to_internal` (only the
        parameters with a factor ≠ 1 are converted; the others are the same arrays). `into`: the dict to fill
        (e.g. a globalfit.likelihood.Batch), by default a new one."""
        out = {} if into is None else into
        out.update(values)
        for name, f in self._scaled:
            if name in out:
                out[name] = out[name] * f
        return out

    def support_box(self) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) bounds of every sampled parameter's support, (d,) each (±inf where a normal prior is not
        truncated): a point has a finite log prior exactly when it lies in this box."""
        return self._lo.copy(), self._hi.copy()

    def to_internal(self, name: str) -> float:
        """The factor card units → internal units of a parameter of this space (ParameterInfo.to_internal)."""
        return self._factors[name]

    def periodic_indices(self) -> list[int]:
        """Indices of sampled parameters whose prior covers exactly one period (for nested sampling)."""
        idx = []
        for j, name in enumerate(self.names):
            info, prior = parameter_info(name, self.catalogue), self.priors[name]
            if info.period and isinstance(prior, Uniform) and math.isclose(prior.max - prior.min, info.period):
                idx.append(j)
        return idx
