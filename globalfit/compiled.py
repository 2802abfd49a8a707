"""The fused, compiled log-likelihood of a card (card key `compiled: true`; docs/compiled.md).

A sampler asks for Σ log L of batches of tens to hundreds of points; in numpy each batch costs ≈ 150 array calls
whatever its size (≈ 140 µs on the ordering card), many times the arithmetic. Each quantity provider and likelihood
plugin may name a compiled twin of itself — a numba ``@njit`` function of one point, in the same formulas — and when
every piece a card reads has one, `build` writes them into one loop over the batch (generated source, compiled once
and cached on disk): one call per batch, no temporaries.

Kernels. A provider gives `kernel="module:function"` (a format string filled with its bound model options, e.g.
"models.neutrino_kernels:masses_{ordering}"): called with its `needs` in order, it returns its outputs (a tuple when
there are several), followed by a bool (inside the model's domain) for a domain provider. A plugin's
`Likelihood.kernel()` returns a `Kernel`: a function called with the values of the plugin's `requires` in order and
the kernel's `data` tuple (arrays and numbers, read only), returning log L of the point.

Results equal the numpy evaluation to rounding (transcendental functions come from the C library, numpy's from its
own vectorized ones): a compiled run is reproducible with the same card and seed, and differs from a numpy run of the
same card in the last bits of log L, so its chains are not those of the numpy run. Points outside the model's domain
get −inf; a NaN quantity inside the domain, a NaN or +inf log L sends the batch to the numpy evaluation, which names
the point and the plugin (globalfit.errors.LikelihoodNaNError). The lockstep sampler then compiles its slice
bookkeeping too (globalfit.samplers.slice_kernels; the same chains as its numpy bookkeeping, bit for bit).
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from globalfit.errors import CardError, Problem

#: bump when the generated source changes shape (old cached modules are then never read)
_LAYOUT = 1


@dataclass(frozen=True)
class Kernel:
    """A plugin's compiled log L: `func` = "module:function" of an @njit function f(*reads, data) → float; `reads`
    the quantities it takes in order (None: the plugin's `requires`)."""

    func: str
    data: tuple = ()
    reads: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Piece:
    """One call of the fused loop: `func` ("module:function"), the names it reads, the names it writes (a provider)
    or none (a plugin: its log L is added), whether it also returns the domain flag, and its data (always passed to
    a plugin; to a provider when not None)."""

    func: str
    needs: tuple[str, ...]
    outputs: tuple[str, ...] = ()
    domain: bool = False
    data: tuple | None = None


class FusedLoglike:
    """Σ_plugins log L over a batch in one compiled call: `fused(theta, out)` fills out (n,) from θ (n, d), card units,
    C order, and returns the number of points outside the model's domain (−inf there); or −1 when the batch must be
    evaluated by numpy (a NaN or +inf), −2 when a point lies outside the box `lo` ≤ θ ≤ `hi` (or is NaN)."""

    def __init__(self, func: Callable, lo: np.ndarray, hi: np.ndarray, scale: np.ndarray, fixed: np.ndarray,
                 data: tuple, source: Path | None):
        self.func, self.lo, self.hi, self.scale, self.fixed, self.data = func, lo, hi, scale, fixed, data
        self.source = source

    def __call__(self, theta: np.ndarray, out: np.ndarray) -> int:
        return int(self.func(theta, self.lo, self.hi, self.scale, self.fixed, out, *self.data))


def kernel_values(kernel: Kernel, q: Mapping[str, np.ndarray], reads: Sequence[str] | None = None) -> np.ndarray:
    """A plugin's kernel evaluated point by point over the batch q (name → array), reading `reads` (default the
    kernel's `reads`): what the fused loop adds for that plugin; for tests and debugging (slow: one call per point)."""
    module, name = kernel.func.split(":")
    func = getattr(importlib.import_module(module), name)
    cols = [np.asarray(q[k], dtype=float) for k in (kernel.reads if reads is None else reads)]
    return np.array([func(*(float(c[i]) for c in cols), kernel.data) for i in range(len(cols[0]))])


def _numba_or_error():
    try:
        import numba  # noqa: F401
    except ImportError:
        raise CardError([Problem("compiled", "compiled evaluation needs numba, which is not installed: "
                                             "pip install 'globalfit[fast]' (or remove `compiled: true`)")]) from None


def plan_pieces(steps: Sequence, plugins: Mapping[str, object], parameters: Sequence[str] = ()
                ) -> tuple[list[Piece], list[Problem]]:
    """The fused loop's calls for compiled steps (globalfit.graph.Step) and plugins, and a Problem for every step or
    plugin without a kernel. A plugin is asked for the kernel of the optional inputs the card provides (the steps'
    outputs and the `parameters`, as numpy's batch holds them)."""
    pieces, problems = [], []
    available = set(parameters)
    for step in steps:
        available.update(step.outputs)
        if step.kernel is None:
            problems.append(Problem("compiled", f"the derived quantities {', '.join(step.outputs)} have no compiled "
                                                "kernel in this model with these options"))
            continue
        data = tuple(step.kernel_data()) if step.kernel_data is not None else None
        pieces.append(Piece(step.kernel, tuple(step.needs), tuple(step.outputs), step.domain, data))
    for plugin in plugins.values():
        optional = tuple(k for k in plugin.optional if k in available)
        kernel = plugin.kernel(optional)
        if kernel is None:
            reading = f" reading {', '.join(optional)}" if optional else ""
            problems.append(Problem("compiled", f"{plugin.describe_choice()}{reading} has no compiled kernel"))
            continue
        reads = tuple(plugin.requires) if kernel.reads is None else tuple(kernel.reads)
        pieces.append(Piece(kernel.func, reads, data=tuple(kernel.data)))
    return pieces, problems


def source(names: Sequence[str], fixed: Sequence[str], scaled: Sequence[bool], pieces: Sequence[Piece]) -> str:
    """The Python source of the fused loop (compiled with numba by `build`)."""
    var: dict[str, str] = {}

    def v(name: str) -> str:
        if name not in var:
            var[name] = f"v{len(var)}_" + re.sub(r"\W", "_", name)
        return var[name]

    funcs = {f: f"k{i}" for i, f in enumerate(dict.fromkeys(p.func for p in pieces))}
    data_index = {id(p): i for i, p in enumerate(p for p in pieces if p.data is not None)}
    lines = ["# generated by globalfit.compiled: the fused log-likelihood of one card structure", "import numpy as np",
             "from numba import njit"]
    lines += [f"from {f.split(':')[0]} import {f.split(':')[1]} as {k}" for f, k in funcs.items()]
    data_args = "".join(f", data{i}" for i in range(len(data_index)))
    lines += ["", "", "@njit(cache=True)", f"def fused(theta, lo, hi, scale, fixed, out{data_args}):",
              "    for p in range(theta.shape[0]):", "        for j in range(theta.shape[1]):",
              "            if not (theta[p, j] >= lo[j] and theta[p, j] <= hi[j]):", "                return -2",
              "    n_outside = 0", "    for p in range(theta.shape[0]):"]
    body = []
    for j, (name, s) in enumerate(zip(names, scaled)):
        body.append(f"{v(name)} = theta[p, {j}]" + (f" * scale[{j}]" if s else ""))
    for j, name in enumerate(fixed):
        body.append(f"{v(name)} = fixed[{j}]")
    body.append("valid = True")
    quantities = []
    for p in pieces:
        if not p.outputs:
            continue
        args = ", ".join([v(x) for x in p.needs] + ([f"data{data_index[id(p)]}"] if p.data is not None else []))
        outs = [v(o) for o in p.outputs] + (["ok"] if p.domain else [])
        body.append(f"{', '.join(outs)}{',' if len(outs) == 1 and p.domain else ''} = {funcs[p.func]}({args})")
        if p.domain:
            body.append("valid = valid and ok")
        quantities += [v(o) for o in p.outputs]
    body += ["if not valid:", "    out[p] = -np.inf", "    n_outside += 1", "    continue"]
    if quantities:
        body += [f"if {' or '.join(f'{q} != {q}' for q in quantities)}:", "    return -1"]
    body.append("total = 0.0")
    for p in pieces:
        if not p.outputs:
            args = "".join(f"{v(x)}, " for x in p.needs)
            body.append(f"total += {funcs[p.func]}({args}data{data_index[id(p)]})")
    body += ["if total != total or total == np.inf:", "    return -1", "out[p] = total"]
    lines += [f"        {b}" for b in body]
    lines.append("    return n_outside")
    return "\n".join(lines) + "\n"


def cache_dir() -> Path:
    """Where generated modules and numba's cache live: $GLOBALFIT_KERNEL_CACHE, else $XDG_CACHE_HOME/globalfit/kernels
    (default ~/.cache/globalfit/kernels), else a temporary directory of this process (then nothing is reused)."""
    env = os.environ.get("GLOBALFIT_KERNEL_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "globalfit/kernels"
    try:
        base.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=base, delete=True)
        probe.close()
        return base
    except OSError:
        return Path(tempfile.mkdtemp(prefix="globalfit-kernels-"))


#: the project's packages: a kernel module's imports from these are part of what its compiled code depends on
_PROJECT_IMPORT = re.compile(r"^\s*from\s+((?:globalfit|models|likelihoods)[\w.]*)\s+import\s+([\w ,]*)", re.MULTILINE)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _module_text(module: str) -> bytes:
    spec = importlib.util.find_spec(module)
    return Path(spec.origin).read_bytes() if spec is not None and spec.origin else module.encode()


def _sources(modules: Sequence[str]) -> list[bytes]:
    """The source of each kernel module and of the project modules it imports from, and theirs in turn (the kernels
    they call, the texture zeros of globalfit.physics.neutrino, the constants of globalfit.physics.zprime_decays):
    compiled code links the called kernels in and captures module constants."""
    texts: dict[str, bytes] = {}
    todo = list(modules)
    while todo:
        m = todo.pop()
        if m not in texts:
            texts[m] = _module_text(m)
            for package, names in _PROJECT_IMPORT.findall(texts[m].decode(errors="replace")):
                named = (f"{package}.{n.split()[0]}" for n in names.split(",") if n.strip())
                todo += [package, *(m for m in named if _is_module(m))]  # from globalfit.physics import kaon
    return [texts[m] for m in sorted(texts)]


def _load(text: str, modules: Sequence[str]) -> tuple[Callable, Path]:
    """Write the generated source (named by its hash, the numba version and the kernels' sources with the project
    modules they import, so a change in any is a new module) and import its `fused`. Only `fused` is cached by numba
    (with the kernels it calls linked in): numba's own cache of a function would not notice a change in a function
    it calls from another module, so the kernels are compiled without one."""
    import numba

    digest = hashlib.sha256(text.encode() + numba.__version__.encode())
    for source_text in _sources(sorted(set(modules))):
        digest.update(source_text)
    name = f"globalfit_fused_{_LAYOUT}_{digest.hexdigest()[:20]}"
    path = cache_dir() / f"{name}.py"
    if not path.exists():
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)  # atomic: concurrent runs of one card write the same text
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name].fused, path


def build(space, steps: Sequence, plugins: Mapping[str, object]) -> FusedLoglike:
    """The fused log-likelihood of a card: `space` its globalfit.params.ParameterSpace, `steps` the compiled plan of
    the quantities its plugins read, `plugins` name → instance. Raises CardError (key `compiled`) naming every piece
    without a kernel, or when numba is missing."""
    _numba_or_error()
    pieces, problems = plan_pieces(steps, plugins, list(space.names) + list(space.fixed))
    if problems:
        raise CardError(problems + [Problem("compiled", "remove `compiled: true` to evaluate this card with numpy "
                                                        "(docs/compiled.md lists what has kernels)")])
    names = list(space.names)
    factors = [space.to_internal(k) for k in names]
    fixed = list(space.fixed)
    text = source(names, fixed, [f != 1.0 for f in factors], pieces)
    func, path = _load(text, [p.func.split(":")[0] for p in pieces])
    scale = np.array(factors, dtype=float)
    lo, hi = space.support_box()
    fixed_values = np.array([space.fixed[k] * space.to_internal(k) for k in fixed], dtype=float)
    data = tuple(p.data for p in pieces if p.data is not None)
    return FusedLoglike(func, lo, hi, scale, fixed_values, data, path)
