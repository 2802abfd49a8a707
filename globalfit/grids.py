"""Tabulated functions on rectilinear grids: vectorized piecewise-cubic interpolation, several multilinear grids
evaluated together on one batch (MultilinearSet: the cells located once, for small batches), and the compact
packing of large Δχ² tables (used for the NuFIT tables, data/nufit/convert_nufit.py)."""
from __future__ import annotations

import itertools
import lzma
from collections.abc import Sequence

import numpy as np

#: Δχ² tables are rounded to this before packing (far below any interpolation error).
QUANTUM = 1e-3


def pack(values: np.ndarray) -> np.ndarray:
    """Grid of Δχ² → uint8 bytes: lzma(int32 second differences along axis 0 of round(Δχ²/QUANTUM))."""
    q = np.round(np.asarray(values, dtype=float) / QUANTUM).astype(np.int64)
    d2 = np.diff(np.diff(q, axis=0, prepend=0), axis=0, prepend=0)
    if np.abs(d2).max() >= 2**31:
        raise ValueError("values too large to pack")
    return np.frombuffer(lzma.compress(d2.astype("<i4").tobytes(), preset=9), dtype=np.uint8)


def unpack(blob: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Inverse of `pack`: float64 values, exact to the rounding (±QUANTUM/2)."""
    raw = lzma.decompress(np.asarray(blob, dtype=np.uint8).tobytes())
    d2 = np.frombuffer(raw, dtype="<i4").reshape(tuple(shape)).astype(np.int64)
    return np.cumsum(np.cumsum(d2, axis=0), axis=0) * QUANTUM


class _Locator:
    """i = searchsorted(axis, x, side="right") − 1 clipped to [0, len − 2] for x in [axis[0], axis[−1]] (NaN
    allowed), without a binary search: a bucket table on a uniform grid of width ≤ half the smallest node
    spacing gives the node at or below the bucket's start; one step up and one step down (a bucket holds at
    most one node) make the index exact, also where x/width rounds into a neighbouring bucket."""

    MAX_BUCKETS = 1 << 20

    def __init__(self, axis: np.ndarray):
        self.axis = axis
        self.last = len(axis) - 2
        span = float(axis[-1] - axis[0])
        nb = int(np.ceil(2.0 * span / float(np.min(np.diff(axis))))) + 1
        self.bucket = None
        if nb <= self.MAX_BUCKETS:  # else: binary search
            self.nb = float(nb)
            self.inv_width = nb / span
            starts = axis[0] + np.arange(nb + 1) / self.inv_width
            self.bucket = np.clip(np.searchsorted(axis, starts, side="right") - 1, 0, self.last)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        ax = self.axis
        if self.bucket is None:
            return np.minimum(np.maximum(np.searchsorted(ax, x, side="right") - 1, 0), self.last)
        # x − axis[0] ≥ 0; fmin maps NaN to a valid bucket; comparisons with NaN are False, so i stays valid
        j = np.fmin((x - ax[0]) * self.inv_width, self.nb).astype(np.intp)
        i = self.bucket.take(j)
        i += x >= ax.take(i + 1)
        i -= x < ax.take(i)
        return np.minimum(np.maximum(i, 0), self.last)


class GridInterpolator:
    """Piecewise-polynomial interpolation on a rectilinear grid (axes strictly increasing, any spacing).

    Nodes are located without a binary search (_Locator); order=1 gathers the 2^d cell corners one by one.

    order=3 (default): tensor product of local cubic Lagrange interpolation through the four nodes around
    each interval (shifted inwards at the edges). It passes through every node and reproduces quadratics
    exactly, so a parabolic Δχ² minimum between nodes is found where a profile fit puts it (linear
    interpolation would pin it to a node). order=1: multilinear.
    Points outside the grid are evaluated at the nearest point of the box; `distance` measures how far
    outside (in units of each axis' span) so callers can add a penalty. Vectorized over points.
    """

    def __init__(self, axes: Sequence[np.ndarray], values: np.ndarray, order: int = 3):
        self.axes = [np.asarray(a, dtype=float) for a in axes]
        self.values = np.ascontiguousarray(values, dtype=float)
        if self.values.shape != tuple(len(a) for a in self.axes):
            raise ValueError(f"values shape {self.values.shape} does not match the axes")
        if order not in (1, 3):
            raise ValueError("order must be 1 or 3")
        for a in self.axes:
            if len(a) < order + 1 or np.any(np.diff(a) <= 0):
                raise ValueError(f"grid axes must be strictly increasing with at least {order + 1} nodes")
        self.order = order
        self._strides = np.array([int(np.prod(self.values.shape[k + 1:])) for k in range(len(self.axes))])
        self._locators = [_Locator(a) for a in self.axes]
        self._flat = self.values.ravel()
        # flat-index offsets of the (order+1)^d stencil nodes, in the order the weights are combined
        npt = order + 1
        offsets = np.zeros(1, dtype=np.int64)
        for k in range(len(self.axes)):
            offsets = (offsets[:, None] + np.arange(npt)[None, :] * self._strides[k]).reshape(-1)
        self._offsets = offsets
        # Lagrange denominators 1/Π_{m≠j}(x_j − x_m) of the 4-node stencils starting at each node
        self._inv_den = []
        if order == 3:
            for ax in self.axes:
                nodes = ax[np.arange(len(ax) - 3)[:, None] + np.arange(4)]
                den = np.ones_like(nodes)
                for j in range(4):
                    for m in range(4):
                        if m != j:
                            den[:, j] *= nodes[:, j] - nodes[:, m]
                self._inv_den.append(1.0 / den)

    def _stencil(self, k: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First node index (n,) and the weights (n, order + 1) of the stencil nodes along axis k."""
        ax = self.axes[k]
        x = np.minimum(np.maximum(x, ax[0]), ax[-1])
        i = self._locators[k](x)
        if self.order == 1:
            t = (x - ax[i]) / (ax[i + 1] - ax[i])
            return i, np.column_stack([1.0 - t, t])
        start = np.minimum(np.maximum(i - 1, 0), len(ax) - 4)
        d0, d1, d2, d3 = (x - ax[start + j] for j in range(4))
        a, b = d0 * d1, d2 * d3
        w = np.column_stack([d1 * b, d0 * b, a * d3, a * d2]) * self._inv_den[k][start]
        return start, w

    def __call__(self, *coords: np.ndarray) -> np.ndarray:
        coords = np.broadcast_arrays(*[np.asarray(c, dtype=float) for c in coords])
        shape = coords[0].shape
        n = coords[0].size
        if self.order == 1:
            return self._multilinear([c.ravel() for c in coords]).reshape(shape)
        base = np.zeros(n, dtype=np.int64)
        weight = np.ones((n, 1))
        for k, x in enumerate(coords):
            start, w = self._stencil(k, x.ravel())
            base += start * self._strides[k]
            weight = (weight[:, :, None] * w[:, None, :]).reshape(n, -1)
        out = np.einsum("nk,nk->n", weight, self._flat[base[:, None] + self._offsets[None, :]])
        return out.reshape(shape)

    def _multilinear(self, coords: list[np.ndarray]) -> np.ndarray:
        """order=1: Σ over the 2^d cell corners of Π_k (1 − t_k or t_k) × value, one gather per corner (the
        weights of the general path, multiplied and summed in a different order: equal to rounding)."""
        base = None
        lerp = []
        for k, x in enumerate(coords):
            ax = self.axes[k]
            x = np.clip(x, ax[0], ax[-1])
            i = self._locators[k](x)
            lo = ax.take(i)
            t = (x - lo) / (ax.take(i + 1) - lo)
            lerp.append((1.0 - t, t))
            base = i * self._strides[k] if base is None else base + i * self._strides[k]
        # weights of the corners, built axis by axis: (offset, weight) with the last axis fastest
        corners = [(0, None)]
        for k in range(len(coords)):
            corners = [(off + b * int(self._strides[k]), lerp[k][b] if w is None else w * lerp[k][b])
                       for off, w in corners for b in (0, 1)]
        out = None
        for off, w in corners:
            term = self._flat.take(base + off if off else base)
            term *= w
            if out is None:
                out = term
            else:
                out += term
        return out

    def distance(self, *coords: np.ndarray) -> np.ndarray:
        """√Σ_k ((x_k − clip(x_k)) / span_k)²: 0 inside the box."""
        coords = np.broadcast_arrays(*[np.asarray(c, dtype=float) for c in coords])
        d2 = np.zeros(coords[0].shape)
        for ax, x in zip(self.axes, coords):
            if x.size and ax[0] <= x.min() and x.max() <= ax[-1]:  # all inside along this axis (False if NaN)
                continue
            d2 += ((np.maximum(x - ax[-1], 0.0) + np.maximum(ax[0] - x, 0.0)) / (ax[-1] - ax[0])) ** 2
        return np.sqrt(d2)


class MultilinearSet:
    """Several order-1 GridInterpolators evaluated together on one batch (e.g. the three NuFIT tables of one
    ordering): the cells along every axis of every grid are located in one pass over a (Σ_k d_k, n) array of
    coordinates, and the cell corners of all grids are gathered, weighted and summed together, so a batch costs
    about 40 numpy calls instead of about 150 (a set per grid and axis), what dominates at batches of tens of
    points. The per-axis constants are expanded once to MAX_STACKED columns, of which a batch of n points reads the
    first n (views), and the weight factors are gathered as whole rows of a (2 (Σ_k d_k + 1), n) table by row
    indices that do not depend on n: a batch costs the same whether or not its size was seen before (a sampler
    calls with a different size almost every time).

    Each element goes through the floating-point operations of GridInterpolator._multilinear in the same order
    (clip, exact cell index, t = (x − x_i)/(x_{i+1} − x_i) with the cell widths tabulated by the same subtraction,
    corner weights multiplied axis by axis, corner terms summed in corner order): the values are bit-identical to
    calling each grid on its own, whatever the batch size. A grid with fewer axes than the most is given leading
    padding axes with weight factors 1 (× 1.0 is exact) whose extra corners are terms −0.0 × w, w ≥ 0 (or NaN
    where the total is NaN anyway), which leave a sum unchanged bit for bit.
    Batches above MAX_STACKED points, and grids too finely spaced for bucket tables, are evaluated grid by grid.
    """

    #: larger batches are evaluated grid by grid: there the per-call cost matters little, and the arrays of one axis
    #: stay in cache where the stacked ones of all axes would not (for NuFIT's tables on the ordering card: stacked
    #: ≈ 25% faster at 512–1000 points, 10% at 1500–2000, equal near 2500, slower above 3000)
    MAX_STACKED = 2048

    def __init__(self, grids: Sequence[GridInterpolator]):
        self.grids = list(grids)
        if any(g.order != 1 for g in self.grids):
            raise ValueError("MultilinearSet takes order-1 (multilinear) grids")
        axes = [ax for g in self.grids for ax in g.axes]
        locators = [loc for g in self.grids for loc in g._locators]
        self.ndim = len(axes)
        self._rows = np.cumsum([0, *(len(g.axes) for g in self.grids)])  # first coordinate row of each grid
        self._lo = np.array([[ax[0]] for ax in axes])  # per-row constants, columns (ndim, 1)
        self._hi = np.array([[ax[-1]] for ax in axes])
        self.stacked = all(loc.bucket is not None for loc in locators)
        #: the largest batch evaluated stacked (MAX_STACKED when the set was built: its constants have this width)
        self.max_stacked = int(self.MAX_STACKED)
        if self.stacked:
            self._init_locate(axes, locators)
            self._init_corners()

    def _init_locate(self, axes: list[np.ndarray], locators: list[_Locator]) -> None:
        """The bucket tables of all rows as indices into the concatenated axes, with the nodes around each
        bucket's cell, and each row's constants, expanded to (ndim, max_stacked)."""
        node_at = _starts([len(ax) for ax in axes])[:, 0]
        self._nodes = np.concatenate(axes)
        nodes_up = np.append(self._nodes[1:], np.inf)  # the next node: nodes_up[i] = nodes[i + 1]
        self._widths = nodes_up - self._nodes  # x_{i+1} − x_i of each cell (as _multilinear computes it)
        self._buckets = np.concatenate([loc.bucket + at for loc, at in zip(locators, node_at)])
        self._bucket_lo = self._nodes.take(self._buckets)  # the node at or below each bucket's start …
        self._bucket_hi = nodes_up.take(self._buckets)  # … and the next one, but never a step up from a row's
        # last cell (at x = its last node): the upper clip of _Locator
        last = np.concatenate([np.full(len(loc.bucket), at + loc.last) for loc, at in zip(locators, node_at)])
        self._bucket_hi[self._buckets == last] = np.inf
        self._nb = np.array([[loc.nb] for loc in locators])
        # the row constants expanded to (ndim, max_stacked) (64 kB per row at 2048 columns): a batch of n points
        # reads the views [:, :n], whatever n (nothing is built per batch size), so that no call broadcasts a column
        inv_width = np.array([[loc.inv_width] for loc in locators])
        bucket_at = _starts([len(loc.bucket) for loc in locators])
        self._lo_wide, self._hi_wide, self._inv_width_wide, self._bucket_at_wide = (
            np.repeat(c, self.max_stacked, axis=1) for c in (self._lo, self._hi, inv_width, bucket_at))
        # the flat index of a cell's first corner in grid g: Σ over the rows of g of (node − node_at) × stride
        self._stride_matrix = np.zeros((len(self.grids), self.ndim), dtype=np.intp)
        for g, grid in enumerate(self.grids):
            self._stride_matrix[g, self._rows[g]:self._rows[g + 1]] = grid._strides
        self._base_shift = -(self._stride_matrix @ node_at)

    def _init_corners(self) -> None:
        """Corner k of every grid at once, arrays (corners, grids). A grid with fewer axes than the most takes the
        last axis positions (the leading ones are padding), so its own corners come first, in the order of
        _multilinear (last axis fastest), and the rest are padding terms."""
        dims = [len(g.axes) for g in self.grids]
        dmax, ngrid = max(dims), len(self.grids)
        flat_at = np.cumsum([0, *(g._flat.size for g in self.grids)])
        padded = [g._flat.size for g, d in zip(self.grids, dims) if d < dmax]
        # the values of all grids, then −0.0 at every first-corner index a padded grid can have (its padding terms)
        self._flat = np.concatenate([*(g._flat for g in self.grids), np.full(max(padded, default=0), -0.0)])
        offset = np.empty((2 ** dmax, ngrid), dtype=np.intp)  # flat index − flat index of corner 0
        # the factor of axis a in the weight of corner k: its row b (ndim + 1) + r in the (2 (ndim + 1), n) table of
        # 1 − t (b = 0) and t (b = 1) of each coordinate row r, r = ndim the 1 of padding axes (`evaluate`); rows,
        # not elements, so the same for every n
        self._factor_rows = np.empty((dmax, 2 ** dmax, ngrid), dtype=np.intp)
        for g, grid in enumerate(self.grids):
            offset[:, g] = flat_at[-1] - flat_at[g]  # padding: into the −0.0 block
            for k, bits in enumerate(itertools.product((0, 1), repeat=dmax)):  # last axis fastest
                real = bits[dmax - dims[g]:]
                if not any(bits[:dmax - dims[g]]):
                    offset[k, g] = sum(b * int(s) for b, s in zip(real, grid._strides))
                for a, b in enumerate(bits):
                    row = self._rows[g] + a - (dmax - dims[g]) if a >= dmax - dims[g] else self.ndim
                    self._factor_rows[a, k, g] = b * (self.ndim + 1) + row
        # flat index of corner k of grid g = (stride_matrix @ node)[g] + offset[k, g, 0]
        self._offset = (offset + flat_at[:-1] + self._base_shift)[:, :, None]

    def __call__(self, coords: np.ndarray) -> list[np.ndarray]:
        """The value of each grid, shape (n,), at coords (Σ_k d_k, n): the coordinates of each grid in turn."""
        return self.evaluate(coords)[0]

    def evaluate(self, coords: np.ndarray) -> tuple[list[np.ndarray], bool]:
        """(the value of each grid at coords (Σ_k d_k, n), whether every point lies inside every grid's box). Inside,
        each grid's `distance` is 0 everywhere (its per-axis test; False if a coordinate is NaN or n = 0)."""
        n = coords.shape[1]
        if not self.stacked or n > self.max_stacked or not n:
            rows = self._rows
            values = [g(*coords[a:b]) for g, a, b in zip(self.grids, rows[:-1], rows[1:])]
            return values, self.inside(coords)
        lo = self._lo_wide[:, :n]
        x = coords.clip(lo, self._hi_wide[:, :n])
        inside = bool((x == coords).all())  # clipping changed nothing (NaN ≠ NaN)
        node = self._locate(x, lo, inside)
        # the (2 (ndim + 1), n) table of weight factors: 1 − t of each coordinate row, 1 (for padding axes), t of
        # each row, 1, with t = (x − x_i)/(x_{i+1} − x_i)
        nd = self.ndim
        factors = np.empty((2 * (nd + 1), n))
        t = factors[nd + 1:-1]
        np.subtract(x, self._nodes.take(node), out=t)
        t /= self._widths.take(node)
        np.subtract(1.0, t, out=factors[:nd])
        factors[nd::nd + 1] = 1.0
        weight = factors.take(self._factor_rows[0], axis=0)  # (corners, grids, n): whole rows copied
        for rows in self._factor_rows[1:]:  # ((w₀ w₁) w₂)…, the order of _multilinear (exact: × 1.0 for padding)
            weight *= factors.take(rows, axis=0)
        terms = self._flat.take(self._stride_matrix @ node + self._offset)  # (corners, grids, n)
        terms *= weight
        total = terms[0]
        for term in terms[1:]:  # Σ over the corners in order, as _multilinear
            total += term
        return list(total), inside

    def _locate(self, x: np.ndarray, lo: np.ndarray, inside: bool) -> np.ndarray:
        """_Locator on every row of x (clipped to the axes) at once: the index of each cell's lower node in the
        concatenated axes. lo: the first nodes (ndim, n); inside: x has no NaN."""
        n = x.shape[1]
        j = x - lo
        j *= self._inv_width_wide[:, :n]
        if not inside:  # there may be NaN (else j ≤ nb as x ≤ the last node): fmin maps it to the last bucket
            np.fmin(j, self._nb, out=j)
        j = j.astype(np.intp)
        j += self._bucket_at_wide[:, :n]
        node = self._buckets.take(j)
        node += x >= self._bucket_hi.take(j)  # one step up or down (a bucket holds at most one node)
        node -= x < self._bucket_lo.take(j)  # (never below the first node: nodes[node] ≤ x after the clip)
        return node

    def inside(self, coords: np.ndarray) -> bool:
        """Whether every point lies inside every grid's box (see `evaluate`)."""
        if not coords.shape[1]:
            return False
        return bool((self._lo[:, 0] <= coords.min(axis=1)).all()) and bool((coords.max(axis=1) <= self._hi[:, 0]).all())


def _starts(sizes: Sequence[int]) -> np.ndarray:
    """The start of each of consecutive blocks of `sizes`, as a column (len(sizes), 1) of indices."""
    return np.cumsum([0, *sizes[:-1]]).astype(np.intp)[:, None]


class UniformCubic:
    """A cubic spline (scipy CubicSpline, not-a-knot) of samples on a uniform grid y₀ + k h, evaluated with
    one multiplication-free bucket lookup and Horner's rule — the fast path of several tabulated functions
    (g−2 loop function, KamLAND-Zen marginal, Borexino recoil integrals)."""

    def __init__(self, y: np.ndarray, values: np.ndarray):
        from scipy.interpolate import CubicSpline

        y = np.asarray(y, dtype=float)
        h = float(y[1] - y[0])
        if not np.allclose(np.diff(y), h, rtol=1e-9, atol=0.0):
            raise ValueError("UniformCubic needs a uniform grid")
        c = CubicSpline(y, values).c  # (4, n − 1), highest power first, in (y − y_k)
        self.y0, self.inv_h, self.last = float(y[0]), 1.0 / h, len(y) - 2
        self.coef = tuple(np.ascontiguousarray(c[k] * h ** (3 - k)) for k in range(4))  # in u = (y − y_k)/h

    def locate(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """(interval index, fractional position u, inside mask, all inside) for points y (1-D)."""
        with np.errstate(invalid="ignore"):
            u = (np.asarray(y, dtype=float) - self.y0) * self.inv_h
            inside = (u >= 0.0) & (u <= self.last + 1.0)
        all_inside = bool(inside.all())
        if not all_inside:
            u = np.where(inside, u, 0.0)
        i = np.minimum(u.astype(np.intp), self.last)
        u -= i
        return i, u, inside, all_inside

    @staticmethod
    def horner(coef: tuple[np.ndarray, ...], i: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Σ_k coef[k][i] u^(3−k), in place where it can."""
        c3, c2, c1, c0 = coef
        g = c3.take(i)
        g *= u
        g += c2.take(i)
        g *= u
        g += c1.take(i)
        g *= u
        g += c0.take(i)
        return g

    def __call__(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(values, inside mask); values outside the grid are meaningless (evaluated at the first node)."""
        i, u, inside, _ = self.locate(y)
        return self.horner(self.coef, i, u), inside
