"""The (mass, coupling) constraint plane of a model, e.g. (m_Z′, g_Z′): for every likelihood of a card, the
region it excludes at 95% CL (Δχ² > 3.84 against the model's no-new-physics limit at the same mass, the
convention of published one-sided limit curves on g at fixed m_Z′), and the g−2 1σ/2σ bands (χ²_g−2 < 1,
< 4) — computed by the same plugin code as the fits, no separate curve files. The axes are the model's
`plane` parameters and the reference its `null_point`. Parameters other than the axes are held at --set
values or their prior median; points where the model has no solution (e.g. m_Z′ > g v/2 in the doublet
model) are shaded.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from globalfit.card import Card, load_card
from globalfit.errors import CardError, Problem
from globalfit.params import Fixed, LogUniform
from globalfit.posterior import Posterior

#: Δχ² that a likelihood must add to the no-Z′ limit for a point to count as excluded (95% CL, one
#: parameter: the exclusion at fixed m_Z′ is a one-sided limit on g, as published limit curves are).
EXCLUSION_DCHI2 = 3.84


@dataclasses.dataclass
class Plane:
    m: np.ndarray  # (nm,) GeV
    g: np.ndarray  # (ng,)
    dchi2: dict[str, np.ndarray]  # plugin → (ng, nm) Δχ² against the no-Z′ limit
    chi2: dict[str, np.ndarray]  # plugin → (ng, nm) χ² (= −2 ln L)
    in_domain: np.ndarray  # (ng, nm) bool
    fixed: dict[str, float]  # the other parameters


def _with_plane_params(card: Card, axes: tuple[str, str], m_range, g_range, sets: dict[str, float]) -> Card:
    params = dict(card.params)
    params[axes[0]] = LogUniform(*m_range)
    params[axes[1]] = LogUniform(*g_range)
    for name, prior in card.params.items():
        if name in axes:
            continue
        params[name] = Fixed(sets.get(name, prior.median))
    return dataclasses.replace(card, params=params)


def compute_plane(card: Card, m_range=(1e-3, 1.0), g_range=(1e-5, 1e-1), n: int = 160,
                  sets: dict[str, float] | None = None) -> Plane:
    """Δχ² of every likelihood of `card` on a log grid in the model's (mass [GeV], coupling) plane, against
    the model's no-new-physics limit at each mass; other parameters at `sets` or their prior median."""
    model = card.model.plugin
    axes = model.plane
    if axes is None:
        raise CardError([Problem("model.name", f"model '{card.model.name}' defines no (mass, coupling) plane")])
    missing = [p for p in axes if p not in card.params]
    if missing:
        raise CardError([Problem("params", f"the plane needs {', '.join(missing)} among the card's parameters")])
    sets = dict(sets or {})
    plane_card = _with_plane_params(card, axes, m_range, g_range, sets)
    post = Posterior(plane_card)
    m = np.geomspace(*m_range, n)
    g = np.geomspace(*g_range, n)
    mm, gg = np.meshgrid(m, g)  # (ng, nm)
    theta = np.column_stack([mm.ravel() if name == axes[0] else gg.ravel() for name in post.names])
    with np.errstate(all="ignore"):
        ev = post.evaluate(theta)
    chi2 = {k: -2.0 * v.reshape(gg.shape) for k, v in ev.loglike.items()}
    # the no-new-physics limit at each mass: the model's null point, its coupling as the plane's lower edge
    null = load_card(model.null_point(plane_card.to_dict()))
    g_null = null.params[axes[1]].median
    ref_post = Posterior(_with_plane_params(null, axes, m_range, (g_null, g_range[1]), sets))
    ref_theta = np.column_stack([m if name == axes[0] else np.full(n, g_null) for name in ref_post.names])
    with np.errstate(all="ignore"):
        ref = ref_post.evaluate(ref_theta)
    dchi2 = {}
    for k, c in chi2.items():
        base = -2.0 * ref.loglike[k]  # (nm,)
        dchi2[k] = c - base[None, :]
    return Plane(m, g, dchi2, chi2, ev.in_domain.reshape(gg.shape), {k: float(v) for k, v in post.space.fixed.items()})


def plot_plane(plane: Plane, out: str | Path, title: str | None = None) -> Path:
    """Excluded regions (95% CL, filled with an outline) and the g−2 bands, log-log axes."""
    from globalfit.plots import pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.2, 5.6))
    colors = {"borexino": "#8e44ad", "trident": "#c0392b", "babar": "#1f4e99", "na62": "#d68910", "apv": "#17a2b8",
              "cms": "#7f8c8d"}
    mm, gg = np.meshgrid(plane.m, plane.g)
    handles, labels, silent = [], [], []
    palette = iter(["#e67e22", "#34495e", "#16a085", "#7d3c98", "#b03a2e"])
    for name, d in plane.dchi2.items():
        if name == "gminus2":
            continue
        d = np.ma.masked_invalid(np.where(plane.in_domain, d, np.nan))
        if not np.any(d > EXCLUSION_DCHI2):
            silent.append(name)
            continue
        col = colors.get(name) or next(palette)
        ax.contourf(mm, gg, d, levels=[EXCLUSION_DCHI2, max(float(d.max()), EXCLUSION_DCHI2) * 2], colors=[col],
                    alpha=0.18)
        ax.contour(mm, gg, d, levels=[EXCLUSION_DCHI2], colors=[col], linewidths=1.8)
        handles.append(plt.Rectangle((0, 0), 1, 1, color=col, alpha=0.5))
        labels.append(f"{name} (95% CL excl.)")
    if "gminus2" in plane.chi2:  # drawn last, on top
        c = np.ma.masked_invalid(np.where(plane.in_domain, plane.chi2["gminus2"], np.nan))
        ax.contourf(mm, gg, c, levels=[0, 1, 4], colors=["#1e8449", "#58d68d"], alpha=0.75)
        handles += [plt.Rectangle((0, 0), 1, 1, color="#1e8449", alpha=0.75),
                    plt.Rectangle((0, 0), 1, 1, color="#58d68d", alpha=0.75)]
        labels += ["g−2 1σ", "g−2 2σ"]
    if silent:
        ax.text(0.99, 0.01, "no exclusion in this range: " + ", ".join(silent), transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8, color="#555555")
    if not plane.in_domain.all():
        ax.contourf(mm, gg, (~plane.in_domain).astype(float), levels=[0.5, 1.5], colors=["#bbbbbb"], alpha=0.6)
        handles.append(plt.Rectangle((0, 0), 1, 1, color="#bbbbbb"))
        labels.append("outside the model")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_{Z'}$ [GeV]")
    ax.set_ylabel(r"$g_{Z'}$")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(handles, labels, loc="upper left", fontsize=8, frameon=True)
    ax.grid(True, which="major", alpha=0.25)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=140 if out.suffix.lower() != ".pdf" else None, bbox_inches="tight")
    plt.close(fig)
    return out


def parse_range(text: str, what: str) -> tuple[float, float]:
    try:
        lo, hi = (float(x) for x in text.split(":"))
    except ValueError:
        raise CardError([Problem(what, f"expected LO:HI (two positive numbers), got {text!r}")],
                        source="plane") from None
    if not (0 < lo < hi):
        raise CardError([Problem(what, f"expected 0 < LO < HI, got {text!r}")], source="plane")
    return lo, hi
