"""The few :mod:`os` services the command-line start-up path needs, straight from ``posix``.

``import os`` costs about a millisecond (it builds ``os.environ`` on ``_collections_abc``
and loads ``posixpath``); ``posix`` is already loaded in every CPython process on a POSIX
system.  These tools run only there (they are built on ``select`` and UDP sockets).

The environment is read through ``os.environ`` when something has already imported
:mod:`os` (so changes made through it, as tests do, are seen); otherwise from the copy
``posix`` took at start-up, which nothing in these tools changes.
"""

from __future__ import annotations

import sys
from posix import (O_CLOEXEC, O_NOCTTY, O_RDONLY, O_RDWR, R_OK, W_OK, X_OK, _exit, access, close, open, read,
                   strerror, urandom, write)

__all__ = ["exit_now", "write_all", "O_CLOEXEC", "O_NOCTTY", "O_RDONLY", "O_RDWR", "R_OK", "W_OK", "X_OK", "access", "basename", "close",
           "fsdecode", "fsencode", "getenv", "getenvb", "open", "read", "strerror", "urandom", "write"]

_ENCODING = sys.getfilesystemencoding()
_ERRORS = sys.getfilesystemencodeerrors()


def fsencode(name: str | bytes) -> bytes:
    """``os.fsencode``: str to bytes with the file-system encoding (bytes pass through)."""
    return name if isinstance(name, bytes) else name.encode(_ENCODING, _ERRORS)


def fsdecode(name: str | bytes) -> str:
    """``os.fsdecode``: the inverse of :func:`fsencode`."""
    return name if isinstance(name, str) else name.decode(_ENCODING, _ERRORS)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte to ``fd`` (a pipe may take less than asked)."""
    view = memoryview(data)
    while view:
        view = view[write(fd, view):]


def getenvb(name: bytes) -> bytes | None:
    """An environment variable's raw bytes, or None."""
    os = sys.modules.get("os")
    if os is not None:
        return os.environb.get(name)  # type: ignore[no-any-return]
    from posix import environ
    return environ.get(name)


def getenv(name: str) -> str | None:
    """An environment variable, decoded as ``os.environ`` does, or None."""
    value = getenvb(fsencode(name))
    return None if value is None else fsdecode(value)


def basename(path: str) -> str:
    """``os.path.basename`` for POSIX paths."""
    return path.rpartition("/")[2]


def invoked_name(path: str) -> str:
    """``argv[0]`` as the user typed it, as far as a script can tell.

    A script started through ``#!`` sees the path the shell found on ``PATH``; a C
    program sees the bare name. When the path is exactly a ``PATH`` entry plus the
    name, the bare name is what was typed (getopt's error messages start with it).
    """
    directory, _, name = path.rpartition("/")
    if directory and name:
        for entry in (getenv("PATH") or "").split(":"):
            if entry.rstrip("/") == directory:
                return name
    return path


def exit_now(status: int) -> None:
    """End the process with ``status`` once a command-line tool has written everything.

    Skips the interpreter's teardown (freeing every module and object: about 2 ms, a
    sixth of an ``ipmipower --stat``).  The tools write their output with unbuffered
    ``write()`` calls; anything left in ``sys.stdout``/``sys.stderr`` is flushed first.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    _exit(status)
