"""Process handling shared by the ipmi_sim and pyghmi BMC fixtures.

A :class:`ManagedProcess` is a child we started ourselves:

* its stdin is the read end of a pipe whose write end only we hold, so it
  never sees EOF while we live (ipmi_sim quits on console EOF) and does see
  EOF if the test run dies, which makes both simulators exit instead of
  lingering;
* stdout and stderr go to a log file;
* it runs in its own session (Ctrl-C in the terminal does not hit it first);
* it is stopped by PID only: SIGTERM, a bounded wait, SIGKILL, and each
  signal only after /proc/PID/cmdline still shows the argv we started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from .ports import udp_bound_by

#: Users configured on both simulators: name -> (password, maximum privilege).
USERS: dict[str, tuple[str, str]] = {
    "admin": ("password", "ADMIN"),
    "operator": ("operpass", "OPERATOR"),
    "user": ("userpass", "USER"),
}

#: FreeIPMI ``Boot_Device`` names, in Set System Boot Options nibble order.
BOOT_DEVICES = (
    "NO-OVERRIDE",
    "PXE",
    "HARD-DRIVE",
    "HARD-DRIVE-SAFE-MODE",
    "CD-DVD",
    "BIOS-SETUP",
    "FLOPPY",
)

START_TIMEOUT = 5.0
STOP_TIMEOUT = 5.0


class BmcStartError(RuntimeError):
    """A simulator did not come up (message includes the log tail)."""


def tail(path: Path, lines: int = 30) -> str:
    """Last *lines* lines of text file *path* ('' if unreadable)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class ManagedProcess:
    """One child process with a held-open stdin pipe and a log file.

    *wrapper* runs first and execs *argv* in the same process (e.g. ``unshare --net sh -c
    '... exec "$@"' sh``); signals then go to the process only once it is *argv*.
    """

    def __init__(
        self,
        argv: Sequence[str],
        log_path: Path,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        wrapper: Sequence[str] = (),
    ) -> None:
        self.argv = [str(arg) for arg in argv]
        self.wrapper = [str(arg) for arg in wrapper]
        self.log_path = Path(log_path)
        self.cwd = Path(cwd)
        self.env = dict(env) if env is not None else None
        self._popen: subprocess.Popen[bytes] | None = None
        self._stdin_w: int | None = None

    @property
    def pid(self) -> int | None:
        """PID of the child, or None if never started."""
        return self._popen.pid if self._popen else None

    def start(self) -> None:
        """Spawn the child (does not wait for it to be ready)."""
        if self._popen is not None:
            raise RuntimeError("already started")
        read_end, write_end = os.pipe()
        try:
            with open(self.log_path, "ab") as log:
                self._popen = subprocess.Popen(
                    [*self.wrapper, *self.argv],
                    stdin=read_end,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.cwd,
                    env=self.env,
                    close_fds=True,
                    start_new_session=True,
                )
        except BaseException:
            os.close(write_end)
            raise
        finally:
            os.close(read_end)
        self._stdin_w = write_end

    def running(self) -> bool:
        """True while the child has not exited (zombies are reaped, so count as dead)."""
        return self._popen is not None and self._popen.poll() is None

    def returncode(self) -> int | None:
        """Exit status once the child has exited."""
        return self._popen.poll() if self._popen else None

    def send(self, line: str) -> None:
        """Write one line to the child's stdin."""
        if self._stdin_w is None or not self.running():
            raise RuntimeError("process is not running")
        os.write(self._stdin_w, line.rstrip("\n").encode() + b"\n")

    def wait_udp(self, address: str, port: int, timeout: float = START_TIMEOUT) -> None:
        """Wait until the child owns UDP *address*:*port*; raise BmcStartError otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise BmcStartError(
                    f"{self.argv[0]} exited with status {self.returncode()} before "
                    f"binding {address}:{port}; log {self.log_path}:\n{tail(self.log_path)}"
                )
            if udp_bound_by(self._popen.pid, address, port):  # type: ignore[union-attr]
                return
            time.sleep(0.02)
        raise BmcStartError(
            f"{self.argv[0]} did not bind {address}:{port} within {timeout} s; "
            f"log {self.log_path}:\n{tail(self.log_path)}"
        )

    def _is_ours(self) -> bool:
        """True if /proc/PID/cmdline is still exactly the argv we started."""
        assert self._popen is not None
        try:
            raw = Path(f"/proc/{self._popen.pid}/cmdline").read_bytes()
        except OSError:
            return False
        return raw.split(b"\0")[:-1] == [os.fsencode(arg) for arg in self.argv]

    def _signal(self, signum: int) -> None:
        if self.running() and self._is_ours():
            try:
                os.kill(self._popen.pid, signum)  # type: ignore[union-attr]
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM, wait up to *timeout*, then SIGKILL; idempotent."""
        popen = self._popen
        if popen is not None:
            self._signal(signal.SIGTERM)
            try:
                popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                try:
                    popen.wait(timeout)
                except subprocess.TimeoutExpired:
                    pass
        if self._stdin_w is not None:
            os.close(self._stdin_w)
            self._stdin_w = None
