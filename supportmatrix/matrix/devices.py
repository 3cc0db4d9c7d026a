"""Devices as data: what a runner must know to build each device a matrix names.

A matrix file may declare its devices under ``devices:`` (schema 3)::

    devices:
      qiskit.aer:
        kwargs: {method: statevector}     # constructor keyword arguments
        seed_keyword: seed_simulator      # how the device takes a seed; null: it takes none
        mixed_state: false                # qml.state() returns a density matrix
        package: pennylane-qiskit         # the distribution that provides the device

A file without ``devices:`` may only name devices of `KNOWN_DEVICES`, the entries of the
devices this project declares. Loading a file makes its entries the ones runners use
(`declare`), in this process; every xdist worker loads the file at collection, so every
worker builds the same devices. This module is the one place in the code that names devices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: The keys of one entry under ``devices:``.
DEVICE_KEYS = ("kwargs", "seed_keyword", "mixed_state", "package")


@dataclass(frozen=True)
class Device:
    """One device: its PennyLane short name and how to build it."""

    name: str
    #: Constructor keyword arguments besides ``wires`` and the seed.
    kwargs: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: The constructor argument that seeds the device's sampling; None if it takes no seed.
    seed_keyword: str | None = "seed"
    #: Whether ``qml.state()`` is a density matrix (the oracle then computes one).
    mixed_state: bool = False
    #: The distribution that provides the device (its version is recorded with results).
    package: str | None = None

    def constructor_kwargs(self, seed: int | None) -> dict[str, Any]:
        """Every keyword argument but ``wires``: the entry's own, and the seed if it takes one."""
        kwargs = dict(self.kwargs)
        if seed is not None and self.seed_keyword is not None:
            kwargs[self.seed_keyword] = seed
        return kwargs

    def to_yaml(self) -> dict[str, Any]:
        """The entry as it is written under ``devices:``."""
        return {
            "kwargs": dict(self.kwargs),
            "seed_keyword": self.seed_keyword,
            "mixed_state": self.mixed_state,
            "package": self.package,
        }


#: PennyLane's Python state-vector simulator and Lightning's C++ one: matrix.yaml's devices,
#: those the benchmark and seed 004's questions compare, and (the first) the device
#: PennyLane's documented support table describes.
PYTHON_STATEVECTOR = "default.qubit"
LIGHTNING_STATEVECTOR = "lightning.qubit"
#: Lightning's Kokkos state-vector simulator (OpenMP backend on CPUs) and PennyLane's
#: density-matrix simulator: the benchmark's other devices (a density matrix is 4^n entries).
KOKKOS_STATEVECTOR = "lightning.kokkos"
PYTHON_MIXED = "default.mixed"

#: The devices this project declares: matrix.yaml's and those under devices/.
KNOWN_DEVICES: Mapping[str, Device] = MappingProxyType(
    {
        device.name: device
        for device in (
            Device(PYTHON_STATEVECTOR, package="pennylane"),
            Device(LIGHTNING_STATEVECTOR, package="pennylane-lightning"),
            Device(PYTHON_MIXED, mixed_state=True, package="pennylane"),
            Device(KOKKOS_STATEVECTOR, package="pennylane-lightning-kokkos"),
            # The "automatic" method samples even with shots=None (with a UserWarning); statevector
            # computes analytic statistics. Aer's run option for the seed is seed_simulator: the
            # plugin forwards an unknown ``seed`` to the simulator, which ignores it.
            Device(
                "qiskit.aer",
                kwargs=MappingProxyType({"method": "statevector"}),
                seed_keyword="seed_simulator",
                package="pennylane-qiskit",
            ),
        )
    }
)

#: The devices of the matrix loaded last, by name (see the module docstring).
_DECLARED: dict[str, Device] = {}


def declare(devices: Iterable[Device]) -> None:
    """Make these the entries runners build devices from, in this process."""
    for device in devices:
        _DECLARED[device.name] = device


def declare_entry(name: str, raw: Mapping[str, Any]) -> None:
    """`declare` one entry from its YAML form (what a worker process is sent: a `Device`'s
    mapping proxy does not pickle)."""
    declare([parse_device(name, raw)])


def device_named(name: str) -> Device:
    """The entry runners use for ``name``: the loaded matrix's, else the known one, else
    a device built from its name alone."""
    return _DECLARED.get(name) or KNOWN_DEVICES.get(name) or Device(name)


def device_packages() -> tuple[str, ...]:
    """The distributions of every known device, for the recorded versions."""
    return tuple(dict.fromkeys(d.package for d in KNOWN_DEVICES.values() if d.package))


def parse_device(name: str, raw: Mapping[str, Any]) -> Device:
    """An entry from its YAML mapping (keys checked by the loader)."""
    kwargs = raw.get("kwargs") or {}
    return Device(
        name=name,
        kwargs=MappingProxyType(dict(kwargs)),
        seed_keyword=raw.get("seed_keyword", "seed"),
        mixed_state=bool(raw.get("mixed_state", False)),
        package=raw.get("package"),
    )
