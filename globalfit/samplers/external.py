"""What the drivers of the external nested samplers (UltraNest, nautilus) share: the vectorized likelihood with
signal polling and progress, the checkpoint marker that ties an engine's own resume files to the card, and the
SamplerResult of a weighted sample.

The engines write their own resume files (UltraNest's log_dir, nautilus's HDF5 file) into <run>/checkpoint/.
Beside them globalfit writes its usual state.npz without arrays — the card hash, parameter order and the engine
— so `--resume` with a different card is refused with a diff, exactly as for dynesty and emcee.
"""
from __future__ import annotations

import numpy as np

from globalfit import interrupts
from globalfit.errors import RunError
from globalfit.samplers import SamplerResult
from globalfit.samplers import checkpoint as _ckpt
from globalfit.samplers.progress import Progress

#: ln L given to an engine for points outside the model's domain (UltraNest's own substitute for non-finite values)
LOGL_FLOOR = -1e100


def start(checkpoint, kind: str, files: list[str], resumable: bool = True) -> bool:
    """Prepare the checkpoint directory for an engine that keeps its own resume files (`files`, names in it).
    Returns True when this run continues a checkpoint (validated against the card: CardError on a different
    card), False for a fresh start (old engine files removed, the marker written)."""
    if checkpoint is None:
        return False
    if checkpoint.resume and checkpoint.exists():
        if not resumable:
            raise RunError(f"{checkpoint.dir}: {kind} runs cannot be resumed from a checkpoint; start it again "
                           "without --resume (or with --force)")

        def check(arrays, state):
            _ckpt.require(state.get("kind") == kind, f"kind {state.get('kind')!r}, expected {kind!r}")
        checkpoint.load(check)
        return True
    checkpoint.dir.mkdir(parents=True, exist_ok=True)
    for name in files:
        path = checkpoint.dir / name
        if path.is_dir():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    if resumable:
        checkpoint.save({}, {"kind": kind})
    return False


class Likelihood:
    """The posterior's batch log-likelihood for an engine: non-finite values → LOGL_FLOOR, a progress line, and
    at a pending SIGINT/SIGTERM (inside the checkpointer's deferred block) Interrupted — the engine's resume
    file then holds the state before this batch."""

    def __init__(self, posterior, engine: str, progress: bool | str, checkpoint=None, resumable: bool = True):
        self.posterior = posterior
        self.engine = engine
        self.report = Progress(progress)
        self.checkpoint = checkpoint
        self.resumable = resumable
        self.calls = 0  # vectorized calls
        self.points = 0
        self.max_logl = -np.inf

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        self.stop_if_requested()
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        logl = np.asarray(self.posterior.log_likelihood(theta), dtype=float)
        logl = np.where(np.isfinite(logl), logl, LOGL_FLOOR)
        self.calls += 1
        self.points += len(logl)
        if len(logl):
            self.max_logl = max(self.max_logl, float(logl.max()))
        self.report.update(f"{self.engine}: ncall {self.points} | batches {self.calls} | "
                           f"max ln L {self.max_logl:.3f}")
        return logl

    def stop_if_requested(self) -> None:
        if self.checkpoint is None or interrupts.pending() is None:
            return
        sig = interrupts.take()
        self.report.close()
        where = (f"{self.engine}'s resume files are in {self.checkpoint.dir}; continue with `globalfit run ... "
                 "--resume`") if self.resumable else f"{self.engine} runs cannot be resumed; start the run again"
        raise interrupts.Interrupted(f"stopped by {interrupts.signal_name(sig)}; {where}", sig)


def nested_result(engine: str, theta: np.ndarray, log_weight: np.ndarray, logl: np.ndarray, logz: float,
                  logzerr: float, settings: dict, ncall: int, stats: dict, warnings: list[str]) -> SamplerResult:
    """SamplerResult of a weighted sample (log weights normalised here), with the effective sample size."""
    log_weight = np.asarray(log_weight, dtype=float)
    log_weight = log_weight - np.logaddexp.reduce(log_weight)
    w = np.exp(log_weight)
    stats = {"engine": engine, "n_effective": float(1.0 / np.sum(w * w)), **stats}
    return SamplerResult(engine, "nested", np.asarray(theta, dtype=float), settings, int(ncall),
                         log_weight=log_weight, logl=np.asarray(logl, dtype=float), logz=float(logz),
                         logzerr=float(logzerr), stats=stats, warnings=warnings)
