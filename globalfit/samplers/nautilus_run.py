"""nautilus driver: importance nested sampling with neural-network-boosted bounds (Lange 2023, MNRAS 525, 3181;
arXiv:2306.16923).

The prior is the posterior's unit-cube transform and the likelihood its batch log-likelihood (``vectorized=True``);
periodic parameters are passed as ``periodic``. The seed is nautilus's ``seed`` (its own numpy Generator; the
networks are trained single-threaded with seeds drawn from it), so the same card and seed give identical runs.

ln Z is nautilus's importance-sampling estimate. nautilus reports no error on it; the error stored is 1/√N_eff
with N_eff nautilus's effective sample size, an empirical rule (its author's, johannesulf/nautilus issue 52), not a
derived variance: the importance-sampling part of the error alone is only 0.2–0.5 of the scatter over seeds, most
of it comes from the estimated shell volumes. Measured against the scatter of ln Z over 10 seeds (1000 live points,
benchmarks/bench_evidence.py) 1/√N_eff is 1.06–1.38× the scatter in 2–5 dimensions and 1.8–1.9× on the 10-D
Gaussian and the 4-D problem with a flat direction: conservative, never below.
With ``discard_exploration`` (the default here) the points of the exploration phase are dropped, which the
nautilus documentation requires for an unbiased ln Z and posterior.

Checkpoints: nautilus writes its state to <run>/checkpoint/nautilus.h5 (HDF5, after every batch of points) and
`--resume` continues from it (nautilus's ``resume``). MPI: no MPI of its own; under `mpiexec` globalfit splits
each vectorized batch of likelihoods over the ranks (globalfit.parallel), as for dynesty.
"""
from __future__ import annotations

import numpy as np

from globalfit.samplers import engines, external

STATE_FILE = "nautilus.h5"


def run_nautilus(posterior, s, seed: int, progress: bool | str = True, checkpoint=None):
    """Run nautilus with the card's settings `s` (globalfit.card.NautilusSettings)."""
    version = engines.require_engine("nautilus")
    from nautilus import Sampler

    resuming = external.start(checkpoint, "nautilus", [STATE_FILE])
    filepath = str(checkpoint.dir / STATE_FILE) if checkpoint is not None else None
    loglike = external.Likelihood(posterior, "nautilus", progress, checkpoint)
    periodic = posterior.space.periodic_indices() or None

    def prior(u):
        return posterior.prior_transform(np.atleast_2d(np.asarray(u, dtype=float)))

    sampler = Sampler(prior, loglike, n_dim=posterior.ndim, n_live=s.n_live, n_networks=s.n_networks,
                      n_batch=s.n_batch, periodic=periodic, vectorized=True, seed=seed, filepath=filepath,
                      resume=resuming)
    try:
        success = sampler.run(f_live=s.f_live, n_eff=s.n_eff, discard_exploration=s.discard_exploration,
                              n_like_max=np.inf if s.n_like_max is None else s.n_like_max, verbose=False)
    finally:
        loglike.report.close()
    theta, log_w, logl = sampler.posterior()
    n_eff = float(sampler.n_eff)
    warnings = []
    if not success:
        warnings.append(f"stopped at n_like_max = {s.n_like_max} likelihood calls before reaching n_eff = {s.n_eff} "
                        f"(reached {n_eff:.0f}); ln Z and its error are less precise than asked.")
    stats = {
        "version": version, "n_eff_nautilus": n_eff, "eta": float(sampler.eta),
        "nlive": s.n_live, "vectorized_calls": loglike.calls,
        "mean_batch_size": loglike.points / loglike.calls if loglike.calls else 0.0,
        "efficiency_percent": 100.0 * n_eff / max(int(sampler.n_like), 1),
        "logzerr_method": "1/sqrt(n_eff), empirical (1.1-1.9x the scatter over seeds)",
        "resumed": int(resuming),  # netCDF attributes hold no booleans
    }
    if checkpoint is not None:
        checkpoint.clear()
    return external.nested_result("nautilus", theta, log_w, logl, sampler.log_z, 1.0 / np.sqrt(max(n_eff, 1.0)),
                                  s.model_dump(), int(sampler.n_like), stats, warnings)
