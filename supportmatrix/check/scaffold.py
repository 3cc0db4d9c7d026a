"""The workflow every cell run shares, QNode and hybrid alike.

A run records every warning, times itself, and stops at its first exception, which
becomes an `ObservedError` at the stage the run had reached. The runner supplies the
stages and the value checks::

    with observe() as obs:
        with obs.attempt():
            forward = ...
            obs.stage = Stage.GRADIENT
            gradient = ...
        if obs.error is None:
            obs.checks.append(...)  # still recorded and timed
    obs.observed(), obs.warnings, obs.seconds

Nothing here runs PennyLane, so it is unit-tested with plain functions.
"""

from __future__ import annotations

import contextlib
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from supportmatrix.check.classify import (
    Observed,
    ObservedError,
    ObservedWarning,
    ValueCheck,
    classify,
    observed_warning,
)
from supportmatrix.check.interfaces import Adapter, to_numpy
from supportmatrix.matrix.model import Stage


@contextlib.contextmanager
def every_torch_warning() -> Iterator[None]:
    """torch's warnings every time they are raised, not once per process, in the block.

    torch raises some warnings once per process (``TORCH_WARN_ONCE``), which would make a
    cell's warnings depend on which cells its process ran before it. Where torch is
    already loaded, ``set_warn_always`` (restored afterwards) makes them a property of the
    cell; where it is not, the block that loads it sees its warnings for the first time
    anyway. So every family's cells, in any process, see the same torch warnings.
    """
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        yield
    finally:
        torch.set_warn_always(before)


def observed_error(stage: Stage, exc: BaseException) -> ObservedError:
    """``exc`` raised at ``stage``, reduced to what declarations can name."""
    return ObservedError(stage, type(exc).__name__, type(exc).__module__, str(exc))


@dataclass
class Observation:
    """What one run observed; `observe` fills in the warnings and the seconds on exit."""

    #: The stage the run is in: an exception raised now is attributed to it.
    stage: Stage = Stage.FORWARD
    error: ObservedError | None = None
    #: Every value comparison made, passed or not.
    checks: list[ValueCheck] = field(default_factory=list)
    #: False when the framework reported the output as not depending on the parameters.
    connected: bool = True
    #: Why nothing vouches for a gradient that came out (see `classify`).
    detail: str = ""
    warnings: tuple[ObservedWarning, ...] = ()
    seconds: float = 0.0

    @contextlib.contextmanager
    def attempt(self) -> Iterator[None]:
        """Run the block; an `Exception` it raises is recorded at `stage` and ends the block,
        not the run. A BaseException (KeyboardInterrupt, a pytest timeout) propagates."""
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - any exception is an observation
            if self.error is None:
                self.error = observed_error(self.stage, exc)

    def add_bias_checks(self, run_checks: Callable[[], list[ValueCheck]]) -> None:
        """Add the checks of the bias check's shot-vector run; if that run raises, nothing
        vouches for the cell, and `detail` says why (the cell's own run did not raise)."""
        try:
            self.checks += run_checks()
        except Exception as exc:  # noqa: BLE001 - reported as why nothing vouches
            self.detail = f"the bias check's shot-vector run raised {type(exc).__name__}: {exc}"

    def observed(self) -> Observed:
        """The outcome, from `classify`."""
        return classify(
            error=self.error, connected=self.connected, checks=tuple(self.checks), detail=self.detail
        )


@contextlib.contextmanager
def observe() -> Iterator[Observation]:
    """Record the warnings of the block (each once, in first-seen order) and its seconds;
    torch's too, each time it raises them (`every_torch_warning`)."""
    obs = Observation()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, every_torch_warning():
        warnings.simplefilter("always")
        yield obs
    obs.seconds = time.perf_counter() - start
    # PennyLane often repeats one warning per tape or per output row; keep each once.
    obs.warnings = tuple(dict.fromkeys(observed_warning(w) for w in caught))


def forward_and_jacobian(adapter: Adapter, f: Any, x: Any, obs: Observation) -> tuple[Any, Any]:
    """``f(x)`` as NumPy and the framework's Jacobian of ``f`` at ``x`` (or `NO_GRADIENT`),
    moving ``obs`` to the gradient stage once the forward pass has worked. Every QNode
    family's runner calls it inside ``obs.attempt()``."""
    try:
        trace = adapter.forward(f, x)
    except Exception as exc:
        if adapter.forward_alone is None:
            raise
        # jax differentiates in the same call: rerun the forward pass alone to
        # tell whose error this is.
        forward_exc = adapter.forward_error(f, x)
        if forward_exc is not None:
            raise forward_exc from None
        obs.stage = Stage.GRADIENT
        raise exc from None
    forward = to_numpy(adapter.output(trace))
    obs.stage = Stage.GRADIENT
    return forward, adapter.jacobian(f, x, trace)
