"""Unit tests for `supportmatrix.bench.predict`: the cost model's fit, its predictions, load marks and held-out error."""

from __future__ import annotations

import math

import pytest

from supportmatrix.bench.predict import (
    MIN_FIT_POINTS,
    HeldOut,
    Point,
    extrapolation,
    fit,
    held_out,
    held_out_errors,
    measured_points,
    memory_basis,
    predict,
    state_base,
    time_basis,
    under_load,
)
from tests.unit.bench import recommend_data

SIZES = [(2, 12), (4, 24), (6, 36), (8, 48), (10, 60), (4, 48)]


def _samples(model, sizes=SIZES):  # type: ignore[no-untyped-def]
    return [(n, p, model(n, p)) for n, p in sizes]


@pytest.mark.parametrize(
    ("method", "k"), [("adjoint", 1), ("backprop", 1), ("parameter-shift", 2), ("finite-diff", 2)]
)
def test_the_time_fit_recovers_the_coefficients_of_exact_data(method: str, k: int) -> None:
    basis = time_basis("default.qubit", method)
    coefficients = fit(_samples(lambda n, p: p**k * (3e-5 + 2e-8 * 2**n)), basis)
    assert coefficients == pytest.approx((3e-5, 2e-8), rel=1e-9)


def test_a_density_matrix_device_grows_by_four_per_qubit() -> None:
    assert (state_base("default.mixed"), state_base("lightning.qubit"), state_base("unknown.device")) == (
        4,
        2,
        2,
    )
    basis = time_basis("default.mixed", "adjoint")
    assert fit(_samples(lambda n, p: p * 1e-8 * 4**n), basis) == pytest.approx((0.0, 1e-8), abs=1e-15)


def test_the_memory_model_counts_a_state_per_gate_for_backprop_only() -> None:
    backprop, adjoint = memory_basis("default.qubit", "backprop"), memory_basis("default.qubit", "adjoint")
    assert [f(10, 60) for f in backprop] == [1.0, 60.0, 2.0**10 * 60]
    assert [f(10, 60) for f in adjoint] == [1.0, 60.0, 2.0**10]


def test_the_memory_fit_separates_the_per_gate_part_from_the_state() -> None:
    basis = memory_basis("default.qubit", "adjoint")
    assert fit(_samples(lambda n, p: 5e7 + 1e6 * p + 16 * 2**n), basis) == pytest.approx(
        (5e7, 1e6, 16), rel=1e-6
    )


def test_fewer_samples_than_columns_fit_no_more_columns_than_samples() -> None:
    coefficients = fit([(4, 24, 3.0), (6, 36, 4.0)], memory_basis("default.qubit", "adjoint"))
    assert sum(c > 0 for c in coefficients) <= 2


def test_no_coefficient_is_negative() -> None:
    # Time falling with n would need b < 0; the fit keeps only the overhead instead.
    samples = [(n, 12, 1.0 / n) for n in (2, 4, 6, 8)]
    a, b = fit(samples, time_basis("default.qubit", "adjoint"))
    assert b == 0.0 and a > 0.0


def test_held_out_error_is_zero_on_exact_data_and_exact_for_one_outlier() -> None:
    basis = time_basis("default.qubit", "adjoint")
    model = lambda n, p: p * (1e-5 + 1e-8 * 2**n)  # noqa: E731
    assert max(held_out_errors(_samples(model), basis)) == pytest.approx(0.0, abs=1e-9)
    # One point measured at twice the model: the rest still fit exactly, so it is predicted
    # at half its measured value, a relative error of exactly 1/2.
    samples = _samples(model)
    n, p, y = samples[2]
    samples[2] = (n, p, 2 * y)
    errors = held_out_errors(samples, basis)
    assert errors[2] == pytest.approx(0.5, rel=1e-6)
    assert HeldOut.summary(errors) == (
        pytest.approx(sorted(errors)[2] / 2 + sorted(errors)[3] / 2),
        max(errors),
    )


def test_held_out_needs_enough_points_left_to_fit() -> None:
    basis = time_basis("default.qubit", "adjoint")
    three = _samples(lambda n, p: float(p), SIZES[:MIN_FIT_POINTS])
    assert held_out_errors(three, basis) == ()
    assert len(held_out_errors(_samples(lambda n, p: float(p), SIZES[: MIN_FIT_POINTS + 1]), basis)) == 4
    assert HeldOut.summary(()) is None


def test_held_out_covers_time_and_memory_of_a_configuration() -> None:
    points = measured_points(recommend_data.document())[("default.qubit", "backprop", "torch")]
    errors = held_out(points, device="default.qubit", diff_method="backprop")
    assert len(errors.time_errors) == len(errors.memory_errors) == len(points) == 6
    assert max(errors.time_errors + errors.memory_errors) < 1e-6


def test_the_largest_size_error_is_the_extrapolation_from_the_smaller_ones() -> None:
    points = measured_points(recommend_data.document())[("default.qubit", "adjoint", "torch")]
    last = points[-1]
    assert (last.qubits, last.params) == (10, 60)  # sorted by size: the largest last
    slower = [*points[:-1], Point(last.qubits, last.params, 4 * last.seconds, last.peak_bytes, False)]
    errors = held_out(slower, device="default.qubit", diff_method="adjoint")
    assert errors.largest == pytest.approx(0.75, rel=1e-6)  # predicted at 1/4 of what was measured
    assert HeldOut((), ()).largest is None


def test_measured_points_take_the_median_of_repeated_runs_and_any_load_mark() -> None:
    document = recommend_data.document()
    first = document["records"][0]
    again = [dict(first, wall_seconds=dict(first["wall_seconds"], median=s)) for s in (5.0, 7.0)]
    again[0]["under_load"] = True
    document["records"] += again
    point = measured_points(document)[(first["device"], first["diff_method"], "torch")][0]
    assert point.seconds == 5.0  # the median of (t, 5, 7) with t tiny
    assert point.loaded


@pytest.mark.parametrize(
    ("record", "settings", "loaded"),
    [
        ({"under_load": True, "load_average": 0.1}, {}, True),  # the record's own mark decides
        ({"loaded": False, "load_average": 9.0}, {}, False),
        ({"load_average": 1.6}, {"load_threshold": 1.5}, True),
        ({"load_average": 1.4}, {"load_threshold": 1.5}, False),
        ({"load_average": 2.0}, {}, True),  # no threshold: the machine's 2 usable cores
        ({"load_average": 1.2}, {}, False),
        ({}, {}, False),
    ],
)
def test_under_load(record: dict, settings: dict, loaded: bool) -> None:
    document = {"settings": settings, "machine": {"usable_cores": 2}}
    assert under_load(record, document) is loaded


def test_a_prediction_says_where_it_extrapolates() -> None:
    points = [Point(n, p, float(p), 1.0, False) for n, p in SIZES]
    assert extrapolation(points, 8, 30) == ()
    assert extrapolation(points, 20, 200) == ("qubits 20 > 10", "params 200 > 60")
    assert extrapolation(points, 1, 3) == ("qubits 1 < 2", "params 3 < 12")


def test_predict_evaluates_both_models_and_needs_two_sizes() -> None:
    points = measured_points(recommend_data.document())[("lightning.qubit", "adjoint", "torch")]
    got = predict(points, device="lightning.qubit", diff_method="adjoint", qubits=16, params=300)
    assert got.seconds == pytest.approx(
        recommend_data.TIMES[("lightning.qubit", "adjoint")](16, 300), rel=1e-6
    )
    assert got.peak_bytes == pytest.approx(
        recommend_data.MEMORY[("lightning.qubit", "adjoint")](16, 300), rel=1e-6
    )
    assert got.extrapolated == ("qubits 16 > 10", "params 300 > 60") and not got.loaded
    with pytest.raises(ValueError, match="fewer than 2"):
        predict(points[:1], device="lightning.qubit", diff_method="adjoint", qubits=4, params=24)


def test_memory_not_measured_is_not_predicted() -> None:
    points = [Point(n, p, float(p), None, False) for n, p in SIZES]
    got = predict(points, device="default.qubit", diff_method="adjoint", qubits=4, params=24)
    assert got.peak_bytes is None and math.isclose(got.seconds, 24.0, rel_tol=1e-9)


def test_the_load_gates_verdict_decides_whether_a_record_was_measured_under_load() -> None:
    """Schema 2 records carry the gate's ``idle``; it wins over a load average either way."""
    document = {"settings": {"load_threshold": 1.0}, "machine": {"usable_cores": 2}}
    assert under_load({"idle": False, "load_average": 0.1}, document)
    assert not under_load({"idle": True, "load_average": 5.0}, document)
    assert under_load({"load_average": 5.0}, document)
