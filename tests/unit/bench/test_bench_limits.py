"""Unit tests for the idle gate, the memory model and the thread count: injected clocks, loads and /proc."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.bench import idle, memory, threads
from supportmatrix.matrix.devices import PYTHON_MIXED, PYTHON_STATEVECTOR


class FakeMachine:
    """A load that follows a script, and a clock that only moves when the gate sleeps."""

    def __init__(self, loads: list[float | None]) -> None:
        self.loads = list(loads)
        self.now = 0.0
        self.slept: list[float] = []

    def read(self) -> float | None:
        return self.loads.pop(0) if len(self.loads) > 1 else self.loads[0]

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def gate(self, threshold: float, timeout: float) -> idle.Gate:
        return idle.Gate(threshold, timeout, read=self.read, sleep=self.sleep, clock=lambda: self.now)


def test_the_gate_waits_until_the_load_falls_under_the_threshold() -> None:
    machine = FakeMachine([2.5, 1.4, 0.9, 0.3])
    assert machine.gate(1.0, 60).wait() == {"load_before": 0.9, "waited_seconds": 10.0, "idle": True}
    assert machine.slept == [5.0, 5.0]


def test_an_idle_machine_is_measured_at_once() -> None:
    machine = FakeMachine([0.2])
    assert machine.gate(1.0, 60).wait() == {"load_before": 0.2, "waited_seconds": 0.0, "idle": True}
    assert machine.slept == []


def test_a_machine_busy_past_the_timeout_is_measured_and_marked() -> None:
    machine = FakeMachine([3.0])
    answer = machine.gate(1.0, 12).wait()
    assert answer == {"load_before": 3.0, "waited_seconds": 12.0, "idle": False}
    assert machine.slept == [5.0, 5.0, 2.0]  # never sleeps past the timeout
    assert idle.over_threshold({"idle": False}) and not idle.over_threshold({})


def test_a_machine_without_a_load_average_is_never_called_idle() -> None:
    machine = FakeMachine([None])
    assert machine.gate(1.0, 60).wait() == {"load_before": None, "waited_seconds": 0.0, "idle": False}


def test_the_default_threshold_is_half_a_load_per_usable_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idle, "usable_cores", lambda: 2)
    assert idle.default_threshold() == 1.0


@pytest.mark.parametrize(
    ("device", "n", "size"), [(PYTHON_STATEVECTOR, 10, 16 * 2**10), (PYTHON_MIXED, 10, 16 * 4**10)]
)
def test_a_state_is_16_bytes_an_entry(device: str, n: int, size: int) -> None:
    assert memory.state_bytes(device, n) == size


def test_backprop_is_predicted_to_store_states_per_gate() -> None:
    s = 16 * 2**20
    back = memory.predicted_bytes(device=PYTHON_STATEVECTOR, diff_method="backprop", qubits=20, gates=160)
    adj = memory.predicted_bytes(device=PYTHON_STATEVECTOR, diff_method="adjoint", qubits=20, gates=160)
    assert back == memory.FIXED_BYTES + memory.BACKPROP_STATES_PER_GATE * 160 * s
    assert adj == memory.FIXED_BYTES + memory.OTHER_STATES * s


def test_the_limit_is_a_fraction_of_the_available_memory() -> None:
    assert memory.memory_limit(lambda: 8 * 2**30) == int(memory.AVAILABLE_FRACTION * 8 * 2**30)
    assert memory.memory_limit(lambda: None) is None


def test_busy_threads_count_those_that_used_a_share_of_the_wall_time() -> None:
    before = {1: 10.0, 2: 3.0, 3: 1.0}
    after = {1: 11.0, 2: 3.05, 3: 1.0, 4: 0.5}  # 4 was born during the block
    assert threads.busy_threads(before, after, wall_seconds=1.0) == 2  # 1 and 4


def test_task_cpu_seconds_reads_names_with_spaces_and_parentheses(tmp_path: Path) -> None:
    tick = threads.os.sysconf("SC_CLK_TCK")
    for tid, name, user, system in ((7, "python", 2 * tick, tick), (9, "omp (worker) 1", tick, 0)):
        (tmp_path / str(tid)).mkdir()
        fields = ["S", *["0"] * 10, str(user), str(system), *["0"] * 30]
        (tmp_path / str(tid) / "stat").write_text(f"{tid} ({name}) " + " ".join(fields))
    assert threads.task_cpu_seconds(tmp_path) == {7: 3.0, 9: 1.0}
    assert threads.task_cpu_seconds(tmp_path / "absent") is None


def test_thread_use_sees_this_thread_working() -> None:
    with threads.thread_use() as use:
        end = threads.time.process_time() + 0.3  # 0.3 s of this thread's own CPU
        while threads.time.process_time() < end:
            pass
    assert use.busy is not None and use.busy >= 1
    assert use.alive is not None and use.alive >= use.busy
