"""Evidence at the speed of the likelihood: the five sampler goals, with dynesty, UltraNest and nautilus measured in
the same run as globalfit's lockstep sampler. CPU seconds of this process (one core); printed, never asserted.

  goal 1  the 9-D ordering posterior (examples/ordering.yaml, NO-log) with `sampler: auto, target_dlnz: 0.1`: ln Z over
          the seeds, its real error (scatter), CPU and calls per run, the likelihood-only time (calls / large-batch
          points per second) and the ratio; examples/ordering.yaml (4 runs, --jobs 2) end to end, wall time.
  goal 2  honest errors: reported ln Z error / scatter over seeds, per engine, on problems with a known evidence
          (globalfit/samplers/problems.py).
  goal 3  the joint posterior at batch 64 against large batches (points per second), the ordering and the Z′ card, in
          numpy and with `compiled: true` (globalfit/compiled.py).
  goal 4  CPU from the start of `globalfit run` to its "sampling" line.
  goal 5  CPU at equal real accuracy on the 2-D Z′ fit (examples/zprime.yaml), the 9-D ordering posterior and a 12-D
          correlated Gaussian: CPU per run × (scatter / 0.1)², the cost of a real ln Z error of 0.1 (the error of
          nested sampling falls as 1/√n_live while the cost grows as n_live).

    python benchmarks/bench_samplers.py [--seeds 10] [--goals 1,2,3,4,5]
                                        [--engines auto,lockstep,dynesty,ultranest,nautilus] [--quick] [--smoke]

--quick: 3 seeds, goal 2 on one problem, nautilus left out of goal 5's 9-D row (3 seeds for nautilus otherwise: ≈ 70 s
CPU per 9-D run). --smoke shrinks every setting so that
the script runs in seconds (its figures then mean nothing; the README's test uses it).
"""
from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_batch import throughput  # noqa: E402

from globalfit import likelihood as registry  # noqa: E402
from globalfit import samplers, yamlio  # noqa: E402
from globalfit.card import load_card  # noqa: E402
from globalfit.posterior import Posterior  # noqa: E402
from globalfit.samplers import problems  # noqa: E402

TARGET = 0.1  # ln Z error the goals are stated for
#: goal 1 asks auto for a little less: on the 9-D posterior the scatter over 15 seeds was 1.05× the reported error
GOAL1_TARGET = 0.09
ENGINES = ("auto", "lockstep", "dynesty", "ultranest", "nautilus")
SMOKE = False


def engine_block(engine: str, scale: float = 1.0) -> dict:
    """Each engine's card settings (live points × scale): globalfit's defaults; nautilus with 1000 live points.
    "auto" is `sampler: auto` (lockstep with `proposal: auto`) with 500 live points, "lockstep" its slice chains."""
    if engine == "auto":
        return {"name": "auto", "progress": False, "lockstep": engine_block("lockstep", scale)["lockstep"]}
    n = max(int(round(scale * {"lockstep": 500, "dynesty": 500, "ultranest": 400, "nautilus": 1000}[engine])), 20)
    if SMOKE:
        n = {"lockstep": 40, "dynesty": 40, "ultranest": 40, "nautilus": 100}[engine]
    blocks = {"lockstep": {"nlive": n}, "dynesty": {"nlive": n, "dlogz": 0.5 if SMOKE else 0.1},
              "ultranest": {"min_num_live_points": n, **({"max_ncalls": 20000} if SMOKE else {})},
              "nautilus": {"n_live": n, **({"n_eff": 200, "n_networks": 1} if SMOKE else {})}}
    return {"name": engine, "progress": False, engine: blocks[engine]}


def base_card(name: str) -> dict:
    raw = yamlio.load(ROOT / "examples" / name)
    return {k: v for k, v in raw.items() if k not in ("variants", "compare")}


def run_seeds(raw: dict, sampler: dict, seeds: int) -> list[dict]:
    """One record per seed (1 … seeds): ln Z, reported error, calls, CPU of the sampling (after a warm-up call on a
    separate posterior, so that no engine pays the physics' one-time table set-up)."""
    warm = Posterior(load_card({**copy.deepcopy(raw), "sampler": sampler, "seed": 1}))
    warm.log_likelihood(warm.prior_transform(np.random.default_rng(0).random((8, warm.ndim))))
    out = []
    for seed in range(1, seeds + 1):
        card = load_card({**copy.deepcopy(raw), "sampler": sampler, "seed": seed})
        post = Posterior(card)
        t0 = time.process_time()
        res = samplers.run(post, card.sampler, card.seed, progress=False)
        out.append({"logz": res.logz, "err": float(res.stats.get("logzerr_reported", res.logzerr)),
                    "ncall": res.ncall, "cpu": time.process_time() - t0})
    return out


def summary(records: list[dict]) -> dict:
    z = np.array([r["logz"] for r in records])
    return {"logz": float(z.mean()), "scatter": float(z.std(ddof=1)) if len(z) > 1 else float("nan"),
            "err": float(np.mean([r["err"] for r in records])), "ncall": float(np.mean([r["ncall"] for r in records])),
            "cpu": float(np.mean([r["cpu"] for r in records]))}


def large_batch_rate(raw: dict) -> float:
    post = Posterior(load_card(raw))
    return throughput(post, 100_000 if not SMOKE else 2000, 400_000 if not SMOKE else 4000, np.random.default_rng(0))


# ------------------------------------------------------------------------------------------------------ goals
def goal1(seeds: int, tmp: Path) -> None:
    print(f"goal 1 — 9-D evidence (ordering NO-log) with sampler auto, target_dlnz {GOAL1_TARGET}: real error "
          f"≤ {TARGET} in ≤ 10× the likelihood-only time")
    raw = base_card("ordering.yaml")
    sampler = {"name": "auto", "progress": False, "target_dlnz": 1.0 if SMOKE else GOAL1_TARGET}
    s = summary(run_seeds(raw, sampler, seeds))
    rate = large_batch_rate(raw)
    limit = s["ncall"] / rate
    print(f"    ln Z {s['logz']:.3f}, scatter over {seeds} seeds {s['scatter']:.3f}, reported {s['err']:.3f}; "
          f"{s['ncall']:.0f} calls, {s['cpu']:.2f} s CPU per run")
    print(f"    likelihood only: {s['ncall']:.0f} calls / {rate:.3g} points/s = {limit:.3f} s → run/limit = "
          f"{s['cpu'] / limit:.1f}×")
    c = summary(run_seeds({**raw, "compiled": True}, sampler, seeds))
    print(f"    compiled: true: ln Z {c['logz']:.3f}, scatter {c['scatter']:.3f}, reported {c['err']:.3f}; "
          f"{c['ncall']:.0f} calls, {c['cpu']:.2f} s CPU per run → run/limit = {c['cpu'] / limit:.1f}×")
    cmd = [sys.executable, "-m", "globalfit", "run", str(ROOT / "examples" / "ordering.yaml"), "--jobs", "2",
           "--no-progress", "--set", f"output={tmp / 'ordering'}"]
    if SMOKE:
        cmd += ["--set", "sampler.lockstep.nlive=30", "--set", "sampler.target_dlnz=1.0", "--variant", "NO-log",
                "--variant", "IO-log"]  # one of the two comparisons
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    lnb = [line for line in proc.stdout.splitlines() if line.startswith("ln B(")]
    print(f"    examples/ordering.yaml, 4 runs, --jobs 2: {wall:.1f} s wall; " + "; ".join(lnb))


def goal2(seeds: int, engines: list[str], quick: bool) -> None:
    print(f"goal 2 — honest errors: reported / scatter over {seeds} seeds (within 1.5 wanted; every problem and "
          "engine: benchmarks/bench_evidence.py)")
    chosen = [problems.gauss(2)] if quick else [problems.gauss(2), problems.bimodal(3)]
    print(f"    {'engine':<10}{'problem':<10}{'bias':>8}{'scatter':>9}{'reported':>10}{'ratio':>7}{'CPU/run':>9}")
    for engine in engines:
        for problem in chosen:
            cls = problems.plugin(problem)
            registry.register(cls)
            try:
                recs = []
                for seed in range(1, seeds + 1):
                    card = load_card(problems.card(problem, engine_block(engine), seed=seed))
                    t0 = time.process_time()
                    res = samplers.run(Posterior(card), card.sampler, card.seed, progress=False)
                    recs.append({"logz": res.logz, "err": float(res.stats.get("logzerr_reported", res.logzerr)),
                                 "ncall": res.ncall, "cpu": time.process_time() - t0})
            finally:
                registry.unregister(cls.name)
            s = summary(recs)
            print(f"    {engine:<10}{problem.name:<10}{s['logz'] - problem.logz:>+8.3f}{s['scatter']:>9.3f}"
                  f"{s['err']:>10.3f}{s['err'] / s['scatter']:>7.2f}{s['cpu']:>8.2f}s")


def goal3() -> None:
    print("goal 3 — the joint posterior at batch 64 and at 500 (about what a lockstep iteration sends) against large "
          "batches (≥ 30% at 64 wanted)")
    rng = np.random.default_rng(0)
    points = 20_000 if SMOKE else 400_000
    best = {}
    for name, extra in (("ordering.yaml", {}), ("ordering.yaml", {"compiled": True}), ("zprime.yaml", {}),
                        ("zprime.yaml", {"compiled": True})):
        post = Posterior(load_card({**base_card(name), **extra}))
        small, mid, large = (throughput(post, b, points, rng) for b in (64, 500, 2000 if SMOKE else 100_000))
        best[name] = max(best.get(name, 0.0), large)
        label = name + (" compiled" if extra else "")
        print(f"    {label:<23} {post.ndim} parameters: batch 64 {small:.3g} points/s ({100 * small / large:.0f}%), "
              f"500 {mid:.3g} ({100 * mid / large:.0f}%), large {large:.3g}"
              + (f"; batch 64 against numpy's large batches: {100 * small / best[name]:.0f}%" if extra else ""))


def goal4(tmp: Path) -> None:
    print("goal 4 — CPU from the start of `globalfit run` to sampling (≤ 1 s wanted)")
    card = tmp / "quick.yaml"
    raw = base_card("zprime.yaml")
    raw["sampler"] = {"name": "lockstep", "progress": False, "lockstep": {"nlive": 20, "maxcall": 200}}
    card.write_text(yamlio.dumps(raw))
    cpus = []
    for i in range(1 if SMOKE else 3):
        proc = subprocess.Popen([sys.executable, "-m", "globalfit", "run", str(card), "--out", str(tmp / f"q{i}")],
                                cwd=tmp, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        cpu = None
        for line in proc.stderr:
            if line.startswith("globalfit: sampling;"):
                cpu = _cpu_of(proc.pid)
        proc.wait()
        if cpu is not None:
            cpus.append(cpu)
    print("    " + (f"{min(cpus):.2f} s CPU (best of {len(cpus)}; user + system of the process at the line)" if cpus
                    else "not measured (needs /proc)"))


def _cpu_of(pid: int) -> float | None:
    """user + system CPU seconds of a running process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def goal5(seeds: int, engines: list[str], quick: bool, only: list[str] | None = None) -> None:
    print(f"goal 5 — CPU for a real ln Z error of {TARGET}: CPU per run × (scatter over {seeds} seeds / {TARGET})² "
          "(≥ 5× less than UltraNest wanted); nautilus, the most precise per run, gives the reference ln Z where the "
          "truth is not known (its CPU per run is at its own accuracy)")
    g12 = problems.gauss(12)
    cases = [("2-D Z′ fit (zprime.yaml)", base_card("zprime.yaml"), None),
             ("9-D ordering (NO-log)", base_card("ordering.yaml"), None),
             ("12-D Gaussian", None, g12.logz)][: 1 if SMOKE else 3]
    if only:
        cases = [c for c in cases if c[0].split()[0].lower().replace("-", "") in only]
    print(f"    {'posterior':<27}{'engine':<10}{'ln Z':>9}{'vs ref':>8}{'scatter':>9}{'reported':>10}{'calls':>10}"
          f"{'CPU/run':>9}{'CPU@0.1':>9}{'vs auto':>12}")
    for label, raw, truth in cases:
        cls = None
        if raw is None:
            cls = problems.plugin(g12)
            registry.register(cls)
            raw = {k: v for k, v in problems.card(g12, {}).items() if k not in ("sampler", "seed")}
        try:
            results = {}
            if raw is not None and not SMOKE:  # the two cards (every piece has a kernel): auto and UltraNest compiled
                for engine, key in (("auto", "compiled"), ("ultranest", "ultranest-c")):
                    if engine in engines:
                        results[key] = (seeds, summary(run_seeds({**raw, "compiled": True}, engine_block(engine),
                                                                 seeds)))
            for engine in engines:
                if quick and engine == "nautilus" and label.startswith("9-D"):
                    continue
                n_seeds = min(seeds, 3) if engine == "nautilus" else seeds  # nautilus: ≈ 70 s CPU per 9-D run
                results[engine] = (n_seeds, summary(run_seeds(raw, engine_block(engine), n_seeds)))
        finally:
            if cls is not None:
                registry.unregister(cls.name)
        ref = truth if truth is not None else results.get("nautilus", (0, {"logz": float("nan")}))[1]["logz"]
        costs = {e: s["cpu"] * (s["scatter"] / TARGET) ** 2 for e, (_, s) in results.items() if e != "nautilus"}
        # "compiled", "ultranest-c": auto and UltraNest with `compiled: true`
        base = costs.get("auto", costs.get("lockstep", float("nan")))
        for engine, (n_seeds, s) in results.items():
            cost = f"{costs[engine]:>8.2f}s" if engine in costs else f"{'—':>9}"
            rel = (costs[engine] if engine in costs else s["cpu"]) / base
            print(f"    {label:<27}{engine:<10}{s['logz']:>9.3f}{s['logz'] - ref:>+8.3f}{s['scatter']:>9.3f}"
                  f"{s['err']:>10.3f}{s['ncall']:>10.0f}{s['cpu']:>8.2f}s{cost}{rel:>11.1f}×"
                  + (f"  ({n_seeds} seeds)" if n_seeds != seeds else ""))
        if "compiled" in costs and "ultranest-c" in costs:
            ratio = costs["ultranest-c"] / costs["compiled"]
            print(f"    {label:<27}UltraNest / auto, both with `compiled: true`: {ratio:.1f}×")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=None, help="seeds per measurement (default 5; --quick 3)")
    ap.add_argument("--goals", default="1,2,3,4,5")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--cases", default="", help="goal 5's posteriors, e.g. 2d,9d (default: 2d,9d,12d)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="tiny settings: checks that the script runs")
    args = ap.parse_args(argv)
    global SMOKE
    SMOKE = args.smoke
    seeds = args.seeds or (2 if args.smoke else 3 if args.quick else 10)
    engines = [e for e in args.engines.split(",") if e]
    goals = {int(g) for g in args.goals.split(",")}
    warnings.simplefilter("ignore")
    import platform

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if 1 in goals:
            goal1(seeds, tmp)
        if 2 in goals:
            goal2(max(seeds, 2 if SMOKE else 10), engines, args.quick or SMOKE)
        if 3 in goals:
            goal3()
        if 4 in goals:
            goal4(tmp)
        if 5 in goals:
            goal5(seeds, engines, args.quick or SMOKE, [c for c in args.cases.split(",") if c])
    return 0


if __name__ == "__main__":
    sys.exit(main())
