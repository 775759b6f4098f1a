"""IPMI 1.5 sessions against the in-memory BMC: what a user of ipmipower / ipmi-config sees."""

from __future__ import annotations

import pytest

from pyipmi_tools.commands.app import decode_activate_session
from pyipmi_tools.crypto.authcode15 import AuthType, authcode15
from pyipmi_tools.wire.lan15 import decode_packet15
from pyipmi_tools.wire.message import decode_response
from pyipmi_tools.session import Flavor, Privilege
from pyipmi_tools.session.events import Stage

from .fakebmc import (PASSWORD, STAT_KINDS_15, FakeBmc, User, config15, make_job, outcome_text, run)

AUTH_TYPES = list(AuthType)
# byte offsets in an IPMI 1.5 datagram: RMCP (4) | auth type | seq (4) | session ID (4) | authcode (16) | length
AUTH, SEQ, SID, CODE = 4, slice(5, 9), slice(9, 13), slice(13, 29)


def _seq(data: bytes) -> int:
    return int.from_bytes(data[SEQ], "little")


def _sid(data: bytes) -> int:
    return int.from_bytes(data[SID], "little")


# --- happy paths ----------------------------------------------------------------------------

@pytest.mark.parametrize("flavor", list(Flavor))
@pytest.mark.parametrize("auth", AUTH_TYPES, ids=[a.name for a in AUTH_TYPES])
def test_stat_every_auth_type(auth: AuthType, flavor: Flavor) -> None:
    bmc = FakeBmc()
    job = make_job(config15(auth, flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert job.failure is None
    assert h.kinds() == STAT_KINDS_15
    assert h.times() == [0.0] * 6
    assert job.session.dropped == {}
    activate = h.of("activate")[0]
    assert activate.data[AUTH] == int(auth)
    assert _seq(activate.data) == 0
    assert _sid(activate.data) in {s.temp_id for s in bmc.sessions15.values()}
    # per-message authentication is on: every session packet carries the auth type and its authcode
    session = job.session
    for sent in h.of("set_priv") + h.of("chassis_status") + h.of("close"):
        assert sent.data[AUTH] == int(auth)
        assert _sid(sent.data) == session.session_id
        if auth is not AuthType.NONE:
            message = sent.data[30:]
            assert sent.data[CODE] == authcode15(auth, PASSWORD, session.session_id, message, _seq(sent.data))


def test_activate_session_bytes_ipmipower_and_lib() -> None:
    """ipmipower asks the BMC to start its outbound numbers at 1; libfreeipmi picks a random number."""
    bmc = FakeBmc()
    job = make_job(config15(AuthType.MD5, privilege=Privilege.ADMIN))
    h = run(job, bmc)
    data = h.of("activate")[0].info["data"]
    assert data[0] == int(AuthType.MD5) and data[1] == int(Privilege.ADMIN)
    assert int.from_bytes(data[18:22], "little") == 1
    bmc = FakeBmc()
    job = make_job(config15(AuthType.MD5, flavor=Flavor.LIBFREEIPMI), seed=5)
    h = run(job, bmc)
    assert int.from_bytes(h.of("activate")[0].info["data"][18:22], "little") not in (0, 1)


def test_challenge_names_the_user_padded() -> None:
    bmc = FakeBmc()
    job = make_job(config15(AuthType.MD2))
    h = run(job, bmc)
    assert h.of("challenge")[0].info["data"] == bytes((int(AuthType.MD2),)) + b"admin".ljust(16, b"\0")
    caps = h.of("auth_caps")[0].data
    assert caps[-3:-1] == bytes((0x0E, int(Privilege.OPERATOR)))   # no "v2.0 data" bit for 1.5


@pytest.mark.parametrize("flavor", list(Flavor))
def test_session_sequence_numbers_start_at_the_bmc_initial_and_count_resends(flavor: Flavor) -> None:
    bmc = FakeBmc().drop_request("set_priv", 1).drop_reply("chassis_status", 1)
    job = make_job(config15(flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    inbound = bmc.sessions15[job.session.session_id]
    reply = decode_response(decode_packet15(h.delivered[2].data).message)
    start = decode_activate_session(reply.data).initial_inbound_seq
    seqs = [_seq(s.data) for s in h.of("set_priv") + h.of("chassis_status") + h.of("close")]
    assert seqs == [start, start + 1, start + 2, start + 3, start + 4]
    rq = [s.info["rq_seq"] for s in h.of("set_priv")]
    assert rq[1] == (rq[0] + 1) % 64
    assert inbound.active is False     # closed


def test_per_message_auth_disabled_sends_auth_none() -> None:
    bmc = FakeBmc(per_msg_auth_disabled=True)
    job = make_job(config15(AuthType.MD5))
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.of("activate")[0].data[AUTH] == int(AuthType.MD5)
    for sent in h.of("set_priv") + h.of("chassis_status") + h.of("close"):
        assert sent.data[AUTH] == 0
        assert len(sent.data) == 14 + sent.data[13]     # no authcode field


def test_bmc_that_activates_with_an_auth_type_despite_permsg_disabled_gets_permsg() -> None:
    """Supermicro H8QME: Auth Caps says per-message auth is off, Activate Session says MD5."""
    lines: list[str] = []
    bmc = FakeBmc(per_msg_auth_disabled=True, permsg_actual=True, activate_auth_type=int(AuthType.MD5))
    job = make_job(config15(AuthType.MD5), trace=lines.append)
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert all(s.data[AUTH] == int(AuthType.MD5) for s in h.of("set_priv"))
    assert any("using it" in line for line in lines)


def test_activate_reply_auth_type_mismatch_is_bmc_error_for_ipmipower() -> None:
    bmc = FakeBmc(activate_auth_type=int(AuthType.NONE))
    job = make_job(config15(AuthType.MD5))
    h = run(job, bmc)
    assert outcome_text(job) == "BMC error"
    assert job.failure.stage is Stage.ACTIVATE_SESSION
    assert h.kinds() == ["auth_caps", "challenge", "activate"]


# --- refusals and mappings ---------------------------------------------------------------------

@pytest.mark.parametrize("auth", [AuthType.MD2, AuthType.MD5, AuthType.STRAIGHT_PASSWORD],
                         ids=lambda a: a.name)
@pytest.mark.parametrize("flavor", list(Flavor))
def test_wrong_password_is_password_verification_timeout(auth: AuthType, flavor: Flavor) -> None:
    bmc = FakeBmc(users=[User(b"admin", b"secret")])
    job = make_job(config15(auth, flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == "password verification timeout"
    assert job.failure.stage is Stage.ACTIVATE_SESSION
    assert h.clock.now == pytest.approx(20.0)
    assert set(h.kinds()[3:]) == {"activate"} and len(h.of("activate")) > 1
    assert all(a.ignored for a in bmc.sent("activate"))
    rq = [s.info["rq_seq"] for s in h.of("activate")]
    assert all((b - a) % 64 == 1 for a, b in zip(rq, rq[1:]))       # every resend is a new request


def test_unknown_user_is_username_invalid() -> None:
    bmc = FakeBmc(users=[User(b"root", PASSWORD)])
    job = make_job(config15())
    h = run(job, bmc)
    assert outcome_text(job) == "username invalid"
    assert job.failure.stage is Stage.SESSION_CHALLENGE
    assert h.kinds() == ["auth_caps", "challenge"]


@pytest.mark.parametrize("kind,cc,text", [
    ("challenge", 0x81, "username invalid"), ("challenge", 0x82, "username invalid"),
    ("challenge", 0xC1, "BMC error"),
    ("activate", 0x81, "BMC busy"), ("activate", 0x82, "BMC busy"), ("activate", 0x83, "BMC busy"),
    ("activate", 0x86, "privilege level cannot be obtained for this user"),
    ("activate", 0xD4, "privilege level cannot be obtained for this user"),
    ("activate", 0x84, "BMC error"),
    ("auth_caps", 0xC1, "BMC error"),
    ("set_priv", 0x80, "privilege level cannot be obtained for this user"),
    ("set_priv", 0x81, "privilege level cannot be obtained for this user"),
    ("set_priv", 0x82, "privilege level cannot be obtained for this user"),
    ("set_priv", 0xD4, "BMC error"),
])
def test_ipmipower_completion_code_mapping(kind: str, cc: int, text: str) -> None:
    bmc = FakeBmc(cc={kind: cc})
    job = make_job(config15())
    h = run(job, bmc)
    assert outcome_text(job) == text
    assert job.failure.completion_code == cc
    assert h.kinds()[-1] == ("close" if kind == "set_priv" else kind)


@pytest.mark.parametrize("cc,text", [(0x80, "privilege level cannot be obtained for this user"),
                                     (0x81, "privilege level cannot be obtained for this user"),
                                     (0x82, "bad completion code"), (0xD4, "privilege level insufficient"),
                                     (0xC1, "command invalid or unsupported")])
def test_libfreeipmi_set_privilege_mapping_and_close_is_still_sent(cc: int, text: str) -> None:
    bmc = FakeBmc(cc={"set_priv": cc})
    job = make_job(config15(flavor=Flavor.LIBFREEIPMI))
    h = run(job, bmc)
    assert outcome_text(job) == text
    assert h.kinds() == ["auth_caps", "challenge", "activate", "set_priv", "close"]


def test_auth_type_not_offered() -> None:
    bmc = FakeBmc(auth_types=0x04)      # MD5 only
    job = make_job(config15(AuthType.MD2))
    h = run(job, bmc)
    assert outcome_text(job) == "authentication type unavailable for attempted privilege level"
    assert h.kinds() == ["auth_caps"]


@pytest.mark.parametrize("flavor,username,password,caps,text", [
    (Flavor.IPMIPOWER, b"admin", PASSWORD, {"non_null_usernames": False}, "username invalid"),
    (Flavor.IPMIPOWER, b"", PASSWORD, {"non_null_usernames": False, "null_usernames": True}, "username invalid"),
    (Flavor.LIBFREEIPMI, b"", PASSWORD, {"non_null_usernames": False, "null_usernames": True}, "on"),
    (Flavor.IPMIPOWER, None, PASSWORD, {"null_usernames": False}, "username invalid"),
    (Flavor.IPMIPOWER, None, None, {"anonymous_login": False}, "username invalid"),
])
def test_username_class_checks(flavor: Flavor, username: bytes | None, password: bytes | None, caps: dict,
                               text: str) -> None:
    """ipmipower treats ``-u ''`` as a (non-null) user name; libfreeipmi treats it as no user name."""
    users = [User(b"admin", PASSWORD), User(b"", password or b"")]
    bmc = FakeBmc(users=users, **caps)
    job = make_job(config15(AuthType.MD5, username=username, password=password, flavor=flavor))
    run(job, bmc)
    assert outcome_text(job) == text


# --- loss, sockets, sequence window ---------------------------------------------------------------

@pytest.mark.parametrize("fault", ["drop_request", "drop_reply"])
@pytest.mark.parametrize("kind", ["auth_caps", "challenge", "activate", "set_priv", "chassis_status"])
def test_one_lost_packet_costs_one_retransmission(kind: str, fault: str) -> None:
    bmc = getattr(FakeBmc(), fault)(kind, 1)
    job = make_job(config15())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    i = STAT_KINDS_15.index(kind)
    assert h.kinds() == STAT_KINDS_15[:i + 1] + STAT_KINDS_15[i:]
    assert h.times() == [0.0] * (i + 1) + [0.4] * (6 - i)


def test_challenge_resends_use_new_sockets_and_old_ones_close_at_activate() -> None:
    # challenge sends at 0.05 (socket 0), 0.45 (socket 1), 0.85 (socket 2); Activate at 0.9
    bmc = FakeBmc(latency=0.05).drop_reply("challenge", 1, 2)
    job = make_job(config15())
    h = run(job, bmc, until=0.6)
    assert [s.socket_index for s in h.of("challenge")] == [0, 1]
    assert job.session.min_socket_index == 0 and h.sockets == {0, 1}     # both still open
    h.run()
    assert outcome_text(job) == "on"
    challenges = h.of("challenge")
    assert [s.socket_index for s in challenges] == [0, 1, 2]
    assert h.times("challenge") == [0.05, 0.45, 0.85]
    rq = [s.info["rq_seq"] for s in challenges]
    assert len(set(rq)) == 3 and rq[1] == (rq[0] + 1) % 64
    assert job.session.min_socket_index == 2
    # Activate and every session packet leave from the last challenge socket, never from a retired one
    assert [s.socket_index for s in h.sent[4:]] == [2] * 4
    assert [s.kind for s in h.sent[4:]] == ["activate", "set_priv", "chassis_status", "close"]
    assert not any(s.retired_socket for s in h.sent)


def test_late_reply_to_a_retired_challenge_socket_is_never_seen() -> None:
    # challenge sends at 0.05, 0.45, 0.85; Activate at 0.9; the first reply comes back at 0.97
    bmc = FakeBmc(latency=0.05).delay_reply("challenge", 0.87, 1).drop_reply("challenge", 2)
    job = make_job(config15())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert len(h.discarded) == 1 and h.discarded[0].socket_index == 0
    assert h.discarded[0].time == pytest.approx(0.97)
    assert job.session.dropped == {}


def test_stale_challenge_reply_on_an_open_socket_is_dropped_by_rq_seq() -> None:
    bmc = FakeBmc().delay_reply("challenge", 0.5, 1).drop_reply("challenge", 2)
    job = make_job(config15())
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert job.session.dropped == {"rq_seq mismatch": 1}
    assert h.times("challenge") == [0.0, 0.4, 0.8]


@pytest.mark.parametrize("flavor,wait", [(Flavor.IPMIPOWER, 0.4), (Flavor.LIBFREEIPMI, 1.0)])
def test_ipmi_sim_repeated_sequence_number_costs_one_retransmission(flavor: Flavor, wait: float) -> None:
    lines: list[str] = []
    bmc = FakeBmc(repeat_activate_seq=True)
    job = make_job(config15(flavor=flavor), trace=lines.append)
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.kinds() == ["auth_caps", "challenge", "activate", "set_priv", "set_priv", "chassis_status", "close"]
    assert h.times() == [0.0] * 4 + [wait] * 3
    assert job.session.dropped == {"sequence number": 1}
    assert any("duplicate" in line for line in lines)


def test_wrong_session_id_in_replies_is_dropped() -> None:
    bmc = FakeBmc(wrong_session_id=True)
    job = make_job(config15())
    h = run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert job.failure.stage is Stage.SET_PRIVILEGE
    assert job.session.dropped == {"session ID mismatch": len(h.of("set_priv"))}


def test_wrong_authcode_on_session_replies_is_dropped() -> None:
    bmc = FakeBmc().corrupt_reply("set_priv", CODE.start)
    job = make_job(config15())
    run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert list(job.session.dropped) == ["authcode"]


@pytest.mark.parametrize("flavor,wait", [(Flavor.IPMIPOWER, 0.4), (Flavor.LIBFREEIPMI, 1.0)])
def test_unanswered_close_session_is_quiet(flavor: Flavor, wait: float) -> None:
    bmc = FakeBmc().drop_request("close")
    job = make_job(config15(flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == "on" and job.failure is None
    assert h.kinds() == STAT_KINDS_15
    assert h.clock.now == pytest.approx(wait)


@pytest.mark.parametrize("cc", [0xC1, 0x87])
def test_close_session_reply_is_accepted_leniently(cc: int) -> None:
    bmc = FakeBmc(cc={"close": cc})
    job = make_job(config15())
    h = run(job, bmc)
    assert job.failure is None and outcome_text(job) == "on"
    assert h.clock.now == 0.0 and job.session.dropped == {}


@pytest.mark.parametrize("silent,stage,text", [
    ("auth_caps", Stage.AUTH_CAPS, "connection timeout"),
    ("challenge", Stage.SESSION_CHALLENGE, "session timeout"),
    ("activate", Stage.ACTIVATE_SESSION, "password verification timeout"),
    ("set_priv", Stage.SET_PRIVILEGE, "session timeout"),
    ("chassis_status", Stage.COMMAND, "session timeout"),
])
@pytest.mark.parametrize("flavor", list(Flavor))
def test_timeout_message_depends_on_the_stage(silent: str, stage: Stage, text: str, flavor: Flavor) -> None:
    bmc = FakeBmc().drop_request(silent)
    job = make_job(config15(flavor=flavor))
    h = run(job, bmc)
    assert outcome_text(job) == text
    assert job.failure.stage is stage
    assert h.clock.now == pytest.approx(20.0)
