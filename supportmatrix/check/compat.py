"""Every API difference between the PennyLane releases the suite runs on, in one place.

Circuits, adapters and the runner call these functions and never branch on versions
themselves. Features are detected rather than version numbers compared, so a new
release that keeps an API needs no change here.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any


@functools.cache
def qnode_takes_shots() -> bool:
    """PennyLane 0.43 and newer take ``shots`` on the QNode; older releases on the device."""
    import pennylane as qml

    return "shots" in inspect.signature(qml.QNode.__init__).parameters


def make_device(name: str, *, wires: int, seed: int | None = None, **more: Any) -> Any:
    """The device ``name`` as its entry says to build it (`devices.device_named`): its
    keyword arguments, and ``seed`` under the keyword it takes one by."""
    import pennylane as qml

    from supportmatrix.matrix.devices import device_named

    return qml.device(name, wires=wires, **device_named(name).constructor_kwargs(seed), **more)


def device_source(name: str, *, wires: int, seed: int | None = None, **more: Any) -> str:
    """The source of the `make_device` call that builds the same device."""
    from supportmatrix.matrix.devices import device_named

    kwargs = {**device_named(name).constructor_kwargs(seed), **more}
    shown = "".join(f", {key}={value!r}" for key, value in kwargs.items())
    return f"dev = qml.device({name!r}, wires={wires}{shown})"


def device_qnode(
    circuit: Any,
    *,
    device: str,
    wires: int,
    seed: int,
    interface: str | None,
    diff_method: str,
    shots: int | tuple[int, ...] | None,
    max_diff: int = 1,
    gradient_kwargs: dict[str, Any] | None = None,
    mcm_method: str | None = None,
) -> Any:
    """``circuit`` as a QNode on a fresh, seeded device, with ``shots`` (a count or a shot
    vector) set wherever this release takes them; ``max_diff > 1`` lets a gradient
    transform differentiate its own tapes (higher derivatives), ``gradient_kwargs`` go to
    the gradient transform, ``mcm_method`` says how mid-circuit measurements run."""
    import pennylane as qml

    more: dict[str, Any] = {"max_diff": max_diff} if max_diff != 1 else {}
    if gradient_kwargs:
        more["gradient_kwargs"] = gradient_kwargs
    if mcm_method is not None:
        more["mcm_method"] = mcm_method
    if qnode_takes_shots():
        dev = make_device(device, wires=wires, seed=seed)
        return qml.QNode(circuit, dev, interface=interface, diff_method=diff_method, shots=shots, **more)
    dev = make_device(device, wires=wires, seed=seed, shots=shots)
    return qml.QNode(circuit, dev, interface=interface, diff_method=diff_method, **more)


def qnode_source(
    *,
    device: str,
    wires: int,
    seed: int,
    interface: str,
    diff_method: str,
    shots: int | tuple[int, ...] | None,
    max_diff: int = 1,
    gradient_kwargs: str | None = None,
    mcm_method: str | None = None,
) -> list[str]:
    """The lines of a reproduction snippet that build the same device and QNode decorator
    (``gradient_kwargs``: the source of that argument's value)."""
    more = f", max_diff={max_diff}" if max_diff != 1 else ""
    more += f", gradient_kwargs={gradient_kwargs}" if gradient_kwargs else ""
    more += f", mcm_method={mcm_method!r}" if mcm_method else ""
    if qnode_takes_shots():
        return [
            device_source(device, wires=wires, seed=seed),
            "",
            f"@qml.qnode(dev, interface={interface}, diff_method={diff_method!r}, shots={shots!r}{more})",
        ]
    return [
        device_source(device, wires=wires, seed=seed, shots=shots),
        "",
        f"@qml.qnode(dev, interface={interface}, diff_method={diff_method!r}{more})",
    ]


def best_diff_method(qnode: Any, *args: Any) -> str:
    """The method PennyLane's ``diff_method="best"`` picks for this QNode and these arguments."""
    import pennylane as qml

    get_best = getattr(qml.workflow, "get_best_diff_method", None)
    if get_best is not None:
        return get_best(qnode)(*args)
    return qnode.get_best_method(qnode.device, qnode.interface)[0]  # releases before 0.39


def resolved_method(method: str, qnode: Any, *args: Any) -> str:
    """The method ``method`` stands for on ``qnode`` called with ``args``: "best" as
    PennyLane resolves it, "device" and every named method as themselves.

    When PennyLane cannot resolve "best", ``method`` itself: the run reports why.
    """
    if method != "best":
        return method
    try:
        return best_diff_method(qnode, *args)
    except Exception:  # noqa: BLE001 - resolution failing is reported by the run itself
        return method


def jacobian_module() -> Any:
    """The module that defines ``qml.jacobian`` and warns when nothing is trainable:
    ``pennylane._grad`` up to 0.43, ``pennylane._grad.grad`` from 0.44 on."""
    import sys

    import pennylane as qml

    return sys.modules[qml.jacobian.__module__]
