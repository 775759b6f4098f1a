"""How completion codes and RMCP+ status codes become outcomes, per FreeIPMI flavour."""

from __future__ import annotations

from ..outcomes import Outcome, completion_code_outcome
from ..wire.rmcpplus import RmcpPlusStatus as S
from .config import Flavor
from .events import Stage

# ipmipower maps the same way at every stage; libfreeipmi maps per stage and calls the
# rest "bad rmcpplus status code".
_IPMIPOWER_STATUS = {
    S.INSUFFICIENT_RESOURCES: Outcome.BMC_BUSY,
    S.INSUFFICIENT_RESOURCES_AT_ROLE: Outcome.BMC_BUSY,
    S.UNAUTHORIZED_NAME: Outcome.USERNAME_INVALID,
    S.UNAUTHORIZED_ROLE_OR_PRIVILEGE: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED,
    S.INVALID_ROLE: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED,
    S.NO_CIPHER_SUITE_MATCH: Outcome.CIPHER_SUITE_UNAVAILABLE,
}
_BUSY = {S.INSUFFICIENT_RESOURCES: Outcome.BMC_BUSY, S.INSUFFICIENT_RESOURCES_AT_ROLE: Outcome.BMC_BUSY}
_LIBFREEIPMI_STATUS = {
    Stage.OPEN_SESSION: {**_BUSY, S.NO_CIPHER_SUITE_MATCH: Outcome.CIPHER_SUITE_UNAVAILABLE,
                         S.INVALID_ROLE: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED},
    Stage.RAKP1: {**_BUSY, S.UNAUTHORIZED_NAME: Outcome.USERNAME_INVALID,
                  S.UNAUTHORIZED_ROLE_OR_PRIVILEGE: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED},
    Stage.RAKP3: {**_BUSY, S.INVALID_INTEGRITY_CHECK_VALUE: Outcome.PASSWORD_INVALID},
}


def rmcpplus_status_outcome(status: int, flavor: Flavor, stage: Stage) -> Outcome:
    """The outcome of a non-zero RMCP+ status in the reply to ``stage``'s request."""
    if flavor is Flavor.IPMIPOWER:
        return _IPMIPOWER_STATUS.get(status, Outcome.BMC_ERROR)  # type: ignore[call-overload]
    return _LIBFREEIPMI_STATUS[stage].get(status, Outcome.BAD_RMCPPLUS_STATUS)  # type: ignore[call-overload]


def setup_cc_outcome(cc: int, flavor: Flavor, specific: dict[int, Outcome] | None = None) -> Outcome:
    """A bad completion code during session setup (Auth Caps, Challenge, Activate, Set Privilege)."""
    if specific and cc in specific:
        return specific[cc]
    return Outcome.BMC_ERROR if flavor is Flavor.IPMIPOWER else completion_code_outcome(cc)


SET_PRIVILEGE_CC = {
    Flavor.IPMIPOWER: {0x80: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, 0x81: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED,
                       0x82: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED},
    Flavor.LIBFREEIPMI: {0x80: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, 0x81: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED},
}
SESSION_CHALLENGE_CC = {0x81: Outcome.USERNAME_INVALID, 0x82: Outcome.USERNAME_INVALID}
ACTIVATE_SESSION_CC = {0x81: Outcome.BMC_BUSY, 0x82: Outcome.BMC_BUSY, 0x83: Outcome.BMC_BUSY,
                       0x86: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, 0xD4: Outcome.PRIVILEGE_CANNOT_BE_OBTAINED}
