"""Checkpoints: portable, atomic snapshots of a running sampler, and graceful stops on SIGTERM/SIGINT.

A checkpoint is one file, <run>/checkpoint/state.npz: the sampler's arrays (chains, dead and live points)
and, as the member ``__state__``, a JSON text (card hash, parameter order, sampler settings, RNG state,
counters, package versions) with ``__digest__``, the sha256 of everything else. Nothing is pickled.

Saving is atomic: the new file is written under a temporary name and flushed; the current one is hard-linked
(or copied) to state.prev.npz; then one rename puts the new file in place. At every instant state.npz is a
complete checkpoint, the old one or the new one. On resume the file is verified (readable, digest, arrays
consistent with the counters); if it is not usable the previous one is used, with a message; if neither is,
the run stops with an error naming both files — progress is never discarded silently. `card.yaml` beside it
is the resolved card, for a readable diff when a resume is refused.
"""
from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from globalfit import interrupts
from globalfit.errors import CardError, Problem, RunError
from globalfit.interrupts import Interrupted  # noqa: F401  (re-exported: raised by the sampler loops)
from globalfit.yamlio import json_default

STATE_NPZ, PREV_NPZ, TMP_NPZ, CARD_YAML = "state.npz", "state.prev.npz", "state.tmp.npz", "card.yaml"
_LEGACY_JSON = "state.json"  # checkpoints of globalfit ≤ 0.1: arrays in state.npz, state in state.json


class CheckpointError(Exception):
    """A checkpoint file is unusable (the message says why)."""


def rng_state_to_json(rng: np.random.Generator) -> dict:
    return rng.bit_generator.state  # plain dict of str/int (arbitrary precision ints are fine in JSON)


def rng_from_json(state: dict) -> np.random.Generator:
    bitgen = getattr(np.random, state["bit_generator"])()
    bitgen.state = state
    return np.random.Generator(bitgen)


def randomstate_to_json(state: tuple) -> dict:
    """emcee's numpy RandomState (MT19937) state tuple → JSON."""
    name, keys, pos, has_gauss, cached = state
    return {"name": name, "keys": np.asarray(keys).tolist(), "pos": int(pos), "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached)}


def randomstate_from_json(d: dict) -> tuple:
    return (d["name"], np.asarray(d["keys"], dtype=np.uint32), d["pos"], d["has_gauss"], d["cached_gaussian"])


def _digest(arrays: dict[str, np.ndarray], state_text: str) -> str:
    h = hashlib.sha256(state_text.encode())
    for k in sorted(arrays):
        a = np.ascontiguousarray(arrays[k])
        h.update(f"{k}|{a.dtype.str}|{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def write_file(path: Path, arrays: dict[str, np.ndarray], state: dict) -> None:
    """Write one checkpoint file (arrays + state + digest) and flush it to disk."""
    text = json.dumps(state, default=json_default)
    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    members = {**arrays, "__state__": np.array(text), "__digest__": np.array(_digest(arrays, text))}
    with open(path, "wb") as fh:
        np.savez(fh, **members)
        fh.flush()
        os.fsync(fh.fileno())


def read_file(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read and verify one checkpoint file; CheckpointError says what is wrong."""
    try:
        with np.load(path, allow_pickle=False) as d:
            arrays = {k: d[k] for k in d.files}
    except Exception as exc:  # truncated, garbage, not a zip: any reader error means "unreadable"
        raise CheckpointError(f"unreadable ({type(exc).__name__}: {exc})") from None
    if "__state__" not in arrays:  # legacy layout: state in state.json next to it
        legacy = path.with_name(_LEGACY_JSON)
        if path.name != STATE_NPZ or not legacy.exists():
            raise CheckpointError("no __state__ member")
        try:
            return arrays, json.loads(legacy.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"{legacy.name} unreadable ({exc})") from None
    text, digest = str(arrays.pop("__state__")), str(arrays.pop("__digest__", ""))
    if digest != _digest(arrays, text):
        raise CheckpointError("content does not match its digest (corrupted)")
    try:
        state = json.loads(text)
    except ValueError as exc:
        raise CheckpointError(f"state is not valid JSON ({exc})") from None
    if not isinstance(state, dict):
        raise CheckpointError("state is not a mapping")
    return arrays, state


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Checkpointer:
    """Writes checkpoints every `every` seconds and when a signal asks the run to stop.

    The sampler loop calls `due()` after each iteration; when it is true the loop calls `save(...)` and then
    `after_save()`, which raises Interrupted if a signal was the reason. `check` (optional) validates the
    arrays of a loaded checkpoint against its state (raises CheckpointError)."""

    def __init__(self, directory: str | Path, card, names: list[str], every: float = 60.0, resume: bool = False,
                 log=None):
        self.dir = Path(directory)
        self.card = card
        self.names = list(names)
        self.every = float(every)
        self.resume = resume
        self.log = log or sys.stderr
        self._last = time.monotonic()
        self._installed: dict | None = None
        self._deferred = None
        self.saves = 0
        self.resumed_from: Path | None = None

    # ------------------------------------------------------------------------------------------ signals
    def __enter__(self):
        if not interrupts.installed():  # used from Python rather than the command line
            self._installed = interrupts.install()
        self._deferred = interrupts.deferred()
        self._deferred.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            self._deferred.__exit__(*exc)
        finally:
            if self._installed is not None:
                interrupts.restore(self._installed)
        return False

    @property
    def stop_requested(self) -> int | None:
        return interrupts.pending()

    # ------------------------------------------------------------------------------------------- timing
    def due(self) -> bool:
        """True when a checkpoint should be written now (time, or a stop signal)."""
        if interrupts.pending() is not None:
            return True
        return self.every > 0 and time.monotonic() - self._last >= self.every

    def after_save(self) -> None:
        """Raise Interrupted if the save was triggered by a signal."""
        sig = interrupts.take()
        if sig is not None:
            raise Interrupted(f"stopped by {interrupts.signal_name(sig)}; checkpoint written to {self.dir}; "
                              "continue with `globalfit run ... --resume`", sig)

    # --------------------------------------------------------------------------------------------- files
    def save(self, arrays: dict[str, np.ndarray], state: dict) -> None:
        from globalfit.chains import package_versions

        self.dir.mkdir(parents=True, exist_ok=True)
        state = {
            **state,
            "card_sha256": self.card.sha256(),
            "parameters": self.names,
            "seed": self.card.seed,
            "sampler": self.card.sampler.name,
            "versions": package_versions(),
            "written": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        }
        tmp, cur, prev = self.dir / TMP_NPZ, self.dir / STATE_NPZ, self.dir / PREV_NPZ
        write_file(tmp, arrays, state)
        if cur.exists():  # keep the current checkpoint as the previous one, without ever removing it
            prev_tmp = self.dir / "state.prev.tmp.npz"
            prev_tmp.unlink(missing_ok=True)
            try:
                os.link(cur, prev_tmp)
            except OSError:  # no hard links on this file system
                shutil.copyfile(cur, prev_tmp)
            os.replace(prev_tmp, prev)
        os.replace(tmp, cur)  # the one step that switches the checkpoint
        _fsync_dir(self.dir)
        card_tmp = self.dir / "card.tmp.yaml"
        card_tmp.write_text(self.card.to_yaml(), encoding="utf-8")
        os.replace(card_tmp, self.dir / CARD_YAML)
        self._last = time.monotonic()
        self.saves += 1

    def exists(self) -> bool:
        return any((self.dir / f).exists() for f in (STATE_NPZ, PREV_NPZ))

    def load(self, check: Callable[[dict, dict], None] | None = None) -> tuple[dict[str, np.ndarray], dict] | None:
        """The newest usable checkpoint (arrays, state), validated against this card; None when not resuming
        or when there is no checkpoint. Falls back to the previous checkpoint with a message; raises RunError
        if checkpoint files exist but none is usable."""
        if not self.resume or not self.exists():
            return None
        reasons = []
        for name in (STATE_NPZ, PREV_NPZ):
            path = self.dir / name
            if not path.exists():
                reasons.append(f"{path}: missing")
                continue
            try:
                arrays, state = read_file(path)
                self._validate_card(state)
                if check is not None:
                    check(arrays, state)
            except CheckpointError as exc:
                reasons.append(f"{path}: {exc}")
                continue
            if reasons:
                print(f"globalfit: the newest checkpoint is not usable ({'; '.join(reasons)}); resuming from the "
                      f"previous one, {path}", file=self.log)
            self.resumed_from = path
            return arrays, state
        raise RunError(f"{self.dir}: no usable checkpoint to resume from — " + "; ".join(reasons) + ". Nothing was "
                       "deleted; move the checkpoint directory away (or use --force) to start the run again")

    def _validate_card(self, state: dict) -> None:
        if state.get("card_sha256") != self.card.sha256():
            old = (self.dir / CARD_YAML).read_text(encoding="utf-8") if (self.dir / CARD_YAML).exists() else ""
            diff = "".join(difflib.unified_diff(old.splitlines(True), self.card.to_yaml().splitlines(True),
                                                "checkpoint card", "this card"))
            raise CardError([Problem("--resume", "the card differs from the one the checkpoint was written with; "
                                                 "refusing to resume:\n" + diff)], source=str(self.dir))
        if state.get("parameters") != self.names:
            raise CardError([Problem("--resume", f"parameter order {self.names} differs from the checkpoint's "
                                                 f"{state.get('parameters')}")], source=str(self.dir))

    def clear(self) -> None:
        """Remove the checkpoint after a run completed."""
        if self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)


def require(condition: bool, what: str) -> None:
    """For the samplers' `check` functions: a CheckpointError saying what is inconsistent."""
    if not condition:
        raise CheckpointError(f"inconsistent: {what}")
