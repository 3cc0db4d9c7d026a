"""Unit tests for `supportmatrix.bench.run`: what a timeout, a refusal or a crash does to a series."""

from __future__ import annotations

from typing import Any

import pytest

from supportmatrix.bench import run
from supportmatrix.bench.plan import expand
from supportmatrix.bench.timing import Budget


def _fake_child(spec: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    if spec["diff_method"] == "backprop" and spec["device"] == "lightning.qubit":
        return {
            "status": "refused",
            "error": {"type": "QuantumFunctionError", "message": "no", "stage": "build"},
        }
    if spec["diff_method"] == "parameter-shift" and spec["qubits"] >= 4:
        return {"status": "timed-out", "reason": f"over the {timeout:g} s timeout"}
    return {"status": "ok", "wall_seconds": {"median": spec["qubits"] / 4}}


def test_a_series_stops_at_its_first_failure_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "run_child", _fake_child)
    configs = expand(
        devices=["default.qubit", "lightning.qubit"],
        diff_methods=["backprop", "parameter-shift"],
        interfaces=["torch"],
        qubits=[2, 4, 6],
        layers=[2, 1],
        layers_at=[4],
    )
    records = run.measure_configs(configs, run.Settings(Budget(0.1, 1, 2), timeout=9))
    status = {
        (r["device"], r["diff_method"], r["qubits"], r["layers"]): (r["status"], r.get("reason"))
        for r in records
    }
    assert len(records) == len(configs)
    assert status[("default.qubit", "parameter-shift", 4, 2)] == ("timed-out", "over the 9 s timeout")
    assert status[("default.qubit", "parameter-shift", 6, 2)] == (
        "skipped",
        "timed-out at n = 4 (over the 9 s timeout)",
    )
    assert status[("default.qubit", "parameter-shift", 4, 1)][0] == "timed-out"  # its own series
    assert status[("lightning.qubit", "backprop", 2, 2)][0] == "refused"
    # A refusal is the device's answer to the method: other layer counts are skipped too.
    assert status[("lightning.qubit", "backprop", 4, 1)] == (
        "skipped",
        "refused at n = 2 (QuantumFunctionError)",
    )
    assert status[("default.qubit", "backprop", 6, 2)] == ("ok", None)


def test_max_step_ends_a_series_whose_step_became_expensive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "run_child", _fake_child)
    configs = expand(
        devices=["default.qubit"],
        diff_methods=["backprop"],
        interfaces=["torch"],
        qubits=[2, 4, 6, 8],
        layers=[2],
    )
    records = run.measure_configs(configs, run.Settings(Budget(0.1, 1, 2), timeout=9, max_step=0.9))
    assert [(r["qubits"], r["status"]) for r in records] == [
        (2, "ok"),
        (4, "ok"),
        (6, "skipped"),
        (8, "skipped"),
    ]
    assert records[2]["reason"] == "the step took 1 s at n = 4, over --max-step 0.9 s"
