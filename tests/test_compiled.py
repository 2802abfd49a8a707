"""The fused, compiled log-likelihood (card key `compiled: true`; globalfit/compiled.py, docs/compiled.md) against the
numpy evaluation it replaces: the same log L to rounding on the ordering study's four cards, inside and outside the
NuFIT tables, the KamLAND-Zen tails and every option of the plugins with kernels; −inf and the outside count where the
model has no solution; the numpy fall-back; the errors; reproducible runs. Speed: benchmarks/bench_samplers.py."""
from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from globalfit import compiled, samplers
from globalfit.card import load_card
from globalfit.errors import CardError
from globalfit.model import get_model
from globalfit.posterior import Posterior
from globalfit.study import load_study

pytest.importorskip("numba")

EXAMPLES_DIR = Path(__file__).parents[1] / "examples"
RNG = np.random.default_rng(20261206)
REL = 1e-13  # rounding: the kernels call the C library's log10/cos/sin/hypot/log, numpy its vectorized ones


@pytest.fixture(scope="module")
def ordering_cards():
    return load_study(EXAMPLES_DIR / "ordering.yaml").cards


def _pair(card):
    return Posterior(card), Posterior(dataclasses.replace(card, compiled=True))


def _close(a, b, scale=None, rel=REL):
    """Equal to rounding: −inf at the same points, else within `rel` of log L (`scale`, default a)."""
    fin = np.isfinite(a)
    scale = np.abs(a if scale is None else scale)
    assert np.array_equal(fin, np.isfinite(b)) and np.array_equal(a[~fin], b[~fin])
    assert np.all(np.abs(b[fin] - a[fin]) <= rel * np.maximum(scale[fin], 1.0))


@pytest.mark.parametrize("variant", ["NO-log", "IO-log", "NO-flat", "IO-flat"])
def test_equals_numpy_on_the_ordering_study(ordering_cards, variant):
    numpy_post, fused_post = _pair(ordering_cards[variant])
    assert fused_post.fused is not None and numpy_post.fused is None
    theta = numpy_post.prior_transform(RNG.random((3000, numpy_post.ndim)))
    for batch in (theta[:1], theta[:64], theta):  # a single point is a batch of one
        loglike = numpy_post.log_likelihood(batch)
        _close(loglike, fused_post.log_likelihood(batch))
    _close(numpy_post.log_prob(theta), fused_post.log_prob(theta), scale=loglike)
    assert fused_post.ncall == numpy_post.ncall  # every point counted, as numpy counts them
    outside = theta.copy()
    outside[::3, 0] = -1.0  # s12sq below its prior: log_prob −inf there, the others through the fused loop
    _close(numpy_post.log_prob(outside), fused_post.log_prob(outside), scale=loglike)


def test_outside_the_tables_and_outside_the_model(ordering_cards):
    """Priors wider than NuFIT's tables (the outside penalty) and than the ordering allows (Δm²31 < Δm²21: no NO
    spectrum, −inf and counted outside)."""
    card = ordering_cards["NO-log"]
    wide = {"s12sq": (0.1, 0.6), "s13sq": (0.0, 0.08), "s23sq": (0.2, 0.8), "dm21sq": (1e-6, 5e-4),
            "dm3lsq": (1e-5, 6e-3), "m_lightest": (1e-6, 10.0)}
    raw = card.to_dict()
    for k, (lo, hi) in wide.items():
        raw["params"][k] = {"prior": raw["params"][k]["prior"], "min": lo, "max": hi}
    numpy_post, fused_post = _pair(load_card(raw))
    theta = numpy_post.prior_transform(RNG.random((5000, numpy_post.ndim)))
    a, b = numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta)
    _close(a, b)
    assert 0 < np.isinf(a).sum() < len(a)  # both kinds of points present
    assert fused_post.n_outside == numpy_post.n_outside == np.isinf(a).sum()
    nufit = numpy_post.plugins["nufit"].tables["NO"]
    coords = np.array([theta[:, 2], theta[:, 5], theta[:, 3], theta[:, 0], np.log10(theta[:, 4]), theta[:, 1]])
    assert not nufit.grids.inside(coords)  # the penalty was exercised


@pytest.mark.parametrize("texture", ["B3", "B4", "C"])
@pytest.mark.parametrize("ordering", ["NO", "IO"])
def test_every_texture_kernel_against_its_provider(texture, ordering):
    """The six texture kernels point by point against the numpy provider (the fused loops of two of them below):
    the same domain, the outputs to the rounding the texture solution amplifies."""
    import importlib

    from models import neutrino_sector

    provider = next(p for p in neutrino_sector.QUANTITIES.providers if p.kernel and "texture_" in p.kernel)
    module, name = provider.kernel.format(texture=texture, ordering=ordering).split(":")
    kernel = getattr(importlib.import_module(module), name)
    rng = np.random.default_rng(7)
    n = 5000
    s23 = np.where(np.arange(n) % 2 == 0, rng.uniform(0.35, 0.68, n), rng.uniform(0.495, 0.505, n))  # C-IO: near ½
    x = (rng.uniform(0.25, 0.37, n), rng.uniform(0.018, 0.026, n), s23,
         rng.uniform(0.0, 2 * np.pi, n), rng.uniform(6.8e-5, 8.0e-5, n))
    *outputs, valid = provider.func(*x, texture=texture, ordering=ordering)
    got = np.array([kernel(*(float(c[i]) for c in x)) for i in range(n)])
    assert np.array_equal(got[:, -1].astype(bool), valid) and valid.sum() >= 20
    for k, out in enumerate(outputs):
        a, b = np.asarray(out, dtype=float)[valid], got[valid, k]
        assert np.all(np.abs(b - a) <= 1e-10 * np.maximum(np.abs(a), 1e-3 * np.max(np.abs(a))))


@pytest.mark.parametrize("variant", ["C-NO-53", "B4-IO-53"])  # minors and zeros, both orderings (each
def test_two_zero_textures(variant):  # card structure compiles for ≈ 4 s; the six agree, checked by hand)
    """The texture study's cards: masses, Majorana phases and Δm²3ℓ solved from the zero conditions per point, −inf
    where the texture has no solution in the ordering (most of the prior for some). The solution amplifies rounding
    (m₁ = √(Δm²21/(|R₂|² − 1)) with |R₂| near 1; far from NuFIT's tables the penalty 10⁴ d² adds to it): measured up to
    5.9e−12 relative over 20000 prior points per card, at log L ≈ −10⁴; 1e−11 allowed."""
    card = load_study(EXAMPLES_DIR / "textures.yaml").cards[variant]
    numpy_post, fused_post = _pair(card)
    theta = numpy_post.prior_transform(np.random.default_rng(5).random((10000, numpy_post.ndim)))
    a = numpy_post.log_likelihood(theta)
    _close(a, fused_post.log_likelihood(theta), rel=1e-11)
    assert fused_post.n_outside == numpy_post.n_outside
    assert np.isfinite(a).sum() > 20  # enough points with a solution to compare


@pytest.mark.parametrize("variant", ["NO-log", "IO-log"])
def test_the_older_nufit_release(ordering_cards, variant):
    raw = ordering_cards[variant].to_dict()
    raw["likelihoods"]["nufit"] = {"dataset": "nufit-5.2"}
    numpy_post, fused_post = _pair(load_card(raw))
    theta = numpy_post.prior_transform(RNG.random((500, numpy_post.ndim)))
    _close(numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta))


def test_truncated_normal_prior(ordering_cards):
    """Points beyond a truncated normal prior get −inf from log_likelihood, inside it the fused log L; an untruncated
    one has no box."""
    raw = ordering_cards["NO-log"].to_dict()
    raw["params"]["s13sq"] = {"prior": "normal", "mean": 0.0222, "sigma": 0.0007, "min": 0.0215, "max": 0.023}
    raw["params"]["alpha21"] = {"prior": "normal", "mean": 180.0, "sigma": 60.0}
    numpy_post, fused_post = _pair(load_card(raw))
    theta = numpy_post.prior_transform(RNG.random((400, numpy_post.ndim)))
    theta[::4, 1] = RNG.uniform(0.019, 0.026, 100)  # partly beyond the truncation
    a = numpy_post.log_likelihood(theta)
    _close(a, fused_post.log_likelihood(theta))
    assert 0 < np.isinf(a).sum() < 100


def test_kamland_zen_marginal_over_its_whole_range():
    """The spline table, the power series below it and the asymptotic closed form above it."""
    from likelihoods.kamland_zen import KamLANDZen
    from likelihoods.kamland_zen.kernel import loglike_marginal

    plugin = KamLANDZen()
    m = np.concatenate([[0.0], np.logspace(-9, 4, 1500)])  # eV: below the table (< 1e-5 eV), inside, above (> 1 keV)
    data = plugin.kernel().data
    got = np.array([loglike_marginal(x, data) for x in m])
    want = plugin.loglike_marginal(m)
    assert np.all(np.abs(got - want) <= REL * np.maximum(np.abs(want), 1e-300))
    k, z90sq, m_lo, m_hi = data[:4]
    a = 0.5 * z90sq * (m / k) ** 4
    y0, last, inv_h = data[7], data[9], data[8]
    assert (a * m_hi**4 < 1e-12).any() and (np.log(a[1:]) > y0 + (last + 1) / inv_h).any()  # both tails reached


@pytest.mark.parametrize("nme", ["conservative", "nuisance"])
def test_kamland_zen_fixed_matrix_element(nme):
    from likelihoods.kamland_zen import KamLANDZen
    from likelihoods.kamland_zen import kernel as kz

    plugin = KamLANDZen(nme=nme)
    kernel = plugin.kernel()
    m, nme_value = np.logspace(-4, 0, 200), RNG.uniform(1.0, 5.0, 200)
    q = {"m_betabeta": m, "nme_xe136": nme_value}
    func = getattr(kz, kernel.func.split(":")[1])
    got = np.array([func(x, y, kernel.data) if nme == "nuisance" else func(x, kernel.data)
                    for x, y in zip(m, nme_value)])
    np.testing.assert_allclose(got, plugin.loglike(q), rtol=REL, atol=0)


@pytest.mark.parametrize("dataset,shape", [("desi-dr2", "half-normal"), ("desi-dr2", "cut"),
                                           ("choudhury2020-v3", "half-normal"), ("choudhury2020-v3", "cut")])
def test_cosmology_options(dataset, shape):
    from likelihoods.cosmology import CosmologySumMnu
    from likelihoods.cosmology import kernel as ck

    plugin = CosmologySumMnu(dataset, shape=shape)
    kernel = plugin.kernel()
    s, dm3l = RNG.uniform(0.0, 0.4, 400), RNG.choice([2.5e-3, -2.5e-3], 400)
    func = getattr(ck, kernel.func.split(":")[1])
    got = np.array([func(x, d, kernel.data) if plugin.by_ordering else func(x, kernel.data) for x, d in zip(s, dm3l)])
    want = plugin.loglike({"sum_mnu": s, "dm3lsq": dm3l})
    assert np.array_equal(np.isinf(got), np.isinf(want))
    np.testing.assert_allclose(got[np.isfinite(want)], want[np.isfinite(want)], rtol=REL, atol=0)


def test_constants_are_the_plugins():
    from likelihoods.cosmology import kernel as ck
    from likelihoods.cosmology.likelihood import Z95
    from likelihoods.nufit import OUTSIDE_PENALTY
    from likelihoods.nufit import kernel as nk

    assert nk.OUTSIDE_PENALTY == OUTSIDE_PENALTY and ck.Z95 == Z95


def test_nan_or_inf_goes_to_numpy(ordering_cards):
    """The fused loop returns −1 for a NaN quantity or log L and −2 for a point outside the prior's box; the posterior
    then evaluates the batch with numpy, which raises or (here) gives its own values."""
    numpy_post, fused_post = _pair(ordering_cards["NO-log"])
    theta = numpy_post.prior_transform(RNG.random((50, numpy_post.ndim)))
    fused = fused_post.fused
    nan_scale = fused.scale.copy()
    nan_scale[3] = math.nan  # δ_CP (a converted column): m_ββ and NuFIT's χ² NaN
    out = np.empty(50)
    assert fused.func(theta, fused.lo, fused.hi, nan_scale, fused.fixed, out, *fused.data) == -1
    assert fused(theta, out) == 0
    outside = theta.copy()
    outside[3, 0] = -1.0
    assert fused(outside, out) == -2
    _close(numpy_post.log_likelihood(outside), fused_post.log_likelihood(outside))
    calls = []
    fused_post.fused = lambda t, out: calls.append(1) or -1
    np.testing.assert_array_equal(fused_post.log_likelihood(theta), numpy_post.log_likelihood(theta))
    assert calls


def test_missing_kernels_are_named(ordering_cards, monkeypatch):
    raw = {"name": "forecast-compiled", "params": {"m_zp": 0.01, "g_zp": {"prior": "log-uniform", "min": 1e-6, "max": 1e-2}},
           "likelihoods": {"gminus2": {}, "trident_forecast": {}}}
    model = type(get_model("lmu-ltau"))
    providers = [dataclasses.replace(p, kernel=None) if p.outputs == ("delta_a_mu",) else p
                 for p in get_model("lmu-ltau").quantities(None)]
    monkeypatch.setattr(model, "quantities", lambda self, options: providers)  # a quantity without a kernel
    with pytest.raises(CardError) as err:
        Posterior(load_card({**raw, "compiled": True}))
    text = str(err.value)
    assert "compiled: likelihood 'trident_forecast'" in text and "no compiled kernel" in text and "docs/compiled.md" in text
    assert "delta_a_mu have no compiled kernel" in text
    raw = ordering_cards["NO-log"].to_dict()
    raw["likelihoods"]["nufit"] = {"dataset": "nufit-3.0-1d"}
    with pytest.raises(CardError, match="nufit-3.0-1d has no compiled kernel"):
        Posterior(load_card({**raw, "compiled": True}))


def test_without_numba_the_card_says_what_to_install(ordering_cards, monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    with pytest.raises(CardError, match=r"compiled: compiled evaluation needs numba.*pip install 'globalfit\[fast\]'"):
        Posterior(dataclasses.replace(ordering_cards["NO-log"], compiled=True))


def test_card_key(ordering_cards):
    raw = ordering_cards["NO-log"].to_dict()
    assert "compiled" not in raw  # written only when true: older cards hash as before
    card = load_card({**raw, "compiled": True})
    assert card.compiled and card.to_dict()["compiled"] is True
    assert card.sha256() != load_card(raw).sha256()
    with pytest.raises(CardError, match="compiled: expected true or false, got 'yes'"):
        load_card({**raw, "compiled": "yes"})
    assert load_card(raw, sets=["compiled=true"]).compiled


def test_generated_module_is_cached(ordering_cards, tmp_path, monkeypatch):
    monkeypatch.setenv("GLOBALFIT_KERNEL_CACHE", str(tmp_path))
    first = Posterior(dataclasses.replace(ordering_cards["NO-log"], compiled=True)).fused
    again = Posterior(dataclasses.replace(ordering_cards["NO-flat"], compiled=True)).fused  # the same structure
    other = Posterior(dataclasses.replace(ordering_cards["IO-log"], compiled=True)).fused
    assert first.source == again.source != other.source
    assert first.source.parent == tmp_path and sorted(p.name for p in tmp_path.glob("*.py")) == sorted(
        {first.source.name, other.source.name})
    text = first.source.read_text()
    assert "from likelihoods.nufit.kernel import loglike" in text and "masses_NO" in text


def test_runs_are_reproducible_and_agree_with_numpy(ordering_cards):
    raw = ordering_cards["NO-log"].to_dict()
    raw["sampler"] = {"name": "lockstep", "progress": False, "lockstep": {"nlive": 60}}
    out = []
    for flag in (True, True, False):
        card = load_card({**raw, "compiled": flag, "seed": 5})
        out.append(samplers.run(Posterior(card), card.sampler, card.seed, progress=False))
    a, b, ref = out
    assert np.array_equal(a.theta, b.theta) and a.logz == b.logz and a.ncall == b.ncall
    assert abs(a.logz - ref.logz) < 3 * math.hypot(a.logzerr, ref.logzerr)


def test_source_of_a_structure():
    """The generated loop checks the prior box, reads the parameters in card units × their factors, the fixed ones
    from `fixed`, stops at the domain flag and adds the plugins' log L in card order."""
    pieces = [compiled.Piece("m:q", ("a", "b"), ("c", "d"), domain=True), compiled.Piece("m:f", ("c", "x"), data=())]
    text = compiled.source(["a", "b"], ["x"], [False, True], pieces)
    assert "= theta[p, 0]\n" in text and "= theta[p, 1] * scale[1]" in text and "= fixed[0]" in text
    assert text.index("return -2") < text.index("n_outside = 0")  # the prior box first
    assert text.index("valid = valid and ok") < text.index("if not valid:") < text.index("total += k1(")
    compile(text, "generated", "exec")


@pytest.mark.parametrize("slices", [1, 4])
def test_compiled_slice_bookkeeping_gives_the_same_chains(slices):
    """lockstep's slice chains with the compiled bookkeeping (globalfit.samplers.slice_kernels) against the numpy one:
    the same points, log L and counts bit for bit — a narrow Gaussian near a face of the cube (steps out of it), a
    periodic coordinate, and a threshold that makes chains shrink many times."""
    from globalfit.samplers.lockstep import SliceChains

    d = 4
    centre, width = np.array([0.05, 0.5, 0.7, 0.3]), np.array([0.02, 0.1, 0.05, 0.2])

    def loglike(v):
        return -0.5 * np.sum(((v - centre) / width) ** 2, axis=1)

    rng = np.random.default_rng(7)
    start = centre + width * rng.standard_normal((40, d)) * 0.3
    start = np.clip(start, 1e-3, 1 - 1e-3)
    lstar = float(np.min(loglike(start))) - 1e-9
    axes = np.diag(width) * 2.0
    out = []
    for compiled_flag in (False, True):
        chains = SliceChains(loglike, lambda u: u.copy(), np.random.default_rng(11), [3], compiled=compiled_flag)
        out.append(chains.run(start.copy(), lstar, axes, 1.0, slices))
    (x0, v0, l0, s0), (x1, v1, l1, s1) = out
    assert np.array_equal(x0, x1) and np.array_equal(v0, v1) and np.array_equal(l0, l1)
    assert (s0.points, s0.rounds, s0.expansions, s0.contractions) == (s1.points, s1.rounds, s1.expansions,
                                                                      s1.contractions)
    assert s0.contractions > 0 and s0.expansions > 0 and np.all(l0 > lstar)


def test_list_says_what_has_a_kernel(capsys):
    from globalfit.cli import main

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    blocks = {b.split("  [", 1)[0]: b for b in out.split("\n\n")}
    assert all("compiled: has a kernel" in blocks[n] for n in ("nufit", "cosmology", "kamland_zen", "gminus2"))
    assert "compiled:" not in blocks["trident_forecast"] and "compiled:" not in blocks["muone"]
    assert all("compiled: has a kernel" in blocks[n] for n in ("neff", "cms_4mu", "na64e", "belle2_invisible"))
    assert "sum_mnu ← f(m1, m2, m3)  [compiled kernel]" in out and "delta_a_mu ← f(m_zp, g_zp)  [compiled" in out
    assert "tan_beta, delta_zzp, eps_z ← f(m_zp, g_zp)  [when higgs ∈ {doublet}]  [compiled kernel]" in out


def test_the_cache_name_covers_what_the_kernels_import():
    """A kernel module's imports from the project (the texture zeros of globalfit.physics.neutrino) are hashed into the
    generated module's name with the kernel modules themselves."""
    import inspect

    from globalfit.physics import neutrino

    texts = compiled._sources(["models.neutrino_kernels"])
    assert inspect.getsource(neutrino).encode() in texts and len(texts) == 2
    # transitively, and modules imported by name: babar's kernel → zprime_kernels → kaon, zprime_decays (constants
    # captured) → constants; the lmu-ltau kernels → loop_kernels (the g−2 table's kernel they link in)
    from globalfit.physics import constants, kaon, loop_kernels, zprime_decays

    texts = compiled._sources(["likelihoods.babar.kernel", "models.lmu_ltau.kernels"])
    assert all(inspect.getsource(m).encode() in texts for m in (kaon, zprime_decays, constants, loop_kernels))
