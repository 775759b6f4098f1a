"""Host strings as FreeIPMI 1.6.10 reads them: ``host[:port]``, ``[ipv6]:port``, ``host+ARG``.

``parse_host`` follows ``common/miscutil/network.c``. ``plan_targets`` reproduces
how ipmipower turns ``-h`` into connections (``ipmipower_connection.c``): the
list is expanded and de-duplicated, and then *every* resulting name is expanded
a second time, so ``a[1-2]b[3-4]`` gives four hosts. With an OEM power type
(c410x) the text after the first ``+`` is an extra argument, and names that
share a host are folded into one connection. Name resolution is left to the
caller, who must do it in the returned order, because an unknown name prints
``NAME: invalid hostname`` at its place in that sequence.
"""

from __future__ import annotations

from .. import posixio

import errno
from ..record import record, field

from pyipmi_tools.cli.hostlist import (
    Hostlist,
    HostlistError,
    is_ipv6_literal,
    split_ipv6_with_port,
)

__all__ = [
    "DEFAULT_PORT",
    "MAX_HOSTNAME_LEN",
    "HostSpec",
    "HostsFatal",
    "InvalidHost",
    "Target",
    "parse_host",
    "plan_targets",
    "split_extra_arg",
    "split_port",
]

DEFAULT_PORT = 623
MAX_HOSTNAME_LEN = 64   # FREEIPMI_MAXHOSTNAMELEN, in bytes
_PORT_MAX = 65535
_DIGITS = "0123456789"


@record
class HostSpec:
    """Where to connect: ``name`` for getaddrinfo, UDP ``port``, and the name ipmipower prints.

    ``display`` is the host without its port (ipmipower). ipmi-config prints the
    host string as given instead, port included.
    """

    name: str
    port: int
    display: str


class InvalidHost(ValueError):
    """A host string FreeIPMI rejects before resolution; print ``<display>: invalid hostname``."""

    def __init__(self, display: str) -> None:
        super().__init__(f"{display}: invalid hostname")
        self.display = display


class HostsFatal(Exception):
    """ipmipower aborts: print ``message`` + ``\\r\\n`` on stderr, nothing else, exit 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def split_port(text: str) -> tuple[str, str | None]:
    """Split ``host:port`` / ``[ipv6]:port``; the port text is None when there is none.

    A port is the text after the last colon when it is one or more ASCII digits,
    unless the whole string is an IPv6 address (``fe80::1:623`` is a host).
    """
    v6 = split_ipv6_with_port(text)
    if v6 is not None:
        return v6
    colon = text.rfind(":")
    if colon < 0 or is_ipv6_literal(text):
        return text, None
    port = text[colon + 1:]
    if port and all(c in _DIGITS for c in port):
        return text[:colon], port
    return text, None


def _port_value(port: str) -> int | None:
    """``strtol(port, &end, 0)`` restricted to 1-65535 (a leading 0 means octal)."""
    try:
        value = int(port, 8) if port.startswith("0") else int(port, 10)
    except ValueError:  # an 8 or 9 in an octal number
        return None
    return value if 0 < value <= _PORT_MAX else None


def parse_host(text: str) -> HostSpec:
    """Check one host string as network.c does; raise InvalidHost on a bad port or length."""
    name, port_text = split_port(text)
    if len(posixio.fsencode(name)) > MAX_HOSTNAME_LEN:
        raise InvalidHost(name)
    port = DEFAULT_PORT
    if port_text is not None:
        value = _port_value(port_text)
        if value is None:
            raise InvalidHost(name)
        port = value
    return HostSpec(name, port, name)


def split_extra_arg(text: str) -> tuple[str, str | None]:
    """``host+ARG`` -> (host, ARG); the split is at the first ``+``."""
    host, plus, arg = text.partition("+")
    return (host, arg) if plus else (text, None)


@record(frozen=False)
class Target:
    """One ipmipower connection, or one host that failed the syntax checks.

    ``spec`` is None for a failed host, and ``display`` is then the name to
    report as ``invalid hostname``. ``extra_args`` lists the OEM arguments
    (None for "no argument") in order, without duplicates; empty without OEM.
    """

    host: str
    spec: HostSpec | None
    display: str
    extra_args: list[str | None] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.spec is not None


def _add_extra_arg(target: Target, arg: str) -> None:
    """Add an argument to a connection; a list-shaped c410x argument is expanded."""
    try:
        values = Hostlist(arg).hosts()
    except HostlistError:
        values = []
    candidates: list[str | None] = list(values) if len(values) > 1 else [arg]
    for value in candidates:
        if value not in target.extra_args:
            target.extra_args.append(value)


def _count_hosts(first: list[str], oem: bool) -> int:
    """How many connections ipmipower allocates (the list re-parsed without ``+ARG``)."""
    counted = Hostlist()
    for host in first:
        if oem:
            host = split_extra_arg(host)[0]
        try:
            added = counted.push(host)
        except HostlistError as exc:
            raise HostsFatal(f"fi_hostlist_push: {exc.strerror}") from None
        if added == 0:  # an empty host name (c410x "+ARG"): stale errno
            raise HostsFatal(f"fi_hostlist_push: {posixio.strerror(errno.ENOENT)}")
    counted.uniq()
    return len(counted)


def plan_targets(text: str, oem: bool = False) -> list[Target]:
    """The connections ipmipower 1.6.10 builds for ``-h text``, in its order.

    Raises HostlistError when ``text`` is not a valid list (ipmipower prints
    ``<text>: invalid hostname``), HostsFatal for its internal aborts. A name
    whose second expansion fails ends the list with a Target whose display is
    the whole ``text``. If any Target is invalid (or fails to resolve),
    ipmipower prints every such line and exits 1 without contacting any host.
    """
    hl = Hostlist(text)
    hl.uniq()
    first = hl.hosts()
    host_count = _count_hosts(first, oem)
    targets: list[Target] = []
    for host in first:
        try:
            second = Hostlist(host)
        except HostlistError:
            targets.append(Target(host, None, text))
            return targets
        second.uniq()
        for name in second:
            extra: str | None = None
            base = name
            if oem:
                base, extra = split_extra_arg(name)
                if extra is not None:
                    found = next((t for t in targets
                                  if (t.spec.name if t.spec else "") == base), None)
                    if found is not None:
                        _add_extra_arg(found, extra)
                        continue
            if len(targets) >= host_count:
                raise HostsFatal(f"Invalid host count: {host_count}")
            extras: list[str | None] = [extra] if oem else []
            try:
                spec = parse_host(base)
            except InvalidHost as exc:
                targets.append(Target(base, None, exc.display, extras))
            else:
                targets.append(Target(base, spec, spec.display, extras))
    return targets
