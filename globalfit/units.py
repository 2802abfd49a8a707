"""Units in run cards and ``--set`` values: ``"<number> <unit>"`` → the parameter's card unit.

Accepted units (case-sensitive; the space is optional):

- energy (masses, card unit GeV or eV): meV, eV, keV, MeV, GeV, TeV
- squared energy (Δm², card unit eV^2): meV^2, eV^2, keV^2, MeV^2, GeV^2, TeV^2, also written eV2 or eV²
- angle (phases, card unit deg): deg, rad

A plain number is taken to be in the card unit; dimensionless parameters take plain numbers only.
"""
from __future__ import annotations

import difflib
import math
import re

_ENERGY = {"meV": 1e-3, "eV": 1.0, "keV": 1e3, "MeV": 1e6, "GeV": 1e9, "TeV": 1e12}  # in eV
_ENERGY2 = {f"{u}^2": f * f for u, f in _ENERGY.items()}  # in eV²
_ANGLE = {"deg": 1.0, "rad": 180.0 / math.pi}  # in degrees
#: dimension name → (unit → factor to the dimension's base unit)
DIMENSIONS: dict[str, dict[str, float]] = {"energy": _ENERGY, "energy²": _ENERGY2, "angle": _ANGLE}
_ALIASES = {a: u for u in _ENERGY2 for a in (u.replace("^2", "2"), u.replace("^2", "²"))}
_EXAMPLE = {"energy": "10 MeV", "energy²": "7.4e-5 eV^2", "angle": "45 deg"}
_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)\s*$")


class UnitError(ValueError):
    """A value with a missing, unknown or wrong unit (the message says what is allowed)."""


def dimension(unit: str) -> str | None:
    """The dimension of a unit ("energy", "energy²", "angle"), None if unknown or dimensionless."""
    unit = _ALIASES.get(unit, unit)
    return next((d for d, table in DIMENSIONS.items() if unit in table), None)


def parse(text: str) -> tuple[float, str] | None:
    """``"10 MeV"`` → (10.0, "MeV"); ``"10"`` → (10.0, ""); None if `text` is not a number with a unit."""
    m = _QUANTITY.match(text)
    return (float(m.group(1)), _ALIASES.get(m.group(2), m.group(2))) if m else None


def to_card_unit(value: object, card_unit: str, name: str = "the parameter") -> object:
    """A string ``"<number> <unit>"`` converted to `card_unit` (a float); anything else is returned as is.

    Raises UnitError for a string that is not a number with a known unit of the dimension of `card_unit`.
    """
    if not isinstance(value, str):
        return value
    dim = dimension(card_unit)
    allowed = list(DIMENSIONS[dim]) if dim else []
    in_unit = f"{name} is in {card_unit}; allowed units: {', '.join(allowed)}" if dim else f"{name} is dimensionless"
    parsed = parse(value)
    if parsed is None:
        example = f" or a number with a unit, e.g. '{_EXAMPLE[dim]}'" if dim else ""
        raise UnitError(f"must be a number{example}, got {value!r} ({in_unit})")
    number, unit = parsed
    if not unit:
        return number
    if not dim:
        raise UnitError(f"got {value!r}, but {name} is dimensionless: give a plain number without a unit")
    given = dimension(unit)
    if given is None:
        same_case = [u for u in allowed if u.lower() == unit.lower()]
        close = same_case or difflib.get_close_matches(unit, allowed, n=1, cutoff=0.6)
        hint = f" (did you mean {' or '.join(repr(u) for u in close)}? units are case-sensitive)" if close else ""
        raise UnitError(f"unknown unit {unit!r} in {value!r}; {in_unit}{hint}")
    if given != dim:
        raise UnitError(f"got {value!r}, a unit of {given}; {in_unit}")
    return number * DIMENSIONS[dim][unit] / DIMENSIONS[dim][card_unit]
