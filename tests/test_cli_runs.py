"""End to end through the command line: run (both samplers), summary, corner, eval, list, dry-run; the
stored run holds every sampled and derived quantity and each likelihood's log L."""
import json

import numpy as np
import pytest
from conftest import gminus2_card

from globalfit import cli, yamlio
from globalfit.chains import load_run
from globalfit.physics.zprime import delta_a_mu


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    out = {}
    for sampler in ("dynesty", "emcee"):
        card = gminus2_card(name=f"g2-{sampler}", sampler={
            "name": sampler, "progress": False,
            "dynesty": {"nlive": 150, "dlogz": 0.2},
            "emcee": {"walkers": 16, "steps": 600, "burn": 100, "thin": 2, "moves": "de"}})
        path = base / f"{sampler}.yaml"
        path.write_text(yamlio.dumps(card))
        assert cli.main(["run", str(path), "--out", str(base / sampler), "--no-progress"]) == 0
        out[sampler] = base / sampler
    return out


@pytest.mark.parametrize("sampler", ["dynesty", "emcee"])
def test_run_directory_contents(runs, sampler):
    run = load_run(runs[sampler])
    post = run.idata.posterior
    for var in ("m_zp", "g_zp", "delta_a_mu", "loglike_gminus2", "loglike", "logprior", "logpost"):
        assert var in post, var
    # stored derived quantities are consistent with the physics
    assert np.allclose(post["delta_a_mu"].values, delta_a_mu(post["m_zp"].values, post["g_zp"].values), rtol=1e-12)
    man = run.manifest
    assert man["seed"] == 3 and man["sampler"]["name"] == sampler and man["likelihood_calls"] > 0
    assert man["wall_time_s"] > 0 and {"numpy", "scipy", "emcee", "dynesty", "arviz", "globalfit", "python"} <= set(man["versions"])
    assert any(f["path"] == "gminus2/fnal2021-wp20.yaml" and len(f["sha256"]) == 64 for f in man["data_files"])
    assert run.card["likelihoods"]["gminus2"]["dataset"] == "fnal2021-wp20"
    assert run.card["sampler"]["dynesty"]["bound"] == "multi"  # defaults filled in
    if sampler == "dynesty":
        nested = run.idata["nested"]
        assert np.isclose(np.exp(nested["log_weight"].values).sum(), 1.0)
        assert np.isfinite(man["results"]["logz"]) and man["results"]["logzerr"] > 0
        assert post.attrs["logz"] == man["results"]["logz"]
    else:
        assert post.sizes["chain"] == 16 and post.sizes["draw"] == 250
        assert "acceptance_fraction" in run.idata.sample_stats


def test_posterior_band_matches_gminus2(runs):
    # the posterior of Delta a_mu sits on the measured value (251 ± 59)e-11 of the 2021 epoch
    run = load_run(runs["dynesty"])
    x, w = run.samples(["delta_a_mu"])
    mean = np.sum(w * x[:, 0])
    assert abs(mean - 251e-11) < 60e-11


@pytest.mark.parametrize("sampler", ["dynesty", "emcee"])
def test_summary(runs, sampler, capsys):
    assert cli.main(["summary", str(runs[sampler])]) == 0
    out = capsys.readouterr().out
    assert "m_zp" in out and "68% interval" in out and "MAP" in out
    assert ("ln Z" in out) if sampler == "dynesty" else ("R-hat" in out and "ESS" in out)


def test_corner_overlay_png_and_pdf(runs, tmp_path):
    png, pdf = tmp_path / "c.png", tmp_path / "c.pdf"
    assert cli.main(["corner", str(runs["dynesty"]), str(runs["emcee"]), "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert cli.main(["corner", str(runs["dynesty"]), "--params", "m_zp", "delta_a_mu", "-o", str(pdf)]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_corner_unknown_variable_is_a_clear_error(runs, capsys):
    assert cli.main(["corner", str(runs["dynesty"]), "--params", "tan_beta"]) == 2
    assert "tan_beta" in capsys.readouterr().err


def test_summary_of_missing_run(tmp_path, capsys):
    assert cli.main(["summary", str(tmp_path / "nope")]) == 2
    assert "no such run directory" in capsys.readouterr().err


def test_eval_json(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(yamlio.dumps(gminus2_card()))
    assert cli.main(["eval", str(path), "--set", "m_zp=0.01", "--set", "g_zp=5.03e-4", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) >= {"params", "quantities", "loglike", "chi2", "logprior", "logpost"}
    assert d["params"] == {"m_zp": 0.01, "g_zp": 5.03e-4}
    assert d["quantities"]["delta_a_mu"] == pytest.approx(251e-11, rel=3e-3)
    assert d["chi2"]["gminus2"] == pytest.approx(-2 * d["loglike"]["gminus2"])
    assert d["chi2"]["gminus2"] < 1e-3
    # dotted-path override switches the data epoch: the 2025 value (38.5 ± 63.7)e-11 disfavours the point
    assert cli.main(["eval", str(path), "--set", "m_zp=0.01", "--set", "g_zp=5.03e-4", "--json",
                     "--set", "likelihoods.gminus2.dataset=fnal2025-wp25"]) == 0
    d25 = json.loads(capsys.readouterr().out)
    assert d25["chi2"]["gminus2"] == pytest.approx(((251 - 38.5) / 63.67) ** 2, rel=0.01)


def test_eval_unset_parameters_take_prior_median(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(yamlio.dumps(gminus2_card()))
    assert cli.main(["eval", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["params"]["m_zp"] == pytest.approx(0.1) and d["params"]["g_zp"] == pytest.approx(1e-3)


def test_dry_run_prints_map_and_evaluation(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(yamlio.dumps(gminus2_card()))
    assert cli.main(["run", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "m_zp, g_zp → delta_a_mu → gminus2" in out
    assert "prior median" in out and "log posterior" in out
    assert not (tmp_path / "chains").exists()


def test_list(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "gminus2" in out and "fnal2025-wp25*" in out and "delta_a_mu" in out


def test_default_card_is_valid_and_dry_runs(capsys):
    assert cli.main(["run", "--dry-run"]) == 0
    assert "gminus2" in capsys.readouterr().out
