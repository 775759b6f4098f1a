"""Machinery for the golden comparison of ``bin/ipmipower`` with FreeIPMI 1.6.10's ``ipmipower``.

A :class:`Case` is one command line (plus, for interactive cases, what is typed at the
prompt, and optionally a configuration file or stdin).  :class:`Lab` runs every case
twice, once with the real FreeIPMI binary and once with ours, each against its own
fresh BMC(s) in the same initial state, and records stdout, stderr, the exit status and
the BMCs' own state afterwards (the ground truth).  :func:`compare` says whether the two
runs are identical and, if not, how they differ.

BMCs:

* :class:`PyipmiBmc` -- pyipmi-sim.  Every pyipmi-sim BMC of every case lives in one
  of two rack processes, one for FreeIPMI's runs and one for ours, each BMC used by one
  run only.  A case's BMCs all share one UDP port; several BMCs are told apart by their
  loopback address (127.0.0.2, 127.0.0.3, ...), so the host names ipmipower prints are
  the same in both runs even though the ports differ.
* :class:`IpmiSimBmc` -- OpenIPMI ``ipmi_sim``, and :class:`GhmiBmc` -- pyghmi's BMC: one
  process per run, started just before it and stopped right after.

Placeholders in a case's arguments and script: ``{H}`` the (first) BMC as ``ADDRESS:PORT``,
``{P}`` its port (without a BMC: the dead ones), ``{DEAD}`` ``127.0.0.1:PORT`` on a port nobody serves, ``{DEADP}`` that
port, ``{CONF}`` the case's configuration file.

Both programs are started the same way: argv[0] ``./ipmipower`` (getopt prints argv[0]
verbatim), the working directory holding a symlink ``ipmipower`` to our shim, the same
environment (``LC_ALL=C``), their own session (no controlling terminal), stdin
``/dev/null`` unless the case says otherwise, and a bounded run time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.golden import CaseResult, RunResult, diff, group_table, rack_settings, shell_quote, slug, substitute
from tests.support.ports import udp_port_in_use
from tests.support.pyipmisim import ASF_PING, PyipmiSim, free_port_block

ROOT = Path(__file__).resolve().parents[2]
OUR_SHIM = ROOT / "bin" / "ipmipower"
ARGV0 = "./ipmipower"
PROMPT = b"ipmipower> "
SIDES = ("freeipmi", "ours")


# -- what a case runs against ------------------------------------------------------------------


@dataclass(frozen=True)
class PyipmiBmc:
    """pyipmi-sim BMC(s) with the same settings, one per address, all on the case's port."""

    power: bool = False
    quirks: tuple[str, ...] = ()
    users: tuple[str, ...] | None = None          # "name:password:PRIVILEGE" (rack syntax)
    cipher_suites: str | None = None
    k_g: str | None = None
    slow: float | None = None
    addresses: tuple[str, ...] = ("127.0.0.1",)


@dataclass(frozen=True)
class Rack:
    """Several pyipmi-sim groups on one port (different addresses); other addresses are dead."""

    groups: tuple[PyipmiBmc, ...]


@dataclass(frozen=True)
class IpmiSimBmc:
    """One OpenIPMI ipmi_sim."""

    power: bool = False


@dataclass(frozen=True)
class GhmiBmc:
    """One pyghmi BMC (IPMI 2.0, cipher suite 3 only)."""

    power: bool = False


BmcSpec = PyipmiBmc | Rack | IpmiSimBmc | GhmiBmc | None


@dataclass(frozen=True)
class Pause:
    """An interactive-script step: wait this long before typing the next line."""

    seconds: float


@dataclass(frozen=True)
class Case:
    """One golden command line.

    ``script`` makes the case interactive: each line is typed once the prompt is back
    (as powerman does), after a short wait for the discovery pings; it should end with
    ``quit``.  ``eof`` closes stdin after the script instead (1.6.10 hangs then, so only
    our behaviour is checked, against ``ours_only``).  ``expect`` maps each BMC address
    to the power state ("on"/"off") both runs must leave it in.  ``compare``: "exact";
    "unordered" (several hosts without -C or -F 1: lines come in completion order, which
    is not deterministic even for FreeIPMI, so lines are compared sorted); "help" (our
    --help/--usage text is in our own words: only the exit status, empty stderr and a
    non-empty stdout are compared).
    """

    id: str
    group: str
    args: tuple[str, ...]
    bmc: BmcSpec = None
    script: tuple[str | Pause, ...] | None = None
    eof: bool = False
    stdin: bytes | None = None
    config: str | None = None
    expect: Mapping[str, str] | None = None
    compare: str = "exact"
    ours_only: tuple[int, bytes, bytes] | None = None
    ours_expected: tuple[int, bytes, bytes] | None = None
    # A deliberate difference: FreeIPMI gives up needlessly (a 1.6.10 bug) where we succeed.
    # Both runs are checked against their own expected (rc, stdout, stderr).
    freeipmi_bug: tuple[int, bytes, bytes] | None = None
    discovery: float = 0.6
    timeout: float = 40.0
    note: str = ""


# -- running programs -------------------------------------------------------------------------


def _finish(proc: subprocess.Popen[bytes]) -> None:
    """Kill our child (by its PID, via Popen) if it still runs, and reap it."""
    if proc.poll() is None:
        proc.kill()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass


def run_batch(exe: str, argv: list[str], *, cwd: Path, env: Mapping[str, str], stdin: bytes | None,
              timeout: float) -> tuple[int | str, bytes, bytes]:
    """Run once with stdin from /dev/null (or *stdin*); (rc or "timeout", stdout, stderr)."""
    with subprocess.Popen(argv, executable=exe, cwd=cwd, env=dict(env), start_new_session=True,
                          stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
            return proc.returncode, out, err
        except subprocess.TimeoutExpired:
            _finish(proc)
            out, err = proc.communicate()
            return "timeout", out, err


class _Reader(threading.Thread):
    """Collects everything a pipe delivers."""

    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.data = bytearray()
        self.lock = threading.Lock()
        self.closed = threading.Event()

    def run(self) -> None:
        try:
            while chunk := os.read(self.fd, 65536):
                with self.lock:
                    self.data += chunk
        except OSError:
            pass
        self.closed.set()

    def snapshot(self) -> bytes:
        with self.lock:
            return bytes(self.data)


def run_interactive(exe: str, argv: list[str], script: Sequence[str | Pause], *, cwd: Path,
                    env: Mapping[str, str], timeout: float, discovery: float,
                    eof: bool) -> tuple[int | str, bytes, bytes]:
    """Drive the prompt like powerman: wait for ``ipmipower> ``, type a line, wait for the next prompt."""
    deadline = time.monotonic() + timeout
    proc = subprocess.Popen(argv, executable=exe, cwd=cwd, env=dict(env), start_new_session=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    out, err = _Reader(proc.stdout.fileno()), _Reader(proc.stderr.fileno())
    out.start()
    err.start()

    def prompts(count: int) -> bool:
        while out.snapshot().count(PROMPT) < count:
            if time.monotonic() >= deadline or out.closed.is_set():
                return out.snapshot().count(PROMPT) >= count
            time.sleep(0.005)
        return True

    rc: int | str = "timeout"
    try:
        typed = 0
        if prompts(1):
            time.sleep(discovery)                 # let the first discovery pongs arrive
            for step in script:
                if isinstance(step, Pause):
                    time.sleep(step.seconds)
                    continue
                proc.stdin.write(step.encode() + b"\n")
                proc.stdin.flush()
                typed += 1
                if step.split()[:1] == ["quit"] or not prompts(typed + 1):
                    break
        proc.stdin.close()
        try:
            rc = proc.wait(max(0.1, min(10.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            rc = "timeout"
    except BrokenPipeError:                       # it exited before reading everything
        rc = "broken pipe"
    finally:
        _finish(proc)
        out.closed.wait(5)
        err.closed.wait(5)
        proc.stdout.close()
        proc.stderr.close()
    if rc == "broken pipe" and proc.returncode is not None:
        rc = proc.returncode
    return rc, out.snapshot(), err.snapshot()


# -- the lab ---------------------------------------------------------------------------------


def _nudge(address: str, port: int) -> None:
    """Wake pyipmi-sim's loop (it writes a due state file when it wakes)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(ASF_PING, (address, port))
        except OSError:
            pass


def _chassis_truth(chassis: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a pyipmi-sim chassis state that an ipmipower run can change."""
    pending = chassis.get("pending")
    if isinstance(pending, Mapping):
        pending = pending.get("action")
    return {
        "power": "on" if chassis.get("power_on") else "off",
        "identify": ("forced" if chassis.get("identify_forced")
                     else "timed" if chassis.get("identify_until") is not None else "off"),
        "last_power_event": chassis.get("last_power_event"),
        "restart_cause": chassis.get("restart_cause"),
        "pending": pending,
    }


def _uses_cycle(case: Case) -> bool:
    words = list(case.args) + [s for s in (case.script or ()) if isinstance(s, str)]
    return any("cycle" in w or "reset" in w for w in words) or "on-if-off" in (case.config or "")


class Lab:
    """Runs cases with both programs against fresh BMCs; owns the two pyipmi-sim racks."""

    def __init__(self, workdir: Path, freeipmi: str, ipmi_sim_factory: Callable[..., Any] | None,
                 pyghmi_factory: Callable[..., Any] | None) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.freeipmi = freeipmi
        self.ipmi_sim_factory = ipmi_sim_factory
        self.pyghmi_factory = pyghmi_factory
        self.bindir = self.workdir / "bin"
        self.bindir.mkdir(exist_ok=True)
        link = self.bindir / "ipmipower"
        if not link.is_symlink():
            link.symlink_to(OUR_SHIM)
        # IPMIPOWER_GOLDEN_OURS=/usr/sbin/ipmipower checks the harness itself (FreeIPMI against FreeIPMI)
        # relative, so that the shim's interpreter is handed "./ipmipower" as the script (its sys.argv[0])
        self.ours = os.environ.get("IPMIPOWER_GOLDEN_OURS") or ARGV0
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
        self.env.update(LC_ALL="C", LANG="C")
        self.sims: dict[str, PyipmiSim] = {}
        self.ports: dict[tuple[str, str], int] = {}    # (case id, side) -> port
        self.dead: dict[str, int] = {}                  # case id -> a port nobody serves

    # -- pyipmi-sim racks ----------------------------------------------------------------------
    def start(self, cases: Sequence[Case]) -> None:
        """Lay out and start the two racks (FreeIPMI's and ours); reserve the dead ports."""
        racked = [c for c in cases if isinstance(c.bmc, (PyipmiBmc, Rack))]
        need = 2 * len(racked) + len(cases)
        error: Exception | None = None
        for attempt in range(3):
            base = free_port_block(need)
            ports = iter(range(base, base + need))
            self.ports = {(c.id, side): next(ports) for side in SIDES for c in racked}
            self.dead = {c.id: next(ports) for c in cases}
            extra = {a for c in racked for g in _groups(c.bmc) for a in g.addresses} - {"127.0.0.1"}
            if any(udp_port_in_use(a, p) for a in extra for p in self.ports.values()):
                continue
            if not racked:
                return
            try:
                for side in SIDES:
                    self.sims[side] = self._start_rack(side, racked, attempt)
                return
            except Exception as exc:  # noqa: BLE001 -- port race: stop what started, try again
                error = exc
                self.stop()
        raise RuntimeError(f"cannot start the pyipmi-sim racks: {error}")

    def _start_rack(self, side: str, racked: Sequence[Case], attempt: int) -> PyipmiSim:
        lines = ["[defaults]", "address = 127.0.0.1", "cycle_off_time = 0.2"]
        for n, case in enumerate(racked):
            for g, spec in enumerate(_groups(case.bmc)):
                lines += ["", f"[c{n}g{g}]", f"address = {', '.join(spec.addresses)}",
                          f"port = {self.ports[(case.id, side)]}", *rack_settings(spec)]
        name = f"rack-{side}-{attempt}"
        rack = self.workdir / f"{name}.ini"
        rack.write_text("\n".join(lines) + "\n")
        sim = PyipmiSim(self.workdir, ["--rack", rack], name=name,
                        ports=sorted({self.ports[(c.id, side)] for c in racked}))
        return sim.start(timeout=60.0)

    def stop(self) -> None:
        for sim in self.sims.values():
            sim.stop()
        self.sims.clear()

    # -- one case ------------------------------------------------------------------------------
    def run_case(self, case: Case) -> CaseResult:
        runs: dict[str, RunResult] = {}
        casedir = self.workdir / "cases" / slug(case.id)
        casedir.mkdir(parents=True, exist_ok=True)
        conf = casedir / "ipmipower.conf"
        if case.config is not None:
            conf.write_text(case.config)
        sides = ("ours",) if case.ours_only is not None else SIDES
        for side in sides:
            runs[side] = self._run_side(case, side, conf)
        result = CaseResult(case, runs)
        result.identical, result.diff = compare(case, runs)
        return result

    def _run_side(self, case: Case, side: str, conf: Path) -> RunResult:
        started: Any = None
        bmc = case.bmc
        port = self.dead[case.id]
        host = f"127.0.0.1:{port}"                       # {H} without a BMC: nobody answers there
        try:
            if isinstance(bmc, (PyipmiBmc, Rack)):
                port = self.ports[(case.id, side)]
                host = f"{_groups(bmc)[0].addresses[0]}:{port}"
            else:
                started = start_process_bmc(bmc, self.ipmi_sim_factory, self.pyghmi_factory)
                if started is not None:
                    host, port = started.host, started.port
            subst = {"{H}": host, "{P}": str(port), "{DEAD}": f"127.0.0.1:{self.dead[case.id]}",
                     "{DEADP}": str(self.dead[case.id]), "{CONF}": str(conf)}
            argv = [ARGV0] + [substitute(a, subst) for a in case.args]
            exe = self.freeipmi if side == "freeipmi" else self.ours
            t0 = time.monotonic()
            if case.script is not None:
                script = [s if isinstance(s, Pause) else substitute(s, subst) for s in case.script]
                if not case.eof:
                    script = script if script and script[-1] == "quit" else script + ["quit"]
                rc, out, err = run_interactive(exe, argv, script, cwd=self.bindir, env=self.env,
                                               timeout=case.timeout, discovery=case.discovery, eof=case.eof)
            else:
                rc, out, err = run_batch(exe, argv, cwd=self.bindir, env=self.env, stdin=case.stdin,
                                         timeout=case.timeout)
            seconds = time.monotonic() - t0
            state = self._truth(case, side, started, port)
            return RunResult(argv, rc, out, err, state=state, seconds=seconds)
        finally:
            if started is not None:
                started.stop()

    def _truth(self, case: Case, side: str, started: Any, port: int) -> dict[str, Any]:
        """The BMCs' own state after the run, once pending chassis changes are done."""
        bmc = case.bmc
        cycle = _uses_cycle(case)
        if isinstance(bmc, (PyipmiBmc, Rack)):
            addresses = [a for g in _groups(bmc) for a in g.addresses]
            for _ in range(5 if cycle else 3):
                for address in addresses:
                    _nudge(address, port)
                time.sleep(0.2)
            whole = self.sims[side].state()
            return {a: _chassis_truth(whole[f"{a}:{port}"]["chassis"]) for a in addresses}
        if isinstance(bmc, IpmiSimBmc):
            time.sleep(1.4 if cycle else 0.05)
            return {"127.0.0.1": {"power": started.power(), "events": started.events()}}
        if isinstance(bmc, GhmiBmc):
            time.sleep(0.05)
            state = started.state()
            return {"127.0.0.1": {"power": state["power"], "events": list(state["events"])}}
        return {}


def start_process_bmc(bmc: BmcSpec, ipmi_sim_factory: Callable[..., Any] | None,
                      pyghmi_factory: Callable[..., Any] | None) -> Any:
    """The ipmi_sim or pyghmi BMC *bmc* asks for, started in its initial power state; None for other specs."""
    if not isinstance(bmc, (IpmiSimBmc, GhmiBmc)):
        return None
    factory = ipmi_sim_factory if isinstance(bmc, IpmiSimBmc) else pyghmi_factory
    assert factory is not None
    return factory(initial_power="on" if bmc.power else "off")


def _groups(bmc: BmcSpec) -> tuple[PyipmiBmc, ...]:
    if isinstance(bmc, Rack):
        return bmc.groups
    if isinstance(bmc, PyipmiBmc):
        return (bmc,)
    return ()


# -- comparing ---------------------------------------------------------------------------------


def _expectation_failures(case: Case, run: RunResult, side: str) -> list[str]:
    failures = []
    for address, power in (case.expect or {}).items():
        got = run.state.get(address, {}).get("power")
        if got != power:
            failures.append(f"ground truth ({side} run): {address} power is {got}, expected {power}")
    return failures


def compare(case: Case, runs: Mapping[str, RunResult]) -> tuple[bool, str]:
    """(identical?, a short description of every difference)."""
    problems: list[str] = []
    ours = runs["ours"]
    if case.ours_only is not None:
        want_rc, want_out, want_err = case.ours_only
        if (ours.rc, ours.stdout, ours.stderr) != (want_rc, want_out, want_err):
            problems.append(f"ours: rc {ours.rc!r} stdout {ours.stdout!r} stderr {ours.stderr!r}; "
                            f"expected rc {want_rc!r} stdout {want_out!r} stderr {want_err!r}")
        problems += _expectation_failures(case, ours, "ours")
        return not problems, "\n".join(problems)
    theirs = runs["freeipmi"]
    if case.freeipmi_bug is not None:
        assert case.ours_only is None
        for who, run, want in (("FreeIPMI", theirs, case.freeipmi_bug), ("ours", ours, case.ours_expected)):
            if (run.rc, run.stdout, run.stderr) != want:
                problems.append(f"{who}: rc {run.rc!r} stdout {run.stdout!r} stderr {run.stderr!r}; "
                                f"expected {want!r}")
        return not problems, "\n".join(problems)
    if theirs.rc != ours.rc:
        problems.append(f"exit status: FreeIPMI {theirs.rc!r}, ours {ours.rc!r}")
    if case.compare == "help":
        if not ours.stdout:
            problems.append("ours printed nothing on stdout")
        if theirs.stderr != ours.stderr:
            problems.append(diff("stderr", theirs.stderr, ours.stderr))
    else:
        for name in ("stdout", "stderr"):
            a, b = getattr(theirs, name), getattr(ours, name)
            if case.compare == "unordered":
                a = b"".join(sorted(a.splitlines(keepends=True)))
                b = b"".join(sorted(b.splitlines(keepends=True)))
            if a != b:
                problems.append(diff(name, a, b))
    if theirs.state != ours.state:
        problems.append(f"BMC state after the run: FreeIPMI {theirs.state!r}, ours {ours.state!r}")
    problems += _expectation_failures(case, theirs, "FreeIPMI")
    problems += _expectation_failures(case, ours, "ours")
    return not problems, "\n".join(problems)


# -- the report --------------------------------------------------------------------------------


def report(results: Sequence[CaseResult]) -> str:
    """Markdown: identical/total per group and overall, then every mismatch with its diff."""
    parts = ["### ipmipower golden comparison: FreeIPMI 1.6.10 vs bin/ipmipower\n", group_table(results), ""]
    bad = [r for r in results if not r.identical]
    if bad:
        parts.append(f"### Mismatches ({len(bad)})\n")
        for r in bad:
            ours = r.runs.get("ours")
            argv = " ".join(shell_quote(a) for a in (ours.argv if ours else (ARGV0, *r.case.args)))
            parts += [f"#### {r.case.id}", "", f"`{argv}`", "", "```", (r.error or r.diff)[:3000], "```", ""]
    return "\n".join(parts) + "\n"
