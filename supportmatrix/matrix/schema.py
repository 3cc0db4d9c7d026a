"""The shape of `matrix.yaml`: schema version, axes, notes and rules with their ``where``,
for every family of cells, each described by its `families.Family`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from supportmatrix.matrix.axes import VERSIONED_PACKAGES
from supportmatrix.matrix.checks import (
    allowed,
    check_keys,
    one_of,
    require_list,
    require_mapping,
    require_str,
    show,
)
from supportmatrix.matrix.devices import DEVICE_KEYS, KNOWN_DEVICES, Device, parse_device
from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.fields import (
    parse_error_table,
    parse_expect,
    parse_training,
    parse_warning_table,
    parse_warnings,
)
from supportmatrix.matrix.keyed import KEYED_TOP_KEYS, Keyed, parse_sets
from supportmatrix.matrix.model import Rule
from supportmatrix.matrix.source import Keypath, Source

__all__ = [
    "SCHEMA_VERSION",
    "SCHEMA_VERSIONS",
    "TOP_KEYS",
    "CompiledRule",
    "check_schema_version",
    "parse_axes",
    "parse_devices",
    "parse_keyed",
    "parse_notes",
    "parse_rules",
    "parse_where",
    "section_keys",
    "top_keys",
]

#: The version this code writes about; every version in `SCHEMA_VERSIONS` is still read.
SCHEMA_VERSION = 3
#: 1: notes optional except for ``incorrect``, ``forward-only`` allowed.
#: 2: every outcome but ``supported`` names its reason; ``forward-only`` is ``errors``.
#: 3: named value ``sets``, keyed ``errors`` and ``warnings``, which rules refer to by name.
SCHEMA_VERSIONS = (1, 2, 3)

#: The keys of the top level: its own, the QNode family's, and each family section's.
TOP_KEYS = ("schema_version", "axes", "notes", "rules", *(str(f.keypath[0]) for f in FAMILIES if f.keypath))


def section_keys(family: Family) -> tuple[str, ...]:
    """The keys a family's section may have: ``not-applicable`` only where cells can be
    inapplicable (`model.inapplicable`: the features)."""
    return ("axes", "not-applicable", "rules") if family.has_not_applicable else ("axes", "rules")


@dataclass(frozen=True)
class CompiledRule:
    """A validated rule plus what resolution needs: allowed values per axis, parsed specifiers."""

    rule: Rule
    allowed: dict[str, frozenset[object]]  # axes the rule restricts; absent axis = any value
    specifiers: dict[str, SpecifierSet]


# --------------------------------------------------------------------------- top level


def top_keys(schema_version: int) -> tuple[str, ...]:
    """The top-level keys a file of this schema version may have."""
    return TOP_KEYS + KEYED_TOP_KEYS if schema_version >= 3 else TOP_KEYS


def check_schema_version(src: Source, root: dict) -> int:
    """The file's ``schema_version``: one of `SCHEMA_VERSIONS`, an int (not ``'1'``, ``true``
    or ``1.0``)."""
    choices = ", ".join(str(v) for v in SCHEMA_VERSIONS)
    if "schema_version" not in root:
        raise src.error((), f"missing 'schema_version'; allowed: {choices}")
    version = root["schema_version"]
    if type(version) is not int or version not in SCHEMA_VERSIONS:
        raise src.error(
            ("schema_version",),
            f"unsupported schema_version {show(version)}; allowed: {choices}",
        )
    return version


def parse_axes(
    src: Source, section: dict, family: Family, devices: Mapping[str, Device]
) -> dict[str, tuple[object, ...]]:
    """The section's ``axes``: exactly the family's axis names, in order, each a value list;
    ``device`` values are names of ``devices`` (the file's, or the known ones)."""
    names = family.axis_names
    if "axes" not in section:
        raise src.error(family.keypath, "missing required key 'axes'")
    kp: Keypath = (*family.keypath, "axes")
    raw = require_mapping(src, section["axes"], kp, "axes")
    for name in raw:
        if name not in names:
            raise src.error((*kp, name), f"unknown axis {show(name)}; allowed: {allowed(names)}")
    for name in names:
        if name not in raw:
            raise src.error(kp, f"missing axis {name!r}; axes must list {allowed(names)}")
    if tuple(raw) != names:
        raise src.error(kp, f"axes must be in the order {allowed(names)}; got {allowed(raw)}")
    known = {**family.known_values, "device": tuple(devices)}
    return {name: _parse_axis_values(src, name, raw[name], (*kp, name), known) for name in names}


def parse_devices(src: Source, root: dict) -> dict[str, Device]:
    """The file's ``devices:`` entries by name; without that key, the known devices."""
    if "devices" not in root:
        return dict(KNOWN_DEVICES)
    kp: Keypath = ("devices",)
    raw = require_mapping(src, root["devices"], kp, "devices")
    if not raw:
        raise src.error(kp, "devices must declare at least one device")
    devices = {}
    for name, entry in raw.items():
        name_kp = (*kp, name)
        require_str(src, name, name_kp, "a device name")
        entry = {} if entry is None else require_mapping(src, entry, name_kp, f"devices.{name}")
        check_keys(src, entry, name_kp, DEVICE_KEYS)
        if "kwargs" in entry and entry["kwargs"] is not None:
            require_mapping(src, entry["kwargs"], (*name_kp, "kwargs"), "kwargs")
        for key in ("seed_keyword", "package"):
            if entry.get(key) is not None:
                require_str(src, entry[key], (*name_kp, key), key)
        if type(entry.get("mixed_state", False)) is not bool:
            raise src.error(
                (*name_kp, "mixed_state"),
                f"mixed_state must be true or false, got {show(entry['mixed_state'])}",
            )
        devices[name] = parse_device(name, entry)
    return devices


def _parse_axis_values(
    src: Source, axis: str, raw: object, kp: Keypath, known_values: Mapping[str, tuple[str, ...]]
) -> tuple[object, ...]:
    items = require_list(src, raw, kp, f"axes.{axis}")
    if not items:
        raise src.error(kp, f"axes.{axis} must list at least one value")
    known = known_values.get(axis)
    values: list[object] = []
    for index, item in enumerate(items):
        value = _axis_value(src, axis, item, (*kp, index))
        if known is not None:
            one_of(src, value, (*kp, index), "value", known)
        if value in values:
            raise src.error((*kp, index), f"duplicate value {show(value)}")
        values.append(value)
    return tuple(values)


def _axis_value(src: Source, axis: str, raw: object, kp: Keypath) -> object:
    """Type-check one axis value and normalise the spellings of None."""
    if axis == "shots":
        if raw is None or raw == "None":
            return None
        if type(raw) is not int or raw <= 0:
            raise src.error(kp, f"shots must be None or a positive integer, got {show(raw)}")
        return raw
    if axis == "interface" and raw is None:
        return "None"
    return require_str(src, raw, kp, f"a {axis} value")


def parse_keyed(src: Source, root: dict, families: tuple[Family, ...]) -> Keyed:
    """Schema 3's ``sets``, ``errors`` and ``warnings``; no set is named like a value of an
    axis of any of ``families``."""
    values = [value for family in families for known in family.known_values.values() for value in known]
    return Keyed(
        sets=parse_sets(src, root, [*values, None]),
        errors=parse_error_table(src, root),
        warnings=parse_warning_table(src, root),
    )


def parse_notes(src: Source, root: dict) -> dict[str, str]:
    """The footnotes, slug -> text; absent or empty means none."""
    raw = root.get("notes")
    if raw is None:  # absent or an empty `notes:` section
        return {}
    raw = require_mapping(src, raw, ("notes",), "notes")
    for key, text in raw.items():
        kp: Keypath = ("notes", key)
        if not isinstance(key, str) or not key:
            raise src.error(kp, f"note keys must be non-empty strings, got {show(key)}")
        if not require_str(src, text, kp, "a note").strip():
            raise src.error(kp, "note text must not be empty")
    return dict(raw)


# --------------------------------------------------------------------------- rules


def parse_rules(
    src: Source,
    section: dict,
    family: Family,
    axes: dict[str, tuple[object, ...]],
    notes: dict[str, str],
    schema_version: int = SCHEMA_VERSION,
    keyed: Keyed | None = None,
) -> list[CompiledRule]:
    """The section's ``rules``, in file order; ``rules[i].rule.index == i``. ``keyed`` (schema
    3) holds the sets, errors and warnings the rules refer to by name."""
    kp: Keypath = (*family.keypath, "rules")
    if "rules" not in section:
        raise src.error(family.keypath, "missing required key 'rules'")
    items = require_list(src, section["rules"], kp, "rules")
    if not items:
        raise src.error(kp, "rules must not be empty")
    return [
        _parse_rule(src, (*kp, index), index, item, family, axes, notes, schema_version, keyed)
        for index, item in enumerate(items)
    ]


def _parse_rule(
    src: Source,
    kp: Keypath,
    index: int,
    raw: object,
    family: Family,
    axes: dict[str, tuple[object, ...]],
    notes: dict[str, str],
    schema_version: int,
    keyed: Keyed | None,
) -> CompiledRule:
    rule = require_mapping(src, raw, kp, "a rule")
    check_keys(src, rule, kp, ("where", *family.rule_fields))
    if not any(name in rule for name in family.rule_fields):
        raise src.error(kp, f"a rule needs {_needs(family.rule_fields)}")
    where, specifiers = parse_where(src, rule.get("where"), (*kp, "where"), family, axes, keyed)
    expect = warnings = training = None
    if "expect" in rule:
        expect = parse_expect(
            src, rule["expect"], (*kp, "expect"), notes, family.stages, schema_version, keyed
        )
    if "warnings" in rule:
        warnings = parse_warnings(src, rule["warnings"], (*kp, "warnings"), keyed)
    if "training" in rule:
        training = parse_training(src, rule["training"], (*kp, "training"))
    model_rule = Rule(
        index=index,
        line=src.line(kp),
        where={axis: tuple(values) for axis, values in where.items()},
        versions={pkg: str(spec) for pkg, spec in specifiers.items()},
        expect=expect,
        warnings=warnings,
        training=training,
    )
    allowed_values = {axis: frozenset(values) for axis, values in where.items()}
    return CompiledRule(model_rule, allowed_values, specifiers)


def _needs(fields: tuple[str, ...]) -> str:
    """``'expect', 'warnings' or both`` for two fields; ``at least one of ...`` for more."""
    quoted = [repr(name) for name in fields]
    if len(quoted) == 2:
        return f"{quoted[0]}, {quoted[1]} or both"
    return "at least one of " + ", ".join(quoted)


def parse_where(
    src: Source,
    raw: object,
    kp: Keypath,
    family: Family,
    axes: dict[str, tuple[object, ...]],
    keyed: Keyed | None = None,
) -> tuple[dict[str, list[object]], dict[str, SpecifierSet]]:
    """A ``where``: the axis values it admits (each declared in ``axes``; with ``keyed``, a
    name of ``sets`` stands for its members) and its version gates; absent, null or ``{}``
    admits every cell."""
    if raw is None:
        return {}, {}
    where = require_mapping(src, raw, kp, "where")
    values: dict[str, list[object]] = {}
    specifiers: dict[str, SpecifierSet] = {}
    for key, item in where.items():
        if key in family.axis_names:
            values[key] = _parse_where_values(
                src, key, item, (*kp, key), axes[key], keyed.sets if keyed is not None else None
            )
        elif key in VERSIONED_PACKAGES:
            specifiers[key] = _parse_specifier(src, item, (*kp, key))
        else:
            raise src.error(
                (*kp, key),
                f"unknown axis or package {show(key)}; allowed axes: "
                f"{allowed(family.axis_names)}; "
                f"allowed packages: {allowed(VERSIONED_PACKAGES)}",
            )
    return values, specifiers


def _parse_where_values(
    src: Source,
    axis: str,
    raw: object,
    kp: Keypath,
    declared: tuple[object, ...],
    sets: Mapping[str, tuple[tuple[object, Keypath], ...]] | None = None,
) -> list[object]:
    if isinstance(raw, list):
        items = [(value, (*kp, index)) for index, value in enumerate(raw)]
    else:
        items = [(raw, kp)]
    if not items:
        raise src.error(kp, f"the rule matches no cell: empty list for {axis}")
    values: list[object] = []
    for item, item_kp in items:
        if sets is not None and isinstance(item, str) and item in sets:
            expanded = [_set_member(src, axis, item, member, item_kp, declared) for member, _ in sets[item]]
        else:
            value = _axis_value(src, axis, item, item_kp)
            if sets is not None and (value not in declared or isinstance(value, bool)):
                raise src.error(
                    item_kp,
                    f"unknown value or set {value!r}; allowed values: "
                    f"{allowed(declared)}; sets: {allowed(sets) or '(none)'}",
                )
            one_of(src, value, item_kp, "value", declared)
            expanded = [value]
        for value in expanded:
            if value in values:
                raise src.error(item_kp, f"duplicate value {show(value)}")
            values.append(value)
    return values


def _set_member(
    src: Source, axis: str, name: str, member: object, kp: Keypath, declared: tuple[object, ...]
) -> object:
    """One member of set ``name``, used at ``kp`` for ``axis``: a declared value of it."""
    value = _axis_value(src, axis, member, kp)
    if value not in declared or isinstance(value, bool):
        raise src.error(
            kp,
            f"set {name!r} has the value {value!r}, which is not a value of "
            f"axis {axis}; allowed: {allowed(declared)}",
        )
    return value


def _parse_specifier(src: Source, raw: object, kp: Keypath) -> SpecifierSet:
    text = require_str(src, raw, kp, "a version specifier (e.g. '>=0.44')")
    try:
        return SpecifierSet(text)
    except InvalidSpecifier as exc:
        raise src.error(kp, f"invalid version specifier {text!r}: {exc}") from None
