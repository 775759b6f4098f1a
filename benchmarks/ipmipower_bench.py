"""Our ``bin/ipmipower`` against FreeIPMI 1.6.10's ``ipmipower``, run alternately.

Starts simulated BMCs (``bin/pyipmi-sim``; for the one-BMC sections optionally
OpenIPMI ``ipmi_sim`` through tests/support/ipmisim.py), then runs both tools
in turn (the order swaps every repetition) and prints medians and ratios
(ours / FreeIPMI) as tables:

* ``stat``: one ``--stat`` with MAAS's flags (``-W opensesspriv --driver-type
  LAN_2_0 -u admin -p password -I 3 -l OPERATOR``): wall time and CPU time
  (user + system, from ``os.wait4``) per run;
* ``cycle``: ``--cycle --on-if-off``, with the power put back (untimed)
  before every run so every run does the same thing;
* ``fanout``: one ``--stat`` over 100 and 1000 BMCs served by one pyipmi-sim
  (consecutive ports, ``-h 127.0.0.1:[P-Q]``, or one address each,
  ``-h 127.0.0.[2-255]:P,...``): wall, CPU, hosts answered, and the
  simulator's own CPU time (it shares the machine);
* ``datagrams``: UDP datagrams each tool sends to (and gets from) the BMC for
  one ``--stat`` and one ``--cycle --on-if-off`` (tshark on ``lo``, else
  ``strace -f`` counting send calls);
* ``importtime``: ``python -X importtime bin/ipmipower --stat ...``: the
  interpreter's bare start-up and the modules that cost the most.

The ``stat``, ``cycle`` and ``fanout`` tables have a third row unless
``--no-floor``: FreeIPMI's own ipmipower exec'd by a bare ``python3 -S``.  It
is the floor for any tool written in Python: the interpreter's start-up on
FreeIPMI's engine, with no Python work at all.

    python3 benchmarks/ipmipower_bench.py [--reps 20] [--fanout-reps 5]
        [--sizes 100,1000] [--mode ports|addresses] [--bmc pyipmi-sim|ipmi_sim]
        [--python PATH ...] [--sections stat,cycle,fanout,datagrams,importtime]
        [--cycle-from off|on] [--no-floor] [--no-bytecode-cache] [--ipmipower PATH]

Our tool is run as ``PYTHON bin/ipmipower`` with a real interpreter, never a
pyenv shim (which adds ~60 ms): by default ``realpath(sys.executable)``;
``--python`` (repeatable) names others, e.g. ``--python /usr/bin/python3``
(which needs ``cryptography`` importable).  This machine's environment sets
PYTHONDONTWRITEBYTECODE, which would make every run recompile every module
without a ``.pyc``; an installed package has its ``.pyc`` files, so by default
our tool runs with PYTHONDONTWRITEBYTECODE removed and PYTHONPYCACHEPREFIX
pointing into a temporary directory (warmed by untimed runs; nothing is
written into the checkout).  ``--no-bytecode-cache`` keeps the environment as
it is.

Only loopback is used.  Every process started here is stopped by its PID
(SIGTERM, bounded wait, SIGKILL); every run has a time limit.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tabulate import tabulate

from simlab import SimProcess, find_ipmipower, free_block, hostlist_addresses, loopback_addresses

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / "bin" / "ipmipower"
MAAS_FLAGS = ["-W", "opensesspriv", "--driver-type", "LAN_2_0", "-u", "admin", "-p", "password",
              "-I", "3", "-l", "OPERATOR"]
RUN_TIMEOUT = 60.0           # one tool run against one BMC
FANOUT_TIMEOUT = 300.0       # one tool run against 1000 BMCs
STOP_TIMEOUT = 10.0
SECTIONS = ("stat", "cycle", "fanout", "datagrams", "importtime")
TABLE = {"tablefmt": "github", "disable_numparse": True}


def note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- running one command -------------------------------------------------------------------------------

@dataclass
class Run:
    wall: float                 # seconds, spawn to reaped
    cpu: float                  # seconds, user + system of the child
    rc: int
    out: str
    err: str
    timed_out: bool = False


def run_once(argv: list[str], env: dict[str, str], timeout: float) -> Run:
    """Spawn ``argv`` (posix_spawn: the same cheap spawn for both tools), reap it with wait4.

    stdout and stderr go to anonymous temporary files; the child is SIGKILLed (through a pidfd,
    so never a recycled PID) after ``timeout`` seconds.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, open(os.devnull, "rb") as null:
        actions = [(os.POSIX_SPAWN_DUP2, null.fileno(), 0), (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                   (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        timed_out = False
        pidfd = os.pidfd_open(pid)
        try:
            ready, _, _ = select.select([pidfd], [], [], timeout)
            if not ready:
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
                timed_out = True
            _, status, usage = os.wait4(pid, 0)
        finally:
            os.close(pidfd)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status),
                   out.read().decode(errors="replace"), err.read().decode(errors="replace"), timed_out)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else float("nan")


def fmt_ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def seconds(ms: float) -> str:
    return "-" if math.isnan(ms) else f"{ms / 1000:.3f}"


def ratio(a: float, b: float) -> str:
    if math.isnan(a) or math.isnan(b) or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def first_line(text: str, width: int = 70) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:width] if lines else ""


# -- the two tools ---------------------------------------------------------------------------------------

@dataclass
class Tool:
    name: str                   # row label
    prefix: list[str]           # argv before the ipmipower options
    env: dict[str, str]
    ours: bool
    floor: bool = False         # FreeIPMI started from a bare Python interpreter (see floor_tool)
    runs: list[Run] = field(default_factory=list)

    def argv(self, args: list[str]) -> list[str]:
        return [*self.prefix, *args]


def real_interpreter(path: str) -> str:
    """The interpreter binary itself: a pyenv shim is a shell script, so ask it for sys.executable."""
    resolved = shutil.which(path) or path
    try:
        with open(resolved, "rb") as handle:
            is_script = handle.read(2) == b"#!"
    except OSError:
        sys.exit(f"ipmipower_bench: no interpreter {path}")
    if is_script:
        resolved = subprocess.run([resolved, "-c", "import sys; print(sys.executable)"], capture_output=True,
                                  text=True, timeout=30, check=True).stdout.strip()
    return os.path.realpath(resolved)


def shebang_flags(script: str) -> list[str]:
    """The interpreter options on the script's ``#!`` line (bin/ipmipower asks for ``-S``).

    The benchmark picks the interpreter itself, so it passes these on as the kernel would.
    """
    try:
        with open(script, "rb") as handle:
            first = handle.readline(200).decode("utf-8", "replace").strip()
    except OSError:
        return []
    if not first.startswith("#!"):
        return []
    words = first[2:].split()
    if words and words[0].endswith("/env"):
        words = [w for w in words[1:] if w != "-S"][1:]     # env [-S] python3 FLAGS
    else:
        words = words[1:]
    return [w for w in words if w.startswith("-")]


def tools_for(opts: argparse.Namespace, pycache: Path | None) -> list[Tool]:
    base_env = dict(os.environ)
    ours_env = dict(base_env)
    if pycache is not None:
        ours_env.pop("PYTHONDONTWRITEBYTECODE", None)
        ours_env["PYTHONPYCACHEPREFIX"] = str(pycache)
    tools = []
    script = os.path.realpath(opts.ours_script)
    flags = shebang_flags(script)
    for python in opts.pythons:
        label = f"ours ({python})" if script == str(OURS) else f"ours ({python} {script})"
        tools.append(Tool(label, [python, *flags, script], ours_env, True))
    tools.append(Tool(f"FreeIPMI ({opts.ipmipower_path})", [opts.ipmipower_path], base_env, False))
    return tools


def floor_tool(opts: argparse.Namespace) -> Tool:
    """FreeIPMI's own ipmipower, exec'd by ``python3 -S`` that does nothing else first.

    Any tool written in Python pays the interpreter's start-up before its first packet; this
    row measures that cost alone, on FreeIPMI's engine, so a ratio can be read against what
    no Python program started by that interpreter can go below.
    """
    python = opts.pythons[0]
    start = (f"import posix, sys; posix.execv({opts.ipmipower_path!r}, "
             "['ipmipower'] + sys.argv[1:])")
    return Tool(f"floor: {python} -S, then exec FreeIPMI", [python, "-S", "-c", start], dict(os.environ),
                False, floor=True)


def reference(tools: list[Tool]) -> Tool:
    """FreeIPMI run directly: the 1.00x of every ratio."""
    return next(t for t in tools if not t.ours and not t.floor)


def alternate(tools: list[Tool], rep: int) -> list[Tool]:
    """Every tool once; the order rotates with ``rep`` so that none always goes first."""
    shift = rep % len(tools)
    return tools[shift:] + tools[:shift]


# -- simulated BMCs --------------------------------------------------------------------------------------

class OneBmc:
    """The BMC of the one-host sections: pyipmi-sim or ipmi_sim on 127.0.0.1, with a power reset."""

    def __init__(self, kind: str, workdir: Path, python: str, env: dict[str, str], freeipmi: str) -> None:
        self.kind = kind
        self.freeipmi = freeipmi
        self.sim = None
        self.ipmisim = None
        if kind == "ipmi_sim":
            from tests.support.ipmisim import IpmiSim         # simlab puts the checkout on sys.path
            from tests.support.ports import free_udp_port
            self.port = free_udp_port("127.0.0.1")
            self.ipmisim = IpmiSim().start("127.0.0.1", self.port, workdir / "ipmi_sim", initial_power="off")
        else:
            self.port = free_block(1, ["127.0.0.1"])
            self.sim = SimProcess(["--port", str(self.port), "--count", "1", "--power", "off",
                                  "--cycle-off-time", "0.2"], workdir, python, env)
            self.sim.wait_ready(60)
        self.host = f"127.0.0.1:{self.port}"

    def set_power(self, on: bool, after_cycle: bool = False) -> None:
        """Put the power back behind the timed runs' backs (ipmi_sim: its state file; else FreeIPMI).

        ``after_cycle``: the last run may have started a power cycle; let it end first (ipmi_sim
        powers back on from a 1 s timer).
        """
        state = "on" if on else "off"
        if self.ipmisim is not None:
            if after_cycle:
                self.ipmisim.wait_power("on", 3.0)
            self.ipmisim.set_power(on)
            return
        for _ in range(3):
            run = run_once([self.freeipmi, "-h", self.host, *MAAS_FLAGS, "--stat"], dict(os.environ), RUN_TIMEOUT)
            if run.out.strip().endswith(f": {state}"):
                return
            run_once([self.freeipmi, "-h", self.host, *MAAS_FLAGS, f"--{state}"], dict(os.environ), RUN_TIMEOUT)
            time.sleep(0.3)      # a --cycle's off time, or the sim settling
        raise RuntimeError(f"could not set the simulated power {state}")

    def stop(self) -> None:
        if self.sim is not None:
            self.sim.stop()
        if self.ipmisim is not None:
            self.ipmisim.stop()


# -- sections --------------------------------------------------------------------------------------------

def answered(run: Run, word: str) -> int:
    return sum(1 for line in run.out.splitlines() if line.endswith(f": {word}"))


def timed_table(title: str, tools: list[Tool], results: dict[str, list[Run]], expect: str,
                hosts: int = 1) -> str:
    ref = reference(tools)
    ref_runs = [r for r in results[ref.name] if answered(r, expect) == hosts]
    ref_wall, ref_cpu = median_ms([r.wall for r in ref_runs]), median_ms([r.cpu for r in ref_runs])
    rows = []
    for tool in tools:
        runs = results[tool.name]
        good = [r for r in runs if answered(r, expect) == hosts]
        wall, cpu = median_ms([r.wall for r in good]), median_ms([r.cpu for r in good])
        bad = [r for r in runs if answered(r, expect) != hosts]
        problem = ""
        if bad:
            r = bad[0]
            problem = f"rc={r.rc}{' timeout' if r.timed_out else ''} {first_line(r.err) or first_line(r.out)}"
        rows.append([tool.name, f"{len(good)}/{len(runs)}", fmt_ms(wall),
                     fmt_ms(min((r.wall for r in good), default=float("nan")) * 1000),
                     fmt_ms(cpu), ratio(wall, ref_wall) if tool is not ref else "1.00x",
                     ratio(cpu, ref_cpu) if tool is not ref else "1.00x", problem])
    headers = ["tool", f"ok ('{expect}')", "median wall ms", "min wall ms", "median CPU ms",
               "wall ratio", "CPU ratio", "first failure"]
    return f"### {title}\n\n" + tabulate(rows, headers=headers, **TABLE)


def warm_up(tools: list[Tool], args: list[str], count: int = 2) -> None:
    for tool in tools:
        for _ in range(count):
            run_once(tool.argv(args), tool.env, RUN_TIMEOUT)


def section_stat(tools: list[Tool], bmc: OneBmc, reps: int) -> str:
    args = ["-h", bmc.host, *MAAS_FLAGS, "--stat"]
    bmc.set_power(False)
    warm_up(tools, args)
    results: dict[str, list[Run]] = {t.name: [] for t in tools}
    for rep in range(reps):
        for tool in alternate(tools, rep):
            results[tool.name].append(run_once(tool.argv(args), tool.env, RUN_TIMEOUT))
    note(f"stat: {reps} reps done")
    return timed_table(f"One --stat, MAAS flags ({bmc.kind}), {reps} runs each, alternating", tools, results, "off")


def section_cycle(tools: list[Tool], bmc: OneBmc, reps: int, start_on: bool) -> str:
    args = ["-h", bmc.host, *MAAS_FLAGS, "--cycle", "--on-if-off"]
    results: dict[str, list[Run]] = {t.name: [] for t in tools}
    for rep in range(reps):
        for tool in alternate(tools, rep):
            bmc.set_power(start_on, after_cycle=True)
            results[tool.name].append(run_once(tool.argv(args), tool.env, RUN_TIMEOUT))
    note(f"cycle: {reps} reps done")
    where = "powered on (a real cycle)" if start_on else "powered off (--on-if-off: power on)"
    return timed_table(f"--cycle --on-if-off, MAAS flags ({bmc.kind}), BMC {where} before every run, "
                       f"{reps} runs each", tools, results, "ok")


def section_fanout(tools: list[Tool], opts: argparse.Namespace, workdir: Path, python: str,
                   env: dict[str, str]) -> str:
    biggest = max(opts.sizes)
    if opts.mode == "ports":
        port = free_block(biggest, ["127.0.0.1"])
        sim_args = ["--port", str(port), "--count", str(biggest)]
    else:
        addrs = loopback_addresses(biggest)
        port = free_block(1, addrs)
        sim_args = ["--address", f"{addrs[0]}-{addrs[-1]}", "--port", str(port)]
    sim = SimProcess([*sim_args, "--power", "off"], workdir, python, env)
    rows = []
    try:
        startup = sim.wait_ready(300)
        note(f"fanout: pyipmi-sim serves {biggest} BMCs (start-up {startup:.1f} s)")
        for n in opts.sizes:
            if opts.mode == "ports":
                hostlist = f"127.0.0.1:[{port}-{port + n - 1}]"
            else:
                hostlist = hostlist_addresses(loopback_addresses(n), port)
            args = ["-h", hostlist, *MAAS_FLAGS, "--stat"]
            results: dict[str, list[Run]] = {t.name: [] for t in tools}
            sim_cpu: dict[str, list[float]] = {t.name: [] for t in tools}
            warm_up(tools, args, 1)
            for rep in range(opts.fanout_reps):
                for tool in alternate(tools, rep):
                    before = sim.cpu()
                    results[tool.name].append(run_once(tool.argv(args), tool.env, FANOUT_TIMEOUT))
                    sim_cpu[tool.name].append(sim.cpu() - before)
            note(f"fanout: N={n} done")
            ref = reference(tools)
            ref_wall = median_ms([r.wall for r in results[ref.name]])
            ref_cpu = median_ms([r.cpu for r in results[ref.name]])
            for tool in tools:
                runs = results[tool.name]
                counts = [answered(r, "off") for r in runs]
                wall, cpu = median_ms([r.wall for r in runs]), median_ms([r.cpu for r in runs])
                if not any(counts):                 # nothing answered: no time worth comparing
                    wall = cpu = float("nan")
                bad = [r for r in runs if r.rc != 0 or r.timed_out]
                problem = f"rc={bad[0].rc} {first_line(bad[0].err)}" if bad else ""
                rows.append([n, tool.name, f"{min(counts)}-{max(counts)}" if min(counts) != max(counts)
                             else str(counts[0]), seconds(wall), seconds(cpu),
                             f"{statistics.median(sim_cpu[tool.name]):.2f}",
                             ratio(wall, ref_wall) if tool is not ref else "1.00x",
                             ratio(cpu, ref_cpu) if tool is not ref else "1.00x", problem])
    finally:
        sim.stop()
    headers = ["BMCs", "tool", "answered 'off'", "median wall s", "median CPU s", "sim CPU s",
               "wall ratio", "CPU ratio", "failure"]
    hl = "127.0.0.1:[P-Q]" if opts.mode == "ports" else "127.0.0.[2-255]:P,..."
    return (f"### One --stat over many BMCs (one pyipmi-sim, -h {hl}, MAAS flags), "
            f"{opts.fanout_reps} runs each, alternating\n\n" + tabulate(rows, headers=headers, **TABLE))


class DatagramCounter:
    """Datagrams to and from one UDP port during one command: tshark on lo, else strace."""

    def __init__(self, how: str, workdir: Path) -> None:
        self.workdir = workdir
        if how == "auto":
            how = "tshark" if shutil.which("tshark") and os.geteuid() == 0 else "strace" if shutil.which(
                "strace") else "none"
        self.how = how

    def count(self, argv: list[str], env: dict[str, str], port: int) -> tuple[int, int | None, Run]:
        """(sent to the BMC, received from it or None when unknown, the run)."""
        if self.how == "tshark":
            return self._tshark(argv, env, port)
        if self.how == "strace":
            return self._strace(argv, env)
        raise RuntimeError("neither tshark nor strace")

    def _tshark(self, argv: list[str], env: dict[str, str], port: int) -> tuple[int, int | None, Run]:
        pcap = self.workdir / "capture.pcap"
        pcap.unlink(missing_ok=True)
        errlog = self.workdir / "tshark.err"
        with open(errlog, "wb") as err:
            cap = subprocess.Popen(["tshark", "-i", "lo", "-f", f"udp port {port}", "-w", str(pcap), "-q"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 30
            while "Capture started" not in errlog.read_text(errors="replace"):
                if time.monotonic() > deadline or cap.poll() is not None:
                    raise RuntimeError(f"tshark did not start: {errlog.read_text(errors='replace')[-500:]}")
                time.sleep(0.05)
            run = run_once(argv, env, RUN_TIMEOUT)
            time.sleep(0.5)
        finally:
            if cap.poll() is None:
                cap.send_signal(signal.SIGINT)
                try:
                    cap.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    cap.kill()
                    cap.wait(STOP_TIMEOUT)
        fields = subprocess.run(["tshark", "-r", str(pcap), "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport"],
                                check=False, capture_output=True, text=True, timeout=60).stdout.split("\n")
        pairs = [line.split("\t") for line in fields if line.strip()]
        sent = sum(1 for s, d in pairs if d == str(port))
        received = sum(1 for s, d in pairs if s == str(port))
        return sent, received, run

    def _strace(self, argv: list[str], env: dict[str, str]) -> tuple[int, int | None, Run]:
        trace = self.workdir / "strace.out"
        run = run_once(["/usr/bin/env", "strace", "-f", "-qq", "-e", "trace=sendto,sendmsg,sendmmsg",
                        "-o", str(trace), *argv], env, RUN_TIMEOUT)
        calls = [line for line in trace.read_text(errors="replace").splitlines()
                 if re.search(r"\bsend(to|msg|mmsg)\(", line) and "resumed>" not in line]
        return len(calls), None, run


def section_datagrams(tools: list[Tool], bmc: OneBmc, how: str, workdir: Path, reps: int) -> str:
    counter = DatagramCounter(how, workdir)
    if counter.how == "none":
        return "### Datagrams per operation\n\nneither tshark nor strace is installed"
    rows = []
    ops = [("--stat", ["--stat"], False, "off"), ("--cycle --on-if-off (power off before)",
                                                   ["--cycle", "--on-if-off"], False, "ok"),
           ("--cycle --on-if-off (power on before)", ["--cycle", "--on-if-off"], True, "ok")]
    for label, op_args, start_on, word in ops:
        args = ["-h", bmc.host, *MAAS_FLAGS, *op_args]
        per_tool: dict[str, list[tuple[int, int | None, Run]]] = {t.name: [] for t in tools}
        for rep in range(reps):
            for tool in alternate(tools, rep):
                bmc.set_power(start_on, after_cycle=True)
                per_tool[tool.name].append(counter.count(tool.argv(args), tool.env, bmc.port))
        for tool in tools:
            got = per_tool[tool.name]
            sent = sorted({g[0] for g in got})
            recv = sorted({g[1] for g in got if g[1] is not None})
            ok = sum(1 for g in got if answered(g[2], word) == 1)
            rows.append([label, tool.name, "/".join(map(str, sent)), "/".join(map(str, recv)) or "-",
                         f"{ok}/{len(got)}"])
    note("datagrams: done")
    via = {"tshark": "tshark -i lo -f 'udp port P'",
           "strace": "strace -f -e trace=sendto,sendmsg,sendmmsg (calls, not replies)"}[counter.how]
    return (f"### UDP datagrams per operation ({bmc.kind}, counted with {via}), {reps} runs each "
            "(distinct counts separated by /)\n\n"
            + tabulate(rows, headers=["operation", "tool", "sent to BMC", "received from BMC", "ok"], **TABLE))


IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")


def parse_importtime(stderr: str) -> dict[str, tuple[int, int, int, str]]:
    """module -> (self us, cumulative us, depth, the module that imported it ('' at top level))."""
    entries = []
    for line in stderr.splitlines():
        m = IMPORT_LINE.match(line)
        if m:
            entries.append((m.group(4), int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2))
    result = {}
    for i, (name, self_us, cum_us, depth) in enumerate(entries):
        parent = next((e[0] for e in entries[i + 1:] if e[3] < depth), "")
        result.setdefault(name, (self_us, cum_us, depth, parent))
    return result


def group_of(name: str) -> str:
    top = name.split(".")[0]
    if top == "pyipmi_tools":
        return ".".join(name.split(".")[:2])
    if top.startswith("__editable__") or top in ("certifi", "_distutils_hack", "sitecustomize", "usercustomize"):
        return f"site .pth hooks ({top})"
    return top


def section_importtime(tools: list[Tool], bmc: OneBmc, reps: int, top: int) -> str:
    bmc.set_power(False, after_cycle=True)
    parts = []
    baseline_rows = []
    for tool in [t for t in tools if t.ours]:
        python = tool.prefix[0]
        commands = (("python -c pass", [python, "-c", "pass"]),
                    ("python -I -c pass", [python, "-I", "-c", "pass"]),
                    ("python -S -c pass", [python, "-S", "-c", "pass"]),
                    (f"{os.path.basename(tool.prefix[-1])} --stat (MAAS flags)",
                     tool.argv(["-h", bmc.host, *MAAS_FLAGS, "--stat"])))
        runs: dict[str, list[Run]] = {label: [] for label, _ in commands}
        for _ in range(max(reps, 10)):            # interleaved, so that a busy moment hits them all
            for label, argv in commands:
                runs[label].append(run_once(argv, tool.env, RUN_TIMEOUT))
        for label, _ in commands:
            baseline_rows.append([python, label, fmt_ms(median_ms([r.wall for r in runs[label]])),
                                  fmt_ms(median_ms([r.cpu for r in runs[label]]))])
    parts.append("### Interpreter start-up against the whole run (medians)\n\n" + tabulate(
        baseline_rows, headers=["interpreter", "command", "wall ms", "CPU ms"], **TABLE))

    for tool in [t for t in tools if t.ours]:
        python = tool.prefix[0]
        samples: list[dict[str, tuple[int, int, int, str]]] = []
        problem = ""
        for _ in range(reps):
            run = run_once([python, "-X", "importtime", *tool.prefix[1:], "-h", bmc.host, *MAAS_FLAGS, "--stat"],
                           tool.env, RUN_TIMEOUT)
            samples.append(parse_importtime(run.err))
            if answered(run, "off") != 1:
                rest = "\n".join(line for line in run.err.splitlines() if not line.startswith("import time:"))
                problem = f" (the tool failed: rc={run.rc}, {first_line(rest) or first_line(run.out)!r})"
        names = set().union(*samples)

        def med(name: str, index: int, samples: list = samples) -> float:
            return statistics.median(s[name][index] for s in samples if name in s) / 1000

        def info(name: str, samples: list = samples) -> tuple[int, int, int, str]:
            return next(s[name] for s in samples if name in s)

        total = statistics.median(sum(v[0] for v in s.values()) for s in samples) / 1000
        ranked = sorted(names, key=lambda n: -med(n, 1))
        rows = [[n, info(n)[2], info(n)[3] or "(top level)", f"{med(n, 0):.1f}", f"{med(n, 1):.1f}"]
                for n in ranked[:top]]
        parts.append(f"### python -X importtime {os.path.basename(tool.prefix[-1])} --stat with {python}: top {top} by cumulative "
                     f"time (median of {reps} runs; all imports together {total:.1f} ms){problem}\n\n"
                     "Modules the start-up pack runs at install (pyipmi_tools/startpack.py) do not pass "
                     "through the import system and are not listed; their cost is part of the run's "
                     "wall time above.\n\n"
                     + tabulate(rows, headers=["module", "depth", "imported by", "self ms", "cumulative ms"],
                                **TABLE))
        groups: dict[str, float] = {}
        counts: dict[str, int] = {}
        for n in names:
            g = group_of(n)
            groups[g] = groups.get(g, 0.0) + med(n, 0)
            counts[g] = counts.get(g, 0) + 1
        grows = [[g, counts[g], f"{v:.1f}"] for g, v in sorted(groups.items(), key=lambda kv: -kv[1])[:top]]
        parts.append(f"### Import self time by package ({python}; stdlib modules by their top-level name)\n\n"
                     + tabulate(grows, headers=["package", "modules", "self ms (sum of medians)"], **TABLE))
    return "\n\n".join(parts)


# -- main ------------------------------------------------------------------------------------------------

def raise_nofile() -> None:
    """Children inherit the limit: ~2 descriptors per host for 1000 hosts."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def environment_table(opts: argparse.Namespace, pycache: Path | None) -> str:
    rows = []
    for python in opts.pythons:
        version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], check=False,
                                 capture_output=True, text=True, timeout=30).stdout.strip()
        rows.append(["our interpreter", f"{python} (Python {version})"])
    version = subprocess.run([opts.ipmipower_path, "--version"], check=False, capture_output=True,
                             text=True, timeout=30).stdout.splitlines()
    rows.append(["FreeIPMI", f"{opts.ipmipower_path} ({version[0] if version else '?'})"])
    rows.append(["bytecode", f"cached in {pycache} (PYTHONDONTWRITEBYTECODE removed for ours)" if pycache
                 else f"environment unchanged (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE')})"])
    rows.append(["CPUs", str(os.cpu_count())])
    rows.append(["load average", " ".join(f"{x:.2f}" for x in os.getloadavg())])
    rows.append(["one-BMC sections", opts.bmc])
    return "### Set-up\n\n" + tabulate(rows, headers=["", ""], **TABLE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="runs per tool for stat and cycle (default 20)")
    parser.add_argument("--fanout-reps", type=int, default=5, help="runs per tool per fan-out size (default 5)")
    parser.add_argument("--datagram-reps", type=int, default=3, help="counted runs per tool per operation")
    parser.add_argument("--importtime-reps", type=int, default=7, help="-X importtime runs (default 7)")
    parser.add_argument("--top", type=int, default=25, help="rows in the import tables")
    parser.add_argument("--sizes", default="100,1000", help="fan-out sizes (default 100,1000)")
    parser.add_argument("--mode", choices=("ports", "addresses"), default="ports",
                        help="fan-out BMCs on consecutive ports of 127.0.0.1, or on 127.0.0.2, .3, ...")
    parser.add_argument("--bmc", choices=("pyipmi-sim", "ipmi_sim"), default="pyipmi-sim",
                        help="the BMC of the one-host sections")
    parser.add_argument("--python", dest="pythons", action="append",
                        help="interpreter for our tool (repeatable; default realpath(sys.executable))")
    parser.add_argument("--ipmipower", dest="ipmipower_path", help="FreeIPMI's ipmipower")
    parser.add_argument("--ours-script", default=str(OURS),
                        help="the script our interpreters run (default bin/ipmipower)")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {SECTIONS}")
    parser.add_argument("--cycle-from", choices=("off", "on"), default="off",
                        help="power state put back before every --cycle --on-if-off run (default off)")
    parser.add_argument("--count-with", choices=("auto", "tshark", "strace"), default="auto")
    parser.add_argument("--no-floor", action="store_true",
                        help="leave out the row of FreeIPMI exec'd by a bare python3 -S (stat, cycle, fanout)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="run ours in the unchanged environment (PYTHONDONTWRITEBYTECODE stays)")
    opts = parser.parse_args()
    opts.sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    opts.pythons = [real_interpreter(p) for p in (opts.pythons or [sys.executable])]
    opts.ipmipower_path = os.path.realpath(find_ipmipower(opts.ipmipower_path))
    sections = [s.strip() for s in opts.sections.split(",") if s.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    raise_nofile()
    sim_python = real_interpreter(sys.executable)

    with tempfile.TemporaryDirectory(prefix="ipmipower-bench-") as tmp:
        workdir = Path(tmp)
        pycache = None if opts.no_bytecode_cache else workdir / "pycache"
        tools = tools_for(opts, pycache)
        timed = tools if opts.no_floor else [*tools, floor_tool(opts)]
        sim_env = dict(os.environ)
        if pycache is not None:
            sim_env.pop("PYTHONDONTWRITEBYTECODE", None)
            sim_env["PYTHONPYCACHEPREFIX"] = str(pycache)
        print(environment_table(opts, pycache) + "\n", flush=True)
        bmc = None
        try:
            if {"stat", "cycle", "datagrams", "importtime"} & set(sections):
                bmc = OneBmc(opts.bmc, workdir, sim_python, sim_env, opts.ipmipower_path)
                note(f"one-BMC sections: {opts.bmc} on {bmc.host}")
            for section in sections:
                if section == "stat":
                    text = section_stat(timed, bmc, opts.reps)
                elif section == "cycle":
                    text = section_cycle(timed, bmc, opts.reps, opts.cycle_from == "on")
                elif section == "fanout":
                    text = section_fanout(timed, opts, workdir, sim_python, sim_env)
                elif section == "datagrams":
                    text = section_datagrams(tools, bmc, opts.count_with, workdir, opts.datagram_reps)
                else:
                    text = section_importtime(tools, bmc, opts.importtime_reps, opts.top)
                print(text + "\n", flush=True)
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"Load average at the end: {load} (other work on the machine inflates wall times; "
                  "CPU times are steadier).", flush=True)
        finally:
            if bmc is not None:
                bmc.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
