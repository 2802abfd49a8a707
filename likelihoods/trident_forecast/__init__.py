"""The trident_forecast plugin: neutrino trident production at planned beams and targets (Asimov forecast).

The code is in likelihood.py, the data in data/trident_forecast/ (listed in data/trident_forecast/catalog.yaml).
"""
from likelihoods.trident_forecast.likelihood import TridentForecast

__all__ = ["TridentForecast"]
