"""Unit tests for `supportmatrix.worker_process`: the call protocol, errors and crashes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from supportmatrix.hybrid.worker_process import RemoteError, WorkerCrashed, WorkerProcess


@pytest.fixture
def worker() -> Iterator[WorkerProcess]:
    process = WorkerProcess("test", dict(os.environ, SUPPORTMATRIX_TEST_VALUE="from-env"))
    yield process
    process.close()


def test_calls_run_in_one_reused_child_with_its_environment(worker: WorkerProcess) -> None:
    first = worker.call("os:getpid")
    assert first != os.getpid()
    assert worker.call("os:getpid") == first  # started once, reused
    assert worker.call("os:getenv", "SUPPORTMATRIX_TEST_VALUE") == "from-env"
    assert worker.call("builtins:divmod", 7, 2) == (3, 1)


def test_printing_in_the_child_does_not_corrupt_the_channel(worker: WorkerProcess) -> None:
    assert worker.call("builtins:print", "noise on stdout") is None
    assert worker.call("os.path:join", "a", "b") == os.path.join("a", "b")


def test_an_exception_in_the_call_is_a_remote_error_and_the_child_lives_on(
    worker: WorkerProcess,
) -> None:
    pid = worker.call("os:getpid")
    with pytest.raises(RemoteError, match=r"math:sqrt raised in the test worker process:(.|\n)*ValueError"):
        worker.call("math:sqrt", -1)
    assert worker.call("os:getpid") == pid


def test_a_crash_fails_that_call_with_the_exit_code_and_the_next_call_restarts(
    worker: WorkerProcess,
) -> None:
    pid = worker.call("os:getpid")
    worker.call("os:write", 2, b"last words\n")
    with pytest.raises(WorkerCrashed) as info:
        worker.call("os:_exit", 3)
    assert info.value.returncode == 3
    assert "exited with code 3" in str(info.value)
    assert "last words" in info.value.stderr_tail
    assert worker.call("os:getpid") != pid


def test_a_child_killed_by_a_signal_is_reported_as_such(worker: WorkerProcess) -> None:
    with pytest.raises(WorkerCrashed, match="killed by signal 6"):
        worker.call("os:abort")


def test_a_keras_worker_runs_single_threaded_whatever_its_parent_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from supportmatrix.hybrid import keras_backends

    monkeypatch.setattr(keras_backends, "_workers", {})
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv("XLA_FLAGS", "--explicit")
    env = keras_backends.worker("jax").env  # built, not started
    assert (env["KERAS_BACKEND"], env["OMP_NUM_THREADS"], env["XLA_FLAGS"]) == ("jax", "1", "--explicit")


def test_a_worker_builds_the_device_the_parent_declares(worker: WorkerProcess) -> None:
    """The Keras worker loads no matrix file: the parent sends the device's entry first, as
    `hybrid.runner` does before every cell it runs there."""
    source = ("supportmatrix.check.compat:device_source", "my.device")
    assert worker.call(*source, wires=2) == "dev = qml.device('my.device', wires=2)"
    entry = {"kwargs": {"method": "fast"}, "seed_keyword": None, "mixed_state": False, "package": None}
    worker.call("supportmatrix.matrix.devices:declare_entry", "my.device", entry)
    assert worker.call(*source, wires=2, seed=5) == "dev = qml.device('my.device', wires=2, method='fast')"
