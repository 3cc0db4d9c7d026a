"""The report's tables about repeated runs: load, spreads, claims across runs, limits, threads.

Each run's load, every median with its spread, exponents and crossovers across runs, where
each series stopped, and seed 004's threads.

They read the whole document (every run); the tables of `tables` read `repeated.merge`'s
one record per configuration. A mark ``†`` flags a configuration measured with the load
average at or over the threshold in at least one run (`idle`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from supportmatrix.bench import repeated
from supportmatrix.bench.fit import Fit, exponential_fit
from supportmatrix.bench.idle import over_threshold
from supportmatrix.bench.results import axis_values, base_layers, run_document, run_ids, series
from supportmatrix.bench.tables import (
    compared,
    crossover_text,
    labels,
    mib,
    seconds,
    span,
    table,
)

#: The mark of a configuration measured over the load threshold in some run.
OVER = "†"


def _range(values: Sequence[float], text: Any = seconds) -> str:
    if not values:
        return "–"
    low, high = min(values), max(values)
    return text(low) if low == high else f"{text(low)}–{text(high)}"


def _count(values: Sequence[float]) -> str:
    return _range(values, lambda v: f"{v:g}")


def _mark(record: dict[str, Any]) -> str:
    return f" {OVER}" if record.get("idle") is False else ""


def runs_table(document: dict[str, Any]) -> str:
    """Per run: its order seed, what it measured, the load as measurements started, and how
    many started over the threshold after waiting the full timeout."""
    s = document["settings"]
    rows = []
    for k in run_ids(document):
        d = run_document(document, k)
        started = [r for r in (*d["records"], *d["seed004"]) if "load_before" in r]
        loads = [r["load_before"] for r in started if r["load_before"] is not None]
        waited = sum(r.get("waited_seconds", 0.0) for r in started)
        rows.append(
            (
                k + 1,
                s.get("order_seed", 0) + k if s.get("runs", 1) > 1 else "– (plan order)",
                sum(r["status"] == "ok" for r in d["records"]),
                _range(loads, lambda v: f"{v:.2f}"),
                sum(over_threshold(r) for r in started),
                f"{waited:.0f} s",
            )
        )
    return table(
        ("run", "order seed", "configurations measured", "load before each", "over threshold", "waited"), rows
    )


def medians_table(document: dict[str, Any]) -> str:
    """Every configuration measured in every run: median of the runs' medians, their range."""
    rows = []
    for r in repeated.merge(document)["records"]:
        if r["status"] != "ok":
            continue
        across = r.get("across_runs", {})
        rows.append(
            (
                r["device"],
                r["interface"],
                r["diff_method"],
                r["layers"],
                r["qubits"],
                seconds(r["wall_seconds"]["median"]) + _mark(r),
                _range(across.get("medians", [r["wall_seconds"]["median"]])),
                _range(across.get("cpu_per_wall", [r["cpu_per_wall"]]), lambda v: f"{v:.2f}"),
                _count(across.get("threads_busy", [])),
                mib(r["memory"]["peak_growth_bytes"]),
            )
        )
    return table(
        (
            "device",
            "interface",
            "diff method",
            "L",
            "n",
            "median of medians",
            "range across runs",
            "CPU / wall",
            "busy threads",
            "peak memory growth",
        ),
        rows,
    )


def _fits(fits: Sequence[Fit]) -> str:
    values = [f.value for f in fits if f.value is not None]
    if len(values) < len(fits):
        return f"not in every run ({len(values)} of {len(fits)})"
    return _range(values, lambda v: f"{v:.2f}")


def exponent_spread_table(document: dict[str, Any]) -> str:
    """b of t ∝ bⁿ fitted in each run on its own points: its range and the points it rests on."""
    layers = base_layers(document)
    merged = repeated.merge(document)
    rows = []
    for device in axis_values(document["records"], "device"):
        for interface in axis_values(document["records"], "interface"):
            for method in axis_values(document["records"], "diff_method"):
                line = {"device": device, "diff_method": method, "interface": interface, "layers": layers}
                fits = repeated.fit_spread(document, exponential_fit, **line)
                if not any(f.used for f in fits):
                    continue
                whole = exponential_fit(series(merged, **line))
                rows.append(
                    (
                        device,
                        interface,
                        method,
                        "–" if whole.value is None else f"{whole.value:.2f}",
                        f"{len(whole.used)} ({span(whole.used)})",
                        _fits(fits),
                        _count([len(f.used) for f in fits]),
                    )
                )
    return table(
        (
            "device",
            "interface",
            "diff method",
            "b of the medians",
            "points (qubit counts)",
            "b range across runs",
            "points per run",
        ),
        rows,
    )


def crossover_consensus_table(document: dict[str, Any]) -> str:
    """Each comparison: its crossovers when every run found the same ones, else no claim."""
    merged = repeated.merge(document)
    records = document["records"]
    layer_counts = [
        layer
        for layer in axis_values(records, "layers")
        if len({r["qubits"] for r in records if r["layers"] == layer}) >= 2
    ]
    k = len(run_ids(document))
    rows = []
    for a, b in compared(document):
        title, name_a, name_b = labels(a, b)
        for interface in axis_values(records, "interface"):
            for layers in layer_counts:
                found = repeated.crossover_runs(document, a, b, interface=interface, layers=layers)
                pa = series(merged, device=a[0], diff_method=a[1], interface=interface, layers=layers)
                pb = series(merged, device=b[0], diff_method=b[1], interface=interface, layers=layers)
                text = crossover_text(name_a, name_b, pa, pb) + _over_at(merged, (a, b), interface, layers)
                if all(f == found[0] for f in found):
                    verdict = f"holds in all {k} run(s): {text}"
                else:
                    per = "; ".join(
                        f"run {i + 1}: " + (", ".join(f"n = {lo}–{hi}" for lo, hi, _ in f) or "none")
                        for i, f in enumerate(found)
                    )
                    verdict = f"no claim: the runs disagree on the crossovers ({per})"
                rows.append((title, interface, layers, verdict))
    return table(("comparison", "interface", "layers", "result (medians of the runs)"), rows)


def _over_at(merged: dict[str, Any], configs: Sequence[tuple[str, str]], interface: str, layers: int) -> str:
    """`` † over the load threshold at n = …`` for the sizes of these lines measured so."""
    sizes = sorted(
        {
            r["qubits"]
            for r in merged["records"]
            if (r["device"], r["diff_method"]) in configs
            and (r["interface"], r["layers"]) == (interface, layers)
            and r.get("idle") is False
        }
    )
    return f" {OVER} over the load threshold at n = {', '.join(map(str, sizes))}" if sizes else ""


def stops_table(document: dict[str, Any]) -> str:
    """Per series: the largest n measured in every run, and where and why it stopped."""
    merged = repeated.merge(document)["records"]
    rows = []
    keys = dict.fromkeys((r["device"], r["interface"], r["diff_method"], r["layers"]) for r in merged)
    for key in keys:
        line = sorted(
            (r for r in merged if (r["device"], r["interface"], r["diff_method"], r["layers"]) == key),
            key=lambda r: r["qubits"],
        )
        measured = [r["qubits"] for r in line if r["status"] == "ok"]
        stop = next((r for r in line if r["status"] != "ok"), None)
        if stop is None:
            why, at = f"none: its last size measured (n = {line[-1]['qubits']})", "–"
        else:
            why = f"{stop.get('stop', stop['status'])}: " + (
                f"{stop['error']['type']}" if stop.get("error") else stop.get("reason", "")
            )
            at = stop["qubits"]
        rows.append((*key, measured[-1] if measured else "none", at, why))
    return table(
        ("device", "interface", "diff method", "layers", "largest n in every run", "stopped at n", "why"),
        rows,
    )


def seed004_runs_table(document: dict[str, Any]) -> str:
    """Seed 004's model per configuration: training time over the runs, and the threads it
    really used (busy threads, CPU / wall) beside the libraries' thread settings."""
    rows = []
    for r in repeated.merge(document)["seed004"]:
        if r["status"] != "ok":
            rows.append((r["device"], r["diff_method"], r["status"], "", "", "", "", "", ""))
            continue
        across = r.get("across_runs", {})
        settings = r.get("threads", {})
        env = settings.get("environment", {})
        rows.append(
            (
                r["device"],
                r["diff_method"],
                seconds(r["seconds"]) + _mark(r),
                _range(across.get("seconds", [r["seconds"]])),
                _range(across.get("cpu_per_wall", [r["cpu_per_wall"]]), lambda v: f"{v:.2f}"),
                _count(across.get("threads_busy", [])),
                _count(across.get("threads_alive", [])),
                f"torch {settings.get('torch_threads', '–')}, OMP_NUM_THREADS {env.get('OMP_NUM_THREADS') or 'unset'}",
                _range(across.get("load_before", []), lambda v: f"{v:.2f}"),
            )
        )
    return table(
        (
            "device",
            "diff method",
            "median training time",
            "range across runs",
            "CPU / wall",
            "busy threads",
            "threads alive",
            "thread settings",
            "load before",
        ),
        rows,
    )
