"""The threads a measured block really ran on: per-thread CPU time from ``/proc/self/task``.

CPU / wall says how many cores were busy on average; it cannot tell two threads at half a
core each from one at full speed. So the block's every thread (task) is read before and
after: a thread counts as busy when it used at least `BUSY_SHARE` of the block's wall time
in CPU. Threads born during the block count from zero. Where ``/proc`` is absent the
answer is None, never a guess.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: A thread that used less CPU than this share of the wall time was waiting, not working.
BUSY_SHARE = 0.1
_TASKS = Path("/proc/self/task")


def task_cpu_seconds(tasks: Path = _TASKS) -> dict[int, float] | None:
    """CPU seconds (user + system) of each thread of this process, by thread id."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    found: dict[int, float] = {}
    try:
        entries = list(tasks.iterdir())
    except OSError:
        return None
    for entry in entries:
        try:
            text = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue  # the thread ended between the listing and the read
        fields = text.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return found


def busy_threads(
    before: dict[int, float], after: dict[int, float], *, wall_seconds: float, share: float = BUSY_SHARE
) -> int:
    """Threads whose CPU time grew by at least ``share`` of ``wall_seconds``."""
    return sum(1 for tid, cpu in after.items() if cpu - before.get(tid, 0.0) >= share * wall_seconds)


class ThreadUse:
    """What `thread_use` found: threads alive at the end, and the busy ones (None: unknown)."""

    def __init__(self) -> None:
        self.alive: int | None = None
        self.busy: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"threads_alive": self.alive, "threads_busy": self.busy, "busy_share": BUSY_SHARE}


@contextmanager
def thread_use() -> Iterator[ThreadUse]:
    """Measure the threads the block ran on (`busy_threads`)."""
    use = ThreadUse()
    before = task_cpu_seconds()
    start = time.perf_counter()
    yield use
    wall = time.perf_counter() - start
    after = task_cpu_seconds()
    if before is not None and after is not None:
        use.alive = len(after)
        use.busy = busy_threads(before, after, wall_seconds=wall)
