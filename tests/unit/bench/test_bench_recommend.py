"""Unit tests for `supportmatrix.bench.recommend`: what the matrix lets through, and the ranking of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportmatrix.bench.advice import advice, to_text
from supportmatrix.bench.predict import Prediction, measured_points
from supportmatrix.bench.recommend import Request, RequestError, Verdict, rank, recommend, verdicts
from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Matrix
from tests.unit.bench import recommend_data

POINTS = measured_points(recommend_data.document())


def _matrix(tmp_path: Path, *rules: str, features: str = "") -> Matrix:
    return load_matrix(recommend_data.write_matrix(tmp_path, *rules, features=features), versions={})


def _request(**changes: object) -> Request:
    fields: dict = {"qubits": 8, "params": 48, "interface": "torch", "measurement": "expval", "shots": None}
    return Request(**{**fields, **changes})


def _names(items) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(getattr(x, "verdict", x).device, getattr(x, "verdict", x).diff_method) for x in items]


def test_supported_configurations_are_ranked_fastest_first(tmp_path: Path) -> None:
    answer = recommend([_matrix(tmp_path)], POINTS, _request())
    assert _names(answer.ranked) == [
        ("lightning.qubit", "adjoint"),
        ("default.qubit", "backprop"),
        ("default.qubit", "adjoint"),
    ]
    assert [x.time_rank for x in answer.ranked] == [1, 2, 3]
    # Memory at n = 8, P = 48: lightning adjoint 1 MiB + 16 KiB, backprop 1 MiB + 192 KiB,
    # default.qubit adjoint 2 MiB + 12 KiB.
    assert [x.memory_rank for x in answer.ranked] == [1, 2, 3]
    assert _names(answer.unavailable) == [("lightning.qubit", "backprop")]
    assert answer.unavailable[0].note == "no-backprop" and answer.unavailable[0].outcome == "errors"
    # parameter-shift is declared supported but was not benchmarked: listed, never ranked.
    assert _names(answer.unmeasured) == [
        ("default.qubit", "parameter-shift"),
        ("lightning.qubit", "parameter-shift"),
    ]


def test_it_never_recommends_a_configuration_declared_incorrect(tmp_path: Path) -> None:
    # The fastest measured configuration gives wrong gradients for torch's expval.
    matrix = _matrix(
        tmp_path,
        recommend_data.incorrect(
            "{device: lightning.qubit, interface: torch, diff_method: [adjoint, parameter-shift], measurement: expval}"
        ),
    )
    answer = recommend([matrix], POINTS, _request())
    assert ("lightning.qubit", "adjoint") not in _names(answer.ranked)
    assert _names(answer.ranked)[0] == ("default.qubit", "backprop")
    assert ("lightning.qubit", "adjoint") in _names(answer.avoid)
    assert answer.avoid[0].cell_ids == ("lightning.qubit-torch-adjoint-expval-analytic",)
    assert "lightning.qubit adjoint" not in advice(answer).split(";")[0]
    # Another measurement of the same configuration is not affected.
    assert _names(recommend([matrix], POINTS, _request(measurement="probs")).ranked)[0] == (
        "lightning.qubit",
        "adjoint",
    )


def test_second_derivatives_also_need_the_hessian_feature_supported(tmp_path: Path) -> None:
    features = recommend_data.FEATURES + (
        "    - where: {device: lightning.qubit, diff_method: [adjoint, parameter-shift], feature: hessian}\n"
        "      expect: {outcome: incorrect, note: wrong-grad}\n"
    )
    matrix = _matrix(tmp_path, features=features)
    second = recommend([matrix], POINTS, _request(derivative="second"))
    assert _names(second.avoid) == [("lightning.qubit", "adjoint"), ("lightning.qubit", "parameter-shift")]
    assert second.avoid[0].cell_ids == (
        "lightning.qubit-torch-adjoint-expval-analytic",
        "lightning.qubit-torch-adjoint-hessian-analytic",
    )
    # probs' Hessian is hessian-probs, declared supported here.
    probs = recommend([matrix], POINTS, _request(derivative="second", measurement="probs"))
    assert _names(probs.ranked)[0] == ("lightning.qubit", "adjoint")
    with pytest.raises(
        RequestError, match="no cell declares second derivatives of var; declared for: expval"
    ):
        verdicts([matrix], _request(derivative="second", measurement="var"))


def test_a_failing_qnode_cell_wins_over_a_supported_hessian(tmp_path: Path) -> None:
    rule = (
        "- where: {diff_method: adjoint, shots: 100}\n"
        "  expect: {outcome: errors, note: no-backprop, error: {class: DeviceError, match: x, stage: forward}}\n"
    )
    matrix = _matrix(tmp_path, rule, features=recommend_data.FEATURES)
    found = verdicts([matrix], _request(derivative="second", shots=100))
    adjoint = next(v for v in found if (v.device, v.diff_method) == ("default.qubit", "adjoint"))
    assert (adjoint.outcome, adjoint.note) == ("errors", "no-backprop")


def test_device_restricts_the_choice(tmp_path: Path) -> None:
    answer = recommend([_matrix(tmp_path)], POINTS, _request(devices=("default.qubit",)))
    assert {d for d, _ in _names(answer.ranked)} == {"default.qubit"}
    assert answer.unavailable == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"interface": "tf"}, "--interface: unknown value 'tf'; allowed: torch, jax"),
        ({"measurement": "counts"}, "--measurement: unknown value 'counts'; allowed: expval, probs, var"),
        ({"shots": 7}, "--shots: unknown value 7; allowed: None, 100"),
        ({"derivative": "third"}, "--derivative: unknown value 'third'; allowed: first, second"),
        (
            {"devices": ("default.mixed",)},
            "--device: unknown value 'default.mixed'; allowed: default.qubit, lightning",
        ),
    ],
)
def test_unknown_values_list_the_allowed_ones(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(RequestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        recommend([_matrix(tmp_path)], POINTS, _request(**changes))


def test_an_interface_the_benchmark_did_not_measure_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="measured no configuration of interface jax on any device"):
        recommend([_matrix(tmp_path)], POINTS, _request(interface="jax"))


def test_a_second_matrix_file_adds_its_devices_and_the_first_wins(tmp_path: Path) -> None:
    first = _matrix(tmp_path)
    (tmp_path / "more").mkdir()
    second = load_matrix(
        recommend_data.write_matrix(tmp_path / "more", recommend_data.incorrect("{device: default.qubit}")),
        versions={},
    )
    assert all(v.outcome != "incorrect" for v in verdicts([first, second], _request()))
    assert {v.outcome for v in verdicts([second, first], _request()) if v.device == "default.qubit"} == {
        "incorrect"
    }


def _prediction(seconds: float, peak: float | None) -> Prediction:
    return Prediction(seconds, peak, (), False, 5)


def test_rank_orders_by_time_and_ranks_memory_apart() -> None:
    a, b, c = (Verdict("dev", m, "supported", None, ()) for m in ("a", "b", "c"))
    ranked = rank([(a, _prediction(3.0, 1.0)), (b, _prediction(1.0, 5.0)), (c, _prediction(2.0, None))])
    assert [(x.verdict.diff_method, x.time_rank, x.memory_rank) for x in ranked] == [
        ("b", 1, 2),
        ("c", 2, None),
        ("a", 3, 1),
    ]


def test_the_text_names_extrapolation_and_load(tmp_path: Path) -> None:
    loaded = measured_points(recommend_data.document(under_load=True))
    answer = recommend([_matrix(tmp_path)], loaded, _request(qubits=20, params=600))
    text = to_text(answer, results="r.json", memory_bytes=2**30)
    assert "extrapolated (qubits 20 > 10, params 600 > 60); measured under load" in text
    assert "more memory than the measuring machine had" in text  # backprop: 16 B x 2^20 x 600
    assert text.rstrip().splitlines()[-1].startswith("Use lightning.qubit adjoint (")
    assert "extrapolates beyond the measured sizes and rests on measurements taken under load" in text


def test_the_advice_passes_over_what_would_not_fit_in_memory(tmp_path: Path) -> None:
    # At n = 20, P = 600: lightning adjoint is fastest with 65 MiB, default.qubit backprop
    # needs 9.4 GiB and default.qubit adjoint 50 MiB.
    answer = recommend([_matrix(tmp_path)], POINTS, _request(qubits=20, params=600))
    assert advice(answer, 2**30).startswith("Use lightning.qubit adjoint (")
    sixty = advice(answer, 60 * 2**20)
    assert (
        sixty.startswith("Use default.qubit adjoint (")
        and "the fastest predicted to fit in 60.0 MiB" in sixty
    )
    assert advice(answer, 2**20).startswith(
        "No configuration is predicted to fit in 1.0 MiB: default.qubit adjoint"
    )
