"""The MAAS snap, imitated: our single files bind-mounted over FreeIPMI's, MAAS's power sequence through them.

The MAAS snap runs ``$SNAP/usr/sbin/ipmipower`` and FreeIPMI's two-line
``ipmi-chassis-config`` script, which execs ``/usr/sbin/ipmi-config --category=chassis``;
the snap bind-mounts ``$SNAP/usr/sbin/ipmi-config`` there.  Here a private mount
namespace (``unshare -m``) gets the bundle's ``ipmipower`` and ``ipmi-config`` bound over
``/usr/sbin/ipmipower`` and ``/usr/sbin/ipmi-config``; each MAAS command runs inside it
(``nsenter``) by its bare name, with MAAS's environment, through Debian's real wrapper.
The same commands run with the real FreeIPMI outside, against a second BMC in the same
initial state: outputs, exit statuses and both BMCs' states must agree step by step.
The host's ``/usr/sbin`` is checked to be untouched afterwards.
"""

from __future__ import annotations

import hashlib
import os
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.bundled import built_bundle, maas_env, python_on_path, run_like_maas
from tests.support.pyipmisim import PyipmiSim, PyipmiSimFactory
from tests.support.tools import require_tool, skip_or_fail

SBIN = Path("/usr/sbin")
REPLACED = ("ipmipower", "ipmi-config")
WRAPPER = SBIN / "ipmi-chassis-config"
USER, PASSWORD = "maas", "-Xy7!pa#ss%word"          # MAAS's generated passwords may start with '-'
MAAS_FILE = """\
Section Chassis_Boot_Flags
        Boot_Flags_Persistent                         No
        Boot_Device                                   PXE
EndSection
"""

pytestmark = pytest.mark.interop


def _require_root_namespace() -> None:
    for tool in ("unshare", "nsenter", "mount"):
        require_tool(tool)
    if os.geteuid() != 0:
        skip_or_fail("bind mounts in a private mount namespace need root")


def _host_view() -> dict[str, object]:
    """What the host sees of the files we replace: contents, inode, and mounts on them."""
    view: dict[str, object] = {}
    for name in (*REPLACED, WRAPPER.name):
        path = SBIN / name
        st = path.stat()
        view[name] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_ino, st.st_dev, st.st_mode, st.st_mtime_ns)
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        view["mounts"] = sorted(line.split()[4] for line in mounts if line.split()[4].startswith(str(SBIN)))
    return view


class Namespace:
    """A private mount namespace kept alive by a sleeping process we started (stopped by PID)."""

    def __init__(self, binds: dict[Path, Path], lifetime: int = 600) -> None:
        script = " && ".join(f"mount --bind '{src}' '{dst}'" for src, dst in binds.items())
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
             f"{script} && echo ready && exec sleep {lifetime}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 20)
        line = self.proc.stdout.readline() if ready else b""
        if line != b"ready\n":
            self.stop()
            raise AssertionError(f"namespace setup failed: {line!r} {self.proc.stderr.read()!r}")

    def command(self, argv: list[str]) -> list[str]:
        return ["nsenter", f"--target={self.proc.pid}", "--mount", "--", *argv]

    def read(self, path: Path) -> bytes:
        done = subprocess.run(self.command(["cat", str(path)]), capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    _require_root_namespace()
    for name in (*REPLACED, WRAPPER.name):
        require_tool(name)
    assert b'exec /usr/sbin/ipmi-config --category=chassis "$@"' in WRAPPER.read_bytes()
    bundle = built_bundle(tmp_path_factory)
    work = tmp_path_factory.mktemp("snap")
    before = _host_view()
    sims = PyipmiSimFactory(work / "sims")
    namespace = Namespace({bundle / name: SBIN / name for name in REPLACED})
    try:
        yield {"bundle": bundle, "work": work, "sims": sims, "ns": namespace, "before": before}
    finally:
        namespace.stop()
        sims.stop_all()
        assert _host_view() == before, "the host's /usr/sbin changed"


def test_the_namespace_runs_our_files_and_the_host_keeps_freeipmi(lab: dict) -> None:
    ns, bundle = lab["ns"], lab["bundle"]
    for name in REPLACED:
        ours = (bundle / name).read_bytes()
        assert ns.read(SBIN / name) == ours
        assert (SBIN / name).read_bytes() != ours
    assert ns.read(WRAPPER) == WRAPPER.read_bytes()


def _state(sim: PyipmiSim, port: int) -> tuple[bool, dict[str, str]]:
    state = sim.bmc_state(port)
    return state["chassis"]["power_on"], state["boot_options"]


def test_maas_power_sequence_matches_freeipmi(lab: dict) -> None:
    """Power on (PXE boot flags, then --cycle --on-if-off), query, hard and soft off, a wrong password."""
    ns, work, sims = lab["ns"], lab["work"], lab["sims"]
    user = f"--user={USER}:{PASSWORD}:ADMIN"
    bmcs = {"ours": sims(user), "freeipmi": sims(user)}
    snap_dist = work / "snap-dist-packages"            # a PYTHONPATH of the snap's own, here empty
    snap_dist.mkdir(exist_ok=True)
    env = maas_env([SBIN, python_on_path(work / "python"), "/usr/bin", "/bin"], [snap_dist])
    boot_file = work / "tmpmaas0001"
    boot_file.write_text(MAAS_FILE, encoding="utf-8")

    def prefix(sim: PyipmiSim, password: str = PASSWORD, workaround: bool = True) -> list[str]:
        flags = ["-W", "opensesspriv"] if workaround else []
        return [*flags, "--driver-type", "LAN_2_0", "-h", sim.host(sim.ports[0]), "-u", USER, "-p", password,
                "-I", "3", "-l", "OPERATOR"]

    steps: list[tuple[str, list[str], dict, tuple[int, bytes, bytes], bool | None]] = [
        ("ipmi-chassis-config", ["--commit", "--filename", str(boot_file)], {}, (0, b"", b""), False),
        ("ipmipower", ["--cycle", "--on-if-off"], {}, (0, b"127.0.0.1: ok\n", b""), True),
        ("ipmipower", ["--stat"], {}, (0, b"127.0.0.1: on\n", b""), True),
        ("ipmipower", ["--stat"], {"workaround": False}, (0, b"127.0.0.1: on\n", b""), True),
        ("ipmipower", ["--off"], {}, (0, b"127.0.0.1: ok\n", b""), False),
        ("ipmipower", ["--stat"], {}, (0, b"127.0.0.1: off\n", b""), False),
        ("ipmi-chassis-config", ["--commit", "--filename", str(boot_file)], {}, (0, b"", b""), False),
        ("ipmipower", ["--cycle", "--on-if-off"], {}, (0, b"127.0.0.1: ok\n", b""), True),
        ("ipmipower", ["--soft"], {}, (0, b"127.0.0.1: ok\n", b""), False),
        ("ipmi-chassis-config", ["--commit", "--filename", str(boot_file)], {"password": "wrong"},
         (1, b"", b"/usr/sbin/ipmi-config: password invalid\n"), None),
        ("ipmipower", ["--stat"], {"password": "wrong"}, (1, b"127.0.0.1: password invalid\n", b""), None),
    ]
    for tool, args, login, expected, power in steps:
        results = {}
        for side, sim in bmcs.items():
            argv = [tool, *prefix(sim, **login), *args]
            results[side] = run_like_maas(ns.command(argv) if side == "ours" else argv, env, timeout=90)
            if power is not None:
                sim.wait_state(sim.ports[0], lambda s, want=power: s["chassis"]["power_on"] == want, timeout=10)
        assert results["freeipmi"] == expected, f"FreeIPMI, {tool} {args}: {results['freeipmi']}"
        assert results["ours"] == expected, f"ours, {tool} {args}: {results['ours']}"
        time.sleep(0.5)                                 # let both simulators write their state files
        ours, theirs = (_state(sim, sim.ports[0]) for sim in (bmcs["ours"], bmcs["freeipmi"]))
        assert ours == theirs, f"BMC states differ after {tool} {args}"
    _, boot = _state(bmcs["ours"], bmcs["ours"].ports[0])
    flags = bytes.fromhex(boot["5"])
    assert flags[0] & 0xC0 == 0x80                      # valid, this boot only
    assert (flags[1] >> 2) & 0x0F == 1                  # PXE
