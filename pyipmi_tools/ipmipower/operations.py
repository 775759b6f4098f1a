"""What ipmipower does on one host once the session is up, as generator scripts.

Each script runs as a :class:`~pyipmi_tools.session.job.Job` over an ipmipower-flavoured
session and returns the :class:`~pyipmi_tools.outcomes.Outcome` to print for the host,
or ``None`` when ipmipower prints nothing (a bad completion code inside an IPMI 2.0
session). The flow follows ``ipmipower_powercmd.c`` of FreeIPMI 1.6.10.
"""

from __future__ import annotations

from ..commands import CommandSpec, Request, chassis
from ..datagram import Datagram
from ..outcomes import Outcome
from ..session.events import Failed, Stage
from ..session.job import Finish, Job, Send
from .options import AUTH_MD5, AUTH_TYPES, PowerCmd, c410x_slot

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from collections.abc import Callable
    from typing import Any

    from ..session.job import Script
    from ..session.base import Session
    from ..session.events import Event
    from .output import Fatal


_CONTROL = {
    PowerCmd.OFF: chassis.ChassisControl.POWER_DOWN,
    PowerCmd.ON: chassis.ChassisControl.POWER_UP,
    PowerCmd.CYCLE: chassis.ChassisControl.POWER_CYCLE,
    PowerCmd.RESET: chassis.ChassisControl.HARD_RESET,
    PowerCmd.PULSE: chassis.ChassisControl.DIAGNOSTIC_INTERRUPT,
    PowerCmd.SOFT: chassis.ChassisControl.SOFT_SHUTDOWN,
}

# Completion code 0xD5 on Chassis Control: "request parameter not supported".
_CC_PARAMETER_NOT_SUPPORTED = 0xD5

# Dell C410x: the power sensor of slot N is 0x50 + N - 1; slot power has an OEM command.
C410X_FIRST_SENSOR = 0x50
GET_SENSOR_READING = CommandSpec("get_sensor_reading", 0x04, 0x2D, 3)
C410X_SLOT_POWER_CONTROL = CommandSpec("c410x_slot_power_control", 0x30, 0xF0, 0)


class Plan:
    """Everything a host's script needs to know besides its session.

    ``wait_timeout``: seconds between power-state polls (``--wait-until-on/off``).
    """

    __slots__ = ("cmd", "lan20", "on_if_off", "wait_timeout", "wait_until_off", "wait_until_on")

    def __init__(self, cmd: PowerCmd, lan20: bool = False, on_if_off: bool = False, wait_until_on: bool = False,
                 wait_until_off: bool = False, wait_timeout: float = 0.5) -> None:
        self.cmd = cmd
        self.lan20 = lan20
        self.on_if_off = on_if_off
        self.wait_until_on = wait_until_on
        self.wait_until_off = wait_until_off
        self.wait_timeout = wait_timeout


def _bad_completion_code(plan: Plan, cc: int, chassis_control: bool = False) -> Outcome | None:
    """ipmipower's result for a non-zero completion code on an in-session command.

    IPMI 2.0: nothing is printed (1.6.10 never reports it). IPMI 1.5: ``operation
    invalid`` for an unsupported Chassis Control parameter, ``BMC error`` otherwise.
    """
    if plan.lan20:
        return None
    if chassis_control and cc == _CC_PARAMETER_NOT_SUPPORTED:
        return Outcome.OPERATION_INVALID
    return Outcome.BMC_ERROR


# Most data bytes FreeIPMI's response templates hold (command code and completion code
# aside). A longer reply fails its checksum check there (the extra bytes are cut off
# before the sum is taken), so ipmipower treats it as lost and resends.
_MAX_DATA = {"get_chassis_status": 4, "chassis_control": 0, "chassis_identify": 0,
             "get_sensor_reading": 4, "c410x_slot_power_control": 0}


def _ask(request: Request, interval: float | None = None, poll: bool = False) -> Script:
    """Send ``request``; return the first reply ipmipower would accept.

    ``poll``: ask again once the wait interval has passed (``--wait-until-on/off``).
    """
    limit = _MAX_DATA.get(request.spec.name)
    reply = yield Send(request, interval=interval, poll=poll)
    while limit is not None and len(reply.data) > limit:
        reply = yield Send(request, interval=interval, resend=True)
    return reply


def _waits(plan: Plan, cmd: PowerCmd) -> bool:
    return (plan.wait_until_on and cmd is PowerCmd.ON) or (plan.wait_until_off and cmd is PowerCmd.OFF)


def power_script(plan: Plan) -> Script:
    """The standard (non-OEM) operations: Get Chassis Status, Chassis Control, Chassis Identify."""
    cmd = plan.cmd
    if cmd in (PowerCmd.STAT, PowerCmd.IDENTIFY_STATUS) or (
            plan.on_if_off and cmd in (PowerCmd.CYCLE, PowerCmd.RESET)):
        reply = yield from _ask(chassis.get_chassis_status())
        if reply.completion_code:
            return _bad_completion_code(plan, reply.completion_code)
        power_on = bool(reply.data[0] & 0x01)
        if cmd is PowerCmd.STAT:
            return Outcome.ON if power_on else Outcome.OFF
        if cmd is PowerCmd.IDENTIFY_STATUS:
            misc = reply.data[2]
            if not misc & 0x40:                 # identify state not reported
                return Outcome.UNKNOWN
            state = (misc >> 4) & 0x03
            return Outcome.OFF if state == 0 else Outcome.ON if state in (1, 2) else Outcome.UNKNOWN
        if not power_on:
            cmd = PowerCmd.ON                    # --on-if-off: a host that is off is powered on instead
    if cmd in (PowerCmd.IDENTIFY_ON, PowerCmd.IDENTIFY_OFF):
        on = cmd is PowerCmd.IDENTIFY_ON
        reply = yield from _ask(chassis.chassis_identify(0xFF if on else 0, force=on))
        if reply.completion_code:
            return _bad_completion_code(plan, reply.completion_code)
        return Outcome.OK
    reply = yield from _ask(chassis.chassis_control(_CONTROL[cmd]))
    if reply.completion_code:
        return _bad_completion_code(plan, reply.completion_code, chassis_control=True)
    if _waits(plan, cmd):
        want_on = cmd is PowerCmd.ON
        reply = yield from _ask(chassis.get_chassis_status(), plan.wait_timeout)
        while True:
            if reply.completion_code:
                return _bad_completion_code(plan, reply.completion_code)
            if bool(reply.data[0] & 0x01) == want_on:
                return Outcome.OK
            reply = yield from _ask(chassis.get_chassis_status(), plan.wait_timeout, poll=True)
    if cmd is PowerCmd.RESET:
        return Finish(Outcome.OK, close=False)   # some BMCs never answer Close Session after a reset
    return Outcome.OK


def _sensor_reading(slot: int) -> Request:
    return Request(GET_SENSOR_READING, bytes((C410X_FIRST_SENSOR + slot - 1,)))


def c410x_script(plan: Plan, slot: int) -> Script:
    """Dell C410x slot power: read the slot's power sensor, switch the slot if needed."""
    cmd = plan.cmd
    waiting = False
    reply = yield from _ask(_sensor_reading(slot))
    while True:
        if reply.completion_code:
            return _bad_completion_code(plan, reply.completion_code)
        reading, flags = reply.data[0], reply.data[1]
        if flags & 0x20 or not flags & 0x40:     # reading unavailable, or scanning disabled
            return Outcome.BMC_ERROR
        slot_on = reading > 1                    # an idle slot can read 1 (about 2 W)
        if waiting:
            if slot_on == (cmd is PowerCmd.ON):
                return Outcome.OK
            reply = yield from _ask(_sensor_reading(slot), plan.wait_timeout, poll=True)
            continue
        if cmd is PowerCmd.STAT:
            return Outcome.ON if slot_on else Outcome.OFF
        if slot_on == (cmd is PowerCmd.ON):
            return Outcome.OK
        reply = yield from _ask(Request(C410X_SLOT_POWER_CONTROL, (1 << (slot - 1)).to_bytes(2, "little")))
        if reply.completion_code:
            return _bad_completion_code(plan, reply.completion_code)
        if not _waits(plan, cmd):
            return Outcome.OK
        waiting = True
        reply = yield from _ask(_sensor_reading(slot), plan.wait_timeout)


def job_outcome(job: Job, lan20: bool) -> Outcome | None:
    """What ipmipower prints for a finished (or failed) job; None: nothing at all."""
    if job.error is not None:
        return Outcome.BMC_ERROR
    if job.finished_script:
        return job.result
    failure = job.failure
    if failure is None:
        return None
    if lan20 and failure.completion_code is not None and failure.stage is Stage.SET_PRIVILEGE:
        return None          # 1.6.10 is silent about in-session completion codes over IPMI 2.0
    return failure.outcome


# --- hosts as connections -------------------------------------------------------------

class Connection:
    """One configured BMC: the name ipmipower prints, where to send, OEM arguments."""

    __slots__ = ("address", "extra_args", "family", "hostname")

    def __init__(self, hostname: str, address: tuple, family: int, extra_args: list[str | None]) -> None:
        self.hostname = hostname
        self.address = address
        self.family = family
        self.extra_args = extra_args


class HostsFailed(Exception):
    """Some host of the list is invalid; the ``invalid hostname`` lines were emitted.

    ``errno`` is the value C's errno would hold afterwards (interactive mode may print it).
    """

    def __init__(self, errno: int) -> None:
        super().__init__(errno)
        self.errno = errno


def build_connections(text: str, oem: bool, invalid: Callable[[str], None]) -> list[Connection]:
    """Turn a ``-h`` host list into connections the way ipmipower 1.6.10 does.

    ``invalid(name)`` is called for each bad or unresolvable host, in order; then
    :class:`HostsFailed` is raised (no host is contacted). FreeIPMI's own aborts raise
    :class:`~.output.Fatal`.
    """
    import errno as errno_codes

    from .. import transport
    from ..cli.hostlist import HostlistError
    from ..cli.hosts import HostsFatal, plan_targets
    from .output import Fatal

    try:
        targets = plan_targets(text, oem)
    except HostlistError as err:
        invalid(text)
        raise HostsFailed(err.errno) from None
    except HostsFatal as err:
        raise Fatal(err.message) from None
    connections: list[Connection] = []
    failed = False
    # Each distinct name is looked up once: ``host:port`` lists (BMCs port-forwarded behind
    # one address, a rack of simulators) repeat a name with other ports, and every lookup
    # costs glibc a netlink round trip for AI_ADDRCONFIG.  The answer does not depend on
    # the port, which is put into the address afterwards.
    lookups: dict[str, tuple[int, tuple] | transport.HostResolutionError] = {}
    for target in targets:
        spec = target.spec
        if spec is None:
            invalid(target.display)
            failed = True
            continue
        found = lookups.get(spec.name)
        if found is None:
            try:
                found = transport.resolve(spec.name, spec.port)
            except transport.HostResolutionError as err:
                found = err
            lookups[spec.name] = found
        if isinstance(found, transport.HostResolutionError):
            if found.no_such_name:
                invalid(spec.display)
                failed = True
                continue
            raise Fatal(f"getaddrinfo() {spec.name}: {found.message}") from None
        family, address = found
        if address[1] != spec.port:
            address = (address[0], spec.port, *address[2:])
        connections.append(Connection(spec.display, address, family, list(target.extra_args)))
    if failed:
        raise HostsFailed(errno_codes.EBADF)   # C closed the failed connection's socket, -1
    return connections


# --- several jobs on one BMC, one after the other ---------------------------------------

class HostRun:
    """The jobs for one BMC run in turn (C410x slots share one BMC, as in ipmipower).

    Each job gets fresh sockets (socket indexes shifted past the previous job's), just
    as ipmipower drains its connection before the next command.
    """

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.index = 0
        self.offset = 0
        self.highest = -1
        self.address = jobs[0].address
        self.family = jobs[0].family
        self._leftover: list[Datagram] = []

    @property
    def current(self) -> Job:
        return self.jobs[self.index]

    @property
    def done(self) -> bool:
        return self.index >= len(self.jobs)

    @property
    def min_socket_index(self) -> int:
        if self.done:
            return self.highest + 1
        return self.offset + self.current.min_socket_index

    def start(self, now: float) -> None:
        self.current.start(now)
        self._advance(now)

    def datagrams_to_send(self) -> list[Datagram]:
        out, self._leftover = self._leftover, []
        if not self.done:
            out += self._shift(self.current.datagrams_to_send())
        return out

    def _shift(self, datagrams: list[Datagram]) -> list[Datagram]:
        shifted = []
        for dgram in datagrams:
            index = dgram.socket_index + self.offset
            self.highest = max(self.highest, index)
            shifted.append(Datagram(dgram.data, index))
        return shifted

    def receive_datagram(self, data: bytes, source_ip: str, socket_index: int, now: float) -> None:
        if self.done or socket_index < self.offset:
            return                               # a late reply to an earlier job
        self.current.receive_datagram(data, source_ip, socket_index - self.offset, now)
        self._advance(now)

    def next_deadline(self) -> float | None:
        return None if self.done else self.current.next_deadline()

    def handle_timer(self, now: float) -> None:
        if not self.done:
            self.current.handle_timer(now)
            self._advance(now)

    def socket_error(self, err: int) -> None:
        if not self.done:
            self.current.socket_error(err)
            import time
            self._advance(time.monotonic())

    def _advance(self, now: float) -> None:
        while not self.done and self.current.done:
            self._leftover += self._shift(self.current.datagrams_to_send())
            self.index += 1
            self.offset = self.highest + 1
            if not self.done:
                self.current.start(now)


# --- jobs ---------------------------------------------------------------------------------

_AUTH_TYPE_NUMBERS = frozenset(AUTH_TYPES.values())


class PowerJob(Job):
    """A host's job plus what its output line names: the connection and OEM argument."""

    def __init__(self, session: Session, script: Script, connection: Connection, extra: str | None,
                 on_result: Callable[[Job], None] | None = None) -> None:
        super().__init__(session, script, connection.address, connection.family, on_result)
        self.connection = connection
        self.extra = extra


class DoomedPowerJob(PowerJob):
    """A job for settings 1.6.10 cannot run: it raises FreeIPMI's abort ``fatal`` once the
    session reaches one of ``stages`` (or fails with ``outcome``)."""

    def __init__(self, session: Session, script: Script, connection: Connection, extra: str | None,
                 on_result: Callable[[Job], None] | None, fatal: Fatal, stages: frozenset[Stage],
                 outcome: Outcome | None) -> None:
        super().__init__(session, script, connection, extra, on_result)
        self._fatal = fatal
        self._fatal_stages = stages
        self._fatal_outcome = outcome

    def receive_datagram(self, data: bytes, source_ip: str, socket_index: int, now: float) -> None:
        super().receive_datagram(data, source_ip, socket_index, now)
        if self.session.stage in self._fatal_stages:
            raise self._fatal

    def on_event(self, event: Event, now: float) -> None:
        if isinstance(event, Failed) and event.outcome is self._fatal_outcome:
            raise self._fatal
        super().on_event(event, now)


def _session_options(settings: Any) -> dict[str, Any]:
    """Every :class:`~..session.SessionConfig` field but the host, from ipmipower's settings."""
    from ..crypto.authcode15 import AuthType
    from ..session import Driver, Flavor, Privilege
    from ..session.timing import Timing
    auth = settings.auth_type if settings.auth_type in _AUTH_TYPE_NUMBERS else AUTH_MD5
    return dict(
        username=settings.username,
        password=settings.password,
        k_g=settings.k_g or None,
        privilege=Privilege(settings.privilege),
        driver=Driver.LAN_2_0 if settings.driver == "lan_2_0" else Driver.LAN,
        auth_type=AuthType(auth),
        cipher_suite=settings.cipher_suite_id,
        workarounds=settings.workarounds,
        flavor=Flavor.IPMIPOWER,
        timing=Timing(settings.session_timeout / 1000.0, settings.retransmission_timeout / 1000.0,
                      settings.retransmission_backoff_count, idle=False),
    )


class JobMaker:
    """Makes one power command's job for each host; what the hosts share is worked out once."""

    def __init__(self, settings: Any, cmd: PowerCmd, on_result: Callable[[Job], None] | None,
                 trace: Callable[[str], None] | None) -> None:
        from ..session import SessionConfig, new_session
        self.on_result = on_result
        self.trace = trace
        self.plan = Plan(cmd, settings.lan20, settings.on_if_off, settings.wait_until_on,
                         settings.wait_until_off, settings.retransmission_wait_timeout / 1000.0)
        self.c410x = settings.c410x
        self.options = _session_options(settings)
        self.new_config = SessionConfig
        self.new_session = new_session
        self.driver = settings.driver
        self.auth_type = settings.auth_type
        self.authcap = "authcap" in settings.workarounds

    def make(self, connection: Connection, extra: str | None) -> PowerJob:
        """The job for ``connection`` (and the C410x slot ``extra``), ready for the transport."""
        slot = c410x_slot(extra) if self.c410x else None
        script = c410x_script(self.plan, slot) if slot is not None else power_script(self.plan)
        session = self.new_session(self.new_config(host=connection.hostname, **self.options),
                                   connection.address[0], trace=self.trace)
        if self.driver in ("lan", "lan_2_0") and (self.driver == "lan_2_0"
                                                  or self.auth_type in _AUTH_TYPE_NUMBERS):
            return PowerJob(session, script, connection, extra, self.on_result)
        return DoomedPowerJob(session, script, connection, extra, self.on_result, *self._fatal(connection))

    def _fatal(self, connection: Connection) -> tuple[Fatal, frozenset[Stage], Outcome | None]:
        """The FreeIPMI abort a job must reproduce for settings 1.6.10 cannot run."""
        from .output import Fatal
        if self.driver not in ("lan", "lan_2_0"):
            # an in-band driver name from the configuration file: 1.6.10 runs the IPMI 1.5
            # handshake, then cannot build Set Session Privilege Level
            return (Fatal(f"host = {connection.hostname}; p = 3; invalid logic",
                          ("ipmipower_packet.c", "ipmipower_packet_create", 1221)),
                    frozenset((Stage.SET_PRIVILEGE,)), None)
        # interactive "privilege-level" wrote a privilege number into the authentication type
        if self.authcap:
            return Fatal("fill_cmd_get_session_challenge: Invalid argument"), frozenset((Stage.SESSION_CHALLENGE,)), None
        return (Fatal("ipmi_check_authentication_capabilities_authentication_type: Invalid argument"),
                frozenset((Stage.SESSION_CHALLENGE,)), Outcome.AUTH_TYPE_UNAVAILABLE)
