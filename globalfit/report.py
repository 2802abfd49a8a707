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
    nested — ln Z with the reported error and the sampler's own, efficiency, iterations, effective sample size,
    information, points outside the model's domain; and the run's warnings;
  * the corner plot (globalfit.plots.corner_plot);
  * mean, median, 68% and 95% central credible intervals and the MAP sample of every sampled parameter
    and derived quantity (globalfit.summary.summarize);
  * χ² and pull of every likelihood at the MAP (globalfit.analysis.chi2_at_map).
For several runs it adds an overlay corner plot on the shared parameters, the evidence table when all
runs are nested-sampling runs (globalfit.compare), and "What moved" when the runs' resolved cards differ
only in likelihood datasets (data epochs). `write_report(..., tension=...)` renders a per-likelihood
tension table computed elsewhere (see `_tension_section`; `globalfit report --tension` computes it).

χ², pulls, the data checks and the comparisons are computed by globalfit.analysis (see its docstring
for the definition of the pulls against the model's no-new-physics point); this module renders them.

Choices made elsewhere in the page are stated in its "Definitions" section.
"""
from __future__ import annotations

import base64
import datetime
import html
import math
import shlex
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from globalfit.analysis import (
    BOOKKEEPING,
    RHAT_WARN,
    SAMPLER_BOOKKEEPING,
    TAU_WARN,
    RunInfo,
    collect_run,
    data_provenance,
    dataset_changes,
    evidence_rows,
    expand_run_paths,
    labelled,
    mcmc_diagnostics,
    moved_rows,
    null_description,
    run_labels,
    signed_root,
)
from globalfit.analysis import format_number as _num
from globalfit.chains import CARD_FILE, Run, load_run
from globalfit.compare import reported_error
from globalfit.errors import GlobalfitError, RunError


# ------------------------------------------------------------------------------------------ formatting
class _H(str):
    """A string that is already safe HTML."""


def _e(x: Any) -> _H:
    return x if isinstance(x, _H) else _H(html.escape(str(x), quote=True))


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


# ------------------------------------------------------------------------------------------- images
def _corner_uri(runs: list[Run], params: list[str] | None = None) -> str:
    from globalfit.plots import corner_plot

    with tempfile.TemporaryDirectory(prefix="globalfit-report-") as tmp:
        out = corner_plot(runs, params, Path(tmp) / "corner.png")
        return _png_uri(out)


# ----------------------------------------------------------------------------------------- sections
def _header(info: RunInfo) -> _H:
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


def _data_section(info: RunInfo) -> _H:
    data = info.data if info.data is not None else data_provenance(info.run)
    rows = [[r["name"], r["dataset"] or "—", _short(r["options"]) if r["options"] else "—",
             (_short(r["details"], 600) if r["details"] else "—", "small"), (", ".join(r["files"]) or "—", "mono")]
            for r in data.likelihoods]
    out = ["<h3>Data used</h3>",
           _table(["likelihood", "dataset", "options", "what the plugin reported", "data files"], rows, "data")]
    frows = []
    for f in data.files:
        e = f["entry"]
        status = {"missing": ("not in the current data catalog", "bad"),
                  "changed": (f"CHANGED: the catalog now has sha256 {e.sha256 if e else ''}", "bad"),
                  "disk": ("the file on disk differs from the catalog and the run", "bad"),
                  "ok": ("✓ matches the catalog", "ok")}[f["status"]]
        frows.append([(f["path"], "mono"), e.experiment if e else "—", (e.dataset or "—") if e else "—"]
                     + [str(e.meta.get(k, "—")) if e else "—" for k in data.meta_keys] + [(f["sha256"], "sha"), status])
    out.append(_table(["file", "experiment", "dataset"] + data.meta_keys + ["sha256 recorded by the run", "check"],
                      frows, "files"))
    if not data.files:
        out.append(_note("the manifest lists no data files"))
    return _H("".join(out))


def _diagnostics_section(info: RunInfo) -> _H:
    run, m = info.run, info.run.manifest
    r = m.get("results", {})
    out = ["<h3>Sampler diagnostics</h3>"]
    calls = m.get("likelihood_calls") or 0
    if run.kind == "nested":
        dyn = r.get("logzerr")
        err, how = reported_error(r)
        items = [("ln Z", f"{_num(r.get('logz'))} ± {_num(err, 3)} ({how})"),
                 ("ln Z error, the sampler's single-run estimate", _num(dyn, 3)),
                 ("iterations", _num(r.get("niter"))),
                 ("live points", _num(r.get("nlive"))),
                 ("batches", _num(r.get("batches"))),
                 ("sampling efficiency", f"{_num(r.get('efficiency_percent'), 3)} %"),
                 ("effective sample size", _num(r.get("n_effective"))),
                 ("information H", f"{_num(r.get('information_nats'))} nats"),
                 ("proposal", r.get("sample", "—"))]
    else:
        acc = np.asarray(r.get("acceptance_fraction") or [], dtype=float)
        mean_acc = r.get("mean_acceptance_fraction", acc.mean() if acc.size else None)
        spread = f", walkers {_num(acc.min(), 3)} – {_num(acc.max(), 3)} ({acc.size} walkers)" if acc.size else ""
        items = [("acceptance fraction", f"mean {_num(mean_acc, 3)}{spread}"),
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
        diag = info.diagnostics if info.diagnostics is not None else mcmc_diagnostics(run, info.rows)
        rows = []
        for d in diag:
            rh, ratio = d["r_hat"], d["steps_per_tau"]
            rows.append([d["name"], (_num(rh, 4), "bad" if rh is not None and rh > RHAT_WARN else "num"),
                         (_num(d["ess_bulk"], 4), "num"), (_num(d["tau"], 4), "num"),
                         (_num(ratio, 3), "bad" if ratio is not None and ratio < TAU_WARN else "num")])
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


def _summary_section(info: RunInfo) -> _H:
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


def _chi2_section(info: RunInfo) -> _H:
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
    stored = c["stored_chi2"]
    rows = []
    if c["mode"] == "no-zp":
        ref = c["ref_chi2"]
        tot = tot_ref = 0.0
        for k, x in c["chi2"].items():
            r0 = ref.get(k, math.nan)
            d = x - r0
            tot, tot_ref = tot + x, tot_ref + r0
            pull = signed_root(d)
            rows.append([(k, "mono"), datasets.get(k, "—"), (_num(x), "num"), (_num(stored.get(k)), "num"),
                         (_num(r0), "num"), (_num(d, sign=True), "num"),
                         (_num(pull, 3, sign=True), "num strong" if abs(pull) >= 2 else "num")])
        d = tot - tot_ref
        foot = [["sum", "", (_num(tot), "num"), (_num(sum(stored.values())) if stored else "—", "num"),
                 (_num(tot_ref), "num"), (_num(d, sign=True), "num"), (_num(signed_root(d), 3, sign=True), "num")]]
        out.append(_table(["likelihood", "dataset", "χ² at MAP", "χ² stored", "χ² no Z′", "Δχ²", "pull"], rows,
                          "chi2", foot))
        out.append(_note("χ² = −2 ln L. Δχ² = χ²(MAP) − χ²(no Z′), the no-Z′ limit being the MAP point in the "
                         f"model's no-new-physics limit ({_null_text([info])}); pull = sign(Δχ²)·√|Δχ²|. "
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


def _run_body(info: RunInfo, corner: bool = True) -> _H:
    """Every section of one run, under its header with the alerts of the analysis (RunInfo.alerts)."""
    parts = [_card_section(info.run), _data_section(info), _diagnostics_section(info)]
    if corner:
        try:
            parts.append("<h3>Corner plot</h3>" + _img(_corner_uri([labelled(info.run, info.label)]),
                                                      f"{info.label}: sampled parameters (log10 for log-uniform "
                                                      "priors); contours 39.3% and 86.5%"))
        except (GlobalfitError, ValueError) as exc:
            parts.append("<h3>Corner plot</h3>" + _note(f"no corner plot: {exc}", "bad"))
    parts += [_summary_section(info), _chi2_section(info)]
    return _H(_header(info) + "".join(parts))


# ------------------------------------------------------------------------------------- several runs
def _evidence_section(infos: list[RunInfo]) -> _H:
    from globalfit.compare import ERROR_WARNING, MORE_LIVE_POINTS

    try:
        rows = evidence_rows(infos)
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
            warn.append(f"the error on ln B of {r['name']} is {_num(r['ln_b_err'], 2)} > {ERROR_WARNING}: "
                        + MORE_LIVE_POINTS)
    out = ["<h2>Evidence</h2>",
           _table(["run", "ln Z ± error", "sampler's error", f"ln B vs {ref}", "odds", "P", "Jeffreys scale"], body,
                  "evidence"),
           _note("ln Z error: each run's reported error ("
                 + "; ".join(dict.fromkeys(r.get("logz_err_method", "reported") for r in rows if "failed" not in r))
                 + "; validated against the scatter over seeds, docs/samplers.md; the sampler's own estimate "
                 "alongside); ln B = ln Z − ln Z(first "
                 "run), errors in quadrature; "
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


def _moved_section(infos: list[RunInfo], changes: list[dict[str, tuple]]) -> _H:
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
        for r in moved_rows(infos[0], info):
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
                     "comparison: " + ", ".join(BOOKKEEPING + tuple(f"sampler.{k}" for k in SAMPLER_BOOKKEEPING))
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


def _null_text(infos: list[RunInfo]) -> str:
    """The no-new-physics point of the runs' models, in the models' words (PhysicsModel.null_description)."""
    from globalfit.model import DEFAULT_MODEL

    by_model = {(i.run.card.get("model") or {}).get("name", DEFAULT_MODEL):
                null_description(i.run.card) or "its null_point" for i in infos}
    if len(by_model) == 1:
        return next(iter(by_model.values()))
    return "; ".join(f"{m}: {d}" for m, d in by_model.items())


def _definitions(infos: list[RunInfo]) -> _H:
    multi = len(infos) > 1
    items = [
        ("intervals", "central credible intervals from weighted quantiles (nested runs: all weighted samples; "
                      "MCMC: all walkers after burn-in and thinning); 68% = 16–84%, 95% = 2.5–97.5%"),
        ("MAP", "the stored sample with the highest log posterior, not an optimisation; re-evaluated with the "
                "current code for the χ² table"),
        ("χ²", "−2 ln L of each likelihood (the built-in likelihoods have ln L = −χ²/2, no normalisation constant)"),
        ("pull (runs with g_Z′)", "sign(Δχ²)·√|Δχ²|, Δχ² = χ²(MAP) − χ²(no Z′), the no-Z′ limit being the MAP "
                                  f"point in the model's no-new-physics limit ({_null_text(infos)}), as globalfit "
                                  "plane; negative = the experiment prefers the Z′, positive = it disfavours the "
                                  "MAP point; limit curves give χ²(no Z′) = 0, so pulls ≥ 0"),
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


def write_report(paths: list[str | Path | Run], out: str | Path, tension: dict[str, list[dict]] | None = None) -> Path:
    """Write one self-contained HTML report of the stored runs `paths` (run directories, loaded Runs or study
    directories) to `out`.

    `tension`: optional, run name → rows (likelihood, delta_chi2, p_value, shifts, ess), rendered as a table
    (see `_tension_section`). Returns the path written.
    """
    run_paths, skipped = expand_run_paths(paths)
    if not run_paths:
        raise RunError("no runs given" + (f" (failed runs skipped: {', '.join(skipped)})" if skipped else ""))
    runs = [load_run(p) for p in run_paths]
    labels = run_labels(runs)
    infos = [collect_run(r, lab, k) for k, (r, lab) in enumerate(zip(runs, labels))]
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
                         (_pm(i.run.logz, reported_error(i.run.manifest["results"])[0])
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
                uri = _corner_uri([labelled(i.run, i.label) for i in infos], shared)
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
            body.append(f'<details class="run" id="{i.anchor}" open="open"><summary>{head}</summary>'
                        f'{content}</details>')
        else:
            body.append(f'<section id="{i.anchor}"><h2>{head}</h2>{content}</section>')
    body.append(_definitions(infos))
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
