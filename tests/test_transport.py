"""Tests for pyipmi_tools.transport over real UDP on 127.0.0.1.

Every wait is bounded: endpoints carry their own give-up deadlines, the echo
server polls a stop flag, and an alarm aborts a test that would hang.
"""

from __future__ import annotations

import errno
import resource
import socket
import threading
import time
from typing import Optional

import pytest

from tests.support.guards import bounded, open_fds

from pyipmi_tools import transport
from pyipmi_tools.transport import Datagram, HostResolutionError, resolve, run


# --------------------------------------------------------------------------
# fixtures


@pytest.fixture(autouse=True)
def _guard():
    """Abort a hung test after 20 s; check no descriptors or threads leak."""
    with bounded(20, "transport loop"):
        yield


@pytest.fixture
def fd_check():
    """Fail if a test leaves sockets open (checked after servers stop)."""
    before = open_fds()
    yield
    leaked = open_fds() - before
    assert not leaked, f"descriptors left open: {leaked}"


class EchoServer:
    """UDP echo server in a thread.

    Payloads look like ``tag:body``.  The server logs (tag, source port,
    body).  Bodies starting with ``DROP`` are not answered.  Body ``MIRROR``
    is echoed and, first, ``MIRRORED`` is sent to every earlier source port
    seen for the same tag.
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.address = self.sock.getsockname()
        self.log: list[tuple[bytes, int, bytes]] = []
        self.ports: dict[bytes, list[int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        sock = self.sock
        while not self._stop.is_set():
            try:
                data, addr = sock.recvfrom(65536)
            except socket.timeout:
                continue
            tag, _, body = data.partition(b":")
            self.log.append((tag, addr[1], body))
            ports = self.ports.setdefault(tag, [])
            if body.startswith(b"DROP"):
                continue
            if body.startswith(b"MIRROR"):
                for port in ports:
                    if port != addr[1]:
                        sock.sendto(tag + b":MIRRORED", ("127.0.0.1", port))
            if addr[1] not in ports:
                ports.append(addr[1])
            sock.sendto(data, addr)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        assert not self._thread.is_alive()
        self.sock.close()


@pytest.fixture
def echo(fd_check):
    server = EchoServer()
    yield server
    server.close()


# --------------------------------------------------------------------------
# a tiny sans-I/O endpoint


class Counter:
    def __init__(self) -> None:
        self.active = 0
        self.max_active = 0

    def up(self) -> None:
        self.active += 1
        self.max_active = max(self.max_active, self.active)

    def down(self) -> None:
        self.active -= 1


class EchoEndpoint:
    """Sends each step's datagrams, waits for the echo of the first one.

    ``steps`` is a list of lists of (body, socket_index); a step may also be
    the string ``"retire:N"`` which sets min_socket_index to N.  Retransmits
    the current step every ``rto`` seconds; gives up after ``give_up``.
    After the last echo it lingers ``linger`` seconds recording anything else.
    """

    def __init__(
        self,
        address: tuple,
        tag: bytes,
        steps: list,
        rto: float = 0.05,
        give_up: float = 2.0,
        linger: float = 0.0,
        counter: Optional[Counter] = None,
    ) -> None:
        self.address = address
        self.family = socket.AF_INET
        self.tag = tag
        self.steps = list(steps)
        self.rto = rto
        self.give_up = give_up
        self.linger = linger
        self.counter = counter
        self.done = False
        self.failed = False
        self.min_socket_index = 0
        self.outbox: list[Datagram] = []
        self.received: list[tuple[bytes, str, int]] = []
        self.timer_calls: list[float] = []
        self.sends = 0
        self.step = 0
        self.retransmit_at: Optional[float] = None
        self.give_up_at = 0.0
        self.linger_until: Optional[float] = None

    # -- helpers
    def _finish(self, failed: bool = False) -> None:
        self.done = True
        self.failed = failed
        if self.counter:
            self.counter.down()

    def _send_step(self, now: float) -> None:
        while self.step < len(self.steps) and isinstance(self.steps[self.step], str):
            self.min_socket_index = int(self.steps[self.step].split(":")[1])
            self.step += 1
        if self.step == len(self.steps):
            if self.linger:
                self.linger_until = now + self.linger
                self.retransmit_at = None
            else:
                self._finish()
            return
        for body, index in self.steps[self.step]:
            self.outbox.append(Datagram(self.tag + b":" + body, index))
            self.sends += 1
        self.retransmit_at = now + self.rto

    # -- Endpoint protocol
    def start(self, now: float) -> None:
        if self.counter:
            self.counter.up()
        self.give_up_at = now + self.give_up
        self._send_step(now)

    def datagrams_to_send(self) -> list[Datagram]:
        out, self.outbox = self.outbox, []
        return out

    def receive_datagram(self, data: bytes, source_ip: str, socket_index: int, now: float) -> None:
        assert not self.done
        self.received.append((data, source_ip, socket_index))
        if self.linger_until is not None or self.step >= len(self.steps):
            return
        expected = self.tag + b":" + self.steps[self.step][0][0]
        if data == expected:
            self.step += 1
            self._send_step(now)

    def next_deadline(self) -> Optional[float]:
        if self.linger_until is not None:
            return self.linger_until
        return min(self.retransmit_at, self.give_up_at)

    def handle_timer(self, now: float) -> None:
        assert not self.done
        self.timer_calls.append(now)
        assert now >= self.next_deadline()
        if self.linger_until is not None:
            if now >= self.linger_until:
                self._finish()
            return
        if now >= self.give_up_at:
            self._finish(failed=True)
        elif now >= self.retransmit_at:
            self._send_step(now)  # retransmit the current step


def round_trips(address, tag: bytes, n: int, **kw) -> EchoEndpoint:
    return EchoEndpoint(address, tag, [[(b"m%d" % i, 0)] for i in range(n)], **kw)


# --------------------------------------------------------------------------
# resolve()


def test_resolve_ipv4_literal():
    assert resolve("127.0.0.1", 623) == (socket.AF_INET, ("127.0.0.1", 623))


def test_resolve_localhost():
    family, sockaddr = resolve("localhost", 623)
    assert family in (socket.AF_INET, socket.AF_INET6)
    assert sockaddr[0] in ("127.0.0.1", "::1")
    assert sockaddr[1] == 623


def test_resolve_ipv6_loopback():
    try:
        family, sockaddr = resolve("::1", 623)
    except HostResolutionError as exc:  # IPv6 disabled on this host
        assert exc.gai_error in (socket.EAI_NONAME, getattr(socket, "EAI_ADDRFAMILY", -9))
        return
    assert family == socket.AF_INET6
    assert sockaddr[:2] == ("::1", 623)


@pytest.mark.parametrize("host", ["no-such-host.invalid", "a..b", "x\0y"])
def test_resolve_failure(host):
    with pytest.raises(HostResolutionError) as info:
        resolve(host, 623)
    assert isinstance(info.value.gai_error, int)
    assert info.value.message
    assert str(info.value) == info.value.message


# --------------------------------------------------------------------------
# run()


def test_reply_delivered_with_index_and_source_ip(echo):
    ep = round_trips(echo.address, b"a", 3)
    done = []
    run([ep], on_done=done.append)
    assert done == [ep]
    assert ep.done and not ep.failed
    assert [r[0] for r in ep.received] == [b"a:m0", b"a:m1", b"a:m2"]
    assert all(ip == "127.0.0.1" and idx == 0 for _, ip, idx in ep.received)
    # one socket, one source port
    assert len({port for tag, port, _ in echo.log if tag == b"a"}) == 1


def test_retransmits_on_deadline(echo):
    # The server drops the first body; the endpoint must retransmit it
    # until it gives up (the drop is permanent), with bounded timer calls.
    ep = EchoEndpoint(echo.address, b"r", [[(b"DROP", 0)]], rto=0.02, give_up=0.15)
    run([ep])
    assert ep.done and ep.failed
    sent = [body for tag, _, body in echo.log if tag == b"r"]
    assert 3 <= len(sent) <= 10
    assert 3 <= len(ep.timer_calls) <= 10


def test_new_socket_index_opens_new_socket(echo):
    steps = [
        [(b"first", 0)],
        # new index 1: new socket/port; the server mirrors to the old port,
        # which is still open and must be delivered with index 0
        [(b"MIRROR", 1)],
        "retire:1",
        # old socket retired: the mirror to its port must not be delivered
        [(b"MIRROR", 1)],
    ]
    ep = EchoEndpoint(echo.address, b"s", steps, linger=0.05)
    run([ep])
    assert ep.done and not ep.failed
    ports = echo.ports[b"s"]
    assert len(ports) == 2 and ports[0] != ports[1]
    log_ports = [(port, body) for tag, port, body in echo.log if tag == b"s"]
    assert log_ports[0] == (ports[0], b"first")
    assert all(port == ports[1] for port, body in log_ports[1:])
    got = ep.received
    assert (b"s:first", "127.0.0.1", 0) in got
    assert (b"s:MIRROR", "127.0.0.1", 1) in got
    assert got.count((b"s:MIRRORED", "127.0.0.1", 0)) == 1  # before retirement only
    assert not any(data == b"s:MIRRORED" and idx != 0 for data, _, idx in got)
    assert got.count((b"s:MIRROR", "127.0.0.1", 1)) == 2


def test_datagram_for_retired_socket_is_dropped(echo):
    class Odd(EchoEndpoint):
        def start(self, now):
            self.min_socket_index = 1
            self.outbox.append(Datagram(b"o:old", 0))  # retired: dropped
            super().start(now)

    ep = Odd(echo.address, b"o", [[(b"new", 1)]])
    run([ep])
    assert ep.done and not ep.failed
    assert [body for tag, _, body in echo.log if tag == b"o"] == [b"new"]


def test_fanout_cap(echo):
    counter = Counter()
    eps = [round_trips(echo.address, b"f%d" % i, 3, counter=counter) for i in range(50)]
    done: list = []
    run(eps, fanout=7, on_done=done.append)
    assert counter.max_active == 7
    assert counter.active == 0
    assert all(ep.done and not ep.failed for ep in eps)
    assert sorted(map(id, done)) == sorted(map(id, eps))


def test_fanout_starts_in_list_order(echo):
    order = []

    class Ordered(EchoEndpoint):
        def start(self, now):
            order.append(self.tag)
            super().start(now)

    eps = [Ordered(echo.address, b"o%d" % i, [[(b"x", 0)]]) for i in range(10)]
    run(eps, fanout=3)
    assert order == [b"o%d" % i for i in range(10)]


class TimerOnly:
    """Endpoint without traffic: finishes when its single timer fires."""

    def __init__(self, delay: float) -> None:
        self.address = ("127.0.0.1", 9)
        self.family = socket.AF_INET
        self.delay = delay
        self.done = False
        self.min_socket_index = 0
        self.deadline: Optional[float] = None
        self.fired: list[float] = []

    def start(self, now: float) -> None:
        self.deadline = now + self.delay

    def datagrams_to_send(self) -> list[Datagram]:
        return []

    def receive_datagram(self, data, source_ip, socket_index, now) -> None:
        raise AssertionError("no traffic expected")

    def next_deadline(self) -> Optional[float]:
        return self.deadline

    def handle_timer(self, now: float) -> None:
        assert now >= self.deadline
        self.fired.append(now)
        self.done = True


def test_on_done_once_in_completion_order(fd_check):
    eps = [TimerOnly(0.01 * (6 - i)) for i in range(6)]
    done: list = []
    run(eps, on_done=done.append)
    assert done == list(reversed(eps))
    assert all(len(ep.fired) == 1 for ep in eps)


def test_dead_port_does_not_crash_or_spin(fd_check):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    dead = probe.getsockname()
    probe.close()  # nothing listens there now: ICMP port unreachable

    calls = 0

    def counting_clock():
        nonlocal calls
        calls += 1
        return transport.time.monotonic()

    ep = EchoEndpoint(dead, b"d", [[(b"hello", 0)]], rto=0.02, give_up=0.2)
    run([ep], clock=counting_clock)
    assert ep.done and ep.failed
    assert ep.received == []
    assert 5 <= ep.sends <= 15
    # A busy loop would read the clock thousands of times in 0.2 s.
    assert calls < 100


def test_icmp_errors_on_receive_are_ignored(echo, monkeypatch):
    # Linux reports ICMP errors only on connected UDP sockets, which the
    # transport does not use; simulate the report to cover the path.
    class Refusing(socket.socket):
        pending = [ConnectionRefusedError, ConnectionResetError]

        def recvfrom(self, *args):
            if Refusing.pending:
                raise Refusing.pending.pop(0)(errno.ECONNREFUSED, "refused")
            return super().recvfrom(*args)

    import _socket
    import types
    fake = types.SimpleNamespace(**{k: getattr(_socket, k) for k in dir(_socket) if not k.startswith("__")})
    fake.socket = Refusing
    monkeypatch.setattr(transport, "_socket", fake)
    ep = round_trips(echo.address, b"z", 2)
    run([ep])
    assert not Refusing.pending
    assert ep.done and not ep.failed
    assert [r[0] for r in ep.received] == [b"z:m0", b"z:m1"]


def test_done_right_after_start(echo):
    class Instant(EchoEndpoint):
        def start(self, now):
            self.outbox.append(Datagram(b"i:bye", 0))
            self.done = True

    quiet = TimerOnly(0.0)
    quiet.start = lambda now: setattr(quiet, "done", True)  # type: ignore[method-assign]
    inst = Instant(echo.address, b"i", [])
    after = round_trips(echo.address, b"after", 1)
    done: list = []
    run([quiet, inst, after], fanout=1, on_done=done.append)
    assert done == [quiet, inst, after]
    assert after.done and not after.failed
    # the final datagram queued with done=True was still sent
    for _ in range(100):
        if any(tag == b"i" for tag, _, _ in echo.log):
            break
        time.sleep(0.01)
    assert [(tag, body) for tag, _, body in echo.log if tag == b"i"] == [(b"i", b"bye")]


def test_empty_endpoint_list():
    run([])
    run([], fanout=5)


def test_thousand_endpoints(echo):
    eps = [round_trips(echo.address, b"k%d" % i, 2, rto=0.5, give_up=10.0) for i in range(1000)]
    done: list = []
    run(eps, on_done=done.append)
    assert len(done) == 1000 and len(set(map(id, done))) == 1000
    assert all(ep.done and not ep.failed for ep in eps)


class FakeClock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_injected_clock_drives_timers(echo):
    """A pacer endpoint advances a fake clock by 1.0 per echo; the sleeper's
    timer (fake deadline t0 + 3.5) must fire at the first reading >= it."""
    t0 = 1_000_000.0  # far from time.monotonic(): wrong clock use would hang
    clock = FakeClock(t0)
    sleeper = TimerOnly(3.5)

    class Pacer(EchoEndpoint):
        def receive_datagram(self, data, source_ip, socket_index, now):
            self.received.append((data, source_ip, socket_index))
            assert not sleeper.fired or now >= t0 + 4.0
            clock.t += 1.0
            if sleeper.done:
                self._finish()
            else:
                self.outbox.append(Datagram(data, 0))
                self.retransmit_at = clock.t + 100.0

    pacer = Pacer(echo.address, b"p", [[(b"tick", 0)]], rto=100.0, give_up=1000.0)
    run([sleeper, pacer], clock=clock)
    assert sleeper.fired == [t0 + 4.0]
    assert pacer.done and not pacer.failed
    assert pacer.timer_calls == []
    assert 5 <= len(pacer.received) <= 6


def test_endpoint_without_deadline_raises(fd_check):
    ep = TimerOnly(0.0)
    ep.start = lambda now: None  # type: ignore[method-assign]  # never sets a deadline
    with pytest.raises(RuntimeError):
        run([ep])


def test_exception_in_endpoint_closes_sockets(echo):
    class Boom(EchoEndpoint):
        def receive_datagram(self, *args):
            raise ValueError("boom")

    with pytest.raises(ValueError):
        run([Boom(echo.address, b"b", [[(b"x", 0)]]), round_trips(echo.address, b"c", 5)])


def _fd_limited(extra: int):
    """Context: RLIMIT_NOFILE so that only ``extra`` more descriptors fit."""

    class Limit:
        def __enter__(self):
            self.old = resource.getrlimit(resource.RLIMIT_NOFILE)
            used = open_fds()
            free, limit = 0, 0
            while free < extra:  # new descriptors take the lowest free numbers
                if limit not in used:
                    free += 1
                limit += 1
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, self.old[1]))

        def __exit__(self, *exc):
            resource.setrlimit(resource.RLIMIT_NOFILE, self.old)

    return Limit()


def test_emfile_reported_to_endpoint(echo):
    class Tellable(EchoEndpoint):
        def socket_error(self, err):
            self.errno_seen = err
            self._finish(failed=True)

    eps = [Tellable(echo.address, b"e%d" % i, [[(b"x", 0)]]) for i in range(6)]
    # one descriptor for the selector, three for sockets
    with _fd_limited(4):
        run(eps)
    told = [ep for ep in eps if getattr(ep, "errno_seen", None) == errno.EMFILE]
    ok = [ep for ep in eps if not ep.failed]
    assert len(told) == 3 and len(ok) == 3
    assert all(ep.done for ep in eps)


def test_emfile_raised_without_handler(echo):
    eps = [round_trips(echo.address, b"n%d" % i, 1) for i in range(4)]
    with _fd_limited(3):
        with pytest.raises(OSError) as info:
            run(eps)
    assert info.value.errno == errno.EMFILE


# --------------------------------------------------------------------------
# Link: one endpoint, driven step by step


def test_link_keeps_its_socket_between_drives(echo):
    ep = EchoEndpoint(echo.address, b"L", [[(b"one", 0)]], linger=5.0)
    with transport.Link(ep) as link:
        assert link.drive(lambda: len(ep.received) == 1)
        # the owner queues more work between calls; the next drive sends it
        ep.outbox.append(Datagram(b"L:two", 0))
        assert link.drive(lambda: len(ep.received) == 2)
        assert not ep.done
    assert link.closed
    assert [r[0] for r in ep.received] == [b"L:one", b"L:two"]
    assert len(echo.ports[b"L"]) == 1  # one socket, one source port, across both drives


def test_link_returns_false_when_endpoint_finishes(echo):
    ep = EchoEndpoint(echo.address, b"F", [[(b"DROP", 0)]], rto=0.02, give_up=0.15)
    link = transport.Link(ep)
    started = time.monotonic()
    assert link.drive(lambda: False) is False
    assert time.monotonic() - started < 1.0
    assert ep.done and ep.failed
    assert 3 <= ep.sends <= 10
    assert link._socks == {}  # a finished endpoint's sockets are closed at once
    link.close()
    link.close()  # idempotent


def test_link_drive_checks_until_first(echo):
    ep = round_trips(echo.address, b"U", 1)
    with transport.Link(ep) as link:
        link.start()
        assert link.drive(lambda: True)  # nothing waited for, but the first datagram went out
        assert link.drive(lambda: bool(ep.received))
    with pytest.raises(RuntimeError):
        link.drive(lambda: True)
    closed = transport.Link(round_trips(echo.address, b"V", 1))
    closed.close()
    with pytest.raises(RuntimeError):
        closed.start()


def test_link_new_and_retired_socket_indexes(echo):
    steps = [[(b"first", 0)], [(b"MIRROR", 1)], "retire:1", [(b"MIRROR", 1)]]
    ep = EchoEndpoint(echo.address, b"S", steps, linger=0.05)
    with transport.Link(ep) as link:
        assert link.drive() is False  # runs to the end of the endpoint
    got = ep.received
    assert (b"S:first", "127.0.0.1", 0) in got
    assert got.count((b"S:MIRRORED", "127.0.0.1", 0)) == 1
    assert got.count((b"S:MIRROR", "127.0.0.1", 1)) == 2
    assert len(echo.ports[b"S"]) == 2


def test_link_endpoint_without_deadline_raises(fd_check):
    ep = TimerOnly(0.0)
    ep.start = lambda now: None  # type: ignore[method-assign]
    with transport.Link(ep) as link, pytest.raises(RuntimeError):
        link.drive()


def test_link_timer_with_injected_clock(fd_check):
    clock = FakeClock(500.0)
    ep = TimerOnly(2.0)
    with transport.Link(ep, clock=clock) as link:
        link.start()
        clock.t = 502.5  # the select() timeout is 0 from now on; the timer is due
        assert link.drive() is False
    assert ep.fired == [502.5]


def test_link_exception_in_endpoint_closes_nothing_until_close(echo):
    class Boom(EchoEndpoint):
        def receive_datagram(self, *args):
            raise ValueError("boom")

    link = transport.Link(Boom(echo.address, b"B", [[(b"x", 0)]]))
    with pytest.raises(ValueError):
        link.drive()
    assert len(link._socks) == 1
    link.close()
    assert link._socks == {} and link.closed


@pytest.mark.parametrize("regular_files", [False, True])
def test_a_closed_socket_leaves_the_poll_and_its_descriptor_can_be_reused(regular_files, fd_check):
    poll = transport._Poll(regular_files=regular_files)
    try:
        old = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        old.bind(("127.0.0.1", 0))
        old.sendto(b"pending", old.getsockname())      # readable when it is closed
        poll.register(old, "old")
        fd = old.fileno()
        poll.unregister_closing(old)
        old.close()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as new:
            assert new.fileno() == fd                  # the lowest free descriptor again
            new.bind(("127.0.0.1", 0))
            poll.register(new, "new")                  # accepted: the old registration is gone
            assert poll.select(0) == []
            new.sendto(b"x", new.getsockname())
            assert [key.data for key, _mask in poll.select(1.0)] == ["new"]
            poll.unregister_closing(new)
    finally:
        poll.close()
