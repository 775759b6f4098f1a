"""Golden comparison: every command line here runs with FreeIPMI 1.6.10's ``ipmi-config`` /
``ipmi-chassis-config`` and with ours (``bin/ipmi-config``, ``bin/ipmi-chassis-config``), each
against its own fresh BMC(s) in the same initial state (pyipmi-sim in a network namespace per
side, so host names and addresses are the same on both sides; ipmi_sim; pyghmi's BMC), and
stdout, stderr, the exit status, any file written and the BMCs' own state afterwards must be
identical.

One test per case (the test id is the case).  All cases run once, concurrently, in a module
fixture; the Markdown report (identical/total per group, every mismatch with its diff) goes to
``IPMICONFIG_GOLDEN_REPORT`` if set, and always to ``/tmp/ipmiconfig-golden/report.md`` (with the
raw runs in ``report.json``).  ``IPMICONFIG_GOLDEN_OURS=freeipmi`` runs FreeIPMI on both sides
(checks the harness; that report goes to ``/tmp/ipmiconfig-golden/harness-check.md``).

Deliberate exceptions:

* Section comment paragraphs are our own prose: each block between ``# Section X Comments`` and
  ``Section X`` is checked for FreeIPMI's layout only (``#`` framing, greedy re-flow at 80
  columns, a trailing space on every line) and replaced by a placeholder on both sides.
* ``--help``/``--usage``: our text is in our own words; exit status, empty stderr and a non-empty
  stdout are compared.  ``--version`` must match exactly.
* ``ipmi-chassis-config`` run directly: FreeIPMI's is a shell wrapper, so its messages say
  ``/usr/sbin/ipmi-config:``, a path ours cannot know; the ``<argv0>: `` of each message is
  normalised on both sides.  The MAAS cases run the real wrapper against ours installed as
  ``/usr/sbin/ipmi-config`` (the snap's layout) and compare exactly.
* Several hosts without ``-C``: hosts finish in any order, so each host's lines (or ``-B`` block)
  are compared in order, hosts as a set.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tests.ipmiconfig.golden_support import (
    Case,
    GhmiBmc,
    IpmiSimBmc,
    Lab,
    Sim,
    by_host,
    check_comment_block,
    compare,
    netns_available,
    normalise_argv0,
    normalise_checkout,
    ours_program,
    report,
)
from tests.support.golden import CaseResult, assert_identical, run_concurrently, selected_cases, write_report
from tests.support.tools import require_module, require_tool, skip_or_fail

WORKERS = 8
REPORT_COPY = Path("/tmp/ipmiconfig-golden/report.md")

ADMIN = ("-u", "admin", "-p", "password")
LAN20 = ("-D", "LAN_2_0")
OSP = ("-W", "opensesspriv")
ST = ("--session-timeout", "1000", "--retransmission-timeout", "400")   # where a failure is expected
CH = ("-g", "chassis")
H = ("-h", "{H}")
HA = (*H, *ADMIN)                     # the usual: one pyipmi-sim BMC as admin over IPMI 1.5

CASES: list[Case] = []


def case(id: str, group: str, *args: str, **kw) -> None:
    CASES.append(Case(id=id, group=group, args=tuple(args), **kw))


def section(name: str, *lines: str, indent: str = "\t") -> str:
    return f"Section {name}\n" + "".join(f"{indent}{line}\n" for line in lines) + "EndSection\n"


def boot(*lines: str) -> str:
    return section("Chassis_Boot_Flags", *lines)


# -- MAAS: the exact command line, through the real Debian wrapper -------------------------------
# ipmi-chassis-config [-W opensesspriv] --driver-type LAN_2_0 -h H -u U -p P -I 3 -l ADMIN
#     --commit --filename /tmp/tmpXXXXXXXX   (consumers.md §2.1; file: 8-space indent, aligned values)

def _maas_file(boot_type: str | None) -> str:
    lines = ["Boot_Flags_Persistent                         No"]
    if boot_type:
        lines.append(f"BIOS_Boot_Type                                {boot_type}")
    lines.append("Boot_Device                                   PXE")
    return section("Chassis_Boot_Flags", *lines, indent="        ")


_MAAS_FILES = {"plain": _maas_file(None), "efi": _maas_file("EFI"), "pc": _maas_file("PC-COMPATIBLE")}
_MAAS_USER = ("maas:Xy7-#q!pass:ADMIN", "admin:password:ADMIN")
_MAAS_BMCS = {"pyipmi-sim": (Sim(users=_MAAS_USER), ("maas", "Xy7-#q!pass")),
              "ipmi_sim": (IpmiSimBmc(), ("admin", "password")),
              "pyghmi": (GhmiBmc(), ("admin", "password"))}
_M = "MAAS wrapper"


def maas(id: str, *prefix: str, user: str, password: str, priv: str = "ADMIN", file: str = "plain",
         extra: tuple[str, ...] = (), **kw) -> None:
    case(id, _M, *prefix, "--driver-type", "LAN_2_0", "-h", "{H}", "-u", user, "-p", password, "-I", "3",
         "-l", priv, *extra, "--commit", "--filename", "tmpmaas01",
         tool="maas", files={"tmpmaas01": _MAAS_FILES[file]}, **kw)


for _bmc_name, (_bmc, (_user, _pass)) in _MAAS_BMCS.items():
    for _file in _MAAS_FILES:
        for _w_name, _w in (("W-opensesspriv", OSP), ("no-W", ())):
            maas(f"maas-{_bmc_name}-{_file}-{_w_name}", *_w, user=_user, password=_pass, file=_file, bmc=_bmc)
maas("maas-pyipmi-sim-operator", *OSP, user="operator", password="operpass", priv="OPERATOR", bmc=Sim())
maas("maas-pyipmi-sim-W-empty", "-W", "", user="admin", password="password", bmc=Sim())
maas("maas-pyipmi-sim-W-trailing-comma", "-W", "opensesspriv,", user="admin", password="password", bmc=Sim())
maas("maas-pyipmi-sim-wrong-password", *OSP, user="admin", password="wrong", bmc=Sim())
maas("maas-pyipmi-sim-unknown-user", *OSP, user="maas", password="x", bmc=Sim())
maas("maas-pyipmi-sim-user-privilege", *OSP, user="user", password="userpass", bmc=Sim())
maas("maas-pyipmi-sim-dash-password", *OSP, user="maas", password="-Xy7!#pw", bmc=Sim(users=("maas:-Xy7!#pw:ADMIN",)),
     note="bmc_config.py passwords may start with '-'")
maas("maas-pyipmi-sim-empty-password", *OSP, user="admin", password="", bmc=Sim(), note="MAAS passes -p ''")
maas("maas-ipmi_sim-operator", *OSP, user="operator", password="operpass", priv="OPERATOR", bmc=IpmiSimBmc())
maas("maas-dead-host", *OSP, user="admin", password="password", extra=ST)
maas("maas-pyipmi-sim-cipher-17", *OSP, user="admin", password="password", bmc=Sim(), file="efi",
     extra=("-I", "17"))
case("maas-wrapper-checkout-boot-flags", _M, *OSP, *LAN20, *HA, "--checkout", "-S", "Chassis_Boot_Flags",
     tool="maas", bmc=Sim(boot_device="PXE"))
case("maas-wrapper-bad-option", _M, "--bogus", tool="maas")
case("maas-wrapper-version", _M, "--version", tool="maas")

# -- chassis checkout ---------------------------------------------------------------------------

_K = "chassis checkout"
case("checkout-pyipmi-sim", _K, *CH, *HA, "--checkout", bmc=Sim())
case("checkout-pyipmi-sim-lan20", _K, *CH, *LAN20, *HA, "--checkout", bmc=Sim(power=True))
case("checkout-verbose", _K, *CH, *HA, "--checkout", "-v", bmc=Sim())
case("checkout-very-verbose", _K, *CH, *HA, "--checkout", "-vv", bmc=Sim())
case("checkout-ipmi_sim", _K, *CH, *LAN20, *OSP, *HA, "--checkout", bmc=IpmiSimBmc(),
     note="no front-panel byte: buttons commented out, empty")
case("checkout-ipmi_sim-vv", _K, *CH, *LAN20, *OSP, *HA, "--checkout", "-vv", bmc=IpmiSimBmc())
case("checkout-pyghmi", _K, *CH, *LAN20, *HA, "--checkout", bmc=GhmiBmc())
case("checkout-section-boot-flags", _K, *CH, *HA, "--checkout", "-S", "Chassis_Boot_Flags",
     bmc=Sim(boot_device="HARD-DRIVE"))
case("checkout-section-power", _K, *CH, *HA, "--checkout", "--section=Chassis_Power_Conf", bmc=Sim())
case("checkout-section-buttons", _K, *CH, *HA, "--checkout", "-S", "Chassis_Front_Panel_Buttons", bmc=Sim())
case("checkout-two-sections", _K, *CH, *HA, "--checkout", "-S", "Chassis_Boot_Flags", "-S", "chassis_power_conf",
     bmc=Sim())
case("checkout-unknown-section", _K, *CH, *HA, "--checkout", "-S", "Bogus", bmc=Sim())
case("checkout-core-section-in-chassis", _K, *CH, *HA, "--checkout", "-S", "User3", bmc=Sim())
case("checkout-duplicate-section", _K, *CH, *HA, "--checkout", "-S", "Chassis_Power_Conf", "-S",
     "CHASSIS_POWER_CONF", bmc=Sim())
case("checkout-keypair", _K, *CH, *HA, "--checkout", "-e", "Chassis_Boot_Flags:Boot_Device", bmc=Sim())
case("checkout-keypairs-two-sections", _K, *CH, *HA, "--checkout", "-e", "chassis_boot_flags:boot_device",
     "-e", "Chassis_Power_Conf:Power_Restore_Policy", "-e", "Chassis_Boot_Flags:BIOS_Boot_Type=ignored",
     bmc=Sim())
case("checkout-keypair-unknown-key", _K, *CH, *HA, "--checkout", "-e", "Chassis_Boot_Flags:Bogus", bmc=Sim())
case("checkout-to-file", _K, *CH, *HA, "--checkout", "-n", "out.conf", outfile="out.conf", bmc=Sim())
case("checkout-to-unwritable-file", _K, *CH, *HA, "--checkout", "-n", "nodir/out.conf", bmc=Sim())
case("checkout-direct-chassis-tool", _K, *HA, "--checkout", tool="ipmi-chassis-config", bmc=Sim())
case("checkout-direct-chassis-tool-section", _K, *HA, "--checkout", "-S", "Chassis_Boot_Flags", "-v",
     tool="ipmi-chassis-config", bmc=Sim(boot_device="CD-DVD"))
case("checkout-listsections", _K, *CH, *HA, "--listsections", bmc=Sim())
case("checkout-listsections-direct", _K, *HA, "-L", tool="ipmi-chassis-config", bmc=Sim())
case("checkout-user-privilege", _K, *CH, *H, "-u", "user", "-p", "userpass", "-l", "user", "--checkout",
     bmc=Sim(), note="boot options need OPERATOR: keys dropped, exit 1")
case("checkout-operator-privilege", _K, *CH, *H, "-u", "operator", "-p", "operpass", "-l", "OPERATOR",
     "--checkout", "-vv", bmc=Sim())
case("checkout-category-later-g-replaces", _K, *HA, "--listsections", "-g", "chassis", "-g", "core",
     tool="ipmi-chassis-config", bmc=Sim())

# -- every Boot_Device value, and the BMC afterwards ----------------------------------------------

_B = "boot devices"
for _dev in ("NO-OVERRIDE", "PXE", "HARD-DRIVE", "HARD-DRIVE-SAFE-MODE", "DIAGNOSTIC_PARTITION", "CD-DVD",
             "BIOS-SETUP", "REMOTE-FLOPPY", "PRIMARY-REMOTE-MEDIA", "REMOTE-CD-DVD", "REMOTE-HARD-DRIVE", "FLOPPY"):
    case(f"boot-device-{_dev.lower()}", _B, *CH, *HA, "--commit", "-e", f"Chassis_Boot_Flags:Boot_Device={_dev}",
         bmc=Sim(boot_device="HARD-DRIVE" if _dev == "NO-OVERRIDE" else None))
case("boot-device-lower-case", _B, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=pxe", bmc=Sim())
case("boot-device-dash-diagnostic", _B, *CH, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Boot_Device=DIAGNOSTIC-PARTITION", bmc=Sim())
case("boot-device-ipmi_sim-floppy", _B, *CH, *LAN20, *OSP, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Boot_Device=FLOPPY", bmc=IpmiSimBmc())
case("boot-device-ipmi_sim-bios-setup", _B, *CH, *LAN20, *OSP, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Boot_Device=BIOS-SETUP", bmc=IpmiSimBmc())
case("boot-device-pyghmi-cd-dvd", _B, *CH, *LAN20, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Boot_Device=CD-DVD", bmc=GhmiBmc())
case("boot-device-rubyipmi-quoted", _B, "--hostname={H}", "--username=admin", "--password=password",
     "--driver-type=LAN_2_0", '--key-pair="Chassis_Boot_Flags:Boot_Device=PXE"', "--commit",
     tool="ipmi-chassis-config", bmc=Sim(), note="rubyipmi passes the quotes inside argv")

# -- chassis commit -----------------------------------------------------------------------------

_C = "chassis commit"
case("commit-instance-internal-5", _C, *CH, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Device_Instance_Selector=Internal-5", bmc=Sim())
case("commit-instance-external-16", _C, *CH, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Device_Instance_Selector=External-16", bmc=Sim(), note="0x15 range quirk")
case("commit-instance-lower-case", _C, *CH, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Device_Instance_Selector=external-3", bmc=Sim())
case("commit-instance-none", _C, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags:Device_Instance_Selector=none",
     bmc=Sim())
case("commit-all-boot-flags", _C, *CH, *HA, "--commit", "-n", "flags.conf", bmc=Sim(), files={"flags.conf": boot(
    "Boot_Flags_Persistent Yes", "BIOS_Boot_Type EFI", "CMOS_Clear yes", "Lock_Keyboard YES", "Screen_Blank Yes",
    "Boot_Device REMOTE-CD-DVD", "Device_Instance_Selector Internal-15", "Lock_Out_Reset_Button Yes",
    "Lock_Out_Power_Button Yes", "Lock_Out_Sleep_Button Yes", "Firmware_Bios_Verbosity verbose",
    "Force_Progress_Event_Traps Yes", "User_Password_Bypass Yes", "Console_Redirection SUPPRESS")})
case("commit-bios-verbosity-quiet-console-enable", _C, *CH, *HA, "--commit", "-e",
     "Chassis_Boot_Flags:Firmware_Bios_Verbosity=QUIET", "-e", "Chassis_Boot_Flags:Console_Redirection=Enable",
     bmc=Sim())
for _policy in ("On_State_AC_Apply", "Restore_State_AC_Apply", "off_state_ac_apply"):
    case(f"commit-power-restore-{_policy.lower()}", _C, *CH, *HA, "--commit", "-e",
         f"Chassis_Power_Conf:Power_Restore_Policy={_policy}", bmc=Sim())
case("commit-power-cycle-interval", _C, *CH, *HA, "--commit", "-e", "Chassis_Power_Conf:Power_Cycle_Interval=10",
     bmc=Sim())
case("commit-power-cycle-interval-hex", _C, *CH, *HA, "--commit", "-e",
     "Chassis_Power_Conf:Power_Cycle_Interval=0x10", bmc=Sim(), note="validated with strtol, committed with atoi")
case("commit-power-cycle-interval-ipmi_sim", _C, *CH, *LAN20, *OSP, *HA, "--commit", "-e",
     "Chassis_Power_Conf:Power_Cycle_Interval=5", bmc=IpmiSimBmc(), note="ipmi_sim refuses it")
case("commit-front-panel-all-no", _C, *CH, *HA, "--commit", "-n", "fp.conf", bmc=Sim(), files={"fp.conf": section(
    "Chassis_Front_Panel_Buttons", "Enable_Standby_Button_For_Entering_Standby No",
    "Enable_Diagnostic_Interrupt_Button No", "Enable_Reset_Button No",
    "Enable_Power_Off_Button_For_Power_Off_Only No")})
case("commit-front-panel-one-key", _C, *CH, *HA, "--commit", "-e", "Chassis_Front_Panel_Buttons:Enable_Reset_Button=No",
     bmc=Sim())
case("commit-front-panel-ipmi_sim", _C, *CH, *LAN20, *OSP, *HA, "--commit", "-e",
     "Chassis_Front_Panel_Buttons:Enable_Reset_Button=No", "-vv", bmc=IpmiSimBmc())
case("commit-from-stdin", _C, *CH, *HA, "--commit", bmc=Sim(), stdin=boot("Boot_Device BIOS-SETUP").encode())
case("commit-keypair-overrides-file", _C, *CH, *HA, "--commit", "-n", "b.conf", "-e",
     "Chassis_Boot_Flags:Boot_Device=CD-DVD", bmc=Sim(), files={"b.conf": boot("Boot_Device PXE",
                                                                               "Boot_Flags_Persistent Yes")})
case("commit-file-quirks", _C, *CH, *HA, "--commit", "-n", "q.conf", bmc=Sim(), files={"q.conf": (
    "# a comment\n   # indented comment\n\nsection chassis_boot_flags\n\tboot_device   hard-drive  trailing junk\n"
    "\tBIOS_Boot_Type EFI # not a comment\nSection Chassis_Power_Conf\nPower_Restore_Policy On_State_AC_Apply\n"
    "endsection\n")}, note="only the 2nd token counts; Section switches without EndSection")
case("commit-full-checkout-file", _C, *CH, *HA, "--commit", "-n", "full.conf", bmc=Sim(), files={"full.conf": (
    section("Chassis_Front_Panel_Buttons", "Enable_Standby_Button_For_Entering_Standby    Yes",
            "## Enable_Reset_Button                           Yes")
    + section("Chassis_Power_Conf", "## Possible values: Off_State_AC_Apply/Restore_State_AC_Apply/On_State_AC_Apply",
              "Power_Restore_Policy                          Off_State_AC_Apply",
              "## Power_Cycle_Interval                       ")
    + boot("Boot_Flags_Persistent                         No", "Boot_Device                                   PXE"))})
case("commit-direct-chassis-tool", _C, *HA, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE",
     tool="ipmi-chassis-config", bmc=Sim())
case("commit-slowcommit", _C, *CH, *HA, "-W", "slowcommit", "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE",
     bmc=Sim(), note="sleeps 1 s after every section")
case("commit-pyghmi-efi-persistent", _C, *CH, *LAN20, *HA, "--commit", "-e", "Chassis_Boot_Flags:BIOS_Boot_Type=EFI",
     "-e", "Chassis_Boot_Flags:Boot_Flags_Persistent=Yes", "-e", "Chassis_Boot_Flags:Boot_Device=PXE", bmc=GhmiBmc())
case("commit-user-privilege-boot", _C, *CH, *H, "-u", "user", "-p", "userpass", "-l", "user", "--commit", "-e",
     "Chassis_Boot_Flags:Boot_Device=PXE", bmc=Sim())
case("commit-lan20-operator", _C, *CH, *LAN20, *H, "-u", "operator", "-p", "operpass", "-l", "operator",
     "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE", "-e", "Chassis_Power_Conf:Power_Restore_Policy="
     "On_State_AC_Apply", bmc=Sim())

# -- diff ---------------------------------------------------------------------------------------

_D = "diff"
case("diff-keypairs", _D, *CH, *HA, "--diff", "-e", "Chassis_Boot_Flags:Boot_Device=PXE", "-e",
     "Chassis_Boot_Flags:BIOS_Boot_Type=pc-compatible", "-e",
     "Chassis_Power_Conf:Power_Restore_Policy=On_State_AC_Apply",
     bmc=Sim())
case("diff-file-equal", _D, *CH, *HA, "--diff", "-n", "d.conf", bmc=Sim(boot_device="PXE"),
     files={"d.conf": boot("Boot_Device pxe", "Boot_Flags_Persistent Yes")})
case("diff-file-differs", _D, *CH, *HA, "--diff", "-n", "d.conf", bmc=Sim(), files={"d.conf": _MAAS_FILES["efi"]})
case("diff-unreadable-key", _D, *CH, *HA, "--diff", "-e", "Chassis_Power_Conf:Power_Cycle_Interval=5", bmc=Sim())
case("diff-file-and-keypair", _D, *CH, *HA, "--diff", "-n", "d.conf", "-e", "Chassis_Boot_Flags:Boot_Device=PXE",
     bmc=Sim(), files={"d.conf": boot("Boot_Device PXE")})
case("diff-ipmi_sim-front-panel", _D, *CH, *LAN20, *OSP, *HA, "--diff", "-e",
     "Chassis_Front_Panel_Buttons:Enable_Reset_Button=Yes", bmc=IpmiSimBmc())
case("diff-invalid-value", _D, *CH, *HA, "--diff", "-e", "Chassis_Boot_Flags:Boot_Device=nowhere", bmc=Sim())

# -- malformed files and bad values ----------------------------------------------------------------

_P = "parse and validation errors"
_BAD_FILES = {
    "unknown-section": "Section Bogus\nEndSection\n",
    "section-without-name": "Section\n",
    "endsection-without-section": "EndSection\n",
    "key-outside-section": "Boot_Device PXE\n",
    "unknown-key": boot("Boot_Device PXE", "Bogus_Key 1"),
    "key-twice": boot("Boot_Device PXE", "boot_device CD-DVD"),
    "invalid-value": boot("Boot_Device nowhere"),
    "empty-value": boot("Boot_Device"),
    "out-of-range": section("Chassis_Power_Conf", "Power_Cycle_Interval 256"),
    "not-a-number": section("Chassis_Power_Conf", "Power_Cycle_Interval 12abc"),
    "several-invalid": boot("Boot_Device x", "BIOS_Boot_Type y", "Device_Instance_Selector Internal-0",
                            "Boot_Flags_Persistent maybe") + section("Chassis_Power_Conf", "Power_Cycle_Interval 0"),
    "error-after-valid-line": boot("Boot_Device PXE", "Lock_Keyboard Yes") + "Section Nope\n",
}
for _name, _text in _BAD_FILES.items():
    case(f"file-{_name}", _P, *CH, *HA, "--commit", "-n", "bad.conf", bmc=Sim(), files={"bad.conf": _text})
case("file-missing", _P, *CH, *HA, "--commit", "-n", "missing.conf", bmc=Sim())
case("file-dash", _P, *CH, *HA, "--commit", "-n", "-", bmc=Sim(), stdin=boot("Boot_Device PXE").encode())
case("file-directory", _P, *CH, *HA, "--diff", "-n", ".", bmc=Sim())
case("keypair-improper", _P, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags", bmc=Sim())
case("keypair-no-value-commit", _P, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device", bmc=Sim())
case("keypair-duplicate", _P, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE", "-e",
     "chassis_boot_flags:BOOT_DEVICE=CD-DVD", bmc=Sim())
case("keypair-value-with-space", _P, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE junk",
     bmc=Sim())
case("keypair-unknown-section-and-key", _P, *CH, *HA, "--commit", "-e", "Chassis_Bogus:X=1", "-e",
     "Chassis_Boot_Flags:Nokey=2", bmc=Sim())
case("keypair-several-invalid", _P, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=foo", "-e",
     "Chassis_Boot_Flags:BIOS_Boot_Type=x", "-e", "Chassis_Power_Conf:Power_Cycle_Interval=300", "-e",
     "Chassis_Boot_Flags:Device_Instance_Selector=External-22", bmc=Sim())
case("keypair-value-with-equals", _P, *CH, *HA, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE=x", bmc=Sim())
case("keypair-core-key-in-chassis", _P, *CH, *HA, "--commit", "-e", "User3:Username=foo", bmc=Sim())

# -- bad options --------------------------------------------------------------------------------

_O = "options"
case("no-action", _O, *HA)
case("two-actions", _O, *HA, "--checkout", "--commit")
case("abbreviated-foobar", _O, "--foo")
case("unknown-option", _O, "--bogus", "--checkout")
case("missing-argument", _O, "--checkout", "-h")
case("positional-argument", _O, "--checkout", "extra")
case("bad-category", _O, "-g", "chassis,bogus", *HA, "--checkout")
case("buffer-and-consolidate", _O, "-B", "-C", *HA, "--checkout")
case("bad-channel-number", _O, "--lan-channel-number", "abc", *HA, "--checkout")
case("bad-driver-type", _O, "-D", "bogus", *HA, "--checkout")
case("username-too-long", _O, "-u", "12345678901234567", "-h", "{H}", "--checkout")
case("password-too-long", _O, "-u", "admin", "-p", "123456789012345678901", "-h", "{H}", "--checkout")
case("password-17-lan15", _O, "-u", "admin", "-p", "12345678901234567", "-h", "{H}", "--checkout")
case("cipher-20", _O, *HA, "-I", "20", "--checkout")
case("cipher-4", _O, *HA, "-I", "4", "--checkout")
case("bad-privilege", _O, *HA, "-l", "king", "--checkout")
case("bad-auth-type", _O, *HA, "-a", "sha1", "--checkout")
case("bad-workaround", _O, *HA, "-W", "bogus", "--checkout")
case("session-timeout-zero", _O, *HA, "--session-timeout", "0", "--checkout")
case("retransmission-without-session-timeout", _O, *HA, "--retransmission-timeout", "200", "--checkout")
case("session-timeout-below-retransmission", _O, *CH, *HA, "--session-timeout", "1000", "--checkout", bmc=Sim())
case("kg-too-long", _O, *HA, "-k", "0x" + "ab" * 21, "--checkout")
case("checkout-keypair-and-section", _O, *CH, *HA, "--checkout", "-e", "Chassis_Boot_Flags:Boot_Device", "-S",
     "Chassis_Power_Conf", bmc=Sim())
case("version", _O, "--version")
case("version-chassis-tool", _O, "-V", tool="ipmi-chassis-config")
case("help", _O, "--help", compare="help")
case("usage", _O, "--usage", compare="help")
case("legacy-filename-option", _O, *CH, *HA, "--commit", "-f", "b.conf", bmc=Sim(),
     files={"b.conf": boot("Boot_Device PXE")})
case("bad-option-direct-chassis-tool", _O, "--bogus", tool="ipmi-chassis-config")

# -- session failures and credentials -------------------------------------------------------------

_S = "session and credentials"
case("wrong-password-lan15", _S, *CH, *H, "-u", "admin", "-p", "wrong", *ST, "--checkout", bmc=Sim())
case("wrong-password-lan20", _S, *CH, *LAN20, *H, "-u", "admin", "-p", "wrong", "--checkout", bmc=Sim())
case("unknown-user-lan20", _S, *CH, *LAN20, *H, "-u", "nobody", "-p", "x", "--checkout", bmc=Sim())
case("unknown-user-lan15", _S, *CH, *H, "-u", "nobody", "-p", "x", *ST, "--checkout", bmc=Sim())
case("user-at-default-admin-lan15", _S, *CH, *H, "-u", "user", "-p", "userpass", "--checkout", bmc=Sim())
case("user-at-default-admin-lan20", _S, *CH, *LAN20, *H, "-u", "user", "-p", "userpass", "--commit", "-e",
     "Chassis_Boot_Flags:Boot_Device=PXE", bmc=Sim())
case("anonymous", _S, *CH, *H, "--checkout", *ST, bmc=Sim())
case("dead-host", _S, *CH, "-h", "{DEAD}", *ADMIN, *ST, "--checkout")
case("dead-host-lan20", _S, *CH, *LAN20, "-h", "{DEAD}", *ADMIN, *ST, "--commit", "-e",
     "Chassis_Boot_Flags:Boot_Device=PXE")
case("dead-host-direct-chassis-tool", _S, "-h", "{DEAD}", *ADMIN, *ST, "--checkout", tool="ipmi-chassis-config")
case("pyghmi-unknown-user", _S, *CH, *LAN20, *H, "-u", "nobody", "-p", "x", *ST, "--checkout", bmc=GhmiBmc())
case("ipmi_sim-lan20-without-opensesspriv", _S, *CH, *LAN20, *HA, "--checkout", bmc=IpmiSimBmc())
case("ipmi_sim-cipher-17", _S, *CH, *LAN20, *OSP, *HA, "-I", "17", "--checkout", bmc=IpmiSimBmc())
case("ipmi_sim-wrong-password-lan20", _S, *CH, *LAN20, *OSP, *H, "-u", "admin", "-p", "wrong", "--checkout",
     bmc=IpmiSimBmc())
case("kg-right", _S, *CH, *LAN20, *HA, "-k", "secretkey", "-S", "Chassis_Power_Conf", "--checkout",
     bmc=Sim(k_g="secretkey"))
case("kg-wrong", _S, *CH, *LAN20, *HA, "-k", "wrongkey", *ST, "--checkout", bmc=Sim(k_g="secretkey"))
case("cipher-unavailable", _S, *CH, *LAN20, *HA, "-I", "17", "--checkout", bmc=Sim(cipher_suites="3"))
case("slow-bmc-session-timeout", _S, *CH, *LAN20, *HA, "--session-timeout", "1200", "--retransmission-timeout",
     "500", "--checkout", bmc=Sim(slow=1.5))

# -- several hosts -------------------------------------------------------------------------------

_H = "several hosts"
_HOSTS = "{N}.[2-4]"
_THREE = Sim(count=3)
case("hosts-checkout-section", _H, *CH, "-h", _HOSTS, *ADMIN, "--checkout", "-S", "Chassis_Power_Conf",
     bmc=_THREE, compare="hosts")
case("hosts-checkout-buffered", _H, *CH, "-h", _HOSTS, *ADMIN, "-B", "--checkout", "-S", "Chassis_Boot_Flags",
     bmc=_THREE, compare="hosts")
case("hosts-checkout-consolidated", _H, *CH, "-h", _HOSTS, *ADMIN, "-C", "--checkout", bmc=_THREE)
case("hosts-consolidated-with-dead", _H, *CH, "-h", "{N}.[2-4,99]", *ADMIN, *ST, "-C", "--checkout", "-S",
     "Chassis_Power_Conf", bmc=_THREE, compare="hosts")
case("hosts-always-prefix-one", _H, *CH, *HA, "--always-prefix", "--checkout", "-S", "Chassis_Boot_Flags", bmc=Sim())
case("hosts-always-prefix-error", _H, *CH, "-h", "{DEAD}", *ADMIN, *ST, "--always-prefix", "--checkout")
case("hosts-commit", _H, *CH, "-h", _HOSTS, *ADMIN, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE",
     bmc=_THREE)
case("hosts-commit-fanout-1", _H, *CH, "-h", "{H},{H3},{H2}", *ADMIN, "-F", "1", "--commit", "-e",
     "Chassis_Power_Conf:Power_Restore_Policy=On_State_AC_Apply", bmc=_THREE)
case("hosts-listsections", _H, *CH, "-h", _HOSTS, *ADMIN, "--listsections", bmc=_THREE, compare="hosts")
case("hosts-diff-consolidated", _H, *CH, "-h", _HOSTS, *ADMIN, "-C", "--diff", "-e",
     "Chassis_Boot_Flags:Boot_Device=PXE", bmc=_THREE)
case("hosts-checkout-to-file", _H, *CH, "-h", _HOSTS, *ADMIN, "--checkout", "-n", "out.conf", bmc=_THREE,
     compare="hosts")
case("hosts-all-username-invalid", _H, *CH, "-h", _HOSTS, "-u", "operator", "-p", "operpass", "-l", "operator",
     *LAN20, "--checkout", "-S", "Chassis_Power_Conf", bmc=Sim(count=3, users=("admin:password:ADMIN",)),
     compare="hosts")
case("hosts-ip-address-refused", _H, "-h", _HOSTS, *ADMIN, "--commit", "-e", "Lan_Conf:IP_Address=192.168.1.10",
     bmc=_THREE, compare="hosts")
case("hosts-mac-address-refused", _H, "-h", _HOSTS, *ADMIN, "--commit", "-e",
     "Lan_Conf:MAC_Address=02:00:00:00:00:01", bmc=_THREE, compare="hosts")
case("hosts-empty-list", _H, *CH, "-h", "", *ADMIN, "--checkout")

# -- the core category --------------------------------------------------------------------------

_R = "core category"
case("core-checkout", _R, *HA, "--checkout", bmc=Sim())
case("core-checkout-lan20", _R, *LAN20, *HA, "--checkout", bmc=Sim(), timeout=40)
case("core-checkout-verbose", _R, *HA, "--checkout", "-v", bmc=Sim())
case("core-checkout-very-verbose", _R, *HA, "--checkout", "-vv", bmc=Sim())
case("core-listsections", _R, *HA, "--listsections", bmc=Sim())
case("core-listsections-both-categories", _R, "-g", "chassis,core", *HA, "-L", bmc=Sim())
case("core-checkout-user3", _R, *HA, "--checkout", "-S", "User3", bmc=Sim())
case("core-checkout-lan-conf-verbose", _R, *HA, "--checkout", "-S", "Lan_Conf", "-v", bmc=Sim())
case("core-checkout-sol", _R, *HA, "--checkout", "-S", "SOL_Conf", bmc=Sim())
case("core-checkout-rmcpplus", _R, *HA, "--checkout", "-S", "Rmcpplus_Conf_Privilege", "-vv", bmc=Sim())
case("core-checkout-lan-channel-auth", _R, *HA, "--checkout", "-S", "Lan_Channel", "-S", "Lan_Conf_Auth", bmc=Sim())
case("core-checkout-security-keys", _R, *HA, "--checkout", "-S", "Lan_Conf_Security_Keys", "-S",
     "Lan_Conf_User_Security", "-S", "Lan_Conf_Misc", bmc=Sim(k_g="secretkey"))
case("core-checkout-serial-verbose", _R, *HA, "--checkout", "-S", "Serial_Channel", "-S", "Serial_Conf", "-vv",
     bmc=Sim())
case("core-checkout-keypairs", _R, *HA, "--checkout", "-e", "User3:Username", "-e", "Lan_Conf:IP_Address", "-e",
     "SOL_Conf:Enable_SOL", bmc=Sim())
case("core-checkout-hidden-misc", _R, *HA, "--checkout", "-S", "Misc", bmc=Sim())
case("core-checkout-ipmi_sim", _R, *LAN20, *OSP, *HA, "--checkout", bmc=IpmiSimBmc(), timeout=40)
case("core-checkout-pyghmi", _R, *LAN20, *HA, "--checkout", "-S", "User2", "-S", "Lan_Conf", bmc=GhmiBmc())
case("core-commit-user", _R, *HA, "--commit", "-n", "u.conf", bmc=Sim(), files={"u.conf": section(
    "User5", "Username newuser", "Password s3cret-pw", "Enable_User Yes", "Lan_Enable_IPMI_Msgs Yes",
    "Lan_Enable_Link_Auth Yes", "Lan_Privilege_Limit Operator", "SOL_Payload_Access Yes")})
case("core-commit-user-keypairs", _R, *HA, "--commit", "-e", "User4:Enable_User=No", "-e",
     "User3:Lan_Privilege_Limit=User", "-e", "User3:Lan_Session_Limit=3", bmc=Sim())
case("core-commit-password20", _R, *LAN20, *HA, "--commit", "-e", "User3:Password=12345678901234567890", bmc=Sim())
case("core-commit-user1-username", _R, *HA, "--commit", "-e", "User1:Username=anon", bmc=Sim())
case("core-commit-lan-conf", _R, *HA, "--commit", "-n", "l.conf", bmc=Sim(), files={"l.conf": section(
    "Lan_Conf", "IP_Address_Source Static", "IP_Address 192.168.10.20", "Subnet_Mask 255.255.255.0",
    "Default_Gateway_IP_Address 192.168.10.1", "Default_Gateway_MAC_Address 02:aa:bb:cc:dd:ee")})
case("core-commit-mac-address", _R, *HA, "--commit", "-e", "Lan_Conf:MAC_Address=02:11:22:33:44:55", bmc=Sim())
case("core-commit-lan-channel", _R, *HA, "--commit", "-e", "Lan_Channel:Volatile_Access_Mode=Always_Available",
     "-e", "Lan_Channel:Non_Volatile_Enable_Pef_Alerting=Yes", "-e",
     "Lan_Channel:Volatile_Channel_Privilege_Limit=Operator", bmc=Sim())
case("core-commit-sol", _R, *HA, "--commit", "-n", "s.conf", bmc=Sim(), files={"s.conf": section(
    "SOL_Conf", "Enable_SOL No", "SOL_Privilege_Level Operator", "Character_Accumulate_Interval 10",
    "Character_Send_Threshold 100", "SOL_Retry_Count 3", "Non_Volatile_Bit_Rate 115200")})
case("core-commit-k-g", _R, *HA, "--commit", "-e", "Lan_Conf_Security_Keys:K_G=0x0102030405", bmc=Sim())
case("core-commit-rmcpplus", _R, *HA, "--commit", "-e", "Rmcpplus_Conf_Privilege:Maximum_Privilege_Cipher_Suite_Id_3="
     "Operator", "-e", "Rmcpplus_Conf_Privilege:Maximum_Privilege_Cipher_Suite_Id_17=User", bmc=Sim())
case("core-commit-auth-types", _R, *HA, "--commit", "-e", "Lan_Conf_Auth:Operator_Enable_Auth_Type_MD2=No",
     "-e", "Lan_Conf_Auth:Callback_Enable_Auth_Type_None=No", bmc=Sim())
case("core-commit-hidden-misc", _R, *HA, "--commit", "-e", "Misc:Power_Restore_Policy=On_State_AC_Apply", bmc=Sim())
case("core-commit-read-only", _R, *HA, "--commit", "-e", "Lan6_Conf:Supports_IPv6_Only=Yes", bmc=Sim())
case("core-validation-errors", _R, *HA, "--commit", "-n", "v.conf", bmc=Sim(), files={"v.conf": (
    section("User3", "Username 12345678901234567", "Lan_Session_Limit 18", "Lan_Privilege_Limit King",
            "Enable_User maybe")
    + section("Lan_Conf", "IP_Address 300.1.1.1", "MAC_Address 02:00:00:00:00", "Subnet_Mask 255.0.255.0",
              "IP_Address_Source Magic")
    + section("SOL_Conf", "Character_Accumulate_Interval 0", "Non_Volatile_Bit_Rate 1200")
    + section("Lan_Conf_Security_Keys", "K_G 0xzz"))})
case("core-lan-channel-number-2", _R, *HA, "--lan-channel-number", "2", "--checkout", "-S", "Lan_Conf", bmc=Sim())
case("core-checkout-user1-very-verbose", _R, *HA, "--checkout", "-S", "User1", "-vv", bmc=Sim())
case("core-commit-enable-before-password", _R, *HA, "--commit", "-n", "p.conf", bmc=Sim(), files={"p.conf": section(
    "User6", "Enable_User Yes", "Password newpass", "Username late")}, note="Enable_User is committed after Password")
case("core-commit-user-security-misc", _R, *HA, "--commit", "-n", "m.conf", bmc=Sim(), files={"m.conf": (
    section("Lan_Conf_User_Security", "Bad_Password_Threshold 5", "Attempt_Count_Reset_Interval 10",
            "User_Lockout_Interval 20", "Enable_Event_Message_When_User_Disabled Yes")
    + section("Lan_Conf_Misc", "Enable_Gratuitous_ARPs Yes", "Gratuitous_ARP_Interval 4"))})
case("core-commit-commented-out-keys", _R, *HA, "--commit", "-e", "SOL_Conf:SOL_Payload_Port_Number=6230", "-e",
     "Lan_Conf:Vlan_id=12", "-e", "Lan_Conf:Vlan_Id_Enable=Yes", "-e", "Lan_Conf_Security_Keys:K_R=rkey", bmc=Sim())
case("core-commit-serial-without-channel", _R, *HA, "--commit", "-e", "Serial_Conf:Enable_Basic_Mode=Yes", "-e",
     "User3:Serial_Privilege_Limit=User", bmc=Sim())
case("core-commit-ipv6", _R, *HA, "--commit", "-e", "Lan6_Conf:IPv6_Static_Address_0=fe80::1", "-e",
     "Lan6_Conf:IPv6_Static_Address_Enable_0=Yes", "-e", "Lan6_Conf:IPv6_IPv4_Addressing_Enables=IPv4-and-IPv6",
     bmc=Sim())
case("core-commit-ip-single-host", _R, *HA, "--commit", "-e", "Lan_Conf:IP_Address=10.1.2.3", "-e",
     "Lan_Conf:IP_Address_Source=use_dhcp", bmc=Sim())
case("core-diff-keypairs", _R, *HA, "--diff", "-e", "Lan_Conf:MAC_Address=02:00:00:00:00:00", "-e",
     "User2:Lan_Privilege_Limit=administrator", "-e", "SOL_Conf:Volatile_Bit_Rate=Serial", bmc=Sim())
case("core-commit-lan20-operator-refused", _R, *LAN20, *H, "-u", "operator", "-p", "operpass", "-l", "operator",
     "--commit", "-e", "User4:Enable_User=No", bmc=Sim())
case("core-unknown-user-section", _R, *HA, "--commit", "-e", "User99:Username=x", bmc=Sim())
case("core-diff", _R, *HA, "--diff", "-n", "d.conf", bmc=Sim(), files={"d.conf": (
    section("User2", "Username admin", "Enable_User No") + section("Lan_Conf", "IP_Address_Source DHCP")
    + section("SOL_Conf", "Enable_SOL Yes"))})
case("core-and-chassis-commit", _R, "-g", "core,chassis", *HA, "--commit", "-e", "User3:Enable_User=No", "-e",
     "Chassis_Boot_Flags:Boot_Device=PXE", bmc=Sim())
case("category-sensors", _R, "-g", "sensors", *HA, "--sdr-cache-directory", "sdrc", "--checkout", bmc=Sim(),
     files={"sdrc/": ""})
case("category-sensors-no-cache-directory", _R, "-g", "sensors", *HA, "--sdr-cache-directory", "nodir",
     "--checkout", bmc=Sim())
case("category-pef", _R, "-g", "pef", *HA, "--listsections", bmc=Sim())
case("category-dcmi", _R, "-g", "dcmi", *HA, "--checkout", bmc=Sim())
case("bmc-config-shape", _R, *HA, "--checkout", "--verbose", "-S", "Lan_Conf", bmc=Sim(),
     note="MAAS commissioning: bmc-config --checkout --verbose -S Lan_Conf")

# -- freeipmi.conf --------------------------------------------------------------------------------

_F = "config files"
_CF = ("--config-file", "fi.conf")
case("conf-credentials", _F, *_CF, *CH, *H, "--checkout", "-S", "Chassis_Power_Conf", bmc=Sim(),
     files={"fi.conf": "username admin\npassword password\ndriver-type LAN_2_0\n"})
case("conf-ipmi-config-prefix", _F, *_CF, *CH, *H, "--checkout", "-S", "Chassis_Power_Conf", bmc=Sim(),
     files={"fi.conf": "username bogus\nipmi-config-username admin\nipmi-config-password password\n"})
case("conf-chassis-config-prefix", _F, *_CF, *H, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE",
     tool="ipmi-chassis-config", bmc=Sim(),
     files={"fi.conf": "ipmi-chassis-config-username admin\nipmi-chassis-config-password password\n"})
case("conf-bmc-config-prefix-verbose", _F, *_CF, *H, "--checkout", "-S", "User2", bmc=Sim(),
     files={"fi.conf": "bmc-config-username admin\nbmc-config-password password\nipmi-config-verbose-count 2\n"})
case("conf-shared-counter", _F, *_CF, *H, "--checkout", bmc=Sim(),
     files={"fi.conf": "ipmi-config-username admin\nipmi-chassis-config-username admin\n"})
case("conf-unknown-option", _F, *_CF, *HA, "--checkout", files={"fi.conf": "username admin\nfoo bar\n"})
case("conf-listed-twice", _F, *_CF, *HA, "--checkout", files={"fi.conf": "password a\npassword b\n"})
case("conf-missing", _F, "--config-file", "nothere.conf", *HA, "--checkout")
case("conf-workarounds-and-privilege", _F, *_CF, *CH, *HA, "--checkout", "-S", "Chassis_Power_Conf", bmc=Sim(),
     files={"fi.conf": "workaround-flags opensesspriv authcap\nprivilege-level operator\ndriver-type LAN_2_0\n"})
case("conf-bad-session-timeout", _F, *_CF, *HA, "--checkout", files={"fi.conf": "session-timeout 0\n"})
case("conf-command-line-wins", _F, *_CF, *CH, *H, "-u", "admin", "--checkout", "-S", "Chassis_Power_Conf", bmc=Sim(),
     files={"fi.conf": "username bogus\npassword password\n"})

# -- in-band ------------------------------------------------------------------------------------

_I = "in-band"
case("inband-localhost", _I, *CH, "-h", "localhost", *ADMIN, "--checkout")
case("inband-no-host", _I, *CH, "--checkout")
case("inband-127.0.0.1", _I, *CH, "-h", "127.0.0.1", "--listsections")
case("inband-localhost-lan", _I, *CH, "-h", "localhost", "-D", "LAN", *ADMIN, "--checkout")
case("inband-always-prefix", _I, *CH, "--always-prefix", "--checkout")
case("inband-chassis-tool", _I, "--commit", "-e", "Chassis_Boot_Flags:Boot_Device=PXE", tool="ipmi-chassis-config")

IDS = [c.id for c in CASES]
assert len(IDS) == len(set(IDS)), "duplicate case ids"


def _cost(c: Case) -> int:
    """Rough run time, to start the slow cases first."""
    slow = any(a in c.args for a in ("--session-timeout", "slowcommit")) or isinstance(c.bmc, (IpmiSimBmc, GhmiBmc))
    return 0 if slow else 1


# -- running ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def golden(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, ipmi_sim_factory,
           pyghmi_bmc_factory) -> dict[str, CaseResult]:
    """Run the selected cases (all of them, or what -k leaves) once, concurrently; write the report."""
    require_tool("ipmi-config")
    require_tool("ipmi-chassis-config")
    require_module("tabulate")
    why = netns_available()
    if why:
        skip_or_fail(f"network namespaces needed: {why}")
    ours = ours_program()[0]
    if not Path(ours).exists():
        pytest.fail(f"{ours} does not exist", pytrace=False)
    cases = selected_cases(request, __name__, CASES)
    lab = Lab(tmp_path_factory.mktemp("golden"), ipmi_sim_factory, pyghmi_bmc_factory)
    lab.start(cases)

    t0 = time.monotonic()
    try:
        results = run_concurrently(lab.run_case, cases, WORKERS, _cost)
        lab.add_sim_truth(results, lab.final_states())
    finally:
        lab.stop()
    for r in results:
        if not r.error:
            r.identical, r.diff = compare(r.case, r.runs)
    order = {c.id: n for n, c in enumerate(CASES)}
    results.sort(key=lambda r: order[r.case.id])
    text = report(results, time.monotonic() - t0, ours)
    # a harness self-check (FreeIPMI on both sides) must not overwrite the report H1/H2 work from
    copy = REPORT_COPY if ours != "/usr/sbin/ipmi-config" else REPORT_COPY.with_name("harness-check.md")
    targets = [copy] + ([Path(os.environ["IPMICONFIG_GOLDEN_REPORT"])]
                               if os.environ.get("IPMICONFIG_GOLDEN_REPORT") else [])
    for target in targets:
        write_report(target, text, results)
    print(f"\nipmi-config golden report: {targets[-1]}", file=sys.stderr)
    return {r.case.id: r for r in results}


def test_enough_cases() -> None:
    assert len(CASES) >= 120


# -- the harness's own rules ----------------------------------------------------------------------

_BLOCK = [b"#", b"# Section X Comments ", b"#", b"# " + b"word " * 14 + b"longer ", b"# tail ", b"#"]


def test_comment_block_layout_accepted() -> None:
    assert check_comment_block(_BLOCK, b"X") == ""


@pytest.mark.parametrize("bad", [
    [b"#", b"# Section X Comments", b"#", b"# a ", b"#"],                # no trailing space on the heading
    [b"#", b"# Section X Comments ", b"#", b"# a", b"#"],                # no trailing space
    [b"#", b"# Section X Comments ", b"#", b"# a ", b"# b ", b"#"],      # "b" fits on the line before
    [b"#", b"# Section X Comments ", b"#", b"# " + b"abcd " * 16, b"#"],  # 82 characters
    [b"#", b"# Section X Comments ", b"#", b"# a "],                     # no closing "#"
    [b"#", b"# Section X Comments ", b"#", b"#a ", b"#"],
])
def test_comment_block_layout_rejected(bad: list[bytes]) -> None:
    assert check_comment_block(bad, b"X") != ""


def test_normalise_checkout_replaces_only_comment_blocks() -> None:
    text = b"\n".join([b"h1: " + line for line in _BLOCK] + [b"h1: Section X", b"\tKey  v", b"EndSection"]) + b"\n"
    text = text.replace(b"h1: ", b"127.0.0.2: ")
    assert normalise_checkout(text) == (b"127.0.0.2: # <comment block of X: layout ok>\n127.0.0.2: Section X\n"
                                        b"\tKey  v\nEndSection\n")
    bad = b"#\n# Section X Comments \n#\n# a\n#\nSection X\n"
    assert b"BAD LAYOUT" in normalise_checkout(bad)


def test_argv0_normalised_only_as_message_prefix() -> None:
    assert normalise_argv0(b"/usr/sbin/ipmi-config: connection timeout\n") == b"<argv0>: connection timeout\n"
    assert normalise_argv0(b"127.0.0.2: ./ipmi-chassis-config: x\n") == b"127.0.0.2: <argv0>: x\n"
    assert normalise_argv0(b"Section ipmi-config: x\n") == b"Section ipmi-config: x\n"


def test_by_host_groups_prefixes_and_blocks() -> None:
    data = (b"127.0.0.3: b1\n127.0.0.2: a1\n127.0.0.3: b2\n----------------\n127.0.0.[4-5]\n"
            b"----------------\nc1\n")
    assert by_host(data) == [(b"127.0.0.2", b"127.0.0.2: a1\n"), (b"127.0.0.3", b"127.0.0.3: b1\n127.0.0.3: b2\n"),
                             (b"block 127.0.0.[4-5]", b"c1\n")]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_golden(golden: dict[str, CaseResult], case: Case) -> None:
    assert_identical(golden[case.id])
