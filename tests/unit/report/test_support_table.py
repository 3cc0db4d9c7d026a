"""The tables in docs/ are generated; this fails when one no longer matches matrix.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.load import load_matrix
from supportmatrix.report.formats import FORMATS
from supportmatrix.matrix.versions import pinned_versions

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("name", "fmt"), [("support-table.md", "markdown"), ("support-table.rst", "rst")]
)
def test_support_table_is_up_to_date(name: str, fmt: str) -> None:
    # The tables document the release constraints.txt pins, whichever release is installed.
    versions = pinned_versions(ROOT / "constraints.txt")
    expected = FORMATS[fmt](load_matrix(ROOT / "matrix.yaml", versions=versions))
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == expected, (
        f"docs/{name} is stale; regenerate it with\n"
        f"    supportmatrix render --versions constraints.txt --format {fmt} -o docs/{name}"
    )
