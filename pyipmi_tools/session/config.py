"""Everything a session needs to know before its first packet."""

from __future__ import annotations

from ..constants import Constant, IntConstant
from ..record import record, field

from ..crypto.authcode15 import AuthType
from ..workarounds import Workarounds
from .timing import IPMIPOWER_TIMING, LIBFREEIPMI_TIMING, Timing


class Privilege(IntConstant):
    CALLBACK = 1
    USER = 2
    OPERATOR = 3
    ADMIN = 4
    OEM = 5


class Driver(Constant):
    LAN = "LAN"          # IPMI 1.5
    LAN_2_0 = "LAN_2_0"  # IPMI 2.0 / RMCP+


class Flavor(Constant):
    """Which FreeIPMI engine to behave like where ipmipower and libfreeipmi differ."""

    IPMIPOWER = "ipmipower"
    LIBFREEIPMI = "libfreeipmi"


@record
class SessionConfig:
    host: str = ""                                   # name used in traces and errors
    username: bytes | None = None                    # None: not given on the command line
    password: bytes | None = field(default=None, repr=False)
    k_g: bytes | None = field(default=None, repr=False)
    privilege: Privilege = Privilege.OPERATOR
    driver: Driver = Driver.LAN_2_0
    auth_type: AuthType = AuthType.MD5
    cipher_suite: int = 3
    workarounds: Workarounds = Workarounds()
    flavor: Flavor = Flavor.IPMIPOWER
    timing: Timing | None = None                     # None: the flavour's default model
    restart_handshake: bool = True                   # recover from a lost RAKP/Open Session reply

    @property
    def effective_timing(self) -> Timing:
        if self.timing is not None:
            return self.timing
        return IPMIPOWER_TIMING if self.flavor is Flavor.IPMIPOWER else LIBFREEIPMI_TIMING

    @property
    def effective_k_g(self) -> bytes | None:
        """K_g, or None when absent or all zero bytes (FreeIPMI treats those alike)."""
        return self.k_g if self.k_g and any(self.k_g) else None

    @property
    def effective_username(self) -> bytes | None:
        """libfreeipmi treats an empty user name as no user name; ipmipower does not."""
        if self.flavor is Flavor.LIBFREEIPMI and not self.username:
            return None
        return self.username
