"""The real FreeIPMI (Debian freeipmi-tools 1.6.10) against pyipmi-sim.

Issue 3, "Validated by FreeIPMI": ``ipmipower``, ``ipmi-config`` and
``ipmi-chassis-config`` succeed for every cipher suite, every IPMI 1.5
authentication type and each privilege level; every Chassis_Boot_Flags value
committed reads back, bit for bit in the simulator's state file; each quirk
profile fails without its ``-W`` flag the way freeipmi-behaviour.md section 5
predicts and works with it; privileges are enforced with the right messages.

One simulator process serves every BMC of this module (a rack of groups on
consecutive ports); its state file is the ground truth.  The quirk matrix,
where many cases are expected to time out, runs its FreeIPMI processes
concurrently, each bounded by ``--session-timeout`` and a subprocess timeout.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.pyipmisim import CIPHER_SUITES, Group, PyipmiSim, PyipmiSimFactory
from tests.support.tools import require_tool
from tests.sim.quirk_matrix import FLAG, LAN15_QUIRKS, QUIRKS, RMCPPLUS_QUIRKS

# -- the rack ----------------------------------------------------------------------------------------

SIXTEEN_USER, SIXTEEN_PASSWORD = "sixteen", "sixteen-chars-pw"  # exactly 16 characters
assert len(SIXTEEN_PASSWORD) == 16
USERS = ["admin:password:ADMIN", "operator:operpass:OPERATOR", "user:userpass:USER",
         f"{SIXTEEN_USER}:{SIXTEEN_PASSWORD}:ADMIN"]
AUTH_TYPES = ("none", "md2", "md5", "straight_password_key")
SHORT_TIMEOUT_MS = 2000   # where a timeout is the expected outcome
LONG_TIMEOUT_MS = 10000   # where success is expected (generous under parallel load)
PROCESS_TIMEOUT = 60.0


def make_groups() -> list[Group]:
    groups = [
        Group("suite", len(CIPHER_SUITES)),   # one BMC per cipher suite
        Group("auth", len(AUTH_TYPES)),       # one BMC per IPMI 1.5 authentication type
        Group("privilege", 3),
        Group("users", 1),
        Group("bootflags", 1),
        Group("maas", 1),
        Group("chassis", 1),
    ]
    # One BMC per quirk, tool and flag: a failed handshake holds one of the BMC's 32 session slots
    # until its 15 s set-up timeout, and one BMC taking every failing case would answer "BMC busy".
    groups += [Group(quirk_group(q, tool, flagged), 1, {"quirks": q}) for q in QUIRKS
               for tool in ("ipmipower", "ipmi-config") for flagged in (False, True)]
    return groups


def quirk_group(quirk: str, tool: str = "ipmipower", flagged: bool = False) -> str:
    return f"q_{quirk.replace('-', '_')}_{tool.replace('-', '_')}_{'flag' if flagged else 'noflag'}"


@pytest.fixture(scope="module")
def tools() -> dict[str, str]:
    return {name: require_tool(name) for name in ("ipmipower", "ipmi-config", "ipmi-chassis-config")}


@pytest.fixture(scope="module")
def sim(tools: dict[str, str], pyipmi_sim_factory: PyipmiSimFactory) -> Iterator[PyipmiSim]:
    sim = pyipmi_sim_factory.rack(make_groups(), {"users": USERS})
    yield sim
    assert sim.stop() == 0, sim.log()
    assert "Traceback" not in sim.log()


# -- running FreeIPMI ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One finished FreeIPMI process."""

    argv: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str
    seconds: float

    def __str__(self) -> str:
        return (f"{' '.join(self.argv)}\n  rc={self.rc} ({self.seconds:.2f} s)\n  stdout={self.stdout!r}\n"
                f"  stderr={self.stderr!r}")


def run(argv: Sequence[str], stdin: str | None = None, timeout: float = PROCESS_TIMEOUT) -> Run:
    """Run *argv* to completion (bounded), capturing both streams."""
    start = time.monotonic()
    # Bytes, decoded by hand: text mode would turn ipmipower's "\r\n" into "\n".
    proc = subprocess.run(list(argv), input=stdin.encode() if stdin is not None else None, capture_output=True,
                          timeout=timeout, stdin=None if stdin is not None else subprocess.DEVNULL)
    return Run(tuple(argv), proc.returncode, proc.stdout.decode(errors="replace"),
               proc.stderr.decode(errors="replace"), time.monotonic() - start)


def session_args(port: int, *, driver: str = "LAN_2_0", suite: int = 3, auth: str = "md5", user: str = "admin",
                 password: str = "password", privilege: str | None = "ADMIN", flag: str | None = None,
                 session_timeout: int | None = None) -> list[str]:
    """The options FreeIPMI tools share: host, driver, credentials, -I or -a, -l, -W."""
    args = ["-h", f"127.0.0.1:{port}", "-D", driver, "-u", user, "-p", password]
    args += ["-I", str(suite)] if driver == "LAN_2_0" else ["-a", auth]
    if privilege:
        args += ["-l", privilege]
    if flag:
        args += ["-W", flag]
    if session_timeout:
        args += [f"--session-timeout={session_timeout}"]
    return args


def line(message: str) -> str:
    """ipmipower's stdout for the single host 127.0.0.1."""
    return f"127.0.0.1: {message}\n"


# -- ipmi-config checkout files ---------------------------------------------------------------------


def parse_config(text: str) -> dict[str, dict[str, str]]:
    """Parse checkout output: {section: {key: value}}; commented-out keys are left out."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("Section "):
            assert current is None, f"nested section: {raw!r}"
            current = sections.setdefault(stripped.split(None, 1)[1], {})
        elif stripped == "EndSection":
            assert current is not None, "EndSection outside a section"
            current = None
        else:
            assert current is not None, f"key outside a section: {raw!r}"
            assert raw.startswith("\t"), f"key line not indented with a TAB: {raw!r}"
            key, _, value = stripped.partition(" ")
            current[key] = value.strip()
    assert current is None, "unterminated section"
    return sections


# -- 1. every cipher suite, every 1.5 authentication type, each privilege level -------------------------


def power_round_trip(tools: dict[str, str], sim: PyipmiSim, port: int, **session: Any) -> None:
    """stat -> off, on (state file: on), stat -> on, off (state file: off), stat -> off."""
    ipmipower = tools["ipmipower"]
    assert not sim.power_on(port)
    for op, expected, power in (("--stat", "off", None), ("--on", "ok", True), ("--stat", "on", None),
                                ("--off", "ok", False), ("--stat", "off", None)):
        result = run([ipmipower, *session_args(port, **session), op])
        assert (result.rc, result.stdout, result.stderr) == (0, line(expected), ""), str(result)
        if power is not None:
            sim.wait_state(port, lambda s, power=power: s["chassis"]["power_on"] is power)


@pytest.mark.parametrize("suite", CIPHER_SUITES)
def test_ipmipower_every_cipher_suite(tools: dict[str, str], sim: PyipmiSim, suite: int) -> None:
    port = sim.port("suite", CIPHER_SUITES.index(suite))
    power_round_trip(tools, sim, port, suite=suite, privilege="OPERATOR", user="operator", password="operpass")


@pytest.mark.parametrize("suite", CIPHER_SUITES)
def test_ipmi_config_every_cipher_suite(tools: dict[str, str], sim: PyipmiSim, suite: int) -> None:
    port = sim.port("suite", CIPHER_SUITES.index(suite))
    # -vv: without it, 1.6.10 exits 1 on Lan_Conf_Auth (its hidden OEM_Proprietary keys; ipmi_sim too).
    result = run([tools["ipmi-config"], *session_args(port, suite=suite), "--checkout",
                  "-S", "Lan_Channel", "-S", "Lan_Conf_Auth", "-vv"])
    assert (result.rc, result.stderr) == (0, ""), str(result)
    config = parse_config(result.stdout)
    assert config["Lan_Channel"]["Volatile_Channel_Privilege_Limit"] == "Administrator"
    assert config["Lan_Conf_Auth"]["Admin_Enable_Auth_Type_MD5"] == "Yes"
    assert config["Lan_Conf_Auth"]["Admin_Enable_Auth_Type_OEM_Proprietary"] == "No"


def test_ipmi_config_cipher_suite_privileges(tools: dict[str, str], sim: PyipmiSim) -> None:
    """ipmi-config 1.6.10 has keys for suite IDs 0-15 only; the IDs a BMC lacks cannot be read (exit 1)."""
    port = sim.port("suite", CIPHER_SUITES.index(3))
    result = run([tools["ipmi-config"], *session_args(port), "--checkout", "-S", "Rmcpplus_Conf_Privilege"])
    assert (result.rc, result.stderr) == (1, ""), str(result)
    privileges = parse_config(result.stdout)["Rmcpplus_Conf_Privilege"]
    assert privileges == {f"Maximum_Privilege_Cipher_Suite_Id_{n}": "Administrator"
                          for n in CIPHER_SUITES if n <= 15}
    verbose = run([tools["ipmi-config"], *session_args(port), "--checkout", "-S", "Rmcpplus_Conf_Privilege", "-vv"])
    unreadable = re.findall(r"## Unable to checkout Rmcpplus_Conf_Privilege:Maximum_Privilege_Cipher_Suite_Id_(\d+)",
                            verbose.stdout)
    assert sorted(map(int, unreadable)) == [4, 5, 9, 10, 13, 14], str(verbose)


@pytest.mark.parametrize("auth", AUTH_TYPES)
def test_ipmipower_every_lan15_auth_type(tools: dict[str, str], sim: PyipmiSim, auth: str) -> None:
    port = sim.port("auth", AUTH_TYPES.index(auth))
    if auth == "straight_password_key":  # FreeIPMI 1.6.10 needs a 16-character password here (see below)
        power_round_trip(tools, sim, port, driver="LAN", auth=auth, user=SIXTEEN_USER, password=SIXTEEN_PASSWORD)
    else:
        power_round_trip(tools, sim, port, driver="LAN", auth=auth, privilege="OPERATOR", user="operator",
                         password="operpass")


@pytest.mark.parametrize("auth", AUTH_TYPES)
def test_ipmi_config_every_lan15_auth_type(tools: dict[str, str], sim: PyipmiSim, auth: str) -> None:
    port = sim.port("auth", AUTH_TYPES.index(auth))
    creds = {"user": SIXTEEN_USER, "password": SIXTEEN_PASSWORD} if auth == "straight_password_key" else {}
    result = run([tools["ipmi-config"], *session_args(port, driver="LAN", auth=auth, **creds), "--checkout",
                  "-S", "Lan_Channel"])
    assert (result.rc, result.stderr) == (0, ""), str(result)
    assert parse_config(result.stdout)["Lan_Channel"]["Volatile_Access_Mode"] == "Always_Available"


def test_straight_password_needs_16_characters_in_freeipmi_1_6_10(tools: dict[str, str], sim: PyipmiSim) -> None:
    """FreeIPMI compares 16 bytes of a buffer filled only to the password's length (its bug, not ours)."""
    port = sim.port("auth", AUTH_TYPES.index("straight_password_key"))
    short = run([tools["ipmipower"], *session_args(port, driver="LAN", auth="straight_password_key",
                                                   session_timeout=SHORT_TIMEOUT_MS), "--stat"])
    assert (short.rc, short.stdout) == (1, line("password verification timeout")), str(short)
    exact = run([tools["ipmipower"], *session_args(port, driver="LAN", auth="straight_password_key",
                                                   user=SIXTEEN_USER, password=SIXTEEN_PASSWORD), "--stat"])
    assert (exact.rc, exact.stdout) == (0, line("off")), str(exact)


PRIVILEGE_CASES = [
    # (user, password, -l, operation, stdout, power afterwards)
    ("user", "userpass", "USER", "--stat", "off", False),
    ("operator", "operpass", "USER", "--stat", "off", False),
    ("operator", "operpass", "OPERATOR", "--on", "ok", True),
    ("operator", "operpass", "OPERATOR", "--off", "ok", False),
    ("admin", "password", "ADMIN", "--on", "ok", True),
    ("admin", "password", "OPERATOR", "--stat", "on", True),
    ("admin", "password", "ADMIN", "--off", "ok", False),
]


def test_each_privilege_level(tools: dict[str, str], sim: PyipmiSim) -> None:
    port = sim.port("privilege", 0)
    for user, password, privilege, op, expected, power in PRIVILEGE_CASES:
        result = run([tools["ipmipower"], *session_args(port, user=user, password=password, privilege=privilege),
                      op])
        assert (result.rc, result.stdout, result.stderr) == (0, line(expected), ""), str(result)
        sim.wait_state(port, lambda s, power=power: s["chassis"]["power_on"] is power)


@pytest.mark.parametrize("privilege", ["USER", "OPERATOR", "ADMIN"])
def test_chassis_checkout_at_each_privilege(tools: dict[str, str], sim: PyipmiSim, privilege: str) -> None:
    """Boot options need OPERATOR: at USER, ipmi-chassis-config drops those keys."""
    port = sim.port("privilege", 1)
    result = run([tools["ipmi-chassis-config"], *session_args(port, privilege=privilege), "--checkout"])
    config = parse_config(result.stdout)
    assert list(config) == ["Chassis_Front_Panel_Buttons", "Chassis_Power_Conf", "Chassis_Boot_Flags"]
    assert config["Chassis_Power_Conf"] == {"Power_Restore_Policy": "Off_State_AC_Apply"}
    if privilege == "USER":
        assert config["Chassis_Boot_Flags"] == {}, str(result)
        assert result.rc == 1, str(result)
    else:
        assert len(config["Chassis_Boot_Flags"]) == 14, str(result)
        assert (result.rc, result.stderr) == (0, ""), str(result)


# -- 4. privilege enforcement -------------------------------------------------------------------------

CLIENT_SIDE_REFUSALS = [("--on", "on"), ("--off", "off"), ("--cycle", "cycle"), ("--reset", "reset"),
                        ("--pulse", "diagnostic interrupt"), ("--soft", "soft shutdown os")]


@pytest.mark.parametrize("op,name", CLIENT_SIDE_REFUSALS, ids=[o for o, _n in CLIENT_SIDE_REFUSALS])
def test_user_level_cannot_control_power_ipmipower_refuses(tools: dict[str, str], sim: PyipmiSim, op: str,
                                                           name: str) -> None:
    port = sim.port("privilege", 2)
    result = run([tools["ipmipower"], *session_args(port, user="user", password="userpass", privilege="USER"), op])
    assert (result.rc, result.stdout, result.stderr) == (1, "", f"'{name}' requires atleast operator privilege\r\n")
    assert not sim.power_on(port)


def test_user_account_cannot_obtain_operator(tools: dict[str, str], sim: PyipmiSim) -> None:
    port = sim.port("privilege", 2)
    for suite in (3, 17):
        result = run([tools["ipmipower"], *session_args(port, suite=suite, user="user", password="userpass",
                                                        privilege="OPERATOR"), "--on"])
        assert (result.rc, result.stdout) == (1, line("privilege level cannot be obtained for this user")), \
            str(result)
    result = run([tools["ipmipower"], *session_args(port, driver="LAN", user="user", password="userpass",
                                                    privilege="OPERATOR"), "--on"])
    assert (result.rc, result.stdout) == (1, line("privilege level cannot be obtained for this user")), str(result)
    time.sleep(0.3)  # past the state file's write delay
    assert not sim.power_on(port)


def user_names(sim: PyipmiSim, port: int) -> list[str]:
    return [u["name"] for u in sim.bmc_state(port)["users"]]


def test_operator_cannot_change_users(tools: dict[str, str], sim: PyipmiSim) -> None:
    port = sim.port("users")
    ipmi_config = tools["ipmi-config"]
    before = user_names(sim, port)
    assert before[:5] == ["", "admin", "operator", "user", SIXTEEN_USER]

    # At the default level (ADMIN) the operator account cannot even open the session.
    result = run([ipmi_config, *session_args(port, user="operator", password="operpass", privilege=None),
                  "--commit", "-e", "User6:Username=intruder"])
    assert (result.rc, result.stdout, result.stderr) == (1, "", f"{ipmi_config}: privilege level cannot be "
                                                               "obtained for this user\n")
    # At OPERATOR the session opens, the BMC answers Set User Name with 0xD4 and ipmi-config says so.
    for key in ("Username=intruder", "Password=secret", "Enable_User=Yes", "Lan_Privilege_Limit=Administrator"):
        result = run([ipmi_config, *session_args(port, user="operator", password="operpass", privilege="OPERATOR"),
                      "--commit", "-e", f"User6:{key}"])
        name = key.split("=")[0]
        assert (result.rc, result.stdout, result.stderr) == (1, "", f"ERROR: Failed to commit `User6:{name}'\n")
    debug = run([ipmi_config, *session_args(port, user="operator", password="operpass", privilege="OPERATOR"),
                 "--commit", "-e", "User6:Username=intruder", "--debug"])
    assert "ipmi_cmd_set_user_name: privilege level insufficient" in debug.stderr + debug.stdout
    # A USER account does not get that far.
    result = run([ipmi_config, *session_args(port, user="user", password="userpass", privilege=None),
                  "--commit", "-e", "User6:Username=intruder"])
    assert (result.rc, result.stderr) == (1, f"{ipmi_config}: privilege level cannot be obtained for this user\n")
    time.sleep(0.3)
    assert user_names(sim, port) == before
    assert not sim.bmc_state(port)["users"][5]["enabled"]


def test_admin_creates_an_operator_who_then_powers_on(tools: dict[str, str], sim: PyipmiSim) -> None:
    port = sim.port("users")
    config = ("Section User7\n\tUsername newop\n\tPassword newpass\n\tEnable_User Yes\n"
              "\tLan_Enable_IPMI_Msgs Yes\n\tLan_Privilege_Limit Operator\nEndSection\n")
    result = run([tools["ipmi-config"], *session_args(port), "--commit"], stdin=config)
    assert (result.rc, result.stdout, result.stderr) == (0, "", ""), str(result)
    state = sim.wait_state(port, lambda s: s["users"][6]["name"] == "newop" and s["users"][6]["enabled"])
    user7 = state["users"][6]
    assert bytes.fromhex(user7["password"]) == b"newpass"
    assert user7["access"]["1"]["privilege_limit"] == 3 and user7["access"]["1"]["ipmi_messaging"] is True

    checkout = run([tools["ipmi-config"], *session_args(port), "--checkout", "-S", "User7"])
    user7_config = parse_config(checkout.stdout)["User7"]
    assert {k: user7_config.get(k) for k in ("Username", "Enable_User", "Lan_Enable_IPMI_Msgs",
                                             "Lan_Privilege_Limit")} == {
        "Username": "newop", "Enable_User": "Yes", "Lan_Enable_IPMI_Msgs": "Yes", "Lan_Privilege_Limit": "Operator"}
    on = run([tools["ipmipower"], *session_args(port, user="newop", password="newpass", privilege="OPERATOR"),
              "--on"])
    assert (on.rc, on.stdout) == (0, line("ok")), str(on)
    sim.wait_state(port, lambda s: s["chassis"]["power_on"])
    admin = run([tools["ipmipower"], *session_args(port, user="newop", password="newpass", privilege="ADMIN"),
                 "--off"])
    assert (admin.rc, admin.stdout) == (1, line("privilege level cannot be obtained for this user")), str(admin)


# -- 2. chassis: checkout, every Chassis_Boot_Flags value, front panel, power conf ------------------------

BOOT_DEVICES = {"NO-OVERRIDE": 0x0, "PXE": 0x1, "HARD-DRIVE": 0x2, "HARD-DRIVE-SAFE-MODE": 0x3,
                "DIAGNOSTIC_PARTITION": 0x4, "CD-DVD": 0x5, "BIOS-SETUP": 0x6, "REMOTE-FLOPPY": 0x7,
                "REMOTE-CD-DVD": 0x8, "PRIMARY-REMOTE-MEDIA": 0x9, "REMOTE-HARD-DRIVE": 0xB, "FLOPPY": 0xF}
VERBOSITY = {"DEFAULT": 0, "QUIET": 1, "VERBOSE": 2}
CONSOLE = {"BIOS-SETTING": 0, "SUPPRESS": 1, "ENABLE": 2}
YES_NO = ["Yes", "No"]
# Every value of every key, in checkout order; the last value of each list is the default.
BOOT_FLAG_VALUES: dict[str, list[str]] = {
    "Boot_Flags_Persistent": YES_NO,
    "BIOS_Boot_Type": ["EFI", "PC-COMPATIBLE"],
    "CMOS_Clear": YES_NO,
    "Lock_Keyboard": YES_NO,
    "Screen_Blank": YES_NO,
    "Boot_Device": [d for d in BOOT_DEVICES if d != "NO-OVERRIDE"] + ["NO-OVERRIDE"],
    "Device_Instance_Selector": ([f"Internal-{n}" for n in range(1, 16)] + [f"External-{n}" for n in range(1, 16)]
                                 + ["None"]),
    "Lock_Out_Reset_Button": YES_NO,
    "Lock_Out_Power_Button": YES_NO,
    "Lock_Out_Sleep_Button": YES_NO,
    "Firmware_Bios_Verbosity": ["QUIET", "VERBOSE", "DEFAULT"],
    "Force_Progress_Event_Traps": YES_NO,
    "User_Password_Bypass": YES_NO,
    "Console_Redirection": ["SUPPRESS", "ENABLE", "BIOS-SETTING"],
}
DEFAULT_BOOT_FLAGS = {key: values[-1] for key, values in BOOT_FLAG_VALUES.items()}


def device_instance(value: str) -> int:
    if value == "None":
        return 0
    kind, number = value.split("-")
    return (0x10 if kind == "Internal" else 0) | int(number)


def encode_boot_flags(flags: dict[str, str]) -> bytes:
    """Boot option parameter 5 as freeipmi-behaviour.md section 4.10 lays it out (valid bit set by commit)."""
    def yes(key: str) -> int:
        return int(flags[key] == "Yes")

    data1 = 0x80 | yes("Boot_Flags_Persistent") << 6 | int(flags["BIOS_Boot_Type"] == "EFI") << 5
    data2 = (yes("CMOS_Clear") << 7 | yes("Lock_Keyboard") << 6 | BOOT_DEVICES[flags["Boot_Device"]] << 2
             | yes("Screen_Blank") << 1 | yes("Lock_Out_Reset_Button"))
    data3 = (yes("Lock_Out_Power_Button") << 7 | VERBOSITY[flags["Firmware_Bios_Verbosity"]] << 5
             | yes("Force_Progress_Event_Traps") << 4 | yes("User_Password_Bypass") << 3
             | yes("Lock_Out_Sleep_Button") << 2 | CONSOLE[flags["Console_Redirection"]])
    return bytes((data1, data2, data3, 0, device_instance(flags["Device_Instance_Selector"])))


def chassis_checkout(tools: dict[str, str], port: int, section: str | None = None) -> dict[str, dict[str, str]]:
    result = run([tools["ipmi-chassis-config"], *session_args(port), "--checkout",
                  *(["-S", section] if section else [])])
    assert (result.rc, result.stderr) == (0, ""), str(result)
    return parse_config(result.stdout)


def chassis_commit(tools: dict[str, str], port: int, *pairs: str) -> None:
    args = [a for pair in pairs for a in ("-e", pair)]
    result = run([tools["ipmi-chassis-config"], *session_args(port), "--commit", *args])
    assert (result.rc, result.stdout, result.stderr) == (0, "", ""), str(result)


def test_chassis_checkout_parses_and_commits_back(tools: dict[str, str], sim: PyipmiSim, tmp_path: Path) -> None:
    port = sim.port("chassis")
    result = run([tools["ipmi-chassis-config"], *session_args(port), "--checkout"])
    assert (result.rc, result.stderr) == (0, ""), str(result)
    config = parse_config(result.stdout)
    assert list(config) == ["Chassis_Front_Panel_Buttons", "Chassis_Power_Conf", "Chassis_Boot_Flags"]
    assert config["Chassis_Front_Panel_Buttons"] == {
        "Enable_Standby_Button_For_Entering_Standby": "Yes", "Enable_Diagnostic_Interrupt_Button": "Yes",
        "Enable_Reset_Button": "Yes", "Enable_Power_Off_Button_For_Power_Off_Only": "Yes"}
    assert config["Chassis_Power_Conf"] == {"Power_Restore_Policy": "Off_State_AC_Apply"}
    assert "\t## Power_Cycle_Interval" in result.stdout  # never checked out (section 4.10)
    assert config["Chassis_Boot_Flags"] == DEFAULT_BOOT_FLAGS
    # The checkout is valid commit input: commit it back (file, as MAAS does) and nothing changes.
    saved = tmp_path / "chassis.conf"
    saved.write_text(result.stdout)
    commit = run([tools["ipmi-chassis-config"], *session_args(port), "--commit", "-n", str(saved)])
    assert (commit.rc, commit.stdout, commit.stderr) == (0, "", ""), str(commit)
    assert chassis_checkout(tools, port) == config
    assert sim.wait_state(port, lambda s: s["boot_options"]["5"] == encode_boot_flags(DEFAULT_BOOT_FLAGS).hex())


@pytest.mark.parametrize("key", list(BOOT_FLAG_VALUES))
def test_every_boot_flags_value_reads_back(tools: dict[str, str], sim: PyipmiSim, key: str) -> None:
    port = sim.port("bootflags")
    flags = chassis_checkout(tools, port, "Chassis_Boot_Flags")["Chassis_Boot_Flags"]
    assert flags == DEFAULT_BOOT_FLAGS
    for value in BOOT_FLAG_VALUES[key]:
        chassis_commit(tools, port, f"Chassis_Boot_Flags:{key}={value}")
        expected = dict(flags, **{key: value})
        assert chassis_checkout(tools, port, "Chassis_Boot_Flags")["Chassis_Boot_Flags"] == expected, value
        wire = encode_boot_flags(expected).hex()
        state = sim.wait_state(port, lambda s, wire=wire: s["boot_options"]["5"] == wire)
        # The post-commit hook: don't clear the valid bit on anything; BIOS should act on the flags.
        assert (state["boot_options"]["3"], state["boot_options"]["4"][-2:]) == ("1f", "ff")


def test_boot_flags_case_insensitive_values_and_device_instance_edge(tools: dict[str, str], sim: PyipmiSim) -> None:
    port = sim.port("bootflags")
    chassis_commit(tools, port, "chassis_boot_flags:boot_device=cd-dvd", "Chassis_Boot_Flags:BIOS_Boot_Type=efi")
    flags = chassis_checkout(tools, port, "Chassis_Boot_Flags")["Chassis_Boot_Flags"]
    assert (flags["Boot_Device"], flags["BIOS_Boot_Type"]) == ("CD-DVD", "EFI")
    # External-16 passes FreeIPMI's 1-21 check and encodes 0x10, which checks out empty (section 4.10).
    chassis_commit(tools, port, "Chassis_Boot_Flags:Device_Instance_Selector=External-16")
    sim.wait_state(port, lambda s: s["boot_options"]["5"] == "a014000010")
    assert chassis_checkout(tools, port, "Chassis_Boot_Flags")["Chassis_Boot_Flags"]["Device_Instance_Selector"] == ""
    chassis_commit(tools, port, "Chassis_Boot_Flags:Device_Instance_Selector=None",
                   "Chassis_Boot_Flags:Boot_Device=NO-OVERRIDE", "Chassis_Boot_Flags:BIOS_Boot_Type=PC-COMPATIBLE")
    sim.wait_state(port, lambda s: s["boot_options"]["5"] == "8000000000")


# The boot-flags files MAAS feeds to ipmi-chassis-config --commit (as in the lab's boot-flags/*.conf).
MAAS_FILES = {
    "maas-pxe.conf": ("Section Chassis_Boot_Flags\n"
                      "        Boot_Flags_Persistent                         No\n"
                      "        Boot_Device                                   PXE\n"
                      "EndSection\n", "8004000000"),
    "maas-pxe-efi.conf": ("Section Chassis_Boot_Flags\n"
                          "        Boot_Flags_Persistent                         No\n"
                          "        BIOS_Boot_Type                                EFI\n"
                          "        Boot_Device                                   PXE\n"
                          "EndSection\n", "a004000000"),
    "persistent-pxe.conf": ("Section Chassis_Boot_Flags\n"
                            "        Boot_Flags_Persistent                         Yes\n"
                            "        Boot_Device                                   PXE\n"
                            "EndSection\n", "c004000000"),
    "maas-pxe-pc.conf": ("Section Chassis_Boot_Flags\n"
                         "        Boot_Flags_Persistent                         No\n"
                         "        BIOS_Boot_Type                                PC-COMPATIBLE\n"
                         "        Boot_Device                                   PXE\n"
                         "EndSection\n", "8004000000"),
}


@pytest.mark.parametrize("name", list(MAAS_FILES))
def test_maas_boot_flag_files(tools: dict[str, str], sim: PyipmiSim, tmp_path: Path, name: str) -> None:
    port = sim.port("maas")
    text, wire = MAAS_FILES[name]
    path = tmp_path / name
    path.write_text(text)
    # Start from PC-compatible, next boot only, so each file's effect is visible on its own.
    chassis_commit(tools, port, "Chassis_Boot_Flags:BIOS_Boot_Type=PC-COMPATIBLE",
                   "Chassis_Boot_Flags:Boot_Flags_Persistent=No", "Chassis_Boot_Flags:Boot_Device=NO-OVERRIDE")
    result = run([tools["ipmi-chassis-config"], *session_args(port, privilege="OPERATOR"), "--commit", "-n",
                  str(path)])
    assert (result.rc, result.stdout, result.stderr) == (0, "", ""), str(result)
    sim.wait_state(port, lambda s: s["boot_options"]["5"] == wire)
    flags = chassis_checkout(tools, port, "Chassis_Boot_Flags")["Chassis_Boot_Flags"]
    for raw in text.splitlines()[1:-1]:
        key, value = raw.split()
        assert flags[key] == value


FRONT_PANEL_BITS = {"Enable_Power_Off_Button_For_Power_Off_Only": 0, "Enable_Reset_Button": 1,
                    "Enable_Diagnostic_Interrupt_Button": 2, "Enable_Standby_Button_For_Entering_Standby": 3}


def test_front_panel_buttons_commit_and_checkout(tools: dict[str, str], sim: PyipmiSim) -> None:
    port = sim.port("chassis")
    for key, bit in FRONT_PANEL_BITS.items():
        chassis_commit(tools, port, f"Chassis_Front_Panel_Buttons:{key}=No")
        buttons = chassis_checkout(tools, port, "Chassis_Front_Panel_Buttons")["Chassis_Front_Panel_Buttons"]
        assert buttons == {k: ("No" if k == key else "Yes") for k in FRONT_PANEL_BITS}
        sim.wait_state(port, lambda s, bit=bit: s["chassis"]["front_panel_disabled"] == 1 << bit)
        chassis_commit(tools, port, f"Chassis_Front_Panel_Buttons:{key}=Yes")
        sim.wait_state(port, lambda s: s["chassis"]["front_panel_disabled"] == 0)
    chassis_commit(tools, port, *(f"Chassis_Front_Panel_Buttons:{k}=No" for k in FRONT_PANEL_BITS))
    sim.wait_state(port, lambda s: s["chassis"]["front_panel_disabled"] == 0x0F)
    chassis_commit(tools, port, *(f"Chassis_Front_Panel_Buttons:{k}=Yes" for k in FRONT_PANEL_BITS))
    sim.wait_state(port, lambda s: s["chassis"]["front_panel_disabled"] == 0)


def test_power_conf_commit_and_checkout(tools: dict[str, str], sim: PyipmiSim) -> None:
    port = sim.port("chassis")
    for number, policy in ((2, "On_State_AC_Apply"), (1, "Restore_State_AC_Apply"), (0, "Off_State_AC_Apply")):
        chassis_commit(tools, port, f"Chassis_Power_Conf:Power_Restore_Policy={policy}")
        assert chassis_checkout(tools, port, "Chassis_Power_Conf")["Chassis_Power_Conf"] == {
            "Power_Restore_Policy": policy}
        sim.wait_state(port, lambda s, number=number: s["chassis"]["restore_policy"] == number)
    chassis_commit(tools, port, "Chassis_Power_Conf:Power_Cycle_Interval=7")
    sim.wait_state(port, lambda s: s["chassis"]["power_cycle_interval"] == 7)
    # Never checked out (FreeIPMI cannot read it back): the key stays commented out.
    assert chassis_checkout(tools, port, "Chassis_Power_Conf")["Chassis_Power_Conf"] == {
        "Power_Restore_Policy": "Off_State_AC_Apply"}


# -- 3. quirk profiles x -W flags (run concurrently) -----------------------------------------------------

SHA1_MD5_SUITES = (1, 2, 3, 6, 7, 8, 11, 12)
OK = "ok"


@dataclass(frozen=True)
class QuirkCase:
    """One FreeIPMI run against a quirky BMC: what it should print."""

    quirk: str
    tool: str                 # "ipmipower" or "ipmi-config"
    driver: str
    setting: str              # cipher suite ID or 1.5 auth type
    flag: str | None
    expected: str             # OK, an ipmipower message, or "stderr:<text>" ({tool} = argv[0])

    @property
    def id(self) -> str:
        return f"{self.quirk}-{self.tool}-{self.driver}-{self.setting}-{'W_' + self.flag if self.flag else 'noflag'}"

    @property
    def times_out(self) -> bool:
        return "timeout" in self.expected


def _ipmipower_rmcpplus(quirk: str, suite: int, flagged: bool) -> str:
    if quirk == "opensesspriv-required":
        return OK if flagged else "privilege level cannot be obtained for this user"
    if quirk == "zero-session-seq":
        return "session timeout"
    if quirk == "supermicro20":
        if suite in (15, 16, 17):  # ipmipower's buffer is sized for SHA1/MD5 (section 5.2: lib only for SHA256)
            return "stderr:ipmi_rmcpplus_check_rakp_2_key_exchange_authentication_code: No space left on device\r\n"
        return OK if flagged else "password invalid"
    if quirk == "sun20":
        return OK if flagged or suite == 0 else "password invalid"
    if quirk == "intel20":
        if not flagged:
            return "privilege level cannot be obtained for this user"
        # RAKP 4 ICV by integrity algorithm: MD5-128 always fails; 1.6.10 maps no HMAC-SHA256-128 either.
        return "k_g invalid" if suite in (11, 12, 16, 17) else OK
    raise AssertionError(quirk)


def _ipmi_config_rmcpplus(quirk: str, suite: int, flagged: bool) -> str:
    if quirk == "opensesspriv-required":
        return OK if flagged else "stderr:{tool}: privilege level cannot be obtained for this user\n"
    if quirk == "zero-session-seq":
        return "stderr:ipmi_ctx_open_outofband_2_0: session timeout\n"
    if quirk == "supermicro20":
        if flagged:
            return OK
        if suite in (15, 16, 17):
            return "stderr:ipmi_ctx_open_outofband_2_0: internal error\n"
        return "stderr:{tool}: password invalid\n"
    if quirk == "sun20":
        return OK if flagged or suite == 0 else "stderr:{tool}: password invalid\n"
    if quirk == "intel20":
        if not flagged:
            return "stderr:{tool}: privilege level cannot be obtained for this user\n"
        if suite in (11, 12):
            return "stderr:ipmi_ctx_open_outofband_2_0: internal IPMI error\n"
        return "stderr:{tool}: k_g invalid\n" if suite in (16, 17) else OK
    raise AssertionError(quirk)


def _lan15(quirk: str, tool: str, auth: str, flagged: bool) -> str:
    timeout = "session timeout" if tool == "ipmipower" else "stderr:ipmi_ctx_open_outofband: session timeout\n"
    if quirk in ("unexpectedauth", "forcepermsg") and auth == "none":
        return OK  # no authcode to get wrong
    if quirk == "idzero" and tool == "ipmi-config" and not flagged:
        return "stderr:{tool}: password verification timeout\n"  # the Activate Session reply is dropped
    if quirk == "unexpectedauth" and tool == "ipmi-config":
        return timeout  # the lib re-checks with the same parameters: the flag does nothing (section 5.2)
    return OK if flagged else timeout


def quirk_cases() -> list[QuirkCase]:
    cases = []
    for quirk in RMCPPLUS_QUIRKS:
        flag = FLAG.get(quirk)
        for suite in CIPHER_SUITES:
            for flagged in ((False, True) if flag else (False,)):
                f = flag if flagged else None
                cases.append(QuirkCase(quirk, "ipmipower", "LAN_2_0", str(suite), f,
                                       _ipmipower_rmcpplus(quirk, suite, flagged)))
                cases.append(QuirkCase(quirk, "ipmi-config", "LAN_2_0", str(suite), f,
                                       _ipmi_config_rmcpplus(quirk, suite, flagged)))
    for quirk in LAN15_QUIRKS:
        for auth in AUTH_TYPES:
            for flagged in (False, True):
                for tool in ("ipmipower", "ipmi-config"):
                    cases.append(QuirkCase(quirk, tool, "LAN", auth, FLAG[quirk] if flagged else None,
                                           _lan15(quirk, tool, auth, flagged)))
    # RMCP+-only and 1.5-only quirks leave the other protocol alone.
    cases.append(QuirkCase("zero-session-seq", "ipmipower", "LAN", "md5", None, OK))
    cases.append(QuirkCase("idzero", "ipmipower", "LAN_2_0", "3", None, "session timeout"))  # ipmipower checks it
    cases.append(QuirkCase("idzero", "ipmipower", "LAN_2_0", "3", "idzero", OK))             # in 2.0 too (5.2)
    cases.append(QuirkCase("idzero", "ipmi-config", "LAN_2_0", "3", None,
                           "stderr:ipmi_ctx_open_outofband_2_0: session timeout\n"))
    cases.append(QuirkCase("endianseq", "ipmipower", "LAN_2_0", "3", None, OK))
    # No flag needed: a lost Close Session reply and a slow BMC.
    for tool in ("ipmipower", "ipmi-config"):
        for driver, setting in (("LAN_2_0", "3"), ("LAN_2_0", "17"), ("LAN", "md5")):
            cases.append(QuirkCase("lost-close-session", tool, driver, setting, None, OK))
    for driver, setting in (("LAN_2_0", "3"), ("LAN", "md5")):
        cases.append(QuirkCase("slow", "ipmipower", driver, setting, None, OK))
    return cases


QUIRK_CASES = quirk_cases()


def case_argv(case: QuirkCase, tools: dict[str, str], sim: PyipmiSim) -> list[str]:
    port = sim.port(quirk_group(case.quirk, case.tool, case.flag is not None))
    creds: dict[str, Any] = {}
    if case.setting == "straight_password_key":
        creds = {"user": SIXTEEN_USER, "password": SIXTEEN_PASSWORD}
    setting: dict[str, Any] = {"suite": int(case.setting)} if case.driver == "LAN_2_0" else {"auth": case.setting}
    args = session_args(port, driver=case.driver, flag=case.flag, **setting, **creds,
                        session_timeout=SHORT_TIMEOUT_MS if case.times_out else LONG_TIMEOUT_MS)
    if case.tool == "ipmipower":
        return [tools["ipmipower"], *args, "--stat"]
    return [tools["ipmi-config"], *args, "--checkout", "-S", "Lan_Channel"]


@pytest.fixture(scope="module")
def quirk_runs(tools: dict[str, str], sim: PyipmiSim) -> dict[str, Run]:
    """Every quirk case, run concurrently (each one bounded); id -> Run."""
    slow_first = sorted(QUIRK_CASES, key=lambda c: not (c.times_out or c.quirk == "slow"))
    with ThreadPoolExecutor(max_workers=64) as pool:
        futures = {case.id: pool.submit(run, case_argv(case, tools, sim)) for case in slow_first}
        return {case_id: future.result() for case_id, future in futures.items()}


def test_quirk_case_ids_are_unique() -> None:
    assert len({c.id for c in QUIRK_CASES}) == len(QUIRK_CASES)


@pytest.mark.parametrize("case", QUIRK_CASES, ids=[c.id for c in QUIRK_CASES])
def test_quirk_matrix(quirk_runs: dict[str, Run], tools: dict[str, str], case: QuirkCase) -> None:
    result = quirk_runs[case.id]
    if case.expected == OK:
        if case.tool == "ipmipower":
            assert (result.rc, result.stdout, result.stderr) == (0, line("off"), ""), str(result)
        else:
            assert (result.rc, result.stderr) == (0, ""), str(result)
            assert "Volatile_Access_Mode" in parse_config(result.stdout)["Lan_Channel"]
    elif case.expected.startswith("stderr:"):
        text = case.expected[len("stderr:"):].format(tool=tools["ipmi-config"])
        assert (result.rc, result.stdout, result.stderr) == (1, "", text), str(result)
    else:
        assert (result.rc, result.stdout, result.stderr) == (1, line(case.expected), ""), str(result)


def test_lost_close_session_costs_one_retransmission_deadline(quirk_runs: dict[str, Run]) -> None:
    """ipmipower gives up on the Close Session reply after its 400 ms resend deadline, the lib after 1 s."""
    for case in QUIRK_CASES:
        if case.quirk == "lost-close-session":
            seconds = quirk_runs[case.id].seconds
            low, high = (0.35, 1.5) if case.tool == "ipmipower" else (0.9, 3.0)
            assert low <= seconds <= high, (case.id, seconds)


def test_slow_bmc_is_slow_but_fine(quirk_runs: dict[str, Run]) -> None:
    for case in QUIRK_CASES:
        if case.quirk == "slow":
            assert quirk_runs[case.id].seconds >= 1.2, case.id  # every one of 5+ replies held 0.3 s


def test_quirky_bmcs_powered_nothing(sim: PyipmiSim) -> None:
    """Only --stat was sent to the quirky BMCs: still off, no boot flags."""
    for group in sim.groups:
        if group.startswith("q_"):
            state = sim.bmc_state(sim.port(group))
            assert state["chassis"]["power_on"] is False and state["boot_options"]["5"] == "0000000000", group

