"""Every command README.md shows is run here as written, in README order, in a scratch directory holding
copies of examples/ and benchmarks/ (so relative paths and chains/ behave as for a user in the repository).

Only the sampler's size may be reduced (small settings appended to the command, listed in SMALL); an
install command is not re-run (CI has just installed the package), nor the test command itself. A command
that appears in the README but not in SMALL or SKIP fails the test: a new README command needs a line here.
Each must exit with 0 and print no traceback.
"""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NLIVE = ["--set", "sampler.dynesty.nlive=40"]

#: README command → arguments appended to it (small settings); every README command is a key here or in SKIP
SMALL: dict[str, list[str]] = {
    "globalfit run": NLIVE,
    "globalfit run examples/gminus2.yaml": NLIVE,
    "globalfit run examples/gminus2-emcee.yaml": ["--set", "sampler.emcee.steps=600", "--set",
                                                  "sampler.emcee.burn=100"],
    "globalfit summary chains/gminus2": [],
    "globalfit corner chains/gminus2 chains/gminus2-emcee -o band.png": [],
    "globalfit run examples/gminus2.yaml --set likelihoods.gminus2.dataset=fnal2025-wp25 --out chains/gminus2-2025":
        NLIVE,
    "globalfit eval examples/gminus2.yaml --set m_zp=0.01 --set g_zp=5.03e-4": [],
    "globalfit eval examples/gminus2.yaml --set m_zp=0.01 --set g_zp=5.03e-4 --json": [],
    "globalfit list": [],
    "globalfit run examples/ordering.yaml --jobs 2": ["--set", "sampler.target_dlnz=1"],
    "globalfit compare chains/ordering": [],
    "globalfit run examples/ordering.yaml --set compiled=true --set output=chains/ordering-compiled":
        ["--set", "sampler.target_dlnz=1", "--variant", "NO-log", "--variant", "IO-log"],  # the four: the command above
    "globalfit run examples/engines.yaml --jobs 2": ["--set", "sampler.lockstep.nlive=40", "--set", "sampler.dynesty.nlive=40", "--set",
                                                     "sampler.ultranest.min_num_live_points=40", "--set",
                                                     "sampler.ultranest.min_ess=40", "--set", "sampler.nautilus.n_live=100",
                                                     "--set", "sampler.nautilus.n_eff=300", "--set",
                                                     "sampler.nautilus.n_networks=1"],
    "globalfit run examples/textures.yaml --jobs 2": ["--set", "sampler.dynesty.nlive=20", "--set",
                                                      "sampler.dynesty.dlogz=5"],
    "globalfit texture-plot --ordering NO": [],
    "globalfit plane examples/zprime.yaml -o plane.png": ["--points", "12"],
    "globalfit plane examples/doublet.yaml --mzp 5e-3:0.2 -o plane-doublet.png": ["--points", "12"],
    "globalfit plane examples/kinetic-mixing.yaml --x g_zp --y eps --set m_zp=0.02 --cl 90 -o plane-g-eps.png":
        ["--points", "12"],
    "globalfit plane examples/singlet.yaml --x tan_theta --y g_zp=3e-4:1e-3 --set m_zp=0.01 --cl 90 "
    "-o plane-tan-theta.png": ["--points", "12"],
    "globalfit plane examples/doublet-higgs.yaml --x m_hpm=100:1000 --y tan_beta --set m_zp=0.03 -o plane-higgs.png":
        ["--points", "12"],
    "globalfit run examples/zprime.yaml --epoch muone-2021 --out chains/zprime-2021": NLIVE,
    "globalfit run examples/zprime.yaml --epoch latest --out chains/zprime-latest": NLIVE,
    "globalfit report chains/zprime-2021 chains/zprime-latest -o report.html": [],
    "python examples/validation/rows.py window_2021 tan_theta_minimum neff_bound": [],
    "globalfit run examples/u1-models.yaml --jobs 2": ["--set", "sampler.dynesty.nlive=20", "--set",
                                                       "sampler.dynesty.dlogz=5"],
    "globalfit plane examples/u1-models.yaml --variant b-l-2021 -o b-l.png": ["--points", "12"],
    "globalfit atlas -o atlas": ["--bound", "4"],
    "globalfit forecast examples/forecasts.yaml --set m_zp=0.01 --set g_zp=5e-4": [],
    "globalfit plane examples/forecasts.yaml --cl 90 -o plane-forecasts.png": ["--points", "12"],
    "globalfit corner chains/u1-models/lmu-ltau-2021 chains/u1-models/b-l-2021 chains/u1-models/le-lmu-2021 "
    "chains/u1-models/b-3lmu-2021 -o u1-2021.png": [],
    "globalfit tension chains/ordering/NO-log --rerun": [],
    "globalfit profile examples/ordering.yaml --variant NO-log --param s23sq --run chains/ordering/NO-log":
        ["--points", "3"],
    "globalfit run examples/gminus2.yaml --resume": [],
    "mpiexec -n 8 globalfit run examples/gminus2.yaml --out chains/gminus2-mpi": NLIVE,
    "python benchmarks/bench.py --likelihoods-only": ["--batch", "2000", "--loop", "20"],
    "python benchmarks/bench_samplers.py": ["--smoke", "--engines", "auto,ultranest"],
    "python benchmarks/bench_mpi.py": ["--smoke"],
    "python benchmarks/bench_evidence.py": ["--smoke"],
    "ruff check .": [],
}
#: not re-run: installing (CI just did it) and the test command itself
SKIP = ("pip install -e .", "pip install -e .[test,mpi]", "pip install -e .[mpi]", "python -m pytest -q",
        "python -m pytest -q -m 'not slow'")  # the test commands themselves (running them here would recurse)
#: commands that act on the repository itself rather than on a user's working directory
IN_REPOSITORY = ("ruff check .",)


def readme_commands() -> list[str]:
    """The shell commands of README.md's ```bash blocks, in order (comments removed, `&&` chains split)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            words = shlex.split(line, comments=True)
            cmd = " ".join(shlex.quote(w) if " " in w else w for w in words)
            out += [c.strip() for c in cmd.split("&&")]
    return out


COMMANDS = readme_commands()


def test_every_readme_command_is_covered():
    unknown = [c for c in COMMANDS if c not in SMALL and c not in SKIP]
    assert not unknown, f"README commands without a line in tests/test_readme.py: {unknown}"
    assert len(COMMANDS) >= len(SMALL)
    stale = [c for c in SMALL if c not in COMMANDS]
    assert not stale, f"commands in SMALL that the README no longer shows: {stale}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("readme")
    for sub in ("examples", "benchmarks"):
        shutil.copytree(ROOT / sub, d / sub)
    return d


def _argv(command: str) -> list[str]:
    argv = shlex.split(command) + SMALL[command]
    if argv[0] == "python":
        argv[0] = sys.executable
    if argv[0] == "mpiexec":
        argv[2] = "2"  # 2 ranks on the 2-core test machine
    return argv


@pytest.mark.parametrize("command", [c for c in COMMANDS if c in SMALL])
def test_readme_command_runs_as_written(workdir, command):
    argv = _argv(command)
    exe = shutil.which(argv[0]) or (argv[0] if Path(argv[0]).exists() else None)
    if exe is None:
        pytest.skip(f"{argv[0]} is not installed")
    cwd = ROOT if command in IN_REPOSITORY else workdir
    res = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, f"{command}\n{res.stderr[-3000:]}"
    assert "Traceback" not in res.stderr, res.stderr[-3000:]


def test_the_layout_section_matches_the_tree():
    """Every folder at the top and every module of globalfit/ is in README's Layout block, and every file
    or folder named there exists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index("## Layout"):]
    block = block[block.index("```") + 3:]
    block = block[:block.index("```")]
    names = set(re.findall(r"[\w./-]+", block))
    tops = {p.name + "/" for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")
            and p.name not in ("chains", "build", "dist") and not p.name.endswith(".egg-info")}
    assert tops <= names, f"top-level folders missing from the layout: {tops - names}"
    modules = {p.name for p in (ROOT / "globalfit").glob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    modules |= {p.name + "/" for p in (ROOT / "globalfit").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert modules <= names, f"globalfit modules missing from the layout: {modules - names}"
    for name in names:
        if name.endswith((".py", "/")) and "<" not in name:
            found = [p for p in (ROOT, ROOT / "globalfit", ROOT / "globalfit" / "samplers", ROOT / "models",
                                 ROOT / "likelihoods", ROOT / "data") if (p / name.rstrip("/")).exists()]
            assert found, f"the layout names {name}, which does not exist"
