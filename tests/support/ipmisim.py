"""OpenIPMI ``ipmi_sim`` as a test BMC, with power/boot ground truth in files.

Each instance gets its own state directory::

    STATE_DIR/lan.conf            rendered from ipmisim/lan.conf.in
    STATE_DIR/bmc.emu             copy of ipmisim/bmc.emu
    STATE_DIR/chassis-control     copy of ipmisim/chassis-control
    STATE_DIR/chassis/power       "on" | "off"      (ground truth)
    STATE_DIR/chassis/boot        none|pxe|default|cdrom|bios
    STATE_DIR/chassis/soft_off    "off" | "ignore"  (what a soft shutdown does)
    STATE_DIR/chassis/events.log  one line per chassis change
    STATE_DIR/persist/            ipmi_sim's own persistence (-s)
    STATE_DIR/ipmi_sim.log        the simulator's console output

ipmi_sim runs ``chassis-control`` for every chassis operation and believes
its answers, so the files are the machine.  A power cycle is done by
ipmi_sim itself: "power off" before it answers, then, from a 1 s timer,
"power on".  The helper writes the state file first and then appends the
event, so after seeing an event the state is current; use wait_event() (not
wait_power()) when a test needs both.

Users: admin/password (ADMIN), operator/operpass (OPERATOR), user/userpass
(USER).  IPMI 1.5 and 2.0 both work (see the lab notes for quirks: use
``-W opensesspriv`` with FreeIPMI over LAN_2_0, cipher suites 0-3, 6, 11).
"""

from __future__ import annotations

import os
import shutil
import string
import time
import uuid
from pathlib import Path

from .bmcprocess import BOOT_DEVICES, USERS, BmcStartError, ManagedProcess, tail
from .ports import check_loopback, free_udp_port

DATA_DIR = Path(__file__).with_name("ipmisim")

#: ipmi_sim's boot device words <-> FreeIPMI Boot_Device names.
SIM_TO_FREEIPMI = {
    "none": "NO-OVERRIDE",
    "pxe": "PXE",
    "default": "HARD-DRIVE",  # spec: "force boot from default hard-drive"
    "cdrom": "CD-DVD",
    "bios": "BIOS-SETUP",
}
FREEIPMI_TO_SIM = {v: k for k, v in SIM_TO_FREEIPMI.items()}

_UNSAFE_PATH_CHARS = set(" \t\n\"'\\$`")

__all__ = ["IpmiSim", "IpmiSimFactory", "BmcStartError", "USERS", "BOOT_DEVICES"]


def _render_event(line: str) -> str | None:
    """Turn an events.log line ("STAMP set NAME VALUE") into fixture vocabulary."""
    parts = line.split(maxsplit=3)
    if len(parts) < 4 or parts[1] != "set":
        return None
    name, value = parts[2], parts[3]
    if name == "power":
        return "power on" if value == "1" else "power off"
    if name == "reset":
        return "reset"
    if name == "shutdown":
        return "soft off"
    if name == "shutdown-ignored":
        return "soft ignored"
    if name == "boot":
        return "boot " + SIM_TO_FREEIPMI.get(value, value)
    return f"{name} {value}"


class IpmiSim:
    """One ipmi_sim process on a loopback UDP port, started fresh."""

    users = USERS

    def __init__(self, binary: str = "ipmi_sim") -> None:
        self.binary = binary
        self.address: str | None = None
        self.port: int | None = None
        self.state_dir: Path | None = None
        self._proc: ManagedProcess | None = None
        self._options: dict[str, object] = {}

    # -- life cycle --------------------------------------------------------
    def start(
        self,
        address: str,
        port: int,
        state_dir: str | os.PathLike[str],
        *,
        initial_power: str = "off",
        boot_device: str = "NO-OVERRIDE",
        soft_off: bool = True,
        timeout: float = 5.0,
    ) -> IpmiSim:
        """Start ipmi_sim with fresh state; return once the UDP port is bound."""
        if self._proc is not None and self._proc.running():
            raise RuntimeError(f"already running on {self.host}")
        check_loopback(address)
        state = Path(state_dir).resolve()
        if _UNSAFE_PATH_CHARS & set(str(state)):
            raise ValueError(f"state dir must not contain blanks or quotes: {state}")
        self.address, self.port, self.state_dir = address, int(port), state
        self._options = dict(
            initial_power=initial_power, boot_device=boot_device, soft_off=soft_off
        )
        self._prepare(state)
        self.reset(power=initial_power == "on", boot_device=boot_device, soft_off=soft_off)
        self._proc = ManagedProcess(
            [self.binary, "-c", state / "lan.conf", "-f", state / "bmc.emu", "-s", state / "persist"],
            log_path=state / "ipmi_sim.log",
            cwd=state,
        )
        self._proc.start()
        try:
            self._proc.wait_udp(address, self.port, timeout)
        except BaseException:
            self._proc.stop()
            raise
        return self

    def _prepare(self, state: Path) -> None:
        """Wipe old state and write lan.conf, bmc.emu and the chassis helper."""
        for sub in ("chassis", "persist"):
            shutil.rmtree(state / sub, ignore_errors=True)
        (state / "chassis").mkdir(parents=True)
        (state / "persist").mkdir()
        log = state / "ipmi_sim.log"
        if log.exists():
            log.replace(state / "ipmi_sim.log.1")
        shutil.copyfile(DATA_DIR / "bmc.emu", state / "bmc.emu")
        shutil.copyfile(DATA_DIR / "chassis-control", state / "chassis-control")
        template = string.Template((DATA_DIR / "lan.conf.in").read_text())
        guid = uuid.uuid5(uuid.NAMESPACE_URL, f"ipmi-sim://{self.address}:{self.port}")
        (state / "lan.conf").write_text(
            template.substitute(
                name=f"sim-{self.port}",
                address=self.address,
                port=self.port,
                guid=guid.hex,
                chassis_control=state / "chassis-control",
                chassis_dir=state / "chassis",
            )
        )

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the simulator (SIGTERM, then SIGKILL); safe to call twice."""
        if self._proc is not None:
            self._proc.stop(timeout)

    def restart_if_dead(self) -> bool:
        """Start again (same address, port, options; fresh state) if it died. True if restarted."""
        if self.alive() or self.state_dir is None:
            return False
        self.stop()
        self.start(self.address, self.port, self.state_dir, **self._options)  # type: ignore[arg-type]
        return True

    def alive(self) -> bool:
        """True while the simulator process runs (a crashed one is not alive)."""
        return self._proc is not None and self._proc.running()

    def __enter__(self) -> IpmiSim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addressing ----------------------------------------------------------
    @property
    def host(self) -> str:
        """``ADDRESS:PORT`` as FreeIPMI's ``-h`` accepts it."""
        return f"{self.address}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def log_path(self) -> Path:
        return self._dir / "ipmi_sim.log"

    def log(self, lines: int = 50) -> str:
        """Tail of the simulator's console log (sessions, auth errors, ...)."""
        return tail(self.log_path, lines)

    # -- ground truth ------------------------------------------------------
    @property
    def _dir(self) -> Path:
        if self.state_dir is None:
            raise RuntimeError("not started")
        return self.state_dir / "chassis"

    def _read(self, name: str, default: str) -> str:
        try:
            return (self._dir / name).read_text().strip() or default
        except FileNotFoundError:
            return default

    def _write(self, name: str, value: str) -> None:
        tmp = self._dir / f".{name}.fixture"
        tmp.write_text(value + "\n")
        tmp.replace(self._dir / name)

    def power(self) -> str:
        """Current power state: 'on' or 'off'."""
        return "on" if self._read("power", "off") == "on" else "off"

    def set_power(self, on: bool) -> None:
        """Change the power state behind the BMC's back (not logged as an event)."""
        self._write("power", "on" if on else "off")

    def boot_device(self) -> str:
        """Boot device as a FreeIPMI Boot_Device name (NO-OVERRIDE, PXE, ...)."""
        raw = self._read("boot", "none")
        return SIM_TO_FREEIPMI.get(raw, raw)

    def set_boot_device(self, device: str) -> None:
        """Preset the boot device (FreeIPMI name; ipmi_sim knows only 5 of them)."""
        try:
            self._write("boot", FREEIPMI_TO_SIM[device])
        except KeyError:
            raise ValueError(f"ipmi_sim cannot represent boot device {device!r}") from None

    def set_soft_off(self, enabled: bool) -> None:
        """Whether a soft (ACPI) shutdown powers off (True) or is ignored."""
        self._write("soft_off", "off" if enabled else "ignore")

    def events(self) -> list[str]:
        """Chassis changes so far, oldest first: 'power on', 'power off', 'reset',
        'soft off', 'soft ignored', 'boot PXE', 'identify 15 0', ..."""
        try:
            text = (self._dir / "events.log").read_text()
        except FileNotFoundError:
            return []
        return [e for e in map(_render_event, text.splitlines()) if e is not None]

    def wait_power(self, state: str, timeout: float = 5.0) -> bool:
        """Wait (bounded) until power() == *state*; return whether it got there."""
        deadline = time.monotonic() + timeout
        while self.power() != state:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def wait_event(self, event: str, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait (bounded) until *event* occurred *count* times; return whether it did.
        Once an event is listed, the state change it reports is visible too."""
        deadline = time.monotonic() + timeout
        while self.events().count(event) < count:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    def reset(
        self, power: bool = False, boot_device: str = "NO-OVERRIDE", soft_off: bool = True
    ) -> None:
        """Put power, boot device and soft-off back to the given values; clear events."""
        self.set_power(power)
        self.set_boot_device(boot_device)
        self.set_soft_off(soft_off)
        (self._dir / "events.log").write_text("")


class IpmiSimFactory:
    """Starts :class:`IpmiSim` instances in sub-directories of *base_dir*; stop_all() at teardown."""

    def __init__(self, base_dir: str | os.PathLike[str], binary: str = "ipmi_sim") -> None:
        self.base_dir = Path(base_dir)
        self.binary = binary
        self.instances: list[IpmiSim] = []

    def __call__(self, address: str = "127.0.0.1", **options: object) -> IpmiSim:
        """Start one simulator on a free port (retried on a port race)."""
        error: BmcStartError | None = None
        for _ in range(3):
            port = free_udp_port(address)
            sim = IpmiSim(self.binary)
            self.instances.append(sim)
            try:
                return sim.start(address, port, self.base_dir / f"sim-{address}-{port}", **options)  # type: ignore[arg-type]
            except BmcStartError as exc:
                error = exc
        assert error is not None
        raise error

    def stop_all(self) -> None:
        """Stop every instance this factory started."""
        for sim in self.instances:
            sim.stop()
