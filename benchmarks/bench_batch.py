"""Throughput of the joint posterior's log-likelihood at small and large batches (issue goal: batch 64 at ≥ 30% of the
large-batch points/s), for the 9-parameter ordering card (NO-log) and the default Z′ card. Printed, never asserted.

    python benchmarks/bench_batch.py [--points 200000] [--breakdown]

--breakdown adds where the time of one batch of 64 goes: the parameters (box test, columns, unit conversions),
the derived quantities (each provider of the compiled plan; the rest is the graph's checks), each likelihood in
turn (what it computes for the other plugins of the batch — e.g. the Z′ branching ratios — counted with the first
that asks), and the rest of log_likelihood: posterior bookkeeping, and the caches the parts, each timed in a loop
of its own, keep warm but one call does not.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from globalfit import yamlio
from globalfit.card import load_card
from globalfit.likelihood import Batch
from globalfit.posterior import Posterior

ROOT = Path(__file__).resolve().parents[1]


def throughput(post: Posterior, batch: int, points: int, rng: np.random.Generator) -> float:
    theta = post.prior_transform(rng.random((batch, post.ndim)))
    post.log_likelihood(theta)  # warm-up (tables, caches)
    reps = max(1, points // batch)
    t0 = time.perf_counter()
    for _ in range(reps):
        post.log_likelihood(theta)
    return batch * reps / (time.perf_counter() - t0)


def _seconds(func, reps: int = 300, rounds: int = 5) -> float:
    """Best of `rounds` mean times of func() over `reps` calls."""
    func()
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(reps):
            func()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best


def _plugin_seconds(post: Posterior, q: dict, reps: int = 300, rounds: int = 5) -> dict[str, float]:
    """Seconds of each plugin's loglike when they run in turn on one fresh Batch per call, as in log_likelihood
    (what they share is counted with the first that asks); best of `rounds`."""
    best = dict.fromkeys(post.plugins, float("inf"))
    for _ in range(rounds):
        spent = dict.fromkeys(post.plugins, 0.0)
        for _ in range(reps):
            batch = Batch(q)
            for name, plugin in post.plugins.items():
                t0 = time.perf_counter()
                plugin.loglike(batch)
                spent[name] += time.perf_counter() - t0
        best = {name: min(best[name], spent[name] / reps) for name in best}
    return best


def breakdown(post: Posterior, batch: int, rng: np.random.Generator) -> list[tuple[str, float]]:
    """(part, seconds) of one log_likelihood call on `batch` points (see the module docstring; indented parts are
    included in the one above them)."""
    theta = post.prior_transform(rng.random((batch, post.ndim)))
    space = post.space

    def parameters():
        cols = space.columns(theta)
        space.all_inside(cols)
        return space.internal(space.values_columns(cols), into=Batch())

    params = parameters()
    parts = [("parameters", _seconds(parameters))]
    steps = post.model.compile(post.plan)
    with np.errstate(all="ignore"):
        post.model.run(steps, q := dict(params))
        parts.append(("derived quantities", _seconds(lambda: post.model.run(steps, dict(params)))))
        for step in steps:
            kwargs = {k: q[k] for k in step.needs}
            seconds = _seconds(lambda s=step, k=kwargs: s.func(**k, **s.options))
            parts.append((f"  {', '.join(step.outputs)}"[:54], seconds))
        parts += [(f"likelihood {name}", t) for name, t in _plugin_seconds(post, q).items()]
    total = _seconds(lambda: post.log_likelihood(theta))
    counted = sum(t for name, t in parts if not name.startswith("  "))
    return [*parts, ("rest of log_likelihood", total - counted), ("log_likelihood", total)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=200_000)
    ap.add_argument("--breakdown", action="store_true", help="where the time of a batch of 64 goes")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    for card_file in ("ordering.yaml", "zprime.yaml"):
        raw = yamlio.load(ROOT / "examples" / card_file)
        raw = {k: v for k, v in raw.items() if k not in ("variants", "compare")}  # a study's base card
        post = Posterior(load_card(raw))
        small, large = (throughput(post, b, args.points, rng) for b in (64, 100_000))
        print(f"{card_file:<14} {post.ndim} parameters: batch 64 {small:.3g} points/s, batch 100000 {large:.3g} "
              f"points/s ({100 * small / large:.0f}%)")
        if args.breakdown:
            for part, seconds in breakdown(post, 64, rng):
                print(f"    {part:<56} {1e6 * seconds:8.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
