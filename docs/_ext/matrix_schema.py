"""Sphinx extension: the ``matrix-schema`` directive, a reference of matrix.yaml's keys and
values written from the loader's own constants, so the page cannot drift from what the
loader accepts.

It reads `supportmatrix.matrix.schema` (schema versions, top-level keys, each family
section's keys), the family registry (axes, values, what a rule may set, error stages),
`supportmatrix.matrix.fields` (the keys of ``expect``, ``error``, ``warnings`` entries and
``training``), `supportmatrix.matrix.keyed` (schema 3's named declarations) and the
packages a version gate may name.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList

from supportmatrix.matrix import fields
from supportmatrix.matrix.axes import VERSIONED_PACKAGES
from supportmatrix.matrix.families import FAMILIES
from supportmatrix.matrix.keyed import KEYED_TOP_KEYS
from supportmatrix.matrix.model import Outcome
from supportmatrix.matrix.schema import SCHEMA_VERSION, SCHEMA_VERSIONS, TOP_KEYS, section_keys


def _code(values: Any) -> str:
    return ", ".join(f"``{value}``" for value in values)


def reference_lines() -> list[str]:
    """The reference as reStructuredText lines."""
    lines = [
        f"- **Schema versions read:** {_code(SCHEMA_VERSIONS)}; this code describes version "
        f"``{SCHEMA_VERSION}``.",
        f"- **Top-level keys:** {_code(TOP_KEYS)}; from version 3 also {_code(KEYED_TOP_KEYS)}.",
        f"- **Outcomes:** {_code(o.value for o in Outcome)}; each of "
        f"{_code(sorted(o.value for o in fields.NEEDS_NOTE))} names its ``note`` from version 2 "
        "on (version 1: ``incorrect`` only).",
        f"- **expect** (a mapping, or an outcome alone): {_code(fields._EXPECT_KEYS)}; "
        f"**error** (inline before version 3, else a key of ``errors:``): "
        f"{_code(fields._ERROR_KEYS)}; **a warning** (``warnings:``): "
        f"{_code(fields._WARNING_KEYS)}; **training** (hybrid rules): "
        f"{_code(fields._TRAINING_KEYS)}.",
        f"- **Version gates** in a ``where`` (a PEP 440 specifier each): {_code(VERSIONED_PACKAGES)}.",
        "",
        ".. list-table:: Each family's section, axes and rules",
        "   :header-rows: 1",
        "",
        "   * - family",
        "     - where",
        "     - its keys",
        "     - axes, and the values the runners can build",
        "     - a rule may set",
        "     - stages an error is declared at",
    ]
    for family in FAMILIES:
        axes = "; ".join(
            f"``{axis}``: {_code(family.known_values[axis])}"
            if axis in family.known_values
            else f"``{axis}``: any value the section's ``axes`` lists"
            for axis in family.axis_names
        )
        lines += [
            f"   * - {family.title}",
            f"     - {family.section}",
            f"     - {_code(section_keys(family) if family.keypath else ('axes', 'rules'))}",
            f"     - {axes}",
            f"     - {_code(('where', *family.rule_fields))}",
            f"     - {_code(family.stages)}",
        ]
    return lines


class MatrixSchema(Directive):
    """``.. matrix-schema::``: the reference, parsed in place."""

    has_content = False

    def run(self) -> list[Any]:
        holder = nodes.container()
        self.state.nested_parse(
            StringList(reference_lines(), source="matrix-schema"), self.content_offset, holder
        )
        return holder.children


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("matrix-schema", MatrixSchema)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
