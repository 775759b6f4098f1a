"""ipmipower's interactive mode: the ``ipmipower> `` prompt that powerman drives.

One loop multiplexes stdin, the discovery pings and the power sessions, in the order
of ipmipower's poll loop: read commands (only when no power command is pending),
advance the sessions, send and evaluate pings, wait, then read sockets and stdin and
write stdout. Consequences kept from 1.6.10: a power command typed before the first
pong arrives gets ``not discovered``; the prompt appears once per input line and only
when nothing is pending; ``privilege-level`` sets the authentication type; numeric
setters accept only what 1.6.10 accepts.

End of input: when stdin is a pipe or socket the remaining complete lines are
processed, the pending commands finish, and the program exits with status 1 (1.6.10
spins forever there). Any other kind of stdin at end of input (``/dev/null``, a file,
a terminal's Ctrl-D) exits with status 1 at once, as 1.6.10 does.
"""

from __future__ import annotations

import stat
import time
from posix import fstat

from .. import transport
from ..cli.cvalues import (
    AUTHENTICATION_TYPES,
    OUTOFBAND_DRIVER_TYPES,
    PRIVILEGE_LEVELS,
    SUPPORTED_CIPHER_SUITES,
    c_int,
    strtol_int,
)
from ..cli.hosts import split_extra_arg
from ..outcomes import Outcome
from ..posixio import fsdecode, read, strerror
from ..session.entropy import SystemBits
from ..workarounds import (
    OUTOFBAND_15,
    OUTOFBAND_20,
    Workarounds,
)
from . import operations as ops
from . import options as checks
from .operations import Connection, HostRun
from .options import (
    AUTH_NONE,
    AUTH_TYPES,
    PRIV_OPERATOR,
    PRIV_USER,
    PRIVILEGES,
    PowerCmd,
    Settings,
)
from .output import PROMPT, Fatal, Output, encode, write_all

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from collections.abc import Callable

VERSION = "1.6.10"
_STDIN = object()
_READ_SIZE = 65536
_OUTOFBAND = frozenset(OUTOFBAND_15 + OUTOFBAND_20)
# The order ipmipower's "config" lists the IPMI workaround flags in.
_CONFIG_FLAG_ORDER = ("authcap", "idzero", "forcepermsg", "unexpectedauth", "endianseq", "noauthcodecheck",
                      "nochecksumcheck", "intel20", "supermicro20", "sun20", "opensesspriv", "integritycheckvalue")
_FLAG_LIST = ("none,authcap,nochecksumcheck,idzero,forcepermsg,unexpectedauth,endianseq,noauthcodecheck,"
              "intel20,supermicro20,sun20,opensesspriv,integritycheckvalue,ipmiping")
_CONFIG_CIPHER_SUITES = (0, 1, 2, 3, 6, 7, 8, 11, 12)   # the ones "config" knows how to print
_AUTH_NAMES = {number: name for name, number in AUTH_TYPES.items()}
_PRIV_NAMES = {number: name for name, number in PRIVILEGES.items()}
_AUTH_WORDS = {word: AUTH_TYPES[name] for word, name in AUTHENTICATION_TYPES.items()}
_PRIV_WORDS = {word: PRIVILEGES[name] for word, name in PRIVILEGE_LEVELS.items()}
_POWER_WORDS = {
    "on": PowerCmd.ON, "off": PowerCmd.OFF, "cycle": PowerCmd.CYCLE, "reset": PowerCmd.RESET,
    "stat": PowerCmd.STAT, "pulse": PowerCmd.PULSE, "soft": PowerCmd.SOFT, "identify-on": PowerCmd.IDENTIFY_ON,
    "identify-off": PowerCmd.IDENTIFY_OFF, "identify-status": PowerCmd.IDENTIFY_STATUS,
}
HELP = (
    "driver-type IPMIDRIVER                   - Specify the ipmi driver to use.\n"
    "hostname [IPMIHOST]                      - Specify a new set of hosts.  No input to unconfigure all hosts.\n"
    "username [USERNAME]                      - Specify a new username.  No input for null username.\n"
    "password [PASSWORD]                      - Specify a new password.  No input for null password.\n"
    "k_g [K_G]                                - Specify a new K_g BMC Key.  No input for null key.\n"
    "session-timeout MILLISECONDS             - Specify a new session timeout length.\n"
    "retransmission-timeout MILLISECONDS      - Specify a new retransmission timeout length.\n"
    "authentication-type AUTHENTICATION-TYPE  - Specify the authentication type to use.\n"
    "cipher-suite-id CIPHER-SUITE-ID          - Specify the cipher suite id to use.\n"
    "privilege-level PRIVILEGE-LEVEL          - Specify the privilege level to use.\n"
    "workaround-flags WORKAROUNDS             - Specify workaround flags.\n"
    "debug [on|off]                           - Toggle debug to stderr.\n"
    "on [IPMIHOST(s)]                         - Turn on all configured hosts or specified hosts.\n"
    "off [IPMIHOST(s)]                        - Turn off all configured hosts or specified hosts.\n"
    "cycle [IPMIHOST(s)]                      - Power cycle all configured hosts or specified hosts.\n"
    "reset [IPMIHOST(s)]                      - Reset all configured hosts or specified hosts.\n"
    "stat [IPMIHOST(s)]                       - Query power status for all configured hosts or specified hosts.\n"
    "pulse [IPMIHOST(s)]                      - Pulse diagnostic interrupt all configured hosts or specified hosts.\n"
    "soft [IPMIHOST(s)]                       - Initiate a soft-shutdown for all configured hosts or specified hosts.\n"
    "identify-on [IPMIHOST(s)]                - Turn on physical system identification.\n"
    "identify-off [IPMIHOST(s)]               - Turn off physical system identification.\n"
    "identify-status [IPMIHOST(s)]            - Query physical system identification status.\n"
    "on-if-off [on|off]                       - Toggle on-if-off functionality.\n"
    "wait-until-on [on|off]                   - Toggle wait-until-on functionality.\n"
    "wait-until-off [on|off]                  - Toggle wait-until-off functionality.\n"
    "retransmission-wait-timeout MILLISECONDS - Specify a new retransmission timeout length.\n"
    "retransmission-backoff-count COUNT       - Specify a new retransmission backoff count.\n"
    "ping-interval MILLISECONDS               - Specify a new ping interval length.\n"
    "ping-timeout MILLISECONDS                - Specify a new ping timeout length.\n"
    "ping-packet-count COUNT                  - Specify a new ping packet count.\n"
    "ping-percent COUNT                       - Specify a new ping percent number.\n"
    "ping-consec-count COUNT                  - Specify a new ping consec count.\n"
    "buffer-output [on|off]                   - Toggle buffer-output functionality.\n"
    "consolidate-output [on|off]              - Toggle consolidate-output functionality.\n"
    "fanout COUNT                             - Specify a fanout.\n"
    "always-prefix [on|off]                   - Toggle always-prefix functionality.\n"
    "help                                     - Output help menu.\n"
    "version                                  - Output version.\n"
    "config                                   - Output current configuration.\n"
    "quit                                     - Quit program.\n"
)

DISCOVERED, UNDISCOVERED, BAD_CONNECTION = "discovered", "undiscovered", "bad connection"
_ASF_TAG_MODULUS = 0xFF      # RMCP ASF message tags run 0..0xFE


def _c_strtoul(text: str) -> tuple[int, bool]:
    """C ``strtoul(text, &end, 10)``: (value, valid = no overflow and the whole string used)."""
    body = text.lstrip(" \t\n\v\f\r")
    negative = body[:1] == "-"
    if body[:1] in ("+", "-"):
        body = body[1:]
    digits = len(body) - len(body.lstrip("0123456789"))
    if not digits:
        return 0, text == ""                 # no number: the end pointer stays at the start
    if digits != len(body):
        return 0, False
    value = int(body)
    if value > 0xFFFFFFFFFFFFFFFF:
        return 0, False                      # ERANGE
    return (-value if negative else value) & 0xFFFFFFFFFFFFFFFF, True


class Pinger:
    """Discovery pings to one BMC (a transport endpoint with its own socket)."""

    def __init__(self, connection: Connection, rng: SystemBits) -> None:
        self.connection = connection
        self.address = connection.address
        self.family = connection.family
        self.done = False
        self.min_socket_index = 0
        self.counter = rng.getrandbits(32)
        self.state = UNDISCOVERED
        self.link_good = True
        self.last_recv_flag = False
        self.sent = 0
        self.received = 0
        self.consec = 0
        self.last_recv = float("-inf")
        self._outbox: list[transport.Datagram] = []
        self.inbox: bytes | None = None

    # endpoint side (driven by the transport's socket helper)
    def datagrams_to_send(self) -> list[transport.Datagram]:
        out, self._outbox = self._outbox, []
        return out

    def receive_datagram(self, data: bytes, source_ip: str, socket_index: int, now: float) -> None:
        if source_ip == self.address[0]:
            self.inbox = data                    # like ipmipower's buffer: the latest one counts

    def socket_error(self, err: int) -> None:
        """No descriptor for the ping socket: pings to this host are lost."""

    def queue(self, data: bytes) -> None:
        self._outbox.append(transport.Datagram(data))


class _Slot:
    """A power command endpoint with its sockets."""

    __slots__ = ("endpoint", "sockets", "started")

    def __init__(self, endpoint: object, sockets: object) -> None:
        self.endpoint = endpoint
        self.sockets = sockets
        self.started = False


class Interactive:
    """The ``ipmipower>`` command loop (see the module docstring)."""

    def __init__(self, settings: Settings, connections: list[Connection], trace_sink: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic, stdin_fd: int = 0, stdout_fd: int = 1) -> None:
        self.settings = settings
        self.connections = connections
        self.trace_sink = trace_sink
        self.clock = clock
        self.stdin_fd = stdin_fd
        self.stdout_fd = stdout_fd
        self.rng = SystemBits()
        self.ttyin = bytearray()
        self.ttyout: list[bytes] = []
        self.output = Output(self.out, settings.consolidate_output and not settings.c410x)
        self.need_prompt = True
        self.pending: list[_Slot] = []
        self.mux = transport.Multiplexer()
        self.stdin_draining = False
        self.stdin_open = True
        self._hangup_eof = False
        self.pingers: list[Pinger] = []
        self.ping_sockets: list[object] = []
        self.next_ping = float("-inf")
        self.force_sweep = True
        self._set_pingers()

    # --- output ------------------------------------------------------------------------

    def out(self, text: str) -> None:
        self.ttyout.append(encode(text))

    def flush_ttyout(self) -> int:
        data = b"".join(self.ttyout)
        self.ttyout.clear()
        if data:
            write_all(self.stdout_fd, data)
        return len(data)

    # --- the loop ----------------------------------------------------------------------

    def run(self) -> int:
        """Serve until ``quit`` or end of input; return the exit status."""
        try:
            self._register_stdin()
            while True:
                if not self.process_cmdline():
                    break
                now = self.clock()
                just_finished = self.process_pending(now)
                if self.stdin_draining and not self.pending and b"\n" not in self.ttyin:
                    self.process_cmdline()       # the prompt 1.6.10 would print before hanging
                    self.flush_ttyout()
                    return 1
                self.process_pings(now)
                if self._wait_and_serve(0.0 if just_finished else None):
                    return 1
            self.flush_ttyout()
            return self.output.exit_status
        finally:
            self._close_all()

    def _register_stdin(self) -> None:
        try:
            mode = fstat(self.stdin_fd).st_mode
            self.mux.watch(self.stdin_fd, _STDIN)
        except (OSError, ValueError):
            self.stdin_open = False
            self.stdin_draining = True
            return
        # a pipe or socket reports end of input as a hang-up, which 1.6.10 never acts on
        self._hangup_eof = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)

    def _wait_and_serve(self, timeout: float | None = None) -> bool:
        """One poll: sockets, then stdin, then stdout. True: end of input, exit now.

        ``timeout`` 0 right after the last command finished, so its lines get read at once.
        """
        if timeout is None:
            timeout = self._timeout(self.clock())
        if self.ttyout:
            timeout = 0.0                        # stdout is writable: the poll returns at once
        ready, tokens = self.mux.wait(timeout)
        now = self.clock()
        stdin_ready = _STDIN in tokens
        if len(ready) > 1:
            # like ipmipower, look at the hosts in list order, not in the order the kernel reports
            order = {id(slot.sockets): n for n, slot in enumerate(self.pending)}
            ready.sort(key=lambda item: order.get(id(item[0]), len(order)))
        for sockets, index, sock in ready:
            if sockets.receive(sock, index, now):
                sockets.flush()
        self._fire_timers(now)
        if stdin_ready:
            try:
                data = read(self.stdin_fd, _READ_SIZE)
            except BlockingIOError:
                data = None
            except OSError:
                data = b""
            if data == b"":
                if not self._hangup_eof:
                    return True                  # 1.6.10: exit(1), unwritten output is lost
                self.mux.unwatch(self.stdin_fd)
                self.stdin_open = False
                self.stdin_draining = True
            elif data:
                self.ttyin += data
        self.flush_ttyout()
        return False

    def _timeout(self, now: float) -> float | None:
        deadline: float | None = None
        for slot in self.pending:
            if slot.started:
                d = slot.endpoint.next_deadline()
                if d is not None and (deadline is None or d < deadline):
                    deadline = d
        if self._pings_on():
            deadline = self.next_ping if deadline is None else min(deadline, self.next_ping)
        if deadline is None:
            return None if self.stdin_open else 0.0
        return max(deadline - now, 0.0)

    def _fire_timers(self, now: float) -> None:
        for slot in list(self.pending):
            ep = slot.endpoint
            if slot.started and not ep.done:
                d = ep.next_deadline()
                if d is not None and d <= now:
                    ep.handle_timer(now)
                    slot.sockets.flush()

    def _close_all(self) -> None:
        for slot in self.pending:
            slot.sockets.close()
        for sockets in self.ping_sockets:
            sockets.close()
        self.mux.close()

    # --- power commands in flight ----------------------------------------------------------

    def process_pending(self, now: float) -> bool:
        """Retire finished commands, start waiting ones (fan-out), print -C blocks at the end.

        True when the last pending command just finished.
        """
        if not self.pending:
            return False
        for slot in list(self.pending):
            if slot.started and slot.endpoint.done:
                slot.sockets.flush()
                self._drop_sockets(slot.sockets)
                self.pending.remove(slot)
        limit = self.settings.fanout
        running = sum(1 for slot in self.pending if slot.started)
        for slot in self.pending:
            if slot.started:
                continue
            if limit and running >= limit:
                break
            slot.started = True
            running += 1
            slot.endpoint.start(now)
            slot.sockets.flush()
        if not self.pending:
            self.output.finish()
            return True
        return False

    def _queue(self, maker: ops.JobMaker, connection: Connection, extra: str | None) -> None:
        job = maker.make(connection, extra)
        if self.settings.c410x:
            for slot in self.pending:
                ep = slot.endpoint
                if isinstance(ep, HostRun) and not ep.done \
                        and ep.jobs[0].connection.hostname.lower() == connection.hostname.lower():
                    ep.jobs.append(job)          # one C410x slot after the other on one BMC
                    return
            endpoint: object = HostRun([job])
        else:
            endpoint = job
        self.pending.append(_Slot(endpoint, self.mux.attach(endpoint)))

    def _trace(self) -> Callable[[str], None] | None:
        return self.trace_sink if self.settings.debug else None

    def _on_result(self, job: ops.PowerJob) -> None:
        outcome = ops.job_outcome(job, self.settings.lan20)
        if outcome is not None:
            self.output.emit(outcome, job.connection.hostname, job.extra)

    # --- pings ----------------------------------------------------------------------------

    def _pings_on(self) -> bool:
        return bool(self.settings.hostname is not None and self.settings.ping_interval)

    def _drop_sockets(self, sockets) -> None:
        """Close an endpoint's sockets and take them off the selector."""
        self.mux.detach(sockets)

    def _set_pingers(self) -> None:
        for sockets in self.ping_sockets:
            self._drop_sockets(sockets)
        self.pingers = [Pinger(conn, self.rng) for conn in self.connections]
        self.ping_sockets = [self.mux.attach(p) for p in self.pingers]

    def process_pings(self, now: float) -> None:
        """Send pings when due, judge the answers, forget hosts that went quiet."""
        s = self.settings
        if not self._pings_on():
            return
        send = False
        if now > self.next_ping or self.force_sweep:
            self.force_sweep = False
            self.next_ping = now + s.ping_interval / 1000.0
            send = True
        ipmiping = "ipmiping" in s.workarounds
        heuristics = bool(s.ping_packet_count and s.ping_percent)
        for pinger, sockets in zip(self.pingers, self.ping_sockets):
            if send:
                if heuristics and pinger.sent == s.ping_packet_count:
                    lost = (pinger.sent - pinger.received) / pinger.sent
                    pinger.link_good = not lost > s.ping_percent / 100
                    pinger.sent = pinger.received = 0
                if s.ping_consec_count:
                    if not pinger.last_recv_flag:
                        pinger.consec = 0
                    pinger.last_recv_flag = False
                pinger.counter = (pinger.counter + 1) & 0xFFFFFFFF
                pinger.queue(_ping_packet(pinger.counter, ipmiping))
                if heuristics:
                    pinger.sent += 1
                sockets.flush()
            data, pinger.inbox = pinger.inbox, None
            if data is not None and _is_pong(data, ipmiping):
                if heuristics:
                    pinger.received += 1
                if s.ping_consec_count:
                    if not pinger.last_recv_flag:
                        pinger.consec += 1
                    pinger.last_recv_flag = True
                if heuristics and not pinger.link_good:
                    good = bool(s.ping_consec_count and pinger.consec >= s.ping_consec_count)
                    pinger.state = DISCOVERED if good else BAD_CONNECTION
                else:
                    pinger.state = DISCOVERED
                pinger.last_recv = now
            if (now - pinger.last_recv) * 1000.0 >= s.ping_timeout:
                pinger.state = UNDISCOVERED

    # --- reading commands -----------------------------------------------------------------

    def process_cmdline(self) -> bool:
        """Handle complete input lines while no power command is pending; False on ``quit``."""
        while True:
            if self.pending:
                break
            if self.need_prompt:
                self.out(PROMPT)
                self.need_prompt = False
            end = self.ttyin.find(b"\n")
            if end < 0:
                break
            line = bytes(self.ttyin[:end + 1])
            del self.ttyin[:end + 1]
            line = line.split(b"\0", 1)[0]       # C string semantics
            if not line:
                break
            words = [fsdecode(w) for w in line.split()]
            quit_now = bool(words) and self.dispatch(words)
            self.need_prompt = True
            if quit_now:
                return False
        return True

    def dispatch(self, argv: list[str]) -> bool:
        """Run one command line; True when it was ``quit``."""
        name = argv[0]
        arg = argv[1] if len(argv) > 1 else None
        s = self.settings
        if name in ("driver-type", "ipmi_version", "ipmi-version"):
            self._driver_type(arg)
        elif name in ("hostnames", "hostname"):
            self._hostname(arg)
        elif name == "username":
            self._username(arg)
        elif name == "password":
            self._password(arg)
        elif name == "k_g":
            self._k_g(arg)
        elif name in ("timeout", "session-timeout"):
            s.session_timeout = self._set_unsigned(arg, s.session_timeout, "timeout", False)
        elif name in ("retry-timeout", "retransmission-timeout"):
            s.retransmission_timeout = self._set_ranged(arg, s.retransmission_timeout, "retransmission-timeout",
                                                        False, 1, s.session_timeout)
        elif name in ("authentication_type", "authentication-type"):
            self._authentication_type(arg)
        elif name in ("cipher_suite_id", "cipher-suite-id"):
            self._cipher_suite_id(arg)
        elif name in ("privilege", "privilege-level"):
            self._privilege_level(arg)
        elif name == "workaround-flags":
            self._workaround_flags(arg)
        elif name == "debug":
            value = self._flag(arg, bool(s.debug), None)
            if value is not None:
                s.debug = int(value)
                self.out(f"debugging is now {'on' if value else 'off'}\n")
        elif name == "happyeaster":
            self.out("by Albert Chu <chu11@llnl.gov>\n")
        elif name in _POWER_WORDS:
            self._power(arg, _POWER_WORDS[name])
        elif name in ("on-if-off", "wait-until-on", "wait-until-off", "buffer-output", "consolidate-output",
                      "always-prefix"):
            attribute = name.replace("-", "_")
            value = self._flag(arg, getattr(s, attribute), name)
            if value is not None:
                setattr(s, attribute, value)
                if attribute == "consolidate_output":
                    self.output.consolidate = value and not s.c410x
        elif name in ("retry-wait-timeout", "retransmission-wait-timeout"):
            s.retransmission_wait_timeout = self._set_ranged(arg, s.retransmission_wait_timeout,
                                                             "retransmission-wait-timeout", False, 1,
                                                             s.session_timeout)
        elif name in ("retry-backoff-count", "retransmission-backoff-count"):
            s.retransmission_backoff_count = self._set_unsigned(arg, s.retransmission_backoff_count,
                                                                "retransmission-backoff-count", False)
        elif name == "ping-interval":
            s.ping_interval = self._set_ranged(arg, s.ping_interval, "ping-interval", True, 0, s.ping_timeout)
        elif name == "ping-timeout":
            s.ping_timeout = self._set_unsigned(arg, s.ping_timeout, "ping-timeout", True)
        elif name == "ping-packet-count":
            s.ping_packet_count = self._set_unsigned(arg, s.ping_packet_count, "ping-packet-count", True)
        elif name == "ping-percent":
            s.ping_percent = self._set_unsigned(arg, s.ping_percent, "ping-percent", True)
        elif name == "ping-consec-count":
            s.ping_consec_count = self._set_ranged(arg, s.ping_consec_count, "ping-consec-count", True, 0,
                                                   s.ping_packet_count)
        elif name == "fanout":
            s.fanout = self._set_ranged(arg, s.fanout, "fanout", True, 1, 1024)
        elif name in ("help", "?", "advanced", "network"):
            self.out(HELP)
        elif name == "version":
            self.out(f"ipmipower {VERSION}\n")
        elif name == "config":
            self._config()
        elif name == "quit":
            return True
        else:
            self.out('unknown command - type "help"\n')
        return False

    # --- setters ------------------------------------------------------------------------

    def _flag(self, arg: str | None, current: bool, name: str | None) -> bool | None:
        if arg is None:
            value = not current
        elif arg.lower() == "on":
            value = True
        elif arg.lower() == "off":
            value = False
        else:
            self.out("invalid parameter\n")
            return None
        if name is not None:
            self.out(f"{name} is now {'on' if value else 'off'}\n")
        return value

    def _set_unsigned(self, arg: str | None, current: int, name: str, allow_zero: bool) -> int:
        """1.6.10's ``_cmd_set_unsigned_int``: only a zero (where allowed) is ever accepted."""
        if arg is None:
            self.out(f"{name} not specified\n")
            return current
        value, valid = _c_strtoul(arg)
        if valid and allow_zero and not value & 0xFFFFFFFF:
            self.out(f"{name} is now 0\n")
            return 0
        self.out(f"invalid {name} input\n")
        return current

    def _set_ranged(self, arg: str | None, current: int, name: str, allow_zero: bool, low: int, high: int) -> int:
        if arg is None:
            self.out(f"{name} not specified\n")
            return current
        value = strtol_int(arg, 10)
        if value is None:
            self.out(f"invalid {name} input\n")
            return current
        if (allow_zero and not value) or low <= value <= high:
            self.out(f"{name} is now {value}\n")
            return value & 0xFFFFFFFF
        self.out(f"invalid {name} input, range is {c_int(low)} <=> {c_int(high)}\n")
        return current

    def _driver_type(self, arg: str | None) -> None:
        if arg is None:
            self.out("driver_type must be specified: lan, lan_2_0\n")
            return
        driver = OUTOFBAND_DRIVER_TYPES.get(arg.lower())
        if driver is None:
            self.out(f"invalid driver type '{arg}' specified\n")
        else:
            self.settings.driver = driver
            self.out(f"driver type is now {arg}\n")

    def _hostname(self, arg: str | None) -> None:
        s = self.settings
        if arg is None:
            s.hostname = None
            self.connections = []
            self._set_pingers()
            self.out("hostname(s) unconfigured\n")
            return

        def invalid(name: str) -> None:
            self.output.emit(Outcome.INVALID_HOSTNAME, name)

        try:
            connections = ops.build_connections(arg, s.c410x, invalid)
        except ops.HostsFailed as failed:
            if self.flush_ttyout() > 0:
                return
            self.out(f"ipmipower_connection_array_create: {strerror(failed.errno)}\n")
            return
        self.connections = connections
        s.hostname = arg
        self._set_pingers()
        self.force_sweep = True
        self.out(f"hostname: {arg}\n")

    def _username(self, arg: str | None) -> None:
        if arg is not None and len(encode(arg)) > 16:
            self.out("username invalid length\n")
            return
        self.settings.username = None if arg is None else encode(arg)
        self.out(f"username: {'NULL' if arg is None else arg}\n")

    def _password(self, arg: str | None) -> None:
        s = self.settings
        if arg is not None and s.auth_type == AUTH_NONE:
            self.out("password cannot be set for authentication_type 'none'\n")
            return
        limit = 20 if s.driver == "lan_2_0" else 16 if s.driver == "lan" else -1
        if arg is not None and len(encode(arg)) > limit:
            self.out("password invalid length\n")
            return
        s.password = None if arg is None else encode(arg)
        self.out("password changed\n")

    def _k_g(self, arg: str | None) -> None:
        from ..cli.conffile import parse_kg
        s = self.settings
        if s.driver == "lan":
            self.out("k_g is only used for IPMI 2.0")
            return
        key = parse_kg(encode(arg)) if arg is not None else b""
        if key is None:
            s.k_g = bytes(len(s.k_g))            # 1.6.10 clears the key but keeps its length
            self.out("k_g invalid\n")
            return
        s.k_g = key
        self.out("k_g changed\n")

    def _authentication_type(self, arg: str | None) -> None:
        if arg is None:
            self.out("authentication_type must be specified: none, straight_password_key, md2, md5\n")
            return
        value = _AUTH_WORDS.get(arg.lower())
        if value is None:
            self.out(f"{arg} invalid authentication_type\n")
        else:
            self.settings.auth_type = value
            self.out(f"authentication type is now {arg}\n")

    def _cipher_suite_id(self, arg: str | None) -> None:
        if arg is None:
            self.out("cipher_suite_id must be specified: 0, 1, 2, 3, 6, 7, 8, 11, 12\n")
            return
        value = strtol_int(arg, 10)
        if value is None or not 0 <= value <= 19:
            self.out(f"{arg} invalid cipher suite id\n")
        elif value not in SUPPORTED_CIPHER_SUITES:
            self.out(f"{arg} unsupported cipher suite id\n")
        else:
            self.settings.cipher_suite_id = value
            self.out(f"cipher suite id is now {arg}\n")

    def _privilege_level(self, arg: str | None) -> None:
        if arg is None:
            self.out("privilege must be specified: user, operator, admin\n")
            return
        value = _PRIV_WORDS.get(arg.lower())
        if value is None:
            self.out(f"{arg} invalid privilege_level\n")
        else:
            self.settings.auth_type = value      # sic: 1.6.10 stores it as the authentication type
            self.out(f"privilege_level type is now {arg}\n")

    def _workaround_flags(self, arg: str | None) -> None:
        if arg is None:
            self.out(f"workaround_flags must be specified: {_FLAG_LIST}\n")
            return
        flags: set[str] = set()
        for word in arg.split(","):
            word = word.lower()
            if not word:
                continue
            if word == "none":               # clears everything and ends the list
                flags.clear()
                break
            if word not in _OUTOFBAND:       # 1.6.10 passes no slot for the other flag groups here
                self.out(f"{arg} invalid workaround flags specified\n")
                return
            flags.add(word)
        kept = self.settings.workarounds.flags - _OUTOFBAND
        self.settings.workarounds = Workarounds(frozenset(kept | flags))
        self.out(f"workaround flags are now {arg}\n")

    def _config(self) -> None:
        s = self.settings
        lines = [
            ("Driver_Type:", {"lan": "lan", "lan_2_0": "lan_2_0"}.get(s.driver, "")),
            ("Hostname:", s.hostname if s.hostname is not None else "NONE"),
            ("Username:", fsdecode(s.username) if s.username is not None else "NULL"),
            ("Password:", "*****"),
            ("K_g:", "*****"),
            ("Session Timeout:", f"{s.session_timeout} ms"),
            ("Retransmission Timeout:", f"{s.retransmission_timeout} ms"),
            ("Authentication_Type:", _AUTH_NAMES.get(s.auth_type, "")),
            ("Cipher Suite Id:", str(s.cipher_suite_id) if s.cipher_suite_id in _CONFIG_CIPHER_SUITES else ""),
            ("Privilege_Level:", _PRIV_NAMES.get(s.privilege, "")),
            ("WorkaroundFlags:", ",".join(f for f in _CONFIG_FLAG_ORDER if f in s.workarounds)),
            ("Debug:", "on" if s.debug else "off"),
            ("On-If-Off:", _enabled(s.on_if_off)),
            ("Wait-Until-On:", _enabled(s.wait_until_on)),
            ("Wait-Until-Off:", _enabled(s.wait_until_off)),
            ("Retransmission Wait Timeout:", f"{s.retransmission_wait_timeout} ms"),
            ("Retransmission Backoff Count:", f"{s.retransmission_backoff_count}"),
            ("Ping Interval:", f"{s.ping_interval} ms"),
            ("Ping Timeout:", f"{s.ping_timeout} ms"),
            ("Ping Packet Count:", f"{s.ping_packet_count}"),
            ("Ping Percent:", f"{s.ping_percent} percent"),
            ("Ping Consec Count:", f"{s.ping_consec_count}"),
            ("Buffer-Output:", _enabled(s.buffer_output)),
            ("Consolidate-Output:", _enabled(s.consolidate_output)),
            ("Fanout:", f"{s.fanout}"),
            ("Always-Prefix:", _enabled(s.always_prefix)),
        ]
        self.out("".join(f"{label:<30}{value}\n" for label, value in lines))

    # --- power commands -------------------------------------------------------------------

    def _power(self, arg: str | None, cmd: PowerCmd) -> None:
        s = self.settings
        if s.hostname is None:
            self.out("no hostname(s) configured\n")
            return
        if s.c410x:
            error = checks.c410x_error(cmd, s.privilege in (PRIV_USER, PRIV_OPERATOR))
        else:
            error = checks.privilege_error(cmd, s.privilege == PRIV_USER)
        if error is not None:
            self.out(error + "\n")
            return
        maker = ops.JobMaker(s, cmd, self._on_result, self._trace())
        if arg is None:
            self._power_all(maker)
        else:
            self._power_some(arg, maker)

    def _reachable(self, index: int) -> bool:
        """Emit ``not discovered`` / ``bad connection`` for a host that pings say is away."""
        s = self.settings
        pinger = self.pingers[index]
        host = self.connections[index].hostname
        if s.ping_interval and pinger.state == UNDISCOVERED:
            self.output.emit(Outcome.NOT_DISCOVERED, host)
            return False
        if s.ping_interval and s.ping_packet_count and s.ping_percent and pinger.state == BAD_CONNECTION:
            self.output.emit(Outcome.BAD_CONNECTION, host)
            return False
        return True

    def _power_all(self, maker: ops.JobMaker) -> None:
        self.output.reset_counts()
        queued = 0
        for index, conn in enumerate(self.connections):
            if not self._reachable(index):
                continue
            if self.settings.c410x:
                for extra in conn.extra_args:
                    if checks.c410x_slot(extra) is None:
                        self.output.emit(Outcome.INVALID_ARGUMENT_FOR_OEM, conn.hostname, extra)
                    else:
                        self._queue(maker, conn, extra)
                        queued += 1
            else:
                self._queue(maker, conn, None)
                queued += 1
        if not queued:
            self.output.finish()

    def _power_some(self, arg: str, maker: ops.JobMaker) -> None:
        from ..cli.hostlist import Hostlist, HostlistError
        try:
            first = Hostlist(arg).hosts()
        except HostlistError:
            self.out("invalid hostname(s) specified\n")
            return
        self.output.reset_counts()
        c410x = self.settings.c410x
        for text in first:
            try:
                second = Hostlist(text)
            except HostlistError:
                self.out("invalid hostname(s) specified\n")
                return
            second.uniq()
            for name in second:
                extra: str | None = None
                if c410x:
                    name, extra = split_extra_arg(name)
                index = next((i for i, conn in enumerate(self.connections) if conn.hostname == name), -1)
                if index < 0:
                    self.output.emit(Outcome.UNCONFIGURED_HOSTNAME, name)
                elif not self._reachable(index):
                    continue
                elif c410x and checks.c410x_slot(extra) is None:
                    self.output.emit(Outcome.INVALID_ARGUMENT_FOR_OEM, self.connections[index].hostname, extra)
                else:
                    self._queue(maker, self.connections[index], extra)


def _enabled(flag: bool) -> str:
    return "enabled" if flag else "disabled"


def _ping_packet(counter: int, ipmiping: bool) -> bytes:
    """An RMCP presence ping, or (``-W ipmiping``) an IPMI 1.5 Get Channel Auth Caps."""
    if not ipmiping:
        from ..wire.rmcp import encode_presence_ping
        return encode_presence_ping(counter % _ASF_TAG_MODULUS)
    from ..commands import NETFN_APP
    from ..wire.lan15 import encode_packet15
    from ..wire.message import encode_request
    message = encode_request(NETFN_APP, 0x38, counter % 64, bytes((0x0E, PRIV_USER)))
    return encode_packet15(0, 0, 0, b"", message)


def _is_pong(data: bytes, ipmiping: bool) -> bool:
    from ..wire.buffer import DecodeError
    try:
        if not ipmiping:
            from ..wire.rmcp import decode_presence_pong
            return decode_presence_pong(data).ipmi_supported
        from ..wire.lan15 import decode_packet15
        from ..wire.message import decode_response
        return decode_response(decode_packet15(data).message, verify_checksums=True).cmd == 0x38
    except (DecodeError, ValueError, IndexError):
        return False


def run_interactive(settings: Settings, connections: list[Connection], trace_sink: Callable[[str], None]) -> int:
    """Entry point from main: serve the prompt, return the exit status."""
    loop = Interactive(settings, connections, trace_sink)
    try:
        return loop.run()
    except Fatal as fatal:
        write_all(2, fatal.render(bool(settings.debug)))
        return 1


__all__ = ["HELP", "Interactive", "run_interactive"]
