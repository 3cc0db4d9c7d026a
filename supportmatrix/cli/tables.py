"""The subcommands that write what people read: ``render``, ``docs-compare``, ``report``."""

from __future__ import annotations

import argparse
import importlib.util
from collections.abc import Callable
from typing import Any, TypeVar

from supportmatrix.cli.common import (
    EXIT_OK,
    InputError,
    add_from_option,
    add_matrix_option,
    add_output_option,
    add_versions_option,
    declared_or_observed,
    emit,
    read_matrix,
    read_results,
    reason_of,
    resolve_versions,
    whole_number,
)
from supportmatrix.report.formats import FORMATS

T = TypeVar("T")


def add_render(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render",
        help="write the support table (Markdown, RST or JSON) from matrix.yaml or observed results",
        description=(
            "Render the declared matrix (or, with --from, what a results file observed, in the "
            "same layout) as the Markdown support table, as PennyLane's RST table (the layout "
            "of its interfaces.rst), or as JSON."
        ),
    )
    add_matrix_option(parser)
    add_from_option(parser, "render")
    add_versions_option(parser)
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="markdown",
        help="output format (default: %(default)s)",
    )
    add_output_option(parser)
    parser.set_defaults(handler=_run_render)


def _run_render(args: argparse.Namespace) -> int:
    emit(FORMATS[args.format](declared_or_observed(args)), args.output)
    return EXIT_OK


def add_docs_compare(subparsers: argparse._SubParsersAction) -> None:
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
    add_matrix_option(parser)
    add_from_option(parser, "compare")
    parser.add_argument(
        "--device",
        default=DEFAULT_DEVICE,
        help="matrix device the page documents (default: %(default)s)",
    )
    parser.add_argument(
        "--limit",
        type=whole_number,
        default=DEFAULT_LIMIT,
        metavar="N",
        help="list at most N disagreements; the counts cover all (default: %(default)s)",
    )
    add_output_option(parser)
    parser.set_defaults(handler=_run_docs_compare)


def _read_reference(load: Callable[[Any], T], path: Any) -> T:
    """A stored PennyLane page read by ``load``; an unreadable or unparsable one is bad input."""
    from supportmatrix.pennylane_docs.page import DocsTableError

    try:
        return load(path)
    except DocsTableError as exc:
        raise InputError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read reference {path}: {reason_of(exc)}") from None


def _run_docs_compare(args: argparse.Namespace) -> int:
    from supportmatrix.pennylane_docs.compare import render_comparison
    from supportmatrix.pennylane_docs.page import load_docs_table

    doc = _read_reference(load_docs_table, args.reference)
    matrix = declared_or_observed(args)
    try:
        report = render_comparison(doc, matrix, device=args.device, limit=args.limit)
    except ValueError as exc:  # the device is not in the matrix
        raise InputError(str(exc)) from None
    emit(report, args.output)
    return EXIT_OK


def add_docs_compare_mcm(subparsers: argparse._SubParsersAction) -> None:
    from supportmatrix.pennylane_docs.mcm_compare import DEFAULT_DEVICE
    from supportmatrix.pennylane_docs.mcm_table import STORED

    parser = subparsers.add_parser(
        "docs-compare-mcm",
        help="list where PennyLane's mid-circuit measurement table and the mcm cells disagree",
        description=(
            "Read the Simulation techniques table of PennyLane's "
            "doc/introduction/dynamic_quantum_circuits.rst and its footnotes, and report, in "
            "Markdown, every mcm-* cell whose declaration contradicts them."
        ),
    )
    parser.add_argument(
        "reference",
        metavar="REFERENCE.rst",
        nargs="?",
        default=str(STORED),
        help="the page or an excerpt of it (default: the stored 0.45.1 excerpt)",
    )
    add_matrix_option(parser)
    add_from_option(parser, "compare")
    parser.add_argument(
        "--device", default=DEFAULT_DEVICE, help="matrix device the page documents (default: %(default)s)"
    )
    add_output_option(parser)
    parser.set_defaults(handler=_run_docs_compare_mcm)


def _run_docs_compare_mcm(args: argparse.Namespace) -> int:
    from supportmatrix.pennylane_docs.mcm_compare import render_mcm_comparison
    from supportmatrix.pennylane_docs.mcm_table import load_mcm_table

    table = _read_reference(load_mcm_table, args.reference)
    try:
        report = render_mcm_comparison(table, declared_or_observed(args), device=args.device)
    except ValueError as exc:  # no mcm cells on that device
        raise InputError(str(exc)) from None
    emit(report, args.output)
    return EXIT_OK


def add_report(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report: the matrix, one run, or a drift",
        description="Write one static HTML file (no network) with every cell of every family, "
        "filters, and per cell its declaration, observation, error, checks, versions "
        "and reproduction: from matrix.yaml, from one results file (--from), or the "
        "drift between two (--from OLD --from NEW, or --old/--new).",
    )
    add_matrix_option(parser)
    parser.add_argument(
        "--versions",
        metavar="CONSTRAINTS",
        help="without results: resolve version gates for this pip constraints file",
    )
    parser.add_argument(
        "--from",
        dest="results",
        action="append",
        default=[],
        metavar="RESULTS",
        help="results file; twice for the drift from the first to the second",
    )
    parser.add_argument("--old", metavar="RESULTS", help="the drift's old side")
    parser.add_argument("--new", metavar="RESULTS", help="the drift's new side")
    parser.add_argument(
        "--no-plots",
        dest="plots",
        action="store_false",
        help="leave the plots out (matplotlib is then not needed)",
    )
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
    documents = [(read_results(path), path) for path in sources]
    versions = None if documents else (resolve_versions(args.versions) or installed_versions())
    matrix = None if documents else read_matrix(args.matrix, versions)
    if importlib.util.find_spec("pennylane") is None:
        # Each cell's reproduction snippet is written for the PennyLane API (where shots go).
        raise InputError(
            "report: PennyLane is not installed; the reproduction snippets are "
            "written for it: pip install -c <the run's constraints> pennylane"
        )
    emit(
        build_report(matrix=matrix, versions=versions, documents=documents, with_plots=args.plots),
        args.output,
    )
    return EXIT_OK


def add_overview(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "overview",
        help="one Markdown table over devices: each device x diff method x interface",
        description="Summarise several matrix files (matrix.yaml and the files under devices/) in one "
        "table: per device, diff method and interface, how many cells are "
        "supported, raise, give no gradient, or give a wrong value (in bold).",
    )
    parser.add_argument("matrices", nargs="+", metavar="MATRIX", help="matrix files, in order")
    add_versions_option(parser)
    add_output_option(parser)
    parser.set_defaults(handler=_run_overview)


def _run_overview(args: argparse.Namespace) -> int:
    from supportmatrix.report.overview import render_overview

    versions = resolve_versions(args.versions)
    matrices = [read_matrix(path, versions) for path in args.matrices]
    emit(render_overview(matrices, sources=args.matrices), args.output)
    return EXIT_OK
