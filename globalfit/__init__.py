"""globalfit: Bayesian global fits of the gauged U(1)_{Lμ−Lτ} model.

Public API: load_card, Posterior, run_card, load_run; plugins subclass globalfit.likelihood.Likelihood.
The names are imported on first use (PEP 562), so that `import globalfit` and `globalfit --help` do not pay
for the samplers, arviz and pydantic.
"""
from __future__ import annotations

from importlib import import_module
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("globalfit")
except _metadata.PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

_LAZY = {
    "Card": "globalfit.card", "load_card": "globalfit.card",
    "Run": "globalfit.chains", "load_run": "globalfit.chains",
    "Likelihood": "globalfit.likelihood", "register": "globalfit.likelihood",
    "Posterior": "globalfit.posterior",
    "run_card": "globalfit.runner",
}

__all__ = [*sorted(_LAZY), "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'globalfit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))
