"""Data epochs: named sets of datasets (data/epochs.yaml), so that a conclusion can be redone with the
inputs of an earlier analysis (``--epoch seeds``) or the latest ones (``--epoch latest``)."""
from __future__ import annotations

from collections.abc import Mapping

from globalfit import catalog
from globalfit import likelihood as registry
from globalfit.errors import CardError, DataError, Problem

EPOCHS_FILE = "epochs.yaml"


def epochs() -> dict[str, dict]:
    """Epoch name → {"description", "datasets"} ("datasets" is a mapping plugin → dataset, or "default")."""
    raw = catalog.load_yaml(EPOCHS_FILE)
    where = str(catalog.data_dir() / EPOCHS_FILE)
    catalog.require_keys(raw, ["epochs"], where)
    table = raw["epochs"]
    if not isinstance(table, Mapping) or not table:
        raise DataError(f"{where}: 'epochs' must be a mapping of epoch names to {{description, datasets}}")
    for name, epoch in table.items():
        chosen = epoch.get("datasets") if isinstance(epoch, Mapping) else None
        if chosen != "default" and not (isinstance(chosen, Mapping) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in chosen.items())):
            raise DataError(f"{where}: epochs.{name} needs the key 'datasets': 'default' or a mapping "
                            "plugin → dataset name")
    return {str(name): dict(epoch) for name, epoch in table.items()}


def epoch_sets(raw_card: Mapping, epoch: str) -> list[str]:
    """`--set` overrides that switch the card's likelihoods to the datasets of `epoch`."""
    from globalfit.card import did_you_mean

    table = epochs()
    if epoch not in table:
        raise CardError([Problem("--epoch", f"unknown epoch {epoch!r}; available: {', '.join(table)}"
                                            f"{did_you_mean(epoch, list(table))}")])
    likes = raw_card.get("likelihoods") or {}
    names = list(likes) if isinstance(likes, Mapping) else [x for x in likes if isinstance(x, str)]
    chosen = table[epoch]["datasets"]
    sets = []
    for name in names:
        if chosen == "default":
            try:
                default = registry.get(name).default_dataset()
            except registry.PluginError:
                continue  # reported by the card validation
            if default is not None:
                sets.append(f"likelihoods.{name}.dataset={default}")
        elif name in chosen:
            sets.append(f"likelihoods.{name}.dataset={chosen[name]}")
    return sets
