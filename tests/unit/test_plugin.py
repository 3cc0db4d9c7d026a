"""The pytest plugin end to end, on a small matrix run for real with pytester."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

# pytester's in-process runs drop modules first imported inside them, and PennyLane's
# native extensions cannot be loaded twice: import it here, outside those runs.
import pennylane  # noqa: F401
import pytest

from supportmatrix.check import interfaces
from supportmatrix.check.threads import one_thread_env

# Imported here for the same reason: the qjit tests patch this module, which must be the one
# the in-process runs see (Catalyst's own native dialects cannot be loaded twice either).
from supportmatrix.qjit import runner as qjit_runner
from supportmatrix.release.results import load_results

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parents[2]
TEST_MODULE = (ROOT / "tests" / "test_qnode.py").read_text()

MATRIX = """\
schema_version: 2
axes:
  device: [default.qubit]
  interface: [autograd]
  diff_method: [backprop, parameter-shift]
  measurement: [expval, purity]
  shots: [None]
notes:
  zero: parameter-shift returns zeros for purity.
  refused: The device refuses this configuration.
rules:
  - expect: supported
  - where: {diff_method: parameter-shift, measurement: purity}
    expect: {outcome: incorrect, note: zero}
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    # another name than tests/test_qnode.py, which the same worker may have imported
    pytester.makepyfile(test_cells_under_test=TEST_MODULE)
    return pytester


def test_true_matrix_passes_with_readable_ids(suite: pytest.Pytester) -> None:
    suite.makefile(".yaml", matrix=MATRIX)
    result = suite.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        ["*test_qnode_cell[[]default.qubit-autograd-backprop-expval-analytic[]] PASSED*"]
    )


def test_a_wrong_declaration_fails_with_diagnosis_and_snippet(suite: pytest.Pytester) -> None:
    suite.makefile(
        ".yaml", matrix=MATRIX.replace("expect: {outcome: incorrect, note: zero}", "expect: supported")
    )
    result = suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*[[]default.qubit-autograd-parameter-shift-purity-analytic[]]*",
            "*observed incorrect*but matrix.yaml declares supported*",
            "*max abs error*worst entry*",
            "*reproduce with:*",
            "*qml.jacobian(f)(x)*",
            # the rule that decided it (MATRIX's second rule, now `expect: supported`), and the cure
            "  declared by: matrix.yaml:13 (expect)",
            "  if the new behaviour is right, accept it (a rule gated on the installed release):",
            "    supportmatrix observe --matrix matrix.yaml "
            "-k default.qubit-autograd-parameter-shift-purity-analytic -o observed.json",
            "    supportmatrix update --matrix matrix.yaml --from observed.json",
            "  and regenerate docs/support-table.md.",
        ]
    )


def test_a_declared_error_that_now_works_fails(suite: pytest.Pytester) -> None:
    broken = (
        MATRIX
        + """\
  - where: {diff_method: backprop, measurement: expval}
    expect: {outcome: errors, note: refused, error: {class: DeviceError, match: nope, stage: forward}}
"""
    )
    suite.makefile(".yaml", matrix=broken)
    result = suite.runpytest("-p", "no:cacheprovider", "-k", "backprop and expval")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*observed supported, but matrix.yaml declares errors*"])


def test_a_malformed_matrix_is_one_line_and_no_tests(suite: pytest.Pytester) -> None:
    suite.makefile(".yaml", matrix=MATRIX.replace("interface: [autograd]", "interface: [pytorch]"))
    result = suite.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*matrix.yaml:4: axes.interface[[]0[]]: unknown value 'pytorch'*"])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


@pytest.mark.timeout(60)  # expanding the aliases would take minutes: collection would hang
def test_a_matrix_of_nested_aliases_stops_the_run_with_one_line(suite: pytest.Pytester) -> None:
    hostile = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    suite.makefile(".yaml", hostile=hostile)
    result = suite.runpytest("-p", "no:cacheprovider", "--matrix", "hostile.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*hostile.yaml:1: a: anchors/aliases are not allowed (found anchor &a); matrix.yaml is "
            "plain data: write the values out"
        ]
    )
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_results_file_outside_the_checkout_moving_the_rootdir_is_named(
    suite: pytest.Pytester,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # pytest takes the rootdir from the command line's existing paths before plugins add
    # their options, so an old results file given as a separate word moves it (to what it
    # shares with the invocation directory). In process the plugin is registered earlier:
    # only a subprocess sees what a user sees.
    suite.makefile(".yaml", matrix=MATRIX)
    old = tmp_path_factory.mktemp("elsewhere") / "results.json"
    old.write_text("{}")
    rootdir = Path(os.path.commonpath([suite.path, old]))
    result = suite.runpytest_subprocess("-p", "no:cacheprovider", "--supportmatrix-json", str(old))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line] == [
        f"ERROR: cannot read matrix {rootdir / 'matrix.yaml'}: No such file or directory "
        f"(pytest chose rootdir {rootdir} from a path on the command line; write "
        f"--supportmatrix-json=PATH with '=', or pass --rootdir={suite.path})"
    ]
    result = suite.runpytest_subprocess(
        "-p", "no:cacheprovider", f"--supportmatrix-json={old}", "-k", "expval"
    )
    result.assert_outcomes(passed=2, deselected=2)
    assert len(load_results(old)["cells"]) == 2


def test_matrix_option_selects_another_file(suite: pytest.Pytester) -> None:
    suite.makefile(".yaml", other=MATRIX)
    result = suite.runpytest("-p", "no:cacheprovider", "--matrix", "other.yaml", "-k", "expval")
    result.assert_outcomes(passed=2, deselected=2)


@pytest.fixture
def torchless_suite(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """The suite on autograd and torch cells, with torch's adapter needing a missing module.

    In-process runs only: the patch reaches the plugin, and monkeypatch undoes it afterwards."""
    torch = dataclasses.replace(interfaces.ADAPTERS["torch"], requires="no_such_torch")
    monkeypatch.setitem(interfaces.ADAPTERS, "torch", torch)
    suite.makefile(".yaml", matrix=MATRIX.replace("interface: [autograd]", "interface: [autograd, torch]"))
    return suite


def test_a_missing_framework_turns_its_cells_into_skips_with_the_reason(
    torchless_suite: pytest.Pytester,
) -> None:
    result = torchless_suite.runpytest("-p", "no:cacheprovider", "-rs", "-k", "expval")
    result.assert_outcomes(passed=2, skipped=2, deselected=4)
    result.stdout.fnmatch_lines(["*no_such_torch is not installed (needed by interface torch)*"])


def test_a_property_test_with_a_cell_id_never_stands_in_for_the_cell(
    torchless_suite: pytest.Pytester,
) -> None:
    # Property tests are parametrized by cell ids. Here one fails before the cells run
    # (its module sorts first) and the torch cells are skips: the results file must hold
    # the skips, as the cells' own reports say, not the property test's failure.
    suite = torchless_suite
    suite.makepyfile(
        test_a_properties="""
import pytest
IDS = ["default.qubit-torch-backprop-expval-analytic", "default.qubit-autograd-backprop-expval-analytic"]
@pytest.mark.parametrize("cell_id", IDS, ids=IDS)
def test_property(cell_id):
    pytest.fail("a counterexample")
"""
    )
    result = suite.runpytest("-p", "no:cacheprovider", "-k", "expval", "--supportmatrix-json", "results.json")
    result.assert_outcomes(passed=2, skipped=2, failed=2, deselected=4)
    statuses = {r["id"]: r["status"] for r in load_results(suite.path / "results.json")["cells"]}
    assert statuses == {
        "default.qubit-autograd-backprop-expval-analytic": "pass",
        "default.qubit-autograd-parameter-shift-expval-analytic": "pass",
        "default.qubit-torch-backprop-expval-analytic": "skipped",
        "default.qubit-torch-parameter-shift-expval-analytic": "skipped",
    }


def test_a_crashing_cell_fails_alone_and_the_run_goes_on(suite: pytest.Pytester) -> None:
    # A segfault in a native simulator, simulated: the worker dies inside one cell.
    suite.makefile(".yaml", matrix=MATRIX)
    suite.makeconftest("""
import os, signal
from supportmatrix.qnode import runner
_real = runner.run_qnode_cell
def run_qnode_cell(cell, **kwargs):
    if cell.id == "default.qubit-autograd-backprop-purity-analytic":
        os.kill(os.getpid(), signal.SIGSEGV)
    return _real(cell, **kwargs)
runner.run_qnode_cell = run_qnode_cell
""")
    # The conftest is imported before the cell test module, which then imports the patched
    # run_qnode_cell. The results file must hold every cell, the crashed one included.
    result = suite.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "1", "--supportmatrix-json", "results.json"
    )
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        ["*worker 'gw0' crashed while running*default.qubit-autograd-backprop-purity-analytic*"]
    )
    document = load_results(suite.path / "results.json")
    statuses = {r["id"]: r["status"] for r in document["cells"]}
    assert statuses.pop("default.qubit-autograd-backprop-purity-analytic") == "crashed"
    assert set(statuses.values()) == {"pass"} and len(statuses) == 3


def test_observe_records_a_mismatch_without_failing(suite: pytest.Pytester) -> None:
    suite.makefile(
        ".yaml", matrix=MATRIX.replace("expect: {outcome: incorrect, note: zero}", "expect: supported")
    )
    result = suite.run(
        sys.executable, "-m", "supportmatrix", "observe", "-n", "2", "--no-progress", "-o", "observed.json"
    )
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(
        [
            "observed 4 cells in * s -> observed.json",
            "  outcomes: incorrect 1, supported 3",
            "  against matrix.yaml: pass 3, fail 1",
            "  fail: default.qubit-autograd-parameter-shift-purity-analytic: observed incorrect*",
        ]
    )
    document = load_results(suite.path / "observed.json")
    assert document["summary"]["status"]["fail"] == 1


THREAD_VARS = sorted(one_thread_env({}))


def test_importing_the_plugin_sets_nothing_and_loads_no_numpy() -> None:
    # pytest imports the plugin in every session of every project in the environment.
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    code = (
        "import json, os, sys, supportmatrix.plugin; "
        f"print(json.dumps([[os.environ.get(v) for v in {THREAD_VARS!r}], 'numpy' in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out) == [[None] * len(THREAD_VARS), False]


ONE_THREAD_TEST = """\
import os

def test_threads():
    assert os.environ.get("OMP_NUM_THREADS") == {expected!r}
    if {expected!r} == "1":  # and NumPy's BLAS, loaded only now, took it in this worker
        threadpoolctl = __import__("pytest").importorskip("threadpoolctl")
        import numpy  # noqa: F401
        assert {{i["num_threads"] for i in threadpoolctl.threadpool_info()}} <= {{1}}
"""


@pytest.mark.parametrize(
    ("matrix", "expected"), [(True, "1"), (False, None)], ids=["suite-session", "other-project"]
)
def test_only_a_session_with_a_matrix_runs_single_threaded(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, matrix: bool, expected: str | None
) -> None:
    for var in THREAD_VARS:
        monkeypatch.delenv(var, raising=False)
    if matrix:
        pytester.makefile(".yaml", matrix=MATRIX)
    pytester.makepyfile(test_env=ONE_THREAD_TEST.format(expected=expected))
    # -n 1: the test runs in an xdist worker, a process of its own
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "1")
    result.assert_outcomes(passed=1)


# --------------------------------------------------------------------------- the qjit family

QJIT_MATRIX = (
    MATRIX
    + """\
qjit:
  axes:
    device: [default.qubit]
    diff_method: [adjoint]
    grad_function: [catalyst.grad]
    method: [auto, fd]
    measurement: [expval]
    shots: [None]
    derivative: [first]
  rules:
    - expect: {outcome: errors, note: refused,
               error: {class: CompileError, stage: forward, match: 'incompatible device'}}
"""
)
QJIT_TEST_MODULE = (ROOT / "tests" / "test_qjit.py").read_text()


@pytest.fixture
def qjit_suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(test_qjit_cells_under_test=QJIT_TEST_MODULE)
    pytester.makefile(".yaml", matrix=QJIT_MATRIX)
    # Never compile here: these runs are about selection, not about Catalyst.
    monkeypatch.setattr(qjit_runner, "missing_catalyst", lambda: "pennylane-catalyst")
    return pytester


def test_qjit_cells_are_left_out_of_the_default_run(qjit_suite: pytest.Pytester) -> None:
    result = qjit_suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(deselected=2)


@pytest.mark.parametrize("selection", [["--qjit"], ["-m", "qjit"]])
def test_qjit_cells_without_catalyst_are_skips_naming_it(
    qjit_suite: pytest.Pytester, selection: list[str]
) -> None:
    result = qjit_suite.runpytest("-p", "no:cacheprovider", "-rs", "-v", *selection)
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(
        [
            "*test_qjit_cell[[]qjit-default.qubit-adjoint-catalyst.grad-auto-expval-analytic-first[]]*",
            "*SKIPPED*pennylane-catalyst is not installed*",
        ]
    )


def test_a_matrix_file_alone_brings_the_packaged_cell_tests(pytester: pytest.Pytester) -> None:
    """A plugin author's repository: a declaration and no test module; `pytest --matrix
    FILE` runs the file's cells."""
    pytester.makefile(".yaml", mine=MATRIX)
    pytester.makepyfile(test_own="def test_own():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--matrix", "mine.yaml", "-k", "expval or own")
    # deselected: the 2 purity cells, and the families the file does not declare (the
    # hybrid and features tests have no cell; the qjit test is left out by default)
    result.assert_outcomes(passed=3, deselected=5)
