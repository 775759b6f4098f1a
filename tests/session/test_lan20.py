"""RMCP+ (IPMI 2.0) sessions against the in-memory BMC: what a user of ipmipower / ipmi-config sees."""

from __future__ import annotations

import pytest

from pyipmi_tools.commands.chassis import ChassisControl, chassis_control
from pyipmi_tools.crypto.suites import ConfAlg, IntegrityAlg, cipher_suite
from pyipmi_tools.session import Flavor, Privilege
from pyipmi_tools.session.events import Stage
from pyipmi_tools.session.timing import Timing

from .fakebmc import STAT_KINDS, FakeBmc, User, command_script, config20, make_job, outcome_text, run

ALL_SUITES = (0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)


def _schedule(start: float, end: float, rto: float = 0.4, backoff: int = 8) -> list[float]:
    """Send times of one request that is never answered: FreeIPMI's retransmission rule."""
    times, t, n = [start], start, 0
    while True:
        t += rto * (1 + n // backoff)
        if t >= end - 1e-9:
            return [round(x, 6) for x in times]
        times.append(t)
        n += 1


# --- happy paths ----------------------------------------------------------------------------

@pytest.mark.parametrize("flavor", list(Flavor))
@pytest.mark.parametrize("suite", ALL_SUITES)
def test_stat_every_cipher_suite_is_exactly_seven_datagrams(suite: int, flavor: Flavor) -> None:
    bmc = FakeBmc()
    job = make_job(config20(suite, flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert job.failure is None
    assert h.kinds() == STAT_KINDS
    assert h.times() == [0.0] * 7
    assert job.session.dropped == {}
    # the in-session packets carry the flags the suite implies, and the BMC verified them
    s = cipher_suite(suite)
    for sent in h.of("set_priv") + h.of("chassis_status") + h.of("close"):
        assert sent.info["encrypted"] is (s.confidentiality is ConfAlg.AES_CBC_128)
        assert sent.info["authenticated"] is (s.integrity is not IntegrityAlg.NONE)
        assert sent.info["valid"]
        assert sent.info["session_id"] == job.session.bmc_sid
    assert [s.info["session_seq"] for s in h.of("set_priv") + h.of("chassis_status") + h.of("close")] == [1, 2, 3]


def test_stat_reports_off() -> None:
    bmc = FakeBmc(power_on=False)
    job = make_job(config20())
    run(job, bmc)
    assert outcome_text(job) == "off"


def test_power_command_changes_bmc_state() -> None:
    bmc = FakeBmc(power_on=False)
    job = make_job(config20(), script=command_script(chassis_control(ChassisControl.POWER_UP)))
    h = run(job, bmc)
    assert job.result == 0 and job.failure is None
    assert bmc.power_on
    assert h.kinds() == STAT_KINDS[:5] + ["chassis_control", "close"]


def test_setup_packet_bytes() -> None:
    """Open Session asks for privilege 0 (highest); RAKP 1 names 0x10|priv and the bare user name."""
    bmc = FakeBmc()
    job = make_job(config20(3, privilege=Privilege.ADMIN))
    h = run(job, bmc)
    open_req = h.of("open_session")[0]
    payload = open_req.data[16:]
    assert open_req.data[4:6] == b"\x06\x10"                    # RMCP+, Open Session Request, unauthenticated
    assert open_req.data[6:14] == bytes(8)                       # session ID 0, sequence 0
    assert payload[1] == 0x00
    assert payload[8:] == bytes.fromhex("0000000801000000" "0100000801000000" "0200000801000000")
    assert open_req.info["console_session_id"] == job.session.console_sid != 0
    rakp1 = h.of("rakp1")[0].info
    assert rakp1["role"] == 0x14
    assert rakp1["username"] == b"admin"
    assert rakp1["bmc_session_id"] == job.session.bmc_sid
    caps = h.of("auth_caps")[0].data
    assert caps[4:13] == bytes(9)                                # IPMI 1.5 framing, auth none, seq 0, ID 0
    assert caps[-3:-1] == bytes((0x8E, int(Privilege.ADMIN)))    # channel 0x0E + "v2.0 data", privilege


def test_ipmipower_tags_and_rq_seq_advance_for_every_packet() -> None:
    bmc = FakeBmc()
    job = make_job(config20())
    h = run(job, bmc)
    tags = [h.of(k)[0].info["tag"] for k in ("open_session", "rakp1", "rakp3")]
    assert tags == [tags[0], (tags[0] + 1) % 256, (tags[0] + 2) % 256]
    first = h.of("auth_caps")[0].info["rq_seq"]
    # ipmipower's requester sequence counter also advances for the three RMCP+ setup packets
    assert [h.of(k)[0].info["rq_seq"] for k in ("set_priv", "chassis_status", "close")] == [
        (first + 4) % 64, (first + 5) % 64, (first + 6) % 64]


# --- wrong credentials and refusals ------------------------------------------------------------

def test_wrong_password_is_password_invalid_after_rakp2() -> None:
    bmc = FakeBmc(users=[User(b"admin", b"secret")])
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "password invalid"
    assert job.failure.stage is Stage.RAKP1
    assert h.kinds() == ["auth_caps", "open_session", "rakp1"]      # no RAKP 3, no Close Session
    assert h.clock.now == 0.0


def test_unknown_user_is_username_invalid() -> None:
    bmc = FakeBmc(users=[User(b"root", b"password")])
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "username invalid"
    assert job.failure.rmcpplus_status == 0x0D
    assert h.kinds() == ["auth_caps", "open_session", "rakp1"]


def test_user_above_its_privilege_is_refused() -> None:
    bmc = FakeBmc(users=[User(b"admin", b"password", max_privilege=2)])
    job = make_job(config20(privilege=Privilege.OPERATOR))
    run(job, bmc)
    assert outcome_text(job) == "privilege level cannot be obtained for this user"


def test_unsupported_cipher_suite() -> None:
    bmc = FakeBmc(supported_suites={3})
    job = make_job(config20(17))
    run(job, bmc)
    assert outcome_text(job) == "cipher suite id unavailable"
    assert job.failure.stage is Stage.OPEN_SESSION


@pytest.mark.parametrize("flavor", list(Flavor))
def test_kg_used_for_the_session_integrity_key(flavor: Flavor) -> None:
    bmc = FakeBmc(kg=b"K" * 20)
    job = make_job(config20(3, k_g=b"K" * 20, flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.kinds() == STAT_KINDS


def test_kg_required_but_not_given() -> None:
    bmc = FakeBmc(kg=b"K" * 20)
    job = make_job(config20(3))
    h = run(job, bmc)
    assert outcome_text(job) == "k_g invalid"
    assert job.failure.stage is Stage.AUTH_CAPS
    assert h.kinds() == ["auth_caps"]


def test_wrong_kg_fails_the_rakp4_check() -> None:
    bmc = FakeBmc(kg=b"K" * 20)
    job = make_job(config20(3, k_g=b"X" * 20))
    h = run(job, bmc)
    assert outcome_text(job) == "k_g invalid"
    assert job.failure.stage is Stage.RAKP3
    assert h.kinds() == ["auth_caps", "open_session", "rakp1", "rakp3"]


def test_all_zero_kg_counts_as_none() -> None:
    bmc = FakeBmc()
    job = make_job(config20(3, k_g=bytes(20)))
    run(job, bmc)
    assert outcome_text(job) == "on"


@pytest.mark.parametrize("knob", [{"ipmi20": False}, {"cc": {"auth_caps": 0xCC}}])
def test_ipmi20_unavailable(knob: dict) -> None:
    bmc = FakeBmc(**knob)
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "ipmi 2.0 unavailable"
    assert h.kinds() == ["auth_caps"]


# --- status codes per flavour -------------------------------------------------------------------

IPMIPOWER_STATUS = {0x01: "BMC busy", 0x0B: "BMC busy", 0x09: "privilege level cannot be obtained for this user",
                    0x0A: "privilege level cannot be obtained for this user", 0x0D: "username invalid",
                    0x11: "cipher suite id unavailable", 0x0F: "BMC error", 0x02: "BMC error", 0x12: "BMC error"}
STAGE_OF = {"open_session": Stage.OPEN_SESSION, "rakp1": Stage.RAKP1, "rakp3": Stage.RAKP3}
SENT_UNTIL = {"open_session": STAT_KINDS[:2], "rakp1": STAT_KINDS[:3], "rakp3": STAT_KINDS[:4]}


@pytest.mark.parametrize("kind", ["open_session", "rakp1", "rakp3"])
@pytest.mark.parametrize("status,text", sorted(IPMIPOWER_STATUS.items()))
def test_ipmipower_maps_rmcpplus_status_alike_at_every_stage(kind: str, status: int, text: str) -> None:
    bmc = FakeBmc(status={kind: status})
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == text
    assert job.failure.stage is STAGE_OF[kind]
    assert job.failure.rmcpplus_status == status
    assert h.kinds() == SENT_UNTIL[kind]          # a setup failure sends no Close Session
    assert h.clock.now == 0.0


LIB_STATUS = {
    "open_session": {0x11: "cipher suite id unavailable", 0x09: "privilege level cannot be obtained for this user",
                     0x01: "BMC busy", 0x0B: "BMC busy", 0x0A: "bad rmcpplus status code",
                     0x0D: "bad rmcpplus status code", 0x0F: "bad rmcpplus status code"},
    "rakp1": {0x0D: "username invalid", 0x0A: "privilege level cannot be obtained for this user",
              0x01: "BMC busy", 0x0B: "BMC busy", 0x09: "bad rmcpplus status code",
              0x11: "bad rmcpplus status code", 0x0F: "bad rmcpplus status code"},
    "rakp3": {0x01: "BMC busy", 0x0B: "BMC busy", 0x0F: "password invalid", 0x0D: "bad rmcpplus status code",
              0x0A: "bad rmcpplus status code", 0x11: "bad rmcpplus status code"},
}


@pytest.mark.parametrize("kind,status,text", [(k, s, t) for k, table in LIB_STATUS.items()
                                              for s, t in sorted(table.items())])
def test_libfreeipmi_maps_rmcpplus_status_per_stage(kind: str, status: int, text: str) -> None:
    bmc = FakeBmc(status={kind: status})
    job = make_job(config20(flavor=Flavor.LIBFREEIPMI))
    h = run(job, bmc)
    assert outcome_text(job) == text
    assert job.failure.stage is STAGE_OF[kind]
    assert h.kinds() == SENT_UNTIL[kind]


@pytest.mark.parametrize("kind", ["open_session", "rakp1", "rakp3"])
def test_libfreeipmi_short_error_reply_is_internal_ipmi_error(kind: str) -> None:
    bmc = FakeBmc(status={kind: 0x01}, short_status_reply=True)
    job = make_job(config20(flavor=Flavor.LIBFREEIPMI))
    run(job, bmc)
    assert outcome_text(job) == "internal IPMI error"


def test_wrong_password_rakp3_refused_by_bmc_is_bmc_error_for_ipmipower() -> None:
    """ipmipower calls RAKP 4 status 0x0F a BMC error (it exits 0); libfreeipmi calls it password invalid."""
    bmc = FakeBmc(status={"rakp3": 0x0F})
    job = make_job(config20())
    run(job, bmc)
    assert outcome_text(job) == "BMC error"


# --- completion codes of in-session commands ------------------------------------------------------

SET_PRIV_CC = {
    Flavor.IPMIPOWER: {0x80: "privilege level cannot be obtained for this user",
                       0x81: "privilege level cannot be obtained for this user",
                       0x82: "privilege level cannot be obtained for this user",
                       0xD4: "BMC error", 0xC1: "BMC error", 0xC0: "BMC error"},
    Flavor.LIBFREEIPMI: {0x80: "privilege level cannot be obtained for this user",
                         0x81: "privilege level cannot be obtained for this user",
                         0x82: "bad completion code", 0xD4: "privilege level insufficient",
                         0xC1: "command invalid or unsupported", 0xC0: "BMC busy", 0xC3: "message timeout"},
}


@pytest.mark.parametrize("flavor,cc,text", [(f, c, t) for f, table in SET_PRIV_CC.items()
                                            for c, t in sorted(table.items())])
def test_set_session_privilege_completion_codes(flavor: Flavor, cc: int, text: str) -> None:
    bmc = FakeBmc(cc={"set_priv": cc})
    job = make_job(config20(flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == text
    assert job.failure.stage is Stage.SET_PRIVILEGE
    assert job.failure.completion_code == cc
    # the session is active, so Close Session is still sent
    assert h.kinds() == ["auth_caps", "open_session", "rakp1", "rakp3", "set_priv", "close"]


def test_command_completion_code_goes_to_the_script_and_close_is_sent() -> None:
    """ipmipower over 2.0 prints nothing for a failed command; the session itself ends cleanly."""
    bmc = FakeBmc(cc={"chassis_status": 0xC1})
    job = make_job(config20())
    h = run(job, bmc)
    assert job.failure is None and job.result is None
    assert h.kinds() == STAT_KINDS


# --- loss, duplicates, reordering ---------------------------------------------------------------

HANDSHAKE_AND_COMMANDS = ["auth_caps", "open_session", "rakp1", "rakp3", "set_priv", "chassis_status"]


@pytest.mark.parametrize("fault", ["drop_request", "drop_reply"])
@pytest.mark.parametrize("kind", HANDSHAKE_AND_COMMANDS)
def test_one_lost_packet_costs_one_retransmission(kind: str, fault: str) -> None:
    bmc = getattr(FakeBmc(), fault)(kind, 1)
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    i = STAT_KINDS.index(kind)
    assert h.kinds() == STAT_KINDS[:i + 1] + STAT_KINDS[i:]
    assert h.times() == [0.0] * (i + 1) + [0.4] * (7 - i)


@pytest.mark.parametrize("kind", HANDSHAKE_AND_COMMANDS)
def test_lost_twice_then_answered(kind: str) -> None:
    bmc = FakeBmc().drop_request(kind, 1, 2)
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert len(h.of(kind)) == 3        # a handshake stage restarts (new Open Session) instead of a 3rd resend
    assert h.clock.now == pytest.approx(0.8)


def test_duplicated_replies_are_dropped_harmlessly() -> None:
    bmc = FakeBmc()
    for kind in HANDSHAKE_AND_COMMANDS + ["close"]:
        bmc.duplicate_reply(kind)
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.kinds() == STAT_KINDS
    assert sum(job.session.dropped.values()) >= 5
    assert job.session.dropped.get("sequence number", 0) == 2   # duplicate Set Priv and Chassis Status replies


def test_reordered_reply_arrives_after_the_retry_was_answered() -> None:
    bmc = FakeBmc(latency=0.1).delay_reply("open_session", 0.75, 1)    # arrives at 0.95, during Set Priv
    lines: list[str] = []
    job = make_job(config20(), trace=lines.append)
    h = run(job, bmc)
    assert h.times() == [0.0, 0.1, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert outcome_text(job) == "on"
    assert h.kinds() == ["auth_caps", "open_session", "open_session", "rakp1", "rakp3", "set_priv",
                         "chassis_status", "close"]
    assert job.session.dropped == {"payload type mismatch": 1}


@pytest.mark.parametrize("kind,reason", [("auth_caps", "rq_seq mismatch"),
                                         ("open_session", "message tag mismatch"),
                                         ("rakp1", "message tag mismatch"),
                                         ("rakp3", "message tag mismatch"),
                                         ("set_priv", "rq_seq mismatch"),
                                         ("chassis_status", "rq_seq mismatch")])
def test_stale_reply_to_an_earlier_send_is_dropped(kind: str, reason: str) -> None:
    """The reply to send 1 arrives after send 2 went out (and send 2's reply was lost)."""
    bmc = FakeBmc().delay_reply(kind, 0.5, 1).drop_reply(kind, 2)
    lines: list[str] = []
    job = make_job(config20(restart_handshake=False), trace=lines.append)
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert job.session.dropped == {reason: 1}
    assert [round(s.time, 6) for s in h.of(kind)] == [0.0, 0.4, 0.8]
    assert any("stale reply to an earlier send" in line for line in lines)


def test_corrupted_reply_is_dropped_and_the_request_resent() -> None:
    bmc = FakeBmc().corrupt_reply("chassis_status", -1, 1)
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert job.session.dropped == {"integrity check failed": 1}
    assert len(h.of("chassis_status")) == 2


def test_reply_from_another_address_is_dropped_by_ipmipower_only() -> None:
    bmc = FakeBmc(source_ip="192.0.2.99")
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "connection timeout"
    assert job.session.dropped == {"source address": len(h.of("auth_caps"))}
    bmc = FakeBmc(source_ip="192.0.2.99")
    job = make_job(config20(flavor=Flavor.LIBFREEIPMI))
    run(job, bmc)
    assert outcome_text(job) == "on"


# --- every retransmission is a new packet ------------------------------------------------------

def test_open_session_resend_keeps_console_id_and_advances_tag() -> None:
    bmc = FakeBmc().drop_request("open_session", 1)
    job = make_job(config20())
    h = run(job, bmc)
    first, second = (s.info for s in h.of("open_session"))
    assert first["console_session_id"] == second["console_session_id"]
    assert second["tag"] == (first["tag"] + 1) % 256
    assert h.of("rakp1")[0].info["tag"] == (first["tag"] + 2) % 256


def test_rakp1_resend_keeps_rm_and_advances_tag() -> None:
    bmc = FakeBmc().drop_request("rakp1", 1)
    job = make_job(config20())
    h = run(job, bmc)
    first, second = (s.info for s in h.of("rakp1"))
    assert first["console_random"] == second["console_random"]
    assert second["tag"] == (first["tag"] + 1) % 256
    assert outcome_text(job) == "on"


def test_rakp3_resend_advances_tag() -> None:
    bmc = FakeBmc().drop_request("rakp3", 1)
    job = make_job(config20())
    h = run(job, bmc)
    first, second = (s.info for s in h.of("rakp3"))
    assert second["tag"] == (first["tag"] + 1) % 256
    assert first["authcode"] == second["authcode"]


@pytest.mark.parametrize("flavor", list(Flavor))
def test_session_resend_has_new_sequence_number_and_rq_seq(flavor: Flavor) -> None:
    bmc = FakeBmc().drop_request("set_priv", 1).drop_reply("set_priv", 2)
    job = make_job(config20(flavor=flavor))
    h = run(job, bmc)
    sends = h.of("set_priv")
    assert [s.info["session_seq"] for s in sends] == [1, 2, 3]
    rq = [s.info["rq_seq"] for s in sends]
    assert rq[1] == (rq[0] + 1) % 64 and rq[2] == (rq[1] + 1) % 64
    assert len({s.data for s in sends}) == 3
    assert h.of("chassis_status")[0].info["session_seq"] == 4


# --- what gets a reply dropped -------------------------------------------------------------------

def test_sequence_number_zero_on_every_reply_is_a_session_timeout() -> None:
    lines: list[str] = []
    bmc = FakeBmc(seq_zero=True)
    job = make_job(config20(), trace=lines.append)
    h = run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert job.failure.stage is Stage.SET_PRIVILEGE
    assert h.clock.now == pytest.approx(20.0)
    assert h.times("set_priv") == _schedule(0.0, 20.0)
    assert job.session.dropped == {"sequence number": len(h.of("set_priv"))}
    assert any("session sequence number 0 outside window" in line for line in lines)
    assert any("datagrams dropped meanwhile" in line and "sequence number" in line for line in lines)
    assert "close" not in h.kinds()


def test_wrong_integrity_authcode_is_dropped() -> None:
    lines: list[str] = []
    bmc = FakeBmc(bad_integrity=True)
    job = make_job(config20(), trace=lines.append)
    h = run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert list(job.session.dropped) == ["integrity check failed"]
    assert any("integrity check failed" in line for line in lines)
    assert h.clock.now == pytest.approx(20.0)


@pytest.mark.parametrize("where,stage", [("session", Stage.SET_PRIVILEGE), ("setup", Stage.OPEN_SESSION)])
def test_wrong_session_id_is_dropped(where: str, stage: Stage) -> None:
    lines: list[str] = []
    bmc = FakeBmc(wrong_session_id=where)
    job = make_job(config20(), trace=lines.append)
    run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert job.failure.stage is stage
    assert list(job.session.dropped) == ["session ID mismatch"]
    assert any("session ID" in line and "was expected" in line for line in lines)


def test_open_session_reply_naming_other_algorithms_carries_on() -> None:
    lines: list[str] = []
    bmc = FakeBmc(open_session_algs=(1, 1, 1))
    job = make_job(config20(16), trace=lines.append)
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.kinds() == STAT_KINDS
    assert any("carrying on with the proposed ones" in line for line in lines)
    assert h.of("set_priv")[0].info["valid"]


def test_open_session_max_privilege_below_request() -> None:
    bmc = FakeBmc(open_session_priv=2)
    job = make_job(config20(privilege=Privilege.OPERATOR))
    h = run(job, bmc)
    assert outcome_text(job) == "privilege level cannot be obtained for this user"
    assert h.kinds() == ["auth_caps", "open_session"]


def test_open_session_max_privilege_oem_is_accepted() -> None:
    bmc = FakeBmc(open_session_priv=5)
    job = make_job(config20(privilege=Privilege.ADMIN))
    run(job, bmc)
    assert outcome_text(job) == "on"


# --- timeouts by stage ---------------------------------------------------------------------------

@pytest.mark.parametrize("silent,stage,text", [
    ("auth_caps", Stage.AUTH_CAPS, "connection timeout"),
    ("open_session", Stage.OPEN_SESSION, "session timeout"),
    ("rakp1", Stage.RAKP1, "session timeout"),
    ("rakp3", Stage.RAKP3, "session timeout"),
    ("set_priv", Stage.SET_PRIVILEGE, "session timeout"),
    ("chassis_status", Stage.COMMAND, "session timeout"),
])
@pytest.mark.parametrize("flavor", list(Flavor))
def test_timeout_message_depends_on_the_stage(silent: str, stage: Stage, text: str, flavor: Flavor) -> None:
    bmc = FakeBmc().drop_request(silent)
    job = make_job(config20(flavor=flavor, restart_handshake=False))
    h = run(job, bmc)
    assert outcome_text(job) == text
    assert job.failure.stage is stage
    assert h.clock.now == pytest.approx(20.0)
    assert "close" not in h.kinds()


@pytest.mark.parametrize("flavor,wait", [(Flavor.IPMIPOWER, 0.4), (Flavor.LIBFREEIPMI, 1.0)])
def test_unanswered_close_session_finishes_quietly_and_is_never_resent(flavor: Flavor, wait: float) -> None:
    bmc = FakeBmc().drop_request("close")
    job = make_job(config20(flavor=flavor))
    h = run(job, bmc)
    assert job.failure is None and outcome_text(job) == "on"
    assert h.kinds() == STAT_KINDS
    assert h.clock.now == pytest.approx(wait)
    assert job.session.done


# --- the deliberate improvement: restart a handshake the BMC has moved past ---------------------

def test_lost_rakp4_bmc_moved_on_restarts_with_new_console_session_id() -> None:
    lines: list[str] = []
    bmc = FakeBmc(moves_on=True).drop_reply("rakp3", 1)
    job = make_job(config20(), trace=lines.append)
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.kinds() == ["auth_caps", "open_session", "rakp1", "rakp3", "rakp3",
                         "open_session", "rakp1", "rakp3", "set_priv", "chassis_status", "close"]
    assert h.times() == [0.0] * 4 + [0.4] + [0.8] * 6
    first, second = (s.info["console_session_id"] for s in h.of("open_session"))
    assert first != second and second == job.session.console_sid
    rm1, rm2 = (s.info["console_random"] for s in h.of("rakp1"))
    assert rm1 != rm2
    assert any("restarting the handshake with a new console session ID" in line for line in lines)


def test_lost_rakp4_bmc_moved_on_without_restart_is_a_session_timeout_like_freeipmi() -> None:
    bmc = FakeBmc(moves_on=True).drop_reply("rakp3", 1)
    job = make_job(config20(restart_handshake=False))
    h = run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert job.failure.stage is Stage.RAKP3
    assert h.times("rakp3") == _schedule(0.0, 20.0)
    assert h.kinds().count("open_session") == 1


@pytest.mark.parametrize("kind", ["open_session", "rakp1"])
def test_lost_setup_reply_bmc_moved_on_restarts(kind: str) -> None:
    bmc = FakeBmc(moves_on=True).drop_reply(kind, 1)
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.clock.now == pytest.approx(0.8)
    ids = [s.info["console_session_id"] for s in h.of("open_session")]
    assert len(set(ids)) == 2 and ids[-1] == job.session.console_sid

    bmc = FakeBmc(moves_on=True).drop_reply(kind, 1)
    job = make_job(config20(restart_handshake=False))
    run(job, bmc)
    assert outcome_text(job) == "session timeout"


@pytest.mark.parametrize("silent", ["open_session", "rakp1", "rakp3"])
def test_restarts_do_not_change_the_ipmipower_deadline(silent: str) -> None:
    bmc = FakeBmc().drop_request(silent)
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert h.clock.now == pytest.approx(20.0)
    assert len({s.info["console_session_id"] for s in h.of("open_session")}) == 4   # 1 + 3 restarts


def test_restart_recovers_within_the_deadline_for_libfreeipmi_too() -> None:
    bmc = FakeBmc(moves_on=True).drop_reply("rakp3", 1)
    job = make_job(config20(flavor=Flavor.LIBFREEIPMI))
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.clock.now == pytest.approx(2.0)        # resend at 1 s, restart at 2 s


def test_restart_gives_up_after_a_few_attempts_and_times_out() -> None:
    bmc = FakeBmc().drop_request("open_session")
    job = make_job(config20())
    h = run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert len({s.info["console_session_id"] for s in h.of("open_session")}) == 4   # 1 + 3 restarts
    assert h.times("open_session") == _schedule(0.0, 20.0)


def test_custom_timing_is_used() -> None:
    bmc = FakeBmc(alive=False)
    job = make_job(config20(timing=Timing(2.0, 0.5, 2)))
    h = run(job, bmc)
    assert h.times() == [0.0, 0.5, 1.0]
    assert outcome_text(job) == "connection timeout"
    assert h.clock.now == pytest.approx(2.0)
