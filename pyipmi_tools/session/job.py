"""A job runs a script of commands over one session; it is what the transport drives.

A script is a generator: it yields :class:`Step` values (a request to send, or a request
to poll again later) and receives each reply :class:`~pyipmi_tools.wire.message.Message`.
It ends by returning its result; returning :class:`Finish` with ``close=False`` skips
Close Session (ipmipower does that after a hard reset).
"""

from __future__ import annotations

from ..record import record

from ..commands import Request
from ..wire.message import Message
from ..outcomes import Outcome
from .base import Datagram, Session
from .events import Closed, Established, Event, Failed, Response, Stage


@record
class Send:
    request: Request
    interval: float | None = None   # retransmission timeout override (ipmipower's wait timeout)
    poll: bool = False              # send when the previous send's timer fires (fixed interval)
    resend: bool = False            # the previous reply counts as lost: resend with backoff


@record
class Finish:
    result: Any
    close: bool = True


TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Any, Callable, Generator, Union

    Step = Union[Send, Request]
    Script = Generator[Step, Message, Any]


class SessionEndpoint:
    """A session presented as a transport endpoint; subclasses react to its events.

    After every call that can change the session, :meth:`on_event` sees each event the
    session reported, in order.
    """

    def __init__(self, session: Session, address: tuple = (), family: int = 0) -> None:
        self.session = session
        self.address = address
        self.family = family

    @property
    def host(self) -> str:
        return self.session.config.host

    @property
    def done(self) -> bool:
        return self.session.done

    @property
    def min_socket_index(self) -> int:
        return self.session.min_socket_index

    def start(self, now: float) -> None:
        self.session.start(now)
        self._pump(now)

    def datagrams_to_send(self) -> list[Datagram]:
        return self.session.datagrams_to_send()

    def receive_datagram(self, data: bytes, source_ip: str, socket_index: int, now: float) -> None:
        self.session.receive_datagram(data, source_ip, socket_index, now)
        self._pump(now)

    def next_deadline(self) -> float | None:
        return self.session.next_deadline()

    def handle_timer(self, now: float) -> None:
        self.session.handle_timer(now)
        self._pump(now)

    def _pump(self, now: float) -> None:
        for event in self.session.events():
            self.on_event(event, now)

    def on_event(self, event: Event, now: float) -> None:
        """Handle one session event (the base class ignores them)."""


class Job(SessionEndpoint):
    """One host's session plus the script to run on it (a transport endpoint)."""

    def __init__(self, session: Session, script: Script | None, address: tuple = (), family: int = 0,
                 on_result: Callable[["Job"], None] | None = None) -> None:
        super().__init__(session, address, family)
        self.script = script
        self.result: Any = None
        self.error: Exception | None = None      # what the script raised, if it did
        self.failure: Failed | None = None
        self.finished_script = script is None
        self._on_result = on_result
        self._reported = False

    def socket_error(self, err: int) -> None:
        """The transport could not open a socket (descriptors exhausted): FreeIPMI's 'out of resources'."""
        self.failure = Failed(Outcome.OUT_OF_RESOURCES, Stage.NEW, f"cannot open a socket (errno {err})")
        self.session.abandon()
        self._report()

    def on_event(self, event: Event, now: float) -> None:
        if isinstance(event, Established):
            self._advance(now, None)
        elif isinstance(event, Response):
            self._advance(now, event.message)
        elif isinstance(event, Failed):
            self.failure = event
            self._report()
        elif isinstance(event, Closed):
            self._report()

    def _advance(self, now: float, reply: Message | None) -> None:
        assert self.script is not None or reply is None
        if self.script is None:
            self._complete(Finish(None), now)
            return
        try:
            step = next(self.script) if reply is None else self.script.send(reply)
        except StopIteration as stop:
            self._complete(stop.value if isinstance(stop.value, Finish) else Finish(stop.value), now)
            return
        except Exception as err:  # one host's script must never stop the others' event loop
            self.error = err
            self._complete(Finish(None), now)
            return
        if isinstance(step, Request):
            step = Send(step)
        self.session.send_command(step.request, now, interval=step.interval, poll=step.poll, resend=step.resend)

    def _complete(self, finish: Finish, now: float) -> None:
        self.result = finish.result
        self.finished_script = True
        self._report()
        if finish.close:
            self.session.close(now)
        else:
            self.session.abandon()
        self._pump(now)

    def _report(self) -> None:
        if not self._reported and self._on_result is not None:
            self._reported = True
            self._on_result(self)
