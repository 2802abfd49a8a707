"""Convert the official NuFIT release tables into the compact files globalfit reads.

Input: the NuFIT Δχ² tables with Super-Kamiokande atmospheric data, as released at www.nu-fit.org
(Esteban, Gonzalez-Garcia, Maltoni, Schwetz, Zhou, JHEP 09 (2020) 178, arXiv:2007.14792; releases 5.2
(2022) and 5.3 (2024)), files v5{2,3}.release-SKyes-{NO,IO}.txt(.xz). Each file has blocks separated by
blank lines, each with a header naming the columns: one 3-D block (sin²θ23, Δm²3ℓ/[1e-3 eV²], δ_CP/deg),
fifteen 2-D and six 1-D projections. Δχ² are relative to the global minimum (both orderings).

Output: data/nufit/nufit-<release>.npz with, for each ordering O ∈ {NO, IO}:
  O_3d_s23sq, O_3d_dm3lsq [eV²], O_3d_dcp [deg]: the axes of the 3-D grid;
  O_3d_chi2: Δχ² on the full regular grid (n23, n3l, nδ), packed (see `pack`);
  O_2d_s12sq_log10dm21sq_{x,y,chi2}: the (sin²θ12, log10 Δm²21/eV²) projection (chi2 packed);
  O_2d_s23sq_dcp_{x,y,chi2}: the (sin²θ23, δ_CP) projection, for plots (chi2 packed);
  O_1d_<param>_{x,chi2}: the six 1-D projections, param ∈ s12sq, s13sq, s23sq, dcp, log10dm21sq, dm3lsq;
  O_offset: the smallest Δχ² of the ordering (0 for the best ordering, Δ_IO for the other).
Packing: Δχ² is rounded to 0.001 (the text tables carry 7 significant digits; 0.001 is far below the
interpolation error), stored as second differences of the integers along the first axis, and
lzma-compressed — 0.6 MB instead of 4.9 MB for a 3-D table, decoded exactly by `unpack`.

Usage:  python data/nufit/convert_nufit.py SOURCE_DIR
        (SOURCE_DIR: the official NuFIT 5.2/5.3 Δχ² text tables as downloaded from www.nu-fit.org)
"""
from __future__ import annotations

import lzma
import sys
from pathlib import Path

import numpy as np

from globalfit.grids import QUANTUM, pack, unpack

COLUMN_NAMES = {
    "sin^2(theta12)": "s12sq", "sin^2(theta13)": "s13sq", "sin^2(theta23)": "s23sq",
    "Delta_CP/deg": "dcp", "Log10(Delta_m21^2/[eV^2])": "log10dm21sq",
    "Delta_m31^2/[1e-3_eV^2]": "dm3lsq", "Delta_m32^2/[1e-3_eV^2]": "dm3lsq", "Delta_chi^2": "chi2",
}


def read_blocks(path: Path) -> list[tuple[list[str], np.ndarray]]:
    """All (column names, rows) blocks of one release file."""
    opener = lzma.open if path.suffix == ".xz" else open
    blocks, names, rows = [], None, []
    with opener(path, "rt") as fh:
        for line in fh:
            text = line.strip()
            if not text:
                if names and rows:
                    blocks.append((names, np.array(rows, dtype=float)))
                names, rows = (names if not rows else None), []
                continue
            if text.startswith("###"):
                continue
            header = text.split("projection:", 1)[-1].lstrip("# ").strip() if text.startswith("#") else text
            first = header.split()[0]
            if first in COLUMN_NAMES:
                names = [COLUMN_NAMES[c] for c in header.split()]
                rows = []
                continue
            rows.append([float(x) for x in text.split()])
    if names and rows:
        blocks.append((names, np.array(rows, dtype=float)))
    return blocks


def to_grid(rows: np.ndarray, ndim: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Axes and values of a block on a full regular grid (checked)."""
    axes = [np.unique(rows[:, i]) for i in range(ndim)]
    shape = tuple(len(a) for a in axes)
    if np.prod(shape) != len(rows):
        raise ValueError(f"block is not a full grid: {shape} vs {len(rows)} rows")
    idx = tuple(np.searchsorted(a, rows[:, i]) for i, a in enumerate(axes))
    grid = np.full(shape, np.nan)
    grid[idx] = rows[:, -1]
    if np.isnan(grid).any():
        raise ValueError("grid has holes")
    return axes, grid


def convert(source: Path, release: str, out: Path) -> dict:
    tag = release.replace(".", "")
    arrays: dict[str, np.ndarray] = {}
    for ordering in ("NO", "IO"):
        path = source / f"v{tag}.release-SKyes-{ordering}.txt.xz"
        if not path.exists():
            path = path.with_suffix("")
        blocks = read_blocks(path)
        by_names = {tuple(n[:-1]): rows for n, rows in blocks}
        (s23, dm, dcp), chi3 = to_grid(by_names[("s23sq", "dm3lsq", "dcp")], 3)
        arrays[f"{ordering}_3d_s23sq"], arrays[f"{ordering}_3d_dm3lsq"] = s23, dm * 1e-3
        arrays[f"{ordering}_3d_dcp"], arrays[f"{ordering}_3d_chi2"] = dcp, pack(chi3)
        assert np.max(np.abs(unpack(pack(chi3), chi3.shape) - chi3)) <= 0.5 * QUANTUM + 1e-9
        for names in (("s12sq", "log10dm21sq"), ("s23sq", "dcp")):
            (a, b), chi2 = to_grid(by_names[names], 2)
            key = f"{ordering}_2d_{names[0]}_{names[1]}"
            arrays[f"{key}_x"], arrays[f"{key}_y"], arrays[f"{key}_chi2"] = a, b, pack(chi2)
        for name in ("s12sq", "s13sq", "s23sq", "dcp", "log10dm21sq", "dm3lsq"):
            (x,), chi1 = to_grid(by_names[(name,)], 1)
            arrays[f"{ordering}_1d_{name}_x"] = x * (1e-3 if name == "dm3lsq" else 1.0)
            arrays[f"{ordering}_1d_{name}_chi2"] = chi1
        arrays[f"{ordering}_offset"] = np.array(min(float(rows[:, -1].min()) for _, rows in blocks))
    arrays["release"] = np.array(release)
    arrays["quantum"] = np.array(QUANTUM)
    np.savez(out, **arrays)
    return {k: float(arrays[f"{k}_offset"]) for k in ("NO", "IO")}


def main(argv: list[str]) -> None:
    here = Path(__file__).resolve().parent
    if len(argv) != 1:
        sys.exit("usage: python data/nufit/convert_nufit.py SOURCE_DIR (the NuFIT text tables from www.nu-fit.org)")
    source = Path(argv[0])
    for release in ("5.2", "5.3"):
        out = here / f"nufit-{release}.npz"
        offsets = convert(source, release, out)
        print(f"{out.name}: {out.stat().st_size / 1e6:.2f} MB, offsets {offsets}")


if __name__ == "__main__":
    main(sys.argv[1:])
