"""FreeIPMI's two retransmission and timeout models.

ipmipower gives each host one total deadline measured from its first packet, resends
after 400 ms and lengthens the interval every 8 resends. libfreeipmi (ipmi-config) uses
an idle timeout measured from the last valid reply, resends after 1000 ms and lengthens
the interval every 2 resends. In both, resend number ``n`` (0-based) waits
``retransmission_timeout * (1 + n // backoff_count)`` after the previous send.
"""

from __future__ import annotations

from ..record import record


@record
class Timing:
    session_timeout: float = 20.0          # seconds
    retransmission_timeout: float = 0.4    # seconds
    backoff_count: int = 8
    idle: bool = False                     # True: the session timeout restarts at every valid reply

    def retransmission_interval(self, resends: int, base: float | None = None) -> float:
        return (self.retransmission_timeout if base is None else base) * (1 + resends // self.backoff_count)


IPMIPOWER_TIMING = Timing(20.0, 0.4, 8, idle=False)
LIBFREEIPMI_TIMING = Timing(20.0, 1.0, 2, idle=True)
