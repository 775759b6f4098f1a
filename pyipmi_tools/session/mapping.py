"""How completion codes and RMCP+ status codes become outcomes, per FreeIPMI flavour."""

from __future__ import annotations

from ..outcomes import Outcome, completion_code_outcome
from ..wire.rmcpplus import RmcpPlusStatus as S
from .config import Flavor

_STATUS = {
    S.INSUFFICIENT_RESOURCES: Outcome.BMC_BUSY,
    S.INSUFFICIENT_RESOURCES_AT_ROLE: Outcome.BMC_BUSY,
    S.UNAUTHORIZED_NAME: Outcome.USERNAME_INVALID,
    S.UNAUTHORIZED_ROLE_OR_PRIVILEGE: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED,
    S.INVALID_ROLE: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED,
    S.NO_CIPHER_SUITE_MATCH: Outcome.CIPHER_SUITE_UNAVAILABLE,
}


def rmcpplus_status_outcome(status: int, flavor: Flavor, rakp4: bool = False) -> Outcome:
    """The outcome of a non-zero RMCP+ status in Open Session / RAKP 2 / RAKP 4."""
    if rakp4 and status == S.INVALID_INTEGRITY_CHECK_VALUE and flavor is Flavor.LIBFREEIPMI:
        return Outcome.PASSWORD_INVALID
    if status in _STATUS:
        return _STATUS[status]
    return Outcome.BMC_ERROR if flavor is Flavor.IPMIPOWER else Outcome.BAD_RMCPPLUS_STATUS


def setup_cc_outcome(cc: int, flavor: Flavor, specific: dict[int, Outcome] | None = None) -> Outcome:
    """A bad completion code during session setup (Auth Caps, Challenge, Activate, Set Privilege)."""
    if specific and cc in specific:
        return specific[cc]
    return Outcome.BMC_ERROR if flavor is Flavor.IPMIPOWER else completion_code_outcome(cc)


SET_PRIVILEGE_CC = {0x80: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, 0x81: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED,
                    0x82: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED}
SESSION_CHALLENGE_CC = {0x81: Outcome.USERNAME_INVALID, 0x82: Outcome.USERNAME_INVALID}
ACTIVATE_SESSION_CC = {0x81: Outcome.BMC_BUSY, 0x82: Outcome.BMC_BUSY, 0x83: Outcome.BMC_BUSY,
                       0x86: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, 0xD4: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED}
