"""Region proposals for the lockstep sampler: new live points drawn uniformly from a region that encloses the contour
L > L*, by rejection, so that every new point is an independent draw (no chain, no correlation with its start).

The region is a union of balls ("friends"; Buchner 2016, Stat. Comput. 26, 383, arXiv:1407.5459; Buchner 2019, PASP
131, 108005, arXiv:1707.04476 — UltraNest's MLFriends), centred on the m points known to lie above L* (the survivors
of an iteration), in coordinates whitened by their covariance: w = A⁻¹(u − ū), A the Cholesky factor, and
intersected with an ellipsoid (the ball ‖w‖ ≤ R), which cuts off the union's halo in many dimensions. Both radii are
chosen by bootstrap so that the region would have held points it was not built from: `BOOTSTRAPS` times, the points
are resampled with replacement; r is the largest distance from a point left out to its nearest kept neighbour, R the
largest norm times the largest ratio of the norms of points left out to those kept. Two ways to draw from the region,
the one that keeps more of its draws chosen per region: a point in a randomly chosen ball, kept with probability 1/N
(N the number of balls that contain it) and if inside the ellipsoid; or a point in the ellipsoid, kept if within r of
a point. Points outside the unit cube are dropped.
Uniform draws from the region that pass L > L* are then uniform in the contour (if the region encloses it, which
the bootstrap makes likely and tests/test_region.py and the known-evidence problems check).
"""
from __future__ import annotations

import math

import numpy as np

from globalfit.errors import RunError

#: bootstrap resamplings for the radius (UltraNest uses 30 by default; 20 gave the same ln Z on the test problems)
BOOTSTRAPS = 20
#: draws per attempt: this × the points still wanted / the fraction of draws the region keeps
OVERDRAW = 1.2
#: pairs of points per block when distances are computed
PAIRS_PER_CHUNK = 2_000_000
#: draws of each proposal that decide between them
PILOT = 200
#: most draws per attempt, and attempts that may all come back empty before the region is declared empty
MAX_DRAWS = 200_000
MAX_TRIES = 1000


class FriendsRegion:
    """The union of balls of radius `radius` around the points `u` (m, d), intersected with the ellipsoid
    ‖w‖ ≤ `ellipsoid_radius`, in whitened coordinates w."""

    def __init__(self, u: np.ndarray, rng: np.random.Generator, bootstraps: int = BOOTSTRAPS):
        self.rng = rng
        m, d = u.shape
        self.d = d
        self.centre = u.mean(axis=0)
        self.axes = covariance_factor(u)
        self.w = np.linalg.solve(self.axes, (u - self.centre).T).T
        self.radius, self.ellipsoid_radius = bootstrap_radii(self.w, rng, bootstraps)
        self.draws = 0  # draws from the envelope so far (the pilot included)
        self.envelope = self._choose_envelope()

    def contains(self, u: np.ndarray) -> np.ndarray:
        """Whether unit-cube points u (n, d) lie in the region (and inside the cube)."""
        w = np.linalg.solve(self.axes, (np.atleast_2d(u) - self.centre).T).T
        inside = self._in_cube(w) & (np.einsum("ij,ij->i", w, w) <= self.ellipsoid_radius**2)
        inside[inside] = neighbours(w[inside], self.w, self.radius) > 0
        return inside

    def _in_cube(self, w: np.ndarray) -> np.ndarray:
        u = self.centre + w @ self.axes.T
        return ((u > 0.0) & (u < 1.0)).all(axis=1)

    def _from_balls(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n draws from randomly chosen friends balls, and which of them to keep (inside the unit cube and the
        ellipsoid, then 1/N thinning): the kept ones are uniform in the region ∩ cube."""
        w = self.w[self.rng.integers(0, len(self.w), n)] + self.radius * unit_ball(self.rng, n, self.d)
        thin = self.rng.random(n)
        keep = self._in_cube(w) & (np.einsum("ij,ij->i", w, w) <= self.ellipsoid_radius**2)
        keep[keep] = thin[keep] * np.maximum(neighbours(w[keep], self.w, self.radius), 1) < 1.0
        return w, keep

    def _from_ellipsoid(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n draws uniform in the ellipsoid, kept if inside the unit cube and within `radius` of one of the points."""
        w = self.ellipsoid_radius * unit_ball(self.rng, n, self.d)
        keep = self._in_cube(w)
        keep[keep] = neighbours(w[keep], self.w, self.radius) > 0
        return w, keep

    def _choose_envelope(self) -> str:
        """The proposal that keeps the larger fraction of its draws, from PILOT draws of each (that fraction is
        remembered, to size later draws)."""
        kept = {name: getattr(self, f"_from_{name}")(PILOT)[1].mean() for name in ("balls", "ellipsoid")}
        self.draws += 2 * PILOT
        best = max(kept, key=kept.get)
        self.kept_fraction = max(float(kept[best]), 1.0 / PILOT)
        return best

    def sample(self, m: int, max_draws: float = np.inf) -> np.ndarray:
        """About m points (unit-cube coordinates) uniform in the region ∩ unit cube (strictly inside the cube): at
        least one, or fewer than m once `max_draws` draws (counted in `self.draws` over the region's life) are spent."""
        draw = getattr(self, f"_from_{self.envelope}")
        out = []
        have = tries = 0
        while have < max(m, 1) and (self.draws < max_draws or have == 0):
            n = min(int(OVERDRAW * max(m - have, 1) / self.kept_fraction) + 16, MAX_DRAWS)
            w, keep = draw(n)
            self.draws += n
            out.append(self.centre + w[keep] @ self.axes.T)
            have += int(keep.sum())
            tries += 1
            if tries >= MAX_TRIES and have == 0:
                raise RunError("the friends region has no volume inside the unit cube")
        return np.concatenate(out)[: max(m, 1)]


def covariance_factor(u: np.ndarray) -> np.ndarray:
    """Cholesky factor A of the covariance of points u (n, d), regularised (A Aᵀ = cov + ε·1); the square roots of the
    variances if the covariance is not positive definite."""
    d = u.shape[1]
    cov = np.atleast_2d(np.cov(u, rowvar=False))
    cov += np.eye(d) * (1e-12 + 1e-10 * np.trace(cov) / d)
    try:
        return np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return np.diag(np.sqrt(np.maximum(np.diag(cov), 1e-12)))


def unit_ball(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """n points uniform in the d-dimensional unit ball (Gaussian direction, radius U^{1/d})."""
    x = rng.standard_normal((n, d))
    x *= (rng.random(n) ** (1.0 / d) / np.sqrt(np.einsum("ij,ij->i", x, x)))[:, None]
    return x


def squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a_i − b_j|² for all pairs (‖a‖² + ‖b‖² − 2 a·b, clipped at 0)."""
    d2 = np.einsum("ij,ij->i", a, a)[:, None] + np.einsum("ij,ij->i", b, b)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def neighbours(w: np.ndarray, points: np.ndarray, radius: float) -> np.ndarray:
    """How many of `points` lie within `radius` of each row of w (in chunks of ≤ PAIRS_PER_CHUNK pairs)."""
    rows = max(1, PAIRS_PER_CHUNK // max(len(points), 1))
    r2 = radius * radius * (1.0 + 1e-12)
    return np.concatenate([(squared_distances(w[i:i + rows], points) <= r2).sum(axis=1)
                           for i in range(0, len(w), rows)]) if len(w) else np.zeros(0, dtype=int)


def bootstrap_radii(w: np.ndarray, rng: np.random.Generator, bootstraps: int = BOOTSTRAPS) -> tuple[float, float]:
    """(friends radius, ellipsoid radius) by bootstrap (Buchner 2016, §3.2; Buchner 2019, §4; the ellipsoid as in
    dynesty's bootstrapped bounds, Speagle 2020, MNRAS 493, 3132, §4.2): for each of `bootstraps` resamplings with
    replacement, the largest distance from a point left out to its nearest kept point, and — with the ellipsoid
    refitted to the kept points (their mean and covariance) — the ratio of the largest Mahalanobis norm of a point left
    out to that of a kept point. r is the largest distance; R the largest norm of all points times the largest ratio,
    so that R also covers the noise of the estimated covariance."""
    m, d = w.shape
    norm = np.sqrt(np.einsum("ij,ij->i", w, w))
    r2, grow = 0.0, 1.0
    for _ in range(bootstraps):
        kept = np.zeros(m, dtype=bool)
        kept[rng.integers(0, m, m)] = True
        if kept.all():
            continue
        left = np.flatnonzero(~kept)
        rows = max(1, PAIRS_PER_CHUNK // int(kept.sum()))
        for i in range(0, len(left), rows):
            r2 = max(r2, float(squared_distances(w[left[i:i + rows]], w[kept]).min(axis=1).max()))
        grow = max(grow, refit_ratio(w[kept], w[~kept]))
    if r2 == 0.0:  # every resampling kept every point (m tiny): the largest nearest-neighbour distance
        d2 = squared_distances(w, w)
        np.fill_diagonal(d2, np.inf)
        r2 = float(d2.min(axis=1).max())
    return math.sqrt(r2), float(norm.max() * grow)


def refit_ratio(kept: np.ndarray, left: np.ndarray) -> float:
    """Largest Mahalanobis norm of the points `left` over that of the points `kept`, both in the metric of the kept
    points' mean and covariance (1 if the covariance is singular)."""
    d = kept.shape[1]
    if len(kept) <= d:
        return 1.0
    mean = kept.mean(axis=0)
    cov = np.atleast_2d(np.cov(kept, rowvar=False)) + np.eye(d) * 1e-12
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        return 1.0
    zk = np.linalg.solve(chol, (kept - mean).T)
    zl = np.linalg.solve(chol, (left - mean).T)
    return float(math.sqrt(np.einsum("ij,ij->j", zl, zl).max() / np.einsum("ij,ij->j", zk, zk).max()))
