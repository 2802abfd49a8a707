"""Convert NuFIT's six 1-D Δχ² projections (normal ordering) of an older release into the compact file the
`nufit` plugin reads as a *1-D projection* dataset (data/nufit/nufit-<release>-1d.npz).

Why only 1-D projections: for releases before 5.2 the repository has no official 3-D/2-D tables; what is
available are the six 1-D projections of the normal-ordering release files, copied verbatim from the official
www.nu-fit.org files (v30.release-data-NO.txt.gz for NuFIT 3.0) into
/work/shared/data/nufit/nufit_1d_profiles_v20-v61_magnus/nufit_chi2.json (see its SOURCE.md: extracted by
github.com/mbustama/Magnus notebooks/make_nufit_chi2.py @ f49eeff4; layout
releases["NuFIT X.Y"]["profiles"][P] = {"x": [...], "chi2": [...]}, P ∈ T12, T13, T23, DCP, DMS, DMA).
The JSON used here had sha256 1cd5043177191f394201494d5fdd6127a99cbfed7d703555219d352f19e57a05.

Only releases that a published U(1)_{Lμ−Lτ} analysis used are converted (likelihoods/nufit/NOTES.md):
NuFIT 3.0 (Asai, Hamaguchi, Nagata, arXiv:1705.00419). The v1.x entries of the JSON were read from PDF
figures, not from χ² files, and are refused.

Output arrays (the names of the 1-D arrays of the full release files, data/nufit/convert_nufit.py):
  NO_1d_<p>_x, NO_1d_<p>_chi2 for p ∈ s12sq, s13sq, s23sq, dcp [deg, −180…180], log10dm21sq [log10 eV²],
  dm3lsq [eV², Δm²31 > 0]; NO_offset: the smallest Δχ² of the NO profiles (all six share it; 0 when NO is the
  better ordering); release, kind ("1d-projection"), source (text).
Δχ² are stored as given (7 significant digits). δ_CP: the files tabulate −180°…360°, the part above 180°
repeating −180°…0°; the repetition is checked and dropped.

Usage:  python data/nufit/convert_nufit_1d.py JSON_FILE [RELEASE ...]      (default release: 3.0)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

#: JSON profile key → (array name, factor to the stored unit)
PROFILES = {"T12": ("s12sq", 1.0), "T13": ("s13sq", 1.0), "T23": ("s23sq", 1.0), "DCP": ("dcp", 1.0),
            "DMS": ("log10dm21sq", 1.0), "DMA": ("dm3lsq", 1.0e-3)}
#: releases a published Lμ−Lτ analysis used with these profiles (see the module docstring)
USED = {"3.0": "Asai, Hamaguchi, Nagata, arXiv:1705.00419 (minimal gauged U(1)_{Lμ−Lτ}: two-zero minor C)"}


def convert(table: dict, release: str) -> dict[str, np.ndarray]:
    """The arrays of nufit-<release>-1d.npz from the parsed JSON."""
    key = f"NuFIT {release}"
    if release not in USED:
        raise ValueError(f"{key}: not converted (no published Lμ−Lτ analysis in USED used it)")
    entry = table["releases"][key]
    if entry.get("source") != "chi2-file":
        raise ValueError(f"{key}: source {entry.get('source')!r}; only official χ² files are data")
    out: dict[str, np.ndarray] = {}
    minima = []
    for jkey, (name, factor) in PROFILES.items():
        x = np.asarray(entry["profiles"][jkey]["x"], dtype=float)
        chi2 = np.asarray(entry["profiles"][jkey]["chi2"], dtype=float)
        if x.shape != chi2.shape or x.ndim != 1 or np.any(np.diff(x) <= 0) or not np.all(np.isfinite(chi2)):
            raise ValueError(f"{key} {jkey}: not a strictly increasing, finite profile")
        if name == "dcp":
            upper = x > 180.0
            lower = (x >= -180.0) & (x <= 0.0)
            if upper.any():
                if not (np.allclose(x[upper] - 360.0, x[lower][1:]) and np.array_equal(chi2[upper], chi2[lower][1:])):
                    raise ValueError(f"{key} DCP: the part above 180° does not repeat −180°…0°")
                x, chi2 = x[~upper], chi2[~upper]
            if x[0] != -180.0 or x[-1] != 180.0:
                raise ValueError(f"{key} DCP: expected −180°…180°, got {x[0]}…{x[-1]}")
        out[f"NO_1d_{name}_x"] = x * factor
        out[f"NO_1d_{name}_chi2"] = chi2
        minima.append(chi2.min())
    if np.ptp(minima) > 1e-5:
        raise ValueError(f"{key}: the profiles' minima differ ({minima}); not projections of one χ²")
    out["NO_offset"] = np.array(float(np.min(minima)))
    out["release"] = np.array(f"NuFIT {release}, 1-D projections, normal ordering only")
    out["kind"] = np.array("1d-projection")
    out["source"] = np.array(f"{entry['url']} (six 1-D projections, verbatim); used by {USED[release]}")
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    table = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    for release in argv[1:] or ["3.0"]:
        arrays = convert(table, release)
        out = Path(__file__).with_name(f"nufit-{release}-1d.npz")
        np.savez_compressed(out, **arrays)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
