"""pyipmi-sim, the project's own BMC simulator, as a test fixture.

One :class:`PyipmiSim` is one ``bin/pyipmi-sim`` process serving one or many
BMCs on loopback.  Settings come from the command line or from a generated
rack file (:func:`rack_text`, one section per group of BMCs on consecutive
ports); the ground truth is the simulator's ``--state-file`` JSON, read with
:meth:`PyipmiSim.bmc_state` / :meth:`PyipmiSim.wait_state`.

The process is a :class:`~tests.support.bmcprocess.ManagedProcess`: its own
session, output in a log file, stopped by PID only (SIGTERM, a bounded wait,
SIGKILL as a last resort).  Ports come from a block of consecutive free UDP
ports below the kernel's ephemeral range, never handed out twice in one run.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bmcprocess import BmcStartError, ManagedProcess, tail
from .ports import check_loopback, udp_port_in_use

ROOT = Path(__file__).resolve().parents[2]
SHIM = ROOT / "bin" / "pyipmi-sim"
READY_MARKER = "stop with Ctrl-C or SIGTERM"
START_TIMEOUT = 20.0
ASF_PING = bytes((0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x00, 0x00, 0x00))
STOP_TIMEOUT = 10.0

#: The simulator's default users: name -> (password, privilege).
DEFAULT_USERS: dict[str, tuple[str, str]] = {
    "admin": ("password", "ADMIN"),
    "operator": ("operpass", "OPERATOR"),
    "user": ("userpass", "USER"),
}

#: The twelve cipher suites the simulator (and FreeIPMI 1.6.10) support.
CIPHER_SUITES = (0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)

_PORT_LOW, _PORT_HIGH = 20000, 32000  # below Linux's default ephemeral range (32768-60999)
_blocks_lock = threading.Lock()
_blocks: list[tuple[str, int, int]] = []  # (address, first, count) handed out in this process


def free_port_block(count: int, address: str = "127.0.0.1", attempts: int = 200) -> int:
    """First port of *count* consecutive free UDP ports on *address* (not handed out before)."""
    check_loopback(address)
    if not 0 < count <= _PORT_HIGH - _PORT_LOW:
        raise ValueError(f"cannot find {count} consecutive ports")
    rng = random.Random(os.getpid() ^ time.monotonic_ns())
    with _blocks_lock:
        for _ in range(attempts):
            base = rng.randrange(_PORT_LOW, _PORT_HIGH - count + 1)
            if any(a == address and base < first + n and first < base + count for a, first, n in _blocks):
                continue
            if all(not udp_port_in_use(address, base + i) for i in range(count)):
                _blocks.append((address, base, count))
                return base
    raise RuntimeError(f"no {count} consecutive free UDP ports found on {address}")


@dataclass
class Group:
    """A rack-file section: *count* BMCs with the same settings (rack keys -> values)."""

    name: str
    count: int = 1
    settings: dict[str, Any] = field(default_factory=dict)
    port: int = 0  # first port, assigned by rack_text()

    @property
    def ports(self) -> range:
        return range(self.port, self.port + self.count)


def _rack_value(value: Any) -> str:
    """A rack-file value: lists joined with ', ', everything else str()."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def rack_text(groups: Sequence[Group], base_port: int, defaults: Mapping[str, Any] | None = None,
              address: str = "127.0.0.1") -> str:
    """Lay *groups* out on consecutive ports from *base_port*; return the rack file text."""
    lines = ["[defaults]", f"address = {address}"]
    lines += [f"{key} = {_rack_value(value)}" for key, value in (defaults or {}).items()]
    port = base_port
    for group in groups:
        group.port = port
        port += group.count
        lines += ["", f"[{group.name}]", f"port = {group.port}", f"count = {group.count}"]
        lines += [f"{key} = {_rack_value(value)}" for key, value in group.settings.items()]
    return "\n".join(lines) + "\n"


class PyipmiSim:
    """One running pyipmi-sim process (start with :meth:`start`, stop with :meth:`stop`)."""

    def __init__(self, workdir: Path, args: Sequence[object] = (), *, name: str = "pyipmi-sim",
                 address: str = "127.0.0.1", ports: Iterable[int] = (), groups: Sequence[Group] = (),
                 command: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
                 wrapper: Sequence[str] = ()) -> None:
        """*command* runs the simulator (default: ``bin/pyipmi-sim`` with this Python); *env* its environment;
        *wrapper* execs it (see :class:`~tests.support.bmcprocess.ManagedProcess`)."""
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.address = check_loopback(address)
        self.state_path = self.workdir / f"{name}.state.json"
        self.log_path = self.workdir / f"{name}.log"
        self.groups = {g.name: g for g in groups}
        self.ports = list(ports) or [p for g in groups for p in g.ports]
        self.args = [str(a) for a in args]
        program = list(command) if command is not None else [sys.executable, str(SHIM)]
        self._proc = ManagedProcess([*program, *self.args, "--state-file", str(self.state_path)],
                                    log_path=self.log_path, cwd=self.workdir, env=env, wrapper=wrapper)

    # -- life cycle ------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def running(self) -> bool:
        return self._proc.running()

    def start(self, timeout: float = START_TIMEOUT) -> "PyipmiSim":
        """Spawn the simulator; return once it prints that it serves (BmcStartError otherwise)."""
        self._proc.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY_MARKER in self.log():
                return self
            if not self._proc.running():
                break
            time.sleep(0.02)
        self.stop()
        raise BmcStartError(f"pyipmi-sim not ready within {timeout} s (exit status {self._proc.returncode()}); "
                            f"log {self.log_path}:\n{tail(self.log_path)}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM by PID, bounded wait (SIGKILL if ignored); return the exit status."""
        self._proc.stop(timeout)
        return self._proc.returncode()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    # -- where -----------------------------------------------------------------------------------
    def port(self, group: str, index: int = 0) -> int:
        """Port of BMC *index* of rack group *group*."""
        g = self.groups[group]
        if not 0 <= index < g.count:
            raise IndexError(f"group {group} has {g.count} BMCs")
        return g.port + index

    def host(self, port: int) -> str:
        """``address:port`` as FreeIPMI's -h and the state file spell it."""
        return f"{self.address}:{port}"

    # -- ground truth ----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The whole state file: {"address:port": BMC state}."""
        for _ in range(50):  # the file is replaced atomically, but be tolerant of a missing one
            try:
                return json.loads(self.state_path.read_text())
            except (OSError, ValueError):
                time.sleep(0.02)
        raise AssertionError(f"cannot read state file {self.state_path}")

    def bmc_state(self, port: int) -> dict[str, Any]:
        """The state of the BMC on *port*."""
        return self.state()[self.host(port)]

    def wait_state(self, port: int, predicate: Callable[[dict[str, Any]], Any], timeout: float = 5.0) -> dict[str, Any]:
        """Poll the BMC's state until *predicate* holds (bounded); return it, AssertionError otherwise.

        Each poll also sends the BMC an RMCP presence ping: the simulator writes a due state
        file when its loop wakes, and an idle loop only wakes every 0.2 s.
        """
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as nudge:
            nudge.setblocking(False)
            while True:
                state = self.bmc_state(port)
                if predicate(state):
                    return state
                if time.monotonic() >= deadline:
                    raise AssertionError(f"state of {self.host(port)} did not reach the expected value "
                                         f"within {timeout} s")
                try:
                    nudge.sendto(ASF_PING, (self.address, port))
                except OSError:
                    pass
                time.sleep(0.02)

    def power_on(self, port: int) -> bool:
        return bool(self.bmc_state(port)["chassis"]["power_on"])

    def boot_flags(self, port: int) -> bytes:
        """Boot option parameter 5 (the five boot flags bytes)."""
        return bytes.fromhex(self.bmc_state(port)["boot_options"]["5"])


class PyipmiSimFactory:
    """Starts pyipmi-sim processes under one directory; :meth:`stop_all` stops every one."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.started: list[PyipmiSim] = []

    def _name(self) -> str:
        return f"pyipmi-sim{len(self.started)}"

    def __call__(self, *args: object, count: int = 1, address: str = "127.0.0.1") -> PyipmiSim:
        """Serve *count* BMCs on consecutive free ports with the given CLI options."""
        base = free_port_block(count, address)
        sim = PyipmiSim(self.workdir, ["--address", address, "--port", base, "--count", count, *args],
                        name=self._name(), address=address, ports=range(base, base + count))
        self.started.append(sim)
        return sim.start()

    def rack(self, groups: Sequence[Group], defaults: Mapping[str, Any] | None = None, *,
             args: Sequence[object] = (), address: str = "127.0.0.1") -> PyipmiSim:
        """Serve *groups* from a generated rack file, on one block of consecutive ports."""
        base = free_port_block(sum(g.count for g in groups), address)
        name = self._name()
        rack = self.workdir / f"{name}.rack.ini"
        self.workdir.mkdir(parents=True, exist_ok=True)
        rack.write_text(rack_text(groups, base, defaults, address))
        sim = PyipmiSim(self.workdir, ["--rack", rack, *args],
                        name=name, address=address, groups=groups)
        self.started.append(sim)
        return sim.start()

    def stop_all(self) -> None:
        for sim in self.started:
            sim.stop()
