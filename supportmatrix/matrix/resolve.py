"""From rules to cells: which rules match each cell, the expectation the last ones give it,
and the rules that can never decide a cell.

Rules are bits in Python ints: for each axis value, the set of rules whose ``where`` admits
it; a cell's matching rules are the AND of its values' sets, and "the last matching rule"
is the highest set bit. A cell costs one AND per axis.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from supportmatrix.matrix.families import Family
from supportmatrix.matrix.model import (
    Decision,
    Expectation,
    ResolvedCell,
    TrainingSpec,
    WarningSpec,
)
from supportmatrix.matrix.schema import CompiledRule
from supportmatrix.matrix.source import Source
from supportmatrix.matrix.versions import specifier_matches

__all__ = ["check_dead_rules", "match_cells", "resolve"]

#: A cell's axis values, in the family's axis order, and the bit set of rules matching them.
CellMatch = tuple[tuple[object, ...], int]


def match_cells(
    family: Family, axes: dict[str, tuple[object, ...]], rules: list[CompiledRule]
) -> list[CellMatch]:
    """Every cell, in cell order, with the rules whose axis values match it (gates aside)."""
    masks = [_value_masks(rules, axis, axes[axis]) for axis in family.axis_names]
    matches: list[CellMatch] = []
    for combo in itertools.product(*(axes[axis] for axis in family.axis_names)):
        matched = -1
        for axis_masks, value in zip(masks, combo, strict=True):
            matched &= axis_masks[value]
        matches.append((combo, matched))
    return matches


def resolve(
    src: Source,
    family: Family,
    rules: list[CompiledRule],
    matches: list[CellMatch],
    versions: Mapping[str, str | None],
) -> list[ResolvedCell]:
    """Give every cell its expectation (and training target) under ``versions``."""
    # Version gates are evaluated once per rule, never per cell.
    active = [
        r
        for r in rules
        if all(specifier_matches(spec, versions.get(pkg)) for pkg, spec in r.specifiers.items())
    ]
    expect_bits = _bits(r.rule.index for r in active if r.rule.expect is not None)
    warning_bits = _bits(r.rule.index for r in active if r.rule.warnings is not None)
    training_bits = _bits(r.rule.index for r in active if r.rule.training is not None)

    resolved: list[ResolvedCell] = []
    uncovered: list[Any] = []
    cache: dict[tuple[int, int, int], tuple[Expectation, TrainingSpec | None, tuple[Decision, ...]]] = {}
    for combo, matched in matches:
        cell = family.make_cell(*combo)
        expect_index = (matched & expect_bits).bit_length() - 1  # highest bit = last rule
        if expect_index < 0:
            uncovered.append(cell)
            continue
        key = (
            expect_index,
            (matched & warning_bits).bit_length() - 1,
            (matched & training_bits).bit_length() - 1,
        )
        if key not in cache:
            cache[key] = _expectation(rules, *key)
        resolved.append(ResolvedCell(cell, *cache[key]))

    if uncovered:
        total = len(resolved) + len(uncovered)
        raise src.error(
            (*family.keypath, "rules"),
            f"{len(uncovered)} of {total} cells are not covered by any rule with 'expect' "
            f"under the given package versions; first: {uncovered[0].id}",
        )
    return resolved


def check_dead_rules(
    src: Source, family: Family, rules: list[CompiledRule], matches: list[CellMatch]
) -> None:
    """Refuse a rule that sets a field no cell can ever take from it, whatever is installed.

    A later rule overrides this one at a cell when it matches the cell, sets the same field
    and is active whenever this one is: its version gates are a subset of this rule's (same
    package, same specifier). If that holds at every cell this rule matches, the field is
    dead text. Installed versions play no part, so the file is valid or not once and for all.
    """
    # Distinct sets of matching rules: cells sharing one tell nothing new.
    masks = list(dict.fromkeys(matched for _, matched in matches))
    reached = 0
    for matched in masks:
        reached |= matched
    unreached = [r for r in rules if not reached >> r.rule.index & 1]
    if unreached:  # its axis values are all declared, so its cells are all not applicable
        raise src.error(
            (*family.keypath, "rules", unreached[0].rule.index),
            "this rule matches no cell that is a test: every cell it matches is declared not applicable",
        )
    overriders = [
        _bits(
            s.rule.index
            for s in rules[r.rule.index + 1 :]
            if s.rule.versions.items() <= r.rule.versions.items()
        )
        for r in rules
    ]
    dead: list[tuple[int, str, int]] = []  # (rule index, field, setters of that field)
    for field in family.rule_fields:
        setters = _bits(r.rule.index for r in rules if getattr(r.rule, field) is not None)
        decides = 0  # rules that decide the field for at least one cell
        for matched in masks:
            setting = matched & setters
            # The last rule setting the field here always decides it; test only the others.
            candidates = setting & ~decides
            while candidates:
                index = candidates.bit_length() - 1
                candidates ^= 1 << index
                if not setting & overriders[index]:
                    decides |= 1 << index
        dead.extend((index, field, setters) for index in _indices(setters & ~decides))
    if not dead:
        return
    index, field, setters = min(dead, key=lambda d: (d[0], family.rule_fields.index(d[1])))
    own = [matched for matched in masks if matched >> index & 1]
    # A later rule that alone overrides every cell of this one is what a reader looks for
    # (a duplicate, a wider rule); failing that, the rules that decide its cells.
    shadowing = setters & overriders[index]
    for matched in own:
        shadowing &= matched
    if shadowing:
        first = (shadowing & -shadowing).bit_length() - 1
        reason = f"a later rule (line {rules[first].rule.line}) sets {field!r} on every cell it matches"
    else:
        deciders = sorted({(m & setters & overriders[index]).bit_length() - 1 for m in own})
        lines = ", ".join(str(rules[i].rule.line) for i in deciders[:_LINES_SHOWN])
        more = f" and {len(deciders) - _LINES_SHOWN} more" if len(deciders) > _LINES_SHOWN else ""
        reason = f"every cell it matches for {field!r} is decided by later rules (lines {lines}{more})"
    raise src.error((*family.keypath, "rules", index), f"this rule decides no cell: {reason}")


#: How many overriding rules a dead-rule error names before it says how many more.
_LINES_SHOWN = 8


def _bits(indices: Iterable[int]) -> int:
    mask = 0
    for index in indices:
        mask |= 1 << index
    return mask


def _indices(mask: int) -> list[int]:
    """The set bits of ``mask``, lowest first."""
    return [index for index in range(mask.bit_length()) if mask >> index & 1]


def _value_masks(rules: list[CompiledRule], axis: str, values: tuple[object, ...]) -> dict[object, int]:
    """For each value of ``axis``, the bit set of rules whose ``where`` admits it."""
    return {
        value: _bits(i for i, r in enumerate(rules) if axis not in r.allowed or value in r.allowed[axis])
        for value in values
    }


def _expectation(
    rules: list[CompiledRule], expect_index: int, warning_index: int, training_index: int
) -> tuple[Expectation, TrainingSpec | None, tuple[Decision, ...]]:
    expect = rules[expect_index].rule.expect
    assert expect is not None
    decisions = [Decision("expect", rules[expect_index].rule.line)]
    warnings: tuple[WarningSpec, ...] = ()
    if warning_index >= 0:
        warnings = rules[warning_index].rule.warnings or ()
        decisions.append(Decision("warnings", rules[warning_index].rule.line))
    training = None
    if training_index >= 0:
        training = rules[training_index].rule.training
        decisions.append(Decision("training", rules[training_index].rule.line))
    expectation = Expectation(outcome=expect.outcome, error=expect.error, warnings=warnings, note=expect.note)
    return expectation, training, tuple(decisions)
