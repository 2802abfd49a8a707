"""The `globalfit` command: run | eval | summary | corner | compare | report | tension | profile | plane | atlas | list.

Errors in the user's input (card, data, run directory) print one clear message and exit with code 2. SIGINT
and SIGTERM stop any command cleanly with exit code 130 or 143 (a running sampler first writes a checkpoint;
globalfit.interrupts). Heavy modules (numpy's users, the samplers, arviz) are imported by the commands that
need them, so `--help`, `--version` and `list` start quickly.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import warnings
from importlib import resources
from pathlib import Path

from globalfit import interrupts
from globalfit.errors import CardError, GlobalfitError, Problem, format_warning
from globalfit.interrupts import Interrupted

DEFAULT_CARD = "default.yaml"


def default_card_path() -> Path:
    return Path(str(resources.files("globalfit.cards") / DEFAULT_CARD))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="globalfit", description="Bayesian global fits of the gauged U(1)_{Lμ−Lτ} model.")
    p.add_argument("--version", action="version", version=f"globalfit {_version()}")
    sub = p.add_subparsers(dest="command", metavar="{run,eval,summary,corner,compare,report,tension,profile,plane,"
                                                   "texture-plot,atlas,list,data}")

    r = sub.add_parser("run", help="sample a run card and store the run (without CARD: the default fit)")
    r.add_argument("card", nargs="?", help="run card (YAML); default: the packaged default fit")
    r.add_argument("--out", help="run directory (default: the card's output, chains/<card name>)")
    r.add_argument("--sampler", choices=["emcee", "dynesty", "ultranest", "nautilus", "lockstep", "auto"],
                   help="override the card's sampler")
    r.add_argument("--dry-run", action="store_true", help="print the resolved card and the parameter → quantity → "
                                                          "likelihood map, evaluate once at the prior median, exit")
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override: a parameter (fixes it), a model option or a dotted card path; repeatable")
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument("--variant", action="append", metavar="NAME", help="study cards: run only these variants")
    r.add_argument("--jobs", type=int, default=1, metavar="N", help="study cards: run N variants in parallel")
    r.add_argument("--resume", action="store_true",
                   help="continue from <out>/checkpoint (refused if the card differs); a finished run is left as it is")
    r.add_argument("--force", action="store_true", help="overwrite a finished run or discard a checkpoint in the "
                                                         "output directory")
    r.add_argument("--epoch", metavar="NAME",
                   help="switch the likelihoods to the datasets (and options) of a data epoch: one per published "
                        "analysis, or latest (see data/epochs.yaml)")

    e = sub.add_parser("eval", help="evaluate every quantity and likelihood at one point")
    e.add_argument("card")
    e.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value, a model option or a dotted card path; unset parameters take their "
                        "prior median")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.add_argument("--variant", metavar="NAME", help="study cards: the variant to evaluate")

    fc = sub.add_parser("forecast", help="a card's forecasts at one point: expected signal and background events, "
                                         "the expected exclusion Δχ² and the discovery significance")
    fc.add_argument("card")
    fc.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a parameter value, a model option or a dotted card path (unset: prior median)")
    fc.add_argument("--cl", default=None, help="confidence level in %% of the expected exclusion (default: each "
                                               "forecast's own, 90)")
    fc.add_argument("--json", action="store_true", help="print one JSON object")
    fc.add_argument("--variant", metavar="NAME", help="study cards: the variant to evaluate")

    s = sub.add_parser("summary", help="posterior summary of a stored run")
    s.add_argument("run")
    s.add_argument("--params", nargs="+", help="variables to summarise (default: sampled and derived)")

    c = sub.add_parser("corner", help="corner plot of one or several stored runs (overlaid)")
    c.add_argument("runs", nargs="+")
    c.add_argument("--params", nargs="+", help="variables to plot (default: the sampled parameters)")
    c.add_argument("-o", "--output", help="output file, .png or .pdf (default: <first run>/corner.png)")

    pl = sub.add_parser("plane", help="a 2-D plane of a card (default the model's, (m_Z′, g_Z′)): the region each "
                                      "likelihood excludes, the g−2 bands, the allowed region; figure + CSV + JSON")
    pl.add_argument("card")
    pl.add_argument("--x", metavar="NAME[=LO:HI[:log|:lin]]",
                    help="x axis: a parameter or derived quantity of the card (default: the model's plane, m_zp); "
                         "LO:HI in its card unit or with a unit (5MeV:200MeV); default range: the prior range "
                         "(parameters) or the values on the grid (derived quantities)")
    pl.add_argument("--y", metavar="NAME[=LO:HI[:log|:lin]]", help="y axis, as --x (default: the model's plane, g_zp)")
    pl.add_argument("--grid", metavar="A[=LO:HI],B[=LO:HI]",
                    help="the two parameters gridded when an axis is a derived quantity (default: the parameter "
                         "axes, then the sampled parameters the derived axes depend on, in card order)")
    pl.add_argument("--mzp", metavar="LO:HI", help="range of the model's mass axis (m_zp), wherever it is gridded; "
                                                   "same as --x m_zp=LO:HI for the default plane")
    pl.add_argument("--g", metavar="LO:HI", help="range of the model's coupling axis (g_zp), as --mzp")
    pl.add_argument("--cl", default="95", metavar="CL", help="confidence level in %% (default 95)")
    pl.add_argument("--reference", choices=["null", "min"], default="null",
                    help="null (default): each likelihood's Δχ² against the model's no-new-physics point at the same "
                         "m_Z′, excluded above its own threshold at CL (limit curves on their published line); min: "
                         "Δχ² against the minimum over the plane, two parameters (χ²₂(CL), 5.99 at 95%%), with the "
                         "fit's allowed region")
    pl.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="other parameters (default: prior median), model options or card paths")
    pl.add_argument("--points", type=int, default=160, help="grid points per gridded parameter (default 160)")
    pl.add_argument("--variant", metavar="NAME", help="study cards: the variant to draw")
    pl.add_argument("-o", "--output", help="output .png or .pdf (default: plane-<card name>.png); the boundaries go "
                                           "to the .csv and .json of the same name")

    tp = sub.add_parser("texture-plot", help="δ_CP–sin²θ23 relations of the two-zero textures over the NuFIT map")
    tp.add_argument("--textures", default="B3,B4,C", help="comma-separated textures (default B3,B4,C)")
    tp.add_argument("--ordering", choices=["NO", "IO"], default="NO")
    tp.add_argument("--nufit", default="nufit-5.3", help="NuFIT dataset (default nufit-5.3)")
    tp.add_argument("-o", "--output", help="output .png or .pdf (default texture-<ordering>-<nufit>.png)")

    pr = sub.add_parser("profile", help="1-D profile likelihood of one parameter (frequentist intervals)")
    pr.add_argument("card")
    pr.add_argument("--param", required=True, help="the parameter to profile")
    pr.add_argument("--range", metavar="LO:HI", help="grid range (default: the prior range)")
    pr.add_argument("--points", type=int, default=25, help="grid points (default 25)")
    pr.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="model options, card paths, or parameters to fix")
    pr.add_argument("--variant", metavar="NAME", help="study cards: the variant")
    pr.add_argument("--run", help="a stored run of the same card: its credible intervals are shown beside")
    pr.add_argument("-o", "--output", help="plot (.png/.pdf) of Δχ²")
    pr.add_argument("--json", action="store_true", help="print the profile as JSON")

    tn = sub.add_parser("tension", help="leave-one-experiment-out: shifts and tension statistic per likelihood")
    tn.add_argument("run")
    tn.add_argument("--no-optimise", action="store_true", help="only the shifts (no χ² minimisations)")
    tn.add_argument("--rerun", action="store_true", help="exact shifts: sample the card again without each likelihood")
    tn.add_argument("--json", action="store_true")

    rp = sub.add_parser("report", help="self-contained HTML report of one or several stored runs")
    rp.add_argument("runs", nargs="+", help="run directories (or a study directory)")
    rp.add_argument("-o", "--output", help="output .html (default: <first run>/report.html)")
    rp.add_argument("--tension", action="store_true", help="add the leave-one-out tension table of each run "
                                                           "(χ² minimisations; a few seconds to minutes)")

    k = sub.add_parser("compare", help="evidences and Bayes factors of nested-sampling runs (or of a study directory); "
                                      "runs of one physics card (engines, seeds) get an agreement table")
    k.add_argument("runs", nargs="+", help="run directories (the first is the reference) or a study's output")
    k.add_argument("--json", action="store_true", help="print the table as JSON")

    at = sub.add_parser("atlas", help="the inequivalent anomaly-free integer U(1)_X charge assignments (counts; "
                                      "PREFIX.csv and PREFIX.yaml)")
    at.add_argument("--bound", type=int, default=10, help="largest |X_F| (default 10)")
    at.add_argument("--quarks", choices=["universal", "2+1"], default="universal",
                    help="universal (default): one quark charge for all families; 2+1: X_q12 for families 1, 2 "
                         "and X_q3 ≠ X_q12 for family 3")
    at.add_argument("-o", "--output", default="atlas", metavar="PREFIX",
                    help="write PREFIX.csv and PREFIX.yaml (default: atlas)")

    sub.add_parser("list", help="available likelihood plugins, their datasets, options and inputs")
    sub.add_parser("data", help="check the data catalogues (data/<experiment>/catalog.yaml), or --add / --rehash "
                               "entries (developers)", add_help=False)
    return p


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("globalfit")
    except metadata.PackageNotFoundError:
        return "0.0.0+unknown"


def main(argv: list[str] | None = None) -> int:
    """The command line. Returns the exit code: 0, 2 (bad input: card, data, run directory), 128 + signal."""
    interrupts.install()
    warnings.formatwarning = format_warning
    try:
        try:
            return _main(sys.argv[1:] if argv is None else list(argv))
        except Interrupted as exc:
            interrupts.quiet()
            print(f"globalfit: {exc}", file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt:  # only if something replaced the handlers
            interrupts.quiet()
            print("globalfit: interrupted", file=sys.stderr)
            return 130
    finally:
        interrupts.quiet()  # a signal from now on only ends the process with the code returned


def _main(argv: list[str]) -> int:
    if argv[:1] == ["data"]:
        from globalfit import catalog

        try:
            return catalog.main(argv[1:])
        except GlobalfitError as exc:
            print(f"globalfit: error: {exc}", file=sys.stderr)
            return 2
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    try:
        return {"run": cmd_run, "eval": cmd_eval, "summary": cmd_summary, "corner": cmd_corner,
                "compare": cmd_compare, "plane": cmd_plane, "texture-plot": cmd_texture_plot, "profile": cmd_profile,
                "tension": cmd_tension, "report": cmd_report, "atlas": cmd_atlas, "forecast": cmd_forecast,
                "list": cmd_list}[args.command](args)
    except Interrupted:
        raise
    except GlobalfitError as exc:
        print(f"globalfit: error: {exc}", file=sys.stderr)
        return 2


# ------------------------------------------------------------------------------------------------- run
def cmd_run(args) -> int:
    from globalfit.card import load_card
    from globalfit.runner import run_card

    card_path = args.card
    if card_path is None:
        card_path = default_card_path()
        print(f"globalfit: no card given; running the default fit {card_path}:\n", file=sys.stderr)
        print(Path(card_path).read_text(encoding="utf-8"), file=sys.stderr)
    sets = list(args.set)
    if args.sampler:
        sets.append(f"sampler.name={args.sampler}")
    from globalfit.card import read_card_file
    from globalfit.study import is_study, load_study, run_study

    if args.epoch:
        from globalfit.epochs import epoch_sets

        sets = epoch_sets(read_card_file(card_path), args.epoch) + sets  # explicit --set wins

    if is_study(read_card_file(card_path)):
        if args.out:
            sets.append(f"output={args.out}")
        study = load_study(card_path, sets, only=args.variant)
        if args.dry_run:
            for vname, card in study.cards.items():
                print(f"######## variant {vname}")
                dry_run(card)
            return 0
        run_study(study, jobs=max(1, args.jobs), progress=False if args.no_progress else None, resume=args.resume,
                  force=args.force)
        return 0
    if args.variant:
        raise CardError([Problem("--variant", "the card has no variants")], source=str(card_path))
    card = load_card(card_path, sets)
    if args.dry_run:
        return dry_run(card)
    run_card(card, out=args.out, progress=False if args.no_progress else None, command=["globalfit", *sys.argv[1:]],
             resume=args.resume, force=args.force)
    return 0


def _ancestors(plan, name: str) -> list[str]:
    by_output = {o: step for step in plan.steps for o in step.outputs}
    seen: list[str] = []

    def walk(n):
        if n in by_output:
            for need in by_output[n].needs:
                walk(need)
        elif n not in seen:
            seen.append(n)

    walk(name)
    return seen


def dry_run(card) -> int:
    from globalfit.posterior import Posterior

    print("# resolved card")
    print(card.to_yaml())
    post = Posterior(card)
    print("# parameter → quantity → likelihood")
    for name, plugin in post.plugins.items():
        reads = [r for r in (*plugin.requires, *plugin.optional) if r in post.plan.sources]
        direct = [r for r in reads if post.plan.sources[r] == "parameter"]
        if direct:
            print(f"  {', '.join(direct)} → {name}")
        for req in reads:
            if req not in direct:
                print(f"  {', '.join(_ancestors(post.plan, req))} → {req} → {name}")
    for step in post.plan.steps:
        print(f"  [quantity] {step.describe()}")
    theta = post.space.median()
    _print_point(post, theta, "prior median")
    return 0


def _evaluation_dict(post, theta) -> dict:
    import numpy as np

    ev = post.evaluate(theta)
    def f(x):
        v = float(np.asarray(x)[0])
        return v if math.isfinite(v) else (None if math.isnan(v) else ("inf" if v > 0 else "-inf"))
    return {
        "params": {k: f(v) for k, v in ev.params.items()},
        "quantities": {k: f(v) for k, v in ev.quantities.items()},
        "loglike": {k: f(v) for k, v in ev.loglike.items()},
        "chi2": {k: f(-2.0 * v + 0.0) for k, v in ev.loglike.items()},
        "logprior": f(ev.logprior),
        "logpost": f(ev.logpost),
        "in_domain": bool(ev.in_domain[0]),
    }


def _print_point(post, theta, what: str) -> None:
    from globalfit.chains import variable_attrs

    d = _evaluation_dict(post, theta)
    print(f"# evaluation at the {what}")
    for k, v in {**d["params"], **d["quantities"]}.items():
        print(f"  {k:<18} = {_num(v)} {variable_attrs(k, post.card)['units']}")
    if not d["in_domain"]:
        print("  (outside the model's domain: log posterior = -inf)")
    print(f"  {'likelihood':<18}{'log L':>14}{'chi2':>14}")
    for k in d["loglike"]:
        print(f"  {k:<18}{_num(d['loglike'][k]):>14}{_num(d['chi2'][k]):>14}")
    print(f"  {'log prior':<18}{_num(d['logprior']):>14}")
    print(f"  {'log posterior':<18}{_num(d['logpost']):>14}")


def _num(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)


# ------------------------------------------------------------------------------------------------ eval
def _card_and_point(card_path: str, sets: list[str], variant: str | None):
    """The card (a study's variant if asked) and the parameter values given with --set."""
    from globalfit.card import load_card_and_point, read_card_file
    from globalfit.params import Fixed
    from globalfit.study import is_study, load_study

    if is_study(read_card_file(card_path)):
        if not variant:
            raise CardError([Problem("--variant", "this card is a study: choose the variant")], source=card_path)
        point_sets = [x for x in sets if "=" in x and "." not in x.split("=", 1)[0]]
        study = load_study(card_path, [x for x in sets if x not in point_sets], only=[variant])
        card, point = load_card_and_point(study.cards[variant].to_dict(), point_sets)
    else:
        if variant:
            raise CardError([Problem("--variant", "the card has no variants")], source=card_path)
        card, point = load_card_and_point(card_path, sets)
    # a parameter that the card fixes takes the value given on the command line
    fixed_over = {k: Fixed(v) for k, v in point.items() if isinstance(card.params[k], Fixed)}
    if fixed_over:
        card = dataclasses.replace(card, params={**card.params, **fixed_over})
    return card, point


def cmd_eval(args) -> int:
    import numpy as np

    from globalfit.posterior import Posterior

    card, point = _card_and_point(args.card, args.set, args.variant)
    post = Posterior(card)
    theta = np.array([[point.get(k, post.space.priors[k].median) for k in post.names]])
    if args.json:
        print(json.dumps(_evaluation_dict(post, theta), indent=2))
    else:
        _print_point(post, theta, "requested point (unset parameters at their prior median)")
    return 0


def cmd_forecast(args) -> int:
    import numpy as np

    from globalfit.forecast import discovery_significance
    from globalfit.plane import parse_cl
    from globalfit.posterior import Posterior

    card, point = _card_and_point(args.card, args.set, args.variant)
    post = Posterior(card)
    names = [n for n, p in post.plugins.items() if getattr(p, "forecast", False)]
    if not names:
        raise CardError([Problem("likelihoods", "the card has no forecast likelihood (e.g. muone, belle2_forecast, "
                                                "trident_forecast; `globalfit list`)")], source=args.card)
    theta = np.array([[point.get(k, post.space.priors[k].median) for k in post.names]])
    cols = post.space.columns(theta)
    params = post.space.values_columns(cols)
    with np.errstate(all="ignore"):
        q, valid = post.model.evaluate(post.plan, post.space.internal(params))
    rows = []
    for name in names:
        plugin = post.plugins[name]
        cl = parse_cl(args.cl) if args.cl is not None else plugin.default_cl
        n_s, n_b = (float(np.asarray(x, dtype=float).ravel()[0]) for x in plugin.expected(q))
        dchi2 = float(-2.0 * np.asarray(plugin.loglike(q), dtype=float).ravel()[0]) if valid[0] else float("inf")
        threshold = plugin.exclusion_dchi2(cl)
        z = float(discovery_significance(n_s, n_b)) if n_s >= 0 else float("nan")
        rows.append({"likelihood": name, "dataset": card.likelihoods[name].dataset, "n_signal": n_s,
                     "n_background": n_b, "dchi2": dchi2, "cl": cl, "threshold": threshold,
                     "expected_excluded": bool(dchi2 > threshold), "discovery_z": z})
    point_out = {k: float(v[0]) for k, v in params.items()}
    if args.json:  # non-finite numbers (Z of a signal over no background) as null
        clean = [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()} for r in rows]
        print(json.dumps({"point": point_out, "forecasts": clean}, indent=2, allow_nan=False))
        return 0
    print("point: " + ", ".join(f"{k} = {v:.6g}" for k, v in point_out.items()))
    print(f"{'forecast':<18} {'dataset':<16} {'N_signal':>11} {'N_bkg':>10} {'Δχ²(excl)':>10} {'threshold':>14} "
          f"{'expected':>12} {'Z_disc':>7}")
    for r in rows:
        verdict = "excluded" if r["expected_excluded"] else "allowed"
        print(f"{r['likelihood']:<18} {str(r['dataset']):<16} {r['n_signal']:>11.4g} {r['n_background']:>10.4g} "
              f"{r['dchi2']:>10.3f} {r['threshold']:>7.2f} ({100 * r['cl']:.0f}%) {verdict:>12} "
              f"{r['discovery_z']:>7.2f}")
    print("Δχ²(excl): −2 ln L of the Asimov background-only data set (docs/physics/forecasts.md); Z_disc: the "
          "median discovery significance of the signal over the background")
    return 0


def cmd_plane(args) -> int:
    from globalfit.plane import AxisSpec, compute_plane, parse_axis, parse_cl, parse_range_text, save_plane

    card, point = _card_and_point(args.card, args.set, args.variant)
    if args.points < 10:
        raise CardError([Problem("--points", "at least 10 points per axis")], source="plane")
    out = args.output or f"plane-{card.name}.png"
    if Path(out).suffix.lower() not in (".png", ".pdf"):
        raise CardError([Problem("-o", f"unsupported file type '{Path(out).suffix}'; use .png or .pdf")],
                        source="plane")
    cl = parse_cl(args.cl)
    x = parse_axis(args.x, "--x") if args.x else None
    y = parse_axis(args.y, "--y") if args.y else None
    grid = None
    if args.grid:
        items = [g for g in args.grid.split(",") if g.strip()]
        if len(items) != 2:
            raise CardError([Problem("--grid", f"expected two parameters A,B, got {args.grid!r}")], source="plane")
        grid = tuple(parse_axis(g.strip(), "--grid") for g in items)
    # --mzp/--g: the ranges of the model's plane parameters, wherever they are on the plane
    ranges = {}
    plane_axes = card.model.plugin.plane
    for opt, text, k in (("--mzp", args.mzp, 0), ("--g", args.g, 1)):
        if text is None:
            continue
        if plane_axes is None:
            raise CardError([Problem(opt, f"model '{card.model.name}' has no default plane; use --x/--y")],
                            source="plane")
        ranges[plane_axes[k]] = AxisSpec(plane_axes[k], *parse_range_text(text, opt), what=opt)
    plane = compute_plane(card, None, None, args.points, point, x=x, y=y, grid=grid, ranges=ranges)
    for path in save_plane(plane, out, cl, args.reference):
        print(f"globalfit: wrote {path}")
    return 0


# -------------------------------------------------------------------------------------- summary, corner
def cmd_summary(args) -> int:
    from globalfit.chains import load_run

    print(load_run(args.run).summary(args.params, text=True))
    return 0


def cmd_corner(args) -> int:
    from globalfit.chains import load_run
    from globalfit.plots import corner_plot

    runs = [load_run(r) for r in args.runs]
    out = args.output or str(Path(args.runs[0]) / "corner.png")
    if Path(out).suffix.lower() not in (".png", ".pdf"):
        raise CardError([Problem("-o", f"unsupported file type '{Path(out).suffix}'; use .png or .pdf")],
                        source="corner")
    path = corner_plot(runs, args.params, out)
    print(f"globalfit: wrote {path}")
    return 0


def cmd_profile(args) -> int:
    from globalfit.plane import parse_range
    from globalfit.profile import compute_profile, default_grid, fixed_copy, format_profile, plot_profile

    card, point = _card_and_point(args.card, args.set, args.variant)
    fixed = {k: v for k, v in point.items() if k != args.param}
    if fixed:
        card = fixed_copy(card, **fixed)
    if args.points < 3:
        raise CardError([Problem("--points", "at least 3 grid points")], source="profile")
    lo, hi = parse_range(args.range, "--range") if args.range else (None, None)
    if args.param not in card.params:
        raise CardError([Problem("--param", f"'{args.param}' is not a parameter of the card; parameters: "
                                            f"{', '.join(card.params)}")], source="profile")
    a, b = card.params[args.param].bounds
    if lo is not None and (lo < a or hi > b):
        raise CardError([Problem("--range", f"{lo:g}:{hi:g} leaves the prior range [{a:g}, {b:g}] of {args.param}; "
                                            "the profile is computed inside the prior box (widen the prior in the "
                                            "card, or choose a range inside it)")], source="profile")

    def report(k: int, n: int, value: float, chi2: float) -> None:
        shown = f"χ² = {chi2:.4f}" if math.isfinite(chi2) else "no point with a finite likelihood"
        print(f"globalfit: profile {args.param} {k}/{n}: {args.param} = {value:.5g}, {shown}", file=sys.stderr)

    prof = compute_profile(card, args.param, default_grid(card, args.param, args.points, lo, hi), seed=card.seed,
                           progress=report)
    bayes = None
    if args.run:
        from globalfit.chains import load_run
        from globalfit.summary import weighted_quantiles

        run = load_run(args.run)
        x, w = run.samples([args.param])
        q = weighted_quantiles(x[:, 0], w, [0.025, 0.16, 0.84, 0.975])
        bayes = {"run": str(args.run), "68": (q[1], q[2]), "95": (q[0], q[3])}
    if args.output:  # before the table: on stdout only the table (or the JSON)
        print(f"globalfit: wrote {plot_profile(prof, args.output, bayes)}", file=sys.stderr)
    if args.json:
        finite = lambda x: float(x) if math.isfinite(x) else None  # noqa: E731  (no solution: null)
        print(json.dumps({"param": prof.param, "values": prof.values.tolist(),
                          "dchi2": [finite(d) for d in prof.dchi2], "chi2_min": finite(prof.chi2_min),
                          "interval68": prof.interval(1.0), "interval95": prof.interval(3.84), "bayes": bayes},
                         indent=2))
    else:
        print(format_profile(prof, bayes))
    return 0


def cmd_tension(args) -> int:
    from globalfit.chains import load_run
    from globalfit.tension import format_tension, leave_one_out

    rows = leave_one_out(load_run(args.run), optimise=not args.no_optimise, rerun=args.rerun, log=sys.stderr)
    print(json.dumps(rows, indent=2) if args.json else format_tension(rows))
    return 0


def cmd_report(args) -> int:
    from globalfit import report

    tension = None
    if args.tension:
        from globalfit.analysis import expand_run_paths
        from globalfit.chains import load_run
        from globalfit.tension import leave_one_out

        paths, _ = expand_run_paths(args.runs)
        tension = {}
        for p in paths:
            run = load_run(p)
            if len(run.card.get("likelihoods", {})) > 1:
                tension[run.name] = leave_one_out(run, log=sys.stderr)
    out = args.output or str(Path(args.runs[0]) / "report.html")
    print(f"globalfit: wrote {report.write_report(args.runs, out, tension=tension)}")
    return 0


def cmd_texture_plot(args) -> int:
    from globalfit import catalog
    from globalfit.physics.neutrino import TEXTURES
    from globalfit.plots import texture_plot

    textures = [t.strip() for t in args.textures.split(",") if t.strip()]
    bad = [t for t in textures if t not in TEXTURES]
    if bad:
        raise CardError([Problem("--textures", f"unknown texture(s) {', '.join(bad)}; allowed: {', '.join(TEXTURES)}")],
                        source="texture-plot")
    full = [d for d in catalog.datasets("nufit") if not d.endswith("-1d")]  # the plot needs the 2-D (θ23, δ) map
    if args.nufit not in full:
        why = "a 1-D projection dataset has no (sin²θ23, δ) map; " if args.nufit.endswith("-1d") else ""
        raise CardError([Problem("--nufit", f"{why}unknown or unusable dataset {args.nufit!r}; available: "
                                            f"{', '.join(full)}")], source="texture-plot")
    out = args.output or f"texture-{args.ordering}-{args.nufit}.png"
    print(f"globalfit: wrote {texture_plot(textures, args.ordering, args.nufit, out)}")
    return 0


def cmd_compare(args) -> int:
    from globalfit.chains import load_run
    from globalfit.compare import compare, format_comparison

    only = Path(args.runs[0])
    if len(args.runs) == 1 and (only / "study.yaml").exists() and not (only / "manifest.json").exists():
        from globalfit.study import load_study, write_comparison

        study = load_study(only / "study.yaml", [f"output={only}"])
        if args.json:
            write_comparison(study)
            print((only / "comparison.json").read_text(encoding="utf-8"))
        else:
            print(write_comparison(study))
        return 0
    paths: list[Path] = []
    for p in map(Path, args.runs):
        if (p / "study.yaml").exists() and not (p / "manifest.json").exists():
            subs = sorted(d for d in p.iterdir() if (d / "manifest.json").exists())
            from globalfit.study import load_study

            try:
                order = list(load_study(p / "study.yaml").cards)
                subs.sort(key=lambda d: order.index(d.name) if d.name in order else len(order))
            except GlobalfitError:
                pass
            paths += subs
        else:
            paths.append(p)
    runs = [load_run(p) for p in paths]
    if len(runs) > 1 and all(r.kind == "nested" for r in runs):
        from globalfit.compare import agreement, format_agreement

        check = agreement(runs)
        if check["same_physics"]:  # one physics card (engines, settings or seeds): agreement, not Bayes factors
            print(json.dumps(check, indent=2, default=str) if args.json else format_agreement(check))
            return 0
    rows = compare(runs)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(format_comparison(rows))
    return 0


# ------------------------------------------------------------------------------------------------ atlas
def cmd_atlas(args) -> int:
    import time

    from models.u1x.atlas import MAX_BOUND, atlas

    if not 1 <= args.bound <= MAX_BOUND:
        raise GlobalfitError(f"atlas --bound: expected an integer from 1 to {MAX_BOUND}, got {args.bound}")
    out = Path(args.output)
    if not out.parent.is_dir():
        raise GlobalfitError(f"atlas -o: the directory {str(out.parent)!r} of {str(out)!r} does not exist")
    t0 = time.perf_counter()
    result = atlas(args.bound, args.quarks)
    seconds = time.perf_counter() - t0
    counts = result.counts()
    print(f"U(1)_X atlas: quarks {args.quarks}, integer charges |X_F| <= {args.bound}, inequivalent up to lepton-"
          f"family and N permutations, sign and rescaling ({seconds:.2f} s)")
    labels = {"total": "inequivalent assignments", "vector": "vector (X_Li = X_Ei)", "chiral": "chiral",
              "muoquark": "muoquark (a valid muon family)", "muoquark_vector": "  of which vector",
              "muoquark_chiral": "  of which chiral", "muoquark_models": "muoquark models (class x muon family)"}
    for key, label in labels.items():
        print(f"  {label:<40}{counts[key]:>8}")
    paths = [out.with_name(out.name + ".csv"), out.with_name(out.name + ".yaml")]
    try:
        result.write_csv(paths[0])
        result.write_yaml(paths[1])
    except OSError as exc:
        raise GlobalfitError(f"atlas: cannot write {exc.filename}: {exc.strerror}") from None
    print(f"wrote {paths[0]} and {paths[1]}")
    return 0


# ------------------------------------------------------------------------------------------------ list
def cmd_list(args) -> int:
    from globalfit import likelihood as registry
    from globalfit import model as models

    print("Physics models (entry-point group globalfit.models); a card chooses one with model: {name: ...}\n")
    for name, cls in models.models().items():
        default = "  (default)" if name == models.DEFAULT_MODEL else ""
        print(f"{name}{default}  [{cls.__module__}.{cls.__qualname__}]")
        doc = (cls.__doc__ or "").strip().splitlines()
        if doc:
            print(f"    {doc[0]}")
        for f in cls.option_fields().values():
            print(f"    option:    {f.name} = {f.default!r}  ({f.type_name()})")
        for p in cls.parameters.values():
            print(f"    parameter: {p.name:<12} {p.unit or '-':<5} {p.description}")
        model = models.get_model(name)
        for prov in model.quantities(cls.Options()):
            print(f"    quantity:  {prov.describe()}" + ("  [compiled kernel]" if prov.kernel else ""))
        print()
    for name, why in models.failed().items():
        print(f"{name}  [FAILED TO LOAD] {why}\n")
    print("Likelihood plugins (entry-point group globalfit.likelihoods); * marks the default dataset\n")
    for name, cls in registry.plugins().items():
        default = cls.default_dataset()
        ds = ", ".join((d + "*" if d == default else d) for d in cls.datasets()) or "(none)"
        print(f"{name}  [{cls.__module__}.{cls.__qualname__}]")
        doc = (cls.__doc__ or "").strip().splitlines()
        if doc:
            print(f"    {doc[0]}")
        print(f"    datasets: {ds}")
        print(f"    reads:    {', '.join(cls.requires)}")
        if cls.optional:
            print(f"    optional: {', '.join(cls.optional)} (read when the model provides them)")
        if cls.models is not None:
            print(f"    models:   {', '.join(cls.models)}")
        for spec in cls.option_specs().values():
            print(f"    option:   {spec.name} = {spec.default!r}  ({spec.type_name()})")
        for p in cls.parameters.values():
            print(f"    parameter: {p.name} ({p.unit or '-'}) {p.description}")
        if cls.kernel is not registry.Likelihood.kernel:
            print("    compiled: has a kernel for `compiled: true` (docs/compiled.md: for which datasets, options)")
        print()
    for name, why in registry.failed().items():
        print(f"{name}  [FAILED TO LOAD] {why}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
