"""The protocol-independent half of a session: exchanges, retransmission, deadlines, drops.

A :class:`Session` is sans-I/O. Its owner feeds it datagrams and the current time and
collects datagrams to send, the next deadline and :mod:`events <.events>`. The IPMI 1.5
and RMCP+ subclasses supply the handshake and the in-session packet format.

One request is in flight at a time (an *exchange*). Every transmission of it, first or
repeated, is built afresh, because FreeIPMI gives each resend new sequence numbers.
"""

from __future__ import annotations

import abc

from ..commands import Request
from ..datagram import Datagram
from ..commands import app
from ..outcomes import Outcome
from ..wire.buffer import DecodeError
from ..wire.message import Message, decode_request, decode_response, encode_request
from .config import Flavor, SessionConfig
from .entropy import SystemBits
from .events import Closed, Established, Event, Failed, Response, Stage
from .mapping import SET_PRIVILEGE_CC, setup_cc_outcome
from .trace import field_lines, pair_lines
from ..record import record

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    import random
    from typing import Callable

    from .trace import TraceSink

_TIMEOUT_OUTCOMES = {
    Stage.NEW: Outcome.CONNECTION_TIMEOUT,
    Stage.AUTH_CAPS: Outcome.CONNECTION_TIMEOUT,
    Stage.ACTIVATE_SESSION: Outcome.PASSWORD_VERIFICATION_TIMEOUT,
}


class Drop(Exception):
    """Raised inside reply handling: the datagram is discarded (never escapes the session)."""

    def __init__(self, category: str, detail: str = "") -> None:
        super().__init__(detail or category)
        self.category = category
        self.detail = detail or category


class Fail(Exception):
    """Raised inside reply handling: the session ends with this outcome.

    ``close``: the session is active, so Close Session is still sent (FreeIPMI does so
    after a bad completion code on an in-session request).
    """

    def __init__(self, failure: Failed, close: bool = False) -> None:
        super().__init__(failure.outcome.text)
        self.failure = failure
        self.close = close


@record(frozen=False)
class Exchange:
    stage: Stage
    build: Callable[[], Datagram]
    accept: Callable[[bytes], None]     # raises Drop / Fail, or handles the reply
    label: str
    sends: int = 0
    once: bool = False                  # Close Session: never resent
    interval: float | None = None       # overrides the retransmission timeout (polling)


class Session(abc.ABC):
    """Common machinery; use :class:`~.lan15.Lan15Session` or :class:`~.lan20.Lan20Session`."""

    MAX_DROP_CATEGORIES = 64

    def __init__(self, config: SessionConfig, bmc_ip: str | None = None,
                 rng: random.Random | None = None, trace: TraceSink | None = None) -> None:
        self.config = config
        self.timing = config.effective_timing
        self.bmc_ip = bmc_ip
        self.rng = rng or SystemBits()
        self._trace = trace
        self.stage = Stage.NEW
        self.done = False
        self.failure: Failed | None = None
        self.min_socket_index = 0
        self.socket_index = 0
        self.dropped: dict[str, int] = {}
        self.sent_count = 0
        self._outbox: list[Datagram] = []
        self._events: list[Event] = []
        self._exchange: Exchange | None = None
        self._then: Callable[[float], None] | None = None   # next step after an accepted reply
        self._start = 0.0
        self._pinned_deadline: float | None = None
        self._last_valid = 0.0
        self._last_send = 0.0
        self._resends = 0
        self._polls = 0
        self._rq_counter = self.rng.getrandbits(32) if config.flavor is Flavor.IPMIPOWER else self.rng.randrange(63)

    # --- owner-facing API ---------------------------------------------------------------

    def start(self, now: float) -> None:
        self._start = self._last_valid = now
        self._begin(now)

    def datagrams_to_send(self) -> list[Datagram]:
        out, self._outbox = self._outbox, []
        return out

    def events(self) -> list[Event]:
        out, self._events = self._events, []
        return out

    @property
    def established(self) -> bool:
        return self.stage is Stage.ESTABLISHED

    def send_command(self, request: Request, now: float, interval: float | None = None,
                     poll: bool = False, resend: bool = False) -> None:
        """Send one in-session command; its reply arrives as a :class:`Response` event.

        ``poll`` (ipmipower's ``--wait-until-on/off``): the request goes out when the
        retransmission timer of the previous send fires; each answer was a valid packet,
        so the interval never backs off. ``resend``: the previous reply is treated as lost
        (one FreeIPMI would reject), so the interval backs off like a retransmission.
        """
        if self.stage is not Stage.ESTABLISHED:
            raise RuntimeError(f"cannot send a command while the session is at stage {self.stage.name}")

        def on_reply(message: Message) -> None:
            self.stage = Stage.ESTABLISHED
            self._exchange = None
            self._events.append(Response(request, message))

        if resend:
            self._polls += 1
            self._resends = self._polls - 1
        else:
            self._polls = 0
        self._in_session(Stage.COMMAND, request, on_reply, now, interval=interval, deferred=poll or resend)

    def close(self, now: float) -> None:
        """Send Close Session once; the session is done when it is answered or times out."""
        if self.done or self.stage is Stage.CLOSE:
            return
        if self.stage not in (Stage.ESTABLISHED, Stage.COMMAND):
            self._finish(Closed())
            return

        def on_reply(_message: Message) -> None:
            self._finish(Closed())

        self._in_session(Stage.CLOSE, app.close_session(self._close_session_id()), on_reply, now,
                         once=True, lenient=True)

    def abandon(self) -> None:
        """Finish without Close Session (ipmipower skips it after a hard reset)."""
        if not self.done:
            self._finish(Closed())

    def next_deadline(self) -> float | None:
        if self.done:
            return None
        deadline = self._session_deadline()
        if self._exchange is not None:
            deadline = min(deadline, self._retransmit_deadline(self._exchange))
        return deadline

    def handle_timer(self, now: float) -> None:
        if self.done:
            return
        exchange = self._exchange
        if exchange is not None and exchange.once and now >= self._retransmit_deadline(exchange):
            self._note(f"no reply to {exchange.label}; it is not resent")
            self._finish(Closed())
            return
        if now >= self._session_deadline():
            if self.stage is Stage.CLOSE:
                self._finish(Closed())
                return
            outcome = _TIMEOUT_OUTCOMES.get(self.stage, Outcome.SESSION_TIMEOUT)
            self._note(f"{'idle' if self.timing.idle else 'session'} timeout of "
                       f"{self.timing.session_timeout * 1000:.0f} ms expired at stage {self.stage.value}"
                       f"{self._drop_summary()}")
            self._fail(Failed(outcome, self.stage, detail=f"timeout waiting for {self.stage.value} reply"))
            return
        if exchange is not None and now >= self._retransmit_deadline(exchange):
            self._resends += 1
            self._retransmit(exchange, now)

    def receive_datagram(self, data: bytes, source_ip: str, socket_index: int, now: float) -> None:
        if self.done or self._exchange is None:
            self._drop("unexpected", f"{len(data)}-byte datagram while no request is outstanding", data)
            return
        if (self.bmc_ip is not None and self.config.flavor is Flavor.IPMIPOWER
                and source_ip != self.bmc_ip):
            self._drop("source address", f"source address {source_ip} is not the BMC's {self.bmc_ip}", data)
            return
        exchange = self._exchange
        try:
            exchange.accept(data)
        except Drop as drop:
            self._drop(drop.category, drop.detail, data)
            return
        except DecodeError as err:
            self._drop("malformed", f"malformed reply to {exchange.label}: {err}", data)
            return
        except Fail as fail:
            self._last_valid = now
            self._resends = 0
            self._fail(fail.failure, close_at=now if fail.close else None)
            return
        self._last_valid = now
        self._resends = 0
        step, self._then = self._then, None
        if step is not None and not self.done:
            step(now)

    # --- for subclasses -----------------------------------------------------------------

    @abc.abstractmethod
    def _begin(self, now: float) -> None:
        """Queue the first packet of the handshake."""

    @abc.abstractmethod
    def _wrap(self, message: bytes) -> bytes:
        """Put an IPMI message into an in-session packet."""

    @abc.abstractmethod
    def _unwrap(self, datagram: bytes) -> bytes:
        """Check an in-session reply packet (raising Drop) and return its IPMI message."""

    @abc.abstractmethod
    def _close_session_id(self) -> int:
        """The session ID that Close Session names."""

    def _on_handshake_retransmit(self, exchange: Exchange, now: float) -> bool:
        """Return True when the subclass replaced a retransmission (handshake restart)."""
        return False

    # --- shared machinery -----------------------------------------------------------------

    def _next_rq_seq(self) -> int:
        if self.config.flavor is Flavor.IPMIPOWER:
            self._rq_counter = (self._rq_counter + 1) & 0xFFFFFFFF
            return self._rq_counter % 64
        seq = self._rq_counter
        self._rq_counter = (self._rq_counter + 1) % 64
        return seq

    def _session_deadline(self) -> float:
        base = self._last_valid if self.timing.idle else self._start
        deadline = base + self.timing.session_timeout
        return deadline if self._pinned_deadline is None else min(deadline, self._pinned_deadline)

    def _pin_deadline(self) -> None:
        """Keep the deadline in force now until the session is established.

        A handshake restart must not buy time: with the idle model, the restarted
        handshake's replies would otherwise push the timeout out.
        """
        if self._pinned_deadline is None:
            self._pinned_deadline = self._session_deadline()

    def _retransmit_deadline(self, exchange: Exchange) -> float:
        return self._last_send + self.timing.retransmission_interval(self._resends, exchange.interval)

    def _exchange_start(self, exchange: Exchange, now: float, deferred: bool = False) -> None:
        self.stage = exchange.stage
        self._exchange = exchange
        if not deferred:
            self._transmit(exchange, now)

    def _transmit(self, exchange: Exchange, now: float) -> None:
        datagram = exchange.build()
        exchange.sends += 1
        self._last_send = now
        self.sent_count += 1
        self._outbox.append(datagram)

    def _retransmit(self, exchange: Exchange, now: float) -> None:
        if self._on_handshake_retransmit(exchange, now):
            return
        if exchange.sends == 0:
            self._note(f"polling again: {exchange.label}")
        else:
            self._note(f"no valid reply to {exchange.label}; resending it (resend {self._resends})")
        self._transmit(exchange, now)

    def _in_session(self, stage: Stage, request: Request, on_reply: Callable[[Message], None], now: float,
                    once: bool = False, lenient: bool = False, interval: float | None = None,
                    deferred: bool = False) -> None:
        """Start an in-session exchange. ``lenient``: accept any rq_seq and completion code (Close Session)."""
        spec = request.spec
        label = spec.name.replace("_", " ")
        expected: dict[str, int] = {}

        def build() -> Datagram:
            rq_seq = self._next_rq_seq()
            expected["rq_seq"] = rq_seq
            message = encode_request(spec.netfn, spec.cmd, rq_seq, request.data)
            if self._trace:
                self._log_fields(f">> {label} request", decode_request(message))
            # the socket Activate Session used: older Get Session Challenge sockets are retired
            return Datagram(self._wrap(message), self.socket_index)

        def accept(datagram: bytes) -> None:
            raw = self._unwrap(datagram)
            message = decode_response(raw, verify_checksums="nochecksumcheck" not in self.config.workarounds)
            self._check_match(message, spec.netfn | 1, spec.cmd, None if lenient else expected["rq_seq"])
            if self._trace:
                self._log_fields(f"<< {label} response", message)
            if message.completion_code == 0 and len(message.data) < spec.min_response_len:
                raise Drop("short reply", f"{spec.name} reply has {len(message.data)} data bytes, "
                                          f"needs {spec.min_response_len}")
            on_reply(message)

        self._exchange_start(Exchange(stage, build, accept, label, once=once, interval=interval), now, deferred)

    @staticmethod
    def _check_match(message: Message, netfn: int, cmd: int, rq_seq: int | None) -> None:
        if message.netfn != netfn:
            raise Drop("netfn mismatch", f"netfn {message.netfn:#04x} where {netfn:#04x} was expected")
        if message.cmd != cmd:
            raise Drop("cmd mismatch", f"command {message.cmd:#04x} where {cmd:#04x} was expected")
        if rq_seq is not None and message.rq_seq != rq_seq:
            raise Drop("rq_seq mismatch", f"rq_seq mismatch: reply carries {message.rq_seq}, "
                                          f"last request used {rq_seq} (stale reply to an earlier send?)")

    def _established(self) -> None:
        self._pinned_deadline = None
        self.stage = Stage.ESTABLISHED
        self._exchange = None
        self._note("session established")
        self._events.append(Established())

    def _fail(self, failure: Failed, close_at: float | None = None) -> None:
        self.failure = failure
        self._note(f"session failed: {failure.outcome.text}" + (f" ({failure.detail})" if failure.detail else ""))
        if close_at is None:
            self._finish(failure)
            return
        self._events.append(failure)
        self.stage = Stage.ESTABLISHED
        self.close(close_at)

    def _set_privilege(self, now: float) -> None:
        """Set Session Privilege Level: the first in-session request of both session types."""
        cfg = self.config
        request = app.set_session_privilege(int(cfg.privilege))

        def on_reply(message: Message) -> None:
            cc = message.completion_code or 0
            if cc:
                outcome = setup_cc_outcome(cc, cfg.flavor, SET_PRIVILEGE_CC[cfg.flavor])
                raise Fail(Failed(outcome, Stage.SET_PRIVILEGE, f"completion code {cc:#04x}", completion_code=cc,
                                  command=request.spec.name), close=True)
            self._established()

        self._in_session(Stage.SET_PRIVILEGE, request, on_reply, now)

    def _finish(self, event: Event) -> None:
        self.done = True
        self.stage = Stage.DONE
        self._exchange = None
        self._events.append(event)

    def _drop(self, category: str, detail: str, data: bytes) -> None:
        if category in self.dropped or len(self.dropped) < self.MAX_DROP_CATEGORIES:
            self.dropped[category] = self.dropped.get(category, 0) + 1
        if self._trace:
            self._log(f"<< dropped {len(data)}-byte datagram: {detail}")

    def _drop_summary(self) -> str:
        if not self.dropped:
            return ""
        return "; datagrams dropped meanwhile: " + ", ".join(f"{n} x {c}" for c, n in self.dropped.items())

    def _note(self, text: str) -> None:
        if self._trace:
            self._log(f"-- {text}")

    def _log(self, text: str) -> None:
        assert self._trace is not None
        self._trace(f"{self.config.host}: {text}" if self.config.host else text)

    def _log_pairs(self, title: str, pairs: tuple[tuple[str, object], ...]) -> None:
        if self._trace:
            self._log(title)
            for line in pair_lines(pairs):
                self._log(line)

    def _log_fields(self, title: str, obj: object, redact: tuple[str, ...] = ()) -> None:
        if self._trace:
            self._log(title)
            for line in field_lines(obj, redact):
                self._log(line)
