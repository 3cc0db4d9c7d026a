"""Unit tests for `supportmatrix.bench.timing`: the spread of repeats and the repeat bounds."""

from __future__ import annotations

import pytest

from supportmatrix.bench.timing import Budget, error_of, repeat, spread


def test_spread_gives_median_quartiles_and_range() -> None:
    assert spread([5.0, 1.0, 3.0, 2.0, 4.0]) == {"median": 3.0, "q1": 2.0, "q3": 4.0, "min": 1.0, "max": 5.0}


def test_repeat_runs_at_least_min_and_at_most_max_times() -> None:
    calls: list[int] = []
    assert len(repeat(lambda: calls.append(1), Budget(0.0, 3, 10))) == 3
    assert len(repeat(lambda: calls.append(1), Budget(3600.0, 1, 5))) == 5
    assert len(calls) == 8


def test_an_error_is_recorded_by_class_and_identifying_line() -> None:
    exc = ValueError("Device <x at 0x7f00ab> refuses\nsecond line")
    assert error_of(exc, stage="build") == {
        "type": "ValueError",
        "stage": "build",
        "message": "Device <x at 0x…> refuses",
    }


@pytest.mark.parametrize("message", ["", "   "])
def test_an_empty_message_is_recorded_empty(message: str) -> None:
    assert error_of(RuntimeError(message), stage="first call")["message"] == ""
