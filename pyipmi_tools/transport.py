"""UDP transport: the one place that touches sockets.

Protocol logic lives in sans-I/O *endpoints* (see :class:`Endpoint`); this
module only moves their datagrams and fires their timers.  :func:`run` drives
any number of endpoints from a single ``epoll`` loop (and :class:`Link`
drives a single endpoint step by step, for callers that talk to one BMC at a
time; :func:`serve` is the other direction, for the BMC simulator):

* each endpoint owns one or more non-blocking UDP sockets, numbered by the
  endpoint (``Datagram.socket_index``); an unseen index opens a new socket
  (new ephemeral source port) and replies are delivered with the index of the
  socket they arrived on;
* timers are kept in a lazy min-heap keyed by each endpoint's current
  ``next_deadline()``.  A deadline is re-read after every call into the
  endpoint and pushed only when it changed; stale heap entries are recognised
  by a per-endpoint sequence number and skipped (the heap is rebuilt when
  stale entries outnumber live ones), so an iteration costs O(events log n),
  not O(n).

See docs/dev/transport-api.md for the contract.
"""

from __future__ import annotations

import _socket  # socket.py and selectors cost ~5 ms to import; the C module suffices
import errno
import select
from _heapq import heapify, heappop, heappush  # heapq.py adds nothing used here
import time

from .datagram import Datagram

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Callable, Optional, Protocol, Sequence
else:
    Protocol = object

__all__ = [
    "BindError",
    "Datagram",
    "Endpoint",
    "HostResolutionError",
    "Link",
    "Server",
    "resolve",
    "run",
    "serve",
]

# Large enough for any UDP payload, so nothing is ever silently truncated.
_RECV_BUFSIZE = 65536

# socket() failures reported to the endpoint (if it has socket_error()) rather
# than raised: the per-process and the system-wide descriptor tables are full.
_FD_EXHAUSTED = (errno.EMFILE, errno.ENFILE)

# A client socket is created non-blocking in one system call where the platform allows it,
# and left unbound: its first sendto() binds it to the wildcard address and an ephemeral
# port, as an explicit bind to ("0.0.0.0", 0) would, one system call cheaper per BMC.
_SOCK_NONBLOCK = getattr(_socket, "SOCK_NONBLOCK", 0)


class Endpoint(Protocol):
    """What :func:`run` needs from a sans-I/O session/operation object.

    Optionally an endpoint may define ``socket_error(err: int) -> None``; it is
    called when a socket cannot be created because descriptors ran out.
    """

    address: tuple
    family: int
    done: bool
    min_socket_index: int

    def start(self, now: float) -> None: ...

    def datagrams_to_send(self) -> list[Datagram]: ...

    def receive_datagram(
        self, data: bytes, source_ip: str, socket_index: int, now: float
    ) -> None: ...

    def next_deadline(self) -> Optional[float]: ...

    def handle_timer(self, now: float) -> None: ...


class HostResolutionError(Exception):
    """Host name lookup failed; ``gai_error`` is the EAI_* code."""

    def __init__(self, gai_error: int, message: str) -> None:
        super().__init__(gai_error, message)
        self.gai_error = gai_error
        self.message = message

    def __str__(self) -> str:
        return self.message

    @property
    def no_such_name(self) -> bool:
        """EAI_NONAME / EAI_NODATA: the name does not exist (FreeIPMI: ``invalid hostname``)."""
        return self.gai_error in (_socket.EAI_NONAME, getattr(_socket, "EAI_NODATA", _socket.EAI_NONAME))


def resolve(host: str, port: int) -> tuple[int, tuple]:
    """Resolve *host* like FreeIPMI: first getaddrinfo() result -> (family, sockaddr).

    Uses AF_UNSPEC, SOCK_DGRAM and AI_V4MAPPED|AI_ADDRCONFIG.  With glibc,
    AI_V4MAPPED has no effect for AF_UNSPEC, and AI_ADDRCONFIG suppresses a
    family only when no interface (loopback included, for literal and
    /etc/hosts names in practice) carries it: '127.0.0.1' and 'localhost'
    resolve even on a host with only ``lo``; '::1' fails (EAI_ADDRFAMILY or
    EAI_NONAME) where IPv6 is disabled.
    """
    flags = _socket.AI_V4MAPPED | _socket.AI_ADDRCONFIG
    try:
        # An ASCII name goes as bytes: a str would load the IDNA codec (a millisecond).
        name = host.encode("ascii") if host.isascii() else host
        infos = _socket.getaddrinfo(
            name, port, _socket.AF_UNSPEC, _socket.SOCK_DGRAM, 0, flags
        )
    except _socket.gaierror as exc:
        raise HostResolutionError(exc.errno, exc.strerror or str(exc)) from None
    except (UnicodeError, ValueError):
        # Python rejects the name before the C resolver sees it (bad IDNA
        # label, embedded NUL); glibc would have said "unknown name".
        raise HostResolutionError(
            _socket.EAI_NONAME, "Name or service not known"
        ) from None
    if not infos:  # pragma: no cover - getaddrinfo never returns an empty list
        raise HostResolutionError(_socket.EAI_NONAME, "Name or service not known")
    family, _type, _proto, _canon, sockaddr = infos[0]
    return int(family), sockaddr


class _Key:
    """What a wait reports for one ready descriptor: the registered object and its data."""

    __slots__ = ("fileobj", "data")

    def __init__(self, fileobj: object, data: object) -> None:
        self.fileobj = fileobj
        self.data = data


class _Poll:
    """The part of :mod:`selectors` used here, for reading only, over ``epoll`` or ``poll``.

    ``regular_files``: use ``poll``, which (unlike ``epoll``) also accepts regular files,
    for a caller that watches a standard input that may be one.
    """

    __slots__ = ("_poll", "_keys", "_millis")

    def __init__(self, regular_files: bool = False) -> None:
        epoll = getattr(select, "epoll", None)
        self._millis = regular_files or epoll is None     # poll() takes milliseconds
        self._poll = select.poll() if self._millis else epoll()  # type: ignore[misc]
        self._keys: dict[int, _Key] = {}

    def register(self, fileobj: object, data: object) -> None:
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()  # type: ignore[attr-defined]
        self._poll.register(fd, select.POLLIN)
        self._keys[fd] = _Key(fileobj, data)

    def unregister(self, fileobj: object) -> None:
        fd = fileobj if isinstance(fileobj, int) else fileobj.fileno()  # type: ignore[attr-defined]
        del self._keys[fd]
        self._poll.unregister(fd)

    def unregister_closing(self, sock: _socket.socket) -> None:
        """Unregister ``sock``, which the caller closes next: closing the only descriptor
        of a socket takes it out of an epoll set, so only ``poll`` needs telling."""
        fd = sock.fileno()
        del self._keys[fd]
        if self._millis:
            self._poll.unregister(fd)

    def select(self, timeout: float | None) -> list[tuple[_Key, int]]:
        """Wait up to ``timeout`` seconds (None: no limit) for readable descriptors."""
        if timeout is not None and timeout < 0:
            timeout = 0
        if self._millis:
            ready = self._poll.poll(None if timeout is None else -(-timeout * 1000 // 1))
        else:
            ready = self._poll.poll(-1 if timeout is None else timeout)
        keys = self._keys
        return [(keys[fd], mask) for fd, mask in ready if fd in keys]

    def close(self) -> None:
        if not self._millis:
            self._poll.close()
        self._keys.clear()


class _Sockets:
    """One endpoint's non-blocking UDP sockets, by endpoint-local socket index.

    Each socket is registered with *sel* for reading, with ``(self, index)`` as
    its key data, so one selector can serve many endpoints.  :meth:`close`
    leaves the registrations to the owner, who closes the selector.
    """

    __slots__ = ("ep", "sel", "socks")

    def __init__(self, ep: Endpoint, sel: _Poll) -> None:
        self.ep = ep
        self.sel = sel
        self.socks: dict[int, _socket.socket] = {}

    def flush(self) -> bool:
        """Send what the endpoint queued; retire sockets below its min_socket_index, or all
        once it is done.  Returns whether it is done."""
        ep = self.ep
        socks = self.socks
        for dgram in ep.datagrams_to_send():
            index = dgram.socket_index
            sock = socks.get(index)
            if sock is None:
                if index < ep.min_socket_index:
                    continue  # addressed to a retired socket: drop
                sock = self._open(index)
                if sock is None:
                    break  # endpoint was told; the rest would fail alike
            try:
                sock.sendto(dgram.data, ep.address)
            except OSError:
                pass  # unreachable, buffer full, ...: the endpoint's timers decide
        done = ep.done
        if not socks:
            return done
        if done:
            retired = list(socks)
        else:
            low = ep.min_socket_index
            if not low:
                return False  # socket indexes start at 0: nothing is below
            retired = [i for i in socks if i < low]
        unregister = self.sel.unregister_closing
        for index in retired:
            sock = socks.pop(index)
            unregister(sock)
            sock.close()
        return done

    def receive(self, sock: object, index: int, now: float) -> bool:
        """Deliver one datagram waiting on *sock* (socket *index*); False if there was none."""
        if self.socks.get(index) is not sock:
            return False  # closed by an earlier delivery in this pass
        try:
            data, source = sock.recvfrom(_RECV_BUFSIZE)  # type: ignore[attr-defined]
        except OSError:
            # EAGAIN, or an ICMP error report (ECONNREFUSED etc.), which
            # reading has now cleared: nothing to deliver.
            return False
        self.ep.receive_datagram(data, source[0], index, now)
        return True

    def close(self) -> None:
        """Close every socket (the owner then closes the selector)."""
        for sock in self.socks.values():
            sock.close()
        self.socks.clear()

    def _open(self, index: int) -> Optional[_socket.socket]:
        """Open socket *index*; None if descriptors ran out and the endpoint was told."""
        ep = self.ep
        family = ep.family
        try:
            sock = _socket.socket(family, _socket.SOCK_DGRAM | _SOCK_NONBLOCK)
        except OSError as exc:
            handler = getattr(ep, "socket_error", None)
            if exc.errno in _FD_EXHAUSTED and handler is not None:
                handler(exc.errno)
                return None
            raise
        try:
            if not _SOCK_NONBLOCK:
                sock.setblocking(False)
            self.sel.register(sock, (self, index))
        except BaseException:
            sock.close()
            raise
        self.socks[index] = sock
        return sock


class _Slot(_Sockets):
    """An endpoint's sockets plus :func:`run`'s scheduling state for it."""

    __slots__ = ("deadline", "seq", "done")

    def __init__(self, ep: Endpoint, sel: _Poll) -> None:
        super().__init__(ep, sel)
        self.deadline: Optional[float] = None  # deadline of the live heap entry
        self.seq = -1  # sequence number of the live heap entry (-1: none)
        self.done = False


def run(
    endpoints: Sequence[Endpoint],
    fanout: int = 0,
    clock: Callable[[], float] = time.monotonic,
    on_done: Optional[Callable[[Endpoint], None]] = None,
) -> None:
    """Drive *endpoints* to completion, at most *fanout* at once (0: all).

    Endpoints are started in list order.  ``on_done(ep)`` is called once per
    endpoint, in completion order.  All sockets are closed on return, also
    when an exception propagates.
    """
    sel = _Poll()
    slots = [_Slot(ep, sel) for ep in endpoints]
    total = len(slots)
    limit = fanout if fanout > 0 else total
    heap: list[tuple[float, int, _Slot]] = []
    live: set[_Slot] = set()  # started and not yet done
    seq = 0

    def after_call(slot: _Slot) -> None:
        """Flush, retire sockets, finish or reschedule after any call into ep."""
        nonlocal seq
        ep = slot.ep
        if slot.flush():
            slot.done = True
            slot.seq = -1
            live.discard(slot)
            if on_done is not None:
                on_done(ep)
            return
        deadline = ep.next_deadline()
        if deadline is None:
            raise RuntimeError(f"endpoint {ep!r} is not done but has no deadline")
        if deadline != slot.deadline or slot.seq < 0:
            seq += 1
            slot.deadline = deadline
            slot.seq = seq
            heappush(heap, (deadline, seq, slot))

    try:
        next_start = 0
        while True:
            # Admit waiting endpoints up to the fan-out limit, in list order.
            if next_start < total and len(live) < limit:
                now = clock()
                while next_start < total and len(live) < limit:
                    slot = slots[next_start]
                    next_start += 1
                    live.add(slot)
                    slot.ep.start(now)
                    after_call(slot)
            if not live:
                if next_start >= total:
                    break
                continue

            # Drop stale entries from the top; the top is then the earliest
            # deadline of a live endpoint (every live endpoint has one entry).
            while heap[0][2].seq != heap[0][1]:
                heappop(heap)
            if len(heap) > 64 + 2 * len(live):
                heap = [(s.deadline, s.seq, s) for s in live]  # type: ignore[misc]
                heapify(heap)
            timeout = heap[0][0] - clock()
            events = sel.select(timeout if timeout > 0.0 else 0)
            now = clock()

            # One datagram per ready socket per pass: the selector is
            # level-triggered, so anything still queued is reported again at
            # once.  This keeps a fast responder from starving timers and
            # other endpoints, keeps `now` fresh, and saves the failing
            # recvfrom() that draining to EAGAIN would cost on every wake-up.
            for key, _mask in events:
                slot, index = key.data
                if slot.receive(key.fileobj, index, now):
                    after_call(slot)

            # Collect due timers first, so that an endpoint re-arming for a
            # time <= now is served next iteration instead of looping here.
            due = []
            while heap and heap[0][0] <= now:
                _deadline, entry_seq, slot = heappop(heap)
                if slot.seq == entry_seq:
                    slot.seq = -1  # popped: after_call must push a new entry
                    due.append(slot)
            for slot in due:
                slot.ep.handle_timer(now)
                after_call(slot)
    finally:
        for slot in slots:
            slot.close()
        sel.close()


class Multiplexer:
    """One poll over several endpoints' sockets plus watched file descriptors.

    For event loops that must also wait on something that is not an endpoint (interactive
    ipmipower reads commands from stdin while its sessions run). The owner drives the
    endpoints; this class only owns the sockets and the selector.
    """

    def __init__(self) -> None:
        self._sel = _Poll(regular_files=True)

    def attach(self, endpoint: Endpoint) -> _Sockets:
        """The sockets of ``endpoint`` (opened as it sends), registered with this poll."""
        return _Sockets(endpoint, self._sel)

    def detach(self, sockets: _Sockets) -> None:
        """Close ``sockets`` and take them off the poll."""
        for sock in sockets.socks.values():
            self._sel.unregister_closing(sock)
        sockets.close()

    def watch(self, fd: int, token: object) -> None:
        """Report ``token`` from :meth:`wait` whenever ``fd`` is readable."""
        self._sel.register(fd, ("fd", token))

    def unwatch(self, fd: int) -> None:
        self._sel.unregister(fd)

    def wait(self, timeout: float | None) -> tuple[list[tuple[_Sockets, int, _socket.socket]], list[object]]:
        """Block up to ``timeout`` seconds; return the readable endpoint sockets and watched tokens."""
        ready: list[tuple[_Sockets, int, _socket.socket]] = []
        tokens: list[object] = []
        for key, _mask in self._sel.select(timeout):
            owner, detail = key.data
            if owner == "fd":
                tokens.append(detail)
            else:
                ready.append((owner, detail, key.fileobj))  # type: ignore[arg-type]
        return ready, tokens

    def close(self) -> None:
        self._sel.close()


class Link:
    """Drive ONE endpoint with blocking calls; its sockets stay open between them.

    The owner may change the endpoint between calls (queue a request, say); the
    next :meth:`drive` sends whatever the endpoint queued and then serves it --
    replies and timers -- until ``until()`` holds or the endpoint is done. Every
    wait is bounded by the endpoint's own ``next_deadline()``.

    Use as a context manager, or call :meth:`close`, to release the sockets.
    """

    def __init__(self, endpoint: Endpoint, clock: Callable[[], float] = time.monotonic) -> None:
        self.endpoint = endpoint
        self.clock = clock
        self.started = False
        self._sel: Optional[_Poll] = _Poll()
        self._sockets = _Sockets(endpoint, self._sel)

    def __enter__(self) -> "Link":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._sel is None

    @property
    def _socks(self) -> dict[int, _socket.socket]:
        return self._sockets.socks

    def start(self) -> None:
        """Call the endpoint's ``start()`` and send its first datagrams."""
        if self.started:
            raise RuntimeError("link already started")
        self._require_open()
        self.started = True
        self.endpoint.start(self.clock())
        self._sockets.flush()

    def drive(self, until: Callable[[], bool] = lambda: False) -> bool:
        """Serve the endpoint until ``until()`` is true or it is done; return ``until()``.

        Starts the endpoint first if :meth:`start` was not called. At most one
        datagram is delivered between two checks of ``until()``; anything else
        waits in the socket for the next call.
        """
        self._require_open()
        if not self.started:
            self.start()
        ep = self.endpoint
        sockets = self._sockets
        sockets.flush()
        sel = self._sel
        assert sel is not None
        while not until():
            if ep.done:
                return False
            deadline = ep.next_deadline()
            if deadline is None:
                raise RuntimeError(f"endpoint {ep!r} is not done but has no deadline")
            events = sel.select(max(deadline - self.clock(), 0.0))
            now = self.clock()
            for key, _mask in events:
                if not sockets.receive(key.fileobj, key.data[1], now):
                    continue
                sockets.flush()
                if ep.done or until():
                    break
            else:
                deadline = ep.next_deadline()
                if not ep.done and deadline is not None and deadline <= now:
                    ep.handle_timer(now)
                    sockets.flush()
        return True

    def close(self) -> None:
        """Close every socket; idempotent. The endpoint is not told."""
        self._sockets.close()
        if self._sel is not None:
            self._sel.close()
            self._sel = None

    def _require_open(self) -> None:
        if self._sel is None:
            raise RuntimeError("link is closed")


# -- the serving side (the BMC simulator) --------------------------------------

#: serve() checks its stop() callable at least this often (seconds).
STOP_POLL_INTERVAL = 0.2


class Server(Protocol):
    """What :func:`serve` needs from a sans-I/O responder (one simulated BMC).

    ``address`` is the sockaddr to bind (as :func:`resolve` returns it) and
    ``family`` its address family.  ``receive()`` answers a datagram from
    ``source`` with ``(send_at, datagram)`` pairs, *send_at* being an absolute
    clock value (``now`` or earlier: send at once); each reply goes back to
    ``source`` from the server's own socket.  ``handle_timer(now)`` is called
    once ``now >= next_deadline()``; a ``None`` deadline means no timer.
    """

    address: tuple
    family: int

    def receive(self, data: bytes, source: tuple, now: float) -> list[tuple[float, bytes]]: ...

    def next_deadline(self) -> Optional[float]: ...

    def handle_timer(self, now: float) -> None: ...


class BindError(OSError):
    """A server socket could not be opened or bound; the message names the address."""

    def __str__(self) -> str:
        return str(self.strerror)


def format_sockaddr(sockaddr: tuple) -> str:
    """``127.0.0.1:623`` or ``[::1]:623`` for an AF_INET/AF_INET6 sockaddr."""
    host, port = sockaddr[0], sockaddr[1]
    if ":" in str(host):
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def _bind(server: Server) -> _socket.socket:
    """A non-blocking UDP socket bound to ``server.address`` (no SO_REUSEADDR)."""
    where = format_sockaddr(server.address)
    try:
        sock = _socket.socket(server.family, _socket.SOCK_DGRAM)
    except OSError as exc:
        raise BindError(exc.errno, f"cannot open a UDP socket for {where}: {exc.strerror}") from None
    try:
        sock.setblocking(False)
        sock.bind(server.address)
    except OSError as exc:
        sock.close()
        raise BindError(exc.errno, f"cannot bind UDP {where}: {exc.strerror or exc}") from None
    except BaseException:
        sock.close()
        raise
    return sock


def serve(
    servers: Sequence[Server],
    stop: Callable[[], bool],
    clock: Callable[[], float] = time.monotonic,
    after: Optional[Callable[[Server, float], None]] = None,
    ready: Optional[Callable[[], None]] = None,
    poll_interval: float = STOP_POLL_INTERVAL,
) -> None:
    """Answer datagrams for every server from one poll loop until ``stop()``.

    Every server's socket is bound first (in list order); if one cannot be,
    the ones already bound are closed and :class:`BindError` is raised.  Then
    ``ready()`` is called once, and the loop runs: one datagram per ready
    socket per pass, replies queued in a heap and sent when due, timers fired
    when due (a lazy heap keyed by each server's ``next_deadline()``, re-read
    after every call into the server).  ``after(server, now)`` is called after
    each ``receive()`` and ``handle_timer()``.  ``stop()`` is checked before
    every wait and no wait is longer than *poll_interval*, so it is polled at
    least that often and may do cheap periodic housekeeping.  Replies still
    scheduled when the loop stops are dropped; all sockets are closed on
    return, also when an exception propagates.  Errors from ``sendto()``
    (buffer full, unreachable) drop that datagram, as a congested link would.
    """
    sel = _Poll()
    socks: list[_socket.socket] = []
    try:
        for index, server in enumerate(servers):
            sock = _bind(server)
            socks.append(sock)
            sel.register(sock, index)

        count = len(servers)
        timer_at: list[Optional[float]] = [None] * count  # deadline of the live entry
        timer_seq = [-1] * count  # sequence number of the live entry (-1: none)
        timers: list[tuple[float, int, int]] = []  # (deadline, seq, index)
        sends: list[tuple[float, int, int, tuple, bytes]] = []  # (at, seq, index, dest, data)
        seq = 0

        def reschedule(index: int) -> None:
            """Push the server's current deadline if it differs from its live entry."""
            nonlocal seq
            deadline = servers[index].next_deadline()
            if deadline is None:
                timer_seq[index] = -1
                timer_at[index] = None
            elif deadline != timer_at[index] or timer_seq[index] < 0:
                seq += 1
                timer_at[index] = deadline
                timer_seq[index] = seq
                heappush(timers, (deadline, seq, index))

        for index in range(count):
            reschedule(index)
        if ready is not None:
            ready()

        while not stop():
            while timers and timer_seq[timers[0][2]] != timers[0][1]:
                heappop(timers)  # stale entry
            if len(timers) > 64 + 2 * count:
                timers = [
                    (timer_at[i], timer_seq[i], i)  # type: ignore[misc]
                    for i in range(count)
                    if timer_seq[i] >= 0
                ]
                heapify(timers)
            now = clock()
            wake = now + poll_interval
            if timers and timers[0][0] < wake:
                wake = timers[0][0]
            if sends and sends[0][0] < wake:
                wake = sends[0][0]
            events = sel.select(max(wake - now, 0.0))
            now = clock()

            for key, _mask in events:
                index = key.data
                try:
                    data, source = key.fileobj.recvfrom(_RECV_BUFSIZE)  # type: ignore[union-attr]
                except OSError:
                    continue  # EAGAIN, or an ICMP error report now cleared
                server = servers[index]
                for send_at, reply in server.receive(data, source, now):
                    seq += 1
                    heappush(sends, (send_at, seq, index, source, reply))
                if after is not None:
                    after(server, now)
                reschedule(index)

            due = []
            while timers and timers[0][0] <= now:
                _deadline, entry_seq, index = heappop(timers)
                if timer_seq[index] == entry_seq:
                    timer_seq[index] = -1
                    timer_at[index] = None
                    due.append(index)
            for index in due:
                server = servers[index]
                server.handle_timer(now)
                if after is not None:
                    after(server, now)
                reschedule(index)

            while sends and sends[0][0] <= now:
                _at, _seq, index, dest, reply = heappop(sends)
                try:
                    socks[index].sendto(reply, dest)
                except OSError:
                    pass  # dropped, like a datagram lost on a congested link
    finally:
        sel.close()
        for sock in socks:
            sock.close()
