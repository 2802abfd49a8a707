"""Runs that survive what users do to them, each case by fault injection.

* Signals at every stage of `globalfit run` (card loading, data, domain check, first sampler step, writing the
  run): exit 130/143 without a traceback; a checkpoint where sampling had begun, and a resume that completes.
  The signal is sent by the process to itself from inside a wrapped function (no timing involved).
* Ctrl-C on a study with --jobs 2: every worker checkpoints, the command exits 130 (no hang), --resume finishes.
* One writer per run directory (a lock), and nothing overwritten without --force; --resume of a finished run.
* Checkpoints: a kill between the two renames of a save, a truncated/garbage/inconsistent newest checkpoint
  (fallback to the previous one, with a message), and no usable checkpoint at all (an error, nothing deleted).
"""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import gminus2_card
from test_checkpoint import wait_for_line

from globalfit import yamlio
from globalfit.card import load_card
from globalfit.chains import load_run
from globalfit.errors import RunError
from globalfit.runner import run_card
from globalfit.samplers import checkpoint as ckpt_mod
from globalfit.samplers.checkpoint import Checkpointer, read_file, write_file


def wait_for_count(proc, text: str, count: int) -> None:
    """Read the process's stderr until `text` has appeared `count` times. Two workers writing to one pipe can put
    both messages on one line, so occurrences are counted, not lines."""
    seen, lines = 0, []
    for line in proc.stderr:
        lines.append(line)
        seen += line.count(text)
        if seen >= count:
            return
    raise AssertionError(f"the process ended after {seen} of {count} {text!r}: {''.join(lines)}")


EMCEE = {"name": "emcee", "progress": False, "checkpoint_every": 0.0,
         "emcee": {"walkers": 16, "steps": 600, "burn": 100}}
DYNESTY = {"name": "dynesty", "progress": False, "checkpoint_every": 0.0,
           "dynesty": {"nlive": 100, "dlogz": 0.5}}

#: run `globalfit.cli.main(argv)` with a function wrapped so that its n-th call first sends the process a signal
#: (or, with signal "EXIT", ends the process at once as SIGKILL would: os._exit(137))
INJECT = r"""
import importlib, os, signal, sys
target, sig, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
module, _, attr = target.partition(":")
owner = importlib.import_module(module)
*path, name = attr.split(".")
for part in path:
    owner = getattr(owner, part)
orig, calls = getattr(owner, name), [0]
def wrapped(*args, **kw):
    calls[0] += 1
    if calls[0] == nth:
        if sig == "EXIT":
            os._exit(137)
        os.kill(os.getpid(), getattr(signal, "SIG" + sig))
    return orig(*args, **kw)
setattr(owner, name, wrapped)
from globalfit.cli import main
sys.exit(main(sys.argv[4:]))
"""


def _card_file(tmp_path: Path, name: str, sampler: dict, **over) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yamlio.dumps(gminus2_card(name=name, sampler=sampler, **over)))
    return str(path)


def _inject(target: str, sig: str, nth: int, *argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", INJECT, target, sig, str(nth), *argv], capture_output=True,
                          text=True, timeout=600, **kw)


def _globalfit(*argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "globalfit", *argv], capture_output=True, text=True, timeout=600,
                          **kw)


def _posterior_values(path) -> dict[str, np.ndarray]:
    run = load_run(path)
    return {v: run.idata.posterior[v].values for v in ("m_zp", "g_zp", "logpost")}


# ============================================================================================ signals
@pytest.mark.parametrize("sig", ["TERM", "INT"])
@pytest.mark.parametrize("stage, target", [
    ("card", "globalfit.card:load_card"),
    ("data", "globalfit.posterior:Posterior.__init__"),
    ("domain check", "globalfit.runner:domain_fraction"),
])
def test_signal_before_sampling_exits_cleanly(tmp_path, sig, stage, target):
    card = _card_file(tmp_path, "s", EMCEE)
    res = _inject(target, sig, 1, "run", card, "--out", str(tmp_path / "out"))
    code = 128 + getattr(signal, f"SIG{sig}")
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stderr and f"stopped by SIG{sig}" in res.stderr
    assert not (tmp_path / "out" / "checkpoint").exists()
    if stage != "card":
        assert "nothing to resume" in res.stderr


@pytest.mark.parametrize("sampler, first_step", [
    (EMCEE, "globalfit.samplers.mcmc:initial_positions"),
    (DYNESTY, "globalfit.samplers.engines:NestedSampler"),
])
def test_signal_at_the_first_sampler_step_checkpoints_and_resumes(tmp_path, sampler, first_step):
    card = _card_file(tmp_path, "s", sampler)
    out = tmp_path / "out"
    res = _inject(first_step, "TERM", 1, "run", card, "--out", str(out))
    assert res.returncode == 143 and "Traceback" not in res.stderr, res.stderr
    assert "checkpoint written" in res.stderr and (out / "checkpoint" / "state.npz").exists()
    done = _globalfit("run", card, "--out", str(out), "--resume")
    assert done.returncode == 0, done.stderr
    if sampler is EMCEE:  # the resumed chain is the uninterrupted one
        ref = run_card(load_card(card), tmp_path / "ref", progress=False, log=io.StringIO())
        for k, v in _posterior_values(ref).items():
            assert np.array_equal(v, _posterior_values(out)[k])
    assert not (out / "checkpoint").exists()


def test_signal_while_writing_the_run_completes_it(tmp_path):
    card = _card_file(tmp_path, "s", DYNESTY)
    out = tmp_path / "out"
    res = _inject("globalfit.runner:write_run", "INT", 1, "run", card, "--out", str(out))
    assert res.returncode == 130 and "Traceback" not in res.stderr, res.stderr
    assert "after the run was complete and written" in res.stderr
    load_run(out)  # complete and readable


def test_ctrl_c_on_a_parallel_study_checkpoints_every_variant_and_exits(tmp_path):
    study = gminus2_card(name="st", sampler={**EMCEE, "emcee": {"walkers": 16, "steps": 200000, "burn": 100}},
                         output=str(tmp_path / "st"))
    study["variants"] = {"a": {}, "b": {"seed": 4}}
    path = tmp_path / "st.yaml"
    path.write_text(yamlio.dumps(study))
    proc = subprocess.Popen([sys.executable, "-m", "globalfit", "run", str(path), "--jobs", "2"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_count(proc, "globalfit: sampling;", 2)  # both workers are sampling
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
        out, err = proc.communicate(timeout=300)  # a hang fails here
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert "2 variant(s) checkpointed" in err
    for v in ("a", "b"):
        assert (tmp_path / "st" / v / "checkpoint" / "state.npz").exists()
    # the workers are gone (no orphan keeps sampling)
    assert subprocess.run(["pgrep", "-g", str(proc.pid)], capture_output=True).stdout.strip() == b""


def test_sigterm_to_a_parallel_study_is_forwarded_and_resume_finishes(tmp_path):
    study = gminus2_card(name="st", sampler={**DYNESTY, "dynesty": {"nlive": 400, "dlogz": 0.01}},
                         output=str(tmp_path / "st"))
    study["variants"] = {"a": {}, "b": {"likelihoods.gminus2.dataset": "fnal2023-wp20"}}
    path = tmp_path / "st.yaml"
    path.write_text(yamlio.dumps(study))
    proc = subprocess.Popen([sys.executable, "-m", "globalfit", "run", str(path), "--jobs", "2"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_line(proc, "globalfit: sampling;")
        proc.send_signal(signal.SIGTERM)  # to the parent only: it forwards to the workers
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143 and "Traceback" not in err, err
    res = _globalfit("run", str(path), "--jobs", "2", "--resume")
    assert res.returncode == 0, res.stderr
    assert "ln B" in res.stdout  # the comparison of both variants
    started = [v for v in "ab" if f"[{v}] started" in res.stderr]  # progress of the variants it (re)ran
    assert started and all(f"[{v}] finished after" in res.stderr for v in started)
    for v in ("a", "b"):
        load_run(tmp_path / "st" / v)


# ===================================================================================== run directories
def test_a_second_writer_is_refused(tmp_path):
    card = _card_file(tmp_path, "s", {**EMCEE, "emcee": {"walkers": 16, "steps": 200000, "burn": 100}})
    out = tmp_path / "out"
    first = subprocess.Popen([sys.executable, "-m", "globalfit", "run", card, "--out", str(out)], text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_line(first, "globalfit: sampling;")
        second = _globalfit("run", card, "--out", str(out), "--force")
        assert second.returncode == 2 and "Traceback" not in second.stderr
        assert f"in use by another globalfit run (pid {first.pid}" in second.stderr
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 143
    with pytest.raises(RunError, match="in use by another globalfit run"):  # the same holds within one process
        from globalfit import rundir

        with rundir.lock(out):
            run_card(load_card(card), out, progress=False, log=io.StringIO(), resume=True)


def test_finished_runs_and_checkpoints_are_not_overwritten(tmp_path, capsys):
    card = load_card(gminus2_card(sampler=DYNESTY))
    out = tmp_path / "out"
    run_card(card, out, progress=False, log=io.StringIO())
    before = (out / "manifest.json").read_text()
    with pytest.raises(RunError, match="holds a finished run; use --force"):
        run_card(card, out, progress=False, log=io.StringIO())
    log = io.StringIO()
    run_card(card, out, progress=False, log=log, resume=True)  # nothing to do
    assert "nothing to resume" in log.getvalue() and (out / "manifest.json").read_text() == before
    (out / "checkpoint").mkdir()
    (out / "checkpoint" / "state.npz").write_bytes(b"x")
    with pytest.raises(RunError, match="checkpoint of an unfinished run; continue it with --resume"):
        run_card(card, out, progress=False, log=io.StringIO())
    run_card(card, out, progress=False, log=io.StringIO(), force=True)  # --force clears and runs
    assert not (out / "checkpoint").exists() and load_run(out).manifest["created"]


def test_study_refuses_to_overwrite_without_resume_or_force(tmp_path):
    study = gminus2_card(name="st", sampler=DYNESTY, output=str(tmp_path / "st"))
    study["variants"] = {"a": {}, "b": {"seed": 4}}
    path = tmp_path / "st.yaml"
    path.write_text(yamlio.dumps(study))
    assert _globalfit("run", str(path)).returncode == 0
    again = _globalfit("run", str(path))
    assert again.returncode == 2 and "a (finished), b (finished)" in again.stderr and "--resume" in again.stderr
    resumed = _globalfit("run", str(path), "--resume")
    # two seeds of one card: the comparison is their agreement table
    assert resumed.returncode == 0 and "finished already: a, b" in resumed.stderr and "agree" in resumed.stdout


# ======================================================================================== checkpoints
def _interrupted_emcee(tmp_path, monkeypatch, saves: int = 3):
    """An emcee run stopped (as by SIGKILL) right after its `saves`-th checkpoint: (card, out)."""
    card = load_card(gminus2_card(sampler=EMCEE))
    out = tmp_path / "cut"
    calls = {"due": 0, "saves": 0}

    def due(self):
        calls["due"] += 1
        return calls["due"] % 50 == 0  # a checkpoint every 50 steps, whatever the clock says

    def after_save(self):
        calls["saves"] += 1
        if calls["saves"] == saves:
            raise KeyboardInterrupt  # stands for the kill: nothing after this save runs

    monkeypatch.setattr(Checkpointer, "due", due)
    monkeypatch.setattr(Checkpointer, "after_save", after_save)
    with pytest.raises(KeyboardInterrupt):
        run_card(card, out, progress=False, log=io.StringIO())
    monkeypatch.undo()
    return card, out


def _reference(card, tmp_path):
    return _posterior_values(run_card(card, tmp_path / "ref", progress=False, log=io.StringIO()))


def test_kill_between_the_renames_of_a_save_resumes_exactly(tmp_path):
    """The process dies after the previous checkpoint was rotated and before the new one is switched in
    (os._exit inside the save, at its last rename): the resume uses the intact checkpoint."""
    card = _card_file(tmp_path, "s", {**EMCEE, "checkpoint_every": 1e-9})
    out = tmp_path / "out"
    res = _inject("globalfit.samplers.checkpoint:os.replace", "EXIT", 7, "run", card, "--out", str(out))
    # os.replace calls: save 1 — switch, card.yaml; saves 2, 3 — previous, switch, card.yaml: the 7th is the
    # switch of the 3rd save
    assert res.returncode == 137, res.stderr
    ck = out / "checkpoint"
    assert (ck / "state.tmp.npz").exists() and (ck / "state.npz").exists() and (ck / "state.prev.npz").exists()
    assert read_file(ck / "state.npz")[1]["iteration"] == 2 and read_file(ck / "state.prev.npz")[1]["iteration"] == 2
    done = _globalfit("run", card, "--out", str(out), "--resume", "--set", "sampler.checkpoint_every=0")
    assert done.returncode == 0 and "Traceback" not in done.stderr and "not usable" not in done.stderr, done.stderr
    ref = _reference(load_card(card), tmp_path)
    for k, v in ref.items():
        assert np.array_equal(v, _posterior_values(out)[k])


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage", "inconsistent", "digest", "other-card"])
def test_unusable_newest_checkpoint_falls_back_to_the_previous_one(tmp_path, monkeypatch, damage):
    card, out = _interrupted_emcee(tmp_path, monkeypatch)
    ck = out / "checkpoint"
    newest = ck / "state.npz"
    arrays, state = read_file(newest)
    if damage == "missing":  # what an interrupted save of globalfit ≤ 0.1 could leave
        newest.unlink()
    elif damage == "truncated":
        newest.write_bytes(newest.read_bytes()[: newest.stat().st_size // 2])
    elif damage == "garbage":
        newest.write_bytes(os.urandom(4096))
    elif damage == "inconsistent":  # counters and arrays disagree
        write_file(newest, {**arrays, "chain_u": arrays["chain_u"][:-7]}, state)
    elif damage == "digest":
        path = ck / "x.npz"
        write_file(path, arrays, state)
        with np.load(path) as d:
            members = {k: d[k] for k in d.files}
        members["log_prob"] = members["log_prob"] + 1.0
        with open(newest, "wb") as fh:
            np.savez(fh, **members)
        path.unlink()
    elif damage == "other-card":  # written by another card: a resume must not use it, even as a fallback
        write_file(newest, arrays, {**state, "card_sha256": "0" * 64})
    log = io.StringIO()
    if damage == "other-card":
        from globalfit.errors import CardError

        with pytest.raises(CardError, match="refusing to resume"):
            run_card(card, out, progress=False, log=log, resume=True)
        return
    run_card(card, out, progress=False, log=log, resume=True)
    assert "the newest checkpoint is not usable" in log.getvalue() and "state.prev.npz" in log.getvalue()
    ref = _reference(card, tmp_path)
    for k, v in ref.items():  # resumed from an earlier step: still exactly the uninterrupted chain
        assert np.array_equal(v, _posterior_values(out)[k])


def test_no_usable_checkpoint_is_an_error_and_nothing_is_deleted(tmp_path, monkeypatch):
    card, out = _interrupted_emcee(tmp_path, monkeypatch)
    ck = out / "checkpoint"
    for f in ("state.npz", "state.prev.npz"):
        (ck / f).write_bytes(b"not a checkpoint")
    with pytest.raises(RunError, match="no usable checkpoint") as err:
        run_card(card, out, progress=False, log=io.StringIO(), resume=True)
    assert "state.npz: unreadable" in str(err.value) and "state.prev.npz: unreadable" in str(err.value)
    assert (ck / "state.npz").read_bytes() == b"not a checkpoint"  # untouched
    cli = _globalfit("run", "--resume", "--out", str(out), str(_write(tmp_path, card)))
    assert cli.returncode == 2 and "no usable checkpoint" in cli.stderr and "Traceback" not in cli.stderr


def _write(tmp_path, card) -> Path:
    path = tmp_path / "card.yaml"
    path.write_text(card.to_yaml())
    return path


def test_legacy_two_file_checkpoints_still_resume(tmp_path, monkeypatch):
    """Checkpoints of globalfit ≤ 0.1 (arrays in state.npz, state in state.json) are read."""
    import json

    card, out = _interrupted_emcee(tmp_path, monkeypatch)
    ck = out / "checkpoint"
    arrays, state = read_file(ck / "state.npz")
    (ck / "state.prev.npz").unlink()
    with open(ck / "state.npz", "wb") as fh:
        np.savez(fh, **arrays)
    (ck / "state.json").write_text(json.dumps(state))
    run_card(card, out, progress=False, log=io.StringIO(), resume=True)
    for k, v in _reference(card, tmp_path).items():
        assert np.array_equal(v, _posterior_values(out)[k])


def test_checkpoint_file_round_trip_and_digest(tmp_path):
    arrays = {"a": np.arange(6.0).reshape(2, 3), "b": np.array([1, 2], dtype=np.int64)}
    write_file(tmp_path / "c.npz", arrays, {"iteration": 2, "x": [1, 2]})
    got, state = read_file(tmp_path / "c.npz")
    assert state == {"iteration": 2, "x": [1, 2]} and all(np.array_equal(got[k], arrays[k]) for k in arrays)
    with pytest.raises(ckpt_mod.CheckpointError, match="unreadable"):
        (tmp_path / "d.npz").write_bytes(b"")
        read_file(tmp_path / "d.npz")
