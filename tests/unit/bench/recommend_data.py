"""Benchmark results and matrix files with known answers, for the tests of ``supportmatrix recommend``."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from supportmatrix.bench import results
from supportmatrix.bench.circuits import Circuit
from tests.unit.bench import bench_data

QUBITS = (2, 4, 6, 8, 10)
#: Seconds per forward + gradient, each of the model's exact form t = P^k (a + b 2^n):
#: lightning adjoint is the fastest, default.qubit backprop next, adjoint slowest.
TIMES: dict[tuple[str, str], Callable[[int, int], float]] = {
    ("lightning.qubit", "adjoint"): lambda n, p: p * (1e-5 + 1e-8 * 2**n),
    ("default.qubit", "backprop"): lambda n, p: p * (2e-5 + 2e-8 * 2**n),
    ("default.qubit", "adjoint"): lambda n, p: p * (4e-5 + 4e-8 * 2**n),
}
#: Peak memory growth, of the model's form: backprop keeps a state per gate.
MEMORY: dict[tuple[str, str], Callable[[int, int], float]] = {
    ("lightning.qubit", "adjoint"): lambda n, p: 2**20 + 64 * 2**n,
    ("default.qubit", "backprop"): lambda n, p: 2**20 + 16 * 2**n * p,
    ("default.qubit", "adjoint"): lambda n, p: 2**21 + 48 * 2**n,
}


def document(interfaces: tuple[str, ...] = ("torch",), **record_fields: Any) -> dict[str, Any]:
    """A results document of one run measuring `TIMES` at every `QUBITS` with 2 layers, and
    at 4 layers at n = 4; ``record_fields`` are added to every record (a load mark, say)."""
    base = bench_data.synthetic_document()
    records = []
    for interface in interfaces:
        for (device, method), time in TIMES.items():
            for n, layers in [*((n, 2) for n in QUBITS), (4, 4)]:
                p = Circuit(n, layers).params
                measured = bench_data.ok(time(n, p), memory=int(MEMORY[(device, method)](n, p)))
                records.append(
                    bench_data.record(
                        device, method, interface, n, layers, run=0, **measured, **record_fields
                    )
                )
    return results.build(
        machine=base["machine"],
        settings=base["settings"],
        bandwidth=base["bandwidth"],
        records=records,
        seed004=[],
    )


#: A QNode matrix of both devices, torch and jax, the four benchmarked methods and
#: parameter-shift, two measurements and two shots values; supported unless a rule says not.
#: The features family has the same axes with the Hessian features for the measurement.
AXES = {
    "device": "default.qubit, lightning.qubit",
    "interface": "torch, jax",
    "diff_method": "backprop, adjoint, parameter-shift",
    "measurement": "expval, probs, var",
    "shots": "None, 100",
}


def _axes(indent: str, **replaced: str) -> str:
    return "".join(f"{indent}{axis}: [{values}]\n" for axis, values in {**AXES, **replaced}.items())


MATRIX = (
    "schema_version: 2\naxes:\n"
    + _axes("  ")
    + """\
notes:
  wrong-grad: "The gradient is silently wrong."
  no-backprop: "Lightning has no backprop."
rules:
  - expect: supported
  - where: {device: lightning.qubit, diff_method: backprop}
    expect:
      outcome: errors
      error: {class: QuantumFunctionError, match: backprop, stage: forward}
      note: no-backprop
"""
)
FEATURES = (
    "features:\n  axes:\n"
    + _axes("    ", measurement="hessian, hessian-probs").replace("measurement:", "feature:")
    + "  rules:\n    - expect: supported\n"
)


def write_matrix(directory: Path, *rules: str, features: str = "", name: str = "matrix.yaml") -> Path:
    """`MATRIX` with ``rules`` (YAML list items) appended, then ``features`` (a features
    section, its own rules included)."""
    path = directory / name
    extra = "".join(textwrap.indent(textwrap.dedent(rule), "  ") for rule in rules)
    path.write_text(MATRIX + extra + textwrap.dedent(features), encoding="utf-8")
    return path


def incorrect(where: str) -> str:
    """A rule declaring the cells ``where`` (a YAML flow mapping) matches incorrect."""
    return f"- where: {where}\n  expect: {{outcome: incorrect, note: wrong-grad}}\n"
