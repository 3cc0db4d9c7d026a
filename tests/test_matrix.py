"""Every cell of matrix.yaml, run for real and judged against its declaration."""

from __future__ import annotations

import pytest

from supportmatrix.classify import mismatches
from supportmatrix.model import ResolvedCell
from supportmatrix.report import failure_message
from supportmatrix.runner import run_cell


def test_cell(resolved_cell: ResolvedCell, shot_check_count: int) -> None:
    run = run_cell(resolved_cell.cell, family_size=shot_check_count)
    problems = mismatches(resolved_cell.expectation, run.observed, run.warnings)
    if problems:
        pytest.fail(failure_message(run, resolved_cell.expectation, problems), pytrace=False)
