"""emcee driver: vectorized affine-invariant ensemble sampling (Foreman-Mackey et al. 2013, arXiv:1202.3665).

The walkers move in the unit cube u ∈ (0, 1)^d of the prior transform θ = T(u) (the inverse prior CDF),
where the prior is uniform and the target density is L(T(u)). This is the same posterior as p(θ) L(θ) in
θ, but log-uniform priors spanning decades, which would crowd every walker at the lower edge in θ, become
flat directions the ensemble moves explore well. Chains are stored in θ (card units).
"""
from __future__ import annotations

import sys

import numpy as np

from globalfit.errors import RunError
from globalfit.samplers import SamplerResult, engines
from globalfit.samplers import checkpoint as _ckpt
from globalfit.samplers.progress import Progress

_INIT_TRIES = 100


class _UnitCubeTarget:
    """log L(T(u)) for u inside the open unit cube, −inf outside; vectorized over rows of u."""

    def __init__(self, posterior):
        self.posterior = posterior

    def __call__(self, u: np.ndarray) -> np.ndarray:
        u = np.atleast_2d(u)
        out = np.full(u.shape[0], -np.inf)
        inside = np.all((u > 0.0) & (u < 1.0), axis=1)
        if inside.any():
            out[inside] = self.posterior.log_likelihood(self.posterior.prior_transform(u[inside]))
        return out


def initial_positions(target, walkers: int, ndim: int, rng: np.random.Generator) -> np.ndarray:
    """Walkers drawn from the prior (uniform in the unit cube), redrawn until each has a finite target."""
    u = rng.random((walkers, ndim))
    lp = target(u)
    for _ in range(_INIT_TRIES):
        bad = ~np.isfinite(lp)
        if not bad.any():
            return u
        u[bad] = rng.random((int(bad.sum()), ndim))
        lp[bad] = target(u[bad])
    raise RunError(f"could not find {walkers} prior draws with a finite posterior after {_INIT_TRIES} tries; "
                   "the prior box is mostly outside the model's domain")


def run_emcee(posterior, s, seed: int, progress: bool = True, checkpoint=None) -> SamplerResult:
    """Run emcee with the card's settings `s` (walkers, steps, burn, thin, moves). With a Checkpointer the
    chain, the log-probabilities, the acceptance counts and the RNG state are saved periodically; a resumed
    run continues from the saved state and gives exactly the chain of an uninterrupted run."""
    rng = np.random.default_rng(seed)
    target = _UnitCubeTarget(posterior)
    moves = None if s.moves == "stretch" else engines.de_moves()

    def check(arrays, state):
        n = int(state.get("iteration", -1))
        _ckpt.require(state.get("kind") == "emcee", f"kind {state.get('kind')!r}, expected 'emcee'")
        _ckpt.require(0 < n <= s.steps, f"iteration {n} outside 1..{s.steps}")
        _ckpt.require(arrays["chain_u"].shape == (n, s.walkers, posterior.ndim),
                      f"chain shape {arrays['chain_u'].shape} for {n} steps of {s.walkers} walkers")
        _ckpt.require(arrays["log_prob"].shape == (n, s.walkers), f"log_prob shape {arrays['log_prob'].shape}")
        _ckpt.require(arrays["accepted"].shape == (s.walkers,), f"accepted shape {arrays['accepted'].shape}")

    loaded = checkpoint.load(check) if checkpoint is not None else None
    if loaded is not None:
        arrays, state = loaded
        done = int(state["iteration"])
        backend = engines.memory_backend(s.walkers, posterior.ndim, arrays["chain_u"], arrays["log_prob"],
                                         arrays["accepted"])
        start = engines.State(arrays["chain_u"][-1], log_prob=arrays["log_prob"][-1],
                              random_state=_ckpt.randomstate_from_json(state["random_state"]))
        posterior.ncall += int(state["ncall"])
    else:
        done = 0
        backend = engines.memory_backend(s.walkers, posterior.ndim)
        start = initial_positions(target, s.walkers, posterior.ndim, rng)
    sampler = engines.EnsembleSampler(s.walkers, posterior.ndim, target, vectorize=True, moves=moves,
                                      backend=backend)
    if loaded is None:
        sampler.random_state = np.random.RandomState(seed).get_state()  # emcee's internal RNG: reproducible

    def save():
        checkpoint.save(engines.backend_arrays(backend),
                        {"kind": "emcee", "iteration": sampler.iteration, "ncall": posterior.ncall,
                         "random_state": _ckpt.randomstate_to_json(sampler.random_state)})

    report = Progress(progress)
    bar = progress is True  # emcee's own progress bar on a terminal; lines otherwise
    for _ in sampler.sample(start, iterations=s.steps - done, progress=bar,
                            progress_kwargs={"file": sys.stderr, "desc": "emcee"}):
        if not bar:
            report.update(f"emcee: step {sampler.iteration}/{s.steps}, "
                          f"acceptance {float(np.mean(sampler.acceptance_fraction)):.2f}")
        if checkpoint is not None and checkpoint.due():
            save()
            checkpoint.after_save()
    chain_u = sampler.get_chain(discard=s.burn, thin=s.thin)  # (draws, walkers, d)
    nd, nw, d = chain_u.shape
    theta = posterior.prior_transform(chain_u.reshape(-1, d)).reshape(nd, nw, d)
    theta = np.ascontiguousarray(np.swapaxes(theta, 0, 1))  # (walkers, draws, d)
    tau = sampler.get_autocorr_time(discard=s.burn, quiet=True, tol=0)
    kept = s.steps - s.burn
    warnings = []
    tau_max = float(np.nanmax(tau)) if np.size(tau) else float("nan")
    if not np.isfinite(tau_max) or kept < 50 * tau_max:
        warnings.append(
            f"chain too short: {kept} steps after burn-in, but 50 × the largest autocorrelation time "
            f"(τ = {tau_max:.1f}) is {50 * tau_max:.0f}; estimates of τ and of the posterior are unreliable. "
            "Increase sampler.emcee.steps.")
    if s.burn < 2 * tau_max:
        warnings.append(f"burn-in ({s.burn} steps) is shorter than 2τ = {2 * tau_max:.0f}; "
                        "increase sampler.emcee.burn.")
    acc = sampler.acceptance_fraction
    if np.mean(acc) < 0.1:
        warnings.append(f"low mean acceptance fraction {np.mean(acc):.3f}; the posterior may be multimodal or "
                        "narrow; try sampler.emcee.moves: de or the dynesty sampler.")
    stats = {
        "acceptance_fraction": acc.tolist(),
        "mean_acceptance_fraction": float(np.mean(acc)),
        "autocorr_time": dict(zip(posterior.names, map(float, tau))),
        "steps_after_burn": kept,
        "coordinates": "unit cube of the prior transform",
    }
    return SamplerResult("emcee", "mcmc", theta, s.model_dump(), posterior.ncall, stats=stats, warnings=warnings)
