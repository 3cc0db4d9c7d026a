"""The ``supportmatrix`` command line.

Each subcommand is one ``_add_<name>`` function in `SUBCOMMANDS` that adds its parser and
sets ``handler``; a handler returns the exit code, or raises `InputError`. Bad input (a
malformed or missing matrix or reference file) is one line on stderr and exit code 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from supportmatrix import __version__
from supportmatrix.model import Matrix
from supportmatrix.render import FORMATS

PROG = "supportmatrix"
EXIT_OK = 0
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
        help="write the support table (Markdown, RST or JSON) generated from matrix.yaml",
        description=(
            "Render the declared matrix as the Markdown support table, as PennyLane's "
            "RST table (the layout of its interfaces.rst), or as JSON."
        ),
    )
    _add_matrix_option(parser)
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="markdown",
        help="output format (default: %(default)s)",
    )
    _add_output_option(parser)
    parser.set_defaults(handler=_run_render)


def _run_render(args: argparse.Namespace) -> int:
    _emit(FORMATS[args.format](_load_matrix(args.matrix)), args.output)
    return EXIT_OK


def _add_docs_compare(subparsers: argparse._SubParsersAction) -> None:
    from supportmatrix.docs_compare import DEFAULT_DEVICE, DEFAULT_LIMIT

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
    from supportmatrix.docs_compare import render_comparison
    from supportmatrix.docs_table import DocsTableError, load_docs_table

    try:
        doc = load_docs_table(args.reference)
    except DocsTableError as exc:
        raise InputError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read reference {args.reference}: {_reason(exc)}") from None
    matrix = _load_matrix(args.matrix)
    try:
        report = render_comparison(doc, matrix, device=args.device, limit=args.limit)
    except ValueError as exc:  # the device is not in the matrix
        raise InputError(str(exc)) from None
    _emit(report, args.output)
    return EXIT_OK


def _add_matrix_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--matrix", default="matrix.yaml", metavar="PATH", help="matrix file (default: %(default)s)"
    )


def _add_output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here, atomically, instead of to stdout"
    )


def _load_matrix(path: str) -> Matrix:
    # Imported here so `--help` and argument errors never depend on the loader's imports.
    from supportmatrix.loader import MatrixError, load_matrix

    try:
        return load_matrix(path)
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


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step, so a failure never leaves it truncated."""
    # The temporary file must be in the same directory: os.replace is atomic only
    # within one filesystem.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp_name, _target_mode(path))  # mkstemp's 0600 would leak into the result
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _target_mode(path: Path) -> int:
    """Keep an existing file's mode; give a new one what a plain ``open`` would."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fail(message: str) -> int:
    # One line, whatever the message holds, so the error reads cleanly in CI logs.
    print(f"{PROG}: error: {' '.join(message.splitlines())}", file=sys.stderr)
    return EXIT_USAGE


#: Registration order is the order in ``--help``; add ``_add_observe`` etc. here.
SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_render,
    _add_docs_compare,
)
