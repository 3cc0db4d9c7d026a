"""The output formats of ``supportmatrix render``, by name: each page's Markdown and RST, and JSON."""

from __future__ import annotations

import functools
from collections.abc import Callable

from supportmatrix.matrix.families import PAGES, TablePage
from supportmatrix.matrix.model import Matrix
from supportmatrix.report.json_table import render_json
from supportmatrix.report.markdown import render_markdown
from supportmatrix.report.rst import render_rst


def _page_formats(page: TablePage) -> dict[str, Callable[[Matrix], str]]:
    markdown, rst = page.formats
    return {
        markdown: functools.partial(render_markdown, page=page),
        rst: functools.partial(render_rst, page=page),
    }


_MAIN, *_OTHERS = (_page_formats(page) for page in PAGES)
(_MAIN_MARKDOWN, _), (_MAIN_RST, _) = _MAIN.items()

#: Output formats by name, for the CLI's ``--format`` choices: the main page's Markdown (the
#: default), JSON, the main page's RST, then the other pages' (not in the default run).
FORMATS: dict[str, Callable[[Matrix], str]] = {
    _MAIN_MARKDOWN: _MAIN[_MAIN_MARKDOWN],
    "json": render_json,
    _MAIN_RST: _MAIN[_MAIN_RST],
    **{name: render for formats in _OTHERS for name, render in formats.items()},
}
