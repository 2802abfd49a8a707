"""Vectorized evaluation for dynesty: a stand-in "pool" whose `map` evaluates a whole queue of proposals
in one call of the vectorized posterior.

dynesty hands its parallel work to ``pool.map(func, items)``: the log-likelihood and the prior transform of the
initial live points, and `queue_size` independent live-point proposals per refill. For uniform sampling inside the
bounding ellipsoids (``sample: unif``) each proposal draws points until one lies above the likelihood threshold; here
all proposals of the queue are advanced together, each drawing from its own random stream (dynesty's per-proposal
seeds), with the likelihoods of all their candidates computed in one vectorized call. A proposal's result is the first
of its candidates above the threshold — the same rule as dynesty's serial sampler — so the draws are valid and
reproducible. Other samplers (rwalk, slice) and the bound updates fall back to the serial `map`. Random-direction
slice sampling (``sample: rslice``; Neal 2003, Handley et al. 2015) is advanced in lockstep: every chain of the queue
asks for the one point it needs next (stepping out, or shrinking), and all those points are evaluated together — the
same algorithm as dynesty's serial RSliceSampler (stepping out without doubling), each chain with its own random
stream. The classes of dynesty used here are internal and reached through globalfit.samplers.engines;
tests/test_samplers.py checks the evidences against analytic values.
"""
from __future__ import annotations

import numpy as np

from globalfit.samplers import engines


class VectorizedPool:
    """`map` for dynesty that batches likelihood evaluations through ``posterior.log_likelihood``."""

    def __init__(self, posterior, size: int, periodic: list[int] | None = None):
        self.posterior = posterior
        self.size = int(size)  # read by dynesty as the default queue size
        self.periodic = list(periodic or [])
        self.batches = 0  # vectorized calls made
        self.points = 0  # points evaluated in them

    # dynesty only needs map (and size); close/join make it usable where a pool is expected
    def close(self) -> None:
        pass

    def join(self) -> None:
        pass

    def transform(self, u: np.ndarray) -> np.ndarray:
        """Prior transform with periodic coordinates wrapped into [0, 1) (dynesty lets them leave it)."""
        u = np.array(u, dtype=float, ndmin=2)
        if self.periodic:
            u[:, self.periodic] = np.mod(u[:, self.periodic], 1.0)
        return self.posterior.prior_transform(u)

    def _loglike(self, v: np.ndarray) -> np.ndarray:
        self.batches += 1
        self.points += len(v)
        return self.posterior.log_likelihood(v)

    def map(self, func, items):
        items = list(items)
        if not items:
            return []
        if engines.is_loglikelihood(func):
            return engines.loglikelihood_outputs(self._loglike(np.asarray(items, dtype=float)))
        if getattr(func, "name", None) == "prior_transform":
            return list(self.transform(np.asarray(items, dtype=float)))
        kind = engines.proposal_kind(func)
        if kind == "bound":
            return self._first_above(items, self._bound_draws(items))
        if kind == "cube":
            ndim = items[0].kwargs["ndim"]
            return self._first_above(items, lambda rng, k: rng.uniform(size=(k, ndim)))
        if kind == "rslice" and not items[0].kwargs.get("slice_doubling", False):
            return self._rslice(items)
        return list(map(func, items))

    @staticmethod
    def _bound_draws(args: list):
        """Candidate generator of UniformBoundSampler: points of the bound that lie in the unit cube."""
        kw = args[0].kwargs
        bound, ndim, ncl = kw["bound"], kw["ndim"], kw.get("n_cluster") or kw["ndim"]
        nonbounded = kw.get("nonbounded")
        if nonbounded is not None:
            nonbounded = np.asarray(nonbounded[:ncl], dtype=bool)  # True: an ordinary (bounded) coordinate

        def draw(rng, k):
            u = np.atleast_2d(bound.samples(k, rstate=rng))
            if nonbounded is None:
                ok = np.all((u > 0) & (u < 1), axis=1)
            else:
                ok = (np.all((u[:, nonbounded] > 0) & (u[:, nonbounded] < 1), axis=1)
                      & np.all((u[:, ~nonbounded] > -0.5) & (u[:, ~nonbounded] < 1.5), axis=1))
            u = u[ok]
            if ncl != ndim:
                u = np.concatenate((u, rng.uniform(size=(len(u), ndim - ncl))), axis=1)
            return u

        return draw

    def _first_above(self, args: list, draw) -> list:
        """For every proposal of the queue, the first of its candidates (from its own random stream) with
        log L above the threshold; all pending proposals' candidates are evaluated in one call per round."""
        n = len(args)
        rngs = [engines.random_generator(a.rseed) for a in args]
        out: list = [None] * n
        ncalls = np.zeros(n, dtype=int)
        pending = list(range(n))
        per = 1  # candidates per pending proposal this round (grows when acceptance is low)
        while pending:
            owners, blocks = [], []
            for i in pending:
                u = draw(rngs[i], per)
                owners += [i] * len(u)
                blocks.append(u)
            if not owners:
                continue
            u_arr = np.concatenate(blocks)
            v_arr = self.transform(u_arr)
            logl = self._loglike(v_arr)
            done = set()
            for k, i in enumerate(owners):
                if i in done:
                    continue  # candidates after the first success are not used (nor counted)
                ncalls[i] += 1
                if logl[k] > args[i].loglstar:
                    out[i] = engines.sampler_return(u_arr[k], v_arr[k], logl[k], ncalls[i])
                    done.add(i)
            accepted = len(done) / len(pending)
            pending = [i for i in pending if i not in done]
            if accepted < 0.5:
                per = int(min(256, max(per + 1, round(per * 0.5 / max(accepted, 1e-3)))))
        return out

    def _rslice(self, args: list) -> list:
        """dynesty's RSliceSampler.sample for every chain of the queue, advanced in lockstep.

        Per slice: a random direction axes·n̂·scale (n̂ uniform on the sphere, length capped at √d/2), an
        interval [−r, 1 − r] stepped out by unit steps until both ends are below the threshold, then points
        drawn uniformly in the interval, shrinking it towards the start, until one is above the threshold.
        """
        n = len(args)
        ndim = len(args[0].u)
        slices = args[0].kwargs["slices"]
        rngs = [engines.random_generator(a.rseed) for a in args]
        u = np.array([np.asarray(a.u, dtype=float) for a in args])
        lstar = np.array([a.loglstar for a in args])
        nc = np.zeros(n, dtype=int)
        n_expand = np.zeros(n, dtype=int)
        n_contract = np.zeros(n, dtype=int)
        done_slices = np.zeros(n, dtype=int)
        maxlen = np.sqrt(ndim) / 2.0
        direction = np.zeros((n, ndim))
        left, right = np.zeros(n), np.zeros(n)
        stage = np.zeros(n, dtype=int)  # 0: new slice, 1: stepping out, 2: shrinking, 3: done
        need_l = np.zeros(n, dtype=bool)
        need_r = np.zeros(n, dtype=bool)
        last_u = u.copy()
        last_v = np.zeros((n, ndim))
        last_logl = np.zeros(n)

        def new_slice(i):
            a = args[i]
            d = rngs[i].standard_normal(ndim)
            d /= np.linalg.norm(d)
            d = a.axes @ d * a.scale
            length = np.linalg.norm(d)
            if length > maxlen:
                d = d / (length / maxlen)
            direction[i] = d
            r0 = rngs[i].random()
            left[i], right[i] = -r0, 1.0 - r0
            need_l[i] = need_r[i] = True
            stage[i] = 1

        for i in range(n):
            new_slice(i)
        while (stage < 3).any():
            owners, xs, kinds = [], [], []
            for i in np.flatnonzero(stage == 1):
                if need_l[i]:
                    owners.append(i), xs.append(left[i]), kinds.append(0)
                if need_r[i]:
                    owners.append(i), xs.append(right[i]), kinds.append(1)
            for i in np.flatnonzero(stage == 2):
                x = left[i] + rngs[i].random() * (right[i] - left[i])
                owners.append(i), xs.append(x), kinds.append(2)
            owners_a = np.array(owners)
            xs_a = np.array(xs)
            pts = u[owners_a] + xs_a[:, None] * direction[owners_a]
            inside = np.all((pts > 0.0) & (pts < 1.0), axis=1)
            logl = np.full(len(pts), -np.inf)
            vs = np.zeros_like(pts)
            if inside.any():
                vs[inside] = self.transform(pts[inside])
                logl[inside] = self._loglike(vs[inside])
            nc[owners_a] += 1
            for k, (i, x, kind) in enumerate(zip(owners, xs, kinds)):
                if kind == 0:  # left end
                    if logl[k] > lstar[i]:
                        left[i] -= 1.0
                        n_expand[i] += 1
                    else:
                        need_l[i] = False
                elif kind == 1:  # right end
                    if logl[k] > lstar[i]:
                        right[i] += 1.0
                        n_expand[i] += 1
                    else:
                        need_r[i] = False
                else:  # shrinking
                    n_contract[i] += 1
                    if logl[k] > lstar[i]:
                        u[i] = pts[k]
                        last_u[i], last_v[i], last_logl[i] = pts[k], vs[k], logl[k]
                        done_slices[i] += 1
                        if done_slices[i] == slices:
                            stage[i] = 3
                        else:
                            new_slice(i)
                    elif x < 0:
                        left[i] = x
                    elif x > 0:
                        right[i] = x
                    else:
                        raise RuntimeError("slice sampler failed to find a valid point (interval shrank to 0)")
            for i in np.flatnonzero(stage == 1):
                if not need_l[i] and not need_r[i]:
                    stage[i] = 2
        return [engines.sampler_return(last_u[i], last_v[i], last_logl[i], nc[i],
                                       tuning_info={"n_expand": int(n_expand[i]), "n_contract": int(n_contract[i]),
                                                    "expansion_warning_set": False},
                                       proposal_stats={"n_expand": int(n_expand[i]), "n_contract": int(n_contract[i])})
                for i in range(n)]
