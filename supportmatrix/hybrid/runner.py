"""Run one hybrid cell for real and turn what happened into an `Observed` outcome.

A hybrid cell builds `models`' model with its layer kind, device and diff method,
then, stopping at the first exception:

0. layer: the quantum layer alone on the gradient check's batch, against its documented
   shape and `reference.expectations` (`layer_output`); an output of another shape ends
   the run there, since the dense layer after it cannot use it as the model intends;
1. forward: the loss on the first `GRADIENT_POINTS` points, against `reference`;
2. gradient: the framework's gradient of that loss for every parameter, classical and
   quantum, against finite differences of the reference loss (both checks are recorded;
   a failed one makes the cell `incorrect`, but the run goes on);
3. training (when a gradient came out, both checks passed and the cell declares a target):
   whole epochs over the 200 points until
   the training accuracy reaches ``min_accuracy``, at most ``max_epochs``; wall time and
   peak memory are recorded;
4. save (Keras 3 layers): ``model.save`` then ``keras.models.load_model`` must predict
   exactly what the trained model predicts.

`execute` does this in the current process; `run_hybrid_cell` sends Keras cells to the
worker process of their backend (`keras_backends`) and runs torch cells here.
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from supportmatrix.check import compat
from supportmatrix.check.classify import ValueCheck, compare_values, dtype_check
from supportmatrix.check.measure import measure
from supportmatrix.check.run import CellRun
from supportmatrix.check.scaffold import Observation, observe
from supportmatrix.hybrid import reference
from supportmatrix.hybrid.keras_backends import KERAS_BACKEND_OF, missing_keras_module, worker
from supportmatrix.hybrid.layer_output import documented_shape, layer_output_checks
from supportmatrix.hybrid.models import (
    GRADIENT_POINTS,
    PARAM_SHAPES,
    Params,
    TrainingSetup,
    accuracy,
    base_layer,
    epoch_order,
    hybrid_qnode,
    initial_params,
    moons,
    returns_tuple,
)
from supportmatrix.matrix.devices import device_named
from supportmatrix.matrix.model import HybridCell, ResolvedCell, Stage, TrainingRecord, TrainingSpec


class Driver(Protocol):
    """How one layer kind builds and runs the model; parameters use `PARAM_SHAPES` names."""

    @property
    def interface(self) -> str:
        """The QNode interface the driver's layer uses (to resolve diff_method "best")."""

    #: Whether the save/load round trip applies (Keras 3 layers).
    save_round_trip: bool

    def build(self, device: str, diff_method: str, params: Params) -> Any: ...
    def layer_output(self, model: Any, x: np.ndarray) -> np.ndarray:
        """The quantum layer's output on angles ``x`` alone, as returned (no reshape, no cast)."""

    def loss(self, model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The loss as a 0-d array in the framework's own dtype."""

    def gradient(self, model: Any, x: np.ndarray, y: np.ndarray) -> Params | None: ...
    def trainer(self, model: Any, setup: TrainingSetup = ...) -> Callable[[np.ndarray, np.ndarray], None]:
        """A function that trains ``model`` for one epoch on points in the order given."""

    def predict(self, model: Any, x: np.ndarray) -> np.ndarray: ...
    def save_and_reload(self, model: Any, directory: str) -> Any: ...


def missing_module_for_layer(layer: str) -> str | None:
    """The first module cells of ``layer`` need that is not installed, or None."""
    if layer in KERAS_BACKEND_OF:
        return missing_keras_module(layer)
    return None if importlib.util.find_spec("torch") is not None else "torch"


def driver_for(layer: str) -> Driver:
    if base_layer(layer) == "torch-layer":
        from supportmatrix.hybrid.torch_driver import TorchDriver

        return TorchDriver(tuple_return=returns_tuple(layer))
    if layer.startswith("keras3-package-"):
        from supportmatrix.hybrid.package_driver import KerasPackageDriver

        return KerasPackageDriver(layer)
    from supportmatrix.hybrid.keras_driver import KerasDriver

    return KerasDriver(layer)


def run_hybrid_cell(cell: HybridCell, training: TrainingSpec | None) -> CellRun:
    """Run ``cell`` where its framework lives. A crash of a Keras worker process raises
    `worker_process.WorkerCrashed`; the next Keras cell of that backend starts a new one."""
    return _where_it_runs(cell.layer, execute, cell, training, device=cell.device)


def run_training_curve(
    cell: HybridCell, *, seed: int, epochs: int, setup: TrainingSetup
) -> tuple[float, ...]:
    """`training_curve` where the cell's framework lives (for choosing thresholds)."""
    return _where_it_runs(
        cell.layer, training_curve, cell, seed=seed, epochs=epochs, setup=setup, device=cell.device
    )


def _where_it_runs(layer: str, function: Callable[..., Any], *args: Any, device: str, **kwargs: Any) -> Any:
    """Call ``function`` here for torch, in the backend's worker process for Keras. The worker
    gets ``device``'s entry first: it loads no matrix file, so it knows only the known
    devices' entries, not the one the file declares."""
    backend = KERAS_BACKEND_OF.get(layer)
    if backend is None:
        return function(*args, **kwargs)
    entry = device_named(device)
    worker(backend).call("supportmatrix.matrix.devices:declare_entry", entry.name, entry.to_yaml())
    return worker(backend).call(f"{__name__}:{function.__name__}", *args, **kwargs)


def training_curve(cell: HybridCell, *, seed: int, epochs: int, setup: TrainingSetup) -> tuple[float, ...]:
    """Training accuracy after each of ``epochs`` epochs, with data, initial parameters and
    batch order all drawn from ``seed``; the cells use `models.SEED`."""
    driver = driver_for(cell.layer)
    x, y = moons(seed)
    model = driver.build(cell.device, cell.diff_method, initial_params(seed))
    train_epoch = driver.trainer(model, setup)
    curve = []
    for epoch in range(epochs):
        order = epoch_order(epoch, seed)
        train_epoch(x[order], y[order])
        curve.append(accuracy(driver.predict(model, x), y))
    return tuple(curve)


def execute(cell: HybridCell, training: TrainingSpec | None) -> CellRun:
    """Run ``cell`` in this process and classify what happened."""
    driver = driver_for(cell.layer)
    records: list[TrainingRecord] = []  # kept when the save stage after training raises
    with observe() as obs, obs.attempt():
        _run_stages(cell, driver, obs, training, records)
    record = records[0] if records else None
    return CellRun(cell, obs.observed(), obs.warnings, obs.seconds, tuple(obs.checks), training=record)


def _run_stages(
    cell: HybridCell,
    driver: Driver,
    obs: Observation,
    training: TrainingSpec | None,
    records: list[TrainingRecord],
) -> None:
    """The stages of the module docstring, recording into ``obs`` and ``records``."""
    params = initial_params()
    x, y = moons()
    xg, yg = x[:GRADIENT_POINTS], y[:GRADIENT_POINTS]
    model = driver.build(cell.device, cell.diff_method, params)
    layer_checks = layer_output_checks(driver.layer_output(model, xg), params["quantum.weights"], xg)
    obs.checks += layer_checks
    if layer_checks[0].observed.shape != documented_shape(len(xg)):
        return
    obs.checks += _loss_checks(driver.loss(model, xg, yg), params, xg, yg)
    obs.stage = Stage.GRADIENT
    grads = driver.gradient(model, xg, yg)
    obs.connected = grads is not None
    if grads is not None:
        obs.checks += _gradient_checks(_method(cell, driver, xg, params), grads, params, xg, yg)
    # Train only a model whose loss and gradient are right: a failed check already
    # makes the cell incorrect, and training is most of a cell's cost (a Keras 3
    # epoch under jax takes seconds), so a broken model is not trained as well.
    if grads is None or training is None or not all(c.passed for c in obs.checks):
        return
    obs.stage = Stage.TRAINING
    model, record = _train(driver, model, x, y, training)
    records.append(record)
    if record.accuracy < training.min_accuracy:
        obs.detail = f"training did not reach the declared {training.describe()}: {record.describe()}"
    elif driver.save_round_trip:
        obs.stage = Stage.SAVE
        obs.checks.append(_round_trip_check(driver, model, x))


def _method(cell: HybridCell, driver: Driver, x: np.ndarray, params: Params) -> str:
    """The method whose error bound applies; for "best", a QNode like the model's is built
    to ask PennyLane what it stands for."""
    if cell.diff_method != "best":
        return cell.diff_method
    qnode = hybrid_qnode(
        cell.device, cell.diff_method, driver.interface, tuple_return=returns_tuple(cell.layer)
    )
    return compat.resolved_method(cell.diff_method, qnode, x, params["quantum.weights"])


def _train(
    driver: Driver, model: Any, x: np.ndarray, y: np.ndarray, spec: TrainingSpec
) -> tuple[Any, TrainingRecord]:
    train_epoch = driver.trainer(model)
    accuracies: list[float] = []
    with measure() as usage:
        for epoch in range(spec.max_epochs):
            order = epoch_order(epoch)
            train_epoch(x[order], y[order])
            accuracies.append(accuracy(driver.predict(model, x), y))
            if accuracies[-1] >= spec.min_accuracy:
                break
    record = TrainingRecord(len(accuracies), tuple(accuracies), usage.wall_seconds, usage.peak_memory_bytes)
    return model, record


def _loss_checks(value: np.ndarray, params: Params, x: np.ndarray, y: np.ndarray) -> list[ValueCheck]:
    """The loss against the reference, as returned, and its dtype: the loss of float64
    data and parameters must be float64."""
    value = np.asarray(value)
    return [
        compare_values(
            "loss",
            value.reshape(1),
            expected=np.array([float(reference.loss(params, x, y))]),
            tolerance=np.array([reference.loss_tolerance(params)]),
            criterion="float64 round-off",
        ),
        dtype_check("loss", value),
    ]


def _gradient_checks(
    method: str, grads: Params, params: Params, x: np.ndarray, y: np.ndarray
) -> list[ValueCheck]:
    """The gradient against the reference, as returned, and each parameter's dtype on its
    own (flattening float32 next to float64 would promote it out of sight)."""
    expected = reference.reference_gradient(params, x, y)
    tol = reference.gradient_tolerance(method, params, x)
    return [
        compare_values(
            f"loss gradient (entries in the order {', '.join(PARAM_SHAPES)})",
            reference.flatten(grads),
            expected=reference.flatten(expected),
            tolerance=reference.flatten(tol),
            criterion=f"{method}: error bound",
        ),
        *(dtype_check(f"loss gradient of {name}", np.asarray(grads[name])) for name in PARAM_SHAPES),
    ]


def _round_trip_check(driver: Driver, model: Any, x: np.ndarray) -> ValueCheck:
    before = driver.predict(model, x)
    with tempfile.TemporaryDirectory(prefix="supportmatrix-") as directory:
        after = driver.predict(driver.save_and_reload(model, directory), x)
    passed = after.shape == before.shape and bool(np.array_equal(after, before))
    return ValueCheck(
        "predictions after model.save -> keras.models.load_model",
        after,
        before,
        np.zeros(before.shape),
        passed,
        "identical",
    )


def run_resolved(rc: ResolvedCell, *, family_size: int) -> CellRun:
    """The registry's runner (`families.HYBRID`): trained to the cell's target; hybrid cells
    check no shot noise, so ``family_size`` plays no part."""
    return run_hybrid_cell(rc.cell, rc.training)


def missing_for_cell(cell: HybridCell) -> str | None:
    """Why ``cell`` cannot run here (a module its layer needs is not installed), or None."""
    missing = missing_module_for_layer(cell.layer)
    return None if missing is None else f"{missing} is not installed (needed by layer {cell.layer})"
