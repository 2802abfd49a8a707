"""nautilus driver: importance nested sampling with neural-network-boosted bounds (Lange 2023, MNRAS 525, 3181;
arXiv:2306.16923).

The prior is the posterior's unit-cube transform and the likelihood its batch log-likelihood (``vectorized=True``);
periodic parameters are passed as ``periodic``. The seed is nautilus's ``seed`` (its own numpy Generator; the
networks are trained single-threaded with seeds drawn from it), so the same card and seed give identical runs.

ln Z is nautilus's importance-sampling estimate, Ẑ = Σ_i V̂_i L̄_i over its shells i (L̄_i the mean likelihood of
the shell's points, V̂_i its volume). nautilus reports no error on it; the error stored (`logz_error`) is propagated
from the four estimates Ẑ is made of, each a count or a mean of independent draws: the shell's fraction of its
bound's draws (binomial), the bound's acceptance inside its outer ellipsoids (binomial), the outer union's overlap
correction (binomial) and L̄_i (importance sampling, 1/N_eff,i − 1/n_i). Measured against the scatter of ln Z over 10
seeds (1000 live points; benchmarks/bench_evidence.py, docs/samplers.md) it is 0.84–1.43× the scatter on seven
problems of known evidence (the two highest, gauss10 and flat4, 1.10× and 1.01× over 20 seeds). The rule of thumb
1/√N_eff (its author's, johannesulf/nautilus issue 52) was 1.8–1.9× the scatter on the 10-D Gaussian and the 4-D
problem with a flat direction; it is kept in the run's statistics.
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
        "logzerr_method": "propagated: shell fractions, bound volumes, importance sampling (0.84-1.43x the scatter)",
        "resumed": int(resuming),  # netCDF attributes hold no booleans
    }
    if checkpoint is not None:
        checkpoint.clear()
    err, parts = logz_error(sampler, s.discard_exploration)
    stats.update({f"logzerr_{k}": v for k, v in parts.items()}, logzerr_neff=1.0 / np.sqrt(max(n_eff, 1.0)))
    return external.nested_result("nautilus", theta, log_w, logl, sampler.log_z, err, s.model_dump(),
                                  int(sampler.n_like), stats, warnings)


def logz_error(sampler, discard_exploration: bool) -> tuple[float, dict[str, float]]:
    """(σ(ln Ẑ), the four parts of its variance) of a finished nautilus run (module docstring).

    Ẑ = Σ_i V(B_i) f_i L̄_i: V(B_i) = V(union of ellipsoids)·q_i·p_i, with q_i the union's overlap correction and p_i
    the bound's acceptance (fractions of `n_sample` draws, `n_reject` rejected), f_i = n_i/N_i the fraction of the N_i
    draws from bound i that fall in shell i (after the exploration phase when it is discarded), and L̄_i the mean
    likelihood of those n_i points. To first order, with z_i = V̂_i L̄_i / Ẑ the shell's share of the evidence,
    var ln Ẑ = Σ_i z_i² [(1 − f_i)/(N_i f_i) + (1 − p_i)/(M_i p_i) + (1 − q_i)/(K_i q_i) + 1/N_eff,i − 1/n_i]
    (binomial variances of the log-fractions, M_i and K_i the draws behind p_i and q_i; N_eff,i = (Σ L)²/Σ L² over
    the shell's points). Uses nautilus's documented Sampler and bound attributes."""
    n = np.asarray(sampler.shell_n, dtype=float)
    drawn = np.asarray(sampler.shell_n_sample, dtype=float)
    if discard_exploration and sampler.explored:
        drawn = drawn - np.asarray(sampler.shell_n_sample_exp, dtype=float)
    use = n > 0
    if not use.any():  # no shell holds a point: nothing to estimate Ẑ from
        return float("inf"), {}
    share = np.asarray(sampler.shell_log_l, dtype=float)[use] + np.asarray(sampler.shell_log_v, dtype=float)[use]
    z2 = np.exp(2.0 * (share - np.logaddexp.reduce(share)))
    bounds = [b for b, u in zip(sampler.bounds, use) if u]
    parts = {
        "shell_fraction": _fraction_variance(n[use], drawn[use]),
        "bound_acceptance": _fraction_variance(*_accepted(bounds)),
        "overlap": _fraction_variance(*_accepted([getattr(b, "outer_bound", None) for b in bounds])),
        "importance": np.maximum(1.0 / np.asarray(sampler.shell_n_eff, dtype=float)[use] - 1.0 / n[use], 0.0),
    }
    parts = {k: float(np.sum(z2 * v)) for k, v in parts.items()}
    return float(np.sqrt(sum(parts.values()))), parts


def _accepted(bounds: list) -> tuple[np.ndarray, np.ndarray]:
    """(draws accepted, draws) of each bound's volume estimate; (0, 0) where the volume is exact (the unit cube, a
    single ellipsoid)."""
    drawn = np.array([float(getattr(b, "n_sample", 0) or 0) for b in bounds])
    rejected = np.array([float(getattr(b, "n_reject", 0) or 0) for b in bounds])
    return drawn - rejected, drawn


def _fraction_variance(hits: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Binomial variance of ln(hits/draws), (1 − f)/(draws f) with f = hits/draws; 0 where there are no draws."""
    hits, draws = np.asarray(hits, dtype=float), np.asarray(draws, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = (draws - hits) / (hits * draws)
    return np.where((draws > 0) & (hits > 0), var, 0.0)
