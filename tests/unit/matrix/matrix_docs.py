"""Small matrix.yaml documents and assertions shared by the tests of `supportmatrix.matrix`.

Documents are schema_version 2, the format matrix.yaml is written in; the few tests of
reading version 1 ask for it explicitly.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest

from supportmatrix.matrix.load import MatrixError, load_matrix
from supportmatrix.matrix.model import Matrix

AXES = """\
axes:
  device: [default.qubit, lightning.qubit]
  interface: [None, torch]
  diff_method: [backprop, adjoint]
  measurement: [probs, sample]
  shots: [None, 100]
"""


NOTES = """\
notes:
  analytic-only: "Finite shots are refused."
  wrong-grad: "The gradient is silently wrong."
"""


CATCH_ALL = "  - expect: supported\n"


def make_doc(rules: str = CATCH_ALL, *, axes: str = AXES, notes: str = NOTES, version: int = 2) -> str:
    """A QNode matrix document, schema_version 2 unless a test of reading version 1 says
    ``version=1``: under 2 every outcome but ``supported`` names a note of ``notes``."""
    return f"schema_version: {version}\n" + axes + notes + "rules:\n" + textwrap.dedent(rules)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "matrix.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, versions: Mapping[str, str | None] | None = None) -> Matrix:
    return load_matrix(write(tmp_path, text), versions={} if versions is None else versions)


def load_error(tmp_path: Path, text: str, versions: Mapping[str, str | None] | None = None) -> MatrixError:
    with pytest.raises(MatrixError) as info:
        load(tmp_path, text, versions)
    return info.value


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def rules(*entries: str) -> str:
    """Rules after a catch-all ``supported``, each entry a dedented YAML list item."""
    return CATCH_ALL + "".join(textwrap.indent(textwrap.dedent(e), "  ") for e in entries)


def no_gradient(where: str) -> str:
    """A rule declaring the cells ``where`` matches ``no-gradient``, with the note (the
    reason) schema_version 2 requires of it; ``where`` is a YAML flow mapping."""
    return f"- where: {where}\n  expect: {{outcome: no-gradient, note: wrong-grad}}\n"


def cell_of(matrix: Matrix, cell_id: str):
    return matrix.by_id()[cell_id]


def assert_error(
    err: MatrixError, text: str, keypath: str, line_needle: str, *fragments: str, occurrence=1
) -> None:
    assert err.keypath == keypath
    assert err.line == line_of(text, line_needle, occurrence)
    for fragment in fragments:
        assert fragment in err.message, err.message
    assert "\n" not in str(err)
    assert str(err) == f"{err.path}:{err.line}: {err.keypath}: {err.message}"


def qnode_prelude(note: str, text: str) -> str:
    """A one-cell QNode matrix with one note: the part every family document starts with."""
    return (
        "schema_version: 2\n"
        "axes:\n"
        "  device: [default.qubit]\n"
        "  interface: [torch]\n"
        "  diff_method: [backprop]\n"
        "  measurement: [expval]\n"
        "  shots: [None]\n"
        "notes:\n"
        f'  {note}: "{text}"\n'
        "rules:\n"
        "  - expect: supported\n"
    )


def family_doc(prelude: str, axes: str, family_rules: str) -> str:
    """``prelude`` followed by a family section whose ``rules:`` list is ``family_rules``."""
    return prelude + axes + textwrap.indent(textwrap.dedent(family_rules), "    ")


#: One rule after the catch-all: lightning.qubit gives no gradient from PennyLane 0.44 on.
GATED = rules(no_gradient('{device: lightning.qubit, pennylane: ">=0.44"}'))
