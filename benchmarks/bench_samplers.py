"""Sampler-level speed figures (printed, never asserted):

(b) wall time of examples/ordering.yaml (both orderings × two m_lightest priors) with dynesty and with
    emcee, 2 variants at a time on 2 cores;
(c) framework overhead: globalfit's dynesty run of a card against a bare dynesty run on the same
    per-point log-likelihood function and settings (globalfit with its vectorized batches, and with
    batch = 1, i.e. the same serial evaluation as the bare call);
(d) MPI speed-up at 2 ranks on a deliberately expensive likelihood (1 ms per batch call + 0.2 ms per point).

    python benchmarks/bench_samplers.py [--quick] [--smoke]

--smoke shrinks every setting (live points, steps) so that the script runs in seconds: its figures then mean
nothing; the README's test uses it to check that the script still runs.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _time(cmd: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return time.perf_counter() - t0


SMOKE = False  # --smoke: tiny settings


def bench_ordering(tmp: Path) -> None:
    print("(b) examples/ordering.yaml, 4 runs (NO/IO × log-uniform/uniform m_lightest), --jobs 2")
    for sampler in ("dynesty", "emcee"):
        steps, burn = (60, 20) if SMOKE else (6000, 2000)
        extra = ["--set", "sampler.emcee.walkers=40", "--set", f"sampler.emcee.steps={steps}",
                 "--set", f"sampler.emcee.burn={burn}", "--set", "sampler.emcee.moves=de"] if sampler == "emcee" else []
        if SMOKE and sampler == "dynesty":
            extra = ["--set", "sampler.dynesty.nlive=30", "--set", "sampler.dynesty.dlogz=5"]
        cmd = [sys.executable, "-m", "globalfit", "run", str(ROOT / "examples" / "ordering.yaml"), "--jobs", "2",
               "--no-progress", "--sampler", sampler, "--set", f"output={tmp / ('ordering-' + sampler)}", *extra]
        print(f"    {sampler:<8} {_time(cmd, tmp):8.1f} s wall")


def bench_overhead() -> None:
    import dynesty

    from globalfit import samplers
    from globalfit.card import load_card
    from globalfit.posterior import Posterior

    raw = yamlio_load(ROOT / "examples" / "ordering.yaml")
    raw = {k: v for k, v in raw.items() if k not in ("variants", "compare")}
    nlive, dlogz = (30, 5.0) if SMOKE else (300, 0.5)
    raw["sampler"] = {"name": "dynesty", "progress": False,
                      "dynesty": {"nlive": nlive, "dlogz": dlogz, "sample": "rslice", "batch": 64}}
    print(f"(c) framework overhead: NuFIT + DESI + KamLAND-Zen, 9 parameters, nlive {nlive}, rslice")
    times = {}
    for label, batch in (("globalfit, batches of 64", 64), ("globalfit, batch = 1", 1)):
        raw["sampler"]["dynesty"]["batch"] = batch
        card = load_card(raw)
        post = Posterior(card)
        t0 = time.perf_counter()
        res = samplers.run(post, card.sampler, card.seed, progress=False)
        times[label] = (time.perf_counter() - t0, res.ncall)
    post = Posterior(load_card(raw))
    periodic = post.space.periodic_indices()

    def loglike(x):
        return float(post.log_likelihood(x[None, :])[0])

    def prior(u):
        u = np.array(u)
        u[periodic] = np.mod(u[periodic], 1.0)
        return post.prior_transform(u[None, :])[0]

    t0 = time.perf_counter()
    s = dynesty.NestedSampler(loglike, prior, post.ndim, nlive=nlive, sample="rslice", periodic=periodic,
                              rstate=np.random.default_rng(1))
    s.run_nested(dlogz=dlogz, print_progress=False)
    times["bare dynesty, same function"] = (time.perf_counter() - t0, int(np.sum(s.results["ncall"])))
    bare = times["bare dynesty, same function"][0]
    for label, (t, n) in times.items():
        print(f"    {label:<32} {t:7.1f} s  {n:>9d} calls  {100 * (t / bare - 1):+6.0f}% vs bare")
    print("    (the resampled ln Z error and the run-directory writing are not included in either)")


def yamlio_load(path):
    from globalfit import yamlio

    return yamlio.load(path)


MPI_SCRIPT = '''
import sys, time, numpy as np
from globalfit.likelihood import Likelihood, register
from globalfit.card import load_card
from globalfit.runner import run_card

class Expensive(Likelihood):
    """A Gaussian that costs 1 ms per call plus 0.2 ms per point (a stand-in for a slow likelihood)."""
    name = "expensive"
    requires = ("x0", "x1", "x2")
    def loglike(self, q):
        n = len(q["x0"])
        t = time.perf_counter() + 1e-3 + 2e-4 * n
        while time.perf_counter() < t:
            pass
        return -0.5 * (q["x0"] ** 2 + q["x1"] ** 2 + q["x2"] ** 2) / 0.1 ** 2

register(Expensive)
card = load_card({"name": "mpi-bench", "params": {f"x{i}": {"prior": "uniform", "min": -1, "max": 1} for i in range(3)},
                  "likelihoods": {"expensive": None}, "output": sys.argv[1],
                  "sampler": {"name": "emcee", "progress": False,
                              "emcee": {"walkers": 64, "steps": int(sys.argv[2]), "burn": int(sys.argv[2]) // 3}}})
t0 = time.perf_counter()
out = run_card(card, progress=False, log=open("/dev/null", "w"))
if out is not None:
    print(time.perf_counter() - t0)
'''


def bench_mpi(tmp: Path) -> None:
    print("(d) MPI: emcee, 64 walkers × 300 steps on a likelihood costing 1 ms/call + 0.2 ms/point")
    if shutil.which("mpiexec") is None:
        print("    mpiexec not found (pip install 'globalfit[mpi]'): skipped")
        return
    script = tmp / "mpi_bench.py"
    script.write_text(MPI_SCRIPT)
    res = {}
    for n in (1, 2):
        cmd = [sys.executable, str(script), str(tmp / f"mpi{n}"), "15" if SMOKE else "300"]
        if n > 1:
            cmd = ["mpiexec", "-n", str(n), *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
        if proc.returncode != 0:
            print(f"    {n} rank(s): failed: {proc.stderr[-500:]}")
            return
        res[n] = float(proc.stdout.strip().splitlines()[-1])
        print(f"    {n} rank(s): {res[n]:6.2f} s")
    print(f"    speed-up at 2 ranks: {res[1] / res[2]:.2f}×")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip (b), the slowest part")
    ap.add_argument("--smoke", action="store_true", help="tiny settings: checks that the script runs (figures "
                                                         "meaningless)")
    args = ap.parse_args()
    global SMOKE
    SMOKE = args.smoke
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if not args.quick:
            bench_ordering(tmp)
        bench_overhead()
        bench_mpi(tmp)


if __name__ == "__main__":
    main()
