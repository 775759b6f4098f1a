"""Every -W workaround flag: the misbehaving BMC fails without it (as FreeIPMI reports) and works with it."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from pyipmi_tools.crypto.authcode15 import AuthType
from pyipmi_tools.session import Flavor, Privilege
from pyipmi_tools.session.events import Stage

from .fakebmc import (PASSWORD, STAT_KINDS, STAT_KINDS_15, FakeBmc, User, config15, config20, make_job,
                      outcome_text, run)

Case = tuple[str, Callable[[], FakeBmc], Callable[..., Any], str]

PRIV = "privilege level cannot be obtained for this user"

# (flag, misbehaving BMC, config factory, what the user sees without the flag)
CASES: list[Case] = [
    ("authcap", lambda: FakeBmc(non_null_usernames=False), config15, "username invalid"),
    ("authcap", lambda: FakeBmc(auth_types=0x01), config15,
     "authentication type unavailable for attempted privilege level"),
    ("authcap", lambda: FakeBmc(non_null_usernames=False), config20, "username invalid"),
    ("authcap", lambda: FakeBmc(report_kg=True), config20, "k_g invalid"),
    ("nochecksumcheck", lambda: FakeBmc(bad_checksum=True), config15, "connection timeout"),
    ("nochecksumcheck", lambda: FakeBmc(bad_checksum=True), config20, "connection timeout"),
    ("idzero", lambda: FakeBmc(idzero=True), config15, "session timeout"),
    ("idzero", lambda: FakeBmc(idzero=True), config20, "session timeout"),
    ("unexpectedauth", lambda: FakeBmc(per_msg_auth_disabled=True, dell_auth=True), config15, "session timeout"),
    ("forcepermsg", lambda: FakeBmc(per_msg_auth_disabled=True, permsg_actual=True, activate_auth_type=0), config15,
     "session timeout"),
    ("endianseq", lambda: FakeBmc(endian_seq=True), config15, "session timeout"),
    ("noauthcodecheck", lambda: FakeBmc(bad_authcode15=True), config15, "password verification timeout"),
    ("intel20", lambda: FakeBmc(intel=True, echo_requested_priv=True), config20, PRIV),
    ("supermicro20", lambda: FakeBmc(rakp2_extra_byte=True), config20, "password invalid"),
    ("sun20", lambda: FakeBmc(rakp2_extra_byte=True, echo_requested_priv=True), config20, PRIV),
    ("opensesspriv", lambda: FakeBmc(echo_requested_priv=True), config20, PRIV),
    ("integritycheckvalue", lambda: FakeBmc(nonempty_icv=True), lambda **kw: config20(0, **kw), "k_g invalid"),
]


@pytest.mark.parametrize("flag,make_bmc,make_config,without", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_flag_fixes_the_misbehaving_bmc(flag: str, make_bmc: Callable[[], FakeBmc], make_config: Callable[..., Any],
                                        without: str) -> None:
    job = make_job(make_config())
    h = run(job, make_bmc())
    assert outcome_text(job) == without
    assert "close" not in h.kinds()

    job = make_job(make_config(workarounds=flag))
    h = run(job, make_bmc())
    assert outcome_text(job) == "on"
    assert job.failure is None
    assert h.kinds() == (STAT_KINDS_15 if make_config is config15 else STAT_KINDS)
    assert h.clock.now == 0.0


# --- details of individual flags ---------------------------------------------------------------

def test_authcap_does_not_skip_the_ipmi20_check() -> None:
    job = make_job(config20(workarounds="authcap"))
    run(job, FakeBmc(ipmi20=False))
    assert outcome_text(job) == "ipmi 2.0 unavailable"


def test_nochecksumcheck_failure_is_at_auth_caps_for_every_reply() -> None:
    job = make_job(config20())
    h = run(job, FakeBmc(bad_checksum=True))
    assert job.failure.stage is Stage.AUTH_CAPS
    assert set(h.kinds()) == {"auth_caps"}
    assert list(job.session.dropped) == ["malformed"]


def test_idzero_is_ignored_by_libfreeipmi_over_2_0() -> None:
    job = make_job(config20(workarounds="idzero", flavor=Flavor.LIBFREEIPMI))
    run(job, FakeBmc(idzero=True))
    assert outcome_text(job) == "session timeout"
    assert list(job.session.dropped) == ["session ID mismatch"]


def test_idzero_applies_to_libfreeipmi_over_1_5() -> None:
    job = make_job(config15(workarounds="idzero", flavor=Flavor.LIBFREEIPMI))
    run(job, FakeBmc(idzero=True))
    assert outcome_text(job) == "on"


def test_unexpectedauth_is_a_no_op_in_libfreeipmi() -> None:
    job = make_job(config15(workarounds="unexpectedauth", flavor=Flavor.LIBFREEIPMI))
    run(job, FakeBmc(per_msg_auth_disabled=True, dell_auth=True))
    assert outcome_text(job) == "session timeout"
    assert list(job.session.dropped) == ["authcode"]


def test_forcepermsg_puts_the_authcode_on_every_session_packet() -> None:
    """IBM eServer 325: Auth Caps and Activate Session say "no per-message auth", the BMC wants it anyway."""
    bmc = FakeBmc(per_msg_auth_disabled=True, permsg_actual=True, activate_auth_type=0)
    job = make_job(config15(AuthType.MD5, workarounds="forcepermsg"))
    h = run(job, bmc)
    assert [s.data[4] for s in h.of("set_priv") + h.of("chassis_status") + h.of("close")] == [2, 2, 2]
    # without it the BMC silently drops the unauthenticated packets
    bmc = FakeBmc(per_msg_auth_disabled=True, permsg_actual=True, activate_auth_type=0)
    job = make_job(config15(AuthType.MD5))
    h = run(job, bmc)
    assert {s.data[4] for s in h.of("set_priv")} == {0}
    assert all(a.ignored for a in bmc.sent("set_priv"))
    assert job.failure.stage is Stage.SET_PRIVILEGE


def test_forcepermsg_skips_the_activate_auth_type_check() -> None:
    """ipmipower: per-message auth on and Activate names another type -> BMC error, unless forcepermsg."""
    def bmc() -> FakeBmc:
        return FakeBmc(activate_auth_type=int(AuthType.NONE))
    job = make_job(config15())
    run(job, bmc())
    assert outcome_text(job) == "BMC error"
    job = make_job(config15(workarounds="forcepermsg"))
    run(job, bmc())
    assert outcome_text(job) == "on"


def test_endianseq_without_flag_drops_on_the_window() -> None:
    job = make_job(config15())
    run(job, FakeBmc(endian_seq=True))
    assert list(job.session.dropped) == ["sequence number"]


def test_noauthcodecheck_also_covers_session_replies() -> None:
    bmc = FakeBmc(bad_authcode15=True)
    job = make_job(config15(AuthType.MD2, workarounds="noauthcodecheck"))
    run(job, bmc)
    assert outcome_text(job) == "on"
    assert job.session.dropped == {}


@pytest.mark.parametrize("suite", [1, 3, 7, 15])
def test_intel20_every_quirk(suite: int) -> None:
    """Padded RAKP 1 user name, real privilege in Open Session, RAKP 3 role without name-only bit, RAKP 4
    checked with the integrity algorithm's hash, HMAC-MD5 password cut to 16 bytes."""
    long_password = b"0123456789abcdefXYZ"
    bmc = FakeBmc(intel=True, echo_requested_priv=True, users=[User(b"admin", long_password)])
    job = make_job(config20(suite, password=long_password, workarounds="intel20", privilege=Privilege.ADMIN))
    h = run(job, bmc)
    assert outcome_text(job) == "on"
    assert h.of("open_session")[0].info["max_privilege"] == int(Privilege.ADMIN)
    rakp1 = h.of("rakp1")[0].info
    assert rakp1["username"] == b"admin".ljust(16, b"\0")
    assert rakp1["role"] == 0x14


@pytest.mark.parametrize("suite", [11, 12, 16, 17])
def test_intel20_has_no_rakp4_check_for_md5_128_or_sha256_integrity(suite: int) -> None:
    """FreeIPMI 1.6.10 maps only none / HMAC-SHA1-96 / HMAC-MD5-128 for the intel20 RAKP 4 check."""
    bmc = FakeBmc(intel=True, echo_requested_priv=True)
    job = make_job(config20(suite, workarounds="intel20", privilege=Privilege.ADMIN))
    run(job, bmc)
    assert outcome_text(job) == "k_g invalid"


def test_intel20_needs_more_than_the_open_session_privilege() -> None:
    """With only opensesspriv the Intel BMC refuses the RAKP 3 authcode (status 0x0F)."""
    job = make_job(config20(workarounds="opensesspriv"))
    h = run(job, FakeBmc(intel=True, echo_requested_priv=True))
    assert outcome_text(job) == "BMC error"
    assert job.failure.rmcpplus_status == 0x0F
    assert h.kinds() == STAT_KINDS[:4]


def test_intel20_reply_privilege_must_equal_the_request() -> None:
    job = make_job(config20(workarounds="intel20"))
    run(job, FakeBmc(intel=True, open_session_priv=4))          # answers ADMIN to an OPERATOR request
    assert outcome_text(job) == PRIV
    job = make_job(config20(workarounds="opensesspriv"))
    run(job, FakeBmc(open_session_priv=4))                      # otherwise "at least" is enough
    assert outcome_text(job) == "on"
    job = make_job(config20(workarounds="intel20"))
    run(job, FakeBmc(intel=True, echo_requested_priv=True))
    assert outcome_text(job) == "on"


def test_intel20_md5_128_integrity_cannot_be_checked() -> None:
    job = make_job(config20(11, workarounds="intel20"))
    h = run(job, FakeBmc(intel=True, echo_requested_priv=True))
    assert outcome_text(job) == "k_g invalid"
    assert job.failure.stage is Stage.RAKP3


@pytest.mark.parametrize("suite", [0, 1, 3, 6, 8])
def test_supermicro20_drops_the_extra_byte(suite: int) -> None:
    job = make_job(config20(suite))
    run(job, FakeBmc(rakp2_extra_byte=True))
    assert outcome_text(job) == "password invalid"
    assert job.failure.stage is Stage.RAKP1
    job = make_job(config20(suite, workarounds="supermicro20"))
    run(job, FakeBmc(rakp2_extra_byte=True))
    assert outcome_text(job) == "on"


@pytest.mark.parametrize("flavor,text", [(Flavor.IPMIPOWER, "password invalid"), (Flavor.LIBFREEIPMI, "on")])
def test_supermicro20_sha256_is_libfreeipmi_only(flavor: Flavor, text: str) -> None:
    job = make_job(config20(17, workarounds="supermicro20", flavor=flavor))
    run(job, FakeBmc(rakp2_extra_byte=True))
    assert outcome_text(job) == text


def test_sun20_truncates_only_hmac_sha1() -> None:
    job = make_job(config20(3, workarounds="opensesspriv"))
    run(job, FakeBmc(rakp2_extra_byte=True, echo_requested_priv=True))
    assert outcome_text(job) == "password invalid"
    job = make_job(config20(7, workarounds="sun20"))
    run(job, FakeBmc(rakp2_extra_byte=True, echo_requested_priv=True))
    assert outcome_text(job) == "password invalid"
    job = make_job(config20(2, workarounds="sun20"))
    h = run(job, FakeBmc(rakp2_extra_byte=True, echo_requested_priv=True))
    assert outcome_text(job) == "on"
    assert h.of("open_session")[0].info["max_privilege"] == int(Privilege.OPERATOR)


@pytest.mark.parametrize("privilege", [Privilege.USER, Privilege.OPERATOR, Privilege.ADMIN])
def test_opensesspriv_changes_only_the_open_session_privilege_byte(privilege: Privilege) -> None:
    plain = run(make_job(config20(privilege=privilege)), FakeBmc())
    flagged = run(make_job(config20(privilege=privilege, workarounds="opensesspriv")), FakeBmc())
    a, b = plain.of("open_session")[0].data, flagged.of("open_session")[0].data
    assert a[17] == 0x00 and b[17] == int(privilege)           # payload byte 1
    assert a[:17] == b[:17] and a[18:] == b[18:]                # same seed: nothing else differs
    assert plain.of("rakp1")[0].info["role"] == flagged.of("rakp1")[0].info["role"] == 0x10 | int(privilege)
    assert plain.of("rakp1")[0].data == flagged.of("rakp1")[0].data


def test_opensesspriv_without_flag_against_ipmi_sim_style_bmc() -> None:
    h = run(make_job(config20()), FakeBmc(echo_requested_priv=True))
    assert h.kinds() == ["auth_caps", "open_session"]
    assert h.endpoint.failure.stage is Stage.OPEN_SESSION


def test_integritycheckvalue_only_matters_for_suite_0() -> None:
    job = make_job(config20(1, workarounds="integritycheckvalue"))
    run(job, FakeBmc(nonempty_icv=True))      # suite 1 has a real ICV: nothing to relax
    assert outcome_text(job) == "on"


def test_unexpectedauth_accepts_only_a_verifying_authcode() -> None:
    bmc = FakeBmc(per_msg_auth_disabled=True, dell_auth=True, users=[User(b"admin", PASSWORD)])
    bmc.corrupt_reply("set_priv", 13)        # the authcode's first byte
    job = make_job(config15(workarounds="unexpectedauth"))
    run(job, bmc)
    assert outcome_text(job) == "session timeout"
    assert list(job.session.dropped) == ["authcode"]
