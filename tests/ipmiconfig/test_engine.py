"""One host's run (host_script) against an in-memory BMC: the lines and the status."""

from __future__ import annotations

from pyipmi_tools.ipmiconfig import chassis
from pyipmi_tools.ipmiconfig.engine import Lines, Plan, host_script
from pyipmi_tools.ipmiconfig.fileformat import parse_keypair
from pyipmi_tools.ipmiconfig.model import Context

from .scripted import FakeBmc, run


def go(plan: Plan, bmc: FakeBmc, verbose: int = 0):
    out: list[str] = []
    err: list[str] = []
    status = run(host_script(plan, Context(verbose=verbose, categories=["chassis"]), Lines(out.append, err.append)),
                 bmc)
    return status, out, err


def test_listsections() -> None:
    assert go(Plan("listsections", [chassis.CATEGORY]), FakeBmc()) == (
        0, ["Chassis_Front_Panel_Buttons", "Chassis_Power_Conf", "Chassis_Boot_Flags"], [])


def test_checkout_of_keypairs_has_no_comment_block() -> None:
    plan = Plan("checkout", [chassis.CATEGORY], keypairs=[parse_keypair("chassis_boot_flags:boot_device")])
    status, out, err = go(plan, FakeBmc())
    assert (status, err) == (0, [])
    assert out[0] == "Section Chassis_Boot_Flags" and out[-1] == "EndSection" and len(out) == 6


def test_failed_keys_are_left_out_or_noted_at_vv() -> None:
    bmc = FakeBmc()
    bmc.fail[(0x09, 0x05)] = 0x80
    plan = Plan("checkout", [chassis.CATEGORY], section_names=["chassis_boot_flags"])
    status, out, _ = go(plan, bmc)
    assert status == 1 and out[-2:] == ["Section Chassis_Boot_Flags", "EndSection"]
    status, out, _ = go(plan, bmc, verbose=2)
    assert out[-2] == "\t## Unable to checkout Chassis_Boot_Flags:Console_Redirection : Not Supported"


def test_commit_errors_and_post_commit_only_after_a_success() -> None:
    bmc = FakeBmc()
    bmc.fail[(0x08, 0x05)] = 0x82
    data = b"Section Chassis_Boot_Flags\nBoot_Device PXE\nEndSection\n"
    status, out, err = go(Plan("commit", [chassis.CATEGORY], data=data), bmc)
    assert (status, out, err) == (1, [], ["ERROR: Failed to commit `Chassis_Boot_Flags:Boot_Device': Read Only Field"])
    assert all(d[:1] != b"\x03" for _, c, d in bmc.sent if c == 0x08)       # no post-commit


def test_commit_validates_everything_before_writing() -> None:
    bmc = FakeBmc()
    data = b"Section Chassis_Boot_Flags\nBoot_Device FOO\nCMOS_Clear maybe\nEndSection\n"
    status, _, err = go(Plan("commit", [chassis.CATEGORY], data=data), bmc)
    assert status == 1 and len(err) == 2 and bmc.sent == []


def test_slowcommit_sleeps_after_every_section() -> None:
    bmc = FakeBmc()
    plan = Plan("commit", [chassis.CATEGORY], keypairs=[parse_keypair("Chassis_Boot_Flags:Boot_Device=PXE")],
                slowcommit=True, veryslowcommit=True)
    assert go(plan, bmc)[0] == 0
    assert bmc.sleeps == 4                           # 3 sections + 1 committed key
    plan.slowcommit = False                          # veryslowcommit alone sleeps as much (1.6.10)
    assert go(plan, FakeBmc())[0] == 0
    bmc = FakeBmc()
    go(plan, bmc)
    assert bmc.sleeps == 4


def test_diff_shows_values_the_bmc_cannot_report_as_empty() -> None:
    plan = Plan("diff", [chassis.CATEGORY], keypairs=[
        parse_keypair("Chassis_Front_Panel_Buttons:Enable_Reset_Button=no"),
        parse_keypair("Chassis_Power_Conf:Power_Cycle_Interval=5")])
    assert go(plan, FakeBmc(front_panel=None)) == (
        0, ["Chassis_Front_Panel_Buttons:Enable_Reset_Button - input=`no':actual=`'",
            "Chassis_Power_Conf:Power_Cycle_Interval - input=`5':actual=`'"], [])
