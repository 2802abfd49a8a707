"""The friends region (globalfit/samplers/region.py) and the lockstep sampler's region proposal.

The region encloses the contour it is built from (fresh uniform points in it, a disk and an annulus), its draws are
uniform (the radial and angular distributions of those in the contour, by Kolmogorov–Smirnov), the bootstrap radii
match a plain loop over the resamplings, and lockstep runs with `proposal: region` recover known evidences within 3σ;
`proposal: auto` falls back to slice chains when the region costs more, and uses them above REGION_MAX_DIM."""
from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import EVIDENCE_CASES, gminus2_card, run_problem
from scipy import stats

from globalfit import samplers
from globalfit.card import load_card
from globalfit.errors import CardError
from globalfit.posterior import Posterior
from globalfit.samplers import lockstep, problems, region

CASES = EVIDENCE_CASES
CENTRE, OUTER, INNER = np.array([0.5, 0.5]), 0.3, 0.15


def _annulus(rng, n, inner=INNER):
    """n points uniform in the annulus inner < |u − centre| < OUTER (inner 0: the disk)."""
    r = np.sqrt(inner**2 + (OUTER**2 - inner**2) * rng.random(n))
    phi = 2 * np.pi * rng.random(n)
    return CENTRE + np.column_stack((r * np.cos(phi), r * np.sin(phi)))


_run = run_problem


def _region(nlive=300, proposal="region"):
    return {"name": "lockstep", "progress": False, "lockstep": {"nlive": nlive, "proposal": proposal}}


@pytest.mark.parametrize("inner", [0.0, INNER], ids=["disk", "annulus"])
@pytest.mark.parametrize("envelope", ["balls", "ellipsoid"])
def test_region_encloses_its_contour_and_draws_uniformly(inner, envelope):
    rng = np.random.default_rng(1)
    reg = region.FriendsRegion(_annulus(rng, 400, inner), np.random.default_rng(2))
    reg.envelope = envelope
    fresh = _annulus(np.random.default_rng(3), 20000, inner)
    assert reg.contains(fresh).mean() > 0.995  # the bootstrap radius covers points the region was not built from
    draws = reg.sample(20000)
    assert len(draws) == 20000 and np.all(reg.contains(draws))
    rho = np.hypot(*(draws - CENTRE).T)
    inside = draws[(rho > inner) & (rho < OUTER)]
    assert len(inside) > 0.4 * len(draws)
    # uniform in the contour: (ρ² − inner²)/(OUTER² − inner²) and the angle are uniform on [0, 1)
    r2 = (np.sum((inside - CENTRE) ** 2, axis=1) - inner**2) / (OUTER**2 - inner**2)
    phi = (np.arctan2(*(inside - CENTRE).T[::-1]) / (2 * np.pi)) % 1.0
    assert stats.kstest(r2, "uniform").pvalue > 1e-3 and stats.kstest(phi, "uniform").pvalue > 1e-3


def test_bootstrap_radii_against_a_plain_loop():
    """The friends radius: largest distance from a left-out point to its nearest kept one; the ellipsoid radius: the
    largest norm times the largest ratio of Mahalanobis norms (left out / kept) in the kept points' own metric."""
    w = np.random.default_rng(5).normal(size=(120, 3))
    r, big = region.bootstrap_radii(w, np.random.default_rng(6), bootstraps=7)
    rng = np.random.default_rng(6)
    r_loop, grow = 0.0, 1.0
    for _ in range(7):
        picks = sorted(set(rng.integers(0, len(w), len(w)).tolist()))
        left = [i for i in range(len(w)) if i not in picks]
        for i in left:
            r_loop = max(r_loop, min(math.dist(w[i], w[j]) for j in picks))
        mean, inv = w[picks].mean(axis=0), np.linalg.inv(np.cov(w[picks].T))
        maha = [math.sqrt((w[i] - mean) @ inv @ (w[i] - mean)) for i in range(len(w))]
        grow = max(grow, max(maha[i] for i in left) / max(maha[j] for j in picks))
    assert r == pytest.approx(r_loop, rel=1e-9)
    assert big == pytest.approx(max(math.hypot(*p) for p in w) * grow, rel=1e-6)


@pytest.mark.parametrize("problem", CASES, ids=[p.name for p in CASES])
def test_region_proposal_recovers_the_evidence(register_plugin, problem):
    register_plugin(problems.plugin(problem))
    res = _run(problem, _region())
    err = res.stats["logzerr_reported"]
    assert abs(res.logz - problem.logz) < 3 * err, (res.logz, err, problem.logz)
    assert res.stats["proposal"] == "region" and res.stats["region_iterations"] == res.stats["iterations"]
    # independent draws: far fewer calls than slice chains (≈ 40 per point in 2-D)
    assert res.ncall < 25 * res.stats["niter"]


def test_auto_falls_back_to_slices_when_the_region_costs_more(register_plugin, monkeypatch):
    problem = problems.gauss(2)
    register_plugin(problems.plugin(problem))
    monkeypatch.setattr(lockstep, "CALLS_PER_SLICE", 0.01)  # slices look nearly free: the region loses at once
    res = _run(problem, _region(proposal="auto"))
    assert res.stats["proposal"] == "auto" and res.stats["region_iterations"] == 1
    assert abs(res.logz - problem.logz) < 3 * res.logzerr


def test_auto_proposal_by_dimension_and_the_region_warning(register_plugin):
    hi = problems.gauss(lockstep.REGION_MAX_DIM + 1)
    lo = problems.gauss(lockstep.REGION_MAX_DIM)
    for problem, nlive, expect in ((hi, 100, "slice"), (lo, 100, "auto"), (lo, lockstep.REGION_MAX_LIVE, "auto"),
                                   (lo, lockstep.REGION_MAX_LIVE + 1, "slice")):
        register_plugin(problems.plugin(problem))
        post = Posterior(load_card(problems.card(problem, _region(proposal="auto"))))
        assert lockstep.LockstepSampler(post, nlive, 0.5, 10, np.random.default_rng(0), "auto").proposal == expect
    beyond = problems.gauss(lockstep.REGION_VALIDATED_DIM + 1)
    register_plugin(problems.plugin(beyond))
    res = _run(beyond, {**_region(60), "lockstep": {"nlive": 60, "proposal": "region", "dlogz": 5.0}})
    assert any(f"proposal: region in {beyond.dim} dimensions" in w for w in res.warnings)


def test_sampler_auto_uses_the_region_in_two_dimensions(register_plugin):
    problem = problems.gauss(2)
    register_plugin(problems.plugin(problem))
    res = _run(problem, {"name": "auto", "progress": False, "lockstep": {"nlive": 200}})
    assert res.stats["proposal"] == "auto" and res.stats["region_iterations"] == res.stats["iterations"]
    with pytest.raises(CardError, match="sampler.lockstep.proposal"):
        load_card(gminus2_card(sampler={"name": "lockstep", "lockstep": {"proposal": "ellipsoids"}}))


@pytest.mark.parametrize("proposal", ["slice", "region"])
def test_a_mode_across_the_wrap_of_a_periodic_parameter(register_plugin, proposal):
    """A Gaussian (σ = 0.5) in x0 centred on the box's edge, x0 periodic with period 20 (like a phase at 0 = 2π), a
    normalised Gaussian in x1: half of the mode lies at each end of the box, and Z = 1/V as for the unwrapped mode.
    The region is not wrapped; the balls around the points at both ends cover both halves."""
    base = problems.gauss(1)

    def loglike(x):
        dx = x[:, 0] % (2 * problems.HALF_WIDTH) - problems.HALF_WIDTH  # signed distance to the edge ±10
        return (-0.5 * (dx / 0.5) ** 2 - math.log(0.5 * math.sqrt(2 * math.pi))
                + base.loglike(x[:, 1:]))

    wrap = problems.Problem("wrap2", 2, loglike, -2 * math.log(2 * problems.HALF_WIDTH))
    register_plugin(problems.plugin(wrap))
    card = load_card(problems.card(wrap, _region(proposal=proposal), seed=4))
    post = Posterior(card)
    post.space.periodic_indices = lambda: [0]
    res = samplers.run(post, card.sampler, card.seed, progress=False)
    assert abs(res.logz - wrap.logz) < 3 * res.logzerr, (res.logz, res.logzerr, wrap.logz)
    w = np.exp(res.log_weight)
    near_edge = np.abs(np.abs(res.theta[:, 0]) - problems.HALF_WIDTH) < 2.0
    assert w[near_edge].sum() > 0.99 and 0.3 < w[res.theta[:, 0] > 0].sum() < 0.7  # both halves of the mode


def test_the_region_benchmark_runs(capsys):
    """benchmarks/bench_region.py (quoted in docs/samplers.md) with tiny settings: it prints its table."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import bench_region
    finally:
        sys.path.pop(0)
    assert bench_region.main(["--smoke"]) == 0
    out = capsys.readouterr().out
    assert "zprime" in out and "region its" in out


def test_a_region_without_volume_hands_over_to_slices_under_auto(register_plugin, monkeypatch):
    from globalfit.errors import RunError

    problem = problems.gauss(2)
    register_plugin(problems.plugin(problem))

    def empty(self, m, max_draws=np.inf):
        raise RunError("the friends region has no volume inside the unit cube")

    monkeypatch.setattr(region.FriendsRegion, "sample", empty)
    res = _run(problem, _region(proposal="auto"))
    assert res.stats["region_iterations"] == 1 and abs(res.logz - problem.logz) < 3 * res.logzerr
    with pytest.raises(RunError, match="no volume inside the unit cube"):
        _run(problem, _region(proposal="region"))


@pytest.mark.parametrize("proposal", ["region", "auto"])
def test_a_plateau_at_the_maximum_is_a_clear_error_not_a_hang(register_plugin, proposal):
    from globalfit.errors import RunError

    base = problems.gauss(2)
    flat = problems.Problem("plateau2", 2, lambda x: np.minimum(base.loglike(x), -3.0), base.logz)
    register_plugin(problems.plugin(flat))
    with pytest.raises(RunError, match="flat at its maximum"):
        _run(flat, _region(100, proposal=proposal))


def test_a_region_that_misses_the_contour_gives_up(register_plugin, monkeypatch):
    from globalfit.errors import RunError

    problem = problems.gauss(2)
    register_plugin(problems.plugin(problem))
    monkeypatch.setattr(lockstep, "REGION_FRUITLESS_CALLS", 5000)
    monkeypatch.setattr(region.FriendsRegion, "sample", lambda self, m, max_draws=np.inf: np.full((m, 2), 1e-6))
    with pytest.raises(RunError, match="region misses the likelihood contour"):
        _run(problem, _region(100))
