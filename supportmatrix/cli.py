"""The ``supportmatrix`` command line.

Each subcommand is one ``_add_<name>`` function in `SUBCOMMANDS` that adds its parser and
sets ``handler``; a handler returns the exit code. Bad input (a malformed or missing
matrix) is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from supportmatrix import __version__
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
        help="write the support table (Markdown, RST or JSON) generated from matrix.yaml",
        description=(
            "Render the declared matrix as the Markdown support table, as PennyLane's "
            "RST table (the layout of its interfaces.rst), or as JSON."
        ),
    )
    parser.add_argument(
        "--matrix", default="matrix.yaml", metavar="PATH", help="matrix file (default: %(default)s)"
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
    # Imported here so `--help` and argument errors never depend on the loader's imports.
    from supportmatrix.loader import MatrixError, load_matrix

    try:
        matrix = load_matrix(args.matrix)
    except MatrixError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot read matrix {args.matrix}: {exc.strerror or exc}")

    text = FORMATS[args.format](matrix)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomic(Path(args.output), text)
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    return EXIT_OK


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
SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (_add_render,)
