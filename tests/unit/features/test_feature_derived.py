"""A feature's derived facts: carried by the record, computed once, recomputed for other parameters."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from supportmatrix.features import gate_rules, hessian_tolerance, model, tolerance
from supportmatrix.features.catalog import FEATURES


def test_the_record_carries_its_derived_facts() -> None:
    classical = FEATURES["classical"]  # RX(2 x0 + x1), RY(x1)
    assert classical.classical_jacobian.tolist() == [[2.0, 1.0], [0.0, 1.0]]
    assert classical.frequencies.tolist() == [2.0, 2.0]
    assert (classical.magnitude, classical.trainable_coefficients) == (1.0, 0)
    hamiltonian = FEATURES["hamiltonian"]  # 0.4 ZZ - 0.7 YI + 0.5 ZX, coefficients trainable
    assert [v.tolist() for v in hamiltonian.coefficients] == [[0.4, -0.7, 0.5]]
    assert hamiltonian.magnitude == pytest.approx(1.6)
    assert hamiltonian.trainable_coefficients == 3
    assert hamiltonian.coefficient_params == (2, 3, 4)
    assert [rule for rule, _ in hamiltonian.tape_arguments] == [
        gate_rules.GATE_RULES["RX"],
        gate_rules.GATE_RULES["RY"],
        None,
        None,
        None,
    ]
    # 3 gates (CNOT counts 2) + one pass over 8 amplitudes per term, + 8 amplitudes
    assert (hamiltonian.work, hamiltonian.amplitudes) == (4 + 3 * 8, 8)
    assert FEATURES["hessian"].amplitudes == 16  # a second auxiliary wire


def test_derived_facts_follow_replaced_parameters() -> None:
    """The property tests move a feature's parameters with `dataclasses.replace`."""
    own = FEATURES["hamiltonian"]
    moved = dataclasses.replace(own, params=(0.1, 0.2, 1.0, -2.0, 0.5))
    assert moved.coefficients[0].tolist() == [1.0, -2.0, 0.5]
    assert moved.magnitude == pytest.approx(3.5)
    assert tolerance.rounding(moved) == pytest.approx(tolerance.rounding(own) * 3.5 / 1.6)


def test_derived_facts_leave_equality_and_hashing_to_the_data() -> None:
    own = FEATURES["controlled"]
    again = dataclasses.replace(own)
    assert again == own and hash(again) == hash(own)
    assert "frequencies" not in repr(own)
    with pytest.raises(ValueError):  # noqa: PT011  the message is dataclasses', not ours
        dataclasses.replace(own, magnitude=2.0)  # derived, never passed


@pytest.mark.parametrize("name", ["hamiltonian", "classical", "hessian", "float32", "shot-vector"])
def test_judging_a_feature_derives_nothing_again(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every tolerance reads the record's facts: the catalog is not asked again."""
    feature = FEATURES[name]
    calls: list[str] = []
    derive = model._derived
    monkeypatch.setattr(model, "_derived", lambda f: calls.append(f.name) or derive(f))
    for method in ("adjoint", "finite-diff", "spsa", "hadamard"):
        tolerance.analytic_tolerance(method, feature)
        tolerance.shots_jacobian_tolerance(method, feature, 10000, 1e-6)
        if feature.derivative == 2:
            hessian_tolerance.analytic_hessian_tolerance(method, feature)
            hessian_tolerance.shots_hessian_tolerance(method, feature, 10000, 1e-6)
    tolerance.forward_tolerance(feature)
    tolerance.shots_forward_tolerance(feature, 10000, 1e-6)
    assert calls == []
    assert np.isfinite(tolerance.analytic_tolerance("adjoint", feature)).all()
