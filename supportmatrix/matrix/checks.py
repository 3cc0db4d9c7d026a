"""Generic checks on plain data, each raising a one-line `MatrixError` at a key path.

The messages name the bad value (`show`) and, where there is a closed set, the allowed
values (`allowed`), so every schema check reads the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from supportmatrix.matrix.source import Keypath, Source

__all__ = ["allowed", "check_keys", "one_of", "require_list", "require_mapping", "require_str", "show"]


def _type_name(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    names.update({int: "an integer", float: "a float", type(None): "null"})
    return names.get(type(value), type(value).__name__)


def show(value: object) -> str:
    """A bad value for a message: quoted strings, plain anything else."""
    if value is None or isinstance(value, (dict, list)):
        return _type_name(value)
    return repr(value) if isinstance(value, str) else f"{_type_name(value)} {value!r}"


def allowed(values: Iterable[object]) -> str:
    """The allowed values for a message, comma-separated."""
    return ", ".join(str(v) for v in values)


def require_mapping(src: Source, value: object, keypath: Keypath, what: str) -> dict:
    """``value`` if it is a mapping."""
    if not isinstance(value, dict):
        raise src.error(keypath, f"{what} must be a mapping, got {show(value)}")
    return value


def require_list(src: Source, value: object, keypath: Keypath, what: str) -> list:
    """``value`` if it is a list."""
    if not isinstance(value, list):
        raise src.error(keypath, f"{what} must be a list, got {show(value)}")
    return value


def require_str(src: Source, value: object, keypath: Keypath, what: str) -> str:
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise src.error(keypath, f"{what} must be a string, got {show(value)}")
    return value


def check_keys(
    src: Source,
    mapping: dict,
    keypath: Keypath,
    allowed_keys: tuple[str, ...],
    required: tuple[str, ...] = (),
) -> None:
    """Refuse keys outside ``allowed_keys`` and require each of ``required``."""
    for key in mapping:
        if key not in allowed_keys:
            raise src.error((*keypath, key), f"unknown key {show(key)}; allowed: {allowed(allowed_keys)}")
    for key in required:
        if key not in mapping:
            raise src.error(keypath, f"missing required key {key!r}")


def one_of(src: Source, value: object, keypath: Keypath, what: str, choices: tuple) -> None:
    """Refuse ``value`` unless it is one of ``choices`` (never a bool standing in for 0/1)."""
    if value not in choices or isinstance(value, bool):
        raise src.error(keypath, f"unknown {what} {value!r}; allowed: {allowed(choices)}")
