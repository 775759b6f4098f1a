"""The inbound session-sequence-number window (reference section 6.6).

Besides the rules one by one, the window is compared with a line-by-line port of FreeIPMI's
``_check_session_sequence_number`` (libfreeipmi/util/ipmi-outofband-util.c, unchanged in 1.6.10).
"""

from __future__ import annotations

import random

import pytest

from pyipmi_tools.session.seqwindow import WINDOW, SequenceWindow

MAX = 0xFFFFFFFF


def freeipmi_check(seq: int, highest: int, seen: int, ipmi20: bool) -> tuple[bool | None, int, int]:
    """FreeIPMI's algorithm; returns (accepted, highest, seen). ``None``: C undefined behaviour."""
    w = 8
    if seq == highest:
        return False, highest, seen
    if ipmi20 and seq == 0:
        return False, highest, seen
    if highest > MAX - w:
        wrap_val = w - (MAX - highest) - 1 + (1 if ipmi20 else 0)
        if seq > highest or seq <= wrap_val:
            if seq > highest:
                shift = seq - highest
            else:
                shift = seq + (MAX - highest) + (0 if ipmi20 else 1)
            return True, seq, ((seen << shift) | (1 << (shift - 1))) & 0xFF
    elif highest < seq and seq - highest <= w:
        shift = seq - highest
        return True, seq, ((seen << shift) | (1 << (shift - 1))) & 0xFF
    if highest < w:
        wrap_val = MAX - (w - highest) + 1 - (1 if ipmi20 else 0)
        if seq < highest or seq >= wrap_val:
            if seq > highest:
                shift = highest + (MAX - seq) + (0 if ipmi20 else 1)
            else:
                shift = highest - seq
            if shift == 0:
                return None, highest, seen  # `1 << -1` in C (2.0, highest 0, seq 0xFFFFFFFF)
            if seen & (1 << (shift - 1)):
                return False, highest, seen
            return True, highest, seen | (1 << (shift - 1))
    elif highest - w <= seq < highest:
        shift = highest - seq
        if seen & (1 << (shift - 1)):
            return False, highest, seen
        return True, highest, seen | (1 << (shift - 1))
    return False, highest, seen


def window(highest: int, seen: int = 0xFF, ipmi20: bool = True) -> SequenceWindow:
    w = SequenceWindow(highest, rmcpplus=ipmi20)
    w.seen = seen
    return w


def accepts(w: SequenceWindow, seq: int) -> bool:
    return w.check(seq) is None


# --- the rules one by one -----------------------------------------------------------------

def test_initial_state() -> None:
    w = SequenceWindow()
    assert (w.highest, w.seen, WINDOW) == (0, 0xFF, 8)
    assert SequenceWindow(0x1_0000_0005).highest == 5


@pytest.mark.parametrize("ipmi20", [True, False])
@pytest.mark.parametrize("highest", [1, 2, 100, 0x7FFFFFFF, MAX - 1, MAX])
def test_duplicate_of_highest_is_dropped(ipmi20: bool, highest: int) -> None:
    w = window(highest, 0x00, ipmi20)
    reason = w.check(highest)
    assert reason == f"session sequence number {highest} repeats the highest one seen (duplicate)"
    assert (w.highest, w.seen) == (highest, 0x00)


@pytest.mark.parametrize("highest", [0, 1, 5, 8, 9, 1000, MAX - 8, MAX - 1, MAX])
def test_zero_is_never_valid_in_ipmi20(highest: int) -> None:
    w = window(highest, 0x00)
    reason = w.check(0)
    assert reason is not None
    assert reason.startswith("session sequence number 0 outside window [h-8, h+8]")
    assert reason == (f"session sequence number 0 outside window [h-8, h+8] with h={highest} "
                      "(0 is never valid in IPMI 2.0)")
    assert (w.highest, w.seen) == (highest, 0x00)


@pytest.mark.parametrize("highest", [1, 5, 8, 100, MAX])
def test_ipmi15_accepts_zero_inside_the_window(highest: int) -> None:
    assert accepts(window(highest, 0x00, ipmi20=False), 0) == (highest <= 8 or highest == MAX)


@pytest.mark.parametrize("ipmi20", [True, False])
@pytest.mark.parametrize("step", range(1, 9))
def test_ahead_by_one_to_eight_moves_the_window(ipmi20: bool, step: int) -> None:
    w = window(1000, 0x00, ipmi20)
    assert accepts(w, 1000 + step)
    assert w.highest == 1000 + step
    assert w.seen == 1 << (step - 1)  # the old highest is now "seen", step-1 below the new one


@pytest.mark.parametrize("ipmi20", [True, False])
def test_ahead_by_nine_is_dropped(ipmi20: bool) -> None:
    w = window(1000, 0x00, ipmi20)
    assert w.check(1009) == "session sequence number 1009 outside window [h-8, h+8] with h=1000"
    assert (w.highest, w.seen) == (1000, 0x00)


def test_bitmap_shifts_out_old_entries() -> None:
    w = window(1000, 0xFF)
    assert accepts(w, 1003)
    assert w.seen == 0xFC | 0x04  # 0xFF << 3 keeps 5 bits, plus the old highest (bit 2)
    assert not accepts(w, 1000)
    for seq in (1001, 1002):  # never seen: accepted once
        assert accepts(w, seq)
        assert not accepts(w, seq)


@pytest.mark.parametrize("ipmi20", [True, False])
@pytest.mark.parametrize("back", range(1, 9))
def test_behind_by_one_to_eight_accepted_once(ipmi20: bool, back: int) -> None:
    w = window(1000, 0x00, ipmi20)
    assert accepts(w, 1000 - back)
    assert (w.highest, w.seen) == (1000, 1 << (back - 1))
    assert w.check(1000 - back) == (f"session sequence number {1000 - back} already seen "
                                    "(duplicate within window [h-8, h] with h=1000)")


@pytest.mark.parametrize("ipmi20", [True, False])
def test_all_eight_behind_then_all_duplicates(ipmi20: bool) -> None:
    w = window(1000, 0x00, ipmi20)
    for seq in range(992, 1000):
        assert accepts(w, seq)
    assert w.seen == 0xFF
    for seq in range(992, 1001):
        assert not accepts(w, seq)


@pytest.mark.parametrize("ipmi20", [True, False])
@pytest.mark.parametrize("seq", [991, 0x7FFFFFFF, 2000, 1009, 1, MAX])
def test_outside_both_windows(ipmi20: bool, seq: int) -> None:
    w = window(1000, 0x00, ipmi20)
    assert w.check(seq) == f"session sequence number {seq} outside window [h-8, h+8] with h=1000"
    assert (w.highest, w.seen) == (1000, 0x00)


def test_ipmi20_session_start() -> None:
    """2.0: highest starts at 0 with everything below 'seen'; the BMC's first reply carries 1."""
    w = SequenceWindow(0, rmcpplus=True)
    assert not accepts(w, 0)
    assert not accepts(w, MAX - 3)   # "behind" 0, but marked seen
    assert not accepts(w, 9)
    assert accepts(w, 1)
    assert accepts(w, 3)
    assert accepts(w, 2)
    assert not accepts(w, 2)


def test_ipmi15_activate_reply_seeds_the_window() -> None:
    """ipmi_sim answers the first in-session request with the Activate reply's number: dropped once."""
    w = SequenceWindow(1, rmcpplus=False)
    assert w.check(1) == "session sequence number 1 repeats the highest one seen (duplicate)"
    assert accepts(w, 2)
    assert accepts(w, 3)


# --- 32-bit wrap -----------------------------------------------------------------------------

def test_ipmi15_wrap_counts_zero() -> None:
    w = window(MAX, 0x00, ipmi20=False)
    assert accepts(w, 0)                  # +1
    assert (w.highest, w.seen) == (0, 0x01)
    w = window(MAX, 0x00, ipmi20=False)
    assert accepts(w, 7)                  # +8: 0, 1, .., 7
    assert w.seen == 0x80
    assert not accepts(window(MAX, 0x00, ipmi20=False), 8)  # +9


def test_ipmi15_wrap_behind() -> None:
    w = window(2, 0x00, ipmi20=False)
    for seq in (1, 0, MAX, MAX - 1, MAX - 2, MAX - 3, MAX - 4, MAX - 5):  # 2-1 .. 2-8
        assert accepts(w, seq)
    assert w.seen == 0xFF
    assert not accepts(window(2, 0x00, ipmi20=False), MAX - 6)  # 2-9


def test_ipmi20_wrap_skips_zero() -> None:
    w = window(MAX, 0x00)
    assert not accepts(w, 0)
    assert accepts(w, 1)                  # the number after 0xFFFFFFFF is 1
    assert (w.highest, w.seen) == (1, 0x01)
    w = window(MAX - 1, 0x00)
    assert accepts(w, 1)                  # 0xFFFFFFFF, 1: two ahead
    assert w.seen == 0x02
    for start, seq in ((MAX, 7), (MAX - 1, 6), (MAX - 6, 1)):  # seventh number ahead, 0 skipped
        w = window(start, 0x00)
        assert accepts(w, seq)
        assert w.seen == 0x40


@pytest.mark.parametrize("start, seq", [(MAX, 8), (MAX - 1, 7), (MAX - 7, 1)])
def test_ipmi20_eighth_ahead_across_the_wrap(start: int, seq: int) -> None:
    w = window(start, 0x00)
    assert accepts(w, seq)
    assert (w.highest, w.seen) == (seq, 0x80)


def test_ipmi20_duplicate_behind_the_wrap_is_dropped() -> None:
    w = window(MAX - 5, 0xFF)
    assert accepts(w, MAX)
    assert accepts(w, 2)        # MAX, 1, 2: highest is now 2 and MAX is two below it
    assert freeipmi_check(MAX, 2, w.seen, True)[0] is False
    assert not accepts(w, MAX)  # already seen


def test_ipmi20_eighth_behind_across_the_wrap() -> None:
    w = window(1, 0x00)
    assert accepts(w, MAX - 7)  # 1 - 8 with 0 skipped: MAX, MAX-1, .., MAX-7
    assert w.seen == 0x80
    assert freeipmi_check(MAX - 7, 1, 0x00, True) == (True, 1, 0x80)


# --- against FreeIPMI's algorithm -------------------------------------------------------------

_HIGHEST = [0, 1, 2, 7, 8, 9, 15, 16, 1000, 0x7FFFFFFF, 0x80000000, MAX - 16, MAX - 9, MAX - 8, MAX - 7,
            MAX - 1, MAX]
_SEEN = [0x00, 0xFF, 0x01, 0x80, 0x55, 0xAA, 0x0F, 0xF0, 0x3C]


def _candidates(highest: int) -> list[int]:
    return sorted({(highest + d) & MAX for d in range(-12, 13)} | {0, 1, 2, 8, 9, MAX, MAX - 8, 0x80000000})


def _compare(ipmi20: bool, highest: int, seen: int) -> list[tuple[int, int, int]]:
    mismatches = []
    for seq in _candidates(highest):
        want_ok, want_h, want_seen = freeipmi_check(seq, highest, seen, ipmi20)
        if want_ok is None:
            continue
        w = window(highest, seen, ipmi20)
        ok = accepts(w, seq)
        if (ok, w.highest, w.seen) != (want_ok, want_h, want_seen):
            mismatches.append((highest, seen, seq))
    return mismatches


def _wraps_in_ipmi20(highest: int) -> bool:
    return 1 <= highest < 8 or highest > MAX - 8


@pytest.mark.parametrize("highest", _HIGHEST)
def test_ipmi15_matches_freeipmi(highest: int) -> None:
    for seen in _SEEN:
        assert _compare(False, highest, seen) == []


@pytest.mark.parametrize("highest", [h for h in _HIGHEST if not _wraps_in_ipmi20(h)])
def test_ipmi20_matches_freeipmi(highest: int) -> None:
    for seen in _SEEN if highest else [0xFF]:  # highest 0 only ever occurs at the start, all seen
        assert _compare(True, highest, seen) == []


@pytest.mark.parametrize("highest", [h for h in _HIGHEST if _wraps_in_ipmi20(h)])
def test_ipmi20_matches_freeipmi_across_the_wrap(highest: int) -> None:
    for seen in _SEEN:
        assert _compare(True, highest, seen) == []


@pytest.mark.parametrize("ipmi20", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_random_walks_match_freeipmi(ipmi20: bool, seed: int) -> None:
    """Replies arriving late, duplicated and out of order, as a BMC session produces them."""
    rng = random.Random(seed)
    start = rng.choice([1, 1000, 0x12345678]) if ipmi20 else rng.choice([0, 1, 0x12345678, 0xE3CC191C])
    w = SequenceWindow(start, rmcpplus=ipmi20)
    highest, seen = start, 0xFF
    sent = start
    for _ in range(3000):
        sent += rng.choice([0, 1, 1, 1, 2, 3, 9])
        seq = (sent - rng.choice([0, 0, 0, 1, 2, 5, 8, 9, 12])) & MAX
        want_ok, highest, seen = freeipmi_check(seq, highest, seen, ipmi20)
        assert accepts(w, seq) == want_ok
        assert (w.highest, w.seen) == (highest, seen)
