"""The joint posterior of a card: log prior + Σ_plugins log L over a batch of points θ (n, d) → (n,)."""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from globalfit import likelihood as registry
from globalfit.card import Card, model_graph
from globalfit.errors import CardError, LikelihoodNaNError, Problem
from globalfit.likelihood import Batch
from globalfit.params import ParameterSpace

_HEAP_TUNED: bool | None = None  # None: not tried yet


def retain_freed_heap() -> bool:
    """Let glibc keep freed memory for reuse instead of returning it to the kernel after every batch (tried once
    per process, when the first Posterior is built; returns whether the settings are in place — False on
    other C libraries).

    A batch of 10⁵ points allocates hundreds of temporary arrays of about 1 MB. With glibc's defaults (dynamic
    mmap threshold, trim threshold twice that) many are unmapped or trimmed when freed and page-faulted in
    again at the next allocation: ~15000 page faults and about a quarter of the joint evaluation time of a
    nine-likelihood card (benchmarks/bench.py). M_MMAP_THRESHOLD = 32 MiB (smaller arrays come from the heap)
    and M_TRIM_THRESHOLD = 256 MiB (free memory at the top of the heap is kept up to that) remove them; the
    price is that up to 256 MiB of freed memory stays mapped in the process. Results are unaffected. Set the
    environment variable GLOBALFIT_HEAP_TUNING=0 to leave the allocator alone.
    """
    global _HEAP_TUNED
    if _HEAP_TUNED is None:
        _HEAP_TUNED = False
        if os.environ.get("GLOBALFIT_HEAP_TUNING", "1") == "0":
            return False
        try:
            import ctypes
            import platform

            if platform.libc_ver()[0] == "glibc":
                mallopt = ctypes.CDLL(None).mallopt
                m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
                _HEAP_TUNED = bool(mallopt(m_mmap_threshold, 32 << 20)) and bool(mallopt(m_trim_threshold, 256 << 20))
        except (OSError, AttributeError):
            pass
    return _HEAP_TUNED


@dataclass
class Evaluation:
    """Everything computed for a batch of n points."""

    params: dict[str, np.ndarray]  # every parameter, card units, (n,)
    quantities: dict[str, np.ndarray]  # derived quantities, (n,)
    loglike: dict[str, np.ndarray]  # per plugin, (n,)
    logprior: np.ndarray
    in_domain: np.ndarray  # bool: inside the model's domain (e.g. a Higgs-sector solution exists)

    @property
    def loglike_total(self) -> np.ndarray:
        total = np.zeros_like(self.logprior)
        for v in self.loglike.values():
            total += v
        return total if self.in_domain.all() else np.where(self.in_domain, total, -np.inf)

    @property
    def logpost(self) -> np.ndarray:
        lp = self.logprior + self.loglike_total
        return np.where(np.isfinite(self.logprior), lp, -np.inf)


class Posterior:
    """Built once per card: parameter space, the model's derived-quantity plan and likelihood plugins.

    `log_prob(θ)` (for MCMC) and `log_likelihood(θ)` with `prior_transform(u)` (for nested sampling) are
    vectorized over the rows of θ; `evaluate(θ)` returns every intermediate for storage and reports.

    Hot path: samplers call log_likelihood/log_prob with batches of tens of points, where fixed per-call cost
    dominates. So the plan's providers are bound to the model options once (QuantityGraph.compile), parameter
    unit conversions are precomputed (ParameterSpace), log_likelihood/log_prob form only the per-plugin log L and
    their sum (no Evaluation, no card-unit quantities), and the plugins of one batch share work through the
    batch's memo (globalfit.likelihood.Batch, shared).
    """

    def __init__(self, card: Card):
        retain_freed_heap()
        self.card = card
        self.space = ParameterSpace(card.params, card.catalogue)
        self.model = model_graph(card.model)  # the derived-quantity graph of the card's physics model
        self.plugins: dict[str, registry.Likelihood] = {}
        for name, cfg in card.likelihoods.items():
            self.plugins[name] = registry.instance(name, cfg.dataset, cfg.options)
        targets = {name: plugin.requires for name, plugin in self.plugins.items()}
        if card.derived:  # quantities the card asks to store although no likelihood reads them
            targets["derived"] = card.derived
        optional = {name: plugin.optional for name, plugin in self.plugins.items()}
        self.plan = self.model.plan(targets, card.params, optional)
        self._steps = self.model.compile(self.plan)  # the plan with the model options bound, run per batch
        self.derived = [o for step in self.plan.steps for o in step.outputs]
        self._card_factor = {k: card.catalogue[k].to_internal for k in self.derived
                             if k in card.catalogue and card.catalogue[k].to_internal != 1.0}
        #: Σ log L in one compiled call per batch (card key `compiled: true`; globalfit.compiled), or None: numpy
        self.fused = self._build_fused() if card.compiled else None
        self.ncall = 0  # points evaluated through log_prob / log_likelihood
        self.n_outside = 0  # of those, points inside the prior but outside the model's domain

    def _build_fused(self):
        """The fused kernel of the quantities the plugins read (quantities only stored, `derived:`, stay numpy's);
        CardError when a piece has no kernel."""
        from globalfit import compiled

        targets = {name: plugin.requires for name, plugin in self.plugins.items()}
        optional = {name: plugin.optional for name, plugin in self.plugins.items()}
        plan = self.model.plan(targets, self.card.params, optional)
        if any(step.domain and step not in plan.steps for step in self.plan.steps):
            raise CardError([Problem("compiled", "a derived quantity listed under `derived:` decides the model's "
                                                 "domain; compiled evaluation does not cover it (remove `compiled: "
                                                 "true`)")])
        return compiled.build(self.space, self.model.compile(plan), self.plugins)

    @property
    def names(self) -> list[str]:
        return self.space.names

    @property
    def ndim(self) -> int:
        return self.space.ndim

    def prior_transform(self, u: np.ndarray) -> np.ndarray:
        return self.space.from_unit(u)

    # ---------------------------------------------------------------------------------------- evaluation
    def evaluate(self, theta: np.ndarray, logprior: np.ndarray | None = None, *,
                 columns: np.ndarray | None = None) -> Evaluation:
        """All parameters, derived quantities and per-plugin log L at every row of θ (card units).

        `columns`: θ's columns as returned by ParameterSpace.columns(θ), if already at hand.
        """
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        if theta.shape[1] != self.ndim:
            raise ValueError(f"θ has {theta.shape[1]} columns; the card samples {self.ndim}: {self.names}")
        cols = self.space.columns(theta) if columns is None else columns
        params = self.space.values_columns(cols)
        if logprior is None:
            logprior = self.space.log_prior_columns(cols)
        q, valid, loglike = self._loglikes(params)
        # a derived quantity that is a parameter in other models (e.g. alpha21, dm3lsq, m_lightest with a
        # texture) is reported in card units, like the parameter, so chains of different models compare
        quantities = {k: q[k] / self._card_factor[k] if k in self._card_factor else q[k] for k in self.derived}
        return Evaluation(params, quantities, loglike, logprior, valid)

    def _loglikes(self, params: dict[str, np.ndarray]) -> tuple[Batch, np.ndarray, dict[str, np.ndarray]]:
        """(the batch's parameters and quantities in internal units, in-domain mask, log L per plugin) for the
        parameters `params` (card units, arrays (n,))."""
        q = self.space.internal(params, into=Batch())
        with np.errstate(all="ignore"):  # outside-domain points may produce inf/nan; they are masked below
            valid = self.model.run(self._steps, q)
            all_valid = bool(valid.all())
            loglike = {name: self._call(name, plugin, q, valid, all_valid, params)
                       for name, plugin in self.plugins.items()}
        return q, valid, loglike

    def _call(self, name, plugin, q, valid, all_valid, params) -> np.ndarray:
        n = len(valid)
        out = np.asarray(plugin.loglike(q), dtype=float)
        if out.shape != (n,):
            out = np.broadcast_to(out, (n,)).copy() if out.size in (1, n) else out
            if out.shape != (n,):
                raise LikelihoodNaNError(f"likelihood '{name}' returned shape {out.shape} for a batch of {n} points")
        top = np.maximum.reduce(out) if n else 0.0  # NaN if any is NaN: one pass instead of two for the usual case
        if (top != top or top == np.inf) and (bad := valid & (np.isnan(out) | (out == np.inf))).any():
            i = int(np.flatnonzero(bad)[0])
            point = {k: float(v[i]) for k, v in params.items()}
            raise LikelihoodNaNError(f"likelihood '{name}' returned {out[i]} at {point}; a plugin must return a "
                                     "finite log L or −inf (this is a bug in the plugin)")
        return out if all_valid else np.where(valid, out, -np.inf)

    def _support(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(θ as a 2-d float array, its columns (d, n), log prior)."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        cols = self.space.columns(theta)
        return theta, cols, self.space.log_prior_columns(cols)

    def _loglike_total(self, cols: np.ndarray) -> np.ndarray:
        """Σ log L (−inf outside the model's domain) at the points of the columns (d, n) of θ, all inside the
        prior; counts them in ncall and n_outside. What Evaluation.loglike_total gives, without the Evaluation."""
        self.ncall += cols.shape[1]
        if cols.shape[0] != self.ndim:
            raise ValueError(f"θ has {cols.shape[0]} columns; the card samples {self.ndim}: {self.names}")
        if self.fused is not None:
            total = np.empty(cols.shape[1])
            n_outside = self.fused(np.ascontiguousarray(cols.T), total)
            if n_outside >= 0:
                self.n_outside += n_outside
                return total
            # a NaN or +inf: the numpy evaluation below raises naming the point and the plugin (or, rounding apart,
            # finds none and its values are used)
        _, valid, loglike = self._loglikes(self.space.values_columns(cols))
        all_valid = bool(valid.all())
        if not all_valid:
            self.n_outside += int((~valid).sum())
        total = np.zeros(len(valid))
        for v in loglike.values():
            total += v
        return total if all_valid else np.where(valid, total, -np.inf)

    def log_prob(self, theta: np.ndarray) -> np.ndarray:
        """log prior + Σ log L, shape (n,); −inf outside the prior support or the model's domain."""
        theta, cols, lp = self._support(theta)
        ok = np.isfinite(lp)
        if ok.all() and len(ok):  # the usual case: no copies of the inside points
            return lp + self._loglike_total(cols)
        out = np.full(theta.shape[0], -np.inf)
        if ok.any():
            out[ok] = lp[ok] + self._loglike_total(self.space.columns(theta[ok]))
        return out

    def log_likelihood(self, theta: np.ndarray) -> np.ndarray:
        """Σ log L, shape (n,), for points inside the prior support (nested sampling); −inf elsewhere."""
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        if self.fused is not None and theta.shape[1] == self.ndim:  # θ as it is: the loop checks the prior's box
            total = np.empty(len(theta))
            n_outside = self.fused(np.ascontiguousarray(theta), total)
            if n_outside >= 0:
                self.ncall += len(theta)
                self.n_outside += n_outside
                return total
        cols = self.space.columns(theta)
        if self.space.all_inside(cols):  # the usual case: no log prior needed
            return self._loglike_total(cols)
        lp = self.space.log_prior_columns(cols)
        ok = np.isfinite(lp)
        if ok.all() and len(ok):
            return self._loglike_total(cols)
        out = np.full(theta.shape[0], -np.inf)
        if ok.any():
            out[ok] = self._loglike_total(self.space.columns(theta[ok]))
        return out

    def data_sources(self) -> dict[str, dict]:
        return {name: plugin.describe() for name, plugin in self.plugins.items()}
