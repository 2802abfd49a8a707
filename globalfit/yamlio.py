"""YAML reading and writing.

PyYAML follows YAML 1.1, where ``1e-3`` (no dot) is read as the *string* "1e-3" and ``NO`` (the normal
mass ordering!) as the boolean false. Run cards are full of both, so the loader here resolves floats and
booleans as YAML 1.2 does: only true/false are booleans. It also refuses duplicate keys (YAML would
silently keep the last) and aliases that expand to huge documents ("billion laughs"); a leading UTF-8
byte-order mark is ignored.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

BOM = "\ufeff"  # a UTF-8 byte-order mark, as decoded text
#: at most this many nodes may be added by expanding aliases (normal reuse of an anchor adds a few dozen)
ALIAS_BUDGET = 10_000
_MERGE = "tag:yaml.org,2002:merge"


class InputError(ValueError):
    """YAML that parses but is refused: duplicate keys or an alias bomb. `problems` are (key path, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{p}: {m}" if p else m for p, m in problems))


def _check(root: yaml.Node, key_of: Callable[[yaml.Node], Any]) -> None:
    """Refuse duplicate keys in any mapping and aliases expanding to more than ALIAS_BUDGET extra nodes.

    Counts nodes with aliases expanded on the composed graph (a shared node is one object), memoised, so
    the check is linear in the size of the text. `key_of` constructs a scalar key (so 1 and 0x1 are equal).
    """
    size: dict[int, int] = {}  # id(node) → number of nodes below it (itself included), aliases expanded
    open_: set[int] = set()
    problems: list[tuple[str, str]] = []

    def walk(node: yaml.Node, path: str) -> int:
        if id(node) in size:
            return size[id(node)]
        if id(node) in open_:
            raise InputError([(path, "a YAML alias refers to a node that contains it (recursive data); refusing")])
        open_.add(id(node))
        n = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, list[yaml.Node]] = {}
            for k, _ in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE:
                    seen.setdefault(key_of(k), []).append(k)
            for nodes in seen.values():
                if len(nodes) > 1:
                    lines = [k.start_mark.line + 1 for k in nodes]
                    at = [f"{ln}" if lines.count(ln) == 1 else f"{ln} (column {k.start_mark.column + 1})"
                          for ln, k in zip(lines, nodes)]
                    key = nodes[0].value
                    problems.append((f"{path}.{key}" if path else key,
                                     f"duplicate key '{key}' at lines {', '.join(at[:-1])} and {at[-1]}; a key may "
                                     "appear only once in a mapping (YAML would silently keep the last)"))
            for k, v in node.value:
                n += walk(k, path) + walk(v, f"{path}.{k.value}" if path else str(k.value))
        elif isinstance(node, yaml.SequenceNode):
            n += sum(walk(v, f"{path}[{i}]") for i, v in enumerate(node.value))
        open_.discard(id(node))
        size[id(node)] = n
        return n

    if walk(root, "") - len(size) > ALIAS_BUDGET:
        raise InputError([("", f"YAML aliases expand to more than {ALIAS_BUDGET} nodes; refusing (alias bomb?)")])
    if problems:
        raise InputError(problems)


class _Loader(yaml.SafeLoader):
    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        _check(node, self.construct_object)
        return self.construct_document(node)


_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_Loader.yaml_implicit_resolvers = {k: list(v) for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _ch in list("-+0123456789."):
    _Loader.yaml_implicit_resolvers[_ch] = [
        (tag, rx) for tag, rx in _Loader.yaml_implicit_resolvers.get(_ch, []) if tag != "tag:yaml.org,2002:float"
    ]
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
for _ch, _rules in _Loader.yaml_implicit_resolvers.items():
    _Loader.yaml_implicit_resolvers[_ch] = [(t, rx) for t, rx in _rules if t != "tag:yaml.org,2002:bool"]
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def loads(text: str) -> Any:
    """Parse YAML text (floats such as ``1e-3`` are floats). Raises InputError for duplicate keys or an
    alias bomb, yaml.YAMLError for malformed YAML."""
    return yaml.load(text.removeprefix(BOM), Loader=_Loader)


def load(path: str | Path) -> Any:
    """Parse a YAML file."""
    with open(path, encoding="utf-8") as fh:
        return loads(fh.read())


class _Dumper(yaml.SafeDumper):
    pass


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.Node:
    text = repr(float(value))
    if "e" in text and "." not in text.split("e")[0]:
        mant, exp = text.split("e")
        text = f"{mant}.0e{exp}"
    if text in ("inf", "-inf", "nan"):
        text = {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}[text]
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(float, _represent_float)
# quote exactly the strings our loader would not read back as strings (e.g. "1e5", "true"), and only those
_Dumper.yaml_implicit_resolvers = {k: list(v) for k, v in _Loader.yaml_implicit_resolvers.items()}


def dumps(obj: Any) -> str:
    """Serialise to YAML, keeping key order, floats readable by any YAML parser."""
    return yaml.dump(obj, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True)


def json_default(x: Any) -> Any:
    """`default=` for json.dump: numpy scalars and arrays as Python numbers and lists, anything else as text."""
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)
