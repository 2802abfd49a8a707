"""The cms_4mu plugin: CMS Z → μ⁺μ⁻Z′, Z′ → μ⁺μ⁻.

The code is in likelihood.py, the data in data/cms_4mu/ (listed in data/cms_4mu/catalog.yaml).
"""
from likelihoods.cms_4mu.likelihood import BR_MUMU_ASSUMED, CMS4Mu

__all__ = ["BR_MUMU_ASSUMED", "CMS4Mu"]
