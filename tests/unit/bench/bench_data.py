"""A small synthetic benchmark results document, with known crossovers, for the bench unit tests."""

from __future__ import annotations

from typing import Any

from supportmatrix.bench import results
from supportmatrix.bench.circuits import Circuit

QUBITS = (4, 6, 8, 10, 12, 14)
INTERFACES = ("torch", "jax-jit")
LAYER_SERIES = (1, 4)  # beside the base 2, at n = 8

#: Median seconds per (device, method) as a function of (qubits, params): an overhead plus a
#: part that doubles per qubit. default.qubit adjoint overtakes backprop between n = 10 and 12.
MODELS = {
    ("default.qubit", "backprop"): lambda n, p: 1e-3 + 1e-6 * 2**n * p / 12,
    ("default.qubit", "adjoint"): lambda n, p: 3e-3 + 0.4e-6 * 2**n * p / 12,
    ("lightning.qubit", "adjoint"): lambda n, p: 0.5e-3 + 0.2e-6 * 2**n * p / 12,
}
REFUSAL = {
    "type": "QuantumFunctionError",
    "stage": "build",
    "message": "Device <lightning.qubit device (wires=4) at 0x…> does not support backprop",
}


def record(
    device: str, method: str, interface: str, qubits: int, layers: int, **measured: Any
) -> dict[str, Any]:
    circuit = Circuit(qubits, layers)
    return {
        "device": device,
        "diff_method": method,
        "interface": interface,
        "qubits": qubits,
        "layers": layers,
        "params": circuit.params,
        "gates": circuit.gates,
        **measured,
    }


def ok(seconds: float, *, memory: int = 2**20, cpu: float = 1.0) -> dict[str, Any]:
    wall = {
        "median": seconds,
        "q1": 0.95 * seconds,
        "q3": 1.05 * seconds,
        "min": 0.9 * seconds,
        "max": 1.2 * seconds,
    }
    return {
        "status": "ok",
        "first_call_seconds": 2 * seconds,
        "repeats": 10,
        "repeat_seconds": 10 * seconds,
        "wall_seconds": wall,
        "cpu_per_wall": cpu,
        "memory": {
            "before_first_call_bytes": 300 * 2**20,
            "first_call_peak_growth_bytes": memory,
            "peak_growth_bytes": memory,
        },
        "os_threads": 3,
        "threads": {"environment": {}, "usable_cores": 2, "torch_threads": 2},
        "load_average": 1.0,
    }


MACHINE: dict[str, Any] = {
    "name": "testbox",
    "cpu_model": "Test CPU",
    "logical_cores": 2,
    "usable_cores": 2,
    "memory_bytes": 8 * 2**30,
    "caches": {"L2": "1024K"},
    "threads": {"environment": {"OMP_NUM_THREADS": None}, "usable_cores": 2},
    "load_average": 0.5,
    "python": "3.11.0",
    "platform": "Linux",
    "packages": {"pennylane": "0.45.1"},
    "supportmatrix": "0.1.0",
    "commit": None,
    "timestamp": "2026-01-01T00:00:00+00:00",
}
SETTINGS: dict[str, Any] = {
    "run_seconds": 100.0,
    "budget_seconds": 0.5,
    "min_repeats": 3,
    "max_repeats": 100,
    "timeout_seconds": 60.0,
    "circuit": "test",
}
SEED: list[dict[str, Any]] = [
    {
        "device": "default.qubit",
        "diff_method": "backprop",
        "status": "ok",
        "seconds": 1.0,
        "cpu_per_wall": 1.9,
        "peak_memory_growth_bytes": 10 * 2**20,
        "accuracy": 0.88,
    },
    {
        "device": "default.qubit",
        "diff_method": "adjoint",
        "status": "ok",
        "seconds": 6.0,
        "cpu_per_wall": 1.0,
        "peak_memory_growth_bytes": 9 * 2**20,
        "accuracy": 0.88,
    },
    {"device": "lightning.qubit", "diff_method": "backprop", "status": "refused", "error": REFUSAL},
    {
        "device": "lightning.qubit",
        "diff_method": "adjoint",
        "status": "ok",
        "seconds": 2.0,
        "cpu_per_wall": 1.1,
        "peak_memory_growth_bytes": 9 * 2**20,
        "accuracy": 0.88,
    },
]


def synthetic_document(runs: int = 1) -> dict[str, Any]:
    """``runs`` runs of the same models, run k's times scaled by 1 + k / 20 (so every run has
    the same crossovers and fastest configurations, and the medians differ)."""
    records = []
    seed = []
    for k in range(runs):
        records += [{**r, "run": k} for r in _run_records(1 + k / 20)]
        seed += [
            {**r, "run": k, **({"seconds": r["seconds"] * (1 + k / 20)} if "seconds" in r else {})}
            for r in SEED
        ]
    return results.build(
        machine=MACHINE,
        settings={**SETTINGS, "configurations": len(records) // runs, "runs": runs},
        bandwidth={"bytes_per_second": 20e9, "runs": []},
        records=records,
        seed004=seed,
    )


def _run_records(scale: float) -> list[dict[str, Any]]:
    records = []
    for n in QUBITS:
        for layers in (2, *(LAYER_SERIES if n == 8 else ())):
            for interface in INTERFACES:
                p = Circuit(n, layers).params
                for (device, method), model in MODELS.items():
                    memory = 2**n * 16 * (4 * n * layers if method == "backprop" else 2)
                    records.append(
                        record(
                            device,
                            method,
                            interface,
                            n,
                            layers,
                            **ok(
                                scale * model(n, p), memory=memory, cpu=1.8 if method == "backprop" else 1.0
                            ),
                        )
                    )
                status = (
                    {"status": "refused", "error": REFUSAL}
                    if n == QUBITS[0]
                    else {"status": "skipped", "reason": "refused at n = 4 (QuantumFunctionError)"}
                )
                records.append(record("lightning.qubit", "backprop", interface, n, layers, **status))
    return records
