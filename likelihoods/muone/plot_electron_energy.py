"""Electron-energy distribution of μe → μeZ′ at MUonE with the cuts, at (m_Z′, g) = (10 MeV, 5×10⁻⁴), to a PNG
(muon-line emission; weighted events of globalfit.physics.muone.events, 15 fb⁻¹).

    python likelihoods/muone/plot_electron_energy.py [-o muone-electron-energy.png] [--n 400000]
"""
from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from globalfit.physics import muone as mu  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", default="muone-electron-energy.png")
    ap.add_argument("--n", type=int, default=400_000)
    ap.add_argument("--mass", type=float, default=0.01)
    ap.add_argument("--g", type=float, default=5e-4)
    ap.add_argument("--lumi", type=float, default=15.0, help="fb⁻¹")
    args = ap.parse_args()
    e_e, _, w = mu.events(args.mass, args.n)
    counts = w * args.g**2 * mu.GEV2_TO_FB * args.lumi
    bins = np.geomspace(1.0, 25.0, 31)
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.hist(e_e, bins=bins, weights=counts / np.diff(bins)[np.digitize(e_e, bins) - 1], histtype="step", lw=1.5)
    ax.set_xscale("log")
    ax.set_xlabel("$E_e$ [GeV]")
    ax.set_ylabel("dN/dE$_e$ [GeV$^{-1}$]")
    title = f"MUonE μe→μeZ′, m={args.mass * 1e3:g} MeV, g={args.g:g}: N={counts.sum():.0f} ({args.lumi:g} fb$^{{-1}}$)"
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}: {counts.sum():.0f} events with θ_μ > 1.5 mrad, 1 < E_e < 25 GeV")


if __name__ == "__main__":
    main()
