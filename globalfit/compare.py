"""Evidences and Bayes factors of stored nested-sampling runs.

ln B_i = ln Z_i − ln Z_0 against the first run, its error from the runs' ln Z errors in quadrature, the
posterior odds for equal prior odds, the model probabilities among the runs compared, and the wording of
the Jeffreys scale as used by Trotta, Contemp. Phys. 49 (2008) 71 (|ln B| < 1 inconclusive, < 2.5 weak,
< 5 moderate, ≥ 5 strong). The ln Z error is each run's reported error (`reported_error`: Skilling's √(H/n_live)
for static nested runs, validated against the scatter over seeds; the scatter of resampled realizations for dynamic
runs and for runs stored before; the engine's own where that is all there is); the sampler's single-run estimate is
shown beside it.

`agreement` and `format_agreement` check one card run several ways (engines, settings, seeds): each run's ln Z ±
reported error, and for each pair Δ ln Z in units of the combined error √(σ₁² + σ₂²), pairs beyond
AGREEMENT_SIGMA flagged; whether the runs really share the physics (`physics_card`: the stored card without
sampler, seed, name, description, output and derived list; and the same data files) is read from the runs.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from globalfit.chains import Run
from globalfit.errors import RunError

ERROR_WARNING = 0.3  # warn when the error on ln B exceeds this
AGREEMENT_SIGMA = 3.0  # runs of one card whose ln Z differ by more than this many combined errors disagree
#: card keys that do not change the posterior: left out of `physics_card`
NON_PHYSICS_KEYS = ("name", "description", "output", "sampler", "seed", "derived")


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


#: what the comparison says to do when an error is too large
MORE_LIVE_POINTS = ("increase the live points (the error scales as 1/√n_live) or set sampler.target_dlnz "
                    "(docs/samplers.md)")


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
            row["logz_err_method"] = reported_error(r.manifest["results"])[1]
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
                        + MORE_LIVE_POINTS)
    ok = [r for r in rows if "failed" not in r]
    if len(rows) == 2 and len(ok) == 2:
        r = rows[1]
        lines.append(f"ln B({ref} : {r['name']}) = {-r['ln_b']:+.2f} ± {r['ln_b_err']:.2f}")
    methods = "; ".join(dict.fromkeys(r.get("logz_err_method", "reported") for r in ok))
    lines.append(f"ln Z errors: each run's reported error ({methods}; validated against the scatter over seeds, "
                 "docs/samplers.md) (the samplers' own: " + ", ".join(f"{r['logz_err_dynesty']:.3f}" for r in ok) + ")")
    lines.append("odds and P assume equal prior odds; Jeffreys scale as in Trotta, Contemp. Phys. 49 (2008) 71")
    return "\n".join(lines + warn)


# ------------------------------------------------------------------------------- agreement of one card's runs
def physics_card(card: Mapping) -> dict:
    """The part of a resolved card that defines the posterior: everything but NON_PHYSICS_KEYS (and the default
    model name, which older cards do not write)."""
    from globalfit.model import DEFAULT_MODEL

    out = {k: v for k, v in card.items() if k not in NON_PHYSICS_KEYS}
    model = out.get("model")
    if isinstance(model, Mapping) and model.get("name") == DEFAULT_MODEL:
        out["model"] = {k: v for k, v in model.items() if k != "name"}
    return out


def physics_hash(card: Mapping) -> str:
    """sha256 of `physics_card(card)`: equal for runs of one card with different samplers, settings or seeds."""
    return hashlib.sha256(json.dumps(physics_card(card), sort_keys=True, default=str).encode()).hexdigest()


def differences(a: object, b: object, prefix: str = "") -> list[str]:
    """The dotted paths at which two nested mappings differ."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += differences(a.get(k), b.get(k), f"{prefix}.{k}" if prefix else str(k))
        return out
    return [] if a == b else [prefix or "(card)"]


def _stored_card(run) -> dict | None:
    if isinstance(run, FailedRun):
        from globalfit import yamlio

        path = Path(run.path) / "card.yaml"
        return yamlio.load(path) if path.exists() else None
    return run.card


def _data_files(run) -> dict[str, str]:
    return {} if isinstance(run, FailedRun) else {d["path"]: d["sha256"] for d in run.manifest.get("data_files", [])}


def _live_points(settings: Mapping) -> int | None:
    for key in ("nlive", "min_num_live_points", "n_live"):
        if settings.get(key) is not None:
            return int(settings[key])
    return None


def _engine_row(run) -> dict:
    """A run's line of the agreement table."""
    if isinstance(run, FailedRun):
        return {"name": run.name, "path": run.path, "engine": None, "logz": -math.inf, "failed": run.reason}
    if run.kind != "nested":
        raise RunError(f"{run.path}: sampled with {run.sampler}, which gives no evidence")
    r, m = run.manifest["results"], run.manifest
    err, how = reported_error(r)
    how = str(r.get("logzerr_method") or (f"{run.sampler}'s own" if how == "sampler's own" else how))
    cpu = m.get("cpu_time_s", r.get("cpu_time_s"))
    proposal = r.get("proposal") if run.sampler == "lockstep" else None
    engine = run.sampler if proposal in (None, "slice") else f"{run.sampler}/{proposal}"
    return {"name": run.name, "path": str(run.path), "engine": engine,
            "live_points": _live_points(m["sampler"].get("settings") or {}), "seed": m.get("seed"),
            "logz": float(r["logz"]), "logz_err": err, "logz_err_method": how,
            "likelihood_calls": m.get("likelihood_calls"), "wall_time_s": m.get("wall_time_s"),
            "cpu_time_s": None if cpu is None else float(cpu)}


def _pair(a: dict, b: dict, threshold: float) -> dict:
    """Δ ln Z = ln Z_b − ln Z_a, the combined error and the verdict (None: a run failed)."""
    if "failed" in a or "failed" in b:
        return {"a": a["name"], "b": b["name"], "delta_logz": None, "sigma": None, "n_sigma": None, "agree": None}
    delta, sigma = b["logz"] - a["logz"], math.hypot(a["logz_err"], b["logz_err"])
    n_sigma = abs(delta) / sigma if sigma > 0 else (0.0 if delta == 0 else math.inf)
    return {"a": a["name"], "b": b["name"], "delta_logz": delta, "sigma": sigma, "n_sigma": n_sigma,
            "agree": n_sigma <= threshold}


def agreement(runs: list, threshold: float = AGREEMENT_SIGMA) -> dict:
    """Agreement of runs meant to give one ln Z (one card, several engines, settings or seeds): the runs' rows,
    every pair's Δ ln Z in combined errors (flagged beyond `threshold`), and whether the runs share the physics
    card and data files of the first (`physics_differences`: run → differing card paths / data files)."""
    if len(runs) < 2:
        raise RunError("an agreement check needs at least two runs")
    rows = [_engine_row(r) for r in runs]
    cards = [_stored_card(r) for r in runs]
    ref_card, ref_data = cards[0], _data_files(runs[0])
    diffs = {}
    for row, card, run in zip(rows[1:], cards[1:], runs[1:]):
        found = ["card not stored"] if card is None or ref_card is None else differences(
            physics_card(ref_card), physics_card(card))
        data = _data_files(run)
        if ref_data and data:
            found += [f"data file {p}" for p in sorted(set(ref_data) | set(data)) if ref_data.get(p) != data.get(p)]
        if found:
            diffs[row["name"]] = found
    for row, card in zip(rows, cards):
        row["physics_sha256"] = physics_hash(card) if card is not None else None
    pairs = [_pair(a, b, threshold) for a, b in itertools.combinations(rows, 2)]
    judged = [p for p in pairs if p["agree"] is not None]
    return {"rows": rows, "pairs": pairs, "threshold_sigma": threshold, "same_physics": not diffs,
            "physics_differences": diffs, "engines": list(dict.fromkeys(r["engine"] for r in rows if r["engine"])),
            "all_agree": bool(judged) and all(p["agree"] for p in judged)}


def _seconds(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f} s"


def _agreement_rows(result: dict, w: int) -> list[str]:
    show_cpu = any(r.get("cpu_time_s") is not None for r in result["rows"])
    e = max([11] + [len(r["engine"]) + 2 for r in result["rows"] if r.get("engine")])
    head = (f"{'run':<{w}}{'engine':<{e}}{'live':>6}{'ln Z ± reported error':>24}{'calls':>10}{'wall':>9}"
            + (f"{'CPU':>9}" if show_cpu else "") + "  ln Z error")
    lines = [head, "-" * len(head)]
    for r in result["rows"]:
        if "failed" in r:
            lines.append(f"{r['name']:<{w}}{'—':<{e}}{'':>6}{'−∞ (no solution)':>24}  excluded: {r['failed']}")
            continue
        live = "—" if r["live_points"] is None else str(r["live_points"])
        calls = "—" if r["likelihood_calls"] is None else str(r["likelihood_calls"])
        lines.append(f"{r['name']:<{w}}{r['engine']:<{e}}{live:>6}{r['logz']:>13.3f} ± {r['logz_err']:<8.3f}"
                     f"{calls:>10}{_seconds(r['wall_time_s']):>9}"
                     + (f"{_seconds(r['cpu_time_s']):>9}" if show_cpu else "") + f"  {r['logz_err_method']}")
    return lines


def _pair_rows(result: dict, w: int) -> list[str]:
    t = result["threshold_sigma"]
    head = f"{'pair (Δ = second − first)':<{2 * w + 3}}{'Δ ln Z':>9}{'σ combined':>12}{'Δ/σ':>8}  verdict"
    lines = [head, "-" * len(head)]
    for p in result["pairs"]:
        name = f"{p['a']} vs {p['b']}"
        if p["agree"] is None:
            lines.append(f"{name:<{2 * w + 3}}{'—':>9}{'—':>12}{'—':>8}  not compared (a run failed)")
            continue
        verdict = f"agree (≤ {t:g}σ)" if p["agree"] else f"DISAGREE (> {t:g}σ)"
        lines.append(f"{name:<{2 * w + 3}}{p['delta_logz']:>+9.3f}{p['sigma']:>12.3f}{p['n_sigma']:>7.1f}σ  {verdict}")
    return lines


def _physics_line(result: dict) -> list[str]:
    first = result["rows"][0]
    if result["same_physics"]:
        sha = (first.get("physics_sha256") or "")[:12]
        return [f"physics: every run has the physics card of {first['name']} (model, params, likelihoods; sha256 "
                f"{sha}…) and its data files; they differ only in sampler, settings or seed"]
    lines = [f"physics: the runs do NOT share one physics card — this is not an agreement check of one result "
             f"(differences from {first['name']}):"]
    for name, found in result["physics_differences"].items():
        shown = ", ".join(found[:6]) + (f", … ({len(found) - 6} more)" if len(found) > 6 else "")
        lines.append(f"  {name}: {shown}")
    return lines


def _verdict_line(result: dict) -> str:
    judged = [p for p in result["pairs"] if p["agree"] is not None]
    if not judged:
        return "verdict: no pair of finished runs to compare"
    t, worst = result["threshold_sigma"], max(p["n_sigma"] for p in judged)
    if result["all_agree"]:
        return f"verdict: all {len(judged)} pair(s) agree within {t:g}σ (largest {worst:.1f}σ)"
    bad = [f"{p['a']} vs {p['b']} ({p['n_sigma']:.1f}σ)" for p in judged if not p["agree"]]
    return f"verdict: {len(bad)} of {len(judged)} pair(s) DISAGREE beyond {t:g}σ: {', '.join(bad)}"


def format_agreement(result: dict, title: str | None = None) -> str:
    """The agreement table of `agreement(...)`: runs, pairs, whether the physics is shared, and the verdict."""
    w = max(20, max(len(r["name"]) for r in result["rows"]) + 2)
    lines = [title] if title else []
    lines += _agreement_rows(result, w) + [""] + _pair_rows(result, w) + _physics_line(result)
    lines.append(_verdict_line(result))
    lines.append("σ combined = √(σ₁² + σ₂²) of the runs' reported errors (independent runs); wall = sampling time")
    return "\n".join(lines)
