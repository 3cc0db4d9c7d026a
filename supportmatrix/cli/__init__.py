"""The ``supportmatrix`` command line.

Each subcommand is one ``add_<name>`` function in `SUBCOMMANDS` that adds its parser and
sets ``handler``; a handler returns the exit code, or raises `common.InputError`. Bad input
(a malformed or missing matrix, results or reference file) is one line on stderr and exit
code 2, never a traceback. `tables` holds the subcommands that write tables and reports,
`release` those of a release check, `explain` the one that explains a cell's declaration, `findings` the findings page,
`bench` the benchmark, `recommend` the advice drawn from it and the matrix, `common` what they share.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from supportmatrix import __version__
from supportmatrix.cli.bench import add_bench
from supportmatrix.cli.common import EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, PROG, InputError
from supportmatrix.cli.explain import add_explain
from supportmatrix.cli.findings import add_findings
from supportmatrix.cli.init import add_init
from supportmatrix.cli.recommend import add_recommend
from supportmatrix.cli.release import add_diff, add_merge, add_observe, add_update
from supportmatrix.cli.tables import (
    add_docs_compare,
    add_docs_compare_mcm,
    add_overview,
    add_render,
    add_report,
)

__all__ = ["EXIT_OK", "EXIT_REGRESSION", "EXIT_USAGE", "SUBCOMMANDS", "build_parser", "main"]


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


def _fail(message: str) -> int:
    # One line, whatever the message holds, so the error reads cleanly in CI logs.
    print(f"{PROG}: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_USAGE


#: Registration order is the order in ``--help``.
SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    add_render,
    add_observe,
    add_diff,
    add_update,
    add_merge,
    add_docs_compare,
    add_docs_compare_mcm,
    add_report,
    add_overview,
    add_explain,
    add_init,
    add_findings,
    add_bench,
    add_recommend,
)
