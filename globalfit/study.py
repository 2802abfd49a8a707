"""Studies: one card describing several runs (variants) and the comparison of their evidences.

A card with a `variants:` section is a study. Each variant is the card with some keys replaced, given
as dotted paths (``model.ordering: IO``, ``params.m_lightest: {prior: uniform, min: 0, max: 0.3}``); its
run goes to ``<output>/<variant>/``. `compare:` lists groups of variants whose evidences are compared
(default: all variants in one group); the comparison is printed and written to
``<output>/comparison.txt`` and ``comparison.json``.

    variants:
      NO: {}
      IO: {model.ordering: IO, params.dm3lsq: {prior: uniform, min: -2.7e-3, max: -2.3e-3}}
    compare:
      - {title: "NO vs IO", runs: [NO, IO]}

Engine agreement: a group whose runs share the physics of one card — they differ only in the sampler block or the
seed, read from the stored cards (globalfit.compare.physics_card) — has no Bayes factor to give; it is an agreement
check, and gets the agreement table instead (each run's engine, ln Z ± reported error, calls, time; each pair's
Δ ln Z in combined errors, pairs beyond 3σ flagged DISAGREE; globalfit.compare.agreement). ``agreement: true``
asks for that table whatever the runs (it then says which card paths differ), ``agreement: false`` for the
Bayes-factor table. Engines are variants like any other (examples/engines.yaml):

    variants:
      dynesty: {}
      ultranest: {sampler.name: ultranest}
      nautilus: {sampler.name: nautilus}
    compare:
      - {title: "one card, three engines", runs: [dynesty, ultranest, nautilus]}
"""
from __future__ import annotations

import copy
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from globalfit import yamlio
from globalfit.card import (
    NAME_RE,
    TOP_LEVEL_KEYS,
    Card,
    apply_overrides,
    build_card,
    did_you_mean,
    format_value,
    read_source,
    set_dotted,
)
from globalfit.errors import CardError, Problem

STUDY_KEYS = ("variants", "compare")
GROUP_KEYS = ("title", "runs", "quantities", "agreement")


@dataclass
class Group:
    """A `compare:` group: its runs (variants; the first is the reference), the quantities whose 95% ranges are
    tabulated, and `agreement` (None: an agreement table when the runs share one physics card)."""

    title: str
    runs: list[str]
    quantities: tuple[str, ...] = ()
    agreement: bool | None = None


@dataclass
class Study:
    name: str
    output: Path
    cards: dict[str, Card]  # variant → card
    groups: list[Group]
    raw: dict

    def run_dirs(self) -> dict[str, Path]:
        return {v: Path(c.output) for v, c in self.cards.items()}


def is_study(raw: Mapping) -> bool:
    return isinstance(raw, Mapping) and "variants" in raw


def load_study(source: str | Path | Mapping, sets: list[str] | None = None, only: list[str] | None = None) -> Study:
    """Validate every variant of a study card (all problems of all variants reported together)."""
    raw, src, default_name = read_source(source)
    base = {k: v for k, v in raw.items() if k not in STUDY_KEYS}
    base, point, problems = apply_overrides(base, list(sets or []))
    for k, v in point.items():
        base["params"][k] = {"prior": "fixed", "value": v}
    name = base.get("name", default_name)
    output = Path(base.get("output", f"chains/{name}"))
    variants = raw.get("variants")
    if not isinstance(variants, Mapping) or not variants:
        problems.append(Problem("variants", f"expected a mapping variant name → overrides, "
                                            f"got {format_value(variants)}"))
        raise CardError(problems, source=src)
    cards: dict[str, Card] = {}
    for vname, overrides in variants.items():
        path = f"variants.{vname}"
        if not isinstance(vname, str) or not NAME_RE.match(vname):
            problems.append(Problem(path, "a variant name must be letters, digits, '_', '-', '.'"))
            continue
        if only and vname not in only:
            continue
        overrides = overrides or {}
        if not isinstance(overrides, Mapping):
            problems.append(Problem(path, f"expected a mapping of dotted card paths → values, "
                                          f"got {format_value(overrides)}"))
            continue
        vraw = copy.deepcopy(base)
        bad = False
        for key, value in overrides.items():
            parts = str(key).split(".")
            if parts[0] not in TOP_LEVEL_KEYS or parts[0] in ("name", "output"):
                allowed = [k for k in TOP_LEVEL_KEYS if k not in ("name", "output")]
                problems.append(Problem(f"{path}.{key}", f"not a card path; it must start with one of "
                                                         f"{', '.join(allowed)}{did_you_mean(parts[0], allowed)}"))
                bad = True
                continue
            try:
                set_dotted(vraw, parts, copy.deepcopy(value))
            except KeyError as exc:
                problems.append(Problem(f"{path}.{key}", f"cannot set below the non-mapping key {exc}"))
                bad = True
        if bad:
            continue
        vraw["name"] = f"{name}-{vname}"
        vraw["output"] = str(output / vname)
        try:
            cards[vname] = build_card(vraw, src, default_name, [])
        except CardError as exc:
            problems += [Problem(f"{path}: {p.path}" if p.path else path, p.message) for p in exc.problems]
    groups = _parse_groups(raw.get("compare"), list(variants), problems)
    if only:
        unknown = [v for v in only if v not in variants]
        if unknown:
            problems.append(Problem("--variant", f"unknown variant(s) {', '.join(unknown)}; available: "
                                                 f"{', '.join(map(str, variants))}"))
        # compare the variants run now with those of the group already on disk (run earlier)
        for g in groups:
            g.runs = [v for v in g.runs if v in only or _has_run(output / str(v))]
        groups = [g for g in groups if len(g.runs) >= 2]
    if problems:
        raise CardError(problems, source=src)
    return Study(name, output, cards, groups, raw)


def _has_run(path: Path) -> bool:
    return (path / "manifest.json").exists() or (path / "failed.json").exists()


def _parse_groups(spec: Any, variants: list[str], problems: list[Problem]) -> list:
    if spec is None:
        return [Group("all variants", list(variants))]
    if not isinstance(spec, list):
        problems.append(Problem("compare", f"expected a list of groups, got {format_value(spec)}"))
        return []
    groups = []
    for i, g in enumerate(spec):
        path = f"compare[{i}]"
        if isinstance(g, list):
            g = {"runs": g}
        if not isinstance(g, Mapping) or not isinstance(g.get("runs"), list) or len(g["runs"]) < 2:
            problems.append(Problem(path, "expected {title: ..., runs: [variant, variant, ...]} with ≥ 2 runs"))
            continue
        extra = [k for k in g if k not in GROUP_KEYS]
        if extra:
            problems.append(Problem(f"{path}.{extra[0]}", f"unknown key; allowed: {', '.join(GROUP_KEYS)}"
                                                          f"{did_you_mean(str(extra[0]), list(GROUP_KEYS))}"))
        agreement = g.get("agreement")
        if agreement is not None and not isinstance(agreement, bool):
            problems.append(Problem(f"{path}.agreement", f"expected true or false, got {format_value(agreement)}"))
        quantities = g.get("quantities") or []
        if not isinstance(quantities, list) or not all(isinstance(q, str) for q in quantities):
            problems.append(Problem(f"{path}.quantities", "expected a list of quantity names"))
            quantities = []
        missing = [v for v in g["runs"] if v not in variants]
        for v in missing:
            problems.append(Problem(f"{path}.runs", f"unknown variant {format_value(v)}; variants: "
                                                    f"{', '.join(variants)}{did_you_mean(v, variants)}"))
        if not missing:
            groups.append(Group(str(g.get("title") or " vs ".join(map(str, g["runs"]))), list(g["runs"]),
                                tuple(quantities), agreement if isinstance(agreement, bool) else None))
    return groups


#: exit codes of a variant's worker process (besides 0 and 128 + signal)
_EXIT_FAILED_RUN, _EXIT_INPUT_ERROR, _EXIT_BUG = 3, 2, 1
#: seconds the workers get to write their checkpoints after a stop signal, before they are killed
STOP_GRACE = 120.0


def _run_one(card: Card, progress, resume: bool, force: bool, log=None) -> str | None:
    """Run one variant; None if its model has no solution (recorded in failed.json, the study goes on)."""
    from globalfit.errors import RunError
    from globalfit.runner import run_card

    try:
        return str(run_card(card, progress=progress, command=["globalfit", *sys.argv[1:]], resume=resume,
                            force=force, log=log).path)
    except RunError as exc:
        if not (Path(card.output) / "failed.json").exists():
            raise
        print(f"globalfit: {exc}", file=sys.stderr)
        return None


def _worker(card: Card, progress: bool | str, resume: bool, force: bool, label: str) -> None:
    """Entry of a variant's process (forked): SIGINT is left to the parent (which forwards SIGTERM, so every
    worker checkpoints exactly once); the exit code says how the run ended."""
    import os
    import signal
    import traceback

    from globalfit import interrupts
    from globalfit.errors import GlobalfitError

    interrupts.reset()
    interrupts.install()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    code = 0
    try:
        if _run_one(card, progress, resume, force) is None:
            code = _EXIT_FAILED_RUN
    except interrupts.Interrupted as exc:
        print(f"globalfit: [{label}] {exc}", file=sys.stderr)
        code = exc.exit_code
    except GlobalfitError as exc:
        print(f"globalfit: [{label}] error: {exc}", file=sys.stderr)
        code = _EXIT_INPUT_ERROR
    except BaseException:  # a bug: show it, the other variants go on
        traceback.print_exc()
        code = _EXIT_BUG
    sys.stderr.flush()
    sys.stdout.flush()
    os._exit(code)


def _preload() -> None:
    """Import, once in the parent, what every forked variant needs and the parent reads afterwards anyway (arviz
    and xarray to write and read runs, the nested-sampling engines): ≈ 1 s CPU that each variant would otherwise
    pay again."""
    from globalfit.chains import arviz
    from globalfit.samplers import engines  # noqa: F401

    arviz()


def _run_parallel(study: Study, names: list[str], jobs: int, progress: bool | None, resume: bool, force: bool,
                  log) -> dict[str, int]:
    """Run the variants `names` in up to `jobs` worker processes; returns variant → exit code. On SIGINT or
    SIGTERM no new variant starts, the running ones get SIGTERM (each writes a checkpoint and exits), and
    Interrupted is raised once they have ended."""
    import multiprocessing
    import os
    import signal
    import time
    from multiprocessing.connection import wait

    from globalfit import interrupts

    ctx = multiprocessing.get_context("fork")
    _preload()
    queue, running, codes, started = list(names), {}, {}, {}
    stop_sig, stop_at = None, None
    with interrupts.deferred():
        while queue or running:
            sig = interrupts.take()
            if sig is not None and stop_sig is None:
                stop_sig, stop_at = sig, time.monotonic()
                print(f"globalfit: {interrupts.signal_name(sig)}: stopping {len(running)} running variant(s) after "
                      f"their checkpoints; {len(queue)} not started", file=log)
                for proc in running.values():
                    os.kill(proc.pid, signal.SIGTERM)
                queue.clear()
            while queue and len(running) < jobs and stop_sig is None:
                name = queue.pop(0)
                label = False if progress is False else name
                proc = ctx.Process(target=_worker, args=(study.cards[name], label, resume, force, name))
                proc.start()
                running[name], started[name] = proc, time.monotonic()
                print(f"globalfit: [{name}] started ({len(codes) + len(running)}/{len(names)})", file=log)
            if not running:
                break
            wait([p.sentinel for p in running.values()], timeout=0.5)
            for name, proc in list(running.items()):
                if proc.exitcode is None:
                    if stop_at is not None and time.monotonic() - stop_at > STOP_GRACE:
                        proc.kill()  # did not stop within the grace period
                    continue
                proc.join()
                codes[name] = proc.exitcode
                del running[name]
                how = {0: "finished", _EXIT_FAILED_RUN: "failed"}.get(proc.exitcode, f"exit code {proc.exitcode}")
                print(f"globalfit: [{name}] {how} after {time.monotonic() - started[name]:.0f} s "
                      f"({len(codes)}/{len(names)} done)", file=log)
    if stop_sig is not None:
        saved = [n for n, c in codes.items() if c == 128 + signal.SIGTERM]
        raise interrupts.Interrupted(f"stopped by {interrupts.signal_name(stop_sig)}; "
                                     f"{len(saved)} variant(s) checkpointed ({', '.join(saved) or 'none'}); continue "
                                     "with `globalfit run ... --resume`", stop_sig)
    return codes


def run_study(study: Study, jobs: int = 1, progress: bool | None = None, log=None, resume: bool = False,
              force: bool = False) -> Path:
    """Run every variant (in parallel processes with jobs > 1), then compare and write the comparison.

    A variant whose directory holds a finished run is skipped with --resume; any finished run or checkpoint
    is refused without --resume or --force (globalfit.rundir), before anything starts."""
    from globalfit import rundir
    from globalfit.errors import RunError

    log = log or sys.stderr
    names = list(study.cards)
    if not force:
        held = {n: rundir.state(Path(study.cards[n].output)) for n in names}
        if resume:
            done = [n for n in names if held[n] == "finished"]
            if done:
                print(f"globalfit: finished already: {', '.join(done)}", file=log)
            names = [n for n in names if n not in done]
        else:
            busy = [f"{n} ({held[n]})" for n in names if held[n] in ("finished", "checkpoint")]
            if busy:
                raise RunError(f"{study.output}: the study's directories hold runs: {', '.join(busy)}; continue with "
                               "--resume, overwrite with --force, or write elsewhere with --out")
    with rundir.lock(study.output):
        (study.output / "study.yaml").write_text(yamlio.dumps(study.raw), encoding="utf-8")
        print(f"globalfit: study '{study.name}': {len(names)} run(s) ({', '.join(names) or 'none'}), {jobs} at a time",
              file=log)
        if jobs > 1 and len(names) > 1:
            codes = _run_parallel(study, names, jobs, progress, resume, force, log)
            bad = {n: c for n, c in codes.items() if c not in (0, _EXIT_FAILED_RUN)}
            if bad:
                raise RunError(f"{study.output}: variant(s) ended with errors: "
                               + ", ".join(f"{n} (exit code {c})" for n, c in bad.items()) + "; see the messages above")
        else:
            for name in names:
                _run_one(study.cards[name], progress, resume, force, log)
        text = write_comparison(study)
    print(text, file=sys.stdout)
    return study.output


def write_comparison(study: Study) -> str:
    """Compare every group (Bayes factors, or the agreement table of runs of one physics card); print nothing,
    write comparison.txt and comparison.json, return the text."""
    blocks, data = [], []
    for group in study.groups:
        runs = [_load_variant(study, n) for n in group.runs]
        block = _compare_group(group, runs)
        if block is not None:
            blocks.append(block[0])
            data.append(block[1])
    text = "\n\n".join(blocks) if blocks else "(no nested-sampling runs to compare)"
    (study.output / "comparison.txt").write_text(text + "\n", encoding="utf-8")
    (study.output / "comparison.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return text


def _load_variant(study: Study, name: str):
    """The stored run of a variant, or a FailedRun if its model had no solution."""
    from globalfit.chains import load_run
    from globalfit.compare import FailedRun
    from globalfit.runner import FAILED_FILE

    out = study.output / name
    if (out / FAILED_FILE).exists():
        reason = json.loads((out / FAILED_FILE).read_text(encoding="utf-8")).get("reason", "failed")
        return FailedRun(f"{study.name}-{name}", str(out), reason)
    return load_run(out)


def _compare_group(group: Group, runs: list) -> tuple[str, dict] | None:
    """(text, JSON entry) of one group; None if a run has no evidence (MCMC)."""
    from globalfit.compare import FailedRun, agreement, compare, format_agreement, format_comparison

    if any(not isinstance(r, FailedRun) and r.kind != "nested" for r in runs):
        return None
    check = agreement(runs)
    if group.agreement or (group.agreement is None and check["same_physics"]):
        title = f"# {group.title} — agreement of {', '.join(check['engines']) or 'the runs'}"
        return format_agreement(check, title=title), {"title": group.title, "kind": "agreement", **check}
    rows = compare(runs, group.quantities)
    return format_comparison(rows, title=f"# {group.title}"), {"title": group.title, "kind": "evidence", "rows": rows}
