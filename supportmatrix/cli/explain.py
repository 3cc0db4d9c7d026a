"""The ``explain`` subcommand: why a cell is declared as it is, rule by rule."""

from __future__ import annotations

import argparse

from supportmatrix.cli.common import (
    EXIT_OK,
    InputError,
    add_matrix_option,
    add_versions_option,
    emit,
    read_matrix,
    resolve_versions,
)


def add_explain(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="show why a cell is declared as it is: its axes, matching rules and gates",
        description="Print a cell's axes, its declaration, every rule that matches it with its "
        "line and the fields it sets, which rule decides each field, the note's "
        "text and the version gates that applied. Any family's cell id works.",
    )
    parser.add_argument(
        "cell_id", metavar="CELL_ID", help="a cell id, e.g. default.qubit-torch-adjoint-probs-analytic"
    )
    add_matrix_option(parser)
    add_versions_option(parser)
    parser.set_defaults(handler=_run_explain)


def _run_explain(args: argparse.Namespace) -> int:
    from supportmatrix.matrix.explain import UnknownCell, explain
    from supportmatrix.matrix.versions import installed_versions

    versions = resolve_versions(args.versions)
    if versions is None:
        versions = installed_versions()
    matrix = read_matrix(args.matrix, versions)
    try:
        emit(explain(matrix, args.cell_id, versions=versions), None)
    except UnknownCell as exc:
        raise InputError(str(exc)) from None
    return EXIT_OK
