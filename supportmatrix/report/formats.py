"""The output formats of ``supportmatrix render``, by name."""

from __future__ import annotations

from collections.abc import Callable

from supportmatrix.matrix.model import Matrix
from supportmatrix.report.json_table import render_json
from supportmatrix.report.markdown import render_markdown, render_qjit_markdown
from supportmatrix.report.rst import render_qjit_rst, render_rst

#: Output formats by name, for the CLI's ``--format`` choices.
FORMATS: dict[str, Callable[[Matrix], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "rst": render_rst,
    # The Catalyst family's table alone (docs/qjit-table.md): it is not in the default run.
    "qjit-markdown": render_qjit_markdown,
    "qjit-rst": render_qjit_rst,
}
