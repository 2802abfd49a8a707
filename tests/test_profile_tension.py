"""Profile likelihood, leave-one-out tension and data epochs, against analytic results."""
import json

import numpy as np
import pytest
from conftest import gaussian_plugin, gminus2_card

from globalfit import cli, yamlio
from globalfit.card import load_card
from globalfit.chains import load_run
from globalfit.physics.zprime import delta_a_mu
from globalfit.profile import compute_profile
from globalfit.runner import run_card
from globalfit.tension import leave_one_out


def test_profile_of_g_at_fixed_mass_matches_the_analytic_interval():
    # χ²(g) = ((Δa(g) − 251e-11)/59.4e-11)² at m_Z′ = 10 MeV: Δχ² < 1 where Δa = (251 ± 59.4)e-11
    card = load_card(gminus2_card(params={"m_zp": 0.01, "g_zp": {"prior": "log-uniform", "min": 1e-4, "max": 1e-2}}))
    prof = compute_profile(card, "g_zp", np.linspace(3e-4, 7e-4, 81))
    per_g2 = delta_a_mu(0.01, 1.0)
    sigma = np.hypot(41, 43) * 1e-11
    lo, hi = np.sqrt((251e-11 - sigma) / per_g2), np.sqrt((251e-11 + sigma) / per_g2)
    got = prof.interval(1.0)
    assert got[0] == pytest.approx(lo, rel=2e-3) and got[1] == pytest.approx(hi, rel=2e-3)
    assert prof.chi2_min == pytest.approx(0.0, abs=1e-6)


def test_profile_maximises_over_a_correlated_nuisance(register_plugin):
    cov = np.array([[1.0, 0.8], [0.8, 1.0]]) * 0.25  # σ = 0.5, ρ = 0.8
    register_plugin(gaussian_plugin("g2d", 2, np.array([0.3, -0.2]), cov))
    card = load_card({"params": {"x0": {"prior": "uniform", "min": -3, "max": 3},
                                 "x1": {"prior": "uniform", "min": -3, "max": 3}},
                      "likelihoods": {"g2d": None}})
    prof = compute_profile(card, "x0", np.linspace(-1.5, 2.1, 37))
    # the profile of a Gaussian is a parabola with the marginal width: Δχ² = (x0 − 0.3)²/0.25
    assert np.allclose(prof.dchi2, (prof.values - 0.3) ** 2 / 0.25, atol=2e-4)
    lo, hi = prof.interval(1.0)
    assert lo == pytest.approx(-0.2, abs=2e-3) and hi == pytest.approx(0.8, abs=2e-3)


def test_profile_command(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(yamlio.dumps(gminus2_card()))
    assert cli.main(["profile", str(path), "--param", "g_zp", "--set", "m_zp=0.01", "--range", "3e-4:8e-4",
                     "--points", "11", "--json", "-o", str(tmp_path / "p.png")]) == 0
    out = capsys.readouterr().out
    d = json.loads(out[: out.rindex("}") + 1])
    assert len(d["dchi2"]) == 11 and d["interval68"][0] < 5.03e-4 < d["interval68"][1]
    assert (tmp_path / "p.png").exists()
    assert cli.main(["profile", str(path), "--param", "tan_beta"]) == 2


@pytest.fixture
def two_experiments(register_plugin, tmp_path):
    """Two Gaussian measurements of the same parameter, 2σ apart."""
    register_plugin(gaussian_plugin("measA", 1, np.array([1.0]), np.array([[1.0]])))
    register_plugin(gaussian_plugin("measB", 1, np.array([-1.0]), np.array([[1.0]])))
    card = load_card({"name": "two", "params": {"x0": {"prior": "uniform", "min": -8, "max": 8}},
                      "likelihoods": {"measA": None, "measB": None},
                      "sampler": {"name": "dynesty", "progress": False, "dynesty": {"nlive": 400, "dlogz": 0.05}}})
    return load_run(run_card(card, tmp_path / "two", progress=False))


def test_tension_of_two_gaussian_measurements(two_experiments):
    rows = {r["likelihood"]: r for r in leave_one_out(two_experiments, rerun=True)}
    # χ²_PG = (a − b)²/(σ_a² + σ_b²) = 2 for a two-σ difference; p = 0.157 for 1 dof
    for r in rows.values():
        assert r["chi2_pg"] == pytest.approx(2.0, abs=1e-3) and r["p_value"] == pytest.approx(0.1573, abs=1e-3)
        assert r["chi2_min_alone"] == pytest.approx(np.log(2 * np.pi), abs=1e-6)  # a normalised Gaussian
    # removing B moves the mean from 0 (σ 1/√2) to +1: a shift of +√2 σ
    assert rows["measB"]["shifts"]["x0"] == pytest.approx(np.sqrt(2), abs=0.1)
    assert rows["measA"]["shifts"]["x0"] == pytest.approx(-np.sqrt(2), abs=0.1)
    # the reweighting estimate agrees here (a weak, Gaussian constraint)
    quick = {r["likelihood"]: r for r in leave_one_out(two_experiments, optimise=False)}
    assert quick["measB"]["shifts"]["x0"] == pytest.approx(np.sqrt(2), abs=0.15)


def test_epochs_switch_datasets(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(yamlio.dumps(gminus2_card(likelihoods={"gminus2": {"dataset": "fnal2023-wp20"}})))
    assert cli.main(["run", str(path), "--epoch", "seeds", "--dry-run"]) == 0
    assert "dataset: fnal2021-wp20" in capsys.readouterr().out
    assert cli.main(["run", str(path), "--epoch", "latest", "--dry-run"]) == 0
    assert "dataset: fnal2025-wp25" in capsys.readouterr().out
    # an explicit --set wins over the epoch
    assert cli.main(["run", str(path), "--epoch", "seeds", "--set", "likelihoods.gminus2.dataset=fnal2025-wp20",
                     "--dry-run"]) == 0
    assert "dataset: fnal2025-wp20" in capsys.readouterr().out
    assert cli.main(["run", str(path), "--epoch", "2019", "--dry-run"]) == 2
    assert "unknown epoch" in capsys.readouterr().err


def test_report_with_tension(two_experiments, tmp_path):
    out = tmp_path / "r.html"
    assert cli.main(["report", str(two_experiments.path), "--tension", "-o", str(out)]) == 0
    html = out.read_text()
    assert "Tension (leave one experiment out)" in html and "measA" in html and "Maltoni" in html
