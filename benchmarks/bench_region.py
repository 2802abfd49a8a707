"""The lockstep sampler's region proposal on the example cards: every card of examples/ with at most
REGION_MAX_DIM sampled parameters run with `proposal: slice` and `proposal: auto` (same seed and live points); ln Z ±
reported error, calls, CPU seconds of the sampling (this process, one core) and Δ ln Z / combined error. Printed,
never asserted (docs/samplers.md#region-proposal quotes it).

    python benchmarks/bench_region.py [--nlive 300] [--seed 2] [--cards zprime,singlet] [--smoke]
"""
from __future__ import annotations

import argparse
import math
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from globalfit import samplers, yamlio
from globalfit.card import load_card
from globalfit.posterior import Posterior
from globalfit.samplers.lockstep import REGION_MAX_DIM

ROOT = Path(__file__).resolve().parents[1]


def run(raw: dict, proposal: str, nlive: int, seed: int) -> dict:
    sampler = {"name": "lockstep", "progress": False, "lockstep": {"nlive": nlive, "proposal": proposal}}
    card = load_card({**raw, "seed": seed, "sampler": sampler})
    post = Posterior(card)
    post.log_likelihood(post.prior_transform(np.random.default_rng(0).random((8, post.ndim))))  # one-time set-up
    post.ncall = 0
    t0 = time.process_time()
    res = samplers.run(post, card.sampler, card.seed, progress=False)
    return {"logz": res.logz, "err": res.logzerr, "ncall": res.ncall, "cpu": time.process_time() - t0,
            "region": res.stats["region_iterations"], "iterations": res.stats["iterations"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nlive", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--cards", default="", help="card names without .yaml (default: every example card)")
    ap.add_argument("--smoke", action="store_true", help="40 live points, the default fit only")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    nlive = 40 if args.smoke else args.nlive
    names = ["zprime"] if args.smoke else [c for c in args.cards.split(",") if c]
    paths = [ROOT / "examples" / f"{n}.yaml" for n in names] or sorted((ROOT / "examples").glob("*.yaml"))
    print(f"machine: {platform.processor() or platform.machine()}; {nlive} live points, seed {args.seed}")
    print(f"{'card':<22}{'d':>3}{'slice: ln Z ± err':>22}{'calls':>9}{'CPU':>8}{'auto: ln Z ± err':>22}{'calls':>9}"
          f"{'CPU':>8}{'region its':>12}{'Δ/σ':>7}")
    for path in paths:
        raw = {k: v for k, v in yamlio.load(path).items() if k not in ("variants", "compare")}
        if "likelihoods" not in raw:
            continue
        d = Posterior(load_card({**raw, "sampler": {"name": "lockstep"}})).ndim
        if d > REGION_MAX_DIM:
            continue
        a, b = (run(raw, p, nlive, args.seed) for p in ("slice", "auto"))
        n_sigma = (b["logz"] - a["logz"]) / math.hypot(a["err"], b["err"])
        print(f"{path.stem:<22}{d:>3}{a['logz']:>13.3f} ± {a['err']:.3f}{a['ncall']:>9}{a['cpu']:>7.2f}s"
              f"{b['logz']:>13.3f} ± {b['err']:.3f}{b['ncall']:>9}{b['cpu']:>7.2f}s"
              f"{b['region']:>6}/{b['iterations']:<5}{n_sigma:>+7.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
