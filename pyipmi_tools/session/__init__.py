"""Sans-I/O IPMI sessions: fed datagrams and a clock, they return datagrams and deadlines."""

from __future__ import annotations

from .base import Datagram, Session
from .config import Driver, Flavor, Privilege, SessionConfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    import random

    from .trace import TraceSink


def new_session(config: SessionConfig, bmc_ip: str | None = None, rng: random.Random | None = None,
                trace: TraceSink | None = None) -> Session:
    """An IPMI 1.5 or RMCP+ session, as ``config.driver`` says."""
    if config.driver is Driver.LAN:
        from .lan15 import Lan15Session
        return Lan15Session(config, bmc_ip, rng, trace)
    from .lan20 import Lan20Session
    return Lan20Session(config, bmc_ip, rng, trace)


__all__ = ["Datagram", "Driver", "Flavor", "Privilege", "Session", "SessionConfig", "new_session"]
