"""The vocabulary of ipmi-config categories: keys, sections, categories, the per-host context.

A category describes what it can configure as :class:`Section` objects holding
:class:`Key` objects. Reading and writing a key are *generator scripts*, like the
scripts of :mod:`pyipmi_tools.session.job`: they ``yield`` a
:class:`~pyipmi_tools.commands.Request` and receive the reply
:class:`~pyipmi_tools.wire.message.Message` (completion code included), and they
``return`` their result. They never do I/O themselves; the engine runs them in one
session per host. A completion code is never fatal: scripts turn it into a
:class:`KeyFailure`. A session failure (timeout, ...) ends the host's run; scripts do
not see it.

See ``docs/dev/ipmiconfig-framework.md`` for how the engine uses these classes.
"""

from __future__ import annotations

import enum

from ..cli.cvalues import ascii_lower, c_int, strtol, strtol_long
from ..commands import Request

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Sequence
    from typing import Any

    from ..wire.message import Message

    Script = Generator[Any, Message, Any]   # yields Request / session.job.Send / engine.Sleep

USERNAME_NOT_SET_YET = "<username-not-set-yet>"


class KeyFlag(enum.IntFlag):
    """How a key behaves on checkout and commit (FreeIPMI's per-key flags)."""

    NONE = 0
    COMMENTED_OUT = 0x01            # checked out as "## Key" (passwords, keys, read-only values)
    COMMENTED_OUT_IF_EMPTY = 0x02   # "## Key" when the value read is empty
    READ_ONLY = 0x04                # commit: "ERROR: `S:K' is not writeable"
    VERBOSE_ONLY = 0x08             # checked out only with -v (commit accepts it always)
    HIDDEN = 0x10                   # accepted on input, never checked out (legacy names)
    UNDEFINED = 0x20                # checked out commented out; commit: "is not writeable"


class SectionFlag(enum.IntFlag):
    NONE = 0
    VERBOSE_ONLY = 0x01   # listed by -L, checked out (in full) only with -v
    HIDDEN = 0x02         # not listed, never checked out; accepted on input (legacy sections)


class Validity(enum.Enum):
    """The result of validating one input value; each has its own message (§4.3)."""

    VALID = "valid"
    INVALID = "Invalid value '{value}' for key '{key}' in section '{section}'"
    OUT_OF_RANGE = "Out of Range value '{value}' for key '{key}' in section '{section}'"
    NOT_ACCURATE = ("Value '{value}' for key '{key}' in section '{section}' cannot be encoded accurately, "
                    "try another value")
    ERROR = "Error validating value '{value}' for key '{key}' in section '{section}'"
    NOT_SPECIFIED = "Value not specified for key '{key}' in section '{section}'"

    def message(self, section: str, key: str, value: str) -> str:
        """The stderr line (without newline) for this result; '' for VALID."""
        if self is Validity.VALID:
            return ""
        return self.value.format(section=section, key=key, value=value)


class FailureKind(enum.Enum):
    """Non-fatal failure kinds; the value is the suffix FreeIPMI appends to its error line."""

    GENERIC = ""
    NOT_SUPPORTED = ": Not Supported"          # commit: "`S:K': Not Supported" (no blank; measured)
    READ_ONLY = ": Read Only Field"
    INVALID_CONFIG = ": Invalid/Unsupported Config"


class KeyFailure:
    """A non-fatal failure of one key's checkout or commit (or of a post-commit hook)."""

    __slots__ = ("kind", "completion_code")

    def __init__(self, kind: FailureKind = FailureKind.GENERIC, completion_code: int | None = None) -> None:
        self.kind = kind
        self.completion_code = completion_code

    def __repr__(self) -> str:
        cc = "" if self.completion_code is None else f", cc={self.completion_code:#04x}"
        return f"KeyFailure({self.kind.name}{cc})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyFailure) and (self.kind, self.completion_code) == (
            other.kind, other.completion_code)

    __hash__ = None  # type: ignore[assignment]


def failure(completion_code: int) -> KeyFailure:
    """A generic non-fatal failure for a bad completion code of an ordinary command."""
    return KeyFailure(FailureKind.GENERIC, completion_code)


def parameter_failure(completion_code: int) -> KeyFailure:
    """FreeIPMI's mapping for Get/Set *Configuration Parameters* commands (LAN, SOL,
    serial, boot options): 0x82 read only, 0x80 not supported, 0xD5/0xCC invalid or
    unsupported configuration, anything else generic."""
    kind = {0x82: FailureKind.READ_ONLY, 0x80: FailureKind.NOT_SUPPORTED,
            0xD5: FailureKind.INVALID_CONFIG, 0xCC: FailureKind.INVALID_CONFIG}.get(completion_code,
                                                                                      FailureKind.GENERIC)
    return KeyFailure(kind, completion_code)


class CommandFatal(Exception):
    """Raised by a script for an error FreeIPMI treats as fatal although the session is
    fine (libfreeipmi refusing a field value: ``invalid parameters``). The host's run
    stops with ``ipmi_cmd_<command>: <message>`` and exit status 2."""

    def __init__(self, command: str, message: str = "invalid parameters") -> None:
        super().__init__(f"ipmi_cmd_{command}: {message}")
        self.command = command
        self.message = message


class SectionsFailed(Exception):
    """Raised by a ``Category.sections`` script that cannot build its sections (e.g. the
    BMC lacks what the category needs): ``lines`` go to stderr, the host's status is 1."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


class Context:
    """What a host's scripts may need besides the BMC: options, input, caches, output.

    ``say(line)`` prints one stdout line for this host (prefixing, buffering and
    consolidation are the engine's business); ``error(line)`` one stderr line, and
    ``debug(line)`` one only when ``--debug`` was given. Categories keep what they learn about the BMC in
    ``cache`` (e.g. the LAN channel number) under keys of their own.
    """

    def __init__(self, *, verbose: int = 0, categories: Sequence[str] = ("core",), debug: int = 0,
                 lan_channel: int | None = None, serial_channel: int | None = None,
                 sol_channel: int | None = None, workarounds: Iterable[str] = (),
                 inputs: dict[tuple[str, str], str] | None = None, host: str = "", host_count: int = 1,
                 say: Callable[[str], None] | None = None, err_line: Callable[[str], None] | None = None) -> None:
        self.verbose = verbose
        self.categories = tuple(categories)
        self.debug_level = debug
        self.lan_channel = lan_channel              # --lan-channel-number (None: ask the BMC)
        self.serial_channel = serial_channel
        self.sol_channel = sol_channel
        self.workarounds = frozenset(workarounds)   # -W flag names (shared-bit twins included)
        # (section lower-case, key lower-case) -> value, every value of the parsed input
        self.inputs = dict(inputs or {})
        self.host = host
        self.host_count = host_count
        self.cache: dict[str, Any] = {}
        self._say = say
        self._err = err_line

    def say(self, line: str) -> None:
        if self._say is not None:
            self._say(line)

    def error(self, line: str) -> None:
        if self._err is not None:
            self._err(line)

    def debug(self, line: str) -> None:
        if self.debug_level:
            self.error(line)

    def input_value(self, section: str, key: str) -> str | None:
        """The value the parsed input (file and -e pairs) gives for ``section:key``, or None."""
        return self.inputs.get((ascii_lower(section), ascii_lower(key)))


def _no_checkout(ctx: Context) -> Script:
    return KeyFailure(FailureKind.NOT_SUPPORTED)
    yield  # pragma: no cover  (a generator)


def _no_commit(ctx: Context, value: str) -> Script:
    return KeyFailure(FailureKind.READ_ONLY)
    yield  # pragma: no cover


class Key:
    """One configurable value of a section.

    ``validate(value) -> Validity`` checks input (the value as written, any case);
    ``checkout(ctx)`` is a script returning the value text (``""`` for an empty value)
    or a :class:`KeyFailure`; ``commit(ctx, value)`` a script returning None on success
    or a :class:`KeyFailure`. ``description`` may hold ``\\n``: each line is printed as
    its own ``\\t## `` line.
    """

    __slots__ = ("name", "description", "flags", "validate", "checkout", "commit")

    def __init__(self, name: str, description: str = "", flags: KeyFlag = KeyFlag.NONE, *,
                 validate: Callable[[str], Validity] | None = None,
                 checkout: Callable[[Context], Script] | None = None,
                 commit: Callable[[Context, str], Script] | None = None) -> None:
        self.name = name
        self.description = description
        self.flags = KeyFlag(flags)
        self.validate = validate if validate is not None else (lambda value: Validity.VALID)
        self.checkout = checkout if checkout is not None else _no_checkout
        self.commit = commit if commit is not None else _no_commit

    def __repr__(self) -> str:
        return f"Key({self.name!r}, flags={self.flags!r})"

    @property
    def writable(self) -> bool:
        return not self.flags & (KeyFlag.READ_ONLY | KeyFlag.UNDEFINED)

    def commented_out(self, value: str) -> bool:
        """Whether checkout prints this key as ``## Key`` with ``value``."""
        return bool(self.flags & (KeyFlag.COMMENTED_OUT | KeyFlag.UNDEFINED)) or (
            bool(self.flags & KeyFlag.COMMENTED_OUT_IF_EMPTY) and value == "") or value == USERNAME_NOT_SET_YET


class Section:
    """A named group of keys, checked out as ``Section Name`` ... ``EndSection``.

    ``comment`` is the prose printed above a full-section checkout (paragraphs separated
    by ``\\n``; the writer reflows them); ``post_commit(ctx)`` is a script run once after
    the section's keys were committed, if at least one succeeded, returning None or a
    :class:`KeyFailure`. ``commit_order(pairs)`` may reorder the ``(key, value)`` pairs
    before commit (the core category commits ``Enable_User`` after ``Password``).
    ``line_length`` is the key column width of the checkout layout (45; sensors 75,
    dcmi 60).
    """

    __slots__ = ("name", "keys", "comment", "flags", "post_commit", "commit_order", "line_length")

    def __init__(self, name: str, keys: Sequence[Key] = (), comment: str = "",
                 flags: SectionFlag = SectionFlag.NONE, *,
                 post_commit: Callable[[Context], Script] | None = None,
                 commit_order: Callable[[list[tuple[Key, str]]], list[tuple[Key, str]]] | None = None,
                 line_length: int = 45) -> None:
        self.name = name
        self.keys = list(keys)
        self.comment = comment
        self.flags = SectionFlag(flags)
        self.post_commit = post_commit
        self.commit_order = commit_order
        self.line_length = line_length

    def __repr__(self) -> str:
        return f"Section({self.name!r}, {len(self.keys)} keys)"

    def key(self, name: str) -> Key | None:
        """The key called ``name`` (case-insensitive), or None."""
        low = ascii_lower(name)
        for key in self.keys:
            if ascii_lower(key.name) == low:
                return key
        return None


class Category:
    """A group of sections selected with ``-g`` (``core``, ``chassis``, ...).

    ``sections(ctx)`` is a script returning the list of sections in checkout order; it
    may ask the BMC (number of users, cipher suites, channels) and is run once per host
    before anything else. ``check_input(config, host_count)`` returns the error lines
    (without newline) for input that cannot be committed, e.g. one IP address for
    several hosts; any line makes the run fail with exit status 1 before any write.
    """

    def __init__(self, name: str, sections: Callable[[Context], Script], *,
                 check_input: Callable[[Any, int], list[str]] | None = None) -> None:
        self.name = name
        self.sections = sections
        self.check_input = check_input if check_input is not None else (lambda config, hosts: [])

    def __repr__(self) -> str:
        return f"Category({self.name!r})"


def static_sections(sections: Sequence[Section]) -> Callable[[Context], Script]:
    """A ``Category.sections`` script for a category whose sections never depend on the BMC."""
    def script(ctx: Context) -> Script:
        return list(sections)
        yield  # pragma: no cover
    return script


# --- value helpers -------------------------------------------------------------------------

def same(a: str, b: str) -> bool:
    """``strcasecmp(a, b) == 0``."""
    return ascii_lower(a) == ascii_lower(b)


YES_NO = ("Yes", "No")


def validate_yes_no(value: str) -> Validity:
    return Validity.VALID if same(value, "yes") or same(value, "no") else Validity.INVALID


def parse_yes_no(value: str) -> bool:
    """FreeIPMI's commit-time reading: ``yes`` (any case) is True, anything else False."""
    return same(value, "yes")


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


class Choice:
    """An enumeration written by name: case-insensitive input, canonical output.

    ``Choice({"Off_State_AC_Apply": 0, ...})``: :meth:`validate` accepts any spelling
    of a name, :meth:`number` gives its number (-1 if unknown), :meth:`name` the
    canonical name of a number ("" for a number without one), :attr:`description` the
    ``Possible values: A/B/C`` line.
    """

    __slots__ = ("names", "_by_lower", "_by_number")

    def __init__(self, names: dict[str, int]) -> None:
        self.names = dict(names)
        self._by_lower = {ascii_lower(name): number for name, number in self.names.items()}
        self._by_number: dict[int, str] = {}
        for name, number in self.names.items():
            self._by_number.setdefault(number, name)

    def validate(self, value: str) -> Validity:
        return Validity.VALID if ascii_lower(value) in self._by_lower else Validity.INVALID

    def number(self, value: str) -> int:
        return self._by_lower.get(ascii_lower(value), -1)

    def name(self, number: int) -> str:
        return self._by_number.get(number, "")

    @property
    def description(self) -> str:
        return "Possible values: " + "/".join(self.names)


# ``strtol(value, &end, 0)`` that must use the whole text (None if not, or on overflow); "" gives 0.
c_number = strtol_long


def c_number_or_zero(value: str) -> int:
    """A commit's reading of a validated number: :func:`c_number`, 0 if it is not one."""
    number = c_number(value)
    return 0 if number is None else number


def number_range(low: int, high: int) -> Callable[[str], Validity]:
    """A validator for an integer ``low..high`` written as C reads it (``0x10``, ``010``)."""
    def validate(value: str) -> Validity:
        number = c_number(value)
        if number is None:
            return Validity.INVALID
        return Validity.VALID if low <= number <= high else Validity.OUT_OF_RANGE
    return validate


def c_atoi(value: str) -> int:
    """C ``atoi``: leading decimal digits (after blanks and a sign), 0 if none."""
    return c_int(strtol(value, 10)[0])


def validate_ipv4(value: str) -> Validity:
    """Four decimal numbers 0-255 separated by dots (core: compare with FreeIPMI's own rule)."""
    parts = value.split(".")
    if len(parts) != 4 or not all(p.isdigit() and p.isascii() and int(p) <= 255 for p in parts):
        return Validity.INVALID
    return Validity.VALID


def validate_mac(value: str) -> Validity:
    """Six ``:``-separated hexadecimal bytes."""
    parts = value.split(":")
    if len(parts) != 6 or not all(1 <= len(p) <= 2 and all(c in "0123456789abcdefABCDEF" for c in p)
                                  for p in parts):
        return Validity.INVALID
    return Validity.VALID


def format_mac(data: bytes) -> str:
    return ":".join(f"{b:02X}" for b in data)


def format_ipv4(data: bytes) -> str:
    return ".".join(str(b) for b in data)


# --- the configuration-parameter pattern ---------------------------------------------------

def get_parameter(request: Request) -> Script:
    """Send a Get ... Configuration Parameters request; return the reply data or a
    :class:`KeyFailure` (FreeIPMI's parameter completion-code mapping)."""
    reply = yield request
    if reply.completion_code:
        return parameter_failure(reply.completion_code)
    return reply.data


def set_parameter(request: Request) -> Script:
    """Send a Set ... Configuration Parameters request; None on success or a :class:`KeyFailure`."""
    reply = yield request
    if reply.completion_code:
        return parameter_failure(reply.completion_code)
    return None


def call(request: Request) -> Script:
    """Send an ordinary command; return the reply data, or a generic :class:`KeyFailure`."""
    reply = yield request
    if reply.completion_code:
        return failure(reply.completion_code)
    return reply.data
