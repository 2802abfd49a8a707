"""Posterior summaries of a stored run: mean, median, 68%/95% central intervals, MAP; R-hat and ESS for
MCMC runs; ln Z for nested runs."""
from __future__ import annotations

import warnings

import numpy as np

from globalfit.chains import Run


def weighted_quantiles(x: np.ndarray, w: np.ndarray, q: np.ndarray | list[float]) -> np.ndarray:
    """Quantiles of weighted samples (weights need not be normalised); linear interpolation of the
    cumulative weight at the sample midpoints."""
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    cdf = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return np.interp(q, cdf, xs)


def summarize(run: Run, names: list[str] | None = None) -> list[dict]:
    """One row per variable: mean, median, 68% and 95% central intervals, MAP (the sample with the
    highest log posterior), and for MCMC runs R-hat and bulk ESS (arviz)."""
    if not names:  # sampled parameters, then the derived quantities that vary (e.g. not tan_beta ≡ 0)
        derived = [v for v in run.manifest.get("derived", []) if v not in run.parameters]
        values, _ = run.samples(derived) if derived else (np.zeros((1, 0)), None)
        names = run.parameters + [d for j, d in enumerate(derived) if np.ptp(values[:, j]) > 0]
    x, w = run.samples(names + ["logpost"])
    imap = int(np.argmax(x[:, -1]))
    rhat = ess = None
    if run.kind == "mcmc":
        from globalfit.chains import arviz

        az = arviz()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rhat = az.rhat(run.idata.posterior[names])
            ess = az.ess(run.idata.posterior[names])
    rows = []
    for j, name in enumerate(names):
        col = x[:, j]
        q = weighted_quantiles(col, w, [0.025, 0.16, 0.5, 0.84, 0.975])
        row = {
            "name": name,
            "units": run.idata.posterior[name].attrs.get("units", ""),
            "mean": float(np.sum(w * col)),
            "median": float(q[2]),
            "lo68": float(q[1]), "hi68": float(q[3]),
            "lo95": float(q[0]), "hi95": float(q[4]),
            "map": float(col[imap]),
        }
        if rhat is not None:
            row["r_hat"] = float(rhat[name])
            row["ess_bulk"] = float(ess[name])
        rows.append(row)
    return rows


def format_summary(run: Run, rows: list[dict]) -> str:
    lines = [f"run {run.path}  ({run.sampler}, card '{run.name}')"]
    m = run.manifest
    if run.kind == "nested":
        r = m["results"]
        from globalfit.compare import reported_error

        err, how = reported_error(r)
        lines.append(f"ln Z = {r['logz']:.3f} ± {err:.3f} ({how}; the sampler's own: {r['logzerr']:.3f})   "
                     f"iterations {r.get('niter')}, efficiency {r.get('efficiency_percent', float('nan')):.1f}%, "
                     f"effective samples {r.get('n_effective', float('nan')):.0f}")
    else:
        r = m["results"]
        taus = r.get("autocorr_time", {})
        lines.append(f"mean acceptance {r.get('mean_acceptance_fraction', float('nan')):.3f}; "
                     f"autocorrelation time τ: " + ", ".join(f"{k} {v:.1f}" for k, v in taus.items()))
    lines.append(f"likelihood calls {m.get('likelihood_calls')}, wall time {m.get('wall_time_s')} s")
    outside = m["results"].get("points_outside_domain")
    if outside:
        lines.append(f"points outside the model's domain: {outside} of {m.get('likelihood_calls')} evaluated "
                     f"({100 * outside / max(m.get('likelihood_calls') or 1, 1):.1f}%); prior volume inside: "
                     f"{100 * m['results'].get('prior_fraction_in_domain', float('nan')):.1f}%")
    for w in m.get("warnings", []):
        lines.append(f"WARNING: {w}")
    mcmc = run.kind == "mcmc"
    head = f"{'name':<16}{'units':<7}{'mean':>11}{'median':>11}{'68% interval':>25}{'95% interval':>25}{'MAP':>11}"
    if mcmc:
        head += f"{'R-hat':>7}{'ESS':>8}"
    lines += ["", head, "-" * len(head)]
    for r in rows:
        line = (f"{r['name']:<16}{r['units']:<7}{r['mean']:>11.4g}{r['median']:>11.4g}"
                f"{'[' + format(r['lo68'], '.4g') + ', ' + format(r['hi68'], '.4g') + ']':>25}"
                f"{'[' + format(r['lo95'], '.4g') + ', ' + format(r['hi95'], '.4g') + ']':>25}{r['map']:>11.4g}")
        if mcmc:
            line += f"{r['r_hat']:>7.3f}{r['ess_bulk']:>8.0f}"
        lines.append(line)
    return "\n".join(lines)
