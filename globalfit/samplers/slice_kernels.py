"""The bookkeeping of lockstep's slice chains (globalfit.samplers.lockstep.SliceChains.run) compiled with numba, for
cards with `compiled: true` (docs/compiled.md): which chain needs which point next, the step-out and shrink updates.
The random numbers are drawn by the caller from the run's generator in the same order and number as the numpy
bookkeeping draws them, and every update is the same arithmetic, so both give the same chains bit for bit
(tests/test_compiled.py). Imported only when the posterior is compiled (needs numba).
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def select(stage: np.ndarray, need_l: np.ndarray, need_r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chains whose interval is complete start shrinking (stage 1 → 2); then (chains stepping out on the left,
    on the right, chains shrinking), each in increasing order."""
    k = stage.shape[0]
    nl = nr = ns = 0
    for c in range(k):
        if stage[c] == 1 and not need_l[c] and not need_r[c]:
            stage[c] = 2
        if stage[c] == 1:
            nl += need_l[c]
            nr += need_r[c]
        elif stage[c] == 2:
            ns += 1
    il, ir, ish = np.empty(nl, np.int64), np.empty(nr, np.int64), np.empty(ns, np.int64)
    nl = nr = ns = 0
    for c in range(k):
        if stage[c] == 1:
            if need_l[c]:
                il[nl] = c
                nl += 1
            if need_r[c]:
                ir[nr] = c
                nr += 1
        elif stage[c] == 2:
            ish[ns] = c
            ns += 1
    return il, ir, ish


@njit(cache=True)
def propose(x: np.ndarray, direction: np.ndarray, left: np.ndarray, right: np.ndarray, il: np.ndarray,
            ir: np.ndarray, ish: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the points to evaluate, in the order il, ir, ish; the shrink positions t = left + u (right − left))."""
    a, b = il.shape[0], il.shape[0] + ir.shape[0]
    n, d = b + ish.shape[0], x.shape[1]
    t_s = np.empty(ish.shape[0])
    pts = np.empty((n, d))
    for r in range(n):
        if r < a:
            c, t = il[r], left[il[r]]
        elif r < b:
            c, t = ir[r - a], right[ir[r - a]]
        else:
            c = ish[r - b]
            t = left[c] + u[r - b] * (right[c] - left[c])
            t_s[r - b] = t
        for j in range(d):
            pts[r, j] = x[c, j] + t * direction[c, j]
    return pts, t_s


@njit(cache=True)
def _step_out(logl: np.ndarray, first: int, lstar: float, chains: np.ndarray, end: np.ndarray, step: float,
              steps: np.ndarray, need: np.ndarray) -> int:
    """The ends of `chains` (their log L from logl[first]) above the threshold move by `step` while their budget lasts;
    the others are complete. Returns how many moved."""
    moved = 0
    for r in range(chains.shape[0]):
        c = chains[r]
        if logl[first + r] > lstar:
            end[c] += step
            steps[c] -= 1
            moved += 1
            if steps[c] <= 0:
                need[c] = False
        else:
            need[c] = False
    return moved


@njit(cache=True)
def update(logl: np.ndarray, lstar: float, il: np.ndarray, ir: np.ndarray, ish: np.ndarray, t_s: np.ndarray,
           pts: np.ndarray, vs: np.ndarray, left: np.ndarray, right: np.ndarray, steps_l: np.ndarray,
           steps_r: np.ndarray, need_l: np.ndarray, need_r: np.ndarray, stage: np.ndarray, done: np.ndarray,
           x: np.ndarray, out_v: np.ndarray, out_l: np.ndarray, slices: int) -> tuple[np.ndarray, int, int, bool]:
    """Apply one round's log L: an end above the threshold moves out by one unit while its budget lasts; the first
    shrink point above it ends the slice (the chain moves there), otherwise the interval shrinks to it. Returns (the
    chains that start a new slice, expansions, contractions, whether a shrunk interval collapsed below 1e−12)."""
    a, b = il.shape[0], il.shape[0] + ir.shape[0]
    contractions = 0
    expansions = _step_out(logl, 0, lstar, il, left, -1.0, steps_l, need_l)
    expansions += _step_out(logl, a, lstar, ir, right, 1.0, steps_r, need_r)
    again = np.empty(ish.shape[0], np.int64)
    n_again = 0
    collapsed = False
    for r in range(b, logl.shape[0]):
        c = ish[r - b]
        if logl[r] > lstar:
            x[c, :] = pts[r, :]
            out_v[c, :] = vs[r, :]
            out_l[c] = logl[r]
            done[c] += 1
            if done[c] >= slices:
                stage[c] = 3
            else:
                again[n_again] = c
                n_again += 1
        else:
            contractions += 1
            t = t_s[r - b]
            if t < 0:
                left[c] = t
            else:
                right[c] = t
            if right[c] - left[c] < 1e-12:
                collapsed = True
    return again[:n_again], expansions, contractions, collapsed


@njit(cache=True)
def start(idx: np.ndarray, r0: np.ndarray, rj: np.ndarray, max_step_out: int, left: np.ndarray,
          right: np.ndarray, steps_l: np.ndarray, steps_r: np.ndarray, need_l: np.ndarray, need_r: np.ndarray,
          stage: np.ndarray) -> None:
    """New slices for the chains idx: the interval [−r0, 1 − r0] around the point, the step-out budget split at
    j = ⌊max_step_out × rj⌋."""
    for r in range(idx.shape[0]):
        c = idx[r]
        left[c] = -r0[r]
        right[c] = 1.0 - r0[r]
        j = int(np.floor(max_step_out * rj[r]))
        steps_l[c] = j
        steps_r[c] = max_step_out - 1 - j
        need_l[c] = j > 0
        need_r[c] = j < max_step_out - 1
        stage[c] = 1
