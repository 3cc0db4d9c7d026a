"""The ``keras3-package-<backend>`` driver: ``KerasCircuitLayer`` from pennylane-keras3-layer.

The layer Keras 3 users install now that ``qml.qnn.KerasLayer`` is gone
(``pip install pennylane-keras3-layer``, module ``pennylane_keras_layer``), in the place of
the quantum layer of the other Keras rows, used as its documentation says:

- ``KerasCircuitLayer(qnode, weight_shapes, output_dim=..., weight_specs=...)``; it sets
  the QNode's interface from the Keras backend and, under jax, wraps it in ``jax.jit``;
- its ``call`` passes the weights positionally, in ``weight_shapes`` order, and the inputs
  *last*: ``qnode(*weights, inputs)``. The circuit is `models.qnode_body`, so the QNode
  here takes ``(weights, inputs)``, as in the package's own make_moons example; with
  TorchLayer's ``(inputs, weights)`` order the layer swaps the two without a word;
- the initial quantum weights come from ``weight_specs`` (a ``Constant`` initializer with
  `models.initial_params`), the package's way of choosing them; the dense layers are
  assigned as in the other Keras rows;
- ``get_config`` does not save the QNode: ``load_model`` rebuilds the layer without one,
  and the package's documented step ``layer.set_qnode(qnode)`` restores it. The save check
  does exactly that, with a fresh QNode for the same device and diff method.

Only ever imported in a Keras worker process (see `keras_backends`).
"""

from __future__ import annotations

import os
from typing import Any

from supportmatrix.hybrid.keras_driver import KerasDriver, configured_keras
from supportmatrix.hybrid.models import N_QUANTUM_LAYERS, N_QUBITS, Params, qnode_body

#: The module the package installs.
PACKAGE_MODULE = "pennylane_keras_layer"


def package_qnode_body(weights: Any, inputs: Any) -> list[Any]:
    """`models.qnode_body` with its arguments in the order ``KerasCircuitLayer.call`` passes them."""
    return qnode_body(inputs, weights)


def package_qnode(device: str, diff_method: str) -> Any:
    """A fresh device and QNode for the layer; the layer sets the interface itself."""
    import pennylane as qml

    from supportmatrix.check.compat import make_device

    return qml.QNode(package_qnode_body, make_device(device, wires=N_QUBITS), diff_method=diff_method)


class KerasPackageDriver(KerasDriver):
    """The Keras model with ``KerasCircuitLayer`` as its quantum layer; see `runner.Driver`."""

    initialised_by_layer = frozenset({"quantum.weights"})

    def __init__(self, layer: str) -> None:
        super().__init__(layer)
        self._qnode_args: tuple[str, str] | None = None

    def quantum_layer(self, device: str, diff_method: str, params: Params) -> Any:
        from pennylane_keras_layer import KerasCircuitLayer

        keras = configured_keras()
        self._qnode_args = (device, diff_method)
        initial = keras.initializers.Constant(params["quantum.weights"])
        return KerasCircuitLayer(
            package_qnode(device, diff_method),
            {"weights": (N_QUANTUM_LAYERS, N_QUBITS)},
            output_dim=N_QUBITS,
            weight_specs={"weights": {"initializer": initial}},
            name="quantum",
        )

    def save_and_reload(self, model: Any, directory: str) -> Any:
        assert self._qnode_args is not None, "save_and_reload before build"
        path = os.path.join(directory, "model.keras")
        model.save(path)
        loaded = configured_keras().models.load_model(path)
        loaded.get_layer("quantum").set_qnode(package_qnode(*self._qnode_args))
        return loaded
