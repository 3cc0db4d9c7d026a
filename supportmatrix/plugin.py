"""The pytest plugin: options, and one parametrized test per matrix cell.

Thin on purpose: loading, running and judging live in plain modules. Importing it does
no work: through the ``pytest11`` entry point every pytest session of every project in
this environment imports it, so it imports nothing that loads NumPy and sets no thread
limits until `pytest_configure` finds a matrix to run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from supportmatrix.check.threads import one_thread_per_process

if TYPE_CHECKING:
    from supportmatrix.matrix.families import Family
    from supportmatrix.matrix.model import Matrix, ResolvedCell

_MATRIX_KEY: pytest.StashKey[Matrix] = pytest.StashKey()
_FAMILY_SIZES_KEY: pytest.StashKey[dict[str, int]] = pytest.StashKey()

#: A property test runs many circuits of up to 4 wires and 3 layers; under the
#: ``thorough`` profile that is a few hundred cells' worth of work.
PROPERTY_TIMEOUT_SECONDS = 900
#: The attribute `cell_tests` sets on each family's test function: the family it runs.
FAMILY_ATTRIBUTE = "supportmatrix_family"
#: The marker of a property test, naming the family whose classes parametrize its
#: ``supported_class`` (`families.Family.property_classes`).
CLASSES_MARKER = "supportmatrix_classes"


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
    from supportmatrix.matrix.families import FAMILIES

    for family in FAMILIES:
        if not family.runs_by_default:
            group.addoption(
                f"--{family.name}",
                action="store_true",
                default=False,
                help=f"also run the {family.title} cells ({family.section} in the matrix; slow, "
                f"so left out of the default run); '-m {family.marker}' selects them too",
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
            raise pytest.UsageError(
                f"cannot read matrix {path}: {exc.strerror or exc}{_rootdir_hint(config)}"
            ) from None
    return config.stash[_MATRIX_KEY]


def _rootdir_hint(config: pytest.Config) -> str:
    """Why the default matrix was looked for outside the invocation directory, if it was.

    pytest picks its rootdir from the command line's existing paths before plugins add their
    options, so the value of ``--supportmatrix-json PATH`` written as two words counts as one:
    a results file kept outside the checkout moves the rootdir there."""
    invoked = config.invocation_params.dir
    if config.getoption("matrix") != "matrix.yaml" or config.rootpath == invoked:
        return ""
    return (
        f" (pytest chose rootdir {config.rootpath} from a path on the command line; "
        f"write --supportmatrix-json=PATH with '=', or pass --rootdir={invoked})"
    )


def _cell_params(cells: Iterable[ResolvedCell], family: Family, timeout: float) -> list[Any]:
    """One `pytest.param` per cell, id'd by the cell, skipped (naming the package) where the
    family says the cell cannot run here."""
    missing = family.load("missing")
    params = []
    for rc in cells:
        marks = [pytest.mark.timeout(timeout, method="thread")]
        reason = missing(rc.cell)
        if reason is not None:
            marks.append(pytest.mark.skip(reason=reason))
        params.append(pytest.param(rc, id=rc.cell.id, marks=marks))
    return params


def _family_of_test(function: object) -> Family | None:
    return getattr(function, FAMILY_ATTRIBUTE, None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    family = _family_of_test(metafunc.function)
    if family is not None:
        cells = _matrix(metafunc.config).family(family.name).cells
        metafunc.parametrize("resolved_cell", _cell_params(cells, family, family.timeout_seconds))
    marker = metafunc.definition.get_closest_marker(CLASSES_MARKER)
    if marker is not None:
        from supportmatrix.matrix.families import family_named

        classes_of = family_named(*marker.args)
        classes = classes_of.load("property_classes")(_matrix(metafunc.config))
        metafunc.parametrize("supported_class", _cell_params(classes, classes_of, PROPERTY_TIMEOUT_SECONDS))


@pytest.fixture
def family_size(request: pytest.FixtureRequest) -> int:
    """How many finite-shot values a run of the cell's whole family checks: the union-bound
    family size its shot-noise tolerances divide the failure budget by (1 where the family
    checks no shot noise)."""
    from supportmatrix.check.bounds import CHECKS_PER_SHOT_CELL

    family = _family_of_test(request.function)
    assert family is not None, "family_size is for the cell tests of cell_tests"
    if not family.counts_shot_checks:
        return 1
    sizes = request.config.stash.setdefault(_FAMILY_SIZES_KEY, {})
    if family.name not in sizes:
        cells = _matrix(request.config).family(family.name).cells
        sizes[family.name] = CHECKS_PER_SHOT_CELL * sum(rc.cell.shots is not None for rc in cells)
    return sizes[family.name]


@pytest.fixture(scope="session")
def matrix_file(request: pytest.FixtureRequest) -> str:
    """The matrix file as a person names it from where pytest was started."""
    path = _matrix_path(request.config)
    try:
        return str(path.relative_to(request.config.invocation_params.dir))
    except ValueError:
        return str(path)


@pytest.fixture
def record_cell(request: pytest.FixtureRequest) -> Callable[[Any, list[str]], None]:
    """Attach a cell's record (of any family) to its report when
    ``--supportmatrix-json`` is given."""
    if request.config.getoption("supportmatrix_json") is None:
        return lambda run, problems: None
    from supportmatrix.release.codec import CellRecord
    from supportmatrix.release.recording import PROPERTY

    def record(run: Any, problems: list[str]) -> None:
        resolved = request.getfixturevalue("resolved_cell")
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
    from supportmatrix.matrix.families import FAMILIES

    config.addinivalue_line(
        "markers",
        f"{CLASSES_MARKER}(family): a property test run on each "
        "supported class of that family, as supported_class",
    )
    for family in FAMILIES:
        how = "" if family.runs_by_default else f"; run with --{family.name} or -m {family.marker}"
        config.addinivalue_line("markers", f"{family.marker}: a {family.title} cell of the matrix{how}")
    path = config.getoption("supportmatrix_json")
    # Only the controller writes: xdist workers send their records to it in the reports.
    if path is not None and not hasattr(config, "workerinput"):
        from supportmatrix.release.recording import ResultsRecorder

        config.pluginmanager.register(
            ResultsRecorder(_matrix(config), Path(path).absolute()), "supportmatrix-results"
        )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[Any]) -> None:
    _add_cell_tests(session, config, items)
    left_out: list[Any] = []
    for item in items:
        family = _family_of_test(getattr(item, "function", None))
        if family is None:
            continue
        item.add_marker(family.marker)
        if not family.runs_by_default and not _asked_for(config, family):
            left_out.append(item)
    if left_out:
        # Deselected here rather than by `-m "not qjit"` in addopts, which a user's own `-m`
        # would replace, bringing a slow family back into an ordinary run.
        config.hook.pytest_deselected(items=left_out)
        chosen = set(map(id, left_out))
        items[:] = [item for item in items if id(item) not in chosen]


def _add_cell_tests(session: pytest.Session, config: pytest.Config, items: list[Any]) -> None:
    """``pytest --matrix FILE`` where no collected test is a cell test (a plugin author's
    repository, which holds a declaration and no copy of the suite's test modules): the
    packaged cell tests are collected too, so the file's cells are the tests."""
    if config.getoption("matrix") == "matrix.yaml" or any(
        _family_of_test(getattr(item, "function", None)) for item in items
    ):
        return
    import importlib.util

    spec = importlib.util.find_spec("supportmatrix.cell_tests")
    if spec is None or spec.origin is None:
        return
    module = pytest.Module.from_parent(session, path=Path(spec.origin))
    items.extend(session.genitems(module))


def _asked_for(config: pytest.Config, family: Family) -> bool:
    """Whether this run asked for a family left out by default: its option, or a ``-m``
    naming its marker."""
    return bool(config.getoption(family.name)) or family.marker in (config.getoption("markexpr") or "")
