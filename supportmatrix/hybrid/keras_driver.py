"""The Keras drivers: ``keras3-<backend>`` and ``keras-layer``.

``keras3-<backend>`` is the model with a Keras 3 custom layer that wraps a QNode, written
the way Keras 3 users must write it since PennyLane dropped ``KerasLayer`` (seed 003):
weights from ``add_weight``, the QNode built in ``build`` and called with the variables'
``.value``, ``get_config`` for saving, float64, the jax circuit under ``jax.jit``, and
``compile(..., run_eagerly=True)``; ``keras3-<backend>-tuple`` is the same with the circuit
returning a tuple (`models.qnode_body_tuple`). ``keras-layer`` puts ``qml.qnn.KerasLayer`` in the
same place, under the TensorFlow backend.

Only ever imported in a worker process whose ``KERAS_BACKEND`` is fixed (see
`keras_backends`): Keras reads the backend once, at import.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from supportmatrix.hybrid.models import (
    N_QUANTUM_LAYERS,
    N_QUBITS,
    PARAM_SHAPES,
    TRAINING,
    Params,
    TrainingSetup,
    hybrid_qnode,
    returns_tuple,
)

#: The QNode interface that matches each Keras backend.
INTERFACES: dict[str, str] = {"jax": "jax", "torch": "torch", "tensorflow": "tf"}
_LAYER_NAMES = ("dense1", "quantum", "dense2")


@functools.cache
def configured_keras() -> Any:
    import keras

    keras.config.set_floatx("float64")
    if keras.config.backend() == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)
    return keras


@functools.cache
def quantum_layer_class() -> type:
    """The Keras 3 layer class, defined (and registered for loading) once per process."""
    keras = configured_keras()

    @keras.saving.register_keras_serializable(package="supportmatrix", name="QuantumLayer")
    class QuantumLayer(keras.layers.Layer):  # type: ignore[name-defined]  # keras: untyped, imported lazily
        """A QNode as a Keras 3 layer; (batch, 2) angles in, (batch, 2) expectation values out."""

        def __init__(self, device: str, diff_method: str, tuple_return: bool = False, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.device = device
            self.diff_method = diff_method
            self.tuple_return = tuple_return

        def build(self, input_shape: tuple[int, ...]) -> None:
            self.qweights = self.add_weight(
                name="weights", shape=(N_QUANTUM_LAYERS, N_QUBITS), initializer="zeros"
            )
            backend = keras.config.backend()
            qnode = hybrid_qnode(
                self.device, self.diff_method, INTERFACES[backend], tuple_return=self.tuple_return
            )
            if backend == "jax":
                import jax

                qnode = jax.jit(qnode)
            self._circuit = qnode

        def call(self, inputs: Any) -> Any:
            # The variable itself is no array PennyLane knows ("autoray couldn't find
            # function 'asarray' for backend 'keras'"); its value is the backend's array.
            return keras.ops.stack(self._circuit(inputs, self.qweights.value), axis=1)

        def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
            return (input_shape[0], N_QUBITS)

        def get_config(self) -> dict[str, Any]:
            return {
                **super().get_config(),
                "device": self.device,
                "diff_method": self.diff_method,
                "tuple_return": self.tuple_return,
            }

    return QuantumLayer


class KerasDriver:
    """Builds and runs the Keras hybrid model for one layer kind; see `runner.Driver`."""

    def __init__(self, layer: str) -> None:
        self.layer = layer
        self.tuple_return = returns_tuple(layer)
        self.save_round_trip = layer != "keras-layer"

    @property
    def interface(self) -> str:
        return INTERFACES[configured_keras().config.backend()]

    #: Parameters the quantum layer sets itself (from ``params``, at construction); `build`
    #: assigns every other one to its variable.
    initialised_by_layer: frozenset[str] = frozenset()

    def build(self, device: str, diff_method: str, params: Params) -> Any:
        keras = configured_keras()
        model = keras.Sequential(
            [
                keras.Input(shape=(2,)),
                keras.layers.Dense(N_QUBITS, name="dense1"),
                self.quantum_layer(device, diff_method, params),
                keras.layers.Dense(2, name="dense2"),
            ]
        )
        for variable, name in zip(_variables(model), PARAM_SHAPES, strict=True):
            if name not in self.initialised_by_layer:
                variable.assign(params[name])
        return model

    def quantum_layer(self, device: str, diff_method: str, params: Params) -> Any:
        """The model's middle layer, named ``"quantum"``."""
        if self.layer == "keras-layer":
            import pennylane as qml

            qnode = hybrid_qnode(device, diff_method, self.interface)
            weight_shapes = {"weights": (N_QUANTUM_LAYERS, N_QUBITS)}
            return qml.qnn.KerasLayer(qnode, weight_shapes, output_dim=N_QUBITS, name="quantum")
        return quantum_layer_class()(device, diff_method, tuple_return=self.tuple_return, name="quantum")

    def layer_output(self, model: Any, x: np.ndarray) -> np.ndarray:
        ops = configured_keras().ops
        return np.asarray(ops.convert_to_numpy(ops.stop_gradient(model.get_layer("quantum")(x))))

    def loss(self, model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        ops = configured_keras().ops
        # in the backend's dtype: no float() cast, which would hide float32 or complex
        return np.asarray(ops.convert_to_numpy(ops.stop_gradient(_loss(model, x, y))))

    def gradient(self, model: Any, x: np.ndarray, y: np.ndarray) -> Params | None:
        backend = configured_keras().config.backend()
        variables = _variables(model)
        if backend == "tensorflow":
            import tensorflow as tf

            with tf.GradientTape() as tape:
                value = _loss(model, x, y)
            grads = tape.gradient(value, variables)
        elif backend == "torch":
            for variable in variables:
                variable.value.grad = None
            value = _loss(model, x, y)
            if not value.requires_grad:
                return None
            value.backward()
            grads = [variable.value.grad for variable in variables]
        else:
            grads = _jax_gradient(model, variables, x, y)
        if any(g is None for g in grads):
            return None
        keras = configured_keras()
        return {name: keras.ops.convert_to_numpy(g) for name, g in zip(PARAM_SHAPES, grads, strict=True)}

    def trainer(
        self, model: Any, setup: TrainingSetup = TRAINING
    ) -> Callable[[np.ndarray, np.ndarray], None]:
        keras = configured_keras()
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=setup.learning_rate), loss="mse", run_eagerly=True
        )

        def train_epoch(x: np.ndarray, y: np.ndarray) -> None:
            model.fit(x, y, batch_size=setup.batch_size, epochs=1, shuffle=False, verbose=0)

        return train_epoch

    def predict(self, model: Any, x: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict(x, batch_size=len(x), verbose=0))

    def save_and_reload(self, model: Any, directory: str) -> Any:
        path = os.path.join(directory, "model.keras")
        model.save(path)
        return configured_keras().models.load_model(path)


def _variables(model: Any) -> list[Any]:
    """The trainable variables in `PARAM_SHAPES` order: kernel and bias of each dense layer."""
    return [v for name in _LAYER_NAMES for v in model.get_layer(name).trainable_variables]


def _loss(model: Any, x: np.ndarray, y: np.ndarray) -> Any:
    ops = configured_keras().ops
    return ops.mean(ops.square(model(x) - ops.convert_to_tensor(y)))


def _jax_gradient(model: Any, variables: list[Any], x: np.ndarray, y: np.ndarray) -> list[Any]:
    """jax has no tape: differentiate a stateless call with respect to the variables' values."""
    import jax

    trainable = model.trainable_variables
    non_trainable = [v.value for v in model.non_trainable_variables]

    def loss_of(values: list[Any]) -> Any:
        out, _ = model.stateless_call(values, non_trainable, x)
        return jax.numpy.mean((out - y) ** 2)

    grads = jax.grad(loss_of)([v.value for v in trainable])
    position = {id(v): i for i, v in enumerate(trainable)}
    return [grads[position[id(v)]] for v in variables]
