"""The HTML report: one self-contained page (inline CSS, script, data and plots) for a matrix, a run or a drift.

`build_report` is what ``supportmatrix report`` writes, every family of the registry drawn
alike: the page data of `html_data` embedded as one ``<script type="application/json">``
block, rendered in the browser by ``assets/report.js`` with ``assets/report.css``, each
cell's mark cloned from the hidden block of `html_marks`, and the plots of `plots` as
inline images.
The page loads nothing: its Content-Security-Policy forbids every fetch, so it reads the
same from a file, a CI artifact or an e-mail attachment.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from supportmatrix.matrix.families import TOP_LEVEL
from supportmatrix.matrix.model import Matrix
from supportmatrix.report import plots
from supportmatrix.report.html_data import declared_page, drift_page, results_page
from supportmatrix.report.html_marks import marks_html

#: Nothing may be fetched: scripts, styles and images are inline (images as data: URIs).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"
)


@dataclass(frozen=True)
class Plot:
    """One figure of the page: an SVG and what it shows."""

    svg: str
    caption: str


def build_report(
    *,
    matrix: Matrix | None = None,
    versions: Mapping[str, str | None] | None = None,
    documents: Sequence[tuple[dict[str, Any], str]] = (),
    with_plots: bool = True,
) -> str:
    """The page for ``matrix`` (declared, resolved for ``versions``) when no results
    ``documents`` are given, for one ``(document, source)``, or for the drift between two."""
    if len(documents) > 2:
        raise ValueError(f"at most two results files (old and new), got {len(documents)}")
    if documents:
        page = (
            results_page(documents[0][0], source=documents[0][1])
            if len(documents) == 1
            else drift_page(
                documents[0][0], documents[1][0], old_source=documents[0][1], new_source=documents[1][1]
            )
        )
    else:
        if matrix is None or versions is None:
            raise ValueError("a declared report needs the matrix and the versions it was resolved for")
        page = declared_page(matrix, versions=versions)
    figures = page_plots(page, documents[-1] if documents else None) if with_plots else []
    return render_page(page, figures)


def page_plots(page: dict[str, Any], newest: tuple[dict[str, Any], str] | None) -> list[Plot]:
    """The outcome counts of the top-level family's cells as drawn, and, from the newest
    results document, the distribution of error / tolerance (left out when it records no ratio)."""
    family = page["families"].get(TOP_LEVEL.name)
    what = "Declared" if page["mode"] == "declared" else "Observed"
    figures = []
    if family is not None:
        axes = family["axes"]
        device, interface = (list(axes).index(axis) for axis in ("device", "interface"))
        drawn = [
            (c["axes"][device], c["axes"][interface], c["shown"])
            for c in page["cells"]
            if c["family"] == TOP_LEVEL.name
        ]
        cells = f"{TOP_LEVEL.title} cells"
        figures.append(
            Plot(
                plots.outcome_counts_svg(
                    drawn,
                    devices=axes["device"],
                    interfaces=axes["interface"],
                    title=f"{what} outcomes per device × interface ({len(drawn)} {cells})",
                ),
                f"{what} outcome of every {TOP_LEVEL.title} cell, counted per device and interface.",
            )
        )
    if newest is not None:
        try:
            svg = plots.results_ratio_histogram_svg(newest[0], source=newest[1])
        except ValueError:
            pass  # a file written before the ratio was recorded: no histogram to draw
        else:
            figures.append(
                Plot(
                    svg,
                    "How close each value check came to its tolerance "
                    "(1: at the bound). spsa's analytic checks are structural, "
                    "so they pass above 1 and are drawn apart.",
                )
            )
    return figures


def render_page(page: dict[str, Any], figures: Sequence[Plot] = ()) -> str:
    """The HTML text of a page: its data, script, style and figures inline."""
    title = html.escape(f"supportmatrix report — {page['title']}")
    figure_html = "".join(
        f'<figure><img alt="{html.escape(f.caption)}" src="data:image/svg+xml;base64,'
        f'{base64.b64encode(f.svg.encode("utf-8")).decode("ascii")}">'
        f"<figcaption>{html.escape(f.caption)}</figcaption></figure>"
        for f in figures
    )
    plots_block = f'<section id="plots" hidden>{figure_html}</section>' if figures else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{_asset('report.css')}</style>\n</head>\n<body>\n"
        "<noscript>This report renders its tables with JavaScript; the data is in the "
        "page-data block of this file.</noscript>\n"
        f'<div id="app"></div>\n{marks_html()}\n{plots_block}\n'
        f'<script type="application/json" id="page-data">{embed_json(page)}</script>\n'
        f"<script>\n{_asset('report.js')}</script>\n</body>\n</html>\n"
    )


def embed_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` appears
    literally, so no message can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return (
        resources.files("supportmatrix.report").joinpath("assets").joinpath(name).read_text(encoding="utf-8")
    )
