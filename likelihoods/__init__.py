"""globalfit's built-in likelihood plugins, one package per experiment: likelihoods/<name>/likelihood.py
(registered as an entry point), its data in data/<name>/ with their catalog.yaml; shared readers in _data.py."""
