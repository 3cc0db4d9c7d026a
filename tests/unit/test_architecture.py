"""The package's shape: imports flow one way, no cycles, small modules, a layout page that matches.

The layers are the data flow, matrix.yaml -> cells -> runs -> records -> outputs. A module
may import its own package and any lower layer, never a higher one; every import counts,
including those inside functions (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from supportmatrix.matrix.devices import KNOWN_DEVICES
from supportmatrix.matrix.families import FAMILIES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "supportmatrix"

#: The layer of each subpackage or top-level module, lowest first.
LAYERS: dict[str, int] = {
    "__init__": 0,
    "output": 0,  # the version string; atomic file writes
    "matrix": 1,  # matrix.yaml -> frozen cells
    "check": 2,  # the kernel every family shares: scaffold, classify, adapters, tolerances
    "qnode": 3,  # a QNode cell run and judged (uses check)
    "hybrid": 3,  # a hybrid cell run and judged (uses check)
    "qjit": 3,  # a Catalyst cell compiled, run and judged (uses check)
    "features": 3,  # a features cell run and judged (uses check)
    "release": 4,  # runs -> records, results files, drift, update
    "report": 5,  # records and cells -> tables people read
    "pennylane_docs": 6,  # PennyLane's page, read and compared (uses report)
    "bench": 6,  # the benchmark (uses hybrid, release, report's plots)
    "cell_tests": 7,
    "plugin": 7,
    "cli": 7,
    "__main__": 7,  # entry points
}

#: Modules allowed past `MAX_LINES`, each with the reason.
LONG_MODULES: dict[str, str] = {}
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """The supportmatrix modules ``name`` imports, anywhere in its body."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = (
                importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                if node.level
                else node.module or ""
            )
            found.add(base)
            # `from supportmatrix.check import compat` imports the module check.compat
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _layer(name: str) -> int:
    part = name.split(".")[1] if "." in name else "__init__"
    if part not in LAYERS:
        raise AssertionError(f"{name}: its package {part!r} has no layer in LAYERS; add it")
    return LAYERS[part]


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        _layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_flow_one_way(name: str) -> None:
    upward = sorted(m for m in GRAPH[name] if _layer(m) > _layer(name))
    assert not upward, f"{name} (layer {_layer(name)}) imports higher layers: " + ", ".join(
        f"{m} (layer {_layer(m)})" for m in upward
    )


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_there_are_no_import_cycles() -> None:
    cycle = _find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    if name in LONG_MODULES:
        return
    lines = _line_count(MODULES[name])
    assert lines <= MAX_LINES, (
        f"{name} has {lines} lines, over {MAX_LINES}: split it by what it "
        "owns, or add it to LONG_MODULES with the reason"
    )


def _unneeded_exceptions(exceptions: dict[str, str], modules: dict[str, Path]) -> list[str]:
    """Why each entry of ``exceptions`` no longer exempts anything: no such module, or short."""
    problems = []
    for name, reason in exceptions.items():
        if name not in modules:
            problems.append(f"{name} ({reason}) is not a module of supportmatrix; drop its exception")
        elif (lines := _line_count(modules[name])) <= MAX_LINES:
            problems.append(f"{name} ({reason}) is {lines} lines now; drop its exception")
    return problems


def _unexplained_exceptions(exceptions: dict[str, str]) -> list[str]:
    """The entries of ``exceptions`` whose reason is empty or blank."""
    return [name for name, reason in exceptions.items() if not reason.strip()]


def test_long_module_exceptions_are_still_needed() -> None:
    assert _unneeded_exceptions(LONG_MODULES, MODULES) == []


def test_long_module_exceptions_each_give_a_reason() -> None:
    assert _unexplained_exceptions(LONG_MODULES) == []


def test_the_exception_checks_catch_stale_and_unexplained_entries(tmp_path: Path) -> None:
    long, short = tmp_path / "long.py", tmp_path / "short.py"
    long.write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    short.write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    modules = {"pkg.long": long, "pkg.short": short}
    assert _unneeded_exceptions({"pkg.long": "one table"}, modules) == []
    assert _unneeded_exceptions({"pkg.short": "one table", "pkg.gone": "old"}, modules) == [
        f"pkg.short (one table) is {MAX_LINES} lines now; drop its exception",
        "pkg.gone (old) is not a module of supportmatrix; drop its exception",
    ]
    assert _unexplained_exceptions({"pkg.long": "one table", "pkg.a": "", "pkg.b": "  "}) == [
        "pkg.a",
        "pkg.b",
    ]


def _layout_script():
    spec = importlib.util.spec_from_file_location("readme_layout", ROOT / "scripts" / "readme_layout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_layout_page_matches_the_package() -> None:
    layout = _layout_script()
    stored = layout.stored_block((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert stored == layout.section(), (
        "docs/architecture.md's Layout block is stale; run `python scripts/readme_layout.py --write`"
    )


def test_every_module_names_what_it_owns() -> None:
    layout = _layout_script()
    missing = [name for name, path in MODULES.items() if layout.summary(path) == "-"]
    assert not missing, "modules without a docstring: " + ", ".join(missing)


# --------------------------------------------------------------------------- families as data

#: The families' names (each is its package's name too) and the registry's constants.
PACKAGE_FAMILIES = frozenset(family.name for family in FAMILIES)
FAMILY_CONSTANTS = frozenset(name.upper() for name in PACKAGE_FAMILIES)


def _own_package(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in PACKAGE_FAMILIES else None


def family_mentions(source: str) -> list[str]:
    """Where code names a family: a string literal that is a family's name, a registry
    constant, or an import of a family's package (docstrings and longer text aside)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and node.value in PACKAGE_FAMILIES:
            found.append(f"line {node.lineno}: {node.value!r}")
        elif isinstance(node, ast.Name) and node.id in FAMILY_CONSTANTS:
            found.append(f"line {node.lineno}: {node.id}")
        elif isinstance(node, ast.alias) and node.name in FAMILY_CONSTANTS:
            found.append(f"line {node.lineno}: imports {node.name}")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and _own_package(node.module + ".x") is not None
            and node.module.count(".") >= 1
        ):
            found.append(f"line {node.lineno}: imports {node.module}")
    return sorted(found, key=lambda mention: int(mention.split(":")[0].removeprefix("line ")))


def _named_outside(name: str) -> list[str]:
    if _own_package(name) is not None or name == "supportmatrix.matrix.families":
        return []
    return family_mentions(MODULES[name].read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_family_is_named_outside_its_own_package_and_the_registry(name: str) -> None:
    mentions = _named_outside(name)
    assert not mentions, (
        f"{name} names a family ({'; '.join(mentions)}): read it from "
        "supportmatrix.matrix.families instead, so that adding a family is "
        "adding data"
    )


def test_the_family_check_sees_literals_constants_and_imports() -> None:
    source = (
        '"""A docstring may say qnode."""\n'
        "from supportmatrix.matrix.families import QJIT\n"
        "from supportmatrix.hybrid.runner import execute\n"
        'x = matrix.family("features")\n'
        'y = "the features family"\n'
    )
    assert family_mentions(source) == [
        "line 2: imports QJIT",
        "line 3: imports supportmatrix.hybrid.runner",
        "line 4: 'features'",
    ]


# --------------------------------------------------------------------------- generic table writers

FAMILY_NAMES = tuple(family.name for family in FAMILIES)
#: The identifiers each kind of syntax node introduces or uses.
_IDENTIFIERS = {
    ast.Name: lambda n: [n.id],
    ast.Attribute: lambda n: [n.attr],
    ast.FunctionDef: lambda n: [n.name],
    ast.ClassDef: lambda n: [n.name],
    ast.arg: lambda n: [n.arg],
    ast.keyword: lambda n: [n.arg or ""],
    ast.alias: lambda n: [n.name, n.asname or ""],
}


def _family_names_in(source: str, names: tuple[str, ...] = FAMILY_NAMES) -> list[str]:
    """Where ``source`` names a family: a string literal that is a family's name, or an
    identifier (variable, attribute, function, class, argument, import) that contains one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.lower() in names:
                found.append(repr(node.value))
            continue
        for kind, read in _IDENTIFIERS.items():
            if isinstance(node, kind):
                found += [i for i in read(node) if any(name in i.lower() for name in names)]
    return found


REPORT_MODULES = sorted(name for name in MODULES if name.startswith("supportmatrix.report."))


@pytest.mark.parametrize("name", REPORT_MODULES)
def test_table_writers_name_no_family(name: str) -> None:
    """Every family is drawn from its registry entry, so adding one is adding data."""
    named = _family_names_in(MODULES[name].read_text(encoding="utf-8"))
    assert not named, (
        f"{name} names families ({', '.join(sorted(set(named)))}): read the "
        "family registry (matrix/families.py) instead"
    )


def test_the_family_name_finder_finds_literals_and_identifiers() -> None:
    source = (
        '"""A hybrid docstring."""\n'
        "import hybrid_tools as qnode_tools\n"
        'def render_qjit(features_table, *, family="qnode"):\n'
        '    return matrix.family("hybrid"), f"{x.family(\'qjit\')}", FeatureCell, "qnode cells"\n'
    )
    assert sorted(_family_names_in(source)) == sorted(
        ["hybrid_tools", "qnode_tools", "render_qjit", "features_table", "'qnode'", "'hybrid'", "'qjit'"]
    )


# --------------------------------------------------------------------------- devices as data

#: Every device name the registry knows; code reads them from there.
DEVICE_NAMES = frozenset(KNOWN_DEVICES)
DEVICE_REGISTRY = "supportmatrix.matrix.devices"


def device_mentions(source: str) -> list[str]:
    """Where code names a device: a string literal that is exactly a known device's name
    (docstrings, help texts and ids that merely contain one aside)."""
    return [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and node.value in DEVICE_NAMES
    ]


@pytest.mark.parametrize("name", sorted(set(MODULES) - {DEVICE_REGISTRY}))
def test_no_device_is_named_outside_the_device_registry(name: str) -> None:
    mentions = device_mentions(MODULES[name].read_text(encoding="utf-8"))
    assert not mentions, (
        f"{name} names a device ({'; '.join(mentions)}): read it from "
        f"{DEVICE_REGISTRY} instead, so that adding a device is adding data"
    )


def test_the_device_check_sees_literals_only() -> None:
    source = (
        '"""On default.qubit."""\n'
        'x = qml.device("lightning.kokkos", wires=2)\n'
        'y = "default.mixed-torch-adjoint-probs-analytic"\n'
    )
    assert device_mentions(source) == ["line 2: 'lightning.kokkos'"]
