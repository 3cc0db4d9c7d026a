"""Render a loaded `Matrix` in the layout of PennyLane's "Supported configurations" table.

Every family is drawn by the same code from its registry entry (`families.TableLayout`,
its ``rst`` texts, column widths and header row); a page (`families.PAGES`) holds the
families whose tables go to it.

PennyLane keeps that table by hand in ``doc/introduction/interfaces.rst`` (a copy is in
the shared reference). This renderer writes the same section (title, the ``gr``/``rd``
roles with their colouring script and style, the intro, a ``.. rst-class:: tb`` grid table
per device, numbered notes) so a maintainer can paste it in and compare it with the page.
Columns are at least as wide as PennyLane's, so ``diff -w`` against the page shows changed
entries and not re-drawn borders. The page's closing ``:html:`</div>``` and ``toctree``
belong to the surrounding page, not to the table, and are not written.

Each grid cell is one role around the same entry as the Markdown table (``✅``, ``❌ 4``,
``✅ / 🐞 7``, ``⛔ 3 ⚠1``): ``:gr:`` when every shots value of the cell is supported,
``:or:`` (a third colour, orange) when any gives a wrong gradient, else ``:rd:``. The numbers
are the table's reasons, listed after it, then its warnings. Widths count emoji as two
columns, as docutils does, so the grid stays valid.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence

from supportmatrix.matrix import families as registry  # FAMILIES read when drawing
from supportmatrix.matrix.families import PAGES, Family, TableLayout, TablePage, families_on
from supportmatrix.matrix.model import Matrix
from supportmatrix.report.cell_index import Column, Entry, FamilyTable, Footnotes, Values, fill, worst
from supportmatrix.report.vocabulary import LEGEND, WARNING_MARK, Shown, extra_shown

# PennyLane's page, verbatim, plus the ``or`` role (a wrong gradient) written the same way:
# the script colours the table cell around each role.
_ROLES_AND_COLOURS = """\
.. role:: gr
.. role:: rd
.. role:: or

.. raw:: html

   <script>
    document.addEventListener('DOMContentLoaded', function() {
        document.querySelectorAll('.gr').forEach(function(element) {
            if (element.parentElement && element.parentElement.parentElement) {
                element.parentElement.parentElement.classList.add('gr-parent');
            }
        });
        document.querySelectorAll('.rd').forEach(function(element) {
            if (element.parentElement && element.parentElement.parentElement) {
                element.parentElement.parentElement.classList.add('rd-parent');
            }
        });
        document.querySelectorAll('.or').forEach(function(element) {
            if (element.parentElement && element.parentElement.parentElement) {
                element.parentElement.parentElement.classList.add('or-parent');
            }
        });
    });
   </script>
   <style>
       .gr-parent {background-color:#bbffbb}
       .rd-parent {background-color:#ffbbbb}
       .or-parent {background-color:#ffd59a}
   </style>"""

#: The role colouring a cell, by the worst of its shots values.
_ROLE = {Shown.SUPPORTED: "gr", Shown.INCORRECT: "or"}

# No role in prose: PennyLane's script would colour the whole section around it.
_LEGEND_INTRO = """\
Each cell shows what happens: a symbol, then the number of its reason, listed under the
table. Cells are green when supported, orange when a gradient comes out wrong, red
otherwise."""

_TABLE_STYLE = """\
.. raw:: html

   <style>
      .tb { border-collapse: collapse; }
      .tb th, .tb td { padding: 1px; border: solid 1px black; }
   </style>"""


def render_rst(matrix: Matrix, *, page: TablePage = PAGES[0]) -> str:
    """Return ``page`` (the "Supported configurations" section by default): its preamble,
    then the grid tables of every family on it that has cells."""
    preamble = page.rst.format(
        source=os.path.basename(matrix.path) or "matrix.yaml",
        format=page.formats[1],
        roles=_ROLES_AND_COLOURS,
        legend=_legend(),
        style=_TABLE_STYLE,
    )
    blocks = [preamble]
    # One style block serves every table on the page: in the preamble, or before the first.
    styled = "{style}" in page.rst
    for family in families_on(page):
        if matrix.family(family.name).cells:
            blocks += _family_blocks(matrix, family, styled=styled)
            styled = True
    return "\n\n".join(blocks) + "\n"


def _family_blocks(matrix: Matrix, family: Family, *, styled: bool) -> list[str]:
    """A family's intro, then per section (and column group) its heading, table and numbered notes."""
    table = FamilyTable(family, matrix.family(family.name), code=rst_literal, markdown=False)
    texts = family.layout.rst
    blocks = [fill(texts.intro, table, paired=_paired_paragraph)]
    for section, group, columns in table.tables():
        heading = fill(texts.heading, table, paired=_paired_paragraph, group=group, **section)
        if heading and texts.underline:
            heading += "\n" + texts.underline * _width(heading)
        footnotes = Footnotes()
        blocks += [
            heading,
            fill(texts.section_intro, table, paired=_paired_paragraph, group=group, **section),
            "" if styled else _TABLE_STYLE,
            ".. rst-class:: tb",
            "\n".join(_grid_table(table, section, columns, footnotes)),
            *_footnote_blocks(matrix, footnotes),
        ]
        styled = True
    return [block for block in blocks if block]


def _legend() -> str:
    """Every symbol, those only some families' tables show last."""
    extras = extra_shown(registry.FAMILIES)
    items = [f"* {sign.symbol} {sign.meaning}" for kind, sign in LEGEND.items() if kind not in extras]
    items.append(f"* {WARNING_MARK}N: PennyLane warns; warning N is listed under the table.")
    items += [f"* {LEGEND[kind].symbol} {LEGEND[kind].meaning}" for kind in extras]
    return _LEGEND_INTRO + "\n\n" + "\n".join(items)


def _footnote_blocks(matrix: Matrix, footnotes: Footnotes) -> list[str]:
    """The numbered reasons, then the warnings as a bullet list."""
    blocks = []
    if footnotes.reasons:
        blocks += ["Reasons:", "\n".join(footnotes.reason_items(matrix.notes, code=rst_literal))]
    if footnotes.warnings:
        blocks += ["Warnings:", "\n".join(footnotes.warning_items(code=rst_literal, bullet="*"))]
    return blocks


def rst_literal(text: str) -> str:
    """Show `text` verbatim in RST: an inline literal, or a ``:literal:`` role where needed.

    An inline literal cannot hold two backticks in a row, nor start or end with a backtick
    or white space; the role can, with backslash escapes. Text with white space at either
    end (or empty text) is shown as its Python repr, so the reader sees where it ends.
    """
    if not text or text != text.strip():
        text = repr(text)
    if "``" in text or text.startswith("`") or text.endswith("`"):
        escaped = text.replace("\\", "\\\\").replace("`", "\\`")
        return f":literal:`{escaped}`"
    return f"``{text}``"


def _paired_paragraph(labels: Sequence[str]) -> str:
    # No role in prose: PennyLane's script would colour the whole section around it.
    if len(labels) == 1:
        return f"Every entry is for {labels[0]}."
    return (
        f"Where a cell shows several entries, they are, in order, for {', '.join(labels)};\n"
        "a single entry holds for all of them. A cell is green only when the\n"
        "configuration is supported with each of them."
    )


def _grid_table(
    table: FamilyTable, section: Values, columns: list[Column], footnotes: Footnotes
) -> list[str]:
    """One section's grid table. Only the first row axis's cell spans its group (docutils
    grid cells span rows in the first column alone); the layout's widths are minimums."""
    layout = table.layout
    headers = [f"**{table.text(a).rst_header or table.text(a).header}**" for a in layout.rows]
    headers += [label for label, _, _ in columns]
    body = [
        [
            *labels,
            *(_entry(table.entries({**section, **values, **column}), footnotes) for _, _, column in columns),
        ]
        for labels, values in table.rows(spanning=1)
    ]
    keys = [*layout.rows, *(key for _, key, _ in columns)]
    widths = [
        max(
            layout.rst_widths.get(key, layout.rst_default_width),
            *(_width(row[i]) + 1 for row in [headers, *body]),
        )
        for i, key in enumerate(keys)
    ]
    lines = _header_lines(layout, headers, widths)
    for position, cells in enumerate(body):
        lines.append(_row(cells, widths))
        next_starts_group = position + 1 == len(body) or body[position + 1][0] != ""
        # Inside a group the first cell spans the rows: its border segment stays open.
        lines.append(_border(widths, "-", open_first=not next_starts_group))
    return lines


def _header_lines(layout: TableLayout, headers: Sequence[str], widths: Sequence[int]) -> list[str]:
    """The header: the row axes' and columns' headers, under one spanning every column (as
    PennyLane's "Return type") when the layout has one."""
    if not layout.rst_column_group:
        return [_border(widths, "-"), _row(headers, widths), _border(widths, "=")]
    rows = len(layout.rows)
    labels_width = sum(widths[:rows]) + rows - 1
    columns_width = sum(widths[rows:]) + len(widths) - rows - 1
    return [
        f"+{'-' * labels_width}+{'-' * columns_width}+",
        f"|{' ' * labels_width}|{_pad(f'**{layout.rst_column_group}**', columns_width)}|",
        _border(widths, "="),
        _row(headers, widths),
        _border(widths, "-"),
    ]


def _entry(expectations: Sequence[Entry], footnotes: Footnotes) -> str:
    colour = worst(expectations)
    if colour is None:  # nothing ran: no role, so the cell keeps the page's own colour
        return footnotes.cell(expectations)
    return f":{_ROLE.get(colour, 'rd')}:`{footnotes.cell(expectations)}`"


def _width(text: str) -> int:
    """Columns `text` takes in a grid table: docutils counts wide characters (emoji) twice."""
    return len(text) + sum(unicodedata.east_asian_width(c) in "WF" for c in text)


def _pad(text: str, width: int) -> str:
    # One space before the text, as in PennyLane's table; the widths leave room for it.
    return f" {text}" + " " * (width - 1 - _width(text))


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "|" + "|".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)) + "|"


def _border(widths: Sequence[int], char: str, *, open_first: bool = False) -> str:
    segments = [char * w for w in widths]
    if open_first:
        segments[0] = " " * widths[0]
    return "+" + "+".join(segments) + "+"
