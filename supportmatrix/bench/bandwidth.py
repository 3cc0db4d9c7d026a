"""The physical limit: this machine's memory copy bandwidth, and how close each configuration came to it.

A state-vector simulator applying a gate reads and writes every amplitude once: 2^n complex128
amplitudes × 16 bytes × 2 (read + write) per *state pass*. Below the cache size that is bound
by compute and overheads, above it by memory bandwidth, so the bytes a step must touch divided
by its time, as a fraction of the copy bandwidth, says how much of the step is simulation and
how much is overhead. The passes one forward pass plus gradient needs, for G gates, P
parameters and one observable (`circuits.Circuit`: G = 4nL, P = 3nL):

- forward: G gate applications + 1 for ⟨Z0⟩ (applying Z0 and the inner product read the
  state once): F = G + 1.
- backprop: F, then the reverse sweep: one cotangent pass per gate (G), one pass per
  parameter for its derivative's inner product (P), one for the observable: 2G + P + 2.
  It keeps every intermediate state (G of them), which is its memory cost, not its traffic.
- adjoint (Jones & Gacon, arXiv:2009.02823): F, one pass for |b⟩ = Z0|ψ⟩, then per gate in
  reverse U†|ψ⟩ and U†|b⟩ (2G), and per parameter the generator applied to |ψ⟩ and its inner
  product with |b⟩ (2P): 3G + 2P + 2. Two states in memory whatever the depth.
- parameter-shift: the forward pass and two shifted circuits per parameter: (2P + 1) F.
- finite-diff (forward differences): the forward pass and one shifted circuit per
  parameter: (P + 1) F.

These are the algorithms' minimum; where PennyLane does more (a second forward pass inside
the adjoint Jacobian, the unshifted circuit again inside finite-diff) it shows as a lower
fraction, which is the point. Fractions above 1 mean the state fitted in cache.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

AMPLITUDE_BYTES = 16  # complex128


def measure_bandwidth(
    *, array_bytes: int = 512 * 2**20, repeats: int = 5, threads: int = 1
) -> dict[str, Any]:
    """Best-of-``repeats`` copy bandwidth, read + write bytes per second, of a NumPy copy of
    ``array_bytes`` split over ``threads`` threads (NumPy releases the GIL while copying)."""
    src = np.ones(array_bytes // 8)  # ones and zeros: every page touched before timing
    dst = np.zeros_like(src)
    cuts = [k * src.size // threads for k in range(threads + 1)]

    def copy(lo: int, hi: int) -> None:
        np.copyto(dst[lo:hi], src[lo:hi])

    best = float("inf")
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(repeats):
            start = time.perf_counter()
            list(pool.map(copy, cuts[:-1], cuts[1:]))
            best = min(best, time.perf_counter() - start)
    return {
        "array_bytes": int(src.nbytes),
        "repeats": repeats,
        "threads": threads,
        "best_seconds": best,
        "bytes_per_second": 2 * src.nbytes / best,
    }


def state_passes(diff_method: str, *, gates: int, params: int) -> int:
    """State passes of one forward pass plus gradient (derivation in the module docstring)."""
    forward = gates + 1
    passes = {
        "backprop": forward + gates + params + 1,
        "adjoint": forward + 1 + 2 * gates + 2 * params,
        "parameter-shift": (2 * params + 1) * forward,
        "finite-diff": (params + 1) * forward,
    }
    if diff_method not in passes:
        raise ValueError(f"no pass count for diff method {diff_method!r}; known: {', '.join(passes)}")
    return passes[diff_method]


def bytes_per_pass(qubits: int) -> int:
    """Bytes one state pass reads and writes: 2^n amplitudes × 16 bytes × 2."""
    return 2**qubits * AMPLITUDE_BYTES * 2


def bytes_touched(diff_method: str, *, qubits: int, gates: int, params: int) -> int:
    """Bytes of state one forward pass plus gradient must read and write."""
    return state_passes(diff_method, gates=gates, params=params) * bytes_per_pass(qubits)


def bandwidth_fraction(touched_bytes: int, seconds: float, bytes_per_second: float) -> float:
    """Effective throughput ``touched_bytes / seconds`` as a fraction of the bandwidth."""
    return touched_bytes / seconds / bytes_per_second
