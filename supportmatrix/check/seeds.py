"""Every random number a cell draws comes from a seed of its id: stable across processes,
xdist workers and shards, so a sharded run records exactly what an unsharded one does.

A cell has independent streams: its device's samples (`MAIN_STREAM`), the bias check's
shot-vector run (`BIAS_STREAM`; on a device that refuses shot vectors, one seed per repeat
of it) and spsa's random directions (`SPSA_STREAM`).
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

MAIN_STREAM, BIAS_STREAM, SPSA_STREAM = 0, 1, 2


def cell_seed(cell: Any, *, run: int = 0, stream: int = MAIN_STREAM, repeat: int | None = None) -> int:
    """A seed that depends only on the cell id, ``run`` and ``stream``.

    ``run`` 0 on the main stream is the plain crc32 of the id, the seed the suite runs
    with; other runs (the false-failure measurement) and streams mix the crc32 with them
    through NumPy's SeedSequence, so that they draw independent samples.
    """
    base = zlib.crc32(cell.id.encode())
    if run == 0 and stream == MAIN_STREAM and repeat is None:
        return base
    entropy = [base, run, stream] + ([] if repeat is None else [repeat])
    return int(np.random.SeedSequence(entropy).generate_state(1)[0])


def spsa_seed(cell: Any, run: int = 0) -> int | None:
    """The seed of an spsa cell's directions, or None for any other method.

    PennyLane's spsa draws its directions from a fresh, unseeded generator by default. A
    generator seeded from the cell id, passed as ``sampler_rng``, draws a new direction on
    every call as that default does (it is the same generator throughout), but the same
    ones on every run, in every process.
    """
    return cell_seed(cell, stream=SPSA_STREAM, run=run) if cell.diff_method == "spsa" else None


def spsa_gradient_kwargs(cell: Any, run: int = 0) -> dict[str, Any] | None:
    """The QNode's ``gradient_kwargs`` that seed spsa's directions (None: not spsa)."""
    seed = spsa_seed(cell, run)
    return None if seed is None else {"sampler_rng": np.random.default_rng(seed)}


def spsa_source(cell: Any, run: int = 0) -> str | None:
    """`spsa_gradient_kwargs` as a reproduction snippet writes it (None: not spsa)."""
    seed = spsa_seed(cell, run)
    return None if seed is None else f"{{'sampler_rng': np.random.default_rng({seed})}}"
