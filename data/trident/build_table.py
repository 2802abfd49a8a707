"""Build the neutrino-trident coefficient tables data/trident/<dataset>.npz (likelihoods/trident/NOTES.md).

    python data/trident/build_table.py                 # both datasets, ~3 min on one core
    python data/trident/build_table.py --dataset ccfr  # one dataset
    python data/trident/build_table.py --quick --out /tmp   # reduced quadrature, seconds (checks only)

then update the entry of each regenerated file in data/trident/catalog.yaml (from the repository root):
    globalfit data --add trident/ccfr.npz --dataset ccfr --version 1991 \
        --source "..." --obtained "computed by data/trident/build_table.py"

Each table holds A(m_Z′) and B(m_Z′) of σ/σ_SM = 1 + A y² + B y⁴ (y = g_Z′/10⁻³) for coherent
ν_μ A → ν_μ μ⁺μ⁻ A on the experiment's target at its mean neutrino energy, computed by
globalfit.physics.trident.ratio_coefficients (exact ν_μγ → ν_μμ⁺μ⁻ matrix element with the Z′ propagator,
folded with the equivalent-photon flux of the nucleus including the factor (1 − Q²_min/Q²)). The grid is
m_Z′ = 10⁻⁴ … 10³ GeV, 30 points per decade; the script also evaluates the midpoints and records the
largest relative error of the run-time interpolation there (`interp_max_rel_error`).

Targets (rms charge radii: I. Angeli, K. P. Marinova, At. Data Nucl. Data Tables 99 (2013) 69):
- ccfr: iron, ⁵⁶Fe (Z = 26, r = 3.7377 fm); ⟨E_ν⟩ = 160 GeV (CCFR, Mishra et al., PRL 66 (1991) 3117).
- charm2: glass, modelled as SiO₂: ²⁸Si (Z = 14, r = 3.1224 fm) + 2 ¹⁶O (Z = 8, r = 2.6991 fm), the
  coherent rate of each nucleus ∝ Z²; ⟨E_ν⟩ = 24 GeV (CHARM-II, Geiregat et al., PLB 245 (1990) 271).
  CHARM-II used ν_μ and ν̄_μ beams; the ratio is the same for both (the V–A interference integrates to
  zero, so σ(ν̄) = σ(ν) piece by piece).
A single mean energy is used for each experiment (no published spectrum was available to us); the
coefficients depend on it: roughly A ∝ E^−0.6 at m_Z′ ≲ m_μ (CCFR A(100 MeV) = 0.246, 0.188, 0.145 for
E = 100, 160, 250 GeV; CHARM-II 0.584, 0.462, 0.381 for E = 15, 24, 35 GeV), less for heavier Z′.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from globalfit.physics import trident as tr

DATASETS = {
    "ccfr": {"nuclei": [tr.Nucleus(26, 1, 3.7377)], "energy": 160.0,
             "description": "CCFR, iron target, <E_nu> = 160 GeV"},
    "charm2": {"nuclei": [tr.Nucleus(14, 1, 3.1224), tr.Nucleus(8, 2, 2.6991)], "energy": 24.0,
               "description": "CHARM-II, glass target modelled as SiO2, <E_nu> = 24 GeV"},
}
PER_DECADE = 30
LOG10_M_RANGE = (-4.0, 3.0)
QUICK = tr.QUICK_NODES


def build(dataset: str, nodes: tr.Nodes, method: str = "epa") -> dict[str, np.ndarray]:
    spec = DATASETS[dataset]
    n = int(round((LOG10_M_RANGE[1] - LOG10_M_RANGE[0]) * PER_DECADE))
    fine = np.logspace(*LOG10_M_RANGE, 2 * n + 1)  # grid points (even indices) and midpoints
    r = tr.ratio_coefficients(fine, spec["nuclei"], spec["energy"], nodes, method=method)
    return {
        **tr.table_arrays(fine, r, spec["nuclei"], nodes),
        "energy_gev": np.float64(spec["energy"]),
        "method": np.array(method + (" (flux with 1 - Q2min/Q2)" if method == "epa" else "")),
        "description": np.array(spec["description"] + "; A, B of sigma/sigma_SM = 1 + A y^2 + B y^4, "
                                "y = g/1e-3, m_zp in GeV; built by data/trident/build_table.py"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", choices=sorted(DATASETS), action="append")
    ap.add_argument("--quick", action="store_true", help="reduced quadrature (checks only)")
    ap.add_argument("--method", choices=("epa", "coulomb"), default="epa",
                    help="coulomb: no EPA (virtual-photon σ_T, σ_L in the static Coulomb field); ~20× slower")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                    help="output directory (default: data/trident; re-register the files afterwards)")
    args = ap.parse_args(argv)
    if args.quick and args.out == ap.get_default("out"):
        ap.error("--quick tables are for checks only: write them elsewhere with --out DIR")
    nodes = QUICK if args.quick else tr.Nodes()
    for name in args.dataset or sorted(DATASETS):
        t0 = time.time()
        data = build(name, nodes, args.method)
        path = args.out / f"{name}.npz"
        np.savez(path, **data)
        print(f"{path}: {tr.table_summary(data, time.time() - t0)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
