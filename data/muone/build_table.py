"""Build the MUonE signal table data/muone/muone-15fb.npz (likelihoods/muone/NOTES.md).

    python data/muone/build_table.py                      # 34 masses × 600k events, ~1.5 min on one core
    python data/muone/build_table.py --quick --out /tmp   # 6 masses × 20k events, seconds (checks only)

then update the catalogue entry (from the repository root):
    globalfit data --rehash            (or --add muone/muone-15fb.npz --dataset muone-15fb ... for a new file)

The table holds a(m), b(m), c(m) of σ(μe → μeZ′) = g² a + g(εe) b + (εe)² c [GeV⁻²] with the cuts of Asai et al.,
arXiv:2109.10093 (θ_μ > 1.5 mrad, 1 GeV < E_e < 25 GeV; 150 GeV muons on electrons at rest), computed by
globalfit.physics.muone.cross_section (tree-level 2 → 3 matrix element, two-channel Monte Carlo), and their MC
relative errors. Grid: m_Z′ from 1 MeV to 0.2 GeV logarithmic (24 points), then linear up to 0.999 of the
kinematic limit √s − m_μ − m_e = 0.2994 GeV (10 points; with the cuts σ vanishes already near 0.27 GeV: the
electron then carries < 1 GeV); σ = 0 at and above the limit.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from globalfit.physics import muone as mu

N_EVENTS = 600_000
SEED = 20240601


def grid(quick: bool = False) -> np.ndarray:
    top = mu.m_max()
    if quick:
        return np.array([1e-3, 1e-2, 3e-2, 0.1, 0.2, 0.29])
    return np.concatenate([np.geomspace(1e-3, 0.2, 24), np.linspace(0.21, 0.999 * top, 10)])


def build(quick: bool = False) -> dict[str, np.ndarray]:
    masses = grid(quick)
    n = 20_000 if quick else N_EVENTS
    cuts = mu.Cuts()
    rows = []
    for i, m in enumerate(masses):
        r = mu.cross_section(float(m), n=n, cuts=cuts, seed=SEED + i)
        rows.append([r.values[k] for k in "abc"] + [r.errors[k] / max(abs(r.values[k]), 1e-300) for k in "abc"])
        print(f"m = {m:.5f} GeV: a = {r.values['a']:.4e} ({rows[-1][3]:.2%}), b = {r.values['b']:.4e} "
              f"({rows[-1][4]:.2%}), c = {r.values['c']:.4e} ({rows[-1][5]:.2%})", flush=True)
    t = np.array(rows)
    return {"m_zp": masses, "a": t[:, 0], "b": t[:, 1], "c": t[:, 2], "a_rel_err": t[:, 3], "b_rel_err": t[:, 4],
            "c_rel_err": t[:, 5], "m_max": np.float64(mu.m_max()), "e_beam": np.float64(mu.E_BEAM),
            "theta_mu_min": np.float64(cuts.theta_mu_min), "e_min": np.float64(cuts.e_min),
            "e_max": np.float64(cuts.e_max), "n_events": np.float64(n),
            "method": np.array("globalfit.physics.muone.cross_section: tree-level mu e -> mu e Z' (Z' off both lines),"
                               " two-channel Monte Carlo; sigma = g^2 a + g eps e b + (eps e)^2 c [GeV^-2]")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(Path(__file__).parent))
    args = ap.parse_args()
    t0 = time.perf_counter()
    table = build(args.quick)
    out = Path(args.out) / "muone-15fb.npz"
    np.savez(out, **table)
    print(f"wrote {out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
