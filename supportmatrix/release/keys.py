"""Names a person can read for schema 3's declarations, and ``where`` lists that name sets.

Used by ``supportmatrix update`` for the errors, warnings and sets it writes, and by
scripts/matrix_v3.py, which converted matrix.yaml to schema 3 with the same names.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

__all__ = ["class_slug", "fresh_key", "message_words", "substitute_sets"]

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "with",
        "for",
        "to",
        "is",
        "in",
        "on",
        "be",
        "and",
        "or",
        "at",
        "by",
        "as",
        "it",
        "this",
        "that",
        "not",
        "while",
        "are",
        "has",
        "no",
        "does",
        "can",
    ]
)


def message_words(pattern: str) -> list[str]:
    """The words of a message regex that say something, lower-case, in order."""
    return [w for w in re.findall(r"[a-z0-9]+", pattern.replace("\\", "").lower()) if w not in _STOP]


def class_slug(name: str) -> str:
    """``XlaRuntimeError`` -> ``xla-runtime``, ``UserWarning`` -> ``user``."""
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+", name)
    if len(parts) > 1 and parts[-1] in ("Error", "Warning"):
        parts = parts[:-1]
    return "-".join(p.lower() for p in parts)


def fresh_key(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not taken."""
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


def substitute_sets(values: Sequence[object], sets: Mapping[str, Sequence[object]]) -> list[object]:
    """``values`` with every set all of whose members it holds named instead, largest set
    first, at the place of the set's first member: ``[best, parameter-shift, finite-diff]``
    with ``differences: [parameter-shift, finite-diff]`` is ``[best, differences]``."""
    out = list(values)
    for name, members in sorted(sets.items(), key=lambda kv: -len(kv[1])):
        if members and all(m in out for m in members):
            first = min(out.index(m) for m in members)
            out = [*out[:first], name, *[v for v in out[first:] if v not in members]]
    return out
