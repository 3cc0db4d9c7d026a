"""The run scaffold both runners share, on plain functions: no PennyLane."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from supportmatrix.check.classify import compare_values
from supportmatrix.check.scaffold import Observation, observe
from supportmatrix.matrix.model import Outcome, Stage


def _run(fail_at: Stage | None) -> Observation:
    """A run through every stage that raises at ``fail_at``."""
    with observe() as obs, obs.attempt():
        for stage in Stage:
            obs.stage = stage
            if stage is fail_at:
                raise ValueError(f"broken at {stage.value}")
    return obs


@pytest.mark.parametrize("stage", list(Stage), ids=[s.value for s in Stage])
def test_an_exception_is_recorded_with_the_stage_it_was_raised_in(stage: Stage) -> None:
    obs = _run(stage)
    assert obs.error is not None
    assert (obs.error.stage, obs.error.cls, obs.error.module) == (stage, "ValueError", "builtins")
    assert obs.error.message == f"broken at {stage.value}"
    assert obs.observed().outcome is Outcome.ERRORS


def test_a_run_that_raises_nothing_has_no_error_and_a_duration() -> None:
    obs = _run(None)
    assert obs.error is None and obs.seconds >= 0
    assert obs.observed().outcome is Outcome.SUPPORTED


def test_the_block_after_an_exception_does_not_run_but_the_checks_after_it_do() -> None:
    def forward() -> None:
        raise RuntimeError("forward")

    reached = []
    with observe() as obs:
        with obs.attempt():
            forward()
            reached.append("rest of the attempt")
        reached.append("after the attempt")
    assert reached == ["after the attempt"]
    assert obs.error is not None and obs.error.cls == "RuntimeError"


@pytest.mark.parametrize("exc", [KeyboardInterrupt, SystemExit])
def test_a_base_exception_is_no_observation_and_propagates(exc: type[BaseException]) -> None:
    with pytest.raises(exc), observe() as obs, obs.attempt():
        raise exc()


def test_warnings_are_recorded_once_each_in_first_seen_order() -> None:
    with observe() as obs:
        for message in ("second", "first", "second", "first", "third"):
            warnings.warn(message, UserWarning, stacklevel=1)  # one line: only the message tells them apart
    assert [w.message for w in obs.warnings] == ["second", "first", "third"]
    assert {w.category for w in obs.warnings} == {"UserWarning"}
    assert all(w.filename == __file__ for w in obs.warnings)


def test_the_recorded_checks_decide_the_outcome() -> None:
    with observe() as obs:
        obs.checks.append(
            compare_values(
                "forward value",
                np.array([1.0]),
                expected=np.array([1.5]),
                tolerance=np.array([0.1]),
                criterion="test",
            )
        )
    assert obs.observed().outcome is Outcome.INCORRECT
    with observe() as obs:
        obs.connected = False
    assert obs.observed().outcome is Outcome.NO_GRADIENT


def test_torch_warns_every_time_inside_a_run_once_torch_is_loaded() -> None:
    torch = pytest.importorskip("torch")
    torch.set_warn_always(False)
    with observe():
        assert torch.is_warn_always_enabled()
    assert not torch.is_warn_always_enabled()  # restored for whatever runs next
