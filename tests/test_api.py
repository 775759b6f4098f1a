"""The library API (pyipmi_tools.api) against both loopback BMCs.

ipmi_sim: IPMI 1.5 (auth none/MD2/MD5) and RMCP+ cipher suites 0, 1, 2, 3, 6, 11 with
``-W opensesspriv``; pyghmi: RMCP+ suite 3. Ground truth is the simulators' own state.
ipmi_sim crashes when an IPMI 1.5 session follows a suite 11 session, so suite 11 gets
an instance of its own. Failures that wait use short session timeouts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyipmi_tools.api import (Bmc, BootDevice, BootFlags, ChassisControl, IpmiError, Operations, Outcome,
                              run_many, split_host_port)
from tests.support.ports import free_udp_port
from tests.support.tools import require_module, require_tool

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ("admin", "password")
MAAS = dict(driver="LAN_2_0", cipher_suite=3, privilege="OPERATOR", workarounds="opensesspriv")
LAN15 = dict(driver="LAN", retransmission_timeout=0.25)  # ipmi_sim's first 1.5 reply is a "duplicate": resend soon


@pytest.fixture
def sim(ipmi_sim):
    require_tool("ipmi_sim")
    return ipmi_sim


@pytest.fixture
def ghmi(pyghmi_bmc):
    require_module("pyghmi")
    return pyghmi_bmc


@pytest.fixture
def dead_host() -> str:
    """``127.0.0.1:PORT`` where nothing answers UDP."""
    return f"127.0.0.1:{free_udp_port('127.0.0.1')}"


def power_on(bmc, machine) -> None:
    """Power on through the API and wait for the simulator to agree."""
    bmc.power("on")
    assert machine.wait_power("on")


# --- no BMC needed --------------------------------------------------------------------------

def test_importing_the_api_does_not_import_cryptography():
    code = "import sys, pyipmi_tools.api; print(any(m.startswith('cryptography') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    assert "cryptography" not in out.stderr  # the -X importtime listing


@pytest.mark.parametrize("host, expected", [
    ("bmc1", ("bmc1", 623)), ("bmc1:6230", ("bmc1", 6230)), ("[::1]", ("::1", 623)),
    ("[::1]:9000", ("::1", 9000)), ("fe80::1", ("fe80::1", 623)),
])
def test_split_host_port(host, expected):
    assert split_host_port(host) == expected


@pytest.mark.parametrize("host", ["bmc:", "bmc:x", "bmc:70000", "[::1", "[::1]x", ":623"])
def test_split_host_port_rejects(host):
    with pytest.raises(ValueError):
        split_host_port(host)


def test_bad_arguments_raise_at_once():
    with pytest.raises(ValueError):
        Bmc("127.0.0.1", *ADMIN, privilege="KING")
    with pytest.raises(ValueError):
        Bmc("127.0.0.1", *ADMIN, cipher_suite=5)
    with pytest.raises(ValueError):
        Bmc("127.0.0.1", "admin", "x" * 21)
    with pytest.raises(ValueError):
        run_many(["127.0.0.1"], "explode", **dict(zip(("username", "password"), ADMIN)))


def test_commands_need_an_open_session():
    bmc = Bmc("127.0.0.1", *ADMIN)
    with pytest.raises(RuntimeError):
        bmc.power_state()
    assert not bmc.is_open


def test_unresolvable_host():
    with pytest.raises(IpmiError) as info:
        Bmc("no-such-host.invalid", *ADMIN).open()
    assert info.value.outcome is Outcome.INVALID_HOSTNAME
    assert info.value.host == "no-such-host.invalid"


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_connection_timeout_on_dead_port(dead_host):
    before = open_fds()
    started = time.monotonic()
    with pytest.raises(IpmiError) as info:
        with Bmc(dead_host, *ADMIN, session_timeout=1.5):
            pass
    assert 1.4 < time.monotonic() - started < 3.0
    assert info.value.outcome is Outcome.CONNECTION_TIMEOUT
    assert info.value.host == dead_host
    assert str(info.value) == f"{dead_host}: connection timeout"
    assert open_fds() <= before  # the failed open closed its socket


def test_run_many_reports_running_out_of_descriptors():
    code = """if True:
        import resource
        from pyipmi_tools.api import run_many
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        hosts = [f"127.0.0.1:{port}" for port in range(20000, 20100)]
        results = run_many(hosts, "stat", username="admin", password="password", session_timeout=0.3, fanout=0)
        print(sorted({error.outcome.name for error in results.values()}), len(results))
    """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['CONNECTION_TIMEOUT', 'OUT_OF_RESOURCES'] 100"


def test_run_many_scales_to_a_thousand_hosts():
    """1000 distinct silent hosts: every one gets its own timeout, in a few waves, in input order."""
    hosts = [f"127.0.0.1:{port}" for port in range(20000, 21000)]  # below the ephemeral range: silent
    started = time.monotonic()
    results = run_many(hosts, "stat", username="admin", password="password", session_timeout=0.5, fanout=250)
    assert time.monotonic() - started < 10
    assert list(results) == hosts
    assert all(isinstance(r, IpmiError) and r.outcome is Outcome.CONNECTION_TIMEOUT for r in results.values())




# --- ipmi_sim: IPMI 1.5 first (see the module docstring) --------------------------------------

@pytest.mark.interop
@pytest.mark.parametrize("auth", ["NONE", "MD2", "MD5", "STRAIGHT_PASSWORD"])
def test_ipmi_sim_lan15_power(sim, auth):
    lines: list[str] = []
    with Bmc(sim.host, *ADMIN, auth_type=auth, debug=lines.append, **LAN15) as bmc:
        assert bmc.power_state() is False
        power_on(bmc, sim)
        assert bmc.power_state() is True
        bmc.power("off")
        assert sim.wait_power("off")
        assert bmc.chassis_status().power_on is False
        assert bmc.device_id().ipmi_version == "2.0"
    assert sim.events() == ["power on", "power off"]
    trace = "\n".join(lines).replace("STRAIGHT_PASSWORD", "").lower()
    assert "activate session" in trace and "password" not in trace


@pytest.mark.interop
def test_ipmi_sim_lan15_privilege_cannot_be_obtained(sim):
    with pytest.raises(IpmiError) as info:
        Bmc(sim.host, "user", "userpass", privilege="ADMIN", session_timeout=3, **LAN15).open()
    assert info.value.outcome is Outcome.PRIVILEGE_CANNOT_BE_OBTAINED
    assert info.value.host == sim.host
    assert str(info.value) == f"{sim.host}: privilege level cannot be obtained for this user"


@pytest.mark.interop
def test_ipmi_sim_lan15_user_at_user_level(sim):
    with Bmc(sim.host, "user", "userpass", privilege="USER", **LAN15) as bmc:
        assert bmc.power_state() is False


# --- ipmi_sim: RMCP+ ----------------------------------------------------------------------------

@pytest.mark.interop
@pytest.mark.parametrize("suite", [0, 1, 2, 3, 6, 11])
def test_ipmi_sim_lan20_power_and_boot(sim, ipmi_sim_factory, suite):
    machine = ipmi_sim_factory() if suite == 11 else sim
    try:
        with Bmc(machine.host, *ADMIN, **{**MAAS, "cipher_suite": suite}) as bmc:
            assert bmc.power_state() is False
            power_on(bmc, machine)
            assert bmc.power_state() is True
            bmc.set_boot_device("PXE")
            assert machine.boot_device() == "PXE"
            assert bmc.boot_flags().device == BootDevice.PXE
            bmc.power("off")
            assert machine.wait_power("off")
            assert bmc.power_state() is False
        assert machine.events() == ["power on", "boot PXE", "power off"]
    finally:
        if machine is not sim:
            machine.stop()


@pytest.mark.interop
def test_ipmi_sim_cycle_reset_soft(sim):
    with Bmc(sim.host, *ADMIN, **MAAS) as bmc:
        power_on(bmc, sim)
        bmc.power("cycle")  # off at once, on again a second later
        assert sim.wait_event("power on", count=2)
        assert bmc.power_state() is True
        bmc.power(ChassisControl.HARD_RESET)
        assert sim.wait_event("reset")
        bmc.power("soft")
        assert sim.wait_event("soft off")
        assert bmc.power_state() is False
    assert sim.events() == ["power on", "power off", "power on", "reset", "soft off"]


@pytest.mark.interop
def test_ipmi_sim_boot_flags_round_trip(sim):
    with Bmc(sim.host, *ADMIN, **MAAS) as bmc:
        assert bmc.boot_flags().device == BootDevice.NO_OVERRIDE
        bmc.set_boot_flags(BootFlags(device=BootDevice.CD_DVD))
        assert sim.boot_device() == "CD-DVD"
        assert bmc.boot_flags().device == BootDevice.CD_DVD
        bmc.set_boot_device("bios-setup")
        assert sim.boot_device() == "BIOS-SETUP"
        option = bmc.get_boot_option(5)
        assert option.parameter == 5 and not option.invalid
        assert BootFlags.decode(option.data).device == BootDevice.BIOS_SETUP
        bmc.set_boot_option(5, BootFlags(valid=True, device=BootDevice.HARD_DRIVE).encode())
        assert sim.boot_device() == "HARD-DRIVE"
        bmc.set_boot_device(BootDevice.NO_OVERRIDE)
        assert sim.boot_device() == "NO-OVERRIDE"


@pytest.mark.interop
def test_ipmi_sim_identify_device_id_raw_suites(sim):
    with Bmc(sim.host, *ADMIN, **MAAS) as bmc:
        bmc.identify(True)
        bmc.identify(15)
        bmc.identify(False)
        device = bmc.device_id()
        assert (device.manufacturer_id, device.product_id) == (0x1291, 0x0F02)
        cc, data = bmc.raw(0x06, 0x01)
        assert cc == 0 and data[6:9] == bytes((0x91, 0x12, 0x00))
        assert bmc.raw(0x06, 0x7F)[0] != 0  # no such command: a code, not an exception
        assert {0, 1, 2, 3, 6, 11} <= set(bmc.cipher_suites())
    assert sim.events() == ["identify 255 1", "identify 15 0", "identify 0 0"]


@pytest.mark.interop
def test_ipmi_sim_completion_code_raises_and_session_survives(sim):
    with Bmc(sim.host, *ADMIN, **{**MAAS, "privilege": "ADMIN"}) as bmc:
        with pytest.raises(IpmiError) as info:
            bmc.set_power_cycle_interval(5)  # ipmi_sim does not implement it
        assert info.value.completion_code == 0xC1
        assert info.value.outcome is Outcome.COMMAND_INVALID
        assert info.value.command == "set_power_cycle_interval"
        assert info.value.host == sim.host
        assert bmc.power_state() is False


@pytest.mark.interop
def test_ipmi_sim_wrong_password(sim):
    before = open_fds()
    with pytest.raises(IpmiError) as info:
        Bmc(sim.host, "admin", "wrong", **MAAS).open()
    assert open_fds() <= before
    assert info.value.outcome is Outcome.PASSWORD_INVALID
    assert info.value.host == sim.host


@pytest.mark.interop
def test_ipmi_sim_maas_debug_trace(sim):
    lines: list[str] = []
    with Bmc(sim.host, *ADMIN, debug=lines.append, **MAAS) as bmc:
        bmc.power_state()
    trace = "\n".join(lines)
    for stage in ("Get Channel Authentication Capabilities", "RMCP+ Open Session Request",
                  "RMCP+ Open Session Response", "RAKP Message 1", "RAKP Message 2", "RAKP Message 3",
                  "RAKP Message 4", "set session privilege level request", "session established",
                  "get chassis status response", "close session response"):
        assert stage in trace, stage
    assert all(line.startswith(f"{sim.host}: ") for line in lines)
    for secret in ("password", b"password".hex(), b"password".hex(" ")):
        assert secret not in trace.lower()


@pytest.mark.interop
def test_ipmi_sim_session_timeout_mid_session(ipmi_sim_factory):
    machine = ipmi_sim_factory()
    bmc = Bmc(machine.host, *ADMIN, session_timeout=1.0, **MAAS)
    with bmc:
        assert bmc.power_state() is False
        machine.stop()
        with pytest.raises(IpmiError) as info:
            bmc.power_state()
        assert info.value.outcome is Outcome.SESSION_TIMEOUT
        assert not bmc.is_open
        with pytest.raises(IpmiError):
            bmc.chassis_status()  # the session stays failed
    assert not bmc.is_open


# --- pyghmi (RMCP+ suite 3) -----------------------------------------------------------------------

@pytest.mark.interop
def test_pyghmi_power(ghmi):
    with Bmc(ghmi.host, *ADMIN, **MAAS) as bmc:
        assert bmc.power_state() is False
        power_on(bmc, ghmi)
        bmc.power("cycle")
        assert ghmi.wait_event("power on", count=2)
        assert bmc.power_state() is True
        bmc.power("reset")
        bmc.power("soft")
        assert ghmi.wait_power("off")
        assert bmc.power_state() is False
        with pytest.raises(IpmiError) as info:
            bmc.power("cycle")  # refused while off
        assert info.value.completion_code == 0xD5 and info.value.command == "chassis_control"
    assert ghmi.events() == ["power on", "cycle", "power off", "power on", "reset", "soft off", "cycle refused"]


@pytest.mark.interop
@pytest.mark.parametrize("device", ["PXE", "HARD-DRIVE", "CD-DVD", "BIOS-SETUP", "NO-OVERRIDE"])
def test_pyghmi_boot_flags(ghmi, device):
    ghmi.set_boot_device("FLOPPY")
    with Bmc(ghmi.host, *ADMIN) as bmc:
        bmc.set_boot_device(device)
        assert ghmi.boot_device() == device
        flags = bmc.boot_flags()
        assert flags.device == BootDevice.parse(device)


@pytest.mark.interop
def test_pyghmi_device_id_raw_and_unsupported(ghmi):
    with Bmc(ghmi.host, *ADMIN) as bmc:
        assert bmc.device_id().ipmi_version == "2.0"
        cc, data = bmc.raw(0x06, 0x01)
        assert cc == 0 and len(data) >= 11
        with pytest.raises(IpmiError) as info:
            bmc.identify()
        assert (info.value.outcome, info.value.completion_code, info.value.command) == \
            (Outcome.COMMAND_INVALID, 0xC1, "chassis_identify")
        assert bmc.raw(0x00, 0x04) == (0xC1, b"")
        assert bmc.power_state() is False


@pytest.mark.interop
def test_pyghmi_wrong_password(ghmi):
    with pytest.raises(IpmiError) as info:
        Bmc(ghmi.host, "admin", "wrong", session_timeout=2).open()
    assert info.value.outcome is Outcome.PASSWORD_INVALID
    assert info.value.host == ghmi.host


# --- many BMCs at once -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fleet(ipmi_sim_factory, pyghmi_bmc_factory):
    """Three ipmi_sim instances and two pyghmi BMCs of this module's own."""
    return [ipmi_sim_factory() for _ in range(3)] + [pyghmi_bmc_factory() for _ in range(2)]


@pytest.mark.interop
def test_run_many_power_and_boot(fleet, dead_host):
    for machine in fleet:
        machine.restart_if_dead()
        machine.reset()
    hosts = [m.host for m in fleet]
    options = dict(username="admin", password="password", **MAAS)

    assert run_many(hosts, "stat", **options) == {h: "off" for h in hosts}
    assert run_many(hosts, "on", fanout=2, **options) == {h: "ok" for h in hosts}
    assert all(m.wait_power("on") for m in fleet)
    assert run_many(hosts, "stat", **options) == {h: "on" for h in hosts}

    assert run_many(hosts, lambda ops: ops.set_boot_device("PXE"), **options) == {h: None for h in hosts}
    assert [m.boot_device() for m in fleet] == ["PXE"] * len(fleet)
    flags = run_many(hosts, "bootflags", **options)
    assert [f.device for f in flags.values()] == [BootDevice.PXE] * len(fleet)

    def off_and_report(ops: Operations):
        yield from ops.power("off")
        return (yield from ops.power_state())

    assert run_many(hosts, off_and_report, **options) == {h: False for h in hosts}
    assert all(m.wait_power("off") for m in fleet)


@pytest.mark.interop
def test_run_many_carries_failures_per_host(fleet, dead_host):
    sims, ghmis = fleet[:3], fleet[3:]
    for machine in fleet:
        machine.restart_if_dead()
    hosts = [m.host for m in fleet] + [dead_host, "no-such-host.invalid:623"]
    results = run_many(hosts, "identify-on", username="admin", password="password", session_timeout=1.5,
                       **MAAS)
    assert list(results) == hosts
    assert [results[m.host] for m in sims] == ["ok"] * 3
    for machine in ghmis:
        error = results[machine.host]
        assert isinstance(error, IpmiError) and error.completion_code == 0xC1 and error.host == machine.host
    assert results[dead_host].outcome is Outcome.CONNECTION_TIMEOUT
    assert results["no-such-host.invalid:623"].outcome is Outcome.INVALID_HOSTNAME

    wrong = run_many([m.host for m in fleet], "stat", username="admin", password="wrong", **MAAS)
    assert all(e.outcome is Outcome.PASSWORD_INVALID for e in wrong.values())


@pytest.mark.interop
def test_bmc_run_takes_the_same_operations(sim):
    def script(ops: Operations):
        status = yield from ops.chassis_status()
        cc, _ = yield from ops.raw(0x00, 0x01)
        return status.power_on, cc

    with Bmc(sim.host, *ADMIN, **MAAS) as bmc:
        assert bmc.run("stat") == "off"
        assert bmc.run(script) == (False, 0)
        assert bmc.run(bmc.ops.power_state()) is False


def test_run_many_carries_a_bad_operation_per_host():
    results = run_many(["127.0.0.1:20000", "127.0.0.1:20001"], lambda ops: 42, username="admin")
    assert all(isinstance(error, TypeError) for error in results.values())


@pytest.mark.interop
def test_pyghmi_ipmipower_flavor(ghmi):
    with Bmc(ghmi.host, *ADMIN, flavor="ipmipower", **MAAS) as bmc:
        power_on(bmc, ghmi)
        assert bmc.run("stat") == "on"
