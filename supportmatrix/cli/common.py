"""What every subcommand shares: exit codes, common options, loading inputs, one-line errors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supportmatrix.matrix.model import Matrix
from supportmatrix.output import write_atomic

PROG = "supportmatrix"


EXIT_OK = 0


EXIT_REGRESSION = 1  # diff: a cell regressed


EXIT_USAGE = 2  # argparse's own code for bad usage; bad input files are the user's to fix too


class InputError(Exception):
    """A file the user gave is missing, unreadable or malformed: one line, exit code 2."""


def add_matrix_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--matrix", default="matrix.yaml", metavar="PATH", help="matrix file (default: %(default)s)"
    )


def add_output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help="write here, atomically, instead of to stdout")


def add_workers_option(parser: argparse.ArgumentParser) -> None:
    """``-n``: the cell runs' worker processes, for the commands that run cells."""
    parser.add_argument(
        "-n",
        "--workers",
        default="auto",
        metavar="N",
        help="parallel worker processes, as pytest-xdist's -n (default: %(default)s)",
    )


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    """``--no-progress``, for the commands that draw a progress bar."""
    parser.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar (it goes to stderr)"
    )


def add_versions_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--versions",
        metavar="CONSTRAINTS",
        help="resolve version gates for the versions pinned in this pip constraints file "
        "(e.g. constraints.txt) instead of the installed ones",
    )


def add_from_option(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        "--from",
        dest="results",
        metavar="RESULTS",
        help=f"{verb} what this results file observed instead of what the matrix declares",
    )


def declared_or_observed(args: argparse.Namespace) -> Matrix:
    """The matrix ``--matrix`` declares, or the one ``--from`` observed."""
    if args.results is None:
        return read_matrix(args.matrix, resolve_versions(getattr(args, "versions", None)))
    from supportmatrix.release.observed_matrix import observed_matrix

    try:
        return observed_matrix(read_results(args.results), source=args.results)
    except ValueError as exc:  # cells without an observation
        raise InputError(str(exc)) from None


def resolve_versions(constraints: str | None) -> dict[str, str | None] | None:
    if constraints is None:
        return None
    from supportmatrix.matrix.versions import pinned_versions

    try:
        return pinned_versions(constraints)
    except OSError as exc:
        raise InputError(f"cannot read constraints {constraints}: {reason_of(exc)}") from None
    except ValueError as exc:
        raise InputError(str(exc)) from None


def read_results(path: str) -> dict:
    from supportmatrix.release.results import ResultsError, load_results

    try:
        return load_results(path)
    except ResultsError as exc:
        raise InputError(str(exc)) from None


def read_matrix(path: str, versions: dict[str, str | None] | None = None) -> Matrix:
    # Imported here so `--help` and argument errors never depend on the loader's imports.
    from supportmatrix.matrix.load import MatrixError, load_matrix

    try:
        return load_matrix(path, versions=versions)
    except MatrixError as exc:
        raise InputError(str(exc)) from None
    except OSError as exc:
        raise InputError(f"cannot read matrix {path}: {reason_of(exc)}") from None


def emit(text: str, output: str | None) -> None:
    """Write `text` to stdout, or atomically to the file `output`."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(Path(output), text)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {reason_of(exc)}") from None


def whole_number(text: str) -> int:
    """A whole number >= 0, for argparse."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def reason_of(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)
