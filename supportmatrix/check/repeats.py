"""The bias check's independent repeats: one shot-vector execution, or one run per repeat.

A finite-shot cell's bias check needs `bounds.BIAS_REPEATS` independent estimates. A shot
vector gives them in one execution; a device that refuses shot vectors (qiskit.aer, through
PennyLane's old-device facade, raises a ``TypeError``) gets them from as many executions of
the cell's own shots, each seeded on its own (`seeds.cell_seed`'s ``repeat``). The
estimates have the same distribution either way, so the bound is the same; the check says
which way they were drawn. The refusal itself is the ``shot-vector`` feature's finding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def repeated_runs(
    as_vector: Callable[[], Sequence[Any]], one: Callable[[int], Any], *, repeats: int, shots: int
) -> tuple[list[Any], str]:
    """The repeats' results, and how they were drawn (for the check's criterion)."""
    try:
        return list(as_vector()), f"run as shots=({shots},) * {repeats}"
    except Exception as exc:  # noqa: BLE001 - any refusal of the vector: run them one by one
        refused = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return (
        [one(index) for index in range(repeats)],
        f"run as {repeats} executions of shots={shots}, the device refusing the shot vector ({refused})",
    )
