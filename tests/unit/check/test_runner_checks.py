"""The runner's Jacobian comparisons on NumPy arrays (no PennyLane run): spsa sees complex parts."""

from __future__ import annotations

import numpy as np

from supportmatrix.check import tolerance
from supportmatrix.check.oracle import reference
from supportmatrix.matrix.model import QNodeCell
from supportmatrix.qnode.runner import _jacobian_check

SPSA_STATE = QNodeCell("default.qubit", "tf", "spsa", "state", None)


def test_spsa_accepts_the_exact_real_jacobian() -> None:
    ref = reference("state")
    check, detail = _jacobian_check(SPSA_STATE, ref, "spsa", ref.jacobian.copy(), 1)
    assert check is not None and check.passed and detail == ""


def test_spsa_rejects_an_imaginary_part_above_tolerance_whatever_the_real_part() -> None:
    ref = reference("state")
    tol = tolerance.analytic_tolerance("spsa", ref)
    jac = ref.jacobian.astype(np.complex128)
    jac[3, 1] += 1j * 10 * float(np.broadcast_to(tol, ref.jacobian.shape)[3, 1])
    check, _ = _jacobian_check(SPSA_STATE, ref, "spsa", jac, 1)
    assert check is not None and not check.passed


def test_spsa_keeps_the_dtype_it_was_given() -> None:
    ref = reference("state")
    check, _ = _jacobian_check(SPSA_STATE, ref, "spsa", ref.jacobian.astype(np.complex128), 1)
    assert check is not None and check.passed and check.observed.dtype == np.complex128
