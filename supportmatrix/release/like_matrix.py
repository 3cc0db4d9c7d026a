"""The declaration `supportmatrix init` borrows its wording from (``--like``, matrix.yaml).

Where the same cell on one of that file's devices has the outcome a new device's cell was
observed to have, and its declared exception matches what was observed (the new device's
name read as that device's), the new file says it with the same note, and the same error
and warning keys where their regexes match as they are: a cause already written up by a
person is not worded again. Anything else gets a note worded from the observation. Its training target (the one most
of its trained cells get) lets init declare the families that train, such as hybrid layers.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportmatrix.matrix.load import load_matrix
from supportmatrix.matrix.model import Expectation, Matrix, ResolvedCell, TrainingSpec


@dataclass(frozen=True)
class LikeMatrix:
    """A loaded declaration, and the keys of its errors and warnings by their fields."""

    matrix: Matrix
    by_id: dict[str, ResolvedCell]
    error_keys: dict[tuple[str, str, str], str]
    warning_keys: dict[tuple[str, str], str]
    #: The training target most of its trained cells get (None: it declares none).
    training: TrainingSpec | None = None

    def twins(self, cell: Any) -> list[tuple[str, Expectation]]:
        """The same cell on each of the file's devices that has it, with its declaration."""
        found = []
        for device in self.matrix.devices:
            resolved = self.by_id.get(dataclasses.replace(cell, device=device).id)
            if resolved is not None:
                found.append((device, resolved.expectation))
        return found

    def note(self, key: str) -> str:
        return self.matrix.notes[key]


def read_like(path: Path) -> LikeMatrix:
    """The file at ``path``, loaded, with its ``errors:`` and ``warnings:`` tables' keys."""
    from ruamel.yaml import YAML

    matrix = load_matrix(path)
    raw = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8")) or {}
    errors = {
        (str(v["class"]), str(v["stage"]), str(v["match"])): key
        for key, v in (raw.get("errors") or {}).items()
    }
    warnings = {(str(v["category"]), str(v["match"])): key for key, v in (raw.get("warnings") or {}).items()}
    targets = Counter(rc.training for rc in matrix.resolved() if rc.training is not None)
    training = targets.most_common(1)[0][0] if targets else None
    return LikeMatrix(matrix, matrix.by_id(), errors, warnings, training)
