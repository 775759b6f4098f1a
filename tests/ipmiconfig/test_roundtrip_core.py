"""Core category round trip through our ``bin/ipmi-config`` against pyipmi-sim: checkout,
commit that very file, checkout again gives the same file; and the BMC's state file shows
what a commit wrote (ground truth)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pyipmisim import PyipmiSimFactory
from tests.support.tools import require_tool, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "bin" / "ipmi-config"
ADDRESS = "127.0.0.2"          # 127.0.0.1 would make ipmi-config go in-band
LOGIN = ["-W", "opensesspriv", "--driver-type", "LAN_2_0", "-u", "admin", "-p", "password", "-I", "3"]


@pytest.fixture
def sim(tmp_path: Path):
    if not TOOL.exists():
        skip_or_fail("bin/ipmi-config missing")
    factory = PyipmiSimFactory(tmp_path)
    try:
        yield factory(address=ADDRESS)
    finally:
        factory.stop_all()


def ipmi_config(sim, *args: str) -> subprocess.CompletedProcess[str]:
    host = f"{ADDRESS}:{sim.ports[0]}"
    return subprocess.run([sys.executable, str(TOOL), *LOGIN, "-h", host, *args], capture_output=True, text=True,
                          timeout=60, check=False)


def test_checkout_commit_checkout_is_stable(sim, tmp_path: Path) -> None:
    first = ipmi_config(sim, "--checkout")
    assert first.returncode == 1 and first.stderr == ""      # unsupported OEM auth types / suites are left out
    path = tmp_path / "core.conf"
    path.write_text(first.stdout)
    committed = ipmi_config(sim, "--commit", "-n", str(path))
    assert (committed.returncode, committed.stdout) == (0, ""), committed.stderr
    again = ipmi_config(sim, "--checkout")
    assert again.stdout == first.stdout


def test_commit_reaches_the_state_file(sim, tmp_path: Path) -> None:
    path = tmp_path / "in.conf"
    path.write_text("Section User5\n Username five\n Password secret5\n Enable_User Yes\n"
                    " Lan_Privilege_Limit Operator\n Lan_Enable_IPMI_Msgs Yes\nEndSection\n"
                    "Section Lan_Conf\n IP_Address 127.0.0.9\nEndSection\n"
                    "Section SOL_Conf\n Volatile_Bit_Rate 9600\nEndSection\n")
    done = ipmi_config(sim, "--commit", "-n", str(path))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    # the simulator writes its state file shortly after the last change: wait for SOL_Conf, committed last
    state = sim.wait_state(sim.ports[0], lambda s: s["sol_params"].get("6") == "06")
    user = state["users"][4]
    assert (user["name"], bytes.fromhex(user["password"]), user["enabled"]) == ("five", b"secret5", True)
    assert user["access"]["1"]["privilege_limit"] == 3 and user["access"]["1"]["ipmi_messaging"]
    assert state["lan_params"]["3"] == "7f000009"
    diff = ipmi_config(sim, "--diff", "-n", str(path))
    assert diff.returncode == 0 and "User5:Username" not in diff.stdout, json.dumps(diff.stdout)


def test_session_limit_and_printable_k_g_reach_the_bmc(sim) -> None:
    done = ipmi_config(sim, "--commit", "-e", "User3:Lan_Privilege_Limit=User", "-e", "User3:Lan_Session_Limit=3",
                       "-e", "Lan_Conf_Security_Keys:K_G=secretkey")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    state = sim.wait_state(sim.ports[0], lambda s: s["k_g"] is not None)
    access = state["users"][2]["access"]["1"]
    assert (access["privilege_limit"], access["session_limit"]) == (2, 3)
    assert state["k_g"] == b"secretkey".ljust(20, b"\0").hex()
    # from now on an IPMI 2.0 session needs the new K_g
    shown = ipmi_config(sim, "-k", "secretkey", "--checkout", "-e", "Lan_Conf_Security_Keys:K_G")
    assert shown.stdout.splitlines()[-2] == "\tK_G" + " " * 43 + "secretkey"
    same = ipmi_config(sim, "-k", "secretkey", "--diff", "-e", "Lan_Conf_Security_Keys:K_G=0x7365637265746b6579")
    assert (same.returncode, same.stdout, same.stderr) == (0, "", "")


# --- ipmi_sim (OpenIPMI): a BMC we did not write ---------------------------------------------------

# The sections ipmi_sim lets anyone commit back: unused user slots read an empty privilege limit
# (FreeIPMI's own checkout of them is refused as input too) and ipmi_sim refuses the
# authentication-type enables as read-only.
IPMI_SIM_SECTIONS = ("User2", "User3", "Lan_Channel", "Lan_Conf", "Lan6_Conf", "Lan_Conf_Security_Keys",
                     "Lan_Conf_User_Security", "Lan_Conf_Misc", "Rmcpplus_Conf_Privilege", "SOL_Conf")


OURS = [sys.executable, str(TOOL)]


def ipmi_sim_run(argv: list[str], bmc, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*argv, *LOGIN, "-h", bmc.host, *args], capture_output=True, text=True, timeout=60,
                          check=False)


def test_ipmi_sim_round_trip(ipmi_sim_factory, tmp_path: Path) -> None:
    bmc = ipmi_sim_factory()
    picked = [arg for name in IPMI_SIM_SECTIONS for arg in ("-S", name)]
    first = ipmi_sim_run(OURS, bmc, "--checkout", *picked)
    # status 1: keys ipmi_sim does not support are left out (Lan6 addressing, OEM auth types, ...)
    assert (first.returncode, first.stderr) == (1, "") and "Section SOL_Conf" in first.stdout
    path = tmp_path / "ipmi_sim.conf"
    path.write_text(first.stdout)
    committed = ipmi_sim_run(OURS, bmc, "--commit", "-n", str(path))
    assert (committed.returncode, committed.stdout, committed.stderr) == (0, "", "")
    again = ipmi_sim_run(OURS, bmc, "--checkout", *picked)
    assert again.stdout == first.stdout


def test_ipmi_sim_commit_read_back_by_freeipmi(ipmi_sim_factory) -> None:
    freeipmi = require_tool("ipmi-config")
    bmc = ipmi_sim_factory()
    done = ipmi_sim_run(OURS, bmc, "--commit", "-e", "User4:Username=four", "-e", "User4:Lan_Enable_IPMI_Msgs=Yes",
                        "-e", "User4:Lan_Privilege_Limit=Operator", "-e", "User4:Password=pw4")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    theirs = ipmi_sim_run([freeipmi], bmc, "--checkout", "-e", "User4:Username", "-e", "User4:Lan_Enable_IPMI_Msgs",
                          "-e", "User4:Lan_Privilege_Limit")
    assert theirs.returncode == 0, theirs.stderr
    assert [line.split() for line in theirs.stdout.splitlines() if not line.lstrip().startswith("#")] == [
        ["Section", "User4"], ["Username", "four"], ["Lan_Enable_IPMI_Msgs", "Yes"],
        ["Lan_Privilege_Limit", "Operator"], ["EndSection"]]
    # the password works: a session as the new user (its privilege limit is Operator)
    login = subprocess.run([freeipmi, "-W", "opensesspriv", "--driver-type", "LAN_2_0", "-u", "four", "-p", "pw4",
                            "-l", "operator", "-I", "3", "-h", bmc.host, "--checkout", "-S", "Lan_Channel"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert "Section Lan_Channel" in login.stdout, login.stderr
