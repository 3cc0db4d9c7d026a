"""Seed 004's three questions answered with measured facts: one generated paragraph each.

Each paragraph is assembled from the results document only (medians, ratios, CPU / wall,
peak memory, the seed model's training), so regenerating the report after a new run
rewrites the answers with the new numbers; nothing here states a claim the data does not
carry. The interpretation is left to the prose around the generated block.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from supportmatrix.bench.repeated import fastest_every_run, merge
from supportmatrix.bench.results import axis_values, base_layers, select, series
from supportmatrix.bench.tables import crossover_text, labels, mib, seconds
from supportmatrix.matrix.devices import LIGHTNING_STATEVECTOR, PYTHON_STATEVECTOR

DQ, LQ = PYTHON_STATEVECTOR, LIGHTNING_STATEVECTOR


def ranges(values: Sequence[int]) -> str:
    """Sorted whole numbers as runs of the measured sizes: ``2–6, 10`` (a run is consecutive
    in ``values``' own grid, so 2, 4, 6 measured every 2 qubits is one run)."""
    if not values:
        return "none"
    step = min((b - a for a, b in itertools.pairwise(values)), default=1)
    runs: list[str] = []
    start: int | None = values[0]
    for prev, here in zip(values, [*values[1:], None], strict=True):
        if here is None or here - prev != step:
            runs.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = here
    return ", ".join(runs)


def _interfaces(document: dict[str, Any]) -> list[str]:
    """Interfaces in the order the answers discuss them: torch (the seed's) first."""
    found = axis_values(document["records"], "interface")
    return sorted(found, key=lambda i: (i != "torch", found.index(i)))


def _seed(document: dict[str, Any], device: str, method: str) -> dict[str, Any] | None:
    for r in document["seed004"]:
        if (r["device"], r["diff_method"], r["status"]) == (device, method, "ok"):
            return r
    return None


def answer_a(document: dict[str, Any]) -> str:
    document = merge(document)  # medians of the runs' medians
    layers = base_layers(document)
    parts = []
    for interface in _interfaces(document):
        for (da, ma), (db, mb) in (((DQ, "adjoint"), (DQ, "backprop")), ((LQ, "adjoint"), (DQ, "backprop"))):
            pa = series(document, device=da, diff_method=ma, interface=interface, layers=layers)
            pb = series(document, device=db, diff_method=mb, interface=interface, layers=layers)
            if pa or pb:
                title, name_a, name_b = labels((da, ma), (db, mb))
                parts.append(f"{interface}, {title}: {crossover_text(name_a, name_b, pa, pb)}")
    text = (
        f"Circuit of {layers} layer(s), cost ⟨Z0⟩ (a one-qubit measurement), one forward "
        f"pass plus gradient, medians: " + "; ".join(parts) + "."
        if parts
        else "No circuit configuration was measured."
    )
    back, adj, light = (
        _seed(document, DQ, "backprop"),
        _seed(document, DQ, "adjoint"),
        _seed(document, LQ, "adjoint"),
    )
    if back and adj:
        text += (
            f" Seed 004's own model (2 qubits, TorchLayer, batches of 5) trained in "
            f"{seconds(back['seconds'])} with default.qubit backprop and "
            f"{seconds(adj['seconds'])} with adjoint (adjoint / backprop = "
            f"{adj['seconds'] / back['seconds']:.2f})"
        )
        if light:
            text += f"; lightning.qubit adjoint took {seconds(light['seconds'])}"
        text += "."
    return text


def answer_b(document: dict[str, Any]) -> str:
    document = merge(document)
    layers = base_layers(document)
    interface = next(iter(_interfaces(document)), None)
    configs = ((DQ, "backprop"), (DQ, "adjoint"), (LQ, "adjoint"))
    lines = (
        {
            c: dict(select(document, device=c[0], diff_method=c[1], interface=interface, layers=layers))
            for c in configs
        }
        if interface
        else {}
    )
    common = sorted(set.intersection(*(set(v) for v in lines.values()))) if lines else []
    if not common:
        text = (
            "No qubit count was measured for all of default.qubit backprop, default.qubit "
            "adjoint and lightning.qubit adjoint."
        )
    else:
        n = common[-1]
        facts = []
        for device, method in configs:
            r = lines[(device, method)][n]
            threads = r["threads"].get("torch_threads")
            facts.append(
                f"{device} {method} {r['cpu_per_wall']:.2f} cores busy (CPU / wall), "
                f"{r['os_threads']} OS threads"
                + (f", {r['threads_busy']} busy" if r.get("threads_busy") is not None else "")
                + (f", torch pool {threads}" if threads is not None else "")
                + f", peak memory growth {mib(r['memory']['peak_growth_bytes'])}"
            )
        text = (
            f"At n = {n} ({layers} layer(s), {interface}), the largest qubit count all three "
            f"were measured at: " + "; ".join(facts) + "."
        )
    seeds = [(c, _seed(document, *c)) for c in configs]
    measured = [(c, r) for c, r in seeds if r]
    if measured:
        text += (
            " Seed 004's model: "
            + "; ".join(
                f"{d} {m} CPU / wall {r['cpu_per_wall']:.2f}"
                + (f", {r['threads_busy']} busy thread(s)" if r.get("threads_busy") is not None else "")
                + f", peak memory growth {mib(r['peak_memory_growth_bytes'])}"
                for (d, m), r in measured
            )
            + "."
        )
    return text


def answer_c(document: dict[str, Any]) -> str:
    merged = merge(document)
    layers = base_layers(document)
    parts = []
    for interface in _interfaces(document):
        light = dict(series(merged, device=LQ, diff_method="adjoint", interface=interface, layers=layers))
        if not light:
            continue
        winners = fastest_every_run(document, interface=interface, layers=layers or 0)
        name = f"{LQ} adjoint"
        wins = [n for n in sorted(light) if winners.get(n) == name]
        text = f"with {interface}, lightning.qubit adjoint was " + (
            f"the fastest in every run at n = {ranges(wins)}" if wins else "never the fastest in every run"
        )
        others = [
            f"n = {n} {winners[n]}" if winners.get(n) else f"n = {n} no configuration in every run"
            for n in sorted(light)
            if n not in wins
        ]
        if others:
            text += "; elsewhere the fastest: " + ", ".join(others)
        parts.append(text)
    text = (
        f"Fastest configuration per qubit count ({layers} layer(s)), claimed only where the "
        "same one was fastest in every run: " + "; ".join(parts) + "."
        if parts
        else "lightning.qubit adjoint was not measured."
    )
    seeds = [r for r in merged["seed004"] if r["status"] == "ok"]
    if seeds:
        fastest = min(seeds, key=lambda r: r["seconds"])
        text += (
            f" In seed 004's model the fastest (median over the runs) was {fastest['device']} "
            f"{fastest['diff_method']} ({seconds(fastest['seconds'])}, peak memory growth "
            f"{mib(fastest['peak_memory_growth_bytes'])})."
        )
    return text


#: The questions as seed 004 asks them, shortened, with the function that answers each.
ANSWERS = (
    ("a", "Is adjoint always faster than backprop; is there a threshold?", answer_a),
    ("b", "Backprop uses more cores and memory, yet adjoint with one core was faster: why?", answer_b),
    ("c", "Is lightning.qubit + adjoint always the best balance of time and resources?", answer_c),
)
