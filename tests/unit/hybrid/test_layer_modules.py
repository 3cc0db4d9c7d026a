"""Unit tests for `missing_module_for_layer` and the Keras backend of each layer kind."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from supportmatrix.hybrid.keras_backends import EXTRA_MODULES_OF, KERAS_BACKEND_OF
from supportmatrix.hybrid.runner import missing_module_for_layer
from supportmatrix.matrix.axes import KNOWN_HYBRID_AXIS_VALUES

PACKAGE_LAYERS = [layer for layer in KNOWN_HYBRID_AXIS_VALUES["layer"] if layer.startswith("keras3-package-")]


def _pretend_missing(monkeypatch: pytest.MonkeyPatch, *absent: str) -> None:
    """Every module is installed but ``absent``, whatever this machine has."""

    def find_spec(name: str, *args: Any, **kwargs: Any) -> object | None:
        return None if name in absent else object()

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_every_layer_but_torch_layer_runs_under_a_keras_backend() -> None:
    assert set(KERAS_BACKEND_OF) == set(KNOWN_HYBRID_AXIS_VALUES["layer"]) - {
        "torch-layer",
        "torch-layer-tuple",
    }
    assert len(PACKAGE_LAYERS) == 3
    for layer in PACKAGE_LAYERS:
        assert KERAS_BACKEND_OF[layer] == layer.removeprefix("keras3-package-")
    assert set(EXTRA_MODULES_OF) <= set(KERAS_BACKEND_OF)


@pytest.mark.parametrize("layer", PACKAGE_LAYERS)
def test_package_layers_name_the_package_when_it_is_absent(
    monkeypatch: pytest.MonkeyPatch, layer: str
) -> None:
    _pretend_missing(monkeypatch, "pennylane_keras_layer")
    assert missing_module_for_layer(layer) == "pennylane_keras_layer"


def test_only_the_package_layers_need_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    _pretend_missing(monkeypatch, "pennylane_keras_layer")
    others = [layer for layer in KNOWN_HYBRID_AXIS_VALUES["layer"] if layer not in PACKAGE_LAYERS]
    assert {layer: missing_module_for_layer(layer) for layer in others} == dict.fromkeys(others)


@pytest.mark.parametrize("layer", PACKAGE_LAYERS)
def test_keras_and_its_backend_are_named_before_the_package(
    monkeypatch: pytest.MonkeyPatch, layer: str
) -> None:
    backend = KERAS_BACKEND_OF[layer]
    _pretend_missing(monkeypatch, "keras", backend, "pennylane_keras_layer")
    assert missing_module_for_layer(layer) == "keras"
    _pretend_missing(monkeypatch, backend, "pennylane_keras_layer")
    assert missing_module_for_layer(layer) == backend
