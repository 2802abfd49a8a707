"""Framework pieces: the derived-quantity graph, the joint posterior's domain and NaN rules, the plugin
registry and the data catalog (checksums verified at load)."""
import shutil

import numpy as np
import pytest
from conftest import gminus2_card

from globalfit import catalog
from globalfit import likelihood as registry
from globalfit.card import load_card
from globalfit.errors import DataError, LikelihoodNaNError
from globalfit.graph import PlanError, Provider
from globalfit.graph import QuantityGraph as Model
from globalfit.likelihood import Likelihood
from globalfit.posterior import Posterior


def test_plan_orders_dependencies_and_reports_missing():
    provs = [
        Provider(("c",), ("b",), lambda b: b + 1),
        Provider(("b",), ("a",), lambda a: 2 * a),
        Provider(("d",), ("a",), lambda a: a, when={"opt": ("x",)}),
    ]
    m = Model({"opt": "y"}, provs)
    plan = m.plan({"likelihoods.t": ("c",)}, ["a"])
    assert [s.outputs for s in plan.steps] == [("b",), ("c",)]
    q, ok = m.evaluate(plan, {"a": np.array([1.0, 2.0])})
    assert np.array_equal(q["c"], [3.0, 5.0]) and ok.all()
    with pytest.raises(PlanError) as exc:
        m.plan({"likelihoods.t": ("d",)}, ["a"])
    assert "model.opt: x" in str(exc.value)  # tells which option would provide it
    with pytest.raises(PlanError) as exc:
        m.plan({"likelihoods.t": ("c",)}, ["a", "b"])  # a parameter shadowing a derived quantity
    assert "params.b" in str(exc.value)


def test_domain_mask_gives_minus_inf_and_nan_outside_is_ignored():
    provs = [Provider(("s",), ("a",), lambda a: (np.sqrt(a), a >= 0), domain=True)]
    m = Model({}, provs)
    plan = m.plan({"t": ("s",)}, ["a"])
    with np.errstate(invalid="ignore"):
        q, ok = m.evaluate(plan, {"a": np.array([4.0, -1.0])})
    assert ok.tolist() == [True, False] and q["s"][0] == 2.0


def test_nan_in_a_derived_quantity_inside_the_domain_raises():
    m = Model({}, [Provider(("s",), ("a",), lambda a: a * np.nan)])
    with pytest.raises(LikelihoodNaNError, match="'s' is NaN"):
        m.evaluate(m.plan({"t": ("s",)}, ["a"]), {"a": np.array([1.0])})


class _NaNPlugin(Likelihood):
    name = "nan_plugin"
    requires = ("delta_a_mu",)

    def loglike(self, q):
        return np.where(q["delta_a_mu"] > 1e-9, np.nan, 0.0)


def test_nan_from_a_plugin_names_plugin_and_point(register_plugin):
    register_plugin(_NaNPlugin)
    post = Posterior(load_card(gminus2_card(likelihoods={"nan_plugin": None})))
    assert np.isfinite(post.log_prob(np.array([[0.01, 1e-5]])))[0]
    with pytest.raises(LikelihoodNaNError) as exc:
        post.log_prob(np.array([[0.01, 1e-5], [0.01, 1e-2]]))
    assert "nan_plugin" in str(exc.value) and "'g_zp': 0.01" in str(exc.value)


def test_log_prob_is_minus_inf_outside_prior_and_vectorized():
    post = Posterior(load_card(gminus2_card()))
    theta = np.array([[0.01, 5e-4], [100.0, 5e-4], [0.01, 0.0]])
    lp = post.log_prob(theta)
    assert np.isfinite(lp[0]) and np.isneginf(lp[1:]).all()
    single = np.array([post.log_prob(t[None])[0] for t in theta])
    assert np.array_equal(lp, single)


def test_builtin_plugin_found_through_entry_points():
    plugins = registry.plugins()
    assert plugins["gminus2"].__module__ == "likelihoods.gminus2.likelihood"
    assert plugins["gminus2"].default_dataset() == "fnal2025-wp25"


def test_gminus2_datasets_match_spec_table():
    # docs/physics/zprime.md#muon-g-2 (×1e-11): 251 ± 59, 249 ± 48, 38 ± 63 (rounded there), plus final exp vs WP20
    # 261 ± 45
    from likelihoods.gminus2 import MuonGMinus2

    expected = {"fnal2021-wp20": (251, 59), "fnal2023-wp20": (249, 48), "fnal2025-wp25": (38, 63),
                "fnal2025-wp20": (261, 45)}
    for ds, (value, err) in expected.items():
        lk = MuonGMinus2(ds)
        assert lk.value / 1e-11 == pytest.approx(value, abs=0.6)
        assert lk.error / 1e-11 == pytest.approx(err, abs=1.0)


def test_catalog_lists_every_file_with_matching_checksum():
    assert catalog.check() == []


def test_changed_data_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(catalog.data_dir(), copy)
    target = copy / "gminus2" / "fnal2021-wp20.yaml"
    target.write_text(target.read_text().replace("116592061", "116592099"))
    monkeypatch.setenv("GLOBALFIT_DATA", str(copy))
    from likelihoods.gminus2 import MuonGMinus2

    with pytest.raises(DataError) as exc:
        MuonGMinus2("fnal2021-wp20")
    assert "fnal2021-wp20.yaml" in str(exc.value) and "sha256" in str(exc.value)
    assert MuonGMinus2("fnal2023-wp20").value > 0  # untouched files still load


def test_uncatalogued_data_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(catalog.data_dir(), copy)
    (copy / "gminus2" / "extra.yaml").write_text("a: 1\n")
    monkeypatch.setenv("GLOBALFIT_DATA", str(copy))
    with pytest.raises(DataError, match="not listed"):
        catalog.load_yaml("gminus2/extra.yaml")
    assert any("extra.yaml" in p for p in catalog.check(copy))
