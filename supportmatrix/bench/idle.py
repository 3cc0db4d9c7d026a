"""Waiting for an idle machine before each measurement, and saying when it never came.

Before every child the parent reads the 1-minute load average and, while it is at or over
the threshold, sleeps and reads it again, up to a timeout. The default threshold is 0.5 per
usable core (1.0 on a 2-core machine): below it, on average, at least half the cores were
free over the last minute, so a child's one or two threads are not queued behind other
work (lightning's OpenMP threads slow down by an order of magnitude when they share
cores). The load average lags: it still holds the previous child's own work, which decays
by a factor e every 60 s, so after a long configuration the gate waits for the benchmark's
own load too; that is the price of a reading no other process disturbs. A measurement that
starts over the threshold after the timeout is recorded as such (``idle: false``) and is
marked on the page and in the plots, never mixed in silently.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from supportmatrix.bench.machine import load_average, usable_cores

#: Threshold on the 1-minute load average per usable core.
LOAD_PER_CORE = 0.5
#: Seconds between two readings while waiting (the kernel updates the average every 5 s).
POLL_SECONDS = 5.0


def default_threshold() -> float:
    """`LOAD_PER_CORE` times the cores this process may use."""
    return LOAD_PER_CORE * (usable_cores() or 1)


@dataclass(frozen=True)
class Gate:
    """Wait until the load is under ``threshold``, for at most ``timeout`` seconds.

    ``read``, ``sleep`` and ``clock`` are the machine's by default; tests pass their own.
    """

    threshold: float
    timeout: float
    read: Callable[[], float | None] = load_average
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    poll: float = POLL_SECONDS

    def wait(self) -> dict[str, Any]:
        """The load as the measurement starts, the seconds waited, and whether it was idle.

        A machine that cannot report its load is never called idle.
        """
        start = self.clock()
        load = self.read()
        while load is not None and load >= self.threshold and self.clock() - start < self.timeout:
            self.sleep(min(self.poll, max(0.0, self.timeout - (self.clock() - start))))
            load = self.read()
        return {
            "load_before": load,
            "waited_seconds": round(self.clock() - start, 3),
            "idle": load is not None and load < self.threshold,
        }


def over_threshold(record: dict[str, Any]) -> bool:
    """Whether a record was measured on a machine not known to be idle (False for records
    of files written before the gate existed, which carry no ``idle``)."""
    return record.get("idle") is False
