"""A pytest plugin that writes when each process started, collected and ran each test.

Loaded by `scripts/suite_speed.py` with ``-p timeline_plugin`` (the scripts directory on
``PYTHONPATH``), in the controller and in every xdist worker. Each process writes one JSON
file into ``$SUPPORTMATRIX_TIMELINE_DIR`` when its session ends: wall-clock times (``time.time()``,
comparable across processes) of its start (the interpreter's own start, from
``/proc/self/stat``), of the end of collection, and of each test's start and end, with the
process CPU time (every thread's, ``time.process_time()``) each test took: on a machine
shared with other work, CPU time is the cost that others' load inflates least.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

_LOADED = time.time()
_events: list[tuple[str, float, float, float]] = []
_starts: dict[str, tuple[float, float]] = {}
_marks: dict[str, float] = {}


def _process_start() -> float:
    """When this interpreter started (Linux), else when this plugin was imported."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime")
        )
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, StopIteration, IndexError):
        return _LOADED


def pytest_collection_finish(session: pytest.Session) -> None:
    _marks["collected"] = time.time()


def pytest_runtest_logstart(nodeid: str, location: object) -> None:
    _starts[nodeid] = (time.time(), time.process_time())


def pytest_runtest_logfinish(nodeid: str, location: object) -> None:
    start = _starts.pop(nodeid, None)
    if start is not None:
        _events.append((nodeid, start[0], time.time(), time.process_time() - start[1]))


def pytest_sessionfinish(session: pytest.Session) -> None:
    # At the session's end, not at unconfigure: xdist workers here exit without
    # unconfiguring, so a record written then was never written.
    config = session.config
    directory = os.environ.get("SUPPORTMATRIX_TIMELINE_DIR")
    if not directory:
        return
    worker = getattr(config, "workerinput", {}).get("workerid", "controller")
    # An xdist controller is told of every worker's tests: only the workers' own count.
    distributed = worker == "controller" and bool(config.getoption("numprocesses", None))
    events = [] if distributed else _events
    record = {
        "process": worker,
        "started": _process_start(),
        "plugin_loaded": _LOADED,
        "collected": _marks.get("collected"),
        "ended": time.time(),
        "tests": events,
    }
    Path(directory, f"{worker}.json").write_text(json.dumps(record), encoding="utf-8")
