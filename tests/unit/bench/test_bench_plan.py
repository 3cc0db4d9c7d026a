"""Unit tests for `supportmatrix.bench.plan`: option values parsed loudly, configurations in order."""

from __future__ import annotations

import pytest

from supportmatrix.bench.plan import (
    PlanError,
    expand,
    parse_choices,
    parse_counts,
    parse_seconds,
    parse_whole,
)


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("2-5", (2, 3, 4, 5)),
        ("2,4,8", (2, 4, 8)),
        ("2-10:4", (2, 6, 10)),
        ("8,2-3,8", (2, 3, 8)),
    ],
)
def test_counts_take_lists_and_ranges(text: str, counts: tuple[int, ...]) -> None:
    assert parse_counts(text, option="--qubits", minimum=2, maximum=30) == counts


def test_ordered_counts_keep_the_given_order() -> None:
    assert parse_counts("2,1,4,2", option="--layers", minimum=1, maximum=9, ordered=True) == (2, 1, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1-3", "--qubits: 1 is outside 2..30"),
        ("5-3", "--qubits: empty range '5-3'"),
        ("two", "--qubits: 'two' is not a number"),
        ("2-8:0", "empty range"),
    ],
)
def test_bad_counts_name_the_option(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        parse_counts(text, option="--qubits", minimum=2, maximum=30)


def test_choices_are_checked_against_the_allowed_values() -> None:
    assert parse_choices("b, a,b", option="--x", allowed=("a", "b")) == ("b", "a")
    with pytest.raises(PlanError, match=r"--x: unknown value 'c'; allowed: a, b"):
        parse_choices("a,c", option="--x", allowed=("a", "b"))
    with pytest.raises(PlanError, match="--x: empty"):
        parse_choices(" , ", option="--x", allowed=("a",))


@pytest.mark.parametrize("text", ["0", "-1", "inf", "nan", "soon"])
def test_seconds_must_be_positive_and_finite(text: str) -> None:
    with pytest.raises(PlanError, match="--budget"):
        parse_seconds(text, option="--budget")


def test_whole_numbers_have_a_minimum() -> None:
    assert parse_whole("3", option="--min-repeats", minimum=1) == 3
    with pytest.raises(PlanError, match=">= 4"):
        parse_whole("3", option="--max-repeats", minimum=4)


def test_expand_runs_qubits_outermost_and_further_layers_only_where_asked() -> None:
    configs = expand(
        devices=["default.qubit"],
        diff_methods=["adjoint", "backprop"],
        interfaces=["torch"],
        qubits=[2, 4, 6],
        layers=[2, 1],
        layers_at=[4],
    )
    assert [c.id for c in configs] == [
        "default.qubit-torch-adjoint-n2-L2",
        "default.qubit-torch-backprop-n2-L2",
        "default.qubit-torch-adjoint-n4-L2",
        "default.qubit-torch-backprop-n4-L2",
        "default.qubit-torch-adjoint-n4-L1",
        "default.qubit-torch-backprop-n4-L1",
        "default.qubit-torch-adjoint-n6-L2",
        "default.qubit-torch-backprop-n6-L2",
    ]
    assert configs[0].axes()["params"] == 12 and configs[0].axes()["gates"] == 16
    with pytest.raises(PlanError, match="--layers-at"):
        expand(
            devices=["default.qubit"],
            diff_methods=["adjoint"],
            interfaces=["torch"],
            qubits=[2],
            layers=[1, 2],
            layers_at=[8],
        )
