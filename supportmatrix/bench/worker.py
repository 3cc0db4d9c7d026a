"""The benchmark's child process: ``python -m supportmatrix.bench.worker SPEC``, one measurement, then exit.

``SPEC`` is a JSON object whose ``kind`` names the measurement (`KINDS`); the answer is one
JSON object on stdout. Before anything is imported the child points its file descriptor 1
at stderr and keeps a duplicate of the original stdout for the answer, so a library that
prints cannot corrupt it. Each measurement gets a process of its own so that imports,
earlier runs, jax's x64 switch and torch's thread pools never carry over, and so that the
kernel's peak-RSS counter sees C++ allocations (lightning's) as well as Python's.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any


def _circuit(spec: Mapping[str, Any]) -> dict[str, Any]:
    from supportmatrix.bench.timing import measure_circuit

    return measure_circuit(spec)


def _seed004(spec: Mapping[str, Any]) -> dict[str, Any]:
    from supportmatrix.bench.seed004 import train

    return train(spec["device"], spec["diff_method"])


def _bandwidth(spec: Mapping[str, Any]) -> dict[str, Any]:
    from supportmatrix.bench.bandwidth import measure_bandwidth

    return measure_bandwidth(array_bytes=spec["array_bytes"], threads=spec["threads"])


#: What a spec's ``kind`` runs; each returns the measured part of one record.
KINDS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "circuit": _circuit,
    "seed004": _seed004,
    "bandwidth": _bandwidth,
}


def main(argv: list[str] | None = None) -> int:
    """Run the spec in ``argv[0]`` and write its answer to the original stdout."""
    args = sys.argv[1:] if argv is None else argv
    spec = json.loads(args[0])
    sys.stdout.flush()
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # from here on, anything printed goes to stderr
    result = KINDS[spec["kind"]](spec)
    json.dump(result, answer)
    answer.write("\n")
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
