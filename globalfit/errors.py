"""Exceptions that the command line turns into a clear message and exit code 2 (never a traceback)."""
from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass


class GlobalfitError(Exception):
    """Base class of every error caused by the user's input (card, data, run directory)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a run card: where, what was given, and what is allowed."""

    path: str  # dotted key path, e.g. "params.m_zp.min"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class CardError(GlobalfitError):
    """A run card failed validation. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem], source: str = "run card"):
        self.problems = list(problems)
        self.source = source
        lines = [f"{source}: {len(self.problems)} problem(s)"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class DataError(GlobalfitError):
    """A data file is missing, malformed, or does not match its checksum in its catalogue."""


class RunError(GlobalfitError):
    """A run directory is missing or incomplete."""


class LikelihoodNaNError(GlobalfitError):
    """A likelihood plugin returned NaN (or +inf) at a point inside the prior support: a bug, never sampled."""


class CardWarning(UserWarning):
    """Something in a card or an override that is accepted but probably not what was meant."""


def format_warning(message, category, filename, lineno, line=None, _default=warnings.formatwarning) -> str:
    """`warnings.formatwarning` of the command line: CardWarnings as one line, like its errors."""
    if issubclass(category, CardWarning):
        return f"globalfit: warning: {message}\n"
    return _default(message, category, filename, lineno, line)


def did_you_mean(word: object, options) -> str:
    """" (did you mean 'x'?)" for the closest of `options`, or "" if none is close."""
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
