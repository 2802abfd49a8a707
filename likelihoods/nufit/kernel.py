"""Compiled twin of the nufit plugin's full-table χ² (likelihoods/nufit/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same table coordinates, cell location, corner
weights, corner order and outside penalty as globalfit.grids (bit-identical interpolation; log10 and the δ_CP map
may differ in the last bit from numpy's). Imported only by cards with `compiled: true` (needs numba).

`data` = (values, layout, buckets): every axis and table of both orderings in one float array, where each starts
(`layout`), and the axes' bucket tables (globalfit.grids._Locator) in one integer array — built by `pack`, so that a
call passes three arrays, not twenty.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numba import njit

OUTSIDE_PENALTY = 1.0e4  # likelihoods.nufit.likelihood.OUTSIDE_PENALTY (checked equal in the tests)
_RAD_TO_DEG = 180.0 / math.pi
#: per ordering in `layout`: for each of the six axes (s23sq, Δm²3ℓ, δ_CP [deg], s12sq, log10 Δm²21, s13sq) its
#: start and length, the start of its bucket table (−1: none, binary search) and of its bucket width and count in the
#: values; then the start of the 3-D, 2-D and 1-D tables (C order) and of the offset
_PER_AXIS = 4
_PER_ORDERING = 6 * _PER_AXIS + 4


def pack(orderings: Sequence[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, layout, buckets) of the tables of the NO then the IO, each given as its three
    globalfit.grids.GridInterpolator (3-D, 2-D, 1-D) and its offset."""
    values, layout, buckets = [], [], []
    nv = nb = 0

    def put(a) -> int:
        nonlocal nv
        values.append(np.asarray(a, dtype=float).ravel())
        nv += values[-1].size
        return nv - values[-1].size

    for grids, offset in orderings:
        axes = []
        for grid in grids:
            for ax, loc in zip(grid.axes, grid._locators):
                start = put(ax)
                if loc.bucket is None:
                    axes += [start, len(ax), -1, put([0.0, 0.0])]
                else:
                    buckets.append(np.asarray(loc.bucket, dtype=np.int64))
                    axes += [start, len(ax), nb, put([loc.inv_width, loc.nb])]
                    nb += len(loc.bucket)
        layout += axes + [put(g.values) for g in grids] + [put([offset])]
    return np.concatenate(values), np.array(layout, dtype=np.int64), np.concatenate(buckets or [np.zeros(0, np.int64)])


@njit(inline="always")
def _cell(v: np.ndarray, ly: np.ndarray, bk: np.ndarray, axis: int, x: float) -> tuple[int, float, float]:
    """(cell index, t = (x − x_i)/(x_{i+1} − x_i), squared outside distance in units of the span) along the axis whose
    layout starts at ly[axis], x clipped to it: searchsorted(side="right") − 1 clipped to [0, n − 2], found as
    globalfit.grids._Locator finds it (the bucket at or below x, then one step up or down)."""
    at, n, bat, meta = ly[axis], ly[axis + 1], ly[axis + 2], ly[axis + 3]
    first, last = v[at], v[at + n - 1]
    xc = min(max(x, first), last)
    if bat >= 0 and xc == xc:
        i = bk[bat + int(min((xc - first) * v[meta], v[meta + 1]))]
        if xc >= v[at + i + 1]:
            i += 1
        if xc < v[at + i]:
            i -= 1
    else:
        a, b = 0, n
        while a < b:  # the first node above xc
            m = (a + b) >> 1
            if v[at + m] > xc:
                b = m
            else:
                a = m + 1
        i = a - 1
    i = min(max(i, 0), n - 2)
    lo = v[at + i]
    d = (max(x - last, 0.0) + max(first - x, 0.0)) / (last - first)
    return i, (xc - lo) / (v[at + i + 1] - lo), d * d


@njit(inline="always")
def _chi2(v: np.ndarray, ly: np.ndarray, bk: np.ndarray, o: int, s23sq, dm3lsq, dcp, s12sq, log_dm21, s13sq
          ) -> float:
    """χ² of the tables of ordering o (0 NO, 1 IO) at the table coordinates."""
    b = o * _PER_ORDERING
    i, t, d0 = _cell(v, ly, bk, b, s23sq)
    j, u, d1 = _cell(v, ly, bk, b + _PER_AXIS, dm3lsq)
    k, w, d2 = _cell(v, ly, bk, b + 2 * _PER_AXIS, dcp)
    n1, n2 = ly[b + _PER_AXIS + 1], ly[b + 2 * _PER_AXIS + 1]
    tables = b + 6 * _PER_AXIS
    t0, u0, w0 = 1.0 - t, 1.0 - u, 1.0 - w
    c = ly[tables] + (i * n1 + j) * n2 + k  # corner (0, 0, 0) of the 3-D table
    # corners with the last axis fastest, weights multiplied axis by axis, summed in order (GridInterpolator)
    t3 = v[c] * (t0 * u0 * w0)
    t3 = t3 + v[c + 1] * (t0 * u0 * w)
    t3 = t3 + v[c + n2] * (t0 * u * w0)
    t3 = t3 + v[c + n2 + 1] * (t0 * u * w)
    c += n1 * n2
    t3 = t3 + v[c] * (t * u0 * w0)
    t3 = t3 + v[c + 1] * (t * u0 * w)
    t3 = t3 + v[c + n2] * (t * u * w0)
    t3 = t3 + v[c + n2 + 1] * (t * u * w)
    i, t, e0 = _cell(v, ly, bk, b + 3 * _PER_AXIS, s12sq)
    j, u, e1 = _cell(v, ly, bk, b + 4 * _PER_AXIS, log_dm21)
    m2 = ly[b + 4 * _PER_AXIS + 1]
    c = ly[tables + 1] + i * m2 + j
    t2 = (v[c] * ((1.0 - t) * (1.0 - u)) + v[c + 1] * ((1.0 - t) * u) + v[c + m2] * (t * (1.0 - u))
          + v[c + m2 + 1] * (t * u))
    i, t, g0 = _cell(v, ly, bk, b + 5 * _PER_AXIS, s13sq)
    c = ly[tables + 2] + i
    t1 = v[c] * (1.0 - t) + v[c + 1] * t
    offset = v[ly[tables + 3]]
    chi = t3 + t2 - offset + t1 - offset
    r3 = math.sqrt(d0 + d1 + d2)
    r2 = math.sqrt(e0 + e1)
    r1 = math.sqrt(g0)
    return chi + OUTSIDE_PENALTY * (r3 * r3 + r2 * r2 + r1 * r1)


@njit(inline="always")
def loglike(s12sq, s13sq, s23sq, delta_cp, dm21sq, dm3lsq, data) -> float:
    """−χ²/2 of one point (δ_CP in radians, Δm² in eV²): the IO tables where Δm²3ℓ < 0, else the NO tables."""
    dcp = delta_cp * _RAD_TO_DEG + 180.0
    dcp = dcp % 360.0 - 180.0
    log_dm21 = math.log10(max(dm21sq, 1e-30))
    return -0.5 * _chi2(data[0], data[1], data[2], 1 if dm3lsq < 0 else 0, s23sq, dm3lsq, dcp, s12sq, log_dm21, s13sq)
