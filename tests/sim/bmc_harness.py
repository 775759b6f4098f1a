"""Drive the package's own client sessions against a SimulatedBmc in memory, on a fake clock.

:class:`SimHarness` moves datagrams between a :class:`~pyipmi_tools.session.job.Job` and a
:class:`~pyipmi_tools.sim.bmc.SimulatedBmc` (through an optional
:class:`~pyipmi_tools.sim.network.Impairment`), jumping the clock straight to the next
reply or deadline, so no test sleeps.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from typing import Any

from pyipmi_tools.commands import Request
from pyipmi_tools.commands.chassis import get_chassis_status
from pyipmi_tools.crypto.authcode15 import AuthType
from pyipmi_tools.session import Driver, Privilege, SessionConfig, new_session
from pyipmi_tools.session.job import Job

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyipmi_tools.session.job import Script
from pyipmi_tools.sim.bmc import NO_QUIRKS, SimulatedBmc
from pyipmi_tools.sim.network import Impairment
from pyipmi_tools.sim.quirks import Quirks, parse_quirks
from pyipmi_tools.sim.state import BmcState, default_state
from pyipmi_tools.workarounds import parse_workarounds

BMC_IP = "192.0.2.77"
ALL_SUITES = (0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)
AUTH_TYPES = (AuthType.NONE, AuthType.MD2, AuthType.MD5, AuthType.STRAIGHT_PASSWORD)
CREDENTIALS = {
    Privilege.ADMIN: (b"admin", b"password"),
    Privilege.OPERATOR: (b"operator", b"operpass"),
    Privilege.USER: (b"user", b"userpass"),
}
PRIV_FAIL = "privilege level cannot be obtained for this user"


@dataclass
class Wire:
    """Every datagram that crossed, with its time and direction ('>' to the BMC)."""

    log: list[tuple[float, str, bytes]] = field(default_factory=list)

    def to_bmc(self) -> list[bytes]:
        return [d for _, way, d in self.log if way == ">"]

    def from_bmc(self) -> list[bytes]:
        return [d for _, way, d in self.log if way == "<"]


class SimHarness:
    """One client endpoint and one simulated BMC on a shared fake clock."""

    def __init__(self, endpoint: Any, bmc: SimulatedBmc, impairment: Impairment | None = None,
                 now: float = 0.0) -> None:
        self.endpoint, self.bmc = endpoint, bmc
        self.impairment = impairment
        self.now = now
        self.wire = Wire()
        self._queue: list[tuple[float, int, bytes, int]] = []
        self._order = 0
        self._sockets: set[int] = set()
        self._started = False

    def _flush(self) -> None:
        ep = self.endpoint
        for dgram in ep.datagrams_to_send():
            if dgram.socket_index < ep.min_socket_index:
                continue
            self._sockets.add(dgram.socket_index)
            self.wire.log.append((self.now, ">", dgram.data))
            replies = self.bmc.receive(dgram.data, self.now)
            scheduled = (self.impairment.apply(replies, self.now) if self.impairment
                         else [(self.now, r) for r in replies])
            for send_at, data in scheduled:
                self._order += 1
                heapq.heappush(self._queue, (send_at, self._order, data, dgram.socket_index))
        self._sockets = {i for i in self._sockets if i >= ep.min_socket_index}

    def run(self, until: float | None = None, max_steps: int = 50_000) -> SimHarness:
        """Run until the endpoint is done (or the clock would pass ``until``)."""
        ep = self.endpoint
        if not self._started:
            self._started = True
            ep.start(self.now)
        for _ in range(max_steps):
            self._flush()
            if self._queue and self._queue[0][0] <= self.now:
                _, _, data, index = heapq.heappop(self._queue)
                self.wire.log.append((self.now, "<", data))
                if index in self._sockets and not ep.done:
                    ep.receive_datagram(data, BMC_IP, index, self.now)
                continue
            if ep.done:
                return self
            deadline = ep.next_deadline()
            if deadline is not None and deadline <= self.now:
                ep.handle_timer(self.now)
                continue
            bmc_deadline = self.bmc.next_deadline()
            if bmc_deadline is not None and bmc_deadline <= self.now:
                self.bmc.handle_timer(self.now)
                continue
            upcoming = [t for t in (deadline, bmc_deadline, self._queue[0][0] if self._queue else None)
                        if t is not None]
            if not upcoming:
                return self
            nxt = min(upcoming)
            if until is not None and nxt > until:
                self.now = until
                return self
            self.now = nxt
        raise AssertionError(f"no progress after {max_steps} steps (clock {self.now})")


def make_bmc(quirks: Quirks | list[str] = NO_QUIRKS, state: BmcState | None = None, seed: int = 11,
             **kw: Any) -> SimulatedBmc:
    if not isinstance(quirks, Quirks):
        quirks = parse_quirks(quirks)
    return SimulatedBmc(state or default_state(seed), quirks, random.Random(seed), **kw)


def config20(suite: int = 3, privilege: Privilege = Privilege.ADMIN, workarounds: str = "",
             **kw: Any) -> SessionConfig:
    name, password = CREDENTIALS.get(privilege, CREDENTIALS[Privilege.ADMIN])
    kw.setdefault("username", name)
    kw.setdefault("password", password)
    return SessionConfig(host="sim", driver=Driver.LAN_2_0, cipher_suite=suite, privilege=privilege,
                         workarounds=parse_workarounds(workarounds), **kw)


def config15(auth: AuthType = AuthType.MD5, privilege: Privilege = Privilege.ADMIN, workarounds: str = "",
             **kw: Any) -> SessionConfig:
    name, password = CREDENTIALS.get(privilege, CREDENTIALS[Privilege.ADMIN])
    kw.setdefault("username", name)
    kw.setdefault("password", password)
    return SessionConfig(host="sim", driver=Driver.LAN, auth_type=auth, privilege=privilege,
                         workarounds=parse_workarounds(workarounds), **kw)


def stat_script() -> Script:
    """ipmipower --stat: 'on'/'off', or the completion code of a failing Get Chassis Status."""
    reply = yield get_chassis_status()
    if reply.completion_code:
        return reply.completion_code
    return "on" if reply.data[0] & 1 else "off"


def command_script(*requests: Request) -> Script:
    """Send each request in turn; the list of (completion code, data)."""
    results = []
    for request in requests:
        reply = yield request
        results.append((reply.completion_code, reply.data))
    return results


def run_job(config: SessionConfig, bmc: SimulatedBmc, script: Script | None = None, seed: int = 5,
            impairment: Impairment | None = None, now: float = 0.0) -> tuple[Job, SimHarness]:
    session = new_session(config, bmc_ip=BMC_IP, rng=random.Random(seed))
    job = Job(session, script if script is not None else stat_script())
    return job, SimHarness(job, bmc, impairment, now).run()


def outcome(job: Job) -> Any:
    """What ipmipower would report: the failure text, else the script's result."""
    if job.failure is not None:
        return job.failure.outcome.text
    if job.error is not None:
        raise job.error
    return job.result
