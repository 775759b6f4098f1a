"""Replace a file in one step: write a temporary file beside it, then rename it over.

A reader (or a crash) sees the old file or the new one, never a half-written one.  Unless
told otherwise, the new file keeps the old one's permission bits, and a new name gets 0666
less the umask, as ``open()`` would give it.
"""

from __future__ import annotations

import os
import tempfile


def replace_file(path: str, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically; ``OSError`` leaves ``path`` as it was.

    ``mode``: the new file's permission bits, whatever the old file had (for secrets).
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is None:
            try:
                mode = os.stat(path).st_mode & 0o7777
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
