"""The circuit family, seeds and snippets: the matrix cells' own circuit unchanged."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from supportmatrix.check.circuits import DEFAULT_CIRCUIT, CircuitShape, cell_qnode, reproduction_snippet
from supportmatrix.check.oracle import measure
from supportmatrix.check.seeds import SPSA_STREAM, cell_seed, spsa_seed
from supportmatrix.matrix.model import QNodeCell

CELL = QNodeCell("default.qubit", "autograd", "parameter-shift", "expval", 10000)


def test_the_default_shape_is_the_matrix_circuit():
    assert DEFAULT_CIRCUIT.gates() == [("RX", (0,), 0), ("RY", (1,), 1), ("CNOT", (0, 1), None)]
    assert DEFAULT_CIRCUIT.device_wires == 3
    snippet = reproduction_snippet(CELL)
    assert (
        "    qml.RX(params[0], wires=0)\n    qml.RY(params[1], wires=1)\n    qml.CNOT(wires=[0, 1])\n"
    ) in snippet
    assert f"seed={zlib.crc32(CELL.id.encode())})" in snippet


def test_run_zero_keeps_the_suite_seed_and_other_runs_and_streams_differ():
    assert cell_seed(CELL) == zlib.crc32(CELL.id.encode())
    seeds = {cell_seed(CELL, run=r, stream=s) for r in range(50) for s in (0, 1)}
    assert len(seeds) == 100


def test_spsa_directions_are_seeded_from_the_cell_id_in_the_qnode_and_its_snippet():
    spsa = QNodeCell("default.qubit", "autograd", "spsa", "expval", None)
    seed = spsa_seed(spsa)
    assert seed == cell_seed(spsa, stream=SPSA_STREAM) and seed != cell_seed(spsa)
    assert f"gradient_kwargs={{'sampler_rng': np.random.default_rng({seed})}}" in (reproduction_snippet(spsa))
    qnode = cell_qnode(spsa)
    rng = qnode.gradient_kwargs["sampler_rng"]
    assert rng.integers(1 << 30) == np.random.default_rng(seed).integers(1 << 30)
    assert spsa_seed(CELL) is None and "gradient_kwargs" not in reproduction_snippet(CELL)
    assert "sampler_rng" not in cell_qnode(CELL).gradient_kwargs


def test_layers_feed_back_into_the_measured_wires():
    shape = CircuitShape(wires=4, layers=3)
    assert shape.n_params == 12
    x = np.full(12, 0.4)
    for i in (2, 3):  # a wire-3 rotation in the first layer moves <Z1> through later CNOTs
        moved = x.copy()
        moved[i] += 0.3
        assert not math.isclose(
            measure("expval_hermitian", x, shape)[0], measure("expval_hermitian", moved, shape)[0]
        )


def test_a_drawn_circuit_has_a_snippet_with_its_parameters():
    shape = CircuitShape(wires=3, layers=2)
    params = [0.0, math.pi, -math.pi / 2, 1.25, 2 * math.pi - 1e-7, 0.5]
    snippet = reproduction_snippet(
        QNodeCell("lightning.qubit", "torch", "adjoint", "expval", None), shape=shape, params=params
    )
    assert "qml.device('lightning.qubit', wires=4," in snippet
    assert "    qml.CNOT(wires=[1, 2])" in snippet and "    qml.RX(params[5], wires=2)" in snippet
    assert f"torch.tensor({params!r}" in snippet
    namespace: dict = {}
    pytest.importorskip("torch")
    exec(compile(snippet.replace("print(", "(lambda *a: None)("), "<snippet>", "exec"), namespace)
    assert np.asarray(namespace["jac"].detach()).shape == (1, 6)
