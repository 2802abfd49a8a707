"""NuFIT global oscillation fit as a likelihood: the official Δχ² tables (likelihoods/nufit/NOTES.md).

Data: the NuFIT release tables with Super-Kamiokande atmospheric data (Esteban, Gonzalez-Garcia, Maltoni,
Schwetz, Zhou, JHEP 09 (2020) 178, arXiv:2007.14792; www.nu-fit.org), releases 5.2 and 5.3, converted
without loss of relevant precision by data/nufit/convert_nufit.py into data/nufit/nufit-<release>.npz.

χ² (six oscillation parameters, the ordering offset counted once):
    χ² = χ²_3D(sin²θ23, Δm²3ℓ, δ_CP) + [χ²_2D(sin²θ12, log10 Δm²21) − Δ_O] + [χ²_1D(sin²θ13) − Δ_O],
each table a NuFIT projection (Δχ² relative to the global minimum, profiled over the others), Δ_O = 0 for the better
ordering and the ordering offset for the other (6.36 in 5.2, 9.12 in 5.3: the IO). The ordering of a point is the sign
of Δm²3ℓ (NuFIT convention: Δm²31 > 0 for NO, Δm²32 < 0 for IO). Summing the six 1-D projections instead would count
the offset six times and drop the θ23–δ correlation; for releases with full tables it is not offered (for older
releases see the 1-D projection datasets below). Interpolation is multilinear on
the release grids: exact at the nodes, never below a table's minimum, continuous, and without plateaus. (A local
cubic, globalfit.grids order=3, finds a minimum between nodes better — sin²θ12 = 0.303 in 5.2 between the nodes 0.300
and 0.305 — but undershoots the minimum by up to 0.04 next to an asymmetric one, giving Δχ² < 0; cutting that off
creates a likelihood plateau on which nested sampling's bounding ellipsoids fail. Between nodes the linear χ² is above
the true one by at most h²χ''/8 ≈ 0.04, h the grid step.) The three tables of an ordering are evaluated together
(globalfit.grids.MultilinearSet: the cells along all six axes located in one pass, bit-identical to each table on its
own), and a batch of one ordering without selecting points. δ_CP is periodic. Outside the tabulated box the χ² at the
nearest box point is increased by 10⁴ × (distance in units of the box span)²: large, finite, growing with the
distance.

1-D projection datasets (names ending in "-1d", e.g. nufit-3.0-1d; never the default): for releases without
official 3-D/2-D tables in the repository, only the six 1-D Δχ² projections of the normal ordering are
available (data/nufit/convert_nufit_1d.py). They give
    χ² = Σ_p [χ²_p(x_p) − Δ_NO] + Δ_NO,   p ∈ {sin²θ12, sin²θ13, sin²θ23, δ_CP, log10 Δm²21, Δm²31},
Δ_NO the NO offset (0 when NO is the better ordering), linear in each projection, with the same outside-range
penalty. This drops every correlation (θ23–δ, θ23–Δm²31, θ12–Δm²21): each projection is profiled over the other
five parameters, so the sum equals the release's χ² only for uncorrelated parameters near the minimum and is an
approximation elsewhere (likelihoods/nufit/NOTES.md). Normal ordering only: the IO profiles and the IO offset are
not available, so an IO point (Δm²3ℓ < 0) gets log L = −inf (χ² = +inf) instead of a made-up χ². (It cannot raise:
the plugin also sees points outside the model's domain, e.g. texture points without an NO solution, whose Δm²3ℓ
may be negative; and it never reads the card.) The instance declares model_options = {"ordering": ("NO",)}, so a
card with model.ordering: IO and such a dataset is a card error naming both; use a full-table release for the IO.
"""
from __future__ import annotations

import lzma

import numpy as np

from globalfit.errors import DataError
from globalfit.grids import GridInterpolator, MultilinearSet, unpack
from globalfit.likelihood import Kernel, Likelihood
from likelihoods._data import BYTES, TEXT, float_arrays, increasing, load_npz

OUTSIDE_PENALTY = 1.0e4


#: the grid axes of the three tables, and every array of one ordering read from the release file (name after
#: the "NO_"/"IO_" prefix → kind, see likelihoods._data.load_npz)
_GRIDS = {"3d": ("3d_s23sq", "3d_dm3lsq", "3d_dcp"), "2d": ("2d_s12sq_log10dm21sq_x", "2d_s12sq_log10dm21sq_y"),
          "1d": ("1d_s13sq_x",)}
_ARRAYS = {**{a: 1 for axes in _GRIDS.values() for a in axes}, "3d_chi2": BYTES,
           "2d_s12sq_log10dm21sq_chi2": BYTES, "1d_s13sq_chi2": 1, "offset": 0}


def _unpack(d: dict, name: str, axes: list[np.ndarray], where: str) -> np.ndarray:
    """The packed Δχ² table `name` on the grid of `axes` (globalfit.grids.unpack)."""
    try:
        return unpack(d[name], [len(a) for a in axes])
    except (lzma.LZMAError, ValueError) as exc:
        raise DataError(f"{where}: array '{name}' is not a packed table of shape "
                        f"{tuple(len(a) for a in axes)} ({exc})") from None


class _OrderingTables:
    """The three tables (3-D, 2-D, 1-D) and the offset of one ordering."""

    def __init__(self, d: dict, o: str, where: str):
        axes = {k: [increasing(d[f"{o}_{a}"], f"{o}_{a}", where) for a in names] for k, names in _GRIDS.items()}
        self.t3 = GridInterpolator(axes["3d"], _unpack(d, f"{o}_3d_chi2", axes["3d"], where), order=1)
        self.t2 = GridInterpolator(axes["2d"], _unpack(d, f"{o}_2d_s12sq_log10dm21sq_chi2", axes["2d"], where),
                                   order=1)
        chi2_1d = d[f"{o}_1d_s13sq_chi2"]
        if len(chi2_1d) != len(axes["1d"][0]):
            raise DataError(f"{where}: array '{o}_1d_s13sq_chi2' has {len(chi2_1d)} entries, its axis "
                            f"{len(axes['1d'][0])}")
        self.t1 = GridInterpolator(axes["1d"], chi2_1d, order=1)
        self.offset = d[f"{o}_offset"]
        self.grids = MultilinearSet([self.t3, self.t2, self.t1])  # one cell location for the three tables

    def chi2(self, s12sq, s13sq, s23sq, dcp_deg, dm21sq, dm3lsq) -> np.ndarray:
        """χ² at points given as arrays (δ_CP in degrees in [−180°, 180°], Δm² in eV²)."""
        log_dm21 = np.log10(np.maximum(dm21sq, 1e-30))
        rows = float_arrays(s23sq, dm3lsq, dcp_deg, s12sq, log_dm21, s13sq)
        return self.chi2_at(np.array([x.reshape(-1) for x in rows])).reshape(rows[0].shape)

    def chi2_at(self, coords: np.ndarray) -> np.ndarray:
        """χ² at coords (6, n): the rows of COORDINATES (what the three tables read, in their order)."""
        (t3, t2, t1), inside = self.grids.evaluate(coords)
        chi = t3 + t2 - self.offset + t1 - self.offset
        if inside:  # the outside penalty is 0 everywhere (+ 0.0 as chi + 10⁴·0 would)
            return chi + 0.0
        dist2 = (self.t3.distance(*coords[0:3]) ** 2 + self.t2.distance(*coords[3:5]) ** 2
                 + self.t1.distance(coords[5]) ** 2)
        return chi + OUTSIDE_PENALTY * dist2


#: the six parameters of the 1-D projection datasets (array names NO_1d_<p>_x / _chi2), in the order of `chi2`
_PROJECTIONS = ("s12sq", "s13sq", "s23sq", "dcp", "log10dm21sq", "dm3lsq")
PROJECTION_SUFFIX = "-1d"


class _Projections1D:
    """The six NO 1-D projections of a release: χ² = Σ_p [χ²_p − Δ_NO] + Δ_NO (module docstring)."""

    def __init__(self, d: dict, where: str):
        self.tables = []
        for p in _PROJECTIONS:
            x = increasing(d[f"NO_1d_{p}_x"], f"NO_1d_{p}_x", where)
            chi2 = d[f"NO_1d_{p}_chi2"]
            if len(chi2) != len(x):
                raise DataError(f"{where}: array 'NO_1d_{p}_chi2' has {len(chi2)} entries, its axis {len(x)}")
            self.tables.append(GridInterpolator([x], chi2, order=1))
        self.offset = d["NO_offset"]

    def chi2(self, s12sq, s13sq, s23sq, dcp_deg, dm21sq, dm3lsq) -> np.ndarray:
        log_dm21 = np.log10(np.maximum(dm21sq, 1e-30))
        coords = (s12sq, s13sq, s23sq, dcp_deg, log_dm21, dm3lsq)
        chi = self.offset + sum(t(x) - self.offset for t, x in zip(self.tables, coords))
        dist2 = sum(t.distance(x) ** 2 for t, x in zip(self.tables, coords))
        return chi + OUTSIDE_PENALTY * dist2


#: the rows of the coordinate array of one batch: the axes of the 3-D, 2-D and 1-D tables in turn
COORDINATES = ("s23sq", "dm3lsq", "dcp_deg", "s12sq", "log10dm21sq", "s13sq")


def _coordinates(s12sq, s13sq, s23sq, delta_rad, dm21sq, dm3lsq) -> np.ndarray:
    """The table coordinates (COORDINATES, n) of points given as float arrays of one shape: δ_CP in degrees
    mapped to [−180°, 180°], log10 Δm²21 (Δm²21 floored at 1e−30 eV²)."""
    dcp = np.degrees(delta_rad.reshape(-1))  # mod(degrees(δ) + 180, 360) − 180, in place
    dcp += 180.0
    np.mod(dcp, 360.0, out=dcp)
    dcp -= 180.0
    log_dm21 = np.maximum(dm21sq.reshape(-1), 1e-30)
    np.log10(log_dm21, out=log_dm21)
    return np.array([s23sq.reshape(-1), dm3lsq.reshape(-1), dcp, s12sq.reshape(-1), log_dm21, s13sq.reshape(-1)])


class NuFIT(Likelihood):
    """NuFIT oscillation fit: 3-D × 2-D × 1-D Δχ² tables; datasets '*-1d': sum of six 1-D projections, NO only."""

    name = "nufit"
    requires = ("s12sq", "s13sq", "s23sq", "delta_cp", "dm21sq", "dm3lsq")

    def __init__(self, dataset: str = "nufit-5.3"):
        super().__init__(dataset)
        self.projection = dataset.endswith(PROJECTION_SUFFIX)
        if self.projection:  # six NO 1-D projections of an older release
            spec = {f"NO_1d_{p}_{a}": 1 for p in _PROJECTIONS for a in ("x", "chi2")}
            d, where = load_npz(f"nufit/{dataset}.npz", {**spec, "NO_offset": 0, "release": TEXT, "kind": TEXT,
                                                         "source": TEXT})
            if d["kind"] != "1d-projection":
                raise DataError(f"{where}: 'kind' must be '1d-projection' for a dataset named '*{PROJECTION_SUFFIX}', "
                                f"got {d['kind']!r}")
            self.tables = {"NO": _Projections1D(d, where)}
            self.source = d["source"]
            self.model_options = {"ordering": ("NO",)}  # a card with ordering IO is refused, naming both
        else:
            spec = {f"{o}_{a}": kind for o in ("NO", "IO") for a, kind in _ARRAYS.items()}
            d, where = load_npz(f"nufit/{dataset}.npz", {**spec, "release": TEXT})
            self.tables = {o: _OrderingTables(d, o, where) for o in ("NO", "IO")}
        self.release = d["release"]

    def chi2(self, s12sq, s13sq, s23sq, delta_rad, dm21sq, dm3lsq) -> np.ndarray:
        """χ² for arrays of points; δ_CP in radians, mass-squared differences in eV² (+inf for an IO point of a
        1-D projection dataset)."""
        s12sq, s13sq, s23sq, delta_rad, dm21sq, dm3lsq = float_arrays(s12sq, s13sq, s23sq, delta_rad, dm21sq, dm3lsq)
        if self.projection:
            return self._chi2_projections(s12sq, s13sq, s23sq, delta_rad, dm21sq, dm3lsq)
        coords = _coordinates(s12sq, s13sq, s23sq, delta_rad, dm21sq, dm3lsq)
        # the ordering of a point is the sign of Δm²3ℓ (NO where NaN); a batch of one ordering (the usual case) is
        # evaluated without selecting points
        if not coords.shape[1] or not np.fmin.reduce(coords[1]) < 0:  # no point with Δm²3ℓ < 0
            return self.tables["NO"].chi2_at(coords).reshape(s12sq.shape)
        io = coords[1] < 0
        if io.all():
            return self.tables["IO"].chi2_at(coords).reshape(s12sq.shape)
        out = np.empty(io.shape)
        for o, sel in (("NO", ~io), ("IO", io)):
            out[sel] = self.tables[o].chi2_at(coords[:, sel])
        return out.reshape(s12sq.shape)

    def _chi2_projections(self, s12sq, s13sq, s23sq, delta_rad, dm21sq, dm3lsq) -> np.ndarray:
        """chi2 of a 1-D projection dataset: NO points from the six projections, +inf at IO points."""
        dcp = np.mod(np.degrees(delta_rad) + 180.0, 360.0) - 180.0  # the tables' range [−180°, 180°]
        out = np.empty(s12sq.shape)
        io = dm3lsq < 0
        out[io] = np.inf
        if (no := ~io).any():
            out[no] = self.tables["NO"].chi2(s12sq[no], s13sq[no], s23sq[no], dcp[no], dm21sq[no], dm3lsq[no])
        return out

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel | None:
        """Compiled twin (likelihoods/nufit/kernel.py) of the full-table datasets; None for the 1-D projections."""
        if self.projection:
            return None
        from likelihoods.nufit.kernel import pack

        data = pack([((t.t3, t.t2, t.t1), float(t.offset)) for t in (self.tables["NO"], self.tables["IO"])])
        return Kernel("likelihoods.nufit.kernel:loglike", data)

    def loglike(self, q):
        return -0.5 * self.chi2(q["s12sq"], q["s13sq"], q["s23sq"], q["delta_cp"], q["dm21sq"], q["dm3lsq"])

    def describe(self):
        out = {**super().describe(), "release": self.release,
               "offsets": {o: t.offset for o, t in self.tables.items()}}
        if self.projection:
            out["kind"] = ("1-D projection: sum of the six NO 1-D Δχ² profiles; no correlations, normal ordering "
                           "only (log L = −inf at inverted-ordering points)")
            out["source"] = self.source
        return out
