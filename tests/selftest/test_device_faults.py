"""Self-tests of the device files: a fault in one device's results fails that device's cells
and no other device's.

The fault scales every number one device returns by 1 + 1e-3, far beyond an analytic cell's
tolerance. Two devices are faulted: qiskit.aer, an old-style device that PennyLane runs
through `LegacyDeviceFacade` (the fault patches the facade), and lightning.kokkos, a native
device (the fault patches its own class, not lightning.qubit's, which shares its base). Each
runs a slice of its devices/NAME.yaml, where the supported analytic cells must fail, and the
same slice of matrix.yaml on a sibling device, where nothing may fail.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

# Imported outside pytester's in-process runs (see test_fault_injection.py).
import jax  # noqa: F401
import pennylane as qml
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (needed by the slices)")
# The device plugins come with the `devices` extra (.ci/run installs it).
pytest.importorskip("pennylane_qiskit", reason="pennylane-qiskit is not installed (the devices extra)")
pytest.importorskip(
    "pennylane_lightning.lightning_kokkos",
    reason="pennylane-lightning-kokkos is not installed (the devices extra)",
)

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Outcome, ResolvedCell
from tests.selftest.fault_runs import MATRIX_PATH, ROOT, assert_fault_fails_exactly

pytest_plugins = ("pytester",)

#: Cells whose values every device returns through ``execute``, checked exactly.
SLICE = {
    "interface": ("autograd", "torch"),
    "diff_method": ("parameter-shift", "finite-diff"),
    "measurement": ("expval", "probs", "var"),
    "shots": (None,),
}
SCALE = 1 + 1e-3


def _slice(path: Path, device: str) -> list[ResolvedCell]:
    cells = load_matrix(path).family("qnode").cells
    return [
        rc
        for rc in cells
        if rc.cell.device == device
        and all(getattr(rc.cell, axis) in values for axis, values in SLICE.items())
    ]


def _scaled(result):
    if isinstance(result, (tuple, list)):
        return type(result)(_scaled(r) for r in result)
    return result if isinstance(result, dict) else result * SCALE


def _scale_execute(monkeypatch: pytest.MonkeyPatch, cls: type, device: str):
    real = cls.execute

    @functools.wraps(real)
    def execute(self, *args, **kwargs):
        return _scaled(real(self, *args, **kwargs))

    monkeypatch.setattr(cls, "execute", execute)

    def affected(rc: ResolvedCell) -> bool:
        return rc.cell.device == device and rc.expectation.outcome is Outcome.SUPPORTED

    return affected


def scale_legacy_facade(monkeypatch: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """Every result of an old-style device, through the facade, scaled."""
    return _scale_execute(monkeypatch, qml.devices.LegacyDeviceFacade, "qiskit.aer")


def scale_lightning_kokkos(monkeypatch: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """Every result of lightning.kokkos scaled (lightning.qubit's class is left alone)."""
    from pennylane_lightning.lightning_kokkos import LightningKokkos

    return _scale_execute(monkeypatch, LightningKokkos, "lightning.kokkos")


CASES = [
    pytest.param(
        scale_legacy_facade,
        ROOT / "devices" / "qiskit.aer.yaml",
        "qiskit.aer",
        True,
        id="legacy-facade-qiskit.aer",
    ),
    pytest.param(
        scale_legacy_facade, MATRIX_PATH, "default.qubit", False, id="legacy-facade-leaves-default.qubit"
    ),
    pytest.param(
        scale_lightning_kokkos,
        ROOT / "devices" / "lightning.kokkos.yaml",
        "lightning.kokkos",
        True,
        id="native-lightning.kokkos",
    ),
    pytest.param(
        scale_lightning_kokkos,
        MATRIX_PATH,
        "lightning.qubit",
        False,
        id="native-kokkos-leaves-lightning.qubit",
    ),
]


@pytest.mark.parametrize(("fault", "path", "device", "touches"), CASES)
def test_a_device_fault_fails_that_device_only(
    fault: Callable,
    path: Path,
    device: str,
    touches: bool,
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cells = _slice(path, device)
    assert cells, f"{path.name} declares no cell of the slice on {device}"
    assert_fault_fails_exactly(
        fault,
        cells,
        pytester,
        monkeypatch,
        test_file="test_qnode.py",
        test_function="test_qnode_cell",
        matrix_path=path,
        touches=touches,
    )
