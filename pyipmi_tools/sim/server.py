"""Glue between the simulated BMCs and the socket loop, plus the JSON state file.

:class:`BmcServer` wraps one :class:`~pyipmi_tools.sim.bmc.SimulatedBmc` and its
:class:`~pyipmi_tools.sim.network.Impairment` in the interface
:func:`pyipmi_tools.transport.serve` drives.  :class:`StateFile` keeps a JSON
file with every BMC's state (keyed by ``address:port``) up to date: ``serve()``'s
``after`` hook marks BMCs dirty, :meth:`StateFile.poll` writes at most one file
per debounce interval, atomically (temporary file + ``os.replace``), re-encoding
only the BMCs that were touched.
"""

from __future__ import annotations

import json
import random
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from typing import Any, Callable, Optional, TextIO

from .. import transport
from ..atomicfile import replace_file
from .bmc import SimulatedBmc
from .network import Impairment
from ..crypto.suites import SUPPORTED_SUITES
from .rack import BOOT_DEVICES, PRIVILEGES, Rack, Settings, UserSpec, endpoint_key
from .state import (
    NO_ACCESS,
    PRIV_ADMIN,
    PRIV_OEM,
    PRIV_OPERATOR,
    BmcState,
    ChannelAccess,
    User,
    default_state,
)

BOOT_FLAGS = 5
"""System Boot Options parameter 5: boot flags."""

__all__ = ["BmcServer", "StateFile", "build_servers", "endpoint_key", "initial_state"]

MAX_REPORTED_ERRORS = 20
"""Internal errors reported on stderr per process; later ones are only counted."""


class _ErrorReport:
    """Reports a BMC's internal errors on stderr, one line each, up to a limit."""

    def __init__(self, stream: Optional[TextIO] = None, limit: int = MAX_REPORTED_ERRORS) -> None:
        self.stream = stream
        self.limit = limit
        self.count = 0

    def __call__(self, key: str, what: str, exc: BaseException) -> None:
        self.count += 1
        stream = self.stream or sys.stderr
        if self.count <= self.limit:
            print(f"pyipmi-sim: {key}: internal error {what}: {type(exc).__name__}: {exc}", file=stream)
            if self.count == self.limit:
                print("pyipmi-sim: further internal errors are counted, not shown", file=stream)
            stream.flush()


_default_report = _ErrorReport()


class BmcServer:
    """One simulated BMC on one UDP address (a :class:`pyipmi_tools.transport.Server`).

    A datagram that makes the BMC raise is dropped and reported (the
    simulator keeps serving the other BMCs); ``errors`` counts them.
    """

    def __init__(self, bmc: SimulatedBmc, impairment: Impairment, family: int, sockaddr: tuple,
                 key: str, report: Callable[[str, str, BaseException], None] = _default_report) -> None:
        self.bmc = bmc
        self.impairment = impairment
        self.family = family
        self.address = sockaddr
        self.key = key
        self.errors = 0
        self._report = report

    @property
    def state(self) -> BmcState:
        """The BMC's live state."""
        return self.bmc.state

    def receive(self, data: bytes, source: tuple, now: float) -> list[tuple[float, bytes]]:
        """The BMC's replies to *data*, scheduled through the impairment layer."""
        try:
            replies = self.bmc.receive(data, now)
        except Exception as exc:  # noqa: BLE001 - one bad datagram must not stop the rack
            self.errors += 1
            self._report(self.key, f"on a {len(data)}-byte datagram from {source[0]}", exc)
            return []
        return self.impairment.apply(replies, now)

    def next_deadline(self) -> Optional[float]:
        """The BMC's next timer (session expiry, chassis transitions)."""
        return self.bmc.next_deadline()

    def handle_timer(self, now: float) -> None:
        """Run the BMC's due timers."""
        try:
            self.bmc.handle_timer(now)
        except Exception as exc:  # noqa: BLE001 - keep serving; see errors
            self.errors += 1
            self._report(self.key, "in a timer", exc)

    def __repr__(self) -> str:
        return f"BmcServer({self.key})"


# -- building BMCs from a rack ---------------------------------------------------------------------


def initial_state(settings: Settings, address: str, port: int, seed: Optional[int] = None) -> BmcState:
    """A fresh BMC state with the group's users, cipher suites, K_g, power and boot device.

    The GUIDs and MAC address derive from *seed* and the endpoint, so they
    differ per BMC and repeat from run to run.
    """
    key = endpoint_key(address, port)
    state = default_state(zlib.crc32(f"{seed or 0}/{key}".encode()), address=address, name=key)
    _set_users(state, settings.users)
    enabled = set(settings.cipher_suites)
    # Disabled suites stay listed with maximum privilege 0 ("unused"), as on a real BMC.
    state.set_cipher_suites({suite: PRIV_ADMIN if suite in enabled else 0
                             for suite in sorted(SUPPORTED_SUITES)})
    k_g = settings.k_g
    state.k_g = k_g.ljust(20, b"\0") if k_g and any(k_g) else None
    state.chassis.power_on = settings.power
    if settings.cycle_off_time is not None:
        state.chassis.cycle_off_time = settings.cycle_off_time
    device = BOOT_DEVICES[settings.boot_device]
    if device:
        # Boot flags (parameter 5): valid and persistent, device selector in data 2 bits 5:2.
        flags = bytearray(state.boot_options[BOOT_FLAGS])
        flags[0] = 0xC0
        flags[1] = device << 2
        state.boot_options[BOOT_FLAGS] = bytes(flags)
    state.validate()
    return state


def _set_users(state: BmcState, users: Sequence[UserSpec]) -> None:
    """Replace the default users: the null user (empty name) in slot 1, the others from slot 2."""
    named = [u for u in users if u.name]
    null = [u for u in users if not u.name]
    slots = [User(user_id=i) for i in range(1, max(len(state.users), len(named) + 1) + 1)]
    slots[0].fixed_name = True
    state.users = slots
    channel = state.lan_channel
    for slot, spec in list(zip(slots[:1], null)) + list(zip(slots[1:], named)):
        level = PRIVILEGES[spec.privilege]
        slot.name, slot.password, slot.enabled = spec.name, spec.password, True
        slot.access[channel] = ChannelAccess(privilege_limit=level, ipmi_messaging=level != NO_ACCESS,
                                             link_auth=level != NO_ACCESS)
        slot.payloads[channel] = 0x02 if level in (PRIV_OPERATOR, PRIV_ADMIN, PRIV_OEM) else 0


def build_servers(rack: Rack, seed: Optional[int] = None,
                  report: Callable[[str, str, BaseException], None] = _default_report) -> list[BmcServer]:
    """One :class:`BmcServer` per BMC in *rack*, in rack order.

    With *seed*, each BMC's random choices (impairments, session IDs, ...)
    are reproducible: its generator is seeded from the seed and its address.
    Raises :class:`pyipmi_tools.transport.HostResolutionError` for an address
    the host cannot use.
    """
    servers = []
    for group in rack.groups:
        quirks = group.settings.make_quirks()
        for address, port in group.endpoints():
            key = endpoint_key(address, port)
            rng = random.Random(f"{seed}/{key}") if seed is not None else random.Random()
            family, sockaddr = transport.resolve(address, port)
            state = initial_state(group.settings, address, port, seed)
            bmc = SimulatedBmc(state, quirks=quirks, rng=rng, name=key)
            servers.append(BmcServer(bmc, Impairment.from_quirks(quirks, rng), family, sockaddr, key, report))
    return servers


# -- the state file ------------------------------------------------------------------------------------


class StateFile:
    """Keeps *path* holding ``{"address:port": BmcState.to_json(), ...}``, one BMC per line.

    :meth:`mark` (``serve()``'s ``after`` hook) notes that a BMC may have
    changed; :meth:`poll` writes once *delay* seconds have passed since the
    first unwritten change, and never sooner than a few times the last
    write's own duration after it, so big racks do not spend their time
    writing.  The file is replaced atomically and is created mode 0600 (it
    holds passwords).  A failed write is reported once and retried on the
    next change.
    """

    def __init__(self, path: str, servers: Iterable[BmcServer], delay: float = 0.1,
                 clock: Callable[[], float] = time.monotonic, stream: Optional[TextIO] = None) -> None:
        self.path = path
        self.servers = list(servers)
        self.delay = delay
        self.clock = clock
        self.stream = stream
        self.writes = 0
        self._text: dict[BmcServer, str] = {}
        self._dirty: set[BmcServer] = set(self.servers)
        self._due: Optional[float] = None
        self._not_before = 0.0
        self._failed = False

    def mark(self, server: Any, now: float) -> None:
        """Note that *server*'s state may have changed at *now*."""
        self._dirty.add(server)
        if self._due is None:
            self._due = max(now + self.delay, self._not_before)

    def poll(self, now: Optional[float] = None) -> None:
        """Write the file if a change is due."""
        if self._due is not None and (self.clock() if now is None else now) >= self._due:
            self.write(force=False)

    def write(self, force: bool = True) -> None:
        """Encode the dirty BMCs; replace the file if anything changed (always if *force*).

        Raises OSError only when *force* is set (start-up and shutdown); a
        failure while serving is reported and retried later.
        """
        start = self.clock()
        changed = False
        for server in self._dirty:
            text = json.dumps(server.state.to_json(), sort_keys=True, separators=(",", ":"))
            if self._text.get(server) != text:
                self._text[server] = text
                changed = True
        self._dirty.clear()
        self._due = None
        if changed or force or self._failed:
            try:
                self._replace()
            except OSError as exc:
                if force:
                    raise
                if not self._failed:
                    print(f"pyipmi-sim: cannot write state file {self.path}: {exc.strerror or exc}",
                          file=self.stream or sys.stderr)
                self._failed = True
                return
            self._failed = False
            self.writes += 1
        spent = self.clock() - start
        self._not_before = self.clock() + 4 * spent

    def _replace(self) -> None:
        parts = (f"{json.dumps(s.key)}: {self._text[s]}" for s in self.servers)
        body = "{\n" + ",\n".join(parts) + "\n}\n"
        replace_file(self.path, body.encode("utf-8"), mode=0o600)     # it holds the users' passwords
