"""The configurations a benchmark run measures: its options parsed, checked and expanded in order.

Qubit counts are the outer loop, so that the methods compared at one size run close together
in time and a change in the machine's load falls on all of them alike, not on one method's
whole series. Layer counts beyond the first run only at the qubit counts ``layers_at`` names
(all by default): the parameter-count series needs a few sizes, not every one. A repeated
run (``--runs``) shuffles the configurations of each qubit count (`shuffled`), seeded and
recorded, so that no method always runs right after another; the qubit counts stay in
ascending order, because a series ends at the first size that reaches its time or memory
limit and its larger sizes are then never started.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from supportmatrix.bench.circuits import Circuit

_RANGE = re.compile(r"^(\d+)-(\d+)(?::(\d+))?$")


class PlanError(ValueError):
    """A bad option value; its message is one line naming the option and what is allowed."""


@dataclass(frozen=True)
class Config:
    """One configuration: what one child process measures."""

    device: str
    diff_method: str
    interface: str
    qubits: int
    layers: int

    @property
    def id(self) -> str:
        return f"{self.device}-{self.interface}-{self.diff_method}-n{self.qubits}-L{self.layers}"

    @property
    def series(self) -> tuple[str, str, str, int]:
        """The configurations that differ only in qubits: a timeout skips the larger ones."""
        return (self.device, self.diff_method, self.interface, self.layers)

    def axes(self) -> dict[str, object]:
        circuit = Circuit(self.qubits, self.layers)
        return {
            "device": self.device,
            "diff_method": self.diff_method,
            "interface": self.interface,
            "qubits": self.qubits,
            "layers": self.layers,
            "params": circuit.params,
            "gates": circuit.gates,
        }


def parse_choices(text: str, *, option: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """A comma-separated list of allowed names, in the order given, without repeats."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise PlanError(f"{option}: empty; allowed: {', '.join(allowed)}")
    for name in names:
        if name not in allowed:
            raise PlanError(f"{option}: unknown value {name!r}; allowed: {', '.join(allowed)}")
    return tuple(dict.fromkeys(names))


def parse_counts(
    text: str, *, option: str, minimum: int, maximum: int, ordered: bool = False
) -> tuple[int, ...]:
    """Whole numbers as a list and ranges: ``2-12``, ``2,4,8``, ``2-16:2``, ``2-6,10``;
    sorted, or with ``ordered`` in the order given. Repeats are dropped."""
    counts: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        match = _RANGE.match(part)
        if match:
            low, high, step = int(match[1]), int(match[2]), int(match[3] or 1)
            if low > high or step == 0:
                raise PlanError(f"{option}: empty range {part!r} (write LOW-HIGH or LOW-HIGH:STEP)")
            counts += range(low, high + 1, step)
        elif part.isdigit():
            counts.append(int(part))
        else:
            raise PlanError(f"{option}: {part!r} is not a number, LOW-HIGH or LOW-HIGH:STEP")
    outside = [c for c in counts if not minimum <= c <= maximum]
    if outside:
        raise PlanError(f"{option}: {outside[0]} is outside {minimum}..{maximum}")
    unique = tuple(dict.fromkeys(counts))
    return unique if ordered else tuple(sorted(unique))


def parse_whole(text: str, *, option: str, minimum: int) -> int:
    """One whole number, at least ``minimum``."""
    if not text.strip().isdigit() or int(text) < minimum:
        raise PlanError(f"{option}: expected a whole number >= {minimum}, got {text!r}")
    return int(text)


def parse_seconds(text: str, *, option: str) -> float:
    """A positive number of seconds."""
    try:
        seconds = float(text)
    except ValueError:
        raise PlanError(f"{option}: expected seconds, got {text!r}") from None
    if not seconds > 0 or seconds == float("inf"):
        raise PlanError(f"{option}: expected a positive number of seconds, got {text!r}")
    return seconds


def expand(
    *,
    devices: Sequence[str],
    diff_methods: Sequence[str],
    interfaces: Sequence[str],
    qubits: Sequence[int],
    layers: Sequence[int],
    layers_at: Sequence[int] | None = None,
) -> list[Config]:
    """Every configuration, qubits outermost; layers after the first only at ``layers_at``."""
    if layers_at is not None and not set(layers_at) & set(qubits):
        raise PlanError("--layers-at: none of these qubit counts is in --qubits")
    return [
        Config(d, m, i, n, layer)
        for n in qubits
        for layer in layers
        if layer == layers[0] or layers_at is None or n in layers_at
        for d in devices
        for m in diff_methods
        for i in interfaces
    ]


def shuffled(configs: Sequence[Config], *, seed: int) -> list[Config]:
    """``configs`` with the order inside each qubit count shuffled by ``random.Random(seed)``;
    the qubit counts keep their order (see the module docstring)."""
    rng = random.Random(seed)  # local: the benchmark never seeds a global generator
    groups: dict[int, list[Config]] = {}
    for config in configs:
        groups.setdefault(config.qubits, []).append(config)
    out: list[Config] = []
    for n in sorted(groups):
        group = list(groups[n])
        rng.shuffle(group)
        out += group
    return out
