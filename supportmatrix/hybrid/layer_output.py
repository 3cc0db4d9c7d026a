"""The quantum layer's own output on a batch: its shape as documented, and its values.

Each hybrid cell first calls the model's quantum layer alone on the batch of the gradient
check (the data points themselves as the angles), before the layer is hidden between two
dense layers, and compares what comes out with `reference.expectations`:

Documented shape
    ``(batch, N_QUBITS)``, one row of expectation values per point, whatever container the
    circuit returns them in. TorchLayer's docstring ("Output shape") says multiple
    measurements are "flattened and concatenated, resulting in an output of shape
    ``(batch_dim, total_flattened_dim)``"; a Keras layer declares its shape in
    ``compute_output_shape``, ``(batch, N_QUBITS)`` for the suite's Keras 3 layer and
    ``(batch, output_dim)`` for ``KerasCircuitLayer``. An output of another shape fails
    whatever its entries: ``(n_meas, batch, 1)`` (PennyLane #9284) holds the right numbers
    in the wrong layout, which a ``Linear(2, 2)`` after it rejects only by accident of sizes.

Tolerance
    Every entry is an expectation value of a Pauli Z, ``|<Z>| <= 1``, computed from a
    4-amplitude state after six one-qubit gates and two CNOTs: far fewer operations than
    the few dozen that `check.bounds.ROUNDING` (64 eps) covers per output, so each entry
    is within ``SAFETY * ROUNDING`` (about 1.4e-13) of the reference in float64. A float32
    result (lightning.qubit's, ~6e-9) does not pass, and is not meant to.
"""

from __future__ import annotations

import numpy as np

from supportmatrix.check.bounds import ROUNDING, SAFETY
from supportmatrix.check.classify import ValueCheck, compare_values, dtype_check
from supportmatrix.hybrid.models import N_QUBITS
from supportmatrix.hybrid.reference import expectations

#: Per-entry tolerance of the layer's output (see the module docstring).
LAYER_TOLERANCE = SAFETY * ROUNDING


def documented_shape(batch: int) -> tuple[int, int]:
    """The shape the layers' documentation gives for a batch of ``batch`` points."""
    return (batch, N_QUBITS)


def layer_output_checks(observed: np.ndarray, quantum_weights: np.ndarray, x: np.ndarray) -> list[ValueCheck]:
    """The layer's output on angles ``x`` (batch, N_QUBITS) against the reference, entry by
    entry in the documented shape (another shape fails: `compare_values`), and its dtype."""
    observed = np.asarray(observed)
    expected = expectations(x, quantum_weights)
    assert expected.shape == documented_shape(len(x))
    return [
        compare_values(
            f"quantum layer output on a batch of {len(x)}: observed shape {observed.shape}, "
            f"documented {documented_shape(len(x))}",
            observed,
            expected=expected,
            tolerance=np.full(expected.shape, LAYER_TOLERANCE),
            criterion="documented shape, float64 round-off",
        ),
        dtype_check("quantum layer output", observed),
    ]
