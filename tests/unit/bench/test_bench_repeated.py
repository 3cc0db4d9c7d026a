"""Unit tests for repeated runs: shuffled order, the run loop's limits and load, and merging runs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from supportmatrix.bench import repeated, run, spreads
from supportmatrix.bench.idle import Gate
from supportmatrix.bench.plan import expand, shuffled
from supportmatrix.bench.plots import _line
from supportmatrix.bench.timing import Budget
from supportmatrix.matrix.devices import LIGHTNING_STATEVECTOR, PYTHON_MIXED, PYTHON_STATEVECTOR
from tests.unit.bench import bench_data

CONFIGS = expand(
    devices=[PYTHON_STATEVECTOR, LIGHTNING_STATEVECTOR, PYTHON_MIXED],
    diff_methods=["backprop", "adjoint"],
    interfaces=["torch"],
    qubits=[2, 4, 6, 8, 10],
    layers=[2],
)


def test_shuffling_keeps_qubit_counts_ascending_and_is_seeded() -> None:
    first, again, other = (shuffled(CONFIGS, seed=s) for s in (3, 3, 4))
    assert first == again and first != other and sorted(first, key=CONFIGS.index) == CONFIGS
    assert [c.qubits for c in first] == sorted(c.qubits for c in CONFIGS)


def _ok_child(spec: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    return {"status": "ok", "wall_seconds": {"median": 0.01}}


def test_a_series_over_the_memory_limit_is_never_started(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[tuple[str, int]] = []

    def child(spec: dict[str, Any], *, timeout: float) -> dict[str, Any]:
        started.append((spec["device"], spec["qubits"]))
        return _ok_child(spec, timeout=timeout)

    monkeypatch.setattr(run, "run_child", child)
    # 1.1 GiB: the fixed 1 GiB plus 8 states fits up to n = 18 on a state vector; a density
    # matrix's backprop (4^n entries, 4 states per gate: 1.25 GiB) passes it at n = 8.
    settings = run.Settings(Budget(0.1, 1, 2), timeout=9, memory_limit=lambda: int(1.1 * 2**30))
    records = run.measure_configs(CONFIGS, settings)
    mixed = {r["qubits"]: r for r in records if (r["device"], r["diff_method"]) == (PYTHON_MIXED, "backprop")}
    assert mixed[6]["status"] == "ok" and mixed[8]["stop"] == mixed[10]["stop"] == "memory"
    assert mixed[8]["reason"].startswith("memory at n = 8: predicted")
    assert mixed[8]["predicted_bytes"] > 1.1 * 2**30
    assert mixed[10]["status"] == "skipped" and mixed[10]["reason"] == mixed[8]["reason"]
    assert (PYTHON_MIXED, 8) in started  # its adjoint fits
    assert all(r["status"] == "ok" for r in records if r["device"] != PYTHON_MIXED)


def test_every_measurement_waits_for_the_gate_and_records_the_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "run_child", _ok_child)
    loads = iter([0.4, 2.0, 2.0, 2.0] + [0.1] * 100)
    gate = Gate(1.0, 0.0, read=lambda: next(loads), sleep=lambda s: None, clock=lambda: 0.0)
    records = run.measure_configs(CONFIGS[:3], run.Settings(Budget(0.1, 1, 2), timeout=9, gate=gate), run=2)
    assert [(r["load_before"], r["idle"], r["run"]) for r in records] == [
        (0.4, True, 2),
        (2.0, False, 2),
        (2.0, False, 2),
    ]


def test_a_timed_out_or_slow_series_stops_for_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        run,
        "run_child",
        lambda spec, timeout: {"status": "ok", "wall_seconds": {"median": spec["qubits"] / 4}},
    )
    records = run.measure_configs(CONFIGS, run.Settings(Budget(0.1, 1, 2), timeout=9, max_step=1.2))
    at = {(r["device"], r["diff_method"], r["qubits"]): r for r in records}
    assert at[(PYTHON_STATEVECTOR, "adjoint", 6)]["status"] == "ok"  # 1.5 s: measured, then it stops
    assert at[(PYTHON_STATEVECTOR, "adjoint", 8)]["stop"] == "time"


def test_k_runs_each_shuffled_by_its_own_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "run_child", _ok_child)
    monkeypatch.setattr(run, "measure_bandwidth", lambda timeout: {"bytes_per_second": 1e9, "runs": []})
    monkeypatch.setattr(run, "machine_info", lambda: {"load_average": 0.1})
    settings = run.Settings(Budget(0.1, 1, 2), timeout=9, runs=3, order_seed=5)
    document = run.run_benchmark(
        CONFIGS, settings, seed004=True, progress_bar=False, command="supportmatrix bench"
    )
    assert [sum(r["run"] == k for r in document["records"]) for k in range(3)] == [len(CONFIGS)] * 3
    orders = [
        [(r["device"], r["diff_method"], r["qubits"]) for r in document["records"] if r["run"] == k]
        for k in range(3)
    ]
    assert orders[0] == [(c.device, c.diff_method, c.qubits) for c in shuffled(CONFIGS, seed=5)]
    assert orders[1] == [(c.device, c.diff_method, c.qubits) for c in shuffled(CONFIGS, seed=6)] != orders[0]
    assert len(document["seed004"]) == 3 * 4 and {r["run"] for r in document["seed004"]} == {0, 1, 2}
    s = document["settings"]
    assert (s["runs"], s["order_seed"], s["command"]) == (3, 5, "supportmatrix bench")


def _three_runs() -> dict[str, Any]:
    return bench_data.synthetic_document(runs=3)


def test_merging_gives_the_median_and_range_of_the_runs_medians() -> None:
    merged = repeated.merge(_three_runs())
    one = next(
        r
        for r in merged["records"]
        if (r["device"], r["diff_method"], r["interface"], r["qubits"], r["layers"])
        == (PYTHON_STATEVECTOR, "adjoint", "torch", 10, 2)
    )
    base = bench_data.MODELS[(PYTHON_STATEVECTOR, "adjoint")](10, 60)
    assert one["wall_seconds"]["median"] == pytest.approx(1.05 * base)
    assert (one["wall_seconds"]["min"], one["wall_seconds"]["max"]) == pytest.approx((base, 1.1 * base))
    assert one["runs_ok"] == one["runs"] == 3
    assert len(merged["seed004"]) == 4 and merged["seed004"][1]["seconds"] == pytest.approx(6.3)


def test_a_configuration_not_measured_in_every_run_is_not_ok() -> None:
    document = _three_runs()
    target = next(r for r in document["records"] if r["run"] == 1 and r["status"] == "ok")
    target.clear()
    target.update(
        {
            **{
                k: v
                for k, v in document["records"][0].items()
                if k in ("device", "diff_method", "interface", "qubits", "layers", "params", "gates")
            },
            "run": 1,
            "status": "timed-out",
            "reason": "over",
        }
    )
    merged = repeated.merge(document)
    assert sum(r["status"] == "timed-out" and r["runs_ok"] == 2 for r in merged["records"]) == 1


def test_one_run_over_the_threshold_marks_the_configuration() -> None:
    document = _three_runs()
    for r in document["records"]:
        r["idle"] = not (r["run"] == 2 and r["qubits"] == 12 and r["diff_method"] == "adjoint")
    merged = repeated.merge(document)
    over = [r for r in merged["records"] if r.get("idle") is False]
    assert over and all(r["qubits"] == 12 and r["diff_method"] == "adjoint" for r in over)
    assert f"{spreads.OVER}" in spreads.medians_table(document)
    assert "adjoint vs backprop | torch | 2 | holds in all 3 run(s): backprop is faster" in (
        table := spreads.crossover_consensus_table(document)
    )
    assert f"measured n = 4–14 {spreads.OVER} over the load threshold at n = 12 |" in table
    line = _line(
        merged,
        value="time",
        device=PYTHON_STATEVECTOR,
        interface="torch",
        method="adjoint",
        where={"layers": 2},
    )
    assert [x for x, *_, flagged in line if flagged] == [12]
    low, high = line[0][2], line[0][3]  # several runs: the band is the range of their medians
    assert (low, high) == pytest.approx(
        (
            bench_data.MODELS[(PYTHON_STATEVECTOR, "adjoint")](4, 24),
            1.1 * bench_data.MODELS[(PYTHON_STATEVECTOR, "adjoint")](4, 24),
        )
    )


def _slow_down(
    document: dict[str, Any], *, run: int, qubits: int, config: tuple[str, str], by: float
) -> None:
    """Multiply one run's times of ``config`` at ``qubits`` (every interface and layer count)."""
    for r in document["records"]:
        if (r["run"], r["qubits"], r["device"], r["diff_method"], r["status"]) == (
            run,
            qubits,
            *config,
            "ok",
        ):
            r["wall_seconds"] = {k: by * v for k, v in r["wall_seconds"].items()}


def test_a_crossover_is_claimed_only_when_every_run_finds_it() -> None:
    document = _three_runs()
    assert (
        "| default.qubit: adjoint vs backprop | torch | 2 | holds in all 3 run(s): backprop is faster from n = 4; adjoint from n = 10"
        in spreads.crossover_consensus_table(document)
    )
    flipped = copy.deepcopy(document)
    _slow_down(flipped, run=2, qubits=10, config=(PYTHON_STATEVECTOR, "adjoint"), by=10)  # later crossover
    text = spreads.crossover_consensus_table(flipped)
    assert (
        "| default.qubit: adjoint vs backprop | torch | 2 | no claim: the runs disagree on the crossovers (run 1: n = 8–10; run 2: n = 8–10; run 3: n = 10–12) |"
        in text
    )


def test_the_fastest_is_claimed_only_where_every_run_agrees() -> None:
    document = _three_runs()
    assert set(repeated.fastest_every_run(document, interface="torch", layers=2).values()) == {
        f"{LIGHTNING_STATEVECTOR} adjoint"
    }
    _slow_down(document, run=0, qubits=6, config=(LIGHTNING_STATEVECTOR, "adjoint"), by=100)
    winners = repeated.fastest_every_run(document, interface="torch", layers=2)
    assert winners[6] is None and winners[8] == f"{LIGHTNING_STATEVECTOR} adjoint"


def test_exponents_give_their_range_across_runs_and_their_points() -> None:
    text = spreads.exponent_spread_table(_three_runs())
    row = next(line for line in text.splitlines() if line.startswith("| default.qubit | torch | backprop |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[4].startswith(("3 (", "4 (", "5 (")) and cells[6] == cells[4].split()[0]
    assert cells[5].count("–") <= 1 and cells[3] != "–"


def test_the_stops_table_says_why_each_series_ended() -> None:
    text = spreads.stops_table(_three_runs())
    assert (
        "| lightning.qubit | torch | backprop | 2 | none | 4 | failure: QuantumFunctionError |"
        in text.replace("refused: Quantum", "failure: Quantum")
    )
    assert "| default.qubit | torch | adjoint | 2 | 14 | – | none: its last size measured (n = 14) |" in text


def test_seed004_reports_its_threads_over_the_runs() -> None:
    document = _three_runs()
    for r in document["seed004"]:
        r.update(threads_busy=1 + r["run"] % 2, threads_alive=9, load_before=0.3)
    text = spreads.seed004_runs_table(document)
    assert "| default.qubit | adjoint | 6.3 s | 6 s–6.6 s | 1.00 | 1–2 | 9 |" in text
