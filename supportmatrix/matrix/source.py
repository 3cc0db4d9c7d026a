"""The matrix file as plain data: reading it, composing its YAML, and locating errors in it.

Every later check works on dicts, lists and scalars, and names a problem by key path; the
`Source` built here maps each key path back to its line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.parser import Parser
from ruamel.yaml.scanner import Scanner

__all__ = ["Keypath", "MatrixError", "Source", "format_keypath", "parse_yaml", "read_text"]

_TAG = "tag:yaml.org,2002:"

# Keys and list indices from the file root, e.g. ("rules", 3, "where", "interface").
Keypath = tuple[object, ...]


class MatrixError(Exception):
    """A problem in `matrix.yaml`, located by file, 1-based line and key path."""

    def __init__(self, path: str, line: int, keypath: str, message: str) -> None:
        self.path = path
        self.line = line
        self.keypath = keypath or "<document>"
        # One line, always: the error is shown in pytest's collection summary.
        self.message = " ".join(message.splitlines())
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.keypath}: {self.message}"


class Source:
    """The file's path and the line of every key path, for error messages."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: dict[Keypath, int] = {(): 1}

    def line(self, keypath: Keypath) -> int:
        """The line of ``keypath``, or of its nearest recorded ancestor."""
        # A missing key is reported at its parent.
        while keypath not in self.lines:
            keypath = keypath[:-1]
        return self.lines[keypath]

    def error(self, keypath: Keypath, message: str) -> MatrixError:
        """A `MatrixError` at ``keypath``'s line."""
        return MatrixError(self.path, self.line(keypath), format_keypath(keypath), message)


def format_keypath(keypath: Keypath) -> str:
    """``("rules", 3, "where")`` -> ``rules[3].where``."""
    text = ""
    for part in keypath:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_text(src: Source) -> str:
    """The file's text; OSError propagates, undecodable bytes are a `MatrixError`."""
    try:
        with open(src.path, encoding="utf-8") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise src.error((), f"not valid UTF-8: {exc}") from None


class _PlainDataComposer(Composer):
    """Refuses anchors and aliases as the parser meets them, and records explicit tags.

    Aliases are refused here, before any node is walked: nine lines of nested aliases (a
    "billion laughs") stand for 9**9 values, and following them would never finish.

    Tags are only recorded, so the walk can refuse them by key path: resolved node tags
    cannot tell ``!!str x`` (or ``!<tag:...>``) from a plain ``x``; only the parser event
    knows whether the author wrote a tag.
    """

    def __init__(self, loader: Any, src: Source, tagged: dict[int, str]) -> None:
        super().__init__(loader=loader)
        self._src = src
        self._tagged = tagged
        # The `index` argument of every compose_node call on the way down: turned into a key
        # path only when an error needs one, so composing costs one append and pop per node.
        self._indices: list[Any] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent) or event.anchor is not None:
            self._refuse_anchor(event, index)
        tag = event.ctag
        self._indices.append(index)
        node = super().compose_node(parent, index)
        self._indices.pop()
        if tag is not None:
            self._tagged[id(node)] = str(tag)
        return node

    def _refuse_anchor(self, event: Any, index: Any) -> None:
        kind = "alias *" if isinstance(event, AliasEvent) else "anchor &"
        keypath: list[object] = []
        for part in (*self._indices, index):
            if isinstance(part, int):  # a list item
                keypath.append(part)
            elif isinstance(part, ScalarNode):  # a mapping value, under its key
                keypath.append(part.value if id(part) in self._tagged else _key_value(part))
            # None: the root or a mapping key, reported at its mapping
        raise MatrixError(
            self._src.path,
            event.start_mark.line + 1,
            format_keypath(tuple(keypath)),
            f"anchors/aliases are not allowed (found {kind}{event.anchor}); "
            "matrix.yaml is plain data: write the values out",
        )


def _key_value(node: ScalarNode) -> object:
    """A plain key's value as the walk will see it, without constructing anything."""
    if node.tag == _TAG + "int":
        try:
            return int(node.value, 0)
        except ValueError:
            return node.value
    return node.value


def parse_yaml(src: Source, text: str) -> object:
    """Compose ``text`` and convert it to plain dicts, lists and scalars, recording lines."""
    tagged: dict[int, str] = {}
    yaml = YAML(typ="rt")  # YAML 1.2 resolution: `yes`/`on` stay strings, `None` is not null
    # The round-trip scanner/parser spend ~20% of the load keeping comments we never use; the
    # plain ones yield the same nodes and marks (lines).
    yaml.Scanner = Scanner
    yaml.Parser = Parser
    # ruamel only calls Composer(loader=...), so a factory does; its stubs want the class.
    yaml.Composer = lambda loader: _PlainDataComposer(loader, src, tagged)  # type: ignore[assignment, misc]
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = "; ".join(str(p) for p in (exc.problem, exc.context) if p)
        raise MatrixError(src.path, line, "", f"YAML syntax error: {detail}") from None
    except YAMLError as exc:
        raise MatrixError(src.path, 1, "", f"YAML error: {exc}") from None
    if node is None:
        return None
    src.lines[()] = node.start_mark.line + 1
    return _NodeWalker(src, tagged, yaml.constructor.construct_object).walk(node, ())


@dataclass
class _NodeWalker:
    """Turns a composed node tree into dicts, lists and scalars, recording each key's line.

    Without anchors the node graph is a tree, so the walk visits each node once.
    """

    src: Source
    tagged: dict[int, str]
    construct: Callable[[Node], Any]

    def walk(self, node: Node, keypath: Keypath) -> object:
        if id(node) in self.tagged:
            raise self.src.error(
                keypath,
                f"explicit tag {self.tagged[id(node)]!r} is not allowed; matrix.yaml is plain data",
            )
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, keypath)
        assert isinstance(node, SequenceNode)
        return self._sequence(node, keypath)

    def _mapping(self, node: MappingNode, keypath: Keypath) -> dict[object, object]:
        result: dict[object, object] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge":
                raise MatrixError(
                    self.src.path,
                    line,
                    format_keypath(keypath),
                    "merge keys ('<<') are not supported; write the keys out",
                )
            key = self.walk(key_node, keypath)
            if isinstance(key, (dict, list)):
                raise MatrixError(
                    self.src.path, line, format_keypath(keypath), "mapping keys must be plain scalars"
                )
            child: Keypath = (*keypath, key)
            if key in result:
                first = self.src.lines[child]
                raise MatrixError(
                    self.src.path,
                    line,
                    format_keypath(child),
                    f"duplicate key {key!r} (first at line {first})",
                )
            self.src.lines[child] = line
            result[key] = self.walk(value_node, child)
        return result

    def _sequence(self, node: SequenceNode, keypath: Keypath) -> list[object]:
        result: list[object] = []
        for index, item in enumerate(node.value):
            child = (*keypath, index)
            self.src.lines[child] = item.start_mark.line + 1
            result.append(self.walk(item, child))
        return result

    def _scalar(self, node: ScalarNode) -> object:
        tag = node.tag
        if tag == _TAG + "str":
            return str(node.value)
        if tag == _TAG + "null":
            return None
        # ruamel returns ScalarInt/ScalarBoolean/ScalarFloat subclasses; keep plain types.
        value = self.construct(node)
        if tag == _TAG + "bool":
            return bool(value)
        if tag == _TAG + "int":
            return int(value)
        if tag == _TAG + "float":
            return float(value)
        return value  # e.g. a timestamp: type checks reject it with its type name
