"""dynesty driver: static or dynamic nested sampling (Speagle 2020, arXiv:1904.02180; Higson et al. 2019).

The evidence ln Z, dynesty's own error estimate and the reported error (`logz_error`: √(H/n_live) for static runs,
validated against the scatter over seeds; the resampled scatter for dynamic runs) are stored.
"""
from __future__ import annotations

import numpy as np

from globalfit import interrupts
from globalfit.errors import RunError
from globalfit.samplers import SamplerResult, engines
from globalfit.samplers import checkpoint as _ckpt
from globalfit.samplers.batch import VectorizedPool
from globalfit.samplers.progress import Progress

RESAMPLE_REALIZATIONS = 100
AUTO_UNIF_MAX_DIM = 3
#: the progress line shows ln Z once the evidence left in the live points is below this (ln units); before,
#: the running sum is dominated by the prior volume still to come and means nothing
SHOW_LOGZ_BELOW_DLOGZ = 10.0


def _status(it: int, ncall: int, eff: float, logz: float, dlogz: float, target: float) -> str:
    z = f"ln Z {logz:.3f}" if dlogz < SHOW_LOGZ_BELOW_DLOGZ else "ln Z —"
    d = f"dlogz {dlogz:.3g}" if dlogz < 1e4 else "dlogz > 1e4"
    return f"dynesty: iter {it} | ncall {ncall} | eff {eff:.1f}% | {z} | {d} > {target}"


def _run_static(posterior, s, loglike, prior_transform, common, progress, checkpoint):
    """Static nested sampling as a sequence of segments, so that it can be checkpointed without pickling.

    A segment is a dynesty NestedSampler started from the live points where the previous one stopped; its
    ln-volumes start at 0 and are shifted by the ln-volume reached before (static nested sampling shrinks
    the volume by the same factor every iteration, so the concatenated run is the continuous one), its
    live-point slots keep their indices, so the threads of the run continue across segments (needed by
    the resampling error estimate). The stopping rule is dynesty's, applied to the whole run:
    ln(Z + L_max X) − ln Z < dlogz. Bounds are rebuilt from the live points at a resume.
    """
    ndim = posterior.ndim

    def check(arrays, state):
        _ckpt.require(state.get("kind") == "dynesty-static", f"kind {state.get('kind')!r}, expected 'dynesty-static'")
        n_dead = len(arrays["dead_logl"])
        for k in engines.DEAD_KEYS:
            _ckpt.require(len(arrays[f"dead_{k}"]) == n_dead, f"dead_{k} has {len(arrays[f'dead_{k}'])} rows, "
                                                              f"dead_logl {n_dead}")
        _ckpt.require(int(state["iteration"]) == n_dead, f"iteration {state['iteration']} with {n_dead} dead points")
        _ckpt.require(arrays["live_u"].shape == (s.nlive, ndim) and arrays["live_v"].shape == (s.nlive, ndim)
                      and arrays["live_logl"].shape == (s.nlive,),
                      f"live points {arrays['live_u'].shape} for nlive {s.nlive} in {ndim} dimensions")
        _ckpt.require(bool(np.all(np.isfinite(arrays["live_u"]))), "non-finite live points")

    loaded = checkpoint.load(check) if checkpoint is not None else None
    dead = {k: [] for k in engines.DEAD_KEYS}
    offset, it_offset, ncall_prev, logz_prev = 0.0, 0, 0, -np.inf
    kwargs = dict(common)
    if loaded is not None:
        arrays, state = loaded
        for k in engines.DEAD_KEYS:
            dead[k] = list(arrays[f"dead_{k}"])
        offset, it_offset = float(state["logvol_offset"]), int(state["iteration"])
        ncall_prev, logz_prev = int(state["ncall"]), float(state["logz"])
        posterior.ncall += int(state["points"])
        kwargs["rstate"] = _ckpt.rng_from_json(state["rng"])
        kwargs["live_points"] = [arrays["live_u"], arrays["live_v"], arrays["live_logl"]]
    sampler = engines.NestedSampler(loglike, prior_transform, nlive=s.nlive, **kwargs)
    maxcall = None if s.maxcall is None else max(s.maxcall - ncall_prev, 1)
    seg_ncall = 0
    report = Progress(progress)

    def save():
        seg = engines.dead_points(sampler)
        seg_logz, seg_logvol, seg_it = engines.segment_state(sampler)
        arrays = {f"dead_{k}": np.asarray(dead[k] + seg[k]) for k in engines.DEAD_KEYS}
        arrays["dead_logvol"] = np.asarray(dead["logvol"] + [offset + x for x in seg["logvol"]])
        arrays["dead_it"] = np.asarray(dead["it"] + [it_offset + x for x in seg["it"]])
        live_u, live_v, live_logl = engines.live_points(sampler)
        arrays.update(live_u=live_u, live_v=live_v, live_logl=live_logl)
        checkpoint.save(arrays, {
            "kind": "dynesty-static", "iteration": it_offset + seg_it,
            "logvol_offset": offset + seg_logvol if seg["logvol"] else offset,
            "logz": float(np.logaddexp(logz_prev, offset + seg_logz)), "ncall": ncall_prev + seg_ncall,
            "points": posterior.ncall, "rng": _ckpt.rng_state_to_json(engines.rng_of(sampler))})

    for result in sampler.sample(maxcall=maxcall, dlogz=0.0, add_live=False):
        seg_ncall += int(result.nc)
        seg_logz, seg_logvol, seg_it = engines.segment_state(sampler)
        logz = float(np.logaddexp(logz_prev, offset + seg_logz))
        dlogz = float(np.logaddexp(logz, np.max(engines.live_points(sampler)[2]) + offset + seg_logvol) - logz)
        report.update(_status(it_offset + seg_it, ncall_prev + seg_ncall, 100.0 * seg_it / max(seg_ncall, 1),
                              logz, dlogz, s.dlogz))
        if dlogz < s.dlogz:
            break
        if checkpoint is not None and checkpoint.due():
            save()
            checkpoint.after_save()
    report.close()
    sampler.add_final_live(print_progress=False)
    seg = sampler.results
    n_seg = len(seg["logl"])
    logl = np.concatenate([np.asarray(dead["logl"], dtype=float), seg["logl"]])
    logvol = np.concatenate([np.asarray(dead["logvol"], dtype=float), offset + seg["logvol"]])
    logwt, logz, logzvar, h = engines.compute_integrals(logl=logl, logvol=logvol)
    n_prev = len(dead["logl"])
    def stack(key, seg_key, shape):
        return np.concatenate([np.asarray(dead[key], dtype=float).reshape(shape),
                               np.asarray(seg[seg_key], dtype=float).reshape(shape)])
    ncalls = np.concatenate([np.asarray(dead["nc"], dtype=int), seg["ncall"]])
    results = engines.make_results([
        ("nlive", s.nlive), ("niter", n_prev + n_seg - s.nlive), ("ncall", ncalls),
        ("eff", 100.0 * (n_prev + n_seg) / max(int(ncalls.sum()), 1)),
        ("samples", stack("v", "samples", (-1, ndim))), ("samples_u", stack("u", "samples_u", (-1, ndim))),
        ("samples_id", np.concatenate([np.asarray(dead["id"], dtype=int), seg["samples_id"]])),
        ("samples_it", np.concatenate([np.asarray(dead["it"], dtype=int), it_offset + seg["samples_it"]])),
        ("blob", np.array([None] * (n_prev + n_seg), dtype=object)),
        ("logwt", logwt), ("logl", logl), ("logvol", logvol), ("logz", logz),
        ("logzerr", np.sqrt(np.maximum(logzvar, 0.0))), ("information", h),
    ])
    if checkpoint is not None:
        checkpoint.clear()
    return results


def resampled_logz_error(results, rng: np.random.Generator, n: int = RESAMPLE_REALIZATIONS) -> float:
    """Scatter of ln Z over `n` simulated realizations of the run: each bootstraps the run's threads
    (dynesty.utils.resample_run: sampling error) and draws new prior volumes (jitter_run: statistical
    error of the volumes). Higson et al., Stat. Comput. 29 (2019) 891; dynesty docs, "Errors". The
    single-run `logzerr` of dynesty is known to underestimate the run-to-run scatter in some cases; this
    is the error `globalfit compare` uses."""
    logz = [engines.jitter_run(engines.resample_run(results, rstate=rng), rstate=rng)["logz"][-1] for _ in range(n)]
    return float(np.std(logz, ddof=1))


def logz_error(results, s, seed: int) -> dict:
    """The ln Z error a run reports (`logzerr_reported`, what `globalfit compare` uses) and how it was obtained.

    Static runs: Skilling's √(H/n_live) (H the information in nats; Skilling 2006, Bayesian Analysis 1, 833, §9),
    which costs nothing. Measured against the scatter of ln Z over 10 seeds (benchmarks/bench_evidence.py): a 2-D
    Gaussian, n_live = 500: scatter 0.062, √(H/n) 0.073, the resampled error 0.111, dynesty's 0.095; 9-D, n_live =
    300 (random slices): 0.218, 0.222, 0.303, 0.263 — the resampling overstated the error by 1.4–1.8× and took
    15–65% of a run. Dynamic runs (n_live varies between batches): the resampled scatter, as before.
    """
    if not s.dynamic:
        err = float(np.sqrt(max(float(results["information"][-1]), 0.0) / s.nlive))
        return {"logzerr_reported": err, "logzerr_skilling": err, "logzerr_method": "skilling: sqrt(H/n_live)"}
    err = resampled_logz_error(results, np.random.default_rng([seed, 1]))
    return {"logzerr_reported": err, "logzerr_resampled": err, "logzerr_realizations": RESAMPLE_REALIZATIONS,
            "logzerr_method": f"scatter of {RESAMPLE_REALIZATIONS} resampled + jittered realizations"}


def run_dynesty(posterior, s, seed: int, progress: bool = True, checkpoint=None) -> SamplerResult:
    """Run dynesty with the card's settings `s` (dynamic, nlive, dlogz, bound, sample, ...). Static runs
    are checkpointed through `checkpoint` (see _run_static); dynamic runs cannot be resumed."""
    rng = np.random.default_rng(seed)

    def loglike(x):
        return float(posterior.log_likelihood(x[None, :])[0])

    periodic = posterior.space.periodic_indices() or None

    def prior_transform(u):
        u = np.array(u, dtype=float)
        if periodic:
            u[periodic] = np.mod(u[periodic], 1.0)  # dynesty may propose periodic coordinates outside [0, 1)
        return posterior.prior_transform(u[None, :])[0]

    common = {"ndim": posterior.ndim, "bound": s.bound, "sample": s.sample, "rstate": rng, "periodic": periodic}
    pool = None
    if s.sample == "auto":
        # uniform sampling in the bounding ellipsoids is efficient in few dimensions; above
        # AUTO_UNIF_MAX_DIM its efficiency collapses on posteriors with flat directions (phases, masses below
        # the sensitivity) or thin curved ridges (texture relations): random-direction slice sampling is
        # robust there. Both are evaluated in vectorized batches (globalfit.samplers.batch).
        common["sample"] = "unif" if posterior.ndim <= AUTO_UNIF_MAX_DIM else "rslice"
    if s.batch > 1:
        # the initial live points and every queue of proposals are evaluated in vectorized batches
        # (globalfit.samplers.batch: unif and rslice; rwalk and slice stay serial)
        pool = VectorizedPool(posterior, s.batch, periodic)
        common.update(pool=pool, queue_size=s.batch,
                      use_pool={"prior_transform": True, "loglikelihood": True, "propose_point": True,
                                "update_bound": False})
    if s.dynamic:
        if checkpoint is not None and checkpoint.exists() and checkpoint.resume:
            raise RunError(f"{checkpoint.dir}: dynamic nested sampling cannot be resumed from a checkpoint "
                           "(static runs and emcee can); start it again without --resume")
        sampler = engines.DynamicNestedSampler(loglike, prior_transform, **common)
        with interrupts.immediate("dynamic nested sampling writes no checkpoint; start the run again"):
            sampler.run_nested(nlive_init=s.nlive, dlogz_init=s.dlogz, nlive_batch=s.nlive_batch,
                               maxbatch=s.maxbatch, n_effective=s.n_effective, maxcall=s.maxcall,
                               print_progress=progress is True)
        res = sampler.results
    else:
        res = _run_static(posterior, s, loglike, prior_transform, common, progress, checkpoint)
    logwt = np.asarray(res["logwt"], dtype=float)
    logz = float(res["logz"][-1])
    log_weight = logwt - logz
    log_weight -= np.logaddexp.reduce(log_weight)  # normalise exactly
    w = np.exp(log_weight)
    n_eff = float(1.0 / np.sum(w * w))
    stats = {
        "niter": int(res["niter"]),
        "efficiency_percent": float(res["eff"]),
        "n_effective": n_eff,
        "information_nats": float(res["information"][-1]),
        "nlive": s.nlive,
        "batches": int(len(np.unique(res["samples_batch"]))) if s.dynamic else 1,
        "sample": common["sample"],
        "vectorized_calls": pool.batches if pool else 0,
        "mean_batch_size": (pool.points / pool.batches) if pool and pool.batches else 1.0,
    }
    stats.update(logz_error(res, s, seed))
    warnings = []
    if s.maxcall is not None and int(np.sum(res["ncall"])) >= s.maxcall and not s.dynamic:
        warnings.append(f"stopped at maxcall = {s.maxcall} likelihood calls before reaching dlogz; ln Z is biased low.")
    return SamplerResult(
        "dynesty", "nested", np.asarray(res["samples"], dtype=float), s.model_dump(), posterior.ncall,
        log_weight=log_weight, logl=np.asarray(res["logl"], dtype=float), logz=logz,
        logzerr=float(res["logzerr"][-1]), stats=stats, warnings=warnings,
    )
