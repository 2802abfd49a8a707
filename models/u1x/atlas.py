"""The atlas: every inequivalent anomaly-free integer U(1)_X charge assignment with |X_F| ≤ bound
(docs/physics/u1x-atlas.md; after Greljo, Soreq, Stangl, Thomsen, Zupan, arXiv:2107.07518, sec. 2).

Quarks. The SM Higgs is neutral (X_H = 0) and the quark Yukawas are kept, so each family's quarks share one charge,
X_Qi = X_Ui = X_Di. `quarks="universal"`: one charge X_q for all families; `quarks="2+1"`: X_q12 for families 1 and
2, X_q3 ≠ X_q12 for family 3 (the universal case is the other atlas). Leptons: L_i, E_i, N_i free (the charged-lepton
Yukawas are not imposed). With T = 2X_q12 + X_q3 (= 3X_q) the conditions of models.u1x.anomaly become

    SU(3)^2 X, and the quark parts of grav^2 X, Y X^2, X^3:   0 identically
    SU(2)^2 X, Y^2 X, grav^2 X:   Σ L_i = Σ E_i = Σ N_i = −3T
    Y X^2:                        Σ L_i² = Σ E_i²
    X^3:                          2 Σ L_i³ − Σ E_i³ = Σ N_i³

The enumeration solves the linear ones for L3, E3, N3 and filters the rest as int64 arrays.

Equivalence. Two assignments are equivalent if one becomes the other by permuting the lepton families (L_i, E_i,
N_i together), permuting the N_i among themselves, flipping the overall sign, or rescaling; each class is kept once,
by its primitive member (gcd of the charges 1; the all-zero assignment is excluded).

Subsets. vector: X_Li = X_Ei for every i; chiral: the others. Muoquark (an S3 leptoquark of charge −X_q − X_L2
coupling to the muon family only, without diquark couplings), with family m as the muon:
    universal: X_Lm ∉ {X_Lj (j ≠ m), −3X_q};
    2+1:       X_q12 = 0 and X_Lm ∉ {X_Lj, X_Lj − X_q3 (j ≠ m), −X_q3, −2X_q3, −3X_q3}.
`muon_choices` counts the inequivalent choices of m for which this holds (choices related by a symmetry of the
assignment itself count once); a class is a muoquark if it has one. Every listed representative puts a valid muon
family, if there is one, in family 2.
"""
from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from models.u1x.anomaly import FIELDS

QUARK_OPTIONS: tuple[str, ...] = ("universal", "2+1")
MAX_BOUND = 20  # the cost grows about as bound⁵: "2+1" takes 0.4 s at 10, 6 s at 20 (2-core machine)

#: columns of the compact form: the two quark charges, then L1..L3, E1..E3, N1..N3
COLUMNS: tuple[str, ...] = ("q12", "q3", "L1", "L2", "L3", "E1", "E2", "E3", "N1", "N2", "N3")
_L, _E, _N = slice(2, 5), slice(5, 8), slice(8, 11)
_CHUNK = 50_000  # rows per block in the per-class steps (bounds the memory of their 12 images)
_PERMS = np.array(list(itertools.permutations(range(3))))  # the six permutations of three families


def _triples(total: int, bound: int) -> np.ndarray:
    """All ordered integer triples in [−bound, bound] summing to `total`, shape (t, 3)."""
    a, b = np.meshgrid(np.arange(-bound, bound + 1), np.arange(-bound, bound + 1), indexing="ij")
    a, b = a.ravel(), b.ravel()
    c = total - a - b
    keep = np.abs(c) <= bound
    return np.column_stack([a[keep], b[keep], c[keep]]).astype(np.int64)


def _lepton_solutions(total: int, bound: int) -> np.ndarray:
    """Lepton charges (L1..3, E1..3, N1..3) with Σ L = Σ E = Σ N = `total`, Σ L² = Σ E², 2Σ L³ − Σ E³ = Σ N³,
    one per class of family and N permutations: families ordered by (L_i, E_i) non-increasing, N non-increasing.
    Shape (m, 9)."""
    t = _triples(total, bound)
    if len(t) == 0:
        return np.zeros((0, 9), np.int64)
    il, ie = np.nonzero((t**2).sum(1)[:, None] == (t**2).sum(1)[None, :])  # Y X² on every (L, E) pair
    lep, ele = t[il], t[ie]
    code = (lep + bound) * (2 * bound + 1) + (ele + bound)  # (L_i, E_i) in lexicographic order
    ordered = (code[:, 0] >= code[:, 1]) & (code[:, 1] >= code[:, 2])
    lep, ele = lep[ordered], ele[ordered]
    cubic = 2 * (lep**3).sum(1) - (ele**3).sum(1)
    nus = t[(t[:, 0] >= t[:, 1]) & (t[:, 1] >= t[:, 2])]  # N as a multiset
    ncube = (nus**3).sum(1)
    order = np.argsort(ncube, kind="stable")
    nus, ncube = nus[order], ncube[order]
    lo, hi = np.searchsorted(ncube, cubic, "left"), np.searchsorted(ncube, cubic, "right")
    count = hi - lo
    rows = np.repeat(np.arange(len(lep)), count)
    start = np.repeat(lo - np.concatenate([[0], np.cumsum(count)[:-1]]), count)
    pick = start + np.arange(len(rows))
    return np.column_stack([lep[rows], ele[rows], nus[pick]])


def _canonical(rows: np.ndarray, bound: int) -> np.ndarray:
    """The permutation-canonical form of compact rows: families ordered by (L_i, E_i) non-increasing, N sorted
    non-increasing (the quark columns unchanged)."""
    code = (rows[:, _L] + bound) * (2 * bound + 1) + (rows[:, _E] + bound)
    order = np.argsort(-code, axis=1, kind="stable")
    out = rows.copy()
    out[:, _L] = np.take_along_axis(rows[:, _L], order, 1)
    out[:, _E] = np.take_along_axis(rows[:, _E], order, 1)
    out[:, _N] = -np.sort(-rows[:, _N], axis=1)
    return out


def _lex_ge(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise a ≥ b in lexicographic order."""
    diff = a - b
    first = np.argmax(diff != 0, axis=1)
    return diff[np.arange(len(a)), first] >= 0


def _valid_muon(rows: np.ndarray) -> np.ndarray:
    """(n, 3): family m of each compact row satisfies the muoquark condition as the muon family."""
    q12, q3, lep = rows[:, 0:1], rows[:, 1:2], rows[:, _L]
    valid = np.zeros(lep.shape, bool)
    universal = rows[:, 0] == rows[:, 1]
    for m in range(3):
        others = lep[:, [j for j in range(3) if j != m]]
        lm = lep[:, m:m + 1]
        uni = ~np.any(lm == others, 1) & (lm[:, 0] != -3 * q12[:, 0])
        forbidden = np.column_stack([others, others - q3, -q3, -2 * q3, -3 * q3])
        two = (q12[:, 0] == 0) & ~np.any(lm == forbidden, 1)
        valid[:, m] = np.where(universal, uni, two)
    return valid


def _images(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 12 images of each row under sign × family permutation (N as given): array (n, 12, 11) and the
    permutations used, (12, 3), image family k = row family perm[k]."""
    out, perms = [], []
    for sign in (1, -1):
        for p in _PERMS:
            img = sign * rows
            img[:, _L], img[:, _E], img[:, _N] = sign * rows[:, 2 + p], sign * rows[:, 5 + p], sign * rows[:, 8 + p]
            out.append(img)
            perms.append(p)
    return np.stack(out, 1), np.array(perms)


def _muon_choices(rows: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Inequivalent valid muon families of each canonical row: the orbits of the valid families under the
    symmetries of the row itself (sign × family permutations that map it onto itself, N as a multiset)."""
    imgs, perms = _images(rows)
    same = np.all(imgs[:, :, :8] == rows[:, None, :8], axis=2)
    same &= np.all(-np.sort(-imgs[:, :, 8:], axis=2) == rows[:, None, 8:], axis=2)
    related = np.zeros((len(rows), 3, 3), bool)  # related[n, k, j]: a symmetry maps family j to k
    for g, p in enumerate(perms):
        related[:, np.arange(3), p] |= same[:, g:g + 1]
    orbit = related.sum(2)
    return np.rint((valid / orbit).sum(1)).astype(np.int64)


def _lex_best(keys: np.ndarray) -> np.ndarray:
    """Per row, the index of the lexicographically largest key among candidates: keys (n, c, k) → (n,)."""
    alive = np.ones(keys.shape[:2], bool)
    for col in range(keys.shape[2]):
        v = np.where(alive, keys[:, :, col], np.iinfo(np.int64).min)
        alive &= v == v.max(1, keepdims=True)
    return np.argmax(alive, 1)


def _display(rows: np.ndarray) -> np.ndarray:
    """A readable representative of each class: a valid muon family (if any) in family 2, the electron family
    (1) with the smallest |X_L1| + |X_E1|, then the lexicographically largest (q12, q3, L, E); N_i placed to match
    L_i (then E_i) where they can."""
    imgs, _ = _images(rows)
    valid = _valid_muon(imgs.reshape(-1, len(COLUMNS)))[:, 1].reshape(imgs.shape[:2])
    electron = np.abs(imgs[:, :, 2]) + np.abs(imgs[:, :, 5])
    keys = np.concatenate([valid[:, :, None], -electron[:, :, None], imgs[:, :, :8]], axis=2).astype(np.int64)
    best = imgs[np.arange(len(rows)), _lex_best(keys)]
    nperm = best[:, 8 + _PERMS]  # (n, 6, 3): the six placements of N
    match = np.stack([(nperm == best[:, None, _L]).sum(2), (nperm == best[:, None, _E]).sum(2)], axis=2)
    pick = _lex_best(np.concatenate([match, nperm], axis=2))
    best[:, _N] = nperm[np.arange(len(rows)), pick]
    return best


def expand(rows: np.ndarray) -> np.ndarray:
    """Compact rows (q12, q3, L1..3, E1..3, N1..3) → the 18 charges in `FIELDS` order, shape (n, 18)."""
    quarks = rows[:, [0, 0, 1]]
    return np.concatenate([quarks, quarks, quarks, rows[:, 2:]], axis=1)


@dataclass(frozen=True)
class Atlas:
    """The inequivalent anomaly-free assignments of one quark option: `compact` rows (q12, q3, L1..3, E1..3,
    N1..3), their `names`, and per class `vector` (X_Li = X_Ei for all i) and `muon_choices`."""

    bound: int
    quarks: str
    compact: np.ndarray
    names: tuple[str, ...]
    vector: np.ndarray
    muon_choices: np.ndarray

    @cached_property
    def charges(self) -> np.ndarray:
        """The 18 integer charges of each solution, in `FIELDS` order, shape (n, 18)."""
        return expand(self.compact)

    @property
    def muoquark(self) -> np.ndarray:
        return self.muon_choices > 0

    def counts(self) -> dict[str, int]:
        """total, vector, chiral, muoquark (classes with a valid muon family), muoquark_vector, muoquark_chiral,
        muoquark_models (class × inequivalent muon family)."""
        mu = self.muoquark
        return {"total": len(self.compact), "vector": int(self.vector.sum()), "chiral": int((~self.vector).sum()),
                "muoquark": int(mu.sum()), "muoquark_vector": int((mu & self.vector).sum()),
                "muoquark_chiral": int((mu & ~self.vector).sum()), "muoquark_models": int(self.muon_choices.sum())}

    def entries(self) -> dict[str, dict]:
        """name → {charges: {Q1: .., …, N3: ..}, category: vector|chiral, muoquark: bool}; each `charges` is a
        card's `model: {name: u1x, charges: {...}}`."""
        return {name: {"charges": dict(zip(FIELDS, map(int, row))), "category": "vector" if vec else "chiral",
                       "muoquark": bool(mu)}
                for name, row, vec, mu in zip(self.names, self.charges, self.vector, self.muoquark)}

    def write_csv(self, path: str | Path) -> None:
        """One row per class: name, the 18 charges, category, muoquark, muon_choices."""
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["name", *FIELDS, "category", "muoquark", "muon_choices"])
            for name, row, vec, n in zip(self.names, self.charges, self.vector, self.muon_choices):
                w.writerow([name, *map(int, row), "vector" if vec else "chiral", str(bool(n)).lower(), int(n)])

    def write_yaml(self, path: str | Path) -> None:
        """`entries()` as YAML, one flow mapping of charges per line (header: bound, quarks, counts)."""
        lines = [f"# U(1)_X atlas: quarks {self.quarks}, integer charges |X_F| <= {self.bound}, one assignment per "
                 "class (docs/physics/u1x-atlas.md)",
                 "# " + ", ".join(f"{k} {v}" for k, v in self.counts().items())]
        for name, e in self.entries().items():
            charges = ", ".join(f"{k}: {v}" for k, v in e["charges"].items())
            lines.append(f"{name}: {{charges: {{{charges}}}, category: {e['category']}, "
                         f"muoquark: {str(e['muoquark']).lower()}}}")
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def atlas(bound: int = 10, quarks: str = "universal") -> Atlas:
    """Enumerate the inequivalent anomaly-free integer assignments with |X_F| ≤ `bound` (module docstring).
    ValueError for an unknown quark option or a bound outside 1..MAX_BOUND."""
    if quarks not in QUARK_OPTIONS:
        raise ValueError(f"quarks: unknown option {quarks!r}; allowed: {', '.join(QUARK_OPTIONS)}")
    if isinstance(bound, bool) or not isinstance(bound, (int, np.integer)) or not 1 <= bound <= MAX_BOUND:
        raise ValueError(f"bound: expected an integer from 1 to {MAX_BOUND}, got {bound!r}")
    bound = int(bound)
    r = np.arange(-bound, bound + 1)
    if quarks == "universal":
        pairs = [(x, x) for x in r]
    else:
        pairs = [(a, b) for a in r for b in r if a != b]
    pairs = [(a, b) for a, b in pairs if abs(3 * (2 * a + b)) <= 3 * bound]
    leptons: dict[int, np.ndarray] = {}
    blocks = []
    for a, b in pairs:
        total = int(-3 * (2 * a + b))
        if total not in leptons:
            leptons[total] = _lepton_solutions(total, bound)
        lep = leptons[total]
        blocks.append(np.column_stack([np.full((len(lep), 2), (a, b), np.int64), lep]))
    rows = np.concatenate(blocks) if blocks else np.zeros((0, len(COLUMNS)), np.int64)
    rows = rows[np.any(rows != 0, 1) & (np.gcd.reduce(rows, axis=1) == 1)]
    rows = rows[_lex_ge(rows, _canonical(-rows, bound))]  # one of each sign pair
    vector = np.all(rows[:, _L] == rows[:, _E], 1)
    chunks = [rows[i:i + _CHUNK] for i in range(0, len(rows), _CHUNK)] or [rows]
    choices = np.concatenate([_muon_choices(c, _valid_muon(c)) for c in chunks])
    shown = np.concatenate([_display(c) for c in chunks])
    full = expand(shown)
    order = np.lexsort((*(-full.T[::-1]), np.abs(full).sum(1), np.abs(full).max(1)))
    prefix = "univ" if quarks == "universal" else "q21"
    names = tuple(f"{prefix}-{i + 1:05d}" for i in range(len(rows)))
    return Atlas(bound, quarks, shown[order], names, vector[order], choices[order])
