"""UltraNest driver: reactive nested sampling with MLFriends regions (Buchner 2021, JOSS 6, 3001;
arXiv:2101.09604; Buchner 2016, Stat. Comput. 26, 383).

The posterior's batch log-likelihood and prior transform are passed with ``vectorized=True``; periodic
parameters are UltraNest's ``wrapped_params``. ln Z is UltraNest's. The error a run reports (`logzerr_reported`) is
√(logzerr_single² + logzerr_tail²): UltraNest's own Skilling estimate √(H/n_live) and its estimate of the evidence
left in the live points. Against the scatter of ln Z over 10 seeds (400 live points, benchmarks/bench_evidence.py;
Gaussians in 2, 5, 10 D, bimodal, banana, shell, flat direction) it is 0.83–1.37× the scatter, where UltraNest's
bootstrapped `logzerr` (kept as the engine's own error) is 1.25–2.3×. On the 4-D problem with a flat direction
UltraNest's ln Z came out 0.11 ± 0.03 low (9 of 10 seeds).

Seed: UltraNest draws from numpy's global RandomState and has no seed argument; the run seeds it from the
card's seed (all 64 bits, through a SeedSequence) and restores the previous global state afterwards. The same
card and seed give identical runs in one environment (tests/test_engines.py).

Checkpoints: UltraNest's log_dir is <run>/checkpoint/ultranest; every evaluated point is stored there (HDF5),
and `--resume` replays them (UltraNest's resume='resume'). A resumed run is a valid run of the same card but not
bit-identical to the uninterrupted one (the replayed points are reused in a different order of work).

MPI: UltraNest parallelises itself with mpi4py when every rank runs the sampler; globalfit's MPI mode runs the
sampler on rank 0 only and splits each vectorized batch of likelihoods over the ranks (globalfit.parallel).
The driver therefore gives UltraNest a one-process communicator, so it never waits on the other ranks, and
the batches are distributed by globalfit as for dynesty; the chains do not depend on the number of ranks.
"""
from __future__ import annotations

import logging

import numpy as np

from globalfit.samplers import engines, external

LOG_DIR = "ultranest"


class _OneProcess:
    """A communicator of size 1 for ReactiveNestedSampler(comm=...): UltraNest then runs serially on this rank."""

    def Get_size(self) -> int:  # noqa: N802 (mpi4py's names)
        return 1

    def Get_rank(self) -> int:  # noqa: N802
        return 0


def run_ultranest(posterior, s, seed: int, progress: bool | str = True, checkpoint=None):
    """Run UltraNest with the card's settings `s` (globalfit.card.UltraNestSettings)."""
    version = engines.require_engine("ultranest")
    from ultranest import ReactiveNestedSampler

    resuming = external.start(checkpoint, "ultranest", [LOG_DIR])
    log_dir = str(checkpoint.dir / LOG_DIR) if checkpoint is not None else None
    loglike = external.Likelihood(posterior, "ultranest", progress, checkpoint)  # its own status line, not UltraNest's
    periodic = posterior.space.periodic_indices()
    wrapped = [i in periodic for i in range(posterior.ndim)] if periodic else None

    def transform(u):
        return posterior.prior_transform(np.asarray(u, dtype=float))

    saved = np.random.get_state()
    np.random.seed(np.random.SeedSequence(seed).generate_state(4))
    logger = logging.getLogger("ultranest")
    level = logger.level
    sampler = None
    try:
        sampler = ReactiveNestedSampler(
            list(posterior.names), loglike, transform, wrapped_params=wrapped, vectorized=True,
            log_dir=log_dir, resume="resume" if resuming else "overwrite", num_test_samples=1,
            ndraw_min=s.ndraw_min, ndraw_max=s.ndraw_max, storage_backend="hdf5", comm=_OneProcess())
        logger.setLevel(logging.WARNING)
        res = sampler.run(
            min_num_live_points=s.min_num_live_points, dlogz=s.dlogz, frac_remain=s.frac_remain,
            min_ess=s.min_ess, max_ncalls=s.max_ncalls, max_num_improvement_loops=s.max_num_improvement_loops,
            show_status=False, viz_callback=False)
    finally:
        loglike.report.close()
        if sampler is not None and hasattr(sampler, "pointstore"):
            sampler.pointstore.close()  # flush the resume file also when stopped by a signal
        np.random.set_state(saved)
        logger.setLevel(level)
    ws = res["weighted_samples"]
    with np.errstate(divide="ignore"):  # points of weight 0 (log L at the floor)
        log_w = np.log(ws["weights"])
    warnings = []
    if s.max_ncalls is not None and int(res["ncall"]) >= s.max_ncalls:
        warnings.append(f"stopped at max_ncalls = {s.max_ncalls} likelihood calls before the convergence "
                        "criteria; ln Z may be biased.")
    stats = {
        "version": version, "niter": int(res["niter"]), "ess": float(res["ess"]),
        "information_nats": float(res["H"]), "information_err": float(res["Herr"]),
        "logzerr_single": float(res["logzerr_single"]), "logzerr_tail": float(res["logzerr_tail"]),
        "logzerr_bootstrap": float(res["logzerr_bs"]),
        "logzerr_reported": float(np.hypot(res["logzerr_single"], res["logzerr_tail"])),
        "logzerr_method": "sqrt(H/n_live) (UltraNest's logzerr_single) with its tail term",
        "insertion_order_test_converged": int(res["insertion_order_MWW_test"]["converged"]),
        "nlive": s.min_num_live_points, "vectorized_calls": loglike.calls,
        "mean_batch_size": loglike.points / loglike.calls if loglike.calls else 0.0,
        "efficiency_percent": 100.0 * len(ws["logl"]) / max(int(res["ncall"]), 1),
        "resumed": int(resuming),  # netCDF attributes hold no booleans
    }
    if checkpoint is not None:
        checkpoint.clear()
    return external.nested_result("ultranest", ws["points"], log_w, ws["logl"], res["logz"],
                                  res["logzerr"], s.model_dump(), int(res["ncall"]), stats, warnings)
