"""Devices as data: the ``devices:`` section, the known entries, and how runners build them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from supportmatrix.check import compat
from supportmatrix.check.oracle import MIXED_STATE, measure, oracle_measurement
from supportmatrix.matrix.devices import KNOWN_DEVICES, Device, device_named
from tests.unit.matrix.matrix_docs import AXES, load, load_error

DEVICES = """\
devices:
  my.device: {kwargs: {method: fast, depth: 3}, seed_keyword: rng_seed, mixed_state: true, package: my-plugin}
"""
MY_AXES = AXES.replace("[default.qubit, lightning.qubit]", "[my.device]")


def _doc(devices: str = DEVICES, axes: str = MY_AXES) -> str:
    return "schema_version: 3\n" + devices + axes + "rules:\n  - expect: supported\n"


def test_a_declared_device_is_what_runners_build(tmp_path: Path) -> None:
    matrix = load(tmp_path, _doc())
    entry = matrix.devices["my.device"]
    assert entry == Device(
        "my.device",
        kwargs={"method": "fast", "depth": 3},
        seed_keyword="rng_seed",
        mixed_state=True,
        package="my-plugin",
    )
    assert device_named("my.device") == entry  # loading declared it
    assert entry.constructor_kwargs(7) == {"method": "fast", "depth": 3, "rng_seed": 7}
    assert compat.device_source("my.device", wires=3, seed=7) == (
        "dev = qml.device('my.device', wires=3, method='fast', depth=3, rng_seed=7)"
    )


def test_without_a_devices_section_the_known_devices_are_used(tmp_path: Path) -> None:
    matrix = load(tmp_path, _doc(devices="", axes=AXES))
    assert list(matrix.devices) == ["default.qubit", "lightning.qubit"]
    assert matrix.devices["default.qubit"] is KNOWN_DEVICES["default.qubit"]
    message = str(load_error(tmp_path, _doc(devices="")))
    assert "unknown value 'my.device'" in message and "default.qubit" in message


@pytest.mark.parametrize(
    ("devices", "fragment"),
    [
        ("devices: {}\n", "devices must declare at least one device"),
        ("devices: [my.device]\n", "devices must be a mapping"),
        ("devices:\n  my.device: {colour: red}\n", "colour"),
        ("devices:\n  my.device: {mixed_state: 'yes'}\n", "mixed_state must be true or false"),
        ("devices:\n  my.device: {kwargs: [1]}\n", "kwargs must be a mapping"),
        ("devices:\n  my.device: {seed_keyword: 3}\n", "seed_keyword must be a string"),
        ("devices:\n  my.device:\n  other.device:\n", "'other.device' is declared but on no family"),
    ],
)
def test_bad_devices_sections_are_one_line(tmp_path: Path, devices: str, fragment: str) -> None:
    message = str(load_error(tmp_path, _doc(devices=devices)))
    assert fragment in message and "\n" not in message


def test_an_entry_without_keys_takes_the_defaults(tmp_path: Path) -> None:
    matrix = load(tmp_path, _doc(devices="devices:\n  my.device:\n"))
    assert matrix.devices["my.device"] == Device("my.device")
    assert Device("my.device").constructor_kwargs(5) == {"seed": 5}
    assert Device("x", seed_keyword=None).constructor_kwargs(5) == {}


def test_a_device_axis_value_not_declared_is_refused(tmp_path: Path) -> None:
    axes = AXES.replace("[default.qubit, lightning.qubit]", "[my.device, default.qubit]")
    message = str(load_error(tmp_path, _doc(axes=axes)))
    assert "unknown value 'default.qubit'" in message and "my.device" in message


def test_the_known_mixed_state_device_gets_a_density_matrix_oracle() -> None:
    mixed = [d for d in KNOWN_DEVICES.values() if d.mixed_state]
    assert mixed, "some known device is a mixed-state device"
    assert oracle_measurement("state", mixed_state=True) == MIXED_STATE
    assert oracle_measurement("state", mixed_state=False) == "state"
    assert oracle_measurement("probs", mixed_state=True) == "probs"
    pure = measure("state", [0.3, 0.4])
    rho = measure(MIXED_STATE, [0.3, 0.4])
    n = pure.size // 2
    psi = pure[:n] + 1j * pure[n:]
    dm = (rho[: n * n] + 1j * rho[n * n :]).reshape(n, n)
    np.testing.assert_allclose(dm, np.outer(psi, psi.conj()), atol=1e-15)
    assert abs(np.trace(dm) - 1) < 1e-14 and np.allclose(dm, dm.conj().T)
