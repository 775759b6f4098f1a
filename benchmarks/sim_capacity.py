"""How many BMCs one pyipmi-sim process serves to FreeIPMI ``ipmipower --stat``.

For each N (default 100, 500, 1000, 2000, 5000), start one ``bin/pyipmi-sim``
with N BMCs, either on consecutive UDP ports of 127.0.0.1 (``--mode ports``)
or one per address 127.0.0.2, 127.0.0.3, ... on one port (``--mode
addresses``), run ``ipmipower --stat`` over all of them (compact hostlists:
``127.0.0.1:[20000-24999]`` or ``127.0.0.[2-255]:PORT,...``), and count the
hosts that answered ``off``.  Stops after the first N where not every BMC
answered (unless ``--keep-going``).

    python3 benchmarks/sim_capacity.py [--sizes 100,500,1000,2000,5000]
        [--mode ports|addresses] [--fanout F] [--session-timeout MS]
        [--cipher-suite 3] [--driver LAN_2_0|LAN] [--per-ipmipower 8000] [--sequential]

Prints a table: N, ipmipower processes, answered, wall seconds, the
simulator's RSS (MB) after the run, its start-up time, and any other
outcome.  Only loopback is used; every process started here is stopped by
PID (SIGTERM, bounded wait, SIGKILL).

ipmipower 1.6.10 limits seen here: ``-F`` accepts at most 1024 (0 or no -F:
unlimited); it needs about two descriptors per host, so with a 20000
descriptor hard limit one process fails beyond ~9900 hosts (``ipmi_get_random:
Bad file descriptor``), hence ``--per-ipmipower``; and with unlimited fan-out
over thousands of hosts it silently loses result lines (rc 0): its 32 KiB
stdout ring buffer overwrites lines when thousands of hosts finish between
two writes.  ``--fanout 1024`` avoids that.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from simlab import SimProcess, find_ipmipower, free_block, hostlist_addresses, loopback_addresses

START_TIMEOUT = 120.0


def hostlist_ports(base: int, count: int) -> str:
    """``127.0.0.1:[base-last]``: ipmipower expands the range (at most 16384 hosts)."""
    return f"127.0.0.1:[{base}-{base + count - 1}]"


def chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def measure(n: int, opts: argparse.Namespace, ipmipower: str, workdir: Path) -> list[object]:
    """One row: N, answered, ipmipower wall s, sim RSS MB, sim start-up s, other outcomes."""
    if opts.mode == "ports":
        base = free_block(n)
        sim_args = ["--port", str(base), "--count", str(n)]
        hostlists = [hostlist_ports(c[0], len(c)) for c in chunks(list(range(base, base + n)), opts.per_ipmipower)]
    else:
        addrs = loopback_addresses(n)
        port = free_block(1, addrs)
        sim_args = ["--address", f"{addrs[0]}-{addrs[-1]}", "--port", str(port)]
        hostlists = [hostlist_addresses(c, port) for c in chunks(addrs, opts.per_ipmipower)]
    sim = SimProcess(sim_args, workdir)
    out, err = "", ""
    try:
        startup = sim.wait_ready(START_TIMEOUT)
        common = ["-D", opts.driver, "-u", "admin", "-p", "password", "-l", "OPERATOR",
                  f"--session-timeout={opts.session_timeout}", "--stat"]
        common += ["-I", str(opts.cipher_suite)] if opts.driver == "LAN_2_0" else ["-a", "md5"]
        if opts.fanout is not None:
            common += ["-F", str(opts.fanout)]
        start = time.monotonic()
        # One ipmipower per chunk of hosts, all at once (ipmipower needs about two descriptors per host).
        def spawn(hostlist: str) -> subprocess.Popen:
            return subprocess.Popen([ipmipower, "-h", hostlist, *common], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        procs = [] if opts.sequential else [spawn(hl) for hl in hostlists]
        for index in range(len(hostlists)):
            proc = spawn(hostlists[index]) if opts.sequential else procs[index]
            try:
                o, e = proc.communicate(timeout=opts.session_timeout / 1000 * 4 + 120)
            except subprocess.TimeoutExpired:
                proc.kill()
                o, e = proc.communicate()
                e += "ipmipower did not finish"
            out, err = out + o, err + e
        wall = time.monotonic() - start
        rss = sim.rss_mb()
    finally:
        rc = sim.stop()
    lines = out.splitlines()
    answered = sum(1 for line in lines if line.endswith(": off"))
    others: dict[str, int] = {}
    for line in lines:
        if not line.endswith(": off"):
            message = line.split(": ", 1)[-1]
            others[message] = others.get(message, 0) + 1
    if err.strip():
        others[err.strip().splitlines()[0][:60]] = -1
    if rc != 0:
        others[f"simulator exit status {rc}"] = -1
    note = ", ".join(f"{m} x{c}" if c > 0 else m for m, c in others.items())
    return [n, len(hostlists), answered, f"{wall:.2f}", f"{rss:.1f}", f"{startup:.1f}", note]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000,2000,5000", help="comma-separated BMC counts")
    parser.add_argument("--mode", choices=("ports", "addresses"), default="ports")
    parser.add_argument("--fanout", type=int, default=None, help="ipmipower -F (default: ipmipower's own)")
    parser.add_argument("--session-timeout", type=int, default=20000, help="ipmipower --session-timeout (ms)")
    parser.add_argument("--cipher-suite", type=int, default=3)
    parser.add_argument("--driver", choices=("LAN_2_0", "LAN"), default="LAN_2_0")
    parser.add_argument("--per-ipmipower", type=int, default=8000,
                        help="hosts per ipmipower process (several run concurrently; default 8000)")
    parser.add_argument("--sequential", action="store_true",
                        help="run the ipmipower processes one after the other instead of all at once")
    parser.add_argument("--keep-going", action="store_true", help="continue after a size where some failed")
    opts = parser.parse_args()
    ipmipower = find_ipmipower()
    sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="sim-capacity-") as tmp:
        for n in sizes:
            row = measure(n, opts, ipmipower, Path(tmp))
            rows.append(row)
            print(f"N={n}: {row[2]} answered in {row[3]} s", file=sys.stderr, flush=True)
            if row[2] != n and not opts.keep_going:
                break
    headers = ["N", "ipmipower procs", "answered", "wall s", "sim RSS MB", "sim start s", "other outcomes"]
    print(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
