"""The ``supportmatrix`` command line.

Each subcommand is one ``_add_<name>`` function in `SUBCOMMANDS` that adds its parser and
sets ``handler``; a handler returns the exit code, or raises `InputError`. Bad input (a
malformed or missing matrix or reference file) is one line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from supportmatrix import __version__
from supportmatrix.matrix.model import Matrix
from supportmatrix.output import write_atomic
from supportmatrix.report.formats import FORMATS

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
    try:
        return args.handler(args)
    except InputError as exc:
        return _fail(str(exc))


class InputError(Exception):
    """A file the user gave is missing, unreadable or malformed: one line, exit code 2."""


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
        help="write the support table (Markdown, RST or JSON) from matrix.yaml or observed results",
        description=(
            "Render the declared matrix (or, with --from, what a results file observed, in the "
            "same layout) as the Markdown support table, as PennyLane's RST table (the layout "
            "of its interfaces.rst), or as JSON."
        ),
    )
    _add_matrix_option(parser)
    _add_from_option(parser, "render")
    parser.add_argument(
        "--versions", metavar="CONSTRAINTS",
        help="resolve version gates for the versions pinned in this pip constraints file "
             "(e.g. constraints.txt) instead of the installed ones",
    )
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="markdown",
        help="output format (default: %(default)s)",
    )
    _add_output_option(parser)
    parser.set_defaults(handler=_run_render)


def _run_render(args: argparse.Namespace) -> int:
    _emit(FORMATS[args.format](_declared_or_observed(args)), args.output)
    return EXIT_OK


def _add_from_option(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        "--from", dest="results", metavar="RESULTS",
        help=f"{verb} what this results file observed instead of what the matrix declares",
    )


def _declared_or_observed(args: argparse.Namespace) -> Matrix:
    """The matrix ``--matrix`` declares, or the one ``--from`` observed."""
    if args.results is None:
        return _load_matrix(args.matrix, _versions(getattr(args, "versions", None)))
    from supportmatrix.release.observed_matrix import observed_matrix

    try:
        return observed_matrix(_load_results(args.results), source=args.results)
    except ValueError as exc:  # cells without an observation
        raise InputError(str(exc)) from None


def _add_docs_compare(subparsers: argparse._SubParsersAction) -> None:
    from supportmatrix.pennylane_docs.compare import DEFAULT_DEVICE, DEFAULT_LIMIT

    parser = subparsers.add_parser(
        "docs-compare",
        help="list where PennyLane's documented support table and the matrix disagree",
        description=(
            "Read the grid table of PennyLane's doc/introduction/interfaces.rst and report, "
            "in Markdown, every matrix cell that contradicts its documented entry."
        ),
    )
    parser.add_argument("reference", metavar="REFERENCE.rst", help="PennyLane's page (or a copy)")
    _add_matrix_option(parser)
    _add_from_option(parser, "compare")
    parser.add_argument(
        "--device",
        default=DEFAULT_DEVICE,
        help="matrix device the page documents (default: %(default)s)",
    )
    parser.add_argument(
        "--limit",
        type=_count,
        default=DEFAULT_LIMIT,
        metavar="N",
        help="list at most N disagreements; the counts cover all (default: %(default)s)",
    )
    _add_output_option(parser)
    parser.set_defaults(handler=_run_docs_compare)


def _run_docs_compare(args: argparse.Namespace) -> int:
    from supportmatrix.pennylane_docs.compare import render_comparison
    from supportmatrix.pennylane_docs.page import DocsTableError, load_docs_table

    try:
        doc = load_docs_table(args.reference)
    except DocsTableError as exc:
        raise InputError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read reference {args.reference}: {_reason(exc)}") from None
    matrix = _declared_or_observed(args)
    try:
        report = render_comparison(doc, matrix, device=args.device, limit=args.limit)
    except ValueError as exc:  # the device is not in the matrix
        raise InputError(str(exc)) from None
    _emit(report, args.output)
    return EXIT_OK


def _versions(constraints: str | None) -> dict[str, str | None] | None:
    if constraints is None:
        return None
    from supportmatrix.matrix.versions import pinned_versions

    try:
        return pinned_versions(constraints)
    except OSError as exc:
        raise InputError(f"cannot read constraints {constraints}: {_reason(exc)}") from None
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _load_results(path: str) -> dict:
    from supportmatrix.release.results import ResultsError, load_results

    try:
        return load_results(path)
    except ResultsError as exc:
        raise InputError(str(exc)) from None


def _add_observe(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "observe",
        help="run every cell and record what happened in a results file",
        description="Run every cell of the matrix (through pytest and pytest-xdist) and write what "
                    "each observed to a results file. Mismatches with matrix.yaml are recorded, "
                    "never fatal: the exit code is 0 whenever the results file was written.",
    )
    _add_matrix_option(parser)
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
    from supportmatrix.release.observe import ObserveError, run

    _load_matrix(args.matrix)  # bad input is one line here, not a pytest usage error
    try:
        print(run(Path(args.matrix), Path(args.output), workers=args.workers,
                  select=args.select, progress=args.progress))
    except ObserveError as exc:
        raise InputError(str(exc)) from None
    return EXIT_OK


DECLARED = "declared"


def _add_diff(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="drift report between two results files, or results and the declaration",
        description="Compare two sides cell by cell and print a Markdown drift report. Each side "
                    f"is a results file or the word '{DECLARED}': matrix.yaml as resolved for the "
                    "other side's package versions. Exit code 1 when a cell regressed "
                    "(newly failing, or gradient now wrong), else 0.",
    )
    parser.add_argument("old", metavar="OLD", help=f"results file, or '{DECLARED}'")
    parser.add_argument("new", metavar="NEW", help=f"results file, or '{DECLARED}'")
    _add_matrix_option(parser)
    parser.add_argument("--max-lines", type=_count, default=300, metavar="N",
                        help="show at most N changed cells; the counts cover all (default: %(default)s)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="also write the report to FILE (e.g. to attach to a pull request)")
    parser.set_defaults(handler=_run_diff)


def _run_diff(args: argparse.Namespace) -> int:
    from supportmatrix.release.drift import compare, render_report, side_from_matrix, side_from_results
    from supportmatrix.release.results import packages_of

    if args.old == DECLARED and args.new == DECLARED:
        raise InputError(f"at most one side can be '{DECLARED}': it is resolved for the other "
                         "side's package versions")
    documents = {name: _load_results(name) for name in (args.old, args.new) if name != DECLARED}
    sides = []
    for name, other in ((args.old, args.new), (args.new, args.old)):
        if name == DECLARED:
            packages = packages_of(documents[other])
            sides.append(side_from_matrix(_load_matrix(args.matrix, packages), packages=packages))
        else:
            sides.append(side_from_results(documents[name], source=name))
    drift = compare(*sides)
    report = render_report(drift, max_lines=args.max_lines)
    _emit(report, None)
    if args.output is not None:
        _emit(report, args.output)
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
    _add_matrix_option(parser)
    parser.add_argument("--gate", metavar="SPEC",
                        help="PEP 440 specifier for the new rules' `pennylane` gate (default: "
                             "'>=X.Y' of the observed release, i.e. from this release on)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the unified diff instead of writing the file")
    parser.set_defaults(handler=_run_update)


def _run_update(args: argparse.Namespace) -> int:
    from supportmatrix.release.update import UpdateError, update_matrix

    document = _load_results(args.results)
    _load_matrix(args.matrix)
    try:
        change = update_matrix(Path(args.matrix), document, gate=args.gate, source=args.results)
    except UpdateError as exc:
        raise InputError(str(exc)) from None
    if args.dry_run or not change.drifted:
        _emit(change.diff or f"{args.matrix} already describes every observed cell\n", None)
        return EXIT_OK
    _emit(change.text, args.matrix)
    print(f"{args.matrix}: {change.rules} rules added for {change.drifted} drifted cells")
    return EXIT_OK


def _add_report(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write a self-contained HTML report: the matrix, one run, or a drift",
        description="Write one static HTML file (no network) with every cell of both families, "
                    "filters, and per cell its declaration, observation, error, checks, versions "
                    "and reproduction: from matrix.yaml, from one results file (--from), or the "
                    "drift between two (--from OLD --from NEW, or --old/--new).")
    _add_matrix_option(parser)
    parser.add_argument("--versions", metavar="CONSTRAINTS",
                        help="without results: resolve version gates for this pip constraints file")
    parser.add_argument("--from", dest="results", action="append", default=[], metavar="RESULTS",
                        help="results file; twice for the drift from the first to the second")
    parser.add_argument("--old", metavar="RESULTS", help="the drift's old side")
    parser.add_argument("--new", metavar="RESULTS", help="the drift's new side")
    parser.add_argument("--no-plots", dest="plots", action="store_false",
                        help="leave the plots out (matplotlib is then not needed)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="HTML file to write")
    parser.set_defaults(handler=_run_report)


def _run_report(args: argparse.Namespace) -> int:
    from supportmatrix.matrix.versions import installed_versions
    from supportmatrix.report.html import build_report

    if (args.old is None) != (args.new is None):
        raise InputError("--old and --new go together")
    sources = [*args.results, *((args.old, args.new) if args.old is not None else ())]
    if len(sources) > 2 or (args.results and args.old is not None):
        raise InputError("give one results file, or two (--from OLD --from NEW, or --old/--new)")
    documents = [(_load_results(path), path) for path in sources]
    versions = None if documents else (_versions(args.versions) or installed_versions())
    matrix = None if documents else _load_matrix(args.matrix, versions)
    _emit(build_report(matrix=matrix, versions=versions, documents=documents,
                       with_plots=args.plots), args.output)
    return EXIT_OK


def _add_matrix_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--matrix", default="matrix.yaml", metavar="PATH", help="matrix file (default: %(default)s)"
    )


def _add_output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here, atomically, instead of to stdout"
    )


def _load_matrix(path: str, versions: dict[str, str | None] | None = None) -> Matrix:
    # Imported here so `--help` and argument errors never depend on the loader's imports.
    from supportmatrix.matrix.load import MatrixError, load_matrix

    try:
        return load_matrix(path, versions=versions)
    except MatrixError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"cannot read matrix {path}: {_reason(exc)}") from None


def _emit(text: str, output: str | None) -> None:
    """Write `text` to stdout, or atomically to the file `output`."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(Path(output), text)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {_reason(exc)}") from None


def _count(text: str) -> int:
    """A whole number >= 0, for argparse."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _fail(message: str) -> int:
    # One line, whatever the message holds, so the error reads cleanly in CI logs.
    print(f"{PROG}: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_USAGE


#: Registration order is the order in ``--help``.
SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_render,
    _add_observe,
    _add_diff,
    _add_update,
    _add_docs_compare,
    _add_report,
)
