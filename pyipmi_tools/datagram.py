"""The one value that crosses between the sans-I/O sessions and the transport."""

from __future__ import annotations

from .record import record


@record
class Datagram:
    """One outgoing UDP payload and the endpoint-local socket to send it from.

    A ``socket_index`` higher than any the endpoint used before asks the transport for a
    new socket (a new source port); FreeIPMI resends Get Session Challenge that way.
    """

    data: bytes
    socket_index: int = 0
