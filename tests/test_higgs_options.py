"""The charge-2 singlet variant of the Higgs sector (higgs: singlet+singlet2) and the breaking scale as a derived
quantity; the card section `derived:` that stores quantities no likelihood reads."""
from __future__ import annotations

import io

import numpy as np
import pytest
from conftest import gminus2_card

from globalfit.card import load_card
from globalfit.errors import CardError
from globalfit.physics.zprime import singlet_vevs
from globalfit.runner import run_card
from models.lmu_ltau import LmuLtau

TWO = {"model": {"higgs": "singlet+singlet2"}, "derived": ["v_sigma", "v_sigma2"],
       "params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 1.0},
                  "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-2},
                  "tan_gamma": {"prior": "log-uniform", "min": 1e-2, "max": 1e2}}}


def test_singlet_vevs_give_back_the_zprime_mass():
    rng = np.random.default_rng(3)
    m, g, t = 10 ** rng.uniform(-3, 1, 500), 10 ** rng.uniform(-6, -1, 500), 10 ** rng.uniform(-3, 3, 500)
    v1, v2 = singlet_vevs(m, g, t)
    # m_Z′² = Σ (g q_i)² v_i² with ⟨σ_i⟩ = v_i/√2, charges q = 1, 2
    assert np.allclose(g * np.sqrt(v1**2 + (2 * v2) ** 2), m, rtol=1e-13) and np.allclose(v2 / v1, t, rtol=1e-13)
    # the convention ⟨σ_i⟩ = w_i (w = v/√2) writes the same mass as m_Z′² = 2g²(w₁² + 4w₂²)
    w1, w2 = v1 / np.sqrt(2), v2 / np.sqrt(2)
    assert np.allclose(np.sqrt(2 * g**2 * (w1**2 + 4 * w2**2)), m, rtol=1e-13)
    assert np.allclose(singlet_vevs(m, g)[0], m / g, rtol=1e-14)  # the minimal singlet: v = m_Z′/g
    assert singlet_vevs(np.array([0.01]), np.array([0.0]))[0][0] == 0.0


def test_the_two_singlet_variant_has_no_texture_and_no_mass_mixing():
    card = load_card(gminus2_card(**TWO))
    assert card.model.texture == "none"
    with pytest.raises(CardError, match="texture C contradicts higgs: singlet\\+singlet2, which implies texture none"):
        load_card(gminus2_card(**{**TWO, "model": {"higgs": "singlet+singlet2", "texture": "C"}}))
    with pytest.raises(CardError, match="doublet_charge only applies"):
        load_card(gminus2_card(**{**TWO, "model": {"higgs": "singlet+singlet2", "doublet_charge": -1}}))
    from globalfit.posterior import Posterior

    post = Posterior(load_card(gminus2_card(**TWO, likelihoods={"gminus2": {}, "apv": {}})))
    ev = post.evaluate(np.array([[0.01, 5e-4, 2.0], [0.2, 1e-3, 0.1]]))
    assert not ev.quantities["delta_zzp"].any() and not ev.quantities["eps_z"].any()
    assert np.allclose(ev.quantities["v_sigma2"], ev.quantities["v_sigma"] * [2.0, 0.1])


def test_derived_quantities_are_stored_and_checked(tmp_path):
    card = load_card(gminus2_card(name="s2", **TWO, sampler={"name": "emcee", "progress": False,
                                                             "emcee": {"walkers": 8, "steps": 40, "burn": 10}}))
    run = run_card(card, tmp_path / "s2", progress=False, log=io.StringIO())
    post = run.idata.posterior
    assert post["v_sigma"].attrs["units"] == "GeV"
    m, g, t = (post[k].values for k in ("m_zp", "g_zp", "tan_gamma"))
    assert np.allclose(post["v_sigma"].values, m / (g * np.sqrt(1 + 4 * t * t)), rtol=1e-12)
    assert "derived:\n- v_sigma\n- v_sigma2\n" in (tmp_path / "s2" / "card.yaml").read_text()
    with pytest.raises(CardError, match="it enters v_sigma, v_sigma2: list them under `derived:`"):
        load_card(gminus2_card(**{k: v for k, v in TWO.items() if k != "derived"}))
    with pytest.raises(CardError, match="derived: needs 'v_sigma3', which is neither a parameter in params nor a "
                                        "quantity of model 'lmu-ltau'"):
        load_card(gminus2_card(**{**TWO, "derived": ["v_sigma", "v_sigma3"]}))
    with pytest.raises(CardError, match="derived: expected a list of derived-quantity names"):
        load_card(gminus2_card(**{**TWO, "derived": "v_sigma"}))
    # the minimal singlet: the breaking scale v = m_Z′/g on request
    one = load_card(gminus2_card(model={"higgs": "singlet"}, derived=["v_sigma"]))
    assert one.derived == ("v_sigma",)


def test_the_null_point_drops_the_singlet_ratio():
    raw = load_card(gminus2_card(**TWO)).to_dict()
    null = LmuLtau().null_point(raw)
    assert "tan_gamma" not in null["params"] and null["model"]["higgs"] == "none" and null["params"]["g_zp"] == 1e-12
