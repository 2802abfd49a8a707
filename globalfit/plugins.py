"""Plugin registries: classes found through an entry-point group, or registered in-process.

One `Registry` per kind of plugin (likelihoods, physics models). Built-in plugins are registered in
pyproject.toml exactly like third-party ones. An entry point that fails to load is recorded and reported
when the plugin is asked for (and by `globalfit list`) instead of breaking every other plugin.
"""
from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from globalfit.errors import GlobalfitError, did_you_mean


class PluginError(GlobalfitError):
    """A plugin could not be loaded or is malformed."""


class Registry:
    """The plugins of one entry-point `group`; `check(cls, origin)` raises PluginError for a malformed class."""

    def __init__(self, group: str, kind: str, check: Callable[[Any, str], None]):
        self.group, self.kind, self.check = group, kind, check
        self.registered: dict[str, type] = {}
        self._discovered: dict[str, type] | None = None
        self._failed: dict[str, str] = {}
        self.on_add: list[Callable[[type], None]] = []  # called for every plugin class found or registered

    def register(self, cls: type) -> type:
        """Register a plugin class in this process (usable as a decorator)."""
        self.check(cls, f"{cls.__module__}.{cls.__qualname__}")
        self.registered[cls.name] = cls
        for hook in self.on_add:
            hook(cls)
        return cls

    def unregister(self, name: str) -> None:
        self.registered.pop(name, None)

    def _discover(self) -> dict[str, type]:
        if self._discovered is None:
            found: dict[str, type] = {}
            origins: dict[str, str] = {}
            for ep in entry_points(group=self.group):
                try:
                    cls = ep.load()
                    self.check(cls, ep.value)
                    for hook in self.on_add:  # e.g. registering the plugin's data root
                        hook(cls)
                except Exception as exc:
                    self._failed[ep.name] = (f"entry point '{ep.name} = {ep.value}' failed to load: "
                                             f"{type(exc).__name__}: {exc}")
                    continue
                if cls.name in found and origins[cls.name] != ep.value:
                    self._failed[cls.name] = (f"two {self.kind}s are named '{cls.name}': {origins[cls.name]} "
                                              f"and {ep.value}")
                    found.pop(cls.name)
                    continue
                found[cls.name] = cls
                origins[cls.name] = ep.value
            self._discovered = found
        return self._discovered

    def failed(self) -> dict[str, str]:
        """Plugins whose entry point could not be loaded: name → reason."""
        self._discover()
        return dict(self._failed)

    def all(self) -> dict[str, type]:
        """Every available plugin by name (entry points, then in-process registrations), sorted."""
        out = dict(self._discover())
        out.update(self.registered)
        return dict(sorted(out.items()))

    def get(self, name: str) -> type:
        available = self.all()
        if name not in available:
            if name in self._failed:
                raise PluginError(self._failed[name])
            raise PluginError(f"unknown {self.kind} '{name}'; available: {', '.join(available) or 'none'}"
                              f"{did_you_mean(name, list(available))}")
        return available[name]
