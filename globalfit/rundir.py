"""Run directories as a resource: one writer at a time, and nothing overwritten without being asked.

`claim(out, resume, force)` takes an exclusive lock on <out>/.lock (fcntl; released when the process ends,
however it ends) and refuses a second writer with a message naming the process that holds it. It then
looks at what the directory holds: a finished run or a checkpoint is never overwritten silently — a new
run into it needs `--force` (which clears it first); `--resume` continues a checkpoint.
"""
from __future__ import annotations

import datetime
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from globalfit.errors import RunError

LOCK_FILE = ".lock"
#: files a finished (or failed) run leaves in its directory; removed by --force
RUN_FILES = ("posterior.nc", "card.yaml", "manifest.json", "failed.json")
CHECKPOINT_DIR = "checkpoint"


def state(out: Path) -> str:
    """'empty', 'checkpoint' (an unfinished run), 'finished' or 'failed'."""
    if (out / CHECKPOINT_DIR).exists() and any((out / CHECKPOINT_DIR).iterdir()):
        return "checkpoint"
    if (out / "manifest.json").exists():
        return "finished"
    if (out / "failed.json").exists():
        return "failed"
    return "empty"


@contextmanager
def lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on the directory `out` (created) for the duration of the block."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise RunError(f"{out}: in use by another globalfit run ({holder}); wait for it to finish, or write "
                           "to another directory with --out") from None
        now = datetime.datetime.now().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {now}".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race with a waiting writer)


def prepare(out: Path, resume: bool, force: bool) -> str:
    """Check what `out` holds against the request (call with the lock held). Returns its state; raises
    RunError when the run would overwrite something it was not asked to; with `force` clears the directory."""
    found = state(out)
    if force:
        shutil.rmtree(out / CHECKPOINT_DIR, ignore_errors=True)
        for f in RUN_FILES:
            (out / f).unlink(missing_ok=True)
        return "empty"
    if resume:
        return found
    if found == "finished":
        raise RunError(f"{out}: holds a finished run; use --force to overwrite it, or --out for another directory")
    if found == "checkpoint":
        raise RunError(f"{out}: holds the checkpoint of an unfinished run; continue it with --resume, or discard "
                       "it with --force")
    return found
