"""Compiled twins (numba, one point per call) of the g−2 loop functions: the tabulated vector loop function
(globalfit.physics.zprime.gm2_loop_function, method "table") and the electron's axial one
(globalfit.physics.electron_gm2.axial_loop), with numpy's pairwise summation so that the quadrature's sum is numpy's
bit for bit. For the kernels of the fused posterior (globalfit/compiled.py, docs/compiled.md); imported only by cards
with `compiled: true` (needs numba).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from globalfit.physics import electron_gm2, zprime


def gm2_table_data() -> tuple:
    """The g−2 loop function's table (zprime.gm2_table: F(r)(1 + 3r/2) in y = ln r): y₀, 1/h, last interval,
    coefficients (4, n) in u = (y − y_k)/h."""
    table = zprime.gm2_table()
    return table.y0, table.inv_h, table.last, np.array(table.coef)


def axial_rule_data() -> tuple:
    """The nodes and weights on [0, 1] of electron_gm2.axial_loop's composite Gauss–Legendre rule."""
    return np.ascontiguousarray(electron_gm2.AXIAL_NODES), np.ascontiguousarray(electron_gm2.AXIAL_WEIGHTS)


@njit
def gm2_loop_function(r: float, table) -> float:
    """F(r) = ∫₀¹ 2x²(1−x)/[x² + r(1−x)] dx from the table (zprime.gm2_loop_function); NaN outside it
    (r ≲ 9e−13 or ≳ 9e7: numpy's quadrature takes over)."""
    y0, inv_h, last, coef = table
    u = (math.log(r) - y0) * inv_h
    if not (u >= 0.0 and u <= last + 1.0):
        return math.nan
    i = min(int(u), last)
    u -= i
    return (((coef[0, i] * u + coef[1, i]) * u + coef[2, i]) * u + coef[3, i]) / (1.0 + 1.5 * r)


@njit
def _block_sum(a, start: int, n: int) -> float:
    """numpy's pairwise summation of up to 128 terms: eight accumulators, combined pairwise, then the rest."""
    if n < 8:
        s = 0.0
        for i in range(start, start + n):
            s += a[i]
        return s
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = 8
    while i < n - n % 8:
        j = start + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    s = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        s += a[start + i]
        i += 1
    return s


@njit
def pairwise_sum(a) -> float:
    """Σ a as numpy's np.sum adds a contiguous float64 run: blocks of up to 128 terms (_block_sum), above that the
    two halves (the first rounded down to a multiple of 8) summed the same way and added. Without recursion (numba's
    cache cannot hold recursive functions): the halving tree walked with an explicit stack."""
    if len(a) <= 128:
        return _block_sum(a, 0, len(a))
    starts, sizes, stage = np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64, np.int64)
    values = np.empty(64)
    starts[0], sizes[0], stage[0] = 0, len(a), 0
    depth, done = 1, 0
    while depth > 0:
        k = depth - 1
        n = sizes[k]
        if n <= 128:
            values[done] = _block_sum(a, starts[k], n)
            done += 1
            depth -= 1
            continue
        half = n // 2
        half -= half % 8
        if stage[k] == 0:
            stage[k] = 1
            starts[depth], sizes[depth], stage[depth] = starts[k], half, 0
            depth += 1
        elif stage[k] == 1:
            stage[k] = 2
            starts[depth], sizes[depth], stage[depth] = starts[k] + half, n - half, 0
            depth += 1
        else:
            done -= 1
            values[done - 1] = values[done - 1] + values[done]
            depth -= 1
    return values[0]


@njit
def axial_loop(r: float, rule) -> float:
    """F_A(r) = ∫₀¹ [2x(1−x)(4−x) + 4x³/r]/[x² + r(1−x)] dx (electron_gm2.axial_loop: the same nodes, operations and
    summation)."""
    nodes, weights = rule
    r = min(max(r, 1e-40), 1e40)
    log_r = math.log(r)
    lo = min(0.0, 0.5 * log_r) - 16.0
    hi = max(0.0, log_r) + 30.0
    span = hi - lo
    terms = np.empty(len(nodes))
    for k in range(len(nodes)):
        e = math.exp(-(lo + span * nodes[k]))
        x = 1.0 / (1.0 + e)
        y = e * x
        num = 2.0 * x * y * (4.0 - x) + 4.0 * math.pow(x, 3.0) / r  # numpy: x**3 is pow(x, 3.0)
        terms[k] = num * x * y / (x * x + r * y) * weights[k]
    return pairwise_sum(terms) * span
