"""Data files: where they live, their catalogs of checksums, and verified loading.

The data root (data/ in the repository, the package `globalfit.data` when installed; the environment variable
GLOBALFIT_DATA may point to another copy, e.g. for testing) holds one folder per experiment, <experiment>/,
whose files are listed in <experiment>/catalog.yaml (paths relative to the folder) with their sha256, dataset,
version, source and how they were obtained; the top-level catalog.yaml lists the files outside the experiment
folders (the data epochs). A package shipping its own experiment's data calls `register_root`. Files are
named by their path relative to their data root ("gminus2/fnal2025-wp25.yaml"); loading a file whose checksum
differs from its catalog is refused.

Add a new file:        globalfit data --add gminus2/x.yaml --dataset x --version 2025 \
                           --source "arXiv:…" --obtained "quoted in the paper"
After editing a file:  globalfit data --rehash          (both run from the repository root)
"""
from __future__ import annotations

import hashlib
import importlib.resources
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from globalfit import yamlio
from globalfit.errors import DataError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

CATALOG = "catalog.yaml"
DATA_SUFFIXES = (".yaml", ".npz", ".csv", ".txt")  # files that must be catalogued (besides the catalogs)
HEADER = """\
# Data files of the experiment {experiment} (this folder; paths relative to it), each with its sha256 (verified
# at load), dataset, version, source and how it was obtained.
# After editing a file, from the repository root: globalfit data --rehash
# Add a file: globalfit data --add {experiment}/FILE --dataset D --version V --source S --obtained O
files:
"""

# experiment → data root registered by the package that ships its data (see `register_root`)
_ROOTS: dict[str, Path] = {}


def data_dir() -> Path:
    """The built-in data root: catalog.yaml and the experiment folders (GLOBALFIT_DATA overrides it)."""
    env = os.environ.get("GLOBALFIT_DATA")
    if env:
        return Path(env)
    return Path(str(importlib.resources.files("globalfit.data")))


def register_root(experiment: str, root: Path | Traversable) -> None:
    """The data of `experiment` live in <root>/<experiment>/, listed in <root>/<experiment>/catalog.yaml
    (e.g. root = importlib.resources.files("mypackage")); used instead of the built-in root."""
    path = root if isinstance(root, Path) else Path(str(root))
    if not path.is_dir():
        raise DataError(f"{root}: the data root of '{experiment}' must be a directory on disk "
                        "(not a zipped or namespace package)")
    _ROOTS[experiment] = path
    _catalog.cache_clear()


def unregister_root(experiment: str) -> None:
    """Forget the data root registered for `experiment` (its data are then looked for in data_dir())."""
    _ROOTS.pop(experiment, None)
    _catalog.cache_clear()


def root_of(experiment: str) -> Path:
    """The data root holding the folder of `experiment`: the registered one, else data_dir()."""
    return _ROOTS.get(experiment) or data_dir()


@dataclass(frozen=True)
class CatalogEntry:
    path: str  # relative to the data root: "<experiment>/<file>", or "<file>" for files outside the folders
    sha256: str
    experiment: str
    dataset: str | None
    meta: dict = field(default_factory=dict, compare=False, hash=False)


def _read(path: Path, experiment: str | None) -> tuple[CatalogEntry, ...]:
    """The entries of one catalog file: <experiment>/catalog.yaml, or (experiment None) a top-level one."""
    try:
        raw = yamlio.load(path)
    except FileNotFoundError:
        raise DataError(f"{path}: data catalog not found") from None
    except Exception as exc:  # malformed YAML
        raise DataError(f"{path}: cannot parse the data catalog ({exc})") from None
    files = raw.get("files", ()) if isinstance(raw, dict) else ()
    files = [] if files is None else files  # "files:" with no entries yet
    if not isinstance(files, list):
        raise DataError(f"{path}: expected a top-level key 'files' with a list of entries")
    keys = {"path", "sha256"} if experiment else {"path", "sha256", "experiment"}
    out = []
    for i, item in enumerate(files):
        if not isinstance(item, dict) or not keys <= item.keys():
            raise DataError(f"{path}: files[{i}] needs the keys {', '.join(sorted(keys))}")
        if experiment and item.get("experiment", experiment) != experiment:
            raise DataError(f"{path}: files[{i}]: the experiment is the folder, '{experiment}'")
        meta = {k: v for k, v in item.items() if k not in ("path", "sha256", "experiment", "dataset")}
        rel = f"{experiment}/{item['path']}" if experiment else item["path"]
        out.append(CatalogEntry(rel, item["sha256"], experiment or item["experiment"], item.get("dataset"), meta))
    return tuple(out)


def _catalogs(root: Path) -> list[tuple[Path, str | None]]:
    """The catalog files of a data root with their experiment: each folder's, then the top-level one (None)."""
    top = [(root / CATALOG, None)] if (root / CATALOG).is_file() else []
    return [(p, p.parent.name) for p in sorted(root.glob(f"*/{CATALOG}"))] + top


@cache
def _catalog(root: str, experiment: str | None = None) -> tuple[CatalogEntry, ...]:
    """The entries of a data root: every catalog of it (the top-level one is required), or with `experiment`
    only <root>/<experiment>/catalog.yaml (a registered root)."""
    if experiment:
        return _read(Path(root) / experiment / CATALOG, experiment)
    found = _catalogs(Path(root))
    if not found or found[-1][1] is not None:
        raise DataError(f"{Path(root) / CATALOG}: data catalog not found")
    return tuple(e for path, exp in found for e in _read(path, exp))


def _builtin() -> tuple[CatalogEntry, ...]:
    return tuple(e for e in _catalog(str(data_dir())) if e.experiment not in _ROOTS)


def catalog() -> tuple[CatalogEntry, ...]:
    """All catalog entries: the built-in root's, then those of each registered root."""
    return _builtin() + tuple(e for exp, root in _ROOTS.items() for e in _catalog(str(root), exp))


def _of(experiment: str) -> tuple[CatalogEntry, ...]:
    root = _ROOTS.get(experiment)
    found = _catalog(str(root), experiment) if root else _builtin()
    return tuple(e for e in found if e.experiment == experiment)


def datasets(experiment: str) -> list[str]:
    """Dataset names available for an experiment, in catalog order."""
    return list(dict.fromkeys(e.dataset for e in _of(experiment) if e.dataset))


def entries(experiment: str, dataset: str | None = None) -> list[CatalogEntry]:
    """The catalog entries of an experiment (of one of its datasets)."""
    return [e for e in _of(experiment) if dataset is None or e.dataset == dataset]


def _locate(rel: str) -> tuple[Path, Path, tuple[CatalogEntry, ...]]:
    """Data root, catalog file and candidate entries of the file `rel`."""
    folder = rel.split("/", 1)[0] if "/" in rel else None
    if folder in _ROOTS:
        root = _ROOTS[folder]
        return root, root / folder / CATALOG, _catalog(str(root), folder)
    root = data_dir()
    own = root / folder / CATALOG if folder else None
    return root, own if own and own.is_file() else root / CATALOG, _builtin()


def path_of(rel: str) -> Path:
    """Absolute path of the data file `rel` (relative to its data root, as in the catalog); not verified."""
    return _locate(rel)[0] / rel


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# Open recorders (see `recording`): every verified read is added to each of them.
_RECORDERS: list[dict[str, str]] = []


@contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Collect the data files read (and verified) inside the block: relative path → sha256.

    Each block sees every file read inside it, including files other code read before (caches of parsed
    data must therefore not bypass `verified_path`). Used to attribute files to the plugin that read them.
    """
    files: dict[str, str] = {}
    _RECORDERS.append(files)
    try:
        yield files
    finally:
        del _RECORDERS[next(i for i, f in enumerate(_RECORDERS) if f is files)]  # by identity, not by value


@cache
def _verified(path: str, sha: str, mtime: float, listed_in: str) -> Path:
    actual = sha256_of(Path(path))
    if actual != sha:
        raise DataError(
            f"{path}: sha256 {actual[:16]}… does not match {listed_in} ({sha[:16]}…); the file was changed "
            "or corrupted. Restore it, or if the change is intended run `globalfit data --rehash` from the "
            "repository root."
        )
    return Path(path)


def verified_path(rel: str) -> Path:
    """Absolute path of a catalogued data file after checking its sha256 against its catalog."""
    root, listed_in, found = _locate(rel)
    match = [e for e in found if e.path == rel]
    path = root / rel
    if not match:
        raise DataError(f"{path}: not listed in {listed_in}; every data file must be catalogued")
    if not path.exists():
        raise DataError(f"{path}: listed in {listed_in} but missing")
    _verified(str(path), match[0].sha256, path.stat().st_mtime, str(listed_in))
    for files in _RECORDERS:
        files[rel] = match[0].sha256
    return path


def _parse_yaml(path: Path) -> Any:
    try:
        return yamlio.load(path)
    except Exception as exc:
        raise DataError(f"{path}: cannot parse YAML ({exc})") from None


def load_yaml(rel: str) -> Any:
    """Read a catalogued YAML data file (checksum verified)."""
    return _parse_yaml(verified_path(rel))


def load_dataset_yaml(rel: str, keys: list[str]) -> tuple[dict, str]:
    """Read a catalogued YAML data file that must hold ``keys`` at the top level; also returns its full
    path for error messages about its contents."""
    path = verified_path(rel)
    raw = _parse_yaml(path)
    require_keys(raw, keys, str(path))
    return raw, str(path)


def dataset_files(experiment: str, dataset: str) -> list[Path]:
    """Verified paths of every file of one dataset of an experiment."""
    found = entries(experiment, dataset)
    if not found:
        raise DataError(f"{root_of(experiment) / experiment / CATALOG}: no files for experiment '{experiment}', "
                        f"dataset '{dataset}'; available: {', '.join(datasets(experiment)) or 'none'}")
    return [verified_path(e.path) for e in found]


def require_keys(obj: Any, keys: list[str], where: str) -> None:
    """Raise DataError naming the file and the missing keys."""
    if not isinstance(obj, dict):
        raise DataError(f"{where}: expected a mapping at the top level")
    missing = [k for k in keys if k not in obj]
    if missing:
        raise DataError(f"{where}: missing key(s) {', '.join(missing)}")


def rehash(root: Path | None = None) -> list[str]:
    """Recompute the sha256 of every file of every catalog of a data root in place (keeps everything else).
    Returns the changes."""
    root = root or data_dir()
    changes = []
    for cat, experiment in _catalogs(root):
        text = old = cat.read_text(encoding="utf-8")
        for e in _read(cat, experiment):
            new = sha256_of(root / e.path)
            if new != e.sha256:
                text = text.replace(e.sha256, new)
                changes.append(f"{e.path}: {e.sha256[:12]} → {new[:12]}")
        if text != old:
            cat.write_text(text, encoding="utf-8")
    _catalog.cache_clear()
    return changes


def check(root: Path | None = None) -> list[str]:
    """Problems of a data root: checksum mismatches, missing, uncatalogued or twice catalogued files."""
    root = root or data_dir()
    catalogs = _catalogs(root)
    problems = [] if catalogs else [f"{root}: no {CATALOG} found"]
    listed: dict[str, Path] = {}
    for cat, experiment in catalogs:
        for e in _read(cat, experiment):
            p = root / e.path
            if e.path in listed:
                problems.append(f"{e.path}: listed in {listed[e.path].relative_to(root)} and "
                                f"{cat.relative_to(root)}")
            if experiment is None and "/" in e.path and (root / e.path.split("/")[0] / CATALOG).is_file():
                problems.append(f"{e.path}: belongs in {e.path.split('/')[0]}/{CATALOG}")
            listed.setdefault(e.path, cat)
            if not p.exists():
                problems.append(f"{e.path}: missing")
            elif sha256_of(p) != e.sha256:
                problems.append(f"{e.path}: sha256 differs from the catalog")
    catalog_files = {cat for cat, _ in catalogs}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in listed and p.suffix in DATA_SUFFIXES and p not in catalog_files:
            problems.append(f"{rel}: not in the catalog")
    return problems


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def add(rel: str, experiment: str | None, dataset: str | None, version: str, source: str, obtained: str,
        root: Path | None = None) -> str:
    """Add (or update) the catalog entry of data file `rel` (relative to the data root) with its current
    sha256: in <experiment>/catalog.yaml (created if needed) for a file of an experiment folder (`experiment`
    may then be None), else in the top-level catalog. The catalog is locked while it is rewritten, so several
    writers may add entries at the same time."""
    import fcntl

    root = root or data_dir()
    path = root / rel
    if not path.is_file():
        raise DataError(f"{path}: no such data file")
    folder, _, inner = rel.partition("/")
    if inner:  # in the folder of an experiment: the experiment is the folder
        if experiment and experiment != folder:
            raise DataError(f"{path}: the data of experiment '{experiment}' belong in {experiment}/")
        cat, name, own, blank = root / folder / CATALOG, inner, [], HEADER.format(experiment=folder)
    elif experiment:
        cat, name, own, blank = root / CATALOG, rel, [f"    experiment: {experiment}"], "files:\n"
    else:
        raise DataError(f"{path}: a file outside the experiment folders needs --experiment")
    sha = sha256_of(path)
    lines = [f"  - path: {name}", f"    sha256: {sha}", *own] + ([f"    dataset: {dataset}"] if dataset else [])
    lines += [f"    version: {_quote(version)}", f"    source: {_quote(source)}", f"    obtained: {_quote(obtained)}"]
    with open(cat, "a+", encoding="utf-8") as fh:  # created (under the lock) if needed
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        entries_ = (fh.read() or blank).split("\n  - path: ")
        kept = [entries_[0]] + [e for e in entries_[1:] if e.split("\n", 1)[0].strip() != name]
        fh.truncate(0)
        fh.write("\n  - path: ".join(kept).rstrip("\n") + "\n" + "\n".join(lines) + "\n")  # a+: at the end
        fh.flush()
        fcntl.flock(fh, fcntl.LOCK_UN)
    _catalog.cache_clear()
    return sha


def main(argv: list[str] | None = None) -> int:
    """globalfit data [--root DIR] [--rehash | --add PATH [--experiment E] [--dataset D] --version V --source S
    --obtained O]   (run from the repository root; without options: check every catalog)."""
    import argparse

    ap = argparse.ArgumentParser(prog="globalfit data", description=main.__doc__)
    ap.add_argument("--root", type=Path, help="the data root (default: data/ of the repository root if run "
                    "there, else the installed data)")
    ap.add_argument("--rehash", action="store_true", help="recompute every sha256 in place")
    ap.add_argument("--add", metavar="PATH", help="add or update the entry of PATH (relative to the data root)")
    ap.add_argument("--experiment", help="needed only for a file outside the experiment folders")
    ap.add_argument("--dataset")
    ap.add_argument("--version", default="")
    ap.add_argument("--source", default="")
    ap.add_argument("--obtained", default="")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    root = args.root or (Path("data") if Path("data", CATALOG).exists() else None)
    if args.add:
        sha = add(args.add, args.experiment, args.dataset, args.version, args.source, args.obtained, root)
        print(f"{args.add}: {sha}")
        return 0
    if args.rehash:
        for line in rehash(root) or ["(no change)"]:
            print(line)
        return 0
    problems = check(root)
    for p in problems:
        print(p)
    print("data OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":  # python -m globalfit.catalog ... is the same as globalfit data ...
    sys.exit(main())
