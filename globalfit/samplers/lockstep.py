"""globalfit's own nested sampler: many live points replaced per iteration, their slice-sampling chains advanced in
lockstep, so that the vectorized posterior sees batches of hundreds of points and the Python cost per death is small.

Static nested sampling (Skilling 2006, Bayesian Analysis 1, 833) with k deaths per iteration:

- n live points are drawn from the prior (unit cube u; physical θ = prior_transform(u)). Draws outside the model's
  domain (log L = −inf) are redrawn; the fraction f of the prior where L > 0 is estimated from the draws,
  ln f̂ = ln(n / draws), and ln Z gets + ln f̂ (variance (1 − f̂)/n, added to the error).
- Each iteration the k lowest live points die in order of L. While j of them have died, n − j points remain, so the
  j-th death (j = 0 … k−1) shrinks ln X by 1/(n − j) in expectation: ln X_j = ln X − Σ_{i≤j} 1/(n − i)
  (k = 1 is constant-n nested sampling, ln X_i = −i/n). The n − k survivors are uniform in L > L* (L* the highest
  of the killed), and k new points are drawn there by random-direction slice sampling (Neal 2003, Ann. Stat. 31,
  705; Handley et al. 2015, PolyChord, arXiv:1506.00171), one chain per new point, started from k distinct
  survivors, each doing `slices` slices; every round of stepping out or shrinking asks all chains for their next
  point in one vectorized call.
- Or (`proposal: region`) the k new points are drawn uniformly from the friends region of the survivors (a union of
  balls ∩ an ellipsoid, radii by bootstrap; globalfit.samplers.region) and kept if L > L*: independent draws, one
  vectorized call for all candidates. `proposal: auto` uses the region while it costs fewer calls per new point than
  slice chains would (slices × CALLS_PER_SLICE), slice chains from then on, and slice chains from the start above
  REGION_MAX_DIM dimensions or REGION_MAX_LIVE live points.
- Directions: n̂ uniform on the unit sphere times the Cholesky factor of the survivors' covariance (u-space), times a
  scale adapted between iterations so that stepping out and shrinking take similar numbers of steps. Stepping out is
  limited to `MAX_STEP_OUT` unit steps split at random between the two ends (Neal's rule, which keeps the chain
  reversible). Periodic coordinates wrap.
- Stop when the evidence still in the live points, ln(Z + L_max X) − ln Z, is below `dlogz`; the live points are then
  added in order of L, the j-th shrinking ln X by 1/(n − j).
- ln Z, H and the error come from dynesty's `compute_integrals` (trapezoid in X; Skilling's variance Σ ΔH Δln X,
  which is H/n at constant n and follows the varying live count here), so the run is a dynesty Results object and
  dynesty's utilities apply to it. The error is validated against the scatter over seeds in
  benchmarks/bench_evidence.py and tests/test_lockstep.py.

Same seed ⇒ the same run; checkpoints are written between iterations and a resumed run is identical to an
uninterrupted one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from globalfit.errors import RunError
from globalfit.samplers import SamplerResult, engines
from globalfit.samplers import checkpoint as _ckpt
from globalfit.samplers.progress import Progress
from globalfit.samplers.region import FriendsRegion, covariance_factor

#: most unit steps of stepping out per slice (both ends together)
MAX_STEP_OUT = 100
#: the direction's length is capped at this fraction of the unit cube's diagonal
MAX_LENGTH = 0.5
#: the status line shows ln Z once the evidence left in the live points is below this (ln units)
SHOW_LOGZ_BELOW_DLOGZ = 10.0
#: the scale changes by at most this factor between iterations
SCALE_STEP = 2.0
#: how new points are drawn: slice chains, the friends region (globalfit.samplers.region), or the region while it
#: costs fewer calls per point than slice chains would
PROPOSALS = ("slice", "region", "auto")
#: calls per slice assumed when `proposal: auto` compares the region with slice chains (stepping out and shrinking
#: with the adapted scale; measured 4.2–4.5 on the 2-D Z′, 9-D ordering and 12-D Gaussian posteriors)
CALLS_PER_SLICE = 5.0
#: draws from the region that cost about as much CPU as one likelihood call (distances to the m survivors, numpy;
#: the benchmark posteriors take ≈ 0.3–3 µs per point in batches of hundreds)
DRAWS_PER_CALL = 20.0
#: calls without a single point above the threshold after which the region proposal gives up (a clear error, not a hang)
REGION_FRUITLESS_CALLS = 1_000_000
#: most candidates evaluated in one call by the region proposal
MAX_REGION_BATCH = 20000
#: `proposal: auto` uses the region in at most this many dimensions, slice chains above: the region recovers known
#: evidences up to 10 D (REGION_VALIDATED_DIM), but on the 9-D ordering posterior its draws (distances to every
#: survivor) cost more CPU per new point than slice chains: 1.1–2.0 s per run against 0.8 s (3 seeds, 500 live
#: points) — docs/samplers.md#region-proposal
REGION_MAX_DIM = 6
#: `proposal: auto` uses slice chains from the start above this many live points: the region's cost grows as n²
#: (bootstrap distances among the survivors, each draw's distances to them), slice chains' as n. Default 2-D Z′ fit,
#: one seed: 2000 live points 0.66 s (region) against 1.12 s (slices), 8000 live points 11.2 s against 2.3 s
REGION_MAX_LIVE = 2500
#: the region proposal recovered the known ln Z of the test problems within 0.06 (20 seeds each) in 2–10 D
REGION_VALIDATED_DIM = 10


@dataclass
class SliceStats:
    """What one round of replacements cost."""

    points: int = 0  # points proposed (inside and outside the unit cube)
    rounds: int = 0  # vectorized calls
    expansions: int = 0
    contractions: int = 0


@dataclass
class Live:
    """The live points and the run so far (everything a checkpoint stores)."""

    u: np.ndarray  # (n, d) unit-cube coordinates
    v: np.ndarray  # (n, d) physical coordinates
    logl: np.ndarray  # (n,)
    born: np.ndarray  # (n,) iteration at which each live point was drawn
    logvol: float = 0.0  # ln X reached, relative to the region where L > 0
    logz: float = -np.inf  # running ln Z (rectangle rule, for the stopping test), same reference
    iteration: int = 0
    scale: float = 1.0
    log_f: float = 0.0  # ln of the fraction of the prior with L > 0
    var_log_f: float = 0.0
    points: int = 0  # proposals so far
    mode: str = "slice"  # how the next iteration replaces its points: "region" or "slice"
    region_cost: float = 2.0  # calls per new point of the last region iteration (the first batch's guess before)
    region_iterations: int = 0
    dead: dict[str, list[np.ndarray]] = field(default_factory=lambda: {k: [] for k in DEAD})


DEAD = ("u", "v", "logl", "logvol", "id", "it")


def deaths_per_iteration(nlive: int, replace: float) -> int:
    """k: the live points replaced per iteration (at least 1, at most half of them)."""
    return int(min(max(1, round(replace * nlive)), nlive // 2 or 1))


def shrinkage(nlive: int, k: int) -> np.ndarray:
    """Σ_{i≤j} 1/(n − i) for j = 0 … k−1: the expected decrease of ln X after each of k deaths in a row."""
    return np.cumsum(1.0 / (nlive - np.arange(k)))


def _slice_arrays(start: np.ndarray) -> tuple[np.ndarray, ...]:
    """The state of k slice chains starting at the rows of `start` (k, d): (positions, their θ and log L, directions,
    interval ends, step-out budgets per end, stage — 1 stepping out, 2 shrinking, 3 done —, which ends still step
    out, slices done)."""
    k, d = start.shape
    return (start.copy(), np.empty((k, d)), np.empty(k), np.empty((k, d)), np.empty(k), np.empty(k),
            np.empty(k, dtype=np.int64), np.empty(k, dtype=np.int64), np.ones(k, dtype=np.int8),
            np.ones(k, dtype=bool), np.ones(k, dtype=bool), np.zeros(k, dtype=np.int64))


class SliceChains:
    """k random-direction slice-sampling chains above the threshold `lstar`, advanced in lockstep: every round of
    stepping out or shrinking evaluates the one point each chain needs next, all in one call."""

    def __init__(self, loglike, transform, rng: np.random.Generator, periodic: list[int], compiled: bool = False):
        self.loglike = loglike
        self.transform = transform
        self.rng = rng
        self.periodic = periodic
        #: the bookkeeping compiled (globalfit.samplers.slice_kernels; cards with `compiled: true`): the same chains
        self.kernels = None
        if compiled:
            from globalfit.samplers import slice_kernels

            self.kernels = slice_kernels

    def _directions(self, m: int, axes: np.ndarray, scale: float) -> np.ndarray:
        d = axes.shape[0]
        nhat = self.rng.standard_normal((m, d))
        direction = (scale / np.sqrt(np.einsum("ij,ij->i", nhat, nhat)))[:, None] * (nhat @ axes.T)
        length = np.sqrt(np.einsum("ij,ij->i", direction, direction))
        cap = MAX_LENGTH * math.sqrt(d)
        return direction * np.minimum(1.0, cap / np.maximum(length, 1e-300))[:, None]

    def evaluate(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(θ, log L, points) of unit-cube points; −inf outside the cube (periodic coordinates wrapped first)."""
        for j in self.periodic:  # column by column: the same remainders, no gathered copy
            col = pts[:, j]
            np.remainder(col, 1.0, out=col)
        inside = ((pts > 0.0) & (pts < 1.0)).all(axis=1)
        if inside.all():
            vs = self.transform(pts)
            return vs, self.loglike(vs), pts
        logl = np.full(len(pts), -np.inf)
        vs = np.zeros_like(pts)
        if inside.any():
            v_in = self.transform(pts[inside])
            vs[inside] = v_in
            logl[inside] = self.loglike(v_in)
        return vs, logl, pts

    def run(self, start: np.ndarray, lstar: float, axes: np.ndarray, scale: float,
            slices: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, SliceStats]:
        """New points (u, θ, log L) with log L > lstar, one per row of `start` (all above lstar)."""
        if self.kernels is not None:
            return self._run_compiled(start, lstar, axes, scale, slices)
        rng = self.rng
        x, out_v, out_l, direction, left, right, steps_l, steps_r, stage, need_l, need_r, done = _slice_arrays(start)
        stats = SliceStats()

        def new_slice(idx: np.ndarray) -> None:
            m = len(idx)
            direction[idx] = self._directions(m, axes, scale)
            r0 = rng.random(m)
            left[idx], right[idx] = -r0, 1.0 - r0
            j = np.floor(MAX_STEP_OUT * rng.random(m)).astype(int)
            steps_l[idx], steps_r[idx] = j, MAX_STEP_OUT - 1 - j
            need_l[idx], need_r[idx] = j > 0, j < MAX_STEP_OUT - 1
            stage[idx] = 1

        new_slice(np.arange(len(start)))
        stage[(stage == 1) & ~need_l & ~need_r] = 2
        while True:
            step = stage == 1
            il, ir, ish = np.flatnonzero(step & need_l), np.flatnonzero(step & need_r), np.flatnonzero(stage == 2)
            a, b = len(il), len(il) + len(ir)
            if b + len(ish) == 0:
                break
            t_s = left[ish] + rng.random(len(ish)) * (right[ish] - left[ish])
            owners = np.concatenate((il, ir, ish))
            t = np.concatenate((left[il], right[ir], t_s))
            vs, logl, pts = self.evaluate(x[owners] + t[:, None] * direction[owners])
            stats.points += len(pts)
            stats.rounds += 1
            above = logl > lstar
            # stepping out: an end above the threshold moves out by one unit, while its budget lasts
            grow = il[above[:a]]
            left[grow] -= 1.0
            steps_l[grow] -= 1
            need_l[il[~above[:a]]] = False
            need_l[grow[steps_l[grow] <= 0]] = False
            grow_r = ir[above[a:b]]
            right[grow_r] += 1.0
            steps_r[grow_r] -= 1
            need_r[ir[~above[a:b]]] = False
            need_r[grow_r[steps_r[grow_r] <= 0]] = False
            stats.expansions += len(grow) + len(grow_r)
            # shrinking: the first point above the threshold ends the slice; otherwise the interval shrinks to it
            ok = above[b:]
            acc, rej = ish[ok], ish[~ok]
            stats.contractions += len(rej)
            if len(acc):
                x[acc] = pts[b:][ok]
                out_v[acc] = vs[b:][ok]
                out_l[acc] = logl[b:][ok]
                done[acc] += 1
                finished = done[acc] >= slices
                stage[acc[finished]] = 3
                if not finished.all():
                    new_slice(acc[~finished])
            if len(rej):
                t_rej = t_s[~ok]
                neg = t_rej < 0
                left[rej[neg]] = t_rej[neg]
                right[rej[~neg]] = t_rej[~neg]
                if np.any(right[rej] - left[rej] < 1e-12):
                    raise RunError(f"slice sampling found no point with log L > {lstar:.6g} (the interval shrank "
                                   "to nothing): the likelihood is flat at its maximum or discontinuous there")
            stage[(stage == 1) & ~need_l & ~need_r] = 2
        return x, out_v, out_l, stats

    def _run_compiled(self, start: np.ndarray, lstar: float, axes: np.ndarray, scale: float,
                      slices: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, SliceStats]:
        """`run` with its bookkeeping compiled: the same random numbers drawn in the same order, the same updates."""
        kern, rng = self.kernels, self.rng
        x, out_v, out_l, direction, left, right, steps_l, steps_r, stage, need_l, need_r, done = _slice_arrays(start)
        stats = SliceStats()

        def new_slice(idx: np.ndarray) -> None:
            direction[idx] = self._directions(len(idx), axes, scale)
            r0 = rng.random(len(idx))
            kern.start(idx, r0, rng.random(len(idx)), MAX_STEP_OUT, left, right, steps_l, steps_r, need_l, need_r,
                       stage)

        new_slice(np.arange(len(start)))
        while True:
            il, ir, ish = kern.select(stage, need_l, need_r)
            if len(il) + len(ir) + len(ish) == 0:
                break
            pts, t_s = kern.propose(x, direction, left, right, il, ir, ish, rng.random(len(ish)))
            vs, logl, pts = self.evaluate(pts)
            stats.points += len(pts)
            stats.rounds += 1
            again, expansions, contractions, collapsed = kern.update(
                logl, lstar, il, ir, ish, t_s, pts, vs, left, right, steps_l, steps_r, need_l, need_r, stage, done,
                x, out_v, out_l, slices)
            stats.expansions += expansions
            stats.contractions += contractions
            if len(again):
                new_slice(again)
            if collapsed:
                raise RunError(f"slice sampling found no point with log L > {lstar:.6g} (the interval shrank "
                               "to nothing): the likelihood is flat at its maximum or discontinuous there")
        return x, out_v, out_l, stats


class LockstepSampler:
    """The run: initial live points, iterations of k deaths and k replacements, the final live points."""

    def __init__(self, posterior, nlive: int, replace: float, slices: int, rng: np.random.Generator,
                 proposal: str = "slice"):
        self.posterior = posterior
        self.n = int(nlive)
        self.d = posterior.ndim
        self.k = deaths_per_iteration(self.n, replace)
        self.slices = int(slices)
        if proposal not in PROPOSALS:
            raise RunError(f"lockstep proposal {proposal!r}: allowed are {', '.join(PROPOSALS)}")
        many = self.d > REGION_MAX_DIM or self.n > REGION_MAX_LIVE
        self.proposal = "slice" if proposal == "auto" and many else proposal
        self.rng = rng
        self.periodic = list(posterior.space.periodic_indices() or [])
        self.chains = SliceChains(posterior.log_likelihood, posterior.prior_transform, rng, self.periodic,
                                  compiled=getattr(posterior, "fused", None) is not None)
        self.shrink = shrinkage(self.n, self.k)
        self.ncall_start = posterior.ncall  # calls before this run (e.g. a pilot's) are not this run's

    def initial(self) -> Live:
        """n live points with finite log L, drawn from the prior; f̂ = n / (draws up to the n-th finite one)."""
        u_all, v_all, l_all = [], [], []
        have = drawn = 0
        while have < self.n:
            need = self.n - have
            m = need if have == 0 else min(int(1.2 * need * drawn / have) + 16, 1_000_000)
            if drawn >= 100 * self.n and have == 0:
                raise RunError(f"none of {drawn} draws from the prior has a finite likelihood: the prior lies "
                               "outside the model's domain")
            u = self.rng.random((m, self.d))
            v = self.posterior.prior_transform(u)
            logl = self.posterior.log_likelihood(v)
            take = np.flatnonzero(np.isfinite(logl))[:need]
            drawn += int(take[-1]) + 1 if len(take) == need else m  # draws after the n-th finite one do not count
            have += len(take)
            u_all.append(u[take]), v_all.append(v[take]), l_all.append(logl[take])
        f = self.n / drawn
        return Live(np.concatenate(u_all), np.concatenate(v_all), np.concatenate(l_all), np.zeros(self.n, dtype=int),
                    log_f=math.log(f), var_log_f=(1.0 - f) / self.n, points=drawn,
                    mode="slice" if self.proposal == "slice" else "region")

    def remaining(self, live: Live) -> float:
        """ln(Z + L_max X) − ln Z: the evidence the live points could still add (inf before any death)."""
        if live.logz == -np.inf:
            return np.inf
        return float(np.logaddexp(live.logz, live.logl.max() + live.logvol) - live.logz)

    def iterate(self, live: Live) -> SliceStats:
        """k deaths and k replacements."""
        k = self.k
        order = np.argsort(live.logl, kind="stable")
        kill, survivors = order[:k], order[k:]
        lstar = float(live.logl[kill[-1]])
        logvol = live.logvol - self.shrink
        prev = np.concatenate(([live.logvol], logvol[:-1]))
        logdx = prev + np.log1p(-np.exp(logvol - prev))  # ln(X_{j−1} − X_j)
        live.logz = float(np.logaddexp(live.logz, np.logaddexp.reduce(live.logl[kill] + logdx)))
        for key, val in (("u", live.u[kill]), ("v", live.v[kill]), ("logl", live.logl[kill]), ("logvol", logvol),
                         ("id", kill), ("it", live.born[kill])):
            live.dead[key].append(np.array(val))
        live.logvol = float(logvol[-1])
        if live.mode == "region":
            u, v, logl, stats = self._from_region(live, survivors, lstar)
        else:
            u, v, logl, stats = self._from_slices(live, survivors, lstar, k)
        live.u[kill], live.v[kill], live.logl[kill] = u, v, logl
        live.iteration += 1
        live.born[kill] = live.iteration
        live.points += stats.points
        return stats

    def _from_slices(self, live: Live, survivors: np.ndarray, lstar: float, m: int):
        """m new points by slice chains started from distinct survivors; adapts the scale."""
        starts = survivors[self.rng.choice(len(survivors), size=m, replace=False)]
        axes = covariance_factor(live.u[survivors])
        out = self.chains.run(live.u[starts], lstar, axes, live.scale, self.slices)
        ratio = (out[3].expansions + 1.0) / (out[3].contractions + 1.0)
        live.scale *= float(np.clip(math.sqrt(ratio), 1.0 / SCALE_STEP, SCALE_STEP))
        return out

    def slice_cost(self) -> float:
        """Calls per new point that slice chains are expected to need: `slices` × CALLS_PER_SLICE."""
        return self.slices * CALLS_PER_SLICE

    def _from_region(self, live: Live, survivors: np.ndarray, lstar: float):
        """k new points drawn uniformly from the friends region of the survivors, kept if L > L*. With
        `proposal: auto`, once the region costs more per new point than slice chains would (calls, plus draws from
        the region at DRAWS_PER_CALL per call), the rest of this iteration's points and all later ones come from
        slice chains."""
        k = self.k
        if not np.any(live.logl[survivors] > lstar):
            raise RunError(f"no live point lies above log L = {lstar:.6g} (the region proposal needs one): the "
                           "likelihood is flat at its maximum over more than half of the live points")
        region = FriendsRegion(live.u[survivors], self.rng)
        budget = k * self.slice_cost() if self.proposal == "auto" else np.inf
        us, vs, ls = [], [], []
        stats = SliceStats()
        need, accepted = k, 0

        def cost() -> float:  # calls, and draws from the region in calls' worth of CPU
            return stats.points + region.draws / DRAWS_PER_CALL

        while need > 0 and cost() < budget:
            m = int(min(math.ceil(need * live.region_cost * 1.1) + 1, MAX_REGION_BATCH))
            try:
                candidates = region.sample(m, (budget - stats.points) * DRAWS_PER_CALL)
            except RunError:
                if self.proposal != "auto":
                    raise
                break  # no volume inside the cube: slice chains take over
            v, logl, u = self.chains.evaluate(candidates)
            stats.points += len(u)
            stats.rounds += 1
            ok = np.flatnonzero(logl > lstar)
            accepted += len(ok)
            ok = ok[:need]
            us.append(u[ok]), vs.append(v[ok]), ls.append(logl[ok])
            need -= len(ok)
            live.region_cost = cost() / max(accepted, 0.5)
            if accepted == 0 and stats.points >= REGION_FRUITLESS_CALLS:
                raise RunError(f"the region proposal found no point with log L > {lstar:.6g} in {stats.points} calls:"
                               " the region misses the likelihood contour; use proposal: slice or auto")
        live.region_iterations += 1
        if need > 0 or (self.proposal == "auto" and live.region_cost > self.slice_cost()):
            live.mode = "slice"
        if need > 0:
            u, v, logl, more = self._from_slices(live, survivors, lstar, need)
            us.append(u), vs.append(v), ls.append(logl)
            stats.points += more.points
            stats.rounds += more.rounds
        return np.concatenate(us), np.concatenate(vs), np.concatenate(ls), stats

    def finish(self, live: Live):
        """The run as a dynesty Results object: dead points, then the live points in order of L."""
        n = self.n
        order = np.argsort(live.logl, kind="stable")
        final_logvol = live.logvol - shrinkage(n, n)
        dead = {key: np.concatenate(live.dead[key]) if live.dead[key] else np.empty((0,) + shape)
                for key, shape in (("u", (self.d,)), ("v", (self.d,)), ("logl", ()), ("logvol", ()), ("id", ()),
                                   ("it", ()))}
        logl = np.concatenate((dead["logl"], live.logl[order]))
        logvol = np.concatenate((dead["logvol"], final_logvol))
        # relative to the region with L > 0 (the trapezoid starts at X = 1 there); + ln f afterwards
        logwt, logz, logzvar, h = engines.compute_integrals(logl=logl, logvol=logvol)
        total = len(logl)
        nlive_at = np.concatenate((np.tile(n - np.arange(self.k), len(dead["logl"]) // self.k), n - np.arange(n)))
        var = logz_variance(logwt, nlive_at) + live.var_log_f
        self.skilling_error = math.sqrt(max(float(logzvar[-1]), 0.0) + live.var_log_f)  # Σ ΔH Δln X, for comparison
        return engines.make_results([
            ("nlive", n), ("niter", total - n), ("ncall", np.full(total, live.points // max(total, 1))),
            ("eff", 100.0 * total / max(live.points, 1)),
            ("samples", np.concatenate((dead["v"], live.v[order]))),
            ("samples_u", np.concatenate((dead["u"], live.u[order]))),
            ("samples_id", np.concatenate((dead["id"], order)).astype(int)),
            ("samples_it", np.concatenate((dead["it"], live.born[order])).astype(int)),
            ("samples_n", nlive_at.astype(int)),
            ("logwt", logwt + live.log_f), ("logl", logl), ("logvol", logvol + live.log_f),
            ("logz", logz + live.log_f), ("logzerr", np.full(total, math.sqrt(var))),
            ("information", h),
        ])

    # ----------------------------------------------------------------------------------------- checkpoints
    def arrays(self, live: Live) -> dict[str, np.ndarray]:
        out = {"live_u": live.u, "live_v": live.v, "live_logl": live.logl, "live_born": live.born}
        for key in DEAD:
            parts = live.dead[key]
            out[f"dead_{key}"] = np.concatenate(parts) if parts else np.empty((0, self.d) if key in "uv" else (0,))
        return out

    def state(self, live: Live) -> dict:
        return {"kind": "lockstep", "iteration": live.iteration, "logvol": live.logvol, "logz": live.logz,
                "scale": live.scale, "log_f": live.log_f, "var_log_f": live.var_log_f, "points": live.points,
                "mode": live.mode, "region_cost": live.region_cost, "region_iterations": live.region_iterations,
                "ncall": int(self.posterior.ncall) - self.ncall_start, "rng": _ckpt.rng_state_to_json(self.rng)}

    def check(self, arrays: dict, state: dict) -> None:
        req = _ckpt.require
        req(state.get("kind") == "lockstep", f"kind {state.get('kind')!r}, expected 'lockstep'")
        n, d = self.n, self.d
        req(arrays["live_u"].shape == (n, d) and arrays["live_v"].shape == (n, d) and arrays["live_logl"].shape
            == (n,) and arrays["live_born"].shape == (n,), f"live points {arrays['live_u'].shape} for nlive {n}, "
                                                           f"{d} dimensions")
        n_dead = len(arrays["dead_logl"])
        req(n_dead == int(state["iteration"]) * self.k, f"{n_dead} dead points after {state['iteration']} "
                                                        f"iterations of {self.k} deaths")
        for key in DEAD:
            req(len(arrays[f"dead_{key}"]) == n_dead, f"dead_{key} has {len(arrays[f'dead_{key}'])} rows, "
                                                      f"dead_logl {n_dead}")
        req(bool(np.all(np.isfinite(arrays["live_u"])) and np.all(np.isfinite(arrays["live_logl"]))),
            "non-finite live points")

    def restore(self, arrays: dict, state: dict) -> Live:
        self.rng.bit_generator.state = _ckpt.rng_from_json(state["rng"]).bit_generator.state
        live = Live(arrays["live_u"].copy(), arrays["live_v"].copy(), arrays["live_logl"].copy(),
                    arrays["live_born"].astype(int), logvol=float(state["logvol"]), logz=float(state["logz"]),
                    iteration=int(state["iteration"]), scale=float(state["scale"]), log_f=float(state["log_f"]),
                    var_log_f=float(state["var_log_f"]), points=int(state["points"]),
                    mode=str(state.get("mode", Live.mode)),
                    region_cost=float(state.get("region_cost", Live.region_cost)),
                    region_iterations=int(state.get("region_iterations", Live.region_iterations)))
        for key in DEAD:
            live.dead[key] = [arrays[f"dead_{key}"]] if len(arrays[f"dead_{key}"]) else []
        return live


def logz_variance(logwt: np.ndarray, nlive: np.ndarray) -> float:
    """Variance of ln Z from the random shrinkages t_j of the prior volume (Beta(m_j, 1), var ln t_j = 1/m_j²),
    propagated to first order: ∂ln Z/∂ln t_j = Z_{>j}/Z, the share of the evidence beyond death j, so
    var ln Z = Σ_j (Z_{>j}/Z)² / m_j² (m_j the live points at death j). At constant m this is ≈ H/m (Skilling's
    estimate), but it follows the posterior's actual spread in ln X; validated against the scatter over seeds in
    tests/test_lockstep.py and benchmarks/bench_evidence.py."""
    w = np.exp(logwt - np.logaddexp.reduce(logwt))
    beyond = np.clip(1.0 - np.cumsum(w), 0.0, 1.0)
    return float(np.sum(beyond**2 / np.asarray(nlive, dtype=float) ** 2))


def default_slices(ndim: int) -> int:
    """Slices per new point when the card does not say: max(10, 2d). With d + 3 (dynesty's default for random slices)
    the new points stay too close to their starting points in many dimensions: ln Z of a 20-D Gaussian came out
    +0.22 ± 0.08 high (6 seeds, 500 live points) and of a 10-D one +0.10 ± 0.07; with 2d slices −0.01 ± 0.10 and
    0.00 ± 0.07 (benchmarks/bench_evidence.py problems). In two dimensions 5 slices left the default Z′ fit (a thin
    curved band with sharp edges) +0.07 ± 0.04 and +0.12 ± 0.03 above nautilus's ln Z (12 and 10 seeds); 10 slices
    give +0.02 ± 0.03 (16 seeds)."""
    return max(10, 2 * ndim)


def _status(live: Live, k: int, remaining: float, target: float) -> str:
    z = f"ln Z {live.logz + live.log_f:.3f}" if remaining < SHOW_LOGZ_BELOW_DLOGZ else "ln Z —"
    d = f"dlogz {remaining:.3g}" if remaining < 1e4 else "dlogz > 1e4"
    return f"lockstep: iter {live.iteration} ({k} deaths each) | ncall {live.points} | {z} | {d} > {target}"


def run_lockstep(posterior, s, seed: int, progress: bool | str = True, checkpoint=None) -> SamplerResult:
    """Run the lockstep nested sampler with the card's settings `s` (nlive, dlogz, replace, slices, maxcall)."""
    rng = np.random.default_rng(seed)
    slices = s.slices or default_slices(posterior.ndim)
    sampler = LockstepSampler(posterior, s.nlive, s.replace, slices, rng, s.proposal or "slice")
    loaded = checkpoint.load(sampler.check) if checkpoint is not None else None
    if loaded is not None:
        live = sampler.restore(*loaded)
        posterior.ncall += int(loaded[1]["ncall"])
    else:
        live = sampler.initial()
    report = Progress(progress)
    rounds = calls_before = 0
    stopped_at_maxcall = False
    while True:
        remaining = sampler.remaining(live)
        report.update(_status(live, sampler.k, remaining, s.dlogz))
        if remaining < s.dlogz:
            break
        if s.maxcall is not None and posterior.ncall - sampler.ncall_start >= s.maxcall:
            stopped_at_maxcall = True
            break
        stats = sampler.iterate(live)
        rounds += stats.rounds
        calls_before += stats.points
        if checkpoint is not None and checkpoint.due():
            checkpoint.save(sampler.arrays(live), sampler.state(live))
            checkpoint.after_save()
    report.close()
    res = sampler.finish(live)
    if checkpoint is not None:
        checkpoint.clear()
    logz = float(res["logz"][-1])
    log_weight = np.asarray(res["logwt"], dtype=float) - logz
    log_weight -= np.logaddexp.reduce(log_weight)
    w = np.exp(log_weight)
    err = float(res["logzerr"][-1])
    stats = {
        "niter": int(res["niter"]), "iterations": live.iteration, "deaths_per_iteration": sampler.k,
        "slices": slices, "proposal": sampler.proposal, "region_iterations": live.region_iterations,
        "efficiency_percent": float(res["eff"]), "n_effective": float(1.0 / np.sum(w * w)),
        "information_nats": float(res["information"][-1]), "nlive": s.nlive, "final_scale": live.scale,
        "prior_fraction_finite": math.exp(live.log_f),
        "vectorized_calls": rounds, "mean_batch_size": calls_before / rounds if rounds else 0.0,
        "logzerr_reported": err, "logzerr_skilling": sampler.skilling_error,
        "logzerr_method": "volume shrinkage propagated: sqrt(sum_j (Z_>j/Z)^2 / m_j^2)",
    }
    warnings = []
    if sampler.proposal == "region" and sampler.d > REGION_VALIDATED_DIM:
        warnings.append(f"proposal: region in {sampler.d} dimensions: validated up to {REGION_VALIDATED_DIM}; beyond, "
                        "the friends region may not enclose the likelihood contour and ln Z may come out high "
                        "(docs/samplers.md#region-proposal); proposal: auto uses slice chains there.")
    if stopped_at_maxcall:
        warnings.append(f"stopped at maxcall = {s.maxcall} likelihood calls before reaching dlogz; ln Z is biased low.")
    return SamplerResult("lockstep", "nested", np.asarray(res["samples"], dtype=float), s.model_dump(),
                         posterior.ncall, log_weight=log_weight, logl=np.asarray(res["logl"], dtype=float), logz=logz,
                         logzerr=err, stats=stats, warnings=warnings)
