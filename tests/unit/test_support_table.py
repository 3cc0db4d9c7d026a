"""docs/support-table.md is generated; this fails when it no longer matches matrix.yaml."""

from __future__ import annotations

from pathlib import Path

from supportmatrix.loader import load_matrix
from supportmatrix.render import render_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_support_table_is_up_to_date():
    expected = render_markdown(load_matrix(ROOT / "matrix.yaml"))
    committed = (ROOT / "docs" / "support-table.md").read_text(encoding="utf-8")
    assert committed == expected, (
        "docs/support-table.md is stale; regenerate it with\n"
        "    supportmatrix render --format markdown -o docs/support-table.md"
    )
