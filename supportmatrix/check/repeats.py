"""The bias check's independent repeats: one shot-vector execution, or one run per repeat.

A finite-shot cell's bias check needs `bounds.BIAS_REPEATS` independent estimates. A shot
vector gives them in one execution; a device that refuses shot vectors (qiskit.aer, through
PennyLane's old-device facade, raises a ``TypeError``, or returns one pooled result where one
per partition is due) gets them from as many executions of
the cell's own shots, each seeded on its own (`seeds.cell_seed`'s ``repeat``). The
estimates have the same distribution either way, so the bound is the same; the check says
which way they were drawn. The refusal itself is the ``shot-vector`` feature's finding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def repeated_runs(
    as_vector: Callable[[], Sequence[Any]],
    one: Callable[[int], Any],
    *,
    repeats: int,
    shots: int,
    results: int | None = None,
) -> tuple[list[Any], str]:
    """The repeats' results, and how they were drawn (for the check's criterion).

    ``results`` is how many results the shot vector must give (default ``repeats``): a device
    that returns another number for it (qiskit.aer pools a shot vector's probabilities into
    one vector) is treated as refusing it."""
    expected = repeats if results is None else results
    try:
        drawn = as_vector()
        if not isinstance(drawn, (tuple, list)) or len(drawn) != expected:
            count = len(drawn) if isinstance(drawn, (tuple, list)) else "no sequence of"
            raise ValueError(f"{count} results for a shot vector of {expected} partitions")
        return list(drawn), f"run as shots=({shots},) * {repeats}"
    except Exception as exc:  # noqa: BLE001 - any refusal of the vector: run them one by one
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        refused = f"{type(exc).__name__}: {first}"
    return (
        [one(index) for index in range(repeats)],
        f"run as {repeats} executions of shots={shots}, the device refusing the shot vector ({refused})",
    )
