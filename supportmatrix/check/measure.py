"""Wall time, CPU time and peak memory of a block of code: for cells that train (hybrid) and the benchmark.

Peak memory is the growth of the process's peak resident set size (Linux ``VmHWM``) over
its size when the block started. Writing ``5`` to ``/proc/self/clear_refs`` resets the
peak to the current size first (Linux >= 4.0), so earlier cells in the same process do
not hide the block's own peak. Tensors of every framework count, unlike with tracemalloc.
Elsewhere the figure is None. CPU time is the whole process's, every thread included
(`time.process_time`), so CPU / wall says how many cores the block kept busy.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Usage:
    """Filled in when the measured block ends."""

    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_memory_bytes: int | None = None
    #: The resident set size when the block started, which the peak grew from.
    start_memory_bytes: int | None = None


@contextmanager
def measure() -> Iterator[Usage]:
    """Measure the ``with`` block: ``with measure() as usage: ...; usage.wall_seconds``."""
    usage = Usage()
    start_rss = _reset_peak()
    usage.start_memory_bytes = None if start_rss is None else start_rss * 1024
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
        yield usage
    finally:
        usage.wall_seconds = time.perf_counter() - start
        usage.cpu_seconds = time.process_time() - start_cpu
        peak = _status_kib("VmHWM")
        if start_rss is not None and peak is not None:
            usage.peak_memory_bytes = max(0, peak - start_rss) * 1024


def _reset_peak() -> int | None:
    """Reset the peak RSS to the current RSS; the current RSS in KiB, or None if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return None
    return _status_kib("VmRSS")


def os_threads() -> int | None:
    """How many threads the process has now (``Threads`` of ``/proc/self/status``), or None."""
    return _status_kib("Threads")


def _status_kib(field: str) -> int | None:
    # The field's first number: KiB for the memory fields, a count for ``Threads``.
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None
