"""The benchmark's axis values, one tuple each, importing only the device registry: the CLI's defaults read them."""

from __future__ import annotations

from supportmatrix.matrix.devices import (
    KOKKOS_STATEVECTOR,
    LIGHTNING_STATEVECTOR,
    PYTHON_MIXED,
    PYTHON_STATEVECTOR,
)

#: The three state-vector simulators, and the density-matrix one for what 4^n entries cost.
DEVICES: tuple[str, ...] = (PYTHON_STATEVECTOR, LIGHTNING_STATEVECTOR, KOKKOS_STATEVECTOR, PYTHON_MIXED)
#: finite-diff is the baseline: what a gradient costs without any analytic method.
DIFF_METHODS: tuple[str, ...] = ("backprop", "adjoint", "parameter-shift", "finite-diff")
#: Each is also the QNode's ``interface``; `steps.BUILDERS` has one step per name.
INTERFACES: tuple[str, ...] = ("autograd", "torch", "jax", "jax-jit")
#: 2^30 amplitudes are 16 GiB: far past any run this benchmark is meant for.
MAX_QUBITS = 30
MAX_LAYERS = 1000
