"""models/u1x/anomaly.py: the six anomaly conditions of a U(1)_X, checked by hand on classic assignments
(docs/physics/u1x-atlas.md)."""
from __future__ import annotations

import random
from fractions import Fraction

import pytest

from models.u1x.anomaly import CONDITIONS, FIELDS, HYPERCHARGE, anomalies, anomaly_free, format_anomalies


def assignment(quarks=0, leptons=(0, 0, 0), neutrinos=None) -> dict:
    """Every quark `quarks`; family i's L_i = E_i = leptons[i] and N_i = neutrinos[i] (default: leptons[i])."""
    neutrinos = leptons if neutrinos is None else neutrinos
    out = {}
    for i in range(3):
        out.update({f"Q{i + 1}": quarks, f"U{i + 1}": quarks, f"D{i + 1}": quarks,
                    f"L{i + 1}": leptons[i], f"E{i + 1}": leptons[i], f"N{i + 1}": neutrinos[i]})
    return out


def explicit(x: dict) -> dict[str, Fraction]:
    """The six conditions written out per family (the module docstring's right-hand sides), in Fractions."""
    f = {k: Fraction(v) for k, v in x.items()}
    fam = [{k: f[f"{k}{i}"] for k in "QUDLEN"} for i in (1, 2, 3)]
    return {
        "SU(3)^2 U(1)_X": sum(2 * a["Q"] - a["U"] - a["D"] for a in fam),
        "SU(2)^2 U(1)_X": sum(3 * a["Q"] + a["L"] for a in fam),
        "U(1)_Y^2 U(1)_X": sum(a["Q"] / 6 - 4 * a["U"] / 3 - a["D"] / 3 + a["L"] / 2 - a["E"] for a in fam),
        "grav^2 U(1)_X": sum(6 * a["Q"] - 3 * a["U"] - 3 * a["D"] + 2 * a["L"] - a["E"] - a["N"] for a in fam),
        "U(1)_Y U(1)_X^2": sum(a["Q"] ** 2 - 2 * a["U"] ** 2 + a["D"] ** 2 - a["L"] ** 2 + a["E"] ** 2 for a in fam),
        "U(1)_X^3": sum(6 * a["Q"] ** 3 - 3 * a["U"] ** 3 - 3 * a["D"] ** 3 + 2 * a["L"] ** 3 - a["E"] ** 3
                        - a["N"] ** 3 for a in fam),
    }


def test_fields_and_hypercharges():
    assert FIELDS == ("Q1", "Q2", "Q3", "U1", "U2", "U3", "D1", "D2", "D3", "L1", "L2", "L3", "E1", "E2", "E3",
                      "N1", "N2", "N3")
    assert HYPERCHARGE == {"Q": Fraction(1, 6), "U": Fraction(2, 3), "D": Fraction(-1, 3), "L": Fraction(-1, 2),
                           "E": Fraction(-1), "N": Fraction(0)}
    # Q = T3 + Y: u_L = 2/3, d_L = −1/3, ν = 0, e_L = −1 from the doublets; the singlets carry their charge
    assert HYPERCHARGE["Q"] + Fraction(1, 2) == HYPERCHARGE["U"] and HYPERCHARGE["Q"] - Fraction(1, 2) == HYPERCHARGE["D"]
    assert HYPERCHARGE["L"] + Fraction(1, 2) == HYPERCHARGE["N"] and HYPERCHARGE["L"] - Fraction(1, 2) == HYPERCHARGE["E"]


def test_b_minus_l_with_three_right_handed_neutrinos_is_anomaly_free():
    x = assignment("1/3", (-1, -1, -1))
    assert anomalies(x) == dict.fromkeys(CONDITIONS, 0)
    assert anomaly_free(x)


def test_b_minus_l_without_right_handed_neutrinos():
    """Per family, with X_q = 1/3, X_L = X_E = −1, X_N = 0:
    grav:  6·(1/3) − 3·(1/3) − 3·(1/3) + 2·(−1) − (−1) − 0 = 2 − 1 − 1 − 2 + 1 = −1, three families: −3;
    X³:    6/27 − 3/27 − 3/27 + 2·(−1) − (−1) − 0 = −1, three families: −3;
    the linear SU(3)², SU(2)² (3 − 3 = 0), Y² (1/18 − 4/9 − 1/9 − 1/2 + 1 = 0) and Y X² (1/9 − 2/9 + 1/9 − 1 + 1)
    vanish: the right-handed neutrinos are exactly what B − L needs."""
    values = anomalies(assignment("1/3", (-1, -1, -1), (0, 0, 0)))
    assert values == {**dict.fromkeys(CONDITIONS, 0), "grav^2 U(1)_X": -3, "U(1)_X^3": -3}
    assert format_anomalies(values) == "grav^2 U(1)_X = -3, U(1)_X^3 = -3"
    assert not anomaly_free(assignment("1/3", (-1, -1, -1), (0, 0, 0)))


def test_lmu_minus_ltau_is_anomaly_free():
    assert anomaly_free(assignment(0, (0, 1, -1)))


def test_hypercharge_itself_is_anomaly_free():
    """X = Y (N neutral): the SM's own anomaly cancellation, including Y³ and grav² Y."""
    x = {f: HYPERCHARGE[f[0]] for f in FIELDS}
    assert anomalies(x) == dict.fromkeys(CONDITIONS, 0)


def test_b_minus_3_lmu_is_anomaly_free():
    assert anomaly_free(assignment(Fraction(1, 3), (0, -3, 0)))


def test_an_anomalous_assignment_lists_its_nonzero_conditions():
    """Only L2 = E2 = 1: SU(2)² = 1, Y² = 2·(1/4) − 1 = −1/2, grav = 2 − 1 = 1, Y X² = −1 + 1 = 0, X³ = 2 − 1 = 1."""
    x = dict.fromkeys(FIELDS, 0) | {"L2": 1, "E2": 1}
    values = anomalies(x)
    assert values["SU(3)^2 U(1)_X"] == 0 and values["U(1)_Y U(1)_X^2"] == 0
    assert format_anomalies(values) == ("SU(2)^2 U(1)_X = 1, U(1)_Y^2 U(1)_X = -1/2, grav^2 U(1)_X = 1, "
                                        "U(1)_X^3 = 1")
    assert not anomaly_free(x)
    assert format_anomalies(anomalies(assignment(0, (0, 1, -1)))) == ""


def test_matches_the_explicit_formulas_on_random_rationals():
    rng = random.Random(7)
    for _ in range(200):
        x = {f: Fraction(rng.randint(-9, 9), rng.choice((1, 2, 3, 5, 6))) for f in FIELDS}
        assert anomalies(x) == explicit(x)


def test_accepted_charge_types():
    base = assignment(0, (0, 1, -1))
    strings = {k: str(v) for k, v in base.items()} | {"Q1": " 0 ", "N2": "2/2"}
    assert anomalies(strings) == anomalies(base)
    assert anomaly_free({k: float(v) for k, v in base.items()})  # integral floats, e.g. from YAML "1.0"


@pytest.mark.parametrize("bad", ["1/0", "a third", 0.5, True, None, [1]])
def test_a_malformed_charge_names_its_field(bad):
    with pytest.raises(ValueError, match="N3"):
        anomalies(assignment(0, (0, 1, -1)) | {"N3": bad})


def test_a_missing_field_is_an_error_naming_it():
    x = assignment(0, (0, 1, -1))
    del x["E2"], x["Q3"]
    with pytest.raises(ValueError, match=r"missing field\(s\) Q3, E2"):
        anomalies(x)


def test_an_unknown_field_is_an_error_listing_the_allowed_ones():
    with pytest.raises(ValueError, match=r"unknown field\(s\) H, L4; allowed: Q1, Q2, .*N3"):
        anomalies(assignment(0, (0, 1, -1)) | {"L4": 1, "H": 0})
