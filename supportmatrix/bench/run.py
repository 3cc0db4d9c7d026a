"""The parent of a benchmark run: one fresh child per configuration, timeouts, skips and progress.

The parent only starts children and collects their answers; it imports no framework, so
nothing it does competes with the child being measured. A configuration that times out,
crashes or is refused ends its series: the larger qubit counts are recorded as skipped, with
that reason, rather than run or dropped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import supportmatrix
from supportmatrix.bench import results
from supportmatrix.bench.circuits import DESCRIPTION
from supportmatrix.bench.machine import load_average, machine_info, usable_cores
from supportmatrix.bench.plan import Config
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
    configuration whose median step took longer (None: never)."""

    budget: Budget
    timeout: float
    max_step: float | None = None


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
    configs: Sequence[Config], settings: Settings, *, progress: Any = None
) -> list[dict[str, Any]]:
    """One record per configuration, in order; ``progress`` (a tqdm bar) is advanced per one.

    A refusal stops the device and method at every layer count too: it is the device's
    answer to the method, not to the size. ``max_step`` ends a series whose step has become
    expensive without waiting for a timeout: its next size would cost more still. It looks
    at the step alone, not the first call, so jax-jit's compilation never ends a series.
    """
    stopped: dict[tuple[object, ...], str] = {}
    records = []
    for config in configs:
        if progress is not None:
            progress.set_postfix_str(config.id, refresh=False)
        reason = stopped.get(config.series) or stopped.get(config.series[:3])
        if reason is not None:
            answer: dict[str, Any] = {"status": "skipped", "reason": reason}
        else:
            spec = {
                "kind": "circuit",
                **config.axes(),
                "budget": settings.budget.seconds,
                "min_repeats": settings.budget.min_repeats,
                "max_repeats": settings.budget.max_repeats,
            }
            answer = run_child(spec, timeout=settings.timeout)
            if answer["status"] != "ok":
                what = answer["error"]["type"] if "error" in answer else answer.get("reason")
                key = config.series[:3] if answer["status"] == "refused" else config.series
                stopped[key] = f"{answer['status']} at n = {config.qubits} ({what})"
            elif (
                settings.max_step is not None
                and (step := answer["wall_seconds"]["median"]) > settings.max_step
            ):
                stopped[config.series] = (
                    f"the step took {step:.3g} s at n = {config.qubits}, "
                    f"over --max-step {settings.max_step:g} s"
                )
        records.append({**config.axes(), **answer})
        if progress is not None:
            progress.update()
    return records


def measure_seed004(*, timeout: float, progress: Any = None) -> list[dict[str, Any]]:
    """Seed 004's model trained once per configuration, each in a fresh child."""
    records = []
    for device, method in SEED004_CONFIGS:
        if progress is not None:
            progress.set_postfix_str(f"seed 004 {device} {method}", refresh=False)
        answer = run_child({"kind": "seed004", "device": device, "diff_method": method}, timeout=timeout)
        records.append({"device": device, "diff_method": method, **answer})
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
    configs: Sequence[Config], settings: Settings, *, seed004: bool, progress_bar: bool = True
) -> dict[str, Any]:
    """Measure everything and return the results document."""
    from tqdm import tqdm

    machine = machine_info()  # its timestamp is the start of the run
    start = time.perf_counter()
    total = len(configs) + (len(SEED004_CONFIGS) if seed004 else 0) + 1
    with tqdm(total=total, unit="config", disable=not progress_bar, file=sys.stderr) as bar:
        bar.set_postfix_str("memory bandwidth", refresh=False)
        bandwidth = measure_bandwidth(timeout=settings.timeout)
        bar.update()
        records = measure_configs(configs, settings, progress=bar)
        seed = measure_seed004(timeout=settings.timeout, progress=bar) if seed004 else []
    return results.build(
        machine=machine,
        settings=_settings(configs, settings, time.perf_counter() - start),
        bandwidth=bandwidth,
        records=records,
        seed004=seed,
    )


def _settings(configs: Sequence[Config], settings: Settings, seconds: float) -> dict[str, Any]:
    return {
        "run_seconds": seconds,
        "load_average_end": load_average(),
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
