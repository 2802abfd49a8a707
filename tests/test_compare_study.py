"""Evidence comparison and studies (several variants of one card) on a problem with a known Bayes factor:
the same normalised Gaussian likelihood in prior boxes of widths 20 and 10 has ln B = ln 2."""
import json

import numpy as np
import pytest
from conftest import box_study_card, gaussian_plugin

from globalfit import cli, yamlio
from globalfit.compare import jeffreys
from globalfit.errors import CardError
from globalfit.study import load_study


@pytest.fixture
def study_card(tmp_path, register_plugin):
    register_plugin(gaussian_plugin("gauss1", 1, np.array([0.3]), np.array([[1.0]])))
    card = box_study_card(tmp_path, 400, 0.01, {"wide": {}, "narrow": {"params.x0": {"prior": "uniform", "min": -5.0,
                                                                                        "max": 5.0}}},
                          [{"title": "box width", "runs": ["wide", "narrow"]}])
    path = tmp_path / "study.yaml"
    path.write_text(yamlio.dumps(card))
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_study_runs_variants_and_compares(study_card, tmp_path, capsys, jobs):
    assert cli.main(["run", str(study_card), "--jobs", jobs, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "box width" in out and "narrow" in out
    rows = json.loads((tmp_path / "boxes" / "comparison.json").read_text())[0]["rows"]
    assert [r["name"] for r in rows] == ["boxes-wide", "boxes-narrow"]
    ln_b, err = rows[1]["ln_b"], rows[1]["ln_b_err"]
    assert abs(ln_b - np.log(2.0)) < 3 * err and 0 < err < 0.3
    assert (tmp_path / "boxes" / "wide" / "posterior.nc").exists()
    # the compare command on the study directory gives the same table
    assert cli.main(["compare", str(tmp_path / "boxes"), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again[0]["rows"][1]["ln_b"] == pytest.approx(ln_b)
    # and so does comparing the two run directories directly
    assert cli.main(["compare", str(tmp_path / "boxes" / "wide"), str(tmp_path / "boxes" / "narrow"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[1]["ln_b"] == pytest.approx(ln_b)


def test_study_validation_reports_every_variant(tmp_path, register_plugin):
    register_plugin(gaussian_plugin("gauss1", 1, np.array([0.3]), np.array([[1.0]])))
    card = {"params": {"x0": {"prior": "uniform", "min": -1.0, "max": 1.0}}, "likelihoods": {"gauss1": None},
            "variants": {"a": {"params.x0.max": -5.0}, "b": {"sampler.nlive": 10}, "c": {"modle.ordering": "IO"}},
            "compare": [["a", "d"]]}
    with pytest.raises(CardError) as exc:
        load_study(card)
    text = str(exc.value)
    for piece in ("variants.a: params.x0", "variants.b: sampler.nlive", "variants.c.modle.ordering",
                  "did you mean 'model'", "compare[0].runs", "unknown variant 'd'"):
        assert piece in text, piece


def test_single_run_commands_refuse_a_study_without_variant(study_card, capsys):
    assert cli.main(["eval", str(study_card)]) == 2
    assert "choose the variant" in capsys.readouterr().err
    assert cli.main(["eval", str(study_card), "--variant", "narrow", "--set", "x0=0.3", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["logprior"] == pytest.approx(-np.log(10.0))


def test_jeffreys_scale():
    assert [jeffreys(x) for x in (0.5, -1.5, 3.0, -7.0)] == ["inconclusive", "weak", "moderate", "strong"]


def test_compare_refuses_mcmc_runs(tmp_path, capsys):
    from conftest import gminus2_card

    path = tmp_path / "c.yaml"
    path.write_text(yamlio.dumps(gminus2_card(sampler={"name": "emcee", "progress": False,
                                                       "emcee": {"walkers": 8, "steps": 50, "burn": 10}})))
    assert cli.main(["run", str(path), "--out", str(tmp_path / "mc"), "--no-progress"]) == 0
    assert cli.main(["compare", str(tmp_path / "mc")]) == 2
    assert "gives no evidence" in capsys.readouterr().err
