"""Every axis value the model knows has exactly one builder, snippet and label, and no more."""

from __future__ import annotations

import ast

import pytest

from supportmatrix.check.interfaces import ADAPTERS
from supportmatrix.check.measurements import HERMITIAN, MEASUREMENTS
from supportmatrix.matrix.axes import KNOWN_AXIS_VALUES, KNOWN_HYBRID_AXIS_VALUES
from supportmatrix.report.vocabulary import LAYER_LABELS, MEASUREMENT_HEADERS


def test_measurements_are_exactly_the_axis_values_in_axis_order() -> None:
    assert tuple(MEASUREMENTS) == KNOWN_AXIS_VALUES["measurement"]
    assert all(name == kind.name for name, kind in MEASUREMENTS.items())


def test_adapters_are_exactly_the_interfaces() -> None:
    assert tuple(ADAPTERS) == KNOWN_AXIS_VALUES["interface"]


def test_every_measurement_and_hybrid_layer_has_one_distinct_label() -> None:
    assert set(MEASUREMENT_HEADERS) == set(MEASUREMENTS)
    assert len(set(MEASUREMENT_HEADERS.values())) == len(MEASUREMENTS)
    assert tuple(LAYER_LABELS) == KNOWN_HYBRID_AXIS_VALUES["layer"]


@pytest.mark.parametrize("name", list(MEASUREMENTS))
def test_snippet_source_builds_what_the_builder_builds(name: str) -> None:
    """The reproduction snippet quotes `source`; it must build the same measurement."""
    qml = pytest.importorskip("pennylane")
    kind = MEASUREMENTS[name]
    call = ast.parse(kind.source, mode="eval").body
    assert isinstance(call, ast.Call) and ast.unparse(call.func).startswith("qml."), kind.source
    # Compiling the snippet text here is the point of the test: the suite itself never does.
    from_source = eval(
        compile(kind.source, f"<{name} snippet>", "eval"),  # noqa: S307
        {"qml": qml, "HERMITIAN": HERMITIAN},
    )
    built = kind.build(qml)
    assert type(from_source) is type(built)
    assert repr(from_source) == repr(built)


def test_snippet_comparison_can_fail() -> None:
    """Guards the test above: two different measurements do not compare equal."""
    qml = pytest.importorskip("pennylane")
    assert repr(MEASUREMENTS["expval"].build(qml)) != repr(MEASUREMENTS["var"].build(qml))
    assert repr(qml.expval(qml.PauliZ(0))) != repr(MEASUREMENTS["expval"].build(qml))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", list(ADAPTERS))
def test_parameters_and_their_snippet_have_the_asked_dtype(name: str, dtype: str) -> None:
    """The features' ``float32`` asks every adapter for float32 parameters; its snippet line
    must make the same array."""
    import numpy as np

    adapter = ADAPTERS[name]
    pytest.importorskip(adapter.requires)
    made = adapter.params([0.5, -0.25], dtype)
    namespace: dict = {"np": np}
    # Executing the snippet's imports and parameter line is the point of the test.
    exec(
        "\n".join([*adapter.snippet_imports, adapter.snippet_params_line([0.5, -0.25], dtype)]),  # noqa: S102
        namespace,
    )
    from supportmatrix.check.interfaces import to_numpy

    for x in (made, namespace["x"]):
        assert to_numpy(x).dtype == np.dtype(dtype)
        assert np.array_equal(to_numpy(x), np.array([0.5, -0.25], dtype=dtype))
