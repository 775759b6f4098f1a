"""pyipmi_tools.cli.hosts: host[:port] rules, OEM extra arguments, ipmipower's connection list.

The golden tests at the end run the real ipmipower 1.6.10 and compare its output with
what this module predicts (name resolution done with the same getaddrinfo flags).
"""

from __future__ import annotations

import os
import socket
import subprocess

import pytest

from pyipmi_tools.cli.hostlist import Hostlist, HostlistError, ranged
from pyipmi_tools.cli.hosts import (
    DEFAULT_PORT,
    HostsFatal,
    HostSpec,
    InvalidHost,
    Target,
    parse_host,
    plan_targets,
    split_extra_arg,
    split_port,
)

A64 = "a" * 64

PARSE = [
    ("h", "h", DEFAULT_PORT),
    ("h:623", "h", 623),
    ("h:17623", "h", 17623),
    ("h:0623", "h", 0o623),          # strtol base 0: octal
    ("h:00001", "h", 1),
    ("h:65535", "h", 65535),
    ("h:", "h:", DEFAULT_PORT),      # no digits after the colon: part of the name
    ("h:0x1F", "h:0x1F", DEFAULT_PORT),
    ("h:\u0663", "h:\u0663", DEFAULT_PORT),   # only ASCII digits make a port
    ("a:b:623", "a:b", 623),
    ("::1", "::1", DEFAULT_PORT),
    ("fe80::1:623", "fe80::1:623", DEFAULT_PORT),   # a valid IPv6 address keeps its tail
    ("[::1]:623", "::1", 623),
    ("[fe80::1]:17", "fe80::1", 17),
    ("[::1]", "[::1]", DEFAULT_PORT),
    ("[zz]:623", "[zz]", 623),       # not IPv6: plain last-colon rule
    ("1.2.3.4:17", "1.2.3.4", 17),
    (A64, A64, DEFAULT_PORT),
    (A64 + ":623", A64, 623),
]


@pytest.mark.parametrize(("text", "name", "port"), PARSE)
def test_parse_host(text: str, name: str, port: int) -> None:
    assert parse_host(text) == HostSpec(name, port, name)


INVALID = [
    ("h:08", "h"),
    ("h:0", "h"),
    ("h:00", "h"),
    ("h:65536", "h"),
    ("h:70000", "h"),
    ("h:99999999999999999999", "h"),
    ("[::1]:0", "::1"),
    ("[::1]:99999", "::1"),
    (A64 + "b", A64 + "b"),
    (A64 + "b:623", A64 + "b"),
    ("\u00e9" * 33, "\u00e9" * 33),    # 66 bytes: the limit counts bytes
]


@pytest.mark.parametrize(("text", "display"), INVALID)
def test_parse_host_invalid(text: str, display: str) -> None:
    with pytest.raises(InvalidHost) as info:
        parse_host(text)
    assert info.value.display == display
    assert str(info.value) == f"{display}: invalid hostname"


def test_split_port() -> None:
    assert split_port("h:1") == ("h", "1")
    assert split_port("h") == ("h", None)
    assert split_port("[::1]:08") == ("::1", "08")
    assert split_port("::1") == ("::1", None)


@pytest.mark.parametrize(("text", "parts"), [
    ("h+1", ("h", "1")),
    ("h", ("h", None)),
    ("h+1+2", ("h", "1+2")),
    ("+1", ("", "1")),
    ("h+", ("h", "")),
    ("h:623+5", ("h:623", "5")),
])
def test_split_extra_arg(text: str, parts: tuple[str, str | None]) -> None:
    assert split_extra_arg(text) == parts


def _summary(targets: list[Target]) -> list[tuple[str, str, int | None, list[str | None]]]:
    return [(t.host, t.display, t.spec.port if t.spec else None, t.extra_args) for t in targets]


PLAN = [
    ("", False, []),
    (",", False, []),
    ("b,a,a", False, [("a", "a", 623, []), ("b", "b", 623, [])]),
    ("n[1-2]:17", False, [("n1:17", "n1", 17, []), ("n2:17", "n2", 17, [])]),
    ("h:08,g", False, [("g", "g", 623, []), ("h:08", "h", None, [])]),
    ("a[1-2]b[3-4]", False, [("a1b3", "a1b3", 623, []), ("a1b4", "a1b4", 623, []),
                             ("a2b3", "a2b3", 623, []), ("a2b4", "a2b4", 623, [])]),
    ("a[1]b[2]c[3]", False, [("a1b2c[3]", "a1b2c[3]", 623, [])]),
    ("h+1", False, [("h+1", "h+1", 623, [])]),
    ("[::1]:623,::1", False, [("::1", "::1", 623, []), ("[::1]:623", "::1", 623, [])]),
    # OEM (c410x): +ARG is split off and hosts are folded
    ("h+1,h+2", True, [("h", "h", 623, ["1", "2"])]),
    ("h+1,h+1", True, [("h", "h", 623, ["1"])]),
    ("h,h+1", True, [("h", "h", 623, [None, "1"])]),
    ("h[1-2]+[1-3]", True, [("h1", "h1", 623, ["1", "2", "3"]), ("h2", "h2", 623, ["1", "2", "3"])]),
    ("h:17+1,h+2", True, [("h", "h", 623, ["2"]), ("h:17", "h", 17, ["1"])]),
    ("h+2,h:17+1", True, [("h", "h", 623, ["2"]), ("h:17", "h", 17, ["1"])]),
    ("h:0+1", True, [("h:0", "h", None, ["1"])]),
    # a list-shaped argument added to an existing connection is expanded
    ("h1+a,h[1]+z[2]b[3-4]", True, [("h1", "h1", 623, ["a", "z2b3", "z2b4"])]),
    # the second expansion fails: the whole -h text is reported and the list ends
    ("h[1]+x[3-1]", True, [("h1+x[3-1]", "h[1]+x[3-1]", None, [])]),
]


@pytest.mark.parametrize(("text", "oem", "expected"), PLAN)
def test_plan_targets(text: str, oem: bool, expected: list) -> None:
    assert _summary(plan_targets(text, oem)) == expected


@pytest.mark.parametrize(("text", "oem", "message"), [
    ("n1[0-2],n10", False, "Invalid host count: 3"),
    ("n[1]x[1-2],n1x1", False, "Invalid host count: 2"),
    ("n[18446744073709551614-18446744073709551615]", False, "Invalid host count: 1"),
    ("h:99999+1,h:99999+2", True, "Invalid host count: 1"),
    ("a[1]x[3-1]", False, "fi_hostlist_push: Invalid argument"),
    ("a[1]x[1-99999]", False, "fi_hostlist_push: Numerical result out of range"),
    ("+1", True, "fi_hostlist_push: No such file or directory"),
])
def test_plan_targets_fatal(text: str, oem: bool, message: str) -> None:
    with pytest.raises(HostsFatal) as info:
        plan_targets(text, oem)
    assert info.value.message == message


@pytest.mark.parametrize("text", ["n[3-1]", "n[1-20000]", "x,[::1]", "[::1]:abc"])
def test_plan_targets_invalid_list(text: str) -> None:
    with pytest.raises(HostlistError):
        plan_targets(text)


def test_target_valid_flag() -> None:
    good, bad = plan_targets("g,h:0")
    assert good.valid and not bad.valid


# -- golden comparisons with the real ipmipower ---------------------------------

_FAST = ["--stat", "--session-timeout", "100", "--retransmission-timeout", "50",
         "--retransmission-wait-timeout", "50"]
_BAR = "----------------\n"


def _resolves(spec: HostSpec) -> bool:
    try:
        # bytes: no IDNA encoding (which rejects labels over 63 characters), as in C
        socket.getaddrinfo(os.fsencode(spec.name), str(spec.port), socket.AF_UNSPEC, socket.SOCK_DGRAM, 0,
                           socket.AI_V4MAPPED | socket.AI_ADDRCONFIG)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            return False
        pytest.skip(f"resolver trouble for {spec.name!r}: {exc}")
    return True


def _predict(text: str, oem: bool, consolidate: bool) -> tuple[str, str, int]:
    """What ipmipower prints for -h text when every reachable host times out."""
    try:
        targets = plan_targets(text, oem)
    except HostlistError:
        bad = [text]
    except HostsFatal as exc:
        return "", exc.message + "\r\n", 1
    else:
        bad = [t.display for t in targets if not t.valid or not _resolves(t.spec)]
    if bad:
        if not consolidate:
            return "".join(f"{name}: invalid hostname\n" for name in bad), "", 1
        collected = Hostlist()       # -C pushes each name into a host list at once
        for name in bad:
            try:
                if collected.push(name) == 0:
                    return "", "fi_hostlist_push_host: Success\r\n", 1
            except HostlistError as exc:
                return "", f"fi_hostlist_push_host: {exc.strerror}\r\n", 1
        return "", "", 1
    if not targets:
        return "", "", 0
    if consolidate:
        header = ranged([t.display for t in targets])
        return f"{_BAR}{header}\n{_BAR} connection timeout\n", "", 1
    return "".join(f"{t.display}: connection timeout\n" for t in targets), "", 1


def _ipmipower(text: str, *extra: str) -> tuple[str, str, int]:
    from tests.support.tools import require_tool

    argv = [require_tool("ipmipower"), "-h", text, *_FAST, *extra]
    done = subprocess.run(argv, capture_output=True, timeout=60, check=False)
    return (done.stdout.decode(errors="surrogateescape"),
            done.stderr.decode(errors="surrogateescape"), done.returncode)


GOLDEN = [
    "node[01-03]", "zz9,zz10,zz1,z,za", "", ",", "n[3-1]", "n[1-20000]", "a,b c\td",
    "h:08", "h:0x1F", "h:70000", "h:", "n[1-3]:623", "foo[19]", "foo[1-3", "n1[0-2],n13",
    "n1[0-2],n10", "a[1,2]b[3,4]", "a[1-2]b[3-4]", "a[1]x[3-1]", "n[ 1]", "n[+1-3]", "n[1-]",
    "n[1x-3]", "node1,node01,node2", "[::1]", "x,[::1]:abc", "n[[1]", "a[1]b[2]c[3]",
    "n[18446744073709551615]", "n[18446744073709551614-18446744073709551615]",
    "q" * 64 + ",q" + "q" * 64 + ":623", "nosuch,n[0-18446744073709551615]",
    "127.0.0.1:0,127.0.0.1:08,127.0.0.1:0623",
    "127.0.0.[2-4],127.0.0.10", "127.0.0.[08-10]", "[1-3]",
]


@pytest.mark.parametrize("text", GOLDEN)
def test_golden_invalid_hostnames(text: str) -> None:
    assert _ipmipower(text) == _predict(text, False, False)


GOLDEN_CONSOLIDATED = [
    "127.0.0.[2-4],127.0.0.10",
    "127.0.0.[02-04]:1,127.0.0.1:2",
    "127.0.0.1:1,127.0.0.1:2,127.0.0.2,127.0.0.3",
    "127.0.0.2:1,127.0.0.2:2,127.0.0.1,127.0.0.3",
    "localhost:[1-3],127.0.0.1:7,127.0.0.[3-4]:5",
    "127.0.0.[8-11],127.0.0.[009-010]:2,127.0.0.1:0623",
    "[::1]:623,::1,127.0.0.5",
    "zz9,zz10", "x,[::1]", "n[1-20000]", "n[[1]", ":2[1,3]",
]


@pytest.mark.parametrize("text", GOLDEN_CONSOLIDATED)
def test_golden_consolidated(text: str) -> None:
    assert _ipmipower(text, "-C") == _predict(text, False, True)


GOLDEN_OEM = [
    "nosuch+1,nosuch+2", "h:99999+1,h:99999+2", "+1", "h[1]+x[3-1]",
    "nosuch+[1-3],nosuch2+1", "x[1-2]+[1-2],x1+3", "h:0+1",
]


@pytest.mark.parametrize("text", GOLDEN_OEM)
def test_golden_oem_c410x(text: str) -> None:
    assert _ipmipower(text, "--oem-power-type=c410x") == _predict(text, True, False)
