"""PennyLane's mid-circuit measurement table read into claims, and compared with mcm cells."""

from __future__ import annotations

import pytest

from supportmatrix.matrix.model import Expectation, Outcome, ResolvedCell
from supportmatrix.pennylane_docs.mcm_compare import compare_mcm, render_mcm_comparison
from supportmatrix.pennylane_docs.mcm_table import STORED, load_mcm_table, parse_mcm_table
from supportmatrix.pennylane_docs.page import DocsTableError

TABLE = load_mcm_table()


def test_the_stored_table_reads_as_the_page_says() -> None:
    assert TABLE.rows["deferred"].footnote == 1
    assert TABLE.rows["one-shot"].analytic is False
    assert TABLE.rows["tree-traversal"].analytic is True
    assert TABLE.rows["one-shot"].entry_methods == ("finite-diff",)
    assert all(row.shots for row in TABLE.rows.values())


@pytest.mark.parametrize(
    ("mcm", "method", "shots", "postselect", "supported"),
    [
        ("deferred", "backprop", None, True, True),  # footnote 1: fully supported
        ("deferred", "finite-diff", 10000, True, True),
        ("deferred", "parameter-shift", None, False, True),
        ("deferred", "parameter-shift", None, True, None),  # only without postselection
        ("deferred", "adjoint", None, True, None),
        ("deferred", "backprop", 10000, False, None),  # analytic-only method
        ("one-shot", "parameter-shift", None, False, False),  # analytic: no
        ("one-shot", "finite-diff", 10000, True, True),
        ("tree-traversal", "parameter-shift", 10000, False, True),  # footnote 2
        ("tree-traversal", "spsa", None, False, None),
    ],
)
def test_claims(mcm: str, method: str, shots: int | None, postselect: bool, supported: bool | None) -> None:
    assert TABLE.claim(mcm, method, shots, postselect).supported is supported


def test_a_reworded_footnote_fails_loudly() -> None:
    text = STORED.read_text(encoding="utf-8").replace("fully supported", "supported")
    with pytest.raises(DocsTableError, match="footnote 1 no longer says"):
        parse_mcm_table(text, path="page.rst")


def test_a_row_without_a_footnote_is_located() -> None:
    text = STORED.read_text(encoding="utf-8").replace(r"yes \ :math:`{}^1`", "yes")
    with pytest.raises(DocsTableError, match=r"page.rst:\d+: the Differentiation entry"):
        parse_mcm_table(text, path="page.rst")


class _Matrix:
    """The part of `Matrix` the comparison reads."""

    def __init__(self, cells: list[ResolvedCell]) -> None:
        self.cells = cells

    def resolved(self) -> tuple[ResolvedCell, ...]:
        return tuple(self.cells)


def _cell(feature: str, method: str, shots: int | None, outcome: Outcome) -> ResolvedCell:
    from supportmatrix.matrix.model import FeatureCell

    cell = FeatureCell("default.qubit", "autograd", method, feature, shots)
    return ResolvedCell(cell, Expectation(outcome, note=None if outcome is Outcome.SUPPORTED else "why"))


def test_contradictions_in_both_directions_and_nothing_else() -> None:
    matrix = _Matrix(
        [
            _cell("mcm-cond-deferred", "parameter-shift", None, Outcome.INCORRECT),  # disagrees
            _cell("mcm-cond-one-shot", "finite-diff", None, Outcome.SUPPORTED),  # disagrees
            _cell("mcm-postselect-deferred", "parameter-shift", None, Outcome.INCORRECT),  # unsaid
            _cell("mcm-cond-tree-traversal", "finite-diff", 10000, Outcome.SUPPORTED),  # agrees
        ]
    )
    found, documented = compare_mcm(TABLE, matrix)  # type: ignore[arg-type]
    assert documented == 3
    assert [d.cell_id for d in found] == [
        "default.qubit-autograd-parameter-shift-mcm-cond-deferred-analytic",
        "default.qubit-autograd-finite-diff-mcm-cond-one-shot-analytic",
    ]
    report = render_mcm_comparison(TABLE, matrix)  # type: ignore[arg-type]
    assert "3 default.qubit cells are documented by the table; 2 disagree" in report
    assert "declared incorrect (why)" in report
