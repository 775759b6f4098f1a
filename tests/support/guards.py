"""Test guards for event-loop code: a hang becomes a failure, leaks become failures."""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator


def open_fds() -> set[int]:
    """Descriptors open now (minus the one listdir used for the listing)."""
    fds = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            os.fstat(int(name))
        except OSError:
            continue
        fds.add(int(name))
    return fds


@contextmanager
def bounded(seconds: int, what: str, check_fds: bool = False) -> Iterator[None]:
    """Abort the block with TimeoutError after ``seconds``; fail if threads (or descriptors) leak."""

    def on_alarm(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError(f"test took too long ({what} hang?)")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    threads_before = set(threading.enumerate())
    fds_before = open_fds() if check_fds else set()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert set(threading.enumerate()) <= threads_before
    if check_fds:
        assert open_fds() - fds_before == set()
