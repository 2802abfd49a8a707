"""Forecast likelihoods (globalfit/forecast.py, docs/physics/forecasts.md): the Asimov expected exclusion of a
counting experiment against independent computations, and the discovery significance against its limits."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import gammaln

from globalfit import cli
from globalfit.forecast import Forecast, asimov_exclusion_loglike, discovery_significance, events_at_expected_limit
from globalfit.limits import limit_dchi2


def _posterior_tail(s: float, b: float, n: float) -> float:
    """P(signal > s | n observed) for a flat prior on the signal and a known background b, by quadrature of the
    Poisson likelihood (n may be non-integer: the Asimov count)."""
    dens = lambda x: math.exp(n * math.log(x + b) - (x + b) - gammaln(n + 1)) if x + b > 0 else 0.0  # noqa: E731
    tail, _ = quad(dens, s, math.inf, limit=200)
    total, _ = quad(dens, 0.0, math.inf, limit=200)
    return tail / total


@pytest.mark.parametrize("s, b", [(0.7, 0.0), (2.0, 0.3), (3.5, 2.5), (12.0, 40.0), (1.0, 7.2)])
def test_exclusion_is_the_flat_prior_posterior_tail(s, b):
    expected = math.log(_posterior_tail(s, b, b))
    assert float(asimov_exclusion_loglike(s, b)) == pytest.approx(expected, rel=1e-7, abs=1e-10)


def test_no_background_is_the_limit_curve_rule():
    """b = 0: ln L = −s, the Poisson rule of globalfit.limits; the 90% expected limit is 2.303 events."""
    s = np.array([0.0, 0.5, 2.0, 10.0, 200.0])
    assert np.allclose(asimov_exclusion_loglike(s, 0.0), -s, rtol=1e-12, atol=0)
    assert events_at_expected_limit(0.0, 0.90) == pytest.approx(-math.log(0.1), rel=1e-9)
    assert -2 * float(asimov_exclusion_loglike(events_at_expected_limit(5.0), 5.0)) == pytest.approx(
        limit_dchi2(0.90), rel=1e-9)


def test_large_background_tends_to_the_truncated_gaussian():
    """b ≫ 1: the flat-prior posterior of s is a Gaussian of width √b truncated at 0, so the 90% limit is
    s = Φ⁻¹(0.95)√b = 1.645√b (to O(1/√b))."""
    b = 1e6
    assert events_at_expected_limit(b, 0.90) / math.sqrt(b) == pytest.approx(1.6449, rel=2e-3)


def test_background_uncertainty_weakens_the_limit_and_vanishes_at_zero():
    b = 50.0
    plain = events_at_expected_limit(b)
    assert events_at_expected_limit(b, rel_bkg_error=1e-9) == pytest.approx(plain, rel=1e-6)
    assert events_at_expected_limit(b, rel_bkg_error=0.2) > 1.3 * plain
    assert np.all(np.diff(asimov_exclusion_loglike(np.linspace(0, 40, 9), b, 0.2)) < 0)


def test_discovery_significance_limits():
    """Z = √(2[(s+b)ln(1+s/b) − s]) (Cowan et al. 2011): → s/√b for s ≪ b; known value at s = b = 10."""
    assert float(discovery_significance(1.0, 1e6)) == pytest.approx(1e-3, rel=1e-3)
    assert float(discovery_significance(10.0, 10.0)) == pytest.approx(math.sqrt(2 * (20 * math.log(2) - 10)),
                                                                      rel=1e-12)
    assert float(discovery_significance(3.0, 0.0)) == math.inf and float(discovery_significance(0.0, 0.0)) == 0.0


# ------------------------------------------------------------------------------ a forecast plugin end to end
class ToyCounting(Forecast):
    """A counting experiment: N_s = L g² (L = `exposure`), background `background` events."""

    name = "toy_counting"
    requires = ("m_zp", "g_zp")

    def __init__(self, dataset: str | None = None, exposure: float = 1e7, background: float = 4.0):
        super().__init__(dataset, exposure=exposure, background=background)
        self.exposure, self.background = exposure, background

    def expected(self, q):
        g = np.asarray(q["g_zp"], dtype=float)
        return self.exposure * g * g, np.full(g.shape, self.background)


def _card(tmp_path, **over):
    import yaml

    card = {"name": "fc", "params": {"m_zp": 0.01, "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-2}},
            "likelihoods": {"toy_counting": over}}
    path = tmp_path / "fc.yaml"
    path.write_text(yaml.safe_dump(card))
    return path


def test_forecast_command_prints_counts_and_the_expected_verdict(register_plugin, tmp_path, capsys):
    register_plugin(ToyCounting)
    path = _card(tmp_path)
    s_lim = events_at_expected_limit(4.0, 0.90)
    g_lim = math.sqrt(s_lim / 1e7)
    assert cli.main(["forecast", str(path), "--set", f"g_zp={1.01 * g_lim}", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["forecasts"][0]
    assert out["n_signal"] == pytest.approx(1.0201 * s_lim, rel=1e-9) and out["n_background"] == 4.0
    assert out["expected_excluded"] and out["threshold"] == pytest.approx(limit_dchi2(0.90))
    assert cli.main(["forecast", str(path), "--set", f"g_zp={0.99 * g_lim}"]) == 0
    text = capsys.readouterr().out
    assert "toy_counting" in text and "allowed" in text and "Traceback" not in text


def test_forecast_command_needs_a_forecast(tmp_path, capsys):
    import yaml

    path = tmp_path / "g2.yaml"
    path.write_text(yaml.safe_dump({"name": "g2", "params": {"m_zp": 0.01, "g_zp": {"prior": "log-uniform",
                                    "min": 1e-5, "max": 1e-2}}, "likelihoods": {"gminus2": {}}}))
    assert cli.main(["forecast", str(path)]) == 2
    assert "no forecast likelihood" in capsys.readouterr().err


def test_plane_draws_a_forecast_as_an_expected_boundary(register_plugin, tmp_path):
    """The forecast's region is marked expected, sits at its expected limit (Δχ² = 4.61 at 90%), and stays out of
    the allowed region of --reference min."""
    from globalfit.card import load_card
    from globalfit.plane import compute_plane, plane_regions

    register_plugin(ToyCounting)
    card = load_card({"name": "fc", "params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 1.0},
                                               "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-2}},
                      "likelihoods": {"toy_counting": {}, "gminus2": {"dataset": "fnal2021-wp20"}}})
    plane = compute_plane(card, None, None, 40)
    region = next(r for r in plane_regions(plane, 0.90, "null") if r.name == "toy_counting")
    assert region.expected and region.threshold == pytest.approx(limit_dchi2(0.90))
    g = plane.values[1]
    inside = region.inside(plane)[:, 0]
    g_lim = math.sqrt(events_at_expected_limit(4.0, 0.90) / 1e7)
    assert inside[g > 1.05 * g_lim].all() and not inside[g < 0.95 * g_lim].any()
    allowed = next(r for r in plane_regions(plane, 0.95, "min") if r.kind == "allowed")
    assert np.array_equal(allowed.inside(plane), np.where(plane.in_domain, plane.chi2["gminus2"]
                                                          - np.nanmin(plane.chi2["gminus2"]) < 5.991, False))
