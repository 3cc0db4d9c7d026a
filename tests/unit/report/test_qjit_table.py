"""The Catalyst family's table: generated into docs/qjit-table.md (stale = failure), valid RST,
in the JSON output, and rendered from the constraints file of its own environment."""

from __future__ import annotations

import io
import json
from pathlib import Path

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Class

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.report.formats import FORMATS

ROOT = Path(__file__).resolve().parents[3]
QJIT_CONSTRAINTS = ROOT / "constraints" / "qjit.txt"
directives.register_directive("rst-class", Class)


def _matrix():
    return load_matrix(ROOT / "matrix.yaml", versions=pinned_versions(QJIT_CONSTRAINTS))


def _pins(path: Path) -> list[str]:
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]


def test_qjit_table_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "qjit-table.md").read_text(encoding="utf-8")
    assert committed == FORMATS["qjit-markdown"](_matrix()), (
        "docs/qjit-table.md is stale; regenerate it with\n    supportmatrix render --versions "
        "constraints/qjit.txt --format qjit-markdown -o docs/qjit-table.md"
    )


def test_qjit_constraints_are_the_suites_plus_catalyst() -> None:
    """The qjit file includes constraints.txt rather than copying it, and adds Catalyst."""
    assert _pins(QJIT_CONSTRAINTS) == ["-c ../constraints.txt", "pennylane-catalyst==0.15.0"]
    suite, qjit = pinned_versions(ROOT / "constraints.txt"), pinned_versions(QJIT_CONSTRAINTS)
    assert qjit == {**suite, "pennylane-catalyst": "0.15.0"}


def test_the_default_tables_do_not_show_the_qjit_family() -> None:
    text = FORMATS["markdown"](_matrix())
    assert "qjit" not in text and "catalyst" not in text.lower()


def test_qjit_rst_is_valid_and_has_one_table_per_device() -> None:
    stream = io.StringIO()
    document = publish_doctree(
        FORMATS["qjit-rst"](_matrix()),
        settings_overrides={"report_level": 1, "halt_level": 5, "warning_stream": stream},
    )
    messages = [m.astext() for m in document.findall(nodes.system_message)]
    assert stream.getvalue() == "" and messages == []
    assert len(list(document.findall(nodes.table))) == 2


def test_qjit_markdown_rows_and_columns() -> None:
    text = FORMATS["qjit-markdown"](_matrix())
    header = next(line for line in text.splitlines() if line.startswith("| Diff method"))
    assert header.count("|") - 1 == 3 + 12 * 2  # 3 label columns, measurement x derivative
    lightning = text.split("## lightning.qubit")[1].split("## default.qubit")[0]
    rows = [line for line in lightning.splitlines() if line.startswith(("| `", "|  |"))]
    assert len(rows) == 5 * 3 * 2  # diff method x gradient function x method


def test_json_lists_every_qjit_cell_with_its_axes() -> None:
    document = json.loads(FORMATS["json"](_matrix()))
    cells = document["qjit"]["cells"]
    assert len(cells) == 2880 and document["qjit"]["axes"]["derivative"] == ["first", "second"]
    fd2 = next(
        c for c in cells if c["id"] == "qjit-lightning.qubit-adjoint-catalyst.grad-fd-expval-analytic-second"
    )
    assert fd2["expect"]["outcome"] == "incorrect" and "4 delta / h**2" in fd2["expect"]["note_text"]
