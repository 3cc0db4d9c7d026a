"""The device tables in docs/devices/ are generated; this fails when one no longer matches
its devices/NAME.yaml, or the overview its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.versions import pinned_versions
from supportmatrix.report.formats import FORMATS
from supportmatrix.report.overview import render_overview

ROOT = Path(__file__).resolve().parents[3]
DEVICE_FILES = sorted((ROOT / "devices").glob("*.yaml"))


def _versions() -> dict[str, str | None]:
    # The tables document the release constraints.txt pins, whichever release is installed.
    return pinned_versions(ROOT / "constraints.txt")


def test_every_device_has_a_declaration() -> None:
    assert DEVICE_FILES, "devices/ declares no device"


@pytest.mark.parametrize("fmt", ["markdown", "rst"])
@pytest.mark.parametrize("path", DEVICE_FILES, ids=lambda p: p.stem)
def test_device_table_is_up_to_date(path: Path, fmt: str) -> None:
    suffix = {"markdown": "md", "rst": "rst"}[fmt]
    page = ROOT / "docs" / "devices" / f"{path.stem}.{suffix}"
    expected = FORMATS[fmt](load_matrix(path, versions=_versions()))
    assert page.read_text(encoding="utf-8") == expected, (
        f"docs/devices/{page.name} is stale; regenerate it with\n    supportmatrix render "
        f"--matrix devices/{path.name} --versions constraints.txt --format {fmt} -o docs/devices/{page.name}"
    )


def test_the_overview_is_up_to_date() -> None:
    files = [ROOT / "matrix.yaml", *DEVICE_FILES]
    sources = [p.relative_to(ROOT).as_posix() for p in files]
    expected = render_overview([load_matrix(p, versions=_versions()) for p in files], sources=sources)
    committed = (ROOT / "docs" / "devices" / "overview.md").read_text(encoding="utf-8")
    assert committed == expected, (
        "docs/devices/overview.md is stale; regenerate it with\n    supportmatrix overview "
        "matrix.yaml devices/*.yaml --versions constraints.txt -o docs/devices/overview.md"
    )
