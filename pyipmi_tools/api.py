"""The library API: talk to one BMC (:class:`Bmc`) or to many at once (:func:`run_many`).

One BMC, one session, several commands::

    from pyipmi_tools.api import Bmc

    with Bmc("10.0.0.5", "admin", "password", privilege="ADMIN") as bmc:
        if not bmc.power_state():
            bmc.power("on")
        bmc.set_boot_device("PXE")

Many BMCs, one operation each, concurrently::

    from pyipmi_tools.api import run_many

    results = run_many(["10.0.0.5", "10.0.0.6:6230"], "stat", username="admin", password="password")
    # {"10.0.0.5": "on", "10.0.0.6:6230": IpmiError(...)}

Every command is a small generator *script* (see :class:`Operations`); :class:`Bmc` runs
them one at a time over its open session, :func:`run_many` runs one per host through the
transport's event loop. Failures are :class:`~pyipmi_tools.outcomes.IpmiError` carrying
FreeIPMI's outcome text, the host and, for a bad completion code, the code and command.

Nothing here opens a socket itself: :mod:`pyipmi_tools.transport` does all I/O.
"""

from __future__ import annotations

import types
from .record import record, replace
from typing import TYPE_CHECKING, Any, Callable, Iterable, Union

from . import transport
from .commands import Request, raw_spec
from .commands import app, chassis
from .commands.app import DeviceId
from .commands.chassis import BootDevice, BootFlags, BootOption, ChassisControl, ChassisStatus, PowerRestorePolicy
from .crypto.authcode15 import AuthType
from .crypto.suites import SUPPORTED_SUITES
from .outcomes import IpmiError, Outcome, completion_code_outcome
from .session import Driver, Flavor, Privilege, SessionConfig, new_session
from .session.base import Session
from .session.events import Established, Event, Failed, Response
from .session.job import Finish, Job, Send, SessionEndpoint
from .session.timing import IPMIPOWER_TIMING, LIBFREEIPMI_TIMING, Timing
from .wire.message import Message
from .workarounds import Workarounds, parse_workarounds

if TYPE_CHECKING:
    from .session.job import Script
    from .session.trace import TraceSink

    Operation = Union[str, Callable[["Operations"], Script]]

__all__ = ["Bmc", "BootDevice", "BootFlags", "BootOption", "ChassisControl", "ChassisStatus", "DeviceId",
           "Driver", "Flavor", "IpmiError", "OPERATIONS", "Operations", "Outcome", "PowerRestorePolicy",
           "Privilege", "run_many", "split_host_port"]



POWER_ACTIONS = {
    "on": ChassisControl.POWER_UP,
    "off": ChassisControl.POWER_DOWN,
    "cycle": ChassisControl.POWER_CYCLE,
    "reset": ChassisControl.HARD_RESET,
    "pulse": ChassisControl.DIAGNOSTIC_INTERRUPT,
    "soft": ChassisControl.SOFT_SHUTDOWN,
}

# ipmi-chassis-config commits boot flags and then writes these two parameters.
_VALID_BIT_CLEARING = bytes((0x1F,))    # param 3: keep the valid bit on every event
_INFO_ACKNOWLEDGE = bytes((0xFF, 0xFF))  # param 4: acknowledge boot info for every initiator


# --- the commands as scripts ------------------------------------------------------------

class Operations:
    """The API's commands as generator scripts, to ``yield from`` in a script of your own.

    Each method returns a generator that yields requests and gets the replies back; it
    returns the decoded answer and raises :class:`IpmiError` on a non-zero completion
    code. :class:`Bmc` has the same methods, returning the answers directly::

        def reboot_to_pxe(ops: Operations):
            yield from ops.set_boot_device("PXE")
            if (yield from ops.power_state()):
                yield from ops.power("cycle")
            else:
                yield from ops.power("on")
            return "ok"

        run_many(hosts, reboot_to_pxe, username="admin", password="password")
    """

    def __init__(self, host: str = "") -> None:
        self.host = host

    def call(self, request: Request) -> Script:
        """Send one request; return its reply data (IpmiError on a non-zero completion code)."""
        reply = yield request
        cc = reply.completion_code or 0
        if cc:
            raise IpmiError(completion_code_outcome(cc), self.host, f"completion code {cc:#04x}",
                            completion_code=cc, command=request.spec.name)
        return reply.data

    def raw(self, netfn: int, cmd: int, data: bytes = b"") -> Script:
        """Any command; returns ``(completion code, data)`` and never raises on the code."""
        if not (0 <= netfn <= 0x3F and netfn % 2 == 0) or not 0 <= cmd <= 0xFF:
            raise ValueError(f"netfn {netfn:#x} / cmd {cmd:#x}: need an even netfn <= 0x3e and a cmd <= 0xff")
        reply = yield Request(raw_spec(netfn, cmd), bytes(data))
        return reply.completion_code or 0, reply.data

    def device_id(self) -> Script:
        """Get Device ID, decoded."""
        return app.decode_device_id((yield from self.call(app.get_device_id())))

    def cipher_suites(self, channel: int = app.CURRENT_CHANNEL) -> Script:
        """Cipher suite IDs the channel offers (Get Channel Cipher Suites, block by block)."""
        records = b""
        for index in range(64):
            data = yield from self.call(app.get_channel_cipher_suites(index, channel))
            block = app.decode_cipher_suite_block(data)[1]
            records += block
            if len(block) < 16:
                break
        return app.parse_cipher_suite_records(records)

    def chassis_status(self) -> Script:
        """Get Chassis Status, decoded."""
        return chassis.decode_chassis_status((yield from self.call(chassis.get_chassis_status())))

    def power_state(self) -> Script:
        """True when the chassis reports power on."""
        return (yield from self.chassis_status()).power_on

    def power(self, action: "str | ChassisControl") -> Script:
        """Chassis Control: 'on', 'off', 'cycle', 'reset', 'pulse' (diagnostic interrupt) or 'soft'."""
        yield from self.call(chassis.chassis_control(_control(action)))

    def identify(self, on: "bool | int" = True) -> Script:
        """Chassis Identify: True = on until turned off, False = off, a number = on for that many seconds."""
        if isinstance(on, bool):
            request = chassis.chassis_identify(0xFF, force=True) if on else chassis.chassis_identify(0)
        elif 0 <= on <= 255:
            request = chassis.chassis_identify(int(on))
        else:
            raise ValueError(f"identify interval {on} is outside 0..255 seconds")
        yield from self.call(request)

    def get_boot_option(self, param: int, set_selector: int = 0, block_selector: int = 0) -> Script:
        """Get System Boot Options for one parameter."""
        data = yield from self.call(chassis.get_system_boot_options(param, set_selector, block_selector))
        return chassis.decode_boot_option(data)

    def set_boot_option(self, param: int, data: bytes) -> Script:
        """Set System Boot Options: write ``data`` to parameter ``param`` as is."""
        yield from self.call(chassis.set_system_boot_options(param, bytes(data)))

    def boot_flags(self) -> Script:
        """Boot option parameter 5 (boot flags), decoded."""
        option = yield from self.get_boot_option(chassis.BOOT_PARAM_BOOT_FLAGS)
        return BootFlags.decode(option.data)

    def set_boot_flags(self, flags: BootFlags) -> Script:
        """Write boot flags the way ipmi-chassis-config commits them.

        Parameter 5 goes out with the valid bit set whatever ``flags.valid`` says; then
        parameter 3 (valid bit clearing) is set to 0x1F, so that no reset, power button,
        watchdog, chassis control or PEF event clears the flags before the firmware reads
        them, and parameter 4 (boot info acknowledge) to 0xFF 0xFF.
        """
        yield from self.set_boot_option(chassis.BOOT_PARAM_BOOT_FLAGS, replace(flags, valid=True).encode())
        yield from self.set_boot_option(chassis.BOOT_PARAM_VALID_BIT_CLEARING, _VALID_BIT_CLEARING)
        yield from self.set_boot_option(chassis.BOOT_PARAM_INFO_ACKNOWLEDGE, _INFO_ACKNOWLEDGE)

    def set_boot_device(self, device: "BootDevice | int | str", *, persistent: bool = False,
                        efi: bool = False) -> Script:
        """Boot from ``device`` next time (or every time: ``persistent``); other flags cleared."""
        yield from self.set_boot_flags(BootFlags(valid=True, persistent=persistent, efi=efi,
                                                 device=BootDevice.parse(device)))

    def set_power_restore_policy(self, policy: "PowerRestorePolicy | int | str") -> Script:
        """Set Power Restore Policy ('always-off', 'restore', 'always-on'); returns the supported-policy bitmap."""
        if isinstance(policy, str):
            try:
                policy = PowerRestorePolicy[policy.strip().upper().replace("-", "_")]
            except KeyError:
                raise ValueError(f"unknown power restore policy {policy!r}") from None
        data = yield from self.call(chassis.set_power_restore_policy(int(policy)))
        return chassis.decode_power_restore_policy_support(data)

    def set_power_cycle_interval(self, seconds: int) -> Script:
        """Set Power Cycle Interval (seconds the chassis stays off during a cycle)."""
        if not 0 <= seconds <= 255:
            raise ValueError(f"power cycle interval {seconds} is outside 0..255 seconds")
        yield from self.call(chassis.set_power_cycle_interval(seconds))

    def set_front_panel_enables(self, *, disable_power_off: bool = False, disable_reset: bool = False,
                                disable_diag_interrupt: bool = False, disable_standby: bool = False) -> Script:
        """Set Front Panel Button Enables (True disables that button)."""
        yield from self.call(chassis.set_front_panel_enables(disable_power_off, disable_reset,
                                                             disable_diag_interrupt, disable_standby))


def _control(action: "str | ChassisControl") -> ChassisControl:
    if isinstance(action, ChassisControl):
        return action
    try:
        return POWER_ACTIONS[action.strip().lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"unknown power action {action!r}; use one of {', '.join(POWER_ACTIONS)}") from None


def _power_words(action: str) -> Callable[[Operations], Script]:
    def script(ops: Operations) -> Script:
        yield from ops.power(action)
        return "ok"
    return script


def _stat(ops: Operations) -> Script:
    return "on" if (yield from ops.power_state()) else "off"


def _identify(on: bool) -> Callable[[Operations], Script]:
    def script(ops: Operations) -> Script:
        yield from ops.identify(on)
        return "ok"
    return script


#: Operations known by name. Power operations answer in ipmipower's words ("on", "off", "ok").
OPERATIONS: dict[str, Callable[[Operations], Script]] = {
    "stat": _stat,
    **{name: _power_words(name) for name in POWER_ACTIONS},
    "identify-on": _identify(True),
    "identify-off": _identify(False),
    "chassis-status": lambda ops: ops.chassis_status(),
    "bootflags": lambda ops: ops.boot_flags(),
    "device-id": lambda ops: ops.device_id(),
    "cipher-suites": lambda ops: ops.cipher_suites(),
}


def _script_for(operation: Operation, ops: Operations) -> Script:
    if isinstance(operation, str):
        try:
            make = OPERATIONS[operation]
        except KeyError:
            raise ValueError(f"unknown operation {operation!r}; named ones: {', '.join(OPERATIONS)}") from None
    else:
        make = operation
    script = make(ops)
    if not isinstance(script, types.GeneratorType):
        raise TypeError(f"operation {operation!r} returned {type(script).__name__}, not a generator script "
                        "(call an Operations method, or write a generator function)")
    return script


# --- settings -----------------------------------------------------------------------------

@record
class _Settings:
    config: SessionConfig
    port: int
    debug: TraceSink | None


def _secret(value: "str | bytes | None", what: str, limit: int) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = bytes.fromhex(value[2:]) if what == "K_g" and value.lower().startswith("0x") else value.encode()
    if len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} bytes")
    return bytes(value)


def _member(enum_type: Any, value: Any, what: str) -> Any:
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        key = value.strip().upper().replace("-", "_")
        key = {"ADMINISTRATOR": "ADMIN", "LAN_2": "LAN_2_0", "LANPLUS": "LAN_2_0",
               "STRAIGHT_PASSWORD_KEY": "STRAIGHT_PASSWORD"}.get(key, key)
        if key in enum_type.__members__:
            return enum_type[key]
    raise ValueError(f"unknown {what} {value!r}")


def _settings(username: "str | bytes | None" = None, password: "str | bytes | None" = None, *,
              port: int = 623, k_g: "str | bytes | None" = None, privilege: "str | Privilege" = "OPERATOR",
              driver: "str | Driver" = "LAN_2_0", cipher_suite: int = 3, auth_type: "str | AuthType" = "MD5",
              workarounds: "str | Workarounds" = "", session_timeout: float = 20.0,
              retransmission_timeout: float | None = None, flavor: "str | Flavor" = Flavor.LIBFREEIPMI,
              debug: TraceSink | None = None) -> _Settings:
    """Check and convert the keyword arguments :class:`Bmc` and :func:`run_many` share."""
    driver = _member(Driver, driver, "driver")
    if isinstance(flavor, str):
        flavor = Flavor(flavor.lower())
    if driver is Driver.LAN_2_0 and cipher_suite not in SUPPORTED_SUITES:
        raise ValueError(f"cipher suite {cipher_suite} is not supported (supported: {sorted(SUPPORTED_SUITES)})")
    if not 0 < port < 65536:
        raise ValueError(f"port {port} is out of range")
    if session_timeout <= 0 or (retransmission_timeout is not None and retransmission_timeout <= 0):
        raise ValueError("timeouts must be positive")
    base = IPMIPOWER_TIMING if flavor is Flavor.IPMIPOWER else LIBFREEIPMI_TIMING
    timing = Timing(float(session_timeout), float(retransmission_timeout or base.retransmission_timeout),
                    base.backoff_count, base.idle)
    config = SessionConfig(
        username=_secret(username, "user name", 16),
        password=_secret(password, "password", 20 if driver is Driver.LAN_2_0 else 16),
        k_g=_secret(k_g, "K_g", 20),
        privilege=_member(Privilege, privilege, "privilege level"),
        driver=driver,
        auth_type=_member(AuthType, auth_type, "authentication type"),
        cipher_suite=cipher_suite,
        workarounds=parse_workarounds(workarounds) if isinstance(workarounds, str) else workarounds,
        flavor=flavor,
        timing=timing,
    )
    return _Settings(config, port, debug)


def split_host_port(host: str, default_port: int = 623) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6 address]`` or ``[v6 address]:port`` -> (name, port).

    A bare IPv6 address (several colons) carries no port. Raises ValueError when malformed.
    """
    name, port_text = host, ""
    if host.startswith("["):
        name, bracket, rest = host[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"malformed host {host!r}")
        port_text = rest[1:] if rest else ""
        if rest and not port_text:
            raise ValueError(f"malformed host {host!r}")
    elif host.count(":") == 1:
        name, _, port_text = host.partition(":")
        if not port_text:
            raise ValueError(f"malformed host {host!r}")
    if not name:
        raise ValueError(f"malformed host {host!r}")
    if not port_text:
        return name, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"bad port in host {host!r}")
    return name, int(port_text)


def _resolve(host: str, default_port: int) -> tuple[int, tuple]:
    """(family, sockaddr) for a host string; IpmiError 'invalid hostname' when that fails."""
    try:
        return transport.resolve(*split_host_port(host, default_port))
    except (ValueError, transport.HostResolutionError) as err:
        raise IpmiError(Outcome.INVALID_HOSTNAME, host, str(err)) from None


def _error(failure: Failed, host: str) -> IpmiError:
    return IpmiError(failure.outcome, host, failure.detail, failure.completion_code, failure.command)


# --- one BMC ------------------------------------------------------------------------------

class _Channel(SessionEndpoint):
    """A session as a transport endpoint that remembers what happened for its owner."""

    def __init__(self, session: Session, address: tuple, family: int) -> None:
        super().__init__(session, address, family)
        self.established = False
        self.failure: Failed | None = None
        self.reply: Message | None = None

    def on_event(self, event: Event, now: float) -> None:
        if isinstance(event, Established):
            self.established = True
        elif isinstance(event, Response):
            self.reply = event.message
        elif isinstance(event, Failed) and self.failure is None:
            self.failure = event


class Bmc:
    """One BMC over one IPMI session: open it with ``with``, then call commands.

    ``host`` may carry a port (``host:port``, ``[v6]:port``), which then wins over
    ``port``. The keyword arguments follow FreeIPMI's options: ``driver`` 'LAN_2_0'
    (RMCP+, ``cipher_suite``) or 'LAN' (IPMI 1.5, ``auth_type`` NONE/MD2/MD5/
    STRAIGHT_PASSWORD); ``workarounds`` is a ``-W`` list such as 'opensesspriv'.
    ``flavor`` picks whose timing to follow: 'libfreeipmi' (the default: 1 s resends,
    and ``session_timeout`` counts from the last valid reply, so it also bounds how long
    the session may sit idle between commands) or 'ipmipower' (400 ms resends, one total
    deadline for the whole session). ``debug`` receives packet trace lines; no secret
    appears in them.

    Opening fails with :class:`IpmiError` (FreeIPMI's outcome, ``.host`` set). Each
    command raises :class:`IpmiError` on a non-zero completion code (``.completion_code``
    and ``.command`` set) and leaves the session usable; a session timeout ends the
    session. Leaving the ``with`` block sends Close Session. Not thread-safe.
    """

    def __init__(self, host: str, username: "str | bytes | None" = None, password: "str | bytes | None" = None,
                 *, port: int = 623, k_g: "str | bytes | None" = None, privilege: "str | Privilege" = "OPERATOR",
                 driver: "str | Driver" = "LAN_2_0", cipher_suite: int = 3, auth_type: "str | AuthType" = "MD5",
                 workarounds: "str | Workarounds" = "", session_timeout: float = 20.0,
                 retransmission_timeout: float | None = None, flavor: "str | Flavor" = Flavor.LIBFREEIPMI,
                 debug: TraceSink | None = None) -> None:
        self.host = host
        self._settings = _settings(username, password, port=port, k_g=k_g, privilege=privilege, driver=driver,
                                   cipher_suite=cipher_suite, auth_type=auth_type, workarounds=workarounds,
                                   session_timeout=session_timeout, retransmission_timeout=retransmission_timeout,
                                   flavor=flavor, debug=debug)
        self.ops = Operations(host)
        self._channel: _Channel | None = None
        self._link: transport.Link | None = None
        self._error: IpmiError | None = None

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"<Bmc {self.host} {self._settings.config.driver.value} {state}>"

    # --- session life cycle ---------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._link is not None and self._error is None

    def open(self) -> "Bmc":
        """Establish the session (blocking); IpmiError when that fails."""
        if self._link is not None:
            raise RuntimeError(f"session to {self.host} is already open")
        family, address = _resolve(self.host, self._settings.port)
        session = new_session(replace(self._settings.config, host=self.host), address[0],
                              trace=self._settings.debug)
        channel = _Channel(session, address, family)
        link = transport.Link(channel)
        self._channel, self._link, self._error = channel, link, None
        try:
            link.drive(lambda: channel.established or channel.failure is not None)
            if not channel.established:
                self._fail(channel.failure)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Send Close Session (once, bounded by the retransmission timeout) and free the sockets."""
        link, channel = self._link, self._channel
        if link is None or channel is None:
            return
        try:
            if not channel.session.done and not link.closed:
                channel.session.close(link.clock())
                link.drive()
        finally:
            link.close()
            self._link = self._channel = None

    def __enter__(self) -> "Bmc":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fail(self, failure: Failed | None) -> None:
        """Let a failing session finish (it may still send Close Session), then raise."""
        assert self._link is not None
        self._link.drive()
        error = _error(failure, self.host) if failure else IpmiError(Outcome.BMC_ERROR, self.host, "session ended")
        self._error = error
        raise error

    # --- running scripts --------------------------------------------------------------------

    def run(self, operation: "Operation | Script") -> Any:
        """Run a script (or an operation as :func:`run_many` takes it) over the open session."""
        if self._error is not None:
            e = self._error
            raise IpmiError(e.outcome, e.host, f"the session has ended: {e.detail}", e.completion_code, e.command)
        if self._link is None or self._channel is None:
            raise RuntimeError(f"no open session to {self.host}: use 'with Bmc(...)' or open()")
        script = operation if isinstance(operation, types.GeneratorType) else _script_for(operation, self.ops)
        try:
            step = next(script)
            while True:
                reply = self._exchange(Send(step) if isinstance(step, Request) else step)
                step = script.send(reply)
        except StopIteration as stop:
            return stop.value.result if isinstance(stop.value, Finish) else stop.value
        finally:
            script.close()

    def _exchange(self, step: Send) -> Message:
        link, channel = self._link, self._channel
        assert link is not None and channel is not None
        channel.reply = None
        channel.session.send_command(step.request, link.clock(), interval=step.interval, poll=step.poll,
                                     resend=step.resend)
        link.drive(lambda: channel.reply is not None or channel.failure is not None)
        if channel.reply is None:
            self._fail(channel.failure)
        return channel.reply  # type: ignore[return-value]

    # --- commands (see Operations for what each one sends) ----------------------------------

    def raw(self, netfn: int, cmd: int, data: bytes = b"") -> tuple[int, bytes]:
        """Any command: ``(completion code, data)``; never raises on the completion code."""
        return self.run(self.ops.raw(netfn, cmd, data))

    def device_id(self) -> DeviceId:
        return self.run(self.ops.device_id())

    def cipher_suites(self, channel: int = app.CURRENT_CHANNEL) -> list[int]:
        return self.run(self.ops.cipher_suites(channel))

    def chassis_status(self) -> ChassisStatus:
        return self.run(self.ops.chassis_status())

    def power_state(self) -> bool:
        """True when the chassis is powered on."""
        return self.run(self.ops.power_state())

    def power(self, action: "str | ChassisControl") -> None:
        """'on', 'off', 'cycle', 'reset', 'pulse' or 'soft' (or a ChassisControl)."""
        self.run(self.ops.power(action))

    def identify(self, on: "bool | int" = True) -> None:
        """True: on until turned off; False: off; a number: on for that many seconds."""
        self.run(self.ops.identify(on))

    def get_boot_option(self, param: int, set_selector: int = 0, block_selector: int = 0) -> BootOption:
        return self.run(self.ops.get_boot_option(param, set_selector, block_selector))

    def set_boot_option(self, param: int, data: bytes) -> None:
        self.run(self.ops.set_boot_option(param, data))

    def boot_flags(self) -> BootFlags:
        return self.run(self.ops.boot_flags())

    def set_boot_flags(self, flags: BootFlags) -> None:
        """Parameter 5 with the valid bit set, then 3 = 0x1F and 4 = 0xFF 0xFF (as ipmi-chassis-config)."""
        self.run(self.ops.set_boot_flags(flags))

    def set_boot_device(self, device: "BootDevice | int | str", *, persistent: bool = False,
                        efi: bool = False) -> None:
        self.run(self.ops.set_boot_device(device, persistent=persistent, efi=efi))

    def set_power_restore_policy(self, policy: "PowerRestorePolicy | int | str") -> int:
        """Returns the bitmap of supported policies (bit 0 always-off, 1 restore, 2 always-on)."""
        return self.run(self.ops.set_power_restore_policy(policy))

    def set_power_cycle_interval(self, seconds: int) -> None:
        self.run(self.ops.set_power_cycle_interval(seconds))

    def set_front_panel_enables(self, *, disable_power_off: bool = False, disable_reset: bool = False,
                                disable_diag_interrupt: bool = False, disable_standby: bool = False) -> None:
        self.run(self.ops.set_front_panel_enables(
            disable_power_off=disable_power_off, disable_reset=disable_reset,
            disable_diag_interrupt=disable_diag_interrupt, disable_standby=disable_standby))


# --- many BMCs ----------------------------------------------------------------------------

def _job_result(job: Job) -> Any:
    if job.error is not None:
        return job.error
    if job.finished_script:
        return job.result
    if job.failure is not None:
        return _error(job.failure, job.host)
    return IpmiError(Outcome.BMC_ERROR, job.host, "session ended before the operation did")


def run_many(hosts: Iterable[str], operation: Operation, *, fanout: int = 64, **options: Any) -> dict[str, Any]:
    """Run one operation on every host concurrently; return ``{host: result or IpmiError}``.

    ``operation`` is a name from :data:`OPERATIONS` ('stat', 'on', 'off', 'cycle', 'reset',
    'pulse', 'soft', 'identify-on', 'identify-off', 'chassis-status', 'bootflags',
    'device-id', 'cipher-suites') or a callable that takes an :class:`Operations` and
    returns a generator script, e.g. ``lambda ops: ops.set_boot_device("PXE")``.
    ``options`` are :class:`Bmc`'s keyword arguments (bad ones raise at once).

    Hosts are ``host`` or ``host:port`` strings and key the result in input order; a
    host's failure (bad name, timeout, password, completion code, an exception in the
    script) is its value, never raised. At most ``fanout`` sessions run at once (0: all).
    """
    settings = _settings(**options)
    if isinstance(operation, str) and operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; named ones: {', '.join(OPERATIONS)}")
    results: dict[str, Any] = {}
    jobs: list[Job] = []
    for host in hosts:
        try:
            family, address = _resolve(host, settings.port)
            script = _script_for(operation, Operations(host))
        except Exception as err:  # a bad host name, or an operation that would not make a script
            results[host] = err
            continue
        session = new_session(replace(settings.config, host=host), address[0], trace=settings.debug)
        jobs.append(Job(session, script, address, family))
        results[host] = None
    transport.run(jobs, fanout=fanout)
    for job in jobs:
        results[job.host] = _job_result(job)
    return results
