"""Outcomes: ipmipower's message table (reference section 3), exit-code rule, libfreeipmi mappings (4.9)."""

from __future__ import annotations

import pytest

from pyipmi_tools.outcomes import (IPMIPOWER_MESSAGES, PLAIN_OPEN_ERRORS, IpmiError, Outcome,
                                   completion_code_outcome, ipmipower_counts_as_failure, ipmipower_index)

# ipmipower_outputs[] in ipmipower/ipmipower_output.c, FreeIPMI 1.6.10, in order
IPMIPOWER_TEXTS = [
    "on",
    "off",
    "ok",
    "unknown",
    "username invalid",
    "password invalid",
    "password length invalid",
    "k_g invalid",
    "privilege level cannot be obtained for this user",
    "operation invalid",
    "authentication type unavailable for attempted privilege level",
    "cipher suite id unavailable",
    "password verification timeout",
    "connection timeout",
    "session timeout",
    "not discovered",
    "bad connection",
    "invalid hostname",
    "unconfigured hostname",
    "out of resources",
    "ipmi 2.0 unavailable",
    "invalid argument for OEM extension",
    "BMC busy",
    "BMC error",
]

LIBRARY_ONLY = [Outcome.PRIVILEGE_INSUFFICIENT, Outcome.MESSAGE_TIMEOUT, Outcome.COMMAND_INVALID,
                Outcome.BAD_COMPLETION_CODE, Outcome.BAD_RMCPPLUS_STATUS, Outcome.INVALID_PARAMETERS,
                Outcome.INTERNAL_IPMI_ERROR, Outcome.INTERNAL_SYSTEM_ERROR]


def test_ipmipower_table_order_and_text() -> None:
    assert len(IPMIPOWER_MESSAGES) == 24
    assert [o.text for o in IPMIPOWER_MESSAGES] == IPMIPOWER_TEXTS


@pytest.mark.parametrize("index, text", list(enumerate(IPMIPOWER_TEXTS)))
def test_ipmipower_index(index: int, text: str) -> None:
    outcome = Outcome(text)
    assert ipmipower_index(outcome) == index
    assert outcome.text == outcome.value == text


@pytest.mark.parametrize("outcome", LIBRARY_ONLY)
def test_library_only_outcomes_have_no_ipmipower_index(outcome: Outcome) -> None:
    assert outcome not in IPMIPOWER_MESSAGES
    with pytest.raises(ValueError):
        ipmipower_index(outcome)
    with pytest.raises(ValueError):
        ipmipower_counts_as_failure(outcome)


def test_library_texts() -> None:
    assert [o.text for o in LIBRARY_ONLY] == [
        "privilege level insufficient", "message timeout", "command invalid or unsupported",
        "bad completion code", "bad rmcpplus status code", "invalid parameters", "internal IPMI error",
        "internal system error"]
    assert set(Outcome) == set(IPMIPOWER_MESSAGES) | set(LIBRARY_ONLY)


@pytest.mark.parametrize("index, text", list(enumerate(IPMIPOWER_TEXTS)))
def test_exit_code_rule(index: int, text: str) -> None:
    """Indexes 3..22 fail; on/off/ok succeed, and BMC error (23) does not count (1.6.10 off-by-one)."""
    assert ipmipower_counts_as_failure(Outcome(text)) == (3 <= index <= 22)


def test_bmc_error_does_not_fail_but_bmc_busy_does() -> None:
    assert not ipmipower_counts_as_failure(Outcome.BMC_ERROR)
    assert ipmipower_counts_as_failure(Outcome.BMC_BUSY)
    assert ipmipower_counts_as_failure(Outcome.UNKNOWN)
    assert not ipmipower_counts_as_failure(Outcome.OK)


@pytest.mark.parametrize("cc, outcome", [
    (0xC3, Outcome.MESSAGE_TIMEOUT),
    (0xC0, Outcome.BMC_BUSY), (0xC4, Outcome.BMC_BUSY), (0xD0, Outcome.BMC_BUSY), (0xD1, Outcome.BMC_BUSY),
    (0xD2, Outcome.BMC_BUSY),
    (0xD4, Outcome.PRIVILEGE_INSUFFICIENT),
    (0xC1, Outcome.COMMAND_INVALID), (0xC2, Outcome.COMMAND_INVALID), (0xC7, Outcome.COMMAND_INVALID),
    (0xC8, Outcome.COMMAND_INVALID), (0xC9, Outcome.COMMAND_INVALID), (0xCC, Outcome.COMMAND_INVALID),
])
def test_completion_code_mapping(cc: int, outcome: Outcome) -> None:
    assert completion_code_outcome(cc) is outcome


_MAPPED = {0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC7, 0xC8, 0xC9, 0xCC, 0xD0, 0xD1, 0xD2, 0xD4}


@pytest.mark.parametrize("cc", sorted(set(range(256)) - _MAPPED))
def test_every_other_completion_code_is_bad_completion_code(cc: int) -> None:
    assert completion_code_outcome(cc) is Outcome.BAD_COMPLETION_CODE


def test_plain_open_errors() -> None:
    """Reference 4.9: these print ``<argv0>: <msg>``; every other errnum ``ipmi_ctx_open_outofband...``."""
    assert {o.text for o in PLAIN_OPEN_ERRORS} == {
        "username invalid", "password invalid", "k_g invalid", "privilege level insufficient",
        "privilege level cannot be obtained for this user",
        "authentication type unavailable for attempted privilege level", "cipher suite id unavailable",
        "password verification timeout", "invalid hostname", "ipmi 2.0 unavailable", "connection timeout"}
    for outcome in (Outcome.SESSION_TIMEOUT, Outcome.BMC_BUSY, Outcome.INVALID_PARAMETERS,
                    Outcome.INTERNAL_IPMI_ERROR, Outcome.BAD_RMCPPLUS_STATUS, Outcome.BMC_ERROR):
        assert outcome not in PLAIN_OPEN_ERRORS


def test_ipmi_error_str() -> None:
    err = IpmiError(Outcome.PASSWORD_INVALID)
    assert str(err) == "password invalid"
    assert (err.outcome, err.host, err.detail, err.completion_code, err.command) == (
        Outcome.PASSWORD_INVALID, "", "", None, "")
    err = IpmiError(Outcome.SESSION_TIMEOUT, host="node1", detail="no reply", completion_code=0xC3,
                    command="get_chassis_status")
    assert str(err) == "node1: session timeout"
    assert (err.detail, err.completion_code, err.command) == ("no reply", 0xC3, "get_chassis_status")
    assert err.args == ("session timeout",)
    assert isinstance(err, Exception)
    with pytest.raises(IpmiError, match="BMC busy"):
        raise IpmiError(Outcome.BMC_BUSY, host="h")
