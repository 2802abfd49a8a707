"""Physics models as plugins: the card names its model, options are validated like plugin options, a
likelihood declares the models it works with and its own parameters, `globalfit list` shows the models, and a
model registered in-process runs like the built-in one. (A model and an experiment shipped by a separate
package, through entry points: tests/test_external_plugins.py.)"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pytest
from conftest import gminus2_card

from globalfit import cli
from globalfit import likelihood as registry
from globalfit.card import load_card
from globalfit.errors import CardError
from globalfit.graph import QuantitySet
from globalfit.likelihood import Likelihood
from globalfit.model import PhysicsModel, get_model, register_model, unregister_model
from globalfit.params import ParameterInfo
from globalfit.runner import run_card

# ------------------------------------------------------------------------------------------- a toy model
TOY_Q = QuantitySet()


@TOY_Q.quantity("shift", needs=("a",), options=("power",), description="a**power")
def _shift(a, power):
    return a ** power


@dataclass(frozen=True)
class ToyOptions:
    power: Literal[1, 2] = field(default=1, metadata={"doc": "the power of a"})
    mode: Literal["plain", "odd"] = "plain"

    def __post_init__(self):
        if self.mode == "odd" and self.power == 2:
            raise ValueError("mode: odd needs power: 1")


class Toy(PhysicsModel):
    """A one-parameter toy model: shift = a**power."""

    name = "toy"
    Options = ToyOptions
    parameters = {"a": ParameterInfo("a", "GeV", "$a$", "toy mass", bounds=(0.0, 10.0), positive=True)}
    plane = None

    def quantities(self, options):
        return list(TOY_Q.providers)

    def quantity_info(self):
        return TOY_Q.info


class ShiftGauss(Likelihood):
    """Gaussian in the toy model's shift."""

    name = "shiftgauss"
    requires = ("shift",)

    def loglike(self, q):
        return -0.5 * ((q["shift"] - 1.0) / 0.1) ** 2


@pytest.fixture
def toy(register_plugin):
    register_model(Toy)
    register_plugin(ShiftGauss)
    yield
    unregister_model("toy")


def toy_card(**over) -> dict:
    card = {"name": "toy", "model": {"name": "toy"}, "params": {"a": {"prior": "uniform", "min": 0.5, "max": 2.0}},
            "likelihoods": {"shiftgauss": {}},
            "sampler": {"name": "dynesty", "progress": False, "dynesty": {"nlive": 60, "dlogz": 0.5}}}
    card.update(over)
    return card


def test_a_model_registered_in_process_runs(toy, tmp_path):
    card = load_card(toy_card())
    assert card.model.name == "toy" and card.model.power == 1 and card.to_dict()["model"] == {
        "name": "toy", "power": 1, "mode": "plain"}
    run = run_card(card, tmp_path / "toy", progress=False, log=io.StringIO())
    from globalfit.chains import load_run

    r = load_run(run)
    shift = r.idata.posterior["shift"]
    assert shift.attrs["description"] == "a**power" and r.idata.posterior["a"].attrs["units"] == "GeV"
    x, w = r.samples(["a"])
    assert abs(np.sum(w * x[:, 0]) - 1.0) < 0.05  # shift = a ~ N(1, 0.1)


def test_model_options_are_validated_like_plugin_options(toy):
    with pytest.raises(CardError) as err:
        load_card(toy_card(model={"name": "toy", "powr": 2, "mode": "weird"}))
    text = str(err.value)
    assert "model.powr: unknown key 'powr'; allowed: name, power, mode (did you mean 'power'?)" in text
    assert "model.mode: got 'weird'; allowed: plain, odd" in text  # every problem at once
    with pytest.raises(CardError, match="model: mode: odd needs power: 1"):
        load_card(toy_card(model={"name": "toy", "power": 2, "mode": "odd"}))


def test_unknown_model_names_the_available_ones():
    with pytest.raises(CardError, match=r"model.name: unknown model 'lmu-tau'; available: .*lmu-ltau.* "
                                        r"\(did you mean 'lmu-ltau'\?\)"):
        load_card(gminus2_card(model={"name": "lmu-tau"}))


def test_the_default_model_and_old_cards():
    old = load_card(gminus2_card())
    named = load_card(gminus2_card(model={"name": "lmu-ltau"}))
    assert old.model == named.model and old.model.name == "lmu-ltau"
    assert old.to_dict()["model"]["name"] == "lmu-ltau"
    assert old.sha256() == named.sha256()  # checkpoints written before models were named still resume
    raw = old.to_dict()
    raw["model"].pop("name")
    assert load_card(raw).sha256() == old.sha256()


def test_a_likelihood_that_does_not_support_the_model_names_both(toy):
    with pytest.raises(CardError, match=r"likelihoods.na62: likelihood 'na62' works with the model\(s\) lmu-ltau, "
                                        r"not with model 'toy'"):
        load_card(toy_card(likelihoods={"shiftgauss": {}, "na62": {}}))


def test_a_likelihood_needing_what_the_model_lacks_names_both(toy):
    with pytest.raises(CardError, match=r"likelihoods.gminus2: needs 'delta_a_mu', which is neither a parameter in "
                                        r"params nor a quantity of model 'toy'"):
        load_card(toy_card(likelihoods={"shiftgauss": {}, "gminus2": {}}))


def test_plugin_parameters_are_declared_by_the_plugin():
    info = registry.get("kamland_zen").parameters["nme_xe136"]
    assert info.bounds == (0.0, np.inf) and "nuclear matrix element" in info.description
    assert "nme_xe136" not in get_model("lmu-ltau").parameters
    from conftest import oscillation_params

    params = oscillation_params()
    params.pop("s23sq")  # m_ββ does not depend on θ23
    params["nme_xe136"] = {"prior": "uniform", "min": -1.0, "max": 3.0}
    card = {"name": "kz", "params": params, "likelihoods": {"kamland_zen": {"nme": "nuisance"}}}
    with pytest.raises(CardError, match=r"params.nme_xe136: .*\[-1, 3\] leaves the allowed range \[0, inf\]"):
        load_card(card)
    params["nme_xe136"] = {"prior": "uniform", "min": 1.0, "max": 3.0}
    assert load_card(card).parameter_info("nme_xe136").label == r"$|M^{0\nu}|$"


def test_list_shows_models_with_options_parameters_and_quantities(toy, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.index("Physics models") < out.index("Likelihood plugins")
    block = out[out.index("toy  ["):]
    assert "option:    power = 1  (1 | 2)" in block and "parameter: a" in block and "quantity:  shift ← f(a)" in block
    lmu = out[out.index("lmu-ltau  (default)"):]
    assert "option:    higgs = 'none'" in lmu and "parameter: m_zp" in lmu and "delta_a_mu ← f(m_zp, g_zp)" in lmu
    na62 = out[out.index("na62  ["):]
    assert "models:   lmu-ltau" in na62.split("\n\n")[0]
    kz = out[out.index("kamland_zen  ["):]
    assert "parameter: nme_xe136" in kz.split("\n\n")[0]


def test_malformed_model_plugins_are_refused():
    from globalfit.plugins import PluginError

    class NoName(PhysicsModel):
        pass

    class NotADataclass(PhysicsModel):
        name = "bad"
        Options = dict

    for cls, msg in ((NoName, "'name' must be a non-empty string"), (NotADataclass, "'Options' must be a dataclass")):
        with pytest.raises(PluginError, match=msg):
            register_model(cls)
