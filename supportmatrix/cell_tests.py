"""The tests every matrix cell runs: the cell for real, judged against its declaration.

One test function per family of the registry (`families.FAMILIES`), made here and named
``test_<family>_cell``; the plugin parametrizes each with its family's cells. They live in
the package, not only under ``tests/``, so that ``supportmatrix observe`` can run them from
an installed copy; each family's ``test_file`` under ``tests/`` imports its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportmatrix.check.classify import mismatches
from supportmatrix.check.crashed import CellCrashed
from supportmatrix.check.failure import failure_message
from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.model import ResolvedCell
from supportmatrix.plugin import FAMILY_ATTRIBUTE

__all__ = [f"test_{family.name}_cell" for family in FAMILIES]


def judge(
    family: Family,
    rc: ResolvedCell,
    *,
    family_size: int,
    matrix_file: str,
    record_cell: Callable[[Any, list[str]], Any],
) -> None:
    """Run one cell of ``family``, record it, and fail with its failure text on any mismatch
    with its declaration."""
    try:
        run = family.load("runner")(rc, family_size=family_size)
    except CellCrashed as exc:
        pytest.fail(f"[{rc.cell.id}] {exc}", pytrace=False)
    problems = mismatches(rc.expectation, run.observed, run.warnings)
    record_cell(run, problems)
    if problems:
        pytest.fail(failure_message(family, rc, run, problems, matrix_file=matrix_file), pytrace=False)


def _cell_test(family: Family) -> Callable[..., None]:
    def test(
        resolved_cell: ResolvedCell,
        family_size: int,
        matrix_file: str,
        record_cell: Callable[[Any, list[str]], Any],
    ) -> None:
        judge(
            family, resolved_cell, family_size=family_size, matrix_file=matrix_file, record_cell=record_cell
        )

    test.__name__ = test.__qualname__ = f"test_{family.name}_cell"
    test.__doc__ = f"A {family.title} cell of the matrix, run for real and judged."
    setattr(test, FAMILY_ATTRIBUTE, family)
    return test


globals().update({f"test_{family.name}_cell": _cell_test(family) for family in FAMILIES})
