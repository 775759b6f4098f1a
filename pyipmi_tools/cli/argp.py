"""GNU argp over getopt_long, as FreeIPMI 1.6.10 uses them with glibc 2.36.

What a program can read is reproduced byte for byte: every getopt and argp error, the
exit status (64 for usage errors, 0 for ``--help``/``--usage``/``--version``), and the
layout of ``--help`` and ``--usage`` (the help sentences themselves are the caller's).

Parsing follows ``ARGP_IN_ORDER``: the handler sees options in command-line order.
Long options may be abbreviated to any unambiguous prefix (an exact name always wins);
short options bundle (``-PK``) and take their argument attached or as the next word
(``-p -x`` makes ``-x`` the password); ``--`` ends the options.  Any positional argument
is a usage error.  argp's own options are always present: ``-?``/``--help``, ``--usage``,
``-V``/``--version`` and the hidden ``--program-name=NAME`` and ``--HANG[=SECS]``.

Two names matter, as in C: getopt's messages start with ``argv[0]`` verbatim
(``./ipmipower: unrecognized option '--foo'``) while argp's start with the short
program name (``Try `ipmipower --help' ...``), which ``--program-name`` can change.

The help layout comes from argp's line-wrapping stream, emulated here with its 200-byte
buffer, so even its odd corners (a doc column reached with three spaces, wrapping that
only sees the buffered text) come out the same.  ``ARGP_HELP_FMT`` is honoured.
"""

from __future__ import annotations

from .. import posixio

import sys
from ..record import record

from .cvalues import c_int, strtol

TYPE_CHECKING = False  # typing costs start-up time; type checkers see True
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import NoReturn, TextIO

__all__ = ["EXIT_USAGE", "ArgpExit", "ArgpParser", "Option", "UsageError", "write_raw"]

EXIT_USAGE = 64        # argp_err_exit_status (EX_USAGE)
BUG_ADDRESS = "<freeipmi-devel@gnu.org>"


@record
class Option:
    """One entry of an argp option table.

    ``key`` is what the handler receives (legacy aliases share their option's key);
    ``arg`` is the metavar, None for a flag.  ``group`` orders ``--help`` as argp does:
    0 means "same group as the previous option"; negative groups come last; options
    within one group are sorted alphabetically.  ``hidden`` options are parsed but
    neither listed nor shown in ``--usage``.
    """

    key: str
    long: str | None
    short: str | None
    arg: str | None = None
    help: str = ""
    hidden: bool = False
    group: int = 0
    arg_optional: bool = False      # only argp's own --HANG uses it

    def __init__(self, key: str, long: str | None, short: str | None, arg: str | None = None, help: str = "",
                 hidden: bool = False, group: int = 0, arg_optional: bool = False) -> None:
        # Written out: every run builds some hundred of these before parsing anything.
        self.__dict__.update(key=key, long=long, short=short, arg=arg, help=help, hidden=hidden, group=group,
                             arg_optional=arg_optional)


class ArgpExit(SystemExit):
    """Raised (after printing) when argp ends the program: help, usage, version, errors."""

    def __init__(self, status: int, stdout: bytes = b"", stderr: bytes = b"") -> None:
        super().__init__(status)
        self.status = status
        self.stdout = stdout
        self.stderr = stderr


class UsageError(ArgpExit):
    """A command-line usage error; ``message`` is the first line without its prefix."""

    def __init__(self, message: str, stderr: bytes) -> None:
        super().__init__(EXIT_USAGE, b"", stderr)
        self.message = message


# argp's own options (argp_default_options and argp_version_options in glibc).
_HELP, _USAGE, _PROGNAME, _HANG, _VERSION = ("argp:help", "argp:usage", "argp:program-name",
                                            "argp:HANG", "argp:version")
_DEFAULT_OPTIONS = (
    Option(_HELP, "help", "?", help="Give this help list", group=-1),
    Option(_USAGE, "usage", None, help="Give a short usage message"),
    Option(_PROGNAME, "program-name", None, arg="NAME", hidden=True, help="Set the program name"),
    Option(_HANG, "HANG", None, arg="SECS", arg_optional=True, hidden=True,
           help="Hang for SECS seconds (default 3600)"),
)
_VERSION_OPTIONS = (Option(_VERSION, "version", "V", help="Print program version", group=-1),)

_DUP_ARGS_NOTE = ("Mandatory or optional arguments to long options are also mandatory or "
                  "optional for any corresponding short options.")

# _help() flags (argp.h)
_H_USAGE, _H_SHORT_USAGE, _H_SEE, _H_LONG, _H_PRE_DOC, _H_POST_DOC, _H_BUG_ADDR = (
    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40)
_H_STD_HELP = _H_SHORT_USAGE | _H_LONG | _H_PRE_DOC | _H_POST_DOC | _H_BUG_ADDR


class ArgpParser:
    """An argp parser for one program (one option table, one doc string, one version).

    ``prog`` is argp's short program name (``program_invocation_short_name``);
    ``doc`` the text under the usage line (a ``\\v`` splits off text printed after the
    options); ``version`` the ``--version`` text without its final newline (None: no
    ``-V``).  ``args_doc`` is argp's args_doc (FreeIPMI passes ``""``, hence the space
    after ``[OPTION...]``).  ``positional_error`` says how a positional argument fails:
    ``"too-many"`` (argp's ``prog: Too many arguments``, ipmipower) or ``"usage"``
    (``argp_usage()``: the short usage line, ipmi-config).
    """

    def __init__(self, prog: str, options: Sequence[Option], doc: str, version: str | None, *,
                 bug_address: str | None = BUG_ADDRESS, args_doc: str | None = "",
                 positional_error: str = "too-many") -> None:
        if positional_error not in ("too-many", "usage"):
            raise ValueError(f"positional_error must be 'too-many' or 'usage', not {positional_error!r}")
        self.name = prog
        self.doc = doc
        self.version = version
        self.bug_address = bug_address
        self.args_doc = args_doc
        self.positional_error = positional_error
        self.options = tuple(options)
        builtin = _DEFAULT_OPTIONS + (_VERSION_OPTIONS if version is not None else ())
        # getopt's tables: user options first, then argp's; a repeated long name is dropped.
        self._longs: list[tuple[bytes, Option]] = []
        self._shorts: dict[int, Option] = {}
        seen: set[str] = set()
        for opt in self.options + builtin:
            if not opt.long and not opt.short:
                raise ValueError(f"option {opt.key!r} has neither a long nor a short name")
            if opt.long and opt.long not in seen:
                seen.add(opt.long)
                self._longs.append((opt.long.encode(), opt))
            if opt.short:
                if len(opt.short) != 1 or opt.short in ":;-":
                    raise ValueError(f"bad short option {opt.short!r}")
                self._shorts.setdefault(ord(opt.short), opt)
        self._sorted_hol: tuple[Option, ...] | None = None

    @property
    def _hol(self) -> tuple[Option, ...]:
        """argp's help list (a "hol"): groups resolved per option table, then sorted.

        Built on first use: only --help and --usage need it, and sorting costs a millisecond.
        """
        if self._sorted_hol is None:
            entries: list[tuple[int, int, Option]] = []
            version = self.version
            for table in (self.options, _DEFAULT_OPTIONS, _VERSION_OPTIONS if version is not None else ()):
                group = 0
                for opt in table:
                    group = opt.group or group
                    entries.append((group, len(entries), opt))
            self._sorted_hol = _sort_hol(entries)
        return self._sorted_hol

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, argv: Sequence[str], handle: Callable[[str, str | None], object],
              only: set[str] | None = None) -> None:
        """Parse ``argv`` (``argv[0]`` is the program as invoked) calling ``handle(key, value)``.

        A handler that returns ``False`` does not know the key (argp's ARGP_ERR_UNKNOWN):
        argp reports ``--name: (PROGRAM ERROR) Option should have been recognized!?``
        as a usage error, as FreeIPMI 1.6.10 does for ipmi-config's ``--reg-space``.

        With ``only``, this is FreeIPMI's first pass: only those keys reach the handler
        and positional arguments are ignored, but unknown options, missing arguments,
        ``--help``/``--usage``/``--version``, ``--program-name`` and ``--HANG`` act as in
        the full pass.  Help, usage and version print to stdout and raise
        :class:`ArgpExit` (0); usage errors print to stderr and raise :class:`UsageError`.
        """
        args = [posixio.fsencode(a) for a in argv]
        argv0 = args[0] if args else b""
        argc = len(args)
        optind = 1
        while optind < argc:
            arg = args[optind]
            if arg == b"--":
                if only is None and optind + 1 < argc:
                    self._positional()
                return
            if arg[:1] != b"-" or arg == b"-":
                if only is None:
                    self._positional()
                optind += 1
                continue
            if arg[:2] == b"--":
                optind = self._long(args, optind, argv0, handle, only)
            else:
                optind = self._short_cluster(args, optind, argv0, handle, only)

    def _long(self, args: list[bytes], optind: int, argv0: bytes,
              handle: Callable[[str, str | None], object], only: set[str] | None) -> int:
        body = args[optind][2:]
        name, eq, value = body.partition(b"=")
        found = next((opt for lname, opt in self._longs if lname == name), None)
        if found is None:
            matches = [(lname, opt) for lname, opt in self._longs if lname.startswith(name)]
            if len(matches) > 1:     # every argp option has its own getopt val: all differ
                listed = b"".join(b" '--" + lname + b"'" for lname, _ in matches)
                self._getopt_error(argv0, b"option '--" + body + b"' is ambiguous; possibilities:" + listed)
            if matches:
                found = matches[0][1]
        if found is None:
            self._getopt_error(argv0, b"unrecognized option '--" + body + b"'")
        assert found.long is not None
        optind += 1
        text: bytes | None = None
        if eq:
            if found.arg is None:
                self._getopt_error(argv0, b"option '--" + found.long.encode() + b"' doesn't allow an argument")
            text = value
        elif found.arg is not None and not found.arg_optional:
            if optind >= len(args):
                self._getopt_error(argv0, b"option '--" + found.long.encode() + b"' requires an argument")
            text = args[optind]
            optind += 1
        self._dispatch(found, text, handle, only)
        return optind

    def _short_cluster(self, args: list[bytes], optind: int, argv0: bytes,
                       handle: Callable[[str, str | None], object], only: set[str] | None) -> int:
        arg = args[optind]
        i = 1
        while i < len(arg):
            c = arg[i]
            i += 1
            last = i == len(arg)
            opt = self._shorts.get(c)
            if opt is None:
                self._getopt_error(argv0, b"invalid option -- '" + bytes((c,)) + b"'")
            text: bytes | None = None
            if opt.arg is not None:
                if not last:
                    text = arg[i:]
                elif opt.arg_optional:
                    text = None
                elif optind + 1 >= len(args):
                    self._getopt_error(argv0, b"option requires an argument -- '" + bytes((c,)) + b"'")
                else:
                    optind += 1
                    text = args[optind]
                self._dispatch(opt, text, handle, only, short=True)
                return optind + 1
            self._dispatch(opt, None, handle, only, short=True)
        return optind + 1

    def _dispatch(self, opt: Option, text: bytes | None, handle: Callable[[str, str | None], object],
                  only: set[str] | None, short: bool = False) -> None:
        key = opt.key
        if key.startswith("argp:"):
            self._builtin(key, text)
        elif (only is None or key in only) and handle(key, None if text is None else posixio.fsdecode(text)) is False:
            # the handler does not know the key (ARGP_ERR_UNKNOWN)
            where = f"-{opt.short}" if short else f"--{opt.long}"
            message = f"{where}: (PROGRAM ERROR) Option should have been recognized!?"
            self._usage_error(message, _H_SEE, posixio.fsencode(f"{self.name}: {message}\n"))

    def _builtin(self, key: str, text: bytes | None) -> None:
        if key == _HELP:
            out, err = self._help(_H_STD_HELP)
            raise _exit(0, out, err)
        if key == _USAGE:
            out, err = self._help(_H_USAGE)
            raise _exit(0, out, err)
        if key == _VERSION:
            assert self.version is not None
            raise _exit(0, posixio.fsencode(self.version) + b"\n", b"")
        if key == _PROGNAME:
            assert text is not None
            self.name = posixio.fsdecode(text.rpartition(b"/")[2])
            return
        if key == _HANG:
            seconds = _atoi(b"3600" if text is None else text)
            if seconds > 0:
                import time
                time.sleep(seconds)

    def _positional(self) -> NoReturn:
        if self.positional_error == "usage":
            self._usage_error("", _H_SHORT_USAGE | _H_SEE)
        self._usage_error("Too many arguments", _H_SEE, posixio.fsencode(self.name) + b": Too many arguments\n")

    def _getopt_error(self, argv0: bytes, message: bytes) -> NoReturn:
        self._usage_error(posixio.fsdecode(message), _H_SEE, argv0 + b": " + message + b"\n")

    def _usage_error(self, message: str, flags: int, first: bytes = b"") -> NoReturn:
        text, failures = self._help(flags)
        raise _exit_usage(message, first + failures + text)

    # -- help output -----------------------------------------------------------------------

    def help_text(self) -> str:
        """What ``--help`` prints."""
        return posixio.fsdecode(self._help(_H_STD_HELP)[0])

    def usage_text(self) -> str:
        """What ``--usage`` prints."""
        return posixio.fsdecode(self._help(_H_USAGE)[0])

    def try_text(self) -> str:
        """argp's ``Try `prog --help' ...`` line, as printed after a usage error."""
        return posixio.fsdecode(self._help(_H_SEE)[0])

    def _help(self, flags: int) -> tuple[bytes, bytes]:
        """argp's _help(): (text for the stream, ARGP_HELP_FMT complaints for stderr)."""
        up, failures = _uparams(posixio.fsencode(self.name))
        fs = _FmtStream(up["rmargin"])
        name = posixio.fsencode(self.name)
        anything = False
        if flags & (_H_USAGE | _H_SHORT_USAGE):
            old_wm = fs.set_wmargin(up["usage-indent"])
            fs.printf(b"Usage: " + name)
            old_lm = fs.set_lmargin(up["usage-indent"])
            if flags & _H_SHORT_USAGE:
                fs.puts(b" [OPTION...]")
            else:
                self._hol_usage(fs)
            if self.args_doc is not None:        # one usage pattern only
                doc = posixio.fsencode(self.args_doc).split(b"\n")[0]
                _space(fs, 1 + len(doc))
                fs.write(doc)
            fs.set_wmargin(old_wm)
            fs.set_lmargin(old_lm)
            fs.putc(b"\n")
            anything = True
        if flags & _H_PRE_DOC:
            anything |= self._doc(fs, post=False, pre_blank=False)
        if flags & _H_SEE:
            fs.printf(b"Try `" + name + b" --help' or `" + name + b" --usage' for more information.\n")
            anything = True
        if flags & _H_LONG:
            if anything:
                fs.putc(b"\n")
            self._hol_help(fs, up)
            anything = True
        if flags & _H_POST_DOC:
            anything |= self._doc(fs, post=True, pre_blank=anything)
        if flags & _H_BUG_ADDR and self.bug_address is not None:
            if anything:
                fs.putc(b"\n")
            fs.printf(b"Report bugs to " + posixio.fsencode(self.bug_address) + b".\n")
        return fs.finish(), failures

    def _doc(self, fs: _FmtStream, post: bool, pre_blank: bool) -> bool:
        doc = posixio.fsencode(self.doc) if self.doc is not None else None
        if doc is None:
            return False
        before, vt, after = doc.partition(b"\v")
        if post:
            text = after if vt else None
        else:
            text = before or doc         # glibc: an empty part before \v prints the whole doc
        if text is None:
            return False
        if pre_blank:
            fs.putc(b"\n")
        fs.write(text)
        if fs.point() > fs.lmargin:
            fs.putc(b"\n")
        return True

    def _hol_usage(self, fs: _FmtStream) -> None:
        visible = [opt for opt in self._hol if not opt.hidden]
        flags = b"".join(opt.short.encode() for opt in visible if opt.short and opt.arg is None)
        if flags:
            fs.printf(b" [-" + flags + b"]")
        for opt in visible:
            if opt.short and opt.arg is not None:
                arg = opt.arg.encode()
                if opt.arg_optional:
                    fs.printf(b" [-" + opt.short.encode() + b"[" + arg + b"]]")
                else:
                    _space(fs, 6 + len(arg))
                    fs.printf(b"[-" + opt.short.encode() + b" " + arg + b"]")
        for opt in visible:
            if opt.long:
                long = opt.long.encode()
                if opt.arg is None:
                    fs.printf(b" [--" + long + b"]")
                elif opt.arg_optional:
                    fs.printf(b" [--" + long + b"[=" + opt.arg.encode() + b"]]")
                else:
                    fs.printf(b" [--" + long + b"=" + opt.arg.encode() + b"]")

    def _hol_help(self, fs: _FmtStream, up: dict[str, int]) -> None:
        suppressed_dup_arg = False
        for opt in self._hol:
            old_lm = fs.set_lmargin(0)
            old_wm = fs.wmargin
            first = True

            def comma(col: int) -> None:
                nonlocal first
                if first:
                    first = False
                else:
                    fs.puts(b", ")
                _indent_to(fs, col)

            fs.set_wmargin(up["short-opt-col"])
            if opt.short and not opt.hidden:
                comma(up["short-opt-col"])
                fs.putc(b"-")
                fs.putc(opt.short.encode())
                if not opt.long or up["dup-args"]:
                    _arg(fs, opt, b" ", b"[", b"]")
                elif opt.arg is not None:
                    suppressed_dup_arg = True
            fs.set_wmargin(up["long-opt-col"])
            if opt.long and not opt.hidden:
                comma(up["long-opt-col"])
                fs.printf(b"--" + opt.long.encode())
                _arg(fs, opt, b"=", b"[=", b"]")
            fs.set_lmargin(0)
            if first:             # hidden: a totally shadowed entry prints nothing
                fs.set_lmargin(old_lm)
                fs.set_wmargin(old_wm)
                continue
            if opt.help:
                col = fs.point()
                fs.set_lmargin(up["opt-doc-col"])
                fs.set_wmargin(up["opt-doc-col"])
                if col > up["opt-doc-col"] + 3:
                    fs.putc(b"\n")
                elif col >= up["opt-doc-col"]:
                    fs.puts(b"   ")
                else:
                    _indent_to(fs, up["opt-doc-col"])
                fs.puts(posixio.fsencode(opt.help))
            fs.set_lmargin(0)
            fs.putc(b"\n")
            fs.set_lmargin(old_lm)
            fs.set_wmargin(old_wm)
        if suppressed_dup_arg and up["dup-args-note"]:
            fs.putc(b"\n")
            fs.puts(_DUP_ARGS_NOTE.encode())
            fs.putc(b"\n")


def _exit(status: int, out: bytes, err: bytes) -> ArgpExit:
    _emit(out, err)
    return ArgpExit(status, out, err)


def _exit_usage(message: str, err: bytes) -> UsageError:
    _emit(b"", err)
    return UsageError(message, err)


def _emit(out: bytes, err: bytes) -> None:
    """Write raw bytes to stderr then stdout (each flushed), as the C program would."""
    for stream, data in ((sys.stderr, err), (sys.stdout, out)):
        if data:
            write_raw(stream, data)


def write_raw(stream: TextIO, data: bytes) -> None:
    """Write ``data`` to a text stream as raw bytes, after what it holds, and flush it.

    Through its ``buffer`` when it has one (a replaced stream may not: it gets the
    decoded text).
    """
    stream.flush()
    raw = getattr(stream, "buffer", None)
    if raw is not None:
        raw.write(data)
        raw.flush()
    else:
        stream.write(posixio.fsdecode(data))
        stream.flush()


def _atoi(text: bytes) -> int:
    """C ``atoi()``: ``(int) strtol(text, NULL, 10)``."""
    return c_int(strtol(text, 10)[0])


def _sort_hol(entries: list[tuple[int, int, Option]]) -> tuple[Option, ...]:
    """argp's hol_sort() (glibc 2.36 hol_entry_cmp; qsort is a stable merge sort there).

    By group (non-negative ascending, then negative ascending), then by the first
    letter case-insensitively (lower case first), long-only entries before entries with
    a short option, long-only entries by name; ties keep the table order.
    """

    def lower(c: int) -> int:
        return c + 32 if 0x41 <= c <= 0x5A else c

    def cmp(a: tuple[int, int, Option], b: tuple[int, int, Option]) -> int:
        (g1, i1, o1), (g2, i2, o2) = a, b
        if g1 != g2:
            return g1 - g2 if (g1 < 0) == (g2 < 0) else g2 - g1
        s1 = ord(o1.short) if o1.short and not o1.hidden else 0
        s2 = ord(o2.short) if o2.short and not o2.hidden else 0
        l1 = o1.long.encode() if o1.long and not o1.hidden else None
        l2 = o2.long.encode() if o2.long and not o2.hidden else None
        f1 = s1 or (l1[0] if l1 else 0)
        f2 = s2 or (l2[0] if l2 else 0)
        result = lower(f1) - lower(f2) or f2 - f1 or (s1 != 0) - (s2 != 0)
        if not result and not s1:
            result = (l1 is not None) - (l2 is not None)
            if not result and l1 is not None and l2 is not None:
                x, y = l1.lower(), l2.lower()
                result = (x > y) - (x < y)
        return result or i1 - i2

    import functools
    return tuple(opt for _, _, opt in sorted(entries, key=functools.cmp_to_key(cmp)))


def _arg(fs: _FmtStream, opt: Option, req: bytes, opt_open: bytes, opt_close: bytes) -> None:
    if opt.arg is not None:
        arg = opt.arg.encode()
        fs.printf(opt_open + arg + opt_close if opt.arg_optional else req + arg)


def _indent_to(fs: _FmtStream, col: int) -> None:
    for _ in range(col - fs.point()):
        fs.putc(b" ")


def _space(fs: _FmtStream, ensure: int) -> None:
    fs.putc(b"\n" if fs.point() + ensure >= fs.rmargin else b" ")


# -- ARGP_HELP_FMT -----------------------------------------------------------------------

_ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_UPARAMS = (("dup-args", True, 0), ("dup-args-note", True, 1), ("short-opt-col", False, 2),
            ("long-opt-col", False, 6), ("doc-opt-col", False, 2), ("opt-doc-col", False, 29),
            ("header-col", False, 1), ("usage-indent", False, 12), ("rmargin", False, 79))


def _uparams(name: bytes) -> tuple[dict[str, int], bytes]:
    """argp's fill_in_uparams(): layout parameters from ARGP_HELP_FMT, plus its complaints.

    glibc 2.36 stores each value as it is parsed and checks none of them.
    """
    new = {pname: default for pname, _, default in _UPARAMS}
    var = posixio.getenvb(b"ARGP_HELP_FMT")
    if var is None:
        return new, b""
    failures = bytearray()

    def fail(message: bytes) -> None:
        failures.extend(name + b": " + message + b"\n")

    space = b" \t\n\v\f\r"
    i, n = 0, len(var)
    while i < n:
        while i < n and var[i] in space:
            i += 1
        if i < n and (0x41 <= var[i] <= 0x5A or 0x61 <= var[i] <= 0x7A):
            start = j = i
            while j < n and (var[j] in _ALNUM or var[j] in b"-_"):
                j += 1
            var_len = j - start
            while j < n and var[j] in space:
                j += 1
            unspec, val = False, 0
            if j >= n or var[j] == 0x2C:
                unspec = True
            elif var[j] == 0x3D:
                j += 1
                while j < n and var[j] in space:
                    j += 1
            if unspec:
                if var[start:start + 3] == b"no-":
                    start += 3
                    var_len -= 3
                else:
                    val = 1
            elif j < n and 0x30 <= var[j] <= 0x39:
                val = _atoi(var[j:])
                while j < n and 0x30 <= var[j] <= 0x39:
                    j += 1
                while j < n and var[j] in space:
                    j += 1
            word = var[start:start + var_len]
            for pname, is_bool, _ in _UPARAMS:
                if pname.encode() == word:
                    if unspec and not is_bool:
                        fail(word + b": ARGP_HELP_FMT parameter requires a value")
                    else:
                        new[pname] = val
                    break
            else:
                fail(word + b": Unknown ARGP_HELP_FMT parameter")
            i = j
            if i < n and var[i] == 0x2C:
                i += 1
        elif i < n:
            fail(b"Garbage in ARGP_HELP_FMT: " + var[i:])
            break
    return new, bytes(failures)


# -- argp's line-wrapping stream ---------------------------------------------------------

_BLANK = (0x20, 0x09)
_INIT_BUF_SIZE = 200
_PRINTF_SIZE_GUESS = 150


def _cstr(data: bytes | bytearray) -> bytes:
    """glibc flushes the buffer with ``%.*s``: output stops at a NUL byte."""
    end = data.find(0)
    return bytes(data if end < 0 else data[:end])


class _FmtStream:
    """argp_fmtstream (glibc argp-fmtstream.c), buffer and all.

    Wrapping happens lazily, on whatever sits in the buffer when a margin changes, the
    column is asked for or the buffer fills; the emulation keeps the C memory layout
    (including stale bytes past the data) so every edge case wraps as in C.
    """

    def __init__(self, rmargin: int) -> None:
        self.out = bytearray()
        self.mem = bytearray(_INIT_BUF_SIZE)
        self.size = _INIT_BUF_SIZE
        self.p = 0
        self.point_offs = 0
        self.point_col = 0
        self.lmargin = 0
        self.wmargin = 0
        self.rmargin = rmargin

    # memory helpers: reading past the allocation gives NUL (never a blank)
    def _byte(self, i: int) -> int:
        return self.mem[i] if 0 <= i < len(self.mem) else 0

    def _put(self, at: int, data: bytes) -> None:
        end = at + len(data)
        if end > len(self.mem):
            self.mem.extend(bytes(end - len(self.mem)))
        self.mem[at:end] = data

    def _move(self, dst: int, src: int, n: int) -> None:
        if n > 0:
            data = bytes(self.mem[src:src + n])
            self._put(dst, data.ljust(n, b"\0"))

    # the public C entry points
    def write(self, data: bytes) -> None:
        if self.p + len(data) <= self.size or self._ensure(len(data)):
            self._put(self.p, data)
            self.p += len(data)

    def puts(self, data: bytes) -> None:
        if data:
            self.write(data)

    def putc(self, ch: bytes) -> None:
        if self.p < self.size or self._ensure(1):
            self._put(self.p, ch)
            self.p += 1

    def printf(self, data: bytes) -> None:
        guess = _PRINTF_SIZE_GUESS
        while True:
            self._ensure(guess)
            avail = self.size - self.p
            if len(data) >= avail:       # vsnprintf truncates, then argp retries bigger
                if avail > 0:
                    self._put(self.p, data[:avail - 1] + b"\0")
                guess = len(data) + 1
                continue
            self._put(self.p, data + b"\0")
            self.p += len(data)
            return

    def set_lmargin(self, value: int) -> int:
        if self.p > self.point_offs:
            self._update()
        old, self.lmargin = self.lmargin, value
        return old

    def set_wmargin(self, value: int) -> int:
        if self.p > self.point_offs:
            self._update()
        old, self.wmargin = self.wmargin, value
        return old

    def point(self) -> int:
        if self.p > self.point_offs:
            self._update()
        return max(self.point_col, 0)

    def finish(self) -> bytes:
        self._update()
        self.out += _cstr(self.mem[:self.p])
        return bytes(self.out)

    def _ensure(self, amount: int) -> bool:
        if self.size - self.p < amount:
            self._update()
            self.out += _cstr(self.mem[:self.p])
            self.p = 0
            self.point_offs = 0
            if self.size < amount:
                self.size += amount
        return True

    def _update(self) -> None:
        """__argp_fmtstream_update(): wrap the text from point_offs to the end of the data."""
        byte = self._byte
        buf = self.point_offs
        while buf < self.p:
            if self.point_col == 0 and self.lmargin != 0:
                pad = self.lmargin
                if self.p + pad < self.size:
                    self._move(buf + pad, buf, self.p - buf)
                    self.p += pad
                    self._put(buf, b" " * pad)
                    buf += pad
                else:
                    self.out += b" " * pad
                self.point_col = pad
            length = self.p - buf
            nl = self.mem.find(b"\n", buf, self.p)
            self.point_col = max(self.point_col, 0)
            if nl < 0:
                if self.point_col + length < self.rmargin:
                    self.point_col += length
                    break
                nl = self.p
            elif self.point_col + (nl - buf) < self.rmargin:
                self.point_col = 0
                buf = nl + 1
                continue
            r = self.rmargin - 1
            p = buf + (r + 1 - self.point_col)
            while p >= buf and byte(p) not in _BLANK:
                p -= 1
            nextline = p + 1
            if nextline > buf:
                if p >= buf:
                    p -= 1
                    while p >= buf and byte(p) in _BLANK:
                        p -= 1
                nl = p + 1
            else:
                p = buf + (r + 1 - self.point_col)
                p += 1                      # glibc: do ++p while ..., even from nl
                while p < nl and byte(p) not in _BLANK:
                    p += 1
                if p == nl:
                    self.point_col = 0
                    buf = nl + 1
                    continue
                nl = p
                p += 1
                while byte(p) in _BLANK:
                    p += 1
                nextline = p
            wm = self.wmargin
            if nextline == buf + length + 1:
                short_of_room = self.size - nl < wm + 1
            else:
                short_of_room = nextline - (nl + 1) < wm
            if short_of_room and self.p > nextline:
                if self.size - self.p > wm + 1:
                    mv = self.p - nextline
                    self._move(nl + 1 + wm, nextline, mv)
                    nextline = nl + 1 + wm
                    length = nextline + mv - buf
                    self._put(nl, b"\n")
                    nl += 1
                else:
                    self.out += _cstr(self.mem[:nl]) + b"\n"
                    length += buf
                    nl = buf = 0
            else:
                self._put(nl, b"\n")
                nl += 1
            if nextline - nl >= wm or (nextline == buf + length + 1 and self.size - nextline >= wm):
                self._put(nl, b" " * wm)
                nl += wm
            else:
                self.out += b" " * wm
            if nl < nextline:
                self._move(nl, nextline, buf + length - nextline)
            length -= nextline - buf
            buf = nl
            self.p = nl + length
            self.point_col = wm if wm else -1
        self.point_offs = self.p
