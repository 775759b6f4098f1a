"""Loopback UDP port helpers for the BMC test fixtures.

Only 127.0.0.0/8 is ever used.  Ports come from the kernel (bind to port 0,
read the number, close) and are remembered, so two fixtures in the same
process never get the same port even before either has bound it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
import threading

_lock = threading.Lock()
_handed_out: set[tuple[str, int]] = set()


def check_loopback(address: str) -> str:
    """Return *address* if it is an IPv4 address in 127.0.0.0/8, else raise."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        raise ValueError(f"not an IPv4 address: {address!r}") from None
    if ip not in ipaddress.IPv4Network("127.0.0.0/8"):
        raise ValueError(f"test BMCs only use 127.0.0.0/8, not {address}")
    return address


def free_udp_port(address: str = "127.0.0.1") -> int:
    """Pick a UDP port on *address* that is free now and not handed out yet."""
    check_loopback(address)
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind((address, 0))
            port = sock.getsockname()[1]
        with _lock:
            if (address, port) not in _handed_out:
                _handed_out.add((address, port))
                return port
    raise RuntimeError(f"no free UDP port found on {address}")


def free_udp_ports(count: int, address: str = "127.0.0.1") -> list[int]:
    """Pick *count* distinct free UDP ports on *address*."""
    return [free_udp_port(address) for _ in range(count)]


def _proc_net_address(address: str, port: int) -> str:
    """Format address:port the way /proc/net/udp prints a local address."""
    (raw,) = struct.unpack("=I", socket.inet_aton(address))
    return f"{raw:08X}:{port:04X}"


def _socket_inodes(pid: int) -> set[str]:
    """Inode numbers of the sockets process *pid* has open."""
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return inodes
    for name in names:
        try:
            target = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def udp_bound_by(pid: int, address: str, port: int) -> bool:
    """True if process *pid* owns a UDP socket bound to *address*:*port*.

    Accepts a socket bound to the exact address or to 0.0.0.0.
    """
    wanted = {_proc_net_address(address, port), _proc_net_address("0.0.0.0", port)}
    inodes = _socket_inodes(pid)
    if not inodes:
        return False
    try:
        with open("/proc/net/udp", encoding="ascii") as table:
            next(table, None)
            for line in table:
                fields = line.split()
                if len(fields) > 9 and fields[1] in wanted and fields[9] in inodes:
                    return True
    except OSError:
        return False
    return False


def udp_port_in_use(address: str, port: int) -> bool:
    """True if some socket is bound to UDP *address*:*port* (or the wildcard)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return True
    return False
