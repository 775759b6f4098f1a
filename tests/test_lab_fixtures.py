"""Self-tests of the loopback BMC fixtures, driven by the real FreeIPMI tools."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import tools
from tests.support.bmcprocess import USERS
from tests.support.ports import check_loopback, free_udp_ports, udp_port_in_use
from tests.support.tools import require_tool

BMC_KINDS = ("ipmi_sim", "pyghmi_bmc")


@pytest.fixture(params=BMC_KINDS)
def bmc(request: pytest.FixtureRequest):
    """Each test below runs once against each simulator."""
    return request.getfixturevalue(request.param)


def freeipmi(tool: str, host: str, *args: str, lan15: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a FreeIPMI tool as admin at OPERATOR privilege (MAAS option set by default)."""
    if lan15:
        session = ["-D", "LAN"]
    else:
        session = ["-W", "opensesspriv", "-D", "LAN_2_0", "-I", "3"]
    argv = [require_tool(tool), *session, "-h", host, "-u", "admin", "-p", "password",
            "-l", "OPERATOR", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def commit_boot_device(host: str, device: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """ipmi-chassis-config --commit of a one-key Chassis_Boot_Flags file."""
    conf = tmp_path / f"boot-{device}.conf"
    conf.write_text(f"Section Chassis_Boot_Flags\n Boot_Device {device}\nEndSection\n")
    return freeipmi("ipmi-chassis-config", host, "--commit", "--filename", str(conf))


# -- against the real tools ---------------------------------------------------


@pytest.mark.interop
def test_stat_reports_off_then_on(bmc) -> None:
    result = freeipmi("ipmipower", bmc.host, "--stat")
    assert (result.returncode, result.stdout, result.stderr) == (0, "127.0.0.1: off\n", "")
    bmc.set_power(True)
    assert freeipmi("ipmipower", bmc.host, "--stat").stdout == "127.0.0.1: on\n"


@pytest.mark.interop
def test_on_changes_ground_truth(bmc) -> None:
    assert bmc.power() == "off"
    result = freeipmi("ipmipower", bmc.host, "--on")
    assert (result.returncode, result.stdout) == (0, "127.0.0.1: ok\n")
    assert bmc.power() == "on"
    assert "power on" in bmc.events()


@pytest.mark.interop
def test_fixture_resets_state_between_tests(bmc) -> None:
    assert (bmc.power(), bmc.boot_device(), bmc.events()) == ("off", "NO-OVERRIDE", [])


@pytest.mark.interop
def test_chassis_config_commit_sets_pxe(bmc, tmp_path: Path) -> None:
    result = commit_boot_device(bmc.host, "PXE", tmp_path)
    assert (result.returncode, result.stderr) == (0, ""), result
    assert bmc.boot_device() == "PXE"
    assert bmc.events()[-1] == "boot PXE"


@pytest.mark.interop
def test_cycle_is_off_then_on(bmc) -> None:
    bmc.set_power(True)
    assert freeipmi("ipmipower", bmc.host, "--cycle").stdout == "127.0.0.1: ok\n"
    # ipmi_sim powers on again about 1 s later; pyghmi_bmc (cycle_delay 0) at once.
    assert bmc.wait_event("power on", timeout=5), bmc.events()
    assert [e for e in bmc.events() if e.startswith("power")] == ["power off", "power on"]
    assert bmc.power() == "on"


@pytest.mark.interop
def test_ipmi_sim_ipmi15_md5(ipmi_sim) -> None:
    result = freeipmi("ipmipower", ipmi_sim.host, "-a", "MD5", "--stat", lan15=True)
    assert (result.returncode, result.stdout) == (0, "127.0.0.1: off\n")


@pytest.mark.interop
def test_ipmi_sim_initial_power_on(ipmi_sim_factory) -> None:
    sim = ipmi_sim_factory(initial_power="on", boot_device="CD-DVD")
    assert freeipmi("ipmipower", sim.host, "--stat").stdout == "127.0.0.1: on\n"
    assert sim.boot_device() == "CD-DVD"
    sim.stop()
    assert not sim.alive()


@pytest.mark.interop
def test_pyghmi_initial_power_on(pyghmi_bmc_factory) -> None:
    bmc = pyghmi_bmc_factory(initial_power="on")
    assert freeipmi("ipmipower", bmc.host, "--stat").stdout == "127.0.0.1: on\n"
    bmc.stop()
    assert not bmc.alive()


@pytest.mark.interop
@pytest.mark.parametrize("user", sorted(USERS))
def test_each_user_can_log_in(bmc, user: str) -> None:
    password, privilege = USERS[user]
    argv = [require_tool("ipmipower"), "-W", "opensesspriv", "-D", "LAN_2_0", "-I", "3",
            "-h", bmc.host, "-u", user, "-p", password, "-l", privilege, "--stat"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout) == (0, "127.0.0.1: off\n")


@pytest.mark.interop
def test_wrong_password_is_rejected(bmc) -> None:
    argv = [require_tool("ipmipower"), "-W", "opensesspriv", "-D", "LAN_2_0", "-I", "3",
            "-h", bmc.host, "-u", "admin", "-p", "wrong", "-l", "OPERATOR", "--stat"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout == "127.0.0.1: password invalid\n"


# -- fixture mechanics ----------------------------------------------------------


@pytest.mark.interop
def test_dead_simulator_is_restarted(ipmi_sim_factory) -> None:
    sim = ipmi_sim_factory()
    old_pid = sim.pid
    os.kill(old_pid, signal.SIGKILL)  # our own child, by PID
    deadline = time.monotonic() + 5
    while sim.alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not sim.alive()
    assert sim.restart_if_dead()
    assert sim.alive() and sim.pid != old_pid
    assert freeipmi("ipmipower", sim.host, "--stat").stdout == "127.0.0.1: off\n"


@pytest.mark.interop
def test_stop_frees_port_and_process(pyghmi_bmc_factory) -> None:
    bmc = pyghmi_bmc_factory()
    pid, port = bmc.pid, bmc.port
    bmc.stop()
    bmc.stop()  # idempotent
    assert not Path(f"/proc/{pid}").exists()
    assert not udp_port_in_use("127.0.0.1", port)


def test_free_ports_are_distinct_and_free() -> None:
    ports = free_udp_ports(20)
    assert len(set(ports)) == 20
    assert not any(udp_port_in_use("127.0.0.1", p) for p in ports)


@pytest.mark.parametrize("address", ["10.0.0.1", "0.0.0.0", "::1", "localhost"])
def test_only_loopback_addresses(address: str) -> None:
    with pytest.raises(ValueError):
        check_loopback(address)


def test_missing_tool_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        tools.require_tool("no-such-tool-pyipmi-tools")
    with pytest.raises(pytest.skip.Exception):
        tools.require_module("no_such_module_pyipmi_tools")


def test_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        tools.require_tool("no-such-tool-pyipmi-tools")
    with pytest.raises(pytest.fail.Exception):
        tools.require_module("no_such_module_pyipmi_tools")


def test_present_tool_and_module_are_returned() -> None:
    assert os.access(tools.require_tool("sh"), os.X_OK)
    assert tools.require_module("json").__name__ == "json"
