"""Rewrite a schema_version 2 matrix.yaml as schema_version 3, resolving every cell as before.

    python scripts/matrix_v3.py matrix.yaml -o matrix.yaml
    python scripts/resolution_unchanged.py /tmp/matrix-v2.yaml matrix.yaml --pins ...

What it does, deterministically (the same input gives the same bytes):

* ``sets:`` -- each value list of `SETS` that some ``where`` of any family contains at least
  `MIN_SET_USES` times becomes a named set; a ``where`` list holding all of a set's members
  names the set instead (largest sets first), e.g. ``[best, gradient-transforms]``.
* ``errors:`` and ``warnings:`` -- every distinct ``{class, match, stage}`` and
  ``{category, match}`` is declared once under a key and the rules refer to the key. An
  error used under one note is keyed by the note (plus the class and the words of its
  message that tell it from the note's other errors); one used under several notes, and
  every warning, by its class and the first words of its message.
* Rules are grouped by their note (the cause), each group under a ``# --- <note> ---``
  comment; rules without a note group by what they set (``supported``, ``warnings``,
  ``training``). The last matching rule wins field by field, so rule i must stay before a
  later rule j when some cell could match both (their ``where`` boxes intersect; version
  gates are ignored, conservatively) and both set one of ``expect``, ``warnings``,
  ``training``. The order is a stable topological sort under those constraints that takes a
  whole group at a time when it can, else the ready rules of the group whose first ready
  rule came first; a group the constraints split shows up as two chunks with one header.
* Comments: the header, the axes and the notes (with their comments) are kept as written;
  a comment above a rule moves with it; the old bare ``# --- ... ---`` headers (which
  grouped by symptom or by drift source) are dropped, one that explains is kept as a plain
  comment of the rule below it.
* Flow mappings longer than `WIDTH` characters are wrapped between items.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from supportmatrix.matrix.axes import VERSIONED_PACKAGES
from supportmatrix.matrix.source import Source, parse_yaml, read_text
from supportmatrix.release.keys import class_slug, message_words, substitute_sets
from supportmatrix.release.order import group_of, must_precede

#: Named value lists, in the order they are declared: name -> members.
SETS: dict[str, tuple[object, ...]] = {
    "gradient-transforms": (
        "parameter-shift",
        "finite-diff",
        "spsa",
        "hadamard",
        "reversed-hadamard",
        "direct-hadamard",
        "reversed-direct-hadamard",
    ),
    "aux-wire-hadamards": ("hadamard", "reversed-hadamard"),
    "reversed-hadamards": ("reversed-hadamard", "reversed-direct-hadamard"),
    "probs-refusing-hadamards": ("reversed-hadamard", "direct-hadamard", "reversed-direct-hadamard"),
    "finite-differences": ("finite-diff", "spsa"),
    "trainable-interfaces": ("autograd", "torch", "tf", "jax", "jax-jit"),
    "non-jit-interfaces": ("None", "autograd", "torch", "tf", "jax"),
    "analytic-measurements": (
        "state",
        "density_matrix",
        "probs",
        "expval",
        "expval_hermitian",
        "expval_projector",
        "var",
        "vn_entropy",
        "mutual_info",
        "purity",
    ),
    "shot-measurements": (
        "probs",
        "sample",
        "counts",
        "expval",
        "expval_hermitian",
        "expval_projector",
        "var",
    ),
    "state-measurements": ("state", "density_matrix", "vn_entropy", "mutual_info"),
    "expectation-values": ("expval", "expval_hermitian", "expval_projector"),
    "hessians": ("hessian", "hessian-probs"),
    "probs-features": ("two-qubit", "fixed-ops", "multi-measure", "hessian-probs"),
}
MIN_SET_USES = 3
WIDTH = 160
SECTIONS = ((), ("hybrid",), ("qjit",), ("features",))


# --------------------------------------------------------------------------- names


def _unique(bases: dict[Any, str], words: dict[Any, list[str]]) -> dict[Any, str]:
    """Keys from ``bases``; colliding ones get the words that tell them apart, then a number."""
    keys: dict[Any, str] = {}
    groups: dict[str, list[Any]] = {}
    for item, base in bases.items():
        groups.setdefault(base, []).append(item)
    for base, items in groups.items():
        if len(items) == 1:
            keys[items[0]] = base
            continue
        common = set.intersection(*(set(words[i]) for i in items))
        own = {i: [w for w in dict.fromkeys(words[i]) if w not in common] for i in items}
        for size in range(1, 5):
            names = {i: "-".join([base, *own[i][:size]]) for i in items}
            if len(set(names.values())) == len(items):
                break
        seen: dict[str, int] = {}
        for item in items:
            name = names[item]
            seen[name] = seen.get(name, 0) + 1
            keys[item] = name if seen[name] == 1 else f"{name}-{seen[name]}"
    return keys


def error_keys(uses: dict[tuple[str, str, str], list[str]]) -> dict[tuple[str, str, str], str]:
    """(class, match, stage) -> key, from the notes each error is used under (in file order)."""
    bases, words = {}, {}
    for error, notes in uses.items():
        cls, match, _ = error
        distinct = list(dict.fromkeys(notes))
        words[error] = message_words(match)
        bases[error] = distinct[0] if len(distinct) == 1 else "-".join([class_slug(cls), *words[error][:3]])
    # Within a note, the class tells errors apart first.
    by_base: dict[str, set[str]] = {}
    for error, base in bases.items():
        by_base.setdefault(base, set()).add(error[0])
    for error, base in bases.items():
        if len(by_base[base]) > 1 and not base.startswith(class_slug(error[0]) + "-"):
            bases[error] = f"{base}-{class_slug(error[0])}"
    return _unique(bases, words)


def warning_keys(warnings: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(category, match) -> key: the first words of the message."""
    words = {w: message_words(w[1]) for w in warnings}
    return _unique({w: "-".join(words[w][:4]) or class_slug(w[0]) for w in words}, words)


# --------------------------------------------------------------------------- sets


def _norm(axis: str, value: object) -> object:
    if axis == "shots":
        return None if value in (None, "None") else value
    return "None" if value is None else value


def _lists(sections: list[tuple[tuple, dict]]) -> Iterable[tuple[object, ...]]:
    for _, section in sections:
        for entry in [*section.get("rules", []), *section.get("not-applicable", [])]:
            for axis, value in (entry.get("where") or {}).items():
                if isinstance(value, list):
                    yield tuple(_norm(axis, v) for v in value)


def choose_sets(sections: list[tuple[tuple, dict]]) -> dict[str, tuple[object, ...]]:
    """The sets of `SETS` that are named at least `MIN_SET_USES` times once substituted."""
    chosen = dict(SETS)
    lists = list(_lists(sections))
    while True:
        uses = dict.fromkeys(chosen, 0)
        for values in lists:
            for item in substitute_sets(list(values), chosen):
                if item in uses:
                    uses[item] += 1
        rare = [name for name, count in uses.items() if count < MIN_SET_USES]
        if not rare:
            return chosen
        del chosen[min(rare, key=lambda n: (uses[n], n))]


# --------------------------------------------------------------------------- order


def grouped_order(rules: list[dict], groups: list[str]) -> list[int]:
    """A stable topological order of ``rules`` under `must_precede` that keeps groups together."""
    n = len(rules)
    preds = [{i for i in range(j) if must_precede(rules[i], rules[j])} for j in range(n)]
    done: set[int] = set()
    order: list[int] = []
    while len(order) < n:
        ready = [j for j in range(n) if j not in done and preds[j] <= done]
        left = {g: [j for j in range(n) if j not in done and groups[j] == g] for g in set(groups)}

        def whole(g: str) -> bool:  # the group can be taken at once
            members = set(left[g])  # noqa: B023  only called in this iteration, while `left` is current
            return all(preds[j] <= done | members for j in members)

        # The earliest ready rule's group, if it can be taken whole; else the group that can,
        # whose first ready rule comes first; else the earliest (the group is split).
        ready_groups = list(dict.fromkeys(groups[j] for j in ready))
        group = next((g for g in ready_groups if whole(g)), ready_groups[0])
        progressed = True
        while progressed:  # take the group's rules as they become ready
            progressed = False
            for j in range(n):
                if j not in done and groups[j] == group and preds[j] <= done:
                    done.add(j)
                    order.append(j)
                    progressed = True
                    break
    return order


# --------------------------------------------------------------------------- emit


_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def scalar(value: object, *, quote: bool = False) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if not quote and _PLAIN.match(text) and text.lower() not in ("true", "false", "null"):
        return text
    return "'" + text.replace("'", "''") + "'"


def flow(value: object, key: str = "") -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, quote=key in ("match", "pennylane") or key in VERSIONED_PACKAGES)


def pair(indent: str, key: str, value: object) -> list[str]:
    """``key: value`` in flow style, a long mapping wrapped between its items."""
    line = f"{indent}{key}: {flow(value, key)}"
    if len(line) <= WIDTH or not isinstance(value, dict):
        return [line]
    items = [f"{k}: {flow(v, k)}" for k, v in value.items()]
    head = f"{indent}{key}: {{"
    pad = " " * len(head) if len(head) + max(map(len, items)) < WIDTH else indent + "    "
    lines, current = [], head
    for item in items:
        if current not in (head, pad) and len(current) + len(item) + 3 > WIDTH:
            lines.append(current.rstrip() + ",")
            current = pad
        current += item if current in (head, pad) else ", " + item
    lines.append(current + "}")
    return [folded for line in lines for folded in _fold(line, pad)]


def _fold(line: str, pad: str) -> list[str]:
    """A line whose quoted regex runs past `WIDTH`, folded at single spaces inside the quotes.

    YAML folds a line break inside a quoted scalar, and the indentation after it, into one
    space, so the regex read back is the one written.
    """
    out: list[str] = []
    start = line.find(" '")
    while len(line) > WIDTH and start >= 0:
        spaces = [
            i for i in range(start + 2, WIDTH) if line[i] == " " and line[i - 1] != " " and line[i + 1] != " "
        ]
        if not spaces:
            break
        out.append(line[: spaces[-1]])
        line = pad + line[spaces[-1] + 1 :]
        start = len(pad) - 2
    return [*out, line]


def leading_comments(lines: list[str], line: int) -> list[str]:
    """The comment lines right above 1-based ``line`` (blank lines between them skipped)."""
    found: list[str] = []
    index = line - 2
    while index >= 0 and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
        if lines[index].strip():
            found.append(lines[index].strip())
        index -= 1
    return found[::-1]


def _kept(comments: list[str]) -> list[str]:
    """Drop the bare one-line ``# --- ... ---`` group headers (``# --- incorrect ---``, the
    drift sources: each rule carries its gate); one that explains (``# --- x: why ---``), or
    spans lines, becomes a plain comment."""
    kept: list[str] = []
    header = False
    for text in comments:
        if text.startswith("# ---"):
            one_line = text.endswith("---") and not header
            if one_line and (": " not in text or text.startswith("# --- drift observed")):
                continue
            header = not text.endswith("---")
            text = "# " + text[5:].strip().removesuffix("---").strip()
        elif header:
            header = not text.endswith("---")
            text = text.removesuffix("---").rstrip()
        kept.append(text)
    return kept


def comment_start(lines: list[str], line: int) -> int:
    """The 1-based first line of the comment block above ``line`` (``line`` if none)."""
    index = line - 2
    while index >= 0 and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
        index -= 1
    start = index + 2
    while start < line and not lines[start - 1].strip():
        start += 1
    return start


class Converter:
    def __init__(self, path: str) -> None:
        self.src = Source(path)
        self.text = read_text(self.src)
        root = parse_yaml(self.src, self.text)
        if not isinstance(root, dict):
            raise SystemExit(f"{path}: not a mapping at the top level")
        self.root = root
        self.lines = self.text.splitlines()
        if self.root.get("schema_version") != 2:
            raise SystemExit(f"{path}: schema_version {self.root.get('schema_version')}, not 2")
        self.sections = [(kp, section) for kp in SECTIONS if (section := self._section(kp))]
        self.sets = choose_sets(self.sections)
        errors: dict[tuple[str, str, str], list[str]] = {}
        warnings: list[tuple[str, str]] = []
        for _, section in self.sections:
            for rule in section["rules"]:
                expect = rule.get("expect")
                if isinstance(expect, dict) and "error" in expect:
                    e = expect["error"]
                    errors.setdefault((e["class"], e["match"], e["stage"]), []).append(expect["note"])
                for w in rule.get("warnings") or ():
                    if (w["category"], w["match"]) not in warnings:
                        warnings.append((w["category"], w["match"]))
        self.error_key = error_keys(errors)
        self.warning_key = warning_keys(warnings)

    def _section(self, kp: tuple) -> dict | None:
        return self.root if not kp else self.root.get(kp[0])

    def line(self, kp: tuple) -> int:
        return self.src.lines[kp]

    def convert(self) -> str:
        out: list[str] = []
        preamble = self.lines[: comment_start(self.lines, self.line(("rules",))) - 1]
        notes_at = comment_start(self.lines, self.line(("notes",))) - 1
        for number, text in enumerate(preamble):
            if number == notes_at:
                out += self._sets()
            out.append("schema_version: 3" if text.startswith("schema_version:") else text)
        while out and not out[-1].strip():
            out.pop()
        out += [""] + self._errors() + [""] + self._warnings() + [""]
        for kp, section in self.sections:
            indent = "  " * len(kp)
            if kp:
                out += [""] + self._comments(kp, "") + [f"{kp[0]}:"]
                out += self._comments((*kp, "axes"), "  ") + ["  axes:"]
                out += [
                    line for axis, values in section["axes"].items() for line in pair("    ", axis, values)
                ]
                if "not-applicable" in section:
                    out += self._comments((*kp, "not-applicable"), "  ") + ["  not-applicable:"]
                    for entry in section["not-applicable"]:
                        out += pair("    - ", "where", self._where(entry["where"]))
                        out.append(f"      note: {scalar(entry['note'])}")
            out += self._comments((*kp, "rules"), indent) if kp else []
            out.append(f"{indent}rules:")
            out += self._rules(kp, section["rules"], indent + "  ")
        return "\n".join(out) + "\n"

    def _comments(self, kp: tuple, indent: str) -> list[str]:
        comments = leading_comments(self.lines, self.line(kp))
        if "rules" in kp[:-1]:  # a rule's: its old group headers are dropped
            comments = _kept(comments)
        return [indent + c for c in comments]

    def _sets(self) -> list[str]:
        lines = ["sets:", "  # Named value lists: in a `where`, a set's name stands for its members."]
        for name, members in self.sets.items():
            lines += pair("  ", name, list(members))
        return lines + [""]

    def _errors(self) -> list[str]:
        lines = [
            "errors:",
            "  # Each exception a rule expects, once: its class, where it is raised "
            "(stage) and a regex searched in its message.",
        ]
        for (cls, match, stage), key in sorted(self.error_key.items(), key=lambda kv: kv[1]):
            lines += pair("  ", key, {"class": cls, "stage": stage, "match": match})
        return lines

    def _warnings(self) -> list[str]:
        lines = [
            "warnings:",
            "  # Each warning a rule expects, once: its category and a regex searched in its message.",
        ]
        for (category, match), key in sorted(self.warning_key.items(), key=lambda kv: kv[1]):
            lines += pair("  ", key, {"category": category, "match": match})
        return lines

    def _where(self, where: dict) -> dict:
        return {
            axis: (self._values(value) if isinstance(value, list) else value) for axis, value in where.items()
        }

    def _values(self, values: list) -> list | object:
        out = substitute_sets(list(values), self.sets)
        return out[0] if len(out) == 1 else out

    def _rule(self, rule: dict) -> dict:
        new: dict[str, Any] = {}
        if "where" in rule and rule["where"] is not None:
            new["where"] = self._where(rule["where"])
        if "expect" in rule:
            expect = rule["expect"]
            if isinstance(expect, dict):
                expect = dict(expect)
                if "error" in expect:
                    e = expect.pop("error")
                    expect["error"] = self.error_key[(e["class"], e["match"], e["stage"])]
            new["expect"] = expect
        if "warnings" in rule:
            new["warnings"] = [self.warning_key[(w["category"], w["match"])] for w in rule["warnings"]]
        if "training" in rule:
            new["training"] = rule["training"]
        return new

    def _rules(self, kp: tuple, rules: list[dict], indent: str) -> list[str]:
        groups = [group_of(r) for r in rules]
        out: list[str] = []
        previous = None
        for index in grouped_order(rules, groups):
            if groups[index] != previous:
                out += ["", f"{indent}# --- {groups[index]} ---"]
                previous = groups[index]
            out += self._comments((*kp, "rules", index), indent)
            rule = self._rule(rules[index])
            item = indent + "- "
            for n, (key, value) in enumerate(rule.items()):
                prefix = item if n == 0 else indent + "  "
                if isinstance(value, str):
                    out.append(f"{prefix}{key}: {scalar(value)}")
                else:
                    out += pair(prefix, key, value)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("matrix", help="a schema_version 2 matrix.yaml")
    parser.add_argument("-o", "--output", help="where to write (default: stdout)")
    args = parser.parse_args(argv)
    text = Converter(args.matrix).convert()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
