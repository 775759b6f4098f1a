"""``python3 -m pyipmi_tools.bundle OUTDIR``: single-file tools that run anywhere a Python 3.10+ with cryptography does."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.support.bundled import (
    DECOY_MESSAGE,
    TOOLS,
    build,
    built_bundle,
    cryptography_only_path,
    decoy_path,
    maas_env,
    python_on_path,
    run_like_maas,
)
from tests.support.pyipmisim import (
    Group,
    PyipmiSim,
    PyipmiSimFactory,
    free_port_block,
    rack_text,
)
from tests.support.tools import require_module, require_tool

PYTHON310 = Path.home() / ".pyenv" / "versions" / "3.10.13" / "bin" / "python3"
MAAS_PREFIX = ["-W", "opensesspriv", "--driver-type", "LAN_2_0"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_bundle(tmp_path_factory)


@pytest.fixture(scope="module")
def hostile_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """MAAS's environment without HOME, with decoys in front of cryptography on PYTHONPATH."""
    base = tmp_path_factory.mktemp("hostile")
    pythonpath = [decoy_path(base / "decoys"), cryptography_only_path(base / "crypto")]
    return maas_env([python_on_path(base / "bin"), "/usr/bin", "/bin"], pythonpath)


@pytest.fixture(scope="module")
def sims(tmp_path_factory: pytest.TempPathFactory) -> PyipmiSimFactory:
    factory = PyipmiSimFactory(tmp_path_factory.mktemp("sims"))
    yield factory
    factory.stop_all()


def login(sim: PyipmiSim, port: int, password: str = "password") -> list[str]:
    return [*MAAS_PREFIX, "-h", sim.host(port), "-u", "admin", "-p", password, "-I", "3", "-l", "OPERATOR"]


# -- what is built -----------------------------------------------------------------------------


def test_six_executable_zip_applications(bundle: Path) -> None:
    for tool in TOOLS:
        path = bundle / tool
        assert os.access(path, os.X_OK), tool
        assert path.read_bytes().startswith(b"#!/usr/bin/env -S python3 -S\n"), tool
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
        assert {"__main__.py", "pyipmi_tools/__init__.py", "pyipmi_tools/ipmipower/main.py",
                "pyipmi_tools/sim/cli.py", "configobj/__init__.py", "tabulate/__init__.py"} <= names
        tag = sys.implementation.cache_tag
        assert f"__bytecode__/{tag}.pack" in names
        assert any(n.startswith("configobj-") and n.endswith("/LICENSE") for n in names)
        assert any(n.startswith("tabulate-") and n.endswith("/LICENSE") for n in names)


def test_building_twice_gives_the_same_bytes(bundle: Path, tmp_path: Path) -> None:
    again = build(tmp_path / "again")
    for tool in TOOLS:
        assert (again / tool).read_bytes() == (bundle / tool).read_bytes(), tool


def test_build_refuses_a_python_older_than_3_10(tmp_path: Path) -> None:
    old = str(Path.home() / ".pyenv" / "versions" / "3.9.18" / "bin" / "python3")
    if not os.access(old, os.X_OK):
        pytest.skip("no Python 3.9 here to be refused")
    done = subprocess.run([sys.executable, "-m", "pyipmi_tools.bundle", str(tmp_path), "--python", old],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "3.10 or newer is needed" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "ipmipower").exists()


# -- running where MAAS runs it ----------------------------------------------------------------


def test_ipmipower_in_a_hostile_environment(bundle: Path, hostile_env: dict[str, str],
                                            sims: PyipmiSimFactory) -> None:
    """No HOME, C.UTF-8, decoys on PYTHONPATH, stdin an empty pipe or closed: MAAS's sequence works."""
    sim = sims()
    port = sim.ports[0]
    exe = str(bundle / "ipmipower")
    steps = [
        (["--stat"], False, "off", lambda s: not s["chassis"]["power_on"]),
        (["--cycle", "--on-if-off"], True, "ok", lambda s: s["chassis"]["power_on"]),
        (["--stat"], True, "on", None),
        (["--off"], False, "ok", lambda s: not s["chassis"]["power_on"]),
    ]
    for args, closed, expected, state in steps:
        rc, out, err = run_like_maas([exe, *login(sim, port), *args], hostile_env, closed_stdin=closed)
        assert (rc, out, err) == (0, f"127.0.0.1: {expected}\n".encode(), b""), args
        if state is not None:
            sim.wait_state(port, state)
    rc, out, err = run_like_maas([exe, *login(sim, port, "wrong"), "--stat"], hostile_env)
    assert (rc, out, err) == (1, b"127.0.0.1: password invalid\n", b"")


def test_ipmipower_needs_only_cryptography(bundle: Path, tmp_path: Path, sims: PyipmiSimFactory) -> None:
    """No site-packages at all (python3 -S), PYTHONPATH holding cryptography alone: AES suites work."""
    sim = sims()
    port = sim.ports[0]
    env = maas_env(["/usr/bin", "/bin"], [cryptography_only_path(tmp_path / "crypto")])
    for suite in ("3", "17"):
        argv = [sys.executable, "-S", str(bundle / "pyipmipower"), *MAAS_PREFIX, "-h", sim.host(port),
                "-u", "admin", "-p", "password", "-I", suite, "--stat"]
        assert run_like_maas(argv, env) == (0, b"127.0.0.1: off\n", b""), suite


def test_bundled_simulator_reads_a_rack_file_and_prints_its_table(bundle: Path, hostile_env: dict[str, str],
                                                                  tmp_path: Path) -> None:
    """configobj (the rack file) and tabulate (the start-up table) come from the archive, not the decoys."""
    groups = [Group("nodes", count=2, settings={"power": "on"})]
    base = free_port_block(2)
    rack = tmp_path / "rack.ini"
    rack.write_text(rack_text(groups, base))
    # "python3 FILE", as #!/usr/bin/env python3 runs it: the fixture stops only a process whose
    # command line is exactly the one it started.
    sim = PyipmiSim(tmp_path, ["--rack", rack], groups=groups, command=["python3", str(bundle / "pyipmi-sim")],
                    env=hostile_env)
    sim.start()
    try:
        assert DECOY_MESSAGE not in sim.log()
        assert f"127.0.0.1:{base + 1}" in sim.log() and "-----" in sim.log()
        argv = [str(bundle / "ipmipower"), *MAAS_PREFIX, "-h", f"127.0.0.1:[{base}-{base + 1}]",
                "-u", "admin", "-p", "password", "-C", "--stat"]
        rc, out, err = run_like_maas(argv, hostile_env)
        assert (rc, out, err) == (0, b"----------------\n127.0.0.[1,1]\n----------------\n on\n", b"")
    finally:
        sim.stop()
    assert not sim.running()


def test_bind_mounted_name_is_what_argv0_shows(bundle: Path, hostile_env: dict[str, str], tmp_path: Path) -> None:
    """Installed under another name (a copy, a symlink), the file still runs; getopt errors name it."""
    link = tmp_path / "sbin" / "ipmipower"
    link.parent.mkdir()
    link.symlink_to(bundle / "ipmipower")
    rc, out, err = run_like_maas([str(link), "--bogus"], hostile_env)
    assert rc == 64 and out == b""
    assert err.startswith(f"{link}: unrecognized option '--bogus'\n".encode())


# -- start-up: bytecode from the archive ------------------------------------------------------

_AUDIT = r"""
import posix, runpy, sys
compiled = []
def _exit(status):          # the tools end with posix._exit (no interpreter teardown): report first
    raise SystemExit(status)
posix._exit = _exit
sys.addaudithook(lambda event, args: compiled.append(str(args[1])) if event == "compile" else None)
bundle = sys.argv[1]
sys.argv = sys.argv[1:]
try:
    runpy.run_path(bundle, run_name="__main__")
except SystemExit:
    pass
print("\n".join(name for name in compiled
                if name.startswith(("pyipmi_tools/", "configobj/", "tabulate/")) or name.endswith("__main__.py")),
      file=sys.stderr)
"""


def compiled_modules(python: str, tool: Path, *args: str) -> list[str]:
    """Bundled source files *python* compiled while running *tool* (stdout is dropped)."""
    done = subprocess.run([python, "-c", _AUDIT, str(tool), *args], capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    return done.stderr.split()


def test_bundled_modules_load_from_bytecode(bundle: Path) -> None:
    assert compiled_modules(sys.executable, bundle / "ipmipower", "--help") == []
    assert compiled_modules(sys.executable, bundle / "pyipmi-sim", "--help") == []


def test_an_interpreter_without_bytecode_compiles_the_bundled_source(bundle: Path, tmp_path: Path) -> None:
    """A Python the archive has no bytecode for (here: the bytecode removed) runs the tool from source."""
    stripped = tmp_path / "ipmipower"
    with zipfile.ZipFile(bundle / "ipmipower") as src, open(stripped, "wb") as out:
        out.write(b"#!/usr/bin/env python3\n")
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                if not info.filename.startswith("__bytecode__/") and info.filename != "__main__.pyc":
                    dst.writestr(info, src.read(info))
    compiled = compiled_modules(sys.executable, stripped, "--help")
    assert "pyipmi_tools/ipmipower/main.py" in compiled and f"{stripped}/__main__.py" in compiled
    done = subprocess.run([sys.executable, str(stripped), "--version"], capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(b"ipmipower - 1.6.10\n")


def test_python_3_10_gets_its_own_bytecode(tmp_path: Path) -> None:
    """Local check (CI has no second Python): a build for 3.10 runs from bytecode on 3.10 too."""
    if not os.access(PYTHON310, os.X_OK):
        pytest.skip(f"{PYTHON310} not installed")
    out = build(tmp_path / "b", str(PYTHON310))
    # __main__.pyc is for the first interpreter of the build (this one): 3.10 compiles __main__.py only
    assert set(compiled_modules(str(PYTHON310), out / "ipmipower", "--help")) == {f"{out}/ipmipower/__main__.py"}
    assert compiled_modules(sys.executable, out / "ipmipower", "--help") == []
    done = subprocess.run([str(PYTHON310), str(out / "ipmipower"), "--version"], capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(b"ipmipower - 1.6.10\n")


# -- ipmi-config and ipmi-chassis-config -------------------------------------------------------


def test_ipmi_chassis_config_is_ipmi_config_with_the_chassis_category(bundle: Path, hostile_env: dict[str, str],
                                                                      sims: PyipmiSimFactory) -> None:
    require_module("pyipmi_tools.ipmiconfig.main")
    sim = sims()
    port = sim.ports[0]
    host = ["-h", sim.host(port), "-u", "admin", "-p", "password", "--driver-type", "LAN_2_0"]
    chassis = run_like_maas([str(bundle / "ipmi-chassis-config"), *host, "--listsections"], hostile_env)
    config = run_like_maas([str(bundle / "ipmi-config"), "--category=chassis", *host, "--listsections"], hostile_env)
    expected = b"Chassis_Front_Panel_Buttons\nChassis_Power_Conf\nChassis_Boot_Flags\n"
    assert chassis == config == (0, expected, b"")


def test_ipmi_chassis_config_names_its_ipmi_config_like_freeipmis_wrapper(
        bundle: Path, hostile_env: dict[str, str], sims: PyipmiSimFactory) -> None:
    """FreeIPMI's ipmi-chassis-config execs /usr/sbin/ipmi-config: errors name the ipmi-config next to it."""
    require_module("pyipmi_tools.ipmiconfig.main")
    sim = sims()
    argv = ["-h", sim.host(sim.ports[0]), "-u", "admin", "-p", "wrong", "--driver-type", "LAN_2_0", "--checkout"]
    ours = run_like_maas([str(bundle / "ipmi-chassis-config"), *argv], hostile_env)
    assert ours == (1, b"", f"{bundle}/ipmi-config: password invalid\n".encode())
    freeipmi = run_like_maas([require_tool("ipmi-chassis-config"), *argv], hostile_env)
    assert freeipmi == (1, b"", b"/usr/sbin/ipmi-config: password invalid\n")
