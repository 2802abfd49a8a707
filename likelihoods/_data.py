"""Validated reading of catalogued data files for the plugins, and inputs the plugins share (float arrays of a
batch; the Z′ branching ratios and muon signal computed once per batch).

The checksum in a data catalog (data/<experiment>/catalog.yaml) only says that a file is the catalogued one;
these helpers check that its contents are what the loader needs, and raise DataError naming the file, the key
or array and what is wrong (never a KeyError, ValueError, zipfile error ... from deep inside a plugin's
constructor).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError
from globalfit.likelihood import batch_call
from globalfit.physics import zprime_decays


def text_lines(rel: str) -> tuple[Any, list[str]]:
    """(path, lines) of a catalogued text file (checksum verified); a DataError if it is not UTF-8 text."""
    path = catalog.verified_path(rel)
    try:
        return path, path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not a UTF-8 text file ({exc}); the file is corrupt") from None


def numeric_rows(path: Any, numbered: list[tuple[int, str]], width: int, expected: str,
                 finite: bool = False) -> list[list[float]]:
    """The rows of `width` comma-separated numbers on the (line number, text) pairs `numbered` (finite ones if
    `finite`); a DataError "<path>: line <n>: expected <expected>, got …" at the first other line."""
    rows = []
    for n, ln in numbered:
        try:
            row = [float(v) for v in ln.split(",")]
        except ValueError:
            row = []
        if len(row) != width or (finite and not all(math.isfinite(v) for v in row)):
            raise DataError(f"{path}: line {n}: expected {expected}, got {ln[:80]!r}")
        rows.append(row)
    return rows


def data_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text) of the lines that are neither blank nor '#' comments."""
    return [(n, ln) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.startswith("#")]


def value(raw: Any, key: str, where: str) -> Any:
    """raw[k1][k2]… for the dotted key path `key` ("experiment.value", "lines.0.name" for list items);
    DataError naming the file and the key."""
    obj, done = raw, []
    for part in key.split("."):
        at = ".".join(done) or "the top level"
        if isinstance(obj, list) and part.isdigit():
            if int(part) >= len(obj):
                raise DataError(f"{where}: {at} has no item {part}")
            obj = obj[int(part)]
        elif not isinstance(obj, Mapping):
            raise DataError(f"{where}: {at} must be a mapping (reading '{key}'), got {type(obj).__name__}")
        elif part not in obj:
            raise DataError(f"{where}: missing key '{'.'.join([*done, part])}'")
        else:
            obj = obj[part]
        done.append(part)
    return obj


def _as_number(x: Any, where: str, key: str, positive: bool) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise DataError(f"{where}: '{key}' must be a number, got {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise DataError(f"{where}: '{key}' must be finite, got {x}")
    if positive and x <= 0:
        raise DataError(f"{where}: '{key}' must be positive, got {x:g}")
    return x


def number(raw: Any, key: str, where: str, positive: bool = False) -> float:
    """The finite number at the dotted key path `key` (a string, NaN, … is a DataError naming file and key)."""
    return _as_number(value(raw, key, where), where, key, positive)


def numbers(raw: Any, key: str, where: str, length: int | None = None, positive: bool = False) -> list[float]:
    """The list of finite numbers at `key` (of `length` items if given)."""
    items = value(raw, key, where)
    if not isinstance(items, list) or (length is not None and len(items) != length):
        raise DataError(f"{where}: '{key}' must be a list of {length or 'some'} numbers, got {items!r}")
    return [_as_number(x, where, f"{key}[{i}]", positive) for i, x in enumerate(items)]


def text(raw: Any, key: str, where: str) -> str:
    """The non-empty string at `key`."""
    x = value(raw, key, where)
    if not isinstance(x, str) or not x.strip():
        raise DataError(f"{where}: '{key}' must be a non-empty text, got {x!r}")
    return x


def items(raw: Any, key: str, where: str) -> list:
    """The non-empty list at `key`."""
    x = value(raw, key, where)
    if not isinstance(x, list) or not x:
        raise DataError(f"{where}: '{key}' must be a non-empty list, got {x!r}")
    return x


def mapping(raw: Any, key: str, where: str) -> dict:
    """The non-empty mapping at `key`."""
    x = value(raw, key, where)
    if not isinstance(x, Mapping) or not x:
        raise DataError(f"{where}: '{key}' must be a non-empty mapping, got {x!r}")
    return dict(x)


def increasing(a: np.ndarray, name: str, where: str, min_len: int = 2) -> np.ndarray:
    """`a` if it is strictly increasing with at least `min_len` entries (grid abscissae)."""
    if len(a) < min_len or np.any(np.diff(a) <= 0):
        raise DataError(f"{where}: '{name}' must be strictly increasing with at least {min_len} entries "
                        "(unsorted or repeated values)")
    return a


#: array kinds of `load_npz`: an int is the number of dimensions of a finite numeric array (0: a float)
TEXT, BYTES = "text", "bytes"


def load_npz(rel: str, spec: Mapping[str, int | str]) -> tuple[dict[str, Any], str]:
    """Read the arrays `spec` names from a catalogued .npz (checksum verified); also returns its full path.

    spec maps array name → number of dimensions of a finite numeric array (read as float64; 0 gives a
    float), TEXT (a text scalar, returned as str) or BYTES (a 1-D uint8 array). A truncated or corrupt
    archive, a missing array or one of the wrong shape, type or with non-finite values is a DataError.
    """
    path = catalog.verified_path(rel)
    where = str(path)
    try:
        with np.load(path) as d:
            missing = [k for k in spec if k not in d.files]
            arrays = {k: d[k] for k in spec if k not in missing}
    except Exception as exc:  # whatever np.load/zipfile/zlib raise on a damaged archive
        raise DataError(f"{where}: cannot read the .npz archive ({type(exc).__name__}: {exc}); "
                        "the file is truncated or corrupt") from None
    if missing:
        raise DataError(f"{where}: missing array(s) {', '.join(missing)}")
    out: dict[str, Any] = {}
    for k, kind in spec.items():
        a = arrays[k]
        if kind == TEXT:
            if a.ndim != 0 or a.dtype.kind != "U":
                raise DataError(f"{where}: array '{k}' must be a text scalar, got {a.dtype} of shape {a.shape}")
            out[k] = str(a)
        elif kind == BYTES:
            if a.ndim != 1 or a.dtype != np.uint8:
                raise DataError(f"{where}: array '{k}' must be 1-D uint8, got {a.dtype} of shape {a.shape}")
            out[k] = a
        else:
            if a.ndim != kind or a.dtype.kind not in "fiu":
                raise DataError(f"{where}: array '{k}' must be a {kind}-D numeric array, got {a.dtype} of "
                                f"shape {a.shape}")
            a = a.astype(float)
            if not np.all(np.isfinite(a)):
                raise DataError(f"{where}: array '{k}' has non-finite values (NaN or inf)")
            out[k] = float(a) if kind == 0 else a
    return out, where


def scalar_inputs(q, names: tuple[str, ...]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(valid, safe) for the Higgs-sector plugins: the inputs `names` of the batch q as float arrays, valid where all
    are finite, every mass (names starting with m_) is > 0 and tan_beta ≥ 0; `safe` has harmless values (masses 1,
    others 0) at the invalid points, so the formulas run on the whole batch."""
    arrs = {k: np.asarray(q[k], dtype=float) for k in names}
    ok = np.ones(np.broadcast(*arrs.values()).shape, dtype=bool)
    for k, a in arrs.items():
        ok &= np.isfinite(a) & ((a > 0) if k.startswith("m_") else (a >= 0) if k == "tan_beta" else True)
    return ok, {k: np.where(ok, v, 1.0 if k.startswith("m_") else 0.0) for k, v in arrs.items()}


def float_arrays(*xs: Any) -> tuple[np.ndarray, ...]:
    """The arguments as float arrays of one shape (np.broadcast_arrays of np.asarray(x, dtype=float)); float
    arrays of one shape are returned as they are (the usual case on a batch, without the cost of broadcasting)."""
    arrs = [np.asarray(x, dtype=float) for x in xs]
    shape = arrs[0].shape
    if all(a.shape == shape for a in arrs):
        return tuple(arrs)
    return tuple(np.broadcast_arrays(*arrs))


# ------------------------------------------------------------------------------- Z′ quantities shared per batch
#: the induced couplings the Z′ widths read, in the order of zprime_decays.branching_ratios' arguments
ZP_COUPLINGS = ("gv_e", "ga_e", "g_nue", "gv_u", "gv_d")
ZP_WIDTH_INPUTS = ("m_zp", "g_zp", *ZP_COUPLINGS)


def zp_branching_ratios(q: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """zprime_decays.branching_ratios(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d) at the batch q (every point valid;
    as float arrays), computed once per batch for all plugins (globalfit.likelihood.batch_call). Shared: do not
    modify it."""
    return batch_call(q, zprime_decays.branching_ratios, ZP_WIDTH_INPUTS)


def muon_signal_g2(q: Mapping[str, np.ndarray], channel: str) -> np.ndarray:
    """zprime_decays.muon_signal_g2(m_zp, g_zp, channel, **couplings) at the batch q (every point valid), with its
    default reference (the pure L_μ − L_τ branching ratio), from branching ratios computed once per batch
    (zp_branching_ratios; the reference too): the operations of muon_signal_g2 in its order, so the same values."""
    g, gv_e, ga_e = (np.asarray(q[k], dtype=float) for k in ("g_zp", "gv_e", "ga_e"))
    br = zp_branching_ratios(q)[channel]
    ref = batch_call(q, zprime_decays.br_lmu_ltau, ("m_zp",))[channel]
    coupling = (g + gv_e) ** 2 + np.square(ga_e)
    has = ref > 0
    return np.where(has, coupling * br / np.where(has, ref, 1.0), 0.0)

