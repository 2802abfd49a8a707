"""`globalfit report RUN [RUN ...] [-o report.html]`: one self-contained HTML page per set of stored runs.

The page needs nothing but itself: CSS inline, images embedded as base64 ``data:`` URIs, no JavaScript,
no external resource (citations are plain text, not links). A physicist can mail it to a colleague.

For every run it shows
  * the header: run name, card description, sampler, date, globalfit version and the command that
    produced the run (manifest.json);
  * the resolved card (card.yaml) verbatim;
  * the data used: each likelihood's dataset, options and what its plugin reported (manifest
    ``likelihoods``), and every data file read with the sha256 recorded at run time, joined with the
    version / source / obtained fields of the *current* data catalog; a file whose catalog sha256 (or
    whose bytes on disk) no longer match the recorded one is flagged;
  * sampler diagnostics: MCMC — R-hat and bulk ESS per variable (arviz, via globalfit.summary), the
    acceptance fractions, the integrated autocorrelation times and the chain length in units of τ;
    nested — ln Z with the resampled error and dynesty's, efficiency, iterations, effective sample size,
    information, points outside the model's domain; and the run's warnings;
  * the corner plot (globalfit.plots.corner_plot);
  * mean, median, 68% and 95% central credible intervals and the MAP sample of every sampled parameter
    and derived quantity (globalfit.summary.summarize);
  * χ² and pull of every likelihood at the MAP (below).
For several runs it adds an overlay corner plot on the shared parameters, the evidence table when all
runs are nested-sampling runs (globalfit.compare), and "What moved" when the runs' resolved cards differ
only in likelihood datasets (data epochs). `write_report(..., tension=...)` renders a per-likelihood
tension table computed elsewhere (see `_tension_section`; `globalfit report --tension` computes it).

χ² and pulls at the MAP
-----------------------
The MAP is the stored sample with the highest log posterior (nested runs: among all weighted samples).
It is re-evaluated with ``Posterior(load_card(<run>/card.yaml)).evaluate(θ)``; χ²_i = −2 ln L_i for each
likelihood i (every built-in likelihood is written as ln L = −χ²/2 with χ² ≥ 0, no normalisation
constant). If the re-evaluated values differ from the stored ones (code or data changed since the run) the
report says so.

Pull, when the run has the Z′ coupling ``g_zp`` (sampled or fixed): the reference is the no-Z′ limit at
the same point — g_Z′ = 10⁻¹² with the Higgs-sector mass mixing and a free kinetic mixing switched off
(``higgs: none``, ``kinetic_mixing: loop``), every other parameter at its MAP value; the same reference
as the exclusion curves of ``globalfit plane``. Then

    Δχ²_i = χ²_i(MAP) − χ²_i(no Z′),      pull_i = sign(Δχ²_i) · √|Δχ²_i| .

pull < 0: experiment i prefers the MAP point to the no-Z′ limit by √|Δχ²| "σ" (1-parameter equivalent),
e.g. the g−2 anomaly; pull > 0: experiment i disfavours the MAP point against the no-Z′ limit (it pulls the
fit towards zero coupling). A limit curve has χ² ≥ 0 with χ² = 0 for no signal, so its pull is never
negative. The table also gives the sum, Σ Δχ², whose signed root is the overall preference of the
likelihoods at the MAP point for the Z′ (−) or for its absence (+); it is a likelihood ratio at one point,
not a significance (no look-elsewhere effect, no profiling).

Runs without g_zp (e.g. pure neutrino-mass fits) have no simple no-new-physics limit; the table then gives
√χ²_i, which is the distance from the measured value in standard deviations for a Gaussian measurement,
the signal in units of the half-normal width for a one-sided limit (0 = no signal), and √Δχ² from the
global best fit for a tabulated Δχ² (NuFIT) — in no case a p-value, and not additive across likelihoods.

Choices made elsewhere in the page are stated in its "Definitions" section.
"""
from __future__ import annotations

import base64
import copy
import dataclasses
import datetime
import html
import math
import shlex
import sys
import tempfile
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from globalfit.chains import CARD_FILE, MANIFEST_FILE, Run, load_run
from globalfit.errors import GlobalfitError, RunError

#: "no Z′": the same tiny coupling as globalfit.plane.G_REFERENCE
G_REFERENCE = 1e-12
#: card keys that do not change what a run computes; ignored when deciding whether two runs differ
#: "only in likelihood datasets" (What moved)
_BOOKKEEPING = ("name", "description", "output", "seed")
_SAMPLER_BOOKKEEPING = ("progress", "checkpoint_every")
RHAT_WARN = 1.01
TAU_WARN = 50  # emcee: warn when the chain after burn-in is shorter than this many τ


# ------------------------------------------------------------------------------------------ formatting
class _H(str):
    """A string that is already safe HTML."""


def _e(x: Any) -> _H:
    return x if isinstance(x, _H) else _H(html.escape(str(x), quote=True))


_SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _num(x: Any, sig: int = 4, sign: bool = False) -> str:
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


def _pm(x: float | None, err: float | None) -> str:
    return f"{_num(x)} ± {_num(err, 2)}"


def _table(headers: list[Any], rows: list[list[Any]], cls: str = "", foot: list[list[Any]] | None = None) -> _H:
    """A table; cells that are not _H are escaped. A cell may be a (content, css class) tuple."""
    def cell(tag, c):
        if isinstance(c, tuple):
            c, k = c
            return f'<{tag} class="{_e(k)}">{_e(c)}</{tag}>'
        return f"<{tag}>{_e(c)}</{tag}>"

    out = [f'<table class="{_e(cls)}">' if cls else "<table>", "<thead><tr>"]
    out += [cell("th", h) for h in headers]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join(cell("td", c) for c in r) + "</tr>")
    out.append("</tbody>")
    if foot:
        out.append("<tfoot>" + "".join("<tr>" + "".join(cell("td", c) for c in r) + "</tr>" for r in foot) + "</tfoot>")
    out.append("</table>")
    return _H("".join(out))


def _dl(items: list[tuple[str, Any]]) -> _H:
    return _H('<dl class="kv">' + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items) + "</dl>")


def _short(value: Any, limit: int = 160) -> str:
    """Compact text of a manifest value (lists of numbers shortened)."""
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v, limit)}" for k, v in value.items()) or "—"
    if isinstance(value, (list, tuple)):
        text = "; ".join(_short(v, limit) for v in value)
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _png_uri(path: Path) -> str:
    """The PNG as a data: URI; re-encoded with a 256-colour palette when that is smaller (line plots lose
    nothing visible and shrink about threefold)."""
    data = Path(path).read_bytes()
    try:
        import io

        from PIL import Image

        with Image.open(path) as im:
            q = im.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buf = io.BytesIO()
        q.save(buf, "PNG", optimize=True)
        if len(buf.getvalue()) < len(data):
            data = buf.getvalue()
    except Exception:  # Pillow missing or too old: keep matplotlib's PNG
        pass
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _img(uri: str, alt: str) -> _H:
    return _H(f'<figure><img src="{_e(uri)}" alt="{_e(alt)}"/><figcaption>{_e(alt)}</figcaption></figure>')


def _note(text: Any, cls: str = "note") -> _H:
    return _H(f'<p class="{cls}">{_e(text)}</p>')


# --------------------------------------------------------------------------------------- computations
def _corner_uri(runs: list[Run], params: list[str] | None = None) -> str:
    from globalfit.plots import corner_plot

    with tempfile.TemporaryDirectory(prefix="globalfit-report-") as tmp:
        out = corner_plot(runs, params, Path(tmp) / "corner.png")
        return _png_uri(out)


def _map_point(run: Run, extra: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Parameter values at the stored sample with the highest log posterior, and the stored `extra` values there."""
    names = run.parameters
    avail = set(run.idata["nested"].data_vars) if run.kind == "nested" else set(run.variables())
    extra = [v for v in extra if v in avail]
    x, _ = run.samples(names + extra + ["logpost"])
    i = int(np.nanargmax(np.where(np.isfinite(x[:, -1]), x[:, -1], -np.inf)))
    point = {n: float(x[i, j]) for j, n in enumerate(names)}
    stored = {n: float(x[i, len(names) + j]) for j, n in enumerate(extra)}
    stored["logpost"] = float(x[i, -1])
    return point, stored


def _reference_raw(card: dict) -> dict | None:
    """The resolved card in its model's no-new-physics limit (PhysicsModel.null_point); None if it has none."""
    from globalfit.model import DEFAULT_MODEL, get_model

    return get_model((card.get("model") or {}).get("name", DEFAULT_MODEL)).null_point(card)


def chi2_at_map(run: Run) -> dict:
    """χ² = −2 ln L of every likelihood at the MAP, re-evaluated from the stored card; with the no-Z′
    reference and pulls when the run has g_zp (see the module docstring). Keys: point, chi2, stored_chi2,
    ref_chi2 (or None), mode ('no-zp' or 'sqrt'), logpost, stored_logpost, notes."""
    from globalfit.card import load_card
    from globalfit.posterior import Posterior

    plugins = list(run.manifest.get("likelihoods", {}))
    point, stored = _map_point(run, [f"loglike_{k}" for k in plugins])
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
        notes.append(f"the re-evaluated log posterior at the MAP ({_num(logpost)}) differs from the stored one "
                     f"({_num(stored['logpost'])}): the code or the data changed since the run")
    ref = None
    mode = "sqrt"
    null = _reference_raw(run.card)
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


def _signed_root(d: float) -> float:
    if not np.isfinite(d):
        return math.nan
    return math.copysign(math.sqrt(abs(d)), d) if d != 0 else 0.0


# ------------------------------------------------------------------------------------------- run info
@dataclasses.dataclass
class _Info:
    run: Run
    label: str
    anchor: str
    rows: list[dict] | None = None
    rows_error: str | None = None
    chi2: dict | None = None
    chi2_error: str | None = None
    alerts: list[str] = dataclasses.field(default_factory=list)


def _labels(runs: list[Run]) -> list[str]:
    names = [r.name for r in runs]
    if len(set(names)) == len(names):
        return names
    out = [f"{r.name} · {r.path.name}" if r.path.name != r.name and names.count(r.name) > 1 else r.name for r in runs]
    if len(set(out)) != len(out):
        out = [f"{o} #{k + 1}" if out.count(o) > 1 else o for k, o in enumerate(out)]
    return out


def _labelled(run: Run, label: str) -> Run:
    """A copy of the run whose name is `label` (plots and the evidence table use Run.name)."""
    return dataclasses.replace(run, card={**run.card, "name": label})


def _collect(run: Run, label: str, k: int) -> _Info:
    from globalfit.summary import summarize

    info = _Info(run, label, f"run-{k + 1}")
    try:
        info.rows = summarize(run)
    except (GlobalfitError, KeyError, ValueError) as exc:
        info.rows_error = str(exc)
    try:
        info.chi2 = chi2_at_map(run)
    except (GlobalfitError, KeyError, ValueError) as exc:
        info.chi2_error = str(exc)
    return info


# ----------------------------------------------------------------------------------------- sections
def _header(info: _Info) -> _H:
    m, run = info.run.manifest, info.run
    cmd = m.get("command")
    cmd_text = shlex.join(map(str, cmd)) if isinstance(cmd, list) else str(cmd or "—")
    versions = m.get("versions", {})
    items = [
        ("description", run.card.get("description") or "—"),
        ("run directory", str(run.path)),
        ("sampler", f"{run.sampler} ({run.kind}); " + _short(m.get("sampler", {}).get("settings", {}), 400)),
        ("date", m.get("created", "—")),
        ("globalfit version", versions.get("globalfit", "—")),
        ("command", cmd_text),
        ("card", f"{m.get('card', {}).get('source') or '—'} (sha256 of the physics content "
                 f"{m.get('card', {}).get('sha256', '—')})"),
        ("seed", m.get("seed", "—")),
        ("likelihood calls", _num(m.get("likelihood_calls"))),
        ("wall time", f"{_num(m.get('wall_time_s'))} s"),
        ("platform", m.get("platform", "—")),
        ("package versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
    ]
    out = [_dl(items)]
    if info.alerts:
        out.append(_H('<div class="alerts"><strong>Attention</strong><ul>'
                      + "".join(f"<li>{_e(a)}</li>" for a in info.alerts) + "</ul></div>"))
    return _H("".join(out))


def _card_section(run: Run) -> _H:
    text = (run.path / CARD_FILE).read_text(encoding="utf-8")
    return _H(f"<h3>Resolved card ({_e(CARD_FILE)})</h3><pre class=\"card\">{_e(text)}</pre>")


def _data_section(info: _Info) -> _H:
    from globalfit import catalog

    run = info.run
    m = run.manifest
    files = m.get("data_files", [])
    likes = m.get("likelihoods", {})
    try:
        cat = {e.path: e for e in catalog.catalog()}
        for exp in likes:  # experiments whose data live in a third-party package's root
            cat.update({e.path: e for e in catalog.entries(exp)})
    except GlobalfitError as exc:
        cat = {}
        info.alerts.append(f"the data catalog could not be read: {exc}")

    def owner(path: str) -> str | None:
        e = cat.get(path)
        exp = e.experiment if e is not None else path.split("/", 1)[0]
        return exp if exp in likes else None

    rows = []
    for name, d in likes.items():
        d = d or {}
        opts = d.get("options") or {}
        details = {k: v for k, v in d.items() if k not in ("dataset", "options")}
        own = [f["path"] for f in files if owner(f["path"]) == name]
        rows.append([name, d.get("dataset") or "—", _short(opts) if opts else "—",
                     (_short(details, 600) if details else "—", "small"), (", ".join(own) or "—", "mono")])
    out = ["<h3>Data used</h3>",
           _table(["likelihood", "dataset", "options", "what the plugin reported", "data files"], rows, "data")]
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
            status = ("not in the current data catalog", "bad")
            info.alerts.append(f"data file {path} is not in the current data catalog")
        elif e.sha256 != sha:
            status = (f"CHANGED: the catalog now has sha256 {e.sha256}", "bad")
            info.alerts.append(f"data file {path}: the catalog sha256 differs from the one recorded by the run "
                               "(the data changed since the run)")
        else:
            status = ("✓ matches the catalog", "ok")
            try:
                disk = catalog.path_of(path)
            except GlobalfitError:
                disk = None
            if disk is not None and disk.is_file():
                try:
                    if catalog.sha256_of(disk) != sha:
                        status = ("the file on disk differs from the catalog and the run", "bad")
                        info.alerts.append(f"data file {path}: its bytes on disk differ from the recorded sha256")
                except OSError:
                    pass
        frows.append([(path, "mono"), e.experiment if e else "—", (e.dataset or "—") if e else "—"]
                     + [str(e.meta.get(k, "—")) if e else "—" for k in order] + [(sha, "sha"), status])
    out.append(_table(["file", "experiment", "dataset"] + order + ["sha256 recorded by the run", "check"], frows,
                      "files"))
    if not files:
        out.append(_note("the manifest lists no data files"))
    return _H("".join(out))


def _diagnostics_section(info: _Info) -> _H:
    run, m = info.run, info.run.manifest
    r = m.get("results", {})
    out = ["<h3>Sampler diagnostics</h3>"]
    calls = m.get("likelihood_calls") or 0
    if run.kind == "nested":
        dyn = r.get("logzerr")
        res = r.get("logzerr_resampled")
        items = [("ln Z", f"{_num(r.get('logz'))} ± {_num(res if res is not None else dyn, 3)}"
                  + (f" (scatter of {r.get('logzerr_realizations', '?')} resampled + jittered realizations)"
                     if res is not None else " (dynesty's error; no resampled error stored)")),
                 ("ln Z error, dynesty's single-run estimate", _num(dyn, 3)),
                 ("iterations", _num(r.get("niter"))),
                 ("live points", _num(r.get("nlive"))),
                 ("batches", _num(r.get("batches"))),
                 ("sampling efficiency", f"{_num(r.get('efficiency_percent'), 3)} %"),
                 ("effective sample size", _num(r.get("n_effective"))),
                 ("information H", f"{_num(r.get('information_nats'))} nats"),
                 ("proposal", r.get("sample", "—"))]
    else:
        acc = np.asarray(r.get("acceptance_fraction") or [], dtype=float)
        items = [("acceptance fraction", f"mean {_num(r.get('mean_acceptance_fraction', acc.mean() if acc.size else None), 3)}"
                  + (f", walkers {_num(acc.min(), 3)} – {_num(acc.max(), 3)} ({acc.size} walkers)" if acc.size else "")),
                 ("steps after burn-in", _num(r.get("steps_after_burn"))),
                 ("coordinates", r.get("coordinates", "—"))]
    outside = r.get("points_outside_domain")
    if outside is not None:
        frac = f" ({_num(100.0 * outside / calls, 3)} % of the {_num(calls)} evaluated)" if calls else ""
        items.append(("points outside the model's domain", f"{_num(outside)}{frac}"))
    if r.get("prior_fraction_in_domain") is not None:
        items.append(("prior volume inside the domain", f"{_num(100.0 * r['prior_fraction_in_domain'], 4)} %"))
    out.append(_dl(items))
    if run.kind != "nested":
        taus = r.get("autocorr_time") or {}
        n = r.get("steps_after_burn")
        by = {row["name"]: row for row in info.rows or []}
        rows = []
        for name in list(dict.fromkeys(list(taus) + [row["name"] for row in info.rows or []])):
            row = by.get(name, {})
            rh, ess, tau = row.get("r_hat"), row.get("ess_bulk"), taus.get(name)
            ratio = n / tau if tau and n else None
            rows.append([name, (_num(rh, 4), "bad" if rh is not None and rh > RHAT_WARN else "num"),
                         (_num(ess, 4), "num"), (_num(tau, 4), "num"),
                         (_num(ratio, 3), "bad" if ratio is not None and ratio < TAU_WARN else "num")])
            if rh is not None and rh > RHAT_WARN:
                info.alerts.append(f"R-hat of {name} is {_num(rh)} > {RHAT_WARN}")
        out.append(_table(["variable", "R-hat", "bulk ESS", "τ (steps)", "steps / τ"], rows, "diag"))
        out.append(_note(f"R-hat (rank-normalised, split) and bulk ESS from arviz over all walkers; τ is emcee's "
                         f"integrated autocorrelation time of the sampled parameters; flagged: R-hat > {RHAT_WARN}, "
                         f"chains shorter than {TAU_WARN} τ."))
    warns = m.get("warnings") or []
    if warns:
        out.append('<div class="alerts"><strong>Warnings recorded by the run</strong><ul>'
                   + "".join(f"<li>{_e(w)}</li>" for w in warns) + "</ul></div>")
    else:
        out.append(_note("The run recorded no warnings."))
    skip = {"logz", "logzerr", "acceptance_fraction"}
    rest = [(k, _short(v, 300)) for k, v in r.items() if k not in skip]
    if rest:
        out.append("<details><summary>all stored sampler results</summary>" + _dl(rest) + "</details>")
    return _H("".join(out))


def _summary_section(info: _Info) -> _H:
    out = ["<h3>Posterior summary</h3>"]
    if info.rows is None:
        return _H(out[0] + _note(f"no summary: {info.rows_error}", "bad"))
    params = set(info.run.parameters)
    rows = []
    for r in info.rows:
        rows.append([(r["name"], "mono"), "sampled" if r["name"] in params else "derived", r.get("units") or "",
                     (_num(r["mean"]), "num"), (_num(r["median"]), "num"),
                     (f"[{_num(r['lo68'])}, {_num(r['hi68'])}]", "num"),
                     (f"[{_num(r['lo95'])}, {_num(r['hi95'])}]", "num"), (_num(r["map"]), "num")])
    out.append(_table(["variable", "", "units", "mean", "median", "68% interval", "95% interval", "MAP"], rows,
                      "summary"))
    return _H("".join(out))


def _chi2_section(info: _Info) -> _H:
    out = ["<h3>χ² and pulls at the MAP</h3>"]
    if info.chi2 is None:
        return _H(out[0] + _note(f"could not re-evaluate the MAP: {info.chi2_error}", "bad"))
    c = info.chi2
    datasets = {k: (v or {}).get("dataset") or "—" for k, v in info.run.manifest.get("likelihoods", {}).items()}
    pt = ", ".join(f"{k} = {_num(v)}" for k, v in c["point"].items())
    out.append(_note(f"MAP sample: {pt}; log posterior {_num(c['logpost'])} (stored {_num(c['stored_logpost'])}), "
                     f"log prior {_num(c['logprior'])}."))
    for n in c["notes"]:
        out.append(_note(n, "bad"))
        info.alerts.append(n)
    stored = c["stored_chi2"]
    rows = []
    if c["mode"] == "no-zp":
        ref = c["ref_chi2"]
        tot = tot_ref = 0.0
        for k, x in c["chi2"].items():
            r0 = ref.get(k, math.nan)
            d = x - r0
            tot, tot_ref = tot + x, tot_ref + r0
            pull = _signed_root(d)
            rows.append([(k, "mono"), datasets.get(k, "—"), (_num(x), "num"), (_num(stored.get(k)), "num"),
                         (_num(r0), "num"), (_num(d, sign=True), "num"),
                         (_num(pull, 3, sign=True), "num strong" if abs(pull) >= 2 else "num")])
        d = tot - tot_ref
        foot = [["sum", "", (_num(tot), "num"), (_num(sum(stored.values())) if stored else "—", "num"),
                 (_num(tot_ref), "num"), (_num(d, sign=True), "num"), (_num(_signed_root(d), 3, sign=True), "num")]]
        out.append(_table(["likelihood", "dataset", "χ² at MAP", "χ² stored", "χ² no Z′", "Δχ²", "pull"], rows,
                          "chi2", foot))
        out.append(_note("χ² = −2 ln L. Δχ² = χ²(MAP) − χ²(no Z′), the no-Z′ limit being the MAP point with "
                         f"g_Z′ = {_num(G_REFERENCE)} and no Higgs-sector mass mixing; pull = sign(Δχ²)·√|Δχ²|. "
                         "Negative: the experiment prefers the MAP point to no Z′ (a signal-like pull); positive: "
                         "it disfavours the MAP point against no Z′ (limits can only do this). Pulls are "
                         "1-parameter σ equivalents at one point, not significances.", "foot"))
    else:
        tot = 0.0
        for k, x in c["chi2"].items():
            tot += x
            root = math.sqrt(x) if np.isfinite(x) and x >= 0 else math.nan
            rows.append([(k, "mono"), datasets.get(k, "—"), (_num(x), "num"), (_num(stored.get(k)), "num"),
                         (_num(root, 3), "num")])
        foot = [["sum", "", (_num(tot), "num"), (_num(sum(stored.values())) if stored else "—", "num"), "—"]]
        out.append(_table(["likelihood", "dataset", "χ² at MAP", "χ² stored", "√χ²"], rows, "chi2", foot))
        out.append(_note("χ² = −2 ln L. This run has no Z′ coupling, so there is no simple no-new-physics "
                         "reference; √χ² is shown instead: for a Gaussian measurement the distance of the "
                         "prediction from the measured value in standard deviations, for a one-sided limit the "
                         "signal in units of the limit's width (0 = no signal), for a tabulated Δχ² (NuFIT) the "
                         "distance from that fit's global minimum. It is not a p-value and not additive; only the "
                         "χ² column sums.", "foot"))
    return _H("".join(out))


def _run_body(info: _Info, corner: bool = True) -> _H:
    """Every section of one run (the header last, so that it can list the alerts found on the way)."""
    parts = [_card_section(info.run), _data_section(info), _diagnostics_section(info)]
    if corner:
        try:
            parts.append("<h3>Corner plot</h3>" + _img(_corner_uri([_labelled(info.run, info.label)]),
                                                      f"{info.label}: sampled parameters (log10 for log-uniform "
                                                      "priors); contours 39.3% and 86.5%"))
        except (GlobalfitError, ValueError) as exc:
            parts.append("<h3>Corner plot</h3>" + _note(f"no corner plot: {exc}", "bad"))
    parts += [_summary_section(info), _chi2_section(info)]
    return _H(_header(info) + "".join(parts))


# ------------------------------------------------------------------------------------- several runs
def _evidence_section(infos: list[_Info]) -> _H:
    from globalfit.compare import ERROR_WARNING, compare

    runs = [_labelled(i.run, i.label) for i in infos]
    try:
        rows = compare(runs)
    except GlobalfitError as exc:
        return _H("<h2>Evidence</h2>" + _note(f"no evidence table: {exc}", "bad"))
    ref = rows[0]["name"]
    body, warn = [], []
    for r in rows:
        first = r is rows[0]
        lnb = "—" if first else f"{_num(r['ln_b'], sign=True)} ± {_num(r['ln_b_err'], 2)}"
        odds = "—" if first else _odds(r["ln_b"])
        words = "reference" if first else (f"{r['jeffreys']}, for {r['favours']}" if r["favours"] else r["jeffreys"])
        body.append([r["name"], (_pm(r["logz"], r["logz_err"]), "num"), (_num(r["logz_err_dynesty"], 2), "num"),
                     (lnb, "num"), (odds, "num"), (_num(r["probability"], 3), "num"), words])
        if r["ln_b_err"] > ERROR_WARNING:
            warn.append(f"the error on ln B of {r['name']} is {_num(r['ln_b_err'], 2)} > {ERROR_WARNING}: increase "
                        "sampler.dynesty.nlive (the error scales as 1/√nlive) or lower dlogz")
    out = ["<h2>Evidence</h2>",
           _table(["run", "ln Z ± error", "dynesty's error", f"ln B vs {ref}", "odds", "P", "Jeffreys scale"], body,
                  "evidence"),
           _note("ln Z error: scatter of bootstrap-resampled and volume-jittered realizations of each run "
                 "(dynesty's single-run estimate alongside); ln B = ln Z − ln Z(first run), errors in quadrature; "
                 "odds and model probabilities P for equal prior odds among these runs; Jeffreys scale as in "
                 "Trotta, Contemp. Phys. 49 (2008) 71 (|ln B| < 1 inconclusive, < 2.5 weak, < 5 moderate, ≥ 5 "
                 "strong).", "foot")]
    out += [_note(w, "bad") for w in warn]
    return _H("".join(out))


def _odds(ln_b: float) -> str:
    if not np.isfinite(ln_b) or abs(ln_b) > 700:
        return ">10³⁰⁰ : 1" if ln_b > 0 else "1 : >10³⁰⁰"
    o = math.exp(ln_b)
    return f"{_num(o, 3)} : 1" if o >= 1 else f"1 : {_num(1 / o, 3)}"


def _normalised_card(card: dict) -> tuple[dict, dict]:
    """(card without bookkeeping keys and likelihood datasets, {likelihood: dataset})."""
    c = copy.deepcopy(card)
    for k in _BOOKKEEPING:
        c.pop(k, None)
    for k in _SAMPLER_BOOKKEEPING:
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
    base, d0 = _normalised_card(cards[0])
    out = []
    for card in cards[1:]:
        c, d = _normalised_card(card)
        if c != base:
            return None
        out.append({k: (d0.get(k), d.get(k)) for k in d0 if d0.get(k) != d.get(k)})
    return out if any(out) else None


def _moved_rows(first: _Info, other: _Info) -> list[dict]:
    """Shift of the median in units of the first run's 68% half-width, and the relative change of the 68%
    width, for every variable both summaries have; log10 for parameters with a log-uniform prior."""
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


def _moved_section(infos: list[_Info], changes: list[dict[str, tuple]]) -> _H:
    out = ["<h2>What moved</h2>",
           _note(f"The resolved cards differ only in likelihood datasets (data epochs); each run is compared with "
                 f"the first, {infos[0].label}.")]
    for info, ch in zip(infos[1:], changes):
        out.append(f"<h3>{_e(infos[0].label)} → {_e(info.label)}</h3>")
        if not ch:
            out.append(_note("same datasets as the first run: any shift is sampling noise"))
        else:
            out.append(_table(["likelihood", f"dataset in {infos[0].label}", f"dataset in {info.label}"],
                              [[(k, "mono"), str(a), str(b)] for k, (a, b) in ch.items()], "moved-data"))
        rows = []
        for r in _moved_rows(infos[0], info):
            s = r["shift"]
            rows.append([(r["name"] + (" (log10)" if r["log10"] else ""), "mono"), (_num(r["median0"]), "num"),
                         (_num(r["median"]), "num"),
                         (_num(s, 3, sign=True), "num strong" if np.isfinite(s) and abs(s) >= 1 else "num"),
                         (f"{_num(100 * r['width_change'], 3, sign=True)} %" if np.isfinite(r["width_change"]) else "—",
                          "num")])
        out.append(_table(["variable", f"median, {infos[0].label}", f"median, {info.label}", "shift [σ₆₈ of first]",
                           "change of 68% width"], rows, "moved"))
    out.append(_note("shift = (median − median of the first run) / (half-width of the first run's 68% interval); "
                     "width change = 68% width / first run's 68% width − 1. Parameters with a log-uniform prior are "
                     "compared in log10, as in the corner plots. Sorted by |shift|. Card fields ignored in the "
                     "comparison: " + ", ".join(_BOOKKEEPING + tuple(f"sampler.{k}" for k in _SAMPLER_BOOKKEEPING))
                     + ".", "foot"))
    return _H("".join(out))


def _tension_section(tension: dict[str, list[dict]] | None) -> _H:
    """Leave-one-out tension (globalfit.tension.leave_one_out rows, per run): each likelihood's χ² at the MAP,
    Δχ²_add = χ²_min(all) − χ²_min(all but it), the parameter-goodness-of-fit χ²_PG and its p-value, and the
    posterior shifts without it. Nothing is rendered when `tension` is None."""
    if tension is None:
        return _H("<!-- tension section: not computed (see the tension option of globalfit report) -->")
    out = ['<section id="tension"><h2>Tension (leave one experiment out)</h2>']
    if not tension:
        out.append(_note("no run with more than one likelihood"))
    for name, rows in tension.items():
        out.append(f"<h3>{_e(name)}</h3>")
        body = []
        for r in rows or []:
            shifts = r.get("shifts") or {}
            items = sorted(shifts.items(), key=lambda kv: -abs(kv[1]) if np.isfinite(kv[1]) else 0.0)[:4]
            p = r.get("p_value")
            method = "rerun" if r.get("method") == "rerun" else f"ESS {_num(r.get('ess'), 3)}"
            body.append([(r.get("likelihood", "—"), "mono"), (_num(r.get("chi2_at_map")), "num"),
                         (_num(r.get("delta_chi2")), "num"), (_num(r.get("chi2_pg")), "num"),
                         (_num(p, 3), "num strong" if p is not None and np.isfinite(p) and p < 0.05 else "num"),
                         (", ".join(f"{k} {_num(v, 3, sign=True)}σ" for k, v in items) or "—") + (r.get("note") or ""),
                         method])
        out.append(_table(["likelihood", "χ² at MAP", "Δχ²_add", "χ²_PG", "p (1 dof)", "shifts without it", "from"],
                          body, "tension"))
    out.append(_note("χ²_PG = χ²_min(all) − χ²_min(all but it) − χ²_min(it alone): the parameter goodness of fit "
                     "of one likelihood against the others (Maltoni & Schwetz, PRD 68 (2003) 033020), each χ²_min "
                     "by optimisation in the prior box; its p-value for one degree of freedom is indicative. "
                     "Shifts: change of each parameter's posterior mean without it, in σ of the full posterior, "
                     "from importance weights on the stored samples (ESS shown) or from a new run without it."))
    out.append("</section>")
    return _H("".join(out))


def _definitions(multi: bool) -> _H:
    items = [
        ("intervals", "central credible intervals from weighted quantiles (nested runs: all weighted samples; "
                      "MCMC: all walkers after burn-in and thinning); 68% = 16–84%, 95% = 2.5–97.5%"),
        ("MAP", "the stored sample with the highest log posterior, not an optimisation; re-evaluated with the "
                "current code for the χ² table"),
        ("χ²", "−2 ln L of each likelihood (the built-in likelihoods have ln L = −χ²/2, no normalisation constant)"),
        ("pull (runs with g_Z′)", "sign(Δχ²)·√|Δχ²|, Δχ² = χ²(MAP) − χ²(no Z′), the no-Z′ limit being the MAP "
                                  f"point with g_Z′ = {_num(G_REFERENCE)}, higgs: none, kinetic_mixing: loop "
                                  "(as globalfit plane); negative = the experiment prefers the Z′, positive = it "
                                  "disfavours the MAP point; limit curves give χ²(no Z′) = 0, so pulls ≥ 0"),
        ("√χ² (runs without g_Z′)", "no simple no-new-physics limit exists; √χ² is the distance from the "
                                     "measurement in σ for Gaussian likelihoods, from the best fit for Δχ² "
                                     "tables, 0 = no signal for limits"),
        ("corner plots", "log10 axes for log-uniform priors; 2-D contours enclose 39.3% and 86.5% (1σ, 2σ of a "
                         "2-D Gaussian)"),
    ]
    if multi:
        items += [("evidence", "see the note under the evidence table"),
                  ("what moved", "see the note under the table")]
    return _H('<section id="definitions"><h2>Definitions</h2>' + _dl(items) + "</section>")


# --------------------------------------------------------------------------------------------- page
_CSS = """
:root { --ink:#1d2733; --muted:#5d6b7a; --line:#d5dbe3; --accent:#1f4e99; --bad:#b3261e; --badbg:#fdecea;
        --okc:#1e7b3c; --zebra:#f6f8fb; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #ffffff;
       margin: 0; line-height: 1.45; font-size: 15px; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 60px; }
header.top { background: var(--accent); color: #ffffff; padding: 18px 28px; }
header.top h1 { margin: 0; font-size: 24px; font-weight: 600; }
header.top p { margin: 4px 0 0; color: #dce6f5; font-size: 13px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 16px; margin: 26px 0 8px; color: var(--accent); }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13.5px; width: auto; max-width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #e9eef5; font-weight: 600; }
tbody tr:nth-child(even) { background: var(--zebra); }
tfoot td { font-weight: 600; background: #eef2f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.strong { font-weight: 700; }
td.mono, td.sha { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
td.sha { font-size: 11px; word-break: break-all; max-width: 260px; }
td.small { font-size: 12px; color: var(--muted); max-width: 420px; }
td.bad { color: var(--bad); background: var(--badbg); font-weight: 600; }
td.ok { color: var(--okc); white-space: nowrap; }
pre.card { background: #f4f6f9; border: 1px solid var(--line); padding: 10px 14px; font-size: 12.5px;
           overflow-x: auto; white-space: pre-wrap; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: 3px 16px; margin: 8px 0 12px; }
dl.kv dt { font-weight: 600; color: var(--muted); }
dl.kv dd { margin: 0; word-break: break-word; }
figure { margin: 10px 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { font-size: 12.5px; color: var(--muted); }
p.note { color: var(--muted); font-size: 13.5px; }
p.foot { color: var(--muted); font-size: 12.5px; max-width: 980px; }
p.bad { color: var(--bad); font-weight: 600; }
div.alerts { border-left: 4px solid var(--bad); background: var(--badbg); padding: 6px 14px; margin: 10px 0; }
div.alerts ul { margin: 4px 0; }
details.run { border: 1px solid var(--line); border-radius: 4px; padding: 0 16px 10px; margin: 18px 0; }
details.run > summary { cursor: pointer; font-size: 19px; font-weight: 600; padding: 10px 0; color: var(--accent); }
nav.toc ul { margin: 4px 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print { details.run { border: none; } header.top { background: none; color: var(--ink); } }
"""


def expand_run_paths(paths: list[str | Path]) -> tuple[list[Path], list[str]]:
    """Run directories from the arguments: a study directory (study.yaml without manifest.json) stands for
    its runs in the study's order; failed runs of a study are skipped and named."""
    out, skipped = [], []
    for p in map(Path, paths):
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


def write_report(paths: list[str | Path], out: str | Path, tension: dict[str, list[dict]] | None = None) -> Path:
    """Write one self-contained HTML report of the stored runs `paths` (or study directories) to `out`.

    `tension`: optional, run name → rows (likelihood, delta_chi2, p_value, shifts, ess), rendered as a table
    (see `_tension_section`). Returns the path written.
    """
    run_paths, skipped = expand_run_paths(paths)
    if not run_paths:
        raise RunError("no runs given" + (f" (failed runs skipped: {', '.join(skipped)})" if skipped else ""))
    runs = [load_run(p) for p in run_paths]
    labels = _labels(runs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        infos = [_collect(r, lab, k) for k, (r, lab) in enumerate(zip(runs, labels))]
    multi = len(infos) > 1
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    try:
        version = metadata.version("globalfit")
    except metadata.PackageNotFoundError:
        version = "unknown"
    title = f"globalfit report: {labels[0]}" if not multi else f"globalfit report: {len(runs)} runs"
    body: list[str] = []
    if multi:
        body.append('<nav class="toc"><h2>Runs</h2>')
        rows = []
        for i in infos:
            likes = i.run.manifest.get("likelihoods", {})
            rows.append([_H(f'<a href="#{i.anchor}">{_e(i.label)}</a>'), (str(i.run.path), "mono"),
                         i.run.card.get("description") or "—", f"{i.run.sampler} ({i.run.kind})",
                         ", ".join(f"{k} [{(v or {}).get('dataset') or '—'}]" for k, v in likes.items()),
                         (_pm(i.run.logz, i.run.manifest["results"].get("logzerr_resampled", i.run.logzerr))
                          if i.run.kind == "nested" else "—", "num")])
        body.append(_table(["run", "directory", "description", "sampler", "likelihoods [dataset]", "ln Z"], rows,
                           "overview"))
        if skipped:
            body.append(_note("failed runs skipped: " + ", ".join(skipped), "bad"))
        body.append("</nav>")
        shared = [p for p in runs[0].parameters if all(p in r.variables() for r in runs)]
        body.append("<h2>All runs overlaid</h2>")
        if shared:
            try:
                uri = _corner_uri([_labelled(i.run, i.label) for i in infos], shared)
                body.append(_img(uri, "overlay of all runs on the shared parameters " + ", ".join(shared)))
            except (GlobalfitError, ValueError) as exc:
                body.append(_note(f"no overlay: {exc}", "bad"))
        else:
            body.append(_note("the runs share no parameter; no overlay"))
        if all(r.kind == "nested" for r in runs):
            body.append(_evidence_section(infos))
        else:
            body.append(_note("No evidence table: not all runs are nested-sampling runs."))
        changes = dataset_changes([r.card for r in runs])
        if changes is not None:
            body.append(_moved_section(infos, changes))
    body.append(_tension_section(tension))
    for i in infos:
        content = _run_body(i)
        head = f"{_e(i.label)} — {_e(i.run.sampler)}"
        if multi:
            body.append(f'<details class="run" id="{i.anchor}" open="open"><summary>{head}</summary>{content}</details>')
        else:
            body.append(f'<section id="{i.anchor}"><h2>{head}</h2>{content}</section>')
    body.append(_definitions(multi))
    subtitle = (runs[0].card.get("description") or "") if not multi else ", ".join(labels)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f'<header class="top"><h1>{_e(title)}</h1><p>{_e(subtitle)}</p></header><main>'
        + "".join(body)
        + f"<footer>Generated {_e(now)} by globalfit {_e(version)} (Python {_e(sys.version.split()[0])}) from "
        + _e(", ".join(str(r.path) for r in runs))
        + ". Self-contained: no external resources.</footer></main></body></html>\n"
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return out
