"""Analysis of stored runs, as the report (globalfit.report) shows it; no HTML here.

* `chi2_at_map`: χ² and pulls of every likelihood at the MAP against the model's no-new-physics point;
* `collect_run`: what the report shows of one run (summary rows, χ² at the MAP, data provenance checked
  against the current data catalog, MCMC diagnostics, alerts), as a `RunInfo`;
* `dataset_changes`, `moved_rows`: "what moved" between runs that differ only in likelihood datasets;
* `evidence_rows`: the evidence table (globalfit.compare); `expand_run_paths`: study directories → runs.

χ² and pulls at the MAP
-----------------------
The MAP is the stored sample with the highest log posterior (nested runs: among all weighted samples).
It is re-evaluated with ``Posterior(load_card(<run>/card.yaml)).evaluate(θ)``; χ²_i = −2 ln L_i for each
likelihood i (every built-in likelihood is written as ln L = −χ²/2 with χ² ≥ 0, no normalisation
constant). If the re-evaluated values differ from the stored ones (code or data changed since the run) the
notes say so.

Pull, when the run's model has a no-new-physics point (PhysicsModel.null_point; described by its
`null_description`; lmu-ltau: g_Z′ = 10⁻¹² with the Higgs-sector mass mixing and a free kinetic mixing
switched off, for cards with g_zp), every other parameter at its MAP value — the same reference as the
exclusion curves of ``globalfit plane``. Then

    Δχ²_i = χ²_i(MAP) − χ²_i(null),      pull_i = sign(Δχ²_i) · √|Δχ²_i| .

pull < 0: experiment i prefers the MAP point to the null point by √|Δχ²| "σ" (1-parameter equivalent),
e.g. the g−2 anomaly; pull > 0: experiment i disfavours the MAP point against the null point (it pulls the
fit towards no new physics). A limit curve has χ² ≥ 0 with χ² = 0 for no signal, so its pull is never
negative. The sum Σ Δχ² has a signed root that is the overall preference of the likelihoods at the MAP
point for the new physics (−) or for its absence (+); it is a likelihood ratio at one point, not a
significance (no look-elsewhere effect, no profiling).

Runs without a null point (e.g. pure neutrino-mass fits) get √χ²_i instead: the distance from the measured
value in standard deviations for a Gaussian measurement, the signal in units of the half-normal width for a
one-sided limit (0 = no signal), and √Δχ² from the global best fit for a tabulated Δχ² (NuFIT) — in no
case a p-value, and not additive across likelihoods.
"""
from __future__ import annotations

import copy
import dataclasses
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from globalfit.chains import CARD_FILE, MANIFEST_FILE, Run
from globalfit.errors import GlobalfitError, RunError

#: card keys that do not change what a run computes; ignored when deciding whether two runs differ
#: "only in likelihood datasets" (What moved)
BOOKKEEPING = ("name", "description", "output", "seed")
SAMPLER_BOOKKEEPING = ("progress", "checkpoint_every")
RHAT_WARN = 1.01
TAU_WARN = 50  # emcee: warn when the chain after burn-in is shorter than this many τ

_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(x: Any, sig: int = 4, sign: bool = False) -> str:
    """A number with `sig` significant digits; powers of ten as ×10ⁿ outside 10⁻³ … 10⁵; '—' for None/NaN."""
    if x is None:
        return "—"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return f"{int(x):+d}" if sign else str(int(x))
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return ("+∞" if sign else "∞") if v > 0 else "−∞"
    if v == 0:
        return "0"
    plus = "+" if sign and v > 0 else ""
    a = abs(v)
    if 1e-3 <= a < 1e5:
        s = format(v, f".{sig}g")
        if "e" in s:  # ≥ 10^sig: round to sig digits, print without exponent
            s = str(int(round(v, sig - 1 - int(math.floor(math.log10(a))))))
    else:
        mant, exp = format(v, f".{sig - 1}e").split("e")
        mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
        s = f"{mant}×10{str(int(exp)).translate(_SUP)}"
    return (plus + s).replace("-", "−")


# ------------------------------------------------------------------------------------ χ² at the MAP
def map_point(run: Run, extra: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Parameter values at the stored sample with the highest log posterior, and the stored `extra` values
    there (those the run has) with its stored ``logpost``."""
    names = run.parameters
    avail = set(run.idata["nested"].data_vars) if run.kind == "nested" else set(run.variables())
    extra = [v for v in extra if v in avail]
    x, _ = run.samples(names + extra + ["logpost"])
    i = int(np.nanargmax(np.where(np.isfinite(x[:, -1]), x[:, -1], -np.inf)))
    point = {n: float(x[i, j]) for j, n in enumerate(names)}
    stored = {n: float(x[i, len(names) + j]) for j, n in enumerate(extra)}
    stored["logpost"] = float(x[i, -1])
    return point, stored


def _model(card: dict):
    from globalfit.model import DEFAULT_MODEL, get_model

    return get_model((card.get("model") or {}).get("name", DEFAULT_MODEL))


def reference_card(card: dict) -> dict | None:
    """The resolved card (a mapping, as card.yaml) at its model's no-new-physics point
    (PhysicsModel.null_point); None if the model has none for this card."""
    return _model(card).null_point(card)


def null_description(card: dict) -> str:
    """What the no-new-physics point of the card's model is, in words (PhysicsModel.null_description)."""
    return _model(card).null_description


def chi2_at_map(run: Run) -> dict:
    """χ² = −2 ln L of every likelihood at the MAP, re-evaluated from the stored card; with the
    no-new-physics reference and pulls when the model has one (see the module docstring). Keys: point,
    chi2, stored_chi2, ref_chi2 (or None), mode ('no-zp': pulls against the null point, or 'sqrt'), logpost,
    stored_logpost, logprior, notes."""
    from globalfit.card import load_card
    from globalfit.posterior import Posterior

    plugins = list(run.manifest.get("likelihoods", {}))
    point, stored = map_point(run, [f"loglike_{k}" for k in plugins])
    notes: list[str] = []
    card = load_card(run.path / CARD_FILE)
    post = Posterior(card)
    missing = [n for n in post.names if n not in point]
    if missing:
        raise RunError(f"{run.path}: the card samples {', '.join(missing)}, which the stored run does not have")
    theta = np.array([[point[n] for n in post.names]])
    with np.errstate(all="ignore"):
        ev = post.evaluate(theta)
    chi2 = {k: float(-2.0 * v[0]) + 0.0 for k, v in ev.loglike.items()}
    logpost = float(ev.logpost[0])
    stored_chi2 = {k: -2.0 * stored[f"loglike_{k}"] + 0.0 for k in chi2 if f"loglike_{k}" in stored}
    if not bool(ev.in_domain[0]):
        notes.append("the MAP sample is outside the model's domain when re-evaluated")
    diff = abs(logpost - stored["logpost"]) if np.isfinite(logpost) else math.inf
    if not diff <= 1e-6 * max(1.0, abs(stored["logpost"])):
        notes.append(f"the re-evaluated log posterior at the MAP ({format_number(logpost)}) differs from the stored "
                     f"one ({format_number(stored['logpost'])}): the code or the data changed since the run")
    ref = None
    mode = "sqrt"
    null = reference_card(run.card)
    if null is not None:
        mode = "no-zp"
        try:
            ref_post = Posterior(load_card(null))
            ref_theta = np.array([[point[n] for n in ref_post.names]])
            with np.errstate(all="ignore"):
                rev = ref_post.evaluate(ref_theta)
            ref = {k: float(-2.0 * v[0]) + 0.0 for k, v in rev.loglike.items()}
            if not bool(rev.in_domain[0]):
                notes.append("the no-Z′ reference point is outside the model's domain")
        except (GlobalfitError, KeyError, ValueError) as exc:
            mode = "sqrt"
            notes.append(f"no no-Z′ reference could be built ({exc}); √χ² is shown instead")
    return {"point": point, "chi2": chi2, "stored_chi2": stored_chi2, "ref_chi2": ref, "mode": mode,
            "logpost": logpost, "stored_logpost": stored["logpost"], "logprior": float(ev.logprior[0]), "notes": notes}


def signed_root(d: float) -> float:
    """sign(d)·√|d| (NaN for a non-finite d): a Δχ² as a 1-parameter "σ"."""
    if not np.isfinite(d):
        return math.nan
    return math.copysign(math.sqrt(abs(d)), d) if d != 0 else 0.0


# ------------------------------------------------------------------------------------- data provenance
@dataclasses.dataclass
class DataProvenance:
    """The data a run used, checked against the current data catalog.

    likelihoods: per likelihood {name, dataset, options, details (what its plugin reported), files};
    files: per data file read {path, sha256 (recorded by the run), entry (catalog.CatalogEntry or None),
    status: 'ok' | 'missing' (not in the catalog) | 'changed' (catalog sha256 differs) | 'disk' (the bytes
    on disk differ)}; meta_keys: the catalog metadata columns; alerts: what needs attention."""

    likelihoods: list[dict]
    files: list[dict]
    meta_keys: list[str]
    alerts: list[str]


def data_provenance(run: Run) -> DataProvenance:
    """The run's likelihoods, datasets and data files (manifest) joined with the current data catalog."""
    from globalfit import catalog

    m = run.manifest
    files = m.get("data_files", [])
    likes = m.get("likelihoods", {})
    alerts: list[str] = []
    try:
        cat = {e.path: e for e in catalog.catalog()}
        for exp in likes:  # experiments whose data live in a third-party package's root
            cat.update({e.path: e for e in catalog.entries(exp)})
    except GlobalfitError as exc:
        cat = {}
        alerts.append(f"the data catalog could not be read: {exc}")

    def owner(path: str) -> str | None:
        e = cat.get(path)
        exp = e.experiment if e is not None else path.split("/", 1)[0]
        return exp if exp in likes else None

    rows = []
    for name, d in likes.items():
        d = d or {}
        rows.append({"name": name, "dataset": d.get("dataset"), "options": d.get("options") or {},
                     "details": {k: v for k, v in d.items() if k not in ("dataset", "options")},
                     "files": [f["path"] for f in files if owner(f["path"]) == name]})
    meta_keys: list[str] = []
    for f in files:
        e = cat.get(f["path"])
        for k in (e.meta if e else {}):
            if k not in meta_keys:
                meta_keys.append(k)
    order = [k for k in ("citation", "source", "version", "obtained") if k in meta_keys]
    order += [k for k in meta_keys if k not in order]
    frows = []
    for f in files:
        path, sha = f.get("path", "?"), f.get("sha256", "")
        e = cat.get(path)
        if e is None:
            status = "missing"
            alerts.append(f"data file {path} is not in the current data catalog")
        elif e.sha256 != sha:
            status = "changed"
            alerts.append(f"data file {path}: the catalog sha256 differs from the one recorded by the run "
                          "(the data changed since the run)")
        else:
            status = "ok"
            try:
                disk = catalog.path_of(path)
            except GlobalfitError:
                disk = None
            if disk is not None and disk.is_file():
                try:
                    if catalog.sha256_of(disk) != sha:
                        status = "disk"
                        alerts.append(f"data file {path}: its bytes on disk differ from the recorded sha256")
                except OSError:
                    pass
        frows.append({"path": path, "sha256": sha, "entry": e, "status": status})
    return DataProvenance(rows, frows, order, alerts)


# ------------------------------------------------------------------------------------------- run info
def mcmc_diagnostics(run: Run, rows: list[dict] | None) -> list[dict]:
    """Per variable of an MCMC run: name, r_hat, ess_bulk (from the summary `rows`), tau (emcee's
    integrated autocorrelation time, steps) and steps_per_tau (chain length after burn-in / τ); [] for
    nested runs."""
    if run.kind == "nested":
        return []
    r = run.manifest.get("results", {})
    taus = r.get("autocorr_time") or {}
    n = r.get("steps_after_burn")
    by = {row["name"]: row for row in rows or []}
    out = []
    for name in list(dict.fromkeys(list(taus) + [row["name"] for row in rows or []])):
        row = by.get(name, {})
        tau = taus.get(name)
        out.append({"name": name, "r_hat": row.get("r_hat"), "ess_bulk": row.get("ess_bulk"), "tau": tau,
                    "steps_per_tau": n / tau if tau and n else None})
    return out


@dataclasses.dataclass
class RunInfo:
    """What the report shows of one run: its `label` and `anchor` (unique among the runs of a report), the
    summary rows (globalfit.summary.summarize) and χ² at the MAP (`chi2_at_map`), or why they could not be
    computed, the data provenance, the MCMC diagnostics and the alerts (data, R-hat, χ² notes)."""

    run: Run
    label: str
    anchor: str
    rows: list[dict] | None = None
    rows_error: str | None = None
    chi2: dict | None = None
    chi2_error: str | None = None
    data: DataProvenance | None = None
    diagnostics: list[dict] | None = None
    alerts: list[str] = dataclasses.field(default_factory=list)


def collect_run(run: Run, label: str, k: int) -> RunInfo:
    """The RunInfo of `run`, the k-th (from 0) run of a report."""
    from globalfit.summary import summarize

    info = RunInfo(run, label, f"run-{k + 1}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            info.rows = summarize(run)
        except (GlobalfitError, KeyError, ValueError) as exc:
            info.rows_error = str(exc)
        try:
            info.chi2 = chi2_at_map(run)
        except (GlobalfitError, KeyError, ValueError) as exc:
            info.chi2_error = str(exc)
    info.data = data_provenance(run)
    info.diagnostics = mcmc_diagnostics(run, info.rows)
    info.alerts = [*info.data.alerts,
                   *(f"R-hat of {d['name']} is {format_number(d['r_hat'])} > {RHAT_WARN}" for d in info.diagnostics
                     if d["r_hat"] is not None and d["r_hat"] > RHAT_WARN),
                   *(info.chi2["notes"] if info.chi2 is not None else [])]
    return info


def run_labels(runs: list[Run]) -> list[str]:
    """Distinct labels of the runs: their names, with the directory or a number added where names repeat."""
    names = [r.name for r in runs]
    if len(set(names)) == len(names):
        return names
    out = [f"{r.name} · {r.path.name}" if r.path.name != r.name and names.count(r.name) > 1 else r.name for r in runs]
    if len(set(out)) != len(out):
        out = [f"{o} #{k + 1}" if out.count(o) > 1 else o for k, o in enumerate(out)]
    return out


def labelled(run: Run, label: str) -> Run:
    """A copy of the run whose name is `label` (plots and the evidence table use Run.name)."""
    return dataclasses.replace(run, card={**run.card, "name": label})


def evidence_rows(infos: list[RunInfo]) -> list[dict]:
    """The evidence table of nested runs, named by their labels (globalfit.compare.compare rows: ln Z,
    ln B against the first, odds, probability, Jeffreys wording)."""
    from globalfit.compare import compare

    return compare([labelled(i.run, i.label) for i in infos])


# ------------------------------------------------------------------------------------------ what moved
def normalised_card(card: dict) -> tuple[dict, dict]:
    """(card without bookkeeping keys and likelihood datasets, {likelihood: dataset})."""
    c = copy.deepcopy(card)
    for k in BOOKKEEPING:
        c.pop(k, None)
    for k in SAMPLER_BOOKKEEPING:
        (c.get("sampler") or {}).pop(k, None)
    datasets = {}
    for name, cfg in (c.get("likelihoods") or {}).items():
        if isinstance(cfg, dict):
            datasets[name] = cfg.pop("dataset", None)
    return c, datasets


def dataset_changes(cards: list[dict]) -> list[dict[str, tuple]] | None:
    """If every card equals the first up to likelihood datasets (and bookkeeping: name, description, output,
    seed, progress, checkpointing) and at least one dataset differs: per later card, {likelihood: (first
    run's dataset, this run's)} for the datasets that changed. Otherwise None."""
    base, d0 = normalised_card(cards[0])
    out = []
    for card in cards[1:]:
        c, d = normalised_card(card)
        if c != base:
            return None
        out.append({k: (d0.get(k), d.get(k)) for k in d0 if d0.get(k) != d.get(k)})
    return out if any(out) else None


def moved_rows(first: RunInfo, other: RunInfo) -> list[dict]:
    """Shift of the median in units of the first run's 68% half-width, and the relative change of the 68%
    width, for every variable both summaries have; log10 for parameters with a log-uniform prior. Keys:
    name, log10, median0, median, shift, width_change; sorted by |shift|."""
    a = {r["name"]: r for r in first.rows or []}
    rows = []
    for r in other.rows or []:
        r0 = a.get(r["name"])
        if r0 is None:
            continue
        log = first.run.prior_kind(r["name"]) == "log-uniform" or other.run.prior_kind(r["name"]) == "log-uniform"
        f = (lambda v: math.log10(v) if v > 0 else math.nan) if log else (lambda v: v)
        med0, lo0, hi0 = f(r0["median"]), f(r0["lo68"]), f(r0["hi68"])
        med, lo, hi = f(r["median"]), f(r["lo68"]), f(r["hi68"])
        hw0 = 0.5 * (hi0 - lo0)
        with np.errstate(all="ignore"):
            shift = (med - med0) / hw0 if hw0 > 0 else math.nan
            width = (hi - lo) / (hi0 - lo0) - 1.0 if hi0 - lo0 > 0 else math.nan
        rows.append({"name": r["name"], "log10": log, "median0": r0["median"], "median": r["median"],
                     "shift": shift, "width_change": width})
    rows.sort(key=lambda x: (not np.isfinite(x["shift"]), -abs(x["shift"]) if np.isfinite(x["shift"]) else 0.0))
    return rows


# ---------------------------------------------------------------------------------------------- inputs
def expand_run_paths(paths: list[str | Path | Run]) -> tuple[list[Path | Run], list[str]]:
    """Run directories from the arguments: a study directory (study.yaml without manifest.json) stands for
    its runs in the study's order; failed runs of a study are skipped and named. A loaded Run stays as it is."""
    out: list[Path | Run] = []
    skipped: list[str] = []
    for p in paths:
        if isinstance(p, Run):
            out.append(p)
            continue
        p = Path(p)
        if (p / "study.yaml").exists() and not (p / MANIFEST_FILE).exists():
            subs = sorted(d for d in p.iterdir() if d.is_dir() and ((d / MANIFEST_FILE).exists()
                                                                   or (d / "failed.json").exists()))
            try:
                from globalfit.study import load_study

                order = list(load_study(p / "study.yaml").cards)
                subs.sort(key=lambda d: order.index(d.name) if d.name in order else len(order))
            except Exception:  # the order is cosmetic: an unreadable study.yaml leaves the runs sorted by name
                pass
            for d in subs:
                if (d / "failed.json").exists():
                    skipped.append(str(d))
                else:
                    out.append(d)
        else:
            out.append(p)
    return out, skipped
