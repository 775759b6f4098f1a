"""The simulated BMC's protocol core, driven by the package's own FreeIPMI-faithful client."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from pyipmi_tools.commands import NETFN_APP, Request
from pyipmi_tools.commands.app import (close_session, decode_auth_caps, get_channel_auth_caps,
                                       parse_cipher_suite_records, set_session_privilege)
from pyipmi_tools.commands.chassis import CHASSIS_CONTROL, ChassisControl, get_chassis_status
from pyipmi_tools.crypto.authcode15 import AuthType
from pyipmi_tools.crypto.suites import SUPPORTED_SUITES
from pyipmi_tools.session import Flavor, Privilege
from pyipmi_tools.session.events import Stage
from pyipmi_tools.session.job import Finish

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyipmi_tools.session.job import Script
from pyipmi_tools.sim.bmc import IDLE_TIMEOUT, SETUP_TIMEOUT, SimulatedBmc
from pyipmi_tools.sim.network import Impairment
from pyipmi_tools.sim.state import PRIV_OPERATOR
from pyipmi_tools.wire.lan15 import decode_packet15, encode_packet15
from pyipmi_tools.wire.message import decode_response, encode_request
from pyipmi_tools.wire.rmcp import decode_presence_pong, encode_presence_ping
from pyipmi_tools.wire.rmcpplus import (OpenSessionRequest, OpenSessionResponse, PayloadType, Rakp1, Rakp2,
                                        decode_packet20, encode_packet20)

from .bmc_harness import (ALL_SUITES, AUTH_TYPES, PRIV_FAIL, command_script, config15, config20, make_bmc,
                          outcome, run_job)

Ask = Callable[[SimulatedBmc, int, int, bytes], tuple[int, bytes]]
PASSWORD_AUTH_TYPES = [a for a in AUTH_TYPES if a is not AuthType.NONE]
DRIVERS = {"2.0": config20, "1.5": config15}


def power_on() -> Request:
    return Request(CHASSIS_CONTROL, bytes((ChassisControl.POWER_UP,)))


def no_drops(bmc: SimulatedBmc) -> bool:
    return not [k for k in bmc.stats if k.startswith("dropped")]


def keep_open(*requests: Request) -> Script:
    """Run the requests, then end the job without Close Session (the BMC keeps the session)."""
    results = []
    for request in requests:
        reply = yield request
        results.append(reply.completion_code)
    return Finish(results, close=False)


# --- every cipher suite and every IPMI 1.5 authentication type -------------------------------

@pytest.mark.parametrize("suite", ALL_SUITES)
def test_every_cipher_suite(suite: int) -> None:
    bmc = make_bmc()
    job, h = run_job(config20(suite), bmc)
    assert outcome(job) == "off"
    assert job.session.dropped == {}
    assert h.now == 0.0                      # no retransmission anywhere
    assert bmc.sessions == {}                # Close Session freed the slot
    assert bmc.stats["sessions closed"] == 1 and no_drops(bmc)


@pytest.mark.parametrize("flavor", list(Flavor))
@pytest.mark.parametrize("auth", AUTH_TYPES, ids=lambda a: a.name)
def test_every_15_auth_type_without_a_retransmission(auth: AuthType, flavor: Flavor) -> None:
    """Unlike ipmi_sim, the first in-session reply lands inside FreeIPMI's window."""
    bmc = make_bmc()
    job, h = run_job(config15(auth, flavor=flavor), bmc)
    assert outcome(job) == "off"
    assert job.session.dropped == {}
    assert h.now == 0.0
    assert bmc.sessions == {} and no_drops(bmc)


def test_15_in_session_packets_carry_authcodes_both_ways() -> None:
    bmc = make_bmc()
    job, h = run_job(config15(AuthType.MD5), bmc)
    assert outcome(job) == "off"
    session_packets = [decode_packet15(d) for d in h.wire.to_bmc() + h.wire.from_bmc() if d[5:9] != bytes(4)]
    assert session_packets and {p.auth_type for p in session_packets} == {int(AuthType.MD5)}


def test_15_per_message_auth_disabled_by_the_channel() -> None:
    bmc = make_bmc()
    bmc.state.channel_settings(bmc.state.lan_channel).per_message_auth = False
    job, h = run_job(config15(AuthType.MD5), bmc)
    assert outcome(job) == "off"
    in_session = [decode_packet15(d) for d in h.wire.from_bmc()][3:]
    assert {p.auth_type for p in in_session} == {0}


# --- privileges ----------------------------------------------------------------------------------

@pytest.mark.parametrize("driver", DRIVERS)
def test_user_can_stat_but_not_power_on(driver: str) -> None:
    bmc = make_bmc()
    job, _ = run_job(DRIVERS[driver](privilege=Privilege.USER), bmc)
    assert outcome(job) == "off"
    job, _ = run_job(DRIVERS[driver](privilege=Privilege.USER), bmc, command_script(power_on()))
    assert outcome(job) == [(0xD4, b"")]
    assert bmc.state.chassis.power_on is False


@pytest.mark.parametrize("driver", DRIVERS)
def test_operator_can_power_on(driver: str) -> None:
    bmc = make_bmc()
    job, _ = run_job(DRIVERS[driver](privilege=Privilege.OPERATOR), bmc, command_script(power_on()))
    assert outcome(job) == [(0, b"")]
    assert bmc.state.chassis.power_on is True
    assert "power on" in bmc.events
    job, _ = run_job(DRIVERS[driver](privilege=Privilege.OPERATOR), bmc)
    assert outcome(job) == "on"


@pytest.mark.parametrize("workarounds", ["", "opensesspriv"])
@pytest.mark.parametrize("driver", DRIVERS)
def test_user_asking_for_operator_is_refused(driver: str, workarounds: str) -> None:
    bmc = make_bmc()
    config = DRIVERS[driver](privilege=Privilege.OPERATOR, username=b"user", password=b"userpass",
                             workarounds=workarounds)
    job, _ = run_job(config, bmc)
    assert outcome(job) == PRIV_FAIL
    assert job.failure.stage is (Stage.RAKP1 if driver == "2.0" else Stage.ACTIVATE_SESSION)
    if driver == "2.0":
        assert job.failure.rmcpplus_status == 0x0A
        assert bmc.stats["role refused"] == 1
    else:
        assert job.failure.completion_code == 0x86
    assert bmc.sessions == {}


def test_set_session_privilege_codes() -> None:
    """Above the user's limit: 0x81; above what the session was opened for: 0x80; 0 reads the level."""
    bmc = make_bmc()
    job, _ = run_job(config20(privilege=Privilege.OPERATOR, username=b"operator", password=b"operpass"), bmc,
                     command_script(set_session_privilege(Privilege.ADMIN), set_session_privilege(0)))
    assert outcome(job) == [(0x81, b""), (0, bytes((PRIV_OPERATOR,)))]
    job, _ = run_job(config20(privilege=Privilege.OPERATOR, username=b"admin", password=b"password"), bmc,
                     command_script(set_session_privilege(Privilege.ADMIN), set_session_privilege(Privilege.USER)))
    assert outcome(job) == [(0x80, b""), (0, bytes((Privilege.USER,)))]


@pytest.mark.parametrize("driver", DRIVERS)
def test_admin_session(driver: str) -> None:
    bmc = make_bmc()
    job, _ = run_job(DRIVERS[driver](privilege=Privilege.ADMIN), bmc, command_script(set_session_privilege(0)))
    assert outcome(job) == [(0, bytes((Privilege.ADMIN,)))]


def test_cipher_suite_privilege_limit_is_enforced() -> None:
    bmc = make_bmc()
    limits = {s: 4 for s in SUPPORTED_SUITES}
    limits[3] = PRIV_OPERATOR
    bmc.state.set_cipher_suites(limits)
    job, _ = run_job(config20(3, privilege=Privilege.ADMIN), bmc)     # Open Session answers OPERATOR
    assert outcome(job) == PRIV_FAIL and job.failure.stage is Stage.OPEN_SESSION
    job, _ = run_job(config20(3, privilege=Privilege.ADMIN, workarounds="opensesspriv"), bmc)
    assert outcome(job) == PRIV_FAIL and job.failure.rmcpplus_status == 0x09
    job, _ = run_job(config20(3, privilege=Privilege.OPERATOR), bmc)
    assert outcome(job) == "off"
    job, _ = run_job(config20(17, privilege=Privilege.ADMIN), bmc)
    assert outcome(job) == "off"


def test_disabled_cipher_suite() -> None:
    bmc = make_bmc()
    bmc.state.set_cipher_suites({s: (0 if s == 3 else 4) for s in SUPPORTED_SUITES})
    job, _ = run_job(config20(3), bmc)
    assert outcome(job) == "cipher suite id unavailable"
    assert job.failure.rmcpplus_status == 0x11


# --- credentials -------------------------------------------------------------------------------------

@pytest.mark.parametrize("suite", [s for s in ALL_SUITES if s])
def test_wrong_password_20(suite: int) -> None:
    bmc = make_bmc()
    job, _ = run_job(config20(suite, password=b"wrong"), bmc)
    assert outcome(job) == "password invalid"
    assert job.failure.stage is Stage.RAKP1


@pytest.mark.parametrize("auth", PASSWORD_AUTH_TYPES, ids=lambda a: a.name)
def test_wrong_password_15(auth: AuthType) -> None:
    bmc = make_bmc()
    job, _ = run_job(config15(auth, password=b"wrong"), bmc)
    assert outcome(job) == "password verification timeout"
    assert bmc.stats["activate session authcode rejected"] >= 1
    assert bmc.sessions == {}


@pytest.mark.parametrize("driver", DRIVERS)
def test_unknown_user(driver: str) -> None:
    bmc = make_bmc()
    job, _ = run_job(DRIVERS[driver](username=b"nobody"), bmc)
    assert outcome(job) == "username invalid"
    assert bmc.stats["unknown user"] == 1


def test_disabled_user_is_unknown() -> None:
    bmc = make_bmc()
    bmc.state.users[1].enabled = False
    for config in (config20(), config15()):
        job, _ = run_job(config, bmc)
        assert outcome(job) == "username invalid"


def test_user_without_ipmi_messaging_cannot_log_in() -> None:
    bmc = make_bmc()
    bmc.state.users[1].access[1].ipmi_messaging = False
    job, _ = run_job(config20(), bmc)
    assert outcome(job) == PRIV_FAIL


def kg_bmc() -> SimulatedBmc:
    bmc = make_bmc()
    bmc.state.k_g = b"secretkey".ljust(20, b"\0")
    return bmc


@pytest.mark.parametrize("suite", [1, 3, 8, 12, 17])
def test_k_g(suite: int) -> None:
    job, _ = run_job(config20(suite, k_g=b"secretkey"), kg_bmc())
    assert outcome(job) == "off"
    job, _ = run_job(config20(suite), kg_bmc())
    assert outcome(job) == "k_g invalid" and job.failure.stage is Stage.AUTH_CAPS
    job, _ = run_job(config20(suite, k_g=b"wrongkey"), kg_bmc())
    assert outcome(job) == "k_g invalid" and job.failure.stage is Stage.RAKP3


def test_k_g_does_not_concern_ipmi15() -> None:
    job, _ = run_job(config15(), kg_bmc())
    assert outcome(job) == "off"


# --- session table ---------------------------------------------------------------------------------

@pytest.mark.parametrize("driver", DRIVERS)
def test_session_slots_run_out(driver: str) -> None:
    bmc = make_bmc(max_sessions=2)
    for _ in range(2):
        job, _ = run_job(DRIVERS[driver](), bmc, keep_open(get_chassis_status()))
        assert outcome(job) == [0]
    job, _ = run_job(DRIVERS[driver](), bmc)
    assert outcome(job) == "BMC busy"
    if driver == "2.0":
        assert job.failure.rmcpplus_status == 0x01
    else:
        assert job.failure.completion_code == 0x81


@pytest.mark.parametrize("driver", DRIVERS)
def test_idle_sessions_expire(driver: str) -> None:
    bmc = make_bmc()
    _, h = run_job(DRIVERS[driver](), bmc, keep_open(get_chassis_status()))
    assert len(bmc.sessions) == 1 and bmc.active_sessions == 1
    assert bmc.next_deadline() == pytest.approx(h.now + IDLE_TIMEOUT)
    bmc.handle_timer(h.now + IDLE_TIMEOUT - 1)
    assert len(bmc.sessions) == 1
    bmc.handle_timer(h.now + IDLE_TIMEOUT)
    assert bmc.sessions == {} and bmc.stats["sessions timed out"] == 1


def test_half_open_rmcpplus_sessions_expire_sooner() -> None:
    bmc = make_bmc()
    request = OpenSessionRequest(1, 0, 0x1234, 1, 1, 1).encode()
    bmc.receive(encode_packet20(PayloadType.OPEN_SESSION_REQUEST, 0, 0, request), 100.0)
    assert bmc.active_sessions == 0 and len(bmc.sessions) == 1
    assert bmc.next_deadline() == 100.0 + SETUP_TIMEOUT
    bmc.handle_timer(100.0 + SETUP_TIMEOUT)
    assert bmc.sessions == {}


@pytest.mark.parametrize("driver", DRIVERS)
def test_replayed_request_is_dropped(driver: str) -> None:
    bmc = make_bmc()
    _, h = run_job(DRIVERS[driver](), bmc, keep_open(get_chassis_status()))
    last_request = h.wire.to_bmc()[-1]
    assert bmc.receive(last_request, h.now) == []
    assert bmc.stats["dropped: sequence number outside the window"] == 1


def test_tampered_session_packet_is_dropped() -> None:
    bmc = make_bmc()
    _, h = run_job(config20(3), bmc, keep_open(get_chassis_status()))
    tampered = bytearray(h.wire.to_bmc()[-1])
    tampered[-20] ^= 1
    assert bmc.receive(bytes(tampered), h.now) == []
    assert bmc.stats["dropped: integrity check failed"] == 1


def test_close_session_of_another_session_needs_admin() -> None:
    bmc = make_bmc()
    run_job(config20(), bmc, keep_open(get_chassis_status()))
    (other,) = bmc.sessions
    close_other = close_session(other)
    job, _ = run_job(config20(privilege=Privilege.USER, username=b"user", password=b"userpass"), bmc,
                     command_script(close_other))
    assert outcome(job) == [(0xD4, b"")]
    job, _ = run_job(config20(), bmc, command_script(set_session_privilege(Privilege.ADMIN), close_other))
    assert outcome(job) == [(0, bytes((Privilege.ADMIN,))), (0, b"")]
    assert bmc.sessions == {}


# --- lossy network ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("driver", DRIVERS)
def test_sessions_survive_a_lossy_network(driver: str, seed: int) -> None:
    bmc = make_bmc()
    imp = Impairment(loss=25, duplicate=10, reorder=10, rng=random.Random(seed))
    job, _ = run_job(DRIVERS[driver](), bmc, impairment=imp)
    assert outcome(job) == "off"
    assert imp.counts["lost"] > 0


# --- sessionless commands ---------------------------------------------------------------------------------

def ask15(bmc: SimulatedBmc, netfn: int, cmd: int, data: bytes) -> tuple[int, bytes]:
    (reply,) = bmc.receive(encode_packet15(0, 0, 0, b"", encode_request(netfn, cmd, 7, data)), 0.0)
    message = decode_response(decode_packet15(reply).message)
    assert message.rq_seq == 7
    return message.completion_code or 0, message.data


def ask20(bmc: SimulatedBmc, netfn: int, cmd: int, data: bytes) -> tuple[int, bytes]:
    (reply,) = bmc.receive(encode_packet20(PayloadType.IPMI, 0, 0, encode_request(netfn, cmd, 9, data)), 0.0)
    packet = decode_packet20(reply)
    assert (packet.session_id, packet.session_seq, packet.authenticated) == (0, 0, False)
    message = decode_response(packet.payload)
    return message.completion_code or 0, message.data


@pytest.mark.parametrize("ask", [ask15, ask20])
def test_auth_caps_reflect_the_state(ask: Ask) -> None:
    bmc = make_bmc()
    cc, data = ask(bmc, NETFN_APP, 0x38, get_channel_auth_caps(4, ipmi20=True).data)
    assert cc == 0
    caps = decode_auth_caps(data)
    assert (caps.channel, caps.auth_types, caps.ipmi20_extended) == (1, 0x17, True)
    assert (caps.anonymous_login, caps.null_usernames, caps.non_null_usernames) == (False, False, True)
    assert (caps.per_message_auth_disabled, caps.user_level_auth_disabled, caps.kg_set) == (False, False, False)
    assert (caps.supports_ipmi15, caps.supports_ipmi20) == (True, True)
    cc, data = ask(bmc, NETFN_APP, 0x38, get_channel_auth_caps(2, ipmi20=False).data)
    caps = decode_auth_caps(data)
    assert cc == 0 and not caps.ipmi20_extended and data[3] == 0


def test_auth_caps_follow_users_channel_and_key() -> None:
    bmc = make_bmc()
    state = bmc.state
    null_user = state.users[0]
    null_user.enabled = True
    null_user.access[1] = type(state.users[1].access[1])(privilege_limit=2, ipmi_messaging=True)
    caps = decode_auth_caps(ask15(bmc, NETFN_APP, 0x38, b"\x8e\x02")[1])
    assert caps.anonymous_login and not caps.null_usernames
    null_user.password = b"secret"
    state.channel_settings(1).per_message_auth = False
    state.channel_settings(1).user_level_auth = False
    state.k_g = b"k".ljust(20, b"\0")
    state.lan_params[2] = bytes((0x17, 0x04, 0x14, 0x10, 0x00))
    caps = decode_auth_caps(ask15(bmc, NETFN_APP, 0x38, b"\x8e\x03")[1])
    assert caps.null_usernames and not caps.anonymous_login
    assert caps.per_message_auth_disabled and caps.user_level_auth_disabled and caps.kg_set
    assert caps.auth_types == 0x14


@pytest.mark.parametrize("data,cc", [(b"\x0e", 0xC7), (b"\x0e\x00", 0xCC), (b"\x0e\x06", 0xCC), (b"\x05\x04", 0xCC)])
def test_auth_caps_bad_requests(data: bytes, cc: int) -> None:
    assert ask15(make_bmc(), NETFN_APP, 0x38, data)[0] == cc


def test_auth_type_disabled_for_the_privilege() -> None:
    bmc = make_bmc()
    bmc.state.lan_params[2] = bytes((0x17, 0x17, 0x17, 0x01, 0x00))   # ADMIN: NONE only
    job, _ = run_job(config15(AuthType.MD5, privilege=Privilege.ADMIN), bmc)
    assert outcome(job) == "authentication type unavailable for attempted privilege level"
    job, _ = run_job(config15(AuthType.MD5, privilege=Privilege.ADMIN, workarounds="authcap"), bmc)
    assert outcome(job) == "BMC error" and job.failure.completion_code == 0xCC


def cipher_records(bmc: SimulatedBmc, ask: Ask, by_suite: bool = True) -> bytes:
    records = b""
    for index in range(64):
        cc, data = ask(bmc, NETFN_APP, 0x54, bytes((0x0E, 0x00, (0x80 if by_suite else 0) | index)))
        assert cc == 0 and data[0] == 1
        records += data[1:]
        if len(data) < 17:
            return records
    raise AssertionError("no short block")


@pytest.mark.parametrize("ask", [ask15, ask20])
def test_cipher_suite_records(ask: Ask) -> None:
    bmc = make_bmc()
    records = cipher_records(bmc, ask)
    assert len(records) == 5 * 12
    assert records[:10] == bytes((0xC0, 0, 0, 0x40, 0x80, 0xC0, 1, 1, 0x40, 0x80))
    assert parse_cipher_suite_records(records) == list(ALL_SUITES)
    bmc.state.set_cipher_suites({3: 4, 17: 4, 0: 0})
    assert parse_cipher_suite_records(cipher_records(bmc, ask)) == [3, 17]
    assert cipher_records(bmc, ask, by_suite=False) == bytes((0x01, 0x03, 0x41, 0x44, 0x81))


def test_commands_outside_a_session_are_ignored() -> None:
    bmc = make_bmc()
    assert bmc.receive(encode_packet15(0, 0, 0, b"", encode_request(0, 0x02, 1, b"\x01")), 0.0) == []
    assert bmc.state.chassis.power_on is False
    assert bmc.stats["dropped: command outside a session"] == 1


def test_presence_ping() -> None:
    (pong,) = make_bmc().receive(encode_presence_ping(0x42), 0.0)
    answer = decode_presence_pong(pong)
    assert answer.tag == 0x42 and answer.ipmi_supported


@pytest.mark.parametrize("garbage", [b"", b"\x06\x00\xff", b"\x06\x00\xff\x07\x06\x00", b"\x06\x00\xff\x07\x02" + bytes(30),
                                     b"\x06\x00\xff\x07\x00" + bytes(9) + b"\x40" + bytes(5), bytes(100)])
def test_garbage_is_dropped(garbage: bytes) -> None:
    bmc = make_bmc()
    assert bmc.receive(garbage, 0.0) == []
    assert not bmc.sessions


# --- RAKP details ---------------------------------------------------------------------------------------

def open_and_rakp1(bmc: SimulatedBmc, role: int, name: bytes) -> Rakp2:
    request = OpenSessionRequest(1, 0, 0x55AA, 1, 1, 1).encode()
    (reply,) = bmc.receive(encode_packet20(PayloadType.OPEN_SESSION_REQUEST, 0, 0, request), 0.0)
    opened = OpenSessionResponse.decode(decode_packet20(reply).payload)
    assert opened.status == 0 and opened.max_privilege == 4
    rakp1 = Rakp1(2, opened.bmc_session_id, bytes(range(16)), role, name).encode()
    (reply,) = bmc.receive(encode_packet20(PayloadType.RAKP1, 0, 0, rakp1), 0.0)
    return Rakp2.decode(decode_packet20(reply).payload)


@pytest.mark.parametrize("role,name,status", [
    (0x14, b"admin", 0), (0x04, b"admin", 0), (0x03, b"admin", 0x0D), (0x13, b"operator", 0),
    (0x03, b"operator", 0), (0x14, b"operator", 0x0A), (0x10, b"admin", 0x09), (0x16, b"admin", 0x09),
])
def test_rakp1_lookup_and_role(role: int, name: bytes, status: int) -> None:
    """Bit 4 set: look up by name; clear: the name and a privilege limit equal to the role."""
    bmc = make_bmc()
    reply = open_and_rakp1(bmc, role, name)
    assert reply.status == status
    assert reply.console_session_id == 0x55AA
    assert len(bmc.sessions) == (0 if status else 1)


def test_rakp1_name_too_long() -> None:
    bmc = make_bmc()
    request = OpenSessionRequest(1, 0, 0x77, 1, 1, 1).encode()
    (reply,) = bmc.receive(encode_packet20(PayloadType.OPEN_SESSION_REQUEST, 0, 0, request), 0.0)
    sid = OpenSessionResponse.decode(decode_packet20(reply).payload).bmc_session_id
    payload = bytearray(Rakp1(2, sid, bytes(16), 0x14, b"x" * 16).encode() + b"yy")
    payload[27] = 18
    (reply,) = bmc.receive(encode_packet20(PayloadType.RAKP1, 0, 0, bytes(payload)), 0.0)
    assert Rakp2.decode(decode_packet20(reply).payload).status == 0x0C


def test_rmcpplus_session_packets_need_a_known_session() -> None:
    bmc = make_bmc()
    packet = encode_packet20(PayloadType.IPMI, 0xDEAD, 1, encode_request(0, 1, 1))
    assert bmc.receive(packet, 0.0) == []
    assert bmc.stats["dropped: unknown session ID"] == 1


def test_ipmi15_driver_unaffected_by_rmcpplus_sessions() -> None:
    """ipmi_sim crashes after a suite 11/12 session followed by an IPMI 1.5 one; this BMC does not."""
    bmc = make_bmc()
    for config in (config20(11), config20(12), config15(), config20(3), config15(AuthType.MD2)):
        job, _ = run_job(config, bmc)
        assert outcome(job) == "off"
    assert bmc.sessions == {}
