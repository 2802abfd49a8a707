"""The one place that touches dynesty's and emcee's internals — what their documentation does not promise.

globalfit's vectorized proposals (batch.py), segmented static runs with checkpoints (nested.py) and emcee
resumes (mcmc.py) rely on classes and attributes that change between releases: dynesty's
``internal_samplers`` (3.0+), ``utils.LogLikelihood``/``LoglOutput``/``get_random_generator``, the sampler's
``saved_run`` and live-point arrays; emcee's in-memory backend arrays. They are reached only through this
module, and `check_versions` refuses a release outside the series tested (pyproject.toml pins the same).
"""
from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata
from typing import Any

import numpy as np

from globalfit.errors import GlobalfitError

#: package → (lowest supported version, first unsupported version); the series the tests run on
SUPPORTED = {"dynesty": ((3, 1), (3, 2)), "emcee": ((3, 1), (3, 2))}


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for p in text.split(".")[:3]:
        digits = "".join(ch for ch in p if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def check_versions(installed: dict[str, str] | None = None) -> None:
    """Raise GlobalfitError naming the package, its version and the supported range if dynesty or emcee is
    outside the tested series. `installed` overrides the installed versions (tests)."""
    for pkg, (lo, hi) in SUPPORTED.items():
        version = (installed or {}).get(pkg) or metadata.version(pkg)
        v = _version_tuple(version)
        if not lo <= v[:2] < hi:
            need = f">={'.'.join(map(str, lo))},<{'.'.join(map(str, hi))}"
            raise GlobalfitError(f"{pkg} {version} is installed, but globalfit uses its internals and is tested with "
                                 f"{pkg}{need}; install that with pip install '{pkg}{need}'")


#: optional engines (the extra ``globalfit[engines]``): package → (distribution, lowest, first unsupported version);
#: only their documented APIs are used, checked when a run selects them
OPTIONAL = {"ultranest": ("ultranest", (4, 6), (5, 0)), "nautilus": ("nautilus-sampler", (1, 0), (2, 0))}


def require_engine(name: str, installed: str | None = None) -> str:
    """The installed version of the optional engine `name` ("ultranest", "nautilus"); GlobalfitError naming the
    pip command if it is missing or outside the tested series. `installed` overrides the version (tests)."""
    dist, lo, hi = OPTIONAL[name]
    need = f">={'.'.join(map(str, lo))},<{'.'.join(map(str, hi))}"
    try:
        version = installed or metadata.version(dist)
    except metadata.PackageNotFoundError:
        raise GlobalfitError(f"sampler '{name}' needs the package {dist}, which is not installed; "
                             f"pip install 'globalfit[engines]' (or '{dist}{need}')") from None
    if not lo <= _version_tuple(version)[:2] < hi:
        raise GlobalfitError(f"{dist} {version} is installed, but globalfit is tested with {dist}{need}; "
                             f"install that with pip install '{dist}{need}'")
    return version


check_versions()

import dynesty  # noqa: E402
import dynesty.results  # noqa: E402
from dynesty import internal_samplers as _dis  # noqa: E402
from dynesty import utils as _dyu  # noqa: E402

# ------------------------------------------------------------------------------------------------ dynesty
NestedSampler = dynesty.NestedSampler
DynamicNestedSampler = dynesty.DynamicNestedSampler
compute_integrals = _dyu.compute_integrals
resample_run = _dyu.resample_run
jitter_run = _dyu.jitter_run
random_generator = _dyu.get_random_generator

#: the keys of a dead point in dynesty's run record that a segmented run carries over
DEAD_KEYS = ("u", "v", "logl", "logvol", "id", "it", "nc")


def make_results(items: list[tuple[str, Any]]):
    """A dynesty Results object (so dynesty's utilities apply to globalfit's runs)."""
    return dynesty.results.Results(items)


def is_loglikelihood(func) -> bool:
    """True if `func` is dynesty's plain log-likelihood wrapper (no blobs, no history): batchable."""
    return isinstance(func, _dyu.LogLikelihood) and not func.blob and not func.save_evaluation_history


def loglikelihood_outputs(values: Iterable[float]) -> list:
    return [_dyu.LoglOutput(float(x), False) for x in values]


def proposal_kind(func) -> str | None:
    """Which of dynesty's proposal functions `func` is: "bound" (uniform in the bounds), "cube" (uniform in
    the unit cube), "rslice" (random-direction slice), or None (evaluated serially)."""
    if func is _dis.UniformBoundSampler.sample:
        return "bound"
    if func is _dis.UnitCubeSampler.sample:
        return "cube"
    if func is _dis.RSliceSampler.sample:
        return "rslice"
    return None


def sampler_return(u: np.ndarray, v: np.ndarray, logl: float, ncalls: int, tuning_info: dict | None = None,
                   proposal_stats: dict | None = None):
    """What one of dynesty's proposal functions returns."""
    return _dis.SamplerReturn(u=u, v=v, logl=float(logl), ncalls=int(ncalls), evaluation_history=[],
                              tuning_info=tuning_info, proposal_stats=proposal_stats or {"n_proposals": 0})


def dead_points(sampler) -> dict[str, list]:
    """The dead points of a running static sampler (its run record), as lists by DEAD_KEYS."""
    run = sampler.saved_run
    return {k: list(run[k]) for k in DEAD_KEYS}


def segment_state(sampler) -> tuple[float, float, int]:
    """(ln Z so far, ln X reached, iterations done) of a running static sampler."""
    run = sampler.saved_run
    logz = run["logz"][-1] if len(run["logz"]) else -np.inf
    logvol = run["logvol"][-1] if len(run["logvol"]) else 0.0
    return float(logz), float(logvol), int(sampler.it - 1)


def live_points(sampler) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, v, log L) of the live points of a running static sampler."""
    return np.asarray(sampler.live_u), np.asarray(sampler.live_v), np.asarray(sampler.live_logl)


def rng_of(sampler) -> np.random.Generator:
    return sampler.rstate


# -------------------------------------------------------------------------------------------------- emcee
def _emcee():
    """emcee, imported on first use (it pulls in scipy.stats: ≈ 0.4 s that a dynesty run need not pay)."""
    import emcee

    return emcee


def __getattr__(name: str):
    """EnsembleSampler and State: emcee's, imported on first use."""
    if name in ("EnsembleSampler", "State"):
        return getattr(_emcee(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def de_moves() -> list:
    """Differential evolution (90%) with occasional mode-hopping steps γ = 1 (10%), without the snooker."""
    moves = _emcee().moves
    return [(moves.DEMove(), 0.9), (moves.DEMove(gamma0=1.0), 0.1)]


def memory_backend(walkers: int, ndim: int, chain: np.ndarray | None = None, log_prob: np.ndarray | None = None,
                   accepted: np.ndarray | None = None):
    """emcee's in-memory backend, optionally filled with the first len(chain) steps of a checkpoint."""
    backend = _emcee().backends.Backend()
    if chain is not None:
        done = len(chain)
        backend.reset(walkers, ndim)
        backend.grow(done, None)
        backend.chain[:done] = chain
        backend.log_prob[:done] = log_prob
        backend.accepted[:] = accepted
        backend.iteration = done
    return backend


def backend_arrays(backend) -> dict[str, np.ndarray]:
    """The steps stored so far: chain (n, walkers, d), log_prob (n, walkers), accepted (walkers,)."""
    n = backend.iteration
    return {"chain_u": backend.chain[:n], "log_prob": backend.log_prob[:n], "accepted": backend.accepted}
