"""Progress reports of a running sampler: a live status line on a terminal, or (for runs in the background,
e.g. `globalfit run STUDY --jobs N`) a plain line every `every` seconds prefixed by the run's label."""
from __future__ import annotations

import sys
import time


class Progress:
    """`mode`: True (a status line rewritten in place, at most twice a second), False (silent), or a label
    (a line "[label] ..." every `every` seconds)."""

    def __init__(self, mode: bool | str, every: float = 10.0, stream=None):
        self.mode = mode
        self.stream = stream or sys.stderr
        self.interval = 0.5 if mode is True else float(every)
        self._last = time.monotonic() if isinstance(mode, str) else 0.0
        self._shown = False

    @property
    def live(self) -> bool:
        return self.mode is True

    def update(self, text: str) -> None:
        """Show `text` if the interval since the last report has passed."""
        if not self.mode or time.monotonic() - self._last < self.interval:
            return
        self._last = time.monotonic()
        if self.mode is True:
            self.stream.write(f"\r{text}   ")
            self._shown = True
        else:
            self.stream.write(f"[{self.mode}] {text}\n")
        self.stream.flush()

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False
