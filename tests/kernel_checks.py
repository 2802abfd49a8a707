"""Shared by the tests of the compiled kernels (tests/test_compiled_*.py): invalid inputs planted in a batch."""
from __future__ import annotations

import numpy as np

#: values outside every plugin's domain (non-finite, non-positive masses, negative couplings …), per input name
BAD = {"m_zp": [np.nan, -1.0, 0.0, np.inf], "g_zp": [np.nan, -1e-3, np.inf], "delta_zzp": [np.nan, np.inf],
       "tan_beta": [np.nan, -0.1, np.inf], "m_hpm": [0.0, -300.0, np.nan], "m_h2": [0.0, -1.0, np.inf],
       "m_a": [np.nan, 0.0], "eps_z": [np.nan], "gv_e": [np.nan], "ga_e": [np.inf], "g_nue": [np.nan],
       "gv_u": [np.nan], "gv_d": [-np.inf]}


def with_invalid(q: dict[str, np.ndarray], keys=None) -> dict[str, np.ndarray]:
    """A copy of the batch q with the BAD values of `keys` (default: every input of q) at points 100, 107, 114, …"""
    q = {k: np.array(v, dtype=float) for k, v in q.items()}
    i = 100
    for k in (q if keys is None else keys):
        for v in BAD.get(k, []):
            q[k][i] = v
            i += 7
    return q
