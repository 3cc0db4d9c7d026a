"""The ``bench`` subcommand: measure forward pass + gradient per configuration, and report on it."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportmatrix.bench.axes import DEVICES, DIFF_METHODS, INTERFACES, MAX_LAYERS, MAX_QUBITS
from supportmatrix.cli.common import EXIT_OK, InputError, reason_of

if TYPE_CHECKING:
    from supportmatrix.bench.plan import Config
    from supportmatrix.bench.run import Settings


def add_bench(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="benchmark forward pass + gradient per device × diff method × interface",
        description="Time one forward pass plus the gradient of <Z0> of a layered circuit, "
        "each configuration in a fresh child process, with peak memory and CPU / "
        "wall; write a results JSON (-o) and/or a report directory (--report), "
        "or only regenerate the report from a results file (--from).",
    )
    parser.add_argument(
        "--devices", default=",".join(DEVICES), metavar="LIST", help="comma-separated (default: %(default)s)"
    )
    parser.add_argument(
        "--diff-methods",
        default=",".join(DIFF_METHODS),
        metavar="LIST",
        help="comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--interfaces",
        default=",".join(INTERFACES),
        metavar="LIST",
        help="comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--qubits",
        default="2-30:2",
        metavar="SPEC",
        help="qubit counts: 2-12, 2-16:2, 2,4,8; each series grows until its time "
        "(--max-step, --timeout) or memory limit (default: %(default)s)",
    )
    parser.add_argument(
        "--layers",
        default="2",
        metavar="LIST",
        help="layer counts; the first runs at every qubit count, the others "
        "at --layers-at (default: %(default)s)",
    )
    parser.add_argument(
        "--layers-at", metavar="SPEC", help="qubit counts at which the further --layers run (default: all)"
    )
    parser.add_argument(
        "--budget",
        default="0.5",
        metavar="SECONDS",
        help="repeat each configuration this long (default: %(default)s)",
    )
    parser.add_argument(
        "--min-repeats", default="3", metavar="N", help="at least this many repeats (default: %(default)s)"
    )
    parser.add_argument(
        "--max-repeats", default="1000", metavar="N", help="at most this many repeats (default: %(default)s)"
    )
    parser.add_argument(
        "--timeout",
        default="120",
        metavar="SECONDS",
        help="per configuration's child process, start-up included; larger "
        "qubit counts of a series that times out are skipped "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-step",
        default="2",
        metavar="SECONDS",
        help="end a series after a configuration whose median step took longer; "
        "its larger qubit counts are skipped (default: %(default)s)",
    )
    parser.add_argument(
        "--runs",
        default="1",
        metavar="K",
        help="repeat the whole sweep K times, each in an order shuffled by --order-seed + run "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--order-seed", default="0", metavar="N", help="seed of the first run's order (default: %(default)s)"
    )
    parser.add_argument(
        "--max-load",
        metavar="LOAD",
        help="before each measurement wait for a 1-minute load average under LOAD "
        "(default: 0.5 per usable core)",
    )
    parser.add_argument(
        "--load-wait",
        default="300",
        metavar="SECONDS",
        help="wait at most this long for the load, then measure and mark it (default: %(default)s)",
    )
    parser.add_argument(
        "--no-seed004", dest="seed004", action="store_false", help="leave out seed 004's TorchLayer model"
    )
    parser.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar on stderr"
    )
    parser.add_argument("-o", "--output", metavar="RESULTS", help="write the results JSON here")
    parser.add_argument("--report", metavar="DIR", help="write plots, tables and page into DIR")
    parser.add_argument(
        "--from",
        dest="results",
        metavar="RESULTS",
        help="with --report: report on this results file, measure nothing",
    )
    parser.set_defaults(handler=_run_bench)


def _run_bench(args: argparse.Namespace) -> int:
    from supportmatrix.bench import results
    from supportmatrix.bench.plan import PlanError
    from supportmatrix.bench.results import BenchResultsError

    if args.results is not None:
        if args.report is None or args.output is not None:
            raise InputError("--from only regenerates a report: give it with --report DIR and without -o")
        try:
            document = results.load(args.results)
        except BenchResultsError as exc:
            raise InputError(str(exc)) from None
        return _report(document, args.report)
    if args.output is None and args.report is None:
        raise InputError("give -o RESULTS, --report DIR, or both")
    try:
        configs, settings = _plan(args)
    except PlanError as exc:
        raise InputError(str(exc)) from None
    if args.report is not None:  # first: -o may name a file inside it
        _check_writable(Path(args.report), folder=True)
        try:
            Path(args.report).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create {args.report}: {reason_of(exc)}") from None
    if args.output is not None:
        _check_writable(Path(args.output), folder=False)
    from supportmatrix.bench.run import run_benchmark

    threshold = settings.gate.threshold if settings.gate is not None else None
    document = run_benchmark(
        configs,
        settings,
        seed004=args.seed004,
        progress_bar=args.progress,
        command=_command(args, max_load=threshold) if threshold is not None else None,
    )
    if args.output is not None:
        try:
            results.write(args.output, document)
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {reason_of(exc)}") from None
    return _report(document, args.report) if args.report is not None else EXIT_OK


def _plan(args: argparse.Namespace) -> tuple[list[Config], Settings]:
    from supportmatrix.bench.idle import Gate, default_threshold
    from supportmatrix.bench.memory import memory_limit
    from supportmatrix.bench.plan import (
        expand,
        parse_choices,
        parse_counts,
        parse_seconds,
        parse_whole,
    )
    from supportmatrix.bench.run import Settings
    from supportmatrix.bench.timing import Budget

    layers = parse_counts(args.layers, option="--layers", minimum=1, maximum=MAX_LAYERS, ordered=True)
    qubits = parse_counts(args.qubits, option="--qubits", minimum=2, maximum=MAX_QUBITS)
    layers_at = (
        None
        if args.layers_at is None
        else parse_counts(args.layers_at, option="--layers-at", minimum=2, maximum=MAX_QUBITS)
    )
    low = parse_whole(args.min_repeats, option="--min-repeats", minimum=1)
    high = parse_whole(args.max_repeats, option="--max-repeats", minimum=low)
    configs = expand(
        devices=parse_choices(args.devices, option="--devices", allowed=DEVICES),
        diff_methods=parse_choices(args.diff_methods, option="--diff-methods", allowed=DIFF_METHODS),
        interfaces=parse_choices(args.interfaces, option="--interfaces", allowed=INTERFACES),
        qubits=qubits,
        layers=layers,
        layers_at=layers_at,
    )
    budget = Budget(parse_seconds(args.budget, option="--budget"), low, high)
    threshold = (
        default_threshold() if args.max_load is None else parse_seconds(args.max_load, option="--max-load")
    )
    gate = Gate(threshold, parse_seconds(args.load_wait, option="--load-wait"))
    return configs, Settings(
        budget,
        parse_seconds(args.timeout, option="--timeout"),
        parse_seconds(args.max_step, option="--max-step"),
        gate=gate,
        memory_limit=memory_limit,
        runs=parse_whole(args.runs, option="--runs", minimum=1),
        order_seed=parse_whole(args.order_seed, option="--order-seed", minimum=0),
    )


#: The options whose values decide what a run measures, in the order `_command` writes them.
_MEASURING = (
    "devices",
    "diff_methods",
    "interfaces",
    "qubits",
    "layers",
    "layers_at",
    "budget",
    "min_repeats",
    "max_repeats",
    "timeout",
    "max_step",
    "runs",
    "order_seed",
    "max_load",
    "load_wait",
)


def _command(args: argparse.Namespace, *, max_load: float) -> str:
    """The command that repeats this run, every measuring option spelled out (defaults too,
    so a later change of a default cannot change what it measures)."""
    values = {**vars(args), "max_load": f"{max_load:g}"}
    words = ["supportmatrix", "bench"]
    for name in _MEASURING:
        if values.get(name) is not None:
            words += [f"--{name.replace('_', '-')}", shlex.quote(str(values[name]))]
    if not args.seed004:
        words.append("--no-seed004")
    words += [
        w for flag, value in (("-o", args.output), ("--report", args.report)) if value for w in (flag, value)
    ]
    return " ".join(words)


def _check_writable(target: Path, *, folder: bool) -> None:
    """Fail before a long run rather than after it when its output cannot be written."""
    if folder and target.exists() and not target.is_dir():
        raise InputError(f"cannot write the report into {target}: not a directory")
    parent = (
        target.parent if not folder else next((p for p in (target, *target.parents) if p.exists()), Path("."))
    )
    if not parent.is_dir() or not os.access(parent, os.W_OK):
        raise InputError(f"cannot write {target}: {parent} is not a writable directory")


def _report(document: dict[str, Any], directory: str) -> int:
    from supportmatrix.bench.report import write_report

    try:
        written = write_report(document, directory)
    except OSError as exc:
        raise InputError(f"cannot write the report into {directory}: {reason_of(exc)}") from None
    print(f"wrote {len(written)} files into {directory}", file=sys.stderr)
    return EXIT_OK
