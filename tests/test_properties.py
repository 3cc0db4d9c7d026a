"""Property tests: a supported class stays supported on other circuits and parameters.

Every class of `supported` analytic cells (device x diff method x measurement,
represented by its cheapest supported interface; see
`supportmatrix.representatives`) runs circuits of the layered family drawn by
hypothesis: 2-4 wires, 1-3 layers, and parameters drawn from the edge values
0, +-pi/2, +-pi, 2*pi - eps or from anywhere in [-2*pi, 2*pi]. Each run must
match the class's declaration exactly as a matrix cell does: forward value and
Jacobian against the oracle within the derived tolerances, and the declared
warnings. Points where the oracle's own smoothness check fails (entropies of a
pure reduced state, where they are not differentiable) are not drawn
(`hypothesis.assume`).

The hypothesis profile is `tests/conftest.py`'s, picked by ``SUPPORTMATRIX_PROFILE``:
``ci`` (default) draws 2 derandomized examples per class, so every run and every xdist
worker draws the same circuits; ``thorough`` draws 200 random ones, e.g.
``SUPPORTMATRIX_PROFILE=thorough .venv/bin/pytest -n auto tests/test_properties.py``.

A counterexample fails with the usual cell report, whose snippet rebuilds the
drawn circuit with the drawn parameters.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from supportmatrix.check import tolerance
from supportmatrix.check.circuits import CircuitShape
from supportmatrix.check.classify import mismatches
from supportmatrix.check.failure import failure_message
from supportmatrix.check.oracle import reference
from supportmatrix.matrix.families import QNODE
from supportmatrix.matrix.model import ResolvedCell
from supportmatrix.qnode.runner import run_qnode_cell

#: 2*pi - eps: one rounding step of float64 short of a full turn would test nothing
#: the oracle can resolve; 1e-7 is the finite-diff step.
EDGES = (0.0, math.pi / 2, -math.pi / 2, math.pi, -math.pi, 2 * math.pi - 1e-7)
PARAMETER = st.sampled_from(EDGES) | st.floats(-2 * math.pi, 2 * math.pi)


@st.composite
def circuits(draw: st.DrawFn) -> tuple[CircuitShape, tuple[float, ...]]:
    shape = CircuitShape(wires=draw(st.integers(2, 4)), layers=draw(st.integers(1, 3)))
    params = draw(st.lists(PARAMETER, min_size=shape.n_params, max_size=shape.n_params))
    return shape, tuple(params)


@pytest.mark.supportmatrix_classes("qnode")
@given(circuit=circuits())
def test_supported_class_holds_on_any_circuit(
    supported_class: ResolvedCell,
    circuit: tuple[CircuitShape, tuple[float, ...]],
    matrix_file: str,
) -> None:
    shape, params = circuit
    ref = reference(supported_class.cell.measurement, shape, params)
    assume(ref is None or tolerance.reference_vouches(ref))
    run = run_qnode_cell(supported_class.cell, shape=shape, params=params)
    problems = mismatches(supported_class.expectation, run.observed, run.warnings)
    if problems:
        pytest.fail(
            failure_message(QNODE, supported_class, run, problems, matrix_file=matrix_file), pytrace=False
        )
