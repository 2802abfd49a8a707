"""Physics models as plugins.

A model maps the sampled parameters to the derived quantities the likelihoods read. It is a subclass of
`PhysicsModel` with

* `name` — what a card writes in ``model: {name: ...}``;
* `Options` — its option schema: a dataclass whose fields (with defaults; ``Literal[...]`` for a fixed set of
  choices; ``field(metadata={"doc": ...})`` for a description) are the card's other ``model:`` keys, and whose
  ``__post_init__`` raises ValueError for options that contradict each other;
* `parameters` — the parameters a card may give it (name → globalfit.params.ParameterInfo: unit, label,
  allowed range, default);
* `quantities(options)` — its derived quantities (globalfit.graph providers), returned explicitly;
* `null_point(raw)` — the card in its "no new physics" limit (for planes and pulls), if it has one.

Models are found through the entry-point group ``globalfit.models`` (the built-in ``lmu-ltau`` too) or
registered in-process with `register_model`. A model never reads data; the framework names no model except
the default.
"""
from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from globalfit.graph import Provider, QuantityInfo, QuantitySet  # noqa: F401  (re-exported for model authors)
from globalfit.params import ParameterInfo
from globalfit.plugins import PluginError, Registry

ENTRY_POINT_GROUP = "globalfit.models"
#: the model of a card that does not name one
DEFAULT_MODEL = "lmu-ltau"


@dataclass(frozen=True)
class NoOptions:
    """The option schema of a model without options."""


@dataclass(frozen=True)
class OptionField:
    """One option of a model: name, annotation, default, choices (for Literal) and description."""

    name: str
    annotation: Any
    default: Any
    choices: tuple | None
    doc: str

    def type_name(self) -> str:
        if self.choices:
            return " | ".join(map(str, self.choices))
        return getattr(self.annotation, "__name__", str(self.annotation).replace("typing.", ""))


class PhysicsModel:
    """Base class of physics-model plugins (see the module docstring)."""

    name: ClassVar[str] = ""
    Options: ClassVar[type] = NoOptions
    parameters: ClassVar[Mapping[str, ParameterInfo]] = {}
    #: the (mass, coupling) parameters spanning `globalfit plane`, or None if the model has no such plane
    plane: ClassVar[tuple[str, str] | None] = None
    #: what `null_point` means, in words (for reports)
    null_description: ClassVar[str] = ""

    def quantities(self, options) -> list[Provider]:
        """The model's derived quantities for `options` (an instance of `Options`). A provider may declare
        `when` conditions on the options; the graph keeps the active ones and names the others in messages."""
        return []

    def quantity_info(self) -> Mapping[str, QuantityInfo]:
        """Unit, label and description of each derived quantity (for tables, plots and `globalfit list`)."""
        return {}

    def null_point(self, raw: dict) -> dict | None:
        """The resolved card `raw` (a mapping, as card.yaml) in the model's no-new-physics limit, with every
        other parameter as it was; None if the model has none."""
        return None

    def describe(self, options) -> str:
        """A short description of the options, for titles of plots (default: every option)."""
        return ", ".join(f"{k}: {v}" for k, v in dataclasses.asdict(options).items())

    def domain_hint(self, options) -> str:
        """A phrase saying why points can lie outside the model's domain (shown when none is inside)."""
        return ""

    # ---- introspection used by the card validator and `globalfit list`
    @classmethod
    def option_fields(cls) -> dict[str, OptionField]:
        hints = typing.get_type_hints(cls.Options)
        out = {}
        for f in dataclasses.fields(cls.Options):
            ann = hints.get(f.name, Any)
            choices = tuple(typing.get_args(ann)) if typing.get_origin(ann) is typing.Literal else None
            default = f.default if f.default is not dataclasses.MISSING else None
            out[f.name] = OptionField(f.name, ann, default, choices, f.metadata.get("doc", ""))
        return out


def _check_model(cls: Any, origin: str) -> None:
    if not (isinstance(cls, type) and issubclass(cls, PhysicsModel)):
        raise PluginError(f"model {origin}: not a subclass of globalfit.model.PhysicsModel")
    if not cls.name or not isinstance(cls.name, str):
        raise PluginError(f"model {origin}: the class attribute 'name' must be a non-empty string")
    if not dataclasses.is_dataclass(cls.Options):
        raise PluginError(f"model {origin}: 'Options' must be a dataclass (its fields are the model's options)")
    if "name" in {f.name for f in dataclasses.fields(cls.Options)}:
        raise PluginError(f"model {origin}: an option may not be called 'name' (the card's model.name)")
    if not all(isinstance(k, str) and isinstance(v, ParameterInfo) for k, v in dict(cls.parameters).items()):
        raise PluginError(f"model {origin}: 'parameters' must map names to globalfit.params.ParameterInfo")


REGISTRY = Registry(ENTRY_POINT_GROUP, "model", _check_model)
_INSTANCES: dict[type, PhysicsModel] = {}


def register_model(cls: type[PhysicsModel]) -> type[PhysicsModel]:
    """Register a model class in this process (usable as a decorator)."""
    return REGISTRY.register(cls)


def unregister_model(name: str) -> None:
    REGISTRY.unregister(name)


def models() -> dict[str, type[PhysicsModel]]:
    """Every available model by name."""
    return REGISTRY.all()


def failed() -> dict[str, str]:
    return REGISTRY.failed()


def get_model(name: str) -> PhysicsModel:
    """The model plugin `name` (one instance per class and process); PluginError if unknown."""
    cls = REGISTRY.get(name)
    if cls not in _INSTANCES:
        _INSTANCES[cls] = cls()
    return _INSTANCES[cls]


@dataclass(frozen=True)
class ModelChoice:
    """The card's model: the plugin's name and its validated options (attributes of the options are
    readable directly: ``card.model.ordering``)."""

    name: str
    options: Any

    def __getattr__(self, key: str):
        if key in ("name", "options") or key.startswith("__"):
            raise AttributeError(key)
        return getattr(self.options, key)

    @property
    def plugin(self) -> PhysicsModel:
        return get_model(self.name)

    def option_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self.options)

    def to_dict(self) -> dict[str, Any]:
        """As written to card.yaml: the name, then every option (defaults filled)."""
        return {"name": self.name, **self.option_dict()}
