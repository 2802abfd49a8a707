"""UltraNest and nautilus behind the card: analytic ln Z of normalised Gaussians in a box (d = 2, 5), posterior
moments, same seed ⇒ identical runs, card errors, resume from the engines' own files, `globalfit compare`
on runs of two engines, and MPI (UltraNest and the lockstep sampler) giving the single-process run."""
import sys

import numpy as np
import pytest
from conftest import gaussian_plugin, gminus2_card, interrupt_after

from globalfit import samplers
from globalfit.card import load_card
from globalfit.chains import load_run
from globalfit.errors import CardError, GlobalfitError
from globalfit.posterior import Posterior
from globalfit.runner import run_card
from globalfit.samplers import engines
from globalfit.samplers.checkpoint import Checkpointer

pytest.importorskip("ultranest")
pytest.importorskip("nautilus")

HALF_WIDTH = 10.0
#: small settings: a few seconds per run on 2 cores
ULTRANEST = {"name": "ultranest", "progress": False, "ultranest": {"min_num_live_points": 200}}
NAUTILUS = {"name": "nautilus", "progress": False, "nautilus": {"n_live": 200, "n_eff": 500, "n_networks": 1}}
NAUTILUS_5D = {"name": "nautilus", "progress": False, "nautilus": {"n_live": 300, "n_eff": 1000, "n_networks": 1}}


def _problem(register_plugin, dim):
    rng = np.random.default_rng(dim)
    mean = rng.uniform(-2, 2, dim)
    a = rng.normal(size=(dim, dim))
    cov = 0.5 * (a @ a.T / dim + np.eye(dim))  # correlated, σ ~ 1 (well inside the box)
    register_plugin(gaussian_plugin(f"eg{dim}", dim, mean, cov))
    return mean, cov


def _card(dim, sampler, seed=7):
    return load_card({
        "name": f"eg{dim}",
        "params": {f"x{i}": {"prior": "uniform", "min": -HALF_WIDTH, "max": HALF_WIDTH} for i in range(dim)},
        "likelihoods": {f"eg{dim}": None},
        "sampler": sampler,
        "seed": seed,
    })


def _check_gaussian(res, mean, cov, dim):
    truth = -dim * np.log(2 * HALF_WIDTH)  # Z = 1 / volume of the box
    assert res.kind == "nested" and np.isfinite(res.logzerr) and res.logzerr > 0
    assert abs(res.logz - truth) < max(3 * res.logzerr, 0.05), (res.logz, res.logzerr, truth)
    assert abs(res.logz - truth) < 0.3
    w = np.exp(res.log_weight)
    assert np.isclose(w.sum(), 1.0) and len(w) == len(res.theta) == len(res.logl)
    m = w @ res.theta
    sd = np.sqrt(w @ (res.theta - m) ** 2)
    n_eff = res.stats["n_effective"]
    assert np.all(np.abs(m - mean) < 5 * np.sqrt(np.diag(cov) / n_eff) + 0.02), (m, mean)
    assert np.allclose(sd, np.sqrt(np.diag(cov)), rtol=0.1), (sd, np.sqrt(np.diag(cov)))


@pytest.mark.parametrize("sampler, dim", [
    (ULTRANEST, 2), (ULTRANEST, 5), (NAUTILUS, 2),
    pytest.param(NAUTILUS_5D, 5, marks=pytest.mark.slow),
])
def test_evidence_and_moments_of_a_gaussian_in_a_box(register_plugin, sampler, dim):
    mean, cov = _problem(register_plugin, dim)
    card = _card(dim, sampler)
    res = samplers.run(Posterior(card), card.sampler, card.seed, progress=False)
    assert res.sampler == sampler["name"] and res.stats["engine"] == sampler["name"]
    _check_gaussian(res, mean, cov, dim)
    if sampler["name"] == "nautilus":  # the propagated error and its parts are stored (tests/test_nautilus_error.py)
        parts = [res.stats[f"logzerr_{k}"] for k in ("shell_fraction", "bound_acceptance", "overlap", "importance")]
        assert min(parts) >= 0.0 and res.logzerr == pytest.approx(np.sqrt(sum(parts)), rel=1e-12)
        assert res.stats["logzerr_neff"] == pytest.approx(1.0 / np.sqrt(res.stats["n_eff_nautilus"]))


@pytest.mark.parametrize("sampler", [ULTRANEST, NAUTILUS])
def test_same_seed_identical_results(register_plugin, sampler):
    _problem(register_plugin, 2)
    state = np.random.get_state()
    a, b = (samplers.run(Posterior(c), c.sampler, c.seed, progress=False) for c in (_card(2, sampler),) * 2)
    assert np.array_equal(a.theta, b.theta) and np.array_equal(a.log_weight, b.log_weight)
    assert a.logz == b.logz and a.logzerr == b.logzerr and a.ncall == b.ncall
    c = samplers.run(Posterior(_card(2, sampler, seed=8)), _card(2, sampler, seed=8).sampler, 8, progress=False)
    assert c.logz != a.logz
    after = np.random.get_state()
    assert all(np.array_equal(x, y) for x, y in zip(state[1:3], after[1:3]))  # numpy's global RNG left as it was


@pytest.mark.parametrize("sampler, key, value, words", [
    ("ultranest", "min_num_live_points", 5, "greater than or equal to 10"),
    ("ultranest", "frac_remain", 1.5, "less than 1"),
    ("ultranest", "dlogz", True, "boolean"),
    ("ultranest", "nlive", 400, "unknown key 'nlive'"),
    ("nautilus", "n_live", 0, "greater than or equal to 10"),
    ("nautilus", "f_live", 0.0, "greater than 0"),
    ("nautilus", "discard_exploration", "yes", "allowed: true, false"),
    ("nautilus", "nlive", 100, "unknown key 'nlive'; allowed: n_live"),
])
def test_bad_engine_settings_are_card_errors(sampler, key, value, words):
    with pytest.raises(CardError) as exc:
        load_card(gminus2_card(sampler={"name": sampler, sampler: {key: value}}))
    assert f"sampler.{sampler}.{key}" in str(exc.value) and words in str(exc.value)


def test_engine_cards_defaults_and_hash():
    dy = load_card(gminus2_card())
    assert dy.sampler.ultranest.min_num_live_points == 400 and dy.sampler.nautilus.n_live == 2000
    # a block alone selects its engine, like emcee/dynesty blocks; an unselected block is validated and kept
    assert load_card(gminus2_card(sampler={"nautilus": {"n_live": 500}})).sampler.name == "nautilus"
    assert load_card(gminus2_card(sampler={"name": "dynesty", "ultranest": {"dlogz": 1.0}})).sampler.name == "dynesty"
    with pytest.raises(CardError, match="ndraw_min"):
        load_card(gminus2_card(sampler={"name": "ultranest", "ultranest": {"ndraw_min": 10, "ndraw_max": 5}}))
    with pytest.raises(CardError, match="allowed: emcee, dynesty, ultranest, nautilus"):
        load_card(gminus2_card(sampler={"name": "multinest"}))
    # default blocks of the new engines leave the hash of older cards unchanged; a changed block changes it
    raw = dy.to_dict()
    for k in ("ultranest", "nautilus"):
        raw["sampler"].pop(k)
    assert load_card(raw).sha256() == dy.sha256()
    assert load_card(gminus2_card(sampler={"name": "dynesty", "ultranest": {"dlogz": 1.0}})).sha256() != dy.sha256()


def test_missing_or_unsupported_engine_is_a_clear_error():
    with pytest.raises(GlobalfitError, match=r"nautilus-sampler>=1.0,<2.0"):
        engines.require_engine("nautilus", installed="2.1.0")
    assert engines.require_engine("ultranest").startswith("4.")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sampler, calls, state_file", [(ULTRANEST, 20, "ultranest"), (NAUTILUS, 20, "nautilus.h5")])
def test_interrupted_run_resumes_from_the_engine_files(tmp_path, register_plugin, sampler, calls, state_file):
    from globalfit import interrupts

    mean, cov = _problem(register_plugin, 2)
    card = _card(2, sampler)
    ref = samplers.run(Posterior(card), card.sampler, card.seed, progress=False)
    post = Posterior(card)
    interrupt_after(post, calls)
    with pytest.raises(interrupts.Interrupted, match="--resume"):
        with Checkpointer(tmp_path / "checkpoint", card, post.names, every=0.0) as ck:
            samplers.run(post, card.sampler, card.seed, progress=False, checkpoint=ck)
    assert (tmp_path / "checkpoint" / "state.npz").exists() and (tmp_path / "checkpoint" / state_file).exists()
    # a different card is refused
    other = _card(2, {**sampler, sampler["name"]: {**sampler[sampler["name"]], "n_live" if "n_live" in
                                                   sampler[sampler["name"]] else "min_num_live_points": 150}})
    with pytest.raises(CardError, match="refusing to resume"):
        with Checkpointer(tmp_path / "checkpoint", other, post.names, resume=True) as ck:
            samplers.run(Posterior(other), other.sampler, other.seed, progress=False, checkpoint=ck)
    post = Posterior(card)
    with Checkpointer(tmp_path / "checkpoint", card, post.names, resume=True) as ck:
        res = samplers.run(post, card.sampler, card.seed, progress=False, checkpoint=ck)
    assert res.stats["resumed"] and not (tmp_path / "checkpoint").exists()
    assert post.ncall < ref.ncall  # the points evaluated before the interruption were reused
    _check_gaussian(res, mean, cov, 2)


def test_compare_runs_of_two_engines(tmp_path, capsys):
    from globalfit.cli import main

    dy = run_card(load_card(gminus2_card(name="dy")), tmp_path / "dy", progress=False)
    un = run_card(load_card(gminus2_card(name="un", sampler={**ULTRANEST, "ultranest": {"min_num_live_points": 100}})),
                  tmp_path / "un", progress=False)
    assert un.sampler == "ultranest" and un.kind == "nested"
    assert un.manifest["versions"]["ultranest"].startswith("4.") and un.manifest["results"]["version"]
    assert abs(un.evidence.logz - dy.evidence.logz) < 3 * np.hypot(un.evidence.error, dy.evidence.error) + 0.2
    for args in (["compare", str(tmp_path / "dy"), str(tmp_path / "un")], ["summary", str(tmp_path / "un")]):
        assert main(args) in (0, None)
    out = capsys.readouterr().out
    assert "un" in out and "ln Z" in out
    assert load_run(tmp_path / "un").samples()[0].shape[1] == 2


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("mpiexec") is None, reason="no MPI launcher (pip install 'globalfit[mpi]')")
@pytest.mark.parametrize("sampler", [{**ULTRANEST, "ultranest": {"min_num_live_points": 100}},
                                     {"name": "lockstep", "progress": False, "lockstep": {"nlive": 200}}],
                         ids=["ultranest", "lockstep"])
def test_engine_under_two_mpi_ranks_gives_the_single_process_run(tmp_path, sampler):
    import subprocess

    from globalfit import yamlio

    card = tmp_path / "mpi.yaml"
    card.write_text(yamlio.dumps(gminus2_card(name="mpi", sampler=sampler)))
    for n, out in ((1, "one"), (2, "two")):
        cmd = [sys.executable, "-m", "globalfit", "run", str(card), "--out", str(tmp_path / out)]
        proc = subprocess.run((["mpiexec", "-n", "2"] if n == 2 else []) + cmd, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    a, b = load_run(tmp_path / "one"), load_run(tmp_path / "two")
    assert np.array_equal(a.idata.posterior["m_zp"].values, b.idata.posterior["m_zp"].values) and a.logz == b.logz
