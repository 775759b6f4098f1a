"""Chassis category end to end through ``bin/ipmi-config`` and ``bin/ipmi-chassis-config``
against pyipmi-sim: checkout, commit of that file, checkout again gives the same file; the
simulator's state file shows every bit a commit wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.pyipmisim import PyipmiSimFactory

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "bin" / "ipmi-config"
CHASSIS_TOOL = ROOT / "bin" / "ipmi-chassis-config"
ADDRESS = "127.0.0.2"          # 127.0.0.1 without a port would mean in-band
LOGIN = ["--driver-type", "LAN_2_0", "-u", "admin", "-p", "password", "-I", "3", "-l", "ADMIN"]


@pytest.fixture
def sim(tmp_path: Path):
    factory = PyipmiSimFactory(tmp_path)
    try:
        yield factory(address=ADDRESS)
    finally:
        factory.stop_all()


def tool(sim, *args: str, program: Path = TOOL) -> subprocess.CompletedProcess[str]:
    host = f"{ADDRESS}:{sim.ports[0]}"
    return subprocess.run([sys.executable, str(program), *LOGIN, "-h", host, *args], capture_output=True,
                          text=True, timeout=60, check=False)


def state(sim, predicate=lambda s: True) -> dict:
    return sim.wait_state(sim.ports[0], predicate)


def boot_flags(sim) -> str:
    return state(sim)["boot_options"]["5"]


def test_checkout_commit_checkout_round_trip(sim, tmp_path: Path) -> None:
    first = tool(sim, "-g", "chassis", "--checkout")
    assert (first.returncode, first.stderr) == (0, "")
    assert "\tBoot_Device                                   NO-OVERRIDE\n" in first.stdout
    edited = first.stdout.replace("\tBoot_Device                                   NO-OVERRIDE",
                                  "\tBoot_Device                                   PXE").replace(
        "BIOS_Boot_Type                                PC-COMPATIBLE",
        "BIOS_Boot_Type                                EFI")
    path = tmp_path / "chassis.conf"
    path.write_text(edited)
    committed = tool(sim, "-g", "chassis", "--commit", "--filename", str(path))
    assert (committed.returncode, committed.stdout, committed.stderr) == (0, "", "")
    again = tool(sim, "-g", "chassis", "--checkout")
    assert again.stdout == edited
    out = tmp_path / "out.conf"
    to_file = tool(sim, "-g", "chassis", "--checkout", "-n", str(out))
    assert (to_file.returncode, to_file.stdout) == (0, "")
    assert out.read_text() == edited


def test_maas_pxe_commit_reaches_the_bmc(sim, tmp_path: Path) -> None:
    path = tmp_path / "maas.conf"
    path.write_text("Section Chassis_Boot_Flags\n\tBoot_Flags_Persistent No\n\tBIOS_Boot_Type EFI\n"
                    "\tBoot_Device PXE\nEndSection\n")
    done = tool(sim, "--commit", "--filename", str(path), program=CHASSIS_TOOL)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    bmc = state(sim, lambda s: s["boot_options"]["5"] == "a004000000")
    assert (bmc["boot_options"]["3"], bmc["boot_options"]["4"]) == ("1f", "ffff")


def test_validation_error_writes_nothing(sim) -> None:
    bad = tool(sim, "-g", "chassis", "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=FOO",
               "-e", "Chassis_Power_Conf:Power_Cycle_Interval=0")
    assert bad.returncode == 1
    assert bad.stderr == ("Out of Range value '0' for key 'Power_Cycle_Interval' in section 'Chassis_Power_Conf'\n"
                          "Invalid value 'FOO' for key 'Boot_Device' in section 'Chassis_Boot_Flags'\n")
    assert boot_flags(sim) == "0000000000"


def test_diff_exits_0_with_differences(sim) -> None:
    done = tool(sim, "-g", "chassis", "--diff", "-e", "Chassis_Boot_Flags:Boot_Device=PXE",
                "-e", "Chassis_Boot_Flags:Boot_Flags_Persistent=no")
    assert (done.returncode, done.stdout) == (0, "Chassis_Boot_Flags:Boot_Device - input=`PXE':actual=`NO-OVERRIDE'\n")


def test_wrong_password_and_argv0(sim) -> None:
    host = f"{ADDRESS}:{sim.ports[0]}"
    done = subprocess.run([sys.executable, str(CHASSIS_TOOL), "--driver-type", "LAN_2_0", "-u", "admin", "-p", "nope",
                           "-h", host, "--checkout"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr == f"{ROOT / 'bin' / 'ipmi-config'}: password invalid\n"


def test_several_hosts_cannot_check_out_into_one_file(tmp_path: Path) -> None:
    factory = PyipmiSimFactory(tmp_path)
    try:
        sim = factory(address=ADDRESS, count=2)
        hosts = ",".join(f"{ADDRESS}:{port}" for port in sim.ports)
        target = tmp_path / "one.conf"
        done = subprocess.run([sys.executable, str(TOOL), *LOGIN, "-h", hosts, "-g", "chassis", "-o", "-n",
                               str(target)], capture_output=True, text=True, timeout=60, check=False)
    finally:
        factory.stop_all()
    assert done.returncode == 1 and done.stdout == "" and not target.exists()
    assert sorted(done.stderr.splitlines()) == [f"{ADDRESS}:{port}: Cannot output multiple host checkout into a "
                                                "single file" for port in sim.ports]
