"""The memory a configuration will need, predicted before it runs, and the limit it must stay under.

A state vector of n qubits holds 2^n complex128 amplitudes, 16·2^n bytes; a density matrix
(default.mixed) 4^n of them, 16·4^n bytes. What a step keeps alive is a multiple of that:

- backprop stores every gate's output state for the backward pass, and the frameworks keep a
  temporary or two beside each: `BACKPROP_STATES_PER_GATE` states per gate application. The
  measured peaks of the first benchmark (torch: 3.5 states per gate at n = 10 and 14,
  autograd 1.4) are under it.
- adjoint holds the ket, the bra and a derivative state; parameter-shift and finite-diff run
  one forward pass at a time: `OTHER_STATES` states cover them and their copies.
- every process also carries the frameworks themselves, `FIXED_BYTES` (jax-jit's compiled
  program reached 0.7 GiB of growth at n = 14, mostly independent of n).

The limit is `AVAILABLE_FRACTION` of ``MemAvailable`` read just before the configuration
runs: the machine is shared, and the other half is left to everyone else so that nothing is
pushed to swap. A configuration whose prediction is over the limit is not started; its
series ends there with the limit and the prediction recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from supportmatrix.matrix.devices import device_named

BYTES_PER_AMPLITUDE = 16
BACKPROP_STATES_PER_GATE = 4
OTHER_STATES = 8
FIXED_BYTES = 2**30
AVAILABLE_FRACTION = 0.5


def state_bytes(device: str, qubits: int) -> int:
    """Bytes of one state: 16·2^n, or 16·4^n for a device whose state is a density matrix."""
    entries = 4**qubits if device_named(device).mixed_state else 2**qubits
    return BYTES_PER_AMPLITUDE * entries


def predicted_bytes(*, device: str, diff_method: str, qubits: int, gates: int) -> int:
    """Peak bytes one configuration is predicted to need (the module docstring's model)."""
    states = BACKPROP_STATES_PER_GATE * gates if diff_method == "backprop" else OTHER_STATES
    return FIXED_BYTES + states * state_bytes(device, qubits)


def mem_available() -> int | None:
    """``MemAvailable`` of ``/proc/meminfo`` in bytes, or None where the kernel has none."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def memory_limit(read: Callable[[], int | None] = mem_available) -> int | None:
    """`AVAILABLE_FRACTION` of the memory available now; None (no limit) when unknown."""
    available = read()
    return None if available is None else int(AVAILABLE_FRACTION * available)
