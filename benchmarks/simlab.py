"""What the benchmark scripts share: FreeIPMI's ipmipower, free loopback ports, host lists, a
pyipmi-sim process.

Imported by the scripts beside it (``python3 benchmarks/<script>.py`` puts this folder on
``sys.path``); it puts the checkout on ``sys.path`` too, for ``tests.support``. Loopback only;
the simulator is stopped by its PID.
"""

from __future__ import annotations

import ipaddress
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.ports import udp_port_in_use  # noqa: E402 -- needs ROOT on sys.path

SIM = ROOT / "bin" / "pyipmi-sim"
SIM_READY = "stop with Ctrl-C or SIGTERM"     # the last line of pyipmi-sim's start-up banner
STOP_TIMEOUT = 15.0


def find_ipmipower(given: str | None = None) -> str:
    """FreeIPMI's ipmipower: *given*, else from PATH or the sbin directories; exit when missing."""
    found = given or shutil.which("ipmipower") or shutil.which("ipmipower", path="/usr/sbin:/sbin:/usr/local/sbin")
    if not found:
        sys.exit(f"{Path(sys.argv[0]).name}: FreeIPMI ipmipower not found")
    return found


def free_block(count: int, addresses: Sequence[str] = ("127.0.0.1",)) -> int:
    """First of ``count`` consecutive UDP ports in 20000-31999 (below the ephemeral range), free on every address."""
    rng = random.Random()
    for _ in range(100):
        base = rng.randrange(20000, 32000 - count)
        if not any(udp_port_in_use(a, base + i) for a in addresses for i in range(count)):
            return base
    sys.exit(f"{Path(sys.argv[0]).name}: no {count} consecutive free UDP ports")


def loopback_addresses(count: int) -> list[str]:
    """127.0.0.2, 127.0.0.3, ... (``count`` of them)."""
    first = int(ipaddress.IPv4Address("127.0.0.2"))
    return [str(ipaddress.IPv4Address(first + i)) for i in range(count)]


def hostlist_addresses(addrs: list[str], port: int) -> str:
    """``127.0.0.[2-255]:P,127.0.1.[0-255]:P,...``: one range per /24."""
    runs: dict[str, list[int]] = {}
    for a in addrs:
        prefix, last = a.rsplit(".", 1)
        runs.setdefault(prefix, []).append(int(last))
    return ",".join(f"{p}.[{min(v)}-{max(v)}]:{port}" for p, v in runs.items())


class SimProcess:
    """One ``bin/pyipmi-sim`` process started here (its output goes to a log file in ``workdir``)."""

    def __init__(self, args: list[str], workdir: Path, python: str = sys.executable,
                 env: dict[str, str] | None = None) -> None:
        self.log_path = workdir / f"pyipmi-sim-{len(list(workdir.glob('pyipmi-sim-*')))}.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([python, str(SIM), *args], stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, cwd=workdir, env=env, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float) -> float:
        """Seconds until the start-up banner was printed; RuntimeError (process stopped) otherwise."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if SIM_READY in self.log():
                return time.monotonic() - start
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"pyipmi-sim did not start: rc={self.proc.poll()}\n{self.log()[-2000:]}")

    def cpu(self) -> float:
        """User + system seconds so far (from /proc), nan when unknown."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self) -> int | None:
        """SIGTERM by PID, bounded wait, SIGKILL if ignored; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
        return self.proc.returncode
