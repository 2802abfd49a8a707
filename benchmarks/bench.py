"""Speed figures (printed, never asserted), in one run:

(a) each likelihood and each derived quantity, vectorized over a batch, and the joint posterior of three
    cards (Z′, neutrino, and all nine likelihoods in one model), batched and point by point;
(b)–(d) from benchmarks/bench_samplers.py: wall time of examples/ordering.yaml per sampler, framework
    overhead against a bare dynesty call, MPI speed-up at 2 ranks.

    python benchmarks/bench.py [--batch 100000] [--loop 2000] [--likelihoods-only] [--quick]
"""
from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import yaml

from globalfit.card import load_card
from globalfit.posterior import Posterior

ZPRIME = {
    "name": "bench-zprime", "model": {"higgs": "doublet+singlet"},
    "params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 1.0},
               "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1},
               "tan_theta": {"prior": "log-uniform", "min": 1.0, "max": 1e3}},
    "likelihoods": dict.fromkeys(("gminus2", "apv", "na62", "borexino", "trident", "babar")),
}
NEUTRINO = {
    "name": "bench-neutrino", "model": {"ordering": "NO"},
    "params": yaml.safe_load((Path(__file__).parents[1] / "examples" / "ordering.yaml").read_text())["params"],
    "likelihoods": {"nufit": None, "cosmology": None, "kamland_zen": None},
}
# every installed likelihood in one model: the Z′ card's parameters and plugins plus the neutrino card's
# (borexino then uses the sampled oscillation parameters, point by point)
ALL = {
    "name": "bench-all", "model": {"higgs": "doublet+singlet", "ordering": "NO"},
    "params": {**ZPRIME["params"], **NEUTRINO["params"]},
    "likelihoods": {**ZPRIME["likelihoods"], **NEUTRINO["likelihoods"]},
}


def _rate(fn, n_points: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n_points / best


def bench_card(raw: dict, batch: int, loop: int, repeat: int = 3) -> tuple[float, float]:
    """Print the figures of one card; return (batched, one point per call) joint throughput [points/s]."""
    post = Posterior(load_card(raw))
    rng = np.random.default_rng(0)
    theta = post.prior_transform(rng.random((batch, post.ndim)))
    print(f"\n{raw['name']}: {post.ndim} parameters, likelihoods {', '.join(post.plugins)}")
    print(f"  {'what':<46}{'points/s':>12}")
    rb = _rate(lambda: post.log_prob(theta), batch, repeat)
    rl = _rate(lambda: [post.log_prob(t[None]) for t in theta[:loop]], loop)
    print(f"  {f'joint log posterior, batch of {batch}':<46}{rb:>12.3g}")
    print(f"  {'joint log posterior, one point per call':<46}{rl:>12.3g}")
    print(f"  {'ratio':<46}{rb / rl:>12.0f}")
    with np.errstate(all="ignore"):
        q, _ = post.model.evaluate(post.plan, post.space.internal(post.space.values(theta)))
        for name, plugin in post.plugins.items():
            print(f"  {'likelihood ' + name:<46}{_rate(lambda: plugin.loglike(q), batch):>12.3g}")
        for step in post.plan.steps:
            kw = {k: q[k] for k in step.needs}
            kw.update({k: post.model.options[k] for k in step.options})
            label = "quantity " + ", ".join(step.outputs)
            print(f"  {label[:45]:<46}{_rate(lambda: step.func(**kw), batch):>12.3g}")
    return rb, rl


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--loop", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of this many timings of the batched joint posterior")
    ap.add_argument("--likelihoods-only", action="store_true", help="only (a)")
    ap.add_argument("--quick", action="store_true", help="skip (b), the slowest part")
    args = ap.parse_args()
    print("(a) likelihood throughput")
    warnings.simplefilter("ignore")
    for raw in (ZPRIME, NEUTRINO):
        bench_card(raw, args.batch, args.loop, args.repeat)
    rb, rl = bench_card(ALL, args.batch, args.loop, args.repeat)
    print(f"\nall nine likelihoods (issue target: >= 1e6 points/s on one core and >= 100x the loop): "
          f"{rb:.3g} points/s batched, {rb / rl:.0f}x one point per call\n")
    if not args.likelihoods_only:
        import sys
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import bench_samplers

        sys.argv = [sys.argv[0]] + (["--quick"] if args.quick else [])
        bench_samplers.main()


if __name__ == "__main__":
    main()
