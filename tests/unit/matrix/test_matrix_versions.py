"""Unit tests for `supportmatrix.matrix.versions`: installed versions and specifier matching."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet

from supportmatrix.matrix.axes import VERSIONED_PACKAGES
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


def test_pinned_versions_follow_an_included_constraints_file(tmp_path) -> None:
    from supportmatrix.matrix.versions import pinned_versions

    (tmp_path / "base.txt").write_text("pennylane==0.45.1\njax==0.7.1\n", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "extra.txt").write_text("# more\n-c ../base.txt\njax==0.7.2\n", encoding="utf-8")
    pins = pinned_versions(sub / "extra.txt")
    assert (pins["pennylane"], pins["jax"]) == ("0.45.1", "0.7.2")  # the including file wins


def test_a_constraints_file_that_includes_itself_is_one_line(tmp_path) -> None:
    import pytest

    from supportmatrix.matrix.versions import pinned_versions

    (tmp_path / "loop.txt").write_text("-c loop.txt\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"loop.txt: includes itself"):
        pinned_versions(tmp_path / "loop.txt")
