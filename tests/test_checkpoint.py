"""Checkpoint and resume: a run killed with SIGKILL continues from its last checkpoint with nothing lost
(for emcee, the resumed chain is exactly the uninterrupted one), SIGTERM writes a checkpoint before exit,
and a resume with a different card is refused with a diff. Also: two MPI ranks give the single-process
chains. Fault injection (torn saves, corrupt checkpoints, signals at every stage): tests/test_run_safety.py."""
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import gminus2_card

from globalfit import yamlio
from globalfit.chains import load_run
from globalfit.samplers.checkpoint import read_file


def _card(tmp_path, name, sampler, **over) -> str:
    card = gminus2_card(name=name, sampler={**sampler, "progress": False}, **over)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yamlio.dumps(card))
    return str(path)


def _globalfit(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "globalfit", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def _wait_for(path, proc, saves=1, timeout=300.0):
    """Poll until the checkpoint `path` exists and has been written `saves` times (a hang detector, not a timing
    assumption: the timeout only bounds a broken run)."""
    t0 = time.monotonic()
    while True:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() - t0 < timeout, "no checkpoint appeared"
        if path.exists() and (saves <= 1 or (path.parent / "state.prev.npz").exists()):
            return
        time.sleep(0.05)


def wait_for_line(proc, text: str) -> list[str]:
    """Read the process's stderr line by line until a line contains `text` (the process is then ready)."""
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"the process ended before printing {text!r}: {''.join(lines)}")


EMCEE = {"name": "emcee", "checkpoint_every": 0.2, "emcee": {"walkers": 16, "steps": 12000, "burn": 1000}}
DYNESTY = {"name": "dynesty", "checkpoint_every": 0.2, "dynesty": {"nlive": 400, "dlogz": 0.05, "sample": "rslice"}}


def test_emcee_killed_and_resumed_equals_uninterrupted(tmp_path):
    card = _card(tmp_path, "em", EMCEE)
    ref = _globalfit("run", card, "--out", str(tmp_path / "ref"))
    assert ref.wait(timeout=300) == 0
    proc = _globalfit("run", card, "--out", str(tmp_path / "cut"))
    _wait_for(tmp_path / "cut" / "checkpoint" / "state.npz", proc, saves=2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _, state = read_file(tmp_path / "cut" / "checkpoint" / "state.npz")
    assert 0 < state["iteration"] < 12000 and not (tmp_path / "cut" / "posterior.nc").exists()
    res = _globalfit("run", card, "--out", str(tmp_path / "cut"), "--resume")
    assert res.wait(timeout=300) == 0, res.communicate()
    a, b = load_run(tmp_path / "ref"), load_run(tmp_path / "cut")
    for var in ("m_zp", "g_zp", "logpost"):
        assert np.array_equal(a.idata.posterior[var].values, b.idata.posterior[var].values)
    assert not (tmp_path / "cut" / "checkpoint").exists()  # removed once the run is complete


def test_dynesty_killed_and_resumed_keeps_the_dead_points(tmp_path):
    card = _card(tmp_path, "dy", DYNESTY)
    proc = _globalfit("run", card, "--out", str(tmp_path / "cut"))
    _wait_for(tmp_path / "cut" / "checkpoint" / "state.npz", proc, saves=2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    ck = tmp_path / "cut" / "checkpoint"
    dead_u = read_file(ck / "state.npz")[0]["dead_u"]
    assert len(dead_u) > 0
    res = _globalfit("run", card, "--out", str(tmp_path / "cut"), "--resume")
    out, err = res.communicate(timeout=300)
    assert res.returncode == 0, err
    run = load_run(tmp_path / "cut")
    nested = run.idata["nested"]
    # every dead point of the checkpoint is in the final run, first and in order
    u = np.column_stack([nested[p].values for p in ("m_zp", "g_zp")])[: len(dead_u)]
    from globalfit.card import load_card
    from globalfit.posterior import Posterior

    post = Posterior(load_card(card))
    assert np.allclose(u, post.prior_transform(dead_u), rtol=1e-12)
    # the evidence agrees with an uninterrupted run of the same card
    ref = _globalfit("run", card, "--out", str(tmp_path / "ref"))
    assert ref.wait(timeout=300) == 0
    r = load_run(tmp_path / "ref").manifest["results"]
    c = run.manifest["results"]
    assert abs(r["logz"] - c["logz"]) < 3 * np.hypot(r["logzerr_reported"], c["logzerr_reported"])


def test_sigterm_writes_a_checkpoint_and_resume_refuses_a_different_card(tmp_path):
    card = _card(tmp_path, "em", {**EMCEE, "checkpoint_every": 0.0})  # checkpoints only on signals
    proc = _globalfit("run", card, "--out", str(tmp_path / "t"))
    wait_for_line(proc, "globalfit: sampling;")  # the handlers are in place and the sampler is starting
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + signal.SIGTERM and "--resume" in err and "Traceback" not in err
    assert (tmp_path / "t" / "checkpoint" / "state.npz").exists()
    other = _card(tmp_path, "em2", EMCEE, seed=99)  # a different seed
    res = _globalfit("run", other, "--out", str(tmp_path / "t"), "--resume")
    out, err = res.communicate(timeout=60)
    assert res.returncode == 2 and "refusing to resume" in err and "-seed: 3" in err and "+seed: 99" in err
    res = _globalfit("run", card, "--out", str(tmp_path / "t"), "--resume")
    assert res.wait(timeout=300) == 0


@pytest.mark.skipif(shutil.which("mpiexec") is None, reason="no MPI launcher (pip install 'globalfit[mpi]')")
def test_two_mpi_ranks_give_the_single_process_chains(tmp_path):
    card = _card(tmp_path, "mpi", {"name": "dynesty", "dynesty": {"nlive": 100, "dlogz": 0.5}})
    single = _globalfit("run", card, "--out", str(tmp_path / "one"))
    assert single.wait(timeout=300) == 0
    proc = subprocess.run(["mpiexec", "-n", "2", sys.executable, "-m", "globalfit", "run", card, "--out",
                           str(tmp_path / "two")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    a, b = load_run(tmp_path / "one"), load_run(tmp_path / "two")
    assert np.array_equal(a.idata.posterior["m_zp"].values, b.idata.posterior["m_zp"].values)
    assert a.manifest["likelihood_calls"] == b.manifest["likelihood_calls"]
