"""Engine agreement in studies: examples/engines.yaml (one card run with lockstep — slice chains, and `auto` with its
region proposal — dynesty, UltraNest and nautilus) through the
command line prints and stores the agreement table; a constructed disagreement is flagged beyond 3σ; runs whose
physics cards or data files differ are said to differ; `agreement:` in a compare group is validated."""
import copy
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import box_study_card, gaussian_plugin

from globalfit import cli, yamlio
from globalfit.chains import Run
from globalfit.compare import AGREEMENT_SIGMA, agreement, format_agreement, physics_hash
from globalfit.errors import CardError
from globalfit.study import load_study, write_comparison

ROOT = Path(__file__).resolve().parents[1]
ENGINES_CARD = ROOT / "examples" / "engines.yaml"
#: tiny settings: the five runs take a few seconds together on 2 cores
TINY = ["sampler.lockstep.nlive=50", "sampler.dynesty.nlive=50", "sampler.ultranest.min_num_live_points=50", "sampler.ultranest.min_ess=50",
        "sampler.nautilus.n_live=100", "sampler.nautilus.n_eff=300", "sampler.nautilus.n_networks=1"]


@pytest.fixture(scope="module")
def engines_study(tmp_path_factory):
    """examples/engines.yaml run by `python -m globalfit run` with tiny settings: (output directory, stdout)."""
    pytest.importorskip("ultranest")
    pytest.importorskip("nautilus")
    out = tmp_path_factory.mktemp("engines") / "engines"
    cmd = [sys.executable, "-m", "globalfit", "run", str(ENGINES_CARD), "--out", str(out), "--no-progress"]
    for s in TINY:
        cmd += ["--set", s]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "Traceback" not in res.stderr
    return out, res.stdout


@pytest.mark.slow
def test_engines_study_prints_and_stores_the_agreement_table(engines_study):
    out, stdout = engines_study
    names = ["engines-lockstep", "engines-auto", "engines-dynesty", "engines-ultranest", "engines-nautilus"]
    assert stdout.strip() == (out / "comparison.txt").read_text(encoding="utf-8").strip()
    assert "agreement of lockstep, lockstep/auto, dynesty, ultranest, nautilus" in stdout
    for name in names:
        assert name in stdout
    assert "every run has the physics card of engines-lockstep" in stdout
    assert "ln B" not in stdout and "odds" not in stdout  # no Bayes factors between runs of one card
    (group,) = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    assert group["kind"] == "agreement" and group["same_physics"] and group["physics_differences"] == {}
    assert group["engines"] == ["lockstep", "lockstep/auto", "dynesty", "ultranest", "nautilus"]
    rows = group["rows"]
    assert [r["name"] for r in rows] == names and [r["engine"] for r in rows] == group["engines"]
    assert [r["live_points"] for r in rows] == [50, 50, 50, 50, 100]
    assert len({r["physics_sha256"] for r in rows}) == 1
    for r in rows:
        assert math.isfinite(r["logz"]) and r["logz_err"] > 0 and r["likelihood_calls"] > 0 and r["wall_time_s"] > 0
        assert f"{r['logz']:.3f} ± {r['logz_err']:.3f}" in stdout
    assert len(group["pairs"]) == 10
    for p in group["pairs"]:
        a, b = (next(r for r in rows if r["name"] == n) for n in (p["a"], p["b"]))
        assert p["delta_logz"] == pytest.approx(b["logz"] - a["logz"])
        assert p["sigma"] == pytest.approx(math.hypot(a["logz_err"], b["logz_err"]))
        assert p["n_sigma"] == pytest.approx(abs(p["delta_logz"]) / p["sigma"])
        assert p["agree"] == (p["n_sigma"] <= AGREEMENT_SIGMA)
        assert f"{p['a']} vs {p['b']}" in stdout
    word = "verdict: all 10 pair(s) agree" if group["all_agree"] else "DISAGREE beyond 3σ"
    assert word in stdout


@pytest.mark.slow
def test_a_stored_disagreement_is_flagged_by_compare(engines_study, tmp_path, capsys):
    """Shift the stored ln Z of the nautilus run by 10 combined errors: `globalfit compare` on the study says so."""
    src, _ = engines_study
    out = tmp_path / "engines"
    shutil.copytree(src, out)
    runs = {n: json.loads((out / n / "manifest.json").read_text()) for n in ("dynesty", "nautilus")}
    sigma = math.hypot(*(m["results"]["logzerr_reported" if n == "dynesty" else "logzerr"] for n, m in runs.items()))
    runs["nautilus"]["results"]["logz"] = runs["dynesty"]["results"]["logz"] + 10 * sigma
    (out / "nautilus" / "manifest.json").write_text(json.dumps(runs["nautilus"]))
    assert cli.main(["compare", str(out)]) == 0
    text = capsys.readouterr().out
    line = next(ln for ln in text.splitlines() if ln.startswith("engines-dynesty vs engines-nautilus"))
    assert "10.0σ" in line and "DISAGREE (> 3σ)" in line
    assert "DISAGREE beyond 3σ" in text and "engines-dynesty vs engines-nautilus (10.0σ)" in text
    (group,) = json.loads((out / "comparison.json").read_text())
    assert not group["all_agree"]
    # agreement: false asks for the Bayes-factor table instead
    study = load_study(out / "study.yaml", [f"output={out}"])
    study.groups[0].agreement = False
    assert "ln B vs engines-lockstep" in write_comparison(study)
    assert json.loads((out / "comparison.json").read_text())[0]["kind"] == "evidence"


def test_the_engine_variants_share_one_physics_card():
    study = load_study(ENGINES_CARD)
    engines = ["lockstep", "auto", "dynesty", "ultranest", "nautilus"]
    assert {v: c.sampler.name for v, c in study.cards.items()} == {e: e for e in engines}
    assert len({physics_hash(c.to_dict()) for c in study.cards.values()}) == 1
    assert len({c.sha256() for c in study.cards.values()}) == 5  # the full card hashes differ (sampler block)
    assert study.groups[0].agreement is None and study.groups[0].runs == engines


# ----------------------------------------------------------------------------------- hand-built run summaries
def _run(name: str, logz: float, err: float, engine: str = "dynesty", card: dict | None = None,
         data: str = "aa") -> Run:
    """A stored run as compare reads it (manifest and card only)."""
    card = card or {"name": name, "model": {"ordering": "NO"}, "params": {"x0": {"prior": "uniform", "min": 0,
                                                                                 "max": 1}},
                    "likelihoods": {"gauss": {}}, "sampler": {"name": engine}, "seed": 1}
    manifest = {"sampler": {"name": engine, "kind": "nested", "settings": {"nlive": 100}}, "seed": 1,
                "likelihood_calls": 1000, "wall_time_s": 1.5, "data_files": [{"path": "d.csv", "sha256": data}],
                "results": {"logz": logz, "logzerr": err}}
    return Run(Path(f"/runs/{name}"), None, {**card, "name": name}, manifest)


def test_a_constructed_disagreement_is_flagged():
    runs = [_run("a", -1.0, 0.05), _run("b", -1.05, 0.05, "ultranest"), _run("c", -1.5, 0.05, "nautilus")]
    result = agreement(runs)
    assert result["same_physics"] and result["engines"] == ["dynesty", "ultranest", "nautilus"]
    by_pair = {(p["a"], p["b"]): p for p in result["pairs"]}
    assert by_pair["a", "b"]["agree"] and by_pair["a", "b"]["n_sigma"] == pytest.approx(0.05 / math.hypot(.05, .05))
    assert not by_pair["a", "c"]["agree"] and by_pair["a", "c"]["n_sigma"] == pytest.approx(0.5 / math.hypot(.05, .05))
    assert not result["all_agree"]
    text = format_agreement(result)
    assert text.count("DISAGREE (> 3σ)") == 2 and text.count("agree (≤ 3σ)") == 1
    assert "verdict: 2 of 3 pair(s) DISAGREE beyond 3σ: a vs c (7.1σ), b vs c (6.4σ)" in text
    assert "CPU" not in text  # not stored by these runs: no column
    runs[0].manifest["cpu_time_s"] = 3.25
    assert "3.2 s" in format_agreement(agreement(runs)).splitlines()[2]


def test_runs_of_different_physics_or_data_say_so():
    base = _run("a", -1.0, 0.05).card
    other = copy.deepcopy(base)
    other["params"]["x0"]["max"] = 2
    other["likelihoods"]["gauss"] = {"dataset": "v2"}
    runs = [_run("a", -1.0, 0.05), _run("b", -1.0, 0.05, card=other), _run("c", -1.0, 0.05, data="bb")]
    result = agreement(runs)
    assert not result["same_physics"]
    assert result["physics_differences"] == {"b": ["likelihoods.gauss.dataset", "params.x0.max"],
                                             "c": ["data file d.csv"]}
    assert len({r["physics_sha256"] for r in result["rows"]}) == 2
    text = format_agreement(result)
    assert "the runs do NOT share one physics card" in text
    assert "b: likelihoods.gauss.dataset, params.x0.max" in text and "c: data file d.csv" in text


# ------------------------------------------------------------------------------------------ studies in process
@pytest.fixture
def box_study(tmp_path, register_plugin):
    register_plugin(gaussian_plugin("gauss1", 1, np.array([0.3]), np.array([[1.0]])))

    def write(compare: list) -> Path:
        card = box_study_card(tmp_path, 50, 0.5, {"wide": {}, "narrow": {"params.x0": {"prior": "uniform", "min": -5.0,
                                                                                          "max": 5.0}},
                                                  "wide-seed3": {"seed": 3}}, compare)
        path = tmp_path / "study.yaml"
        path.write_text(yamlio.dumps(card))
        return path

    return write


def test_groups_choose_their_table_from_the_stored_cards(box_study, tmp_path, capsys):
    path = box_study([{"title": "box width", "runs": ["wide", "narrow"]},
                      {"title": "two seeds", "runs": ["wide", "wide-seed3"]},
                      {"title": "forced", "runs": ["wide", "narrow"], "agreement": True}])
    assert cli.main(["run", str(path), "--no-progress"]) == 0
    text = capsys.readouterr().out
    groups = json.loads((tmp_path / "boxes" / "comparison.json").read_text())
    assert [g["kind"] for g in groups] == ["evidence", "agreement", "agreement"]
    assert groups[1]["same_physics"] and "every run has the physics card of boxes-wide" in text
    assert groups[2]["physics_differences"] == {"boxes-narrow": ["params.x0.max", "params.x0.min"]}
    assert "boxes-narrow: params.x0.max, params.x0.min" in text


def test_agreement_key_is_validated(box_study):
    with pytest.raises(CardError) as exc:
        load_study(box_study([{"runs": ["wide", "narrow"], "agreement": "yes"},
                              {"runs": ["wide", "narrow"], "agreemnet": True}]))
    text = str(exc.value)
    assert "compare[0].agreement" in text and "expected true or false" in text
    assert "compare[1].agreemnet" in text and "did you mean 'agreement'" in text
