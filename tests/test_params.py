"""Priors: the unit-cube transform is the inverse CDF of the normalised log-pdf; the vectorized log-prior
of the parameter space equals the sum of the one-dimensional ones."""
import numpy as np
import pytest
from scipy.integrate import quad

from globalfit.params import Fixed, LogUniform, Normal, ParameterSpace, Uniform

PRIORS = [Uniform(-2.0, 3.0), LogUniform(1e-5, 1e-1), Normal(0.3, 0.7), Normal(1.0, 2.0, min=0.0, max=3.0),
          Normal(0.0, 1.0, min=4.0, max=6.0)]


@pytest.mark.parametrize("prior", PRIORS, ids=lambda p: repr(p))
def test_transform_is_inverse_cdf_of_normalised_pdf(prior):
    lo, hi = prior.bounds
    lo = max(lo, prior.from_unit(np.array([1e-12]))[0])
    hi = min(hi, prior.from_unit(np.array([1 - 1e-12]))[0])
    pdf = lambda x: float(np.exp(prior.logpdf(np.array([x]))[0]))  # noqa: E731
    pts = [prior.median]
    assert quad(pdf, lo, hi, points=pts, limit=200)[0] == pytest.approx(1.0, abs=1e-8)
    for u in (0.05, 0.3, 0.5, 0.9):
        x = prior.from_unit(np.array([u]))[0]
        assert quad(pdf, lo, x, limit=200)[0] == pytest.approx(u, abs=1e-7)


def test_outside_support_is_minus_inf():
    assert np.all(np.isneginf(Uniform(0, 1).logpdf(np.array([-0.1, 1.1]))))
    assert np.all(np.isneginf(LogUniform(1e-3, 1).logpdf(np.array([0.0, -1.0, 2.0]))))
    assert np.isneginf(Normal(0, 1, min=0).logpdf(np.array([-1e-9]))[0])


def test_space_log_prior_matches_sum_and_skips_fixed():
    priors = {"a": Uniform(-2, 3), "b": LogUniform(1e-5, 1e-1), "c": Fixed(4.0), "d": Normal(1, 2, min=0, max=3),
              "e": Normal(0.3, 0.7)}
    space = ParameterSpace(priors)
    assert space.names == ["a", "b", "d", "e"] and space.fixed == {"c": 4.0}
    rng = np.random.default_rng(0)
    theta = space.from_unit(rng.random((500, 4)))
    theta[::7, 0] = 5.0  # some points outside the support
    ref = sum(priors[k].logpdf(theta[:, j]) for j, k in enumerate(space.names))
    got = space.log_prior(theta)
    assert np.array_equal(np.isneginf(got), np.isneginf(ref))
    ok = np.isfinite(ref)
    assert np.allclose(got[ok], ref[ok], rtol=1e-12, atol=1e-12)
    vals = space.values(theta[:3])
    assert np.all(vals["c"] == 4.0) and vals["a"].shape == (3,)


@pytest.mark.parametrize("priors", [
    {"a": Uniform(-2.0, 3.0), "b": LogUniform(1e-5, 1e-1), "c": Fixed(4.0), "d": Normal(0.3, 0.7),
     "e": LogUniform(1e-3, 10.0), "f": Uniform(0.0, 1e-3)},
    {"a": Uniform(-2.0, 3.0), "b": LogUniform(1e-5, 1e-1), "e": LogUniform(1e-3, 10.0)},  # no other column
    {"d": Normal(0.3, 0.7), "g": Normal(1.0, 2.0, min=0.0, max=3.0)},  # no uniform or log-uniform column
], ids=["mixed", "flat-only", "normal-only"])
def test_space_transform_is_each_priors_transform_bit_for_bit(priors):
    """The uniform and log-uniform columns are transformed together; each value must equal the prior's own
    from_unit exactly (same card + seed ⇒ same chains), the ends of the cube included."""
    space = ParameterSpace(priors)
    rng = np.random.default_rng(1)
    for n in (1, 64, 1001):
        u = rng.random((n, space.ndim))
        u[0], u[-1] = 0.0, np.nextafter(1.0, 0.0)
        ref = np.column_stack([priors[k].from_unit(u[:, j]) for j, k in enumerate(space.names)])
        got = space.from_unit(u)
        assert got.tobytes() == ref.tobytes()
        assert np.all((got >= space._lo) & (got <= space._hi))
