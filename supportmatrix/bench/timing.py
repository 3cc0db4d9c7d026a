"""One configuration measured inside its child process: build, first call, repeats to a budget.

The first call is timed apart (jax-jit compiles then; other interfaces trace or set up
caches) and then the step repeats until the time budget is spent, within a minimum and
maximum count. Wall time is per repeat; CPU time (all threads) and memory over the repeats
as a whole. Peak memory is the peak resident set during the repeats over the resident set
before the first call (`check.measure` resets the kernel's peak between the two), so it
counts what the first call left allocated (a compiled program, caches) and each step's own
transient peak, but not the compiler's transient peak, which is recorded separately.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportmatrix.bench.circuits import Circuit
from supportmatrix.bench.machine import load_average, thread_settings
from supportmatrix.bench.steps import gradient_step
from supportmatrix.bench.threads import thread_use
from supportmatrix.check.measure import measure, os_threads
from supportmatrix.release.messages import message_key


@dataclass(frozen=True)
class Budget:
    """How long to repeat a step: ``seconds``, but at least ``min_repeats`` and at most
    ``max_repeats`` times."""

    seconds: float
    min_repeats: int
    max_repeats: int


def spread(times: Sequence[float]) -> dict[str, float]:
    """Median, quartiles (NumPy's linear interpolation), minimum and maximum of ``times``."""
    q1, median, q3 = np.percentile(np.asarray(times, dtype=float), [25, 50, 75])
    return {
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
        "min": float(min(times)),
        "max": float(max(times)),
    }


def repeat(step: Callable[[], Any], budget: Budget) -> list[float]:
    """Wall time of each call of ``step`` until the budget is spent."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < budget.max_repeats and (
        len(times) < budget.min_repeats or time.perf_counter() - start < budget.seconds
    ):
        begin = time.perf_counter()
        step()
        times.append(time.perf_counter() - begin)
    return times


def error_of(exc: BaseException, *, stage: str) -> dict[str, str]:
    """An exception as the results file records it: exact class, its identifying line
    (`release.messages.message_key`: the first, object addresses blanked), stage."""
    cls = type(exc).__name__
    return {"type": cls, "message": message_key(cls, str(exc)), "stage": stage}


def measure_circuit(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Run one configuration of the benchmark circuit and return its record's measured part.

    An exception while building the QNode or in its first call is the configuration being
    refused (lightning.qubit has no backprop); one in a later repeat propagates, so that the
    parent records a crash with the traceback.
    """
    load = load_average()  # before this child's own work adds to it
    circuit = Circuit(spec["qubits"], spec["layers"])
    budget = Budget(spec["budget"], spec["min_repeats"], spec["max_repeats"])
    try:
        qnode = circuit.qnode(
            device=spec["device"], interface=spec["interface"], diff_method=spec["diff_method"]
        )
        step = gradient_step(qnode, circuit.initial_params(), interface=spec["interface"])
    except Exception as exc:  # noqa: BLE001 - the refusal is the observation
        return {"status": "refused", "error": error_of(exc, stage="build")}
    gc.collect()
    try:
        with measure() as first:
            step()
    except Exception as exc:  # noqa: BLE001 - as above
        return {"status": "refused", "error": error_of(exc, stage="first call")}
    with measure() as repeats, thread_use() as threads:
        times = repeat(step, budget)
    return {
        "status": "ok",
        "first_call_seconds": first.wall_seconds,
        "repeats": len(times),
        "repeat_seconds": repeats.wall_seconds,
        "wall_seconds": spread(times),
        "cpu_per_wall": repeats.cpu_seconds / repeats.wall_seconds,
        "memory": _memory(
            first.start_memory_bytes,
            first.peak_memory_bytes,
            repeats.start_memory_bytes,
            repeats.peak_memory_bytes,
        ),
        "os_threads": os_threads(),
        **threads.as_dict(),
        "threads": thread_settings(),
        "load_average": load,
    }


def _memory(
    before: int | None, first_peak: int | None, after_first: int | None, repeats_peak: int | None
) -> dict[str, int | None]:
    peak = None
    if before is not None and after_first is not None and repeats_peak is not None:
        peak = max(0, after_first + repeats_peak - before)
    return {
        "before_first_call_bytes": before,
        "first_call_peak_growth_bytes": first_peak,
        "peak_growth_bytes": peak,
    }
