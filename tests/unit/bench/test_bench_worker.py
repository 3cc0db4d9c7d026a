"""One real run: the worker child measures a tiny configuration and answers a sane record."""

from __future__ import annotations

import pytest

from supportmatrix.bench.run import run_child

pytest.importorskip("pennylane")


def test_the_worker_measures_one_tiny_configuration_in_a_child() -> None:
    spec = {
        "kind": "circuit",
        "device": "default.qubit",
        "interface": "autograd",
        "diff_method": "backprop",
        "qubits": 2,
        "layers": 1,
        "params": 6,
        "gates": 8,
        "budget": 0.2,
        "min_repeats": 3,
        "max_repeats": 50,
    }
    record = run_child(spec, timeout=120)
    assert record["status"] == "ok", record
    wall = record["wall_seconds"]
    assert 3 <= record["repeats"] <= 50
    assert 0 < wall["min"] <= wall["q1"] <= wall["median"] <= wall["q3"] <= wall["max"]
    assert record["first_call_seconds"] > 0 and record["cpu_per_wall"] > 0
    memory = record["memory"]
    assert set(memory) == {"before_first_call_bytes", "first_call_peak_growth_bytes", "peak_growth_bytes"}
    assert all(v is None or v >= 0 for v in memory.values())
    assert "OMP_NUM_THREADS" in record["threads"]["environment"]
    assert record["load_average"] is None or record["load_average"] >= 0
