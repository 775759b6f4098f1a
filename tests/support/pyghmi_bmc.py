"""A second, independent test BMC built on ``pyghmi.ipmi.bmc.Bmc``.

Server side (a subprocess; needs pyghmi)::

    python3 -m tests.support.pyghmi_bmc --port 9101 --state-file /tmp/x/state.json \\
        [--address 127.0.0.1] [--initial-power on|off] [--boot-device PXE] \\
        [--cycle-delay 0.5] [--no-soft-off]

The machine (power, boot device, event list) lives in memory; after every
change the whole state is written atomically to ``--state-file`` as JSON::

    {"pid": 123, "address": "127.0.0.1", "port": 9101, "power": "off",
     "boot_device": "PXE", "boot_device_raw": "network", "soft_off": true,
     "events": ["power on", "boot PXE"], "ack": "..."}

Behaviour: power on/off set the state; cycle = "power off", then "power on"
after ``--cycle-delay`` seconds (immediately if 0); cycle and hard reset of a
machine that is off are refused with 0xD5 like many real BMCs; soft = power
off (or "soft ignored" with ``--no-soft-off``); pulse diag is recorded.
pyghmi itself gives IPMI 2.0 only, cipher suite 3 only, no per-user
privilege limits, and silently drops unknown users.

Stdin is a control channel: one JSON object per line, e.g.
``{"id": "x", "power": "on", "boot_device": "PXE", "clear_events": true}``;
the state file then shows ``"ack": "x"``.  EOF on stdin ends the process, so
it never outlives the test run that started it.

Client side: :class:`PyghmiBmc` starts that process and reads the state file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from .bmcprocess import BOOT_DEVICES, USERS, BmcStartError, ManagedProcess, tail
from .ports import check_loopback, free_udp_port

#: pyghmi boot device names (what Bmc.set_boot_device receives) -> FreeIPMI names.
PYGHMI_TO_FREEIPMI = {
    "default": "NO-OVERRIDE",
    "network": "PXE",
    "hd": "HARD-DRIVE",
    "safe": "HARD-DRIVE-SAFE-MODE",
    "optical": "CD-DVD",
    "setup": "BIOS-SETUP",
    "floppy": "FLOPPY",
}
FREEIPMI_TO_PYGHMI = {v: k for k, v in PYGHMI_TO_FREEIPMI.items()}

CC_NOT_IN_PRESENT_STATE = 0xD5
REPO_ROOT = Path(__file__).resolve().parents[2]
MODULE = "tests.support.pyghmi_bmc"

__all__ = ["PyghmiBmc", "PyghmiBmcFactory", "BmcStartError", "USERS", "BOOT_DEVICES"]


# ---------------------------------------------------------------------------
# server side
# ---------------------------------------------------------------------------


class Machine:
    """Thread-safe in-memory machine state, published to a JSON file."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.lock = threading.RLock()
        self.path = Path(args.state_file)
        self.state: dict[str, Any] = {
            "pid": os.getpid(),
            "address": args.address,
            "port": args.port,
            "power": args.initial_power,
            "boot_device_raw": FREEIPMI_TO_PYGHMI[args.boot_device],
            "soft_off": args.soft_off,
            "cycle_delay": args.cycle_delay,
            "events": [],
            "ack": None,
        }
        self.timer: threading.Timer | None = None

    def publish(self, event: str | None = None) -> None:
        """Record *event* (if any) and rewrite the state file atomically."""
        with self.lock:
            if event:
                self.state["events"].append(event)
                logging.info("%s -> power=%s", event, self.state["power"])
            self.state["boot_device"] = PYGHMI_TO_FREEIPMI.get(
                self.state["boot_device_raw"], self.state["boot_device_raw"]
            )
            self.state["updated"] = time.time()
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            tmp.write_text(json.dumps(self.state, indent=1, sort_keys=True) + "\n")
            tmp.replace(self.path)

    def set_power(self, value: str, event: str | None = None) -> None:
        """Set power to 'on'/'off' and publish (cancels a pending cycle)."""
        with self.lock:
            self.cancel_timer()
            self.state["power"] = value
            self.publish(event or f"power {value}")

    def cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def cycle(self, delay: float) -> None:
        """Off now, on after *delay* seconds."""
        with self.lock:
            self.publish("cycle")
            self.set_power("off")
            if delay <= 0:
                self.set_power("on")
                return
            timer = threading.Timer(delay, self._cycle_done)
            timer.daemon = True
            self.timer = timer
            timer.start()

    def _cycle_done(self) -> None:
        with self.lock:
            if self.timer is not None:
                self.timer = None
                self.state["power"] = "on"
                self.publish("power on")

    def command(self, request: dict[str, Any]) -> None:
        """Apply one control-channel request (see module docstring)."""
        with self.lock:
            self.cancel_timer()
            if request.get("clear_events"):
                self.state["events"] = []
            if "power" in request:
                self.state["power"] = "on" if request["power"] in ("on", True) else "off"
            if "boot_device" in request:
                self.state["boot_device_raw"] = FREEIPMI_TO_PYGHMI[request["boot_device"]]
            if "soft_off" in request:
                self.state["soft_off"] = bool(request["soft_off"])
            self.state["ack"] = request.get("id")
            self.publish()


def _make_bmc(machine: Machine, args: argparse.Namespace) -> Any:
    """Build the pyghmi Bmc subclass instance (imports pyghmi lazily)."""
    import pyghmi.ipmi.bmc as pyghmi_bmc

    class LabBmc(pyghmi_bmc.Bmc):
        """pyghmi hooks mapped onto :class:`Machine`."""

        def get_system_guid(self) -> uuid.UUID:
            return self.uuid

        def get_power_state(self) -> str:
            return machine.state["power"]

        def power_on(self) -> int:
            machine.set_power("on")
            return 0

        def power_off(self) -> int:
            machine.set_power("off")
            return 0

        def power_cycle(self) -> int:
            with machine.lock:
                if machine.state["power"] != "on":
                    machine.publish("cycle refused")
                    return CC_NOT_IN_PRESENT_STATE
                machine.cycle(args.cycle_delay)
            return 0

        def power_reset(self) -> int:
            with machine.lock:
                if machine.state["power"] != "on":
                    machine.publish("reset refused")
                    return CC_NOT_IN_PRESENT_STATE
                machine.publish("reset")
            return 0

        def power_shutdown(self) -> int:
            with machine.lock:
                if machine.state["power"] == "on" and machine.state["soft_off"]:
                    machine.set_power("off", "soft off")
                else:
                    machine.publish("soft ignored")
            return 0

        def pulse_diag(self) -> int:
            machine.publish("diag")
            return 0

        def get_boot_device(self) -> str:
            return machine.state["boot_device_raw"]

        def set_boot_device(self, bootdevice: str) -> None:
            with machine.lock:
                machine.state["boot_device_raw"] = bootdevice
                machine.publish("boot " + PYGHMI_TO_FREEIPMI.get(bootdevice, bootdevice))

    users = {name: password for name, (password, _priv) in USERS.items()}
    guid = uuid.uuid5(uuid.NAMESPACE_URL, f"pyghmi-bmc://{args.address}:{args.port}")
    return LabBmc(users, port=args.port, bmcuuid=guid, address=args.address)


def _control_loop(machine: Machine) -> None:
    """Read JSON requests from stdin; exit the process on EOF."""
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            machine.command(json.loads(line))
        except Exception:  # keep serving; the client times out on its ack
            logging.exception("bad control request %r", line)
    logging.info("stdin closed, exiting")
    os._exit(0)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line of the server process."""
    parser = argparse.ArgumentParser(description="pyghmi-based test BMC (loopback only)")
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-file", required=True)
    parser.add_argument("--initial-power", choices=("on", "off"), default="off")
    parser.add_argument("--boot-device", choices=sorted(FREEIPMI_TO_PYGHMI), default="NO-OVERRIDE")
    parser.add_argument("--cycle-delay", type=float, default=0.0)
    parser.add_argument("--no-soft-off", dest="soft_off", action="store_false")
    args = parser.parse_args(argv)
    try:
        check_loopback(args.address)
    except ValueError as exc:
        parser.error(str(exc))
    return args


def main(argv: list[str] | None = None) -> None:
    """Serve one BMC until SIGTERM or EOF on stdin."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s pyghmi-bmc %(message)s")
    machine = Machine(args)
    bmc = _make_bmc(machine, args)
    machine.publish("start")
    threading.Thread(target=_control_loop, args=(machine,), daemon=True).start()
    logging.info("pid %d serving %s:%d", os.getpid(), args.address, args.port)
    bmc.listen(timeout=1)


# ---------------------------------------------------------------------------
# client side (used by the pytest fixtures)
# ---------------------------------------------------------------------------


class PyghmiBmc:
    """Runs the server above as a subprocess; ground truth from its state file."""

    users = USERS

    def __init__(self, python: str = sys.executable) -> None:
        self.python = python
        self.address: str | None = None
        self.port: int | None = None
        self.state_dir: Path | None = None
        self._proc: ManagedProcess | None = None
        self._options: dict[str, object] = {}

    def start(
        self,
        address: str,
        port: int,
        state_dir: str | os.PathLike[str],
        *,
        initial_power: str = "off",
        boot_device: str = "NO-OVERRIDE",
        cycle_delay: float = 0.0,
        soft_off: bool = True,
        timeout: float = 5.0,
    ) -> PyghmiBmc:
        """Start a fresh BMC; return once the port is bound and the state file is written."""
        if self._proc is not None and self._proc.running():
            raise RuntimeError(f"already running on {self.host}")
        check_loopback(address)
        state = Path(state_dir).resolve()
        state.mkdir(parents=True, exist_ok=True)
        self.address, self.port, self.state_dir = address, int(port), state
        self._options = dict(initial_power=initial_power, boot_device=boot_device,
                             cycle_delay=cycle_delay, soft_off=soft_off)
        self.state_file.unlink(missing_ok=True)
        log = state / "pyghmi_bmc.log"
        if log.exists():
            log.replace(state / "pyghmi_bmc.log.1")
        argv = [self.python, "-m", MODULE, "--address", address, "--port", str(port),
                "--state-file", str(self.state_file), "--initial-power", initial_power,
                "--boot-device", boot_device, "--cycle-delay", str(cycle_delay)]
        if not soft_off:
            argv.append("--no-soft-off")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        self._proc = ManagedProcess(argv, log_path=log, cwd=state, env=env)
        self._proc.start()
        try:
            deadline = time.monotonic() + timeout
            self._proc.wait_udp(address, self.port, timeout)
            while self._read_state().get("pid") != self._proc.pid:
                if time.monotonic() >= deadline or not self._proc.running():
                    raise BmcStartError(f"pyghmi BMC wrote no state file; log:\n{tail(log)}")
                time.sleep(0.02)
        except BaseException:
            self._proc.stop()
            raise
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL); safe to call twice."""
        if self._proc is not None:
            self._proc.stop(timeout)

    def restart_if_dead(self) -> bool:
        """Start again with the same settings if the process died. True if restarted."""
        if self.alive() or self.state_dir is None:
            return False
        self.stop()
        self.start(self.address, self.port, self.state_dir, **self._options)  # type: ignore[arg-type]
        return True

    def alive(self) -> bool:
        """True while the server process runs."""
        return self._proc is not None and self._proc.running()

    def __enter__(self) -> PyghmiBmc:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """``ADDRESS:PORT`` as FreeIPMI's ``-h`` accepts it."""
        return f"{self.address}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def state_file(self) -> Path:
        if self.state_dir is None:
            raise RuntimeError("not started")
        return self.state_dir / "state.json"

    def log(self, lines: int = 50) -> str:
        """Tail of the server's log."""
        assert self.state_dir is not None
        return tail(self.state_dir / "pyghmi_bmc.log", lines)

    # -- ground truth ------------------------------------------------------
    def _read_state(self) -> dict[str, Any]:
        try:
            return json.loads(self.state_file.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def state(self) -> dict[str, Any]:
        """The whole JSON state (power, boot_device, boot_device_raw, events, ...)."""
        state = self._read_state()
        if not state:
            raise RuntimeError(f"no state file at {self.state_file}")
        return state

    def power(self) -> str:
        """Current power state: 'on' or 'off'."""
        return self.state()["power"]

    def boot_device(self) -> str:
        """Boot device as a FreeIPMI Boot_Device name (NO-OVERRIDE, PXE, ...)."""
        return self.state()["boot_device"]

    def events(self) -> list[str]:
        """What happened since start/reset: 'power on', 'cycle', 'reset refused',
        'soft off', 'diag', 'boot PXE', ... (oldest first; 'start' first after start)."""
        return list(self.state()["events"])

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

    def _command(self, timeout: float = 5.0, **request: object) -> None:
        """Send a control request and wait (bounded) for its acknowledgement."""
        assert self._proc is not None
        token = uuid.uuid4().hex
        self._proc.send(json.dumps({"id": token, **request}))
        deadline = time.monotonic() + timeout
        while self._read_state().get("ack") != token:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"pyghmi BMC did not acknowledge {request}; log:\n{self.log()}")
            time.sleep(0.01)

    def set_power(self, on: bool) -> None:
        """Change the power state behind the BMC's back (not recorded as an event)."""
        self._command(power="on" if on else "off")

    def set_boot_device(self, device: str) -> None:
        """Preset the boot device (FreeIPMI name)."""
        if device not in FREEIPMI_TO_PYGHMI:
            raise ValueError(f"unknown boot device {device!r}")
        self._command(boot_device=device)

    def set_soft_off(self, enabled: bool) -> None:
        """Whether a soft (ACPI) shutdown powers off (True) or is ignored."""
        self._command(soft_off=enabled)

    def reset(self, power: bool = False, boot_device: str = "NO-OVERRIDE",
              soft_off: bool = True) -> None:
        """Put power, boot device and soft-off back to the given values; clear events."""
        self._command(power="on" if power else "off", boot_device=boot_device,
                      soft_off=soft_off, clear_events=True)


class PyghmiBmcFactory:
    """Starts :class:`PyghmiBmc` instances under *base_dir*; stop_all() at teardown."""

    def __init__(self, base_dir: str | os.PathLike[str], python: str = sys.executable) -> None:
        self.base_dir = Path(base_dir)
        self.python = python
        self.instances: list[PyghmiBmc] = []

    def __call__(self, address: str = "127.0.0.1", **options: object) -> PyghmiBmc:
        """Start one BMC on a free port (retried on a port race)."""
        error: BmcStartError | None = None
        for _ in range(3):
            port = free_udp_port(address)
            bmc = PyghmiBmc(self.python)
            self.instances.append(bmc)
            try:
                return bmc.start(address, port, self.base_dir / f"pyghmi-{address}-{port}", **options)  # type: ignore[arg-type]
            except BmcStartError as exc:
                error = exc
        assert error is not None
        raise error

    def stop_all(self) -> None:
        """Stop every instance this factory started."""
        for bmc in self.instances:
            bmc.stop()


if __name__ == "__main__":
    main()
