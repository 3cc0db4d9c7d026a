"""The ``supportmatrix`` command line.

Each subcommand is one ``_add_<name>`` function in `SUBCOMMANDS` that adds its parser and
sets ``handler``; a handler returns the exit code. Bad input (a malformed or missing
matrix) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from supportmatrix import __version__
from supportmatrix.model import Matrix
from supportmatrix.output import write_atomic
from supportmatrix.render import FORMATS

PROG = "supportmatrix"
EXIT_OK = 0
EXIT_REGRESSION = 1  # diff: a cell regressed
EXIT_USAGE = 2  # argparse's own code for bad usage; bad input files are the user's to fix too


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on `argv` (default ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors; return instead of exiting
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return args.handler(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand in `SUBCOMMANDS` registered."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check and document which PennyLane configurations work.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add_subcommand in SUBCOMMANDS:
        add_subcommand(subparsers)
    return parser


def _add_render(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render",
        help="write the support table generated from matrix.yaml, or from observed results",
        description="Render the declared matrix (or, with --from, what a results file observed) "
                    "as the support table, in the same layout either way.",
    )
    _matrix_argument(parser)
    parser.add_argument(
        "--from", dest="results", metavar="RESULTS",
        help="render what this results file observed instead of what the matrix declares",
    )
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="markdown",
        help="output format (default: %(default)s)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here, atomically, instead of to stdout"
    )
    parser.set_defaults(handler=_run_render)


def _run_render(args: argparse.Namespace) -> int:
    try:
        if args.results is not None:
            from supportmatrix.observed import observed_matrix

            matrix = observed_matrix(_load_results(args.results), source=args.results)
        else:
            matrix = _load_matrix(args.matrix)
        text = FORMATS[args.format](matrix)
    except (_Failure, ValueError) as exc:
        return _fail(str(exc))
    return _emit(text, args.output)


class _Failure(Exception):
    """Bad input, already phrased as the one line the user sees."""


def _load_matrix(path: str, versions: dict[str, str | None] | None = None) -> Matrix:
    # Imported here so `--help` and argument errors never depend on the loader's imports.
    from supportmatrix.loader import MatrixError, load_matrix

    try:
        return load_matrix(path, versions=versions)
    except MatrixError as exc:
        raise _Failure(str(exc)) from None
    except OSError as exc:
        raise _Failure(f"cannot read matrix {path}: {exc.strerror or exc}") from None


def _load_results(path: str) -> dict:
    from supportmatrix.results import ResultsError, load_results

    try:
        return load_results(path)
    except ResultsError as exc:
        raise _Failure(str(exc)) from None


def _emit(text: str, output: str | None) -> int:
    """Write ``text`` to ``output`` atomically, or to stdout."""
    if output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomic(Path(output), text)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    return EXIT_OK


def _add_observe(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "observe",
        help="run every cell and record what happened in a results file",
        description="Run every cell of the matrix (through pytest and pytest-xdist) and write what "
                    "each observed to a results file. Mismatches with matrix.yaml are recorded, "
                    "never fatal: the exit code is 0 whenever the results file was written.",
    )
    _matrix_argument(parser)
    parser.add_argument("-o", "--output", default="results.json", metavar="FILE",
                        help="results file to write (default: %(default)s)")
    parser.add_argument("-n", "--workers", default="auto", metavar="N",
                        help="parallel worker processes, as pytest-xdist's -n (default: %(default)s)")
    parser.add_argument("-k", dest="select", metavar="EXPR",
                        help="only cells whose id matches this pytest -k expression")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="no progress bar (it goes to stderr)")
    parser.set_defaults(handler=_run_observe)


def _run_observe(args: argparse.Namespace) -> int:
    from supportmatrix.observe import ObserveError, run

    try:
        _load_matrix(args.matrix)  # bad input is one line here, not a pytest usage error
        print(run(Path(args.matrix), Path(args.output), workers=args.workers,
                  select=args.select, progress=args.progress))
    except (_Failure, ObserveError) as exc:
        return _fail(str(exc))
    return EXIT_OK


def _add_diff(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="drift report between two results files, or results and the declaration",
        description="Compare two sides cell by cell and print a Markdown drift report. Each side "
                    "is a results file or the word 'declared': matrix.yaml as resolved for the "
                    "other side's package versions. Exit code 1 when a cell regressed "
                    "(newly failing, or gradient now wrong), else 0.",
    )
    parser.add_argument("old", metavar="OLD", help="results file, or 'declared'")
    parser.add_argument("new", metavar="NEW", help="results file, or 'declared'")
    _matrix_argument(parser)
    parser.add_argument("--max-lines", type=int, default=300, metavar="N",
                        help="show at most N changed cells (default: %(default)s)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="also write the report to FILE (e.g. to attach to a pull request)")
    parser.set_defaults(handler=_run_diff)


DECLARED = "declared"


def _run_diff(args: argparse.Namespace) -> int:
    from supportmatrix.drift import compare, render_report, side_from_matrix, side_from_results
    from supportmatrix.results import packages_of

    if args.old == DECLARED and args.new == DECLARED:
        return _fail("at most one side can be 'declared': it is resolved for the other side's versions")
    try:
        documents = {name: _load_results(name) for name in (args.old, args.new) if name != DECLARED}
        sides = []
        for name, other in ((args.old, args.new), (args.new, args.old)):
            if name == DECLARED:
                packages = packages_of(documents[other])
                sides.append(side_from_matrix(_load_matrix(args.matrix, packages), packages=packages))
            else:
                sides.append(side_from_results(documents[name], source=name))
    except _Failure as exc:
        return _fail(str(exc))
    drift = compare(*sides)
    report = render_report(drift, max_lines=args.max_lines)
    sys.stdout.write(report)
    if args.output is not None and (code := _emit(report, args.output)) != EXIT_OK:
        return code
    return EXIT_REGRESSION if drift.regressions else EXIT_OK


def _add_update(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "update",
        help="write observed drift back into matrix.yaml as version-gated rules",
        description="Append rules to matrix.yaml, gated on the observed PennyLane version, for "
                    "exactly the cells whose observation disagrees with the declaration. "
                    "Comments, order and formatting of the file are kept.",
    )
    parser.add_argument("--from", dest="results", required=True, metavar="RESULTS",
                        help="results file from `observe` or `pytest --supportmatrix-json`")
    _matrix_argument(parser)
    parser.add_argument("--gate", metavar="SPEC",
                        help="PEP 440 specifier for the new rules' `pennylane` gate (default: "
                             "'>=X.Y' of the observed release, i.e. from this release on)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the unified diff instead of writing the file")
    parser.set_defaults(handler=_run_update)


def _run_update(args: argparse.Namespace) -> int:
    from supportmatrix.update import UpdateError, update_matrix

    try:
        document = _load_results(args.results)
        _load_matrix(args.matrix)
        change = update_matrix(Path(args.matrix), document, gate=args.gate, source=args.results)
    except (_Failure, UpdateError) as exc:
        return _fail(str(exc))
    if args.dry_run or not change.drifted:
        sys.stdout.write(change.diff or "matrix.yaml already describes every observed cell\n")
        return EXIT_OK
    code = _emit(change.text, args.matrix)
    if code == EXIT_OK:
        print(f"{args.matrix}: {change.rules} rules added for {change.drifted} drifted cells")
    return code


def _matrix_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--matrix", default="matrix.yaml", metavar="PATH", help="matrix file (default: %(default)s)"
    )


def _fail(message: str) -> int:
    # One line, whatever the message holds, so the error reads cleanly in CI logs.
    print(f"{PROG}: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_USAGE


#: Registration order is the order in ``--help``; add ``_add_observe`` etc. here.
SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_render, _add_observe, _add_diff, _add_update)
