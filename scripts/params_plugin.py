"""A pytest plugin that writes each collected test's function and parameters as JSON.

Loaded by `scripts/suite_speed.py` with ``-p params_plugin`` (the scripts directory on
``PYTHONPATH``) into a ``--collect-only`` run of PennyLane's support test, whose
configurations `like_for_like.pair` maps onto this suite's cells. The file is
``$SUPPORTMATRIX_PARAMS_FILE``: a list of ``{"nodeid", "function", "params"}``, with
parameters that are not JSON (a tuple of wires) written as lists.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    path = os.environ.get("SUPPORTMATRIX_PARAMS_FILE")
    if not path:
        return
    tests = [
        {
            "nodeid": item.nodeid,
            "function": getattr(item, "originalname", item.name),
            "params": dict(getattr(getattr(item, "callspec", None), "params", {})),
        }
        for item in session.items
    ]
    Path(path).write_text(json.dumps(tests, default=list), encoding="utf-8")
