"""output.write_atomic: replace a file in one step, keeping its mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from supportmatrix import output


def test_failed_write_leaves_the_existing_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "table.md"
    target.write_text("committed table\n")

    def crash(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", crash)
    with pytest.raises(OSError):  # noqa: PT011  only the test's own `crash` can raise here
        output.write_atomic(target, "new table\n")
    assert target.read_text() == "committed table\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.md"]


def test_write_atomic_keeps_the_existing_mode(tmp_path: Path) -> None:
    target = tmp_path / "table.md"
    target.write_text("old\n")
    target.chmod(0o640)
    output.write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_output_file_gets_the_umask_mode_not_mkstemps(tmp_path: Path) -> None:
    target = tmp_path / "table.md"
    output.write_atomic(target, "new\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
