"""The findings page: every cause in `matrix.yaml` that gives a wrong value or a misleading
error, with its cells, versions and a reproduction that prints the wrong value next to the
oracle's (``supportmatrix findings``).

A cause is a note of ``notes:``. It is a finding when a rule that names it declares
``incorrect`` (a value or gradient comes out wrong), when its text says a value comes out
wrong silently (`SILENT`: a variant of the cells that is no cell itself), or when its text
says the error is misleading (`MISLEADING`). Findings are sorted by severity: silent wrong values first,
then values wrong by design (the note says so: a method used outside its range, e.g. a
finite difference of shot noise), then misleading errors; within one severity, the cause
with more cells first. Everything on the page comes from the matrix file and the
families' own snippet and oracle functions; nothing is run.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.model import Matrix, Outcome, ResolvedCell

__all__ = ["Finding", "Release", "Severity", "findings", "grouped_ids", "snippet_of", "summary_of"]

#: Note text that marks an error as misleading: it names the wrong cause, or none.
MISLEADING = re.compile(r"misleading|does not say (why|what)", re.IGNORECASE)
#: Note text that describes a silently wrong value, even where the cells themselves raise.
SILENT = re.compile(r"\bsilently\b", re.IGNORECASE)
#: Note text that marks a wrong value as the method's design, not a defect.
BY_DESIGN = re.compile(r"^Wrong by design\b")
#: An upstream issue named in a note: ``#1234`` or a GitHub issue or pull request address.
ISSUE = re.compile(r"https://github\.com/\S+/(?:issues|pull)/\d+|(?<![\w&])#\d{3,}\b")
#: Interfaces a reader can most easily run, most preferred first (for the reproduction).
_EASY_INTERFACES = ("autograd", "torch", "jax", "None", "tf", "jax-jit")


class Severity(enum.IntEnum):
    """How bad a finding is; lower sorts first."""

    SILENT_WRONG_VALUE = 0
    WRONG_BY_DESIGN = 1
    MISLEADING_ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", " ")


@dataclass(frozen=True)
class Release:
    """The matrix resolved for one set of pinned versions, named by where the pins come from."""

    name: str
    versions: Mapping[str, str | None]
    matrix: Matrix
    #: The versions the page names: a constraints file's own pins (not what happens to be
    #: installed for the packages it leaves open), or None to name ``versions``.
    shown: Mapping[str, str] | None = None

    def pins(self) -> str:
        """``pennylane 0.45.1, pennylane-lightning 0.45.0, ...``: the versions it names."""
        named = self.versions if self.shown is None else self.shown
        return ", ".join(f"{package} {version}" for package, version in named.items() if version) or "none"


@dataclass(frozen=True)
class Finding:
    """One cause, as the page shows it."""

    note: str
    text: str
    severity: Severity
    #: The outcomes its rules declare, in file order, each once.
    outcomes: tuple[str, ...]
    #: ``matrix.yaml:LINE`` of every rule that names it.
    rule_lines: tuple[str, ...]
    #: Each rule's version gates, as ``package spec`` (several joined by ", "), each once;
    #: ``""`` stands for the rules without a gate.
    gates: tuple[str, ...]
    #: Per release where it holds: (release, [(family title, grouped ids)]).
    cells: tuple[tuple[Release, tuple[tuple[str, tuple[str, ...]], ...]], ...]
    #: The cell its reproduction rebuilds, and its family; None when it holds nowhere.
    example: tuple[Family, ResolvedCell] | None
    issues: tuple[str, ...]
    #: How many cells it decides under the first release where it holds.
    count: int = 0


def summary_of(text: str) -> str:
    """The note's first sentence (a full stop followed by a space and a capital, or the end)."""
    flat = " ".join(text.split())
    match = re.search(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+(?=[A-Za-z`(\"])", flat)
    return flat[: match.start()] if match else flat


def findings(releases: Sequence[Release]) -> list[Finding]:
    """Every finding of ``releases[0].matrix`` (all releases share its notes and rules),
    sorted by severity, then by cells (most first), then by note."""
    if not releases:
        raise ValueError("findings need at least one release")
    matrix = releases[0].matrix
    found = []
    for note, text in matrix.notes.items():
        rules = [
            (family, rule)
            for family in FAMILIES
            if family.name in matrix.families
            for rule in matrix.family(family.name).rules
            if rule.expect is not None and rule.expect.note == note
        ]
        outcomes = tuple(
            dict.fromkeys(rule.expect.outcome.value for _, rule in rules if rule.expect is not None)
        )
        severity = _severity(text, outcomes)
        if severity is None:
            continue
        per_release = []
        for release in releases:
            groups = tuple(
                (family.title, grouped_ids(family, cells, release.matrix.family(family.name).axes))
                for family, cells in _cells_of(release.matrix, note)
                if cells
            )
            if groups:
                per_release.append((release, groups))
        first = next(((r, _cells_of(r.matrix, note)) for r, _ in per_release), None)
        count = sum(len(cells) for _, cells in first[1]) if first else 0
        found.append(
            Finding(
                note=note,
                text=" ".join(text.split()),
                severity=severity,
                outcomes=outcomes,
                rule_lines=tuple(f"{matrix.path}:{rule.line}" for _, rule in rules),
                gates=tuple(
                    dict.fromkeys(
                        ", ".join(f"{package} {spec}" for package, spec in rule.versions.items())
                        for _, rule in rules
                    )
                ),
                cells=tuple(per_release),
                example=_example(first[1]) if first else None,
                issues=tuple(dict.fromkeys(ISSUE.findall(text))),
                count=count,
            )
        )
    return sorted(found, key=lambda f: (f.severity, -f.count, f.note))


def _severity(text: str, outcomes: Iterable[str]) -> Severity | None:
    if Outcome.INCORRECT.value in outcomes:
        return Severity.WRONG_BY_DESIGN if BY_DESIGN.search(text.strip()) else Severity.SILENT_WRONG_VALUE
    if SILENT.search(text):
        return Severity.SILENT_WRONG_VALUE
    return Severity.MISLEADING_ERROR if MISLEADING.search(text) else None


def _cells_of(matrix: Matrix, note: str) -> list[tuple[Family, list[ResolvedCell]]]:
    return [
        (family, [rc for rc in matrix.family(family.name).cells if rc.expectation.note == note])
        for family in FAMILIES
        if family.name in matrix.families
    ]


def _example(by_family: Sequence[tuple[Family, list[ResolvedCell]]]) -> tuple[Family, ResolvedCell] | None:
    """The cell a reader can most easily rerun: a family with a snippet that runs by
    default, analytic before finite shots, then the easiest interface, then file order."""
    candidates = [(family, rc) for family, cells in by_family for rc in cells]
    if not candidates:
        return None

    def cost(item: tuple[Family, ResolvedCell]) -> tuple[int, int, int, int]:
        family, rc = item
        axes = family.axis_names
        shots = rc.cell.axis_value("shots") if "shots" in axes else None
        interface = str(rc.cell.axis_value("interface")) if "interface" in axes else ""
        easy = _EASY_INTERFACES.index(interface) if interface in _EASY_INTERFACES else 0
        return (
            family.reproduction is None or family.oracle is None,
            not family.runs_by_default,
            shots is not None,
            easy,
        )

    return min(candidates, key=cost)


def grouped_ids(
    family: Family, cells: Sequence[ResolvedCell], axes: Mapping[str, Sequence[object]]
) -> tuple[str, ...]:
    """The cells' ids merged into patterns, one per box of axis values:
    ``default.qubit-<torch|tf>-adjoint-probs-analytic`` stands for two cells.

    Boxes are merged greedily, axis by axis, until no two boxes differ in one axis only;
    values keep the order of ``axes`` (the matrix's axes for the family), so the text is
    stable.
    """
    order = {axis: {value: i for i, value in enumerate(axes[axis])} for axis in family.axis_names}
    boxes = {tuple(frozenset([rc.cell.axis_value(axis)]) for axis in family.axis_names) for rc in cells}
    changed = True
    while changed:
        changed = False
        for position in range(len(family.axis_names)):
            merged: dict[tuple, frozenset] = {}
            for box in sorted(boxes, key=repr):
                rest = box[:position] + box[position + 1 :]
                merged[rest] = merged.get(rest, frozenset()) | box[position]
            new = {rest[:position] + (values,) + rest[position:] for rest, values in merged.items()}
            if new != boxes:
                boxes, changed = new, True

    def sort_key(box: tuple[frozenset, ...]) -> list[int]:
        return [
            min(order[axis].get(v, 0) for v in values)
            for axis, values in zip(family.axis_names, box, strict=True)
        ]

    return tuple(_pattern(family, box, order) for box in sorted(boxes, key=sort_key))


def _pattern(family: Family, box: tuple[frozenset, ...], order: Mapping[str, Mapping[object, int]]) -> str:
    """The id with each axis's segment replaced by its value's text, or ``<a|b>``."""
    markers = {axis: f"\x01{i}\x02" for i, axis in enumerate(family.axis_names)}
    template = family.make_cell(**markers).id
    spans = []
    for axis, values in zip(family.axis_names, box, strict=True):
        at = template.index(markers[axis])
        start = template.rfind("-", 0, at) + 1
        after = template.find("-", at + len(markers[axis]))
        end = len(template) if after < 0 else after
        texts = []
        for value in sorted(values, key=lambda v: order[axis].get(v, 0)):
            text = family.make_cell(**{**markers, axis: value}).id
            texts.append(text[start : len(text) - (len(template) - end)])
        spans.append((start, end, texts[0] if len(texts) == 1 else f"<{'|'.join(texts)}>"))
    out = template
    for start, end, text in sorted(spans, reverse=True):
        out = out[:start] + text + out[end:]
    return out


def snippet_of(family: Family, rc: ResolvedCell) -> str:
    """The cell's reproduction followed by the oracle's values; empty when the family has
    no snippet (its cells are rerun through pytest)."""
    if family.reproduction is None or family.oracle is None:
        return ""
    source = family.load("reproduction")(rc.cell).rstrip("\n")
    return source + "\n" + "\n".join(family.load("oracle")(rc.cell)) + "\n"
