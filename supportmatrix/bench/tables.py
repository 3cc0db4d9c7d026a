"""The report's tables, in Markdown, computed from a results document alone.

Every number in them comes from the results file, so the page can be regenerated at any
time and never restates a measurement by hand. `COMPARISONS` is the one list of which
configurations the crossover table (and the answers) set against each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from supportmatrix.bench import bandwidth as bw
from supportmatrix.bench.fit import Fit, crossovers, exponential_fit, power_fit, ratios
from supportmatrix.bench.results import axis_values, base_layers, layer_qubits, select, series
from supportmatrix.matrix.devices import LIGHTNING_STATEVECTOR, PYTHON_STATEVECTOR

#: (device, method) A against (device, method) B, at every interface and layer count.
COMPARISONS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    ((PYTHON_STATEVECTOR, "adjoint"), (PYTHON_STATEVECTOR, "backprop")),
    ((LIGHTNING_STATEVECTOR, "adjoint"), (PYTHON_STATEVECTOR, "backprop")),
    ((LIGHTNING_STATEVECTOR, "adjoint"), (PYTHON_STATEVECTOR, "adjoint")),
    ((PYTHON_STATEVECTOR, "parameter-shift"), (PYTHON_STATEVECTOR, "adjoint")),
    ((LIGHTNING_STATEVECTOR, "parameter-shift"), (LIGHTNING_STATEVECTOR, "adjoint")),
)
MIB = 2**20


def seconds(t: float | None) -> str:
    """``t`` to three significant figures in s, ms or µs."""
    if t is None:
        return "–"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if abs(t) >= scale or unit == "µs":
            return f"{t / scale:.3g} {unit}"
    return f"{t:.3g} s"  # pragma: no cover - the loop always returns


def mib(value: float | None) -> str:
    return "–" if value is None else f"{value / MIB:.1f} MiB"


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; an empty one says so instead."""
    if not rows:
        return "_(nothing measured)_\n"
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine_table(document: dict[str, Any]) -> str:
    m, s = document["machine"], document["settings"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v)
    env = ", ".join(f"{k}={v}" for k, v in m["threads"]["environment"].items() if v is not None)
    rate = document["bandwidth"].get("bytes_per_second")
    rows = [
        ("machine", m["name"]),
        ("CPU", m["cpu_model"]),
        ("cores", f"{m['logical_cores']} logical, {m['usable_cores']} usable"),
        ("memory", "–" if m["memory_bytes"] is None else f"{m['memory_bytes'] / 2**30:.1f} GiB"),
        ("caches", ", ".join(f"{k} {v}" for k, v in m["caches"].items()) or "–"),
        ("memory copy bandwidth", "–" if rate is None else f"{rate / 1e9:.1f} GB/s (read + write)"),
        ("Python, platform", f"{m['python']}, {m['platform']}"),
        ("packages", packages),
        ("thread variables", env or "none set (every library's default)"),
        ("supportmatrix commit", m["commit"] or "–"),
        ("started (UTC)", m["timestamp"]),
        (
            "budget per configuration",
            f"{s['budget_seconds']:g} s, {s['min_repeats']}–"
            f"{s['max_repeats']} repeats, timeout "
            f"{s['timeout_seconds']:g} s" + _max_step(s),
        ),
        ("command", f"`{s['command']}`" if s.get("command") else "–"),
        (
            "whole run",
            seconds(s.get("run_seconds"))
            + f", {s.get('runs', 1)} run(s) of {s['configurations']} configurations",
        ),
        ("load average (1 min)", _load(document)),
        ("idle gate", _gate(s)),
        ("memory limit", _memory_limit(s)),
    ]
    return table(("", ""), rows)


def _load(document: dict[str, Any]) -> str:
    """The machine's load at the start and end, and as each measurement started: a run
    meant to be idle shows about 1 (the measuring child itself)."""
    start, end = document["machine"].get("load_average"), document["settings"].get("load_average_end")
    during = [
        r["load_average"]
        for r in (*document["records"], *document["seed004"])
        if r.get("load_average") is not None
    ]
    parts = [
        f"{start:.2f} at the start" if start is not None else None,
        f"{end:.2f} at the end" if end is not None else None,
        f"{min(during):.2f}–{max(during):.2f} as the measurements started" if during else None,
    ]
    return ", ".join(p for p in parts if p) or "–"


def _gate(settings: dict[str, Any]) -> str:
    threshold = settings.get("load_threshold")
    if threshold is None:
        return "none: measurements started without waiting"
    return (
        f"each measurement waited for a 1-minute load average under {threshold:g}, at most "
        f"{settings['load_wait_seconds']:g} s; one that started over it is marked †"
    )


def _memory_limit(settings: dict[str, Any]) -> str:
    model = settings.get("memory_model")
    if not model:
        return "–"
    return (
        f"{model['available_fraction']:.0%} of MemAvailable before each configuration; predicted "
        f"need {mib(model['fixed_bytes'])} + {model['backprop_states_per_gate']} states per gate "
        f"(backprop) or {model['other_states']} states (other methods)"
    )


def _max_step(settings: dict[str, Any]) -> str:
    limit = settings.get("max_step_seconds")
    return "" if limit is None else f", a series ends after a step over {limit:g} s"


def _lines(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    records = document["records"]
    return [
        (d, i, m)
        for d in axis_values(records, "device")
        for i in axis_values(records, "interface")
        for m in axis_values(records, "diff_method")
    ]


def span(values: Sequence[int], name: str = "n") -> str:
    """``n = 4–14``, or ``n = 8`` for one value."""
    if not values:
        return f"no {name}"
    return f"{name} = {values[0]}" if values[0] == values[-1] else f"{name} = {values[0]}–{values[-1]}"


def _fit_text(fit: Fit, name: str) -> str:
    if fit.value is None:
        return f"– ({fit.reason})"
    return f"{fit.value:.2f} ({span(fit.used, name)}, {len(fit.used)} points)"


def exponent_table(document: dict[str, Any]) -> str:
    """b of t ∝ b^n (of the step, and of the step per state pass) and k of t ∝ P^k."""
    layers = base_layers(document)
    at = layer_qubits(document)
    rows = []
    for device, interface, method in _lines(document):
        chosen = select(document, device=device, diff_method=method, interface=interface, layers=layers)
        if not chosen:
            continue
        fit = exponential_fit([(x, r["wall_seconds"]["median"]) for x, r in chosen])
        per_pass = exponential_fit([(x, r["wall_seconds"]["median"] / _passes(r, method)) for x, r in chosen])
        ks = [
            power_fit(series(document, device=device, diff_method=method, interface=interface, qubits=n))
            for n in at
        ]
        rows.append(
            (
                device,
                interface,
                method,
                _fit_text(fit, "n"),
                _fit_text(per_pass, "n"),
                *(_fit_text(k, "P") for k in ks),
            )
        )
    header = (
        "device",
        "interface",
        "diff method",
        f"b, t ∝ bⁿ (L = {layers})",
        "b per state pass",
        *(f"k, t ∝ Pᵏ at n = {n}" for n in at),
    )
    return table(header, rows)


def _passes(record: dict[str, Any], method: str) -> int:
    return bw.state_passes(method, gates=record["gates"], params=record["params"])


def crossover_text(
    a: str, b: str, points_a: Sequence[tuple[int, float]], points_b: Sequence[tuple[int, float]]
) -> str:
    """One sentence: where ``a`` and ``b`` swap places, or that they never do here."""
    common = ratios(points_a, points_b)
    if not common:
        return f"not comparable: no qubit count where both {a} and {b} were measured"
    found = crossovers(points_a, points_b)
    measured = span([n for n, _ in common])
    low, high = min(r for _, r in common), max(r for _, r in common)
    if not found:
        faster = a if high < 1 else b if low > 1 else None
        if faster is None:
            return f"they tie at every measured n ({measured})"
        spread = f"{low:.2f}" if low == high else f"from {low:.2f} to {high:.2f}"
        return (
            f"no crossover in the measured range: {faster} is faster at every n "
            f"({measured}; time {a} / {b} {spread})"
        )
    first = next(n for n, r in common if r != 1.0)
    lead = a if dict(common)[first] < 1 else b
    parts = [
        f"{a if c.a_faster_above else b} from n = {c.above} (time {a} / {b}: "
        f"{c.ratio_below:.2f} at n = {c.below}, {c.ratio_above:.2f} at n = {c.above})"
        for c in found
    ]
    return f"{lead} is faster from n = {first}; " + "; ".join(parts) + f"; measured {measured}"


def compared(document: dict[str, Any]) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """The `COMPARISONS` whose both sides were part of the run (measured or not)."""
    ran = {(r["device"], r["diff_method"]) for r in document["records"]}
    return [(a, b) for a, b in COMPARISONS if a in ran and b in ran]


def labels(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str, str]:
    """(comparison, name of a, name of b): the device said once when both share it."""
    if a[0] == b[0]:
        return f"{a[0]}: {a[1]} vs {b[1]}", a[1], b[1]
    return f"{a[0]} {a[1]} vs {b[0]} {b[1]}", f"{a[0]} {a[1]}", f"{b[0]} {b[1]}"


def crossover_table(document: dict[str, Any]) -> str:
    """Each comparison per interface, at every layer count measured at two qubit counts or more."""
    records = document["records"]
    layer_counts = [
        layer
        for layer in axis_values(records, "layers")
        if len({r["qubits"] for r in records if r["layers"] == layer}) >= 2
    ]
    rows = []
    for a, b in compared(document):
        title, name_a, name_b = labels(a, b)
        for interface in axis_values(records, "interface"):
            for layers in layer_counts:
                pa = series(document, device=a[0], diff_method=a[1], interface=interface, layers=layers)
                pb = series(document, device=b[0], diff_method=b[1], interface=interface, layers=layers)
                rows.append((title, interface, layers, crossover_text(name_a, name_b, pa, pb)))
    return table(("comparison", "interface", "layers", "result"), rows)


def throughput_table(document: dict[str, Any]) -> str:
    """At each line's largest measured n: state bytes one step must touch over its time."""
    rate = document["bandwidth"].get("bytes_per_second")
    layers = base_layers(document)
    rows = []
    for device, interface, method in _lines(document):
        chosen = select(document, device=device, diff_method=method, interface=interface, layers=layers)
        if not chosen or rate is None:
            continue
        n, r = chosen[-1]
        touched = bw.bytes_touched(method, qubits=n, gates=r["gates"], params=r["params"])
        t = r["wall_seconds"]["median"]
        rows.append(
            (
                device,
                interface,
                method,
                n,
                _passes(r, method),
                mib(touched),
                seconds(t),
                f"{touched / t / 1e9:.3g} GB/s",
                f"{bw.bandwidth_fraction(touched, t, rate):.2%}",
            )
        )
    return table(
        (
            "device",
            "interface",
            "diff method",
            "n",
            "state passes",
            "state bytes",
            "median time",
            "effective",
            "of bandwidth",
        ),
        rows,
    )


def seed004_table(document: dict[str, Any]) -> str:
    rows = []
    for r in document["seed004"]:
        if r["status"] == "ok":
            rows.append(
                (
                    r["device"],
                    r["diff_method"],
                    seconds(r["seconds"]),
                    f"{r['cpu_per_wall']:.2f}",
                    mib(r["peak_memory_growth_bytes"]),
                    f"{r['accuracy']:.3f}",
                )
            )
        else:
            error = r.get("error") or {}
            rows.append(
                (
                    r["device"],
                    r["diff_method"],
                    f"{r['status']}: {error.get('type', r.get('reason', ''))}",
                    "",
                    "",
                    "",
                )
            )
    return table(
        ("device", "diff method", "training wall time", "CPU / wall", "peak memory growth", "accuracy"), rows
    )


def status_table(document: dict[str, Any]) -> str:
    """Per series, the first configuration that was not measured, why, and how many sizes of
    the series were skipped (a refusal, timeout or crash; or ``--max-step``)."""
    rows, seen = [], set()
    for r in document["records"]:
        key = (r["device"], r["interface"], r["diff_method"], r["layers"])
        if r["status"] == "ok" or key in seen:
            continue
        seen.add(key)
        skipped = sum(
            1
            for s in document["records"]
            if s["status"] == "skipped"
            and (s["device"], s["interface"], s["diff_method"], s["layers"]) == key
        )
        error = r.get("error")
        why = f"{error['type']}: {error['message']}" if error else r.get("reason", "")
        rows.append((*key, r["status"], r["qubits"], why, skipped))
    return table(
        ("device", "interface", "diff method", "layers", "status", "at n", "why", "sizes skipped"), rows
    )
