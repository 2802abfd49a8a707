"""`sampler.name: auto` and `sampler.target_dlnz`: the engine and the number of live points chosen for the card.

Engine. `auto` runs globalfit's lockstep nested sampler (globalfit.samplers.lockstep) with `proposal: auto` (unless
the card sets one): in up to REGION_MAX_DIM = 6 dimensions and REGION_MAX_LIVE = 2500 live points new points come
from the friends region (globalfit.samplers.region) while it costs fewer calls per point than slice chains,
otherwise from max(10, 2d) random-direction slices per point. benchmarks/bench_samplers.py measures why: on the 2-D
Z′ fit, the 9-D ordering fit and a 12-D Gaussian it reaches the same real ln Z accuracy as static dynesty and
UltraNest at several times less CPU, and its reported error follows the scatter over seeds on every problem of
benchmarks/bench_evidence.py (Gaussians in 2–20 D, bimodal, banana, shell, flat direction).

Live points. The ln Z error of nested sampling falls as 1/√n_live (Skilling 2006: σ² ≈ H/n_live). With a target error
σ*, a pilot run with PILOT_NLIVE live points (same engine, its own seed stream) measures σ_p, and the run uses
n = ⌈PILOT_NLIVE (σ_p/σ*)²⌉ live points, within [MIN_NLIVE, MAX_NLIVE]. The pilot's calls are part of the run's cost
(counted in `ncall`); its figures are stored in the run's statistics.
"""
from __future__ import annotations

import math
import sys

import numpy as np

PILOT_NLIVE = 100
MIN_NLIVE = 50
MAX_NLIVE = 20000


def _engine_block(settings) -> tuple[str, object]:
    if settings.name != "auto":
        return settings.name, getattr(settings, settings.name)
    block = settings.lockstep
    return "lockstep", block if block.proposal else block.model_copy(update={"proposal": "auto"})


def live_points_for(target: float, pilot_nlive: int, pilot_error: float) -> int:
    """n_live giving the ln Z error `target`, from a pilot with `pilot_nlive` live points and error `pilot_error`
    (σ ∝ 1/√n_live)."""
    n = math.ceil(pilot_nlive * (pilot_error / target) ** 2)
    return int(min(max(n, MIN_NLIVE), MAX_NLIVE))


def plan(posterior, settings, seed: int, progress) -> tuple[object, dict]:
    """(settings with the engine and its live points fixed, statistics of the choice for the run's manifest)."""
    from globalfit.samplers import run

    name, block = _engine_block(settings)
    stats: dict = {"engine_chosen_by": "auto" if settings.name == "auto" else "card"}
    if settings.target_dlnz is not None:
        stats["target_dlnz"] = settings.target_dlnz
        pilot_block = block.model_copy(update={"nlive": PILOT_NLIVE})
        pilot_settings = settings.model_copy(update={"name": name, "target_dlnz": None, name: pilot_block})
        pilot_seed = int(np.random.SeedSequence([seed, 17]).generate_state(1)[0])
        pilot = run(posterior, pilot_settings, pilot_seed, progress=False)
        error = float(pilot.stats.get("logzerr_reported", pilot.logzerr))
        nlive = live_points_for(settings.target_dlnz, PILOT_NLIVE, error)
        block = block.model_copy(update={"nlive": nlive})
        stats.update(pilot_nlive=PILOT_NLIVE, pilot_logz=pilot.logz, pilot_logzerr=error, pilot_ncall=pilot.ncall,
                     nlive_chosen=nlive)
        if progress:
            print(f"globalfit: {name}: a pilot with {PILOT_NLIVE} live points gives ln Z = {pilot.logz:.2f} ± "
                  f"{error:.3f}; {nlive} live points for a target error of {settings.target_dlnz:g}", file=sys.stderr)
    chosen = settings.model_copy(update={"name": name, "target_dlnz": None, name: block})
    return chosen, stats
