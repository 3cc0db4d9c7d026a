"""`tests/conftest.py`'s hypothesis profiles: ``SUPPORTMATRIX_PROFILE`` picks one, or fails.

Each case runs pytest in this process with the conftest loaded as a plugin (``-p
tests.conftest``) on a throwaway test that reads hypothesis's default settings. The profile
is loaded at configuration into hypothesis's process-wide default, so the `run` fixture
loads this process's own profile back afterwards: the property tests that follow in the
same worker keep theirs. (A subprocess per case did the same at about 1.6 s of CPU each.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ("pytester",)

READ_PROFILE = """
from hypothesis import settings

def test_profile():
    got = settings.default
    assert (got.max_examples, got.derandomize, got.database) == {expected!r}, got
"""


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))

    def run(profile: str | None, expected: tuple = ()) -> pytest.RunResult:
        if profile is None:
            monkeypatch.delenv("SUPPORTMATRIX_PROFILE", raising=False)
        else:
            monkeypatch.setenv("SUPPORTMATRIX_PROFILE", profile)
        pytester.makepyfile(test_reads_profile=READ_PROFILE.format(expected=expected))
        return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "tests.conftest")

    own = settings.get_current_profile_name()
    yield run
    settings.load_profile(own)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        pytest.param(None, (2, True, None), id="unset-is-ci"),
        pytest.param("ci", (2, True, None), id="ci"),
        pytest.param("thorough", (200, False, None), id="thorough"),
    ],
)
def test_the_named_profile_is_every_tests_default(run, profile: str | None, expected: tuple) -> None:
    result = run(profile, expected)
    result.assert_outcomes(passed=1)


def test_an_unknown_profile_is_a_usage_error_naming_the_allowed_ones(run) -> None:
    result = run("quick")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: SUPPORTMATRIX_PROFILE='quick': unknown hypothesis profile; allowed: ci, thorough"]
    )
