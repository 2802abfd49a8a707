"""The six gauge and gravitational anomaly conditions of a U(1)_X, in exact rational arithmetic.

Fields: three SM families with three right-handed neutrinos, each written as left-handed Weyl fermions
(Q = T3 + Y):

    kind   SU(3)  SU(2)  Y      chirality
    Q      3      2      1/6    left
    U      3      1      2/3    right
    D      3      1      −1/3   right
    L      1      2      −1/2   left
    E      1      1      −1     right
    N      1      1      0      right

A right-handed field enters with a minus sign (its conjugate is left-handed with the opposite charges), and every
condition is summed over the colour and SU(2) components of the other factors (the Dynkin index T(R) = 1/2 of the
fundamentals is dropped, an overall factor). With s_F = +1 (left), −1 (right) and n_F = (colours)·(SU(2) dim.):

    SU(3)^2 U(1)_X     Σ_i 2X_Qi − X_Ui − X_Di
    SU(2)^2 U(1)_X     Σ_i 3X_Qi + X_Li
    U(1)_Y^2 U(1)_X    Σ_F s_F n_F Y_F² X_F = Σ_i X_Qi/6 − 4X_Ui/3 − X_Di/3 + X_Li/2 − X_Ei
    grav^2 U(1)_X      Σ_F s_F n_F X_F     = Σ_i 6X_Qi − 3X_Ui − 3X_Di + 2X_Li − X_Ei − X_Ni
    U(1)_Y U(1)_X^2    Σ_F s_F n_F Y_F X_F² = Σ_i X_Qi² − 2X_Ui² + X_Di² − X_Li² + X_Ei²
    U(1)_X^3           Σ_F s_F n_F X_F³    = Σ_i 6X_Qi³ − 3X_Ui³ − 3X_Di³ + 2X_Li³ − X_Ei³ − X_Ni³

The assignment is anomaly-free when all six vanish (docs/physics/u1x-atlas.md).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from fractions import Fraction

#: field kind → (colours, SU(2) dimension, hypercharge Y, +1 left-handed / −1 right-handed)
_KINDS: dict[str, tuple[int, int, Fraction, int]] = {
    "Q": (3, 2, Fraction(1, 6), +1),
    "U": (3, 1, Fraction(2, 3), -1),
    "D": (3, 1, Fraction(-1, 3), -1),
    "L": (1, 2, Fraction(-1, 2), +1),
    "E": (1, 1, Fraction(-1), -1),
    "N": (1, 1, Fraction(0), -1),
}

#: the 18 fields, kind then family: Q1, Q2, Q3, U1, …, N3
FIELDS: tuple[str, ...] = tuple(f"{kind}{i}" for kind in _KINDS for i in (1, 2, 3))

#: hypercharge of each field kind ("Q", "U", "D", "L", "E", "N"), Q = T3 + Y
HYPERCHARGE: dict[str, Fraction] = {kind: spec[2] for kind, spec in _KINDS.items()}

#: the six conditions, in the order `anomalies` returns them
CONDITIONS: tuple[str, ...] = ("SU(3)^2 U(1)_X", "SU(2)^2 U(1)_X", "U(1)_Y^2 U(1)_X", "grav^2 U(1)_X",
                               "U(1)_Y U(1)_X^2", "U(1)_X^3")


def _exact(field: str, value: object) -> Fraction:
    if isinstance(value, bool):
        raise ValueError(f"{field}: {value!r} is not a charge")
    if isinstance(value, numbers.Rational):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{field}: {value!r} is not an integer or a rational such as '1/3'") from None
    if isinstance(value, float) and value.is_integer():
        return Fraction(int(value))
    raise ValueError(f"{field}: {value!r} is not an integer or a rational such as '1/3' (exact arithmetic: give "
                     "non-integer charges as strings)")


def _checked(charges: Mapping[str, object]) -> dict[str, Fraction]:
    unknown = sorted(str(k) for k in charges if k not in FIELDS)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    missing = [f for f in FIELDS if f not in charges]
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}: every one of the 18 fields needs a charge")
    return {f: _exact(f, charges[f]) for f in FIELDS}


def anomalies(charges: Mapping[str, int | Fraction | str]) -> dict[str, Fraction]:
    """The six anomaly coefficients (keys `CONDITIONS`) of a charge assignment `charges` (field → X_F: int,
    Fraction or a string such as "1/3"; all 18 `FIELDS`). ValueError naming missing or unknown fields."""
    x = _checked(charges)
    d = math.lcm(*(c.denominator for c in x.values()))  # exact integer sums of d·X_F, 6Y_F, then one division
    sums = [0] * 6
    for field, charge in x.items():
        colours, isospin, y, sign = _KINDS[field[0]]
        n, c, y6 = sign * colours * isospin, int(charge * d), int(6 * y)
        if colours == 3:
            sums[0] += sign * isospin * c
        if isospin == 2:
            sums[1] += sign * colours * c
        sums[2] += n * y6 * y6 * c
        sums[3] += n * c
        sums[4] += n * y6 * c * c
        sums[5] += n * c**3
    scale = (d, d, 36 * d, d, 6 * d * d, d**3)
    return {name: Fraction(v, s) for name, v, s in zip(CONDITIONS, sums, scale)}


def anomaly_free(charges: Mapping[str, int | Fraction | str]) -> bool:
    """True when all six anomaly conditions of `charges` vanish exactly."""
    return all(v == 0 for v in anomalies(charges).values())


def format_anomalies(values: Mapping[str, Fraction]) -> str:
    """The non-zero conditions of `values` (from `anomalies`) with their values, e.g. "SU(2)^2 U(1)_X = 1,
    U(1)_X^3 = -1/2"; "" when all vanish."""
    return ", ".join(f"{name} = {value}" for name, value in values.items() if value != 0)
