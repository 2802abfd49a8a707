"""Run a card end to end: build the posterior, sample, store the run directory."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from globalfit import rundir, samplers
from globalfit.card import Card
from globalfit.chains import Run, load_run, write_run
from globalfit.errors import RunError
from globalfit.posterior import Posterior

DOMAIN_CHECK_DRAWS = 20000
FAILED_FILE = "failed.json"


def domain_fraction(posterior: Posterior, seed: int, n: int = DOMAIN_CHECK_DRAWS) -> float:
    """Fraction of prior draws at which the posterior is finite (inside the model's domain)."""
    u = np.random.default_rng([seed, 7]).random((n, posterior.ndim))
    ok = np.isfinite(posterior.log_prob(posterior.prior_transform(u)))
    posterior.ncall = 0
    posterior.n_outside = 0
    return float(ok.mean())


def run_card(card: Card, out: str | Path | None = None, progress: bool | str | None = None,
             log=None, command: list[str] | None = None, resume: bool = False, force: bool = False) -> Run | None:
    """Sample the card's posterior with its sampler, write the run directory and return the stored run (a Run,
    read back from the directory: path-like, with summary(), corner(), evidence and posterior).

    The directory is locked for the run (a second writer is refused); a finished run or a checkpoint in it
    is not overwritten unless `force` (globalfit.rundir). Checkpoints go to <out>/checkpoint every
    `sampler.checkpoint_every` seconds and on SIGTERM/SIGINT (then Interrupted is raised); with `resume` the
    run continues from the checkpoint (refused if the card differs; a finished run is left as it is).
    `progress`: True (live status line), False, or a label (a status line every few seconds, for runs in the
    background). Under `mpiexec -n N` (N > 1) rank 0 samples and writes, the other ranks evaluate batches of
    likelihoods (globalfit.parallel) and return None.
    """
    from globalfit import interrupts, parallel

    out = Path(out or card.output)
    log = log or sys.stderr
    try:
        posterior = Posterior(card)
    except interrupts.Interrupted as exc:
        raise interrupts.Interrupted(f"{exc} while reading the data, before sampling began (nothing to resume)",
                                     exc.signum) from None
    comm = parallel.world()
    if comm is not None and comm.Get_size() > 1:
        if comm.Get_rank() != 0:
            parallel.serve(posterior, comm)
            return None
        posterior = parallel.DistributedPosterior(posterior, comm)
    try:
        with rundir.lock(out):
            found = rundir.prepare(out, resume, force)
            if resume and found == "finished":
                print(f"globalfit: {out} holds a finished run of '{card.name}'; nothing to resume", file=log)
                return load_run(out)
            print(f"globalfit: run '{card.name}' with {card.sampler.name}, {posterior.ndim} sampled parameter(s) "
                  f"({', '.join(posterior.names)}), likelihoods: {', '.join(posterior.plugins)}; seed {card.seed}",
                  file=log)
            return _run(card, out, posterior, progress, log, command, resume)
    finally:
        if isinstance(posterior, parallel.DistributedPosterior):
            posterior.close()


def _run(card, out, posterior, progress, log, command, resume) -> Run:
    from globalfit import interrupts
    from globalfit.samplers.checkpoint import Checkpointer

    show = card.sampler.progress if progress is None else progress
    try:
        frac = domain_fraction(posterior, card.seed)
    except interrupts.Interrupted as exc:
        raise interrupts.Interrupted(f"{exc} before sampling began (nothing to resume)", exc.signum) from None
    if frac == 0.0:
        hint = card.model.plugin.domain_hint(card.model.options)
        reason = (f"none of {DOMAIN_CHECK_DRAWS} prior draws lies inside the model's domain"
                  + (f" ({hint})" if hint else "") + "; nothing to sample")
        out.mkdir(parents=True, exist_ok=True)
        for f in ("posterior.nc", "manifest.json"):
            (out / f).unlink(missing_ok=True)
        (out / FAILED_FILE).write_text(json.dumps({"card": card.name, "reason": reason}, indent=2) + "\n")
        (out / "card.yaml").write_text(card.to_yaml(), encoding="utf-8")
        raise RunError(f"{card.name}: {reason}")
    if frac < 0.01:
        print(f"globalfit: only {100 * frac:.2g}% of the prior volume is inside the model's domain", file=log)
    ckpt = Checkpointer(out / "checkpoint", card, posterior.names, card.sampler.checkpoint_every, resume, log=log)
    if resume and not ckpt.exists():
        print(f"globalfit: no checkpoint in {ckpt.dir}; starting from the beginning", file=log)
    every = f"every {card.sampler.checkpoint_every:g} s and " if card.sampler.checkpoint_every > 0 else ""
    t0, cpu0 = time.perf_counter(), time.process_time()
    with ckpt:  # from here a signal writes a checkpoint before the run stops
        print(f"globalfit: sampling; checkpoints to {ckpt.dir} {every}on SIGINT/SIGTERM", file=log, flush=True)
        result = samplers.run(posterior, card.sampler, card.seed, progress=show, checkpoint=ckpt)
    result.stats["points_outside_domain"] = int(posterior.n_outside)
    result.stats["prior_fraction_in_domain"] = frac
    result.stats["cpu_time_s"] = round(time.process_time() - cpu0, 3)  # this process's (rank 0 under MPI)
    wall = time.perf_counter() - t0
    for w in result.warnings:
        print(f"WARNING: {w}", file=log)
    with interrupts.deferred(done=f"after the run was complete and written to {out}"):
        (out / FAILED_FILE).unlink(missing_ok=True)
        write_run(out, card, posterior, result, wall, command)
    err = result.stats.get("logzerr_reported", result.logzerr)
    extra = f", ln Z = {result.logz:.3f} ± {err:.3f}" if result.logz is not None else ""
    print(f"globalfit: {result.ncall} likelihood calls in {wall:.1f} s{extra}; wrote {out}/", file=log)
    return load_run(out)
