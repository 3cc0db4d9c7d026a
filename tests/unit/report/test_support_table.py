"""The tables in docs/ are generated; this fails when one no longer matches matrix.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from supportmatrix.matrix.axes import FEATURE_GROUPS
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.report.formats import FORMATS

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("name", "fmt"), [("support-table.md", "markdown"), ("support-table.rst", "rst")])
def test_support_table_is_up_to_date(name: str, fmt: str) -> None:
    # The tables document the release constraints.txt pins, whichever release is installed.
    versions = pinned_versions(ROOT / "constraints.txt")
    expected = FORMATS[fmt](load_matrix(ROOT / "matrix.yaml", versions=versions))
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == expected, (
        f"docs/{name} is stale; regenerate it with\n"
        f"    supportmatrix render --versions constraints.txt --format {fmt} -o docs/{name}"
    )


#: PennyLane's own page has 11 notes; a table with more than this many is not one a
#: maintainer would paste.
MAX_FOOTNOTES = 25


def _numbered_items(text: str) -> int:
    return len(re.findall(r"^\d+\. ", text, flags=re.M))


def test_real_tables_keep_their_footnotes_within_bounds() -> None:
    matrix = load_matrix(ROOT / "matrix.yaml", versions=pinned_versions(ROOT / "constraints.txt"))
    markdown = FORMATS["markdown"](matrix)
    sections = {part.split("\n", 1)[0]: part for part in markdown.split("\n## ")[1:]}
    assert set(sections) == {"default.qubit", "lightning.qubit", "Hybrid layers", "Features"}
    features = {part.split("\n", 1)[0]: part for part in sections.pop("Features").split("\n### ")[1:]}
    assert set(features) == {
        f"Features on {device}: {group}"
        for device in ("default.qubit", "lightning.qubit")
        for group in FEATURE_GROUPS
    }
    counts = {name: _numbered_items(text) for name, text in {**sections, **features}.items()}
    assert all(0 < counts[name] <= MAX_FOOTNOTES for name in counts), counts
    # The RST lists the same reasons: one numbered list per table.
    rst = FORMATS["rst"](matrix)
    blocks = re.split(r"^The table below .*$|^Hybrid layers$|^On ``[a-z.]+``, .*:$", rst, flags=re.M)[1:]
    assert [_numbered_items(b) for b in blocks] == [
        counts["default.qubit"],
        counts["lightning.qubit"],
        counts["Hybrid layers"],
        *(
            counts[f"Features on {device}: {group}"]
            for device in ("default.qubit", "lightning.qubit")
            for group in FEATURE_GROUPS
        ),
    ]
