"""The e137 plugin: E137 electron beam dump, Z′ → e⁺e⁻ (and the shared code of the visible beam dumps).

The code is in likelihood.py, the data in data/e137/ (listed in data/e137/catalog.yaml).
"""
from likelihoods.e137.likelihood import (
    COUPLINGS,
    E137,
    ElectronBeamDump,
    check_shape,
    domain,
    read_band,
    read_table_csv,
)

__all__ = ["COUPLINGS", "E137", "ElectronBeamDump", "check_shape", "domain", "read_band", "read_table_csv"]
