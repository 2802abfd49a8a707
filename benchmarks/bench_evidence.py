"""Evidence accuracy and error honesty on problems with a known ln Z (globalfit/samplers/problems.py): for each problem
and engine, over N seeds, the bias of ln Z, the scatter over seeds, the mean reported error and their ratio (honest:
within a factor 1.5), and the CPU time per run. Figures are printed, never asserted. Each engine runs through the
framework's own driver (globalfit.samplers.run on a card), so its reported error is exactly what a run stores.

    python benchmarks/bench_evidence.py [--seeds 10] [--first-seed 1] [--engines dynesty,ultranest,nautilus | all]
                                        [--problems gauss2,gauss5] [--nlive N] [--json FILE] [--smoke]

--nlive: live points for every engine (default per engine: dynesty 500, UltraNest 400, nautilus 1000).
--json: also write every run (ln Z, reported error, the engine's scalar statistics, CPU) to FILE.
--first-seed: the seeds are first-seed … first-seed + seeds − 1 (to add seeds to an earlier run's, with --json).
--smoke: 2 seeds, 2 problems, small settings (checks that the script runs; its figures mean nothing).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import numpy as np

from globalfit import likelihood as registry
from globalfit import samplers
from globalfit.card import load_card
from globalfit.posterior import Posterior
from globalfit.samplers import problems

ENGINES = ("dynesty", "ultranest", "nautilus")
#: live points per engine when --nlive is not given
DEFAULT_NLIVE = {"dynesty": 500, "ultranest": 400, "nautilus": 1000}


def sampler_settings(engine: str, nlive: int) -> dict:
    """The card's sampler block for `engine` with `nlive` live points."""
    blocks = {"dynesty": {"nlive": nlive, "dlogz": 0.1}, "ultranest": {"min_num_live_points": nlive},
              "nautilus": {"n_live": nlive}}
    return {"name": engine, "progress": False, engine: blocks[engine]}


def run_seeds(problem, engine: str, seeds: int, nlive: int, first_seed: int = 1) -> list[dict]:
    """One record per seed: ln Z − ln Z true, the reported error, the engine's own error and statistics, CPU."""
    cls = problems.plugin(problem)
    registry.register(cls)
    try:
        records = []
        for seed in range(first_seed, first_seed + seeds):
            card = load_card(problems.card(problem, sampler_settings(engine, nlive), seed=seed))
            t0 = time.process_time()
            res = samplers.run(Posterior(card), card.sampler, card.seed, progress=False)
            cpu = time.process_time() - t0
            stats = {k: v for k, v in res.stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
            records.append({"seed": seed, "bias": res.logz - problem.logz,
                            "reported": float(res.stats.get("logzerr_reported", res.logzerr)),
                            "own": float(res.logzerr), "cpu": cpu, "ncall": res.ncall, "stats": stats})
    finally:
        registry.unregister(cls.name)
    return records


def summarise(records: list[dict]) -> dict:
    """Bias, scatter over seeds, mean reported and own errors, their ratio to the scatter, CPU and calls per run."""
    bias = np.array([r["bias"] for r in records])
    scatter = float(bias.std(ddof=1)) if len(bias) > 1 else float("nan")
    reported = float(np.mean([r["reported"] for r in records]))
    return {"bias": float(bias.mean()), "scatter": scatter, "reported": reported,
            "own": float(np.mean([r["own"] for r in records])), "ratio": reported / scatter,
            "cpu": float(np.mean([r["cpu"] for r in records])), "ncall": float(np.mean([r["ncall"] for r in records]))}


def measure(problem, engine: str, seeds: int, nlive: int) -> dict:
    return summarise(run_seeds(problem, engine, seeds, nlive))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--engines", default="dynesty", help="comma-separated, or 'all' (dynesty, ultranest, nautilus)")
    ap.add_argument("--problems", default=",".join(p.name for p in problems.standard()))
    ap.add_argument("--nlive", type=int, default=None, help="live points for every engine (default: per engine)")
    ap.add_argument("--json", help="write every run's record to this file")
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args(argv)
    if args.smoke:
        args.seeds, args.nlive, args.problems = 2, 60, "gauss2,banana2"
    engines = list(ENGINES) if args.engines == "all" else args.engines.split(",")
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        ap.error(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ENGINES)} or all")
    chosen = [p for p in problems.standard() if p.name in args.problems.split(",")]
    live = {e: args.nlive or DEFAULT_NLIVE[e] for e in engines}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}; "
          f"{args.seeds} seeds ({args.first_seed}–{args.first_seed + args.seeds - 1}); live points "
          + ", ".join(f"{e} {n}" for e, n in live.items()))
    print(f"{'problem':<10} {'engine':<10} {'ln Z true':>10} {'bias':>8} {'scatter':>8} {'reported':>9} "
          f"{'ratio':>6} {'own':>7} {'CPU/run':>8} {'calls':>9}")
    dump = []
    for problem in chosen:
        for engine in engines:
            records = run_seeds(problem, engine, args.seeds, live[engine], args.first_seed)
            m = summarise(records)
            dump.append({"problem": problem.name, "engine": engine, "logz_true": problem.logz, "nlive": live[engine],
                         **m, "runs": records})
            print(f"{problem.name:<10} {engine:<10} {problem.logz:>10.3f} {m['bias']:>+8.3f} {m['scatter']:>8.3f} "
                  f"{m['reported']:>9.3f} {m['ratio']:>6.2f} {m['own']:>7.3f} {m['cpu']:>7.2f}s {m['ncall']:>9.0f}",
                  flush=True)
            if args.json:
                with open(args.json, "w", encoding="utf-8") as f:
                    json.dump(dump, f, indent=1)
    print("ratio = mean reported error / scatter over seeds (honest: 0.67–1.5; the scatter of N seeds is itself "
          "uncertain by ≈ 1/√(2(N−1)), 24% for 10 seeds); own = the engine's single-run error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
