"""A long-lived child Python process that runs functions by name, one call at a time.

The parent sends ``(target, args, kwargs)`` where target is ``"package.module:function"``;
the child imports it, calls it and sends back the result. Frames are a 4-byte big-endian
length and a pickle, over the child's stdin and a duplicate of its original stdout; the
child points its own fd 1 at stderr, so a library that prints cannot corrupt the channel.
stderr goes to a temporary file, whose last lines explain a crash.

Both ends are this package, so pickle is safe here: nothing else writes to the pipes.
The child exits when its stdin closes, including when the parent dies.
"""

from __future__ import annotations

import importlib
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping
from typing import IO, Any

from supportmatrix.check.crashed import CellCrashed

_HEADER = struct.Struct(">I")
#: Lines of the child's stderr quoted when it crashes.
STDERR_TAIL_LINES = 15


class WorkerCrashed(CellCrashed):
    """The child process died while running a call (or before answering it)."""

    def __init__(self, name: str, returncode: int | None, stderr_tail: str) -> None:
        self.name = name
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        how = "was killed" if returncode is None else f"exited with code {returncode}"
        if returncode is not None and returncode < 0:
            how = f"was killed by signal {-returncode}"
        text = f"the {name} worker process {how} while running the call"
        if stderr_tail:
            text += "; its last stderr lines:\n" + stderr_tail
        super().__init__(text)


class RemoteError(RuntimeError):
    """The called function raised in the child; carries the child's traceback text."""


class WorkerProcess:
    """One child process, started on the first call and restarted after a crash."""

    def __init__(self, name: str, env: Mapping[str, str] | None = None) -> None:
        self.name = name
        self.env = dict(os.environ if env is None else env)
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def call(self, target: str, *args: Any, **kwargs: Any) -> Any:
        """Run ``target(*args, **kwargs)`` in the child and return its result."""
        proc = self._ensure_started()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            _write_frame(proc.stdin, (target, args, kwargs))
            status, payload = _read_frame(proc.stdout)
        except (EOFError, BrokenPipeError, OSError):
            raise self._crashed() from None
        if status == "raised":
            raise RemoteError(f"{target} raised in the {self.name} worker process:\n{payload}")
        return payload

    def close(self) -> None:
        """End the child (closing its stdin lets it exit cleanly) and forget it."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115  open for the worker's life; close() closes it
            self._proc = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                env=self.env,
            )
        return self._proc

    def _crashed(self) -> WorkerCrashed:
        proc = self._proc
        assert proc is not None
        try:
            returncode: int | None = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            returncode = None
        tail = self._stderr_tail()
        self.close()  # the next call starts a fresh child
        return WorkerCrashed(self.name, returncode, tail)

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").rstrip().splitlines()
        return "\n".join(lines[-STDERR_TAIL_LINES:])


def _write_frame(stream: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> Any:
    header = _read_exactly(stream, _HEADER.size)
    return pickle.loads(_read_exactly(stream, _HEADER.unpack(header)[0]))


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError("the other end closed the channel")
        data += chunk
    return data


def _resolve(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The child's loop: answer calls until ``requests`` closes."""
    while True:
        try:
            target, args, kwargs = _read_frame(requests)
        except EOFError:
            return
        try:
            reply: tuple[str, Any] = ("ok", _resolve(target)(*args, **kwargs))
        except Exception:  # noqa: BLE001 - sent back to the parent, which raises RemoteError
            reply = ("raised", traceback.format_exc())
        _write_frame(replies, reply)


def main() -> None:
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # from here on, anything printed goes to stderr, not into the channel
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
