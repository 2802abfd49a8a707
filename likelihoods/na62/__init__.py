"""The na62 plugin: NA62 K⁺ → π⁺ Z′(invisible).

The code is in likelihood.py, the data in data/na62/ (listed in data/na62/catalog.yaml).
"""
from likelihoods.na62.likelihood import CL, M_ZERO, NA62, PI0_GAP, dataset_file, read_limit_csv

__all__ = ["CL", "M_ZERO", "PI0_GAP", "NA62", "dataset_file", "read_limit_csv"]
