"""`globalfit report`: the self-contained HTML page of one or several stored runs.

Small runs are made here (g−2 only: dynesty with 100 live points for two data epochs, a short emcee run).
The page is parsed as XML (it is well-formed XHTML): sections, tables, embedded images, no external
reference; the χ² / pull numbers are checked against the g−2 formula; a headless-Chromium rendering test
runs when /usr/bin/chromium exists.
"""
from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from conftest import gminus2_card

from globalfit import analysis, cli, report
from globalfit.card import load_card
from globalfit.chains import load_run
from globalfit.runner import run_card
from models.lmu_ltau.model import G_NULL

CHROMIUM = Path("/usr/bin/chromium")
SECTIONS_ONE_RUN = ("Resolved card (card.yaml)", "Data used", "Sampler diagnostics", "Corner plot",
                    "Posterior summary", "χ² and pulls at the MAP")


def _run(base: Path, name: str, **over) -> Path:
    card = load_card(gminus2_card(name=name, **over))
    return run_card(card, out=base / name, progress=False, log=io.StringIO(), command=["pytest", name])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("report-runs")
    return {
        "g21": _run(base, "g21"),
        "g25": _run(base, "g25", likelihoods={"gminus2": {"dataset": "fnal2025-wp25"}}),
        "emcee": _run(base, "g21-emcee", sampler={
            "name": "emcee", "progress": False,
            "emcee": {"walkers": 8, "steps": 400, "burn": 100, "thin": 2, "moves": "de"}}),
    }


@pytest.fixture(scope="module")
def pages(runs, tmp_path_factory):
    """Reports written once: one nested run, one MCMC run, two data epochs, nested + MCMC."""
    out = tmp_path_factory.mktemp("reports")
    tension = {"g21 <b>": [{"likelihood": "gminus2", "delta_chi2": 17.8512, "p_value": 2.4e-5,
                            "shifts": {"g_zp": -2.346, "m_zp": 0.5}, "ess": 812.3}]}
    return {
        "nested": report.write_report([runs["g21"]], out / "nested.html"),
        "mcmc": report.write_report([runs["emcee"]], out / "mcmc.html"),
        "epochs": report.write_report([runs["g21"], runs["g25"]], out / "epochs.html", tension=tension),
        "mixed": report.write_report([runs["g21"], runs["emcee"]], out / "mixed.html"),
    }


# ------------------------------------------------------------------------------------------- helpers
def _tree(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # fails unless the page is well-formed


def _text(el: ET.Element) -> str:
    return "".join(el.itertext())


def _headings(root: ET.Element, tag: str) -> list[str]:
    return [_text(h).strip() for h in root.iter(tag)]


def _tables(root: ET.Element) -> dict[str, list[ET.Element]]:
    out: dict[str, list[ET.Element]] = {}
    for t in root.iter("table"):
        out.setdefault(t.get("class", ""), []).append(t)
    return out


def _rows(table: ET.Element) -> tuple[list[str], list[list[str]]]:
    head = [_text(th).strip() for th in table.find("thead").iter("th")]
    body = [[_text(td).strip() for td in tr.findall("td")] for tr in table.find("tbody").findall("tr")]
    return head, body


def _number(text: str) -> float:
    """Parse a number as the report prints it (−, ×10ⁿ)."""
    t = text.replace("−", "-").replace("+", "")
    if "×10" in t:
        mant, exp = t.split("×10")
        exp = exp.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        return float(mant) * 10.0 ** int(exp)
    return float(t)


def _assert_self_contained(path: Path, root: ET.Element) -> None:
    for el in root.iter():
        assert el.tag not in ("script", "link", "iframe", "object", "embed", "base", "frame", "audio", "video"), el.tag
        for attr in ("src", "href", "srcset", "poster", "action", "data", "background", "formaction", "xlink:href"):
            v = el.get(attr)
            if v is not None:
                assert v.startswith("data:") or v.startswith("#"), f"<{el.tag} {attr}={v[:60]!r}>"
        if el.tag == "meta":
            assert el.get("http-equiv") is None
    css = "".join(_text(s) for s in root.iter("style"))
    assert "url(" not in css and "@import" not in css
    text = path.read_text(encoding="utf-8")
    for pattern in ('src="http', "src='http", 'href="http', "href='http", 'src="//', 'href="//', "url(http"):
        assert pattern not in text


def _assert_images(root: ET.Element, n: int) -> None:
    imgs = list(root.iter("img"))
    assert len(imgs) == n
    for img in imgs:
        src = img.get("src")
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        assert img.get("alt")


# --------------------------------------------------------------------------------------------- tests
def test_one_nested_run(pages, runs):
    path = pages["nested"]
    root = _tree(path)
    _assert_self_contained(path, root)
    _assert_images(root, 1)
    h3 = _headings(root, "h3")
    for s in SECTIONS_ONE_RUN:
        assert s in h3, s
    assert "Definitions" in _headings(root, "h2")
    assert not any("Evidence" == h or "What moved" == h for h in _headings(root, "h2"))
    # the header: description, sampler, version, command
    page = _text(root)
    assert "globalfit report: g21" in page and "pytest g21" in page and "dynesty (nested)" in page
    # the resolved card verbatim
    pre = [p for p in root.iter("pre") if p.get("class") == "card"]
    assert len(pre) == 1 and _text(pre[0]) == (runs["g21"] / "card.yaml").read_text(encoding="utf-8")
    tables = _tables(root)
    # data: the likelihood with its dataset, the file with its recorded sha256 joined with the catalog
    head, body = _rows(tables["data"][0])
    assert body[0][:2] == ["gminus2", "fnal2021-wp20"] and "gminus2/fnal2021-wp20.yaml" in body[0][-1]
    head, body = _rows(tables["files"][0])
    man = json.loads((runs["g21"] / "manifest.json").read_text())
    rec = {f["path"]: f["sha256"] for f in man["data_files"]}
    row = next(r for r in body if r[0] == "gminus2/fnal2021-wp20.yaml")
    assert rec["gminus2/fnal2021-wp20.yaml"] in row and "matches" in row[-1]
    assert {"source", "version", "obtained"} <= set(head) and "arXiv:2104.03281" in " ".join(row)
    # diagnostics: ln Z with the reported and the sampler's own errors, efficiency, iterations, ESS, outside points
    r = man["results"]
    assert f"{r['logz']:.4g}".replace("-", "−") in page
    assert "skilling: sqrt(H/n_live)" in page
    for label in ("ln Z error, the sampler's single-run estimate", "iterations", "sampling efficiency",
                  "effective sample size", "points outside the model's domain"):
        assert label in page
    # summary: every sampled parameter and the derived quantity, with MAP
    head, body = _rows(tables["summary"][0])
    assert head[-1] == "MAP" and [b[0] for b in body] == ["m_zp", "g_zp", "delta_a_mu"]
    assert [b[1] for b in body] == ["sampled", "sampled", "derived"]


def test_chi2_and_pull_at_map(pages, runs):
    run = load_run(runs["g21"])
    c = analysis.chi2_at_map(run)
    desc = run.manifest["likelihoods"]["gminus2"]
    # no Z′: Δa_μ = 0, so χ² = (Δa_μ(exp) / σ)² (= 17.85 for the 2021 epoch)
    assert c["mode"] == "no-zp"
    assert c["ref_chi2"]["gminus2"] == pytest.approx((desc["delta_a_mu"] / desc["error"]) ** 2, rel=1e-9)
    # the MAP is the stored sample with the highest log posterior, re-evaluated identically
    x, _ = run.samples(["logpost"])
    assert c["stored_logpost"] == pytest.approx(x[:, 0].max()) and c["logpost"] == pytest.approx(c["stored_logpost"])
    assert c["chi2"]["gminus2"] == pytest.approx(c["stored_chi2"]["gminus2"], abs=1e-9) and not c["notes"]
    assert c["chi2"]["gminus2"] < 1.0
    head, body = _rows(_tables(_tree(pages["nested"]))["chi2"][0])
    assert head == ["likelihood", "dataset", "χ² at MAP", "χ² stored", "χ² no Z′", "Δχ²", "pull"]
    d = c["chi2"]["gminus2"] - c["ref_chi2"]["gminus2"]
    assert _number(body[0][5]) == pytest.approx(d, rel=1e-3)
    assert _number(body[0][6]) == pytest.approx(-np.sqrt(-d), rel=2e-3) and _number(body[0][6]) < -4
    foot = _tables(_tree(pages["nested"]))["chi2"][0].find("tfoot")
    assert _text(foot).startswith("sum")


def test_pull_without_zprime_coupling_is_sqrt_chi2(runs, tmp_path):
    """The no-Z′ reference card; and without g_zp the table shows √χ² with its footnote."""
    run = load_run(runs["g21"])
    raw = dict(run.card)
    assert analysis.reference_card(raw)["params"]["g_zp"] == G_NULL
    assert analysis.reference_card(raw)["model"]["higgs"] == "none"
    fake = analysis.RunInfo(run, "x", "run-1", chi2={"point": {"m_zp": 1.0}, "chi2": {"gminus2": 4.0},
                                                     "stored_chi2": {"gminus2": 4.0}, "ref_chi2": None,
                                                     "mode": "sqrt", "logpost": 0.0, "stored_logpost": 0.0,
                                                     "logprior": 0.0, "notes": []})
    html = report._chi2_section(fake)
    root = ET.fromstring(f"<div>{html}</div>")
    head, body = _rows(next(root.iter("table")))
    assert head[-1] == "√χ²" and body[0][-1] == "2"
    assert "no simple no-new-physics" in _text(root)


def test_mcmc_run(pages, runs):
    path = pages["mcmc"]
    root = _tree(path)
    _assert_self_contained(path, root)
    _assert_images(root, 1)
    head, body = _rows(_tables(root)["diag"][0])
    assert head == ["variable", "R-hat", "bulk ESS", "τ (steps)", "steps / τ"]
    assert [b[0] for b in body[:2]] == ["m_zp", "g_zp"]
    for b in body[:2]:
        assert 0.9 < _number(b[1]) < 2.0 and _number(b[2]) > 1 and _number(b[3]) > 0
    page = _text(root)
    assert "acceptance fraction" in page and "8 walkers" in page
    # this chain is far shorter than 50 τ: the run's warning is shown
    man = json.loads((runs["emcee"] / "manifest.json").read_text())
    assert man["warnings"] and man["warnings"][0][:40] in page
    assert "Evidence" not in _headings(root, "h2")


def test_two_data_epochs(pages):
    path = pages["epochs"]
    root = _tree(path)
    _assert_self_contained(path, root)
    _assert_images(root, 3)  # the overlay and one corner plot per run
    h2 = _headings(root, "h2")
    for s in ("Runs", "All runs overlaid", "Evidence", "What moved", "Tension (leave one experiment out)",
              "Definitions"):
        assert s in h2, s
    details = [d for d in root.iter("details") if d.get("class") == "run"]
    assert len(details) == 2
    for d in details:
        h3 = _headings(d, "h3")
        assert all(s in h3 for s in SECTIONS_ONE_RUN)
    tables = _tables(root)
    head, body = _rows(tables["evidence"][0])
    assert head[:4] == ["run", "ln Z ± error", "sampler's error", "ln B vs g21"] and len(body) == 2
    assert body[0][3] == "—" and "±" in body[1][3] and body[1][6]
    # the 2025 epoch (no anomaly) has the higher evidence for this prior box
    assert _number(body[1][3].split("±")[0]) > 0
    # what moved: the dataset, then the shifts sorted by |shift|; Δa_μ drops by several σ
    head, body = _rows(tables["moved-data"][0])
    assert body == [["gminus2", "fnal2021-wp20", "fnal2025-wp25"]]
    head, body = _rows(tables["moved"][0])
    shifts = [_number(b[3]) for b in body]
    assert [b[0] for b in body][0] == "delta_a_mu" and shifts[0] < -2
    assert shifts == sorted(shifts, key=lambda s: -abs(s))
    assert {b[0] for b in body} == {"delta_a_mu", "m_zp (log10)", "g_zp (log10)"}
    # the tension hook: rendered, escaped
    head, body = _rows(tables["tension"][0])
    assert head == ["likelihood", "χ² at MAP", "Δχ²_add", "χ²_PG", "p (1 dof)", "shifts without it", "from"]
    assert body[0][0] == "gminus2" and body[0][2] == "17.85" and body[0][4] == "2.4×10⁻⁵"
    assert body[0][5].startswith("g_zp −2.35σ")
    assert "g21 <b>" in _headings(root, "h3") and not list(root.iter("b"))


def test_nested_and_mcmc_runs(pages):
    root = _tree(pages["mixed"])
    h2 = _headings(root, "h2")
    assert "All runs overlaid" in h2 and "Evidence" not in h2 and "What moved" not in h2 and "Tension" not in h2
    assert "not all runs are nested-sampling runs" in _text(root)
    _assert_images(root, 3)


def test_dataset_changes():
    a = gminus2_card()
    b = gminus2_card(name="other", seed=99, likelihoods={"gminus2": {"dataset": "fnal2025-wp25"}})
    assert analysis.dataset_changes([a, b]) == [{"gminus2": ("fnal2021-wp20", "fnal2025-wp25")}]
    assert analysis.dataset_changes([a, dict(a)]) is None  # nothing changed
    c = gminus2_card(likelihoods={"gminus2": {"dataset": "fnal2025-wp25"}}, model={"ordering": "IO"})
    assert analysis.dataset_changes([a, c]) is None  # the model differs too
    d = gminus2_card(likelihoods={"gminus2": {"dataset": "fnal2025-wp25"}, "trident": {"dataset": "ccfr"}})
    assert analysis.dataset_changes([a, d]) is None  # another likelihood


def test_changed_data_is_flagged_and_strings_escaped(runs, tmp_path):
    run = tmp_path / "copy"
    shutil.copytree(runs["g21"], run)
    man = json.loads((run / "manifest.json").read_text())
    changed = next(f for f in man["data_files"] if f["path"] == "gminus2/fnal2021-wp20.yaml")
    changed["sha256"] = "0" * 64
    man["data_files"].append({"path": "gminus2/<nope>.yaml", "sha256": "1" * 64})
    man["command"] = ["globalfit", "run", "<script>alert(1)</script>"]
    (run / "manifest.json").write_text(json.dumps(man))
    out = report.write_report([run], tmp_path / "r.html")
    root = _tree(out)
    _assert_self_contained(out, root)
    head, body = _rows(_tables(root)["files"][0])
    by_path = {b[0]: b for b in body}
    assert "CHANGED" in by_path["gminus2/fnal2021-wp20.yaml"][-1]
    assert "not in the current data catalog" in by_path["gminus2/<nope>.yaml"][-1]
    alerts = [d for d in root.iter("div") if d.get("class") == "alerts"]
    assert alerts and "the data changed since the run" in _text(alerts[0])
    assert "<script>alert(1)</script>" in _text(root)  # shown as text, not markup


def test_cmd_report_default_output(runs, tmp_path, capsys):
    run = tmp_path / "run"
    shutil.copytree(runs["g25"], run)
    assert cli.main(["report", str(run)]) == 0  # the command line as a user types it (no --tension)
    assert capsys.readouterr().out.strip() == f"globalfit: wrote {run / 'report.html'}"
    assert (run / "report.html").stat().st_size > 10000
    # a study directory (study.yaml, no manifest) stands for its runs; failed runs are skipped
    study = tmp_path / "study"
    study.mkdir()
    (study / "study.yaml").write_text("not: a study\n")
    shutil.copytree(runs["g21"], study / "a")
    (study / "b").mkdir()
    (study / "b" / "failed.json").write_text(json.dumps({"reason": "no solution"}))
    paths, skipped = analysis.expand_run_paths([study])
    assert paths == [study / "a"] and skipped == [str(study / "b")]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (/usr/bin/chromium) not installed")
def test_renders_in_headless_chromium(pages, tmp_path):
    from PIL import Image

    shot = tmp_path / "shot.png"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,3000",
           f"file://{pages['epochs'].resolve()}"]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10000
    with Image.open(shot) as im:
        assert im.size == (1200, 3000)
        small = np.asarray(im.convert("RGB").resize((300, 750)))
    colours = {tuple(c) for c in small.reshape(-1, 3)}
    assert len(colours) > 20  # text, tables, the header bar and the plot, not a blank page
    assert small.std() > 10
