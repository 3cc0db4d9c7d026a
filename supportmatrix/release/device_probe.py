"""The entry of a device `supportmatrix init` declares: built once, read off the device.

Not installed, unknown or refusing its keyword arguments, that is one line (`InitError`).
A device this project declares keeps its known entry (`devices.KNOWN_DEVICES`); any other
is read off the device: the seed keyword its constructor takes, whether ``qml.state()``
comes back as a density matrix, and the distribution that provides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from supportmatrix.matrix.devices import KNOWN_DEVICES, Device


class InitError(ValueError):
    """The declaration cannot be made; one line."""


def probe_device(name: str, kwargs: Mapping[str, Any]) -> Device:
    """The entry for ``name`` built with ``kwargs``, after building it once."""
    import warnings

    import pennylane as qml

    known = KNOWN_DEVICES.get(name)
    entry_kwargs = dict(kwargs) if kwargs or known is None else dict(known.kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a plugin's import-time deprecations are not input errors
        try:
            dev = qml.device(name, wires=2, **entry_kwargs)
        except qml.exceptions.DeviceError as exc:
            hint = f" (pip install {known.package})" if known and known.package else ""
            raise InitError(f"device {name!r}: {_first_line(exc)}{hint}") from None
        except (TypeError, ValueError) as exc:
            shown = ", ".join(f"{k}={v!r}" for k, v in entry_kwargs.items()) or "no arguments"
            raise InitError(f"device {name!r} refuses {shown}: {_first_line(exc)}") from None
    if known is not None:
        return Device(
            name,
            kwargs=MappingProxyType(entry_kwargs),
            seed_keyword=known.seed_keyword,
            mixed_state=known.mixed_state,
            package=known.package,
        )
    return Device(
        name,
        kwargs=MappingProxyType(entry_kwargs),
        seed_keyword=_seed_keyword(dev),
        mixed_state=_returns_density_matrix(dev),
        package=_package_of(dev),
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _seed_keyword(dev: Any) -> str | None:
    """``seed`` if the device's constructor names it (a legacy device reached through the
    facade is asked for its own class), else None: no seed is passed."""
    import inspect

    target = getattr(dev, "target_device", dev)
    parameters = inspect.signature(type(target).__init__).parameters
    return "seed" if "seed" in parameters else None


def _returns_density_matrix(dev: Any) -> bool:
    """Whether ``qml.state()`` on one wire comes back as a 2x2 matrix."""
    import numpy as np
    import pennylane as qml

    try:
        state = qml.QNode(lambda: qml.state(), dev)()
    except Exception:  # noqa: BLE001 - a device that returns no state has no density matrix
        return False
    return np.ndim(state) == 2


def _package_of(dev: Any) -> str | None:
    from importlib import metadata

    target = getattr(dev, "target_device", dev)
    module = type(target).__module__.split(".")[0]
    names = metadata.packages_distributions().get(module, [])
    return names[0] if names else None
