"""The parent of a benchmark run: one fresh child per configuration, timeouts, skips and progress.

The parent only starts children and collects their answers; it imports no framework, so
nothing it does competes with the child being measured. Before each child it waits for an
idle machine (`idle.Gate`) and records the load. A configuration that times out, takes a
step over ``max_step``, would pass the memory limit (`memory`), crashes or is refused ends
its series: the larger qubit counts are recorded as skipped, with that reason and its kind
(``stop``: time, memory or failure), rather than run or dropped. ``runs`` repeats the whole
sweep, each run in its own shuffled order (`plan.shuffled`).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import supportmatrix
from supportmatrix.bench import memory, results
from supportmatrix.bench.circuits import DESCRIPTION, Circuit
from supportmatrix.bench.idle import Gate
from supportmatrix.bench.machine import load_average, machine_info, usable_cores
from supportmatrix.bench.plan import Config, shuffled
from supportmatrix.bench.seed004 import CONFIGS as SEED004_CONFIGS
from supportmatrix.bench.timing import Budget

#: Lines of a crashed child's stderr kept in its record.
STDERR_TAIL_LINES = 5
#: The bandwidth measurement's array: large enough to leave every cache far behind.
BANDWIDTH_BYTES = 512 * 2**20


@dataclass(frozen=True)
class Settings:
    """How each configuration is measured: its repeat budget, the child's timeout (wall
    seconds, the child's start-up included), and ``max_step``: a series ends after a
    configuration whose median step took longer (None: never). ``gate`` waits for an idle
    machine before each child (None: never waits); ``memory_limit`` gives the bytes a
    configuration may be predicted to need, read before each one (None: no limit)."""

    budget: Budget
    timeout: float
    max_step: float | None = None
    gate: Gate | None = None
    memory_limit: Callable[[], int | None] | None = None
    runs: int = 1
    order_seed: int = 0


def run_child(spec: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    """Run one spec in a fresh ``supportmatrix.bench.worker`` process; its answer, or a
    timed-out or crashed record."""
    env = dict(os.environ)  # thread settings pass through untouched: users' defaults
    root = str(Path(supportmatrix.__file__).resolve().parents[1])  # this very tree
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "supportmatrix.bench.worker", json.dumps(spec)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timed-out", "reason": f"over the {timeout:g} s timeout"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = proc.stderr.strip().splitlines()[-STDERR_TAIL_LINES:]
        return {"status": "crashed", "reason": f"exit code {proc.returncode}", "stderr_tail": tail}
    return json.loads(lines[-1])


def measure_configs(
    configs: Sequence[Config], settings: Settings, *, progress: Any = None, run: int = 0
) -> list[dict[str, Any]]:
    """One record per configuration, in order; ``progress`` (a tqdm bar) is advanced per one.

    A series ends at its first configuration that is not measured, and every larger size of
    it is recorded as skipped with ``stop`` saying why: ``time`` (over ``--timeout``, or a
    median step over ``max_step``: its next size would cost more still; the step alone, so
    jax-jit's compilation never ends a series), ``memory`` (predicted over the limit, so
    never started: `memory`), or ``failure`` (refused or crashed). A refusal stops the
    device and method at every layer count too: it is the device's answer to the method,
    not to the size.
    """
    stopped: dict[tuple[object, ...], tuple[str, str]] = {}
    records = []
    for config in configs:
        if progress is not None:
            progress.set_postfix_str(f"run {run + 1}: {config.id}", refresh=False)
        prior = stopped.get(config.series) or stopped.get(config.series[:3])
        if prior is not None:
            answer: dict[str, Any] = {"status": "skipped", "reason": prior[0], "stop": prior[1]}
        elif (over := _over_memory(config, settings)) is not None:
            answer = over
            stopped[config.series] = (over["reason"], "memory")
        else:
            answer = _measure(config, settings)
            if answer["status"] != "ok":
                what = answer["error"]["type"] if "error" in answer else answer.get("reason")
                key = config.series[:3] if answer["status"] == "refused" else config.series
                answer["stop"] = "time" if answer["status"] == "timed-out" else "failure"
                stopped[key] = (f"{answer['status']} at n = {config.qubits} ({what})", answer["stop"])
            elif (
                settings.max_step is not None
                and (step := answer["wall_seconds"]["median"]) > settings.max_step
            ):
                stopped[config.series] = (
                    f"the step took {step:.3g} s at n = {config.qubits}, "
                    f"over --max-step {settings.max_step:g} s",
                    "time",
                )
        records.append({**config.axes(), "run": run, **answer})
        if progress is not None:
            progress.update()
    return records


def _over_memory(config: Config, settings: Settings) -> dict[str, Any] | None:
    """A skipped record when the configuration's predicted memory is over the limit."""
    limit = settings.memory_limit() if settings.memory_limit is not None else None
    if limit is None:
        return None
    need = memory.predicted_bytes(
        device=config.device,
        diff_method=config.diff_method,
        qubits=config.qubits,
        gates=Circuit(config.qubits, config.layers).gates,
    )
    if need <= limit:
        return None
    return {
        "status": "skipped",
        "stop": "memory",
        "reason": f"memory at n = {config.qubits}: predicted {need / 2**30:.3g} GiB, "
        f"over the limit {limit / 2**30:.3g} GiB",
        "predicted_bytes": need,
        "memory_limit_bytes": limit,
    }


def _measure(config: Config, settings: Settings) -> dict[str, Any]:
    """Wait for an idle machine, then measure ``config`` in a child; the load goes with it."""
    load = settings.gate.wait() if settings.gate is not None else {}
    spec = {
        "kind": "circuit",
        **config.axes(),
        "budget": settings.budget.seconds,
        "min_repeats": settings.budget.min_repeats,
        "max_repeats": settings.budget.max_repeats,
    }
    return {**run_child(spec, timeout=settings.timeout), **load}


def measure_seed004(
    *, timeout: float, progress: Any = None, gate: Gate | None = None, run: int = 0, seed: int | None = None
) -> list[dict[str, Any]]:
    """Seed 004's model trained once per configuration, each in a fresh child after the
    idle gate; in an order shuffled by ``seed`` (None: the seed's own order)."""
    configs = list(SEED004_CONFIGS)
    if seed is not None:
        random.Random(seed).shuffle(configs)
    records = []
    for device, method in configs:
        if progress is not None:
            progress.set_postfix_str(f"run {run + 1}: seed 004 {device} {method}", refresh=False)
        load = gate.wait() if gate is not None else {}
        answer = run_child({"kind": "seed004", "device": device, "diff_method": method}, timeout=timeout)
        records.append({"device": device, "diff_method": method, "run": run, **answer, **load})
        if progress is not None:
            progress.update()
    return records


def measure_bandwidth(*, timeout: float) -> dict[str, Any]:
    """Copy bandwidth with one thread and with every usable core; the best is the limit."""
    runs = [
        run_child({"kind": "bandwidth", "array_bytes": BANDWIDTH_BYTES, "threads": t}, timeout=timeout)
        for t in sorted({1, usable_cores() or 1})
    ]
    measured = [r for r in runs if "bytes_per_second" in r]
    best = max((r["bytes_per_second"] for r in measured), default=None)
    return {"bytes_per_second": best, "runs": runs}


def run_benchmark(
    configs: Sequence[Config],
    settings: Settings,
    *,
    seed004: bool,
    progress_bar: bool = True,
    command: str | None = None,
) -> dict[str, Any]:
    """Measure everything ``settings.runs`` times and return the results document.

    Run k measures the configurations in `plan.shuffled` order with seed ``order_seed + k``
    (recorded), so every run has an order of its own and the same command repeats it.
    """
    from tqdm import tqdm

    machine = machine_info()  # its timestamp is the start of the run
    start = time.perf_counter()
    per_run = len(configs) + (len(SEED004_CONFIGS) if seed004 else 0)
    records: list[dict[str, Any]] = []
    seed: list[dict[str, Any]] = []
    with tqdm(
        total=settings.runs * per_run + 1, unit="config", disable=not progress_bar, file=sys.stderr
    ) as bar:
        bar.set_postfix_str("memory bandwidth", refresh=False)
        bandwidth = measure_bandwidth(timeout=settings.timeout)
        bar.update()
        for run in range(settings.runs):
            order = shuffled(configs, seed=settings.order_seed + run) if settings.runs > 1 else list(configs)
            records += measure_configs(order, settings, progress=bar, run=run)
            if seed004:
                seed += measure_seed004(
                    timeout=settings.timeout,
                    progress=bar,
                    gate=settings.gate,
                    run=run,
                    seed=settings.order_seed + run if settings.runs > 1 else None,
                )
    return results.build(
        machine=machine,
        settings=_settings(configs, settings, time.perf_counter() - start, command=command),
        bandwidth=bandwidth,
        records=records,
        seed004=seed,
    )


def _settings(
    configs: Sequence[Config], settings: Settings, seconds: float, *, command: str | None
) -> dict[str, Any]:
    gate = settings.gate
    return {
        "command": command,
        "run_seconds": seconds,
        "load_average_end": load_average(),
        "runs": settings.runs,
        "order_seed": settings.order_seed,
        "load_threshold": None if gate is None else gate.threshold,
        "load_wait_seconds": None if gate is None else gate.timeout,
        "memory_model": {
            "fixed_bytes": memory.FIXED_BYTES,
            "backprop_states_per_gate": memory.BACKPROP_STATES_PER_GATE,
            "other_states": memory.OTHER_STATES,
            "available_fraction": memory.AVAILABLE_FRACTION,
        },
        "budget_seconds": settings.budget.seconds,
        "min_repeats": settings.budget.min_repeats,
        "max_repeats": settings.budget.max_repeats,
        "timeout_seconds": settings.timeout,
        "max_step_seconds": settings.max_step,
        "circuit": DESCRIPTION,
        "configurations": len(configs),
        **{
            axis: results.axis_values([c.axes() for c in configs], axis)
            for axis in ("device", "diff_method", "interface", "qubits", "layers")
        },
    }
