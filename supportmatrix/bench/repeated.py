"""Repeated runs brought together: each configuration's spread, and the claims every run makes.

One record per configuration with its spread across runs, and the claims (exponents,
crossovers, fastest) that hold in every run.

`merge` turns a document of K runs into one of the same shape, so that every table and plot
written for one run reads it unchanged: a configuration's ``wall_seconds`` becomes the
spread (`timing.spread`) of the K runs' medians, so its ``median`` is the median of the
medians and ``min``/``max`` are the extremes across runs. A configuration is ``ok`` in the
merged document only when it was measured in every run; otherwise the merged record is its
first run that was not, with ``runs_ok`` counting the others, because a claim resting on
some runs only is not one the page makes. It is ``idle`` only if every run's was.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

from supportmatrix.bench.fit import Fit, crossovers
from supportmatrix.bench.idle import over_threshold
from supportmatrix.bench.results import run_document, run_ids, series
from supportmatrix.bench.timing import spread

_KEY = ("device", "diff_method", "interface", "qubits", "layers")


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record[k] for k in _KEY)


def _ints(values: Sequence[Any]) -> list[int]:
    return [v for v in values if isinstance(v, int)]


def merge_records(group: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One configuration's records, one per run, as one record (the module docstring)."""
    ok = [r for r in group if r["status"] == "ok"]
    loads = [float(r["load_before"]) for r in group if r.get("load_before") is not None]
    common = {
        "runs_ok": len(ok),
        "runs": len(group),
        "idle": not any(over_threshold(r) for r in group) if any("idle" in r for r in group) else None,
        "load_before_max": max(loads, default=None),
    }
    if len(ok) < len(group):
        first = next(r for r in group if r["status"] != "ok")
        return {**first, **common}
    medians = [r["wall_seconds"]["median"] for r in ok]
    peaks = [r["memory"]["peak_growth_bytes"] for r in ok if r["memory"]["peak_growth_bytes"] is not None]
    busy = _ints([r.get("threads_busy") for r in ok])
    return {
        **ok[0],
        **common,
        # one run keeps its repeats' own spread; several give the spread of their medians
        "wall_seconds": ok[0]["wall_seconds"] if len(ok) == 1 else spread(medians),
        "cpu_per_wall": statistics.median(r["cpu_per_wall"] for r in ok),
        "memory": {**ok[0]["memory"], "peak_growth_bytes": max(peaks) if peaks else None},
        "threads_busy": max(busy) if busy else None,
        "across_runs": {
            "medians": medians,
            "cpu_per_wall": [r["cpu_per_wall"] for r in ok],
            "threads_busy": busy,
        },
    }


def merge(document: dict[str, Any]) -> dict[str, Any]:
    """The document with one record per configuration (and per seed-004 configuration)."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in document["records"]:
        groups.setdefault(_key(r), []).append(r)
    seeds: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in document["seed004"]:
        seeds.setdefault((r["device"], r["diff_method"]), []).append(r)
    return {
        **document,
        "records": [merge_records(g) for g in groups.values()],
        "seed004": [merge_seed(g) for g in seeds.values()],
    }


def merge_seed(group: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One seed-004 configuration's runs as one record: the median training time, with every
    run's time, CPU / wall and busy threads kept in ``across_runs``."""
    ok = [r for r in group if r["status"] == "ok"]
    idle = not any(over_threshold(r) for r in group) if any("idle" in r for r in group) else None
    if len(ok) < len(group):
        return {**next(r for r in group if r["status"] != "ok"), "runs_ok": len(ok), "runs": len(group)}
    return {
        **ok[0],
        "runs_ok": len(ok),
        "runs": len(group),
        "idle": idle,
        "seconds": statistics.median(r["seconds"] for r in ok),
        "cpu_per_wall": statistics.median(r["cpu_per_wall"] for r in ok),
        "peak_memory_growth_bytes": max(r["peak_memory_growth_bytes"] or 0 for r in ok),
        "threads_busy": max(_ints([r.get("threads_busy") for r in ok]), default=None),
        "across_runs": {
            "seconds": [r["seconds"] for r in ok],
            "cpu_per_wall": [r["cpu_per_wall"] for r in ok],
            "threads_busy": _ints([r.get("threads_busy") for r in ok]),
            "threads_alive": _ints([r.get("threads_alive") for r in ok]),
            "load_before": [r["load_before"] for r in group if r.get("load_before") is not None],
        },
    }


def per_run(document: dict[str, Any], measure: Callable[[dict[str, Any]], Any]) -> list[Any]:
    """``measure`` of each run's own document, in run order."""
    return [measure(run_document(document, k)) for k in run_ids(document)]


def fit_spread(
    document: dict[str, Any],
    fit: Callable[[Sequence[tuple[int, float]]], Fit],
    *,
    device: str,
    diff_method: str,
    interface: str,
    layers: int | None = None,
    qubits: int | None = None,
) -> list[Fit]:
    """One line's fit in every run (its own points only), in run order."""
    return per_run(
        document,
        lambda d: fit(
            series(
                d, device=device, diff_method=diff_method, interface=interface, layers=layers, qubits=qubits
            )
        ),
    )


def crossover_runs(
    document: dict[str, Any], a: tuple[str, str], b: tuple[str, str], *, interface: str, layers: int
) -> list[list[tuple[int, int, bool]]]:
    """Each run's crossovers of a against b as (below, above, a faster above)."""

    def found(d: dict[str, Any]) -> list[tuple[int, int, bool]]:
        pa = series(d, device=a[0], diff_method=a[1], interface=interface, layers=layers)
        pb = series(d, device=b[0], diff_method=b[1], interface=interface, layers=layers)
        return [(c.below, c.above, c.a_faster_above) for c in crossovers(pa, pb)]

    return per_run(document, found)


def fastest_every_run(document: dict[str, Any], *, interface: str, layers: int) -> dict[int, str | None]:
    """Per qubit count, the ``device diff_method`` fastest in every run that measured the
    size, or None when runs disagree."""
    winners: dict[int, set[str]] = {}
    for d in (run_document(document, k) for k in run_ids(document)):
        best: dict[int, tuple[float, str]] = {}
        for r in d["records"]:
            if r["status"] == "ok" and r["interface"] == interface and r["layers"] == layers:
                t, name = r["wall_seconds"]["median"], f"{r['device']} {r['diff_method']}"
                if r["qubits"] not in best or t < best[r["qubits"]][0]:
                    best[r["qubits"]] = (t, name)
        for n, (_, name) in best.items():
            winners.setdefault(n, set()).add(name)
    return {n: next(iter(w)) if len(w) == 1 else None for n, w in sorted(winners.items())}
