"""How the HTML report marks each kind of cell, readable in any browser: an SVG icon or a text badge.

Each kind is an outcome, a run's status (skipped, crashed, absent) or not applicable.

The Markdown tables' symbols are emoji; a browser without an emoji font (Debian's Chromium
as installed) draws ✅ ❌ ⛔ 🐞 as the same empty box. The page draws each cell's mark from
`marks_html` instead, in report.css's colours, with its key as the text screen readers read;
the emoji stays in the legend's tooltips only, as decoration.
"""

from __future__ import annotations

import html

from supportmatrix.report.vocabulary import LEGEND, NOT_APPLICABLE

#: What a cell is drawn as besides what the tables show: a run that did not observe it.
STATUS_KEYS: dict[str, tuple[str, str]] = {
    "skipped": ("⏭", "not run: a framework it needs is missing."),
    "crashed": ("💥", "the cell killed or hung its worker process."),
    "absent": ("·", "this results file has no record of the cell."),
}

#: A cell declared not applicable (``not-applicable`` in matrix.yaml): nothing ran, so no outcome.
NOT_APPLICABLE_KEY = "not-applicable"

#: Each outcome's icon: an SVG path in a 16 x 16 box, stroked (report.css), each of a
#: different shape, so that the kinds differ without colour and without any font.
ICONS: dict[str, str] = {
    "supported": "M3 8.5l3.2 3.2L13 4.5",  # a tick
    "forward-raises": "M4 4l8 8M12 4l-8 8",  # a cross
    "gradient-raises": "M5 3.5v9l7-4.5z",  # a play triangle
    "no-gradient": "M2.5 8a5.5 5.5 0 1 0 11 0a5.5 5.5 0 1 0-11 0M5 8h6",  # no entry
    "incorrect": "M3 6h10M3 10h10M11 2.5L5 13.5",  # not equal
    "training-raises": "M2 5h12v4H2zM4 9v4.5M12 9v4.5M6 5L4 9M10 5L8 9",  # a barrier
    "save-raises": "M3 3h8l2 2v8H3zM5.5 3v3h5V3M5.5 13V9.5h5V13",  # a floppy disk
    "skipped": "M2.5 4l5 4-5 4zM8.5 4l5 4-5 4z",  # skip forward
    "crashed": "M9 1.5L4 9h4l-1 5.5L12 7H8z",  # a lightning bolt
    "absent": "M5 8h6",  # a dash
}

#: Kinds drawn as a text badge instead of an icon.
BADGES: dict[str, str] = {NOT_APPLICABLE_KEY: NOT_APPLICABLE.symbol}


def legend() -> list[dict[str, str]]:
    """Every kind a cell can be drawn as, in legend order: its key, its meaning and the
    Markdown tables' symbol (decoration: the page draws `marks_html`'s mark)."""
    return [
        *(
            {"key": shown.value, "symbol": sign.symbol, "meaning": sign.meaning}
            for shown, sign in LEGEND.items()
        ),
        *(
            {"key": key, "symbol": symbol, "meaning": meaning}
            for key, (symbol, meaning) in STATUS_KEYS.items()
        ),
        {"key": NOT_APPLICABLE_KEY, "symbol": "", "meaning": NOT_APPLICABLE.meaning},
    ]


def marks_html() -> str:
    """The hidden block of every kind's mark, which the page's script clones into each cell
    (markup, so the SVG elements get their namespace from the HTML parser)."""
    marks = []
    for entry in legend():
        key = entry["key"]
        if key in BADGES:
            marks.append(f'<span class="badge" data-key="{key}">{html.escape(BADGES[key])}</span>')
        else:
            marks.append(
                f'<svg data-key="{key}" viewBox="0 0 16 16" aria-hidden="true" '
                f'focusable="false"><path d="{ICONS[key]}"/></svg>'
            )
    return f'<div id="marks" hidden>{"".join(marks)}</div>'
