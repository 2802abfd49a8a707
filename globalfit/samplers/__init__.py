"""Sampler drivers. Each takes a Posterior, the sampler settings and a seed, and returns a SamplerResult."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class SamplerResult:
    """What a sampler produced, before derived quantities are attached (globalfit.chains)."""

    sampler: str  # "emcee" | "dynesty" | "ultranest" | "nautilus" | "lockstep"
    kind: str  # "mcmc" | "nested"
    theta: np.ndarray  # mcmc: (chains, draws, d) after burn-in/thinning; nested: (n, d), all dead + live points
    settings: dict
    ncall: int  # likelihood evaluations (points) during sampling
    log_weight: np.ndarray | None = None  # nested: normalised log importance weights, (n,)
    logl: np.ndarray | None = None  # nested: log L of each sample, (n,)
    logz: float | None = None
    logzerr: float | None = None
    stats: dict = field(default_factory=dict)  # diagnostics (acceptance, τ, efficiency, ...)
    warnings: list[str] = field(default_factory=list)


def run(posterior, settings, seed: int, progress: bool = True, checkpoint=None) -> SamplerResult:
    """Run the sampler named in `settings` (globalfit.card.SamplerSettings); `checkpoint` is an optional
    globalfit.samplers.checkpoint.Checkpointer."""
    if settings.name == "auto" or settings.target_dlnz is not None:
        from globalfit.samplers.auto import plan

        settings, pilot = plan(posterior, settings, seed, progress)
        result = run(posterior, settings, seed, progress, checkpoint)
        result.stats.update(pilot)
        return result
    if settings.name == "emcee":
        from globalfit.samplers.mcmc import run_emcee

        result = run_emcee(posterior, settings.emcee, seed, progress, checkpoint)
        if checkpoint is not None:
            checkpoint.clear()
        return result
    if settings.name == "ultranest":
        from globalfit.samplers.ultranest_run import run_ultranest

        return run_ultranest(posterior, settings.ultranest, seed, progress, checkpoint)
    if settings.name == "nautilus":
        from globalfit.samplers.nautilus_run import run_nautilus

        return run_nautilus(posterior, settings.nautilus, seed, progress, checkpoint)
    if settings.name == "lockstep":
        from globalfit.samplers.lockstep import run_lockstep

        return run_lockstep(posterior, settings.lockstep, seed, progress, checkpoint)
    from globalfit.samplers.nested import run_dynesty

    return run_dynesty(posterior, settings.dynesty, seed, progress, checkpoint)
