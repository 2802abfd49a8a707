"""Evidences and Bayes factors of stored nested-sampling runs.

ln B_i = ln Z_i − ln Z_0 against the first run, its error from the runs' ln Z errors in quadrature, the
posterior odds for equal prior odds, the model probabilities among the runs compared, and the wording of
the Jeffreys scale as used by Trotta, Contemp. Phys. 49 (2008) 71 (|ln B| < 1 inconclusive, < 2.5 weak,
< 5 moderate, ≥ 5 strong). The ln Z error is each run's reported error (`reported_error`: Skilling's √(H/n_live)
for static nested runs, validated against the scatter over seeds; the scatter of resampled realizations for dynamic
runs and for runs stored before; the engine's own where that is all there is); the sampler's single-run estimate is
shown beside it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from globalfit.chains import Run
from globalfit.errors import RunError

ERROR_WARNING = 0.3  # warn when the error on ln B exceeds this


def jeffreys(ln_b: float) -> str:
    """Strength of evidence for |ln B| on the Jeffreys scale (Trotta 2008)."""
    a = abs(ln_b)
    if a < 1.0:
        return "inconclusive"
    if a < 2.5:
        return "weak"
    if a < 5.0:
        return "moderate"
    return "strong"


@dataclass
class Evidence:
    name: str
    path: str
    logz: float
    error: float  # the reported error (reported_error)
    logzerr_dynesty: float


@dataclass
class FailedRun:
    """A run that could not be sampled (e.g. a texture without solution in the prior box): ln Z = −∞."""

    name: str
    path: str
    reason: str


def reported_error(results: dict) -> tuple[float, str]:
    """(ln Z error, how it was obtained) from a run's manifest results: `logzerr_reported` (runs since the error
    estimator was validated), else the resampled scatter (older runs), else the sampler's own `logzerr`."""
    for key, how in (("logzerr_reported", None), ("logzerr_resampled", "resampled"), ("logzerr", "sampler's own")):
        if results.get(key) is not None:
            return float(results[key]), how or str(results.get("logzerr_method", "reported"))
    raise RunError("the run stores no ln Z error")


def evidence(run: Run) -> Evidence:
    if run.kind != "nested":
        raise RunError(f"{run.path}: sampled with {run.sampler}, which gives no evidence; run it with dynesty")
    r = run.manifest["results"]
    return Evidence(run.name, str(run.path), float(r["logz"]), reported_error(r)[0], float(r["logzerr"]))


def best_fit_chi2(run: Run) -> dict[str, float]:
    """χ² = −2 ln L of every likelihood at the stored sample with the highest total log-likelihood."""
    ds = run.idata["nested"] if run.kind == "nested" else run.idata.posterior
    names = [v for v in ds.data_vars if v.startswith("loglike_")]
    total = ds["loglike"].values.reshape(-1)
    i = int(np.argmax(total))
    return {n[len("loglike_"):]: float(-2.0 * ds[n].values.reshape(-1)[i]) + 0.0 for n in names}


def credible_range(run: Run, name: str, level: float = 0.95) -> tuple[float, float]:
    from globalfit.summary import weighted_quantiles

    x, w = run.samples([name])
    lo, hi = weighted_quantiles(x[:, 0], w, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def compare(runs: list, quantities: tuple[str, ...] = ()) -> list[dict]:
    """One row per run: ln Z ± err, ln B against the first ± err, odds, probability, Jeffreys wording, the
    best-fit χ² of each likelihood and the 95% ranges of `quantities`. FailedRun entries get ln Z = −∞."""
    if len(runs) < 1:
        raise RunError("no runs to compare")
    ev = []
    for r in runs:
        if isinstance(r, FailedRun):
            ev.append(Evidence(r.name, r.path, -math.inf, 0.0, 0.0))
        else:
            ev.append(evidence(r))
    ref = ev[0]
    zs = np.array([e.logz for e in ev])
    finite = np.isfinite(zs)
    probs = np.zeros(len(zs))
    if finite.any():
        probs[finite] = np.exp(zs[finite] - np.logaddexp.reduce(zs[finite]))
    rows = []
    for e, p, r in zip(ev, probs, runs):
        ln_b = e.logz - ref.logz if np.isfinite(e.logz) and np.isfinite(ref.logz) else (
            -math.inf if not np.isfinite(e.logz) else math.inf)
        err_b = 0.0 if e is ref or not np.isfinite(ln_b) else math.hypot(e.error, ref.error)
        row = {
            "name": e.name, "path": e.path, "logz": e.logz, "logz_err": e.error, "logz_err_dynesty": e.logzerr_dynesty,
            "ln_b": ln_b, "ln_b_err": err_b,
            "odds": math.exp(ln_b) if abs(ln_b) < 700 else (math.inf if ln_b > 0 else 0.0),
            "probability": float(p), "jeffreys": "" if e is ref else jeffreys(ln_b),
            "favours": "" if e is ref or abs(ln_b) < 1.0 else (e.name if ln_b > 0 else ref.name),
        }
        if isinstance(r, FailedRun):
            row["failed"] = r.reason
        else:
            row["chi2_best"] = best_fit_chi2(r)
            row["ranges"] = {q: credible_range(r, q) for q in quantities if q in r.variables()}
        rows.append(row)
    return rows


def _odds_text(ln_b: float) -> str:
    if abs(ln_b) > 700:
        return ">1e300 : 1" if ln_b > 0 else "1 : >1e300"
    o = math.exp(ln_b)
    return f"{o:.3g} : 1" if o >= 1 else f"1 : {1 / o:.3g}"


def format_comparison(rows: list[dict], title: str | None = None) -> str:
    ref = rows[0]["name"]
    lines = [title] if title else []
    quantities = list(rows[0].get("ranges") or next((r.get("ranges") for r in rows if r.get("ranges")), {}))
    w = max(28, max(len(r["name"]) for r in rows) + 2)
    lnb_head = f"ln B vs {ref}" if len(ref) < 18 else "ln B vs first"
    head = f"{'run':<{w}}{'ln Z':>18}{lnb_head:>26}{'odds':>16}{'P':>9}  {'evidence':<34}"
    head += "".join(f"{q + ' 95%':>22}" for q in quantities) + "  best-fit χ² by likelihood"
    lines += [head, "-" * len(head)]
    warn = []
    for r in rows:
        if "failed" in r:
            lines.append(f"{r['name']:<{w}}{'−∞ (no solution)':>18}{'—':>26}{'0':>16}{'0':>9}  excluded: {r['failed']}")
            continue
        lnz = f"{r['logz']:.3f} ± {r['logz_err']:.3f}"
        lnb = "—" if r["name"] == ref and r["ln_b_err"] == 0 else f"{r['ln_b']:+.3f} ± {r['ln_b_err']:.3f}"
        words = f"{r['jeffreys']}, for {r['favours']}" if r["favours"] else r["jeffreys"]
        prob = f"{r['probability']:.3f}" if r["probability"] >= 1e-3 else f"{r['probability']:.1e}"
        line = f"{r['name']:<{w}}{lnz:>18}{lnb:>26}{_odds_text(r['ln_b']):>16}{prob:>9}  {words:<34}"
        for q in quantities:
            lo, hi = r.get("ranges", {}).get(q, (math.nan, math.nan))
            line += f"{'[' + format(lo, '.3g') + ', ' + format(hi, '.3g') + ']':>22}"
        chi = r.get("chi2_best", {})
        line += "  " + ", ".join(f"{k} {v:.2f}" for k, v in chi.items())
        lines.append(line.rstrip())
        if r["ln_b_err"] > ERROR_WARNING:
            warn.append(f"WARNING: the error on ln B of {r['name']} is {r['ln_b_err']:.2f} > {ERROR_WARNING}: "
                        "increase sampler.dynesty.nlive (the error scales as 1/√nlive) or lower dlogz")
    ok = [r for r in rows if "failed" not in r]
    if len(rows) == 2 and len(ok) == 2:
        r = rows[1]
        lines.append(f"ln B({ref} : {r['name']}) = {-r['ln_b']:+.2f} ± {r['ln_b_err']:.2f}")
    lines.append("ln Z errors: each run's reported error (√(H/n_live) for static nested sampling, validated against "
                 "the scatter over seeds) (the samplers' single-run errors: "
                 + ", ".join(f"{r['logz_err_dynesty']:.3f}" for r in ok) + ")")
    lines.append("odds and P assume equal prior odds; Jeffreys scale as in Trotta, Contemp. Phys. 49 (2008) 71")
    return "\n".join(lines + warn)
