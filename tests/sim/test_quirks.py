"""Quirk profiles: parsing, and what each one does to a FreeIPMI-faithful client.

For every profile the package's own client (which mirrors FreeIPMI 1.6.10) fails without
the matching ``-W`` flag the way freeipmi-behaviour.md section 5.2 predicts, and succeeds
with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pyipmi_tools.crypto.authcode15 import AuthType
from pyipmi_tools.session import Flavor, Privilege
from pyipmi_tools.session.events import Stage
from pyipmi_tools.sim.network import Impairment
from pyipmi_tools.sim.quirks import DEFAULT_SLOW_DELAY, PROFILES, Quirks, parse_quirks
from pyipmi_tools.wire.lan15 import decode_packet15

from .bmc_harness import ALL_SUITES, PRIV_FAIL, config15, config20, make_bmc, outcome, run_job


def test_default_is_a_faithful_bmc() -> None:
    q = parse_quirks([])
    assert q == Quirks()
    assert q.names() == []
    assert q.describe() == "none"
    assert not q.impaired


@pytest.mark.parametrize("name", [n for n in PROFILES if n != "slow"])
def test_every_profile_sets_its_own_flag_only(name: str) -> None:
    q = parse_quirks([name])
    assert q.names() == [name]
    assert getattr(q, name.replace("-", "_")) is True
    assert not q.impaired


def test_names_are_case_insensitive_and_accept_underscores() -> None:
    assert parse_quirks(["Lost_Close_Session", " IDZERO "]).names() == ["idzero", "lost-close-session"]


def test_slow_profile_default_and_explicit_delay() -> None:
    assert parse_quirks(["slow"]).slow == DEFAULT_SLOW_DELAY
    assert parse_quirks(["slow"], slow=2.5).slow == 2.5
    assert parse_quirks([], slow=1.0).names() == ["slow"]


def test_impairment_percentages() -> None:
    q = parse_quirks(["sun20"], loss=1, duplicate=2, reorder=3, corrupt=4)
    assert (q.loss, q.duplicate, q.reorder, q.corrupt) == (1, 2, 3, 4)
    assert q.impaired
    assert q.describe() == "sun20,loss=1%,duplicate=2%,reorder=3%,corrupt=4%"


def test_unknown_profile_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="unknown quirk profile 'supermicro'"):
        parse_quirks(["idzero", "supermicro"])


@pytest.mark.parametrize("kw", [{"loss": 101}, {"corrupt": -1}, {"slow": -0.5}])
def test_bad_values_are_refused(kw: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        parse_quirks([], **kw)


def test_quirks_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Quirks().idzero = True  # type: ignore[misc]


# --- each profile against the client: fails without the flag, works with it ----------------------------

Config = Callable[..., Any]
# (profile, session type, workaround flag, what the client reports without it, the stage it fails at)
CASES: list[tuple[str, Config, str, str, Stage]] = [
    ("opensesspriv-required", config20, "opensesspriv", PRIV_FAIL, Stage.OPEN_SESSION),
    ("supermicro20", config20, "supermicro20", "password invalid", Stage.RAKP1),
    ("sun20", config20, "sun20", "password invalid", Stage.RAKP1),
    ("intel20", config20, "intel20", PRIV_FAIL, Stage.OPEN_SESSION),
    ("idzero", config20, "idzero", "session timeout", Stage.OPEN_SESSION),
    ("idzero", config15, "idzero", "session timeout", Stage.SET_PRIVILEGE),
    ("endianseq", config15, "endianseq", "session timeout", Stage.SET_PRIVILEGE),
    ("unexpectedauth", config15, "unexpectedauth", "session timeout", Stage.SET_PRIVILEGE),
    ("forcepermsg", config15, "forcepermsg", "session timeout", Stage.SET_PRIVILEGE),
]


@pytest.mark.parametrize("profile,config,flag,without,stage", CASES,
                         ids=[f"{c[0]}-{'2.0' if c[1] is config20 else '1.5'}" for c in CASES])
def test_profile_needs_its_flag(profile: str, config: Config, flag: str, without: str, stage: Stage) -> None:
    job, _ = run_job(config(), make_bmc([profile]))
    assert outcome(job) == without
    assert job.failure.stage is stage
    job, h = run_job(config(workarounds=flag), make_bmc([profile]))
    assert outcome(job) == "off"
    assert h.now == 0.0


def test_zero_session_seq_makes_freeipmi_time_out() -> None:
    bmc = make_bmc(["zero-session-seq"])
    job, h = run_job(config20(), bmc)
    assert outcome(job) == "session timeout"
    assert job.failure.stage is Stage.SET_PRIVILEGE
    assert list(job.session.dropped) == ["sequence number"]
    session_replies = [d for d in h.wire.from_bmc() if d[4] == 6 and d[5] & 0x3F == 0]
    assert session_replies and {d[10:14] for d in session_replies} == {bytes(4)}


def test_zero_session_seq_leaves_ipmi15_alone() -> None:
    job, _ = run_job(config15(), make_bmc(["zero-session-seq"]))
    assert outcome(job) == "off"


@pytest.mark.parametrize("suite", [s for s in ALL_SUITES if s not in (11, 12, 16, 17)])
def test_intel20_every_suite_with_the_flag(suite: int) -> None:
    bmc = make_bmc(["intel20"])
    long_password = b"0123456789abcdefXYZ"
    bmc.state.users[1].password = long_password
    job, _ = run_job(config20(suite, password=long_password, workarounds="intel20"), bmc)
    assert outcome(job) == "off"


@pytest.mark.parametrize("suite", [11, 12, 16, 17])
def test_intel20_md5_128_and_sha256_cannot_be_worked_around(suite: int) -> None:
    """FreeIPMI's intel20 has no RAKP 4 rule for MD5-128 or HMAC-SHA256-128 integrity: k_g invalid, as
    with real FreeIPMI."""
    job, _ = run_job(config20(suite, workarounds="intel20"), make_bmc(["intel20"]))
    assert outcome(job) == "k_g invalid"


def test_intel20_needs_more_than_opensesspriv() -> None:
    """The Intel BMC hashes RAKP 3 without the lookup bit: it refuses the standard authcode (0x0F)."""
    bmc = make_bmc(["intel20"])
    job, _ = run_job(config20(workarounds="opensesspriv"), bmc)
    assert outcome(job) == "BMC error"
    assert job.failure.rmcpplus_status == 0x0F
    assert bmc.sessions == {}
    job, _ = run_job(config20(workarounds="opensesspriv", flavor=Flavor.LIBFREEIPMI), make_bmc(["intel20"]))
    assert outcome(job) == "password invalid"


def test_intel20_open_session_echoes_the_request() -> None:
    bmc = make_bmc(["intel20"])
    job, _ = run_job(config20(privilege=Privilege.USER, username=b"admin", password=b"password",
                              workarounds="intel20"), bmc)
    assert outcome(job) == "off"


@pytest.mark.parametrize("flag,suite,result", [
    ("opensesspriv", 3, "password invalid"),    # the 21-byte authcode remains
    ("supermicro20", 3, "password invalid"),    # the role the BMC hashes remains
    ("opensesspriv", 7, "off"),                 # only HMAC-SHA1 authcodes are long
    ("sun20", 1, "off"),
    ("sun20", 17, "off"),
])
def test_sun20_needs_both_of_its_halves(flag: str, suite: int, result: str) -> None:
    job, _ = run_job(config20(suite, workarounds=flag), make_bmc(["sun20"]))
    assert outcome(job) == result


@pytest.mark.parametrize("suite", [0, 1, 3, 6, 8, 11, 12])
def test_supermicro20_every_suite(suite: int) -> None:
    job, _ = run_job(config20(suite), make_bmc(["supermicro20"]))
    assert outcome(job) == "password invalid"
    job, _ = run_job(config20(suite, workarounds="supermicro20"), make_bmc(["supermicro20"]))
    assert outcome(job) == "off"


@pytest.mark.parametrize("flavor,result", [(Flavor.IPMIPOWER, "password invalid"), (Flavor.LIBFREEIPMI, "off")])
def test_supermicro20_sha256_only_in_libfreeipmi(flavor: Flavor, result: str) -> None:
    job, _ = run_job(config20(17, workarounds="supermicro20", flavor=flavor), make_bmc(["supermicro20"]))
    assert outcome(job) == result


def test_idzero_ipmi15_replies_carry_session_id_zero() -> None:
    job, h = run_job(config15(workarounds="idzero"), make_bmc(["idzero"]))
    assert outcome(job) == "off"
    in_session = [decode_packet15(d) for d in h.wire.from_bmc()][2:]
    assert in_session and {p.session_id for p in in_session} == {0}


def test_idzero_is_ignored_by_libfreeipmi_over_rmcpplus() -> None:
    job, _ = run_job(config20(workarounds="idzero", flavor=Flavor.LIBFREEIPMI), make_bmc(["idzero"]))
    assert outcome(job) == "session timeout"


def test_endianseq_byte_swaps_the_reply_numbers() -> None:
    job, h = run_job(config15(workarounds="endianseq"), make_bmc(["endianseq"]))
    assert outcome(job) == "off"
    seqs = [decode_packet15(d).session_seq for d in h.wire.from_bmc()][2:]
    assert [int.from_bytes(s.to_bytes(4, "little"), "big") for s in seqs] == [1, 2, 3, 4]


def test_unexpectedauth_reports_no_per_message_auth_but_signs_replies() -> None:
    bmc = make_bmc(["unexpectedauth"])
    job, h = run_job(config15(AuthType.MD5, workarounds="unexpectedauth"), bmc)
    assert outcome(job) == "off"
    requests = [decode_packet15(d) for d in h.wire.to_bmc()][3:]
    replies = [decode_packet15(d) for d in h.wire.from_bmc()][3:]
    assert {p.auth_type for p in requests} == {0}
    assert {p.auth_type for p in replies} == {int(AuthType.MD5)}


def test_unexpectedauth_is_a_no_op_in_libfreeipmi() -> None:
    job, _ = run_job(config15(workarounds="unexpectedauth", flavor=Flavor.LIBFREEIPMI), make_bmc(["unexpectedauth"]))
    assert outcome(job) == "session timeout"


def test_forcepermsg_drops_unauthenticated_requests() -> None:
    bmc = make_bmc(["forcepermsg"])
    job, _ = run_job(config15(AuthType.MD5), bmc)
    assert outcome(job) == "session timeout"
    assert bmc.stats["dropped: unauthenticated request (per-message authentication required)"] > 0


@pytest.mark.parametrize("config", [config15, config20])
def test_lost_close_session(config: Config) -> None:
    """The BMC closes the session but never answers; FreeIPMI gives up after one retransmission timeout."""
    bmc = make_bmc(["lost-close-session"])
    job, h = run_job(config(), bmc)
    assert outcome(job) == "off"
    assert h.now == pytest.approx(0.4)
    assert bmc.sessions == {}
    assert bmc.stats["close session unanswered"] == 1


@pytest.mark.parametrize("config,exchanges", [(config15, 6), (config20, 7)])
def test_slow_delays_every_reply(config: Config, exchanges: int) -> None:
    bmc = make_bmc(["slow"])
    job, h = run_job(config(), bmc, impairment=Impairment.from_quirks(bmc.quirks))
    assert outcome(job) == "off"
    assert h.now == pytest.approx(exchanges * DEFAULT_SLOW_DELAY)
    assert job.session.dropped == {}


@pytest.mark.parametrize("config,flavor,result", [
    (config20, Flavor.IPMIPOWER, "session timeout"),
    (config20, Flavor.LIBFREEIPMI, "off"),
    (config15, Flavor.LIBFREEIPMI, "off"),
])
def test_slow_beyond_the_retransmission_timeout(config: Config, flavor: Flavor, result: str) -> None:
    """0.5 s per reply: every ipmipower exchange needs eight 400 ms resends before the interval
    grows, so its 20 s budget runs out (as the real one's does); ipmi-config resends after 1 s."""
    bmc = make_bmc(parse_quirks(["slow"], slow=0.5))
    job, _ = run_job(config(flavor=flavor), bmc, impairment=Impairment.from_quirks(bmc.quirks))
    assert outcome(job) == result
