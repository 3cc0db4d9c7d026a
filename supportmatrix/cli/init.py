"""``supportmatrix init``: observe every cell on an installed device and write its declaration."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from supportmatrix.cli.common import (
    EXIT_OK,
    InputError,
    add_progress_option,
    add_workers_option,
    read_matrix,
    read_results,
)


def add_init(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "init",
        help="observe every cell on an installed device and write its declaration",
        description="Run every cell of every family that applies to any device (the QNode and "
        "features families, and with --like the hybrid layers) on DEVICE, and write a complete matrix file that "
        "declares what was observed: rules grouped by cause, one note per cause "
        "for a person to reword. `pytest --matrix FILE` then passes on that device.",
    )
    parser.add_argument(
        "--device",
        required=True,
        metavar="NAME",
        help="the device's PennyLane short name, e.g. default.mixed",
    )
    parser.add_argument(
        "--device-kwargs",
        nargs="*",
        default=[],
        metavar="K=V",
        help="constructor keyword arguments; each value is read as YAML "
        "(method=statevector, shots=100, cutoff=null)",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the matrix file to write, e.g. devices/NAME.yaml",
    )
    parser.add_argument(
        "--only",
        nargs="*",
        default=[],
        metavar="AXIS=V1,V2",
        help="declare only these values of an axis, e.g. interface=autograd,torch (None is spelled None)",
    )
    parser.add_argument(
        "--like",
        metavar="MATRIX",
        help="borrow the notes, error and warning keys of this declaration "
        "(e.g. matrix.yaml) where the same cell on its devices had the "
        "same outcome and exception",
    )
    parser.add_argument(
        "--results",
        metavar="FILE",
        help="also keep what was observed, as a results file (`supportmatrix "
        "diff` reads it, and --from declares from it again)",
    )
    parser.add_argument(
        "--from",
        dest="from_results",
        metavar="RESULTS",
        help="declare what this results file of an earlier init observed, "
        "without running a cell (same --device, --only)",
    )
    add_workers_option(parser)
    add_progress_option(parser)
    parser.set_defaults(handler=_run_init)


def device_kwargs(pairs: list[str]) -> dict[str, Any]:
    """``K=V`` pairs as keyword arguments, each value a YAML scalar or flow collection."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    kwargs: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise InputError(f"--device-kwargs: expected KEY=VALUE with KEY an identifier, got {pair!r}")
        try:
            kwargs[key] = YAML(typ="safe").load(value) if value else ""
        except YAMLError as exc:
            raise InputError(
                f"--device-kwargs {key}: not a YAML value: {' '.join(str(exc).split())}"
            ) from None
    return kwargs


def only_values(pairs: list[str]) -> dict[str, list[Any]]:
    """``AXIS=V1,V2`` pairs as axis -> values (``None`` and integers as such, for shots)."""
    only: dict[str, list[Any]] = {}
    for pair in pairs:
        axis, sep, values = pair.partition("=")
        if not sep or not axis:
            raise InputError(f"--only: expected AXIS=V1,V2, got {pair!r}")
        only[axis] = [_axis_value(axis, v.strip()) for v in values.split(",") if v.strip()]
    return only


def _axis_value(axis: str, text: str) -> Any:
    if axis == "shots":
        return None if text == "None" else int(text) if text.isdigit() else text
    return text


def read_results_path(path: str) -> str:
    """``path``, once it reads as a results file (a bad one is one line, exit 2)."""
    read_results(path)
    return path


def _run_init(args: argparse.Namespace) -> int:
    from importlib.util import find_spec

    if find_spec("pennylane") is None:
        raise InputError("PennyLane is not installed: pip install pennylane")
    from supportmatrix.release.device_probe import InitError
    from supportmatrix.release.init_device import init_device
    from supportmatrix.release.observe import ObserveError

    kwargs = device_kwargs(args.device_kwargs)
    only = only_values(args.only)
    output = Path(args.output)
    like = None if args.like is None else Path(args.like)
    if like is not None:
        read_matrix(args.like)  # a bad file is one line here, before any cell runs
    if output.is_dir():
        raise InputError(f"-o {output}: is a directory; give the file to write")
    command = "supportmatrix init " + shlex.join(
        [
            "--device",
            args.device,
            *(["--device-kwargs", *args.device_kwargs] if args.device_kwargs else []),
            *(["--only", *args.only] if args.only else []),
            *(["--like", args.like] if args.like else []),
            "-o",
            args.output,
        ]
    )
    start = time.perf_counter()
    try:
        result = init_device(
            args.device,
            kwargs,
            output,
            workers=args.workers,
            progress=args.progress,
            command=command,
            only=only,
            like=like,
            results=None if args.results is None else Path(args.results),
            from_results=None if args.from_results is None else Path(read_results_path(args.from_results)),
        )
    except (InitError, ObserveError) as exc:
        raise InputError(str(exc)) from None
    seconds = time.perf_counter() - start
    outcomes = ", ".join(f"{n} {o}" for o, n in sorted(result.counts.items()))
    print(
        f"{output}: {result.cells} cells of {args.device} ({outcomes}); {result.causes} causes, "
        f"{result.rules} rules; {seconds:.0f} s",
        file=sys.stdout,
    )
    return EXIT_OK
