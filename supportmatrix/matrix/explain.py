"""Why a cell is declared as it is: its axes, every rule that matches it with the fields
it sets, which rule decides each field, the note's text, and the version gates that
applied (``supportmatrix explain``). Works on any family of the registry."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from packaging.specifiers import SpecifierSet

from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.model import Matrix, NotApplicableCell, ResolvedCell, Rule
from supportmatrix.matrix.versions import specifier_matches

__all__ = ["UnknownCell", "explain"]

#: How many near ids an unknown id's error suggests.
NEAREST = 3


class UnknownCell(KeyError):
    """No family of the matrix has a cell with this id; ``str`` is one line with the
    nearest ids."""

    def __str__(self) -> str:
        return str(self.args[0])


def explain(matrix: Matrix, cell_id: str, *, versions: Mapping[str, str | None]) -> str:
    """The explanation of ``cell_id`` in ``matrix`` resolved for ``versions``, as text."""
    family, found = _find(matrix, cell_id)
    cells = matrix.family(family.name)
    lines = [f"{cell_id}: a {family.title} cell, declared at {_section(matrix.path, family)}"]
    lines += [f"  {axis}: {_shown(found.cell.axis_value(axis))}" for axis in family.axis_names]
    if isinstance(found, NotApplicableCell):
        lines.append(f"declared not applicable at {matrix.path}:{found.line}: not a test")
        lines += _note_lines(matrix, found.note)
        return "\n".join(lines) + "\n"
    lines.append(f"declared: {found.expectation.describe()}")
    if found.training is not None:
        lines.append(f"training target: {found.training.describe()}")
    if found.expectation.note:
        lines += _note_lines(matrix, found.expectation.note)
    deciding: dict[int, list[str]] = {}
    for decision in found.decisions:
        deciding.setdefault(decision.line, []).append(decision.field)
    matching = [rule for rule in cells.rules if _matches(rule, found)]
    lines.append(
        f"rules matching it, in file order ({len(matching)}; for each field the last "
        "rule that sets it and whose gates hold decides it):"
    )
    text = _file_lines(matrix.path)
    for rule in matching:
        lines += _rule_lines(matrix.path, rule, text, versions, deciding)
    return "\n".join(lines) + "\n"


def _find(matrix: Matrix, cell_id: str) -> tuple[Family, ResolvedCell | NotApplicableCell]:
    every: list[str] = []
    for family in FAMILIES:
        cells = matrix.family(family.name)
        items: tuple[ResolvedCell | NotApplicableCell, ...] = (*cells.cells, *cells.not_applicable)
        for item in items:
            if item.cell.id == cell_id:
                return family, item
            every.append(item.cell.id)
    nearest = difflib.get_close_matches(cell_id, every, n=NEAREST, cutoff=0.5)
    hint = f"; nearest: {', '.join(nearest)}" if nearest else ""
    raise UnknownCell(f"no cell {cell_id!r} in {matrix.path}{hint}")


def _matches(rule: Rule, rc: ResolvedCell) -> bool:
    return all(rc.cell.axis_value(axis) in values for axis, values in rule.where.items())


def _section(path: str, family: Family) -> str:
    return f"{path} ({family.section})"


def _shown(value: object) -> str:
    return "None (analytic)" if value is None else str(value)


def _note_lines(matrix: Matrix, note: str) -> list[str]:
    return [f"note {note}:", f"  {matrix.notes.get(note, '(no text)')}"]


def _file_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _rule_lines(
    path: str,
    rule: Rule,
    text: list[str],
    versions: Mapping[str, str | None],
    deciding: Mapping[int, list[str]],
) -> list[str]:
    sets = [name for name in ("expect", "warnings", "training") if getattr(rule, name) is not None]
    gates = [_gate(package, spec, versions) for package, spec in rule.versions.items()]
    applies = all(ok for _, ok in gates)
    status = (
        f"decides {', '.join(deciding[rule.line])}"
        if rule.line in deciding
        else ("overridden by a later rule" if applies else "gate does not hold")
    )
    lines = [f"  {path}:{rule.line}: sets {', '.join(sets)}; {status}"]
    lines += [f"    gate {text_}" for text_, _ in gates]
    lines += [f"    | {line}" for line in _source(text, rule.line)]
    return lines


def _gate(package: str, spec: str, versions: Mapping[str, str | None]) -> tuple[str, bool]:
    installed = versions.get(package)
    ok = specifier_matches(SpecifierSet(spec), installed)
    holds = "holds" if ok else "does not hold"
    return f"{package} {spec!r} {holds} for {package} {installed or 'not installed'}", ok


def _source(text: list[str], line: int) -> list[str]:
    """The rule's own lines in the file: from its ``- `` line to the next item or the end
    of its list."""
    if not 0 < line <= len(text):
        return []
    first = text[line - 1]
    indent = len(first) - len(first.lstrip(" -"))
    dash = len(first) - len(first.lstrip(" "))
    out = [first.rstrip()]
    for following in text[line:]:
        stripped = following.strip()
        depth = len(following) - len(following.lstrip(" "))
        if not stripped or depth < indent or (depth == dash and stripped.startswith("- ")):
            break
        if stripped.startswith("#"):
            continue
        out.append(following.rstrip())
    return out
