"""The apv plugin: atomic parity violation in ¹³³Cs.

The code is in likelihood.py, the data in data/apv/ (listed in data/apv/catalog.yaml).
"""
from likelihoods.apv.likelihood import Q_CS, SW_CW, Z_CS, AtomicParityViolation, delta_qw

__all__ = ["Q_CS", "SW_CW", "Z_CS", "AtomicParityViolation", "delta_qw"]
