"""Machinery for the golden comparison of ``bin/ipmi-config`` / ``bin/ipmi-chassis-config`` with
FreeIPMI 1.6.10's ``ipmi-config`` / ``ipmi-chassis-config``.

A :class:`Case` is one command line (plus the files it reads, and optionally stdin).  :class:`Lab`
runs every case twice, once with FreeIPMI and once with ours, each against its own fresh BMC(s)
in the same initial state, and records stdout, stderr, the exit status, the file a checkout
wrote, and the BMCs' own state afterwards (the ground truth).  :func:`compare` says whether the
two runs are identical and, if not, how they differ.

Where the runs happen:

* Each side has its own **network namespace** (``unshare --net``) holding one pyipmi-sim process
  that serves every :class:`Sim` BMC of every case of that side.  So both sides see BMCs at the
  very same addresses, on the default port 623: case number *n* owns ``127.x.y.2``,
  ``127.x.y.3``, ... (``x.y`` from *n*), and ``127.x.y.99`` answers nobody (a dead host).  Host
  names, output prefixes and the MAC/IP/GUID a BMC derives from its address are then identical
  on both sides, with nothing to normalise.  Every case except the ipmi_sim / pyghmi ones runs
  its client inside its side's namespace (``nsenter --net``).
* :class:`IpmiSimBmc` (OpenIPMI ``ipmi_sim``) and :class:`GhmiBmc` (pyghmi's BMC) are one process
  per run in the ordinary namespace, started just before the run and stopped right after.

How the programs are started: the working directory is the case's own directory for that side,
holding the case's files and the symlinks ``ipmi-config`` / ``ipmi-chassis-config`` to the side's
program, and the program runs as ``./ipmi-config`` (FreeIPMI prints argv[0] verbatim).  The
``maas`` tool runs ``ipmi-chassis-config`` by bare name through PATH as MAAS does, i.e. the real
Debian wrapper ``/usr/sbin/ipmi-chassis-config`` (``exec /usr/sbin/ipmi-config
--category=chassis "$@"``); for our side the run gets its own mount namespace in which our
``bin/ipmi-config`` is bind-mounted over ``/usr/sbin/ipmi-config``, exactly the MAAS snap's
layout, so even the ``/usr/sbin/ipmi-config:`` error prefix is compared as is.

Placeholders in arguments, files and stdin: ``{H}`` the first BMC (``127.x.y.2``, or
``127.0.0.1:PORT`` for ipmi_sim / pyghmi), ``{H2}``, ``{H3}``..., ``{N}`` the case's ``127.x.y``,
``{DEAD}`` its dead host.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.ipmipower.golden_support import GhmiBmc, IpmiSimBmc, run_batch, start_process_bmc
from tests.support.golden import CaseResult, RunResult, diff, group_table, rack_settings, shell_quote, slug, substitute
from tests.support.pyipmisim import PyipmiSim
from tests.support.tools import find_tool

ROOT = Path(__file__).resolve().parents[2]
OUR_BIN = ROOT / "bin"
FREEIPMI_CONFIG = "/usr/sbin/ipmi-config"
FREEIPMI_CHASSIS = "/usr/sbin/ipmi-chassis-config"
SIDES = ("freeipmi", "ours")
TOOLS = ("ipmi-config", "ipmi-chassis-config", "maas")
DEAD_OCTET = 99


# -- what a case runs against ------------------------------------------------------------------


@dataclass(frozen=True)
class Sim:
    """``count`` pyipmi-sim BMCs with the same settings, on the case's addresses .2, .3, ..."""

    count: int = 1
    power: bool = False
    quirks: tuple[str, ...] = ()
    users: tuple[str, ...] | None = None          # "name:password:PRIVILEGE" (rack syntax)
    cipher_suites: str | None = None
    k_g: str | None = None
    slow: float | None = None
    boot_device: str | None = None


BmcSpec = Sim | IpmiSimBmc | GhmiBmc | None


@dataclass(frozen=True)
class Case:
    """One golden command line.

    ``tool``: ``ipmi-config`` (exact comparison), ``ipmi-chassis-config`` run directly (FreeIPMI's
    is the shell wrapper, so its messages say ``/usr/sbin/ipmi-config:``; ours cannot know that path:
    the ``<argv0>: `` of every message is normalised on both sides, a deliberate difference),
    or ``maas`` (the Debian wrapper through PATH, exact).  ``files``: name -> text, written into
    the working directory (a name ending in ``/`` is a directory).  ``outfile``: a file the run
    writes (``-n FILE`` checkout), compared too.  ``compare``: ``exact``; ``hosts`` (several hosts
    without ``-C``: per-host streams and ``-B`` blocks arrive in completion order, which FreeIPMI
    does not fix, so each host's lines are compared in order but hosts against hosts as sets);
    ``help`` (our --help/--usage text is in our own words: exit status, empty stderr, non-empty
    stdout).
    """

    id: str
    group: str
    args: tuple[str, ...]
    bmc: BmcSpec = None
    tool: str = "ipmi-config"
    files: Mapping[str, str] = field(default_factory=dict)
    stdin: bytes | None = None
    outfile: str | None = None
    compare: str = "exact"
    timeout: float = 30.0
    note: str = ""


# -- network namespaces and the two pyipmi-sim racks ----------------------------------------------


def netns_available() -> str:
    """'' if this process may create network and mount namespaces, else why not."""
    for tool in ("unshare", "nsenter", "ip"):
        if find_tool(tool) is None:
            return f"{tool} not found"
    try:
        done = subprocess.run(["unshare", "--net", "--mount", "sh", "-c",
                               "ip link set lo up && mount -t tmpfs none /mnt"],
                              capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare failed: {exc}"
    if done.returncode != 0:
        return f"unshare --net --mount not permitted: {done.stderr.decode(errors='replace').strip()}"
    return ""


def case_net(index: int) -> str:
    """``127.x.y`` owned by case number *index* (never 127.0.0)."""
    n = index + 1
    return f"127.{n // 250}.{n % 250 + 1}"


NETNS = ("unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh")


def netns_rack(workdir: Path, name: str, rack: str) -> PyipmiSim:
    """A pyipmi-sim serving *rack* in a network namespace of its own (not started yet)."""
    path = workdir / f"{name}.ini"
    path.write_text(rack)
    return PyipmiSim(workdir, ["--rack", path], name=name, wrapper=NETNS)


def nsenter(sim: PyipmiSim) -> list[str]:
    """The command prefix that runs a program in *sim*'s network namespace."""
    return ["nsenter", f"--net=/proc/{sim.pid}/ns/net", "--"]


def rack_text(cases: Sequence[tuple[int, Case]]) -> str:
    lines = ["[defaults]", "port = 623", "cycle_off_time = 0.2"]
    for index, case in cases:
        spec = case.bmc
        assert isinstance(spec, Sim)
        net = case_net(index)
        lines += ["", f"[case{index}]",
                  "address = " + ", ".join(f"{net}.{2 + i}" for i in range(spec.count)), *rack_settings(spec)]
    return "\n".join(lines) + "\n"


_VOLATILE = {"boot_flags_deadline"}
_VOLATILE_CHASSIS = {"identify_until", "pending"}


def sim_truth(bmc: Mapping[str, Any]) -> dict[str, Any]:
    """A pyipmi-sim BMC's state with the clock-dependent fields reduced to set / not set."""
    truth = {k: v for k, v in bmc.items() if k not in _VOLATILE}
    for key in _VOLATILE:
        truth[key] = bmc.get(key) is not None
    chassis = dict(bmc.get("chassis") or {})
    for key in _VOLATILE_CHASSIS:
        chassis[key] = chassis.get(key) is not None
    truth["chassis"] = chassis
    return truth


# -- the lab -----------------------------------------------------------------------------------


def ours_program() -> tuple[str, str]:
    """(ipmi-config, ipmi-chassis-config) of the side called "ours".

    ``IPMICONFIG_GOLDEN_OURS=freeipmi`` checks the harness itself (FreeIPMI against FreeIPMI).
    """
    if os.environ.get("IPMICONFIG_GOLDEN_OURS", "") in ("freeipmi", FREEIPMI_CONFIG):
        return FREEIPMI_CONFIG, FREEIPMI_CHASSIS
    return str(OUR_BIN / "ipmi-config"), str(OUR_BIN / "ipmi-chassis-config")


class Lab:
    """Runs cases with both programs against fresh BMCs; owns the two namespaced pyipmi-sim racks."""

    def __init__(self, workdir: Path, ipmi_sim_factory: Callable[..., Any] | None,
                 pyghmi_factory: Callable[..., Any] | None) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ipmi_sim_factory = ipmi_sim_factory
        self.pyghmi_factory = pyghmi_factory
        ours = ours_program()
        self.programs = {"freeipmi": (FREEIPMI_CONFIG, FREEIPMI_CHASSIS), "ours": ours}
        self.racks: dict[str, PyipmiSim] = {}
        self.index: dict[str, int] = {}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_", "LC_"))}
        python_dir = str(Path(sys.executable).parent)
        # our shims' "#!/usr/bin/env python3" must find this interpreter; and the MAAS cases'
        # bare "ipmi-chassis-config" must still be FreeIPMI's wrapper in /usr/sbin
        for name in ("ipmi-config", "ipmi-chassis-config"):
            if (Path(python_dir) / name).exists():
                raise RuntimeError(f"{python_dir}/{name} would shadow /usr/sbin/{name} on PATH")
        self.env.update(LC_ALL="C", LANG="C", PATH=f"{python_dir}:/usr/sbin:/usr/bin:/sbin:/bin",
                        PYTHONPATH=str(ROOT))

    def start(self, cases: Sequence[Case]) -> None:
        self.index = {c.id: i for i, c in enumerate(cases)}
        racked = [(self.index[c.id], c) for c in cases if isinstance(c.bmc, Sim)]
        text = rack_text(racked)
        try:
            for side in SIDES:
                self.racks[side] = netns_rack(self.workdir, f"rack-{side}", text).start(timeout=30.0)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        for rack in self.racks.values():
            rack.stop(15.0)                     # SIGTERM: the simulator writes its state file on the way out

    def final_states(self) -> dict[str, dict[str, Any]]:
        """Stop both racks and return {side: {"address:port": state}}."""
        self.stop()
        return {side: rack.state() for side, rack in self.racks.items()}

    # -- one case ------------------------------------------------------------------------------
    def run_case(self, case: Case) -> CaseResult:
        if case.tool not in TOOLS or case.compare not in ("exact", "hosts", "help"):
            raise ValueError(f"case {case.id}: unknown tool {case.tool!r} or comparison {case.compare!r}")
        runs = {side: self._run_side(case, side) for side in SIDES}
        return CaseResult(case, runs)

    def _hosts(self, case: Case) -> list[str]:
        net = case_net(self.index[case.id])
        count = case.bmc.count if isinstance(case.bmc, Sim) else 1
        return [f"{net}.{2 + i}" for i in range(max(count, 1))]

    def _run_side(self, case: Case, side: str) -> RunResult:
        started: Any = None
        bmc = case.bmc
        net = case_net(self.index[case.id])
        subst = {"{DEAD}": f"{net}.{DEAD_OCTET}", "{N}": net}
        hosts = self._hosts(case)
        namespaced = not isinstance(bmc, (IpmiSimBmc, GhmiBmc))
        casedir = self.workdir / "cases" / slug(case.id) / side
        casedir.mkdir(parents=True, exist_ok=True)
        config, chassis = self.programs[side]
        for name, target in (("ipmi-config", config), ("ipmi-chassis-config", chassis)):
            link = casedir / name
            if not link.is_symlink():
                link.symlink_to(target)
        try:
            started = start_process_bmc(bmc, self.ipmi_sim_factory, self.pyghmi_factory)
            if started is not None:
                hosts = [started.host]
            subst["{H}"] = hosts[0]
            for i, host in enumerate(hosts[1:], start=2):
                subst[f"{{H{i}}}"] = host
            for name, text in case.files.items():
                if name.endswith("/"):                  # a directory
                    (casedir / name).mkdir(exist_ok=True)
                else:
                    (casedir / name).write_text(substitute(text, subst))
            if case.outfile:
                (casedir / case.outfile).unlink(missing_ok=True)
            args = [substitute(a, subst) for a in case.args]
            argv = self._argv(case, side, args, namespaced)
            stdin = None if case.stdin is None else substitute(case.stdin.decode(), subst).encode()
            t0 = time.monotonic()
            rc, out, err = run_batch(argv[0], argv, cwd=casedir, env=self.env, stdin=stdin, timeout=case.timeout)
            seconds = time.monotonic() - t0
            written = None
            if case.outfile:
                try:
                    written = (casedir / case.outfile).read_bytes()
                except OSError:
                    written = None
            state = self._truth(bmc, started)
            shown = argv[argv.index("--") + 1:] if namespaced and "--" in argv else argv
            return RunResult(shown, rc, out, err, written, state, seconds)
        finally:
            if started is not None:
                started.stop()

    def _argv(self, case: Case, side: str, args: list[str], namespaced: bool) -> list[str]:
        prefix = nsenter(self.racks[side]) if namespaced else []
        if case.tool == "maas":
            if side == "ours":
                # The MAAS snap's layout: our program bind-mounted over /usr/sbin/ipmi-config, and the
                # real Debian wrapper found through PATH.
                ours = self.programs["ours"][0]
                return prefix + ["unshare", "--mount", "sh", "-c",
                                 f'mount --bind "$0" {FREEIPMI_CONFIG} && exec ipmi-chassis-config "$@"',
                                 ours, *args]
            return prefix + ["sh", "-c", 'exec ipmi-chassis-config "$@"', "sh", *args]
        return prefix + [f"./{case.tool}", *args]

    def _truth(self, bmc: BmcSpec, started: Any) -> dict[str, Any]:
        """ipmi_sim / pyghmi state right after the run (pyipmi-sim's is read at the end)."""
        if isinstance(bmc, IpmiSimBmc):
            time.sleep(0.05)
            return {"power": started.power(), "boot": started.boot_device(), "events": started.events()}
        if isinstance(bmc, GhmiBmc):
            time.sleep(0.05)
            state = started.state()
            return {k: v for k, v in state.items() if k not in ("pid", "port", "address", "updated")}
        return {}

    def add_sim_truth(self, results: Sequence[CaseResult], states: Mapping[str, Mapping[str, Any]]) -> None:
        """Attach each case's pyipmi-sim BMC states (from the final state files) to its runs."""
        for result in results:
            if not isinstance(result.case.bmc, Sim):
                continue
            for side, run in result.runs.items():
                whole = states.get(side, {})
                run.state = {host: sim_truth(whole[f"{host}:623"]) if f"{host}:623" in whole else "missing"
                             for host in self._hosts(result.case)}


# -- normalising -------------------------------------------------------------------------------

_PREFIX = re.compile(rb"^((?:\d+\.\d+\.\d+\.\d+|localhost|\[[0-9a-fA-F:]+\])(?::\d+)?): ")
_COMMENT_HEAD = re.compile(rb"^# Section (\S+) Comments $")
HEADER_RULE = b"----------------"


def check_comment_block(lines: Sequence[bytes], section: bytes) -> str:
    """'' if a section comment block follows FreeIPMI's layout (§4.4), else the first problem.

    ``#``, ``# Section X Comments ``, ``#``, then paragraphs re-flowed greedily at 80 columns
    (every line ``# `` + words + a trailing space, at most 81 characters unless it is one
    over-long word), each followed by ``#``.
    """
    head = [b"#", b"# Section " + section + b" Comments ", b"#"]
    if list(lines[:3]) != head:
        return f"bad head {[bytes(x) for x in lines[:3]]!r}"
    body = list(lines[3:])
    if not body:
        return "no paragraph"
    if body[-1] != b"#":
        return f"does not end with '#': {body[-1]!r}"
    paragraph: list[bytes] = []
    for line in body:
        if line == b"#":
            if not paragraph:
                return "empty paragraph"
            paragraph = []
            continue
        if not line.startswith(b"# ") or not line.endswith(b" ") or line.endswith(b"  "):
            return f"line not '# words ': {line!r}"
        words = line[2:-1].split(b" ")
        if any(not w for w in words):
            return f"double space in {line!r}"
        if len(line) > 81 and len(words) > 1:
            return f"line longer than 81 characters: {line!r}"
        if paragraph and len(paragraph[-1]) + len(words[0]) <= 80:
            return f"not re-flowed greedily: {words[0]!r} fits on {paragraph[-1]!r}"
        paragraph.append(line)
    return ""


def _normalise_stream(lines: Sequence[bytes]) -> list[bytes | None]:
    """Per line: kept as is, replaced by a placeholder (first line of a section comment block,
    which names the block's layout check), or None (the rest of the block)."""
    out: list[bytes | None] = list(lines)
    i = 0
    while i < len(lines):
        m = _COMMENT_HEAD.match(lines[i + 1]) if i + 1 < len(lines) and lines[i] == b"#" else None
        if not m:
            i += 1
            continue
        section = m.group(1)
        end = i + 2
        while end < len(lines) and not lines[end].startswith(b"Section "):
            end += 1                          # (User1's block is headed "Section UserX")
        problem = check_comment_block(lines[i:end], section)
        verdict = b"layout ok" if not problem else b"BAD LAYOUT: " + problem.encode()
        out[i] = b"# <comment block of " + section + b": " + verdict + b">"
        for j in range(i + 1, end):
            out[j] = None
        i = end
    return out


def normalise_checkout(data: bytes) -> bytes:
    """Section comment blocks replaced by placeholders, per host prefix and per ``-B``/``-C`` block
    (interleaved lines of several hosts keep their places)."""
    raw = data.split(b"\n")
    tail = raw.pop()
    split = []
    for line in raw:
        m = _PREFIX.match(line)
        prefix = m.group(0) if m else b""
        split.append((prefix, line[len(prefix):]))
    streams: dict[tuple[bytes, int], list[int]] = {}
    blocks: dict[bytes, int] = {}
    for n, (prefix, body) in enumerate(split):
        if body == HEADER_RULE:                  # each -B / -C header starts a new stream
            blocks[prefix] = blocks.get(prefix, 0) + 1
        streams.setdefault((prefix, blocks.get(prefix, 0)), []).append(n)
    result: list[bytes | None] = list(raw)
    for (prefix, _), indices in streams.items():
        for n, body in zip(indices, _normalise_stream([split[n][1] for n in indices])):
            result[n] = None if body is None else prefix + body
    return b"\n".join([line for line in result if line is not None] + [tail])


_BLOCK_NAME = re.compile(rb"^(?:[0-9.\[\],:-]+|localhost)\n?$")


def by_host(data: bytes) -> list[tuple[bytes, bytes]]:
    """Output split into (host, its lines in order): ``HOST: line`` prefixes and ``-B``/``-C`` blocks.

    A ``-B``/``-C`` block starts at a line naming hosts; the ``----------------`` rules are left
    out: with several hosts finishing at once, 1.6.10 writes the three header lines of one host
    piecemeal, interleaved with another host's block (measured), so only the names mark blocks.
    """
    groups: dict[bytes, list[bytes]] = {}
    block: bytes | None = None
    for line in data.splitlines(keepends=True):
        if line.rstrip(b"\n") == HEADER_RULE:
            continue
        if _BLOCK_NAME.match(line):
            block = b"block " + line.rstrip(b"\n")
            groups.setdefault(block, [])
            continue
        m = _PREFIX.match(line)
        groups.setdefault(m.group(1) if m else (block or b""), []).append(line)
    return sorted((k, b"".join(v)) for k, v in groups.items())


_ARGV0 = re.compile(rb"(?m)^((?:\d+\.\d+\.\d+\.\d+(?::\d+)?: )?)\S*ipmi-(?:chassis-)?config: ")


def normalise_argv0(data: bytes) -> bytes:
    """``ipmi-chassis-config`` run directly: FreeIPMI's wrapper makes argv[0] ``/usr/sbin/ipmi-config``, ours
    is whatever our script chooses (its own path, or the ipmi-config next to it); every message's
    ``<argv0>: `` is written ``<argv0>: `` on both sides, and argp's short name ``ipmi-config``."""
    return _ARGV0.sub(rb"\1<argv0>: ", data).replace(b"`ipmi-chassis-config ", b"`ipmi-config ")


# -- comparing ---------------------------------------------------------------------------------


def _state_diff(theirs: Any, ours: Any, path: str = "") -> list[str]:
    if isinstance(theirs, Mapping) and isinstance(ours, Mapping):
        out = []
        for key in sorted(set(theirs) | set(ours), key=str):
            out += _state_diff(theirs.get(key, "<absent>"), ours.get(key, "<absent>"), f"{path}.{key}")
        return out
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        out = []
        for n, (a, b) in enumerate(zip(theirs, ours)):
            out += _state_diff(a, b, f"{path}[{n}]")
        return out
    return [] if theirs == ours else [f"{path or '.'}: FreeIPMI {theirs!r}, ours {ours!r}"]


def presented(case: Case, run: RunResult, side: str) -> tuple[bytes, bytes, bytes | None]:
    """(stdout, stderr, written file) as compared: comment blocks replaced, argv[0] normalised."""
    out, err, written = run.stdout, run.stderr, run.outfile
    if case.tool == "ipmi-chassis-config":
        out, err = normalise_argv0(out), normalise_argv0(err)
    out = normalise_checkout(out)
    if written is not None:
        written = normalise_checkout(written)
    return out, err, written


def compare(case: Case, runs: Mapping[str, RunResult]) -> tuple[bool, str]:
    """(identical?, a short description of every difference)."""
    problems: list[str] = []
    theirs, ours = runs["freeipmi"], runs["ours"]
    if theirs.rc != ours.rc:
        problems.append(f"exit status: FreeIPMI {theirs.rc!r}, ours {ours.rc!r}")
    t_out, t_err, t_file = presented(case, theirs, "freeipmi")
    o_out, o_err, o_file = presented(case, ours, "ours")
    if case.compare == "help":
        if not ours.stdout:
            problems.append("ours printed nothing on stdout")
        if t_err != o_err:
            problems.append(diff("stderr", t_err, o_err))
    else:
        for name, a, b in (("stdout", t_out, o_out), ("stderr", t_err, o_err)):
            if case.compare == "hosts":
                ga, gb = by_host(a), by_host(b)
                if ga != gb:
                    problems.append(diff(name + " (grouped by host)", b"".join(h + b" >>\n" + t for h, t in ga),
                                          b"".join(h + b" >>\n" + t for h, t in gb)))
            elif a != b:
                problems.append(diff(name, a, b))
    if case.outfile and t_file != o_file:
        if t_file is None or o_file is None:
            problems.append(f"file {case.outfile}: FreeIPMI {'absent' if t_file is None else 'written'}, "
                            f"ours {'absent' if o_file is None else 'written'}")
        else:
            problems.append(diff(f"file {case.outfile}", t_file, o_file))
    if theirs.state != ours.state:
        problems.append("BMC state after the run:\n" + "\n".join(_state_diff(theirs.state, ours.state)[:40]))
    return not problems, "\n".join(problems)


# -- the report --------------------------------------------------------------------------------


def report(results: Sequence[CaseResult], seconds: float, ours: str) -> str:
    """Markdown: identical/total per group and overall, then every mismatch with its diff."""
    parts = [f"### ipmi-config golden comparison: FreeIPMI 1.6.10 vs {ours}\n",
             f"{time.strftime('%Y-%m-%d %H:%M:%S')}, {len(results)} cases in {seconds:.1f} s\n",
             group_table(results), ""]
    bad = [r for r in results if not r.identical]
    if bad:
        parts.append(f"### Mismatches ({len(bad)})\n")
        for r in bad:
            run = r.runs.get("ours")
            argv = " ".join(shell_quote(a) for a in (run.argv if run else (r.case.tool, *r.case.args)))
            files = "".join(f"\n{name}:\n{text}" for name, text in r.case.files.items())
            parts += [f"#### {r.case.id} ({r.case.group})", "", f"`{argv}`", ""]
            if r.case.note:
                parts += [f"note: {r.case.note}", ""]
            if files:
                parts += ["```", files.strip("\n")[:1500], "```", ""]
            parts += ["```", (r.error or r.diff)[:4000], "```", ""]
    return "\n".join(parts) + "\n"
