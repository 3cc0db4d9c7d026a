"""A recommendation as people read it (a short table and one sentence of advice) and as tools read it (JSON)."""

from __future__ import annotations

import json
from typing import Any

from supportmatrix.bench.predict import HeldOut, Point, held_out
from supportmatrix.bench.recommend import Ranked, Recommendation, Verdict
from supportmatrix.bench.tables import mib, seconds


def _shots(shots: int | None) -> str:
    return "analytic" if shots is None else f"shots={shots}"


def caveats(ranked: Ranked, memory_bytes: float | None) -> list[str]:
    """Why a prediction deserves less trust: extrapolated, measured under load, or more
    memory than the measuring machine had."""
    p = ranked.prediction
    found = [f"extrapolated ({', '.join(p.extrapolated)})"] if p.extrapolated else []
    if p.loaded:
        found.append("measured under load")
    if not fits(ranked, memory_bytes):
        found.append("more memory than the measuring machine had")
    return found


def fits(ranked: Ranked, memory_bytes: float | None) -> bool:
    """Whether the predicted peak memory is within ``memory_bytes`` (True when either is unknown)."""
    peak = ranked.prediction.peak_bytes
    return memory_bytes is None or peak is None or peak <= memory_bytes


def advice(recommendation: Recommendation, memory_bytes: float | None = None) -> str:
    """One sentence: the fastest configuration predicted to fit in ``memory_bytes``, the one
    that needs least memory, and how far to trust the prediction."""
    ranked, r = recommendation.ranked, recommendation.request
    if not ranked:
        return (
            f"Nothing to recommend: no configuration the benchmark measured is declared supported "
            f"for {r.interface}, {r.measurement}, {_shots(r.shots)}, {r.derivative} derivative."
        )
    leanest = min(
        (x for x in ranked if x.memory_rank is not None), key=lambda x: x.memory_rank or 0, default=None
    )
    fastest = next((x for x in ranked if fits(x, memory_bytes)), None)
    if fastest is None and leanest is not None:
        return (
            f"No configuration is predicted to fit in {mib(memory_bytes)}: {_name(leanest.verdict)} needs "
            f"the least ({mib(leanest.prediction.peak_bytes)}, {seconds(leanest.prediction.seconds)})."
        )
    fastest = fastest or ranked[0]
    text = f"Use {_name(fastest.verdict)} ({seconds(fastest.prediction.seconds)} per forward + gradient)"
    if fastest is not ranked[0]:
        text += f", the fastest predicted to fit in {mib(memory_bytes)}"
    if leanest is None or leanest is fastest:
        text += ", which also needs the least memory" if leanest is not None else ""
    else:
        text += (
            f"; {_name(leanest.verdict)} needs the least memory "
            f"({mib(leanest.prediction.peak_bytes)}, {seconds(leanest.prediction.seconds)})"
        )
    if fastest.prediction.extrapolated or fastest.prediction.loaded:
        text += "; the prediction " + " and ".join(
            part
            for part, flag in (
                ("extrapolates beyond the measured sizes", fastest.prediction.extrapolated),
                ("rests on measurements taken under load", fastest.prediction.loaded),
            )
            if flag
        )
    avoid = recommendation.avoid
    if avoid:
        named = (
            ", ".join(_name(v) for v in avoid)
            if len(avoid) <= 2
            else f"the {len(avoid)} configurations listed"
        )
        text += f"; avoid {named}: declared to give wrong gradients"
    return text + "."


def timed(derivative: str) -> str:
    """What the predicted time is of: the benchmark times first derivatives only."""
    text = "time per forward pass + gradient of the benchmark circuit's <Z0>, analytic"
    return text + ("; Hessians were not benchmarked and cost more" if derivative == "second" else "")


def _name(verdict: Verdict) -> str:
    return f"{verdict.device} {verdict.diff_method}"


def _listed(verdicts: tuple[Verdict, ...]) -> str:
    return ", ".join(f"{_name(v)} ({v.outcome}, note {v.note})" for v in verdicts) or "none"


def to_text(recommendation: Recommendation, *, results: str, memory_bytes: float | None) -> str:
    """The table, the lists of what to avoid and what is not available, and the advice."""
    r = recommendation.request
    lines = [
        f"{r.qubits} qubits, {r.params} parameters, {r.interface}, {r.measurement}, {_shots(r.shots)}, "
        f"{r.derivative} derivative",
        f"predicted from {results}: {timed(r.derivative)} (docs/recommend.md)",
        "",
    ]
    header = ("rank", "device", "diff method", "time", "memory", "mem rank", "caveats")
    rows = [
        (
            str(x.time_rank),
            x.verdict.device,
            x.verdict.diff_method,
            seconds(x.prediction.seconds),
            mib(x.prediction.peak_bytes),
            "–" if x.memory_rank is None else str(x.memory_rank),
            "; ".join(caveats(x, memory_bytes)) or "–",
        )
        for x in recommendation.ranked
    ]
    widths = [max(len(row[k]) for row in (header, *rows)) for k in range(len(header))]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    lines += [
        "",
        f"gives wrong gradients, avoid: {_listed(recommendation.avoid)}",
        f"not available: {_listed(recommendation.unavailable)}",
        "supported, not benchmarked: " + (", ".join(_name(v) for v in recommendation.unmeasured) or "none"),
        "",
        advice(recommendation, memory_bytes),
    ]
    return "\n".join(lines) + "\n"


def _verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "device": verdict.device,
        "diff_method": verdict.diff_method,
        "outcome": verdict.outcome,
        "note": verdict.note,
        "cells": list(verdict.cell_ids),
    }


def to_json(recommendation: Recommendation, *, results: str, memory_bytes: float | None) -> str:
    """The same answer for tools: every field of the text form, numbers unrounded."""
    r = recommendation.request
    document = {
        "request": {
            "qubits": r.qubits,
            "params": r.params,
            "interface": r.interface,
            "measurement": r.measurement,
            "shots": r.shots,
            "derivative": r.derivative,
            "devices": None if r.devices is None else list(r.devices),
        },
        "results": results,
        "timed": timed(r.derivative),
        "ranked": [
            {
                **_verdict_json(x.verdict),
                "time_rank": x.time_rank,
                "memory_rank": x.memory_rank,
                "seconds": x.prediction.seconds,
                "peak_memory_bytes": x.prediction.peak_bytes,
                "extrapolated": list(x.prediction.extrapolated),
                "measured_under_load": x.prediction.loaded,
                "measured_sizes": x.prediction.points,
                "caveats": caveats(x, memory_bytes),
            }
            for x in recommendation.ranked
        ],
        "avoid": [_verdict_json(v) for v in recommendation.avoid],
        "not_available": [_verdict_json(v) for v in recommendation.unavailable],
        "not_benchmarked": [_verdict_json(v) for v in recommendation.unmeasured],
        "advice": advice(recommendation, memory_bytes),
    }
    return json.dumps(document, indent=1) + "\n"


def _percent(summary: tuple[float, float] | None) -> tuple[str, str]:
    return ("–", "–") if summary is None else (f"{summary[0]:.0%}", f"{summary[1]:.0%}")


def held_out_table(points: dict[tuple[str, str, str], list[Point]], *, as_json: bool = False) -> str:
    """Every configuration's leave-one-out relative error of time and memory (median, max),
    and the median and max over every held-out point of every configuration."""
    rows: list[tuple[tuple[str, str, str], int, HeldOut]] = []
    every_time: list[float] = []
    every_memory: list[float] = []
    for (device, method, interface), series in sorted(points.items()):
        errors = held_out(series, device=device, diff_method=method)
        every_time += errors.time_errors
        every_memory += errors.memory_errors
        rows.append(((device, method, interface), len(series), errors))
    largest = [e.largest for _, _, e in rows if e.largest is not None]
    if as_json:
        return (
            json.dumps(
                [
                    {
                        "device": d,
                        "diff_method": m,
                        "interface": i,
                        "sizes": sizes,
                        "time_errors": list(e.time_errors),
                        "memory_errors": list(e.memory_errors),
                        "largest_size_time_error": e.largest,
                    }
                    for (d, m, i), sizes, e in rows
                ],
                indent=1,
            )
            + "\n"
        )
    header = (
        "device",
        "diff method",
        "interface",
        "sizes",
        "time median",
        "time max",
        "time largest",
        "memory median",
        "memory max",
    )
    body = [
        (
            d,
            m,
            i,
            str(sizes),
            *_percent(HeldOut.summary(e.time_errors)),
            "–" if e.largest is None else f"{e.largest:.0%}",
            *_percent(HeldOut.summary(e.memory_errors)),
        )
        for (d, m, i), sizes, e in rows
    ]
    body.append(
        (
            "all",
            "",
            "",
            str(len(every_time)),
            *_percent(HeldOut.summary(every_time)),
            _percent(HeldOut.summary(largest))[0] + " (median)",
            *_percent(HeldOut.summary(every_memory)),
        )
    )
    widths = [max(len(row[k]) for row in (header, *body)) for k in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in (header, *body)
    ]
    return (
        "leave-one-out relative error |predicted - measured| / measured (docs/recommend.md); "
        "'time largest' is the largest size predicted from the smaller ones; 'all' counts held-out points\n"
        + "\n".join(lines)
        + "\n"
    )
