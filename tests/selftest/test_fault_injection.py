"""Self-tests: break PennyLane on purpose and check that exactly the affected cells fail.

Each fault is patched into PennyLane in this process (monkeypatch undoes it), then a
slice of the real matrix.yaml runs in-process with pytester. The expected failures
are predicted from the declared matrix and what the fault touches, never from a run.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings
from collections.abc import Callable

# Imported here, outside pytester's in-process runs: those drop modules first
# imported inside them, and native extensions cannot be loaded twice.
import jax  # noqa: F401
import pennylane as qml
import pytest

# The faults' slices include torch cells: without torch (tox -e pl-dev) the module is
# one skip naming it.
torch = pytest.importorskip("torch", reason="torch is not installed (needed by the faults' slices)")

from supportmatrix.check import compat
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Expectation, Outcome, QNodeCell, ResolvedCell
from tests.selftest.fault_runs import MATRIX_PATH, assert_fault_fails_exactly

pytest_plugins = ("pytester",)

MATRIX = load_matrix(MATRIX_PATH)
DECLARED = {rc.cell.id: rc for rc in MATRIX.family("qnode").cells}


def _slice(**axes: tuple) -> list[ResolvedCell]:
    return [
        rc
        for rc in MATRIX.family("qnode").cells
        if all(getattr(rc.cell, axis) in values for axis, values in axes.items())
    ]


# jax cells cost ten times the others; the adjoint fault keeps them (PennyLane has
# shipped wrong adjoint gradients under jax before), the rest do without.
GRADIENT_SLICE = _slice(
    interface=("autograd", "torch"),
    diff_method=("parameter-shift", "adjoint", "backprop"),
    measurement=("expval", "probs", "var", "state"),
)
ADJOINT_SLICE = _slice(
    interface=("autograd", "torch", "jax"),
    diff_method=("adjoint", "backprop"),
    measurement=("expval", "probs", "var"),
)


def _map_leaves(f: Callable, x):
    return type(x)(_map_leaves(f, v) for v in x) if isinstance(x, (tuple, list)) else f(x)


def _analytic_twin(cell: QNodeCell) -> Expectation:
    return DECLARED[dataclasses.replace(cell, shots=None).id].expectation


def _same_outcome(a: Expectation, b: Expectation) -> bool:
    return (a.outcome, a.error) == (b.outcome, b.error)


# --- the faults: each patches PennyLane and predicts the cells it must fail ---


def scale_parameter_shift(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(a) the parameter-shift Jacobian scaled by 1 + 1e-3."""
    module = qml.gradients.parameter_shift
    real = module.expval_param_shift

    def scaled(*args, **kwargs):
        tapes, fn = real(*args, **kwargs)

        @functools.wraps(fn)  # keeps attributes var_param_shift reads off `fn`
        def scaled_fn(results):
            return _map_leaves(lambda r: r * (1 + 1e-3), fn(results))

        return tapes, scaled_fn

    mp.setattr(module, "expval_param_shift", scaled)  # var_param_shift calls it too
    # 1e-3 is far above the analytic tolerance and far below the 10000-shot one.
    return lambda rc: (
        rc.cell.diff_method == "parameter-shift"
        and rc.cell.shots is None
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def flip_adjoint_entry(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(b) default.qubit's adjoint Jacobian with its first column sign-flipped."""
    module = qml.devices.default_qubit
    real = module.adjoint_jacobian
    mp.setattr(module, "adjoint_jacobian", lambda *a, **k: (lambda j: (-j[0], *j[1:]))(real(*a, **k)))
    return lambda rc: (
        rc.cell.device == "default.qubit"
        and rc.cell.diff_method == "adjoint"
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def _is_torch(x) -> bool:
    return type(x).__module__.startswith("torch") and x.requires_grad


def zero_torch_backprop(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(c) backprop on default.qubit returning zero gradients to torch (still connected)."""
    cls = qml.devices.DefaultQubit
    real = cls.execute

    def execute(self, circuits, execution_config=None):
        results = real(self, circuits, execution_config)
        return _map_leaves(lambda r: r.detach() + 0 * r if _is_torch(r) else r, results)

    mp.setattr(cls, "execute", execute)
    return lambda rc: (
        rc.cell.device == "default.qubit"
        and rc.cell.interface == "torch"
        and rc.cell.diff_method == "backprop"
        and rc.expectation.outcome is Outcome.SUPPORTED
    )


def suppress_no_trainable_warning(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(d) the declared 'no trainable parameters' UserWarning no longer raised."""

    class Filtered:
        def __getattr__(self, name):
            return getattr(warnings, name)

        @staticmethod
        def warn(message, *args, **kwargs):
            if "no trainable parameters" not in str(message):
                warnings.warn(message, *args, **kwargs)

    mp.setattr(compat.jacobian_module(), "warnings", Filtered())
    return lambda rc: any("no trainable parameters" in w.match.pattern for w in rc.expectation.warnings)


def replace_device_error(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(e) the DeviceError that device preprocessing raises replaced by a ValueError."""
    mp.setattr(qml.devices.preprocess, "DeviceError", ValueError)
    return lambda rc: (
        rc.expectation.error is not None
        and (rc.expectation.error.cls == "DeviceError" or "DeviceError" in rc.expectation.error.match.pattern)
    )


def adjoint_ignores_shots(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(f) adjoint with shots, declared to raise, made to succeed by running analytically."""
    real = qml.QNode.__init__

    # wraps: the signature stays PennyLane's, which compat.qnode_takes_shots reads.
    @functools.wraps(real)
    def init(self, func, device, *args, **kwargs):
        if kwargs.get("diff_method") == "adjoint":
            kwargs["shots"] = None
        real(self, func, device, *args, **kwargs)

    mp.setattr(qml.QNode, "__init__", init)
    # The cell now behaves as its analytic twin; it fails wherever that differs.
    return lambda rc: (
        rc.cell.diff_method == "adjoint"
        and rc.cell.shots is not None
        and not _same_outcome(_analytic_twin(rc.cell), rc.expectation)
    )


def offset_expval_forward(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(h) default.qubit's expectation values off by 1e-3; the offset is constant, so
    the gradients of expval stay consistent with the (wrong) forward values."""
    cls = qml.measurements.ExpectationMP
    real = cls.process_state
    mp.setattr(cls, "process_state", lambda self, *a, **k: real(self, *a, **k) + 1e-3)

    def affected(rc: ResolvedCell) -> bool:
        cell = rc.cell
        if cell.device != "default.qubit" or cell.shots is not None:
            return False
        if rc.expectation.outcome is not Outcome.SUPPORTED:
            return False
        # the forward value of expval is wrong; and parameter-shift's variance
        # gradient, d<A^2> - 2 <A> d<A>, takes <A> from an expval tape
        return cell.measurement == "expval" or (
            cell.measurement == "var" and cell.diff_method == "parameter-shift"
        )

    return affected


#: Measurements whose finite-shot result is an estimate that `process_samples` returns.
ESTIMATES = ("probs", "expval", "expval_hermitian", "expval_projector", "var")


def bias_shot_estimates(mp: pytest.MonkeyPatch) -> Callable[[ResolvedCell], bool]:
    """(g) every finite-shot estimate (expval, var, probs) shifted up by 3 sigma.

    sigma is the estimate's own standard deviation over ``n`` shots, taken from the
    same shots: ``std(x) / sqrt(n)`` for a mean of per-shot values ``x``,
    ``std((x - mean x)**2) / sqrt(n)`` for a variance, ``sqrt(p (1 - p) / n)`` for
    a probability. Both devices compute every shot bin's estimate through
    ``process_samples``, so this covers forward values and gradient tapes alike.
    """
    m = qml.measurements

    def per_shot(self, samples, wire_order):
        return m.SampleMP(obs=self.obs).process_samples(samples, wire_order).astype(float)

    spreads = {
        m.ExpectationMP: lambda self, samples, wires, _est: per_shot(self, samples, wires).std(),
        m.VarianceMP: lambda self, samples, wires, _est: (lambda x: ((x - x.mean()) ** 2).std())(
            per_shot(self, samples, wires)
        ),
        m.ProbabilityMP: lambda _self, _samples, _wires, est: (est * (1 - est)) ** 0.5,
    }
    for cls, spread in spreads.items():
        real = cls.process_samples

        def biased(self, samples, wire_order, *args, _real=real, _spread=spread, **kwargs):
            estimate = _real(self, samples, wire_order, *args, **kwargs)
            shots = samples.shape[-2]
            return estimate + 3 * _spread(self, samples, wire_order, estimate) / math.sqrt(shots)

        mp.setattr(cls, "process_samples", biased)
    # A single estimate is allowed about 7 sigma, and a gradient combines shifted
    # estimates into at most 3 of its own sigma: only the bias check (the mean of 25
    # estimates, allowed about 1.5 sigma of one) sees the fault. It runs on every
    # finite-shot cell whose forward value it can judge and that passed its other
    # checks: declared supported, or no-gradient (interface=None), alike.
    return lambda rc: (
        rc.cell.shots is not None
        and rc.cell.measurement in ESTIMATES
        and rc.expectation.outcome in (Outcome.SUPPORTED, Outcome.NO_GRADIENT)
    )


FAULTS = [
    pytest.param(scale_parameter_shift, GRADIENT_SLICE, id="a-parameter-shift-scaled"),
    pytest.param(flip_adjoint_entry, ADJOINT_SLICE, id="b-adjoint-sign-flip"),
    pytest.param(zero_torch_backprop, GRADIENT_SLICE, id="c-torch-backprop-zero"),
    pytest.param(
        suppress_no_trainable_warning,
        _slice(
            interface=("None", "autograd"),
            diff_method=("backprop", "parameter-shift"),
            measurement=("expval", "probs"),
        ),
        id="d-declared-warning-suppressed",
    ),
    pytest.param(
        replace_device_error,
        _slice(
            interface=("autograd", "jax-jit"),
            diff_method=("backprop", "parameter-shift"),
            measurement=("state", "sample", "expval", "vn_entropy"),
        ),
        id="e-exception-class-replaced",
    ),
    pytest.param(adjoint_ignores_shots, GRADIENT_SLICE, id="f-declared-error-now-works"),
    pytest.param(
        bias_shot_estimates,
        _slice(
            interface=("None", "torch"),
            diff_method=("parameter-shift", "hadamard", "finite-diff"),
            measurement=("probs", "sample", "expval_hermitian", "expval_projector", "var"),
        ),
        id="g-shot-results-biased-3-sigma",
    ),
    pytest.param(offset_expval_forward, GRADIENT_SLICE, id="h-forward-value-bug"),
]


@pytest.mark.parametrize(("fault", "cells"), FAULTS)
def test_fault_fails_exactly_the_affected_cells(
    fault: Callable,
    cells: list[ResolvedCell],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert_fault_fails_exactly(
        fault, cells, pytester, monkeypatch, test_file="test_qnode.py", test_function="test_qnode_cell"
    )
