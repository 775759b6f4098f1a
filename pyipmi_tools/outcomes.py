"""The closed set of results a session can end with, carrying FreeIPMI's exact words.

ipmipower prints ``HOST: <text>`` from one table (``IPMIPOWER_MESSAGES`` order matters for
``-C`` output and exit codes); libfreeipmi (used by ipmi-config) has its own errnum texts.
Both are members of :class:`Outcome`; the session engine picks the one its flavour uses.
"""

from __future__ import annotations

from .constants import Constant


class Outcome(Constant):
    # ipmipower's table, in its order (index = position in IPMIPOWER_MESSAGES)
    ON = "on"
    OFF = "off"
    OK = "ok"
    UNKNOWN = "unknown"
    USERNAME_INVALID = "username invalid"
    PASSWORD_INVALID = "password invalid"
    PASSWORD_LENGTH_INVALID = "password length invalid"
    K_G_INVALID = "k_g invalid"
    PRIVILEGE_CANNOT_BE_OBTAINED = "privilege level cannot be obtained for this user"
    OPERATION_INVALID = "operation invalid"
    AUTH_TYPE_UNAVAILABLE = "authentication type unavailable for attempted privilege level"
    CIPHER_SUITE_UNAVAILABLE = "cipher suite id unavailable"
    PASSWORD_VERIFICATION_TIMEOUT = "password verification timeout"
    CONNECTION_TIMEOUT = "connection timeout"
    SESSION_TIMEOUT = "session timeout"
    NOT_DISCOVERED = "not discovered"
    BAD_CONNECTION = "bad connection"
    INVALID_HOSTNAME = "invalid hostname"
    UNCONFIGURED_HOSTNAME = "unconfigured hostname"
    OUT_OF_RESOURCES = "out of resources"
    IPMI_20_UNAVAILABLE = "ipmi 2.0 unavailable"
    INVALID_ARGUMENT_FOR_OEM = "invalid argument for OEM extension"
    BMC_BUSY = "BMC busy"
    BMC_ERROR = "BMC error"
    # libfreeipmi-only texts (ipmi-config)
    PRIVILEGE_INSUFFICIENT = "privilege level insufficient"
    MESSAGE_TIMEOUT = "message timeout"
    COMMAND_INVALID = "command invalid or unsupported"
    BAD_COMPLETION_CODE = "bad completion code"
    BAD_RMCPPLUS_STATUS = "bad rmcpplus status code"
    INVALID_PARAMETERS = "invalid parameters"
    INTERNAL_IPMI_ERROR = "internal IPMI error"
    INTERNAL_SYSTEM_ERROR = "internal system error"

    @property
    def text(self) -> str:
        return self.value


IPMIPOWER_MESSAGES: tuple[Outcome, ...] = tuple(Outcome)[:24]

# ipmi_open() in FreeIPMI's tool-common prints "<argv0>: <msg>" for these errnums and
# "ipmi_ctx_open_outofband[_2_0]: <msg>" for every other one.
PLAIN_OPEN_ERRORS = frozenset({
    Outcome.USERNAME_INVALID, Outcome.PASSWORD_INVALID, Outcome.K_G_INVALID, Outcome.PRIVILEGE_INSUFFICIENT,
    Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, Outcome.AUTH_TYPE_UNAVAILABLE, Outcome.CIPHER_SUITE_UNAVAILABLE,
    Outcome.PASSWORD_VERIFICATION_TIMEOUT, Outcome.INVALID_HOSTNAME, Outcome.IPMI_20_UNAVAILABLE,
    Outcome.CONNECTION_TIMEOUT,
})


def ipmipower_index(outcome: Outcome) -> int:
    """Position in ipmipower's message table (``ValueError`` for library-only outcomes)."""
    return IPMIPOWER_MESSAGES.index(outcome)


def ipmipower_counts_as_failure(outcome: Outcome) -> bool:
    """ipmipower's exit-status rule: indexes 3..22 fail; ``BMC error`` (23) does not (1.6.10 bug)."""
    return 3 <= ipmipower_index(outcome) <= 22


def completion_code_outcome(cc: int) -> Outcome:
    """libfreeipmi's mapping of a bad completion code to an errnum."""
    if cc == 0xC3:
        return Outcome.MESSAGE_TIMEOUT
    if cc in (0xC0, 0xC4, 0xD0, 0xD1, 0xD2):
        return Outcome.BMC_BUSY
    if cc == 0xD4:
        return Outcome.PRIVILEGE_INSUFFICIENT
    if cc in (0xC1, 0xC2, 0xC7, 0xC8, 0xC9, 0xCC):
        return Outcome.COMMAND_INVALID
    return Outcome.BAD_COMPLETION_CODE


class IpmiError(Exception):
    """A failed operation on one BMC; ``str()`` is FreeIPMI's message text."""

    def __init__(self, outcome: Outcome, host: str = "", detail: str = "", completion_code: int | None = None,
                 command: str = "") -> None:
        super().__init__(outcome.text)
        self.outcome = outcome
        self.host = host
        self.detail = detail
        self.completion_code = completion_code
        self.command = command

    def __str__(self) -> str:
        return f"{self.host}: {self.outcome.text}" if self.host else self.outcome.text
