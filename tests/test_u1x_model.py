"""The U(1)_X model (models/u1x, docs/physics/u1x.md): presets and explicit charges, couplings against hand values,
the equivalence of its lmu-ltau preset with the built-in Lμ−Lτ model in every likelihood both can run, the axial
g−2 and the direct APV term against independent computations, the decays, and the card errors."""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest

from globalfit import cli
from globalfit.card import load_card
from globalfit.errors import CardError
from globalfit.physics import zprime
from globalfit.physics.constants import E_CHARGE, G_F, M_E, M_MU, M_Z, S2W_LOW, V_HIGGS
from globalfit.posterior import Posterior
from likelihoods.apv.likelihood import N_CS, Z_CS, delta_qw_direct
from models.u1x import charges as charge_sets
from models.u1x.anomaly import FIELDS, anomalies
from models.u1x.couplings import from_charges

SHARED = {"gminus2": {"dataset": "fnal2021-wp20"}, "borexino": {}, "trident": {}, "apv": {}, "babar": {}}
#: a chiral assignment (the muon has an axial coupling): L1 = E1 = 1, L3 = −1, E2 = −1, N1 = −1, N2 = 1
CHIRAL = {**dict.fromkeys(FIELDS, 0), "L1": 1, "E1": 1, "L3": -1, "E2": -1, "N1": -1, "N2": 1}


def _card(model: dict, likelihoods: dict = SHARED, **params) -> dict:
    return {"name": "u1x-test", "model": model,
            "params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 10.0},
                       "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 0.1}, **params},
            "likelihoods": likelihoods, "sampler": {"name": "dynesty", "dynesty": {"nlive": 50}}}


def _points(post: Posterior, n: int = 400, seed: int = 3) -> np.ndarray:
    return post.prior_transform(np.random.default_rng(seed).random((n, post.ndim)))


# ------------------------------------------------------------------------------------------ charges
def test_every_preset_is_anomaly_free_and_integral_multiples_of_a_third():
    for name, (assignment, _) in charge_sets.PRESETS.items():
        assert set(assignment) == set(FIELDS)
        assert all(v == 0 for v in anomalies(assignment).values()), name
        assert all((3 * v).denominator == 1 for v in assignment.values())


@pytest.mark.parametrize("preset, lepton_vector, quark_vector, numu", [
    ("lmu-ltau", (0, 1, -1), 0, 1), ("le-lmu", (1, -1, 0), 0, -1), ("le-ltau", (1, 0, -1), 0, 0),
    ("b-l", (-1, -1, -1), 1 / 3, -1), ("b-3lmu", (0, -3, 0), 1 / 3, -3), ("b-3ltau", (0, 0, -3), 1 / 3, 0)])
def test_couplings_of_the_presets_by_hand(preset, lepton_vector, quark_vector, numu):
    c = from_charges(charge_sets.resolve(preset, None))
    assert tuple(c.vector[f] for f in ("e", "mu", "tau")) == pytest.approx(lepton_vector, abs=1e-15)
    assert all(c.vector[q] == pytest.approx(quark_vector, abs=1e-15) for q in ("u", "c", "t", "d", "s", "b"))
    assert not c.chiral and c.left["numu"] == numu


def test_explicit_charges_rationals_and_the_chiral_example():
    x = charge_sets.parse_charges({**dict.fromkeys(FIELDS, 0), "Q1": "1/3", "Q2": "1/3", "Q3": "1/3", "U1": "1/3",
                                   "U2": "1/3", "U3": "1/3", "D1": "1/3", "D2": "1/3", "D3": "1/3",
                                   **{f"{k}{i}": -1 for k in "LEN" for i in (1, 2, 3)}})
    assert x == charge_sets.PRESETS["b-l"][0]
    c = from_charges(charge_sets.resolve("lmu-ltau", CHIRAL))
    assert c.chiral and (c.vector["mu"], c.axial["mu"]) == (-0.5, 0.5) and (c.vector["e"], c.axial["e"]) == (1, 0)
    assert c.trace == Fraction(0) and c.eps_log is not None


def test_loop_mixing_is_finite_only_for_traceless_leptonic_charges():
    g = np.array([1e-4, 3e-3])
    lmu = from_charges(charge_sets.resolve("lmu-ltau", None))
    eps = -E_CHARGE / (12 * math.pi**2) * lmu.eps_log * g
    assert np.allclose(eps, zprime.kinetic_mixing_0(g), rtol=1e-14, atol=0)
    assert g[0] / eps[0] == pytest.approx(69.3, abs=0.05)
    lemu = from_charges(charge_sets.resolve("le-lmu", None))  # (e g/12π²) ln(m_μ²/m_e²), the same formula
    assert -lemu.eps_log == pytest.approx(2 * math.log(M_MU / M_E), rel=1e-14)
    for name in ("b-l", "b-3lmu", "b-3ltau"):
        assert from_charges(charge_sets.resolve(name, None)).eps_log is None


# ---------------------------------------------------------------------------- the lmu-ltau equivalence
@pytest.mark.parametrize("mixing", ["loop", "free"])
def test_lmu_ltau_preset_equals_the_builtin_model(mixing):
    """log L of every shared likelihood at 400 random points agrees to 1e−12 (relative, and absolute near 0)."""
    extra = {"eps": {"prior": "uniform", "min": -3e-3, "max": 3e-3}} if mixing == "free" else {}
    builtin = Posterior(load_card(_card({"kinetic_mixing": mixing}, **extra)))
    u1x = Posterior(load_card(_card({"name": "u1x", "preset": "lmu-ltau", "kinetic_mixing": mixing}, **extra)))
    assert builtin.names == u1x.names
    theta = _points(builtin)
    a, b = builtin.evaluate(theta), u1x.evaluate(theta)
    assert a.in_domain.all() and b.in_domain.all()
    for name in SHARED:
        assert np.allclose(a.loglike[name], b.loglike[name], rtol=1e-12, atol=1e-12), name
        if name != "apv":  # no Z–Z′ mass mixing in either: APV is the SM likelihood at every point
            assert np.ptp(a.loglike[name]) > 0, name  # the likelihood does vary over the points


# ------------------------------------------------------------------------------------- the physics
def test_axial_g2_against_quadrature_and_the_heavy_limit():
    mp.mp.dps = 25
    for r in (1e-4, 0.3, 1.0, 50.0, 1e5):
        rr = mp.mpf(r)
        ref = mp.quad(lambda x: (x * (1 - x) * (4 - x) + 2 * x**3 / rr) / (rr * (1 - x) + x * x),
                      sorted({mp.mpf(0), mp.sqrt(rr) if r < 0.25 else mp.mpf(0.5), mp.mpf(0.5),
                              1 - 1 / rr if r > 2 else mp.mpf(0.5), mp.mpf(1)}))
        assert zprime.gm2_axial_loop_function(r) == pytest.approx(float(ref), rel=1e-9)
    # heavy boson: axial/vector = −5 (the SM Z's a_μ ∝ [g_V² − 5 g_A²]/3, e.g. Jegerlehner & Nyffeler 2009)
    m = 300.0
    ratio = zprime.delta_a_mu_axial(m, 1.0) / zprime.delta_a_mu(m, 1.0)
    assert ratio == pytest.approx(-5.0, rel=1e-5)


def test_chiral_muon_coupling_enters_g2():
    post = Posterior(load_card(_card({"name": "u1x", "charges": CHIRAL}, {"gminus2": {}})))
    m, g = np.array([0.01, 1.0]), np.array([1e-3, 1e-3])
    ev = post.evaluate(np.column_stack([m, g]))
    expected = zprime.delta_a_mu(m, -0.5 * g) + zprime.delta_a_mu_axial(m, 0.5 * g)
    assert np.allclose(ev.quantities["delta_a_mu"], expected, rtol=1e-13)
    assert (ev.quantities["delta_a_mu"] < 0).all()  # the longitudinal axial part wins for these masses


def test_direct_apv_term_returns_the_sm_weak_charge_for_the_z():
    """With the SM Z's couplings (g_A^e = −g_Z/4, g_V^p = g_Z(1 − 4s²)/4, g_V^n = −g_Z/4, g_Z = 2m_Z/v) the direct
    formula gives the tree-level Q_W = Z(1 − 4s²) − N."""
    gz = 2 * M_Z / V_HIGGS
    dq = delta_qw_direct(M_Z, -gz / 4, gz * (1 - 4 * S2W_LOW) / 4, -gz / 4, q=0.0)
    assert float(dq) == pytest.approx(Z_CS * (1 - 4 * S2W_LOW) - N_CS, rel=1e-3)  # G_F vs 1/(√2 v²): 0.02%
    assert 2 * math.sqrt(2) * G_F * V_HIGGS**2 == pytest.approx(2.0, rel=1e-3)


def test_vector_like_charges_give_no_direct_apv():
    post = Posterior(load_card(_card({"name": "u1x", "preset": "b-l", "kinetic_mixing": "free"}, {"apv": {}},
                                     eps={"prior": "uniform", "min": -1e-3, "max": 1e-3})))
    ev = post.evaluate(_points(post, 50))
    assert np.all(ev.quantities["ga_e_direct"] == 0.0)
    assert np.ptp(ev.loglike["apv"]) == 0.0


def test_b_minus_l_widths_in_the_heavy_limit():
    """m_Z′ = 1 TeV (fermion masses negligible): Γ/(g² m/12π) = 3 × ½ (ν) + 3 × 1 (e, μ, τ) + 3 × 5 × (1/3)² (u, d,
    s, c, b; no top) = 6.1667."""
    raw = _card({"name": "u1x", "preset": "b-l", "kinetic_mixing": "zero"}, {"gminus2": {}})
    post = Posterior(load_card({**raw, "derived": ["width_zp", "br_invisible", "br_numu", "br_mumu"]}))
    ev = post.evaluate(np.array([[1000.0, 0.01]]))
    unit = 0.01**2 * 1000.0 / (12 * math.pi)
    assert ev.quantities["width_zp"][0] / unit == pytest.approx(1.5 + 3 + 15 / 9, rel=1e-4)
    assert ev.quantities["br_invisible"][0] == pytest.approx(1.5 / (1.5 + 3 + 15 / 9), rel=1e-4)
    assert ev.quantities["br_numu"][0] == pytest.approx(ev.quantities["br_invisible"][0] / 3, rel=1e-12)


# ------------------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("model, message", [
    ({"name": "u1x", "preset": "b-l"}, "tr(Q X_V) = 4"),
    ({"name": "u1x", "preset": "nope"}, "model.preset"),
    ({"name": "u1x", "charges": {**CHIRAL, "E2": 1}}, "anomalous"),
    ({"name": "u1x", "charges": {"Q1": 1}}, "missing field(s) Q2"),
    ({"name": "u1x", "x_higgs": 1}, "not implemented"),
])
def test_bad_model_cards_are_card_errors(model, message):
    with pytest.raises(CardError) as info:
        load_card(_card(model, {"gminus2": {}}))
    assert message in str(info.value)


@pytest.mark.parametrize("plugin", ["na62", "e137", "na64e", "neff", "oblique"])
def test_lmu_ltau_specific_likelihoods_refuse_u1x(plugin):
    with pytest.raises(CardError) as info:
        load_card(_card({"name": "u1x"}, {plugin: {}}))
    assert plugin in str(info.value) and "u1x" in str(info.value)


def test_anomalous_card_on_the_command_line(tmp_path, capsys):
    import yaml

    card = tmp_path / "bad.yaml"
    card.write_text(yaml.safe_dump(_card({"name": "u1x", "charges": {**CHIRAL, "E2": 1}}, {"gminus2": {}})))
    assert cli.main(["eval", str(card)]) == 2
    err = capsys.readouterr().err
    assert "anomalous" in err and "U(1)_X^3" in err and "Traceback" not in err
