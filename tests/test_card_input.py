"""Card input that used to be accepted silently or misread: duplicate YAML keys, YAML-1.1 booleans, a
byte-order mark, alias bombs, couplings beyond perturbativity, --set for a parameter the card lacks, unknown
plugin options, and units ("10 MeV") in cards and --set values."""
import math
import subprocess
import sys
import warnings

import pytest
from conftest import gminus2_card, oscillation_params

from globalfit import card as cardmod
from globalfit import catalog, cli, yamlio
from globalfit.card import load_card, load_card_and_point
from globalfit.errors import CardError, DataError
from globalfit.likelihood import Likelihood
from globalfit.params import Fixed, LogUniform, Normal

CARD = """\
name: t
params:
  m_zp: {prior: log-uniform, min: 1.0e-3, max: 1.0}
  g_zp: {prior: log-uniform, min: 1.0e-5, max: 1.0e-1}
likelihoods:
  gminus2: {dataset: fnal2021-wp20}
sampler:
  name: dynesty
  progress: false
  dynesty: {nlive: 100}
"""


def _write(tmp_path, card, name="card.yaml") -> str:
    path = tmp_path / name
    path.write_text(card if isinstance(card, str) else yamlio.dumps(card), encoding="utf-8")
    return str(path)


def _run_error(tmp_path, capsys, card, *args, command="run") -> str:
    """stderr of `globalfit COMMAND CARD ARGS` (--dry-run for run), which must exit with 2 and no traceback."""
    argv = [command, _write(tmp_path, card), *args] + (["--dry-run"] if command == "run" else [])
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    return err


def _alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": 9 levels of 9 aliases each expand to 9⁹ ≈ 4·10⁸ nodes from < 1 kB."""
    lines = ["  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "lols:\n" + "\n".join(lines) + f"\ndescription: *l{levels - 1}\n" + CARD.replace("name: t\n", "")


# ------------------------------------------------------------------------------------ 1. duplicate keys
DUPLICATES = [
    ("top level", CARD + "seed: 1\nseed: 2\n", "seed", "lines 11 and 12"),
    ("params", CARD.replace("  g_zp:", "  m_zp: 0.01\n  g_zp:"), "params.m_zp", "lines 3 and 4"),
    ("likelihoods", CARD.replace("sampler:", "  gminus2: {}\nsampler:"), "likelihoods.gminus2", "lines 6 and 7"),
    ("nested", CARD.replace("{nlive: 100}", "{nlive: 100, nlive: 200}"), "sampler.dynesty.nlive", "lines 10 (column"),
    ("sections", CARD + "params: {m_zp: 0.1}\n", "params", "lines 2 and 11"),
]


@pytest.mark.parametrize("what, text, path, lines", DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_duplicate_keys_are_card_errors(tmp_path, capsys, what, text, path, lines):
    err = _run_error(tmp_path, capsys, text)
    key = path.rsplit(".", 1)[-1]
    assert f"{path}: duplicate key '{key}' at {lines}" in err, err


def test_duplicate_keys_all_reported_and_merge_keys_still_allowed():
    with pytest.raises(ValueError) as exc:
        yamlio.loads("a: 1\nb: {c: 1, c: 2}\na: 3\n")
    assert "b.c: duplicate key 'c'" in str(exc.value) and "a: duplicate key 'a' at lines 1 and 3" in str(exc.value)
    # a merge key followed by an explicit key that overrides a merged one is not a duplicate
    assert yamlio.loads("base: &b {x: 1, y: 2}\nother: {<<: *b, x: 3}\n")["other"] == {"x": 3, "y": 2}


def test_duplicate_key_in_a_data_file_is_a_data_error(tmp_path, monkeypatch):
    path = tmp_path / "table.yaml"
    path.write_text("values: [1, 2]\nunit: GeV\nvalues: [3, 4]\n", encoding="utf-8")
    monkeypatch.setattr(catalog, "verified_path", lambda rel: path)
    with pytest.raises(DataError) as exc:
        catalog.load_yaml("table.yaml")
    assert str(path) in str(exc.value) and "duplicate key 'values' at lines 1 and 3" in str(exc.value)


# ------------------------------------------------------------------------------- 2. YAML-1.1 booleans
@pytest.mark.parametrize("key, text", [("sampler.progress", "yes"), ("sampler.progress", "off"),
                                       ("sampler.dynesty.dynamic", "on"), ("sampler.dynesty.dynamic", "n"),
                                       ("sampler.dynesty.dynamic", "1")])
def test_yaml11_booleans_are_refused(tmp_path, capsys, key, text):
    card = CARD.replace("progress: false", f"progress: {text}") if key == "sampler.progress" else \
        CARD.replace("{nlive: 100}", f"{{nlive: 100, dynamic: {text}}}")
    err = _run_error(tmp_path, capsys, card)
    shown = repr(yamlio.loads(text))
    assert f"{key}: got {shown}; allowed: true, false (YAML 1.2: yes/no/on/off are strings)" in err, err


class _Flags(Likelihood):
    name = "flags_plugin"
    requires = ("g_zp",)

    def __init__(self, dataset=None, strict: bool = False, maybe: bool | None = None):
        super().__init__(dataset, strict=strict, maybe=maybe)

    def loglike(self, q):
        return 0.0 * q["g_zp"]


def test_bool_plugin_options_are_strict(register_plugin):
    register_plugin(_Flags)
    card = gminus2_card(likelihoods={"flags_plugin": {"strict": "yes", "maybe": "no"}})
    with pytest.raises(CardError) as exc:
        load_card(card)
    text = str(exc.value)
    assert "likelihoods.flags_plugin.strict: got 'yes'; allowed: true, false" in text
    assert "likelihoods.flags_plugin.maybe: got 'no'; allowed: true, false" in text
    ok = load_card(gminus2_card(params={"g_zp": gminus2_card()["params"]["g_zp"]},
                                likelihoods={"flags_plugin": {"strict": True, "maybe": None}}))
    assert ok.likelihoods["flags_plugin"].options == {"strict": True, "maybe": None}


def test_na62_charm_loop_string_refused_and_ordering_no_still_works():
    with pytest.raises(CardError, match=r"likelihoods\.na62\.charm_loop: got 'no'"):
        load_card(gminus2_card(likelihoods={"na62": {"charm_loop": "no"}}))
    card = load_card(yamlio.loads(CARD + "model: {ordering: NO}\n"))
    assert card.model.ordering == "NO" and card.sampler.progress is False


# ------------------------------------------------------------------------------------- 3. byte-order mark
def test_bom_is_ignored_with_a_warning(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + CARD.encode())
    with pytest.warns(cardmod.CardWarning, match="UTF-8 byte-order mark ignored") as rec:
        card = load_card(path)
    assert str(path) in str(rec[0].message)
    assert card.sha256() == load_card(yamlio.loads(CARD)).sha256()
    assert yamlio.loads("\ufeff" + CARD) == yamlio.loads(CARD)


# ---------------------------------------------------------------------------------------- 4. alias bomb
def test_alias_bomb_is_refused_quickly():
    with pytest.raises(ValueError, match=r"YAML aliases expand to more than 10000 nodes; refusing \(alias bomb\?\)"):
        yamlio.loads(_alias_bomb())


def test_alias_bomb_card_exits_2_without_hanging(tmp_path):
    path = _write(tmp_path, _alias_bomb())
    # a subprocess with a generous timeout, so that a regression fails instead of hanging the suite
    proc = subprocess.run([sys.executable, "-m", "globalfit", "run", path, "--dry-run"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and "alias bomb" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_alias_bomb_in_a_data_file_is_a_data_error(tmp_path, monkeypatch):
    path = tmp_path / "bomb.yaml"
    path.write_text(_alias_bomb(), encoding="utf-8")
    monkeypatch.setattr(catalog, "verified_path", lambda rel: path)
    with pytest.raises(DataError, match="alias bomb"):
        catalog.load_yaml("bomb.yaml")


def test_normal_anchors_and_aliases_still_work():
    text = CARD.replace("  m_zp: {prior: log-uniform, min: 1.0e-3, max: 1.0}",
                        "  m_zp: &box {prior: log-uniform, min: 1.0e-3, max: 1.0}")
    text = text.replace("  g_zp: {prior: log-uniform, min: 1.0e-5, max: 1.0e-1}", "  g_zp: {<<: *box, min: 1.0e-5}")
    card = load_card(yamlio.loads(text))
    assert card.params["m_zp"] == LogUniform(1e-3, 1.0) and card.params["g_zp"] == LogUniform(1e-5, 1.0)
    shared = "s: &s {a: [1, 2, 3], b: {c: 4}}\n" + "".join(f"k{i}: [*s, *s, *s]\n" for i in range(100))
    assert yamlio.loads(shared)["k99"][2] == {"a": [1, 2, 3], "b": {"c": 4}}


# ------------------------------------------------------------------------------------- 5. perturbativity
def test_coupling_beyond_perturbativity_is_refused(tmp_path, capsys):
    card = gminus2_card(params={"m_zp": 0.01, "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 10}})
    err = _run_error(tmp_path, capsys, card)
    assert "params.g_zp: the prior range [1e-05, 10] leaves the allowed range [0, 3.54491]" in err, err
    assert "perturbativity" in err and "g_zp ≤ √(4π)" in err
    for load in (load_card, load_card_and_point):  # --set fixes the parameter (run) or is the point (eval)
        with pytest.raises(CardError, match=r"the value 5 leaves the allowed range \[0, 3\.54491\].*perturbativity"):
            load(gminus2_card(), ["g_zp=5"])
    ok = load_card(gminus2_card(params={"m_zp": 0.01, "g_zp": {"prior": "uniform", "min": 0, "max": math.sqrt(4 * math.pi)}}))
    assert ok.params["g_zp"].bounds[1] == math.sqrt(4 * math.pi)


# --------------------------------------------------------------------- 6. --set for a parameter not in the card
def test_set_known_parameter_missing_from_card(tmp_path, capsys):
    err = _run_error(tmp_path, capsys, gminus2_card(), "--set", "m_lightest=0.01", command="eval")
    assert "'m_lightest' is a known parameter, but this card does not have it; add params.m_lightest" in err, err
    assert "did you mean 'm_lightest'" not in err


# ---------------------------------------------------------------------------------- 7. unknown plugin option
def test_unknown_option_of_a_plugin_without_options(tmp_path, capsys):
    err = _run_error(tmp_path, capsys, gminus2_card(likelihoods={"gminus2": {"shape": "gauss"}}))
    assert "likelihoods.gminus2.shape: unknown key 'shape'; allowed: dataset (this plugin has no other options)" in err


def test_dataset_listed_among_allowed_plugin_keys():
    with pytest.raises(CardError) as exc:
        load_card(gminus2_card(likelihoods={"kamland_zen": {"datset": "x"}}))
    text = str(exc.value)
    assert "likelihoods.kamland_zen.datset: unknown key 'datset'; allowed: dataset, nme" in text, text
    assert "did you mean 'dataset'" in text


# ---------------------------------------------------------------------------------------------- 8. units
def test_unit_conversions():
    from globalfit import units

    cases = [("10 MeV", "GeV", 0.01), ("10MeV", "GeV", 0.01), ("2 TeV", "GeV", 2000.0), ("50 meV", "eV", 0.05),
             ("7.4e-5 eV^2", "eV^2", 7.4e-5), ("7.4e-5 eV2", "eV^2", 7.4e-5), ("7.4e-5 eV²", "eV^2", 7.4e-5),
             ("1 meV^2", "eV^2", 1e-6), ("45 deg", "deg", 45.0), (f"{math.pi} rad", "deg", 180.0),
             ("-2.5e-3 eV^2", "eV^2", -2.5e-3), ("0.3", "", 0.3)]
    for text, unit, expected in cases:
        assert units.to_card_unit(text, unit) == pytest.approx(expected, rel=1e-12), text
    assert units.to_card_unit(0.5, "GeV") == 0.5
    for text, unit, message in [("10 mev", "GeV", "did you mean 'meV' or 'MeV'? units are case-sensitive"),
                                ("10 deg", "GeV", "a unit of angle; m is in GeV; allowed units: meV, eV, keV, MeV"),
                                ("1 GeV", "", "dimensionless"), ("ten MeV", "GeV", "must be a number"),
                                ("1 eV", "eV^2", "a unit of energy;")]:
        with pytest.raises(units.UnitError, match=message.replace("?", r"\?")):
            units.to_card_unit(text, unit, "m")


def test_units_in_card_values():
    card = load_card(gminus2_card(params={"m_zp": "10 MeV", "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1}}))
    assert card.params["m_zp"] == Fixed(0.01) and card.to_dict()["params"]["m_zp"] == {"prior": "fixed", "value": 0.01}
    card = load_card(gminus2_card(params={"m_zp": {"prior": "log-uniform", "min": "1 MeV", "max": "10 GeV"},
                                          "g_zp": {"prior": "fixed", "value": "5e-4"}}))
    assert card.params["m_zp"] == LogUniform(0.001, 10.0) and card.params["g_zp"] == Fixed(5e-4)
    assert yamlio.loads(card.to_yaml())["params"]["m_zp"] == {"prior": "log-uniform", "min": 0.001, "max": 10.0}
    nu = oscillation_params()
    nu["delta_cp"] = {"prior": "normal", "mean": f"{math.pi} rad", "sigma": "30 deg"}
    nu["dm21sq"] = {"prior": "uniform", "min": "6.5e-5 eV^2", "max": "8.5e-5 eV2"}
    nu_card = load_card({"params": nu, "likelihoods": ["nufit", "cosmology", "kamland_zen"]})
    assert nu_card.params["delta_cp"] == Normal(pytest.approx(180.0, rel=1e-12), 30.0)
    assert nu_card.params["dm21sq"].bounds == (6.5e-5, 8.5e-5)


def test_units_in_set_overrides():
    card = load_card(gminus2_card(), ["m_zp=10 MeV"])
    assert card.params["m_zp"] == Fixed(pytest.approx(0.01, rel=1e-12))
    _, point = load_card_and_point(gminus2_card(), ["m_zp=\"10 MeV\"", "g_zp=5e-4"])
    assert point == {"m_zp": pytest.approx(0.01, rel=1e-12), "g_zp": 5e-4}
    card = load_card(gminus2_card(), ["params.m_zp.max=2 GeV", "params.m_zp.min=500 keV"])
    assert card.params["m_zp"] == LogUniform(pytest.approx(5e-4), pytest.approx(2.0))


BAD_UNITS = [
    ("wrong dimension in a card", gminus2_card(params={"m_zp": {"prior": "log-uniform", "min": "1 MeV", "max": "10 deg"},
                                                       "g_zp": 1e-3}), (),
     ["params.m_zp.max: got '10 deg', a unit of angle; m_zp is in GeV; allowed units: meV, eV, keV, MeV, GeV, TeV"]),
    ("unit on a dimensionless parameter", gminus2_card(params={"m_zp": 0.01, "g_zp": "1e-3 GeV"}), (),
     ["params.g_zp: got '1e-3 GeV', but g_zp is dimensionless"]),
    ("wrong case", gminus2_card(params={"m_zp": "10 mev", "g_zp": 1e-3}), (),
     ["params.m_zp: unknown unit 'mev'", "did you mean 'meV' or 'MeV'?"]),
    ("wrong dimension in --set", gminus2_card(), ("--set", "m_zp=10 deg"), ["--set m_zp: got '10 deg', a unit of angle"]),
]


@pytest.mark.parametrize("what, card, args, expected", BAD_UNITS, ids=[b[0] for b in BAD_UNITS])
def test_bad_units_are_card_errors(tmp_path, capsys, what, card, args, expected):
    err = _run_error(tmp_path, capsys, card, *args)
    for text in expected:
        assert text in err, err


def test_bare_mass_probably_meant_in_mev_warns():
    card = gminus2_card(params={"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 1.0},
                                "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1}})
    message = ("m_zp=10 is outside the prior [0.001, 1] GeV but 10 MeV would be inside; masses are in GeV — "
               "write '10 MeV' if you meant MeV")
    with pytest.warns(cardmod.CardWarning) as rec:
        load_card_and_point(card, ["m_zp=10"])
    assert [str(w.message) for w in rec] == [message]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_card_and_point(card, ["m_zp=0.5"])  # inside the box: no warning
        load_card_and_point(card, ["m_zp=10 MeV"])  # explicit unit: no warning


def test_eval_point_outside_the_domain_is_refused(tmp_path, capsys):
    err = _run_error(tmp_path, capsys, gminus2_card(), "--set", "m_zp=-1", command="eval")
    assert "--set m_zp: must be > 0 (got -1)" in err, err
    with pytest.raises(CardError, match="must be finite"):
        load_card_and_point(gminus2_card(), ["m_zp=.inf"])
