"""Tests for transport.serve(): the simulator's socket loop, over real UDP on loopback.

serve() runs in a thread with a stop flag; every join, receive and wait is bounded,
and an alarm aborts a test that would hang anyway.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Callable, Optional

import pytest

from tests.support.guards import bounded

from pyipmi_tools.transport import STOP_POLL_INTERVAL, BindError, format_sockaddr, serve
from tests.support.ports import free_udp_port, free_udp_ports, udp_port_in_use

# A loopback address of this process's own, so that a concurrent test run picking
# "free" ports at the same moment cannot collide with these servers.
_PID = os.getpid()
HOST = f"127.{(_PID >> 16) & 0xFF}.{(_PID >> 8) & 0xFF}.{(_PID & 0xFF) or 1}"


@pytest.fixture(autouse=True)
def _guard() -> Iterator[None]:
    """Abort a hung test after 20 s; fail if descriptors or threads leak."""
    with bounded(20, "serve loop", check_fds=True):
        yield


class Echo:
    """Echoes each datagram; ``delay:SECONDS:body`` answers after a delay.

    ``burst`` answers with three replies scheduled out of order (0.15 s, 0 s,
    0.08 s) to show that sends leave in send-time order.  ``timer:SECONDS``
    arms a one-shot timer.  ``boom`` raises.
    """

    def __init__(self, port: int, address: str = HOST) -> None:
        self.address = (address, port)
        self.family = socket.AF_INET
        self.received: list[tuple[bytes, tuple, float]] = []
        self.deadline: Optional[float] = None
        self.fired: list[tuple[float, float]] = []  # (deadline, now)

    def receive(self, data: bytes, source: tuple, now: float) -> list[tuple[float, bytes]]:
        self.received.append((data, source, now))
        if data == b"boom":
            raise ValueError("boom")
        if data.startswith(b"delay:"):
            _, seconds, body = data.split(b":", 2)
            return [(now + float(seconds), body)]
        if data == b"burst":
            return [(now + 0.15, b"third"), (now, b"first"), (now + 0.08, b"second")]
        if data.startswith(b"timer:"):
            self.deadline = now + float(data.split(b":")[1])
            return []
        return [(now, data)]

    def next_deadline(self) -> Optional[float]:
        return self.deadline

    def handle_timer(self, now: float) -> None:
        assert self.deadline is not None and now >= self.deadline
        self.fired.append((self.deadline, now))
        self.deadline = None


class Running:
    """serve() in a thread; ``stop()`` sets the flag and joins (bounded)."""

    def __init__(self, servers: list, **kwargs) -> None:
        self.flag = threading.Event()
        self.ready = threading.Event()
        self.error: Optional[BaseException] = None
        self.stop_calls: list[float] = []
        self.after_calls: list[tuple[object, float]] = []
        self.kwargs = kwargs
        self.servers = servers
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(5), "serve() never became ready"
        if self.error is not None:
            self.thread.join(5)
            raise self.error

    def _stop(self) -> bool:
        self.stop_calls.append(time.monotonic())
        return self.flag.is_set()

    def _run(self) -> None:
        try:
            serve(self.servers, self._stop, after=lambda s, now: self.after_calls.append((s, now)),
                  ready=self.ready.set, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            self.error = exc
            self.ready.set()

    def stop(self) -> float:
        """Set the flag; return how long serve() took to return."""
        start = time.monotonic()
        self.flag.set()
        self.thread.join(5)
        assert not self.thread.is_alive(), "serve() did not return after stop()"
        return time.monotonic() - start


@pytest.fixture
def client() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2.0)
    yield sock
    sock.close()


def _exchange(sock: socket.socket, port: int, data: bytes) -> bytes:
    sock.sendto(data, (HOST, port))
    reply, source = sock.recvfrom(65536)
    assert source == (HOST, port)
    return reply


def _wait_for(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


# --------------------------------------------------------------------------


def test_binds_and_answers_from_the_server_port(client: socket.socket) -> None:
    port = free_udp_port(HOST)
    server = Echo(port)
    running = Running([server])
    try:
        assert udp_port_in_use(HOST, port)
        assert _exchange(client, port, b"hello") == b"hello"
        assert _exchange(client, port, b"again") == b"again"
        assert [d for d, _s, _n in server.received] == [b"hello", b"again"]
        assert server.received[0][1] == client.getsockname()
        # the hook saw both receives
        assert [s for s, _n in running.after_calls] == [server, server]
    finally:
        running.stop()
    assert running.error is None
    assert not udp_port_in_use(HOST, port)


def test_many_servers_in_one_loop(client: socket.socket) -> None:
    ports = free_udp_ports(200, HOST)
    servers = [Echo(p) for p in ports]
    running = Running(servers)
    try:
        for port in ports:
            client.sendto(b"p%d" % port, (HOST, port))
        answers = {}
        for _ in ports:
            data, source = client.recvfrom(100)
            answers[source[1]] = data
        assert answers == {p: b"p%d" % p for p in ports}
    finally:
        running.stop()
    assert running.error is None
    assert all(len(s.received) == 1 for s in servers)


def test_scheduled_replies_leave_in_send_time_order(client: socket.socket) -> None:
    port = free_udp_port(HOST)
    running = Running([Echo(port)])
    try:
        start = time.monotonic()
        client.sendto(b"burst", (HOST, port))
        got = []
        for _ in range(3):
            data, _src = client.recvfrom(100)
            got.append((data, time.monotonic() - start))
        assert [d for d, _t in got] == [b"first", b"second", b"third"]
        assert got[1][1] >= 0.08 and got[2][1] >= 0.15
        assert got[2][1] < 1.0
    finally:
        running.stop()
    assert running.error is None


def test_delayed_reply_does_not_block_others() -> None:
    port = free_udp_port(HOST)
    running = Running([Echo(port)])
    slow = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fast = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for sock in (slow, fast):
            sock.bind(("127.0.0.1", 0))
            sock.settimeout(2.0)
        start = time.monotonic()
        slow.sendto(b"delay:0.4:late", (HOST, port))
        assert _exchange(fast, port, b"quick") == b"quick"
        assert time.monotonic() - start < 0.3
        assert slow.recvfrom(100)[0] == b"late"
        assert time.monotonic() - start >= 0.4
    finally:
        slow.close()
        fast.close()
        running.stop()
    assert running.error is None


def test_reply_to_a_vanished_client_is_harmless(client: socket.socket) -> None:
    port = free_udp_port(HOST)
    running = Running([Echo(port)])
    try:
        gone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        gone.sendto(b"delay:0.05:nobody", (HOST, port))
        gone.close()
        time.sleep(0.15)
        assert _exchange(client, port, b"still here") == b"still here"
    finally:
        running.stop()
    assert running.error is None


def test_timers_fire_when_due_and_the_hook_sees_them(client: socket.socket) -> None:
    port = free_udp_port(HOST)
    server = Echo(port)
    running = Running([server])
    try:
        client.sendto(b"timer:0.1", (HOST, port))
        assert _wait_for(lambda: len(server.fired) == 1)
        deadline, fired_at = server.fired[0]
        assert 0.0 <= fired_at - deadline < 0.1
        assert len(running.after_calls) == 2  # the receive, then the timer
        time.sleep(0.3)
        assert len(server.fired) == 1  # None deadline: no more calls
    finally:
        running.stop()
    assert running.error is None


def test_a_deadline_present_before_ready_is_served() -> None:
    server = Echo(free_udp_port(HOST))
    server.deadline = time.monotonic() + 0.05
    running = Running([server])
    try:
        assert _wait_for(lambda: len(server.fired) == 1)
    finally:
        running.stop()


def test_stop_is_polled_while_idle_and_ends_the_loop_promptly() -> None:
    running = Running([Echo(free_udp_port(HOST))])
    time.sleep(1.0)
    took = running.stop()
    assert running.error is None
    # Generous margins: the scheduler, not serve(), adds anything above the interval.
    assert took < STOP_POLL_INTERVAL + 0.3
    calls = running.stop_calls
    gaps = [b - a for a, b in zip(calls, calls[1:])]
    assert len(calls) >= 4
    assert max(gaps) < STOP_POLL_INTERVAL + 0.15


def test_stop_before_start_binds_and_closes() -> None:
    port = free_udp_port(HOST)
    seen = []
    serve([Echo(port)], lambda: True, ready=lambda: seen.append(udp_port_in_use(HOST, port)))
    assert seen == [True]
    assert not udp_port_in_use(HOST, port)


def test_address_in_use_fails_loudly_and_closes_what_was_bound() -> None:
    first, busy = free_udp_ports(2, HOST)
    blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        blocker.bind((HOST, busy))
        ready = []
        with pytest.raises(BindError) as info:
            serve([Echo(first), Echo(busy)], lambda: True, ready=lambda: ready.append(1))
        assert info.value.errno == errno.EADDRINUSE
        assert str(info.value) == f"cannot bind UDP {HOST}:{busy}: Address already in use"
        assert ready == []
        assert not udp_port_in_use(HOST, first)  # already-bound socket was closed
    finally:
        blocker.close()


def test_exception_from_a_server_propagates_and_closes_sockets(client: socket.socket) -> None:
    port = free_udp_port(HOST)
    running = Running([Echo(port)])
    client.sendto(b"boom", (HOST, port))
    running.thread.join(5)
    assert not running.thread.is_alive()
    assert isinstance(running.error, ValueError)
    assert not udp_port_in_use(HOST, port)


def test_format_sockaddr() -> None:
    assert format_sockaddr(("127.0.0.1", 623)) == "127.0.0.1:623"
    assert format_sockaddr(("::1", 623, 0, 0)) == "[::1]:623"
