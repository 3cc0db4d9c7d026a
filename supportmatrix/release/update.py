"""``supportmatrix update``: accept observed drift into matrix.yaml as version-gated rules.

Only cells whose observation disagrees with the declaration (resolved for the
results' package versions) get rules. Cells with the same new expectation are
merged into as few rules as exact boxes allow (a rule's ``where`` is a product of
axis values, so a box must hold drifted cells only). The rules are appended after
the existing ones of the cell's family (the ``rules`` under its `families.Family.keypath`),
where "last match wins" makes them take effect, behind a comment naming the source.
ruamel.yaml reads the file to decide where each rule, key and note goes; the new lines
are then spliced into the original text, so comments, order and formatting of everything
else (the wrapping of long lines included) stay byte for byte. Before anything is
written, the new text is loaded again and every observed cell must satisfy it.

A schema_version 3 file gets rules in its own form: an error or warning that is
already declared (same class or category, stage and regex) is referred to by its
key, any other is declared under ``errors:``/``warnings:`` with a new key; a
``where`` list holding a set's values names the set. Such a rule goes at the end
of its note's group (`order.group_of`) when no later rule may share a cell and a
field with it (`order.must_precede`): it then decides exactly the cells it would
decide at the end of the list. Otherwise it is appended, as in older files.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from supportmatrix.check.classify import Observed, mismatches
from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.fields import NEEDS_NOTE
from supportmatrix.matrix.load import MatrixError, load_matrix
from supportmatrix.matrix.model import Expectation, Matrix, Outcome
from supportmatrix.release.boxes import merge_boxes
from supportmatrix.release.codec import CellRecord, axes_json, records_of
from supportmatrix.release.keys import class_slug, fresh_key, message_words, substitute_sets
from supportmatrix.release.observed_matrix import observed_expectation
from supportmatrix.release.order import group_of, must_precede
from supportmatrix.release.results import packages_of
from supportmatrix.release.splice import TextSplice, last_original

#: The note a rule for a newly wrong gradient refers to, until someone writes a better one.
INCORRECT_NOTE = "observed-incorrect"
INCORRECT_NOTE_TEXT = (
    "Found by `supportmatrix update`: the gradient disagrees with the independent reference. "
    "Investigate, report it upstream, and replace this note with what was found."
)
#: The note of any other new outcome that needs a reason (schema_version 2 requires one).
UNEXPLAINED_NOTE = "observed-unexplained"
UNEXPLAINED_NOTE_TEXT = (
    "Found by `supportmatrix update`: the behaviour changed and no reason is known yet. "
    "Replace this note with why."
)
PLACEHOLDER_NOTES = {INCORRECT_NOTE: INCORRECT_NOTE_TEXT, UNEXPLAINED_NOTE: UNEXPLAINED_NOTE_TEXT}


class UpdateError(ValueError):
    """The update cannot be made; one line."""


@dataclass(frozen=True)
class MatrixUpdate:
    """The updated file's text, its unified diff, and what went into it."""

    text: str
    diff: str
    drifted: int
    rules: int
    unjudgeable: tuple[str, ...]  # crashed cells: nothing observed to declare


#: Where each family's rules are in matrix.yaml, and the axes a rule's ``where`` spans.


def default_gate(packages: dict[str, str | None]) -> str:
    """``>=X.Y`` of the observed PennyLane: the new behaviour holds from this release on."""
    release = Version(packages["pennylane"] or "0").release
    return f">={release[0]}.{release[1] if len(release) > 1 else 0}"


def drifted_fields(expectation: Expectation, record: CellRecord) -> tuple[bool, bool]:
    """Whether the outcome (with its error) and whether the warnings disagree with the record."""
    if record.observation is None:
        raise ValueError(f"cell {record.id} has no observation ({record.status})")
    observed, warnings = record.observation.observed, record.observation.warnings
    outcome_problems = mismatches(Expectation(expectation.outcome, expectation.error), observed, ())
    warning_problems = mismatches(
        Expectation(Outcome.SUPPORTED, warnings=expectation.warnings), Observed(Outcome.SUPPORTED), warnings
    )
    return bool(outcome_problems), bool(warning_problems)


def update_matrix(path: Path, document: dict[str, Any], *, gate: str | None, source: str) -> MatrixUpdate:
    """The new text of the matrix at ``path`` with rules for every drifted cell of ``document``."""
    packages = packages_of(document)
    gate = gate or default_gate(packages)
    try:
        SpecifierSet(gate)
    except InvalidSpecifier:
        raise UpdateError(f"--gate {gate!r} is not a PEP 440 specifier, e.g. '>=0.46'") from None
    matrix = load_matrix(path, versions=packages)
    declared = {rc.cell.id: rc.expectation for rc in matrix.resolved()}
    records = records_of(document)
    unknown = [r.id for r in records if r.id not in declared]
    if unknown:
        raise UpdateError(
            f"{source}: {len(unknown)} cells are not in {path}, e.g. {unknown[0]}; "
            "add their axis values to the matrix first"
        )

    # Keyed by family too: the same new expectation is a rule in each family's own list.
    expect_groups: dict[tuple[str, Any], list[CellRecord]] = {}
    warning_groups: dict[tuple[str, Any], list[CellRecord]] = {}
    for record in records:
        if record.observation is None:
            continue
        expectation = declared[record.id]
        outcome_drift, warning_drift = drifted_fields(expectation, record)
        new = observed_expectation(record, expectation)
        if outcome_drift:
            expect_groups.setdefault((record.family, _expect_yaml(new)), []).append(record)
        if warning_drift:
            warning_groups.setdefault((record.family, _warnings_yaml(new)), []).append(record)
    drifted = {r.id for group in (*expect_groups.values(), *warning_groups.values()) for r in group}
    crashed = tuple(r.id for r in records if r.status == "crashed")

    original = Path(path).read_text(encoding="utf-8")
    if not drifted:
        return MatrixUpdate(original, "", 0, 0, crashed)
    rules = [(family, {"expect": key}, group) for (family, key), group in expect_groups.items()]
    rules += [(family, {"warnings": key}, group) for (family, key), group in warning_groups.items()]
    text, count = _append_rules(original, matrix, rules, gate=gate, packages=packages, source=source)
    verify_observations(text, path, records, packages)
    diff = "".join(
        difflib.unified_diff(
            original.splitlines(True), text.splitlines(True), fromfile=str(path), tofile=f"{path} (updated)"
        )
    )
    return MatrixUpdate(text, diff, len(drifted), count, crashed)


# --------------------------------------------------------------------------- the new rules


def _expect_yaml(e: Expectation) -> Any:
    """A hashable, YAML-ready form of an expectation's ``expect`` field: its JSON form
    (the keys are matrix.yaml's), in the order people write a rule, the note only where
    one is required (every outcome but ``supported``)."""
    data = e.to_json()
    fields: list[tuple[str, Any]] = [("outcome", data["outcome"])]
    if e.outcome in NEEDS_NOTE:  # every outcome but supported names its reason
        placeholder = INCORRECT_NOTE if e.outcome is Outcome.INCORRECT else UNEXPLAINED_NOTE
        fields.append(("note", data["note"] or placeholder))
    if data["error"] is not None:
        fields.append(("error", tuple((key, data["error"][key]) for key in ("class", "stage", "match"))))
    return tuple(fields)


def _warnings_yaml(e: Expectation) -> Any:
    return tuple(tuple(w.items()) for w in e.to_json()["warnings"])


def _where(
    box: dict[str, tuple], axes: dict[str, tuple[object, ...]], gate: str, sets: dict[str, list] | None = None
) -> dict[str, Any]:
    where: dict[str, Any] = {}
    for axis, declared in axes.items():
        values = box[axis]
        if set(values) == set(declared):
            continue  # every value: leave the axis out, as a person would
        shown = substitute_sets([_yaml_value(v) for v in _in_axis_order(values, declared)], sets or {})
        where[axis] = shown[0] if len(shown) == 1 else shown
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    where["pennylane"] = SingleQuotedScalarString(gate)  # quoted as in the rest of the file
    return where


def _in_axis_order(values: tuple, axis: tuple) -> list:
    return [v for v in axis if v in values]


def _yaml_value(value: object) -> object:
    return "None" if value is None else value  # matrix.yaml spells Python's None as None


def _append_rules(
    original: str,
    matrix: Matrix,
    rules: list[tuple[str, dict, list[CellRecord]]],
    *,
    gate: str,
    packages: dict[str, str | None],
    source: str,
) -> tuple[str, int]:
    """``original`` with the new rules (and the keys and notes they need) spliced in as
    lines: everything else stays byte for byte, the wrapping of long lines included, which
    a round-trip dump of the whole file would undo."""
    from ruamel.yaml.comments import CommentedMap

    yaml = _yaml()
    root = yaml.load(original)
    splice = TextSplice(original, yaml)
    versions = ", ".join(f"{k} {v}" for k, v in packages.items() if k.startswith("pennylane"))
    keyed = root.get("schema_version", 1) >= 3  # rules name sets, errors and warnings
    sets = {name: list(members) for name, members in (root.get("sets") or {}).items()}
    count = 0
    for family in FAMILIES:
        family_rules = [(field, group) for f, field, group in rules if f == family.name]
        if not family_rules:
            continue
        rules_path = (*family.keypath, "rules")
        seq = root
        for key in rules_path:
            seq = seq[key]
        starts = {id(item): seq.lc.item(index) for index, item in enumerate(seq)}
        appended = []
        for field, group in family_rules:
            ((name, value),) = field.items()
            for box in merge_boxes((axes_json(r.cell) for r in group), family.axis_names):
                rule = CommentedMap()
                rule["where"] = _flow(_where(box, matrix.family(family.name).axes, gate, sets))
                if keyed:
                    rule[name] = _keyed_field(root, name, value, splice)
                else:
                    rule[name] = (
                        _flow(_plain(value))
                        if name == "expect"
                        else _flow_seq([_flow(_plain(w)) for w in value])
                    )
                position = _group_end(seq, rule, sets) if keyed else None
                if position is None:
                    appended.append(rule)
                else:
                    splice.item_after(last_original(seq[:position], starts), [rule])
                    seq.insert(position, rule)
                count += 1
        if appended:
            header = f"# --- drift observed in {Path(source).name} ({versions}); gated {gate} ---"
            splice.item_after(last_original(seq, starts), appended, header=header)
            seq.extend(appended)
    written = {pair for _, field, _ in rules for pair in field.get("expect", ())}
    for key, text in PLACEHOLDER_NOTES.items():
        if ("note", key) in written:
            if root.get("notes") is None:  # absent, or an empty `notes:`
                root["notes"] = CommentedMap()
                splice.section_before("rules", "notes", root["notes"])
            if key not in root["notes"]:
                splice.entry_after(root["notes"], key, text)
                root["notes"][key] = text
    return splice.text(), count


def _group_end(seq: list, rule: dict, sets: dict[str, list]) -> int | None:
    """Where ``rule`` goes in its note's group: after the group's last rule, if no rule after
    that may share a cell and a field with it (so it decides what it would decide last);
    None if the group is absent or that cannot be shown."""
    group = group_of(rule)
    members = [index for index, other in enumerate(seq) if group_of(other) == group]
    if not members:
        return None
    position = members[-1] + 1
    if any(must_precede(rule, later, sets) for later in seq[position:]):
        return None
    return position


def _keyed_field(root: Any, name: str, value: Any, splice: TextSplice) -> Any:
    """A schema 3 rule's ``expect`` (its error by key) or ``warnings`` (a list of keys),
    declaring what is not declared yet."""
    if name == "warnings":
        return _flow_seq(
            [
                _declared(
                    root,
                    splice,
                    "warnings",
                    dict(w),
                    "-".join(message_words(dict(w)["match"])[:4]) or class_slug(dict(w)["category"]),
                )
                for w in value
            ]
        )
    expect = _plain(value)
    if "error" in expect:
        error = expect["error"]
        base = f"{expect['note']}-{class_slug(error['class'])}"
        expect["error"] = _declared(root, splice, "errors", error, expect["note"], base)
    return _flow(expect)


def _declared(root: Any, splice: TextSplice, section: str, spec: dict[str, str], *bases: str) -> str:
    """The key of ``spec`` under the top-level ``section``, declared there (under the first
    free one of ``bases``, else numbered) when no entry has the same fields."""
    from ruamel.yaml.comments import CommentedMap

    if root.get(section) is None:
        root.insert(list(root).index("rules"), section, CommentedMap())
        splice.section_before("rules", section, root[section])
    table = root[section]
    for key, existing in table.items():
        if {k: str(v) for k, v in existing.items()} == {k: str(v) for k, v in spec.items()}:
            return key
    key = next((b for b in bases if b not in table), None) or fresh_key(bases[-1], table)
    value = _flow(_plain(tuple(spec.items())))
    splice.entry_after(table, key, value)
    table[key] = value
    return key


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096  # never re-wrap the long one-line rules
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _plain(pairs: Any) -> Any:
    """Nested pair tuples -> dicts (insertion-ordered); regexes single-quoted, as people write them."""
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if isinstance(pairs, tuple) and all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
        return {k: SingleQuotedScalarString(v) if k == "match" else _plain(v) for k, v in pairs}
    return pairs


def _flow(mapping: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    for key, value in mapping.items():
        if isinstance(value, dict):
            value = _flow(value)
        elif isinstance(value, list):
            value = _flow_seq(value)
        node[key] = value
    node.fa.set_flow_style()
    return node


def _flow_seq(items: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    node = CommentedSeq(items)
    node.fa.set_flow_style()
    return node


# --------------------------------------------------------------------------- the check


def verify_observations(
    text: str, path: Path, records: Sequence[CellRecord], packages: Mapping[str, str | None]
) -> None:
    """Load the new text as the matrix and require every observed cell, of every family,
    to satisfy it."""
    with tempfile.NamedTemporaryFile(
        "w", suffix=".yaml", dir=Path(path).parent, delete=False, encoding="utf-8"
    ) as handle:
        handle.write(text)
    try:
        loaded = load_matrix(handle.name, versions=packages)
    except MatrixError as exc:
        raise UpdateError(f"the updated matrix would not load: {exc}") from None
    finally:
        Path(handle.name).unlink(missing_ok=True)
    updated = loaded.by_id()
    for record in records:
        if record.observation is None:
            continue
        problems = mismatches(
            updated[record.id].expectation, record.observation.observed, record.observation.warnings
        )
        if problems:
            raise UpdateError(f"the updated matrix still disagrees at {record.id}: {problems[0]}")
