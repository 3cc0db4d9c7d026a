"""Schema 3's named declarations: value ``sets``, keyed ``errors`` and keyed ``warnings``.

Each is declared once at the top level and referenced by name from the rules of every
family, so a value list or a regex is written once in the file::

    sets:
      gradient-transforms: [best, parameter-shift, finite-diff]
    errors:
      needs-shots-sample: {class: DeviceError, stage: forward, match: 'not accepted for analytic'}
    warnings:
      tf-deprecated: {category: PennyLaneDeprecationWarning, match: 'TensorFlow interface is deprecated'}
    rules:
      - where: {diff_method: gradient-transforms, measurement: sample, shots: None}
        expect: {outcome: errors, note: needs-shots, error: needs-shots-sample}
        warnings: [tf-deprecated]

The declarations are parsed here (`parse_sets`; errors and warnings by `fields`), looked up
where the rules are parsed (`schema.parse_where`, `fields.parse_expect`,
`fields.parse_warnings`), and `check_unused` refuses a declaration no rule names: a set,
error, warning or note nobody uses is dead text a reader would take for a fact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from supportmatrix.matrix.checks import require_list, require_mapping, show
from supportmatrix.matrix.model import ErrorSpec, WarningSpec
from supportmatrix.matrix.source import Keypath, Source

__all__ = ["KEYED_TOP_KEYS", "Keyed", "check_unused", "declared_names", "parse_sets"]

#: The top-level keys schema 3 adds.
KEYED_TOP_KEYS = ("devices", "sets", "errors", "warnings")


@dataclass(frozen=True)
class Keyed:
    """A schema 3 file's named declarations; rules refer to them by name."""

    #: name -> its members as written, each with its key path (checked per axis at each use)
    sets: Mapping[str, tuple[tuple[object, Keypath], ...]]
    errors: Mapping[str, ErrorSpec]
    warnings: Mapping[str, WarningSpec]


def declared_names(src: Source, root: dict, key: str) -> dict:
    """The top-level mapping ``key`` (absent or empty: none), its keys non-empty strings."""
    raw = root.get(key)
    if raw is None:
        return {}
    raw = require_mapping(src, raw, (key,), key)
    for name in raw:
        if not isinstance(name, str) or not name:
            raise src.error((key, name), f"{key} keys must be non-empty strings, got {show(name)}")
    return raw


def parse_sets(
    src: Source, root: dict, axis_values: Iterable[object]
) -> dict[str, tuple[tuple[object, Keypath], ...]]:
    """The ``sets:`` section: name -> its members, a non-empty list of distinct scalars.

    ``axis_values`` are the values of every axis of every family: a set may not be named
    like one, or ``diff_method: adjoint`` could mean a value or a set.
    """
    taken = {str(value) for value in axis_values}
    sets: dict[str, tuple[tuple[object, Keypath], ...]] = {}
    for name, raw in declared_names(src, root, "sets").items():
        kp: Keypath = ("sets", name)
        if name in taken:
            raise src.error(
                kp, f"set name {name!r} is also an axis value; name the set something no axis has as a value"
            )
        items = require_list(src, raw, kp, f"set {name!r}")
        if not items:
            raise src.error(kp, f"set {name!r} must list at least one value")
        members: list[tuple[object, Keypath]] = []
        for index, item in enumerate(items):
            if isinstance(item, (dict, list)):
                raise src.error((*kp, index), f"a set member must be a value, got {show(item)}")
            if any(item == seen for seen, _ in members):
                raise src.error((*kp, index), f"duplicate value {show(item)}")
            members.append((item, (*kp, index)))
        sets[name] = tuple(members)
    return sets


def check_unused(
    src: Source,
    root: dict,
    keyed: Keyed,
    notes: Mapping[str, str],
    sections: Iterable[Keypath],
) -> None:
    """Refuse a set, error, warning or note that no rule (or not-applicable entry) names.

    Runs after every rule was validated, so it only walks plain data.
    """
    used: dict[str, set[str | None]] = {"sets": set(), "errors": set(), "warnings": set(), "notes": set()}
    for keypath in sections:
        section: object = root
        for key in keypath:
            section = section.get(key) if isinstance(section, dict) else None
        if not isinstance(section, dict):
            continue
        for entry in [*section.get("rules", []), *section.get("not-applicable", [])]:
            _uses(entry, used)
    declared = {"sets": keyed.sets, "errors": keyed.errors, "warnings": keyed.warnings, "notes": notes}
    for kind, names in declared.items():
        for name in names:
            if name not in used[kind]:
                raise src.error(
                    (kind, name),
                    f"{kind[:-1]} {name!r} is not used by any rule; remove it, or refer to it from a rule",
                )


def _uses(entry: dict, used: dict[str, set[str | None]]) -> None:
    """Record the names one rule or not-applicable entry refers to."""
    for value in (entry.get("where") or {}).values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                used["sets"].add(item)
    expect = entry.get("expect")
    if isinstance(expect, dict):
        used["errors"].add(expect.get("error"))
        used["notes"].add(expect.get("note"))
    used["notes"].add(entry.get("note"))  # a not-applicable entry
    used["warnings"].update(entry.get("warnings") or ())
