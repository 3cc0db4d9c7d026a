"""Sphinx configuration of the supportmatrix documentation site.

Built with ``sphinx-build -W --keep-going -n -b html docs docs/_build/html`` (``.ci/run``
and ``.github/workflows/docs.yml``). The theme is PennyLane's own, so the generated support
tables look as they do on PennyLane's pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[1]
# sphinx-argparse and autodoc import the package from this checkout, installed or not;
# _ext holds this site's own extension.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

project = "supportmatrix"
author = "supportmatrix contributors"
copyright = "2026, supportmatrix contributors"

extensions = [
    "myst_parser",
    "sphinxarg.ext",
    "sphinx.ext.autodoc",
    "outcome_marks",  # the tables' emoji drawn as SVG icons: readable without an emoji font
    "matrix_schema",  # the matrix file's keys and values, from the loader's constants
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_enable_extensions = ["colon_fence"]
# Headings get anchors, so pages can link to each other's sections.
myst_heading_anchors = 3

# Generated files embedded by other pages with an include directive, never pages of
# their own; and Sphinx's output.
exclude_patterns = [
    "_build",
    "_ext",
    "_static",
    "support-table.md",
    "support-table.rst",
    "qjit-table.md",
    # devices/*.md and *.rst are generated tables, embedded by the device-*.md pages
    "devices",
]

html_theme = "xanadu"
html_title = "supportmatrix"
html_static_path = ["_static"]
html_theme_options = {
    "navbar_name": "supportmatrix",
    "navbar_home_link": "index.html",
    # The theme's default logo is Xanadu's; this project is not theirs.
    "navbar_logo_path": "_static/supportmatrix-logo.svg",
    "toc_overview": True,
}

#: The theme fills every empty footer section with Xanadu's own (company blurb, links to
#: their products, social accounts); this site is not theirs, so the footer stays empty.
_FOOTER_SECTIONS = ("about", "links", "policies", "social_icons", "newsletter", "xanadu", "copyright")


def _empty_footer(app: Sphinx) -> None:
    # The builder copied the options when it loaded the theme; both copies are emptied.
    for options in (app.config.html_theme_options, getattr(app.builder, "theme_options", {})):
        for section in _FOOTER_SECTIONS:
            options[f"footer_{section}"] = None


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", _empty_footer)
