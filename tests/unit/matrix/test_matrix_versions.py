"""Unit tests for `supportmatrix.matrix.versions`: installed versions and specifier matching."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from supportmatrix.matrix.model import VERSIONED_PACKAGES
from supportmatrix.matrix.versions import installed_versions, specifier_matches


def test_installed_versions() -> None:
    versions = installed_versions()
    assert tuple(versions) == VERSIONED_PACKAGES
    assert all(v is None or isinstance(v, str) for v in versions.values())
    assert installed_versions() is versions  # cached


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        (">=0.44", "0.44.0", True),
        (">=0.44", "0.45.0.dev2", True),
        (">=0.44,<0.46", "0.46.0rc1", False),
        ("<0.44", "0.45", False),
        (">=0.44", None, False),
        (">=0.44", "not a version", False),
        ("", "1.0", True),
    ],
)
def test_specifier_matches(spec: str, version: str | None, expected: bool) -> None:
    assert specifier_matches(SpecifierSet(spec), version) is expected
