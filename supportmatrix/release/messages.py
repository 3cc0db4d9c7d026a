"""The part of an exception or warning message that identifies it, and a regex for it."""

from __future__ import annotations

import re

#: Longest message fragment a generated regex keeps; messages may run to many lines.
MESSAGE_KEY_LENGTH = 120

#: jax's error for an exception raised inside a callback: XlaRuntimeError up to jax 0.7,
#: JaxRuntimeError in newer releases (seen with jax 0.10.2); the last line holds the original.
JAX_RUNTIME_ERRORS = frozenset({"XlaRuntimeError", "JaxRuntimeError"})

#: Object addresses in reprs (``<default.qubit device at 0x7f2b...>``) differ in every run.
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_ADDRESS_SHOWN = "0x…"


def message_key(cls: str, message: str) -> str:
    """The part of an exception or warning message that identifies it: its first line,
    or the last for jax's runtime error, whose last line names the original error;
    object addresses are blanked out, since they change from run to run."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1] if cls in JAX_RUNTIME_ERRORS else lines[0]
    return _ADDRESS.sub(_ADDRESS_SHOWN, line)[:MESSAGE_KEY_LENGTH]


_REGEX_SPECIALS = re.compile(r"([.^$*+?{}\[\]\\|()#])")


def pattern_for(cls: str, message: str) -> re.Pattern[str]:
    """A regex matching this message's key literally, for declaring what was observed.

    Only metacharacters are escaped (unlike `re.escape`, which escapes spaces too), so
    the regex written into matrix.yaml still reads as the message.
    """
    literal = _REGEX_SPECIALS.sub(r"\\\1", message_key(cls, message))
    return re.compile(literal.replace(_ADDRESS_SHOWN, "0x[0-9a-f]+"))
