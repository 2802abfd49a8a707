"""The small-batch fast paths of the joint posterior (benchmarks/bench_batch.py) compute what the general paths do,
bit for bit: compiled derived-quantity plans, the box test instead of the log prior, the stacked cell location of
several grids (NuFIT), quantities shared by the plugins of one batch (the Z′ branching ratios), and caches that
never outlive what they were built for."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from conftest import gminus2_card, oscillation_params

from globalfit import likelihood as registry
from globalfit import yamlio
from globalfit.card import load_card
from globalfit.errors import LikelihoodNaNError
from globalfit.graph import Provider, QuantityGraph
from globalfit.grids import GridInterpolator, MultilinearSet
from globalfit.likelihood import Batch, Likelihood, batch_call, shared
from globalfit.physics import kaon, zprime_decays
from globalfit.posterior import Posterior
from likelihoods._data import ZP_COUPLINGS, muon_signal_g2, zp_branching_ratios
from likelihoods.nufit.likelihood import OUTSIDE_PENALTY, NuFIT

EXAMPLES = Path(__file__).parents[1] / "examples"


def _bits(a) -> np.ndarray:
    """The bit patterns of a float array (equal also in the sign of zero and the NaN payload)."""
    return np.ascontiguousarray(np.asarray(a, dtype=float)).view(np.int64)


def _identical(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(_bits(a), _bits(b))


def _example(name: str, **model) -> Posterior:
    raw = {k: v for k, v in yamlio.load(EXAMPLES / name).items() if k not in ("variants", "compare")}
    raw["model"] = {**raw.get("model", {}), **model}
    return Posterior(load_card(raw))


def _points(post: Posterior, n: int, seed: int = 0) -> np.ndarray:
    return post.prior_transform(np.random.default_rng(seed).random((n, post.ndim)))


def _reference_loglike(post: Posterior, theta: np.ndarray) -> dict[str, np.ndarray]:
    """Per-plugin log L through the general path: the uncompiled plan, plain dicts (nothing shared), per point."""
    out: dict[str, list] = {name: [] for name in post.plugins}
    for row in theta:
        cols = post.space.columns(row[None])
        params = post.space.values_columns(cols)
        with np.errstate(all="ignore"):
            q, valid = post.model.evaluate(post.plan, post.space.internal(params))
            for name, plugin in post.plugins.items():
                ll = np.asarray(plugin.loglike(dict(q)), dtype=float)
                out[name].append(np.where(valid, ll, -np.inf))
    return {name: np.concatenate(v) for name, v in out.items()}


# ------------------------------------------------------------------------------- batches and single points
@pytest.mark.parametrize("card", ["ordering.yaml", "zprime.yaml", "doublet-higgs.yaml"])
def test_a_batch_equals_its_points_one_by_one(card):
    post = _example(card)
    theta = _points(post, 64)
    ll, lp = post.log_likelihood(theta), post.log_prob(theta)
    ev = post.evaluate(theta)
    assert _identical(ll, np.concatenate([post.log_likelihood(t[None]) for t in theta]))
    assert _identical(lp, np.concatenate([post.log_prob(t) for t in theta]))
    assert _identical(ll, ev.loglike_total) and _identical(lp, ev.logpost)
    reference = _reference_loglike(post, theta)
    for name, values in ev.loglike.items():
        assert _identical(values, reference[name]), name


def test_box_test_shortcut_equals_the_log_prior_path():
    post = _example("ordering.yaml")
    theta = _points(post, 40)
    lo, hi = post.space._lo, post.space._hi
    theta[3, 0], theta[5, 6], theta[7, 2] = lo[0], hi[6], np.nextafter(hi[2], np.inf)  # edges and just outside
    theta[9, 4] = np.nan
    inside = np.isfinite(post.space.log_prior(theta))
    assert not inside[[7, 9]].any() and inside[[3, 5]].all()
    ll = post.log_likelihood(theta)
    assert np.isneginf(ll[~inside]).all()
    assert _identical(ll[inside], post.log_likelihood(theta[inside]))  # the shortcut (all inside) …
    assert not post.space.all_inside(post.space.columns(theta))
    assert post.space.all_inside(post.space.columns(theta[inside]))
    normal = Posterior(load_card(gminus2_card(params={  # … is not taken for normal priors (the log prior decides)
        "m_zp": {"prior": "normal", "mean": 0.05, "sigma": 0.01, "min": 0.001, "max": 1.0},
        "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1}})))
    pts = _points(normal, 10)
    assert not normal.space.all_inside(normal.space.columns(pts))
    assert _identical(normal.log_prob(pts), normal.space.log_prior(pts) + normal.log_likelihood(pts))


def test_counters_count_points_inside_the_prior_and_outside_the_domain():
    post = _example("doublet-higgs.yaml")
    theta = _points(post, 50)
    theta[0, 0] = -1.0  # outside the prior
    ev = post.evaluate(theta[1:])
    post.log_likelihood(theta)
    post.log_prob(theta[1:])
    assert post.ncall == 2 * 49
    assert post.n_outside == 2 * int((~ev.in_domain).sum()) > 0


def test_nan_from_a_plugin_still_raises_on_the_fast_path(register_plugin):
    class NaNAbove(Likelihood):
        name = "nan_above"
        requires = ("delta_a_mu",)

        def loglike(self, q):
            return np.where(q["delta_a_mu"] > 1e-9, np.nan, 0.0)

    register_plugin(NaNAbove)
    post = Posterior(load_card(gminus2_card(likelihoods={"nan_above": None})))
    with pytest.raises(LikelihoodNaNError, match="likelihood 'nan_above' returned nan at .*'g_zp': 0.01"):
        post.log_likelihood(np.array([[0.01, 1e-5], [0.01, 1e-2]]))
    assert post.ncall == 2


# ------------------------------------------------------------------------------------------ compiled plans
def test_compiled_plan_runs_like_evaluate_with_the_options_bound():
    provs = [Provider(("b", "c"), ("a",), lambda a, k: (a * k, 2.5), options=("k",)),
             Provider(("d",), ("b", "c"), lambda b, c: (b + c, b > 0), domain=True)]
    for k in (2.0, -3.0):  # another model option: another graph and plan, never the other's steps
        graph = QuantityGraph({"k": k}, provs)
        plan = graph.plan({"t": ("d",)}, ["a"])
        values = {"a": np.array([1.0, -2.0, 0.5])}
        q_eval, ok_eval = graph.evaluate(plan, values)
        q_run = dict(values)
        ok_run = graph.run(graph.compile(plan), q_run)
        assert list(q_run) == list(q_eval) == ["a", "b", "c", "d"] and _identical(ok_run, ok_eval)
        for name in q_eval:
            assert _identical(q_run[name], q_eval[name])
        assert _identical(q_run["b"], values["a"] * k) and _identical(q_run["c"], np.full(3, 2.5))


def test_nan_in_one_of_several_outputs_names_the_first_one_inside_the_domain():
    graph = QuantityGraph({}, [Provider(("u", "v", "w"), ("a",), lambda a: (a, np.where(a > 1, np.nan, a), a * np.nan),
                                        domain=False)])
    plan = graph.plan({"t": ("u", "v", "w")}, ["a"])
    with pytest.raises(LikelihoodNaNError, match=r"'v' is NaN at \{'a': 2.0\}"):
        graph.evaluate(plan, {"a": np.array([0.5, 2.0])})
    masked = QuantityGraph({}, [Provider(("v",), ("a",), lambda a: (np.where(a > 1, np.nan, a), a <= 1), domain=True)])
    q, ok = masked.evaluate(masked.plan({"t": ("v",)}, ["a"]), {"a": np.array([0.5, 2.0])})
    assert ok.tolist() == [True, False] and np.isnan(q["v"][1])  # outside the domain: allowed


def test_posteriors_of_different_cards_keep_their_own_plans():
    plus, minus = _example("doublet.yaml", doublet_charge=1), _example("doublet.yaml", doublet_charge=-1)
    theta = _points(plus, 20)
    q_plus, q_minus = plus.evaluate(theta).quantities, minus.evaluate(theta).quantities
    assert np.allclose(q_plus["delta_zzp"], -q_minus["delta_zzp"]) and np.any(q_plus["delta_zzp"] != 0)
    for post in (plus, minus, plus):
        assert _identical(post.log_likelihood(theta), sum(_reference_loglike(post, theta).values()))


# ------------------------------------------------------------------------------- grids evaluated together
def _grid_points(axes: list[np.ndarray], n: int, rng: np.random.Generator) -> np.ndarray:
    """Points around the boxes of `axes`: inside, on nodes and edges, just beside nodes, outside, NaN, −0.0."""
    coords = np.empty((len(axes), n))
    for k, ax in enumerate(axes):
        span = ax[-1] - ax[0]
        x = rng.uniform(ax[0] - 0.1 * span, ax[-1] + 0.1 * span, n)
        kind = rng.integers(0, 8, n)
        x[kind == 1] = rng.choice(ax, (kind == 1).sum())
        x[kind == 2] = ax[0]
        x[kind == 3] = ax[-1]
        x[kind == 4] = np.nextafter(rng.choice(ax, (kind == 4).sum()), rng.choice([-np.inf, np.inf]))
        x[kind == 5] = np.nan if k % 2 else -0.0
        coords[k] = x
    return coords


def _inside(coords: np.ndarray, axes: list[np.ndarray]) -> np.ndarray:
    return np.array([np.nan_to_num(np.clip(x, ax[0], ax[-1]), nan=ax[0]) for x, ax in zip(coords, axes)])


def _check_set(grids: list[GridInterpolator], sizes, rng, stack: MultilinearSet | None = None) -> None:
    """MultilinearSet(grids) (or `stack`, a set of them) against each grid's own evaluation and distance, at points
    around and inside, for batches of `sizes` points in turn."""
    stack = MultilinearSet(grids) if stack is None else stack
    axes = [ax for g in grids for ax in g.axes]
    rows = np.cumsum([0, *(len(g.axes) for g in grids)])
    for n in sizes:
        around = _grid_points(axes, n, rng)
        for coords in (around, _inside(around, axes)):
            values, inside = stack.evaluate(coords)
            zero_distance = n > 0
            for value, grid, a, b in zip(values, grids, rows[:-1], rows[1:]):
                assert _identical(value, grid(*coords[a:b])), n
                zero_distance &= not grid.distance(*coords[a:b]).any()  # (NaN counts as non-zero)
            assert inside == zero_distance


def test_grids_evaluated_together_equal_each_grid_on_its_own():
    rng = np.random.default_rng(5)
    uneven = np.cumsum(rng.uniform(0.1, 1.0, 30))
    grids = [GridInterpolator([np.linspace(-1, 2, 7)], rng.normal(size=7), order=1),
             GridInterpolator([uneven, np.linspace(0, 1, 5), np.geomspace(1, 50, 9)], rng.normal(size=(30, 5, 9)),
                              order=1),
             GridInterpolator([np.linspace(0, 3, 4), uneven[:12]], rng.normal(size=(4, 12)), order=1)]
    sizes = (1, 2, 5, 64, 64, 65, 3, 7, 11, MultilinearSet.MAX_STACKED, MultilinearSet.MAX_STACKED + 1, 0)
    _check_set(grids, sizes, rng)
    fine = GridInterpolator([np.array([0.0, 1e-7, 0.5, 1.0])], rng.normal(size=4), order=1)  # binary-search axis
    assert fine._locators[0].bucket is None and not MultilinearSet([fine, grids[0]]).stacked
    _check_set([fine, grids[0]], (1, 64), rng)
    with pytest.raises(ValueError, match="order-1"):
        MultilinearSet([GridInterpolator([np.linspace(0, 1, 5)], np.arange(5.0))])


#: batch sizes in one sequence, as a sampler calls: new sizes, repeated ones, the largest stacked one and beyond, and
#: smaller ones after it (the per-axis constants are views of arrays of MAX_STACKED columns, nothing per size)
_SEQUENCE = (1, 2, 3, 63, 64, 65, 300, 511, 512, 513, 1000, 64, 1, 1000, MultilinearSet.MAX_STACKED - 1,
             MultilinearSet.MAX_STACKED, MultilinearSet.MAX_STACKED + 1, 3, 65, 300, 300, 512, 999,
             MultilinearSet.MAX_STACKED, 2, 1000, 0, 1)


def _values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random values with a few ±inf and NaN (whose corner terms are NaN also at weight 0: a wrong cell shows)."""
    values = rng.normal(size=shape)
    values[rng.random(shape) < 0.04] = rng.choice([np.inf, -np.inf, np.nan])
    return values


def test_grids_evaluated_together_for_batch_sizes_in_any_order():
    rng = np.random.default_rng(8)
    grids = [GridInterpolator([np.linspace(0, 1, 2), np.cumsum(rng.uniform(0.2, 1.0, 17))], _values(rng, (2, 17)),
                              order=1),  # an axis of one cell (its last cell is its first)
             GridInterpolator([np.geomspace(0.1, 10, 6)], rng.normal(size=6), order=1),
             GridInterpolator([np.linspace(-2, 2, 9), np.linspace(0, 1, 3), np.linspace(5, 6, 4)],
                              _values(rng, (9, 3, 4)), order=1)]
    stack = MultilinearSet(grids)
    state = {k: (v, v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(stack).items()}
    with np.errstate(invalid="ignore"):  # inf × 0
        _check_set(grids, _SEQUENCE, rng, stack)
    assert vars(stack).keys() == state.keys()  # nothing kept per batch size, no constant changed
    for k, (v, copy_) in state.items():
        assert vars(stack)[k] is v and (not isinstance(v, np.ndarray) or np.array_equal(v, copy_, equal_nan=True))

    class Small(MultilinearSet):  # a smaller limit: batches on both sides of it, in turn
        MAX_STACKED = 40

    small = Small(grids)
    with np.errstate(invalid="ignore"):
        _check_set(grids, (1, 39, 40, 41, 64, 40, 2, 41), rng, small)
    assert small.max_stacked == 40 and small._lo_wide.shape[-1] == 40 and stack.max_stacked == MultilinearSet.MAX_STACKED


def test_nufit_tables_for_batch_sizes_in_any_order():
    tables = NuFIT("nufit-5.3").tables["NO"]
    _check_set([tables.t3, tables.t2, tables.t1], _SEQUENCE, np.random.default_rng(9), tables.grids)


@pytest.mark.parametrize("dataset", ["nufit-5.3", "nufit-5.2"])
def test_nufit_tables_located_once_equal_each_table_on_its_own(dataset):
    nufit = NuFIT(dataset)
    rng = np.random.default_rng(2)
    for tables in nufit.tables.values():
        _check_set([tables.t3, tables.t2, tables.t1], (1, 64, 300), rng)


def _nufit_chi2_per_table(nufit: NuFIT, s12, s13, s23, delta, dm21, dm3l) -> np.ndarray:
    """χ² as each table looks its cells up on its own (the interpolation of each GridInterpolator)."""
    dcp = np.mod(np.degrees(delta) + 180.0, 360.0) - 180.0
    out = np.empty(len(s12))
    for k in range(len(s12)):
        t = nufit.tables["IO" if dm3l[k] < 0 else "NO"]
        x = [np.array([v[k]]) for v in (s12, s13, s23, dcp, dm21, dm3l)]
        log_dm21 = np.log10(np.maximum(x[4], 1e-30))
        chi = t.t3(x[2], x[5], x[3]) + t.t2(x[0], log_dm21) - t.offset + t.t1(x[1]) - t.offset
        dist2 = (t.t3.distance(x[2], x[5], x[3]) ** 2 + t.t2.distance(x[0], log_dm21) ** 2
                 + t.t1.distance(x[1]) ** 2)
        out[k] = (chi + OUTSIDE_PENALTY * dist2)[0]
    return out


def test_nufit_batches_of_both_orderings_and_outside_the_tables():
    nufit = NuFIT("nufit-5.3")
    rng = np.random.default_rng(3)
    n = 60
    s12, s13, s23 = rng.uniform(0.15, 0.4, n), rng.uniform(0.0, 0.08, n), rng.uniform(0.2, 0.8, n)
    delta, dm21 = rng.uniform(-7.0, 7.0, n), rng.uniform(5e-5, 9e-5, n)
    dm3l = rng.choice([-1.0, 1.0], n) * rng.uniform(1e-4, 8e-3, n)
    dm3l[5] = np.nan
    for sl in (slice(None), dm3l > 0, dm3l < 0, slice(0, 1), slice(5, 6), slice(0, 0)):
        args = [a[sl] for a in (s12, s13, s23, delta, dm21, dm3l)]
        assert _identical(nufit.chi2(*args), _nufit_chi2_per_table(nufit, *args))
    assert _identical(nufit.chi2(0.3, 0.022, 0.5, 1.0, 7.4e-5, 2.5e-3),
                      _nufit_chi2_per_table(nufit, *(np.array([v]) for v in (0.3, 0.022, 0.5, 1.0, 7.4e-5, 2.5e-3)))[0])


# ------------------------------------------------------------------------------------- shared per batch
def test_shared_computes_once_per_batch_and_every_time_without_a_batch():
    calls = []

    def compute():
        calls.append(1)
        return np.arange(3.0)

    q = Batch({"a": np.zeros(3)})
    first = shared(q, "key", compute)
    assert shared(q, "key", compute) is first and len(calls) == 1
    assert shared(Batch(q), "key", compute) is not first and len(calls) == 2  # a new batch: a new memo
    plain = dict(q)
    shared(plain, "key", compute), shared(plain, "key", compute)
    assert len(calls) == 4
    assert batch_call(q, np.add, ("a", "a")) is batch_call(q, np.add, ("a", "a"))


def test_plugins_of_one_batch_share_a_computation_and_later_batches_do_not_see_it(register_plugin):
    seen = []

    def plugin(name):
        def loglike(self, q):
            value = shared(q, "sum", lambda: q["m_zp"] + q["g_zp"])
            seen.append((name, id(value)))
            return np.zeros_like(value) - value * 0.0

        return type(name, (Likelihood,), {"name": name, "requires": ("m_zp", "g_zp"), "loglike": loglike})

    register_plugin(plugin("share_a"))
    register_plugin(plugin("share_b"))
    post = Posterior(load_card(gminus2_card(likelihoods={"share_a": None, "share_b": None})))
    post.log_likelihood(_points(post, 8))
    post.log_likelihood(_points(post, 8, seed=1))
    (_, a1), (_, b1), (_, a2), (_, b2) = seen
    assert a1 == b1 and a2 == b2 and [s[0] for s in seen] == ["share_a", "share_b"] * 2


def test_shared_branching_ratios_equal_the_physics_functions():
    post = _example("zprime.yaml")
    theta = _points(post, 64)
    q = post.space.internal(post.space.values_columns(post.space.columns(theta)), into=Batch())
    with np.errstate(all="ignore"):
        post.model.run(post._steps, q)
    args = [q[k] for k in ("m_zp", "g_zp", *ZP_COUPLINGS)]
    couplings = dict(zip(ZP_COUPLINGS, args[2:]))
    full = zprime_decays.branching_ratios(*args)
    shared_br = zp_branching_ratios(q)
    assert zp_branching_ratios(q) is shared_br and all(_identical(full[k], shared_br[k]) for k in full)
    for channel in ("mumu", "invisible"):
        assert _identical(muon_signal_g2(q, channel),
                          zprime_decays.muon_signal_g2(q["m_zp"], q["g_zp"], channel, **couplings))
    assert _identical(kaon.br_zp_invisible(*args), shared_br["invisible"])
    for name in ("babar", "na62"):  # the shared path (a Batch, all valid) against masked inputs (a plain dict)
        plugin = post.plugins[name]
        with np.errstate(all="ignore"):
            assert _identical(plugin.loglike(Batch(q)), plugin.loglike(dict(q)))
            bad = dict(q, g_zp=np.where(np.arange(64) == 7, np.nan, q["g_zp"]))  # one invalid point: masked path
            masked = plugin.loglike(bad)
        assert np.isneginf(masked[7]) and _identical(np.delete(masked, 7), np.delete(plugin.loglike(dict(q)), 7))


def test_a_card_change_is_never_served_from_another_cards_caches():
    base = yamlio.load(EXAMPLES / "ordering.yaml")
    base = {k: v for k, v in base.items() if k not in ("variants", "compare")}
    io = copy.deepcopy(base)
    io["model"]["ordering"] = "IO"
    io["params"]["dm3lsq"] = {"prior": "uniform", "min": -2.7e-3, "max": -2.3e-3}
    older = copy.deepcopy(base)
    older["likelihoods"]["nufit"]["dataset"] = "nufit-5.2"
    posts = [Posterior(load_card(c)) for c in (base, io, older)]
    u = np.random.default_rng(4).random((64, 9))
    for post in [*posts, posts[0]]:
        theta = post.prior_transform(u)
        ll = post.log_likelihood(theta)
        assert _identical(ll, sum(_reference_loglike(post, theta).values()))
    assert registry.instance("nufit", "nufit-5.2", {}) is not registry.instance("nufit", "nufit-5.3", {})
    assert oscillation_params()["dm3lsq"]["min"] > 0  # the card files themselves are untouched
