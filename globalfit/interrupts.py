"""Clean stops on SIGINT and SIGTERM, at any moment of a command.

`install()` is the first thing `globalfit` does. From then on a signal raises `Interrupted` where the program
is, which the command line turns into one line and exit code 128 + signal (130 for Ctrl-C, 143 for SIGTERM) —
except inside `deferred()` blocks (a sampler's loop, the writing of a run directory), where the signal is
recorded and acted on at the next safe point: the sampler polls `pending()`, writes a checkpoint and raises
`Interrupted` itself; a block that ends with a signal pending raises it on exit. Inside a deferred block a
second SIGINT (Ctrl-C pressed twice) stops at once; checkpoints are written atomically, so the previous one
is then still intact.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from globalfit.errors import GlobalfitError

SIGNALS = (signal.SIGINT, signal.SIGTERM)

_depth = 0  # nesting depth of deferred() blocks
_pending: int | None = None  # signal received inside a deferred block, not yet acted on
_quiet = False  # record only (set when the command is finishing)


class Interrupted(GlobalfitError):
    """The command was stopped by a signal (after writing a checkpoint, where a sampler was running)."""

    def __init__(self, message: str, signum: int):
        super().__init__(message)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _handler(signum: int, frame) -> None:
    global _pending
    if _quiet:
        _pending = _pending or signum
        return
    if _depth > 0 and not (signum == signal.SIGINT and _pending == signal.SIGINT):
        _pending = _pending or signum
        return
    raise Interrupted(f"stopped by {signal_name(signum)}", signum)


def install() -> dict:
    """Route SIGINT and SIGTERM to this module (main thread only; elsewhere nothing happens). Returns the
    previous handlers, for `restore`."""
    global _quiet
    old = {}
    if threading.current_thread() is not threading.main_thread():
        return old
    _quiet = False
    for sig in SIGNALS:
        old[sig] = signal.signal(sig, _handler)
    return old


def restore(old: dict) -> None:
    """Put back handlers returned by `install`."""
    for sig, handler in old.items():
        signal.signal(sig, handler)


def installed() -> bool:
    return signal.getsignal(signal.SIGTERM) is _handler


def reset() -> None:
    """Forget any pending signal and deferred state (a freshly forked worker process starts clean)."""
    global _depth, _pending, _quiet
    _depth, _pending, _quiet = 0, None, False


def quiet() -> None:
    """From now on only record signals (the command is returning its exit code)."""
    global _quiet
    _quiet = True


def pending() -> int | None:
    """The signal received inside a deferred block and not yet acted on, or None."""
    return _pending


def take() -> int | None:
    """Return the pending signal and clear it."""
    global _pending
    sig, _pending = _pending, None
    return sig


@contextmanager
def deferred(done: str = "") -> Iterator[None]:
    """Inside the block a signal is only recorded (see `pending`). If one is still pending when the outermost
    block ends normally, Interrupted is raised then; `done` says what was completed (for its message)."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
    if _depth == 0 and _pending is not None:
        sig = take()
        raise Interrupted(f"stopped by {signal_name(sig)}" + (f" ({done})" if done else ""), sig)


@contextmanager
def immediate(why: str = "") -> Iterator[None]:
    """Inside a deferred block, let signals stop at once again (work that cannot be checkpointed); a signal
    already pending stops here. `why` is added to the message."""
    global _depth
    saved, _depth = _depth, 0
    try:
        if _pending is not None:
            sig = take()
            raise Interrupted(f"stopped by {signal_name(sig)}" + (f"; {why}" if why else ""), sig)
        try:
            yield
        except Interrupted as exc:
            if why:
                raise Interrupted(f"{exc}; {why}", exc.signum) from None
            raise
    finally:
        _depth = saved
