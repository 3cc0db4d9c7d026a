"""Read PennyLane's hand-kept "Supported configurations" table into documented entries.

The table is the grid table in PennyLane's ``doc/introduction/interfaces.rst``: a
``Return type`` header row, a row of column names, then one row per interface and diff
method whose cells are ``:gr:`N``` (supported) or ``:rd:`N``` (not), where ``N`` is an
item of the numbered list after the table. Anything that does not fit that layout is a
`DocsTableError` naming the file and line, so a reworked page fails loudly instead of
being half read.
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from supportmatrix.report.vocabulary import MEASUREMENT_HEADERS

#: (interface, diff_method, measurement) in the matrix's spelling, e.g. ("None", "adjoint", "var").
DocKey = tuple[str, str, str]

_MEASUREMENT_BY_HEADER = {header: name for name, header in MEASUREMENT_HEADERS.items()}
_INTERFACE = re.compile(r'``(None|"[^"`]+")``')
_METHOD = re.compile(r'``"([^"`]+)"``')
_ENTRY = re.compile(r":(gr|rd):`(\d+)`")
_NOTE_ITEM = re.compile(r"(\d+)\.\s+(.*)")


class DocsTableError(Exception):
    """PennyLane's table does not have the expected layout; located by file and 1-based line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = " ".join(message.splitlines())
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class DocumentedEntry:
    """One cell of PennyLane's table: its role, its note's number and text, and its line."""

    role: str  # "gr" (shown green: supported) or "rd" (red: not supported)
    note: int
    note_text: str
    line: int

    @property
    def supported(self) -> bool:
        return self.role == "gr"


@dataclass(frozen=True)
class DocsTable:
    """The documented entries by (interface, diff method, measurement), in the page's order."""

    path: str
    interfaces: tuple[str, ...]
    diff_methods: tuple[str, ...]
    measurements: tuple[str, ...]
    entries: dict[DocKey, DocumentedEntry]
    notes: dict[int, str]


def load_docs_table(path: str | os.PathLike[str]) -> DocsTable:
    """Parse the table in the RST file at `path` (OSError if it cannot be read)."""
    return parse_docs_table(Path(path).read_text(encoding="utf-8"), path=str(path))


def parse_docs_table(text: str, *, path: str = "<string>") -> DocsTable:
    """Parse the first grid table in `text` and the numbered notes that follow it."""
    lines = text.splitlines()
    start, end = _table_bounds(lines, path)
    separator = next((i for i in range(start, end) if lines[i].startswith("+=")), None)
    if separator is None:
        raise DocsTableError(path, start + 1, "the grid table has no header separator (+===+)")
    columns = [i for i, char in enumerate(lines[separator]) if char == "+"]
    if len(columns) < 4:
        message = "the grid table needs interface, diff method and measurement columns"
        raise DocsTableError(path, separator + 1, message)
    for i in range(start, end):
        if len(lines[i].rstrip()) != columns[-1] + 1:
            raise DocsTableError(
                path, i + 1, f"table line is not {columns[-1] + 1} characters wide like its header"
            )
    rows = _body_rows(lines, separator + 1, end, columns, path)
    if not rows:
        raise DocsTableError(path, separator + 1, "the grid table has no rows after its header")
    header_line, _, header = rows[0]
    measurements = tuple(_measurement(name, header_line, path) for name in header[2:])
    notes = _notes(lines, end, path)

    entries: dict[DocKey, DocumentedEntry] = {}
    interfaces: list[str] = []
    methods: list[str] = []
    for line, interface_text, cells in rows[1:]:
        interface = _label(_INTERFACE, interface_text, line, path, "interface")
        method = _label(_METHOD, cells[1], line, path, "diff method")
        for measurement, cell_text in zip(measurements, cells[2:], strict=True):
            key = (interface, method, measurement)
            if key in entries:
                where = f'row {interface}/"{method}" repeats line {entries[key].line}'
                raise DocsTableError(path, line, where)
            entries[key] = _entry(cell_text, notes, line, path, measurement)
        interfaces += [interface] if interface not in interfaces else []
        methods += [method] if method not in methods else []
    return DocsTable(path, tuple(interfaces), tuple(methods), measurements, entries, notes)


def _table_bounds(lines: list[str], path: str) -> tuple[int, int]:
    """Index of the table's first line and one past its last."""
    start = next((i for i, line in enumerate(lines) if line.startswith("+-")), None)
    if start is None:
        raise DocsTableError(path, 1, "no grid table found (a line starting with '+-')")
    end = start
    while end < len(lines) and lines[end][:1] in ("+", "|"):
        end += 1
    return start, end


def _body_rows(
    lines: list[str], first: int, end: int, columns: list[int], path: str
) -> list[tuple[int, str, list[str]]]:
    """(line, interface text, cells) per row; the interface cell may span several rows."""
    rows: list[tuple[int, str, list[str]]] = []
    group_start = 0  # index in rows where the current interface cell began
    pending: list[tuple[int, list[str]]] = []  # text lines of the row being read
    for i in range(first, end):
        line = lines[i]
        if line.startswith("|"):
            missing = [c for c in columns if line[c] != "|"]
            if missing:
                raise DocsTableError(path, i + 1, f"expected '|' at column {missing[0] + 1}")
            pending.append((i + 1, [line[a + 1 : b].strip() for a, b in itertools.pairwise(columns)]))
            continue
        if not pending:
            raise DocsTableError(path, i + 1, "two border lines with no row between them")
        cells = [" ".join(filter(None, parts)) for parts in zip(*(c for _, c in pending), strict=True)]
        rows.append((pending[0][0], "", cells))
        pending = []
        if line[1 : columns[1]].strip():  # a closed border ends the interface cell
            label = " ".join(filter(None, (cells[0] for _, _, cells in rows[group_start:])))
            rows[group_start:] = [(n, label, cells) for n, _, cells in rows[group_start:]]
            group_start = len(rows)
    if pending or group_start != len(rows):
        raise DocsTableError(path, end, "the grid table does not end with a closed border")
    return rows


def _measurement(header: str, line: int, path: str) -> str:
    name = header.strip("* ")
    if not name:
        raise DocsTableError(path, line, "a measurement column has no name")
    return _MEASUREMENT_BY_HEADER.get(name, name)


def _label(pattern: re.Pattern[str], text: str, line: int, path: str, what: str) -> str:
    match = pattern.fullmatch(text)
    if match is None:
        shape = '``None`` or ``"name"``' if what == "interface" else '``"name"``'
        raise DocsTableError(path, line, f"{what} label {text!r} is not {shape}")
    return match.group(1).strip('"')


def _entry(text: str, notes: dict[int, str], line: int, path: str, measurement: str) -> DocumentedEntry:
    match = _ENTRY.fullmatch(text)
    if match is None:
        raise DocsTableError(
            path, line, f"column {measurement!r}: expected one :gr:`N` or :rd:`N`, found {text!r}"
        )
    role, number = match.group(1), int(match.group(2))
    if number not in notes:
        raise DocsTableError(
            path, line, f"column {measurement!r}: note {number} is not in the list after the table"
        )
    return DocumentedEntry(role, number, notes[number], line)


def _notes(lines: list[str], end: int, path: str) -> dict[int, str]:
    """The numbered list after the table: number -> text with white space collapsed."""
    notes: dict[int, list[str]] = {}
    current: list[str] | None = None
    for i in range(end, len(lines)):
        line = lines[i]
        item = _NOTE_ITEM.fullmatch(line)
        if item is not None:
            number = int(item.group(1))
            if number in notes:
                raise DocsTableError(path, i + 1, f"note {number} is listed twice")
            current = notes[number] = [item.group(2)]
        elif not line.strip() or (current is not None and line[:1].isspace()):
            if current is not None:
                current.append(line.strip())
        else:
            break
    return {number: " ".join(filter(None, parts)) for number, parts in notes.items()}
