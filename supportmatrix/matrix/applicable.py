"""The ``not-applicable`` declarations of the features section: cells that make no sense, named with a reason, and kept out of the tests.

    features:
      not-applicable:
        - where: {feature: shot-vector, shots: None}
          note: shot-vector-needs-shots

An entry has a ``where`` (axis values only, as a rule's, but never a version gate: whether
a cell makes sense does not depend on what is installed) and a ``note``, a key of
``notes``, the reason the tables show. The declarations are checked both ways against
`model.inapplicable`, which says which cells make no sense: every such cell must be
declared (a one-line error names the first one that is not), and no other cell may be,
so that nothing a test could run hides here. No cell may be declared twice (an entry
that overlaps an earlier one is refused, naming its line). The declared cells are taken
out of the family's cells before its rules are checked and resolved: a rule that matches
only such cells decides nothing (`resolve.check_dead_rules`), and none of them is a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from supportmatrix.matrix.checks import check_keys, require_list, require_mapping
from supportmatrix.matrix.families import Family
from supportmatrix.matrix.fields import parse_note_ref
from supportmatrix.matrix.keyed import Keyed
from supportmatrix.matrix.model import NotApplicableCell
from supportmatrix.matrix.resolve import CellMatch
from supportmatrix.matrix.schema import parse_where
from supportmatrix.matrix.source import Keypath, Source

__all__ = ["KEY", "Declaration", "parse_not_applicable", "split_not_applicable"]

#: The section key of the declarations.
KEY = "not-applicable"


@dataclass(frozen=True)
class Declaration:
    """One validated entry: the axis values it admits (absent axis: any), its note, its line."""

    index: int
    line: int
    allowed: dict[str, frozenset[object]]
    note: str

    def admits(self, family: Family, combo: tuple[object, ...]) -> bool:
        return all(
            axis not in self.allowed or value in self.allowed[axis]
            for axis, value in zip(family.axis_names, combo, strict=True)
        )


def parse_not_applicable(
    src: Source,
    section: dict,
    family: Family,
    axes: dict[str, tuple[object, ...]],
    notes: dict[str, str],
    keyed: Keyed | None = None,
) -> list[Declaration]:
    """The section's ``not-applicable`` entries, in file order (none when absent); ``keyed``
    (schema 3) holds the sets a ``where`` may name."""
    kp: Keypath = (*family.keypath, KEY)
    if KEY not in section:
        return []
    declarations = []
    for index, raw in enumerate(require_list(src, section[KEY], kp, KEY)):
        item_kp: Keypath = (*kp, index)
        entry = require_mapping(src, raw, item_kp, "a not-applicable entry")
        check_keys(src, entry, item_kp, ("where", "note"), required=("where", "note"))
        where, specifiers = parse_where(src, entry["where"], (*item_kp, "where"), family, axes, keyed)
        if specifiers:
            package = next(iter(specifiers))
            raise src.error(
                (*item_kp, "where", package),
                "a not-applicable entry cannot be version-gated: whether a cell "
                "makes sense does not depend on what is installed",
            )
        note = parse_note_ref(src, entry["note"], (*item_kp, "note"), notes)
        declarations.append(
            Declaration(index, src.line(item_kp), {a: frozenset(v) for a, v in where.items()}, note)
        )
    return declarations


def split_not_applicable(
    src: Source,
    family: Family,
    declarations: list[Declaration],
    matches: list[CellMatch],
    inapplicable: Callable[[Any], str | None],
) -> tuple[list[CellMatch], list[NotApplicableCell]]:
    """The cells that are tests, and those declared not applicable, each in cell order;
    refuses an overlap, a declared cell that makes sense, and an undeclared one that does not."""
    kp: Keypath = (*family.keypath, KEY)
    tests: list[CellMatch] = []
    declared: list[NotApplicableCell] = []
    for combo, matched in matches:
        cell = family.make_cell(*combo)
        own = [d for d in declarations if d.admits(family, combo)]
        if len(own) > 1:
            raise src.error(
                (*kp, own[1].index),
                f"overlaps the entry at line {own[0].line}: cell {cell.id} is declared not applicable twice",
            )
        reason = inapplicable(cell)
        if own and reason is None:
            raise src.error(
                (*kp, own[0].index),
                f"declares cell {cell.id} not applicable, but it makes sense and is "
                "a test; only cells that make no sense may be declared here",
            )
        if own:
            declared.append(NotApplicableCell(cell, own[0].note, own[0].line))
        elif reason is not None:
            raise src.error(
                kp if declarations else family.keypath,
                f"cell {cell.id} makes no sense ({reason}) but is not declared "
                f"under {KEY!r}; add {{where: {{...}}, note: <reason>}} for it",
            )
        else:
            tests.append((combo, matched))
    return tests, declared
