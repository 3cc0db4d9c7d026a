"""The ``recommend`` subcommand: which device and diff method to use for a circuit, from the matrix and the benchmark."""

from __future__ import annotations

import argparse

from supportmatrix.cli.common import EXIT_OK, InputError, emit, read_matrix

FORMATS = ("text", "json")
#: The options that have a default: flag, default, metavar, help before "(default: ...)".
_WITH_DEFAULTS = (
    ("--measurement", "expval", "NAME", "what the QNode returns, e.g. expval, probs, var"),
    ("--shots", "None", "SHOTS", "None for analytic, or a shot count"),
    ("--derivative", "first", "ORDER", "first, or second for Hessians (of expval or probs only)"),
    ("--results", "docs/bench/results.json", "RESULTS", "the benchmark's results file"),
    ("--format", "text", "FORMAT", "text, or json for tools"),
)


def add_recommend(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "recommend",
        help="which device and diff method to use: correct gradients first, then predicted time and memory",
        description="Rank the device × diff method configurations for a circuit of N qubits and P "
        "parameters. Only configurations the matrix declares supported for the interface, "
        "measurement, shots and derivative order are ranked, by the time per forward pass + "
        "gradient and the peak memory that the benchmark's fitted models predict (saying when "
        "they extrapolate or rest on measurements taken under load); those declared incorrect "
        "are listed to avoid, the rest as not available with their note. --held-out instead "
        "prints how well the models predict the benchmark's own points, each left out in turn.",
    )
    parser.add_argument("--qubits", metavar="N", help="the circuit's qubit count (>= 1)")
    parser.add_argument("--params", metavar="P", help="trainable parameter count (>= 1)")
    parser.add_argument(
        "--layers",
        metavar="L",
        help="layers of the benchmark circuit, instead of --params: P = 3 * N * L",
    )
    parser.add_argument(
        "--interface", metavar="NAME", help="the QNode's interface, e.g. torch, jax, autograd"
    )
    for flag, default, metavar, text in _WITH_DEFAULTS:
        parser.add_argument(flag, default=default, metavar=metavar, help=f"{text} (default: %(default)s)")
    parser.add_argument(
        "--device",
        action="append",
        metavar="NAME",
        help="consider only this device; repeat, or separate by commas, for several "
        "(default: every device of the matrices)",
    )
    parser.add_argument(
        "--matrix",
        nargs="+",
        action="extend",
        metavar="PATH",
        help="matrix files, e.g. matrix.yaml devices/lightning.kokkos.yaml; a device declared in two "
        "is read from the first (default: matrix.yaml)",
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="print each configuration's median and max leave-one-out prediction error instead",
    )
    parser.set_defaults(handler=_run_recommend)


def _count(text: str | None, option: str) -> int:
    if text is None:
        raise InputError(f"{option} is required (or give --held-out)")
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{option}: expected a whole number >= 1, got {text!r}")
    return int(text)


def _shots(text: str) -> int | None:
    if text in ("None", "none", "analytic"):
        return None
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"--shots: expected None or a shot count >= 1, got {text!r}")
    return int(text)


def _run_recommend(args: argparse.Namespace) -> int:
    from supportmatrix.bench import results
    from supportmatrix.bench.advice import held_out_table, to_json, to_text
    from supportmatrix.bench.predict import measured_points
    from supportmatrix.bench.recommend import Request, RequestError, recommend

    if args.format not in FORMATS:
        raise InputError(f"--format: unknown value {args.format!r}; allowed: {', '.join(FORMATS)}")
    try:
        document = results.load(args.results)
    except results.BenchResultsError as exc:
        raise InputError(str(exc)) from None
    points = measured_points(document)
    if args.held_out:
        emit(held_out_table(points, as_json=args.format == "json"), None)
        return EXIT_OK
    qubits = _count(args.qubits, "--qubits")
    if (args.params is None) == (args.layers is None):
        raise InputError("give one of --params P and --layers L")
    params = (
        _count(args.params, "--params")
        if args.params is not None
        else 3 * qubits * _count(args.layers, "--layers")
    )
    if args.interface is None:
        raise InputError("--interface is required, e.g. --interface torch")
    request = Request(
        qubits=qubits,
        params=params,
        interface=args.interface,
        measurement=args.measurement,
        shots=_shots(args.shots),
        derivative=args.derivative,
        devices=None if args.device is None else tuple(d for given in args.device for d in given.split(",")),
    )
    matrices = [read_matrix(path) for path in args.matrix or ["matrix.yaml"]]
    try:
        answer = recommend(matrices, points, request)
    except RequestError as exc:
        raise InputError(str(exc)) from None
    render = to_json if args.format == "json" else to_text
    emit(render(answer, results=args.results, memory_bytes=document["machine"].get("memory_bytes")), None)
    return EXIT_OK
