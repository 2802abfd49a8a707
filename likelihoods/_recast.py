"""The shared part of the plugins that read a published limit curve (m_GeV, one limit column, its CL in the file's
header) and compare it with what the Lμ−Lτ model's couplings predict: belle2_invisible, cms_4mu, na64e (each
module's docstring gives its prediction X and the curve's source)."""
from __future__ import annotations

import math
from typing import ClassVar, Literal

from globalfit import catalog
from globalfit.likelihood import Kernel, Likelihood
from globalfit.limits import LimitCurve, limit_dchi2, limit_kernel_data
from likelihoods.e137.likelihood import COUPLINGS, check_shape, read_table_csv


class RecastCurve(Likelihood):
    """A published limit curve in `column` against m_GeV (data/<name>/<dataset>.csv, `# cl:` in its header), as a
    likelihood by the limit-curve rule (globalfit.limits) with `limit_shape`."""

    requires = ("m_zp", "g_zp", *COUPLINGS)
    #: the recast uses the L_μ − L_τ structure (g for μ, τ, ν_μ, ν_τ; induced couplings for e, q, ν_e)
    models = ("lmu-ltau",)
    #: the curve's limit column
    column: ClassVar[str] = "g_ul"
    #: the branching ratio (or BR(inv) reference) the compiled twin divides by; NaN: the pure L_μ − L_τ Z′'s
    kernel_reference: ClassVar[float] = math.nan

    def __init__(self, dataset: str, limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape=limit_shape)
        check_shape(limit_shape)
        self.limit_shape = limit_shape
        catalog.dataset_files(self.name, dataset)  # verifies, or the DataError listing the datasets
        self.source = catalog.entries(self.name, dataset)[0].path
        values, table = read_table_csv(self.source, ("m_GeV", self.column), ("cl",))
        self.cl = values["cl"]
        self.curve = LimitCurve(table[:, 0], table[:, 1])

    def exclusion_dchi2(self, cl: float) -> float:
        """On the published curve at its own CL (globalfit.limits.limit_dchi2)."""
        return limit_dchi2(cl, self.limit_shape)

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin likelihoods/_recast_kernel.py:<name> (every dataset and limit_shape): the curve's arrays,
        the limit rule's (shape, coefficient) and `kernel_reference`."""
        data = (*self.curve.kernel_data(), *limit_kernel_data(self.cl, self.limit_shape), float(self.kernel_reference))
        return Kernel(f"likelihoods._recast_kernel:{self.name}", data)
