"""Load `matrix.yaml` (schema_version 1), validate it, and resolve every cell's expectation.

File format::

    schema_version: 1
    axes:                       # exactly device, interface, diff_method, measurement, shots
      device: [default.qubit, lightning.qubit]
      interface: [None, autograd, torch]
      diff_method: [best, backprop]
      measurement: [probs, expval]
      shots: [None, 10000]
    notes:                      # footnotes, declared once: slug -> text
      analytic-only: "Gradients are computed analytically, so finite shots are refused."
    rules:                      # ordered; later rules override earlier ones
      - expect: supported       # no `where` = every cell
      - where: {device: lightning.qubit, measurement: [sample, counts], pennylane: ">=0.44"}
        expect:
          outcome: forward-only
          error: {class: QuantumFunctionError, match: "regex", stage: gradient}
          note: analytic-only
        warnings: [{category: UserWarning, match: "regex"}]

Semantics:

* ``axes`` lists exactly the five `AXIS_NAMES`, in that order. Each is a non-empty list of
  distinct values from `KNOWN_AXIS_VALUES`; ``shots`` values are ``None`` or ints > 0 (not
  bools). Interface ``None`` is the string ``"None"``; YAML null is accepted and normalised to
  it. For shots, the string ``None`` and YAML null both mean Python ``None`` (analytic).
* Cells are the Cartesian product of the axes in `AXIS_NAMES` order (device outermost, shots
  innermost), each axis in the order the file lists its values, so the order is deterministic.
* ``where`` maps an axis to one value or a non-empty list of values, each declared in
  ``axes``; absent, null or ``{}`` matches every cell. It may also map any of
  `VERSIONED_PACKAGES` to a PEP 440 specifier string: the rule then applies only when every
  named package is installed at a matching version (pre-releases match; ``""`` means
  "installed, any version"). A rule whose axis values match no cell is an error.
* The last matching rule wins, field by field: outcome/error/note come from the last matching
  rule with ``expect``, warnings from the last matching rule with ``warnings`` (none: no
  warnings; ``[]`` clears). A rule needs ``expect``, ``warnings`` or both. Every cell must be
  covered by some rule with ``expect`` under the given versions.
* ``expect`` is an outcome string or ``{outcome, error, note}``. ``errors`` and
  ``forward-only`` require ``error`` with all of class/match/stage, and ``forward-only``
  requires stage ``gradient``; ``supported``, ``no-gradient`` and ``incorrect`` forbid ``error``;
  ``incorrect`` requires ``note``. ``note`` must be a key of ``notes``.
* Exception and warning class names are bare identifiers, and not the catch-alls
  ``Exception``, ``BaseException`` or ``Warning``. ``match`` is a regex for `re.search`.
* The YAML is composed in ruamel's round-trip mode and converted to plain values by hand:
  explicit tags (``!!python/...``, ``!custom``, even ``!!str``) and merge keys are refused, so
  loading never constructs objects. Duplicate keys are refused.

The optional top-level ``hybrid:`` section declares the hybrid-model family (a quantum layer
inside a classical model) with the same machinery::

    hybrid:
      axes:                     # exactly layer, device, diff_method (see HYBRID_AXIS_NAMES)
        layer: [torch-layer, keras-layer, keras3-jax, keras3-torch, keras3-tensorflow]
        device: [default.qubit, lightning.qubit]
        diff_method: [best, backprop, adjoint, parameter-shift, finite-diff]
      rules:
        - expect: supported
          training: {min_accuracy: 0.8, max_epochs: 3}
        - where: {layer: keras-layer, pennylane: ">=0.42"}
          expect: {outcome: errors, error: {class: AttributeError, match: KerasLayer,
                                            stage: forward}}

Its axes, ``where``, ``expect`` and ``warnings`` mean what they mean at the top level (notes
are shared), with two differences: an error's ``stage`` may also be ``training`` or ``save``
(saving and reloading the model), and a rule may set ``training``, resolved like
``warnings`` (the last matching rule that has it wins). ``min_accuracy`` is a number in
(0, 1], ``max_epochs`` an integer >= 1. Every hybrid cell declared ``supported`` must get a
``training``. Key paths in errors start with ``hybrid.``.

Every problem raises `MatrixError`, whose ``str`` is one line:
``{path}:{line}: {keypath}: {message}`` with a 1-based line.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.scanner import Scanner

from supportmatrix.matrix.model import (
    AXIS_NAMES,
    HYBRID_AXIS_NAMES,
    KNOWN_AXIS_VALUES,
    KNOWN_HYBRID_AXIS_VALUES,
    VERSIONED_PACKAGES,
    Cell,
    ErrorSpec,
    Expectation,
    HybridCell,
    Matrix,
    Outcome,
    ResolvedCell,
    ResolvedHybridCell,
    Rule,
    Stage,
    TrainingSpec,
    WarningSpec,
)
from supportmatrix.matrix.versions import installed_versions, specifier_matches

__all__ = ["MatrixError", "load_matrix"]

SCHEMA_VERSION = 1

_TOP_KEYS = ("schema_version", "axes", "notes", "rules", "hybrid")
_HYBRID_KEYS = ("axes", "rules")
_TRAINING_KEYS = ("min_accuracy", "max_epochs")
_EXPECT_KEYS = ("outcome", "error", "note")
_ERROR_KEYS = ("class", "match", "stage")
_WARNING_KEYS = ("category", "match")

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Matching these would hide which failure actually happened.
_TOO_BROAD = frozenset({"Exception", "BaseException", "Warning"})

_OUTCOMES = tuple(o.value for o in Outcome)
_NEEDS_ERROR = frozenset({Outcome.ERRORS, Outcome.FORWARD_ONLY})
_FORBIDS_ERROR = frozenset({Outcome.SUPPORTED, Outcome.NO_GRADIENT, Outcome.INCORRECT})

_TAG = "tag:yaml.org,2002:"

# Keys and list indices from the file root, e.g. ("rules", 3, "where", "interface").
Keypath = tuple[object, ...]


@dataclass(frozen=True)
class _Family:
    """What differs between the QNode cells (top level) and the hybrid cells (``hybrid:``);
    everything else (axes, rules, version gates, resolution, errors) is shared."""

    keypath: Keypath
    axis_names: tuple[str, ...]
    known_values: Mapping[str, tuple[str, ...]]
    make_cell: Callable[..., Cell | HybridCell]
    stages: tuple[str, ...]
    rule_fields: tuple[str, ...]  # what a rule may set, besides `where`


_QNODE = _Family(
    keypath=(),
    axis_names=AXIS_NAMES,
    known_values=KNOWN_AXIS_VALUES,
    make_cell=Cell,
    stages=(Stage.FORWARD.value, Stage.GRADIENT.value),
    rule_fields=("expect", "warnings"),
)
_HYBRID = _Family(
    keypath=("hybrid",),
    axis_names=HYBRID_AXIS_NAMES,
    known_values=KNOWN_HYBRID_AXIS_VALUES,
    make_cell=HybridCell,
    stages=tuple(s.value for s in Stage),
    rule_fields=("expect", "warnings", "training"),
)


class MatrixError(Exception):
    """A problem in `matrix.yaml`, located by file, 1-based line and key path."""

    def __init__(self, path: str, line: int, keypath: str, message: str) -> None:
        self.path = path
        self.line = line
        self.keypath = keypath or "<document>"
        # One line, always: the error is shown in pytest's collection summary.
        self.message = " ".join(message.splitlines())
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.keypath}: {self.message}"


def load_matrix(
    path: str | os.PathLike[str], *, versions: Mapping[str, str | None] | None = None
) -> Matrix:
    """Parse, validate and resolve the matrix at ``path``.

    ``versions`` maps package names to installed versions (None: not installed) for the
    version gates in ``where``; None means `installed_versions()`.
    """
    src = _Source(str(path))
    data = _parse_yaml(src, _read_text(src))
    if versions is None:
        versions = installed_versions()
    root = _require_mapping(src, data, (), "the top level")
    _check_schema_version(src, root)
    _check_keys(src, root, (), _TOP_KEYS)
    axes = _parse_axes(src, root, _QNODE)
    notes = _parse_notes(src, root)
    rules = _parse_rules(src, root, _QNODE, axes, notes)
    cells = tuple(
        ResolvedCell(cell, expectation, lines)  # type: ignore[arg-type]
        for cell, expectation, _, lines in _resolve(src, _QNODE, axes, rules, versions)
    )
    hybrid_axes, hybrid_cells = _parse_hybrid(src, root, notes, versions)
    return Matrix(
        path=src.path,
        axes=axes,
        notes=notes,
        cells=cells,
        hybrid_axes=hybrid_axes,
        hybrid_cells=hybrid_cells,
    )


# --------------------------------------------------------------------------- source & errors


class _Source:
    """The file's path and the line of every key path, for error messages."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Keypath, int] = {(): 1}

    def line(self, keypath: Keypath) -> int:
        # Fall back to the nearest ancestor: a missing key is reported at its parent.
        while keypath not in self.lines:
            keypath = keypath[:-1]
        return self.lines[keypath]

    def error(self, keypath: Keypath, message: str) -> MatrixError:
        return MatrixError(self.path, self.line(keypath), _format_keypath(keypath), message)


def _format_keypath(keypath: Keypath) -> str:
    text = ""
    for part in keypath:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _type_name(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    names.update({int: "an integer", float: "a float", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def _show(value: object) -> str:
    """A bad value for a message: quoted strings, plain anything else."""
    if value is None or isinstance(value, (dict, list)):
        return _type_name(value)
    return repr(value) if isinstance(value, str) else f"{_type_name(value)} {value!r}"


def _allowed(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


# --------------------------------------------------------------------------- YAML to plain data


def _read_text(src: _Source) -> str:
    try:
        with open(src.path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise src.error((), f"not valid UTF-8: {exc}") from None


class _TagRecordingComposer(Composer):
    """Records nodes that carried an explicit tag, so the walk can refuse them by key path.

    Resolved node tags cannot tell ``!!str x`` (or ``!<tag:...>``) from a plain ``x``; only
    the parser event knows whether the author wrote a tag.
    """

    def __init__(self, loader: Any, tagged: dict[int, str]) -> None:
        super().__init__(loader=loader)
        self._tagged = tagged

    def compose_node(self, parent: Any, index: Any) -> Any:
        tag = getattr(self.parser.peek_event(), "ctag", None)  # alias events have no tag
        node = super().compose_node(parent, index)
        if tag is not None:
            self._tagged[id(node)] = str(tag)
        return node


def _parse_yaml(src: _Source, text: str) -> object:
    tagged: dict[int, str] = {}
    yaml = YAML(typ="rt")  # YAML 1.2 resolution: `yes`/`on` stay strings, `None` is not null
    # The round-trip scanner/parser spend ~20% of the load keeping comments we never use; the
    # plain ones yield the same nodes and marks (lines).
    yaml.Scanner = Scanner
    yaml.Parser = Parser
    yaml.Composer = lambda loader: _TagRecordingComposer(loader, tagged)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = "; ".join(str(p) for p in (exc.problem, exc.context) if p)
        raise MatrixError(src.path, line, "", f"YAML syntax error: {detail}") from None
    except YAMLError as exc:
        raise MatrixError(src.path, 1, "", f"YAML error: {exc}") from None
    if node is None:
        return None
    src.lines[()] = node.start_mark.line + 1
    return _NodeWalker(src, tagged, yaml.constructor.construct_object).walk(node, ())


@dataclass
class _NodeWalker:
    """Turns a composed node tree into dicts, lists and scalars, recording each key's line."""

    src: _Source
    tagged: dict[int, str]
    construct: Callable[[Node], Any]

    def __post_init__(self) -> None:
        self._open: set[int] = set()  # containers being walked, to catch recursive aliases

    def walk(self, node: Node, keypath: Keypath) -> object:
        if id(node) in self.tagged:
            raise self.src.error(
                keypath,
                f"explicit tag {self.tagged[id(node)]!r} is not allowed; "
                "matrix.yaml is plain data",
            )
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if id(node) in self._open:
            raise self.src.error(keypath, "recursive alias is not allowed")
        self._open.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, keypath)
            assert isinstance(node, SequenceNode)
            return self._sequence(node, keypath)
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: MappingNode, keypath: Keypath) -> dict[object, object]:
        result: dict[object, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge":
                raise MatrixError(self.src.path, line, _format_keypath(keypath),
                                  "merge keys ('<<') are not supported; write the keys out")
            key = self.walk(key_node, keypath)
            if isinstance(key, (dict, list)):
                raise MatrixError(self.src.path, line, _format_keypath(keypath),
                                  "mapping keys must be plain scalars")
            child: Keypath = (*keypath, key)  # type: ignore[misc]
            if key in result:
                first = self.src.lines[child]
                raise MatrixError(self.src.path, line, _format_keypath(child),
                                  f"duplicate key {key!r} (first at line {first})")
            self.src.lines[child] = line
            result[key] = self.walk(value_node, child)
        return result

    def _sequence(self, node: SequenceNode, keypath: Keypath) -> list[object]:
        result: list[object] = []
        for index, item in enumerate(node.value):
            child = (*keypath, index)
            self.src.lines[child] = item.start_mark.line + 1
            result.append(self.walk(item, child))
        return result

    def _scalar(self, node: ScalarNode) -> object:
        tag = node.tag
        if tag == _TAG + "str":
            return str(node.value)
        if tag == _TAG + "null":
            return None
        # ruamel returns ScalarInt/ScalarBoolean/ScalarFloat subclasses; keep plain types.
        value = self.construct(node)
        if tag == _TAG + "bool":
            return bool(value)
        if tag == _TAG + "int":
            return int(value)
        if tag == _TAG + "float":
            return float(value)
        return value  # e.g. a timestamp: type checks reject it with its type name


# --------------------------------------------------------------------------- generic checks


def _require_mapping(src: _Source, value: object, keypath: Keypath, what: str) -> dict:
    if not isinstance(value, dict):
        raise src.error(keypath, f"{what} must be a mapping, got {_show(value)}")
    return value


def _require_list(src: _Source, value: object, keypath: Keypath, what: str) -> list:
    if not isinstance(value, list):
        raise src.error(keypath, f"{what} must be a list, got {_show(value)}")
    return value


def _require_str(src: _Source, value: object, keypath: Keypath, what: str) -> str:
    if not isinstance(value, str):
        raise src.error(keypath, f"{what} must be a string, got {_show(value)}")
    return value


def _check_keys(
    src: _Source,
    mapping: dict,
    keypath: Keypath,
    allowed: tuple[str, ...],
    required: tuple[str, ...] = (),
) -> None:
    for key in mapping:
        if key not in allowed:
            raise src.error(
                (*keypath, key), f"unknown key {_show(key)}; allowed: {_allowed(allowed)}"
            )
    for key in required:
        if key not in mapping:
            raise src.error(keypath, f"missing required key {key!r}")


def _one_of(src: _Source, value: object, keypath: Keypath, what: str, allowed: tuple) -> None:
    if value not in allowed or isinstance(value, bool):
        raise src.error(keypath, f"unknown {what} {value!r}; allowed: {_allowed(allowed)}")


# --------------------------------------------------------------------------- top level


def _check_schema_version(src: _Source, root: dict) -> None:
    if "schema_version" not in root:
        raise src.error((), f"missing 'schema_version'; allowed: {SCHEMA_VERSION}")
    version = root["schema_version"]
    if version != SCHEMA_VERSION or type(version) is not int:
        raise src.error(
            ("schema_version",),
            f"unsupported schema_version {_show(version)}; allowed: {SCHEMA_VERSION}",
        )


def _parse_hybrid(
    src: _Source, root: dict, notes: dict[str, str], versions: Mapping[str, str | None]
) -> tuple[dict[str, tuple[object, ...]], tuple[ResolvedHybridCell, ...]]:
    """The optional ``hybrid:`` section: its axes and resolved cells (empty without it)."""
    if "hybrid" not in root:
        return {}, ()
    section = _require_mapping(src, root["hybrid"], _HYBRID.keypath, "hybrid")
    _check_keys(src, section, _HYBRID.keypath, _HYBRID_KEYS)
    axes = _parse_axes(src, section, _HYBRID)
    rules = _parse_rules(src, section, _HYBRID, axes, notes)
    cells = tuple(
        ResolvedHybridCell(cell, expectation, training, lines)  # type: ignore[arg-type]
        for cell, expectation, training, lines in _resolve(src, _HYBRID, axes, rules, versions)
    )
    untrained = [rc.cell.id for rc in cells
                 if rc.expectation.outcome is Outcome.SUPPORTED and rc.training is None]
    if untrained:
        raise src.error(
            (*_HYBRID.keypath, "rules"),
            f"{len(untrained)} supported hybrid cells get no 'training' "
            f"{{min_accuracy, max_epochs}} from any rule; first: {untrained[0]}",
        )
    return axes, cells


def _parse_axes(src: _Source, section: dict, family: _Family) -> dict[str, tuple[object, ...]]:
    names = family.axis_names
    if "axes" not in section:
        raise src.error(family.keypath, "missing required key 'axes'")
    kp: Keypath = (*family.keypath, "axes")
    raw = _require_mapping(src, section["axes"], kp, "axes")
    for name in raw:
        if name not in names:
            raise src.error((*kp, name), f"unknown axis {_show(name)}; allowed: {_allowed(names)}")
    for name in names:
        if name not in raw:
            raise src.error(kp, f"missing axis {name!r}; axes must list {_allowed(names)}")
    if tuple(raw) != names:
        raise src.error(kp, f"axes must be in the order {_allowed(names)}; got {_allowed(raw)}")
    return {
        name: _parse_axis_values(src, name, raw[name], (*kp, name), family.known_values)
        for name in names
    }


def _parse_axis_values(
    src: _Source, axis: str, raw: object, kp: Keypath, known_values: Mapping[str, tuple[str, ...]]
) -> tuple[object, ...]:
    items = _require_list(src, raw, kp, f"axes.{axis}")
    if not items:
        raise src.error(kp, f"axes.{axis} must list at least one value")
    known = known_values.get(axis)
    values: list[object] = []
    for index, item in enumerate(items):
        value = _axis_value(src, axis, item, (*kp, index))
        if known is not None:
            _one_of(src, value, (*kp, index), "value", known)
        if value in values:
            raise src.error((*kp, index), f"duplicate value {_show(value)}")
        values.append(value)
    return tuple(values)


def _axis_value(src: _Source, axis: str, raw: object, kp: Keypath) -> object:
    """Type-check one axis value and normalise the spellings of None."""
    if axis == "shots":
        if raw is None or raw == "None":
            return None
        if type(raw) is not int or raw <= 0:
            raise src.error(kp, f"shots must be None or a positive integer, got {_show(raw)}")
        return raw
    if axis == "interface" and raw is None:
        return "None"
    return _require_str(src, raw, kp, f"a {axis} value")


def _parse_notes(src: _Source, root: dict) -> dict[str, str]:
    raw = root.get("notes")
    if raw is None:  # absent or an empty `notes:` section
        return {}
    raw = _require_mapping(src, raw, ("notes",), "notes")
    for key, text in raw.items():
        kp: Keypath = ("notes", key)
        if not isinstance(key, str) or not key:
            raise src.error(kp, f"note keys must be non-empty strings, got {_show(key)}")
        if not _require_str(src, text, kp, "a note").strip():
            raise src.error(kp, "note text must not be empty")
    return dict(raw)


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class _CompiledRule:
    """A validated rule plus what resolution needs: allowed values per axis, parsed specifiers."""

    rule: Rule
    allowed: dict[str, frozenset[object]]  # axes the rule restricts; absent axis = any value
    specifiers: dict[str, SpecifierSet]


def _parse_rules(
    src: _Source,
    section: dict,
    family: _Family,
    axes: dict[str, tuple[object, ...]],
    notes: dict[str, str],
) -> list[_CompiledRule]:
    kp: Keypath = (*family.keypath, "rules")
    if "rules" not in section:
        raise src.error(family.keypath, "missing required key 'rules'")
    items = _require_list(src, section["rules"], kp, "rules")
    if not items:
        raise src.error(kp, "rules must not be empty")
    return [
        _parse_rule(src, (*kp, index), index, item, family, axes, notes)
        for index, item in enumerate(items)
    ]


def _parse_rule(
    src: _Source,
    kp: Keypath,
    index: int,
    raw: object,
    family: _Family,
    axes: dict[str, tuple[object, ...]],
    notes: dict[str, str],
) -> _CompiledRule:
    rule = _require_mapping(src, raw, kp, "a rule")
    _check_keys(src, rule, kp, ("where", *family.rule_fields))
    if not any(name in rule for name in family.rule_fields):
        raise src.error(kp, f"a rule needs {_needs(family.rule_fields)}")
    where, specifiers = _parse_where(src, rule.get("where"), (*kp, "where"), family, axes)
    expect = warnings = training = None
    if "expect" in rule:
        expect = _parse_expect(src, rule["expect"], (*kp, "expect"), notes, family.stages)
    if "warnings" in rule:
        warnings = _parse_warnings(src, rule["warnings"], (*kp, "warnings"))
    if "training" in rule:
        training = _parse_training(src, rule["training"], (*kp, "training"))
    model_rule = Rule(
        index=index,
        line=src.line(kp),
        where={axis: tuple(values) for axis, values in where.items()},
        versions={pkg: str(spec) for pkg, spec in specifiers.items()},
        expect=expect,
        warnings=warnings,
        training=training,
    )
    allowed = {axis: frozenset(values) for axis, values in where.items()}
    return _CompiledRule(model_rule, allowed, specifiers)


def _needs(fields: tuple[str, ...]) -> str:
    """``'expect', 'warnings' or both`` for two fields; ``at least one of ...`` for more."""
    quoted = [repr(name) for name in fields]
    if len(quoted) == 2:
        return f"{quoted[0]}, {quoted[1]} or both"
    return "at least one of " + ", ".join(quoted)


def _parse_where(
    src: _Source,
    raw: object,
    kp: Keypath,
    family: _Family,
    axes: dict[str, tuple[object, ...]],
) -> tuple[dict[str, list[object]], dict[str, SpecifierSet]]:
    if raw is None:
        return {}, {}
    where = _require_mapping(src, raw, kp, "where")
    values: dict[str, list[object]] = {}
    specifiers: dict[str, SpecifierSet] = {}
    for key, item in where.items():
        if key in family.axis_names:
            values[key] = _parse_where_values(src, key, item, (*kp, key), axes[key])
        elif key in VERSIONED_PACKAGES:
            specifiers[key] = _parse_specifier(src, item, (*kp, key))
        else:
            raise src.error(
                (*kp, key),
                f"unknown axis or package {_show(key)}; allowed axes: "
                f"{_allowed(family.axis_names)}; "
                f"allowed packages: {_allowed(VERSIONED_PACKAGES)}",
            )
    return values, specifiers


def _parse_where_values(
    src: _Source, axis: str, raw: object, kp: Keypath, declared: tuple[object, ...]
) -> list[object]:
    if isinstance(raw, list):
        items = [(value, (*kp, index)) for index, value in enumerate(raw)]
    else:
        items = [(raw, kp)]
    if not items:
        raise src.error(kp, f"the rule matches no cell: empty list for {axis}")
    values: list[object] = []
    for item, item_kp in items:
        value = _axis_value(src, axis, item, item_kp)
        _one_of(src, value, item_kp, "value", declared)
        if value in values:
            raise src.error(item_kp, f"duplicate value {_show(value)}")
        values.append(value)
    return values


def _parse_specifier(src: _Source, raw: object, kp: Keypath) -> SpecifierSet:
    text = _require_str(src, raw, kp, "a version specifier (e.g. '>=0.44')")
    try:
        return SpecifierSet(text)
    except InvalidSpecifier as exc:
        raise src.error(kp, f"invalid version specifier {text!r}: {exc}") from None


def _parse_expect(
    src: _Source, raw: object, kp: Keypath, notes: dict[str, str], stages: tuple[str, ...]
) -> Expectation:
    expect = {"outcome": raw} if isinstance(raw, str) else raw
    expect = _require_mapping(src, expect, kp, "expect (an outcome or a mapping)")
    _check_keys(src, expect, kp, _EXPECT_KEYS, required=("outcome",))
    _one_of(src, expect["outcome"], (*kp, "outcome"), "outcome", _OUTCOMES)
    outcome = Outcome(expect["outcome"])
    error = None
    if "error" in expect:
        error = _parse_error(src, expect["error"], (*kp, "error"), stages)
    note = _parse_note_ref(src, expect["note"], (*kp, "note"), notes) if "note" in expect else None
    _check_consistency(src, kp, outcome, error, note)
    return Expectation(outcome=outcome, error=error, note=note)


def _check_consistency(
    src: _Source, kp: Keypath, outcome: Outcome, error: ErrorSpec | None, note: str | None
) -> None:
    if outcome in _NEEDS_ERROR and error is None:
        raise src.error(kp, f"outcome {outcome.value!r} requires 'error: {{class, match, stage}}'")
    if outcome in _FORBIDS_ERROR and error is not None:
        raise src.error((*kp, "error"), f"outcome {outcome.value!r} must not have 'error'")
    if outcome is Outcome.FORWARD_ONLY and error is not None and error.stage is not Stage.GRADIENT:
        raise src.error(
            (*kp, "error", "stage"),
            f"outcome 'forward-only' requires stage 'gradient', got {error.stage.value!r}",
        )
    if outcome is Outcome.INCORRECT and note is None:
        raise src.error(kp, "outcome 'incorrect' requires a 'note' saying why")


def _parse_error(src: _Source, raw: object, kp: Keypath, stages: tuple[str, ...]) -> ErrorSpec:
    error = _require_mapping(src, raw, kp, "error")
    _check_keys(src, error, kp, _ERROR_KEYS, required=_ERROR_KEYS)
    _one_of(src, error["stage"], (*kp, "stage"), "stage", stages)
    return ErrorSpec(
        cls=_parse_class_name(src, error["class"], (*kp, "class"), "exception"),
        match=_parse_pattern(src, error["match"], (*kp, "match")),
        stage=Stage(error["stage"]),
    )


def _parse_warnings(src: _Source, raw: object, kp: Keypath) -> tuple[WarningSpec, ...]:
    items = _require_list(src, raw, kp, "warnings")
    return tuple(_parse_warning(src, item, (*kp, index)) for index, item in enumerate(items))


def _parse_warning(src: _Source, raw: object, kp: Keypath) -> WarningSpec:
    warning = _require_mapping(src, raw, kp, "a warning")
    _check_keys(src, warning, kp, _WARNING_KEYS, required=_WARNING_KEYS)
    return WarningSpec(
        category=_parse_class_name(src, warning["category"], (*kp, "category"), "warning"),
        match=_parse_pattern(src, warning["match"], (*kp, "match")),
    )


def _parse_training(src: _Source, raw: object, kp: Keypath) -> TrainingSpec:
    training = _require_mapping(src, raw, kp, "training")
    _check_keys(src, training, kp, _TRAINING_KEYS, required=_TRAINING_KEYS)
    accuracy, epochs = training["min_accuracy"], training["max_epochs"]
    if type(accuracy) not in (int, float) or not 0 < accuracy <= 1:
        raise src.error(
            (*kp, "min_accuracy"), f"min_accuracy must be a number in (0, 1], got {_show(accuracy)}"
        )
    if type(epochs) is not int or epochs < 1:
        raise src.error(
            (*kp, "max_epochs"), f"max_epochs must be an integer >= 1, got {_show(epochs)}"
        )
    return TrainingSpec(min_accuracy=float(accuracy), max_epochs=epochs)


def _parse_class_name(src: _Source, raw: object, kp: Keypath, kind: str) -> str:
    name = _require_str(src, raw, kp, f"a {kind} class name")
    if not _IDENTIFIER.match(name):
        raise src.error(kp, f"{kind} class {name!r} must be a bare class name (e.g. ValueError)")
    if name in _TOO_BROAD:
        raise src.error(kp, f"{kind} class {name!r} is too broad; name the real class raised")
    return name


def _parse_pattern(src: _Source, raw: object, kp: Keypath) -> re.Pattern[str]:
    pattern = _require_str(src, raw, kp, "match (a regex)")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise src.error(kp, f"invalid regex {pattern!r}: {exc}") from None


def _parse_note_ref(src: _Source, raw: object, kp: Keypath, notes: dict[str, str]) -> str:
    note = _require_str(src, raw, kp, "note (a key of notes)")
    if note not in notes:
        allowed = _allowed(notes) or "(no notes declared)"
        raise src.error(kp, f"unknown note {note!r}; allowed: {allowed}")
    return note


# --------------------------------------------------------------------------- resolution


def _resolve(
    src: _Source,
    family: _Family,
    axes: dict[str, tuple[object, ...]],
    rules: list[_CompiledRule],
    versions: Mapping[str, str | None],
) -> list[tuple[Cell | HybridCell, Expectation, TrainingSpec | None, tuple[int, ...]]]:
    """Give every cell its expectation (and training target); rules are bits in ints, so a
    cell costs one AND per axis."""
    # Version gates are evaluated once per rule, never per cell.
    active = [
        r
        for r in rules
        if all(specifier_matches(spec, versions.get(pkg)) for pkg, spec in r.specifiers.items())
    ]
    expect_bits = _bits(r.rule.index for r in active if r.rule.expect is not None)
    warning_bits = _bits(r.rule.index for r in active if r.rule.warnings is not None)
    training_bits = _bits(r.rule.index for r in active if r.rule.training is not None)
    masks = [_value_masks(rules, axis, axes[axis]) for axis in family.axis_names]

    resolved: list[tuple[Cell | HybridCell, Expectation, TrainingSpec | None, tuple[int, ...]]] = []
    uncovered: list[Cell | HybridCell] = []
    cache: dict[tuple[int, int, int], tuple[Expectation, TrainingSpec | None, tuple[int, ...]]] = {}
    for combo in itertools.product(*(axes[axis] for axis in family.axis_names)):
        cell = family.make_cell(*combo)
        matched = -1
        for axis_masks, value in zip(masks, combo, strict=True):
            matched &= axis_masks[value]
        expect_index = (matched & expect_bits).bit_length() - 1  # highest bit = last rule
        if expect_index < 0:
            uncovered.append(cell)
            continue
        key = (
            expect_index,
            (matched & warning_bits).bit_length() - 1,
            (matched & training_bits).bit_length() - 1,
        )
        if key not in cache:
            cache[key] = _expectation(rules, *key)
        resolved.append((cell, *cache[key]))

    if uncovered:
        total = len(resolved) + len(uncovered)
        raise src.error(
            (*family.keypath, "rules"),
            f"{len(uncovered)} of {total} cells are not covered by any rule with 'expect' "
            f"under the given package versions; first: {uncovered[0].id}",
        )
    return resolved


def _bits(indices: Iterable[int]) -> int:
    mask = 0
    for index in indices:
        mask |= 1 << index
    return mask


def _value_masks(
    rules: list[_CompiledRule], axis: str, values: tuple[object, ...]
) -> dict[object, int]:
    """For each value of ``axis``, the bit set of rules whose ``where`` admits it."""
    return {
        value: _bits(
            i for i, r in enumerate(rules) if axis not in r.allowed or value in r.allowed[axis]
        )
        for value in values
    }


def _expectation(
    rules: list[_CompiledRule], expect_index: int, warning_index: int, training_index: int
) -> tuple[Expectation, TrainingSpec | None, tuple[int, ...]]:
    expect = rules[expect_index].rule.expect
    assert expect is not None
    lines = {rules[expect_index].rule.line}
    warnings: tuple[WarningSpec, ...] = ()
    if warning_index >= 0:
        warnings = rules[warning_index].rule.warnings or ()
        lines.add(rules[warning_index].rule.line)
    training = None
    if training_index >= 0:
        training = rules[training_index].rule.training
        lines.add(rules[training_index].rule.line)
    expectation = Expectation(
        outcome=expect.outcome, error=expect.error, warnings=warnings, note=expect.note
    )
    return expectation, training, tuple(sorted(lines))
