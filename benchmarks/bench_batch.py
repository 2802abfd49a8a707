"""Throughput of the joint posterior's log-likelihood at small and large batches (issue goal: batch 64 at ≥ 30% of the
large-batch points/s), for the 9-parameter ordering card (NO-log) and the default Z′ card. Printed, never asserted.

    python benchmarks/bench_batch.py [--points 200000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from globalfit import yamlio
from globalfit.card import load_card
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=200_000)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    for card_file in ("ordering.yaml", "zprime.yaml"):
        raw = yamlio.load(ROOT / "examples" / card_file)
        raw = {k: v for k, v in raw.items() if k not in ("variants", "compare")}  # a study's base card
        post = Posterior(load_card(raw))
        small, large = (throughput(post, b, args.points, rng) for b in (64, 100_000))
        print(f"{card_file:<14} {post.ndim} parameters: batch 64 {small:.3g} points/s, batch 100000 {large:.3g} "
              f"points/s ({100 * small / large:.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
