"""Host lists as FreeIPMI 1.6.10 parses, sorts and prints them.

FreeIPMI wraps LLNL's ``hostlist`` library in a thin layer of its own. The
behaviour reproduced here, quirks included, is:

* The outer layer splits the text on TAB, comma and space. A separator that
  follows an unmatched ``[`` is kept in the token up to the next ``]``. A token
  shaped ``[ipv6]:port`` is shielded from bracket expansion.
* Each token is split again (bracket nesting counted) and ``prefix[ranges]suffix``
  is expanded. Only the *first* bracket pair of a token expands. If a suffix
  follows, the results are opaque names, so ``n[1-2]x[3-4]`` gives ``n1x[3-4]``
  and ``n2x[3-4]``. An unclosed ``[`` is literal. The numbers are read with
  ``strtoul`` semantics (leading blanks and a sign are accepted), and the
  zero-padding width is the length of the lower bound's text. A bad range, an
  inverted one, more than 16384 hosts in one range or more than 10240 ranges in
  one bracket rejects the whole list.
* Plain names that end in digits become numeric ranges (prefix + number), so
  sorting is by prefix (byte order), then by number. Names without a numeric
  suffix sort before numbered names with the same prefix. A number wider than
  its value (``01``) only merges with numbers of the same padding.
* When iterating, a numeric suffix is cut to 14 characters (the C buffer).
"""

from __future__ import annotations

from .. import posixio

import errno as _errno

from .cvalues import c_int

TYPE_CHECKING = False
if TYPE_CHECKING:  # collections.abc costs a millisecond at start-up; annotations are strings
    from collections.abc import Iterable, Iterator

__all__ = [
    "MAX_RANGE",
    "MAX_RANGES",
    "RANGED_BUFLEN",
    "Hostlist",
    "HostlistError",
    "expand",
    "expand_sorted",
    "is_ipv6_literal",
    "ranged",
    "split_ipv6_with_port",
    "uniq_sorted",
]

SEPARATORS = "\t, "
MAX_RANGE = 16384           # hosts in one numeric range
MAX_RANGES = 10240          # comma-separated ranges inside one bracket
MAX_HOST_SUFFIX = 1 << 25   # larger numeric suffixes make the name opaque
RANGED_BUFLEN = 65536       # ipmipower's buffer for -C headers (NUL included)
_SUFFIX_CHARS = 14          # iteration prints numbers into a 15-byte buffer
_ULONG = 1 << 64
_ULONG_MAX = _ULONG - 1
_LEFT, _RIGHT = "@l@", "@r@"  # stand-ins for an IPv6 literal's brackets
_BLANKS = " \t\n\v\f\r"
_DIGITS = "0123456789"
# A list that fails without setting errno leaves a stale value behind. Under
# ipmipower 1.6.10 that is ENOENT (observed; left by libgcrypt probing absent
# files at start-up). Later in the run it is 0 ("Success").
_STALE_ERRNO = _errno.ENOENT


class HostlistError(ValueError):
    """The text is not a valid host list; ``errno`` is what the C library left set."""

    def __init__(self, text: str, errno: int = _errno.EINVAL) -> None:
        super().__init__(f"invalid host list: {text!r}")
        self.text = text
        self.errno = errno

    @property
    def strerror(self) -> str:
        """The C ``strerror`` text FreeIPMI prints for this failure."""
        return posixio.strerror(self.errno)


# --------------------------------------------------------------------------- ranges

class _Range:
    """A prefix with a numeric range [lo, hi] printed at ``width``, or one opaque name."""

    __slots__ = ("hi", "lo", "prefix", "single", "width")

    def __init__(self, prefix: str, lo: int = 0, hi: int = 0, width: int = 0,
                 single: bool = False) -> None:
        self.prefix = prefix
        self.lo = lo
        self.hi = hi
        self.width = width
        self.single = single

    def copy(self) -> _Range:
        return _Range(self.prefix, self.lo, self.hi, self.width, self.single)

    def count(self) -> int:
        return 1 if self.single else (self.hi - self.lo + 1) % _ULONG

    def empty(self) -> bool:
        return self.hi < self.lo or self.hi == _ULONG_MAX

    def __repr__(self) -> str:  # debugging aid
        if self.single:
            return f"_Range({self.prefix!r})"
        return f"_Range({self.prefix!r}, {self.lo}, {self.hi}, width={self.width})"


def _pad(num: int, width: int) -> int:
    """Zeros needed to print ``num`` at ``width``."""
    return max(width - len(str(num)), 0)


def _width_compatible(r1: _Range, r2: _Range) -> bool:
    """Whether two paddings may share a range; may align one width to the other.

    A width is only changed when that does not change how the range's lower
    bound is printed (the C library does the same, inside comparisons).
    """
    p1_own, p1_other = _pad(r1.lo, r1.width), _pad(r1.lo, r2.width)
    p2_own, p2_other = _pad(r2.lo, r2.width), _pad(r2.lo, r1.width)
    if p1_own != p1_other:
        if p2_own != p2_other:
            return False
        r2.width = r1.width
        return True
    r1.width = r2.width
    return True


def _prefix_cmp(r1: _Range, r2: _Range) -> int:
    if r1.prefix != r2.prefix:
        return -1 if r1.prefix < r2.prefix else 1
    return int(r2.single) - int(r1.single)


def _range_cmp(r1: _Range, r2: _Range) -> int:
    result = _prefix_cmp(r1, r2)
    if result == 0:
        if _width_compatible(r1, r2):
            result = c_int(r1.lo - r2.lo)
        else:
            result = r1.width - r2.width
    return result


def _within_range(r1: _Range, r2: _Range | None) -> bool:
    """Whether two ranges print inside one pair of brackets."""
    if r2 is None or _prefix_cmp(r1, r2) != 0:
        return False
    return not (r1.single or r2.single)


def _merge_sort(items: list[_Range]) -> None:
    """Sort in place exactly as glibc's ``qsort`` (top-down merge sort) does."""
    n = len(items)
    if n <= 1:
        return
    half = n // 2
    left, right = items[:half], items[half:]
    _merge_sort(left)
    _merge_sort(right)
    i = j = k = 0
    while i < len(left) and j < len(right):
        if _range_cmp(left[i], right[j]) <= 0:
            items[k] = left[i]
            i += 1
        else:
            items[k] = right[j]
            j += 1
        k += 1
    rest = left[i:] if i < len(left) else right[j:]
    items[k:] = rest


# --------------------------------------------------------------------------- parsing

def _strtoul(text: str) -> tuple[int, int]:
    """C ``strtoul(text, &end, 10)``: (value, index of the first unread char)."""
    i, n = 0, len(text)
    while i < n and text[i] in _BLANKS:
        i += 1
    negative = False
    if i < n and text[i] in "+-":
        negative = text[i] == "-"
        i += 1
    start = i
    while i < n and text[i] in _DIGITS:
        i += 1
    if i == start:
        return 0, 0
    value = _decimal(text[start:i])
    if value > _ULONG_MAX:
        return _ULONG_MAX, i
    return (-value) % _ULONG if negative else value, i


def _decimal(digits: str) -> int:
    """An ASCII digit string as an int, saturating far above 2**64 (any length)."""
    significant = digits.lstrip("0")
    if len(significant) > 20:
        return _ULONG
    return int(significant or "0")


def _parse_single_range(text: str, whole: str) -> tuple[int, int, int]:
    """One ``lo[-hi]`` item of a bracket: (lo, hi, width)."""
    dash = text.find("-")
    if dash >= 0:
        lo_text, hi_text = text[:dash], text[dash + 1:]
        if hi_text.startswith("-"):
            raise HostlistError(whole)
    else:
        lo_text, hi_text = text, None
    lo, end = _strtoul(lo_text)
    if end == 0:
        raise HostlistError(whole)
    if hi_text:
        hi, hi_end = _strtoul(hi_text)
        # The text after the lower bound is not checked when an upper bound follows.
        if hi_end == 0 or hi_end != len(hi_text):
            raise HostlistError(whole)
    else:
        hi = lo
        if end != len(lo_text):
            raise HostlistError(whole)
    if lo > hi:
        raise HostlistError(whole)
    count = (hi - lo + 1) % _ULONG
    if count > MAX_RANGE:
        raise HostlistError(whole, _errno.ERANGE)
    return lo, hi, len(lo_text)


def _parse_range_list(text: str, whole: str) -> list[tuple[int, int, int]]:
    result: list[tuple[int, int, int]] = []
    for item in text.split(","):
        if len(result) == MAX_RANGES:
            raise HostlistError(whole, _STALE_ERRNO)
        result.append(_parse_single_range(item, whole))
    return result


def _outer_tokens(text: str) -> Iterator[str]:
    """FreeIPMI's own tokenizer: a separator after an unmatched ``[`` is kept."""
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in SEPARATORS:
            i += 1
        if i >= n:
            return
        start = i
        while True:
            while i < n and text[i] not in SEPARATORS:
                i += 1
            seen = text[start:i]
            if "[" in seen and "]" not in seen:
                close = text.find("]", i)
                if close >= 0 and "[" not in text[i:close]:
                    i = close + 1
                    continue
            break
        yield text[start:i]


def _inner_tokens(text: str) -> Iterator[str]:
    """LLNL's tokenizer: separators split only where the bracket depth is zero."""
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in SEPARATORS:
            i += 1
        if i >= n:
            return
        start, depth = i, 0
        while i < n and (depth != 0 or text[i] not in SEPARATORS):
            if text[i] == "[":
                depth += 1
            elif text[i] == "]":
                depth -= 1
            i += 1
        yield text[start:i]


def is_ipv6_literal(text: str) -> bool:
    """``inet_pton(AF_INET6, text)`` succeeds."""
    import _socket as socket  # socket.py itself costs a millisecond to import

    try:
        socket.inet_pton(socket.AF_INET6, text)
    except (OSError, ValueError):
        return False
    return True


def split_ipv6_with_port(text: str) -> tuple[str, str] | None:
    """``[ipv6]:port`` with an all-digit port: (address, port text), else None."""
    if not text.startswith("["):
        return None
    close = text.find("]", 1)
    if close < 0 or text[close + 1:close + 2] != ":":
        return None
    port = text[close + 2:]
    if not port or any(c not in _DIGITS for c in port):
        return None
    address = text[1:close]
    if not is_ipv6_literal(address):
        return None
    return address, port


def _shield_ipv6(token: str) -> str:
    if split_ipv6_with_port(token) is None:
        return token
    close = token.index("]")
    return _LEFT + token[1:close] + _RIGHT + token[close + 1:]


def _unshield(text: str) -> str:
    return text.replace(_LEFT, "[").replace(_RIGHT, "]")


def _number(num: int, width: int) -> str:
    return str(num).rjust(width, "0")


def _name_range(name: str) -> _Range:
    """A plain name as a range: trailing digits (up to 2**25) become the number."""
    end = len(name)
    while end > 0 and name[end - 1] in _DIGITS:
        end -= 1
    if end == len(name):
        return _Range(name, single=True)
    digits = name[end:]
    num = _decimal(digits)
    if num > MAX_HOST_SUFFIX:
        return _Range(name, single=True)
    return _Range(name[:end], num, num, len(digits))


_NOT_PLAIN = frozenset("[]@" + SEPARATORS)


# --------------------------------------------------------------------------- hostlist

class Hostlist:
    """An ordered collection of host ranges with LLNL's push, sort and uniq rules."""

    __slots__ = ("_ranges",)

    def __init__(self, text: str | None = None) -> None:
        """Parse ``text`` (FreeIPMI syntax); raise HostlistError if it is invalid."""
        self._ranges: list[_Range] = []
        if text is not None:
            self.push(text)

    # -- building
    def _push_range(self, new: _Range) -> None:
        ranges = self._ranges
        if ranges:
            tail = ranges[-1]
            if (_prefix_cmp(tail, new) == 0 and tail.hi == (new.lo - 1) % _ULONG
                    and _width_compatible(tail, new)):
                tail.hi = new.hi
                return
        ranges.append(new.copy())

    def _parse_token(self, token: str, whole: str) -> list[_Range]:
        """One outer token, parsed as LLNL's bracketed list; nothing is pushed yet."""
        parsed = Hostlist()
        for tok in _inner_tokens(token):
            open_at = tok.find("[")
            close_at = tok.find("]", open_at + 1) if open_at >= 0 else -1
            if close_at < 0:
                parsed._push_range(_name_range(tok))
                continue
            prefix, suffix = tok[:open_at], tok[close_at + 1:]
            items = _parse_range_list(tok[open_at + 1:close_at], whole)
            for lo, hi, width in items:
                if suffix:
                    for num in range(lo, hi + 1):
                        parsed._push_range(_Range(prefix + _number(num, width) + suffix, single=True))
                else:
                    parsed._push_range(_Range(prefix, lo, hi, width))
        return parsed._ranges

    def push(self, text: str) -> int:
        """Append every host of ``text``; return how many were added.

        All-or-nothing per token as in C: a bad token raises HostlistError, with
        the hosts of earlier tokens already added.  One plain name (no brackets,
        separators or IPv6 stand-ins) is one host, pushed without the tokenizers:
        ipmipower re-parses every expanded name twice, which over a thousand BMCs
        adds up.
        """
        if _NOT_PLAIN.isdisjoint(text) and text:
            self._push_range(_name_range(text))
            return 1
        added = 0
        for token in _outer_tokens(text):
            ranges = self._parse_token(_shield_ipv6(token), text)
            # Only [0-18446744073709551615] counts as 0 hosts (wrap-around); C
            # rejects it when alone and would try to enumerate it otherwise.
            if any(r.count() == 0 for r in ranges):
                raise HostlistError(text, _STALE_ERRNO)
            count = sum(r.count() for r in ranges)
            for r in ranges:
                self._push_range(r)
            added += count
        return added

    # -- reordering
    def uniq(self) -> None:
        """Sort, then merge overlapping ranges and drop duplicate names."""
        ranges = self._ranges
        if len(ranges) <= 1:
            return
        _merge_sort(ranges)
        i = 1
        while i < len(ranges):
            if self._join(ranges[i - 1], ranges[i]):
                del ranges[i]
            else:
                i += 1

    @staticmethod
    def _join(r1: _Range, r2: _Range) -> bool:
        """Fold r2 into r1 when they share a prefix and touch or overlap."""
        if _prefix_cmp(r1, r2) != 0 or not _width_compatible(r1, r2):
            return False
        if r1.single and r2.single:
            return True
        if r1.hi == (r2.lo - 1) % _ULONG:
            r1.hi = r2.hi
            return True
        if r1.hi >= r2.lo:
            r1.hi = max(r1.hi, r2.hi)
            return True
        return False

    def sort(self) -> None:
        """Sort and coalesce without removing duplicates (``hostlist_sort``)."""
        ranges = self._ranges
        if len(ranges) <= 1:
            return
        _merge_sort(ranges)
        self._coalesce()
        self._collapse()

    def _coalesce(self) -> None:
        """Split overlapping ranges so that duplicates stand alone (LLNL's algorithm)."""
        ranges = self._ranges
        i = len(ranges) - 1
        while i > 0:
            prev, nxt = ranges[i - 1], ranges[i]
            common = self._intersect(prev, nxt)
            if common is not None:
                j = i
                if common.hi < prev.hi:
                    nxt.hi = prev.hi
                prev.hi = common.lo
                nxt.lo = common.hi
                if prev.empty():
                    del ranges[i]
                num = common.lo
                while num <= common.hi:
                    if num > prev.hi:
                        ranges.insert(j, _Range(common.prefix, num, num, common.width))
                        j += 1
                    if num < nxt.lo:
                        ranges.insert(j, _Range(common.prefix, num, num, common.width))
                        j += 1
                    num += 1
                i = len(ranges)
            i -= 1

    @staticmethod
    def _intersect(r1: _Range, r2: _Range) -> _Range | None:
        if r1.single or r2.single:
            return None
        if _prefix_cmp(r1, r2) == 0 and r1.hi > r2.lo and _width_compatible(r1, r2):
            common = r1.copy()
            common.lo = r2.lo
            common.hi = min(r1.hi, r2.hi)
            return common
        return None

    def _collapse(self) -> None:
        ranges = self._ranges
        for i in range(len(ranges) - 1, 0, -1):
            prev, nxt = ranges[i - 1], ranges[i]
            if (_prefix_cmp(prev, nxt) == 0 and prev.hi == (nxt.lo - 1) % _ULONG
                    and _width_compatible(prev, nxt)):
                prev.hi = nxt.hi
                del ranges[i]

    # -- reading
    def __len__(self) -> int:
        return sum(r.count() for r in self._ranges)

    def __iter__(self) -> Iterator[str]:
        for r in self._ranges:
            if r.single:
                yield _unshield(r.prefix)
            else:
                for num in range(r.lo, r.hi + 1):
                    yield _unshield(r.prefix + _number(num, r.width)[:_SUFFIX_CHARS])

    def hosts(self) -> list[str]:
        """Every host name, in list order."""
        return list(self)

    def ranged_string(self) -> str:
        """The compressed form, e.g. ``node[1-3,10],other``."""
        ranges = self._ranges
        parts: list[str] = []
        i, n = 0, len(ranges)
        while i < n:
            first = ranges[i]
            following = ranges[i + 1] if i + 1 < n else None
            bracket = first.count() > 1 or _within_range(first, following)
            numbers: list[str] = []
            while True:
                r = ranges[i]
                if not r.single:
                    text = _number(r.lo, r.width)
                    if r.lo < r.hi:
                        text += "-" + _number(r.hi, r.width)
                    numbers.append(text)
                i += 1
                if i >= n or not _within_range(ranges[i], ranges[i - 1]):
                    break
            if bracket:
                parts.append(first.prefix + "[" + ",".join(numbers) + "]")
            else:
                parts.append(first.prefix + "".join(numbers))
        return _unshield(",".join(parts))


# --------------------------------------------------------------------------- helpers

def expand(text: str) -> list[str]:
    """Every host of ``text`` in the order the list holds them (before any sort)."""
    return Hostlist(text).hosts()


def expand_sorted(text: str) -> list[str]:
    """``text`` expanded, sorted and de-duplicated the way ipmipower does it.

    This keeps the ranges as parsed, so ``n1[0-2]`` (prefix ``n1``) and ``n13``
    (prefix ``n``) stay apart: the result is ``n13, n10, n11, n12``.
    """
    hl = Hostlist(text)
    hl.uniq()
    return hl.hosts()


def uniq_sorted(hosts: Iterable[str]) -> list[str]:
    """Sort and de-duplicate names (each is pushed as host-list text, as C does)."""
    hl = Hostlist()
    for host in hosts:
        hl.push(host)
    hl.uniq()
    return hl.hosts()


def ranged(hosts: Iterable[str]) -> str:
    """The ``-C`` header for these names: pushed in order, sorted, compressed.

    Duplicates are kept (``h[1,1-3]``). Raises HostlistError when a name is not
    valid host-list text, which ipmipower reports as
    ``fi_hostlist_push_host: <strerror>``, and when the result does not fit
    ipmipower's 64 KiB buffer (reported as ``fi_hostlist_ranged_string: Success``).
    """
    hl = Hostlist()
    for host in hosts:
        hl.push(host)
    hl.sort()
    text = hl.ranged_string()
    if len(posixio.fsencode(text)) >= RANGED_BUFLEN:
        raise HostlistError(text, 0)
    return text
