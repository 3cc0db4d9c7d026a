"""The pytest plugin: options, and one parametrized test per matrix cell.

Thin on purpose: loading, running and judging live in plain modules. Importing it does
no work: through the ``pytest11`` entry point every pytest session of every project in
this environment imports it, so it imports nothing that loads NumPy and sets no thread
limits until `pytest_configure` finds a matrix to run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from supportmatrix.check.threads import one_thread_per_process

if TYPE_CHECKING:
    from supportmatrix.matrix.model import Matrix, ResolvedCell, ResolvedFeatureCell

_MATRIX_KEY: pytest.StashKey[Matrix] = pytest.StashKey()

#: A cell still running after this long is hung: the slowest healthy cell (the first
#: TensorFlow cell of a worker, which pays for importing TensorFlow) takes about 4 s.
#: The "thread" method also stops a hang inside native code: it ends the worker, and
#: pytest-xdist reports that cell as crashed and starts a new worker for the rest.
CELL_TIMEOUT_SECONDS = 60
#: A property test runs many circuits of up to 4 wires and 3 layers; under the
#: ``thorough`` profile that is a few hundred cells' worth of work.
PROPERTY_TIMEOUT_SECONDS = 900
#: Hybrid cells train; the first Keras cell of a pytest process also starts its backend
#: worker (importing Keras, the backend and PennyLane), which took up to 50 s on a loaded
#: 2-core machine.
HYBRID_CELL_TIMEOUT_SECONDS = 300
#: A Catalyst cell compiles two programs (under a second each); the first cell of a
#: process also imports jax, PennyLane and Catalyst (about 10 s on a loaded machine).
QJIT_CELL_TIMEOUT_SECONDS = 120
#: The marker of the Catalyst cells; they run only with ``--qjit`` or a ``-m`` that names it.
QJIT_MARKER = "qjit"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("supportmatrix", "PennyLane support matrix")
    group.addoption(
        "--matrix",
        default="matrix.yaml",
        metavar="PATH",
        help="matrix file whose cells become tests (default: %(default)s, relative to rootdir)",
    )
    group.addoption(
        "--supportmatrix-json",
        default=None,
        metavar="PATH",
        help="write what every cell observed to this results file (merged across xdist workers)",
    )
    group.addoption(
        "--qjit",
        action="store_true",
        default=False,
        help="also run the Catalyst cells (qjit: in the matrix; about 0.6 s each, so they are "
             "left out of the default run); '-m qjit' selects them too",
    )


def _matrix_path(config: pytest.Config) -> Path:
    return config.rootpath / config.getoption("matrix")  # an absolute PATH replaces rootpath


def _runs_matrix(config: pytest.Config) -> bool:
    """Whether this session is the suite's: ``--matrix`` was given, or the rootdir has a
    matrix.yaml. Any other project's session is left alone."""
    return config.getoption("matrix") != "matrix.yaml" or _matrix_path(config).exists()


def pytest_sessionstart(session: pytest.Session) -> None:
    # Load before collection: a UsageError here is one line and exit code 4, while one
    # raised while parametrizing would be reported as a collection error with a traceback.
    if _runs_matrix(session.config):
        _matrix(session.config)


def _matrix(config: pytest.Config) -> Matrix:
    """The matrix, loaded once per process; a bad file stops the run with one line."""
    if _MATRIX_KEY not in config.stash:
        from supportmatrix.matrix.load import MatrixError, load_matrix

        path = _matrix_path(config)
        try:
            config.stash[_MATRIX_KEY] = load_matrix(path)
        except MatrixError as exc:
            raise pytest.UsageError(str(exc)) from None
        except OSError as exc:
            raise pytest.UsageError(f"cannot read matrix {path}: {exc.strerror or exc}"
                                    f"{_rootdir_hint(config)}") from None
    return config.stash[_MATRIX_KEY]


def _rootdir_hint(config: pytest.Config) -> str:
    """Why the default matrix was looked for outside the invocation directory, if it was.

    pytest picks its rootdir from the command line's existing paths before plugins add their
    options, so the value of ``--supportmatrix-json PATH`` written as two words counts as one:
    a results file kept outside the checkout moves the rootdir there."""
    invoked = config.invocation_params.dir
    if config.getoption("matrix") != "matrix.yaml" or config.rootpath == invoked:
        return ""
    return (f" (pytest chose rootdir {config.rootpath} from a path on the command line; "
            f"write --supportmatrix-json=PATH with '=', or pass --rootdir={invoked})")


def _cell_params(cells: list[ResolvedCell] | list[ResolvedFeatureCell], timeout: float) -> list[Any]:
    from supportmatrix.check.interfaces import ADAPTERS

    available = {name: adapter.available() for name, adapter in ADAPTERS.items()}
    params = []
    for rc in cells:
        adapter = ADAPTERS[rc.cell.interface]
        marks = [pytest.mark.timeout(timeout, method="thread")]
        if not available[rc.cell.interface]:
            marks.append(pytest.mark.skip(reason=f"{adapter.requires} is not installed "
                                                 f"(needed by interface {rc.cell.interface})"))
        params.append(pytest.param(rc, id=rc.cell.id, marks=marks))
    return params


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "resolved_hybrid_cell" in metafunc.fixturenames:
        _parametrize_hybrid(metafunc)
    if "resolved_feature_cell" in metafunc.fixturenames:
        features = list(_matrix(metafunc.config).feature_cells)
        metafunc.parametrize("resolved_feature_cell", _cell_params(features, CELL_TIMEOUT_SECONDS))
    if "resolved_cell" in metafunc.fixturenames:
        cells = list(_matrix(metafunc.config).cells)
        metafunc.parametrize("resolved_cell", _cell_params(cells, CELL_TIMEOUT_SECONDS))
    if "resolved_qjit_cell" in metafunc.fixturenames:
        _parametrize_qjit(metafunc)
    if "supported_class" in metafunc.fixturenames:
        from supportmatrix.qnode.representatives import supported_classes

        classes = supported_classes(_matrix(metafunc.config))
        metafunc.parametrize("supported_class", _cell_params(classes, PROPERTY_TIMEOUT_SECONDS))
    if "supported_feature_class" in metafunc.fixturenames:
        from supportmatrix.features.representatives import supported_feature_classes

        feature_classes = supported_feature_classes(_matrix(metafunc.config))
        metafunc.parametrize("supported_feature_class",
                             _cell_params(feature_classes, PROPERTY_TIMEOUT_SECONDS))


def _parametrize_hybrid(metafunc: pytest.Metafunc) -> None:
    from supportmatrix.hybrid.runner import missing_module_for_layer

    params = []
    for rc in _matrix(metafunc.config).hybrid_cells:
        marks = [pytest.mark.timeout(HYBRID_CELL_TIMEOUT_SECONDS, method="thread")]
        missing = missing_module_for_layer(rc.cell.layer)
        if missing is not None:
            marks.append(pytest.mark.skip(
                reason=f"{missing} is not installed (needed by layer {rc.cell.layer})"))
        params.append(pytest.param(rc, id=rc.cell.id, marks=marks))
    metafunc.parametrize("resolved_hybrid_cell", params)


def _parametrize_qjit(metafunc: pytest.Metafunc) -> None:
    from supportmatrix.qjit.runner import missing_catalyst

    missing = missing_catalyst()
    params = []
    for rc in _matrix(metafunc.config).qjit_cells:
        marks = [pytest.mark.timeout(QJIT_CELL_TIMEOUT_SECONDS, method="thread")]
        if missing is not None:
            marks.append(pytest.mark.skip(reason=f"{missing} is not installed (needed by the "
                                                 f"qjit family: catalyst, behind qml.qjit)"))
        params.append(pytest.param(rc, id=rc.cell.id, marks=marks))
    metafunc.parametrize("resolved_qjit_cell", params)


@pytest.fixture(scope="session")
def qjit_shot_check_count(request: pytest.FixtureRequest) -> int:
    """How many finite-shot values the Catalyst family checks: its own union-bound family."""
    from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL

    matrix = _matrix(request.config)
    return CHECKS_PER_SHOT_CELL * sum(rc.cell.shots is not None for rc in matrix.qjit_cells)


@pytest.fixture(scope="session")
def shot_check_count(request: pytest.FixtureRequest) -> int:
    """How many finite-shot values a whole-matrix run checks: the union-bound family size."""
    from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL

    matrix = _matrix(request.config)
    return CHECKS_PER_SHOT_CELL * sum(rc.cell.shots is not None for rc in matrix.cells)


@pytest.fixture(scope="session")
def feature_shot_check_count(request: pytest.FixtureRequest) -> int:
    """How many finite-shot values a run of the whole features family checks: its own
    union-bound family size."""
    from supportmatrix.check.tolerance import CHECKS_PER_SHOT_CELL

    matrix = _matrix(request.config)
    return CHECKS_PER_SHOT_CELL * sum(rc.cell.shots is not None for rc in matrix.feature_cells)


#: The fixture that holds each family's cell, in the order `record_cell` looks for them.
_CELL_FIXTURES = ("resolved_hybrid_cell", "resolved_qjit_cell", "resolved_feature_cell", "resolved_cell")


@pytest.fixture
def record_cell(request: pytest.FixtureRequest) -> Callable[[Any, list[str]], None]:
    """Attach a cell's record (of any family) to its report when
    ``--supportmatrix-json`` is given."""
    if request.config.getoption("supportmatrix_json") is None:
        return lambda run, problems: None
    from supportmatrix.release.codec import CellRecord
    from supportmatrix.release.recording import PROPERTY

    fixture = next(name for name in _CELL_FIXTURES if name in request.fixturenames)

    def record(run: Any, problems: list[str]) -> None:
        resolved = request.getfixturevalue(fixture)
        # As JSON: the report carries it from an xdist worker to the controller.
        request.node.user_properties.append((PROPERTY, CellRecord.of_run(resolved, run, problems).to_json()))

    return record


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Thread-pool sizes are read once, when NumPy's BLAS, torch, TensorFlow or XLA first
    # loads in a process, so they are set here: every process that runs cells (pytest
    # itself, or each xdist worker, which runs pytest_configure too) gets here before
    # collection imports a test module and with it any framework; this plugin imports
    # none. Only initial conftest.py files load earlier, and the suite has none.
    if _runs_matrix(config):
        one_thread_per_process()
    from supportmatrix.release.recording import CELL_MARKER

    config.addinivalue_line("markers", f"{CELL_MARKER}: a cell of matrix.yaml")
    config.addinivalue_line("markers", "hybrid: a hybrid-model cell of matrix.yaml")
    config.addinivalue_line("markers", f"{QJIT_MARKER}: a Catalyst cell of matrix.yaml (qjit:); "
                                       "run with --qjit or -m qjit")
    config.addinivalue_line("markers", "features: a features-family cell of matrix.yaml")
    path = config.getoption("supportmatrix_json")
    # Only the controller writes: xdist workers send their records to it in the reports.
    if path is not None and not hasattr(config, "workerinput"):
        from supportmatrix.release.recording import ResultsRecorder

        config.pluginmanager.register(
            ResultsRecorder(_matrix(config), Path(path).absolute()), "supportmatrix-results")


def pytest_collection_modifyitems(config: pytest.Config, items: list[Any]) -> None:
    from supportmatrix.release.recording import CELL_MARKER

    qjit_items = []
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "resolved_cell" in fixtures:
            item.add_marker(CELL_MARKER)
        if "resolved_hybrid_cell" in fixtures:
            item.add_marker("hybrid")
        if "resolved_feature_cell" in fixtures:
            item.add_marker("features")
        if "resolved_qjit_cell" in fixtures:
            item.add_marker(QJIT_MARKER)
            qjit_items.append(item)
    if qjit_items and not _runs_qjit(config):
        # Deselected here rather than by `-m "not qjit"` in addopts, which a user's own `-m`
        # would replace, bringing the slow family back into an ordinary run.
        config.hook.pytest_deselected(items=qjit_items)
        chosen = set(map(id, qjit_items))
        items[:] = [item for item in items if id(item) not in chosen]


def _runs_qjit(config: pytest.Config) -> bool:
    """Whether this run asked for the Catalyst cells: ``--qjit``, or a ``-m`` naming them."""
    return bool(config.getoption("qjit")) or QJIT_MARKER in (config.getoption("markexpr") or "")
