"""The rendered RST builds in Sphinx, as PennyLane's docs do, without a single warning."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from sphinx.cmd.build import build_main

from supportmatrix.matrix.axes import FEATURE_GROUPS
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.report.rst import render_rst

ROOT = Path(__file__).resolve().parents[3]


def test_the_real_table_builds_in_sphinx_without_warnings(tmp_path: Path) -> None:
    matrix = load_matrix(ROOT / "matrix.yaml", versions=pinned_versions(ROOT / "constraints.txt"))
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text('project = "supportmatrix"\n', encoding="utf-8")
    (source / "index.rst").write_text(render_rst(matrix), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        # -W: any warning is an error; -E: no saved environment; -q: only warnings printed.
        status = build_main(["-W", "-E", "-q", "-N", "-b", "html", str(source), str(tmp_path / "html")])
    assert (status, err.getvalue()) == (0, ""), err.getvalue()
    html = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    # The roles reach the page as the classes PennyLane's script colours.
    for role in ("gr", "rd", "or"):
        assert f'class="{role}"' in html
    # a table per device, the hybrid layers, and a features table per device and feature group
    features = len(matrix.family("features").axes.get("device", ())) * len(FEATURE_GROUPS)
    assert html.count("<table") == len(matrix.family("qnode").axes["device"]) + 1 + features


def test_a_warning_fails_the_build(tmp_path: Path) -> None:
    # Guards the test above: a broken document must not pass unnoticed.
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text("", encoding="utf-8")
    (source / "index.rst").write_text("Title\n=====\n\n:unknownrole:`x`\n", encoding="utf-8")
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        status = build_main(["-W", "-E", "-q", "-N", "-b", "html", str(source), str(tmp_path / "html")])
    assert status != 0 and "unknownrole" in err.getvalue()
