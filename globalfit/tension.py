"""Leave-one-experiment-out: how each likelihood pulls on the others.

For every likelihood k of a stored run:
- shifts: the shift of each parameter's posterior mean when k is removed, in units of the full posterior's
  standard deviation. By default from importance weights 1/L_k on the stored samples (their log L_k are
  in the chains): quick, but it cannot reach beyond the support of the full posterior, so it is reliable
  only when k is a weak constraint; `ess` is the effective number of samples after reweighting and rows
  with ESS < max(100, 10% of the full posterior's) show no shifts. With rerun=True (`--rerun`) the card is
  sampled again without k (same sampler settings and seed) and the shifts are exact;
- tension: with χ²_min(S) the minimum over the parameters of Σ_{j ∈ S} χ²_j (globalfit.profile's
  optimiser, prior box as bounds), the parameter-goodness-of-fit statistic of Maltoni & Schwetz,
  PRD 68 (2003) 033020:  χ²_PG = χ²_min(all) − χ²_min(all but k) − χ²_min(k alone),
  the price in χ² of fitting k together with the others rather than separately; its p-value is quoted
  for one degree of freedom (indicative: the proper number is that of the parameters both constrain).
  Also Δχ²_add = χ²_min(all) − χ²_min(all but k).
"""
from __future__ import annotations

import dataclasses

import numpy as np
from scipy import stats

from globalfit.card import Card, load_card
from globalfit.chains import Run
from globalfit.posterior import Posterior


def _chi2_min(card: Card, keep: list[str], seed: int, n_scan: int = 4000) -> float:
    """min over the sampled parameters of −2 Σ_{keep} ln L (prior box as bounds)."""
    from globalfit.profile import minimise

    sub = dataclasses.replace(card, likelihoods={k: v for k, v in card.likelihoods.items() if k in keep})
    post = Posterior(sub)
    rng = np.random.default_rng(seed)
    scan = rng.random((n_scan, post.ndim))

    def chi2(u):
        with np.errstate(all="ignore"):
            ll = post.log_likelihood(post.prior_transform(np.clip(np.atleast_2d(u), 0.0, 1.0)))
        return np.where(np.isfinite(ll), -2.0 * ll, 1e30)

    c = chi2(scan)
    starts = [scan[i] for i in np.argsort(c)[:3]]
    _, best = minimise(lambda u: float(chi2(u)[0]), starts, 600 * post.ndim)
    return float(min(best, c.min()))


def _rerun_without(card: Card, drop: str, out) -> tuple[list[str], np.ndarray, np.ndarray] | str:
    """Sample the card without one likelihood (parameters that nothing reads any more are dropped);
    (parameter names, values (n, d), weights), or the reason it cannot be done."""
    from globalfit.card import load_card as _load
    from globalfit.errors import CardError, GlobalfitError
    from globalfit.runner import run_card

    raw = card.to_dict()
    raw["likelihoods"].pop(drop)
    raw["name"] = f"{card.name}-without-{drop}"
    raw["sampler"]["progress"] = False
    for _ in range(2):
        try:
            sub = _load(raw)
            break
        except CardError as exc:
            unused = [p.path.split(".", 1)[1] for p in exc.problems
                      if p.path.startswith("params.") and "not read by any likelihood" in p.message]
            if not unused or len(unused) != len(exc.problems):
                return str(exc.problems[0])
            for name in unused:
                raw["params"].pop(name)
    else:
        return "the card without it is not valid"
    try:
        with open("/dev/null", "w") as sink:
            run = run_card(sub, out, progress=False, log=sink)
    except GlobalfitError as exc:
        return str(exc)
    values, weights = run.samples(run.parameters)
    return run.parameters, values, weights


def leave_one_out(run: Run, optimise: bool = True, rerun: bool = False, workdir=None, log=None) -> list[dict]:
    """One row per likelihood (see the module docstring). With `log` (a stream), a line per step shows progress."""
    import tempfile
    from pathlib import Path

    card = load_card(run.card)
    names = run.parameters
    plugins = list(card.likelihoods)
    values, w = run.samples(names)
    ll, _ = run.samples([f"loglike_{p}" for p in plugins])
    mean = np.sum(w[:, None] * values, axis=0)
    sd = np.sqrt(np.maximum(np.sum(w[:, None] * (values - mean) ** 2, axis=0), 1e-300))
    ess_full = float(1.0 / np.sum(w * w))
    total_min = _chi2_min(card, plugins, card.seed) if optimise and len(plugins) > 1 else None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="globalfit-tension-"))
    rows = []
    for j, p in enumerate(plugins):
        if log is not None:
            what = ", ".join(w for w, on in (("sampling again", rerun and len(plugins) > 1),
                                            ("χ² minimisations", total_min is not None)) if on) or "reweighting"
            print(f"globalfit: tension {j + 1}/{len(plugins)}: without {p} ({what})", file=log, flush=True)
        logw = np.log(np.maximum(w, 1e-300)) - ll[:, j]
        logw -= np.max(logw)
        w2 = np.exp(logw)
        w2 /= w2.sum()
        ess = float(1.0 / np.sum(w2 * w2))
        row = {"likelihood": p, "ess": ess, "method": "reweighting",
               "chi2_at_map": float(-2.0 * ll[np.argmax(np.sum(ll, axis=1)), j]) + 0.0}
        if rerun and len(plugins) > 1:
            got = _rerun_without(card, p, workdir / f"without-{p}")
            if isinstance(got, str):
                row.update(shifts={}, note=f"cannot be removed: {got}")
            else:
                kept, v3, w3 = got
                mean3 = np.sum(w3[:, None] * v3, axis=0)
                shifts = {n: float((mean3[kept.index(n)] - mean[i]) / sd[i]) for i, n in enumerate(names) if n in kept}
                row.update(method="rerun", shifts=shifts)
                if len(kept) < len(names):
                    row["note"] = f" (unconstrained without it: {', '.join(n for n in names if n not in kept)})"
        elif ess >= max(100.0, 0.1 * ess_full):
            mean2 = np.sum(w2[:, None] * values, axis=0)
            row["shifts"] = {n: float((mean2[i] - mean[i]) / sd[i]) for i, n in enumerate(names)}
        else:
            row.update(shifts={}, note="reweighting unreliable (the likelihood dominates some parameters): use --rerun")
        if total_min is not None:
            others = _chi2_min(card, [q for q in plugins if q != p], card.seed)
            alone = _chi2_min(card, [p], card.seed)
            pg = max(total_min - others - alone, 0.0)
            row.update(delta_chi2=total_min - others + 0.0, chi2_pg=pg, p_value=float(stats.chi2.sf(pg, 1)),
                       chi2_min_alone=alone)
        rows.append(row)
    return rows


def format_tension(rows: list[dict]) -> str:
    head = (f"{'likelihood':<14}{'χ² at MAP':>11}{'Δχ²_add':>10}{'χ²_PG':>9}{'p (1 dof)':>11}{'ESS':>8}"
            "  largest shifts without it [σ]")
    lines = [head, "-" * len(head)]
    for r in rows:
        shifts = sorted(r["shifts"].items(), key=lambda kv: -abs(kv[1]))[:3]
        flag = r.get("note", "")
        line = f"{r['likelihood']:<14}{r['chi2_at_map']:>11.3f}"
        if "chi2_pg" in r:
            line += f"{r['delta_chi2']:>10.3f}{r['chi2_pg']:>9.3f}{r['p_value']:>11.3g}"
        else:
            line += f"{'—':>10}{'—':>9}{'—':>11}"
        ess = f"{r['ess']:.0f}" if r["method"] == "reweighting" else "rerun"
        line += f"{ess:>8}  " + ", ".join(f"{k} {v:+.2f}" for k, v in shifts) + flag
        lines.append(line)
    lines.append("χ²_PG: parameter goodness of fit of the likelihood against all others (Maltoni & Schwetz 2003); "
                 "shifts: change of the posterior mean when the likelihood is removed, in σ of the full posterior "
                 "(ESS column: importance weights 1/L; 'rerun': sampled again without it)")
    return "\n".join(lines)
