"""Which device and diff method to use for a user's circuit: the matrix's verdicts joined with the benchmark's predictions, ranked.

A configuration is a device × diff method at the user's interface. What the matrix declares
decides whether it may be recommended at all; the benchmark only ranks those it may:

* **First derivative**: the QNode cell of (device, interface, diff method, measurement,
  shots).
* **Second derivative**: that cell *and* the features cell of the Hessian feature that ends
  in the same measurement (`HESSIAN_FEATURES`: ``hessian`` is ⟨Z⟩'s Hessian, ``hessian-probs``
  the probabilities'), at the same shots. The Hessian cell checks the Jacobian as well, but
  a user who asks for second derivatives takes first ones too, so both must hold. Other
  measurements have no declared Hessian and are refused.

Of the cells a configuration needs, any declared ``incorrect`` makes it "gives wrong
gradients, avoid"; else any other outcome but ``supported`` (errors, no gradient, not
applicable) makes it "not available", with that cell's note. Only configurations whose every
cell is ``supported`` are ranked, by predicted time and then by predicted memory
(`predict`); those the benchmark did not measure are listed as such, unranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from supportmatrix.bench.predict import Point, Prediction, predict
from supportmatrix.matrix.families import FAMILIES, TOP_LEVEL
from supportmatrix.matrix.model import FeatureCell, Matrix, NotApplicableCell, Outcome, ResolvedCell

#: The family of the user's QNode (the top-level one) and the one whose cells carry the
#: Hessian features, found by their cell type so that no family is named here.
QNODES = TOP_LEVEL.name
FEATURES_OF = next(family.name for family in FAMILIES if family.make_cell is FeatureCell)

#: The features cell that stands for a measurement's second derivative.
HESSIAN_FEATURES: dict[str, str] = {"expval": "hessian", "probs": "hessian-probs"}
DERIVATIVES = ("first", "second")


class RequestError(ValueError):
    """A request the matrices or the benchmark cannot answer: one line naming the allowed values."""


@dataclass(frozen=True)
class Request:
    """What the user's circuit is: its size, interface, measurement, shots (None: analytic),
    derivative order, and the devices they would accept (None: any)."""

    qubits: int
    params: int
    interface: str
    measurement: str
    shots: int | None
    derivative: str = "first"
    devices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Verdict:
    """What the matrices declare for one configuration: the outcome that decides it, the
    note of the cell that declared it, and the ids of the cells read."""

    device: str
    diff_method: str
    outcome: str
    note: str | None
    cell_ids: tuple[str, ...]


@dataclass(frozen=True)
class Ranked:
    """A configuration that may be recommended, with its prediction and ranks (1 = best)."""

    verdict: Verdict
    prediction: Prediction
    time_rank: int
    memory_rank: int | None


@dataclass(frozen=True)
class Recommendation:
    """The answer: ranked configurations (fastest first), those to avoid, those not
    available, and those declared supported that the benchmark did not measure."""

    request: Request
    ranked: tuple[Ranked, ...]
    avoid: tuple[Verdict, ...]
    unavailable: tuple[Verdict, ...]
    unmeasured: tuple[Verdict, ...]


def _allowed(option: str, value: object, allowed: Sequence[object], hint: str = "") -> None:
    if value not in allowed:
        shown = ", ".join("None" if a is None else str(a) for a in allowed)
        raise RequestError(f"{option}: unknown value {value!r}; allowed: {shown}{hint}")


def _axis(matrices: Sequence[Matrix], family: str, axis: str) -> list[object]:
    return list(dict.fromkeys(v for m in matrices for v in m.family(family).axes.get(axis, ())))


def verdicts(matrices: Sequence[Matrix], request: Request) -> list[Verdict]:
    """Every configuration the matrices declare for the request, in file and axis order;
    `RequestError` for a value no matrix declares."""
    _allowed("--interface", request.interface, _axis(matrices, QNODES, "interface"))
    _allowed("--measurement", request.measurement, _axis(matrices, QNODES, "measurement"))
    _allowed("--shots", request.shots, _axis(matrices, QNODES, "shots"))
    _allowed("--derivative", request.derivative, DERIVATIVES)
    devices = _axis(matrices, QNODES, "device")
    for device in request.devices or ():
        _allowed(
            "--device",
            device,
            devices,
            " (a device of devices/*.yaml needs its file: --matrix matrix.yaml FILE)",
        )
    feature = None
    if request.derivative == "second":
        feature = HESSIAN_FEATURES.get(request.measurement)
        if feature is None:
            raise RequestError(
                f"--derivative second: no cell declares second derivatives of {request.measurement}; "
                "declared for: " + ", ".join(f"{m} (feature {f})" for m, f in HESSIAN_FEATURES.items())
            )
    found: dict[tuple[str, str], Verdict] = {}
    for matrix in matrices:
        qnode, features = matrix.family(QNODES).entries(), matrix.family(FEATURES_OF).entries()
        for device in map(str, matrix.family(QNODES).axes.get("device", ())):
            if request.devices is not None and device not in request.devices:
                continue
            for method in map(str, matrix.family(QNODES).axes["diff_method"]):
                cells = [qnode.get((device, request.interface, method, request.measurement, request.shots))]
                if feature is not None:
                    cells.append(features.get((device, request.interface, method, feature, request.shots)))
                if None in cells or (device, method) in found:
                    continue  # not on this file's axes, or an earlier file declared it
                found[(device, method)] = _verdict(device, method, cells)
    return list(found.values())


def _verdict(device: str, method: str, cells: Sequence[ResolvedCell | NotApplicableCell | None]) -> Verdict:
    """The outcome that decides: incorrect over any other failure over supported."""
    ids = tuple(c.cell.id for c in cells if c is not None)
    outcomes: list[tuple[str, str | None]] = [
        (c.expectation.outcome.value, c.expectation.note)
        if isinstance(c, ResolvedCell)
        else ("not-applicable", c.note)
        for c in cells
        if c is not None
    ]
    for outcome, note in outcomes:
        if outcome == Outcome.INCORRECT.value:
            return Verdict(device, method, outcome, note, ids)
    for outcome, note in outcomes:
        if outcome != Outcome.SUPPORTED.value:
            return Verdict(device, method, outcome, note, ids)
    return Verdict(device, method, Outcome.SUPPORTED.value, None, ids)


def recommend(
    matrices: Sequence[Matrix], points: dict[tuple[str, str, str], list[Point]], request: Request
) -> Recommendation:
    """Rank what the matrices allow by the benchmark's predictions; `RequestError` when the
    benchmark measured no configuration of the request's interface and devices."""
    found = verdicts(matrices, request)
    measured = {
        (device, method)
        for (device, method, interface), series in points.items()
        if interface == request.interface and len(series) >= 2
    }
    if not any((v.device, v.diff_method) in measured for v in found):
        seen = sorted({i for _, _, i in points})
        devices = ", ".join(request.devices) if request.devices else "any device"
        raise RequestError(
            f"the benchmark measured no configuration of interface {request.interface} on {devices} "
            f"at two sizes or more (measured interfaces: {', '.join(seen) or 'none'})"
        )
    supported = [v for v in found if v.outcome == Outcome.SUPPORTED.value]
    predicted = [
        (
            v,
            predict(
                points[(v.device, v.diff_method, request.interface)],
                device=v.device,
                diff_method=v.diff_method,
                qubits=request.qubits,
                params=request.params,
            ),
        )
        for v in supported
        if (v.device, v.diff_method) in measured
    ]
    return Recommendation(
        request,
        rank(predicted),
        tuple(v for v in found if v.outcome == Outcome.INCORRECT.value),
        tuple(v for v in found if v.outcome not in (Outcome.SUPPORTED.value, Outcome.INCORRECT.value)),
        tuple(v for v in supported if (v.device, v.diff_method) not in measured),
    )


def rank(predicted: Sequence[tuple[Verdict, Prediction]]) -> tuple[Ranked, ...]:
    """Fastest first (ties by memory); memory ranks among those whose memory was predicted."""
    by_time = sorted(predicted, key=lambda item: (item[1].seconds, _memory_key(item[1])))
    leanest = sorted(range(len(by_time)), key=lambda k: _memory_key(by_time[k][1]))
    memory_rank = {
        k: place for place, k in enumerate(leanest, start=1) if by_time[k][1].peak_bytes is not None
    }
    return tuple(
        Ranked(verdict, prediction, k + 1, memory_rank.get(k))
        for k, (verdict, prediction) in enumerate(by_time)
    )


def _memory_key(prediction: Prediction) -> tuple[bool, float]:
    """Unpredicted memory last."""
    return (prediction.peak_bytes is None, prediction.peak_bytes or 0.0)
