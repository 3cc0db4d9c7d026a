"""Exact covers of cells by boxes (axis -> values): the ``where`` lists of new rules.

`update` covers each group of drifted cells with as few boxes as merging allows; a box is
a product of axis values, so it must hold cells of the group only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from supportmatrix.matrix.axes import AXIS_NAMES


def merge_boxes(
    cells: Iterable[dict[str, Any]], axis_names: tuple[str, ...] = AXIS_NAMES
) -> list[dict[str, tuple]]:
    """Cover exactly these cells' axis points with few boxes (axis -> values).

    Boxes that agree on every axis but one are merged along it, which keeps the
    cover exact; repeated over the axes until nothing merges.
    """
    boxes = {tuple((a, (c[a],)) for a in axis_names) for c in cells}
    changed = True
    while changed:
        changed = False
        for i, axis in enumerate(axis_names):
            buckets: dict[tuple, list[tuple]] = {}
            for box in boxes:
                buckets.setdefault(box[:i] + box[i + 1 :], []).append(box)
            merged = set()
            for rest, group in buckets.items():
                values = tuple(sorted({v for b in group for v in b[i][1]}, key=_sort_key))
                merged.add(rest[:i] + ((axis, values),) + rest[i:])
                changed |= len(group) > 1
            boxes = merged
    return [dict(box) for box in sorted(boxes, key=lambda b: repr(b))]


def _sort_key(value: object) -> tuple[int, str]:
    return (0, "") if value is None else (1, str(value))
