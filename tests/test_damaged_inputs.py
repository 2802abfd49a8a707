"""Damaged inputs give one clear error naming the file, never a traceback.

A. Data: every catalogued file (data/catalog.yaml and data/<experiment>/catalog.yaml) is damaged in a copy of
   the data directory (GLOBALFIT_DATA), the copy is rehashed (so the checksum check passes), and the file's
   reader is built: the plugin of its dataset (every dataset of the experiment for a shared file such as
   borexino/ssm-b16.yaml) or the epoch table. Damage by
   file kind — .yaml: truncated to half, bytes replaced by garbage, top level replaced by a list, each number
   replaced by a text or by NaN, each key removed; .npz: truncated, garbage, each array the reader reads
   removed, given the wrong shape, NaNs inserted, or (abscissae) unsorted; .csv: truncated inside a row,
   garbage, rows that do not parse, bad values (repeated or negative mass, infinite or negative limit).
   Every damage raises DataError naming the file or — only where it can be harmless: a number or key the reader
   does not use, a YAML cut after the last value it reads — builds with exactly the numbers of the intact
   file; whole-file damage must raise, and every kind must raise at least once per file. Some cases also end
   to end through `python -m globalfit`.
B. Run directories: a small dynesty run, copies of it damaged (posterior.nc truncated, garbage, empty, without
   a group or a variable; manifest.json truncated, garbage, not an object, without required keys; card.yaml
   unparseable or not a mapping; failed.json garbage): load_run raises RunError naming the file, and
   `globalfit summary` / `compare` exit with code 2, the file on stderr and no traceback.
"""
from __future__ import annotations

import copy
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml
from conftest import gminus2_card, oscillation_params

from globalfit import catalog, cli, epochs, yamlio
from globalfit import likelihood as registry
from globalfit.card import load_card
from globalfit.chains import load_run
from globalfit.errors import DataError, RunError
from globalfit.runner import run_card

ENTRIES = {e.path: e for e in catalog.catalog()}
DATA_DIR = catalog.data_dir()


# ============================================================================================ A. data files
def readers(entry) -> list[Callable[[], object]]:
    """What reads a catalogued file: the plugin of its dataset (of every dataset of the experiment if the file
    has none, i.e. is shared), or the epochs."""
    if entry.experiment in registry.plugins():
        datasets = [entry.dataset] if entry.dataset else catalog.datasets(entry.experiment)
        return [lambda d=d: registry.instance(entry.experiment, d, {}) for d in datasets]
    if entry.experiment == "epochs":  # the table, and the --set overrides of every epoch for every plugin
        card = {"likelihoods": {name: {} for name in registry.plugins()}}
        return [lambda: {name: epochs.epoch_sets(card, name) for name in epochs.epochs()}]
    raise AssertionError(f"{entry.path}: no reader known for experiment '{entry.experiment}'; add it to readers()")


def numbers(obj, depth: int = 0) -> list:
    """Every number and numeric array an object holds (attributes, recursively): what a damage that does not
    raise must leave unchanged."""
    if isinstance(obj, (bool, int, float, np.number)):
        return [np.float64(obj)]
    if isinstance(obj, np.ndarray):
        return [obj] if obj.dtype.kind in "biuf" else []
    if depth > 6 or isinstance(obj, (str, bytes, type)):
        return []
    if isinstance(obj, dict):
        items = list(obj.values())
    elif isinstance(obj, (list, tuple)):
        items = list(obj)
    else:
        items = list(getattr(obj, "__dict__", {}).values())
    return [x for item in items for x in numbers(item, depth + 1)]


def same_numbers(a: list, b: list) -> bool:
    return len(a) == len(b) and all(np.shape(x) == np.shape(y) and np.array_equal(x, y, equal_nan=True)
                                    for x, y in zip(a, b))


def garbage(data: bytes) -> bytes:
    """The middle third replaced by random bytes (never valid UTF-8)."""
    n = len(data)
    rng = random.Random(n)
    junk = b"\xff\xfe" + bytes(rng.randrange(256) for _ in range(n // 3))
    return data[: n // 3] + junk[: n // 3] + data[2 * n // 3:]


# ---------------------------------------------------------------------------------------------------- yaml
def _entries(obj, path: tuple = ()) -> Iterator[tuple[tuple, object]]:
    """(key path, value) of every mapping entry and list item, depth first."""
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        yield (*path, k), v
        yield from _entries(v, (*path, k))


_DROP = object()


def _edited(raw, path: tuple, new) -> bytes:
    out = copy.deepcopy(raw)
    parent = out
    for k in path[:-1]:
        parent = parent[k]
    if new is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return yaml.safe_dump(out, sort_keys=False, allow_unicode=True).encode()


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _yaml_numbers(data: bytes, new) -> list[tuple[str, bytes]]:
    raw = yamlio.loads(data.decode())
    return [(f"{'.'.join(map(str, p))} = {new!r}", _edited(raw, p, new)) for p, v in _entries(raw) if _is_number(v)]


#: mappings whose entries are a free list (APV error components added in quadrature): removing one of them
#: is another valid file, not a missing key
FREE_FORM = {"errors"}

YAML = {
    "truncated": lambda data, _: [("half", data[: len(data) // 2])],
    "garbage": lambda data, _: [("middle third", garbage(data))],
    "top-level-list": lambda data, _: [("list", yamlio.dumps([yamlio.loads(data.decode())]).encode())],
    "number-as-text": lambda data, _: _yaml_numbers(data, "oops"),
    "number-nan": lambda data, _: _yaml_numbers(data, math.nan),
    "key-removed": lambda data, _: [(".".join(map(str, p)), _edited(raw, p, _DROP))
                                    for raw in [yamlio.loads(data.decode())]
                                    for p, _v in _entries(raw)
                                    if not isinstance(p[-1], int) and not FREE_FORM & set(p[:-1])],
}


# ----------------------------------------------------------------------------------------------------- npz
def _npz(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _npz_edits(data: bytes, read: list[str], edit: Callable[[np.ndarray], np.ndarray | None]) -> list:
    with np.load(io.BytesIO(data)) as d:
        arrays = {k: d[k] for k in d.files}
    out = []
    for name in read:
        new = edit(arrays[name])
        if new is not None:
            out.append((name, _npz({k: v for k, v in arrays.items() if k != name}
                                   | ({} if new is _DROP else {name: new}))))
    return out


def _wrong_shape(a: np.ndarray) -> np.ndarray:
    return np.stack([a, a]) if a.ndim == 0 else a[..., None]


def _with_nan(a: np.ndarray) -> np.ndarray | None:
    if a.dtype.kind != "f":
        return None
    b = a.copy()
    b.reshape(-1)[b.size // 2] = np.nan
    return b


def _unsorted(a: np.ndarray) -> np.ndarray | None:
    if a.ndim != 1 or a.dtype.kind != "f" or len(a) < 3 or not np.all(np.diff(a) > 0):
        return None  # not an abscissa
    b = a.copy()
    i = len(b) // 2
    b[i], b[i + 1] = b[i + 1], b[i]
    return b


NPZ = {
    "truncated": lambda data, _: [("half", data[: len(data) // 2])],
    "garbage": lambda data, _: [("middle third", garbage(data))],
    "array-removed": lambda data, read: _npz_edits(data, read, lambda a: _DROP),
    "array-wrong-shape": lambda data, read: _npz_edits(data, read, _wrong_shape),
    "array-nan": lambda data, read: _npz_edits(data, read, _with_nan),
    "array-unsorted": lambda data, read: _npz_edits(data, read, _unsorted),
}


# ----------------------------------------------------------------------------------------------------- csv
def _csv_truncated(data: bytes, _) -> list:
    """Cut at half size inside a row (a cut exactly between rows leaves a valid shorter curve: a CSV without a
    row count cannot tell)."""
    return [("inside a row", data[: data.rfind(b"\n", 0, len(data) // 2) + 2])]


def _csv_rows(*rows: bytes) -> Callable:
    return lambda data, _: [(row.decode(errors="replace"), data + row + b"\n") for row in rows]


def _first_row(data: bytes) -> bytes:
    return next(ln for ln in data.splitlines() if ln.strip() and not ln.startswith(b"#"))


CSV = {
    "truncated": _csv_truncated,
    "garbage": lambda data, _: [("middle third", garbage(data))],
    "row-not-parsed": _csv_rows(b"123.0,abc", b"abc,0.001", b"123.0", b"123.0,0.001,7", b"123.0;0.001"),
    "bad-value": lambda data, _: _csv_rows(_first_row(data), b"-123.0,0.001", b"nan,0.001", b"123.0,inf",
                                           b"123.0,-0.001")(data, _),
}

DAMAGE = {".yaml": YAML, ".npz": NPZ, ".csv": CSV}
#: (suffix, kind) of damage that cannot be harmless: the reader must raise every time (the other kinds at
#: least once per file, except a truncated YAML file, which may still hold every value its reader uses)
MUST_RAISE = {(s, k) for s, kinds in DAMAGE.items() for k in kinds
              if s != ".yaml" or k in ("garbage", "top-level-list")}


def _kinds(rel: str) -> list[str]:
    suffix = Path(rel).suffix
    if suffix not in DAMAGE:
        return [f"no damage generator for '{suffix}' files"]
    data = (DATA_DIR / rel).read_bytes()
    if suffix == ".yaml" and not _yaml_numbers(data, 0):  # e.g. the epoch table: no numbers to damage
        return [k for k in YAML if not k.startswith("number-")]
    return list(DAMAGE[suffix])


CASES = [(rel, kind) for rel in ENTRIES for kind in _kinds(rel)]


def copy_data(dest: Path, experiment: str | None = None) -> Path:
    """A copy of the data directory; with `experiment`, only the files outside the experiment folders and that
    experiment's folder with its catalog (the catalogs are parsed after every rehash: a small copy keeps this
    file fast)."""
    ignore = shutil.ignore_patterns("__pycache__")
    if experiment is None:
        return Path(shutil.copytree(DATA_DIR, dest, ignore=ignore))
    dest.mkdir(parents=True)
    for p in DATA_DIR.iterdir():
        if p.is_file():
            shutil.copyfile(p, dest / p.name)
    if (DATA_DIR / experiment / catalog.CATALOG).is_file():
        shutil.copytree(DATA_DIR / experiment, dest / experiment, ignore=ignore)
    return dest


@pytest.fixture
def use_data(tmp_path, monkeypatch) -> Iterator[Callable[[str | None], Path]]:
    """use_data(experiment): a private copy of the data directory selected with GLOBALFIT_DATA, empty caches."""
    def use(experiment: str | None = None) -> Path:
        root = copy_data(tmp_path / "data", experiment)
        monkeypatch.setenv("GLOBALFIT_DATA", str(root))
        _clear_caches()
        return root

    monkeypatch.setattr(registry, "_INSTANCES", {})
    yield use
    _clear_caches()


def _clear_caches() -> None:
    catalog._catalog.cache_clear()
    catalog._verified.cache_clear()
    registry._INSTANCES.clear()


_INTACT: dict[str, tuple[list, list[str]]] = {}


def intact(rel: str, build: list[Callable], monkeypatch) -> tuple[list, list[str]]:
    """The numbers each reader holds when built from the intact file, and the .npz arrays it reads."""
    if rel not in _INTACT:
        read: list[str] = []
        original = np.lib.npyio.NpzFile.__getitem__

        def getitem(self, key):
            read.append(key)
            return original(self, key)

        with monkeypatch.context() as m:
            m.setattr(np.lib.npyio.NpzFile, "__getitem__", getitem)
            _INTACT[rel] = [numbers(b()) for b in build], list(dict.fromkeys(read))
    return _INTACT[rel]


def test_every_catalogued_file_has_a_reader_and_damage():
    assert {".yaml", ".npz", ".csv"} <= {Path(rel).suffix for rel in ENTRIES}
    for rel, entry in ENTRIES.items():
        assert Path(rel).suffix in DAMAGE, f"{rel}: add a damage generator for this kind of file"
        assert readers(entry)
    assert len(CASES) >= 100


@pytest.mark.parametrize("rel,kind", CASES, ids=[f"{rel}-{kind}" for rel, kind in CASES])
def test_damaged_data_file_raises_data_error(use_data, monkeypatch, rel, kind):
    suffix = Path(rel).suffix
    assert suffix in DAMAGE and kind in DAMAGE[suffix], kind
    root = use_data(ENTRIES[rel].experiment)
    path = root / rel
    build = readers(ENTRIES[rel])
    baseline, read = intact(rel, build, monkeypatch)
    assert suffix != ".npz" or read, f"{rel}: no array read"

    damaged = DAMAGE[suffix][kind](path.read_bytes(), read)
    assert damaged, f"{rel}: nothing to damage with {kind}"
    raised = 0
    for label, data in damaged:
        path.write_bytes(data)
        catalog.rehash(root)
        for b, base in zip(build, baseline):
            _clear_caches()
            try:
                out = b()
            except DataError as exc:
                assert str(path) in str(exc), (label, str(exc))
                assert "\n" not in str(exc).strip() or "YAML" in str(exc), (label, str(exc))
                raised += 1
                continue
            assert (suffix, kind) not in MUST_RAISE, f"{label}: no DataError"
            assert same_numbers(numbers(out), base), f"{rel} ({kind}: {label}): built with changed numbers"
    assert raised or kind == "truncated", f"{rel}: no damage of kind {kind} was noticed"


# ------------------------------------------------------------------------------------------ end to end (A)
_ZP = {"m_zp": {"prior": "log-uniform", "min": 1.0e-3, "max": 1.0},
       "g_zp": {"prior": "log-uniform", "min": 1.0e-5, "max": 1.0e-1}}
_OSC = {k: v for k, v in oscillation_params().items()
        if k in ("s12sq", "s13sq", "s23sq", "delta_cp", "dm21sq", "dm3lsq")}
#: (file, damage kind, mutation index, likelihood, params, extra command-line arguments)
E2E_DATA = [
    ("gminus2/fnal2021-wp20.yaml", "number-as-text", 1, "gminus2", _ZP, ["eval", "--set", "m_zp=0.01"]),
    ("nufit/nufit-5.3.npz", "truncated", 0, "nufit", _OSC, ["eval", "--set", "s12sq=0.3"]),
    ("babar/babar-2016.csv", "garbage", 0, "babar", _ZP, ["eval", "--set", "g_zp=1e-3"]),
]

# =================================================================================== B. run directories
def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _garble(p: Path) -> None:
    p.write_bytes(garbage(p.read_bytes()))


def _h5_delete(name: str) -> Callable[[Path], None]:
    def delete(p: Path) -> None:
        with h5py.File(p, "a") as fh:
            del fh[name]
    return delete


def _manifest(edit: Callable[[dict], object]) -> Callable[[Path], None]:
    def apply(p: Path) -> None:
        m = json.loads(p.read_text())
        m = edit(m) or m
        p.write_text(json.dumps(m))
    return apply


def _pop(*keys: str) -> Callable[[dict], None]:
    def pop(m: dict) -> None:
        for k in keys[:-1]:
            m = m[k]
        del m[keys[-1]]
    return pop


#: name → (damaged file, damage)
RUN_DAMAGE: dict[str, tuple[str, Callable[[Path], None]]] = {
    "posterior-truncated": ("posterior.nc", _truncate),
    "posterior-garbage": ("posterior.nc", _garble),
    "posterior-empty": ("posterior.nc", lambda p: p.write_bytes(b"")),
    "posterior-text": ("posterior.nc", lambda p: p.write_text("not netCDF\n")),
    "posterior-no-posterior-group": ("posterior.nc", _h5_delete("posterior")),
    "posterior-no-nested-group": ("posterior.nc", _h5_delete("nested")),
    "posterior-no-variable": ("posterior.nc", _h5_delete("posterior/m_zp")),
    "manifest-truncated": ("manifest.json", _truncate),
    "manifest-garbage": ("manifest.json", _garble),
    "manifest-empty": ("manifest.json", lambda p: p.write_text("")),
    "manifest-list": ("manifest.json", _manifest(lambda m: [m])),
    "manifest-no-sampler": ("manifest.json", _manifest(_pop("sampler"))),
    "manifest-no-kind": ("manifest.json", _manifest(_pop("sampler", "kind"))),
    "manifest-no-parameters": ("manifest.json", _manifest(_pop("parameters"))),
    "manifest-no-sampled": ("manifest.json", _manifest(_pop("parameters", "sampled"))),
    "manifest-sampled-text": ("manifest.json", _manifest(lambda m: m["parameters"].update(sampled="m_zp"))),
    "manifest-no-results": ("manifest.json", _manifest(_pop("results"))),
    "manifest-no-logz": ("manifest.json", _manifest(_pop("results", "logz"))),
    "card-unparseable": ("card.yaml", lambda p: p.write_text("name: t\nparams: [\n")),
    "card-list": ("card.yaml", lambda p: p.write_text("- name\n- t\n")),
    "card-garbage": ("card.yaml", _garble),
    "failed-garbage": ("failed.json", lambda p: p.write_bytes(b"{\xff")),
}
#: damaged runs also read through the command line: (damage, command)
E2E_RUNS = [("posterior-truncated", "summary"), ("manifest-no-sampler", "summary"),
            ("posterior-no-posterior-group", "compare"), ("card-unparseable", "compare")]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    card = gminus2_card(sampler={"name": "dynesty", "progress": False, "dynesty": {"nlive": 50, "dlogz": 1.0}})
    return Path(run_card(load_card(card), tmp_path_factory.mktemp("run") / "intact", progress=False))


def damaged_run(run_dir: Path, dest: Path, damage: str) -> Path:
    shutil.copytree(run_dir, dest)
    name, apply = RUN_DAMAGE[damage]
    (dest / name).touch()
    apply(dest / name)
    return dest / name


def test_intact_run_loads(run_dir, capsys):
    run = load_run(run_dir)
    assert run.kind == "nested" and run.parameters == ["m_zp", "g_zp"]
    assert cli.main(["summary", str(run_dir)]) == 0 and cli.main(["compare", str(run_dir)]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("damage", list(RUN_DAMAGE))
def test_damaged_run_raises_run_error(run_dir, tmp_path, damage):
    damaged = damaged_run(run_dir, tmp_path / "run", damage)
    with pytest.raises(RunError) as info:
        load_run(tmp_path / "run")
    message = str(info.value)
    assert str(damaged) in message and "\n" not in message, message
    assert "re-run" in message or "failed" in message, message


# =================================================================================== end to end (A and B)
@pytest.fixture(scope="module")
def processes(run_dir, tmp_path_factory):
    """Start every `python -m globalfit` process at once (they run in parallel): case → (popen, damaged file)."""
    base = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if k != "GLOBALFIT_DATA"}
    procs = {}
    for i, (rel, kind, which, like, params, argv) in enumerate(E2E_DATA):
        root = copy_data(base / f"data{i}")
        _label, data = DAMAGE[Path(rel).suffix][kind]((root / rel).read_bytes(), [])[which]
        (root / rel).write_bytes(data)
        catalog.rehash(root)
        card = base / f"card{i}.yaml"
        card.write_text(yamlio.dumps({"name": f"e2e{i}", "params": params,
                                      "likelihoods": {like: {"dataset": ENTRIES[rel].dataset}},
                                      "sampler": {"name": "dynesty", "progress": False}}))
        procs[f"data:{rel}:{kind}"] = ([argv[0], str(card), *argv[1:]], {**env, "GLOBALFIT_DATA": str(root)},
                                       root / rel)
    for damage, command in E2E_RUNS:
        dest = base / f"{command}-{damage}"
        procs[f"run:{command}:{damage}"] = ([command, str(dest)], env, damaged_run(run_dir, dest, damage))
    started = {case: (subprocess.Popen([sys.executable, "-m", "globalfit", *args], cwd=base, env=e, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE), path)
               for case, (args, e, path) in procs.items()}
    yield started
    for p, _ in started.values():
        if p.poll() is None:
            p.kill()
            p.communicate()


E2E_IDS = [f"data:{rel}:{kind}" for rel, kind, *_ in E2E_DATA] + [f"run:{c}:{d}" for d, c in E2E_RUNS]


@pytest.mark.parametrize("case", E2E_IDS)
def test_end_to_end_exit_2_naming_the_file(processes, case):
    proc, path = processes[case]
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err + out, err
    assert proc.returncode == 2, (proc.returncode, err[-2000:])
    assert str(path) in err, err
    assert case.startswith("data:") or len(err.strip().splitlines()) == 1, err  # data: within the card's problems
