"""The package's own client (pyipmi_tools.api) against pyipmi-sim: issue 3's matrix.

The same matrix as tests/sim/test_freeipmi_matrix.py, for :class:`Bmc` and
:func:`run_many`: every cipher suite, every IPMI 1.5 authentication type (the
straight password with any length: FreeIPMI 1.6.10's 16-character bug is not
ours), each privilege level, every boot flags field, and each quirk profile
without and with its workaround flag in both timing flavors (``ipmipower``
and ``libfreeipmi``), where the outcome is the one FreeIPMI prints.

One simulator process serves every BMC of this module; its state file is the
ground truth.  The quirk cases run concurrently (one thread per case, each
run_many call bounded by its session timeout).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pyipmi_tools.record import fields, replace
from typing import Any

import pytest

from pyipmi_tools.api import Bmc, BootDevice, BootFlags, IpmiError, Outcome, run_many
from tests.support.pyipmisim import CIPHER_SUITES, Group, PyipmiSim, PyipmiSimFactory
from tests.sim.quirk_matrix import FLAG, LAN15_QUIRKS, QUIRKS, RMCPPLUS_QUIRKS

# -- the rack ----------------------------------------------------------------------------------------

PASSWORDS = {"one": "x", "admin": "password", "sixteen": "sixteen-chars-pw", "twenty": "abcdefghijklmnopqrst"}
assert [len(p) for p in PASSWORDS.values()] == [1, 8, 16, 20]
USERS = ["admin:password:ADMIN", "operator:operpass:OPERATOR", "user:userpass:USER",
         "one:x:ADMIN", "sixteen:sixteen-chars-pw:ADMIN", "twenty:abcdefghijklmnopqrst:ADMIN"]
AUTH_TYPES = ("NONE", "MD2", "MD5", "STRAIGHT_PASSWORD")
FLAVORS = ("ipmipower", "libfreeipmi")
SHORT_TIMEOUT = 2.0   # seconds, where a timeout is the expected outcome
LONG_TIMEOUT = 10.0


def quirk_group(quirk: str, flavor: str, flagged: bool) -> str:
    return f"q_{quirk.replace('-', '_')}_{flavor}_{'flag' if flagged else 'noflag'}"


def make_groups() -> list[Group]:
    groups = [Group("suite", len(CIPHER_SUITES)), Group("auth", len(AUTH_TYPES)), Group("privilege", 3),
              Group("bootflags", 1), Group("chassis", 1), Group("many", 20)]
    # One BMC per quirk, flavor and flag, so failed handshakes never fill one BMC's session slots.
    groups += [Group(quirk_group(q, f, flagged), 1, {"quirks": q}) for q in QUIRKS for f in FLAVORS
               for flagged in (False, True)]
    return groups


@pytest.fixture(scope="module")
def sim(pyipmi_sim_factory: PyipmiSimFactory) -> Iterator[PyipmiSim]:
    sim = pyipmi_sim_factory.rack(make_groups(), {"users": USERS})
    yield sim
    assert sim.stop() == 0, sim.log()
    assert "Traceback" not in sim.log()


def host(sim: PyipmiSim, port: int) -> str:
    return sim.host(port)


def attempt(fn: Any) -> Any:
    """fn()'s value, or the IpmiError it raised."""
    try:
        return fn()
    except IpmiError as err:
        return err


# -- every cipher suite ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suite", CIPHER_SUITES)
def test_every_cipher_suite(sim: PyipmiSim, suite: int) -> None:
    port = sim.port("suite", CIPHER_SUITES.index(suite))
    with Bmc(host(sim, port), "operator", "operpass", cipher_suite=suite, privilege="OPERATOR") as bmc:
        assert bmc.power_state() is False
        bmc.power("on")
        sim.wait_state(port, lambda s: s["chassis"]["power_on"] is True)
        assert bmc.power_state() is True
    results = run_many([host(sim, port)], "off", cipher_suite=suite, username="admin", password="password",
                       privilege="ADMIN", flavor="ipmipower")
    assert results == {host(sim, port): "ok"}
    sim.wait_state(port, lambda s: s["chassis"]["power_on"] is False)
    # Any password length up to 20 bytes (RMCP+ keys are 20 bytes).
    for user, password in PASSWORDS.items():
        with Bmc(host(sim, port), user, password, cipher_suite=suite, privilege="ADMIN") as bmc:
            assert bmc.power_state() is False, user


def test_run_many_over_all_suites_at_once(sim: PyipmiSim) -> None:
    hosts = [host(sim, sim.port("many", i)) for i in range(20)]
    for suite in CIPHER_SUITES:
        assert run_many(hosts, "stat", cipher_suite=suite, username="user", password="userpass",
                        privilege="USER", fanout=0) == {h: "off" for h in hosts}, suite


# -- every IPMI 1.5 authentication type -----------------------------------------------------------------


@pytest.mark.parametrize("auth", AUTH_TYPES)
def test_every_lan15_auth_type(sim: PyipmiSim, auth: str) -> None:
    port = sim.port("auth", AUTH_TYPES.index(auth))
    with Bmc(host(sim, port), "operator", "operpass", driver="LAN", auth_type=auth, privilege="OPERATOR") as bmc:
        assert bmc.power_state() is False
        bmc.power("on")
        sim.wait_state(port, lambda s: s["chassis"]["power_on"] is True)
        bmc.power("off")
        sim.wait_state(port, lambda s: s["chassis"]["power_on"] is False)
    for flavor in FLAVORS:
        for user, password in PASSWORDS.items():
            if len(password) > 16:
                continue  # IPMI 1.5 passwords are at most 16 bytes
            results = run_many([host(sim, port)], "stat", driver="LAN", auth_type=auth, username=user,
                               password=password, privilege="ADMIN", flavor=flavor, session_timeout=LONG_TIMEOUT)
            assert results == {host(sim, port): "off"}, (flavor, user)


def test_lan15_password_longer_than_16_is_refused_before_sending(sim: PyipmiSim) -> None:
    with pytest.raises(ValueError, match="password is longer than 16 bytes"):
        Bmc(host(sim, sim.port("auth", 0)), "twenty", PASSWORDS["twenty"], driver="LAN")


# -- privileges ---------------------------------------------------------------------------------------


def test_each_privilege_level(sim: PyipmiSim) -> None:
    port = sim.port("privilege", 0)
    h = host(sim, port)
    with Bmc(h, "user", "userpass", privilege="USER") as bmc:
        assert bmc.power_state() is False
        err = attempt(lambda: bmc.power("on"))  # USER cannot power on: the BMC answers 0xD4
        assert isinstance(err, IpmiError)
        assert (err.outcome, err.completion_code, err.command) == (Outcome.PRIVILEGE_INSUFFICIENT, 0xD4,
                                                                   "chassis_control")
        assert bmc.power_state() is False  # the session survives a refused command
    assert run_many([h], "on", username="user", password="userpass", privilege="USER")[h].outcome \
        is Outcome.PRIVILEGE_INSUFFICIENT
    err = attempt(lambda: Bmc(h, "user", "userpass", privilege="OPERATOR").open())
    assert isinstance(err, IpmiError) and err.outcome is Outcome.PRIVILEGE_CANNOT_BE_OBTAINED
    assert sim.power_on(port) is False

    with Bmc(h, "operator", "operpass", privilege="OPERATOR") as bmc:
        bmc.power("on")
        sim.wait_state(port, lambda s: s["chassis"]["power_on"] is True)
        bmc.power("off")
        sim.wait_state(port, lambda s: s["chassis"]["power_on"] is False)
    err = attempt(lambda: Bmc(h, "operator", "operpass", privilege="ADMIN").open())
    assert isinstance(err, IpmiError) and err.outcome is Outcome.PRIVILEGE_CANNOT_BE_OBTAINED
    with Bmc(h, "admin", "password", privilege="ADMIN") as bmc:
        bmc.power("on")
        sim.wait_state(port, lambda s: s["chassis"]["power_on"] is True)
        bmc.power("off")
        sim.wait_state(port, lambda s: s["chassis"]["power_on"] is False)


SET_USER_NAME = (0x06, 0x45)


def test_operator_cannot_change_users(sim: PyipmiSim) -> None:
    port = sim.port("privilege", 1)
    h = host(sim, port)
    for user, password, privilege in (("user", "userpass", "USER"), ("operator", "operpass", "OPERATOR")):
        with Bmc(h, user, password, privilege=privilege) as bmc:
            assert bmc.raw(*SET_USER_NAME, bytes([9]) + b"intruder".ljust(16, b"\0")) == (0xD4, b"")
    with Bmc(h, "admin", "password", privilege="ADMIN") as bmc:
        assert bmc.raw(*SET_USER_NAME, bytes([10]) + b"newadmin".ljust(16, b"\0")) == (0, b"")
    state = sim.wait_state(port, lambda s: s["users"][9]["name"] == "newadmin")  # slot i is user ID i+1
    assert state["users"][8]["name"] == ""


# -- boot flags: every field --------------------------------------------------------------------------

FIELD_VALUES: dict[str, list[Any]] = {
    "persistent": [True], "efi": [True], "cmos_clear": [True], "lock_keyboard": [True],
    "device": [int(d) for d in BootDevice], "screen_blank": [True], "lock_out_reset_button": [True],
    "lock_out_power_button": [True], "firmware_verbosity": [1, 2, 3], "force_progress_event_traps": [True],
    "user_password_bypass": [True], "lock_out_sleep_button": [True], "console_redirection": [1, 2, 3],
    "data4": [0x01, 0x07, 0x08, 0x0F], "device_instance": list(range(0x20)),
}


def test_field_list_covers_boot_flags() -> None:
    assert set(FIELD_VALUES) == set(fields(BootFlags)) - {"valid"}


@pytest.mark.parametrize("field_name", list(FIELD_VALUES))
def test_every_boot_flags_field_round_trips(sim: PyipmiSim, field_name: str) -> None:
    port = sim.port("bootflags")
    with Bmc(host(sim, port), "operator", "operpass", privilege="OPERATOR") as bmc:
        for value in FIELD_VALUES[field_name]:
            flags = replace(BootFlags(valid=True), **{field_name: value})
            bmc.set_boot_flags(flags)
            assert bmc.boot_flags() == flags, value
            wire = flags.encode().hex()
            state = sim.wait_state(port, lambda s, wire=wire: s["boot_options"]["5"] == wire)
            assert (state["boot_options"]["3"], state["boot_options"]["4"][-2:]) == ("1f", "ff")
        bmc.set_boot_flags(BootFlags(valid=True))
        sim.wait_state(port, lambda s: s["boot_options"]["5"] == "8000000000")


@pytest.mark.parametrize("device", list(BootDevice), ids=[d.name for d in BootDevice])
def test_set_boot_device(sim: PyipmiSim, device: BootDevice) -> None:
    port = sim.port("chassis")
    with Bmc(host(sim, port), "admin", "password", privilege="ADMIN", driver="LAN") as bmc:
        bmc.set_boot_device(device.name, persistent=True, efi=True)
        sim.wait_state(port, lambda s: s["boot_options"]["5"] == bytes((0xE0, device << 2, 0, 0, 0)).hex())
        assert bmc.boot_flags() == BootFlags(valid=True, persistent=True, efi=True, device=int(device))


# -- quirk profiles x workaround flags (run concurrently) -------------------------------------------------

OK = "off"  # the stat of a powered-off BMC


@dataclass(frozen=True)
class QuirkCase:
    quirk: str
    flavor: str
    driver: str
    setting: str              # cipher suite ID or 1.5 auth type
    flag: str | None
    expected: Outcome | str   # OK or the outcome of the IpmiError
    note: str = ""            # where this differs from what FreeIPMI prints

    @property
    def id(self) -> str:
        return f"{self.quirk}-{self.flavor}-{self.driver}-{self.setting}-{'W_' + self.flag if self.flag else 'noflag'}"

    @property
    def times_out(self) -> bool:
        return isinstance(self.expected, Outcome) and "timeout" in self.expected.value


def _rmcpplus(quirk: str, flavor: str, suite: int, flagged: bool) -> tuple[Outcome | str, str]:
    if quirk == "opensesspriv-required":
        return (OK if flagged else Outcome.PRIVILEGE_CANNOT_BE_OBTAINED), ""
    if quirk == "zero-session-seq":
        return Outcome.SESSION_TIMEOUT, ""
    if quirk == "supermicro20":
        if suite in (15, 16, 17) and flavor == "ipmipower":
            return Outcome.PASSWORD_INVALID, "ipmipower 1.6.10 aborts: ...authentication_code: No space left on device"
        if flagged:
            return OK, ""
        note = "ipmi-config: ipmi_ctx_open_outofband_2_0: internal error" if suite >= 15 else ""
        return Outcome.PASSWORD_INVALID, note
    if quirk == "sun20":
        return (OK if flagged or suite == 0 else Outcome.PASSWORD_INVALID), ""
    if quirk == "intel20":
        if not flagged:
            return Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, ""
        if suite in (11, 12, 16, 17):
            note = ("ipmi-config: ipmi_ctx_open_outofband_2_0: internal IPMI error"
                    if suite in (11, 12) and flavor == "libfreeipmi" else "")
            return Outcome.K_G_INVALID, note
        return OK, ""
    raise AssertionError(quirk)


def _lan15(quirk: str, flavor: str, auth: str, flagged: bool) -> Outcome | str:
    if quirk in ("unexpectedauth", "forcepermsg") and auth == "NONE":
        return OK
    if quirk == "idzero" and flavor == "libfreeipmi" and not flagged:
        return Outcome.PASSWORD_VERIFICATION_TIMEOUT
    if quirk == "unexpectedauth" and flavor == "libfreeipmi":
        return Outcome.SESSION_TIMEOUT  # as in libfreeipmi, the flag does nothing
    return OK if flagged else Outcome.SESSION_TIMEOUT


def quirk_cases() -> list[QuirkCase]:
    cases = []
    for flavor in FLAVORS:
        for quirk in RMCPPLUS_QUIRKS:
            flag = FLAG.get(quirk)
            for suite in CIPHER_SUITES:
                for flagged in ((False, True) if flag else (False,)):
                    expected, note = _rmcpplus(quirk, flavor, suite, flagged)
                    cases.append(QuirkCase(quirk, flavor, "LAN_2_0", str(suite), flag if flagged else None,
                                           expected, note))
        for quirk in LAN15_QUIRKS:
            for auth in AUTH_TYPES:
                for flagged in (False, True):
                    cases.append(QuirkCase(quirk, flavor, "LAN", auth, FLAG[quirk] if flagged else None,
                                           _lan15(quirk, flavor, auth, flagged)))
        cases.append(QuirkCase("zero-session-seq", flavor, "LAN", "MD5", None, OK))
        cases.append(QuirkCase("endianseq", flavor, "LAN_2_0", "3", None, OK))
        cases.append(QuirkCase("idzero", flavor, "LAN_2_0", "3", None, Outcome.SESSION_TIMEOUT))
        # ipmipower honours idzero in RMCP+ too; the lib (and our libfreeipmi flavor) only for 1.5.
        cases.append(QuirkCase("idzero", flavor, "LAN_2_0", "3", "idzero",
                               OK if flavor == "ipmipower" else Outcome.SESSION_TIMEOUT))
        for driver, setting in (("LAN_2_0", "3"), ("LAN_2_0", "17"), ("LAN", "MD5")):
            cases.append(QuirkCase("lost-close-session", flavor, driver, setting, None, OK))
            cases.append(QuirkCase("slow", flavor, driver, setting, None, OK))
    return cases


QUIRK_CASES = quirk_cases()

def run_case(case: QuirkCase, sim: PyipmiSim) -> tuple[Any, float]:
    port = sim.port(quirk_group(case.quirk, case.flavor, case.flag is not None))
    setting: dict[str, Any] = ({"cipher_suite": int(case.setting)} if case.driver == "LAN_2_0"
                               else {"auth_type": case.setting})
    start = time.monotonic()
    results = run_many([host(sim, port)], "stat", username="admin", password="password", privilege="ADMIN",
                       driver=case.driver, flavor=case.flavor, workarounds=case.flag or "",
                       session_timeout=SHORT_TIMEOUT if case.times_out else LONG_TIMEOUT, **setting)
    return results[host(sim, port)], time.monotonic() - start


@pytest.fixture(scope="module")
def quirk_results(sim: PyipmiSim) -> dict[str, tuple[Any, float]]:
    """Every quirk case, run concurrently; id -> (result, seconds)."""
    slow_first = sorted(QUIRK_CASES, key=lambda c: not (c.times_out or c.quirk == "slow"))
    with ThreadPoolExecutor(max_workers=64) as pool:
        futures = {case.id: pool.submit(run_case, case, sim) for case in slow_first}
        return {case_id: future.result() for case_id, future in futures.items()}


def test_quirk_case_ids_are_unique() -> None:
    assert len({c.id for c in QUIRK_CASES}) == len(QUIRK_CASES)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in QUIRK_CASES])
def test_quirk_matrix(quirk_results: dict[str, tuple[Any, float]], case: QuirkCase) -> None:
    result, seconds = quirk_results[case.id]
    if case.expected == OK:
        assert result == OK, (result, seconds)
    else:
        assert isinstance(result, IpmiError), (result, seconds)
        assert result.outcome is case.expected, (result.outcome, seconds)


def test_lost_close_session_costs_one_retransmission_deadline(quirk_results: dict[str, tuple[Any, float]]) -> None:
    for case in QUIRK_CASES:
        if case.quirk == "lost-close-session":
            seconds = quirk_results[case.id][1]
            low, high = (0.35, 1.5) if case.flavor == "ipmipower" else (0.9, 3.0)
            assert low <= seconds <= high, (case.id, seconds)


def test_quirky_bmcs_powered_nothing(sim: PyipmiSim) -> None:
    for group in sim.groups:
        if group.startswith("q_"):
            state = sim.bmc_state(sim.port(group))
            assert state["chassis"]["power_on"] is False and state["boot_options"]["5"] == "0000000000", group
