"""Every reproduction snippet on docs/findings.md, run in a fresh Python process under the
release constraints.txt pins: it must still show what the page says it shows. Under
another PennyLane or Lightning (the older releases' tox environments) they skip, saying
which is installed."""

from __future__ import annotations

import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from supportmatrix.check.snippet_oracle import DIFFERENCE_LABEL, WRONG_ABOVE
from supportmatrix.matrix.versions import installed_versions, pinned_versions

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "findings.md"
#: A section: its heading's note, the reproduction line's claim, and the snippet.
SECTION = re.compile(
    r"^## \d+\. `(?P<note>[^`]+)`$.*?^Reproduction: cell `(?P<cell>[^`]+)`"
    r"(?P<claim>.*?)$\n\n```python\n(?P<snippet>.*?)^```$",
    re.S | re.M,
)


def _snippets() -> list:
    return [
        pytest.param(m["cell"], m["claim"], m["snippet"], id=m["note"])
        for m in SECTION.finditer(PAGE.read_text(encoding="utf-8"))
    ]


def test_the_page_has_snippets() -> None:
    assert len(_snippets()) >= 10


def _other_release() -> str | None:
    """Why the snippets cannot be judged here: the page describes the release
    constraints.txt pins (its first versions file), and another one is installed."""
    pinned = pinned_versions(ROOT / "constraints.txt")
    installed = installed_versions()
    differ = [
        f"{package} {installed.get(package) or 'absent'} (the page: {version})"
        for package, version in pinned.items()
        if package in ("pennylane", "pennylane-lightning") and installed.get(package) != version
    ]
    return "; ".join(differ) or None


@pytest.mark.timeout(600)
@pytest.mark.parametrize(("cell", "claim", "snippet"), _snippets())
def test_snippet_shows_what_the_page_says(cell: str, claim: str, snippet: str) -> None:
    if (other := _other_release()) is not None:
        pytest.skip(f"docs/findings.md describes constraints.txt's release; installed: {other}")
    for module in re.findall(r"^import (\w+)", snippet, re.M):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed (needed by {cell}'s snippet)")
    done = subprocess.run(
        [sys.executable, "-c", snippet], capture_output=True, text=True, timeout=540, cwd=ROOT
    )
    raised = re.search(r"it raises `(\w+)`", claim)
    if raised:
        # the traceback's exception line (jax appends a note after it)
        line = re.search(rf"^(?:[\w.]+\.)?{raised[1]}\b.*$", done.stderr, re.M)
        assert done.returncode != 0 and line, (
            f"{cell}: the page says it raises {raised[1]}, but exit code {done.returncode}:\n"
            f"{done.stderr[-2000:]}"
        )
        return
    assert done.returncode == 0, f"{cell}: the snippet failed:\n{done.stderr[-2000:]}"
    differences = [
        float(v) for v in re.findall(rf"{DIFFERENCE_LABEL}: (\S+)$", done.stdout, re.M) if v != "sizes"
    ]
    dtypes = re.findall(r"PennyLane: (\w+) ", done.stdout)
    assert dtypes, f"{cell}: the snippet printed no comparison:\n{done.stdout[-2000:]}"
    if "declared incorrect" in claim and "shots" not in claim:
        # A NaN is as wrong as a large difference (and compares False with any bound).
        wrong = any(d > WRONG_ABOVE or math.isnan(d) for d in differences) or any(
            t != "float64" for t in dtypes
        )
        assert wrong, (
            f"{cell}: the page says PennyLane's result is wrong, but every difference "
            f"is at most {WRONG_ABOVE:g} and every dtype float64:\n{done.stdout[-2000:]}"
        )
