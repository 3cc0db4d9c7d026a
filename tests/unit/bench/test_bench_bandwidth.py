"""Unit tests for `supportmatrix.bench.bandwidth`: pass counts, bytes and fractions, by hand."""

from __future__ import annotations

import pytest

from supportmatrix.bench.axes import DIFF_METHODS
from supportmatrix.bench.bandwidth import (
    bandwidth_fraction,
    bytes_per_pass,
    bytes_touched,
    measure_bandwidth,
    state_passes,
)
from supportmatrix.bench.circuits import Circuit


def test_the_circuit_counts_gates_and_parameters() -> None:
    circuit = Circuit(qubits=3, layers=2)
    assert (circuit.gates, circuit.params) == (24, 18)
    assert circuit.initial_params().shape == (2, 3, 3)


@pytest.mark.parametrize(
    ("method", "passes"),
    [
        ("backprop", 2 * 24 + 18 + 2),  # F + G + P + 1
        ("adjoint", 3 * 24 + 2 * 18 + 2),  # F + 1 + 2G + 2P
        ("parameter-shift", (2 * 18 + 1) * 25),
        ("finite-diff", (18 + 1) * 25),
    ],
)
def test_state_passes_follow_the_derivation(method: str, passes: int) -> None:
    assert state_passes(method, gates=24, params=18) == passes


def test_every_diff_method_has_a_pass_count() -> None:
    for method in DIFF_METHODS:
        assert state_passes(method, gates=4, params=3) > 0
    with pytest.raises(ValueError, match="no pass count for diff method 'spsa'"):
        state_passes("spsa", gates=4, params=3)


def test_bytes_and_fraction_arithmetic() -> None:
    assert bytes_per_pass(10) == 1024 * 16 * 2
    touched = bytes_touched("adjoint", qubits=10, gates=24, params=18)
    assert touched == 110 * 32768
    # 3.6 MB in 1 ms is 3.6 GB/s: a tenth of 36 GB/s.
    assert bandwidth_fraction(3_600_000, 1e-3, 36e9) == pytest.approx(0.1)


def test_measure_bandwidth_reports_read_plus_write_bytes() -> None:
    run = measure_bandwidth(array_bytes=2**20, repeats=2, threads=2)
    assert run["array_bytes"] == 2**20 and run["threads"] == 2
    assert run["bytes_per_second"] == pytest.approx(2 * 2**20 / run["best_seconds"])
