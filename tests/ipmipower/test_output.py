"""Output formatting and exit status rules."""

from __future__ import annotations

import pytest

from pyipmi_tools.ipmipower.output import Fatal, Output
from pyipmi_tools.outcomes import IPMIPOWER_MESSAGES, Outcome


def collect(consolidate: bool = False) -> tuple[Output, list[str]]:
    lines: list[str] = []
    return Output(lines.append, consolidate), lines


def test_plain_lines_in_emit_order_with_extra_argument() -> None:
    out, lines = collect()
    out.emit(Outcome.OFF, "node2")
    out.emit(Outcome.ON, "node1")
    out.emit(Outcome.OK, "c410x", "3")
    out.emit(Outcome.OK, "c410x", "")
    out.finish()
    assert lines == ["node2: off\n", "node1: on\n", "c410x+3: ok\n", "c410x+: ok\n"]


def test_consolidated_blocks_in_table_order_ranged_and_sorted() -> None:
    out, lines = collect(True)
    out.emit(Outcome.CONNECTION_TIMEOUT, "node10")
    for host in ("node3", "node1", "node2", "bmc-a"):
        out.emit(Outcome.OFF, host)
    out.emit(Outcome.ON, "node4")
    assert lines == []
    out.finish()
    assert "".join(lines) == (
        "----------------\nnode4\n----------------\n on\n"
        "----------------\nbmc-a,node[1-3]\n----------------\n off\n"
        "----------------\nnode10\n----------------\n connection timeout\n")
    lines.clear()
    out.finish()
    assert lines == []


def test_consolidated_duplicates_are_kept() -> None:
    out, lines = collect(True)
    for host in ("127.0.0.1", "127.0.0.1", "127.0.0.2"):
        out.emit(Outcome.OFF, host)
    out.finish()
    assert lines == ["----------------\n127.0.0.[1,1-2]\n----------------\n off\n"]


def test_consolidated_host_that_is_no_hostlist_name_is_fatal() -> None:
    out, _ = collect(True)
    with pytest.raises(Fatal) as fatal:
        out.emit(Outcome.INVALID_HOSTNAME, "foo[3-1]")
    assert fatal.value.render(False) == b"fi_hostlist_push_host: Invalid argument\r\n"
    assert fatal.value.render(True) == (b"(ipmipower_output.c, ipmipower_output, 93): "
                                        b"fi_hostlist_push_host: Invalid argument\r\n")


@pytest.mark.parametrize("outcome", list(IPMIPOWER_MESSAGES))
def test_exit_status_per_message(outcome: Outcome) -> None:
    out, _ = collect()
    out.emit(outcome, "h")
    index = IPMIPOWER_MESSAGES.index(outcome)
    assert out.exit_status == (1 if 3 <= index <= 22 else 0)


def test_bmc_error_exits_zero_but_any_failure_wins() -> None:
    out, _ = collect()
    out.emit(Outcome.BMC_ERROR, "a")
    out.emit(Outcome.OK, "b")
    assert out.exit_status == 0
    out.emit(Outcome.CONNECTION_TIMEOUT, "c")
    assert out.exit_status == 1
    out.reset_counts()
    assert out.exit_status == 0
