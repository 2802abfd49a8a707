"""Wall time of the U(1)-models study, examples/u1-models.yaml (four charge assignments × two g−2 epochs, eight
dynesty runs, 2 at a time on 2 cores), with the evidence table it prints. Figures are printed, never asserted.

    python benchmarks/bench_u1_models.py [--jobs 2] [--smoke]

--smoke uses 30 live points and dlogz = 2 so that the script runs in seconds (its figures then mean nothing; the
README's test uses it to check that the script still runs).
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2, help="variants run in parallel (default 2)")
    ap.add_argument("--smoke", action="store_true", help="tiny settings: checks that the script runs")
    args = ap.parse_args(argv)
    extra = ["--set", "sampler.dynesty.nlive=30", "--set", "sampler.dynesty.dlogz=2"] if args.smoke else []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "examples", work / "examples")
        cmd = [sys.executable, "-m", "globalfit", "run", "examples/u1-models.yaml", "--jobs", str(args.jobs),
               *extra]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env={**os.environ})
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        table = (work / "chains" / "u1-models" / "comparison.txt").read_text(encoding="utf-8")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; python "
          f"{platform.python_version()}")
    print(f"examples/u1-models.yaml, 8 runs, --jobs {args.jobs}{' (smoke settings)' if args.smoke else ''}: "
          f"{wall:.1f} s wall")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
