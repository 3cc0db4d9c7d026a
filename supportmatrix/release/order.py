"""Which rules of a family may change places without changing what any cell resolves to.

The last matching rule wins, field by field (``expect``, ``warnings``, ``training``), so a
rule must stay before a later one when some cell may match both and both set one field.
Whether a cell "may match both" is read from the axis values alone: version gates are
ignored, which can only keep more rules in place than needed, never fewer.
"""

from __future__ import annotations

from collections.abc import Mapping

from supportmatrix.matrix.axes import VERSIONED_PACKAGES

__all__ = ["FIELDS", "group_of", "must_precede"]

#: What a rule may set; each is resolved on its own.
FIELDS = ("expect", "warnings", "training")


def _norm(axis: str, value: object) -> object:
    if axis == "shots":
        return None if value in (None, "None") else value
    return "None" if value is None else value


def _box(rule: Mapping, sets: Mapping[str, list]) -> dict[str, set]:
    """The rule's axis values (set names expanded); an axis it leaves out is absent."""
    box: dict[str, set] = {}
    for axis, value in (rule.get("where") or {}).items():
        if axis in VERSIONED_PACKAGES:
            continue
        items = value if isinstance(value, list) else [value]
        expanded = [
            m for item in items for m in (sets[item] if isinstance(item, str) and item in sets else [item])
        ]
        box[axis] = {_norm(axis, v) for v in expanded}
    return box


def must_precede(a: Mapping, b: Mapping, sets: Mapping[str, list] | None = None) -> bool:
    """Whether rule ``a`` must stay before rule ``b``: both set a field and some cell may match
    both. ``sets`` expands schema 3 set names."""
    if not any(f in a and f in b for f in FIELDS):
        return False
    box_a, box_b = _box(a, sets or {}), _box(b, sets or {})
    return all(box_a[axis] & box_b[axis] for axis in box_a.keys() & box_b.keys())


def group_of(rule: Mapping) -> str:
    """The group a rule belongs in: the note it gives its cells, else what it sets
    (``supported``, ``warnings``, ``training``)."""
    expect = rule.get("expect")
    if isinstance(expect, Mapping) and expect.get("note"):
        return str(expect["note"])
    if expect is not None:
        return expect if isinstance(expect, str) else str(expect["outcome"])
    return "warnings" if "warnings" in rule else "training"
