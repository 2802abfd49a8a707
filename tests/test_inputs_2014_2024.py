"""Inputs of the analyses this tool was built from (2014–2024), reproduced from a card: the datasets added for
them against their quoted numbers, the cosmology option `shape`, the NuFIT 1-D projection dataset, and the
per-paper data epochs (data/epochs.yaml)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.integrate import quad
from scipy.optimize import brentq

from globalfit import catalog, cli, epochs, yamlio
from globalfit.card import load_card
from globalfit.errors import CardError, DataError
from globalfit.physics.neutrino import masses, sum_masses
from globalfit.posterior import Posterior
from likelihoods.cosmology import CosmologySumMnu
from likelihoods.gminus2 import MuonGMinus2
from likelihoods.nufit import NuFIT

SHARED_JSON = Path("/work/shared/data/nufit/nufit_1d_profiles_v20-v61_magnus/nufit_chi2.json")
#: the minimal sums of the two orderings with the NuFIT 5.2 splittings (m_lightest = 0), eV
SUM_MIN = {"NO": float(sum_masses(*masses(0.0, 7.41e-5, 2.507e-3, "NO")[:3])),
           "IO": float(sum_masses(*masses(0.0, 7.41e-5, -2.486e-3, "IO")[:3]))}
SIGN = {"NO": 1.0, "IO": -1.0}


# ============================================================================================== cosmology
@pytest.mark.parametrize("dataset, limits", [("choudhury2020-v1", {"NO": 0.146, "IO": 0.172}),
                                             ("choudhury2020-v3", {"NO": 0.15, "IO": 0.17})])
def test_choudhury_hannestad_limits_by_ordering(dataset, limits):
    """arXiv:1907.12598: 95% limits 0.146/0.172 eV (v1) and 0.15/0.17 eV (v3) for NO/IO; the plugin reads the
    ordering from the sign of dm3lsq, point by point, and never the card."""
    lk = CosmologySumMnu(dataset)
    assert lk.by_ordering and lk.limits == limits and lk.requires == ("sum_mnu", "dm3lsq")
    assert "dm3lsq" not in CosmologySumMnu.requires  # the class default is unchanged; only this instance reads it
    # one batch with both orderings: at Σ = limit the half-normal gives χ² = 1.96²; Δm²3ℓ = 0 counts as NO
    q = {"sum_mnu": np.array([limits["NO"], limits["IO"], limits["NO"]]), "dm3lsq": np.array([2.5e-3, -2.5e-3, 0.0])}
    assert -2 * lk.loglike(q) == pytest.approx([1.959964**2] * 3, rel=1e-6)
    # with a flat prior on Σ ≥ 0 the half-normal of each ordering puts 95% below that ordering's limit
    for o, lim in limits.items():
        like = lambda s, o=o: np.exp(lk.loglike({"sum_mnu": np.array([s]), "dm3lsq": np.array([SIGN[o]])})[0])  # noqa: E731
        assert quad(like, 0, lim)[0] / quad(like, 0, np.inf)[0] == pytest.approx(0.95, abs=1e-6)
    # the cut applies the limit of the point's ordering
    cut = CosmologySumMnu(dataset, shape="cut")
    between = 0.5 * (limits["NO"] + limits["IO"])
    out = cut.loglike({"sum_mnu": np.array([between, between]), "dm3lsq": np.array([2.5e-3, -2.5e-3])})
    assert out.tolist() == [-np.inf, 0.0]


def test_half_normal_with_the_orderings_prior_is_looser_than_the_quoted_limit():
    """likelihoods/cosmology/NOTES.md: the ordering-dependent limits were derived with each ordering's prior
    (Σ ≥ its minimal sum). With that flat prior the half-normal puts only 89% (NO) / 80% (IO) below the quoted
    v3 limits; its 95% points are 0.175 / 0.216 eV. `shape: cut` applies the limits as quoted."""
    lk = CosmologySumMnu("choudhury2020-v3")
    expected = {"NO": (0.887, 0.175), "IO": (0.803, 0.216)}
    for o, (frac, p95) in expected.items():
        like = lambda s, o=o: np.exp(lk.loglike({"sum_mnu": np.array([s]), "dm3lsq": np.array([SIGN[o]])})[0])  # noqa: E731
        total = quad(like, SUM_MIN[o], np.inf)[0]
        assert quad(like, SUM_MIN[o], lk.limits[o])[0] / total == pytest.approx(frac, abs=0.002)
        point = brentq(lambda x, like=like, o=o: quad(like, SUM_MIN[o], x)[0] / total - 0.95, SUM_MIN[o], 1.0)
        assert point == pytest.approx(p95, abs=0.001)


def test_planck2015_and_the_cut_shape():
    """Planck 2015 XIII (arXiv:1502.01589): Σm_ν < 0.23 eV at 95%. shape: cut is ln L = 0 up to and at the limit,
    −inf above, never NaN; every dataset accepts it."""
    lk = CosmologySumMnu("planck2015")
    assert lk.limit == 0.23 and lk.requires == ("sum_mnu",) and lk.width == pytest.approx(0.23 / 1.959964, rel=1e-6)
    like = lambda s: np.exp(lk.loglike({"sum_mnu": np.array([s])})[0])  # noqa: E731
    assert quad(like, 0, 0.23)[0] / quad(like, 0, np.inf)[0] == pytest.approx(0.95, abs=1e-6)
    for dataset in CosmologySumMnu.datasets():
        cut = CosmologySumMnu(dataset, shape="cut")
        lim = cut.limits["NO"] if cut.by_ordering else cut.limit
        s = np.array([0.0, 0.5 * lim, lim, np.nextafter(lim, 1.0), 2.0 * lim, 50.0])
        q = {"sum_mnu": s, "dm3lsq": np.full(len(s), 2.5e-3)}
        assert cut.loglike(q).tolist() == [0.0, 0.0, 0.0, -np.inf, -np.inf, -np.inf], dataset
        assert cut.describe()["shape"] == "cut"
    assert CosmologySumMnu.default_dataset() == "desi-dr2"  # the old limits are never the default


def test_bad_shape_is_a_card_error_and_ordering_comes_from_the_model(capsys):
    base = {"name": "t", "model": {"ordering": "IO"},
            "params": {"dm21sq": 7.41e-5, "dm3lsq": {"prior": "uniform", "min": -2.6e-3, "max": -2.4e-3},
                       "m_lightest": {"prior": "uniform", "min": 0.0, "max": 0.1}},
            "likelihoods": {"cosmology": {"dataset": "choudhury2020-v1", "shape": "box"}},
            "sampler": {"name": "dynesty", "progress": False}}
    with pytest.raises(CardError) as err:
        load_card(base)
    assert "likelihoods.cosmology.shape" in str(err.value) and "cut" in str(err.value)
    base["likelihoods"]["cosmology"]["shape"] = "cut"
    post = Posterior(load_card(base))
    # IO: Σ = 0.099 eV at m3 = 0, 0.156 eV at m3 = 0.035 eV: the IO limit 0.172 eV applies (not the NO one, 0.146)
    theta = np.array([[-2.5e-3, 0.0], [-2.5e-3, 0.035], [-2.5e-3, 0.05]])
    ev = post.evaluate(theta)
    s = ev.quantities["sum_mnu"]
    assert s[1] > 0.146 and s[1] < 0.172 and s[2] > 0.172
    assert ev.loglike["cosmology"].tolist() == [0.0, 0.0, -np.inf]


# ================================================================================================= g − 2
@pytest.mark.parametrize("dataset, exp, sm, delta, sigma, nsigma", [
    # PDG 2014 review (Hoecker & Marciano): 116 592 091(63) − 116 591 803(49) = 288(63)(49) → 3.6σ
    ("pdg2014", 116592091, 116591803, 288.0, 79.8, 3.6),
    # BNL E821 2006 (hep-ex/0602035) 11 659 208.0(6.3)e-10 against HMNT06 (hep-ph/0611102) 11 659 180.4(5.1)e-10: 3.4σ
    ("bnl2006", 116592080, 116591804, 276.0, 81.1, 3.4),
])
def test_gminus2_of_2006_and_2014(dataset, exp, sm, delta, sigma, nsigma):
    lk = MuonGMinus2(dataset)
    raw = yamlio.load(catalog.verified_path(f"gminus2/{dataset}.yaml"))
    assert (raw["experiment"]["value"], raw["theory"]["value"]) == (exp, sm)
    assert lk.value / 1e-11 == pytest.approx(delta, abs=1e-9)
    assert lk.error / 1e-11 == pytest.approx(sigma, abs=0.05)
    # no Z′: the pull quoted by the sources
    assert np.sqrt(-2 * lk.loglike({"delta_a_mu": np.array([0.0])})[0]) == pytest.approx(nsigma, abs=0.05)
    assert MuonGMinus2.default_dataset() == "fnal2025-wp25"


# ========================================================================================= NuFIT 1-D
#: NuFIT 3.0 NO best fit (arXiv:1611.01514, www.nu-fit.org v3.0): sin²θ12, sin²θ13, sin²θ23, δ [deg], Δm²21, Δm²31
NUFIT30_BEST = (0.306, 0.02166, 0.441, 261.0, 7.50e-5, 2.524e-3)
PROFILES = ("s12sq", "s13sq", "s23sq", "dcp", "log10dm21sq", "dm3lsq")


@pytest.fixture(scope="module")
def nufit30():
    return NuFIT("nufit-3.0-1d")


def _raw30():
    with np.load(catalog.verified_path("nufit/nufit-3.0-1d.npz")) as d:
        return {k: d[k] for k in d.files}


def _chi2(lk, p):
    s12, s13, s23, dcp, log_dm21, dm3l = p
    return lk.chi2(s12, s13, s23, np.radians(dcp), 10.0 ** np.asarray(log_dm21), dm3l)


def test_nufit30_projection_at_the_published_best_fit(nufit30):
    assert nufit30.projection and nufit30.dataset.endswith("-1d") and NuFIT.default_dataset() == "nufit-5.3"
    assert "1-D projection" in nufit30.describe()["kind"] and nufit30.describe()["offsets"] == {"NO": 0.0}
    s12, s13, s23, d, dm21, dm31 = NUFIT30_BEST
    assert nufit30.chi2(s12, s13, s23, np.radians(d), dm21, dm31) == pytest.approx(0.0, abs=0.1)  # measured 0.037
    # at the profiles' minima (grid nodes) it is exactly the offset, 0: NO is the better ordering in NuFIT 3.0
    raw = _raw30()
    best = [raw[f"NO_1d_{p}_x"][np.argmin(raw[f"NO_1d_{p}_chi2"])] for p in PROFILES]
    assert _chi2(nufit30, best) == 0.0


def test_nufit30_profile_values_reproduce_the_file(nufit30):
    raw = _raw30()
    best = [raw[f"NO_1d_{p}_x"][np.argmin(raw[f"NO_1d_{p}_chi2"])] for p in PROFILES]
    for k, p in enumerate(PROFILES):  # one parameter along its profile, the others at their minima
        x, chi2 = raw[f"NO_1d_{p}_x"], raw[f"NO_1d_{p}_chi2"]
        args = [np.full(len(x), b) for b in best]
        args[k] = x
        assert np.allclose(_chi2(nufit30, args), chi2, rtol=1e-12, atol=1e-9), p
    # e.g. sin²θ23 = 0.5 (maximal mixing) in NuFIT 3.0 NO: Δχ² = 1.2 in the file
    args = list(best)
    args[2] = 0.5
    assert _chi2(nufit30, args) == pytest.approx(raw["NO_1d_s23sq_chi2"][50], abs=1e-9)
    # random nodes: the sum of the six node values
    rng = np.random.default_rng(5)
    idx = [rng.integers(0, len(raw[f"NO_1d_{p}_x"]), 200) for p in PROFILES]
    pts = [raw[f"NO_1d_{p}_x"][i] for p, i in zip(PROFILES, idx)]
    expected = sum(raw[f"NO_1d_{p}_chi2"][i] for p, i in zip(PROFILES, idx))
    assert np.allclose(_chi2(nufit30, pts), expected, rtol=1e-10, atol=1e-9)


def test_nufit30_periodic_outside_and_inverted_ordering(nufit30):
    s12, s13, s23, d, dm21, dm31 = NUFIT30_BEST
    a = nufit30.chi2(s12, s13, s23, np.radians(np.array([d, d + 360.0, d - 720.0])), dm21, dm31)
    assert np.allclose(a, a[0], atol=1e-9)
    far = nufit30.chi2(s12, np.array([0.02166, 0.08, 0.2, 1.0]), s23, np.radians(d), dm21, dm31)
    assert np.all(np.isfinite(far)) and np.all(np.diff(far) > 0) and far[-1] > 1e3
    # the IO is not covered: log L = −inf, never a made-up χ² (point by point inside a batch of NO points)
    ll = nufit30.loglike({"s12sq": np.full(2, s12), "s13sq": np.full(2, s13), "s23sq": np.full(2, s23),
                          "delta_cp": np.zeros(2), "dm21sq": np.full(2, dm21), "dm3lsq": np.array([2.5e-3, -2.5e-3])})
    assert np.isfinite(ll[0]) and ll[1] == -np.inf


def test_nufit30_inverted_ordering_card_is_a_card_error_naming_both(tmp_path):
    card = {"name": "io", "model": {"ordering": "IO"},
            "params": {"s12sq": 0.31, "s13sq": 0.022, "s23sq": {"prior": "uniform", "min": 0.4, "max": 0.6},
                       "delta_cp": 270.0, "dm21sq": 7.5e-5, "dm3lsq": -2.5e-3},
            "likelihoods": {"nufit": {"dataset": "nufit-3.0-1d"}},
            "sampler": {"name": "dynesty", "progress": False}, "output": str(tmp_path / "io")}
    with pytest.raises(CardError, match=r"likelihoods.nufit: likelihood 'nufit' with dataset nufit-3.0-1d works only "
                                        r"with model.ordering: NO, not IO"):
        load_card(card)


@pytest.mark.skipif(not SHARED_JSON.is_file(), reason="the shared NuFIT 1-D profile file is not on this machine")
def test_nufit30_file_is_the_conversion_of_the_official_profiles():
    import importlib.util

    spec = importlib.util.spec_from_file_location("convert_nufit_1d", catalog.data_dir() / "nufit/convert_nufit_1d.py")
    conv = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conv)
    arrays = conv.convert(json.loads(SHARED_JSON.read_text()), "3.0")
    raw = _raw30()
    assert set(arrays) == set(raw)
    for k, a in arrays.items():
        assert np.array_equal(np.asarray(a), raw[k]), k
    with pytest.raises(ValueError, match="figure|USED"):
        conv.convert(json.loads(SHARED_JSON.read_text()), "1.3")


# ================================================================================================ epochs
NEUTRINO = {"s12sq": {"prior": "uniform", "min": 0.25, "max": 0.36},
            "s13sq": {"prior": "uniform", "min": 0.019, "max": 0.026},
            "s23sq": {"prior": "uniform", "min": 0.38, "max": 0.65},
            "delta_cp": {"prior": "uniform", "min": 0.0, "max": 360.0},
            "dm21sq": {"prior": "uniform", "min": 6.5e-5, "max": 8.5e-5}}
ZP = {"m_zp": {"prior": "log-uniform", "min": 5.0e-3, "max": 0.2}, "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 0.1}}
#: epoch → (card, the resolved likelihood settings it must give)
EPOCH_CARDS = {
    # the doublet model (texture B3, Z–Z′ mass mixing): every input of arXiv:2401.17613
    "textures-zzp-2024": (
        {"model": {"higgs": "doublet", "doublet_charge": 1}, "params": {**ZP, "m_hpm": 300.0, **NEUTRINO},
         "likelihoods": {"gminus2": {}, "nufit": {}, "kamland_zen": {}, "cosmology": {}, "na62": {}, "apv": {}}},
        {"gminus2": ("fnal2021-wp20", {}), "nufit": ("nufit-5.2", {}), "kamland_zen": ("kamland-zen-2022", {}),
         "cosmology": ("choudhury2020-v3", {"shape": "cut"}), "na62": ("na62-2021", {}), "apv": ("cadeddu2021", {})}),
    "muone-2021": (
        {"model": {"higgs": "none"}, "params": ZP,
         "likelihoods": {"gminus2": {}, "borexino": {}, "trident": {"dataset": "charm2"}, "babar": {}}},
        {"gminus2": ("fnal2021-wp20", {}), "borexino": ("phase2-2017", {}), "trident": ("ccfr", {}),
         "babar": ("babar-2016", {})}),
    "icecube-2015": (
        {"model": {"higgs": "none"}, "params": {**ZP, **NEUTRINO, "dm3lsq": {"prior": "uniform", "min": 2.3e-3, "max": 2.7e-3},
                                              "m_lightest": {"prior": "log-uniform", "min": 1e-4, "max": 1.0}},
         "likelihoods": {"gminus2": {}, "cosmology": {"dataset": "desi-dr2"}, "nufit": {}}},
        {"gminus2": ("pdg2014", {}), "cosmology": ("planck2015", {"shape": "cut"}), "nufit": ("nufit-5.3", {})}),
}


def _card_file(tmp_path, body: dict) -> Path:
    card = {"name": "ep", **body, "sampler": {"name": "dynesty", "progress": False}}
    path = tmp_path / "card.yaml"
    path.write_text(yaml.safe_dump(card, sort_keys=False))
    return path


@pytest.mark.parametrize("epoch", list(EPOCH_CARDS))
def test_each_epoch_on_a_card(tmp_path, capsys, epoch):
    body, expected = EPOCH_CARDS[epoch]
    path = _card_file(tmp_path, body)
    card = load_card(path, epochs.epoch_sets(yamlio.load(path), epoch))
    got = {n: (c.dataset, {k: v for k, v in c.options.items() if k in expected[n][1]}) for n, c in card.likelihoods.items()}
    assert got == expected
    description = epochs.epochs()[epoch]["description"]
    assert "arXiv:" in description
    # through the command line: the resolved card shows the datasets and options
    assert cli.main(["run", str(path), "--epoch", epoch, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert all(f"dataset: {d}" in out for d, _ in expected.values())


def test_seeds_is_kept_as_an_alias_and_set_wins(tmp_path, capsys):
    table = epochs.epochs()
    assert table["seeds"]["alias"] == "textures-zzp-2024"
    assert table["seeds"]["datasets"] == table["textures-zzp-2024"]["datasets"]
    assert table["latest"]["datasets"] == "default"
    body, _ = EPOCH_CARDS["icecube-2015"]
    path = _card_file(tmp_path, body)
    # an explicit --set wins over the epoch, for a dataset and for an option
    assert cli.main(["run", str(path), "--epoch", "icecube-2015", "--set", "likelihoods.cosmology.shape=half-normal",
                     "--set", "likelihoods.gminus2.dataset=bnl2006", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "shape: half-normal" in out and "dataset: bnl2006" in out and "dataset: planck2015" in out
    # `latest` sets the default datasets and leaves the options alone
    sets = epochs.epoch_sets({"likelihoods": {"cosmology": {"shape": "cut"}, "gminus2": {}}}, "latest")
    assert sets == ["likelihoods.cosmology.dataset=desi-dr2", "likelihoods.gminus2.dataset=fnal2025-wp25"]


BAD_EPOCHS = [
    ({"x": {"description": "d", "datasets": {"gminus3": "fnal2021-wp20"}}}, "epochs.x.datasets.gminus3",
     "unknown likelihood plugin"),
    ({"x": {"description": "d", "datasets": {"gminus2": "fnal2019"}}}, "epochs.x.datasets.gminus2.dataset",
     "unknown dataset 'fnal2019'"),
    ({"x": {"description": "d", "datasets": {"cosmology": {"dataset": "planck2015", "shap": "cut"}}}},
     "epochs.x.datasets.cosmology.shap", "no option 'shap'"),
    ({"x": {"description": "d", "datasets": {"cosmology": {"dataset": "planck2015", "shape": "box"}}}},
     "epochs.x.datasets.cosmology.shape", "not allowed"),
    ({"x": {"description": "d", "datasets": {"cosmology": {"shape": "cut"}}}}, "epochs.x.datasets.cosmology",
     "dataset name or a mapping"),
    ({"x": {"description": "d", "alias": "nowhere"}}, "epochs.x.alias", "not an epoch"),
    ({"x": {"datasets": "default"}}, "epochs.x", "description"),
    ({"x": {"description": "d", "datasets": "default", "dataset": {}}}, "epochs.x", "unknown key"),
]


@pytest.mark.parametrize("table, key, message", BAD_EPOCHS, ids=[b[1] + "-" + b[2][:12] for b in BAD_EPOCHS])
def test_bad_epoch_table_is_a_data_error_naming_file_and_key(monkeypatch, table, key, message):
    monkeypatch.setattr(catalog, "load_yaml", lambda rel: {"epochs": table})
    with pytest.raises(DataError) as err:
        epochs.epochs()
    text = str(err.value)
    assert "epochs.yaml" in text and key in text and message in text
