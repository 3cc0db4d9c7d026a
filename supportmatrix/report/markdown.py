"""The Markdown pages: a page's preamble and legend, then each of its families' tables.

Every family is drawn by the same code from its registry entry (`families.TableLayout`):
its intro, then per section a heading and one table (rows and columns as the layout says,
the paired axis's values side by side in a cell), footnotes under each table. Pure functions
over the frozen model: no I/O, no pennylane. The same matrix always renders to the same
text, so the committed pages can be checked for staleness.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from supportmatrix.matrix import families as registry  # FAMILIES read when drawing
from supportmatrix.matrix.families import PAGES, Family, TablePage, families_on
from supportmatrix.matrix.model import Matrix
from supportmatrix.report.cell_index import Column, FamilyTable, Footnotes, Values, fill
from supportmatrix.report.vocabulary import (
    LEGEND,
    NOT_APPLICABLE,
    WARNING_MARK,
    extra_shown,
    unscoped,
)


def render_markdown(matrix: Matrix, *, page: TablePage = PAGES[0]) -> str:
    """Return ``page`` (the support table by default): preamble, legend, then the tables of
    every family on it that has cells."""
    drawn = [f for f in families_on(page) if matrix.family(f.name).cells]
    blocks = [
        page.markdown.format(
            source=os.path.basename(matrix.path) or "matrix.yaml",
            format=page.formats[0],
            legend=_legend_block(matrix, page),
        )
    ]
    for family in drawn:
        blocks += _family_blocks(matrix, family)
    return "\n\n".join(blocks) + "\n"


def _family_blocks(matrix: Matrix, family: Family) -> list[str]:
    """A family's intro, then per section (and column group) its heading, table and footnotes."""
    table = FamilyTable(family, matrix.family(family.name), code=markdown_code, markdown=True)
    texts = family.layout.markdown
    blocks = [fill(texts.intro, table, paired=_paired_sentence)]
    for section, group, columns in table.tables():
        footnotes = Footnotes()
        blocks += [
            fill(texts.heading, table, paired=_paired_sentence, group=group, **section),
            fill(texts.section_intro, table, paired=_paired_sentence, group=group, **section),
            _table(table, section, columns, footnotes),
            *_footnote_blocks(matrix, footnotes),
        ]
    return [block for block in blocks if block]


def _table(table: FamilyTable, section: Values, columns: list[Column], footnotes: Footnotes) -> str:
    header = [table.text(axis).header for axis in table.layout.rows]
    header += [label for label, _, _ in columns]
    rows = [_table_row(header), _table_row(["---"] * len(header))]
    for labels, values in table.rows(spanning=len(table.layout.rows)):
        entries = [footnotes.cell(table.entries({**section, **values, **column})) for _, _, column in columns]
        rows.append(_table_row([*labels, *entries]))
    return "\n".join(rows)


def _legend_block(matrix: Matrix, page: TablePage) -> str:
    """The symbols; then, per family, those only its tables show (every family's extra
    outcomes, and ``n/a`` where a table on this page has cells declared not applicable)."""
    extras = extra_shown(registry.FAMILIES)
    lines = [
        "Legend: the symbol says what happens; the number after it is the reason, listed under the table.",
        "",
    ]
    lines += [f"- {sign.symbol} {sign.meaning}" for shown, sign in LEGEND.items() if shown not in extras]
    lines.append(f"- {WARNING_MARK}N: PennyLane warns; warning N is listed under the table.")
    for family in registry.FAMILIES:
        symbols = [f"{LEGEND[s].symbol} {unscoped(LEGEND[s].meaning)}" for s in extra_shown([family])]
        if family in families_on(page) and matrix.family(family.name).not_applicable:
            symbols.append(f"{NOT_APPLICABLE.symbol} {NOT_APPLICABLE.meaning}")
        if symbols:
            lines += ["", family.layout.markdown.legend.format(symbols=" ".join(symbols))]
    return "\n".join(lines)


def _footnote_blocks(matrix: Matrix, footnotes: Footnotes) -> list[str]:
    """The numbered reasons, then the warnings (a bullet list, so only reasons are numbered)."""
    blocks = []
    if footnotes.reasons:
        blocks += ["Reasons:", "\n".join(footnotes.reason_items(matrix.notes, code=markdown_code))]
    if footnotes.warnings:
        blocks += ["Warnings:", "\n".join(footnotes.warning_items(code=markdown_code, bullet="-"))]
    return blocks


def _paired_sentence(labels: Sequence[str]) -> str:
    """Which entry of a cell is for which value of the paired axis."""
    if len(labels) == 1:
        return f"Every entry is for {labels[0]}."
    if len(labels) == 2:
        return (
            f"Where a cell shows two entries, the first is {labels[0]} and the second {labels[1]}; "
            "a single entry holds for both."
        )
    return (
        "Where a cell shows several entries, they are, in order: "
        + ", ".join(labels)
        + "; a single entry holds for all of them."
    )


def _table_row(cells: Sequence[str]) -> str:
    # An unescaped pipe, even inside a code span, would split a GFM table cell.
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def markdown_code(text: str) -> str:
    """A Markdown code span that survives backticks inside `text` (e.g. in a regex)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
