"""Likelihoods with a known evidence, for validating samplers and their ln Z errors (tests/test_evidence_problems.py,
benchmarks/bench_evidence.py).

Every problem lives in the box [−10, 10]^d with a uniform prior (volume V = 20^d) and has Z = ∫ L dx / V known
independently of any sampler:
  gauss      a normalised correlated Gaussian well inside the box: Z = 1/V;
  bimodal    an equal mixture of two normalised Gaussians 8σ apart: Z = 1/V;
  banana     a normalised Gaussian in (x₁, x₂ + b(x₁² − a)) — a curved ridge; the map has unit Jacobian: Z = 1/V;
  shell      a Gaussian shell exp(−(|x − c| − r)²/2w²): Z = S_d ∫ ρ^{d−1} e^{−(ρ−r)²/2w²} dρ / V (S_d the area of the
             unit sphere; the radial integral by adaptive quadrature);
  flat       a normalised Gaussian in d − 1 coordinates, none in the last (a flat direction, like a phase):
             Z = 1/V_{d−1}.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.integrate import quad
from scipy.special import gammaln

HALF_WIDTH = 10.0


@dataclass(frozen=True)
class Problem:
    """A log-likelihood `loglike(x)` of points x (n, d) in the box, and the exact ln Z."""

    name: str
    dim: int
    loglike: Callable[[np.ndarray], np.ndarray]
    logz: float


def _log_volume(dim: int) -> float:
    return dim * math.log(2.0 * HALF_WIDTH)


def _gaussian(mean: np.ndarray, cov: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    inv = np.linalg.inv(cov)
    norm = -0.5 * (len(mean) * math.log(2 * math.pi) + np.linalg.slogdet(cov)[1])
    return lambda x: norm - 0.5 * np.einsum("ni,ij,nj->n", x - mean, inv, x - mean)


def gauss(dim: int, seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(dim, dim))
    cov = 0.5 * (a @ a.T / dim + np.eye(dim))
    return Problem(f"gauss{dim}", dim, _gaussian(rng.uniform(-2, 2, dim), cov), -_log_volume(dim))


def bimodal(dim: int) -> Problem:
    sigma = 0.5
    shift = np.zeros(dim)
    shift[0] = 2.0  # the modes at ±2 along x₁: 8σ apart
    a, b = _gaussian(shift, sigma**2 * np.eye(dim)), _gaussian(-shift, sigma**2 * np.eye(dim))
    return Problem(f"bimodal{dim}", dim, lambda x: np.logaddexp(a(x), b(x)) - math.log(2.0), -_log_volume(dim))


def banana(dim: int = 2, bend: float = 0.5, offset: float = 2.0) -> Problem:
    base = _gaussian(np.zeros(dim), np.eye(dim))

    def loglike(x):
        y = np.array(x, dtype=float, copy=True)
        y[:, 1] = y[:, 1] + bend * (y[:, 0] ** 2 - offset)
        return base(y)

    return Problem(f"banana{dim}", dim, loglike, -_log_volume(dim))


def shell(dim: int, radius: float = 3.0, width: float = 0.1) -> Problem:
    def loglike(x):
        rho = np.sqrt(np.sum(x * x, axis=1))
        return -0.5 * ((rho - radius) / width) ** 2

    log_area = math.log(2.0) + 0.5 * dim * math.log(math.pi) - gammaln(0.5 * dim)
    radial, _ = quad(lambda r: r ** (dim - 1) * math.exp(-0.5 * ((r - radius) / width) ** 2), 0.0, 2 * radius,
                     points=[radius], epsabs=0.0, epsrel=1e-12, limit=200)
    return Problem(f"shell{dim}", dim, loglike, log_area + math.log(radial) - _log_volume(dim))


def flat(dim: int) -> Problem:
    base = _gaussian(np.zeros(dim - 1), np.eye(dim - 1))
    return Problem(f"flat{dim}", dim, lambda x: base(x[:, :-1]), -_log_volume(dim - 1))


def standard() -> list[Problem]:
    """The problems of the benchmark and the tests: Gaussians in 2, 5, 10 and 20 dimensions, a bimodal one, a banana,
    a Gaussian shell and a flat direction."""
    return [gauss(2), gauss(5), gauss(10), gauss(20), bimodal(3), banana(2), shell(3), flat(4)]


def plugin(problem: Problem):
    """A likelihood plugin class (globalfit.likelihood.Likelihood) named after the problem, reading x0 … x{d−1}."""
    from globalfit.likelihood import Likelihood

    names = tuple(f"x{i}" for i in range(problem.dim))

    def loglike(self, q):
        return problem.loglike(np.column_stack([np.asarray(q[n], dtype=float) for n in names]))

    return type(f"Problem_{problem.name}", (Likelihood,), {"name": problem.name, "requires": names,
                                                           "loglike": loglike})


def card(problem: Problem, sampler: dict, seed: int = 1) -> dict:
    """A run card sampling the problem's box with `sampler` (register `plugin(problem)` first)."""
    return {"name": problem.name, "seed": seed, "sampler": sampler, "likelihoods": {problem.name: None},
            "params": {f"x{i}": {"prior": "uniform", "min": -HALF_WIDTH, "max": HALF_WIDTH}
                       for i in range(problem.dim)}}
