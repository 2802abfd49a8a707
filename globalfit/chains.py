"""Run directories: write what a sampler produced (with every derived quantity) and read it back.

<run>/posterior.nc   arviz InferenceData (netCDF4/HDF5): `posterior` holds every sampled parameter, every
                     derived quantity the likelihoods read, `loglike_<plugin>`, `loglike`, `logprior`,
                     `logpost`; nested runs add the group `nested` (all samples with `log_weight`) and
                     their `posterior` holds equal-weight resampled draws.
<run>/card.yaml      the resolved card (defaults filled).
<run>/manifest.json  versions, data checksums, seed, sampler settings, wall time, likelihood calls.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from globalfit import yamlio
from globalfit.errors import RunError
from globalfit.params import parameter_info
from globalfit.yamlio import json_default

if TYPE_CHECKING:
    import xarray

    from globalfit.compare import Evidence

POSTERIOR_FILE, CARD_FILE, MANIFEST_FILE = "posterior.nc", "card.yaml", "manifest.json"
_CHUNK = 20000


def arviz():
    """The arviz module, imported without its import-time announcements."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # arviz announces its 1.0 refactor on import
        import arviz

    return arviz


def _evaluate(posterior, theta: np.ndarray) -> dict[str, np.ndarray]:
    """Every stored variable at the rows of θ (n, d), evaluated in chunks."""
    parts: list[dict[str, np.ndarray]] = []
    for start in range(0, max(len(theta), 1), _CHUNK):
        ev = posterior.evaluate(theta[start:start + _CHUNK])
        block = {name: ev.params[name] for name in posterior.names}
        block.update(ev.quantities)
        block.update({f"loglike_{k}": v for k, v in ev.loglike.items()})
        block["loglike"] = ev.loglike_total
        block["logprior"] = ev.logprior
        block["logpost"] = ev.logpost
        parts.append(block)
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def variable_attrs(name: str, card) -> dict:
    """Units, label and description of a stored variable: a parameter of the card's catalogue (also a derived
    quantity that is a parameter in other models), a derived quantity of its model, or a log-likelihood."""
    if name in card.catalogue:
        info = card.catalogue[name]
        return {"units": info.unit, "label": info.label, "description": info.description}
    quantities = card.model.plugin.quantity_info()
    if name in quantities:
        q = quantities[name]
        return {"units": q.unit, "label": q.label, "description": q.description}
    if name.startswith("loglike") or name in ("logprior", "logpost"):
        return {"units": "", "label": name}
    info = parameter_info(name)
    return {"units": info.unit, "label": info.label, "description": info.description}


def _dataset(values: dict[str, np.ndarray], dims: tuple[str, ...], card, attrs: dict | None = None):
    import xarray as xr

    return xr.Dataset({k: (dims, v, variable_attrs(k, card)) for k, v in values.items()}, attrs=attrs or {})


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("globalfit", "numpy", "scipy", "emcee", "dynesty", "ultranest", "nautilus-sampler", "arviz", "xarray",
                "h5netcdf", "pydantic", "numba"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def equal_weight_indices(log_weight: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Systematic resampling of weighted samples into len(w) equal-weight draws, in random order
    (the scheme of dynesty.utils.resample_equal)."""
    w = np.exp(log_weight - np.max(log_weight))
    cdf = np.cumsum(w / w.sum())
    cdf[-1] = 1.0
    n = len(w)
    idx = np.searchsorted(cdf, (rng.random() + np.arange(n)) / n)
    return rng.permutation(idx)


def write_run(out: str | Path, card, posterior, result, wall_time: float, command: list[str] | None = None) -> Path:
    """Write posterior.nc, card.yaml and manifest.json into `out` (created; existing files replaced)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    import xarray as xr

    az = arviz()
    attrs = {"sampler": result.sampler, "kind": result.kind, "card_name": card.name}
    groups: dict = {}
    if result.kind == "mcmc":
        nchain, ndraw, d = result.theta.shape
        flat = _evaluate(posterior, result.theta.reshape(-1, d))
        groups["posterior"] = _dataset({k: v.reshape(nchain, ndraw) for k, v in flat.items()}, ("chain", "draw"), card,
                                       attrs)
        ss = xr.Dataset({"lp": (("chain", "draw"), flat["logpost"].reshape(nchain, ndraw))})
        ss["acceptance_fraction"] = (("chain",), np.asarray(result.stats["acceptance_fraction"]))
        groups["sample_stats"] = ss
    else:
        values = _evaluate(posterior, result.theta)
        values["log_weight"] = result.log_weight
        nested_attrs = {**attrs, "logz": result.logz, "logzerr": result.logzerr,
                        **{k: v for k, v in result.stats.items() if np.isscalar(v)}}
        groups["nested"] = _dataset(values, ("sample",), card, nested_attrs)
        idx = equal_weight_indices(result.log_weight, np.random.default_rng(card.seed + 1))
        draws = {k: v[idx][None, :] for k, v in values.items() if k != "log_weight"}
        groups["posterior"] = _dataset(draws, ("chain", "draw"), card, {**attrs, "logz": result.logz,
                                                                  "logzerr": result.logzerr})
        groups["sample_stats"] = xr.Dataset({"lp": (("chain", "draw"), draws["logpost"])})
    if posterior.space.fixed:
        groups["constant_data"] = xr.Dataset({k: ((), v) for k, v in posterior.space.fixed.items()})
    idata = az.InferenceData(**groups)
    tmp = out / (POSTERIOR_FILE + ".tmp")
    idata.to_netcdf(str(tmp), engine="h5netcdf")
    os.replace(tmp, out / POSTERIOR_FILE)
    (out / CARD_FILE).write_text(card.to_yaml(), encoding="utf-8")

    stats = dict(result.stats)
    manifest = {
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "card": {"name": card.name, "source": card.source, "sha256": card.sha256()},
        "command": command if command is not None else sys.argv,
        "versions": package_versions(),
        "platform": platform.platform(),
        "seed": card.seed,
        "sampler": {"name": result.sampler, "kind": result.kind, "settings": result.settings},
        "wall_time_s": round(wall_time, 3),
        "likelihood_calls": int(result.ncall),
        "parameters": {"sampled": posterior.names, "fixed": posterior.space.fixed},
        "derived": posterior.derived,
        "likelihoods": posterior.data_sources(),
        "data_files": [{"path": p, "sha256": h} for p, h in sorted(_run_data_files(posterior).items())],
        "results": {"logz": result.logz, "logzerr": result.logzerr, **stats},
        "warnings": result.warnings,
    }
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, default=json_default) + "\n", encoding="utf-8")
    return out


def _run_data_files(posterior) -> dict[str, str]:
    """The data files read by the run's likelihood plugins (path → sha256)."""
    files: dict[str, str] = {}
    for plugin in posterior.plugins.values():
        files.update(getattr(plugin, "data_files", {}) or {})
    return files


# ----------------------------------------------------------------------------------------------- reading
@dataclass(repr=False)
class Run:
    """A stored run: `idata` (arviz InferenceData), the resolved `card` (dict) and the `manifest`.

    Path-like: ``os.fspath(run)`` and ``str(run)`` are its directory, ``run / "manifest.json"`` a file in it,
    so a Run can stand wherever a run directory is expected (``load_run(run)`` returns it unchanged).
    """

    path: Path
    idata: object
    card: dict
    manifest: dict

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __truediv__(self, other: str | os.PathLike) -> Path:
        return self.path / other

    def __repr__(self) -> str:
        return f"Run({str(self.path)!r}, name={self.name!r}, sampler={self.sampler!r})"

    @property
    def name(self) -> str:
        return self.card.get("name", self.path.name)

    @property
    def kind(self) -> str:
        return self.manifest["sampler"]["kind"]

    @property
    def sampler(self) -> str:
        return self.manifest["sampler"]["name"]

    @property
    def parameters(self) -> list[str]:
        """Sampled parameters in card order."""
        return list(self.manifest["parameters"]["sampled"])

    @property
    def logz(self) -> float | None:
        return self.manifest["results"].get("logz")

    @property
    def logzerr(self) -> float | None:
        return self.manifest["results"].get("logzerr")

    @property
    def posterior(self) -> xarray.Dataset:
        """The posterior draws (xarray Dataset, dims chain × draw): idata.posterior."""
        return self.idata.posterior

    @property
    def evidence(self) -> Evidence | None:
        """ln Z with its error (globalfit.compare.Evidence: logz, error — the scatter of resampled
        realizations, dynesty's estimate if the run has none —, logzerr_dynesty); None for MCMC runs."""
        if self.kind != "nested":
            return None
        from globalfit.compare import evidence

        return evidence(self)

    def summary(self, params: list[str] | None = None, text: bool = False) -> list[dict] | str:
        """Posterior summary of `params` (default: the sampled parameters and the derived quantities that
        vary): the rows of globalfit.summary.summarize (mean, median, lo68/hi68, lo95/hi95, map, units; r_hat
        and ess_bulk for MCMC), or with `text` the table that `globalfit summary` prints."""
        from globalfit.summary import format_summary, summarize

        rows = summarize(self, params)
        return format_summary(self, rows) if text else rows

    def corner(self, out: str | Path | None = None, params: list[str] | None = None) -> Path:
        """Write the corner plot of `params` (default: the sampled parameters) to `out` (PNG or PDF by the
        suffix; default <run>/corner.png, as `globalfit corner`); returns its path."""
        from globalfit.plots import corner_plot

        return corner_plot([self], params, out if out is not None else self.path / "corner.png")

    def variables(self) -> list[str]:
        return list(self.idata.posterior.data_vars)

    def samples(self, names: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(values (n, k), weights (n,) summing to 1) — all weighted nested samples, or the flattened MCMC
        chains with equal weights."""
        names = names or self.parameters
        if self.kind == "nested":
            ds = self.idata["nested"]
            missing = [n for n in names if n not in ds]
            if missing:
                raise RunError(f"{self.path}: no variable(s) {', '.join(missing)}; "
                               f"available: {', '.join(ds.data_vars)}")
            x = np.column_stack([ds[n].values for n in names])
            w = np.exp(ds["log_weight"].values)
            return x, w / w.sum()
        ds = self.idata.posterior
        missing = [n for n in names if n not in ds]
        if missing:
            raise RunError(f"{self.path}: no variable(s) {', '.join(missing)}; available: {', '.join(ds.data_vars)}")
        x = np.column_stack([ds[n].values.reshape(-1) for n in names])
        return x, np.full(len(x), 1.0 / len(x))

    def prior_kind(self, name: str) -> str | None:
        spec = self.card.get("params", {}).get(name)
        return spec.get("prior") if isinstance(spec, dict) else None


def _damaged(path: Path, what: str) -> RunError:
    what = " ".join(what.split())  # one line (YAML errors span several)
    return RunError(f"{path}: {what}; the run directory is damaged: re-run its card to recreate it "
                    f"(globalfit run CARD --out {path.parent} --force)")


def _read_json(path: Path) -> dict:
    """A JSON object from a run's file; RunError naming the file if it is unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: JSONDecodeError, UnicodeDecodeError
        raise _damaged(path, f"not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _damaged(path, f"expected a JSON object, got {type(data).__name__}")
    return data


#: what `Run` and its readers need from manifest.json: key → keys of that object
_MANIFEST = {"sampler": ("name", "kind"), "parameters": ("sampled",), "results": ()}


def _read_manifest(path: Path) -> dict:
    manifest = _read_json(path)
    for key, sub in _MANIFEST.items():
        part = manifest.get(key)
        if not isinstance(part, dict) or any(k not in part for k in sub):
            raise _damaged(path, f"'{key}' must be an object" + (f" with the key(s) {', '.join(sub)}" if sub else ""))
    kind = manifest["sampler"]["kind"]
    if kind not in ("nested", "mcmc"):
        raise _damaged(path, f"sampler.kind must be 'nested' or 'mcmc', got {kind!r}")
    for key, names in {"parameters.sampled": manifest["parameters"]["sampled"],
                       "derived": manifest.get("derived", [])}.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _damaged(path, f"'{key}' must be a list of names")
    if kind == "nested":
        for key in ("logz", "logzerr"):
            x = manifest["results"].get(key)
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise _damaged(path, f"results.{key} must be a number (a nested-sampling run), got {x!r}")
    return manifest


def _read_card(path: Path) -> dict:
    import yaml

    try:
        card = yamlio.load(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: UnicodeDecodeError, bad timestamps
        raise _damaged(path, f"not readable YAML ({exc})") from None
    if not isinstance(card, dict) or not isinstance(card.get("params", {}), dict):
        raise _damaged(path, "expected the resolved card: a mapping with 'params' a mapping")
    return card


def _read_posterior(path: Path, manifest: dict):
    """posterior.nc read into memory (no file left open), with the groups and variables the run needs."""
    import h5py

    def read(_name: str, obj) -> None:  # returns None: visititems stops at the first other return value
        dict(obj.attrs)
        if isinstance(obj, h5py.Dataset):
            obj[()]

    az = arviz()
    try:
        # every object read with h5py first: h5netcdf leaves a traceback on stderr for files it cannot open
        with h5py.File(path, "r") as fh:
            fh.visititems(read)
        with az.rc_context({"data.load": "eager"}):
            idata = az.from_netcdf(str(path), engine="h5netcdf")
    except Exception as exc:  # h5py/h5netcdf/xarray raise OSError, KeyError, ValueError, RuntimeError, ...
        raise _damaged(path, f"not a readable netCDF file, truncated or corrupt ({type(exc).__name__}: "
                             f"{exc})") from None
    kind = manifest["sampler"]["kind"]
    needed = {"posterior": [*manifest["parameters"]["sampled"], "logpost"]}
    if kind == "nested":
        needed["nested"] = [*manifest["parameters"]["sampled"], "log_weight"]
    for group, names in needed.items():
        if group not in idata.groups():
            raise _damaged(path, f"no group '{group}' (groups: {', '.join(idata.groups()) or 'none'})")
        missing = [n for n in names if n not in idata[group]]
        if missing:
            raise _damaged(path, f"group '{group}' lacks the variable(s) {', '.join(missing)}")
    return idata


def load_run(path: str | Path | Run) -> Run:
    """Read a run directory written by `globalfit run` (a Run is returned as it is); RunError naming the file
    if one is missing or damaged."""
    if isinstance(path, Run):
        return path
    path = Path(path)
    if not path.is_dir():
        raise RunError(f"{path}: no such run directory")
    if (path / "failed.json").exists():
        reason = _read_json(path / "failed.json").get("reason", "")
        raise RunError(f"{path}: the run failed: {reason}")
    missing = [f for f in (POSTERIOR_FILE, CARD_FILE, MANIFEST_FILE) if not (path / f).exists()]
    if missing:
        raise RunError(f"{path}: not a complete run directory (missing {', '.join(missing)})")
    manifest = _read_manifest(path / MANIFEST_FILE)
    card = _read_card(path / CARD_FILE)
    idata = _read_posterior(path / POSTERIOR_FILE, manifest)
    return Run(path, idata, card, manifest)
