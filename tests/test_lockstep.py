"""globalfit's lockstep nested sampler (globalfit/samplers/lockstep.py) and `sampler: auto` / `target_dlnz`.

Known evidences (globalfit/samplers/problems.py) within 3σ of the reported error, posterior moments of a Gaussian, the
volume shrinkage of k deaths per iteration against a Monte Carlo of uniform order statistics, the reported error
against the scatter over 20 seeds, a prior partly outside the model's domain, same seed ⇒ the same run, an interrupted
run resumed to the identical result, and the live points `target_dlnz` chooses."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import EVIDENCE_CASES, gaussian_plugin, gminus2_card, interrupt_after, run_problem

from globalfit import interrupts, samplers
from globalfit.card import load_card
from globalfit.chains import load_run
from globalfit.errors import CardError
from globalfit.posterior import Posterior
from globalfit.runner import run_card
from globalfit.samplers import auto, lockstep, problems
from globalfit.samplers.checkpoint import Checkpointer

CASES = EVIDENCE_CASES


def _lockstep(nlive=300, **extra):
    return {"name": "lockstep", "progress": False, "lockstep": {"nlive": nlive, **extra}}


_run = run_problem


@pytest.mark.parametrize("problem", CASES, ids=[p.name for p in CASES])
def test_lockstep_recovers_the_evidence(register_plugin, problem):
    register_plugin(problems.plugin(problem))
    res = _run(problem, _lockstep())
    err = res.stats["logzerr_reported"]
    assert res.sampler == "lockstep" and res.kind == "nested" and err == res.logzerr
    assert abs(res.logz - problem.logz) < 3 * err, (res.logz, err, problem.logz)
    assert 0.02 < err < 0.4
    assert res.stats["deaths_per_iteration"] == 150 and res.stats["slices"] == max(10, 2 * problem.dim)


def test_posterior_moments_of_a_correlated_gaussian(register_plugin):
    dim, rng = 4, np.random.default_rng(4)
    mean = rng.uniform(-2, 2, dim)
    a = rng.normal(size=(dim, dim))
    cov = 0.5 * (a @ a.T / dim + np.eye(dim))
    register_plugin(gaussian_plugin("lg4", dim, mean, cov))
    card = load_card({"name": "lg4", "params": {f"x{i}": {"prior": "uniform", "min": -10, "max": 10} for i in range(dim)},
                      "likelihoods": {"lg4": None}, "sampler": _lockstep(500), "seed": 5})
    res = samplers.run(Posterior(card), card.sampler, card.seed, progress=False)
    w = np.exp(res.log_weight)
    m = w @ res.theta
    c = (res.theta - m).T @ ((res.theta - m) * w[:, None])
    n_eff = res.stats["n_effective"]
    assert np.all(np.abs(m - mean) < 5 * np.sqrt(np.diag(cov) / n_eff) + 0.02), (m, mean)
    assert np.allclose(c, cov, atol=0.1 * np.sqrt(np.outer(np.diag(cov), np.diag(cov)))), (c, cov)


def test_shrinkage_of_k_deaths_against_order_statistics():
    """n live points uniform in volume; the k-th death is the k-th largest volume, E[ln X] = −Σ_{j<k} 1/(n − j)."""
    rng = np.random.default_rng(0)
    n, k = 40, 10
    x = np.sort(rng.random((200_000, n)), axis=1)
    mc = np.log(x[:, n - k])  # the k-th largest: the volume inside the threshold after k deaths
    assert lockstep.shrinkage(n, k)[-1] == pytest.approx(-mc.mean(), abs=4 * mc.std() / np.sqrt(len(mc)))
    # and its variance is Σ 1/(n − j)², what logz_variance adds up
    assert np.sum(1.0 / (n - np.arange(k)) ** 2) == pytest.approx(mc.var(), rel=0.02)
    assert lockstep.deaths_per_iteration(300, 0.25) == 75 and lockstep.deaths_per_iteration(10, 0.5) == 5


def test_logz_variance_at_constant_live_points_is_skillings():
    """σ² = Σ (Z_{>j}/Z)²/m²: for a Gaussian-like run with constant m this is ≈ H/m (Skilling 2006, §9)."""
    n, d = 1000, 3
    logvol = -np.arange(1, 40 * n) / n
    logl = -0.5 * d * np.exp(2 * logvol / d) * 50  # L(X) of a d-dimensional Gaussian, prior much wider than it
    from globalfit.samplers import engines

    logwt, logz, _, h = engines.compute_integrals(logl=logl, logvol=logvol)
    var = lockstep.logz_variance(logwt, np.full(len(logl), n))
    assert var == pytest.approx(h[-1] / n, rel=0.3)


def test_reported_error_follows_the_scatter_over_seeds(register_plugin):
    problem = problems.gauss(2)
    register_plugin(problems.plugin(problem))
    runs = [_run(problem, _lockstep(200), seed=s) for s in range(1, 21)]
    scatter = np.std([r.logz for r in runs], ddof=1)
    reported = np.mean([r.logzerr for r in runs])
    assert 1 / 1.6 < reported / scatter < 1.6, (reported, scatter)
    assert abs(np.mean([r.logz for r in runs]) - problem.logz) < 3 * scatter / np.sqrt(20)


@pytest.mark.parametrize("proposal", ["slice", "region"])
def test_prior_partly_outside_the_domain(register_plugin, proposal):
    """L = 0 on x0 > 0 (half the box, where the Gaussian at x0 = −4 has no mass): Z = 1/(2V) is found through the
    fraction of finite draws, f ≈ 1/2."""
    base = problems.gauss(2)

    def loglike(x):
        shifted = x.copy()
        shifted[:, 0] += 4.0
        return np.where(x[:, 0] > 0, -np.inf, base.loglike(shifted))

    half = problems.Problem("halfbox", 2, loglike, base.logz)
    register_plugin(problems.plugin(half))
    res = _run(half, _lockstep(300, proposal=proposal))
    assert 0.4 < res.stats["prior_fraction_finite"] < 0.6
    assert np.all(np.isfinite(res.logl))
    assert abs(res.logz - base.logz) < 3 * res.logzerr, (res.logz, res.logzerr, base.logz)


@pytest.mark.parametrize("proposal", ["slice", "region"])
def test_same_seed_same_run(register_plugin, proposal):
    problem = problems.gauss(2)
    register_plugin(problems.plugin(problem))
    a, b, c = (_run(problem, _lockstep(100, proposal=proposal), seed=s) for s in (4, 4, 5))
    assert np.array_equal(a.theta, b.theta) and np.array_equal(a.log_weight, b.log_weight)
    assert a.logz == b.logz and a.ncall == b.ncall
    assert a.logz != c.logz


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("proposal, calls", [("slice", 200), ("auto", 8)])
def test_interrupted_run_resumes_to_the_identical_result(tmp_path, register_plugin, proposal, calls):
    problem = problems.gauss(3)
    register_plugin(problems.plugin(problem))
    card = load_card(problems.card(problem, _lockstep(100, proposal=proposal), seed=2))
    ref = samplers.run(Posterior(card), card.sampler, card.seed, progress=False)
    post = Posterior(card)
    post.log_likelihood = post.log_likelihood
    interrupt_after(post, calls)
    with pytest.raises(interrupts.Interrupted, match="--resume"):
        with Checkpointer(tmp_path / "checkpoint", card, post.names, every=0.0) as ck:
            samplers.run(post, card.sampler, card.seed, progress=False, checkpoint=ck)
    assert (tmp_path / "checkpoint" / "state.npz").exists()
    post = Posterior(card)
    with Checkpointer(tmp_path / "checkpoint", card, post.names, resume=True) as ck:
        res = samplers.run(post, card.sampler, card.seed, progress=False, checkpoint=ck)
    assert np.array_equal(res.theta, ref.theta) and np.array_equal(res.log_weight, ref.log_weight)
    assert res.logz == ref.logz and res.ncall == ref.ncall
    assert not (tmp_path / "checkpoint").exists()


def test_live_points_for_a_target_error():
    assert auto.live_points_for(0.1, 100, 0.3) == 900
    assert auto.live_points_for(1.0, 100, 0.3) == auto.MIN_NLIVE
    assert auto.live_points_for(1e-3, 100, 0.3) == auto.MAX_NLIVE


def test_target_dlnz_chooses_the_live_points(register_plugin):
    problem = problems.gauss(2)
    register_plugin(problems.plugin(problem))
    res = _run(problem, {"name": "auto", "progress": False, "target_dlnz": 0.08}, seed=6)
    assert res.sampler == "lockstep" and res.stats["engine_chosen_by"] == "auto"
    n = res.stats["nlive_chosen"]
    assert n == auto.live_points_for(0.08, auto.PILOT_NLIVE, res.stats["pilot_logzerr"]) == res.stats["nlive"]
    assert 0.06 < res.logzerr < 0.1  # the error asked for, not a multiple of it
    assert abs(res.logz - problem.logz) < 3 * res.logzerr


def test_auto_and_target_cards(tmp_path):
    card = load_card(gminus2_card(sampler={"name": "auto"}))
    assert card.sampler.name == "auto" and card.sampler.target_dlnz is None
    with pytest.raises(CardError, match="target_dlnz .* not of emcee"):
        load_card(gminus2_card(sampler={"name": "emcee", "target_dlnz": 0.1}))
    with pytest.raises(CardError, match="dynamic dynesty"):
        load_card(gminus2_card(sampler={"name": "dynesty", "target_dlnz": 0.1, "dynesty": {"dynamic": True}}))
    with pytest.raises(CardError, match="sampler.lockstep.replace"):
        load_card(gminus2_card(sampler={"name": "lockstep", "lockstep": {"replace": 0.9}}))
    # the new keys at their defaults leave the hash of older cards unchanged
    dy = load_card(gminus2_card())
    raw = dy.to_dict()
    raw["sampler"].pop("lockstep")
    raw["sampler"].pop("target_dlnz")
    assert load_card(raw).sha256() == dy.sha256()
    assert load_card(gminus2_card(sampler={"name": "dynesty", "target_dlnz": 0.2})).sha256() != dy.sha256()


def test_a_lockstep_run_is_stored_summarised_and_compared(tmp_path, capsys):
    from globalfit.cli import main

    dy = run_card(load_card(gminus2_card(name="dy")), tmp_path / "dy", progress=False)
    ls = run_card(load_card(gminus2_card(name="ls", sampler=_lockstep(300))), tmp_path / "ls", progress=False)
    assert ls.sampler == "lockstep" and load_run(tmp_path / "ls").manifest["results"]["slices"] == 10
    assert abs(ls.evidence.logz - dy.evidence.logz) < 3 * np.hypot(ls.evidence.error, dy.evidence.error)
    for args in (["compare", str(tmp_path / "dy"), str(tmp_path / "ls")], ["summary", str(tmp_path / "ls")]):
        assert main(args) in (0, None)
    out = capsys.readouterr().out
    assert "ln Z" in out and "agree" in out and "lockstep" in out  # one physics card: the engines' agreement
