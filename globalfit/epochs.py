"""Data epochs: named sets of datasets (and plugin options), data/epochs.yaml, so that a conclusion can be redone
with the inputs of a published analysis (``--epoch textures-zzp-2024``) or the latest ones (``--epoch latest``).

An epoch is ``{description, datasets}`` with `datasets` either "default" (every plugin of the card at its default,
latest dataset) or a mapping plugin → dataset name, or plugin → ``{dataset: NAME, <option>: <value>, ...}`` when
the analysis also used a plugin option (e.g. ``cosmology: {dataset: planck2015, shape: cut}``). An epoch may
instead be ``{alias: OTHER, description}``: the same sets as OTHER (``seeds`` is kept that way). The file is
validated when read: an unknown plugin, dataset or option, or a value an option does not allow, is a DataError
naming the file and the key. Plugins an epoch does not name keep the card's settings; so do options it does
not set.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from globalfit import catalog
from globalfit import likelihood as registry
from globalfit.errors import CardError, DataError, Problem

EPOCHS_FILE = "epochs.yaml"


def _check_plugin_entry(where: str, key: str, plugin: str, entry: Any) -> dict[str, Any]:
    """The settings {dataset, options...} of one plugin in one epoch, validated against the registry."""
    if isinstance(entry, str):
        entry = {"dataset": entry}
    if not isinstance(entry, Mapping) or not isinstance(entry.get("dataset"), str):
        raise DataError(f"{where}: {key} must be a dataset name or a mapping {{dataset: NAME, <option>: <value>}}, "
                        f"got {entry!r}")
    try:
        cls = registry.get(plugin)
    except registry.PluginError:
        raise DataError(f"{where}: {key}: unknown likelihood plugin '{plugin}'; available: "
                        f"{', '.join(registry.plugins())}") from None
    known = cls.datasets()
    if known and entry["dataset"] not in known:  # (no catalogue of the plugin at all: the card checks it when used)
        raise DataError(f"{where}: {key}.dataset: unknown dataset '{entry['dataset']}' of '{plugin}'; available: "
                        f"{', '.join(known) or 'none'}")
    specs = cls.option_specs()
    for opt, val in entry.items():
        if opt == "dataset":
            continue
        spec = specs.get(opt)
        if spec is None:
            raise DataError(f"{where}: {key}.{opt}: '{plugin}' has no option '{opt}'; options: "
                            f"{', '.join(specs) or 'none'}")
        if spec.choices is not None and val not in spec.choices:
            raise DataError(f"{where}: {key}.{opt}: {val!r} is not allowed; choices: "
                            f"{', '.join(map(str, spec.choices))}")
        if not isinstance(val, (str, bool, int, float)):
            raise DataError(f"{where}: {key}.{opt}: expected a single value, got {val!r}")
    return dict(entry)


def epochs() -> dict[str, dict]:
    """Epoch name → {"description", "datasets"}; "datasets" is "default" or a mapping plugin → {"dataset": …,
    option: value …}. Aliases are resolved (their "alias" key names the epoch they stand for)."""
    raw = catalog.load_yaml(EPOCHS_FILE)
    where = str(catalog.data_dir() / EPOCHS_FILE)
    catalog.require_keys(raw, ["epochs"], where)
    table = raw["epochs"]
    if not isinstance(table, Mapping) or not table:
        raise DataError(f"{where}: 'epochs' must be a mapping of epoch names to {{description, datasets}}")
    out: dict[str, dict] = {}
    aliases: dict[str, str] = {}
    for name, epoch in table.items():
        key = f"epochs.{name}"
        if not isinstance(epoch, Mapping):
            raise DataError(f"{where}: {key} must be a mapping {{description, datasets}} or {{description, alias}}")
        if not isinstance(epoch.get("description"), str) or not epoch["description"].strip():
            raise DataError(f"{where}: {key} needs a 'description' (the analysis, with its arXiv id)")
        unknown = set(epoch) - {"description", "datasets", "alias"}
        if unknown:
            raise DataError(f"{where}: {key}: unknown key(s) {', '.join(map(str, sorted(unknown)))}; allowed: "
                            "description, datasets, alias")
        if "alias" in epoch:
            if "datasets" in epoch or not isinstance(epoch["alias"], str):
                raise DataError(f"{where}: {key}.alias must name another epoch, without 'datasets'")
            aliases[str(name)] = epoch["alias"]
            out[str(name)] = dict(epoch)
            continue
        chosen = epoch.get("datasets")
        if chosen == "default":
            out[str(name)] = {**epoch, "datasets": "default"}
            continue
        if not isinstance(chosen, Mapping) or not chosen:
            raise DataError(f"{where}: {key} needs the key 'datasets': 'default' or a mapping plugin → dataset name "
                            "(or plugin → {dataset: NAME, <option>: <value>})")
        out[str(name)] = {**epoch, "datasets": {str(p): _check_plugin_entry(where, f"{key}.datasets.{p}", str(p), e)
                                                for p, e in chosen.items()}}
    for name, target in aliases.items():
        if target not in out or target in aliases:
            raise DataError(f"{where}: epochs.{name}.alias: '{target}' is not an epoch defined with its datasets; "
                            f"epochs: {', '.join(n for n in out if n not in aliases)}")
        out[name] = {**out[target], "description": out[name]["description"], "alias": target}
    return out


def _yaml_value(v: Any) -> str:
    """A `--set` value that the card reader parses back to `v` (YAML 1.2)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def epoch_sets(raw_card: Mapping, epoch: str) -> list[str]:
    """`--set` overrides that switch the card's likelihoods to the datasets (and options) of `epoch`."""
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
            sets += [f"likelihoods.{name}.{k}={_yaml_value(v)}" for k, v in chosen[name].items()]
    return sets
