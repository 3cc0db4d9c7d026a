"""New lines for a YAML file's original text, each put after a line of it, so that an edit
adds lines and changes none: `supportmatrix update` decides what to add with ruamel.yaml's
round-trip reader, and writes it with this instead of dumping the whole file again, which
would undo the wrapping of its long flow mappings."""

from __future__ import annotations

import io
from typing import Any


def last_original(items: list, starts: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(line, column) of the last item of ``items`` that the original text holds."""
    return next(starts[id(item)] for item in reversed(items) if id(item) in starts)


class TextSplice:
    """New lines for the original text, each after a line of the original, in the order
    they were added; `text` puts them in."""

    def __init__(self, original: str, yaml: Any) -> None:
        self.lines = original.splitlines(keepends=True)
        self.yaml = yaml
        self.after: dict[int, list[str]] = {}
        self.new_sections: dict[int, int] = {}  # id of a section added here -> its line

    def _dump(self, data: Any, indent: int) -> list[str]:
        out = io.StringIO()
        self.yaml.dump(data, out)
        return [" " * indent + line + "\n" for line in out.getvalue().splitlines()]

    def _end(self, line: int, deeper_than: int) -> int:
        """The last line of what starts at ``line``: the lines after it indented deeper than
        ``deeper_than`` columns (a wrapped mapping, an item's other keys) belong to it."""
        end = line
        for index in range(line + 1, len(self.lines)):
            text = self.lines[index]
            if not text.strip() or len(text) - len(text.lstrip(" ")) <= deeper_than:
                break
            end = index
        return end

    def item_after(self, start: tuple[int, int], rules: list[Any], *, header: str = "") -> None:
        """Rules as new sequence items after the item whose text starts at ``start``."""
        from ruamel.yaml.comments import CommentedSeq

        line, column = start
        dash = column - 2  # ``- `` stands before the item's text
        new = [" " * dash + header + "\n"] if header else []
        # A top-level dump puts the dash at column 2: move it to this list's own column.
        new += [
            text[2 - dash :] if dash < 2 else " " * (dash - 2) + text
            for text in self._dump(CommentedSeq(rules), 0)
        ]
        self.after.setdefault(self._end(line, dash), []).extend(new)

    def entry_after(self, table: Any, key: str, value: Any) -> None:
        """``key: value`` after the last entry of the top-level mapping ``table``."""
        from ruamel.yaml.comments import CommentedMap

        original = [k for k in table if k in table.lc.data]  # keys added here have no line
        if id(table) in self.new_sections or not original:
            end = self.new_sections[id(table)]
        else:
            line, column = table.lc.key(original[-1])
            end = self._end(line, column)
        self.after.setdefault(end, []).extend(self._dump(CommentedMap({key: value}), 2))

    def section_before(self, anchor: str, name: str, table: Any) -> None:
        """A new top-level ``name:`` section, for ``table``, just before ``anchor:``."""
        index = next(i for i, text in enumerate(self.lines) if text.startswith(f"{anchor}:"))
        self.after.setdefault(index - 1, []).append(f"{name}:\n")
        self.new_sections[id(table)] = index - 1

    def text(self) -> str:
        out = list(self.after.get(-1, []))
        for index, line in enumerate(self.lines):
            out.append(line)
            out += self.after.get(index, [])
        return "".join(out)
