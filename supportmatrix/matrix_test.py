"""The test every matrix cell runs: the cell for real, judged against its declaration.

It lives in the package, not only under ``tests/``, so that ``supportmatrix observe``
can run it from an installed copy; ``tests/test_matrix.py`` imports it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from supportmatrix.check.classify import mismatches
from supportmatrix.matrix.model import ResolvedCell
from supportmatrix.check.failure import failure_message
from supportmatrix.check.runner import Run, run_cell


def test_cell(resolved_cell: ResolvedCell, shot_check_count: int,
              record_cell: Callable[[Run, list[str]], None]) -> None:
    run = run_cell(resolved_cell.cell, family_size=shot_check_count)
    problems = mismatches(resolved_cell.expectation, run.observed, run.warnings)
    record_cell(run, problems)
    if problems:
        pytest.fail(failure_message(run, resolved_cell.expectation, problems), pytrace=False)
