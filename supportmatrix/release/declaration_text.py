"""A declaration as YAML text, laid out as people write matrix.yaml: one line per rule, each
group of rules under its ``# --- <note> ---`` comment, a header saying what made it."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from supportmatrix.matrix.devices import Device

#: Marks every note init writes: a person words the cause, init only saw it.
REWORD = "[observed by supportmatrix init: reword]"


def render(doc: dict[str, Any], *, device: Device, packages: Mapping[str, str | None], command: str) -> str:
    """The declaration as YAML text: a header naming what it was measured with, one line
    per rule, and each group of rules under its ``# --- <note> ---`` comment."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096  # one rule, one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    measured = ", ".join(f"{k} {v}" for k, v in sorted(packages.items()) if v is not None)
    header = [
        f"# What {device.name} does, cell by cell: written by `{command}`,",
        f"# measured with {measured}.",
        f"# Every note marked {REWORD} was worded from what was observed:",
        "# say why, and keep the marker off once it is said.",
        "",
    ]
    out = io.StringIO()
    yaml.dump(_commented(doc), out)
    return "\n".join(header) + out.getvalue()


def _commented(doc: dict[str, Any]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    def flow(value: Any) -> Any:
        if isinstance(value, dict):
            node = CommentedMap((k, flow(v)) for k, v in value.items())
            node.fa.set_flow_style()
            return node
        if isinstance(value, list):
            seq = CommentedSeq(flow(v) for v in value)
            seq.fa.set_flow_style()
            return seq
        return "None" if value is None else value

    def plain(value: Any) -> Any:
        node = CommentedMap((k, dict(v) if isinstance(v, Mapping) else v) for k, v in value.items())
        node.fa.set_flow_style()
        return node

    def section(value: dict[str, Any], depth: int = 0) -> Any:
        node = CommentedMap()
        for key, item in value.items():
            if key == "rules":
                node[key] = _grouped_rules(item, flow, indent=2 * depth + 2)
            elif key == "devices":  # null stays null here: a device may take no seed
                node[key] = CommentedMap((k, plain(v)) for k, v in item.items())
            elif key in ("errors", "warnings"):  # regexes single-quoted, as people write them
                node[key] = CommentedMap(
                    (
                        k,
                        flow(
                            {f: SingleQuotedScalarString(v) if f == "match" else v for f, v in spec.items()}
                        ),
                    )
                    for k, spec in item.items()
                )
            elif key == "axes":
                node[key] = CommentedMap((k, flow(v)) for k, v in item.items())
            elif key == "not-applicable":
                node[key] = CommentedSeq(flow(v) for v in item)
            elif isinstance(item, dict) and "axes" in item:
                node[key] = section(item, depth + 1)
            else:
                node[key] = item
        return node

    return section(doc)


def _grouped_rules(groups: Any, flow: Any, *, indent: int) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq()
    for name, rules in groups:
        start = len(seq)
        seq.extend(flow(rule) for rule in rules)
        seq.yaml_set_comment_before_after_key(start, before=f"\n--- {name} ---", indent=indent)
    return seq
