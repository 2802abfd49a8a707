"""models/u1x/atlas.py and `globalfit atlas`: the counts (regression values and an independent brute-force
enumeration at small bounds), every listed assignment anomaly-free, no two equivalent, the muoquark and vector
flags, the CSV and YAML outputs (docs/physics/u1x-atlas.md)."""
from __future__ import annotations

import csv
import itertools
import math
from fractions import Fraction

import numpy as np
import pytest

from globalfit import cli, yamlio
from models.u1x.anomaly import FIELDS, anomalies
from models.u1x.atlas import MAX_BOUND, atlas

#: counts found at bound 10 (regression; docs/physics/u1x-atlas.md quotes them)
COUNTS_10 = {
    "universal": {"total": 1356, "vector": 254, "chiral": 1102, "muoquark": 1354, "muoquark_vector": 252,
                  "muoquark_chiral": 1102, "muoquark_models": 3396},
    "2+1": {"total": 37065, "vector": 6493, "chiral": 30572, "muoquark": 2962, "muoquark_vector": 494,
            "muoquark_chiral": 2468, "muoquark_models": 5890},
}


# ------------------------------------------------------------------ an independent brute-force enumeration
_KIND = {"Q": (3, 2, 1, 1), "U": (3, 1, 4, -1), "D": (3, 1, -2, -1), "L": (1, 2, -3, 1), "E": (1, 1, -6, -1),
         "N": (1, 1, 0, -1)}  # colours, SU(2) dimension, 6Y, +1 left / −1 right


def _contribution(kind: str, x: int) -> tuple[int, ...]:
    """One field's share of the six conditions (scaled to integers: Y² X by 36, Y X² by 6), from its quantum
    numbers alone."""
    nc, nw, y6, s = _KIND[kind]
    n = s * nc * nw
    return (s * nw * x if nc == 3 else 0, s * nc * x if nw == 2 else 0, n * y6 * y6 * x, n * x, n * y6 * x * x,
            n * x**3)


def _total(parts) -> tuple[int, ...]:
    return tuple(map(sum, zip(*parts)))


def _key(v: tuple[int, ...]) -> tuple[int, ...]:
    """Canonical member of the class of v = (q12, q3, L1..3, E1..3, N1..3): the smallest of its 72 images under
    sign × family permutation × N permutation."""
    q, lep, ele, nus = v[:2], v[2:5], v[5:8], v[8:]
    return min(tuple(s * c for c in (*q, *(lep[i] for i in p), *(ele[i] for i in p), *(nus[i] for i in pn)))
               for s in (1, -1) for p in itertools.permutations(range(3)) for pn in itertools.permutations(range(3)))


def _muon_ok(v: tuple[int, ...]) -> bool:
    """The muoquark condition with family 2 as the muon, as the issue states it."""
    q12, q3, (l1, l2, l3) = v[0], v[1], v[2:5]
    if q12 == q3:
        return l2 not in (l1, l3, -3 * q12)
    return q12 == 0 and l2 not in (l1, l3, l1 - q3, l3 - q3, -q3, -2 * q3, -3 * q3)


def _muon_models(v: tuple[int, ...]) -> int:
    """Inequivalent (assignment, muon family) pairs of v's class: images with a valid family-2 muon, up to the
    symmetries that keep family 2 (sign, exchanging families 1 and 3, N permutations)."""
    keys = set()
    for s, p in itertools.product((1, -1), itertools.permutations(range(3))):
        w = (s * v[0], s * v[1], *(s * v[2 + i] for i in p), *(s * v[5 + i] for i in p), *(s * c for c in v[8:]))
        if _muon_ok(w):
            keys.add(min((t * w[0], t * w[1], *(t * w[2 + i] for i in r), *(t * w[5 + i] for i in r),
                          *(t * w[8 + i] for i in rn))
                         for t in (1, -1) for r in ((0, 1, 2), (2, 1, 0))
                         for rn in itertools.permutations(range(3))))
    return len(keys)


def brute_force(bound: int, quarks: str) -> dict[tuple, dict]:
    """Every assignment with |X_F| ≤ bound tried (the N loop only when the conditions without N already vanish),
    each condition summed field by field; classes keyed by `_key`, with their vector and muoquark properties."""
    r = range(-bound, bound + 1)
    qs = [(a, a) for a in r] if quarks == "universal" else [(a, b) for a in r for b in r if a != b]
    triples = list(itertools.product(r, repeat=3))
    part = {k: {t: _total(_contribution(k, x) for x in t) for t in triples} for k in "LEN"}
    out = {}
    for q12, q3 in qs:
        quark = _total(_contribution(k, x) for k in "QUD" for x in (q12, q12, q3))
        for lep in triples:
            ql = _total((quark, part["L"][lep]))
            for ele in triples:
                a = _total((ql, part["E"][ele]))
                if a[0] or a[1] or a[2] or a[4]:
                    continue
                for nus in triples:
                    b = _total((a, part["N"][nus]))
                    v = (q12, q3, *lep, *ele, *nus)
                    if b[3] or b[5] or not any(v) or math.gcd(*v) != 1:
                        continue
                    k = _key(v)
                    if k not in out:
                        out[k] = {"vector": lep == ele, "muoquark_models": _muon_models(v)}
    return out


def _counts(classes: dict) -> dict[str, int]:
    vec = [c["vector"] for c in classes.values()]
    mu = [c["muoquark_models"] > 0 for c in classes.values()]
    return {"total": len(classes), "vector": sum(vec), "chiral": len(vec) - sum(vec), "muoquark": sum(mu),
            "muoquark_vector": sum(m and v for m, v in zip(mu, vec)),
            "muoquark_chiral": sum(m and not v for m, v in zip(mu, vec)),
            "muoquark_models": sum(c["muoquark_models"] for c in classes.values())}


def _check_against_brute_force(bound: int, quarks: str) -> None:
    expected = brute_force(bound, quarks)
    a = atlas(bound, quarks)
    mine = {_key(tuple(map(int, row))): (bool(vec), int(n))
            for row, vec, n in zip(a.compact, a.vector, a.muon_choices)}
    assert len(mine) == len(a.compact)  # no two listed assignments equivalent
    assert set(mine) == set(expected)
    assert all(mine[k] == (c["vector"], c["muoquark_models"]) for k, c in expected.items())
    assert a.counts() == _counts(expected)


@pytest.mark.parametrize("bound", [1, 2])
@pytest.mark.parametrize("quarks", ["universal", "2+1"])
def test_small_bounds_agree_with_brute_force(bound, quarks):
    _check_against_brute_force(bound, quarks)


def test_bound_3_universal_agrees_with_brute_force():
    _check_against_brute_force(3, "universal")


@pytest.mark.slow
def test_bound_3_two_plus_one_agrees_with_brute_force():
    _check_against_brute_force(3, "2+1")


# ------------------------------------------------------------------------------------------ bound 10
@pytest.fixture(scope="module")
def atlases():
    return {q: atlas(10, q) for q in ("universal", "2+1")}


def test_counts_at_bound_10(atlases):
    for quarks, expected in COUNTS_10.items():
        assert atlases[quarks].counts() == expected, quarks


def test_counts_are_reproducible(atlases):
    again = atlas(10, "universal")
    assert np.array_equal(again.compact, atlases["universal"].compact)
    assert again.names == atlases["universal"].names


def _assert_anomaly_free(rows: np.ndarray) -> None:
    bad = [row for row in rows if any(anomalies(dict(zip(FIELDS, map(int, row)))).values())]
    assert not bad, bad[:3]


def test_listed_universal_assignments_are_anomaly_free(atlases):
    _assert_anomaly_free(atlases["universal"].charges)


def test_listed_two_plus_one_assignments_are_anomaly_free_sample(atlases):
    _assert_anomaly_free(atlases["2+1"].charges[::7])


@pytest.mark.slow
def test_every_listed_two_plus_one_assignment_is_anomaly_free(atlases):
    _assert_anomaly_free(atlases["2+1"].charges)


def _class_keys(compact: np.ndarray) -> np.ndarray:
    """One integer per row: the smallest base-21 code of its 72 images (vectorized `_key`, for bound 10)."""
    best = None
    weights = 21 ** np.arange(10, -1, -1, dtype=np.int64)
    for s in (1, -1):
        for p in itertools.permutations(range(3)):
            for pn in itertools.permutations(range(3)):
                cols = [0, 1, *(2 + i for i in p), *(5 + i for i in p), *(8 + i for i in pn)]
                code = ((s * compact[:, cols] + 10) * weights).sum(1)
                best = code if best is None else np.minimum(best, code)
    return best


def test_no_two_listed_assignments_are_equivalent(atlases):
    for a in atlases.values():
        assert len(np.unique(_class_keys(a.compact))) == len(a.compact)


def test_listed_assignments_are_primitive_bounded_and_structured(atlases):
    for quarks, a in atlases.items():
        x = a.charges
        assert x.shape == (len(a.names), 18) and np.abs(x).max() <= 10
        assert np.all(np.gcd.reduce(x, axis=1) == 1)
        for kind in "QUD":  # X_H = 0: each family's quarks share one charge; families 1 and 2 always equal
            assert np.array_equal(x[:, [FIELDS.index(f"{kind}{i}") for i in (1, 2, 3)]], x[:, :3])
        assert np.all(x[:, 0] == x[:, 1])
        assert np.all((x[:, 1] == x[:, 2]) == (quarks == "universal"))
        lep, ele = x[:, 9:12], x[:, 12:15]
        assert np.array_equal(a.vector, np.all(lep == ele, 1))
        assert len(set(a.names)) == len(a.names)


def test_muoquarks_are_shown_with_the_muon_in_family_2(atlases):
    for a in atlases.values():
        rows = [tuple(map(int, r)) for r in a.compact]
        assert [_muon_ok(r) for r in rows] == list(a.muoquark)


def test_known_assignments_are_in_the_universal_atlas(atlases):
    a = atlases["universal"]
    keys = {_key(tuple(map(int, r))): (name, mu) for name, r, mu in zip(a.names, a.compact, a.muoquark)}
    lmu_ltau = (0, 0, 0, 1, -1, 0, 1, -1, 0, 1, -1)
    b_3lmu = (1, 1, 0, -9, 0, 0, -9, 0, 0, -9, 0)  # B − 3L_μ in integer normalisation (X_q = 1)
    b_l = (1, 1, -3, -3, -3, -3, -3, -3, -3, -3, -3)
    assert keys[_key(lmu_ltau)][1] and keys[_key(b_3lmu)][1]
    assert not keys[_key(b_l)][1]  # X_L equal in every family: the leptoquark couples to all leptons


# ----------------------------------------------------------------------------------------- outputs
def test_yaml_entries_are_card_charges(atlases, tmp_path):
    a = atlases["universal"]
    a.write_yaml(tmp_path / "atlas.yaml")
    loaded = yamlio.load(tmp_path / "atlas.yaml")
    assert list(loaded) == list(a.names)
    for name, entry in loaded.items():
        assert set(entry) == {"charges", "category", "muoquark"}
        assert list(entry["charges"]) == list(FIELDS)
        assert all(type(v) is int for v in entry["charges"].values()), name
        assert entry["category"] in ("vector", "chiral") and isinstance(entry["muoquark"], bool)
    assert loaded == a.entries()
    first = next(iter(loaded.values()))["charges"]
    assert anomalies(first) == dict.fromkeys(anomalies(first), Fraction(0))


def test_csv_has_one_row_per_class(atlases, tmp_path):
    a = atlases["2+1"]
    a.write_csv(tmp_path / "atlas.csv")
    with open(tmp_path / "atlas.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(a.names)
    assert list(rows[0]) == ["name", *FIELDS, "category", "muoquark", "muon_choices"]
    assert [int(rows[5][f]) for f in FIELDS] == list(a.charges[5])
    assert sum(int(r["muon_choices"]) for r in rows) == COUNTS_10["2+1"]["muoquark_models"]


@pytest.mark.parametrize("bad", [{"bound": 0}, {"bound": MAX_BOUND + 1}, {"bound": 2.5}, {"quarks": "3"}])
def test_bad_arguments_are_errors(bad):
    with pytest.raises(ValueError, match="bound|quarks"):
        atlas(**bad)


# ----------------------------------------------------------------------------------------------- CLI
def test_cli_prints_the_counts_and_writes_both_files(tmp_path, capsys):
    assert cli.main(["atlas", "--bound", "4", "--quarks", "2+1", "-o", str(tmp_path / "small")]) == 0
    out = capsys.readouterr().out
    counts = atlas(4, "2+1").counts()
    printed = {line.rsplit(None, 1)[0].strip(): int(line.split()[-1]) for line in out.splitlines()
               if line.split() and line.split()[-1].isdigit()}
    assert printed["inequivalent assignments"] == counts["total"]
    assert printed["vector (X_Li = X_Ei)"] == counts["vector"] and printed["chiral"] == counts["chiral"]
    assert printed["muoquark (a valid muon family)"] == counts["muoquark"]
    assert printed["muoquark models (class x muon family)"] == counts["muoquark_models"]
    assert (tmp_path / "small.csv").is_file()
    assert len(yamlio.load(tmp_path / "small.yaml")) == counts["total"]


@pytest.mark.parametrize("argv, message", [
    (["--bound", "0"], "--bound: expected an integer from 1 to"),
    (["-o", "no/such/dir/atlas"], "does not exist"),
])
def test_cli_errors_are_one_line_with_exit_code_2(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["atlas", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
