"""Check that a changed matrix resolves every cell of the releases it described as before.

Accepting a new release's drift appends version-gated rules, and rewriting the file's form
(scripts/matrix_v3.py) moves rules and names their values; neither may change what a cell
resolves to. This loads the matrix before and after, for the pins of each constraints file,
and compares every cell of every family: the QNode cells', the qjit cells' and the features
cells' expectation (outcome, error class/match/stage, warnings, note), the hybrid cells'
expectation and training target, and the features cells declared not applicable (their
note). Rule lines may change. Exit code 1 when any cell differs.

    git show HEAD~1:matrix.yaml > /tmp/matrix-before.yaml
    python scripts/resolution_unchanged.py /tmp/matrix-before.yaml matrix.yaml

``--set pennylane=0.46.0.dev81`` puts a version over every constraints file's pins (for a
wheel installed from a file, which a constraints file cannot pin).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions

PINS = ("constraints/pl043.txt", "constraints/pl044.txt", "constraints.txt", "constraints/pl-dev.txt")


def resolved(path: str, versions: dict[str, str | None]) -> dict[str, dict[str, Any]]:
    """Per family of the registry, each cell's resolution by id, as JSON-like data (rule
    lines left out), and the cells declared not applicable with their notes."""
    matrix = load_matrix(path, versions=versions)
    found: dict[str, dict[str, Any]] = {}
    for family in FAMILIES:
        cells = matrix.family(family.name)
        found[family.name] = {
            c.cell.id: (c.expectation.to_json(), None if c.training is None else c.training.to_json())
            for c in cells.cells
        }
        if family.has_not_applicable:
            found[f"{family.name} not-applicable"] = {c.cell.id: c.note for c in cells.not_applicable}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the matrix before the change")
    parser.add_argument("new", help="the matrix after the change")
    parser.add_argument(
        "--pins", nargs="+", default=list(PINS), help="constraints files whose pins resolve the version gates"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PACKAGE=VERSION",
        help="a version put over the pins (repeatable)",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.set)
    failed = False
    for pins in args.pins:
        versions = {**pinned_versions(pins), **overrides}
        old, new = resolved(args.old, versions), resolved(args.new, versions)
        differ = [
            f"{family}: {cell_id}"
            for family in old
            for cell_id in sorted(old[family].keys() | new[family].keys())
            if old[family].get(cell_id) != new[family].get(cell_id)
        ]
        counts = ", ".join(f"{len(cells)} {family}" for family, cells in new.items())
        print(f"{pins} (pennylane {versions.get('pennylane')}): {counts}; {len(differ)} differ")
        for line in differ[:20]:
            print(f"  {line}")
        failed = failed or bool(differ)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
