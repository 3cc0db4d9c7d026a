"""The ``torch-layer`` driver: ``nn.Sequential(Linear, qml.qnn.TorchLayer, Linear)``.

Written as the TorchLayer tutorial and seed 004 write it, in float64; ``torch-layer-tuple``
is the same with the circuit returning a tuple (`models.qnode_body_tuple`). Runs in the
pytest process: torch is already loaded there by the QNode cells.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from supportmatrix.hybrid.models import (
    N_QUANTUM_LAYERS,
    N_QUBITS,
    TRAINING,
    Params,
    TrainingSetup,
    hybrid_qnode,
)

#: Canonical name -> (index in the Sequential, torch parameter name, transposed?).
_LAYOUT: dict[str, tuple[int, str, bool]] = {
    "dense1.kernel": (0, "weight", True),
    "dense1.bias": (0, "bias", False),
    "quantum.weights": (1, "weights", False),
    "dense2.kernel": (2, "weight", True),
    "dense2.bias": (2, "bias", False),
}


class TorchDriver:
    """Builds and runs the torch hybrid model; see `runner.Driver`."""

    interface = "torch"
    save_round_trip = False

    def __init__(self, *, tuple_return: bool = False) -> None:
        self.tuple_return = tuple_return

    def build(self, device: str, diff_method: str, params: Params) -> Any:
        import pennylane as qml
        import torch

        qnode = hybrid_qnode(device, diff_method, interface="torch", tuple_return=self.tuple_return)
        qlayer = qml.qnn.TorchLayer(qnode, {"weights": (N_QUANTUM_LAYERS, N_QUBITS)})
        model = torch.nn.Sequential(torch.nn.Linear(2, N_QUBITS), qlayer, torch.nn.Linear(N_QUBITS, 2)).to(
            torch.float64
        )
        with torch.no_grad():
            for name, (index, attr, transposed) in _LAYOUT.items():
                value = torch.as_tensor(params[name], dtype=torch.float64)
                getattr(model[index], attr).copy_(value.T if transposed else value)
        return model

    def layer_output(self, model: Any, x: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            return model[1](torch.as_tensor(x)).numpy()

    def loss(self, model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            return self._loss(model, x, y).numpy()  # in torch's dtype: no float() cast

    def gradient(self, model: Any, x: np.ndarray, y: np.ndarray) -> Params | None:
        model.zero_grad()
        loss = self._loss(model, x, y)
        if not loss.requires_grad:
            return None
        loss.backward()
        grads: Params = {}
        for name, (index, attr, transposed) in _LAYOUT.items():
            grad = getattr(model[index], attr).grad
            if grad is None:
                return None
            grad = grad.detach().numpy()
            grads[name] = grad.T if transposed else grad
        return grads

    def trainer(
        self, model: Any, setup: TrainingSetup = TRAINING
    ) -> Callable[[np.ndarray, np.ndarray], None]:
        import torch

        optimizer = torch.optim.Adam(model.parameters(), lr=setup.learning_rate)

        def train_epoch(x: np.ndarray, y: np.ndarray) -> None:
            for start in range(0, len(x), setup.batch_size):
                batch = slice(start, start + setup.batch_size)
                optimizer.zero_grad()
                self._loss(model, x[batch], y[batch]).backward()
                optimizer.step()

        return train_epoch

    def predict(self, model: Any, x: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            return model(torch.as_tensor(x)).numpy()

    def save_and_reload(self, model: Any, directory: str) -> Any:
        raise NotImplementedError("torch-layer cells do not check saving")

    @staticmethod
    def _loss(model: Any, x: np.ndarray, y: np.ndarray) -> Any:
        import torch

        out = model(torch.as_tensor(x))
        return torch.mean((out - torch.as_tensor(y)) ** 2)
