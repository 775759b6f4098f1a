"""The per-host scripts against the in-memory simulated BMC, on a fake clock."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

import pytest

from pyipmi_tools.cli.cvalues import strtol
from pyipmi_tools.ipmipower import operations as ops
from pyipmi_tools.ipmipower import options as checks
from pyipmi_tools.ipmipower.operations import Connection, HostRun, Plan
from pyipmi_tools.ipmipower.options import PowerCmd, Settings
from pyipmi_tools.ipmipower.output import Fatal
from pyipmi_tools.outcomes import Outcome
from pyipmi_tools.sim.state import PendingTransition
from pyipmi_tools.wire.message import decode_request
from pyipmi_tools.workarounds import parse_workarounds
from tests.sim.bmc_harness import BMC_IP, SimHarness, make_bmc

CONN = Connection("bmc1", (BMC_IP, 623), 2, [])


def settings(driver: str = "lan_2_0", **kw) -> Settings:
    s = Settings(driver=driver, username=b"admin", password=b"password", hostname="bmc1",
                 workarounds=parse_workarounds("opensesspriv"))
    for key, value in kw.items():
        setattr(s, key, value)
    return s


def run(cmd: PowerCmd, bmc=None, conn: Connection = CONN, extra: str | None = None, **kw):
    """Run one host's job; return (printed outcome, job, harness)."""
    bmc = bmc or make_bmc()
    s = settings(**kw)
    results: list[Outcome | None] = []
    job = ops.JobMaker(s, cmd, lambda j: results.append(ops.job_outcome(j, s.lan20)), None).make(conn, extra)
    job.session.rng = random.Random(3)
    harness = SimHarness(job, bmc).run()
    assert job.done
    assert len(results) == 1
    return results[0], job, harness


def sent_commands(harness: SimHarness) -> list[int]:
    """Command bytes of the in-session requests the client sent (IPMI 1.5 framing only)."""
    cmds = []
    for data in harness.wire.to_bmc():
        if len(data) > 30 and data[4] == 0x02:  # auth type MD5 1.5 packets carry a 16-byte authcode
            message = data[4 + 1 + 4 + 4 + 16 + 1:]
            cmds.append(decode_request(message).cmd)
    return cmds


@pytest.mark.parametrize("driver", ["lan", "lan_2_0"])
def test_stat_reports_power_state(driver: str) -> None:
    bmc = make_bmc()
    assert run(PowerCmd.STAT, bmc, driver=driver)[0] is Outcome.OFF
    bmc.state.chassis.power_on = True
    assert run(PowerCmd.STAT, bmc, driver=driver)[0] is Outcome.ON


def test_stat_is_seven_datagrams_over_rmcpplus() -> None:
    _, _, harness = run(PowerCmd.STAT)
    assert len(harness.wire.to_bmc()) == 7


@pytest.mark.parametrize("cmd, power_after", [(PowerCmd.ON, True), (PowerCmd.OFF, False)])
def test_on_off_change_the_chassis(cmd: PowerCmd, power_after: bool) -> None:
    bmc = make_bmc()
    bmc.state.chassis.power_on = not power_after
    outcome, _, _ = run(cmd, bmc)
    assert outcome is Outcome.OK
    assert bmc.state.chassis.power_on is power_after


def test_cycle_on_if_off_powers_an_off_host_on() -> None:
    bmc = make_bmc()
    outcome, _, _ = run(PowerCmd.CYCLE, bmc, on_if_off=True)
    assert outcome is Outcome.OK
    assert bmc.state.chassis.power_on


def test_cycle_on_if_off_cycles_a_host_that_is_on() -> None:
    bmc = make_bmc()
    bmc.state.chassis.power_on = True
    outcome, _, _ = run(PowerCmd.CYCLE, bmc, on_if_off=True)
    assert outcome is Outcome.OK
    assert bmc.state.chassis.pending is not None or bmc.state.chassis.power_on


def test_cycle_of_an_off_host_is_silent_over_rmcpplus_and_bmc_error_over_lan() -> None:
    # the simulator answers 0xD5 (not supported in present state) to a cycle of an off host
    assert run(PowerCmd.CYCLE, make_bmc())[0] is None
    assert run(PowerCmd.CYCLE, make_bmc(), driver="lan")[0] is Outcome.OPERATION_INVALID


def test_reset_skips_close_session() -> None:
    bmc = make_bmc()
    bmc.state.chassis.power_on = True
    outcome, _, harness = run(PowerCmd.RESET, bmc, driver="lan")
    assert outcome is Outcome.OK
    cmds = sent_commands(harness)
    assert 0x02 in cmds and 0x3C not in cmds
    _, _, harness = run(PowerCmd.OFF, bmc, driver="lan")
    assert sent_commands(harness)[-1] == 0x3C


def test_identify_status_follows_identify_on_and_off() -> None:
    bmc = make_bmc()
    assert run(PowerCmd.IDENTIFY_STATUS, bmc)[0] is Outcome.OFF
    assert run(PowerCmd.IDENTIFY_ON, bmc)[0] is Outcome.OK
    assert run(PowerCmd.IDENTIFY_STATUS, bmc)[0] is Outcome.ON
    assert run(PowerCmd.IDENTIFY_OFF, bmc)[0] is Outcome.OK
    assert run(PowerCmd.IDENTIFY_STATUS, bmc)[0] is Outcome.OFF
    bmc.state.chassis.identify_supported = False
    assert run(PowerCmd.IDENTIFY_STATUS, bmc)[0] is Outcome.UNKNOWN


@dataclass
class SlowPowerOn:
    """Wraps a simulated BMC: a power-on takes effect ``delay`` seconds after it is asked."""

    bmc: object
    delay: float
    done: bool = False
    state: object = field(init=False)

    def __post_init__(self) -> None:
        self.state = self.bmc.state

    def receive(self, datagram: bytes, now: float) -> list[bytes]:
        was_on = self.state.chassis.power_on
        replies = self.bmc.receive(datagram, now)
        if not was_on and self.state.chassis.power_on and not self.done:
            self.done = True
            self.state.chassis.power_on = False
            if self.delay is not None:
                self.state.chassis.pending = PendingTransition("on", now + self.delay)
        return replies

    def next_deadline(self):
        return self.bmc.next_deadline()

    def handle_timer(self, now: float) -> None:
        self.bmc.handle_timer(now)


def test_wait_until_on_polls_every_wait_timeout_until_on() -> None:
    bmc = SlowPowerOn(make_bmc(), 2.2)
    outcome, _, harness = run(PowerCmd.ON, bmc, wait_until_on=True)
    assert outcome is Outcome.OK
    assert bmc.state.chassis.power_on
    # 7 setup/close datagrams, Chassis Control, and Get Chassis Status at 0, 0.5, ... 2.5 s
    sends = [t for t, way, _ in harness.wire.log if way == ">"]
    polls = sends[5:-1]
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(polls[1:])]
    assert gaps and all(gap == 0.5 for gap in gaps)


def test_wait_until_on_without_power_is_a_session_timeout() -> None:
    bmc = SlowPowerOn(make_bmc(), None)
    outcome, _, _ = run(PowerCmd.ON, bmc, wait_until_on=True, session_timeout=3000)
    assert outcome is Outcome.SESSION_TIMEOUT


def test_wait_flags_do_not_apply_to_other_commands() -> None:
    bmc = SlowPowerOn(make_bmc(), None)
    assert run(PowerCmd.ON, bmc, wait_until_off=True)[0] is Outcome.OK


def test_wrong_password_and_user() -> None:
    assert run(PowerCmd.STAT, password=b"wrong")[0] is Outcome.PASSWORD_INVALID
    assert run(PowerCmd.STAT, username=b"nobody")[0] is Outcome.USERNAME_INVALID
    assert run(PowerCmd.STAT, driver="lan", password=b"wrong", session_timeout=2000)[0] \
        is Outcome.PASSWORD_VERIFICATION_TIMEOUT


def test_user_privilege_set_session_privilege_failure() -> None:
    # admin asking for more than the channel allows is refused in Set Session Privilege
    bmc = make_bmc()
    bmc.state.channel_settings(1).privilege_limit = 3
    outcome, _, _ = run(PowerCmd.STAT, bmc, driver="lan", privilege=4)
    assert outcome in (Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, Outcome.BMC_ERROR)


def test_c410x_slot_sensor_reading_and_power_control() -> None:
    replies = iter([bytes((0x00, 0x40, 0x00))])
    plan = Plan(PowerCmd.ON)
    script = ops.c410x_script(plan, 3)
    request = next(script).request
    assert request.spec.netfn == 0x04 and request.data == bytes((0x52,))

    class Reply:
        def __init__(self, data: bytes, cc: int = 0) -> None:
            self.data, self.completion_code = data, cc

    control = script.send(Reply(next(replies))).request
    assert control.spec.netfn == 0x30 and control.spec.cmd == 0xF0 and control.data == b"\x04\x00"
    with pytest.raises(StopIteration) as stop:
        script.send(Reply(b""))
    assert stop.value.value is Outcome.OK


def test_c410x_unavailable_reading_is_bmc_error() -> None:
    script = ops.c410x_script(Plan(PowerCmd.STAT), 1)
    next(script)

    class Reply:
        data, completion_code = bytes((0x00, 0x60, 0x00)), 0

    with pytest.raises(StopIteration) as stop:
        script.send(Reply())
    assert stop.value.value is Outcome.BMC_ERROR


@pytest.mark.parametrize("text, slot, message", [
    (None, None, "slot number must be specified for oem power type 'C410x'"),
    ("x", None, "slot number 'x' for oem power type 'C410x' invalid"),
    ("17", None, "slot number '17' for oem power type 'C410x' out of range"),
    ("0", None, "slot number '0' for oem power type 'C410x' out of range"),
    ("", None, "slot number '' for oem power type 'C410x' out of range"),
    ("0x10", 16, None),
    ("010", 8, None),
    ("4294967297", 1, None),
])
def test_c410x_slot_checks(text, slot, message) -> None:
    assert checks.c410x_slot(text) == slot
    assert checks.c410x_extra_arg_error(text) == message


def test_privilege_messages() -> None:
    assert checks.privilege_error(PowerCmd.ON, True) == "'on' requires atleast operator privilege"
    assert checks.privilege_error(PowerCmd.PULSE, True) == "'diagnostic interrupt' requires atleast operator privilege"
    assert checks.privilege_error(PowerCmd.SOFT, True) == "'soft shutdown os' requires atleast operator privilege"
    assert checks.privilege_error(PowerCmd.STAT, True) is None
    assert checks.privilege_error(PowerCmd.ON, False) is None
    assert checks.c410x_error(PowerCmd.CYCLE, False) == "'cycle' operation not supported by oem power type 'C410x'"
    assert checks.c410x_error(PowerCmd.ON, True) == "'on' requires admin privilege for oem power type 'C410x'"
    assert checks.c410x_error(PowerCmd.STAT, True) is None


def test_in_band_driver_from_config_file_is_fatal_after_activate() -> None:
    bmc = make_bmc()
    s = settings(driver="kcs")
    job = ops.JobMaker(s, PowerCmd.STAT, None, None).make(CONN, None)
    with pytest.raises(Fatal) as fatal:
        SimHarness(job, bmc).run()
    assert fatal.value.message == "host = bmc1; p = 3; invalid logic"


def test_host_run_runs_jobs_one_after_another() -> None:
    bmc = make_bmc()
    s = settings()
    results = []
    make = ops.JobMaker(s, PowerCmd.STAT, lambda j: results.append(j.extra), None).make
    jobs = [make(CONN, str(n)) for n in (1, 2)]
    run_ = HostRun(jobs)
    SimHarness(run_, bmc).run()
    assert run_.done and results == ["1", "2"]


@pytest.mark.parametrize("text, base, expected", [
    ("10", 10, (10, False, True)), (" -7", 10, (-7, False, True)), ("", 10, (0, False, True)),
    ("x", 10, (0, False, False)), ("12x", 10, (12, False, False)), ("0x1f", 0, (31, False, True)),
    ("0x", 0, (0, False, False)), ("017", 0, (15, False, True)), ("99999999999999999999", 10,
                                                                   ((1 << 63) - 1, True, True)),
])
def test_c_strtol(text: str, base: int, expected: tuple) -> None:
    value, rest, overflow = strtol(text, base)
    assert (value, overflow, not rest) == expected


def test_an_over_long_reply_is_treated_as_lost() -> None:
    """ipmi_sim answers Chassis Identify with junk data; FreeIPMI's checksum check drops it."""

    class Reply:
        def __init__(self, data: bytes) -> None:
            self.data, self.completion_code = data, 0

    script = ops.power_script(Plan(PowerCmd.IDENTIFY_ON, lan20=True))
    first = next(script)
    assert first.request.data == b"\xff\x01" and not first.poll
    again = script.send(Reply(bytes(35)))
    assert again.resend and not again.poll and again.request.data == b"\xff\x01"
    with pytest.raises(StopIteration) as stop:
        script.send(Reply(b""))
    assert stop.value.value is Outcome.OK


def test_build_connections_looks_each_name_up_once(monkeypatch) -> None:
    from pyipmi_tools import transport

    looked_up: list[tuple[str, int]] = []
    real = transport.resolve

    def counting(name: str, port: int):
        looked_up.append((name, port))
        return real(name, port)

    monkeypatch.setattr(transport, "resolve", counting)
    invalid: list[str] = []
    conns = ops.build_connections("127.0.0.1:[23000-23003],127.0.0.1,[::1]:700,[::1]:701", False,
                                  invalid.append)
    assert invalid == [] and [name for name, _port in looked_up] == ["127.0.0.1", "::1"]
    assert [(c.hostname, c.address[:2]) for c in conns] == [
        ("127.0.0.1", ("127.0.0.1", 623)), ("127.0.0.1", ("127.0.0.1", 23000)),
        ("127.0.0.1", ("127.0.0.1", 23001)), ("127.0.0.1", ("127.0.0.1", 23002)),
        ("127.0.0.1", ("127.0.0.1", 23003)), ("::1", ("::1", 700)), ("::1", ("::1", 701))]
    assert [c.address for c in conns[-2:]] == [real("::1", 700)[1], real("::1", 701)[1]]


def test_build_connections_reports_every_occurrence_of_an_unknown_name(monkeypatch) -> None:
    from pyipmi_tools import transport

    calls: list[str] = []

    def unknown(name: str, port: int):
        calls.append(name)
        raise transport.HostResolutionError(-2, "Name or service not known")

    monkeypatch.setattr(transport, "resolve", unknown)
    invalid: list[str] = []
    with pytest.raises(ops.HostsFailed):
        ops.build_connections("nosuch.invalid:[1-3]", False, invalid.append)
    assert (calls, invalid) == (["nosuch.invalid"], ["nosuch.invalid"] * 3)
