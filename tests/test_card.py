"""Run-card validation: every malformed card exits with code 2, one message naming each bad key, no
traceback; valid cards are resolved with defaults filled."""
import subprocess
import sys

import pytest
from conftest import gminus2_card

from globalfit import cli, yamlio
from globalfit.card import load_card, load_card_and_point
from globalfit.errors import CardError
from globalfit.params import Fixed, LogUniform


def _write(tmp_path, card) -> str:
    path = tmp_path / "card.yaml"
    path.write_text(card if isinstance(card, str) else yamlio.dumps(card))
    return str(path)


def _params(**kw):
    base = gminus2_card()["params"]
    base.update(kw)
    return base


MALFORMED = [
    # (description, card (dict or YAML text), substrings expected in the message)
    ("unknown top-level key", gminus2_card(parms={}), ["parms", "did you mean 'params'"]),
    ("misspelt prior", gminus2_card(params=_params(m_zp={"prior": "loguniform", "min": 1e-3, "max": 1})),
     ["params.m_zp.prior", "did you mean 'log-uniform'"]),
    ("min above max", gminus2_card(params=_params(m_zp={"prior": "uniform", "min": 2, "max": 1})),
     ["params.m_zp", "must be smaller than max"]),
    ("log-uniform from zero", gminus2_card(params=_params(g_zp={"prior": "log-uniform", "min": 0, "max": 1})),
     ["params.g_zp", "must be > 0"]),
    ("text where a number is needed", gminus2_card(params=_params(g_zp={"prior": "uniform", "min": "abc", "max": 1})),
     ["params.g_zp.min", "'abc'"]),
    ("zero-width normal", gminus2_card(params=_params(g_zp={"prior": "normal", "mean": 0.0, "sigma": 0})),
     ["params.g_zp.sigma", "greater than 0"]),
    ("unknown key in a prior", gminus2_card(params=_params(g_zp={"prior": "uniform", "min": 0, "max": 1, "maximum": 2})),
     ["params.g_zp.maximum", "allowed: prior, min, max"]),
    ("unknown plugin", gminus2_card(likelihoods={"gminus": {}}), ["likelihoods.gminus", "did you mean 'gminus2'"]),
    ("unknown dataset", gminus2_card(likelihoods={"gminus2": {"dataset": "fnal2020-wp20"}}),
     ["likelihoods.gminus2.dataset", "fnal2025-wp25 (default)", "did you mean"]),
    ("unknown plugin option", gminus2_card(likelihoods={"gminus2": {"shape": "gauss"}}),
     ["likelihoods.gminus2.shape", "unknown key"]),
    ("negative nlive", gminus2_card(sampler={"name": "dynesty", "dynesty": {"nlive": -5}}),
     ["sampler.dynesty.nlive", "greater than or equal to 10"]),
    ("unknown sampler", gminus2_card(sampler={"name": "mcmc"}), ["sampler.name", "allowed: emcee, dynesty"]),
    ("burn-in longer than the chain", gminus2_card(sampler={"name": "emcee", "emcee": {"steps": 100, "burn": 200}}),
     ["sampler.emcee", "burn (200) must be smaller than steps (100)"]),
    ("too few walkers", gminus2_card(sampler={"name": "emcee", "emcee": {"walkers": 3}}),
     ["sampler.emcee.walkers", "at least 2 × 2 = 4"]),
    ("negative seed", gminus2_card(seed=-1), ["seed", "integer ≥ 0"]),
    ("unused parameter", gminus2_card(params=_params(tan_theta={"prior": "uniform", "min": 0, "max": 1})),
     ["params.tan_theta", "not read by any likelihood"]),
    ("derived quantity given as a parameter", gminus2_card(params=_params(tan_beta={"prior": "uniform", "min": 0, "max": 1})),
     ["params.tan_beta", "derived in this model"]),
    ("contradictory model options", gminus2_card(model={"higgs": "singlet", "texture": "B3"}),
     ["model", "contradicts higgs: singlet"]),
    ("missing parameter", gminus2_card(params={"m_zp": 0.01, "x": {"prior": "uniform", "min": 0, "max": 1}}),
     ["likelihoods.gminus2", "needs 'g_zp'", "params.x"]),
    ("model option that does not exist", gminus2_card(model={"higgs_sector": "doublet"}),
     ["model.higgs_sector", "unknown key"]),
    ("not a mapping", "- just\n- a list\n", ["expected a mapping at the top level"]),
    ("broken YAML", "params: {m_zp: [1, 2\nlikelihoods: x\n", ["not valid YAML", "line"]),
    ("bad output", gminus2_card(output=5), ["output", "directory path"]),
    ("empty likelihoods", gminus2_card(likelihoods={}), ["likelihoods", "at least one likelihood"]),
]


@pytest.mark.parametrize("what, card, expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_card_exit_2_names_the_key(tmp_path, capsys, what, card, expected):
    path = _write(tmp_path, card)
    code = cli.main(["run", path, "--dry-run"])
    err = capsys.readouterr().err
    assert code == 2, what
    for text in expected:
        assert text in err, f"{what}: {text!r} not in {err!r}"
    assert "Traceback" not in err


def test_all_problems_reported_at_once(tmp_path, capsys):
    card = gminus2_card(seed="x", sampler={"name": "dynesty", "dynesty": {"nlive": 1, "bound": "multii"}},
                        likelihoods={"gminus2": {"dataset": "nope"}})
    assert cli.main(["run", _write(tmp_path, card), "--dry-run"]) == 2
    err = capsys.readouterr().err
    for key in ("seed", "sampler.dynesty.nlive", "sampler.dynesty.bound", "did you mean 'multi'",
                "likelihoods.gminus2.dataset"):
        assert key in err
    assert "4 problem(s)" in err


def test_missing_card_file(capsys):
    assert cli.main(["run", "no/such/card.yaml"]) == 2
    assert "no such card file" in capsys.readouterr().err


def test_bad_set_override(tmp_path, capsys):
    path = _write(tmp_path, gminus2_card())
    assert cli.main(["eval", path, "--set", "mzp=0.01"]) == 2
    err = capsys.readouterr().err
    assert "--set mzp" in err and "did you mean 'm_zp'" in err


def test_subprocess_exit_code_and_no_traceback(tmp_path):
    path = _write(tmp_path, gminus2_card(params=_params(m_zp={"prior": "gaussian", "mean": 1, "sigma": 1})))
    proc = subprocess.run([sys.executable, "-m", "globalfit", "run", path], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "params.m_zp.prior" in proc.stderr and "Traceback" not in proc.stderr


def test_defaults_filled_and_shorthands():
    card = load_card({"params": {"m_zp": 0.05, "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1}},
                      "likelihoods": ["gminus2"]})
    assert isinstance(card.params["m_zp"], Fixed) and isinstance(card.params["g_zp"], LogUniform)
    assert card.likelihoods["gminus2"].dataset == "fnal2025-wp25"  # the latest epoch is the default
    d = card.to_dict()
    assert d["sampler"]["dynesty"]["nlive"] == 500 and d["sampler"]["emcee"]["walkers"] == 32
    assert d["output"] == "chains/card" and d["seed"] == 1
    # the resolved card is itself a valid card giving the same hash
    assert load_card(yamlio.loads(card.to_yaml())).sha256() == card.sha256()


def test_sampler_inferred_from_section():
    card = load_card(gminus2_card(sampler={"emcee": {"walkers": 8, "steps": 10, "burn": 2}}))
    assert card.sampler.name == "emcee"


def test_overrides_parameter_option_and_path():
    card = load_card(gminus2_card(), ["m_zp=0.02", "likelihoods.gminus2.dataset=fnal2023-wp20",
                                      "sampler.dynesty.nlive=77", "seed=9"])
    assert card.params["m_zp"] == Fixed(0.02)
    assert card.likelihoods["gminus2"].dataset == "fnal2023-wp20"
    assert card.sampler.dynesty.nlive == 77 and card.seed == 9
    card2, point = load_card_and_point(gminus2_card(), ["g_zp=1e-3"])
    assert point == {"g_zp": 1e-3} and not isinstance(card2.params["g_zp"], Fixed)


def test_card_error_collects_problems():
    with pytest.raises(CardError) as exc:
        load_card({"params": {}, "likelihoods": {}})
    assert len(exc.value.problems) == 2


def test_yaml_numbers_and_orderings():
    d = yamlio.loads("a: 1e-3\nb: NO\nc: IO\nd: 5\ne: true\nf: -2.5E+2")
    assert d == {"a": 1e-3, "b": "NO", "c": "IO", "d": 5, "e": True, "f": -250.0}
    assert isinstance(d["a"], float)
