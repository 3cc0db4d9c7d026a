"""Unit tests for `supportmatrix.docs_table`: reading PennyLane's grid table and its notes."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree

from supportmatrix.matrix.model import Expectation, FamilyCells, Matrix, Outcome, QNodeCell, ResolvedCell
from supportmatrix.pennylane_docs.page import (
    DocsTableError,
    DocumentedEntry,
    load_docs_table,
    parse_docs_table,
)
from supportmatrix.report.rst import render_rst

SMALL = Path(__file__).parents[1] / "data" / "small-supported-configurations.rst"
TEXT = SMALL.read_text(encoding="utf-8")


def test_the_fixture_is_a_valid_grid_table() -> None:
    # Guards the fixture itself: docutils must read it as one 5-column table.
    stream = io.StringIO()
    settings = {"report_level": 3, "halt_level": 5, "warning_stream": stream}
    document = publish_doctree(TEXT, settings_overrides=settings)
    table = next(iter(document.findall(nodes.table)))
    assert table.next_node(nodes.tgroup)["cols"] == 5
    assert "Malformed table" not in stream.getvalue()


def test_axes_in_page_order_with_the_matrix_spelling() -> None:
    doc = load_docs_table(SMALL)
    assert doc.path == str(SMALL)
    assert doc.interfaces == ("None", "autograd")
    assert doc.diff_methods == ("backprop", "adjoint")
    assert doc.measurements == ("probs", "sample", "expval")  # "expval (obs)" -> expval
    assert list(doc.entries) == list(itertools.product(doc.interfaces, doc.diff_methods, doc.measurements))


def test_entries_carry_role_note_text_and_line() -> None:
    doc = parse_docs_table(TEXT, path="page.rst")
    assert doc.path == "page.rst"
    assert doc.entries["None", "backprop", "probs"] == DocumentedEntry(
        "rd",
        1,
        "Not supported. Gradients are not computed even though ``diff_method`` is provided. "
        "Fails with error.",
        14,
    )
    entry = doc.entries["autograd", "adjoint", "expval"]
    assert (entry.role, entry.note, entry.note_text, entry.line) == ("gr", 8, "Supported.", 20)
    assert entry.supported and not doc.entries["autograd", "adjoint", "sample"].supported


def test_notes_join_continuation_lines_and_paragraphs() -> None:
    notes = parse_docs_table(TEXT).notes
    assert sorted(notes) == [1, 2, 5, 7, 8, 9, 10]  # listed, even if unused (10)
    assert notes[2].endswith("but does not fail. Forward pass is still supported.")
    assert notes[5] == (
        "Supported, but only when ``shots=None``. See :ref:`Backpropagation "
        "<Analytic backpropagation>` for details. A second paragraph of the same note."
    )
    assert "\n" not in notes[7] and "  " not in notes[7]


def test_interface_label_spans_its_rows() -> None:
    doc = parse_docs_table(TEXT)
    assert doc.entries["autograd", "adjoint", "probs"].note == 7  # the row with a blank label


def test_refuses_the_symbol_entries_supportmatrix_renders() -> None:
    # Our RST keeps PennyLane's layout but its entries are symbols and reason numbers
    # (``:gr:`✅```, ``:rd:`✅ / ❌ 1```), not one note number, padded for their display
    # width: the reader, made for PennyLane's hand-kept page, stops at the first such row
    # with a located error instead of half reading it.
    def expect(cell: QNodeCell) -> Expectation:
        ok = cell.diff_method == "backprop" or cell.shots is None
        return Expectation(Outcome.SUPPORTED if ok else Outcome.NO_GRADIENT)

    axes: dict[str, tuple[object, ...]] = {
        "device": ("default.qubit",),
        "interface": ("None", "jax-jit"),
        "diff_method": ("backprop", "reversed-direct-hadamard"),
        "measurement": ("density_matrix", "counts", "mutual_info"),
        "shots": (None, 10),
    }
    cells = tuple(
        ResolvedCell(QNodeCell(*values), expect(QNodeCell(*values)))
        for values in itertools.product(*axes.values())
    )
    text = render_rst(Matrix("m.yaml", {}, {"qnode": FamilyCells(axes, cells)}))
    with pytest.raises(DocsTableError) as info:
        parse_docs_table(text, path="ours.rst")
    first_row = next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith("| ``None``"))
    assert (info.value.path, info.value.line) == ("ours.rst", first_row)
    assert "table line is not" in info.value.message


# --------------------------------------------------------------------------- malformed input


def broken(old: str, new: str, count: int = 1) -> str:
    assert old in TEXT, old
    return TEXT.replace(old, new, count)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Just prose.\n", 1, "no grid table found"),
        ("+---+\n| a |\n+===+\n| b |\n+---+\n", 3, "needs interface, diff method and"),
        (broken("+==================+", "+------------------+"), 9, "no header separator"),
        (broken("|  :rd:`1`   |", "|  :rd:`1`    |"), 14, "is not 70 characters wide"),
        (broken("| :gr:`8`    |", "| yes        |"), 20, "column 'expval': expected one :gr:`N`"),
        (broken(":rd:`2` | :rd:`9`", ":rd:`2`   :rd:`9`"), 16, "expected '|' at column 46"),
        (broken("| :gr:`8`    |", "| :gr:`6`    |"), 20, "note 6 is not in the list"),
        (broken('``"autograd"``', "``autograd``  "), 18, "interface label '``autograd``'"),
        (broken('``"adjoint"``', "adjoint      "), 16, "diff method label 'adjoint'"),
        (broken("|**Diff method**|  probs  |", "|**Diff method**|         |"), 12, "no name"),
        (
            broken("+------------------+---------------+---------+----------+------------+\n\n1.", "\n1."),
            20,
            "does not end with a closed border",
        ),
        (broken("8. Supported.", "1. Supported."), 31, "note 1 is listed twice"),
        (broken('| ``"adjoint"`` | :gr:`7`', '| ``"backprop"``| :gr:`7`'), 20, "repeats line 18"),
    ],
    ids=[
        "no-table",
        "one-column",
        "no-header-separator",
        "ragged-line",
        "not-a-role",
        "missing-column-border",
        "undefined-note",
        "bad-interface",
        "bad-method",
        "unnamed-column",
        "unclosed-table",
        "note-twice",
        "row-twice",
    ],
)
def test_malformed_table_is_one_located_error(text: str, line: int, message: str) -> None:
    with pytest.raises(DocsTableError) as info:
        parse_docs_table(text, path="page.rst")
    error = str(info.value)
    assert error.startswith(f"page.rst:{line}: "), error
    assert message in error and "\n" not in error


def test_unreadable_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):  # noqa: PT011  any OSError is the contract, as the name says
        load_docs_table(tmp_path / "missing.rst")
