"""U(1)_X charge assignments: named presets and the card's explicit charges, parsed exactly (docs/physics/u1x.md).

A charge assignment gives X_F for the 18 chiral fields of three SM families with three right-handed neutrinos,
F ∈ {Q_i, U_i, D_i, L_i, E_i, N_i} (i = 1, 2, 3; Q, L left-handed doublets, U, D, E, N right-handed singlets), as
integers or rationals ("1/3"); the SM Higgs has X_H = 0 unless the card sets `x_higgs`. A preset names a common
assignment; explicit charges list every field. Anomaly freedom is checked exactly by models.u1x.anomaly.
"""
from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from models.u1x.anomaly import FIELDS, anomalies, format_anomalies

_THIRD = Fraction(1, 3)


def _assign(quarks: Fraction | int = 0, leptons: tuple = (0, 0, 0)) -> dict[str, Fraction]:
    """Vector-like charges: every quark X_q = `quarks`, family i's lepton fields (L_i, E_i, N_i) `leptons[i]`."""
    out = {}
    for i in range(3):
        for kind in "QUD":
            out[f"{kind}{i + 1}"] = Fraction(quarks)
        for kind in "LEN":
            out[f"{kind}{i + 1}"] = Fraction(leptons[i])
    return out


#: the presets: name → (charges, one-line description)
PRESETS: dict[str, tuple[dict[str, Fraction], str]] = {
    "lmu-ltau": (_assign(0, (0, 1, -1)), "L_μ − L_τ (He, Joshi, Lew, Volkas 1991; Foot 1991)"),
    "le-lmu": (_assign(0, (1, -1, 0)), "L_e − L_μ"),
    "le-ltau": (_assign(0, (1, 0, -1)), "L_e − L_τ"),
    "b-l": (_assign(_THIRD, (-1, -1, -1)), "B − L with three right-handed neutrinos"),
    "b-3le": (_assign(_THIRD, (-3, 0, 0)), "B − 3L_e"),
    "b-3lmu": (_assign(_THIRD, (0, -3, 0)), "B − 3L_μ"),
    "b-3ltau": (_assign(_THIRD, (0, 0, -3)), "B − 3L_τ"),
}


def parse_charges(spec: Mapping[str, object], where: str = "model.charges") -> dict[str, Fraction]:
    """The explicit charges of a card: all 18 fields, each an integer or a rational ("-1/3"). ValueError naming
    the missing, unknown or malformed keys."""
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where}: expected a mapping of the 18 fields {', '.join(FIELDS)} to charges")
    unknown = sorted(set(map(str, spec)) - set(FIELDS))
    missing = [f for f in FIELDS if f not in spec]
    problems = []
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}")
    if missing:
        problems.append(f"missing field(s) {', '.join(missing)}")
    out = {}
    for f in FIELDS:
        if f not in spec:
            continue
        value = spec[f]
        try:
            if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
                raise ValueError
            out[f] = Fraction(str(value).strip()) if isinstance(value, str) else Fraction(int(value))
        except (ValueError, ZeroDivisionError, TypeError):
            problems.append(f"{f}: {value!r} is not an integer or a rational such as '1/3'")
    if problems:
        raise ValueError(f"{where}: " + "; ".join(problems) + f" (allowed fields: {', '.join(FIELDS)})")
    return out


def resolve(preset: str, charges: Mapping[str, object] | None) -> dict[str, Fraction]:
    """The assignment a card asks for — the explicit `charges` if given, else the preset — checked for anomalies.
    ValueError (a card error) for an unknown preset, malformed charges, or an anomalous assignment, which lists
    every non-zero anomaly condition with its value."""
    if charges is not None:
        assignment = parse_charges(charges)
        origin = "model.charges"
    else:
        if preset not in PRESETS:
            raise ValueError(f"model.preset: unknown preset {preset!r}; allowed: {', '.join(PRESETS)} (or give "
                             "model.charges explicitly)")
        assignment = dict(PRESETS[preset][0])
        origin = f"model.preset {preset}"
    values = anomalies(assignment)
    if any(v != 0 for v in values.values()):
        raise ValueError(f"{origin}: the charges are anomalous: {format_anomalies(values)} (all six must vanish; "
                         "docs/physics/u1x-atlas.md)")
    return assignment
