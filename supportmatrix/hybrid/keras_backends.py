"""One worker process per Keras backend, for the Keras hybrid cells.

Keras reads ``KERAS_BACKEND`` once, when it is first imported, so cells of different
backends cannot share a process. Each pytest process (each xdist worker) starts a child
per backend on the first cell that needs it, with ``KERAS_BACKEND`` set, and reuses it for
all later cells of that backend: the import of Keras, the backend and PennyLane is paid
once per pytest process and backend. Results do not depend on which cells a child ran
before: every cell builds its model from the same seeded parameters and data.
"""

from __future__ import annotations

import atexit
import importlib.util
import os

from supportmatrix.check.threads import one_thread_env
from supportmatrix.hybrid.worker_process import WorkerProcess

#: The Keras backend each Keras layer kind runs under. ``keras-layer`` (PennyLane's own
#: KerasLayer) was written for TensorFlow's Keras.
KERAS_BACKEND_OF: dict[str, str] = {
    "keras-layer": "tensorflow",
    "keras3-jax": "jax",
    "keras3-torch": "torch",
    "keras3-tensorflow": "tensorflow",
    "keras3-jax-tuple": "jax",
    "keras3-torch-tuple": "torch",
    "keras3-tensorflow-tuple": "tensorflow",
    "keras3-package-jax": "jax",
    "keras3-package-torch": "torch",
    "keras3-package-tensorflow": "tensorflow",
}

#: Modules a Keras layer kind needs besides Keras and its backend.
EXTRA_MODULES_OF: dict[str, tuple[str, ...]] = {
    "keras3-package-jax": ("pennylane_keras_layer",),
    "keras3-package-torch": ("pennylane_keras_layer",),
    "keras3-package-tensorflow": ("pennylane_keras_layer",),
}

_workers: dict[str, WorkerProcess] = {}


def missing_keras_module(layer: str) -> str | None:
    """The first module a Keras layer kind needs that is not installed, or None."""
    for module in ("keras", KERAS_BACKEND_OF[layer], *EXTRA_MODULES_OF.get(layer, ())):
        if importlib.util.find_spec(module) is None:
            return module
    return None


def worker(backend: str) -> WorkerProcess:
    """This process's worker for ``backend``, created on first use (started on first call)."""
    if backend not in _workers:
        # The child loads Keras, its backend and NumPy on its first call, so the thread
        # limits go in its environment, whether or not this process set them (a script
        # need not have).
        env = dict(one_thread_env(os.environ), KERAS_BACKEND=backend)
        _workers[backend] = WorkerProcess(f"keras {backend}", env)
    return _workers[backend]


@atexit.register
def close_all() -> None:
    """End every worker; they would also exit on their own once this process's pipes close."""
    for process in _workers.values():
        process.close()
    _workers.clear()
