"""MPI speed-up (printed, never asserted): emcee with 64 walkers on a deliberately expensive likelihood (1 ms per
batch call + 0.2 ms per point), on 1 and 2 ranks.

    python benchmarks/bench_mpi.py [--smoke]

--smoke shrinks the run so that the script runs in seconds (its figures then mean nothing).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SMOKE = False

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
    print("MPI: emcee, 64 walkers × 300 steps on a likelihood costing 1 ms/call + 0.2 ms/point")
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="tiny settings: checks that the script runs")
    args = ap.parse_args(argv)
    global SMOKE
    SMOKE = args.smoke
    with tempfile.TemporaryDirectory() as d:
        bench_mpi(Path(d))
    return 0


if __name__ == "__main__":
    sys.exit(main())
