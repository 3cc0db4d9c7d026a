"""What every table built from a `Matrix` shares: a family's cells laid out, numbered notes.

The Markdown and RST writers draw every family alike from its `families.TableLayout`:
`FamilyTable` gives a family's sections, its rows with their labels, its columns with their
headers, and each table cell's expectation for every value of the paired axis; `Footnotes`
numbers a table's reasons and warnings and writes each entry (``✅``, ``❌ 4``,
``⛔ 3 ⚠1``, ``✅ / 🐞 7``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

from supportmatrix.matrix.families import AxisText, Family
from supportmatrix.matrix.model import (
    Expectation,
    FamilyCells,
    NotApplicableCell,
    Outcome,
    WarningSpec,
)
from supportmatrix.report.vocabulary import (
    NOT_APPLICABLE,
    WARNING_MARK,
    ReasonKey,
    Shown,
    reason_key,
    reason_text,
    shown,
    symbol,
    warning_text,
    with_code,
)

#: Between the entries of one cell whose shots values behave differently.
ENTRY_SEPARATOR = " / "

#: What a table entry stands for: a declaration, or (features) a cell that makes no sense.
Entry = Expectation | NotApplicableCell

#: Axis values by axis name: a section, a row or a column of a table.
Values = dict[str, object]
#: A column: its header, its key (its values joined by ", ") and its axis values.
Column = tuple[str, str, Values]


class FamilyTable:
    """One family's cells as its layout draws them: sections, rows, columns, entries.

    ``code`` writes a value as code in the output format; ``markdown`` picks the axes'
    Markdown-only labels (`families.AxisText`).
    """

    def __init__(
        self, family: Family, cells: FamilyCells, *, code: Callable[[str], str], markdown: bool
    ) -> None:
        self.family, self.layout, self.cells = family, family.layout, cells
        self.axes = cells.axes
        self._code, self._markdown = code, markdown
        self._entries = cells.entries()

    def text(self, axis: str) -> AxisText:
        """How ``axis`` is written (its name as header, values as code, when not declared)."""
        return self.layout.axis_texts.get(axis) or AxisText(header=axis)

    def label(self, axis: str, value: object) -> str:
        """``value`` of ``axis`` as the table writes it."""
        text, key = self.text(axis), str(value)
        labels = (
            text.markdown_labels if self._markdown and key in text.markdown_labels else text.value_labels()
        )
        if key in labels:
            return with_code(labels[key], self._code)
        written = text.template.format(key)
        return self._code(written) if text.code else written

    def combinations(self, axes: Sequence[str]) -> list[Values]:
        """Every combination of ``axes``' values, in axis order (one, empty, for no axes)."""
        return [
            dict(zip(axes, values, strict=True))
            for values in itertools.product(*(self.axes[axis] for axis in axes))
        ]

    def sections(self) -> list[Values]:
        return self.combinations(self.layout.sections)

    def tables(self) -> list[tuple[Values, str, list[Column]]]:
        """One table per section and column group (`TableLayout.column_groups`) that has
        columns: the section's values, the group's title ("" without groups), its columns.
        A column axis value in no group is an error, never a column left out."""
        groups = self.layout.column_groups
        if not groups:
            return [(section, "", self.columns()) for section in self.sections()]
        (axis,) = self.layout.columns
        grouped = {value for values in groups.values() for value in values}
        ungrouped = [str(v) for v in self.axes[axis] if str(v) not in grouped]
        if ungrouped:
            raise ValueError(
                f"{self.family.name}: {axis} values in no column group: {', '.join(ungrouped)}; "
                "add them to the layout's column_groups"
            )
        every = self.columns()
        by_group = {
            title: [c for c in every if str(c[2][axis]) in values] for title, values in groups.items()
        }
        return [
            (section, title, columns)
            for section in self.sections()
            for title, columns in by_group.items()
            if columns
        ]

    def columns(self) -> list[Column]:
        """(header, key, values) per column; the key (its values joined by ", ") names it
        in `TableLayout.rst_widths`."""
        return [
            (
                ", ".join(self.label(a, v) for a, v in values.items()),
                ", ".join(str(v) for v in values.values()),
                values,
            )
            for values in self.combinations(self.layout.columns)
        ]

    def rows(self, *, spanning: int) -> Iterator[tuple[list[str], Values]]:
        """(labels, values) per row. The first ``spanning`` row axes are labelled only on
        the first row of their group (the label spans the group, as PennyLane's interface
        cells do); the others on every row."""
        axes = self.layout.rows
        positions = itertools.product(*(range(len(self.axes[a])) for a in axes))
        for position, values in zip(positions, self.combinations(axes), strict=True):
            labels = [
                self.label(a, values[a]) if k >= spanning or not any(position[k + 1 :]) else ""
                for k, a in enumerate(axes)
            ]
            yield labels, values

    def entries(self, values: Values) -> tuple[Entry, ...]:
        """A table cell's entries: one per value of the paired axis (one when there is none)."""
        paired = self.layout.paired
        pairs: list[Values] = [{}] if paired is None else [{paired: p} for p in self.axes[paired]]
        return tuple(self._lookup({**values, **pair}) for pair in pairs)

    def _lookup(self, values: Values) -> Entry:
        try:
            item = self._entries[tuple(values[a] for a in self.axes)]
        except KeyError:
            cell = self.family.make_cell(**values)
            raise ValueError(f"matrix has no cell {cell.id}; its axes and cells disagree") from None
        return item if isinstance(item, NotApplicableCell) else item.expectation

    def training_targets(self) -> list[str]:
        """The training targets its supported cells declare, each once, sorted."""
        return sorted(
            {
                rc.training.describe()
                for rc in self.cells.cells
                if rc.expectation.outcome is Outcome.SUPPORTED and rc.training is not None
            }
        )

    def paired_labels(self) -> list[str]:
        """The paired axis's values as the table writes them (none without a paired axis)."""
        paired = self.layout.paired
        return [] if paired is None else [self.label(paired, v) for v in self.axes[paired]]


class Footnotes:
    """One table's reasons and warnings, each numbered once, by first appearance."""

    def __init__(self) -> None:
        self.reasons: dict[ReasonKey, int] = {}
        self.warnings: dict[WarningSpec, int] = {}

    def entry(self, expectation: Entry) -> str:
        """One entry: the symbol, its reason's number, then a mark per warning; ``n/a`` and
        its reason's number for a cell declared not applicable."""
        if isinstance(expectation, NotApplicableCell):
            note: ReasonKey = ("note", expectation.note)
            return f"{NOT_APPLICABLE.symbol} {self.reasons.setdefault(note, len(self.reasons) + 1)}"
        text = symbol(expectation)
        key = reason_key(expectation)
        if key is not None:
            text += f" {self.reasons.setdefault(key, len(self.reasons) + 1)}"
        numbers = [self.warnings.setdefault(w, len(self.warnings) + 1) for w in expectation.warnings]
        if numbers:
            text += f" {WARNING_MARK}" + ",".join(str(n) for n in sorted(numbers))
        return text

    def cell(self, expectations: Sequence[Entry]) -> str:
        """A table cell: one entry when every shots value shows the same, else one per value."""
        entries = [self.entry(e) for e in expectations]
        if len(set(entries)) == 1:
            return entries[0]
        return ENTRY_SEPARATOR.join(entries)

    def reason_items(self, notes: dict[str, str], *, code: Callable[[str], str]) -> list[str]:
        """The numbered reasons, as list items."""
        return [list_item(n, reason_text(key, notes, code=code)) for key, n in self.reasons.items()]

    def warning_items(self, *, code: Callable[[str], str], bullet: str) -> list[str]:
        """The warnings, each once, as bullet items led by their mark."""
        return [f"{bullet} {WARNING_MARK}{n} {warning_text(w, code=code)}" for w, n in self.warnings.items()]


def worst(expectations: Sequence[Entry]) -> Shown | None:
    """What colours a cell: a wrong gradient first, then anything else unsupported; what
    ran decides, and a cell of which nothing ran (all not applicable) has no colour (None)."""
    kinds = [shown(e) for e in expectations if not isinstance(e, NotApplicableCell)]
    if not kinds:
        return None
    if Shown.INCORRECT in kinds:
        return Shown.INCORRECT
    return next((k for k in kinds if k is not Shown.SUPPORTED), Shown.SUPPORTED)


def list_item(number: int, text: str) -> str:
    """A numbered list item; continuation lines are indented so they stay inside the item.

    Markdown and reStructuredText read ``N. text`` and its indented continuation alike.
    """
    marker = f"{number}. "
    first, *rest = text.strip().splitlines() or [""]
    lines = [marker + first.rstrip()]
    lines += [" " * len(marker) + line.rstrip() if line.strip() else "" for line in rest]
    return "\n".join(lines)


def fill(template: str, table: FamilyTable, *, paired: Callable[[list[str]], str], **values: object) -> str:
    """A `families.TableTexts` template filled for ``table``: ``paired`` writes the sentence
    on the paired axis's labels; ``values`` are a section's axis values."""
    if not template:
        return ""
    targets = table.training_targets()
    meaning = NOT_APPLICABLE.meaning
    return template.format(
        paired=paired(table.paired_labels()) if table.layout.paired else "",
        training=" Training target: " + "; ".join(targets) + "." if targets else "",
        na_symbol=NOT_APPLICABLE.symbol,
        na_meaning=meaning,
        na_sentence=meaning[0].upper() + meaning[1:],
        **values,
    )
