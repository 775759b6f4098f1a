"""Throughput of pyipmi_tools.transport.run() over loopback UDP.

N endpoints (default 1000) each do R sequential request/reply round trips
(default 7, about an ipmipower session: 4 set-up exchanges, a command, close)
against a UDP echo server running in a thread of this process.

    python3 benchmarks/transport_bench.py [--endpoints N] [--round-trips R]
                                          [--fanout F] [--repeat K]

Prints endpoints/s and datagrams/s for the best of K runs.  The echo server
shares the GIL with the transport, so the figure is a lower bound for the
transport alone.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from pyipmi_tools.transport import Datagram, run  # noqa: E402


class EchoServer:
    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.address = self.sock.getsockname()
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        recvfrom, sendto = self.sock.recvfrom, self.sock.sendto
        while not self.stop:
            try:
                data, addr = recvfrom(2048)
            except socket.timeout:
                continue
            sendto(data, addr)

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


class Pinger:
    """R sequential round trips, 1 s retransmission, 10 s give-up."""

    __slots__ = ("address", "family", "done", "min_socket_index", "left",
                 "outbox", "deadline", "give_up", "retransmits")

    def __init__(self, address: tuple, round_trips: int) -> None:
        self.address = address
        self.family = socket.AF_INET
        self.done = False
        self.min_socket_index = 0
        self.left = round_trips
        self.outbox: list[Datagram] = []
        self.deadline = 0.0
        self.give_up = 0.0
        self.retransmits = 0

    def start(self, now: float) -> None:
        self.give_up = now + 10.0
        self._send(now)

    def _send(self, now: float) -> None:
        self.outbox.append(Datagram(b"\x06\x00\xff\x07" + bytes(20)))
        self.deadline = now + 1.0

    def datagrams_to_send(self) -> list[Datagram]:
        out, self.outbox = self.outbox, []
        return out

    def receive_datagram(self, data, source_ip, socket_index, now) -> None:
        self.left -= 1
        if self.left == 0:
            self.done = True
        else:
            self._send(now)

    def next_deadline(self) -> float:
        return min(self.deadline, self.give_up)

    def handle_timer(self, now: float) -> None:
        if now >= self.give_up:
            self.done = True
        else:
            self.retransmits += 1
            self._send(now)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endpoints", type=int, default=1000)
    ap.add_argument("--round-trips", type=int, default=7)
    ap.add_argument("--fanout", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    server = EchoServer()
    best = float("inf")
    try:
        for _ in range(args.repeat):
            eps = [Pinger(server.address, args.round_trips) for _ in range(args.endpoints)]
            t = time.perf_counter()
            run(eps, fanout=args.fanout)
            elapsed = time.perf_counter() - t
            unfinished = sum(ep.left > 0 for ep in eps)
            retransmits = sum(ep.retransmits for ep in eps)
            print(f"  run: {elapsed:.3f} s, retransmits {retransmits}, unfinished {unfinished}")
            best = min(best, elapsed)
    finally:
        server.close()
    n, r = args.endpoints, args.round_trips
    print(f"{n} endpoints x {r} round trips (fanout {args.fanout or 'unlimited'}): "
          f"best {best:.3f} s = {n / best:,.0f} endpoints/s, {2 * n * r / best:,.0f} datagrams/s")


if __name__ == "__main__":
    main()
