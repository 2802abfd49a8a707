"""Robustness (issue "Scale and robustness", item 5).

1. Random points: 10⁶ points over the full prior boxes of realistic cards, edges included (points exactly on
   every prior bound, box corners, special values such as m_Z′ at the NA62/BaBar/J/ψ/kaon thresholds, s13sq = 0,
   δ and the phases at 0 and 360°, m_lightest = 0, Δm² beyond the NuFIT tables, the doublet's m_Z′ = g v/2
   boundary), for every model-option combination (ordering × Higgs sector × doublet charge × kinetic mixing ×
   texture auto/none: 56), each with all nine likelihood plugins; datasets and plugin options (every `nme`,
   `limit_shape`, `sw_cw`, ... value) are spread over the combinations. Evaluated in vectorized batches
   through Posterior.evaluate, log_prob and log_likelihood, with Python warnings turned into errors and numpy
   floating-point errors raised (underflow excepted: flushing to 0 is numpy's default and harmless). No NaN or
   +inf anywhere; −inf only outside the prior support or the model's domain (Evaluation.in_domain False).
2. Malformed cards: generated mutations of valid base cards (run/eval/plane, studies, --set overrides): exit
   code 2, the bad key path named on stderr, no traceback; some of them also through `python -m globalfit`.
3. Data integrity: a copy of the data directory (GLOBALFIT_DATA) with one byte of one catalogued file changed is
   refused with a DataError naming the file and "sha256", when the plugin is built and through the CLI.

Known bugs are marked xfail(strict=True) with the bug in the reason.
"""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import typing
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import oscillation_params

from globalfit import catalog, cli, yamlio
from globalfit import likelihood as registry
from globalfit.card import load_card
from globalfit.errors import CardError, DataError
from globalfit.physics.constants import M_E, M_K_PLUS, M_MU, M_PI_PLUS, M_Z, V_HIGGS
from globalfit.posterior import Posterior
from models.lmu_ltau import LmuLtau, Options

# =============================================================================================== 1. points
N_TOTAL = 1_000_000
ZP_PLUGINS = ("gminus2", "apv", "na62", "borexino", "trident", "babar", "electron_gm2", "e137", "e141", "orsay",
              "nucal", "na64e", "belle2_invisible", "cms_4mu", "neff", "oblique", "bphysics", "higgs_potential")
#: likelihoods applied as hard cuts: −inf is legitimate inside the domain (theory constraints, a bound as a cut)
CUTS = ("higgs_potential",)
NU_PLUGINS = ("nufit", "cosmology", "kamland_zen")
PLUGINS = ZP_PLUGINS + NU_PLUGINS

_HIGGS = [("none", 1), ("singlet", 1), ("singlet+singlet2", 1), ("doublet", 1), ("doublet", -1),
          ("doublet+singlet", 1), ("doublet+singlet", -1)]
#: (ordering, higgs, doublet_charge, kinetic_mixing, texture)
COMBOS = [(o, h, c, km, tx) for o in ("NO", "IO") for h, c in _HIGGS for km in ("loop", "free")
          for tx in ("auto", "none")]
N_PER_COMBO = -(-N_TOTAL // len(COMBOS))
_IMPLIED_TEXTURE = {"none": "none", "singlet": "C", "singlet+singlet2": "none", "doublet+singlet": "none"}


def _combo_id(combo) -> str:
    o, h, c, km, tx = combo
    return f"{o}-{h}{'' if 'doublet' not in h else ('+1' if c == 1 else '-1')}-{km}-tex_{tx}"


def _spread(values: list, salt: str) -> list:
    """`values` repeated over the combinations in a fixed shuffled order (every value used, decorrelated from
    the other choices and from the combination's position)."""
    reps = -(-len(COMBOS) // len(values))
    out = (list(values) * reps)[: max(len(COMBOS), len(values))]
    np.random.default_rng(zlib.crc32(salt.encode())).shuffle(out)
    return out


def _plugin_choices() -> dict[str, dict[str, list]]:
    """Every catalogued dataset and every value of every Literal option of each plugin."""
    out = {}
    for name in PLUGINS:
        cls = registry.get(name)
        choices = {"dataset": list(cls.datasets())} if cls.datasets() else {}  # (a theory constraint has none)
        for spec in cls.option_specs().values():
            if spec.choices:
                choices[spec.name] = list(spec.choices)
        out[name] = choices
    return out


CHOICES = _plugin_choices()
SETTINGS = [{name: {} for name in PLUGINS} for _ in COMBOS]  # combination index → plugin → settings
for _plugin, _opts in CHOICES.items():
    for _key, _values in _opts.items():
        for _i, _v in enumerate(_spread(_values, f"{_plugin}.{_key}")[: len(COMBOS)]):
            SETTINGS[_i].setdefault(_plugin, {})[_key] = _v
STYLES = _spread(["log", "flat"], "prior-style")
# 1-D projection NuFIT datasets cover the normal ordering only (an IO card with one is a card error): IO
# combinations that drew one use the latest full tables instead
for _i, _c in enumerate(COMBOS):
    if _c[0] == "IO" and SETTINGS[_i]["nufit"]["dataset"].endswith("-1d"):
        SETTINGS[_i]["nufit"]["dataset"] = "nufit-5.3"


def realistic_card(combo, settings: dict, style: str) -> dict:
    """A card over the full physical prior boxes of every parameter the combination samples; `style` "log"
    uses log-uniform/normal priors where they make sense, "flat" uniform boxes that start at 0."""
    ordering, higgs, charge, km, texture = combo
    implied = _IMPLIED_TEXTURE.get(higgs) or ("B3" if charge == 1 else "B4")
    resolved = implied if texture == "auto" else texture
    log = style == "log"
    sign = 1.0 if ordering == "NO" else -1.0
    p: dict[str, Any] = {
        "m_zp": {"prior": "log-uniform", "min": 1.0e-6, "max": 100.0},  # 1 keV – 100 GeV
        "g_zp": {"prior": "log-uniform", "min": 1.0e-12, "max": 1.0} if log else {"prior": "uniform", "min": 0.0, "max": 1.0},
        "s12sq": {"prior": "uniform", "min": 0.0, "max": 1.0},
        "s13sq": {"prior": "uniform", "min": 0.0, "max": 1.0},
        "s23sq": {"prior": "uniform", "min": 0.0, "max": 1.0},
        "delta_cp": {"prior": "uniform", "min": 0.0, "max": 360.0},
        # the NuFIT tables cover 1e-6 – 1e-3 eV²: both boxes reach beyond them
        "dm21sq": ({"prior": "log-uniform", "min": 1.0e-8, "max": 1.0e-2} if log
                   else {"prior": "uniform", "min": 0.0, "max": 2.0e-3}),
    }
    if not log:
        p["m_hpm"] = {"prior": "uniform", "min": 80.0, "max": 2000.0}  # else the default (fixed 300 GeV)
    if resolved == "none":
        lo, hi = (1.0e-6, 2.0e-2) if log else (0.0, 1.0e-2)  # tables: 2e-4 – 7e-3 eV²
        p["dm3lsq"] = {"prior": "uniform", "min": lo, "max": hi} if sign > 0 else {"prior": "uniform", "min": -hi, "max": -lo}
        p["m_lightest"] = ({"prior": "log-uniform", "min": 1.0e-8, "max": 1.0} if log
                           else {"prior": "uniform", "min": 0.0, "max": 1.0})
        p["alpha21"] = {"prior": "uniform", "min": 0.0, "max": 360.0}
        p["alpha31"] = {"prior": "uniform", "min": 0.0, "max": 360.0}
    if km == "free":
        p["eps"] = ({"prior": "normal", "mean": 0.0, "sigma": 1.0e-3, "min": -1.0e-2, "max": 1.0e-2} if log
                    else {"prior": "uniform", "min": -0.1, "max": 0.1})
    if higgs == "doublet+singlet":
        p["tan_theta"] = ({"prior": "log-uniform", "min": 1.0e-6, "max": 1.0e6} if log
                          else {"prior": "uniform", "min": 0.0, "max": 1.0e3})
    derived = []
    if higgs == "singlet+singlet2":  # the vev ratio enters only the breaking scales: store them
        p["tan_gamma"] = ({"prior": "log-uniform", "min": 1.0e-6, "max": 1.0e6} if log
                          else {"prior": "uniform", "min": 0.0, "max": 1.0e3})
        derived = ["v_sigma", "v_sigma2"]
    if settings["kamland_zen"]["nme"] == "nuisance":
        p["nme_xe136"] = ({"prior": "normal", "mean": 2.5, "sigma": 1.0, "min": 0.5, "max": 6.0} if log
                          else {"prior": "uniform", "min": 0.0, "max": 10.0})
    model = {"ordering": ordering, "higgs": higgs, "kinetic_mixing": km, "texture": texture}
    if "doublet" in higgs:
        model["doublet_charge"] = charge
    return {"name": "robust-" + _combo_id(combo).replace("+", "p"), "model": model, "params": p,
            "likelihoods": {name: dict(settings[name]) for name in PLUGINS}, "derived": derived,
            "sampler": {"name": "dynesty", "progress": False}, "seed": 1}


#: values inside the prior boxes where the physics changes behaviour (card units)
SPECIAL = {
    "m_zp": [2 * M_E, M_MU, 2 * M_MU, 1.0e-4, 1.0e3, 0.110, 0.154, 0.26, 0.2137, 7.682, 3.048, 3.148,
             M_K_PLUS - M_PI_PLUS, np.nextafter(M_K_PLUS - M_PI_PLUS, 1.0), M_Z],
    "g_zp": [0.0, 1.0e-3],
    "s12sq": [0.0, 0.5, 1.0, 0.17, 0.83], "s13sq": [0.0, 0.07, 0.5, 1.0], "s23sq": [0.0, 0.25, 0.5, 0.75, 1.0],
    "delta_cp": [0.0, 90.0, 180.0, 270.0, 360.0], "alpha21": [0.0, 180.0, 360.0], "alpha31": [0.0, 180.0, 360.0],
    "dm21sq": [0.0, 1.0e-6, 7.41e-5, 1.0e-3], "dm3lsq": [0.0, 2.0e-4, 7.0e-3, -2.0e-4, -7.0e-3],
    "m_lightest": [0.0], "eps": [0.0], "tan_theta": [0.0, 1.0], "tan_gamma": [0.0, 0.5], "nme_xe136": [0.0], "m_hpm": [300.0, 570.0],
}


def _bounds(post) -> tuple[np.ndarray, np.ndarray]:
    b = np.array([post.space.priors[k].bounds for k in post.names], dtype=float)
    return b[:, 0], b[:, 1]


def draw_points(post, n: int, rng) -> np.ndarray:
    """n points in the prior box: prior draws, with a quarter of every column replaced by the column's bounds
    and special values, 1% box corners, and rows on the model's boundaries."""
    d = post.ndim
    lo, hi = _bounds(post)
    theta = np.clip(post.prior_transform(rng.random((n, d))), lo, hi)
    for j, name in enumerate(post.names):
        special = np.array([lo[j], hi[j]] + [v for v in SPECIAL.get(name, []) if lo[j] <= v <= hi[j]])
        pick = rng.random(n) < 0.25
        theta[pick, j] = rng.choice(special, pick.sum())
    corners = rng.random(n) < 0.01
    theta[corners] = np.where(rng.random((corners.sum(), d)) < 0.5, lo, hi)
    col = {k: j for j, k in enumerate(post.names)}
    opts = post.card.model
    if "doublet" in opts.higgs:  # no Higgs-sector solution for m_Z′ > g v (1 + tan²θ)/2: sit on the boundary
        rows = rng.random(n) < 0.05
        t2 = theta[rows, col["tan_theta"]] ** 2 if "tan_theta" in col else 0.0
        edge = theta[rows, col["g_zp"]] * V_HIGGS * (1.0 + t2) / 2.0
        theta[rows, col["m_zp"]] = edge * rng.choice([1 - 2e-16, 1.0, 1 + 2e-16, 1 - 1e-9], rows.sum())
    if "dm3lsq" in col:  # the ordering's boundary |Δm²3ℓ| = Δm²21, and a massless degenerate spectrum
        rows = rng.random(n) < 0.03
        theta[rows, col["dm3lsq"]] = np.sign(hi[col["dm3lsq"]] + lo[col["dm3lsq"]]) * theta[rows, col["dm21sq"]]
        rows = rng.random(n) < 0.01
        theta[rows, col["dm21sq"]] = lo[col["dm21sq"]]
        theta[rows, col["m_lightest"]] = lo[col["m_lightest"]]
    return np.clip(theta, lo, hi)


def points_outside(post, theta: np.ndarray, rng) -> np.ndarray:
    """Copies of the rows with one column moved outside the prior box: one ulp beyond a bound, a whole box
    width beyond it, NaN or ±inf."""
    lo, hi = _bounds(post)
    out = theta.copy()
    n = len(out)
    cols = rng.integers(0, post.ndim, n)
    kind = rng.integers(0, 6, n)
    span = hi[cols] - lo[cols]
    vals = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3, kind == 4],
        [np.nextafter(lo[cols], -np.inf), np.nextafter(hi[cols], np.inf), lo[cols] - span, hi[cols] + span,
         np.full(n, np.nan)],
        np.where(rng.random(n) < 0.5, np.inf, -np.inf))
    out[np.arange(n), cols] = vals
    return out


@pytest.fixture(autouse=True)
def _strict_numerics():
    """Python warnings are errors; numpy floating-point errors raise (except underflow) around every test.
    (Posterior.evaluate silences floating-point errors inside the model and the plugins on purpose, so the
    tests also check the values.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            yield


def _assert_no_nan_or_posinf(name: str, arr: np.ndarray, params: dict, where: str) -> None:
    arr = np.asarray(arr, dtype=float)
    bad = np.isnan(arr) | (arr == np.inf)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        point = {k: float(v[i]) for k, v in params.items()}
        pytest.fail(f"{where}: {name} = {arr[i]} at {point} ({int(bad.sum())} such points)")


def check_evaluation(ev, where: str, cut: np.ndarray | None = None) -> None:
    """No NaN, no +inf anywhere; finite at every point inside the prior support and the model's domain, except
    where `cut` (a mask) marks points beyond a likelihood applied as a hard cut (cosmology shape: cut)."""
    support = np.isfinite(ev.logprior)
    arrays = {**{f"log L[{k}]": v for k, v in ev.loglike.items()}, **{f"quantity {k}": v for k, v in ev.quantities.items()},
              "log prior": ev.logprior, "log L total": ev.loglike_total, "log posterior": ev.logpost}
    for name, arr in arrays.items():
        _assert_no_nan_or_posinf(name, arr, ev.params, where)
        if name == "log prior":
            continue
        bad = support & ev.in_domain & ~np.isfinite(arr)
        if cut is not None and name in ("log L[cosmology]", "log L total", "log posterior",
                                        *(f"log L[{c}]" for c in CUTS)):
            bad &= ~cut
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            point = {k: float(v[i]) for k, v in ev.params.items()}
            pytest.fail(f"{where}: {name} = {arr[i]} at a point inside the prior support and the model's domain "
                        f"{point} ({int(bad.sum())} such points)")
    assert np.all(ev.logpost[~ev.in_domain] == -np.inf), f"{where}: finite log posterior outside the domain"


def _same(a, b) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    both_inf = np.isinf(a) & (a == b)
    return bool(np.all(both_inf | np.isclose(a, b, rtol=1e-10, atol=0.0)))


@pytest.mark.parametrize("index", range(len(COMBOS)), ids=[_combo_id(c) for c in COMBOS])
def test_random_points_full_prior_box(index):
    combo = COMBOS[index]
    card = load_card(realistic_card(combo, SETTINGS[index], STYLES[index]))
    post = Posterior(card)
    where = f"{_combo_id(combo)} ({STYLES[index]} priors, {SETTINGS[index]})"
    assert set(post.plugins) == set(PLUGINS)
    rng = np.random.default_rng([2024, index])
    theta = draw_points(post, N_PER_COMBO, rng)
    lo, hi = _bounds(post)
    for j, name in enumerate(post.names):  # the edges are really there
        assert (theta[:, j] == lo[j]).any() and (theta[:, j] == hi[j]).any(), name

    ev = post.evaluate(theta)
    assert np.all(np.isfinite(ev.logprior)), f"{where}: a point on the box is outside the prior support"
    cosmology = post.plugins["cosmology"]
    cut = np.zeros(len(theta), dtype=bool)
    if cosmology.shape == "cut":
        cut |= ev.quantities["sum_mnu"] > cosmology.limit_at({**ev.params, **ev.quantities})
    for name in CUTS:
        cut |= ev.loglike[name] == -np.inf
    check_evaluation(ev, where, cut)
    assert ev.in_domain.any(), f"{where}: no point inside the model's domain; the likelihoods were not exercised"

    # log_prob / log_likelihood: the same values on the box, −inf outside it (also one ulp outside, NaN, ±inf)
    k = 2000
    outside = points_outside(post, theta[:k], rng)
    lp = post.log_prob(np.vstack([theta[:k], outside]))
    assert not np.isnan(lp).any() and not (lp == np.inf).any()
    assert _same(lp[:k], ev.logpost[:k]), f"{where}: log_prob differs from evaluate().logpost"
    assert np.all(lp[k:] == -np.inf), f"{where}: finite log_prob outside the prior box"
    ll = post.log_likelihood(np.vstack([theta[: k // 2], outside[: k // 2]]))
    assert not np.isnan(ll).any() and not (ll == np.inf).any()
    assert _same(ll[: k // 2], ev.loglike_total[: k // 2]) and np.all(ll[k // 2:] == -np.inf)

    # vectorization: a point evaluated alone gives what it gives inside the batch
    rows = list(np.flatnonzero(ev.in_domain)[:3]) + list(np.flatnonzero(~ev.in_domain)[:1])
    for i in rows:
        one = post.evaluate(theta[i:i + 1])
        assert bool(one.in_domain[0]) == bool(ev.in_domain[i])
        for name in PLUGINS:
            assert _same(one.loglike[name], ev.loglike[name][i:i + 1]), (where, name, theta[i])


def test_random_points_cover_every_option_dataset_and_model_combination():
    # every model-option combination with texture auto/none that the card schema accepts, and only those
    fields = LmuLtau.option_fields()
    valid = set()
    for values in np.ndindex(*(len(typing.get_args(fields[f].annotation)) for f in fields)):
        kw = {f: typing.get_args(fields[f].annotation)[i] for f, i in zip(fields, values)}
        if kw["texture"] not in ("auto", "none"):
            continue
        try:
            Options(**kw)
        except ValueError:
            continue
        valid.add((kw["ordering"], kw["higgs"], kw["doublet_charge"], kw["kinetic_mixing"], kw["texture"]))
    assert valid == set(COMBOS) and len(COMBOS) == 56
    # every dataset and every option value of every plugin is used by some combination
    for plugin, opts in CHOICES.items():
        assert opts.get("dataset") or not registry.get(plugin).datasets(), plugin
        for key, values in opts.items():
            used = {s[plugin][key] for s in SETTINGS}
            assert used == set(values), (plugin, key, set(values) - used)
    assert {s["kamland_zen"]["nme"] for s in SETTINGS} == {"marginal", "conservative", "nuisance"}
    assert N_PER_COMBO * len(COMBOS) >= N_TOTAL


def test_m_zp_zero_is_refused_as_a_prior_bound():
    """m_Z′ = 0 (a Z′ of zero mass, where several likelihoods divide by m_Z′) cannot be in the prior box
    (found by this suite: it used to validate and give log L = −inf inside the domain)."""
    settings = {**SETTINGS[0]}
    card = realistic_card(("NO", "none", 1, "loop", "none"), settings, "flat")
    card["params"]["m_zp"] = {"prior": "uniform", "min": 0.0, "max": 1.0}
    with pytest.raises(CardError, match="params.m_zp: must be > 0"):
        load_card(card)


def test_prior_transform_keeps_the_unit_cube_corners_inside_the_box():
    """(Found by this suite: LogUniform.from_unit(1) rounded to 10.00000000000001 for max 10, and
    Uniform.from_unit(1) could exceed max by one ulp.)"""
    card = {"name": "corners", "model": {"kinetic_mixing": "free"},
            "params": {"m_zp": {"prior": "log-uniform", "min": 1.0e-3, "max": 10.0},
                       "g_zp": {"prior": "log-uniform", "min": 1.0e-5, "max": 1.0e-1},
                       "eps": {"prior": "uniform", "min": -0.05, "max": 0.01}},
            "likelihoods": {"gminus2": {"dataset": "fnal2021-wp20"}, "apv": {}},
            "sampler": {"name": "dynesty", "progress": False}}
    post = Posterior(load_card(card))
    lo, hi = _bounds(post)
    theta = post.prior_transform(np.array([np.zeros(post.ndim), np.ones(post.ndim)]))
    outside = [(name, u, float(theta[u, j])) for u in (0, 1) for j, name in enumerate(post.names)
               if not lo[j] <= theta[u, j] <= hi[j]]
    assert not outside, f"(parameter, u, value) outside the prior box: {outside}"
    assert np.all(np.isfinite(post.space.log_prior(theta)))


# ============================================================================================ 2. bad cards
def zprime_base() -> dict:
    return {"name": "zp", "model": {"higgs": "none", "kinetic_mixing": "loop"},
            "params": {"m_zp": {"prior": "log-uniform", "min": 1.0e-3, "max": 1.0},
                       "g_zp": {"prior": "log-uniform", "min": 1.0e-5, "max": 1.0e-1}},
            "likelihoods": {"gminus2": {"dataset": "fnal2021-wp20"}, "apv": {}, "na62": {}},
            "sampler": {"name": "dynesty", "progress": False, "dynesty": {"nlive": 100}}, "seed": 7}


def neutrino_base() -> dict:
    return {"name": "nu", "model": {"ordering": "NO"},
            "params": oscillation_params(),
            "likelihoods": {"nufit": {}, "cosmology": {"dataset": "desi-dr2"}, "kamland_zen": {"nme": "marginal"}},
            "sampler": {"name": "dynesty", "progress": False}, "seed": 11}


def texture_base() -> dict:
    card = neutrino_base()
    card["model"] = {"ordering": "NO", "higgs": "singlet"}  # texture auto → C
    for k in ("dm3lsq", "m_lightest", "alpha21", "alpha31"):
        del card["params"][k]
    return card


def study_base() -> dict:
    card = neutrino_base()
    card["variants"] = {"NO": {}, "IO": {"model.ordering": "IO",
                                         "params.dm3lsq": {"prior": "uniform", "min": -2.7e-3, "max": -2.3e-3}}}
    card["compare"] = [{"title": "ordering", "runs": ["NO", "IO"]}]
    return card


BASES = {"zprime": zprime_base, "neutrino": neutrino_base, "texture": texture_base, "study": study_base}


def _walk(d, path: str):
    keys = [int(k) if k.isdigit() else k for k in path.split("/")]
    for k in keys[:-1]:
        d = d[k]
    return d, keys[-1]


def put(path: str, value) -> Callable[[dict], None]:
    """Set a '/'-separated path (keys may contain dots) to `value`."""
    def f(card):
        d, k = _walk(card, path)
        d[k] = copy.deepcopy(value)
    return f


def drop(path: str) -> Callable[[dict], None]:
    def f(card):
        d, k = _walk(card, path)
        del d[k]
    return f


def rename(path: str, new: str) -> Callable[[dict], None]:
    def f(card):
        d, k = _walk(card, path)
        d[new] = d.pop(k)
    return f


def both(*fs) -> Callable[[dict], None]:
    def f(card):
        for g in fs:
            g(card)
    return f


@dataclass
class Bad:
    id: str
    base: str
    mutate: Callable[[dict], None] | None
    expect: tuple[str, ...]  # substrings of stderr: the key path (and what is wrong)
    command: str = "run"
    args: tuple[str, ...] = ()
    text: str | None = None  # raw card text instead of base + mutate
    subprocess: bool = False
    marks: tuple = field(default_factory=tuple)

    def card_text(self) -> str:
        if self.text is not None:
            return self.text
        card = BASES[self.base]()
        if self.mutate:
            self.mutate(card)
        return yamlio.dumps(card)

    def argv(self, path: str) -> list[str]:
        if self.command == "run":
            return ["run", path, "--dry-run", *self.args]
        if self.command == "plane":
            return ["plane", path, "--points", "10", "-o", str(Path(path).with_suffix(".png")), *self.args]
        return [self.command, path, *self.args]


LOGU = {"prior": "log-uniform", "min": 1.0e-3, "max": 1.0}
MALFORMED = [
    # ---- required keys deleted
    Bad("missing-params", "zprime", drop("params"), ("params", "at least one parameter")),
    Bad("missing-likelihoods", "neutrino", drop("likelihoods"), ("likelihoods", "at least one likelihood")),
    Bad("missing-prior-max", "zprime", drop("params/m_zp/max"), ("params.m_zp.max", "missing")),
    Bad("missing-prior-kind", "zprime", drop("params/g_zp/prior"), ("params.g_zp.prior", "missing")),
    Bad("missing-normal-sigma", "neutrino", put("params/s12sq", {"prior": "normal", "mean": 0.3}),
        ("params.s12sq.sigma", "missing")),
    Bad("missing-fixed-value", "zprime", put("params/g_zp", {"prior": "fixed"}), ("params.g_zp.value",)),
    # ---- wrong types
    Bad("string-for-bound", "zprime", put("params/m_zp/min", "one keV"), ("params.m_zp.min", "'one keV'")),
    Bad("string-for-fixed-parameter", "zprime", put("params/g_zp", "small"), ("params.g_zp", "'small'")),
    Bad("string-for-nlive", "zprime", put("sampler/dynesty/nlive", "many"), ("sampler.dynesty.nlive", "'many'")),
    Bad("string-for-seed", "zprime", put("seed", "42"), ("seed", "integer")),
    Bad("bool-for-seed", "zprime", put("seed", True), ("seed", "integer")),
    Bad("string-for-bool", "zprime", put("sampler/dynesty/dynamic", "maybe"), ("sampler.dynesty.dynamic",)),
    Bad("list-for-params", "zprime", put("params", ["m_zp", "g_zp"]), ("params", "mapping")),
    Bad("list-for-model", "zprime", put("model", ["higgs", "none"]), ("model", "mapping")),
    Bad("list-for-prior", "zprime", put("params/m_zp", [1.0e-3, 1.0]), ("params.m_zp", "mapping")),
    Bad("list-for-plugin-settings", "zprime", put("likelihoods/gminus2", ["fnal2021-wp20"]),
        ("likelihoods.gminus2", "mapping")),
    Bad("list-for-sampler", "zprime", put("sampler", ["dynesty"]), ("sampler", "mapping")),
    Bad("string-for-likelihoods", "zprime", put("likelihoods", "gminus2"), ("likelihoods", "mapping")),
    Bad("bool-for-fixed-parameter", "zprime", put("params/g_zp", True), ("params.g_zp",)),
    Bad("int-for-ordering", "neutrino", put("model/ordering", 1), ("model.ordering", "NO, IO")),
    Bad("string-for-doublet-charge", "zprime", put("model", {"higgs": "doublet", "doublet_charge": "+1"}),
        ("model.doublet_charge",)),
    Bad("number-for-output", "zprime", put("output", 5), ("output", "directory")),
    Bad("mapping-for-name", "zprime", put("name", {"a": 1}), ("name",)),
    Bad("number-for-description", "zprime", put("description", 5), ("description", "text")),
    Bad("bool-for-prior-bound", "zprime", put("params/m_zp/max", True), ("params.m_zp.max", "boolean")),
    Bad("bool-for-dlogz", "zprime", put("sampler/dynesty", {"dlogz": True}), ("sampler.dynesty.dlogz", "boolean")),
    # ---- unknown keys at every level, near-miss spellings
    Bad("unknown-top-level", "zprime", rename("params", "parms"), ("parms", "did you mean 'params'"), subprocess=True),
    Bad("unknown-model-key", "neutrino", rename("model/ordering", "oredring"), ("model.oredring", "did you mean 'ordering'")),
    Bad("unknown-prior-key", "zprime", rename("params/m_zp/min", "mn"), ("params.m_zp.mn", "params.m_zp.min")),
    Bad("unknown-parameter", "zprime", rename("params/g_zp", "gzp"), ("params.gzp", "did you mean 'g_zp'")),
    Bad("unknown-plugin-key", "zprime", rename("likelihoods/gminus2/dataset", "datset"),
        ("likelihoods.gminus2.datset", "unknown key")),
    Bad("unknown-plugin", "zprime", put("likelihoods/borexnio", {}), ("likelihoods.borexnio", "did you mean 'borexino'")),
    Bad("unknown-sampler-key", "zprime", rename("sampler/dynesty", "dynestyy"), ("sampler.dynestyy", "did you mean 'dynesty'")),
    Bad("unknown-dynesty-key", "zprime", rename("sampler/dynesty/nlive", "nlve"), ("sampler.dynesty.nlve", "did you mean 'nlive'")),
    Bad("unknown-emcee-key", "zprime", put("sampler", {"name": "emcee", "emcee": {"walker": 32}}),
        ("sampler.emcee.walker", "did you mean 'walkers'")),
    Bad("unknown-plugin-option", "neutrino", put("likelihoods/kamland_zen", {"nmee": "marginal"}),
        ("likelihoods.kamland_zen.nmee", "did you mean 'nme'")),
    # ---- out-of-range values
    Bad("negative-nlive", "zprime", put("sampler/dynesty/nlive", -5), ("sampler.dynesty.nlive", "greater than or equal")),
    Bad("min-equals-max", "zprime", put("params/m_zp", {"prior": "uniform", "min": 0.1, "max": 0.1}),
        ("params.m_zp", "must be smaller than max")),
    Bad("min-above-max", "neutrino", put("params/s23sq", {"prior": "uniform", "min": 0.65, "max": 0.38}),
        ("params.s23sq", "must be smaller than max")),
    Bad("log-uniform-from-zero", "zprime", put("params/g_zp/min", 0.0), ("params.g_zp", "must be > 0")),
    Bad("log-uniform-negative", "zprime", put("params/m_zp/min", -1.0e-3), ("params.m_zp", "must be > 0")),
    Bad("zero-sigma", "zprime", both(put("model/kinetic_mixing", "free"),
                                     put("params/eps", {"prior": "normal", "mean": 0.0, "sigma": 0.0})),
        ("params.eps.sigma", "greater than 0")),
    Bad("negative-sigma", "neutrino", put("params/s12sq", {"prior": "normal", "mean": 0.3, "sigma": -0.01}),
        ("params.s12sq.sigma", "greater than 0")),
    Bad("negative-seed", "zprime", put("seed", -1), ("seed", "integer ≥ 0")),
    Bad("too-few-walkers", "neutrino", put("sampler", {"name": "emcee", "emcee": {"walkers": 4}}),
        ("sampler.emcee.walkers", "at least 2 × 9 = 18")),
    Bad("zero-dlogz", "zprime", put("sampler/dynesty/dlogz", 0.0), ("sampler.dynesty.dlogz", "greater than 0")),
    Bad("burn-after-steps", "zprime", put("sampler", {"name": "emcee", "emcee": {"steps": 10, "burn": 10}}),
        ("sampler.emcee", "burn (10) must be smaller than steps (10)")),
    Bad("infinite-bound", None, None, ("params.m_zp", "finite"),
        text=yamlio.dumps(zprime_base()).replace("max: 1.0\n", "max: .inf\n", 1)),
    Bad("nan-fixed-value", None, None, ("params.g_zp", "finite"),
        text=yamlio.dumps({**zprime_base(), "params": {"m_zp": LOGU, "g_zp": {"prior": "fixed", "value": 0.5}}})
        .replace("value: 0.5", "value: .nan")),
    Bad("mixing-angle-beyond-one", "neutrino", put("params/s13sq", {"prior": "uniform", "min": 0.0, "max": 1.5}),
        ("params.s13sq", "allowed range [0, 1]")),
    Bad("negative-lightest-mass", "neutrino", put("params/m_lightest", {"prior": "uniform", "min": -0.1, "max": 0.5}),
        ("params.m_lightest", "allowed range")),
    Bad("negative-zprime-mass", "zprime", put("params/m_zp", {"prior": "uniform", "min": -1.0, "max": 1.0}),
        ("params.m_zp", "must be > 0")),
    # ---- unknown plugins, datasets, options; bad option values
    Bad("unknown-dataset", "neutrino", put("likelihoods/nufit", {"dataset": "nufit-6.0"}),
        ("likelihoods.nufit.dataset", "nufit-5.3 (default)", "did you mean")),
    Bad("numeric-dataset", "neutrino", put("likelihoods/cosmology/dataset", 2018), ("likelihoods.cosmology.dataset",)),
    Bad("bad-nme", "neutrino", put("likelihoods/kamland_zen/nme", "xx"),
        ("likelihoods.kamland_zen.nme", "marginal, conservative, nuisance"), subprocess=True),
    Bad("bad-limit-shape", "zprime", put("likelihoods/na62", {"limit_shape": 3}),
        ("likelihoods.na62.limit_shape", "poisson, half-gaussian")),
    Bad("bad-sw-cw", "zprime", put("likelihoods/apv", {"sw_cw": "MSbar"}), ("likelihoods.apv.sw_cw", "did you mean 'msbar'")),
    Bad("refused-charm-loop", "zprime", put("likelihoods/na62", {"charm_loop": True}), ("likelihoods.na62", "charm_loop")),
    Bad("bad-borexino-ssm", "zprime", put("likelihoods/borexino", {"ssm": "high"}), ("likelihoods.borexino.ssm", "high-z")),
    Bad("bad-sampler-name", "zprime", put("sampler/name", "nested"), ("sampler.name", "emcee, dynesty")),
    Bad("bad-bound", "zprime", put("sampler/dynesty/bound", "multiple"), ("sampler.dynesty.bound", "did you mean 'multi'")),
    Bad("bad-moves", "zprime", put("sampler", {"name": "emcee", "emcee": {"moves": "stretchy"}}),
        ("sampler.emcee.moves", "stretch, de")),
    Bad("bad-higgs", "zprime", put("model/higgs", "triplet"), ("model.higgs", "doublet+singlet")),
    Bad("bad-kinetic-mixing", "zprime", put("model/kinetic_mixing", "loops"), ("model.kinetic_mixing", "did you mean 'loop'")),
    Bad("bad-texture", "neutrino", put("model/texture", "A1"), ("model.texture", "B3, B4, C")),
    # ---- contradictory model options
    Bad("texture-contradicts-singlet", "texture", put("model/texture", "B3"), ("model", "contradicts higgs: singlet")),
    Bad("texture-contradicts-doublet", "texture", put("model", {"higgs": "doublet", "texture": "C"}),
        ("model", "contradicts higgs: doublet")),
    Bad("texture-contradicts-charge", "texture", put("model", {"higgs": "doublet", "doublet_charge": 1, "texture": "B4"}),
        ("model", "texture B4 contradicts")),
    Bad("charge-without-doublet", "texture", put("model/doublet_charge", -1), ("model", "doublet_charge only applies")),
    Bad("charge-with-no-higgs", "zprime", put("model/doublet_charge", -1), ("model", "doublet_charge only applies")),
    # ---- parameters the model derives
    Bad("lightest-mass-with-texture", "texture", put("params/m_lightest", LOGU), ("params.m_lightest", "derived")),
    Bad("dm3l-with-texture", "texture", put("params/dm3lsq", {"prior": "uniform", "min": 2.3e-3, "max": 2.7e-3}),
        ("params.dm3lsq", "derived")),
    Bad("majorana-phase-with-texture", "texture", put("params/alpha21", {"prior": "uniform", "min": 0.0, "max": 360.0}),
        ("params.alpha21", "derived")),
    Bad("eps-with-loop-mixing", "zprime", put("params/eps", {"prior": "uniform", "min": -1e-3, "max": 1e-3}),
        ("params.eps", "derived")),
    Bad("tan-beta-in-doublet", "zprime", both(put("model/higgs", "doublet"),
                                              put("params/tan_beta", {"prior": "uniform", "min": 0.0, "max": 1.0})),
        ("params.tan_beta", "derived")),
    Bad("unused-tan-theta", "zprime", put("params/tan_theta", LOGU), ("params.tan_theta", "not read")),
    # ---- missing parameters
    Bad("missing-g", "zprime", drop("params/g_zp"), ("likelihoods.gminus2", "needs 'g_zp'")),
    Bad("missing-eps", "zprime", put("model/kinetic_mixing", "free"), ("likelihoods.apv", "needs 'eps'")),
    Bad("missing-tan-theta", "zprime", put("model/higgs", "doublet+singlet"), ("likelihoods.apv", "tan_theta")),
    Bad("missing-nme", "neutrino", put("likelihoods/kamland_zen/nme", "nuisance"), ("likelihoods.kamland_zen", "nme_xe136")),
    Bad("missing-s23", "neutrino", drop("params/s23sq"), ("likelihoods.nufit", "needs 's23sq'")),
    Bad("missing-lightest-mass", "neutrino", drop("params/m_lightest"), ("likelihoods.cosmology", "m_lightest")),
    # ---- Δm²3ℓ with the wrong sign for the ordering
    Bad("io-with-positive-dm3l", "neutrino", put("model/ordering", "IO"), ("params.dm3lsq", "for ordering: IO")),
    Bad("no-with-negative-dm3l", "neutrino", put("params/dm3lsq", {"prior": "uniform", "min": -2.7e-3, "max": -2.3e-3}),
        ("params.dm3lsq", "for ordering: NO")),
    # ---- studies
    Bad("study-variants-list", "study", put("variants", ["NO", "IO"]), ("variants", "mapping")),
    Bad("study-variant-bad-path", "study", put("variants/IO", {"modle.ordering": "IO"}),
        ("variants.IO.modle.ordering", "did you mean 'model'")),
    Bad("study-variant-bad-value", "study", put("variants/IO/model.ordering", "XO"), ("variants.IO", "model.ordering", "XO")),
    Bad("study-variant-name-path", "study", put("variants/IO", {"name": "x"}), ("variants.IO.name", "not a card path")),
    Bad("study-variant-not-mapping", "study", put("variants/IO", "IO"), ("variants.IO", "mapping")),
    Bad("study-variant-bad-name", "study", rename("variants/IO", "I O!"), ("variants.I O!", "variant name")),
    Bad("study-variant-forgets-derived", "study", put("variants/IO", {"model.higgs": "singlet"}),
        ("variants.IO", "params.m_lightest", "derived")),
    Bad("study-compare-unknown-run", "study", put("compare/0/runs", ["NO", "I0"]),
        ("compare[0].runs", "unknown variant 'I0'"), subprocess=True),
    Bad("study-compare-one-run", "study", put("compare/0/runs", ["NO"]), ("compare[0]", "≥ 2 runs")),
    Bad("study-compare-unknown-key", "study", rename("compare/0/title", "titel"), ("compare[0].titel", "unknown key")),
    Bad("study-compare-not-list", "study", put("compare", {"runs": ["NO", "IO"]}), ("compare", "list")),
    Bad("study-compare-quantities", "study", put("compare/0/quantities", "sum_mnu"), ("compare[0].quantities",)),
    Bad("study-unknown-variant-option", "study", None, ("--variant", "unknown variant"), args=("--variant", "XO")),
    Bad("study-eval-without-variant", "study", None, ("--variant", "choose the variant"), command="eval"),
    Bad("study-keys-in-plain-eval", "zprime", put("compare", [{"runs": ["a", "b"]}]), ("compare", "study"), command="eval"),
    # ---- bad --set overrides
    Bad("set-without-equals", "zprime", None, ("--set m_zp", "NAME=VALUE"), args=("--set", "m_zp")),
    Bad("set-unknown-name", "zprime", None, ("--set gzp", "did you mean 'g_zp'"), args=("--set", "gzp=0.1")),
    Bad("set-unknown-section", "zprime", None, ("--set modle.higgs", "did you mean 'model'"),
        args=("--set", "modle.higgs=doublet")),
    Bad("set-bad-model-option", "neutrino", None, ("model.ordering", "'XO'"), args=("--set", "ordering=XO")),
    Bad("set-bad-dataset", "zprime", None, ("likelihoods.gminus2.dataset", "fnal1999"),
        args=("--set", "likelihoods.gminus2.dataset=fnal1999")),
    Bad("set-negative-nlive", "zprime", None, ("sampler.dynesty.nlive",), args=("--set", "sampler.dynesty.nlive=-1")),
    Bad("set-below-a-number", "zprime", None, ("params.m_zp.min",),
        args=("--set", "params.m_zp.min.x=1")),
    Bad("set-unknown-plugin-option", "zprime", None, ("likelihoods.gminus2.shape", "unknown key"),
        args=("--set", "likelihoods.gminus2.shape=gauss")),
    Bad("eval-set-text-value", "zprime", None, ("--set m_zp", "must be a number"), command="eval",
        args=("--set", "m_zp=abc"), subprocess=True),
    Bad("eval-set-list-value", "zprime", None, ("--set g_zp", "must be a number"), command="eval",
        args=("--set", "g_zp=[1, 2]")),
    Bad("eval-set-bool-value", "zprime", None, ("--set g_zp", "must be a number"), command="eval",
        args=("--set", "g_zp=true")),
    Bad("plane-bad-card", "zprime", put("likelihoods/trident", {"dataset": "ccfr2"}), ("likelihoods.trident.dataset",),
        command="plane"),
    Bad("plane-bad-range", "zprime", None, ("--mzp", "0 < LO < HI"), command="plane", args=("--mzp", "1:1e-3"),
        subprocess=True),
    Bad("plane-bad-set", "zprime", None, ("model.higgs", "'doublets'"), command="plane",
        args=("--set", "higgs=doublets")),
    # ---- broken files
    Bad("empty-card", None, None, ("empty",), text=""),
    Bad("broken-yaml", None, None, ("not valid YAML", "line"), text="params: {m_zp: [1, 2\nlikelihoods: x\n"),
]
assert len({b.id for b in MALFORMED}) == len(MALFORMED)


@pytest.mark.parametrize("bad", [pytest.param(b, id=b.id, marks=b.marks) for b in MALFORMED])
def test_malformed_card_exit_2_names_the_key(tmp_path, capsys, bad):
    path = tmp_path / "card.yaml"
    path.write_text(bad.card_text(), encoding="utf-8")
    code = cli.main(bad.argv(str(path)))
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out
    assert code == 2, f"{bad.id}: exit code {code}; stdout: {out[:400]}"
    for text in bad.expect:
        assert text in err, f"{bad.id}: {text!r} not in stderr {err!r}"


def test_enough_malformed_cards():
    assert len(MALFORMED) >= 50 and sum(b.subprocess for b in MALFORMED) >= 5


# ======================================================================================= 3. data integrity
DATA_ENTRIES = list(catalog.catalog())
_ZP_PARAMS = {"m_zp": {"prior": "log-uniform", "min": 1.0e-3, "max": 1.0},
              "g_zp": {"prior": "log-uniform", "min": 1.0e-5, "max": 1.0e-1}}
_NU = neutrino_base()["params"]
_PARAMS_FOR = {
    **dict.fromkeys(ZP_PLUGINS, _ZP_PARAMS),
    "nufit": {k: _NU[k] for k in ("s12sq", "s13sq", "s23sq", "delta_cp", "dm21sq", "dm3lsq")},
    "cosmology": {k: _NU[k] for k in ("dm21sq", "dm3lsq", "m_lightest")},
    "kamland_zen": _NU,
}


def _dataset_of(entry) -> str:
    return entry.dataset or registry.get(entry.experiment).default_dataset()


def _card_for(entry) -> dict:
    """A valid card with only this experiment's likelihood: its parameters from _PARAMS_FOR, or, for experiments
    not listed there, every Z′ and neutrino parameter (with free kinetic mixing) minus those the card reports as
    not read. Call it while the data are intact."""
    card = {"name": "data", "likelihoods": {entry.experiment: {"dataset": _dataset_of(entry)}},
            "sampler": {"name": "dynesty", "progress": False}}
    if entry.experiment in _PARAMS_FOR:
        return {**card, "params": copy.deepcopy(_PARAMS_FOR[entry.experiment])}
    extra = {"eps": {"prior": "uniform", "min": -1.0e-3, "max": 1.0e-3},
             "tan_theta": {"prior": "log-uniform", "min": 1.0, "max": 100.0},
             **{m: {"prior": "uniform", "min": 200.0, "max": 800.0} for m in ("m_hpm", "m_h2", "m_a")}}
    for model in ({"kinetic_mixing": "free"}, {"kinetic_mixing": "free", "higgs": "doublet+singlet"}):
        params = {**copy.deepcopy(_ZP_PARAMS), **copy.deepcopy(_NU), **copy.deepcopy(extra)}
        trial = {**card, "params": params, "model": model}
        for _ in range(3):
            try:
                load_card(trial)
                return trial
            except CardError as exc:
                unread = [p.path.split(".", 1)[1] for p in exc.problems if "not read by any likelihood" in p.message]
                if not unread or len(unread) == len(params):
                    break
                for name in unread:
                    params.pop(name)
    raise AssertionError(f"no valid card for {entry.experiment}")


def _flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def _copy_data(dest: Path) -> Path:
    shutil.copytree(catalog.data_dir(), dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the data directory, selected with GLOBALFIT_DATA; the plugin-instance cache is
    emptied for the test (and restored afterwards) so the copy is really read."""
    root = _copy_data(tmp_path / "data")
    monkeypatch.setenv("GLOBALFIT_DATA", str(root))
    monkeypatch.setattr(registry, "_INSTANCES", {})
    catalog._catalog.cache_clear()
    catalog._verified.cache_clear()
    assert catalog.data_dir() == root
    yield root
    catalog._catalog.cache_clear()
    catalog._verified.cache_clear()


def test_data_kinds_covered():
    kinds = {Path(e.path).suffix for e in DATA_ENTRIES}
    assert {".yaml", ".npz", ".csv"} <= kinds
    assert {p for p in PLUGINS if registry.get(p).datasets()} <= {e.experiment for e in DATA_ENTRIES}


def _is_plugin_file(entry) -> bool:
    return entry.experiment in registry.plugins()


def test_unmodified_data_copy_is_accepted(data_copy, tmp_path, capsys):
    for entry in DATA_ENTRIES:
        assert catalog.verified_path(entry.path) == data_copy / entry.path
        if _is_plugin_file(entry):
            registry.get(entry.experiment)(dataset=_dataset_of(entry))
    path = tmp_path / "card.yaml"
    path.write_text(yamlio.dumps(_card_for(DATA_ENTRIES[0])))
    assert cli.main(["run", str(path), "--dry-run"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("entry", DATA_ENTRIES, ids=[e.path for e in DATA_ENTRIES])
def test_changed_data_file_is_refused(data_copy, tmp_path, capsys, entry):
    card = _card_for(entry) if _is_plugin_file(entry) else None
    _flip_one_byte(data_copy / entry.path)
    with pytest.raises(DataError) as info:  # the verified loader every reader goes through
        catalog.verified_path(entry.path)
    assert entry.path in str(info.value) and "sha256" in str(info.value), str(info.value)
    if not _is_plugin_file(entry):
        return  # a catalogued file not read by a likelihood plugin (e.g. the epoch table)

    catalog._verified.cache_clear()
    with pytest.raises(DataError) as info:
        registry.get(entry.experiment)(dataset=_dataset_of(entry))
    message = str(info.value)
    assert entry.path in message and "sha256" in message, message

    registry._INSTANCES.clear()
    path = tmp_path / "card.yaml"
    path.write_text(yamlio.dumps(card))
    code = cli.main(["run", str(path), "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 2, out[:400]
    assert entry.path in err and "sha256" in err, err
    assert "Traceback" not in err + out


# ==================================================================================== end to end (processes)
@dataclass
class Proc:
    argv: list[str]
    env: dict
    expect: tuple[str, ...]
    popen: subprocess.Popen | None = None
    result: tuple[int, str, str] | None = None

    def wait(self) -> tuple[int, str, str]:
        if self.result is None:
            out, err = self.popen.communicate(timeout=120)
            self.result = (self.popen.returncode, out, err)
        return self.result


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    """Start every end-to-end `python -m globalfit` process at once (they run in parallel), keyed by case."""
    base = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if k != "GLOBALFIT_DATA"}
    procs: dict[str, Proc] = {}
    for bad in MALFORMED:
        if bad.subprocess:
            path = base / f"{bad.id}.yaml"
            path.write_text(bad.card_text(), encoding="utf-8")
            procs[bad.id] = Proc(bad.argv(str(path)), env, bad.expect)
    # a corrupted data file, end to end (every file and kind is checked in process above)
    for rel in ("nufit/nufit-5.3.npz",):
        entry = next(e for e in DATA_ENTRIES if e.path == rel)
        root = _copy_data(base / f"data-{entry.experiment}")
        _flip_one_byte(root / rel)
        path = base / f"data-{entry.experiment}.yaml"
        path.write_text(yamlio.dumps(_card_for(entry)))
        procs[f"data:{rel}"] = Proc(["run", str(path), "--dry-run"], {**env, "GLOBALFIT_DATA": str(root)},
                                    (rel, "sha256"))
    for p in procs.values():
        p.popen = subprocess.Popen([sys.executable, "-m", "globalfit", *p.argv], cwd=base, env=p.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield procs
    for p in procs.values():
        if p.popen.poll() is None:
            p.popen.kill()
            p.popen.communicate()


E2E_IDS = [b.id for b in MALFORMED if b.subprocess] + ["data:nufit/nufit-5.3.npz"]


@pytest.mark.parametrize("case", E2E_IDS)
def test_end_to_end_exit_2_without_traceback(processes, case):
    proc = processes[case]
    code, out, err = proc.wait()
    assert "Traceback" not in err + out, err
    assert code == 2, (code, err[-2000:])
    for text in proc.expect:
        assert text in err, (text, err)


# ========================================================================================= round trip (bonus)
def test_resolved_card_round_trips_a_numeric_looking_name():
    """(Found by this suite: yamlio.dumps wrote name: 1e5 unquoted, which loads as a float.)"""
    card = load_card({**zprime_base(), "name": "1e5"})
    again = load_card(yamlio.loads(card.to_yaml()))
    assert again.name == "1e5"
