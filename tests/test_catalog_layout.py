"""The data catalogs: one per experiment folder (data/<experiment>/catalog.yaml) plus the top-level one for the
files outside the folders; data roots of third-party packages (catalog.register_root); `globalfit data`."""
from __future__ import annotations

import hashlib
import importlib.resources
import shutil
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from globalfit import catalog, cli, yamlio
from globalfit.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _catalogued(path: Path) -> bool:
    """Whether a file under data/ must be catalogued: all but the catalogs, Python (build scripts, __init__.py,
    __pycache__) and notes."""
    return path.name != "catalog.yaml" and path.suffix not in (".py", ".pyc", ".md")


# ----------------------------------------------------------------------------------- (a) the repository's data
def test_every_data_file_is_catalogued_exactly_once(monkeypatch):
    monkeypatch.setenv("GLOBALFIT_DATA", str(DATA))
    listed = Counter(e.path for e in catalog.catalog())
    assert [p for p, n in listed.items() if n > 1] == []
    on_disk = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file() and _catalogued(p)}
    assert set(listed) == on_disk  # nothing uncatalogued, nothing catalogued that does not exist
    assert catalog.check(DATA) == []


def test_each_experiment_folder_has_its_catalog():
    top = yamlio.load(DATA / "catalog.yaml")["files"]
    assert [f["path"] for f in top] == ["epochs.yaml"]  # only files outside the experiment folders
    folders = sorted(p for p in DATA.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert {p.name for p in folders} >= {"gminus2", "nufit", "cosmology", "kamland_zen", "apv", "na62", "borexino",
                                        "trident", "babar"}
    for folder in folders:
        text = (folder / "catalog.yaml").read_text(encoding="utf-8")
        assert text.startswith(catalog.HEADER.format(experiment=folder.name))  # what it is, how to update it
        files = yamlio.load(folder / "catalog.yaml")["files"]
        assert files and all("experiment" not in f and "/" not in f["path"] for f in files)  # the folder says it
        assert all((folder / f["path"]).is_file() for f in files)


def test_entries_keep_paths_relative_to_the_data_root():
    e = catalog.entries("gminus2", "fnal2021-wp20")
    assert [(x.path, x.experiment, x.dataset) for x in e] == [("gminus2/fnal2021-wp20.yaml", "gminus2",
                                                               "fnal2021-wp20")]
    assert catalog.verified_path("gminus2/fnal2021-wp20.yaml") == catalog.data_dir() / "gminus2/fnal2021-wp20.yaml"
    assert catalog.datasets("borexino") == ["phase2-2017", "phase1-2011"]
    assert catalog.entries("epochs")[0].path == "epochs.yaml"


# --------------------------------------------------------------------------------- (b) a third-party data root
def _toy_root(root: Path, value: str = "1.5") -> Path:
    folder = root / "toy"
    folder.mkdir(parents=True)
    (folder / "toy-2025.yaml").write_text(f"value: {value}\n")
    sha = hashlib.sha256((folder / "toy-2025.yaml").read_bytes()).hexdigest()
    (folder / "catalog.yaml").write_text(
        "# the toy experiment\nfiles:\n"
        f"  - path: toy-2025.yaml\n    sha256: {sha}\n    dataset: toy-2025\n    version: '2025'\n"
        "    source: 'made up'\n    obtained: 'written by the test'\n")
    return root


@pytest.fixture
def toy(tmp_path):
    root = _toy_root(tmp_path / "toypkg")
    catalog.register_root("toy", root)
    catalog._verified.cache_clear()
    yield root
    catalog.unregister_root("toy")
    catalog._verified.cache_clear()


def test_registered_root_is_listed_and_verified(toy):
    assert catalog.datasets("toy") == ["toy-2025"]
    [entry] = catalog.entries("toy", "toy-2025")
    assert entry.path == "toy/toy-2025.yaml" and entry.meta["source"] == "made up"
    assert entry in catalog.catalog()
    with catalog.recording() as files:
        assert catalog.load_yaml("toy/toy-2025.yaml") == {"value": 1.5}
    assert files == {"toy/toy-2025.yaml": entry.sha256}
    assert catalog.dataset_files("toy", "toy-2025") == [toy / "toy" / "toy-2025.yaml"]
    assert catalog.path_of("toy/toy-2025.yaml") == toy / "toy" / "toy-2025.yaml"
    assert catalog.datasets("gminus2")  # the built-in data are still there
    assert catalog.check(toy) == []


def test_registered_root_refuses_a_changed_byte(toy):
    target = toy / "toy" / "toy-2025.yaml"
    catalog.verified_path("toy/toy-2025.yaml")
    target.write_text(target.read_text().replace("1.5", "1.6"))
    catalog._verified.cache_clear()
    with pytest.raises(DataError) as info:
        catalog.load_yaml("toy/toy-2025.yaml")
    message = str(info.value)
    assert str(target) in message and "sha256" in message and str(toy / "toy" / "catalog.yaml") in message
    (toy / "toy" / "extra.yaml").write_text("a: 1\n")
    with pytest.raises(DataError, match="not listed in .*toy/catalog.yaml"):
        catalog.verified_path("toy/extra.yaml")
    with pytest.raises(DataError, match="no files for experiment 'toy', dataset 'nope'; available: toy-2025"):
        catalog.dataset_files("toy", "nope")
    assert sorted(catalog.check(toy)) == ["toy/extra.yaml: not in the catalog",
                                          "toy/toy-2025.yaml: sha256 differs from the catalog"]


def test_register_root_takes_a_package_traversable(tmp_path, monkeypatch):
    pkg = _toy_root(tmp_path / "site" / "toy_plugin")
    (pkg / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    try:
        catalog.register_root("toy", importlib.resources.files("toy_plugin"))
        assert catalog.verified_path("toy/toy-2025.yaml") == pkg / "toy" / "toy-2025.yaml"
    finally:
        catalog.unregister_root("toy")
        sys.modules.pop("toy_plugin", None)
    with pytest.raises(DataError, match="no files for experiment 'toy'"):  # forgotten again
        catalog.dataset_files("toy", "toy-2025")


def test_zipped_package_root_is_refused_clearly(tmp_path, monkeypatch):
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as z:
        z.writestr("zipped_toy/__init__.py", "")
        z.writestr("zipped_toy/toy/catalog.yaml", "files: []\n")
    monkeypatch.syspath_prepend(str(tmp_path / "z.zip"))
    try:
        with pytest.raises(DataError, match="must be a directory on disk .not a zipped"):
            catalog.register_root("toy", importlib.resources.files("zipped_toy"))
    finally:
        sys.modules.pop("zipped_toy", None)
    assert "toy" not in catalog._ROOTS


# ------------------------------------------------------------------------------- (c) `globalfit data` on a copy
def _data(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(["data", *args])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def repo_copy(tmp_path, monkeypatch):
    """A copy of data/ in a directory that `globalfit data` takes for the repository root."""
    shutil.copytree(DATA, tmp_path / "data", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(tmp_path)
    yield tmp_path / "data"
    catalog._catalog.cache_clear()
    catalog._verified.cache_clear()


def _catalog_texts(data: Path) -> dict[str, str]:
    return {p.relative_to(data).as_posix(): p.read_text() for p in sorted(data.rglob("catalog.yaml"))}


def test_data_check_and_rehash_per_experiment(repo_copy, capsys):
    assert _data(capsys) == (0, "data OK\n")
    before = _catalog_texts(repo_copy)
    for rel in ("gminus2/fnal2021-wp20.yaml", "epochs.yaml"):
        (repo_copy / rel).write_text((repo_copy / rel).read_text() + "# edited\n")
    code, out = _data(capsys)
    assert code == 1 and "gminus2/fnal2021-wp20.yaml: sha256 differs" in out
    assert "epochs.yaml: sha256 differs" in out
    code, out = _data(capsys, "--rehash")
    assert code == 0 and "gminus2/fnal2021-wp20.yaml: " in out and "epochs.yaml: " in out
    after = _catalog_texts(repo_copy)
    assert {k for k in before if before[k] != after[k]} == {"gminus2/catalog.yaml", "catalog.yaml"}
    assert _data(capsys) == (0, "data OK\n")
    assert _data(capsys, "--rehash") == (0, "(no change)\n")


def test_data_add_writes_the_experiment_catalog(repo_copy, capsys, monkeypatch):
    top = (repo_copy / "catalog.yaml").read_text()
    (repo_copy / "gminus2" / "new.yaml").write_text("a: 1\n")
    code, out = _data(capsys)
    assert code == 1 and "gminus2/new.yaml: not in the catalog" in out
    args = ["--version", "2026", "--source", "it's new", "--obtained", "by hand"]
    assert _data(capsys, "--add", "gminus2/new.yaml", "--dataset", "new", *args)[0] == 0
    assert _data(capsys, "--add", "gminus2/new.yaml", "--dataset", "new", *args)[0] == 0  # an update, not twice
    files = yamlio.load(repo_copy / "gminus2" / "catalog.yaml")["files"]
    assert [f for f in files if f["path"] == "new.yaml"] == [
        {"path": "new.yaml", "sha256": catalog.sha256_of(repo_copy / "gminus2" / "new.yaml"), "dataset": "new",
         "version": "2026", "source": "it's new", "obtained": "by hand"}]
    # a new experiment gets its catalog; a file outside the folders goes to the top-level catalog
    (repo_copy / "newexp").mkdir()
    (repo_copy / "newexp" / "a.csv").write_text("m,x\n1,2\n")
    assert _data(capsys, "--add", "newexp/a.csv", "--dataset", "a", *args)[0] == 0
    assert (repo_copy / "newexp" / "catalog.yaml").read_text().startswith(
        catalog.HEADER.format(experiment="newexp"))
    (repo_copy / "table.yaml").write_text("b: 2\n")
    code, out = _data(capsys, "--add", "table.yaml", *args)
    assert code == 2 and "needs --experiment" in out
    assert _data(capsys, "--add", "table.yaml", "--experiment", "tables", *args)[0] == 0
    assert (repo_copy / "catalog.yaml").read_text().startswith(top)
    code, out = _data(capsys, "--add", "gminus2/new.yaml", "--experiment", "nufit", *args)
    assert code == 2 and "belong in nufit/" in out
    assert _data(capsys) == (0, "data OK\n")
    # the added files load, verified, from the copy
    monkeypatch.setenv("GLOBALFIT_DATA", str(repo_copy))
    catalog._catalog.cache_clear()
    assert "new" in catalog.datasets("gminus2") and catalog.datasets("newexp") == ["a"]
    assert catalog.load_yaml("gminus2/new.yaml") == {"a": 1}
    assert [e.experiment for e in catalog.catalog() if e.path == "table.yaml"] == ["tables"]


def test_data_check_finds_a_file_catalogued_twice(repo_copy, capsys):
    entry = (repo_copy / "gminus2" / "catalog.yaml").read_text().split("\n  - path: ")[1]
    with open(repo_copy / "catalog.yaml", "a") as fh:
        fh.write("  - path: gminus2/" + entry.replace("    sha256:", "    experiment: gminus2\n    sha256:", 1))
    code, out = _data(capsys)
    assert code == 1
    assert "gminus2/fnal2021-wp20.yaml: listed in gminus2/catalog.yaml and catalog.yaml" in out
    assert "gminus2/fnal2021-wp20.yaml: belongs in gminus2/catalog.yaml" in out


def test_data_root_option(tmp_path, capsys):
    root = _toy_root(tmp_path / "toypkg")
    (root / "toy" / "toy-2025.yaml").write_text("value: 2.5\n")
    code, out = _data(capsys, "--root", str(root))
    assert code == 1 and "toy/toy-2025.yaml: sha256 differs" in out
    assert _data(capsys, "--root", str(root), "--rehash")[0] == 0
    assert _data(capsys, "--root", str(root)) == (0, "data OK\n")


def test_concurrent_adds_to_a_new_experiment_keep_every_entry(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    (tmp_path / "catalog.yaml").write_text("files:\n")
    (tmp_path / "many").mkdir()
    names = [f"f{i}.csv" for i in range(16)]
    for n in names:
        (tmp_path / "many" / n).write_text(f"m,x\n{n},1\n")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: catalog.add(f"many/{n}", None, n[:-4], "1", "s", "o", tmp_path), names))
    assert sorted(f["path"] for f in yamlio.load(tmp_path / "many" / "catalog.yaml")["files"]) == sorted(names)
    assert catalog.check(tmp_path) == []
