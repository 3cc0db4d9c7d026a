"""Compare PennyLane's documented table with a matrix (declared, or built from observations).

Each documented entry is read as a claim about every shots value of the matrix: its role
says supported or not, and phrases of its note refine that mechanically ("only when
shots=None", "Raises error when shots>0", "Fails with error", "does not fail", "Warns",
"forward pass is still supported"). A matrix cell whose expectation contradicts the claim
is a `Disagreement`. Cells the page does not document (another device, an interface,
diff method or measurement it has no row or column for) are counted, never compared.
The page documents QNodes, so it is compared with the family declared at the top level
(`families.TOP_LEVEL`), whose axes are its rows and columns.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from supportmatrix.matrix.axes import AXIS_NAMES
from supportmatrix.matrix.devices import PYTHON_STATEVECTOR
from supportmatrix.matrix.families import TOP_LEVEL
from supportmatrix.matrix.model import Expectation, Matrix, Outcome, QNodeCell, Stage
from supportmatrix.pennylane_docs.page import DocsTable, DocumentedEntry

DEFAULT_DEVICE = PYTHON_STATEVECTOR  # the device PennyLane's table describes
DEFAULT_LIMIT = 200  # disagreement lines in the Markdown report


class Kind(enum.Enum):
    """How a matrix cell contradicts its documented entry; the order is the report's."""

    SUPPORTED_BUT_RAISES = "documented as supported, but it raises"
    SUPPORTED_BUT_INCORRECT = "documented as supported, but the gradient is wrong"
    SUPPORTED_BUT_NO_GRADIENT = "documented as supported, but no gradient comes out"
    UNSUPPORTED_BUT_SUPPORTED = "documented as not supported, but it is supported"
    RAISES_BUT_DOES_NOT = "documented to fail with an error, but it does not raise"
    FORWARD_BUT_RAISES = "documented with a working forward pass, but the forward pass raises"
    NO_FAIL_BUT_RAISES = "documented not to fail, but differentiating raises"
    WARNS_BUT_SILENT = "documented to warn, but no warning"


@dataclass(frozen=True)
class Claim:
    """What a documented entry says about one shots value, read from its role and note."""

    supported: bool
    raises: bool | None = None  # True: fails with an error; False: does not fail; None: unsaid
    forward_works: bool = False
    warns: bool = False

    def describe(self) -> str:
        if self.supported:
            return "supported"
        parts = ["not supported"]
        if self.raises is not None:
            parts.append("raises" if self.raises else "does not fail")
        if self.forward_works:
            parts.append("forward pass works")
        if self.warns:
            parts.append("warns")
        return ", ".join(parts)


@dataclass(frozen=True)
class Disagreement:
    """A matrix cell that contradicts what PennyLane's page documents for it."""

    kind: Kind
    cell: QNodeCell
    documented: DocumentedEntry
    claim: Claim
    expectation: Expectation

    def describe(self) -> str:
        entry = self.documented
        docs = f":{entry.role}:`{entry.note}` {self.claim.describe()}"
        return f"`{self.cell.id}`: docs: {docs} / matrix: {describe_expectation(self.expectation)}"


@dataclass(frozen=True)
class Coverage:
    """How much of the matrix the page documents, and what it documents beyond the matrix."""

    compared: int  # matrix cells (one per shots value) with a documented entry
    undocumented: dict[str, int]  # what the page has no row or column for -> matrix cells
    documented_only: int  # documented entries the matrix has no cell for


def claim_for(entry: DocumentedEntry, shots: int | None) -> Claim:
    """Read `entry` as a claim about a cell run with `shots` (None: analytic)."""
    note = _plain(entry.note_text).lower()
    if entry.supported:
        if shots is not None and re.search(r"only when shots ?= ?none", note):
            return Claim(supported=False)
        if shots is not None and re.search(r"raises (an )?error when shots ?> ?0", note):
            return Claim(supported=False, raises=True)
        return Claim(supported=True)
    raises = True if re.search(r"fails with (an )?error", note) else None
    if re.search(r"does not fail", note):
        raises = False
    return Claim(
        supported=False,
        raises=raises,
        forward_works=raises is False or "forward pass is still supported" in note,
        warns=re.search(r"\bwarns\b", note) is not None,
    )


def compare_with_docs(doc: DocsTable, matrix: Matrix, device: str = DEFAULT_DEVICE) -> list[Disagreement]:
    """Every cell of `device` in `matrix` that contradicts its documented entry, in matrix order."""
    found = []
    for cell, expectation, entry in _documented_cells(doc, matrix, device):
        claim = claim_for(entry, cell.shots)
        kind = _disagreement(claim, expectation)
        if kind is not None:
            found.append(Disagreement(kind, cell, entry, claim, expectation))
    return found


def coverage(doc: DocsTable, matrix: Matrix, device: str = DEFAULT_DEVICE) -> Coverage:
    """Count the compared cells, the undocumented ones by reason, and the entries left over."""
    _check_device(matrix, device)
    undocumented: Counter[tuple[int, str]] = Counter()
    for rc in matrix.family(TOP_LEVEL.name).cells:
        reason = _undocumented_reason(doc, rc.cell, device)
        if reason is not None:
            undocumented[reason] += 1

    def axis_order(reason: tuple[int, str]) -> tuple[int, int]:
        axis, value = reason
        return axis, matrix.family(TOP_LEVEL.name).axes[AXIS_NAMES[axis]].index(value)

    by_reason = {
        f"{AXIS_NAMES[axis].replace('_', ' ')} {value}": undocumented[axis, value]
        for axis, value in sorted(undocumented, key=axis_order)
    }
    axes = matrix.family(TOP_LEVEL.name).axes
    in_matrix = [
        key
        for key in doc.entries
        if key[0] in axes["interface"] and key[1] in axes["diff_method"] and key[2] in axes["measurement"]
    ]
    compared = len(in_matrix) * len(axes["shots"])
    return Coverage(compared, by_reason, len(doc.entries) - len(in_matrix))


def describe_expectation(expectation: Expectation) -> str:
    """A short one-line form: outcome, exception class and stage, warning classes, note."""
    text = expectation.outcome.value
    if expectation.error is not None:
        text += f" {expectation.error.cls} at {expectation.error.stage.value}"
    if expectation.warnings:
        text += ", warns " + ", ".join(w.category for w in expectation.warnings)
    if expectation.note is not None:
        text += f" (note {expectation.note})"
    return text


def render_comparison(
    doc: DocsTable,
    matrix: Matrix,
    *,
    device: str = DEFAULT_DEVICE,
    limit: int = DEFAULT_LIMIT,
) -> str:
    """The Markdown report: counts first, then the disagreements by kind, at most `limit`."""
    found = compare_with_docs(doc, matrix, device)
    counts = coverage(doc, matrix, device)
    by_kind = Counter(d.kind for d in found)
    shots = ", ".join("None" if s is None else str(s) for s in matrix.family(TOP_LEVEL.name).axes["shots"])
    lines = [
        "# PennyLane's documented table vs the matrix",
        "",
        f"Documented: `{doc.path}` ({len(doc.entries)} entries). Matrix: `{matrix.path}`, "
        f"device `{device}`, shots {shots}; each documented entry is compared with the "
        "cell for every shots value.",
        "",
        f"- compared cells: {counts.compared}",
        f"- agree: {counts.compared - len(found)}",
        f"- disagree: {len(found)}",
        f"- not documented (not compared): {sum(counts.undocumented.values())}",
    ]
    lines += [f"  - {reason}: {n}" for reason, n in counts.undocumented.items()]
    lines.append(f"- documented entries with no matrix cell: {counts.documented_only}")
    if found:
        lines += ["", "| disagreement | cells |", "| --- | --- |"]
        lines += [f"| {kind.value} | {by_kind[kind]} |" for kind in Kind if by_kind[kind]]
    remaining = limit
    for kind in Kind:
        group = [d for d in found if d.kind is kind][:remaining]
        if group:
            lines += ["", f"## {kind.value} ({by_kind[kind]})", ""]
            lines += [f"- {d.describe()}" for d in group]
            remaining -= len(group)
    if remaining == 0 and limit < len(found):
        lines += ["", f"Cut at {limit} lines: {len(found) - limit} more disagreements not shown."]
        lines.append("Raise `--limit` to list them.")
    lines += ["", "## How the notes were read", ""]
    lines += _note_readings(doc)
    return "\n".join(lines) + "\n"


def _documented_cells(
    doc: DocsTable, matrix: Matrix, device: str
) -> Iterator[tuple[QNodeCell, Expectation, DocumentedEntry]]:
    _check_device(matrix, device)
    for rc in matrix.family(TOP_LEVEL.name).cells:
        cell = rc.cell
        entry = doc.entries.get((cell.interface, cell.diff_method, cell.measurement))
        if cell.device == device and entry is not None:
            yield cell, rc.expectation, entry


def _disagreement(claim: Claim, expectation: Expectation) -> Kind | None:
    outcome = expectation.outcome
    raises = outcome in (Outcome.ERRORS, Outcome.FORWARD_ONLY)
    error = expectation.error
    forward_raises = outcome is Outcome.ERRORS and (error is None or error.stage is Stage.FORWARD)
    if claim.supported:
        if outcome is Outcome.SUPPORTED:
            return None
        if raises:
            return Kind.SUPPORTED_BUT_RAISES
        if outcome is Outcome.INCORRECT:
            return Kind.SUPPORTED_BUT_INCORRECT
        return Kind.SUPPORTED_BUT_NO_GRADIENT
    if outcome is Outcome.SUPPORTED:
        return Kind.UNSUPPORTED_BUT_SUPPORTED
    if claim.raises is True and not raises:
        return Kind.RAISES_BUT_DOES_NOT
    if claim.forward_works and forward_raises:
        return Kind.FORWARD_BUT_RAISES
    if claim.raises is False and raises:
        return Kind.NO_FAIL_BUT_RAISES
    if claim.warns and not expectation.warnings:
        return Kind.WARNS_BUT_SILENT
    return None


def _undocumented_reason(doc: DocsTable, cell: QNodeCell, device: str) -> tuple[int, str] | None:
    """The first axis (by its index in AXIS_NAMES) whose value the page has no entry for."""
    documented = {
        "device": (device,),
        "interface": doc.interfaces,
        "diff_method": doc.diff_methods,
        "measurement": doc.measurements,
    }
    for axis, values in documented.items():
        value = getattr(cell, axis)
        if value not in values:
            return AXIS_NAMES.index(axis), value
    return None


def _check_device(matrix: Matrix, device: str) -> None:
    if device not in matrix.family(TOP_LEVEL.name).axes["device"]:
        devices = ", ".join(map(str, matrix.family(TOP_LEVEL.name).axes["device"]))
        raise ValueError(f"matrix {matrix.path} has no device {device!r}; its devices: {devices}")


def _note_readings(doc: DocsTable) -> list[str]:
    used = sorted({(e.role, e.note) for e in doc.entries.values()}, key=lambda rn: rn[1])
    lines = []
    for role, number in used:
        entry = DocumentedEntry(role, number, doc.notes[number], 0)
        analytic, finite = claim_for(entry, None), claim_for(entry, 1)
        reading = analytic.describe()
        if finite != analytic:
            reading = f"shots=None: {reading}; shots>0: {finite.describe()}"
        text = _plain(doc.notes[number])
        lines.append(f'- :{role}:`{number}` {reading}. Note: "{_shorten(text)}"')
    return lines


def _plain(rst: str) -> str:
    """Note text without inline literals' backticks and without cross-references."""
    return re.sub(r"``|\s*See :ref:`[^`]*` for details\.", "", rst)


def _shorten(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."
