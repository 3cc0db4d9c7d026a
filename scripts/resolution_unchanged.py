"""Check that a changed matrix resolves every cell of the releases it described as before.

Accepting a new release's drift appends version-gated rules; this loads the matrix before
and after, for the pins of each constraints file, and counts the QNode and hybrid cells
whose expectation (and training target) differ. Exit code 1 when any does.

    git show HEAD~1:matrix.yaml > /tmp/matrix-before.yaml
    python scripts/resolution_unchanged.py /tmp/matrix-before.yaml matrix.yaml
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions

PINS = ("constraints/pl043.txt", "constraints/pl044.txt", "constraints.txt")


def resolved(path: str, pins: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each QNode cell's expectation, and each hybrid cell's (expectation, training), by id."""
    matrix = load_matrix(path, versions=pinned_versions(pins))
    return ({c.cell.id: c.expectation for c in matrix.family("qnode").cells},
            {c.cell.id: (c.expectation, c.training) for c in matrix.family("hybrid").cells})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="the matrix before the change")
    parser.add_argument("new", help="the matrix after the change")
    parser.add_argument("--pins", nargs="+", default=list(PINS),
                        help="constraints files whose pins resolve the version gates")
    args = parser.parse_args(argv)
    failed = False
    for pins in args.pins:
        (old_q, old_h), (new_q, new_h) = resolved(args.old, pins), resolved(args.new, pins)
        differ = sorted(k for k in old_q.keys() | new_q.keys() if old_q.get(k) != new_q.get(k))
        differ += sorted(k for k in old_h.keys() | new_h.keys() if old_h.get(k) != new_h.get(k))
        print(f"{pins}: {len(new_q)} cells, {len(new_h)} hybrid, {len(differ)} differ")
        for cell_id in differ[:20]:
            print(f"  {cell_id}")
        failed = failed or bool(differ)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
