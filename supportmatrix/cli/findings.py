"""The ``findings`` subcommand: the page of wrong values and misleading errors, from matrix.yaml."""

from __future__ import annotations

import argparse

from supportmatrix.cli.common import (
    EXIT_OK,
    InputError,
    add_matrix_option,
    add_output_option,
    emit,
    read_matrix,
    resolve_versions,
)

#: The command that writes the committed page (``.ci/run`` runs it).
PAGE_COMMAND = (
    "supportmatrix findings --versions constraints.txt --versions constraints/pl044.txt "
    "--versions constraints/pl043.txt --versions constraints/pl-dev.txt "
    "-o docs/findings.md"
)


def add_findings(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "findings",
        help="write the findings page: causes of wrong values and misleading errors",
        description="List every cause (a note of matrix.yaml) whose cells are declared "
        "incorrect, or whose note describes a silently wrong value or calls the "
        "error misleading, most severe first: a one-sentence summary, the cells "
        "grouped, the version gates, the upstream issue and a reproduction snippet "
        "that prints PennyLane's result next to the oracle's.",
    )
    add_matrix_option(parser)
    parser.add_argument(
        "--versions",
        metavar="CONSTRAINTS",
        action="append",
        help="resolve the cells for the versions pinned in this pip constraints file; repeat "
        "for several releases, the first one giving each finding's reproduction "
        "(default: the installed versions)",
    )
    add_output_option(parser)
    parser.set_defaults(handler=_run_findings)


def _run_findings(args: argparse.Namespace) -> int:
    from supportmatrix.matrix.versions import constraint_pins, installed_versions
    from supportmatrix.report.findings import Release, findings
    from supportmatrix.report.findings_page import render_findings

    releases = []
    for constraints in args.versions or [None]:
        if constraints is None:
            versions, shown = installed_versions(), None
        else:
            pinned = resolve_versions(constraints)  # one-line error for a bad file
            assert pinned is not None
            versions, shown = pinned, constraint_pins(constraints)
        releases.append(
            Release(constraints or "installed", versions, read_matrix(args.matrix, versions), shown)
        )
    command = (
        "supportmatrix findings"
        + "".join(f" --versions {c}" for c in args.versions or [])
        + (f" -o {args.output}" if args.output else "")
    )
    if args.matrix != "matrix.yaml":
        command += f" --matrix {args.matrix}"
    try:
        page = render_findings(findings(releases), releases, command=command)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    emit(page, args.output)
    return EXIT_OK
