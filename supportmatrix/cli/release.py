"""The subcommands of a release check: ``observe``, ``diff``, ``update``, ``merge``."""

from __future__ import annotations

import argparse
from pathlib import Path

from supportmatrix.cli.common import (
    EXIT_OK,
    EXIT_REGRESSION,
    InputError,
    add_matrix_option,
    add_progress_option,
    add_workers_option,
    emit,
    read_matrix,
    read_results,
    whole_number,
)
from supportmatrix.matrix.families import FAMILIES


def add_observe(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "observe",
        help="run every cell and record what happened in a results file",
        description="Run every cell of the matrix (through pytest and pytest-xdist) and write what "
        "each observed to a results file. Mismatches with matrix.yaml are recorded, "
        "never fatal: the exit code is 0 whenever the results file was written.",
    )
    add_matrix_option(parser)
    parser.add_argument(
        "-o",
        "--output",
        default="results.json",
        metavar="FILE",
        help="results file to write (default: %(default)s)",
    )
    add_workers_option(parser)
    parser.add_argument(
        "-k", dest="select", metavar="EXPR", help="only cells whose id matches this pytest -k expression"
    )
    parser.add_argument(
        "--shard",
        type=_shard,
        metavar="K/N",
        help="run only the K-th of N shards (pytest-split); `merge` joins them",
    )
    add_progress_option(parser)
    for family in FAMILIES:
        if not family.runs_by_default:
            parser.add_argument(
                f"--{family.name}",
                dest="families",
                action="append_const",
                const=family.name,
                default=[],
                help=f"also run the {family.title} cells ({family.section} in the "
                "matrix), which a default run leaves out",
            )
    parser.set_defaults(handler=_run_observe)


def _shard(text: str) -> tuple[int, int]:
    """``K/N`` with 1 <= K <= N, for argparse."""
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, e.g. 2/3; got {text!r}")
    return int(k), int(n)


def _run_observe(args: argparse.Namespace) -> int:
    from supportmatrix.release.observe import ObserveError, run

    read_matrix(args.matrix)  # bad input is one line here, not a pytest usage error
    try:
        print(
            run(
                Path(args.matrix),
                Path(args.output),
                workers=args.workers,
                select=args.select,
                progress=args.progress,
                shard=args.shard,
                families=tuple(args.families),
            )
        )
    except ObserveError as exc:
        raise InputError(str(exc)) from None
    return EXIT_OK


DECLARED = "declared"


def add_diff(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="drift report between two results files, or results and the declaration",
        description="Compare two sides cell by cell and print a Markdown drift report. Each side "
        f"is a results file or the word '{DECLARED}': matrix.yaml as resolved for the "
        "other side's package versions. Exit code 1 when a cell regressed "
        "(newly failing, or gradient now wrong), else 0.",
    )
    parser.add_argument("old", metavar="OLD", help=f"results file, a matrix file (.yaml), or '{DECLARED}'")
    parser.add_argument("new", metavar="NEW", help=f"results file, a matrix file (.yaml), or '{DECLARED}'")
    add_matrix_option(parser)
    parser.add_argument(
        "--devices",
        type=_device_pair,
        metavar="OLD_DEVICE,NEW_DEVICE",
        help="compare OLD's cells on one device with NEW's on another, cell by "
        "cell: what changes on moving from OLD_DEVICE to NEW_DEVICE",
    )
    parser.add_argument(
        "--max-lines",
        type=whole_number,
        default=300,
        metavar="N",
        help="show at most N changed cells; the counts cover all (default: %(default)s)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="also write the report to FILE (e.g. to attach to a pull request)",
    )
    parser.set_defaults(handler=_run_diff)


def _device_pair(text: str) -> tuple[str, str]:
    """``OLD,NEW``: two device names, for argparse."""
    old, _, new = text.partition(",")
    if not old or not new or "," in new:
        raise argparse.ArgumentTypeError(f"expected two devices, OLD,NEW; got {text!r}")
    return old, new


def _is_matrix_file(name: str) -> bool:
    return name.endswith((".yaml", ".yml"))


def _run_diff(args: argparse.Namespace) -> int:
    from supportmatrix.matrix.versions import installed_versions
    from supportmatrix.release.codec import records_of
    from supportmatrix.release.drift import (
        compare,
        on_device,
        recorded_families,
        render_report,
        side_from_matrix,
        side_from_results,
    )
    from supportmatrix.release.results import packages_of

    if args.old == DECLARED and args.new == DECLARED:
        raise InputError(
            f"at most one side can be '{DECLARED}': it is resolved for the other side's package versions"
        )
    documents = {
        name: read_results(name)
        for name in (args.old, args.new)
        if name != DECLARED and not _is_matrix_file(name)
    }
    sides, devices = [], []
    for name, other in ((args.old, args.new), (args.new, args.old)):
        if name == DECLARED or _is_matrix_file(name):
            path = args.matrix if name == DECLARED else name
            packages = packages_of(documents[other]) if other in documents else None
            matrix = read_matrix(path, packages)
            families = recorded_families(documents[other]) if other in documents else None
            sides.append(
                side_from_matrix(matrix, packages=packages or installed_versions(), families=families)
            )
            devices.append({rc.cell.id: rc.cell.device for rc in matrix.resolved()})
        else:
            sides.append(side_from_results(documents[name], source=name))
            devices.append({r.id: r.cell.device for r in records_of(documents[name])})
    if args.devices is not None:
        try:
            sides = [
                on_device(side, device, as_device=args.devices[1], devices=cells)
                for side, device, cells in zip(sides, args.devices, devices, strict=True)
            ]
        except ValueError as exc:
            raise InputError(str(exc)) from None
    drift = compare(*sides)
    report = render_report(drift, max_lines=args.max_lines)
    emit(report, None)
    if args.output is not None:
        emit(report, args.output)
    return EXIT_REGRESSION if drift.regressions else EXIT_OK


def add_update(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "update",
        help="write observed drift back into matrix.yaml as version-gated rules",
        description="Append rules to matrix.yaml, gated on the observed PennyLane version, for "
        "exactly the cells whose observation disagrees with the declaration. "
        "Comments, order and formatting of the file are kept.",
    )
    parser.add_argument(
        "--from",
        dest="results",
        required=True,
        metavar="RESULTS",
        help="results file from `observe` or `pytest --supportmatrix-json`",
    )
    add_matrix_option(parser)
    parser.add_argument(
        "--gate",
        metavar="SPEC",
        help="PEP 440 specifier for the new rules' `pennylane` gate (default: "
        "'>=X.Y' of the observed release, i.e. from this release on)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the unified diff instead of writing the file"
    )
    parser.set_defaults(handler=_run_update)


def _run_update(args: argparse.Namespace) -> int:
    from supportmatrix.release.update import UpdateError, update_matrix

    document = read_results(args.results)
    read_matrix(args.matrix)
    try:
        change = update_matrix(Path(args.matrix), document, gate=args.gate, source=args.results)
    except UpdateError as exc:
        raise InputError(str(exc)) from None
    if args.dry_run or not change.drifted:
        emit(change.diff or f"{args.matrix} already describes every observed cell\n", None)
        return EXIT_OK
    emit(change.text, args.matrix)
    print(f"{args.matrix}: {change.rules} rules added for {change.drifted} drifted cells")
    return EXIT_OK


def add_merge(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "merge",
        help="combine the results files of a sharded run into one",
        description="Merge the results files that the shards of one run wrote (pytest --splits N "
        "--group K --supportmatrix-json ...) into the file one unsharded run writes. "
        "Refuses files from different environments or matrix files, files that "
        "record a cell twice, and files that together miss a cell.",
    )
    parser.add_argument("results", nargs="+", metavar="RESULTS", help="the shards' results files")
    add_matrix_option(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="merged results file to write")
    parser.set_defaults(handler=_run_merge)


def _run_merge(args: argparse.Namespace) -> int:
    from supportmatrix.release.merge import MergeError, merge_results
    from supportmatrix.release.results import dumps, packages_of

    documents = [(name, read_results(name)) for name in args.results]
    try:
        # Gates resolved for the shards' versions, as their own runs resolved them.
        merged = merge_results(documents, read_matrix(args.matrix, packages_of(documents[0][1])))
    except MergeError as exc:
        raise InputError(str(exc)) from None
    emit(dumps(merged), args.output)
    families = [
        _summary_line(merged[f.summary_key], "cells" if not f.keypath else f"{f.title} cells")
        for f in FAMILIES
        if merged.get(f.summary_key, {}).get("cells")
    ]
    print(f"{args.output}: {len(documents)} files merged; {'; '.join(families)}")
    return EXIT_OK


def _summary_line(summary: dict, label: str) -> str:
    counts = ", ".join(f"{k} {v}" for k, v in summary["status"].items() if v)
    return f"{summary['cells']} {label} ({counts})"
