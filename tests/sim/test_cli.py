"""The ``pyipmi-sim`` command, run as a real process on free loopback ports.

Each simulator is started from the checkout's ``bin/pyipmi-sim`` shim in its own
session, with output to a log file, and stopped by PID only: the signal under
test, a bounded wait, then SIGKILL as a last resort.  The FreeIPMI tests use the
real ``ipmipower`` (skipped locally when it is missing, failed under CI=true).
"""

from __future__ import annotations

import configparser
import importlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from tests.support.ports import free_udp_port, free_udp_ports, udp_bound_by, udp_port_in_use
from tests.support.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]
SHIM = ROOT / "bin" / "pyipmi-sim"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
ALL_SUITES = "0-3,6-8,11,12,15-17"


def wait_for(condition: Callable[[], Any], timeout: float, interval: float = 0.02) -> Any:
    """Poll *condition* until it returns something true or *timeout* passes; return its last value."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= end:
            return value
        time.sleep(interval)


class Sim:
    """One pyipmi-sim process started by this test."""

    def __init__(self, args: Sequence[str], workdir: Path, name: str = "sim") -> None:
        self.args = [str(a) for a in args]
        self.out_path = workdir / f"{name}.out"
        self.err_path = workdir / f"{name}.err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, str(SHIM), *self.args], stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err, cwd=workdir, start_new_session=True)

    @property
    def stdout(self) -> str:
        return self.out_path.read_text()

    @property
    def stderr(self) -> str:
        return self.err_path.read_text()

    def wait_ready(self, marker: str = "stop with Ctrl-C or SIGTERM") -> str:
        """Wait for the start-up banner (or the process exiting); return stdout."""
        wait_for(lambda: marker in self.stdout or self.proc.poll() is not None, START_TIMEOUT)
        assert marker in self.stdout, f"not ready: rc={self.proc.poll()} stdout={self.stdout!r} stderr={self.stderr!r}"
        return self.stdout

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send *sig* to our child by PID; return its exit status (bounded wait)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(STOP_TIMEOUT)
            raise AssertionError(f"pyipmi-sim ignored signal {sig}") from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(STOP_TIMEOUT)


@pytest.fixture
def sims(tmp_path: Path) -> Iterator[Callable[..., Sim]]:
    """Start simulators with ``sims(*args)``; any still running are killed at teardown."""
    started: list[Sim] = []

    def start(*args: object, name: Optional[str] = None) -> Sim:
        sim = Sim([str(a) for a in args], tmp_path, name or f"sim{len(started)}")
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.kill()


def run_cli(*args: object, cwd: Optional[Path] = None) -> subprocess.CompletedProcess[str]:
    """Run pyipmi-sim to completion (for options that make it exit at once)."""
    return subprocess.run([sys.executable, str(SHIM), *map(str, args)], capture_output=True, text=True,
                          timeout=60, cwd=cwd or ROOT, stdin=subprocess.DEVNULL)


def table_rows(stdout: str) -> list[list[str]]:
    """The data rows of the start-up table, split on runs of two or more spaces."""
    lines = stdout.splitlines()
    dash = next(i for i, line in enumerate(lines) if line.startswith("-"))
    rows = []
    for line in lines[dash + 1:]:
        if not line.strip() or line.startswith("pyipmi-sim:"):
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def free_port_block(count: int, address: str = "127.0.0.1") -> int:
    """First port of *count* consecutive free UDP ports below the ephemeral range."""
    base = 20000 + (os.getpid() * 7919) % 9000
    for _attempt in range(50):
        if all(not udp_port_in_use(address, base + i) for i in range(count)):
            return base
        base = 20000 + (base + count + 17) % (12000 - count)
    pytest.fail(f"no {count} consecutive free UDP ports found")


def load_state(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def asf_ping(port: int, address: str = "127.0.0.1", timeout: float = 2.0) -> bytes:
    """Send an RMCP/ASF presence ping; return the raw answer."""
    ping = bytes((0x06, 0x00, 0xFF, 0x06, 0x00, 0x00, 0x11, 0xBE, 0x80, 0x2A, 0x00, 0x00))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(ping, (address, port))
        data, source = sock.recvfrom(1024)
    assert source == (address, port)
    return data


def require_bmc() -> None:
    """The protocol core must have landed for tests that talk IPMI to the simulator."""
    try:
        importlib.import_module("pyipmi_tools.sim.bmc")
    except ImportError as exc:  # pragma: no cover - only while the package is incomplete
        pytest.fail(f"pyipmi_tools.sim.bmc is not importable: {exc}")


# -- options that exit at once ----------------------------------------------------------------------


def test_help_reads_like_a_freeipmi_tool() -> None:
    result = run_cli("--help")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Usage: pyipmi-sim [OPTION...]"
    assert lines[1].startswith("pyipmi-sim - ")
    for header in (" Where to serve:", " BMC settings:", " Quirks and network impairment:", " Output:", " General:"):
        assert header in lines
    for option in ("      --rack=FILE ", "      --address=ADDRESS ", "      --count=N ", "      --state-file=FILE ",
                   "      --user=NAME:PASS:PRIV ", "  -?, --help ", "  -V, --version ", "  -q, --quiet ",
                   "      --loss=PERCENT ", "      --allow-non-loopback "):
        assert any(line.startswith(option) for line in lines), option
    assert "  zero-session-seq       every RMCP+ session reply carries session sequence" in lines
    assert lines[-1] == "for any corresponding short options."
    assert max(len(line) for line in lines) <= 79
    assert run_cli("-?").stdout == result.stdout


def test_version() -> None:
    from pyipmi_tools import __version__

    for option in ("--version", "-V"):
        result = run_cli(option)
        assert (result.returncode, result.stdout, result.stderr) == (0, f"pyipmi-sim (pyipmi-tools) {__version__}\n", "")


BAD_OPTIONS = [
    (["--bogus"], "unrecognized arguments: --bogus (see --help)"),
    (["extra"], "unrecognized arguments: extra (see --help)"),
    (["--port"], "option '--port' requires an argument (see --help)"),
    (["--port", "0"], "option --port: port 0 is outside 1..65535"),
    (["--count", "x"], "option --count: bad count 'x'"),
    (["--loss", "101"], "option --loss: loss percentage 101 is outside 0..100"),
    (["--slow", "-2"], "option --slow: slow reply delay -2 is outside 0..3600"),
    (["--quirk", "zero-session-seq", "--quirk", "wobbly"], "option --quirk: unknown quirk profile 'wobbly'"),
    (["--user", "admin"], "option --user: bad user 'admin' (expected NAME:PASSWORD:PRIVILEGE)"),
    (["--user", "a:b:USER", "--user", "a:c:ADMIN"], "option --user: user 'a' is listed twice"),
    (["--cipher-suites", "3,5"], "option --cipher-suites: unsupported cipher suite 5 "
     "(supported: 0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)"),
    (["--k-g", "0xZZ"], "option --k-g: bad K_g: expected 0x and an even number of hex digits, at most 40"),
    (["--power", "sideways"], "option --power: bad power state 'sideways' (expected on or off)"),
    (["--boot-device", "tape"], "option --boot-device: unknown boot device 'tape' (expected NO-OVERRIDE, PXE, "
     "HARD-DRIVE, HARD-DRIVE-SAFE-MODE, DIAGNOSTIC-PARTITION, CD-DVD, BIOS-SETUP, REMOTE-FLOPPY, REMOTE-CD-DVD, "
     "PRIMARY-REMOTE-MEDIA, REMOTE-HARD-DRIVE, FLOPPY)"),
    (["--seed", "abc"], "option --seed: bad number 'abc'"),
    (["--address", "192.0.2.7", "--port", "9000"],
     "192.0.2.7 is not a loopback address (pass --allow-non-loopback to serve on it)"),
    (["--address", "127.0.0.1-127.0.0.x"], "option --address: bad address '127.0.0.1-127.0.0.x' "
     "(expected an IP address or FIRST-LAST range)"),
    (["--port", "65535", "--count", "2"], "ports 65535-65536 run past 65535"),
    (["--rack", "r.ini", "--count", "3"], "--count cannot be combined with --rack (put it in the rack file)"),
]


@pytest.mark.parametrize("args,message", BAD_OPTIONS, ids=[" ".join(a) for a, _m in BAD_OPTIONS])
def test_bad_options_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"pyipmi-sim: {message}\n"


def test_rack_errors_exit_1_with_one_line(tmp_path: Path) -> None:
    rack = tmp_path / "rack.ini"
    rack.write_text("[defaults]\nloss = 5\n\n[node1]\nport = 9001\nquirks = foo\n")
    result = run_cli("--rack", "rack.ini", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "pyipmi-sim: rack.ini line 6: unknown quirk profile 'foo'\n"
    result = run_cli("--rack", "missing.ini", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "pyipmi-sim: missing.ini: No such file or directory\n")


def test_entry_point_is_declared_and_importable() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    scripts = [line.strip() for line in config["options.entry_points"]["console_scripts"].splitlines() if line.strip()]
    assert "pyipmi-sim = pyipmi_tools.sim.cli:main" in scripts
    module = importlib.import_module("pyipmi_tools.sim.cli")
    assert callable(module.main)
    assert os.access(SHIM, os.X_OK)


# -- serving ------------------------------------------------------------------------------------------


def test_serves_count_bmcs_writes_state_and_stops_on_sigterm(sims: Callable[..., Sim], tmp_path: Path) -> None:
    require_bmc()
    base = free_port_block(3)
    state_path = tmp_path / "state.json"
    sim = sims("--port", base, "--count", 3, "--state-file", state_path, "--power", "on", "--boot-device", "pxe")
    out = sim.wait_ready()
    rows = table_rows(out)
    assert [row[0] for row in rows] == [f"127.0.0.1:{base + i}" for i in range(3)]
    assert rows[0][1:] == ["bmc", "admin:ADMIN operator:OPERATOR user:USER", ALL_SUITES, "none", "on", "PXE"]
    assert out.splitlines()[0].split() == ["BMC", "group", "users", "cipher", "suites", "quirks", "power", "boot",
                                           "device"]
    assert f"pyipmi-sim: serving 3 BMCs, state in {state_path}; stop with Ctrl-C or SIGTERM" in out
    for i in range(3):
        assert udp_bound_by(sim.proc.pid, "127.0.0.1", base + i)
    state = load_state(state_path)
    assert sorted(state) == sorted(f"127.0.0.1:{base + i}" for i in range(3))
    first = state[f"127.0.0.1:{base}"]
    assert first["chassis"]["power_on"] is True
    assert first["boot_options"]["5"] == "c004000000"  # valid, persistent, PXE
    assert oct(state_path.stat().st_mode & 0o777) == "0o600"
    assert asf_ping(base + 2)[8] == 0x40  # presence pong

    assert sim.stop(signal.SIGTERM) == 0
    assert sim.stdout.endswith("pyipmi-sim: stopped by SIGTERM\n")
    assert sim.stderr == ""
    assert not any(udp_port_in_use("127.0.0.1", base + i) for i in range(3))
    assert sorted(load_state(state_path)) == sorted(state)
    assert not list(tmp_path.glob(".state.json.*"))  # no temporary files left behind


def test_sigint_is_a_clean_stop_too(sims: Callable[..., Sim]) -> None:
    require_bmc()
    port = free_udp_port()
    sim = sims("--port", port)
    sim.wait_ready()
    assert sim.stop(signal.SIGINT) == 0
    assert "Traceback" not in sim.stderr and sim.stderr == ""
    assert sim.stdout.endswith("pyipmi-sim: stopped by SIGINT\n")


def test_quiet_prints_nothing_and_still_serves(sims: Callable[..., Sim], tmp_path: Path) -> None:
    require_bmc()
    port = free_udp_port()
    sim = sims("--port", port, "--quiet")
    assert wait_for(lambda: udp_bound_by(sim.proc.pid, "127.0.0.1", port), START_TIMEOUT)
    assert asf_ping(port)[8] == 0x40
    assert sim.stop() == 0
    assert (sim.stdout, sim.stderr) == ("", "")


def test_count_500_gets_a_summary_row(sims: Callable[..., Sim]) -> None:
    require_bmc()
    base = free_port_block(500)
    sim = sims("--port", base, "--count", 500, "--quirk", "idzero", "--loss", "5")
    rows = table_rows(sim.wait_ready())
    assert rows == [[f"127.0.0.1:{base}-{base + 499} (500 BMCs)", "bmc", "admin:ADMIN operator:OPERATOR user:USER",
                     ALL_SUITES, "idzero,loss=5%", "off", "NO-OVERRIDE"]]
    for port in (base, base + 250, base + 499):
        assert udp_bound_by(sim.proc.pid, "127.0.0.1", port)
    assert sim.stop() == 0


def test_address_range_serves_one_bmc_per_address(sims: Callable[..., Sim], tmp_path: Path) -> None:
    require_bmc()
    port = free_port_block(1, "127.0.0.2")
    addresses = [f"127.0.0.{n}" for n in range(2, 7)]
    if any(udp_port_in_use(a, port) for a in addresses):
        pytest.fail(f"port {port} is busy on one of {addresses}")
    state_path = tmp_path / "state.json"
    sim = sims("--address", "127.0.0.2-127.0.0.6", "--port", port, "--state-file", state_path,
               "--user", "root:calvin:ADMIN", "--cipher-suites", "3,17")
    rows = table_rows(sim.wait_ready())
    assert [row[0] for row in rows] == [f"{a}:{port}" for a in addresses]
    assert rows[0][2:4] == ["root:ADMIN", "3,17"]
    for address in addresses:
        assert udp_bound_by(sim.proc.pid, address, port)
        assert asf_ping(port, address)[8] == 0x40
    state = load_state(state_path)
    assert sorted(state) == sorted(f"{a}:{port}" for a in addresses)
    users = state[f"127.0.0.4:{port}"]["users"]
    assert [(u["name"], u["enabled"]) for u in users[:3]] == [("", False), ("root", True), ("", False)]
    assert sim.stop() == 0


def test_rack_file_groups_and_state(sims: Callable[..., Sim], tmp_path: Path) -> None:
    require_bmc()
    base = free_port_block(40)
    (tmp_path / "rack.ini").write_text(f"""\
[defaults]
cipher_suites = 3, 17

[node1]
port = {base}
power = on
quirks = zero-session-seq
k_g = 0x0102

[nodes]
port = {base + 1}
count = 39
slow = 0.25
""")
    state_path = tmp_path / "state.json"
    sim = sims("--rack", "rack.ini", "--state-file", state_path)
    rows = table_rows(sim.wait_ready())
    assert rows == [
        [f"127.0.0.1:{base}", "node1", "admin:ADMIN operator:OPERATOR user:USER", "3,17", "zero-session-seq k_g",
         "on", "NO-OVERRIDE"],
        [f"127.0.0.1:{base + 1}-{base + 39} (39 BMCs)", "nodes", "admin:ADMIN operator:OPERATOR user:USER", "3,17",
         "slow=0.25s", "off", "NO-OVERRIDE"],
    ]
    state = load_state(state_path)
    assert len(state) == 40
    assert state[f"127.0.0.1:{base}"]["k_g"] == "0102" + "00" * 18
    assert state[f"127.0.0.1:{base + 5}"]["k_g"] is None
    assert sim.stop() == 0


def test_port_in_use_is_one_line_and_exit_1(sims: Callable[..., Sim]) -> None:
    require_bmc()
    first, busy = free_udp_ports(2)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
        blocker.bind(("127.0.0.1", busy))
        sim = sims("--port", busy)
        assert sim.proc.wait(STOP_TIMEOUT) == 1
        assert sim.stderr == f"pyipmi-sim: cannot bind UDP 127.0.0.1:{busy}: Address already in use\n"
        assert sim.stdout == ""
    assert not udp_port_in_use("127.0.0.1", first)


def test_unwritable_state_file_is_exit_1(sims: Callable[..., Sim], tmp_path: Path) -> None:
    require_bmc()
    sim = sims("--port", free_udp_port(), "--state-file", tmp_path / "no" / "such" / "dir.json")
    assert sim.proc.wait(STOP_TIMEOUT) == 1
    assert re.fullmatch(r"pyipmi-sim: cannot write state file .*dir\.json: No such file or directory\n", sim.stderr)


def test_own_client_changes_show_up_in_the_state_file(sims: Callable[..., Sim], tmp_path: Path) -> None:
    require_bmc()
    from pyipmi_tools.api import Bmc

    base = free_port_block(2)
    state_path = tmp_path / "state.json"
    sim = sims("--port", base, "--count", 2, "--state-file", state_path, "--k-g", "0x0a0b0c", "--seed", 7)
    sim.wait_ready()
    with Bmc("127.0.0.1", "admin", "password", port=base + 1, k_g="0x0a0b0c", privilege="ADMIN") as bmc:
        assert bmc.power_state() is False
        bmc.power("on")
        bmc.set_boot_device("CD-DVD", persistent=True)

    def changed() -> bool:
        state = load_state(state_path)[f"127.0.0.1:{base + 1}"]
        return state["chassis"]["power_on"] and state["boot_options"]["5"][:4] == "c014"

    assert wait_for(changed, 5.0)
    untouched = load_state(state_path)[f"127.0.0.1:{base}"]
    assert untouched["chassis"]["power_on"] is False and untouched["boot_options"]["5"] == "0000000000"
    assert sim.stop() == 0
    assert changed()
    assert sim.stderr == ""


# -- the real FreeIPMI against it ----------------------------------------------------------------------


def ipmipower(tool: str, port: int, *args: str, user: str = "admin", password: str = "password",
              privilege: str = "OPERATOR") -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool, "-D", "LAN_2_0", "-h", f"127.0.0.1:{port}", "-u", user, "-p", password,
                           "-I", "3", "-l", privilege, *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_freeipmi_ipmipower_stat_and_on_update_the_state_file(sims: Callable[..., Sim], tmp_path: Path) -> None:
    tool = require_tool("ipmipower")
    require_bmc()
    port = free_udp_port()
    state_path = tmp_path / "state.json"
    sim = sims("--port", port, "--state-file", state_path)
    sim.wait_ready()
    key = f"127.0.0.1:{port}"

    # FreeIPMI labels its output with the host name, without the port.
    result = ipmipower(tool, port, "--stat")
    assert (result.returncode, result.stdout, result.stderr) == (0, "127.0.0.1: off\n", "")
    assert load_state(state_path)[key]["chassis"]["power_on"] is False

    result = ipmipower(tool, port, "--on")
    assert (result.returncode, result.stdout) == (0, "127.0.0.1: ok\n")
    assert wait_for(lambda: load_state(state_path)[key]["chassis"]["power_on"], 5.0)

    result = ipmipower(tool, port, "--stat")
    assert result.stdout == "127.0.0.1: on\n"

    # USER may not ask for OPERATOR: the BMC refuses during session set-up.
    result = ipmipower(tool, port, "--off", user="user", password="userpass", privilege="OPERATOR")
    assert result.stdout == "127.0.0.1: privilege level cannot be obtained for this user\n"
    assert load_state(state_path)[key]["chassis"]["power_on"] is True

    assert sim.stop() == 0
    assert sim.stderr == ""
    assert load_state(state_path)[key]["chassis"]["power_on"] is True


def test_freeipmi_stat_over_many_bmcs(sims: Callable[..., Sim]) -> None:
    tool = require_tool("ipmipower")
    require_bmc()
    addresses = [f"127.0.0.{n}" for n in range(2, 52)]
    port = free_port_block(1, addresses[0])
    if any(udp_port_in_use(a, port) for a in addresses):
        pytest.fail(f"port {port} is busy on one of 127.0.0.2-127.0.0.51")
    sim = sims("--address", "127.0.0.2-127.0.0.51", "--port", port, "--quiet")
    assert wait_for(lambda: udp_bound_by(sim.proc.pid, addresses[-1], port), START_TIMEOUT)
    hosts = ",".join(f"{a}:{port}" for a in addresses)
    result = subprocess.run([tool, "-D", "LAN_2_0", "-h", hosts, "-u", "admin", "-p", "password", "-I", "3",
                             "-l", "OPERATOR", "--stat"], capture_output=True, text=True, timeout=120,
                            stdin=subprocess.DEVNULL)
    assert sorted(result.stdout.splitlines()) == sorted(f"{a}: off" for a in addresses)
    assert sim.stop() == 0
    assert sim.stderr == ""


def test_freeipmi_sees_the_quirk_chosen_on_the_command_line(sims: Callable[..., Sim]) -> None:
    tool = require_tool("ipmipower")
    require_bmc()
    port = free_udp_port()
    sim = sims("--port", port, "--quirk", "zero-session-seq", "--quiet")
    assert wait_for(lambda: udp_bound_by(sim.proc.pid, "127.0.0.1", port), START_TIMEOUT)
    result = ipmipower(tool, port, "--stat", "--session-timeout=2000")
    assert result.stdout == "127.0.0.1: session timeout\n"
    assert sim.stop() == 0


def test_summary_rows_describe_address_runs_and_ports() -> None:
    from pyipmi_tools.sim.cli import startup_table
    from pyipmi_tools.sim.rack import single_group

    addresses = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.1.1")
    rack = single_group({"address": addresses, "port": 9000, "count": 10, "power": True})
    rows = table_rows(startup_table(rack))
    assert rows == [["127.0.0.2-127.0.0.4,127.0.1.1:9000-9009 (40 BMCs)", "bmc",
                     "admin:ADMIN operator:OPERATOR user:USER", ALL_SUITES, "none", "on", "NO-OVERRIDE"]]
    small = single_group({"address": ("127.0.0.2", "127.0.0.3"), "port": 9000})
    assert [row[0] for row in table_rows(startup_table(small))] == ["127.0.0.2:9000", "127.0.0.3:9000"]
