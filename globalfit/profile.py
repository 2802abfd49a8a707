"""1-D profile likelihood: −2 ln L maximised over all other parameters, on a grid of one parameter, so that
frequentist intervals (Δχ² < 1, < 3.84) can be set beside the Bayesian ones of a stored run.

Maximisation in the unit cube of the other parameters' priors (the prior box bounds the search; the prior
density itself is not used): at each grid value the best of a vectorized scan of random points and of
the neighbouring grid values' optima seeds a few bounded Nelder–Mead searches (scipy.optimize). Before the
grid, the same is done with the parameter free, so Δχ² is taken against the global minimum even when it
falls between grid points.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from globalfit.card import Card
from globalfit.errors import CardError, Problem
from globalfit.params import Fixed, LogUniform
from globalfit.posterior import Posterior

BIG = 1e30


@dataclass
class Profile:
    param: str
    values: np.ndarray  # grid (card units)
    chi2: np.ndarray  # −2 max ln L at each value
    chi2_min: float  # global minimum (parameter free)
    best: np.ndarray  # (n, d) the maximising points (all sampled parameters, card units)
    names: list[str]

    @property
    def dchi2(self) -> np.ndarray:
        """χ² − χ²_min; +inf where the grid value has no solution."""
        return np.where(np.isfinite(self.chi2), self.chi2 - (self.chi2_min if np.isfinite(self.chi2_min) else 0.0),
                        np.inf)

    def interval(self, level: float) -> tuple[float, float] | None:
        """Range of grid values with Δχ² ≤ level, ends interpolated linearly (None if empty); an end at
        the edge of the grid means the interval continues beyond it."""
        d = self.dchi2
        inside = np.flatnonzero(d <= level)
        if inside.size == 0:
            return None
        lo_i, hi_i = inside[0], inside[-1]

        def cross(i, j):
            if not np.isfinite(d[j]):
                return self.values[i]
            t = (level - d[i]) / (d[j] - d[i])
            return self.values[i] + t * (self.values[j] - self.values[i])

        lo = self.values[0] if lo_i == 0 else cross(lo_i, lo_i - 1)
        hi = self.values[-1] if hi_i == len(d) - 1 else cross(hi_i, hi_i + 1)
        return float(lo), float(hi)


def minimise(f: Callable[[np.ndarray], float], starts: list[np.ndarray], maxiter: int) -> tuple[np.ndarray, float]:
    """(x, f(x)) of the best of bounded Nelder–Mead searches of f on the unit cube from each of `starts`."""
    if len(starts[0]) == 0:  # nothing to maximise over
        return starts[0], f(starts[0])
    best_x, best_f = None, np.inf
    for x0 in starts:
        res = minimize(f, np.clip(x0, 1e-9, 1 - 1e-9), method="Nelder-Mead",
                       bounds=[(0.0, 1.0)] * len(x0), options={"maxiter": maxiter, "xatol": 1e-7, "fatol": 1e-6})
        if res.fun < best_f:
            best_x, best_f = res.x, float(res.fun)
    return best_x, best_f


def compute_profile(card: Card, param: str, values: np.ndarray, n_scan: int = 4000, n_starts: int = 3,
                    seed: int = 0, progress: Callable[[int, int, float, float], None] | None = None) -> Profile:
    """The profile of `param` on the grid `values` (card units). χ² is +inf where no point with that value has
    a finite likelihood (e.g. outside a texture's solutions). `progress(k, n, value, χ²)` is called after each
    grid point."""
    if param not in card.params or isinstance(card.params[param], Fixed):
        sampled = [k for k, p in card.params.items() if not isinstance(p, Fixed)]
        raise CardError([Problem("--param", f"'{param}' is not a sampled parameter of the card; sampled: "
                                            f"{', '.join(sampled)}")])
    post = Posterior(card)
    names = post.names
    j = names.index(param)
    others = [k for k in range(len(names)) if k != j]
    rng = np.random.default_rng(seed)
    scan_u = rng.random((n_scan, len(names)))
    maxiter = 300 * max(len(others), 1)

    def chi2_of(theta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            ll = post.log_likelihood(theta)
        return np.where(np.isfinite(ll), -2.0 * ll, BIG)

    def theta_from(u_others: np.ndarray, value: float | None, u_param: float | None = None) -> np.ndarray:
        u = np.empty((len(u_others), len(names)))
        u[:, others] = u_others
        u[:, j] = 0.5 if u_param is None else u_param
        theta = post.prior_transform(u)
        if value is not None:
            theta[:, j] = value
        return theta

    # global minimum, parameter free
    c = chi2_of(post.prior_transform(scan_u))
    order = np.argsort(c)[:n_starts]
    free = lambda u: float(chi2_of(post.prior_transform(np.clip(u, 0, 1)[None, :]))[0])  # noqa: E731
    u_best, chi2_min = minimise(free, [scan_u[i] for i in order], maxiter * 2)
    prev = [u_best[others]]
    chi2 = np.empty(len(values))
    best = np.empty((len(values), len(names)))
    for k, v in enumerate(values):
        c = chi2_of(theta_from(scan_u[:, others], v))
        starts = [scan_u[i, others] for i in np.argsort(c)[:n_starts]] + prev
        f = lambda uo: float(chi2_of(theta_from(np.clip(uo, 0, 1)[None, :], v))[0])  # noqa: E731
        x, fx = minimise(f, starts, maxiter)
        chi2[k] = fx if fx < BIG else np.inf
        best[k] = theta_from(x[None, :], v)[0]
        prev = [x, u_best[others]]
        if progress is not None:
            progress(k + 1, len(values), float(v), float(chi2[k]))
    chi2_min = min(chi2_min if chi2_min < BIG else np.inf, float(np.min(chi2)))
    return Profile(param, np.asarray(values, dtype=float), chi2, chi2_min, best, names)


def default_grid(card: Card, param: str, points: int, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    prior = card.params[param]
    a, b = prior.bounds
    a = a if lo is None else lo
    b = b if hi is None else hi
    if not (np.isfinite(a) and np.isfinite(b)):
        a, b = prior.from_unit(np.array([0.001]))[0], prior.from_unit(np.array([0.999]))[0]
    if isinstance(prior, LogUniform) and a > 0:
        return np.geomspace(a, b, points)
    return np.linspace(a, b, points)


def format_profile(p: Profile, bayes: dict | None = None) -> str:
    lines = [f"profile likelihood of {p.param}: −2 ln L maximised over {', '.join(n for n in p.names if n != p.param)}",
             f"global minimum χ²_min = {p.chi2_min:.4f}", "", f"{p.param:>14}{'Δχ²':>12}"]
    lines += [f"{v:>14.5g}{d:>12.4f}" if np.isfinite(d) else f"{v:>14.5g}{'no solution':>12}"
              for v, d in zip(p.values, p.dchi2)]
    lines.append("")
    for level, name in ((1.0, "68% (Δχ² < 1)"), (3.84, "95% (Δχ² < 3.84)")):
        iv = p.interval(level)
        text = "empty on this grid" if iv is None else f"[{iv[0]:.5g}, {iv[1]:.5g}]"
        edge = ""
        if iv is not None and (iv[0] == p.values[0] or iv[1] == p.values[-1]):
            edge = "  (reaches the edge of the grid)"
        lines.append(f"profile {name:<20} {text}{edge}")
    if bayes:
        for key, name in (("68", "68% credible"), ("95", "95% credible")):
            lo, hi = bayes[key]
            lines.append(f"posterior {name:<18} [{lo:.5g}, {hi:.5g}]   (run {bayes['run']})")
    return "\n".join(lines)


def plot_profile(p: Profile, out, bayes: dict | None = None):
    from globalfit.params import parameter_info
    from globalfit.plots import pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.2, 4.2))
    ax.plot(p.values, p.dchi2, "-o", ms=3, color="#1f4e99", label="profile Δχ²")
    for level, ls in ((1.0, "--"), (3.84, ":")):
        ax.axhline(level, color="#555555", ls=ls, lw=1)
    if bayes:
        for key, col in (("68", "#c0392b"), ("95", "#e6b0aa")):
            lo, hi = bayes[key]
            ax.axvspan(lo, hi, color=col, alpha=0.25, label=f"posterior {key}%")
    if np.all(p.values > 0) and p.values[-1] / p.values[0] > 30:
        ax.set_xscale("log")
    ax.set_ylim(0, max(9.0, min(float(np.nanmax(p.dchi2[np.isfinite(p.dchi2)])), 30.0)))
    ax.set_xlabel(parameter_info(p.param).label)
    ax.set_ylabel(r"$\Delta\chi^2$")
    ax.legend(fontsize=8)
    fig.savefig(out, dpi=130, bbox_inches="tight")
    plt.close(fig)
    return out


def fixed_copy(card: Card, **fixed: float) -> Card:
    return dataclasses.replace(card, params={**card.params, **{k: Fixed(v) for k, v in fixed.items()}})
