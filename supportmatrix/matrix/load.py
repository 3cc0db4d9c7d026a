"""Load `matrix.yaml` (schema_version 3, 2 or 1), validate it, and resolve every cell's expectation.

File format (schema_version 2; schema 3's named declarations are described below)::

    schema_version: 2
    axes:                       # exactly device, interface, diff_method, measurement, shots
      device: [default.qubit, lightning.qubit]
      interface: [None, autograd, torch]
      diff_method: [best, backprop]
      measurement: [probs, expval]
      shots: [None, 10000]
    notes:                      # reasons, declared once: slug -> text
      analytic-only: "Gradients are computed analytically, so finite shots are refused."
    rules:                      # ordered; later rules override earlier ones
      - expect: supported       # no `where` = every cell
      - where: {device: lightning.qubit, measurement: [sample, counts], pennylane: ">=0.44"}
        expect:
          outcome: errors
          error: {class: QuantumFunctionError, match: "regex", stage: gradient}
          note: analytic-only
        warnings: [{category: UserWarning, match: "regex"}]

Semantics:

* ``axes`` lists exactly the five `AXIS_NAMES`, in that order. Each is a non-empty list of
  distinct values from `KNOWN_AXIS_VALUES`; ``device`` values are devices the file declares
  under ``devices:`` (schema 3), or without that key devices of `devices.KNOWN_DEVICES`; ``shots`` values are ``None`` or ints > 0 (not
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
* A rule that decides no cell is an error: for each field it sets, some cell it matches must
  not also be matched by a later rule that sets the field and whose version gates are a subset
  of its own (same package, identical specifier; no gate at all qualifies). Such a later rule
  applies whenever this one does, so it always wins. Installed versions play no part here: a
  file is valid or not whatever is installed. The error names the later rules' lines.
* ``expect`` is an outcome string or ``{outcome, error, note}``. ``errors`` requires
  ``error`` with all of class/match/stage; ``supported``, ``no-gradient`` and ``incorrect``
  forbid ``error``. Every outcome but ``supported`` requires ``note``, the reason the tables
  show as its footnote; ``note`` must be a key of ``notes``.
* ``schema_version: 1`` files are still read, with two differences: ``note`` is required
  only for ``incorrect`` (the tables give a cell without one a generic reason), and the
  outcome ``forward-only`` (``errors`` at stage ``gradient``, which it must be) is allowed.
  Version 2 refuses ``forward-only`` with a line saying what to write instead.
* Exception and warning class names are bare identifiers, and not the catch-alls
  ``Exception``, ``BaseException`` or ``Warning``. ``match`` is a regex for `re.search`.
* ``schema_version: 3`` may declare its devices, each with how to build it (`devices`)::

      devices:                  # name -> entry; every one on some family's device axis
        qiskit.aer: {kwargs: {method: statevector}, seed_keyword: seed_simulator,
                     mixed_state: false, package: pennylane-qiskit}

  Loading a file makes its devices the ones runners build in this process.
* ``schema_version: 3`` adds three more top-level mappings, each entry declared once and named
  from the rules of every family (`keyed`)::

      sets:                     # name -> values; in a `where`, the name stands for them
        gradient-transforms: [parameter-shift, finite-diff, spsa]
      errors:                   # key -> {class, match, stage}
        needs-shots-sample: {class: DeviceError, stage: forward, match: 'not accepted'}
      warnings:                 # key -> {category, match}
        tf-deprecated: {category: PennyLaneDeprecationWarning, match: 'TensorFlow'}
      rules:
        - where: {diff_method: [best, gradient-transforms], measurement: sample}
          expect: {outcome: errors, note: needs-shots, error: needs-shots-sample}
          warnings: [tf-deprecated]         # [] still clears

  A ``where`` value, or an item of its list, that names a set expands to the set's members,
  each of which must be a declared value of that axis (checked at each use, as literal
  values are); a value that is neither is an "unknown value or set", and the error lists
  both. A set may not be named like a value of any axis of any family. A rule's ``error``
  is a key of ``errors`` and its ``warnings`` a list of keys of ``warnings``; inline
  mappings are refused, so each regex is written once. A keyed error is checked where it
  is declared (class name, regex, stage one of all stages) and its stage again where it is
  used: it must be one the family allows (``training``/``save`` only in ``hybrid:``). A set,
  error, warning or note that no rule (or not-applicable entry) names is an error.
  Resolution is unchanged: names are expanded while the rules are parsed. The file groups
  rules by their note under ``# --- <note> ---`` comments (scripts/matrix_v3.py wrote the
  first schema 3 file that way; ``supportmatrix update`` keeps it); the order is the
  reader's, the loader does not look at it beyond "last match wins".
* The YAML is composed in ruamel's round-trip mode and converted to plain values by hand:
  explicit tags (``!!python/...``, ``!custom``, even ``!!str``) and merge keys are refused, so
  loading never constructs objects. Duplicate keys are refused. Anchors and aliases (``&a``,
  ``*a``) are refused at the first one the parser meets, before anything is expanded: the file
  is plain data, so values are written out, and nine lines of nested aliases would otherwise
  stand for 9**9 values.

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

The optional top-level ``qjit:`` section declares the Catalyst family: the matrix circuit
compiled with ``qml.qjit`` and differentiated inside it::

    qjit:
      axes:                     # exactly QJIT_AXIS_NAMES, in that order
        device: [lightning.qubit, default.qubit]
        diff_method: [adjoint, parameter-shift, finite-diff, best, device]
        grad_function: [qml.grad, catalyst.grad, catalyst.jacobian]
        method: [auto, fd]
        measurement: [expval, var, probs, state]
        shots: [None, 10000]
        derivative: [first, second]
      rules:
        - expect: supported
        - where: {device: default.qubit, pennylane-catalyst: ">=0.15"}
          expect: {outcome: errors, error: {class: CompileError, match: "...", stage: forward}}

Its axes, ``where``, ``expect`` and ``warnings`` mean what they mean at the top level (notes
are shared; stages are ``forward`` and ``gradient``). Key paths in errors start with
``qjit.``.

The optional top-level ``features:`` section declares the features family: fixed circuits
that each exercise one of PennyLane's gradient code paths (`docs/features.md`)::

    features:
      axes:                     # exactly device, interface, diff_method, feature, shots
        device: [default.qubit, lightning.qubit]
        interface: [None, autograd, torch, tf, jax, jax-jit]
        diff_method: [backprop, adjoint, parameter-shift]
        feature: [controlled, rot]
        shots: [None, 10000]
      rules:
        - expect: supported

Its axes, ``where``, ``expect`` and ``warnings`` mean exactly what they mean at the top
level, with ``feature`` (a value of `KNOWN_FEATURE_AXIS_VALUES`) in place of
``measurement``; notes are shared. It may also list the cells that make no sense (a
shots-only feature's ``shots: None`` cells) under ``not-applicable``, each entry a
``where`` and a ``note``; they must be exactly the cells `model.inapplicable` names, are
not tests and are resolved by no rule (`applicable`). Key paths in errors start with
``features.``.

Every problem raises `MatrixError`, whose ``str`` is one line:
``{path}:{line}: {keypath}: {message}`` with a 1-based line.

This module composes the steps, each in its own module: `source` (the file to plain data,
and `MatrixError`), `checks` (generic type and key checks), `schema` (top level, axes,
notes, rules and ``where`` of every family), `keyed` (schema 3's sets, and the check that
every declaration is used), `fields` (``expect``, ``warnings``, ``training``, and the
``errors``/``warnings`` tables), `applicable` (the features' ``not-applicable``) and
`resolve` (rules to cells).
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Mapping

from supportmatrix.matrix.applicable import parse_not_applicable, split_not_applicable
from supportmatrix.matrix.checks import check_keys, require_mapping
from supportmatrix.matrix.devices import KNOWN_DEVICES, Device, declare
from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.keyed import Keyed, check_unused
from supportmatrix.matrix.model import (
    FamilyCells,
    Matrix,
    NotApplicableCell,
    Outcome,
    ResolvedCell,
    inapplicable,
)
from supportmatrix.matrix.resolve import check_dead_rules, match_cells, resolve
from supportmatrix.matrix.schema import (
    SCHEMA_VERSION,
    check_schema_version,
    parse_axes,
    parse_devices,
    parse_keyed,
    parse_notes,
    parse_rules,
    section_keys,
    top_keys,
)
from supportmatrix.matrix.source import MatrixError, Source, parse_yaml, read_text
from supportmatrix.matrix.versions import installed_versions

__all__ = ["SCHEMA_VERSION", "MatrixError", "load_matrix"]


#: The matrices this process loaded last, by path, text and versions. The plugin and the
#: self-test modules each load matrix.yaml at collection in every xdist worker, and one
#: parse takes about a second; the same bytes and versions always give the same `Matrix`.
_LOADED: OrderedDict[tuple[str, str, tuple[tuple[str, str | None], ...]], Matrix] = OrderedDict()
_LOADED_MAX = 8


def load_matrix(path: str | os.PathLike[str], *, versions: Mapping[str, str | None] | None = None) -> Matrix:
    """Parse, validate and resolve the matrix at ``path``.

    ``versions`` maps package names to installed versions (None: not installed) for the
    version gates in ``where``; None means `installed_versions()`. A file read again with
    the same text and versions gives the same (frozen, shared) `Matrix` without a new parse.
    """
    src = Source(str(path))
    text = read_text(src)
    if versions is None:
        versions = installed_versions()
    key = (src.path, hashlib.sha256(text.encode("utf-8")).hexdigest(), tuple(sorted(versions.items())))
    if key in _LOADED:
        _LOADED.move_to_end(key)
        return _LOADED[key]
    matrix = _load(src, text, versions)
    _LOADED[key] = matrix
    if len(_LOADED) > _LOADED_MAX:
        _LOADED.popitem(last=False)
    return matrix


def _load(src: Source, text: str, versions: Mapping[str, str | None]) -> Matrix:
    data = parse_yaml(src, text)
    root = require_mapping(src, data, (), "the top level")
    version = check_schema_version(src, root)
    check_keys(src, root, (), top_keys(version))
    notes = parse_notes(src, root)
    keyed = parse_keyed(src, root, FAMILIES) if version >= 3 else None
    devices = parse_devices(src, root)
    families = {}
    for family in FAMILIES:
        section = _section(src, root, family)
        if section is not None:
            families[family.name] = _family_cells(
                src, section, family, notes, versions, version, keyed, devices
            )
    if keyed is not None:
        check_unused(src, root, keyed, notes, (family.keypath for family in FAMILIES))
    _check_devices_used(src, root, devices, families)
    declare(devices[name] for name in _named_devices(families))
    return Matrix(
        path=src.path,
        notes=notes,
        families=families,
        devices={name: devices[name] for name in _named_devices(families)},
    )


def _named_devices(families: Mapping[str, FamilyCells]) -> list[str]:
    """The devices the families' axes name, in order of first appearance."""
    return list(dict.fromkeys(str(d) for cells in families.values() for d in cells.axes.get("device", ())))


def _check_devices_used(
    src: Source, root: dict, devices: Mapping[str, Device], families: Mapping[str, FamilyCells]
) -> None:
    """Every device a file declares is on some family's device axis."""
    if "devices" not in root:
        return
    unused = [name for name in devices if name not in _named_devices(families)]
    if unused:
        raise src.error(
            ("devices", unused[0]), f"device {unused[0]!r} is declared but on no family's device axis"
        )


def _section(src: Source, root: dict, family: Family) -> dict | None:
    """The family's part of the file: the top level itself for the QNode family (which
    must be there), else its optional section (None without it)."""
    if not family.keypath:
        return root
    name = str(family.keypath[0])
    if name not in root:
        return None
    section = require_mapping(src, root[name], family.keypath, name)
    check_keys(src, section, family.keypath, section_keys(family))
    return section


def _family_cells(
    src: Source,
    section: dict,
    family: Family,
    notes: dict[str, str],
    versions: Mapping[str, str | None],
    schema_version: int,
    keyed: Keyed | None = None,
    devices: Mapping[str, Device] = KNOWN_DEVICES,
) -> FamilyCells:
    """The family's axes and rules, the rules checked for dead ones (whatever is installed),
    then resolved; and the cells declared not applicable, which no rule resolves."""
    axes = parse_axes(src, section, family, devices)
    rules = parse_rules(src, section, family, axes, notes, schema_version, keyed)
    matches = match_cells(family, axes, rules)
    not_applicable: list[NotApplicableCell] = []
    if family.has_not_applicable:
        declarations = parse_not_applicable(src, section, family, axes, notes, keyed)
        matches, not_applicable = split_not_applicable(src, family, declarations, matches, inapplicable)
    check_dead_rules(src, family, rules, matches)
    cells = tuple(resolve(src, family, rules, matches, versions))
    if "training" in family.rule_fields:
        _check_trained(src, family, cells)
    return FamilyCells(axes, cells, tuple(not_applicable), tuple(r.rule for r in rules))


def _check_trained(src: Source, family: Family, cells: tuple[ResolvedCell, ...]) -> None:
    """Every supported cell of a family that trains must get a training target."""
    untrained = [
        rc.cell.id for rc in cells if rc.expectation.outcome is Outcome.SUPPORTED and rc.training is None
    ]
    if untrained:
        raise src.error(
            (*family.keypath, "rules"),
            f"{len(untrained)} supported {family.title} cells get no 'training' "
            f"{{min_accuracy, max_epochs}} from any rule; first: {untrained[0]}",
        )
