"""The program a Catalyst cell runs is valid Python, says what the cell's axes say, and is
the snippet its failure report prints."""

from __future__ import annotations

import ast

import pytest

from supportmatrix.matrix.axes import KNOWN_QJIT_AXIS_VALUES
from supportmatrix.matrix.model import QjitCell
from supportmatrix.qjit.programs import program_source, qjit_seed, reproduction_snippet


def cell(**changes: object) -> QjitCell:
    axes = {
        "device": "lightning.qubit",
        "diff_method": "adjoint",
        "grad_function": "catalyst.grad",
        "method": "fd",
        "measurement": "expval",
        "shots": None,
        "derivative": "first",
    }
    return QjitCell(**{**axes, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize("measurement", KNOWN_QJIT_AXIS_VALUES["measurement"])
@pytest.mark.parametrize("derivative", ["first", "second"])
def test_every_program_parses(measurement: str, derivative: str) -> None:
    ast.parse(program_source(cell(measurement=measurement, derivative=derivative)))


def test_the_program_says_what_the_axes_say() -> None:
    text = program_source(cell(grad_function="qml.grad", method="auto", diff_method="best"))
    assert "@qml.qnode(dev, diff_method='best', shots=None)" in text
    assert "return qml.grad(cost, method='auto')(params)" in text
    assert "forward = qml.qjit(cost)\n" in text and "derivative = qml.qjit(gradient)\n" in text
    assert "hessian" not in text


def test_a_second_derivative_is_grad_of_grad_row_by_row() -> None:
    text = program_source(cell(derivative="second", grad_function="catalyst.jacobian"))
    assert "catalyst.jacobian(lambda p, i=i: gradient(p)[..., i], method='fd')(params)" in text
    assert "derivative = qml.qjit(hessian)" in text


def test_finite_shots_seed_both_programs_from_the_cell_id() -> None:
    shot_cell = cell(shots=10000)
    text = program_source(shot_cell)
    assert f"forward = qml.qjit(cost, seed={qjit_seed(shot_cell)})" in text
    assert qjit_seed(shot_cell) == qjit_seed(cell(shots=10000)) != qjit_seed(cell(shots=10000, method="auto"))
    assert "seed" not in program_source(cell())


def test_the_snippet_is_the_program_and_its_two_calls() -> None:
    c = cell()
    assert reproduction_snippet(c) == program_source(c) + "print(forward(x))\nprint(derivative(x))\n"


def test_an_unknown_gradient_function_is_refused() -> None:
    with pytest.raises(ValueError, match=r"qml.grad, catalyst.grad, catalyst.jacobian"):
        program_source(cell(grad_function="jax.grad"))
