"""Plots from stored runs: corner overlays."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from globalfit.chains import Run
from globalfit.errors import RunError

COLORS = ["#1f4e99", "#c0392b", "#27864a", "#8e44ad", "#d68910", "#17a2b8"]


def pyplot():
    """matplotlib.pyplot with the non-interactive Agg backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _label(run: Run, name: str) -> str:
    var = run.idata.posterior[name] if name in run.idata.posterior else None
    label = var.attrs.get("label", name) if var is not None else name
    return label


def corner_plot(runs: list[Run], params: list[str] | None = None, out: str | Path = "corner.png",
                log: bool | None = None, bins: int = 40) -> Path:
    """Overlay the posteriors of several runs in one corner plot (PNG or PDF from the file suffix).

    Parameters with a log-uniform prior (in any run) are shown as log10; 2-D contours enclose 39.3% and
    86.5% of the probability (1σ and 2σ for a 2-D Gaussian); weights of nested runs are used as they are.
    """
    import corner

    plt = pyplot()
    if not runs:
        raise RunError("no runs given")
    params = params or [p for p in runs[0].parameters if all(p in r.variables() for r in runs)]
    for r in runs:
        missing = [p for p in params if p not in r.variables()]
        if missing:
            raise RunError(f"{r.path}: no variable(s) {', '.join(missing)}; available: {', '.join(r.variables())}")
    if not params:
        raise RunError("no parameters common to all runs; choose them with --params")
    logs = [any(r.prior_kind(p) == "log-uniform" for r in runs) if log is None else log for p in params]
    data = []
    for r in runs:
        x, w = r.samples(params)
        for j, is_log in enumerate(logs):
            if is_log:
                with np.errstate(divide="ignore", invalid="ignore"):
                    x[:, j] = np.log10(np.where(x[:, j] > 0, x[:, j], np.nan))
        keep = np.all(np.isfinite(x), axis=1) & (w > 0)
        data.append((x[keep], w[keep] / w[keep].sum()))
    ranges = []
    for j in range(len(params)):
        lo = min(np.min(x[:, j]) for x, _ in data)
        hi = max(np.max(x[:, j]) for x, _ in data)
        pad = 1e-9 * max(abs(lo), abs(hi), 1.0)
        ranges.append((lo - pad, hi + pad))
    labels = [(r"$\log_{10}$ " if is_log else "") + _label(runs[0], p) for p, is_log in zip(params, logs)]
    fig = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # corner warns on too few points in a contour level
        for k, (x, w) in enumerate(data):
            color = COLORS[k % len(COLORS)]
            fig = corner.corner(
                x, weights=w, fig=fig, range=ranges, labels=labels, bins=bins, smooth=1.0, color=color,
                levels=(1 - np.exp(-0.5), 1 - np.exp(-2.0)), plot_datapoints=False, plot_density=False,
                fill_contours=False, hist_kwargs={"density": True, "color": color}, label_kwargs={"fontsize": 12},
            )
    handles = [plt.Line2D([], [], color=COLORS[k % len(COLORS)], lw=2) for k in range(len(runs))]
    fig.legend(handles, [f"{r.name} ({r.sampler})" for r in runs], loc="upper right", frameon=False, fontsize=11)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=130 if out.suffix.lower() != ".pdf" else None, bbox_inches="tight")
    plt.close(fig)
    return out


def texture_curves(texture: str, ordering: str, s12sq: float, s13sq: float, dm21sq: float, dm3lsq: float,
                   s23sq: np.ndarray, n_delta: int = 7201) -> tuple[np.ndarray, np.ndarray]:
    """Points (sin²θ23, δ [deg, 0–360)) where a texture predicts the given Δm²3ℓ at fixed θ12, θ13, Δm²21:
    the texture's δ–θ23 relation. Roots in δ are bracketed on a fine grid and refined linearly."""
    from globalfit.physics.neutrino import texture_spectrum

    delta = np.linspace(0.0, 2 * np.pi, n_delta)
    s23_grid, d_grid = np.meshgrid(s23sq, delta, indexing="ij")
    out = texture_spectrum(texture, s12sq, s13sq, s23_grid, d_grid, dm21sq, ordering)
    resid = np.where(out[7], out[5] - dm3lsq, np.nan)
    a, b = resid[:, :-1], resid[:, 1:]
    cross = np.isfinite(a) & np.isfinite(b) & (np.sign(a) != np.sign(b))
    i, j = np.nonzero(cross)
    t = a[i, j] / (a[i, j] - b[i, j])
    d = delta[j] + t * (delta[j + 1] - delta[j])
    return s23sq[i], np.degrees(d)


def texture_plot(textures: list[str], ordering: str, nufit_dataset: str, out: str | Path) -> Path:
    """The textures' δ_CP–sin²θ23 relations (at NuFIT's best-fit θ12, θ13, Δm²21, Δm²3ℓ of the ordering)
    over NuFIT's (sin²θ23, δ_CP) Δχ² map, with 1σ/2σ/3σ regions for two parameters."""
    from globalfit import catalog
    from globalfit.grids import unpack

    plt = pyplot()
    with np.load(catalog.verified_path(f"nufit/{nufit_dataset}.npz")) as d:
        o = ordering
        x, y = d[f"{o}_2d_s23sq_dcp_x"], d[f"{o}_2d_s23sq_dcp_y"]
        chi2 = unpack(d[f"{o}_2d_s23sq_dcp_chi2"], (len(x), len(y)))
        best = {p: float(d[f"{o}_1d_{p}_x"][np.argmin(d[f"{o}_1d_{p}_chi2"])])
                for p in ("s12sq", "s13sq", "log10dm21sq", "dm3lsq")}
    chi2 = chi2 - chi2.min()
    # the map on δ ∈ [0°, 360°)
    ys = np.mod(y, 360.0)
    order = np.argsort(ys[:-1]) if np.isclose(y[0] + 360.0, y[-1]) else np.argsort(ys)
    ys = ys[order]
    chi2 = chi2[:, order]
    fig, ax = plt.subplots(figsize=(6.6, 5.0))
    levels = [0, 2.30, 6.18, 11.83]
    ax.contourf(x, ys, chi2.T, levels=levels, colors=["#2e86c1", "#85c1e9", "#d6eaf8"], alpha=0.9)
    ax.contour(x, ys, chi2.T, levels=levels[1:], colors="#1b4f72", linewidths=0.7)
    s23 = np.linspace(x[0], x[-1], 801)
    styles = {"B3": ("#c0392b", "o"), "B4": ("#27864a", "s"), "C": ("#8e44ad", "^")}
    for tex in textures:
        px, py = texture_curves(tex, ordering, best["s12sq"], best["s13sq"], 10 ** best["log10dm21sq"],
                                best["dm3lsq"], s23)
        col, mk = styles.get(tex, ("k", "."))
        ax.plot(px, py, mk, ms=1.6, color=col, label=f"texture {tex}" + ("" if len(px) else " (no solution)"))
    ax.set_xlabel(r"$\sin^2\theta_{23}$")
    ax.set_ylabel(r"$\delta_{CP}$ [°]")
    ax.set_ylim(0, 360)
    ax.set_xlim(x[0], x[-1])
    ax.set_title(f"{nufit_dataset} {ordering}: Δχ² < 2.3, 6.2, 11.8; textures at the best-fit θ12, θ13, Δm²",
                 fontsize=9)
    ax.legend(loc="upper right", fontsize=8, markerscale=4)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=140 if out.suffix.lower() != ".pdf" else None, bbox_inches="tight")
    plt.close(fig)
    return out
