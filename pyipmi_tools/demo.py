"""A self-contained demonstration: ``python3 -m pyipmi_tools.demo``.

Starts ``pyipmi-sim`` on free loopback ports, then does what MAAS does to power a machine
on for a PXE boot, through the command-line tools: ``ipmi-chassis-config --commit`` of
MAAS's boot-flags file, ``ipmipower --cycle --on-if-off``, ``ipmipower --stat``.  Then it
starts a rack of BMCs and drives them with host ranges (``-h 127.0.0.[2-5]:PORT``).  Every
command is printed before it runs, with its output and exit status; the simulators'
state file is the witness of what happened.  Everything started is stopped (by PID)
before the demo ends.  Exit status 0 when every step did what was expected.

``--tools DIR`` runs the executables in DIR (e.g. the single files written by
``python3 -m pyipmi_tools.bundle DIR``) instead of this package's entry points.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

READY_MARKER = "stop with Ctrl-C or SIGTERM"
START_TIMEOUT = 20.0
TOOL_TIMEOUT = 60.0
USER, PASSWORD = "maas", "maas-demo-pass"
RANGE_ADDRESSES = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
MAAS_BOOT_FILE = """\
Section Chassis_Boot_Flags
        Boot_Flags_Persistent                         No
        Boot_Device                                   PXE
EndSection
"""

# How each tool is started when it is not taken from --tools DIR: this package's entry points.
_ENTRY = {
    "pyipmi-sim": "from pyipmi_tools.sim.cli import main",
    "ipmipower": "from pyipmi_tools.ipmipower.main import main",
    "ipmi-chassis-config": "from pyipmi_tools.ipmiconfig.main import main; sys.argv[1:1] = ['--category=chassis']",
}


class DemoError(Exception):
    """A step could not even be attempted (no free ports, the simulator did not start)."""


def free_port(addresses: Sequence[str], low: int = 20000, high: int = 32000, attempts: int = 200) -> int:
    """A UDP port free on every one of *addresses* (loopback only)."""
    for offset in range(attempts):
        port = low + (os.getpid() * 7919 + offset * 104729) % (high - low)
        try:
            for address in addresses:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                    sock.bind((address, port))
        except OSError:
            continue
        return port
    raise DemoError(f"no UDP port free on {', '.join(addresses)}")


class Demo:
    """Runs the steps, prints them, remembers whether each did what was expected."""

    def __init__(self, workdir: Path, tools: Path | None, out: Callable[[str], None] = print) -> None:
        self.workdir = workdir
        self.tools = tools
        self.out = out
        self.sims: list[subprocess.Popen[bytes]] = []
        self.failures: list[str] = []

    # -- processes -----------------------------------------------------------------------------
    def argv(self, tool: str, args: Sequence[str]) -> list[str]:
        if self.tools is not None:
            return [str(self.tools / tool), *args]
        code = f"import sys; {_ENTRY[tool]}; sys.argv[0] = {tool!r}; sys.exit(main())"
        return [sys.executable, "-c", code, *args]

    def start_sim(self, args: Sequence[str], state_file: Path) -> None:
        """Start one pyipmi-sim and wait (bounded) until it serves."""
        argv = ["pyipmi-sim", *args, "--state-file", str(state_file)]
        log_path = self.workdir / f"sim{len(self.sims)}.log"
        self.out(f"$ {shlex.join(argv)} &")
        try:
            with open(log_path, "wb") as log:
                proc = subprocess.Popen(self.argv("pyipmi-sim", argv[1:]), stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            raise DemoError(f"cannot start pyipmi-sim: {exc.strerror or exc}") from None
        self.sims.append(proc)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            if READY_MARKER in log_path.read_text(errors="replace"):
                break
            time.sleep(0.05)
        text = log_path.read_text(errors="replace")
        if READY_MARKER not in text:
            raise DemoError(f"pyipmi-sim did not start (exit status {proc.poll()}):\n{text}")
        self.out(_indent(text.rstrip("\n")) + f"\n  (pid {proc.pid})\n")

    def stop_sims(self) -> None:
        """SIGTERM each simulator we started, by PID; SIGKILL after a bounded wait."""
        for proc in self.sims:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
                self.out(f"stopped pyipmi-sim (pid {proc.pid}), exit status {proc.returncode}")

    def run(self, tool: str, args: Sequence[str], expect_rc: int = 0, expect_out: str | None = None) -> str:
        """Run one tool as MAAS does (stdin empty, C.UTF-8); print it; check rc and stdout."""
        self.out(f"$ {shlex.join([tool, *args])}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
        env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", LANGUAGE="C.UTF-8")
        try:
            proc = subprocess.Popen(self.argv(tool, args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env, start_new_session=True)
        except OSError as exc:
            self.out(f"  cannot run {tool}: {exc.strerror or exc}\n")
            self.failures.append(f"{tool} {' '.join(args)}: cannot run it ({exc.strerror or exc})")
            return ""
        with proc:
            try:
                stdout, stderr = proc.communicate(b"", timeout=TOOL_TIMEOUT)
                rc: int | str = proc.returncode
            except subprocess.TimeoutExpired:
                proc.kill()
                stdout, stderr = proc.communicate()
                rc = f"killed after {TOOL_TIMEOUT:.0f} s"
        text, errors = stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
        if text:
            self.out(text.rstrip("\n"))
        if errors:
            self.out(_indent(errors.rstrip("\n"), "  stderr: "))
        self.out(f"  (exit status {rc})\n")
        if rc != expect_rc or (expect_out is not None and text != expect_out):
            self.failures.append(f"{tool} {' '.join(args)}: exit status {rc}, output {text!r}"
                                 + (f", expected {expect_out!r}" if expect_out is not None else ""))
        return text

    def check(self, what: str, ok: bool) -> None:
        self.out(f"  {'ok' if ok else 'NOT AS EXPECTED'}: {what}\n")
        if not ok:
            self.failures.append(what)

    # -- the steps -----------------------------------------------------------------------------
    def maas_power_on(self) -> None:
        port = free_port(["127.0.0.1"])
        state_file = self.workdir / "node.state.json"
        self.out("== One BMC, powered off; MAAS powers the machine on for a PXE boot\n")
        self.start_sim(["--address", "127.0.0.1", "--port", str(port), "--count", "1",
                        "--user", f"{USER}:{PASSWORD}:ADMIN"], state_file)
        host = f"127.0.0.1:{port}"
        login = ["-W", "opensesspriv", "--driver-type", "LAN_2_0", "-h", host, "-u", USER, "-p", PASSWORD,
                 "-I", "3", "-l", "OPERATOR"]
        boot_file = self.workdir / "tmp-maas-boot"
        boot_file.write_text(MAAS_BOOT_FILE, encoding="utf-8")
        self.out(f"{boot_file}:\n{_indent(MAAS_BOOT_FILE.rstrip())}\n")
        self.run("ipmi-chassis-config", [*login, "--commit", "--filename", str(boot_file)], 0, "")
        flags = bytes.fromhex(_bmc_state(state_file, host)["boot_options"]["5"])
        self.check(f"the BMC's boot flags say PXE, next boot only (parameter 5 = {flags.hex()})",
                   flags[0] & 0xC0 == 0x80 and (flags[1] >> 2) & 0x0F == 1)
        self.run("ipmipower", [*login, "--cycle", "--on-if-off"], 0, "127.0.0.1: ok\n")
        self.run("ipmipower", [*login, "--stat"], 0, "127.0.0.1: on\n")
        self.check("the BMC's chassis power is on", _bmc_state(state_file, host)["chassis"]["power_on"])

    def host_ranges(self) -> None:
        port = free_port(RANGE_ADDRESSES)
        state_file = self.workdir / "rack.state.json"
        first, last = RANGE_ADDRESSES[0], RANGE_ADDRESSES[-1]
        self.out(f"== {len(RANGE_ADDRESSES)} BMCs on {first}-{last}, port {port}: one command for all of them\n")
        self.start_sim(["--address", f"{first}-{last}", "--port", str(port)], state_file)
        prefix = first.rpartition(".")[0]
        hosts = f"{prefix}.[{first.rpartition('.')[2]}-{last.rpartition('.')[2]}]:{port}"
        two = f"{prefix}.[{first.rpartition('.')[2]}-{RANGE_ADDRESSES[1].rpartition('.')[2]}]:{port}"
        login = ["--driver-type", "LAN_2_0", "-u", "admin", "-p", "password"]
        self.run("ipmipower", [*login, "-h", two, "--on"])
        self.run("ipmipower", [*login, "-h", hosts, "--stat"])
        self.run("ipmipower", [*login, "-h", hosts, "--stat", "--consolidate-output"], 0,
                 f"----------------\n{prefix}.[2-3]\n----------------\n on\n"
                 f"----------------\n{prefix}.[4-5]\n----------------\n off\n")
        states = [_bmc_state(state_file, f"{a}:{port}")["chassis"]["power_on"] for a in RANGE_ADDRESSES]
        self.check(f"the BMCs' power: {', '.join('on' if s else 'off' for s in states)}",
                   states == [True, True, False, False])


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def _bmc_state(state_file: Path, host: str, settle: float = 0.5) -> dict:
    """One BMC's state from the simulator's state file (written within a fraction of a second)."""
    time.sleep(settle)
    return json.loads(state_file.read_text())[host]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m pyipmi_tools.demo", description=__doc__.split("\n\n")[1])
    parser.add_argument("--tools", type=Path, metavar="DIR",
                        help="run pyipmi-sim, ipmipower and ipmi-chassis-config from DIR")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pyipmi-demo-") as tmp:
        demo = Demo(Path(tmp), args.tools, lambda line: print(line, flush=True))
        try:
            demo.maas_power_on()
            demo.host_ranges()
        except DemoError as exc:
            demo.failures.append(str(exc))
        finally:
            demo.stop_sims()
    if demo.failures:
        print("\nSome steps did not do what was expected:\n" + _indent("\n".join(demo.failures)))
        return 1
    print("\nEvery step did what was expected.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
