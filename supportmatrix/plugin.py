"""The pytest plugin: options, and one parametrized test per matrix cell.

Thin on purpose: loading, running and judging live in plain modules.
"""

from __future__ import annotations

import os

# One thread per process: `pytest -n auto` already runs one worker per core, and the
# circuits are far too small for TensorFlow, XLA or BLAS thread pools to pay off;
# oversubscribed pools made the whole matrix about a third slower. Set before any
# framework (or NumPy's BLAS) is loaded; an explicit setting in the environment wins.
for _var, _value in {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}.items():
    os.environ.setdefault(_var, _value)

from pathlib import Path  # noqa: E402 - after the thread settings above
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from .interfaces import ADAPTERS  # noqa: E402
from .model import Matrix  # noqa: E402
from .tolerance import CHECKS_PER_SHOT_CELL  # noqa: E402

_MATRIX_KEY = pytest.StashKey[Matrix]()

#: A cell still running after this long is hung: the slowest healthy cell (the first
#: TensorFlow cell of a worker, which pays for importing TensorFlow) takes about 4 s.
#: The "thread" method also stops a hang inside native code: it ends the worker, and
#: pytest-xdist reports that cell as crashed and starts a new worker for the rest.
CELL_TIMEOUT_SECONDS = 60
#: Hybrid cells train; the first Keras cell of a pytest process also starts its backend
#: worker (importing Keras, the backend and PennyLane), which took up to 50 s on a loaded
#: 2-core machine.
HYBRID_CELL_TIMEOUT_SECONDS = 300


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("supportmatrix", "PennyLane support matrix")
    group.addoption(
        "--matrix",
        default="matrix.yaml",
        metavar="PATH",
        help="matrix file whose cells become tests (default: %(default)s, relative to rootdir)",
    )


def _matrix_path(config: pytest.Config) -> Path:
    return config.rootpath / config.getoption("matrix")  # an absolute PATH replaces rootpath


def pytest_sessionstart(session: pytest.Session) -> None:
    # Load before collection: a UsageError here is one line and exit code 4, while one
    # raised while parametrizing would be reported as a collection error with a traceback.
    config = session.config
    if config.getoption("matrix") != "matrix.yaml" or _matrix_path(config).exists():
        _matrix(config)


def _matrix(config: pytest.Config) -> Matrix:
    """The matrix, loaded once per process; a bad file stops the run with one line."""
    if _MATRIX_KEY not in config.stash:
        from .loader import MatrixError, load_matrix

        path = _matrix_path(config)
        try:
            config.stash[_MATRIX_KEY] = load_matrix(path)
        except MatrixError as exc:
            raise pytest.UsageError(str(exc)) from None
        except OSError as exc:
            raise pytest.UsageError(f"cannot read matrix {path}: {exc.strerror or exc}") from None
    return config.stash[_MATRIX_KEY]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "resolved_hybrid_cell" in metafunc.fixturenames:
        _parametrize_hybrid(metafunc)
    if "resolved_cell" not in metafunc.fixturenames:
        return
    matrix = _matrix(metafunc.config)
    available = {name: adapter.available() for name, adapter in ADAPTERS.items()}
    params = []
    for rc in matrix.cells:
        adapter = ADAPTERS[rc.cell.interface]
        marks = [pytest.mark.timeout(CELL_TIMEOUT_SECONDS, method="thread")]
        if not available[rc.cell.interface]:
            marks.append(pytest.mark.skip(reason=f"{adapter.requires} is not installed "
                                                 f"(needed by interface {rc.cell.interface})"))
        params.append(pytest.param(rc, id=rc.cell.id, marks=marks))
    metafunc.parametrize("resolved_cell", params)


def _parametrize_hybrid(metafunc: pytest.Metafunc) -> None:
    from .hybrid_runner import missing_module

    params = []
    for rc in _matrix(metafunc.config).hybrid_cells:
        marks = [pytest.mark.timeout(HYBRID_CELL_TIMEOUT_SECONDS, method="thread")]
        missing = missing_module(rc.cell.layer)
        if missing is not None:
            marks.append(pytest.mark.skip(
                reason=f"{missing} is not installed (needed by layer {rc.cell.layer})"))
        params.append(pytest.param(rc, id=rc.cell.id, marks=marks))
    metafunc.parametrize("resolved_hybrid_cell", params)


@pytest.fixture(scope="session")
def shot_check_count(request: pytest.FixtureRequest) -> int:
    """How many finite-shot values a whole-matrix run checks: the union-bound family size."""
    matrix = _matrix(request.config)
    return CHECKS_PER_SHOT_CELL * sum(rc.cell.shots is not None for rc in matrix.cells)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "matrix: a cell of matrix.yaml")
    config.addinivalue_line("markers", "hybrid: a hybrid-model cell of matrix.yaml")


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "resolved_cell" in fixtures:
            item.add_marker("matrix")
        if "resolved_hybrid_cell" in fixtures:
            item.add_marker("hybrid")
