"""Sphinx extension: draw the tables' outcome symbols as inline SVG icons in the HTML site.

The generated tables (docs/support-table.md, .rst, docs/qjit-table.md) mark outcomes with
emoji, which GitHub renders; a browser without an emoji font (Debian's Chromium as
installed) draws ✅ ❌ ⛔ 🐞 as the same empty box. In the HTML build every such symbol
outside code becomes the HTML report's icon for that outcome
(`supportmatrix.report.html_marks.ICONS`, each a different shape), coloured as the report
colours it, with the outcome's name as its text for screen readers. The symbols and
their meanings come from `supportmatrix.report.vocabulary.LEGEND`, so the site, the
report and the tables cannot disagree.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes

from supportmatrix.report.html_marks import ICONS
from supportmatrix.report.vocabulary import LEGEND

#: Icon stroke colours: the report's hues, dark enough for text on white or on the tables'
#: green and red cell backgrounds.
COLOURS = {"supported": "#16794a", "incorrect": "#9a5b00"}
DEFAULT_COLOUR = "#b3261e"
VARIATION_SELECTOR = "\ufe0f"  # ▶️ is ▶ followed by it
#: Each symbol, with or without the variation selector, to its outcome key.
SYMBOLS = {sign.symbol.rstrip(VARIATION_SELECTOR): shown.value for shown, sign in LEGEND.items()}
PATTERN = re.compile("(" + "|".join(re.escape(s) for s in SYMBOLS) + f"){VARIATION_SELECTOR}?")
#: Nodes whose text is shown as written: code and literal blocks.
_VERBATIM = (nodes.literal, nodes.literal_block, nodes.raw)


def icon_html(key: str) -> str:
    """The inline SVG of outcome ``key``, with its name as the accessible text."""
    colour = COLOURS.get(key, DEFAULT_COLOUR)
    label = html.escape(key.replace("-", " "))
    return (
        f'<svg class="outcome-mark" data-key="{key}" role="img" aria-label="{label}" '
        f'viewBox="0 0 16 16" width="1.1em" height="1.1em" style="vertical-align:-0.18em;'
        f'fill:none;stroke:{colour};stroke-width:2;stroke-linecap:round;stroke-linejoin:round">'
        f'<title>{label}</title><path d="{ICONS[key]}"/></svg>'
    )


def _replace(text_node: nodes.Text) -> list[nodes.Node] | None:
    text = str(text_node)
    pieces: list[nodes.Node] = []
    last = 0
    for match in PATTERN.finditer(text):
        if match.start() > last:
            pieces.append(nodes.Text(text[last : match.start()]))
        pieces.append(nodes.raw("", icon_html(SYMBOLS[match.group(1)]), format="html"))
        last = match.end()
    if not pieces:
        return None
    if last < len(text):
        pieces.append(nodes.Text(text[last:]))
    return pieces


def draw_marks(app: Any, doctree: nodes.document, docname: str) -> None:
    """Replace every outcome symbol in ``doctree``'s text (outside code) by its icon."""
    if app.builder.format != "html":
        return
    for text_node in list(doctree.findall(nodes.Text)):
        parent = text_node.parent
        if parent is None or any(isinstance(a, _VERBATIM) for a in _ancestors(text_node)):
            continue
        pieces = _replace(text_node)
        if pieces is not None:
            parent.replace(text_node, pieces)


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def setup(app: Any) -> dict[str, Any]:
    app.connect("doctree-resolved", draw_marks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
