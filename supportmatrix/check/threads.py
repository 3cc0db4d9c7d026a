"""One thread per process for every framework: set before any of them is imported.

`pytest -n auto` (and the scripts' worker pools) already run one process per core,
and the circuits are far too small for TensorFlow, XLA or BLAS thread pools to pay
off; oversubscribed pools made the whole matrix about a third slower.

Set by the plugin's ``pytest_configure`` in every pytest process that runs cells, in
the environment of the Keras worker processes (`hybrid.keras_backends`), and by the
scripts that run cells outside pytest.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

_SETTINGS = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}


def one_thread_per_process() -> None:
    """Set the thread-pool sizes of NumPy's BLAS, TensorFlow and XLA to one; an explicit
    setting in the environment wins."""
    for var, value in _SETTINGS.items():
        os.environ.setdefault(var, value)


def one_thread_env(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with the same settings added, for a child process; ``env``'s own win."""
    return {**_SETTINGS, **env}
