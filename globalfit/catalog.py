"""Data files: where they live, the catalog of checksums, and verified loading.

Every file under data/ is listed in data/catalog.yaml with its sha256, experiment, dataset name,
version, source and how it was obtained. Loading a file whose checksum differs is refused.
In the installed package data/ is the package `globalfit.data`; the environment variable
GLOBALFIT_DATA may point to another copy (e.g. for testing).

Add a new file:        globalfit data --add gminus2/x.yaml --experiment gminus2 --dataset x \
                           --version 2025 --source "arXiv:…" --obtained "quoted in the paper"
After editing a file:  globalfit data --rehash          (both run from the repository root)
"""
from __future__ import annotations

import hashlib
import importlib.resources
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from globalfit import yamlio
from globalfit.errors import DataError

CATALOG = "catalog.yaml"


def data_dir() -> Path:
    """The directory holding catalog.yaml and the experiment folders."""
    env = os.environ.get("GLOBALFIT_DATA")
    if env:
        return Path(env)
    return Path(str(importlib.resources.files("globalfit.data")))


@dataclass(frozen=True)
class CatalogEntry:
    path: str  # relative to data_dir()
    sha256: str
    experiment: str
    dataset: str | None
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@lru_cache(maxsize=None)
def _catalog(root: str) -> tuple[CatalogEntry, ...]:
    path = Path(root) / CATALOG
    try:
        raw = yamlio.load(path)
    except FileNotFoundError:
        raise DataError(f"{path}: data catalog not found") from None
    except Exception as exc:  # malformed YAML
        raise DataError(f"{path}: cannot parse the data catalog ({exc})") from None
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, list):
        raise DataError(f"{path}: expected a top-level key 'files' with a list of entries")
    out = []
    for i, item in enumerate(files):
        if not isinstance(item, dict) or not {"path", "sha256", "experiment"} <= item.keys():
            raise DataError(f"{path}: files[{i}] needs the keys path, sha256 and experiment")
        meta = {k: v for k, v in item.items() if k not in ("path", "sha256", "experiment", "dataset")}
        out.append(CatalogEntry(item["path"], item["sha256"], item["experiment"], item.get("dataset"), meta))
    return tuple(out)


def catalog() -> tuple[CatalogEntry, ...]:
    """All catalog entries."""
    return _catalog(str(data_dir()))


def datasets(experiment: str) -> list[str]:
    """Dataset names available for an experiment, in catalog order."""
    seen: list[str] = []
    for e in catalog():
        if e.experiment == experiment and e.dataset and e.dataset not in seen:
            seen.append(e.dataset)
    return seen


def entries(experiment: str, dataset: str | None = None) -> list[CatalogEntry]:
    return [e for e in catalog() if e.experiment == experiment and (dataset is None or e.dataset == dataset)]


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


@lru_cache(maxsize=None)
def _verified(root: str, rel: str, sha: str, mtime: float) -> Path:
    path = Path(root) / rel
    actual = sha256_of(path)
    if actual != sha:
        raise DataError(
            f"{path}: sha256 {actual[:16]}… does not match data/catalog.yaml ({sha[:16]}…); the file was changed "
            "or corrupted. Restore it, or if the change is intended run `globalfit data --rehash` from the repository root."
        )
    return path


def verified_path(rel: str) -> Path:
    """Absolute path of a catalogued data file after checking its sha256 against the catalog."""
    root = data_dir()
    match = [e for e in catalog() if e.path == rel]
    if not match:
        raise DataError(f"{root / rel}: not listed in {root / CATALOG}; every data file must be catalogued")
    path = root / rel
    if not path.exists():
        raise DataError(f"{path}: listed in the data catalog but missing")
    _verified(str(root), rel, match[0].sha256, path.stat().st_mtime)
    for files in _RECORDERS:
        files[rel] = match[0].sha256
    return path


def load_yaml(rel: str) -> Any:
    """Read a catalogued YAML data file (checksum verified)."""
    path = verified_path(rel)
    try:
        return yamlio.load(path)
    except Exception as exc:
        raise DataError(f"{path}: cannot parse YAML ({exc})") from None


def load_dataset_yaml(rel: str, keys: list[str]) -> tuple[dict, str]:
    """Read a catalogued YAML data file that must hold ``keys`` at the top level; also returns its full
    path for error messages about its contents."""
    raw = load_yaml(rel)
    where = str(data_dir() / rel)
    require_keys(raw, keys, where)
    return raw, where


def dataset_files(experiment: str, dataset: str) -> list[Path]:
    """Verified paths of every file of one dataset of an experiment."""
    found = entries(experiment, dataset)
    if not found:
        raise DataError(f"{data_dir() / CATALOG}: no files for experiment '{experiment}', dataset '{dataset}'; "
                        f"available: {', '.join(datasets(experiment)) or 'none'}")
    return [verified_path(e.path) for e in found]


def require_keys(obj: Any, keys: list[str], where: str) -> None:
    """Raise DataError naming the file and the missing keys."""
    if not isinstance(obj, dict):
        raise DataError(f"{where}: expected a mapping at the top level")
    missing = [k for k in keys if k not in obj]
    if missing:
        raise DataError(f"{where}: missing key(s) {', '.join(missing)}")


def rehash(root: Path | None = None) -> list[str]:
    """Recompute the sha256 of every catalogued file in place (keeps everything else). Returns changes."""
    root = root or data_dir()
    text = (root / CATALOG).read_text(encoding="utf-8")
    changes = []
    for e in _catalog(str(root)):
        new = sha256_of(root / e.path)
        if new != e.sha256:
            text = text.replace(e.sha256, new)
            changes.append(f"{e.path}: {e.sha256[:12]} → {new[:12]}")
    (root / CATALOG).write_text(text, encoding="utf-8")
    _catalog.cache_clear()
    return changes


def check(root: Path | None = None) -> list[str]:
    """Problems with the data directory: checksum mismatches, missing or uncatalogued files."""
    root = root or data_dir()
    problems = []
    listed = set()
    for e in _catalog(str(root)):
        listed.add(e.path)
        p = root / e.path
        if not p.exists():
            problems.append(f"{e.path}: missing")
        elif sha256_of(p) != e.sha256:
            problems.append(f"{e.path}: sha256 differs from the catalog")
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in listed and p.suffix in (".yaml", ".npz", ".csv", ".txt") and rel != CATALOG:
            problems.append(f"{rel}: not in the catalog")
    return problems


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def add(rel: str, experiment: str, dataset: str | None, version: str, source: str, obtained: str,
        root: Path | None = None) -> str:
    """Add (or update) the catalog entry of data file `rel` with its current sha256. The catalog is
    locked while it is rewritten, so several writers may add entries at the same time."""
    import fcntl

    root = root or data_dir()
    path = root / rel
    if not path.is_file():
        raise DataError(f"{path}: no such data file")
    sha = sha256_of(path)
    lines = [f"  - path: {rel}", f"    sha256: {sha}", f"    experiment: {experiment}"]
    if dataset:
        lines.append(f"    dataset: {dataset}")
    lines += [f"    version: {_quote(version)}", f"    source: {_quote(source)}", f"    obtained: {_quote(obtained)}"]
    with open(root / CATALOG, "r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        text = fh.read()
        entries_ = text.split("\n  - path: ")
        kept = [entries_[0]] + [e for e in entries_[1:] if e.split("\n", 1)[0].strip() != rel]
        text = "\n  - path: ".join(kept).rstrip("\n") + "\n" + "\n".join(lines) + "\n"
        fh.seek(0)
        fh.write(text)
        fh.truncate()
        fcntl.flock(fh, fcntl.LOCK_UN)
    _catalog.cache_clear()
    return sha


def main(argv: list[str] | None = None) -> int:
    """globalfit data [--rehash | --add PATH --experiment E [--dataset D] --version V --source S
    --obtained O]   (run from the repository root; without options: check the catalog)."""
    import argparse

    ap = argparse.ArgumentParser(prog="globalfit data", description=main.__doc__)
    ap.add_argument("--rehash", action="store_true", help="recompute every sha256 in place")
    ap.add_argument("--add", metavar="PATH", help="add or update the entry of PATH (relative to data/)")
    ap.add_argument("--experiment")
    ap.add_argument("--dataset")
    ap.add_argument("--version", default="")
    ap.add_argument("--source", default="")
    ap.add_argument("--obtained", default="")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    root = Path("data") if Path("data/catalog.yaml").exists() else None
    if args.add:
        if not args.experiment:
            ap.error("--add needs --experiment")
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
