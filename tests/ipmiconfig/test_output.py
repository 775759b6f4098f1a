"""pstdout's shaping of several hosts' output: prefixes, -B blocks, -C consolidation."""

from __future__ import annotations

from pyipmi_tools.ipmiconfig.output import Output


def collect(*args, **kwargs):
    written: list[tuple[int, bytes]] = []
    out = Output(*args, **kwargs, write=lambda fd, data: written.append((fd, data)))
    return out, written


def test_one_host_is_not_prefixed_unless_asked() -> None:
    out, written = collect(["h1:623"])
    out.out(0, "Section X")
    out.err(0, "oops")
    assert written == [(1, b"Section X\n"), (2, b"oops\n")]
    out, written = collect(["localhost"], always_prefix=True)
    out.err(0, "could not find inband device")
    assert written == [(2, b"localhost: could not find inband device\n")]


def test_several_hosts_keep_the_port_in_the_prefix() -> None:
    out, written = collect(["node1:17623", "node2"])
    out.out(1, "a")
    out.err(0, "b")
    assert written == [(1, b"node2: a\n"), (2, b"node1:17623: b\n")]


def test_buffered_blocks_and_exit_status_maximum() -> None:
    out, written = collect(["a", "b"], buffer=True)
    out.out(0, "x")
    out.host_done(1, 2)
    out.host_done(0, 1)
    assert written == [(1, b"----------------\na\n----------------\nx\n")]
    assert out.status == 2


def test_consolidated_blocks() -> None:
    out, written = collect(["127.0.0.1:24602", "127.0.0.1:24601", "n3"], consolidate=True)
    for index in range(3):
        out.out(index, "same" if index < 2 else "other")
        out.host_done(index, 0)
    assert written == []
    out.finish()
    assert written == [(1, b"----------------\n127.0.0.1:[24601-24602]\n----------------\nsame\n"),
                       (1, b"----------------\nn3\n----------------\nother\n")]
