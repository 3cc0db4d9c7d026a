"""``supportmatrix init``: a complete, valid declaration for any installed device, observed.

1. The device is built once, and its entry made (`device_probe`).
2. A first declaration (`skeleton`) holds every family that runs on any device
   (`families.Family.any_device`) with every value its runner knows, and one rule: every
   cell ``supported``.
3. `observe.observe` runs it, as ``pytest --matrix`` would, with a progress bar.
4. `declaration` writes what was seen: one note per distinct cause (the outcome, the
   exception's class and message, where it was raised), worded from the observation and
   marked for a person to reword; rules grouped by cause under ``# --- <note> ---``, each
   ``where`` an exact box of cells (`boxes.merge_boxes`); the warnings each cell raised;
   the versions it was measured with in the header (`declaration_text`).
5. The file is loaded again and every observed cell must satisfy it (`verify_observations`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportmatrix.matrix.axes import DEFAULT_SHOTS, SHOTS_ONLY_FEATURES
from supportmatrix.matrix.devices import Device
from supportmatrix.matrix.families import FAMILIES, Family
from supportmatrix.matrix.load import SCHEMA_VERSION, MatrixError, load_matrix
from supportmatrix.matrix.model import Expectation, Outcome, TrainingSpec
from supportmatrix.release.boxes import merge_boxes
from supportmatrix.release.causes import Cause, cause_of, explained, note_key
from supportmatrix.release.codec import CellRecord, axes_json, records_of
from supportmatrix.release.declaration_text import REWORD, render
from supportmatrix.release.device_probe import InitError, probe_device
from supportmatrix.release.keys import class_slug, fresh_key, message_words
from supportmatrix.release.like_matrix import LikeMatrix, read_like
from supportmatrix.release.observed_matrix import observed_expectation
from supportmatrix.release.results import load_results, packages_of
from supportmatrix.release.update import verify_observations

#: The note of the features' cells that need shots (`axes.SHOTS_ONLY_FEATURES`).
SHOTS_ONLY_NOTE = "needs-shots"


@dataclass(frozen=True)
class InitResult:
    """The written declaration and what went into it."""

    text: str
    cells: int
    causes: int
    rules: int
    counts: dict[str, int]


def init_families(training: TrainingSpec | None = None) -> tuple[Family, ...]:
    """The families init declares on any device, and those that train when a training
    target is known (``--like`` gives its own)."""
    return tuple(
        f for f in FAMILIES if f.any_device or (training is not None and "training" in f.rule_fields)
    )


def _supported_rule(family: Family, training: TrainingSpec | None) -> dict[str, Any]:
    rule: dict[str, Any] = {"expect": "supported"}
    if "training" in family.rule_fields and training is not None:
        rule["training"] = {"min_accuracy": training.min_accuracy, "max_epochs": training.max_epochs}
    return rule


# --------------------------------------------------------------------------- the files


def check_only(only: Mapping[str, Sequence[Any]], training: TrainingSpec | None = None) -> None:
    """Refuse an axis no family init declares has, or a value its runner cannot build."""
    families = init_families(training)
    for axis, values in only.items():
        having = [f for f in families if axis in f.axis_names]
        if axis == "device" or not having:
            names = sorted({a for f in families for a in f.axis_names} - {"device"})
            raise InitError(f"--only {axis}: not an axis one can restrict; axes: {', '.join(names)}")
        known = set(DEFAULT_SHOTS) if axis == "shots" else {v for f in having for v in f.known_values[axis]}
        unknown = [v for v in values if v not in known]
        if unknown or not values:
            shown = ", ".join("None" if v is None else str(v) for v in sorted(known, key=str))
            raise InitError(
                f"--only {axis}: unknown value {unknown[0] if unknown else ''!r}; allowed: {shown}"
            )


def skeleton(
    device: Device, only: Mapping[str, Sequence[Any]] | None = None, training: TrainingSpec | None = None
) -> dict[str, Any]:
    """The first declaration: every cell of every family init declares, supported;
    ``only`` keeps those values of an axis (in the runner's order)."""
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "devices": {device.name: device.to_yaml()}}
    for family in init_families(training):
        axes = _axes(family, device, only)
        section: dict[str, Any] = {"axes": axes}
        shots_only = [f for f in axes.get("feature", ()) if f in SHOTS_ONLY_FEATURES]
        if family.has_not_applicable and shots_only and None in axes["shots"]:
            section["not-applicable"] = [
                {"where": {"feature": shots_only, "shots": None}, "note": SHOTS_ONLY_NOTE}
            ]
            doc["notes"] = {SHOTS_ONLY_NOTE: "Runs a shot vector, which has no analytic counterpart."}
        section["rules"] = [("supported", [_supported_rule(family, training)])]  # (group, rules)
        _place(doc, family, section)
    return doc


def _axes(
    family: Family, device: Device, only: Mapping[str, Sequence[Any]] | None = None
) -> dict[str, list[Any]]:
    axes: dict[str, list[Any]] = {}
    for axis in family.axis_names:
        if axis == "device":
            axes[axis] = [device.name]
            continue
        values = list(DEFAULT_SHOTS) if axis == "shots" else list(family.known_values[axis])
        kept = (only or {}).get(axis)
        axes[axis] = values if kept is None else [v for v in values if v in kept]
    return axes


def _place(doc: dict[str, Any], family: Family, section: dict[str, Any]) -> None:
    """Put a family's section where its key path says (the QNode family: the top level)."""
    if family.keypath:
        doc[str(family.keypath[0])] = section
    else:
        doc.update(section)


def declaration(
    device: Device,
    records: Sequence[CellRecord],
    only: Mapping[str, Sequence[Any]] | None = None,
    like: LikeMatrix | None = None,
) -> tuple[dict[str, Any], int, int]:
    """The declaration of what ``records`` observed, with the number of causes and rules;
    causes ``like`` declares for the same cells keep its notes and keys. A family with no
    record is left out (a results file of a run that did not have it)."""
    training = like.training if like is not None else None
    doc = skeleton(device, only, training)
    notes: dict[str, str] = dict(doc.get("notes", {}))
    errors: dict[str, dict[str, str]] = {}
    warnings: dict[str, dict[str, str]] = {}
    causes: dict[Cause, list[CellRecord]] = {}
    supported: set[str] = set()  # the families with a supported cell
    warned: dict[tuple[str, ...], list[CellRecord]] = {}
    for record in records:
        expectation, lead = explained(record, device, like)
        if expectation.outcome is not Outcome.SUPPORTED:
            causes.setdefault(cause_of(expectation, record, like, lead), []).append(record)
        else:
            supported.add(record.family)
        keys = tuple(
            _warning_key(warnings, spec.category, spec.match.pattern, like) for spec in expectation.warnings
        )
        if keys:
            warned.setdefault(keys, []).append(record)
    rule_count = 0
    note_of: dict[Cause, str] = {}
    observed_families = {record.family for record in records}
    for family in init_families(training):
        if family.name not in observed_families:  # a results file from a run without it
            if family.keypath:
                del doc[str(family.keypath[0])]
            continue
        # Without a supported cell the catch-all would decide nothing, which the loader refuses.
        rules: list[Any] = (
            [("supported", [_supported_rule(family, training)])] if family.name in supported else []
        )
        for cause, group in sorted(causes.items(), key=lambda kv: (-len(kv[1]), repr(kv[0]))):
            members = [r for r in group if r.family == family.name]
            if not members:
                continue
            if cause not in note_of:  # one note per cause, whichever families it is in
                note_of[cause] = note_key(cause, notes)
                notes[note_of[cause]] = cause.detail if cause.note else f"{REWORD} {cause.detail}"
            note = note_of[cause]
            expect: dict[str, Any] = {"outcome": cause.outcome.value, "note": note}
            if cause.error is not None:
                cls, match, stage = cause.error
                borrowed = like.error_keys.get((cls, stage, match)) if like else None
                key = _keyed(
                    errors, {"class": cls, "stage": stage, "match": match}, borrowed or f"{note}-{stage}"
                )
                expect["error"] = key
            rules.append(
                (
                    note,
                    [{"where": where, "expect": expect} for where in _wheres(family, device, members, only)],
                )
            )
        warning_rules = [
            {"where": where, "warnings": list(keys)}
            for keys, group in sorted(warned.items())
            for where in _wheres(family, device, [r for r in group if r.family == family.name], only)
        ]
        if warning_rules:
            rules.append(("warnings", warning_rules))
        rule_count += sum(len(group) for _, group in rules)
        section = doc if not family.keypath else doc[str(family.keypath[0])]
        section["rules"] = rules
    if errors:
        doc["errors"] = errors
    if warnings:
        doc["warnings"] = warnings
    doc["notes"] = notes
    return doc, len(causes), rule_count


def _keyed(table: dict[str, dict[str, str]], spec: dict[str, str], base: str) -> str:
    for key, existing in table.items():
        if existing == spec:
            return key
    key = fresh_key(base, table)
    table[key] = spec
    return key


def _warning_key(table: dict[str, dict[str, str]], category: str, match: str, like: LikeMatrix | None) -> str:
    borrowed = like.warning_keys.get((category, match)) if like else None
    base = borrowed or "-".join(message_words(match)[:4]) or class_slug(category)
    return _keyed(table, {"category": category, "match": match}, base)


def _wheres(
    family: Family, device: Device, records: Sequence[CellRecord], only: Mapping[str, Sequence[Any]] | None
) -> list[dict[str, Any]]:
    """Exact boxes of these cells, each as a ``where`` (axes that take every value left out)."""
    axes = _axes(family, device, only)
    wheres = []
    for box in merge_boxes((axes_json(r.cell) for r in records), family.axis_names):
        where: dict[str, Any] = {}
        for axis, values in box.items():
            if set(values) == set(axes[axis]):
                continue
            ordered = [v for v in axes[axis] if v in values]
            where[axis] = ordered[0] if len(ordered) == 1 else ordered
        wheres.append(where)
    return wheres


# --------------------------------------------------------------------------- the run


def _observe(
    device: Device,
    only: Mapping[str, Sequence[Any]] | None,
    training: TrainingSpec | None,
    output: Path,
    *,
    command: str,
    workers: str,
    progress: bool,
    results: Path | None,
) -> dict[str, Any]:
    """Run the first declaration through `observe.observe` and read its results back."""
    from supportmatrix.release.observe import ObserveError, observe

    with tempfile.TemporaryDirectory(dir=output.parent if output.parent.exists() else None) as tmp:
        first = Path(tmp) / f"{device.name}.yaml"
        written = Path(results) if results is not None else Path(tmp) / "results.json"
        first.write_text(
            render(skeleton(device, only, training), device=device, packages={}, command=command),
            encoding="utf-8",
        )
        try:
            load_matrix(first)  # a bad --only combination is one line, before any cell runs
        except MatrixError as exc:
            raise InitError(str(exc)) from None
        code, text = observe(first, written, workers=workers, progress=progress)
        if not written.exists():
            tail = " | ".join(text.strip().splitlines()[-3:])
            raise ObserveError(f"pytest stopped with exit code {code}: {tail or 'no output'}")
        return load_results(written)


def init_device(
    name: str,
    kwargs: Mapping[str, Any],
    output: Path,
    *,
    workers: str = "auto",
    progress: bool = True,
    command: str = "supportmatrix init",
    only: Mapping[str, Sequence[Any]] | None = None,
    like: Path | None = None,
    results: Path | None = None,
    from_results: Path | None = None,
) -> InitResult:
    """Observe every cell of ``name`` (of ``only``'s values, where it names an axis) and write
    its declaration to ``output``; the observations also to ``results`` if given. With
    ``from_results``, declare what that results file of an earlier init observed instead."""
    borrowed = read_like(like) if like is not None else None
    training = borrowed.training if borrowed is not None else None
    check_only(only or {}, training)
    device = probe_device(name, kwargs)
    if from_results is not None:
        document = load_results(from_results)
    else:
        document = _observe(
            device,
            only,
            training,
            Path(output),
            command=command,
            workers=workers,
            progress=progress,
            results=results,
        )
    output = Path(output)
    records = records_of(document)
    foreign = [r.id for r in records if r.cell.device != name]
    if foreign:
        raise InitError(f"{from_results}: cells of another device than {name}, e.g. {foreign[0]}")
    crashed = [r for r in records if r.observation is None]
    if crashed:
        raise InitError(
            f"{len(crashed)} cells produced no observation, e.g. {crashed[0].id}: "
            f"{crashed[0].status} ({crashed[0].reason}); nothing can be declared "
            "for them"
        )
    packages = packages_of(document)
    doc, causes, rules = declaration(device, records, only, borrowed)
    text = render(doc, device=device, packages=packages, command=command)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    try:
        verify_observations(text, output, records, packages)
        unobserved = sorted(set(load_matrix(output, versions=packages).by_id()) - {r.id for r in records})
        if unobserved:
            raise InitError(
                f"{len(unobserved)} cells of the declaration were not observed, "
                f"e.g. {unobserved[0]}; run init without --from, or with the "
                "--only it was run with"
            )
    except Exception:
        output.unlink(missing_ok=True)
        raise
    counts: dict[str, int] = {}
    for record in records:
        outcome = observed_expectation(record, Expectation(Outcome.SUPPORTED)).outcome.value
        counts[outcome] = counts.get(outcome, 0) + 1
    return InitResult(text, len(records), causes, rules, counts)
