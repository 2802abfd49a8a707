"""The ln Z error of nautilus runs (globalfit.samplers.nautilus_run.logz_error), propagated from the estimates its ln Z
is made of: against the scatter of simulated estimates built the same way, against the plain standard error of a
Monte Carlo mean, and its binomial part against simulation. (The scatter over real nautilus runs of known evidence:
benchmarks/bench_evidence.py, docs/samplers.md.)"""
from types import SimpleNamespace

import numpy as np
import pytest

from globalfit.samplers.nautilus_run import _fraction_variance, logz_error


def _fake(n, drawn, log_l_mean, log_v, n_eff, bounds, explored_draws=None):
    """A finished nautilus sampler as logz_error reads it (its documented attributes)."""
    k = len(n)
    return SimpleNamespace(shell_n=np.asarray(n, float), shell_n_sample=np.asarray(drawn, float),
                           shell_n_sample_exp=np.zeros(k) if explored_draws is None else np.asarray(explored_draws),
                           explored=True, shell_log_l=np.asarray(log_l_mean), shell_log_v=np.asarray(log_v),
                           shell_n_eff=np.asarray(n_eff), bounds=bounds)


def _bound(drawn, rejected, outer_drawn, outer_rejected):
    return SimpleNamespace(n_sample=drawn, n_reject=rejected,
                           outer_bound=SimpleNamespace(n_sample=outer_drawn, n_reject=outer_rejected))


def test_one_exact_shell_is_the_standard_error_of_a_monte_carlo_mean():
    rng = np.random.default_rng(0)
    logl = rng.normal(-3.0, 1.2, 800)
    lik = np.exp(logl)
    s = _fake([800], [800], [np.log(lik.mean())], [0.0], [lik.sum() ** 2 / (lik**2).sum()], [object()])
    err, parts = logz_error(s, discard_exploration=True)
    assert err == pytest.approx(lik.std() / (np.sqrt(800) * lik.mean()), rel=1e-12)
    assert parts["shell_fraction"] == parts["bound_acceptance"] == parts["overlap"] == 0.0


def test_binomial_variance_of_a_log_fraction_matches_simulation():
    rng = np.random.default_rng(1)
    for draws, f in ((2000, 0.3), (500, 0.8)):
        hits = rng.binomial(draws, f, size=40000)
        assert np.var(np.log(hits / draws)) == pytest.approx(float(_fraction_variance(draws * f, draws)), rel=0.05)
    assert _fraction_variance(np.array([0.0, 5.0]), np.array([0.0, 5.0])).tolist() == [0.0, 0.0]


def test_propagated_error_matches_the_scatter_of_simulated_estimates():
    """Three shells built as nautilus builds them — the unit cube, then two bounds whose volumes are ellipsoid unions ×
    an overlap fraction × an acceptance, each shell's volume its bound's × the fraction of the bound's draws that land in
    it, its likelihood the mean over those points — simulated 3000 times: the mean propagated error equals the scatter of
    ln Ẑ within 7% (sampling error of the scatter: ≈ 1.3%), the draws after an exploration phase counted alone."""
    rng = np.random.default_rng(2)
    union_v = np.array([1.0, 0.3, 0.2])  # exact volumes of the outer ellipsoid unions (the cube for shell 0)
    # every part of the variance matters here: leaving any out (or counting the exploration's draws) fails the test
    q, p, f = np.array([1.0, 0.9, 0.5]), np.array([1.0, 0.7, 0.4]), np.array([0.55, 0.4, 1.0])
    draws_q, draws_p, draws_f, explored = np.array([0, 3000, 1500]), np.array([0, 2000, 1500]), \
        np.array([400, 900, 1500]), np.array([1500, 1500, 1500])
    scale = np.array([0.05, 1.0, 3.0])  # the likelihood's level in each shell
    logz, errors = [], []
    for _ in range(3000):
        q_acc = np.where(draws_q > 0, rng.binomial(draws_q, q), 0)
        p_acc = np.where(draws_p > 0, rng.binomial(draws_p, p), 0)
        n = rng.binomial(draws_f, f)
        lik = [scale[i] * np.exp(0.5 * rng.standard_normal(n[i])) for i in range(3)]
        log_bound_v = np.log(union_v) + np.log(np.where(draws_q > 0, q_acc / np.maximum(draws_q, 1), 1.0)) \
            + np.log(np.where(draws_p > 0, p_acc / np.maximum(draws_p, 1), 1.0))
        log_v = log_bound_v + np.log(n / draws_f)
        log_l = np.log([x.mean() for x in lik])
        n_eff = [x.sum() ** 2 / (x**2).sum() for x in lik]
        bounds = [object()] + [_bound(draws_p[i], draws_p[i] - p_acc[i], draws_q[i], draws_q[i] - q_acc[i])
                               for i in (1, 2)]
        s = _fake(n, draws_f + explored, log_l, log_v, n_eff, bounds, explored_draws=explored)
        logz.append(np.logaddexp.reduce(log_l + log_v))
        errors.append(logz_error(s, discard_exploration=True)[0])
    assert np.mean(errors) == pytest.approx(np.std(logz), rel=0.07)


def test_no_shell_with_points_gives_an_infinite_error():
    s = _fake([0, 0], [10, 10], [np.nan, np.nan], [-np.inf, -np.inf], [0.0, 0.0], [object(), object()])
    assert logz_error(s, discard_exploration=False) == (float("inf"), {})
