"""``pyipmi-sim``: serve simulated IPMI BMCs over UDP until SIGTERM or SIGINT.

The BMCs come from a rack file (``--rack``, see :mod:`pyipmi_tools.sim.rack`)
or, without one, from the command line: ``--count`` BMCs per ``--address`` on
consecutive ports from ``--port``.  BMC settings given on the command line
apply to every BMC and win over the rack file.  Exit status: 0 after a clean
shutdown, 1 when the rack file or serving fails, 2 for bad options.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import re
import signal
import sys
import textwrap
from collections.abc import Sequence
from typing import Any, NoReturn, Optional

from .. import __version__
from .quirks import PROFILES
from .rack import (
    BOOT_DEVICES,
    DEFAULT_PORT,
    PRIVILEGES,
    Group,
    Rack,
    RackError,
    endpoint_key,
    load_rack,
    parse_value,
    single_group,
)

PROG = "pyipmi-sim"

DETAILED_LIMIT = 32
"""Racks with more BMCs than this get one start-up table row per group."""

_RACK_HELP = """\
Without --rack, the command line describes the BMCs: --count BMCs on every
--address (a single address, a range such as 127.0.0.2-127.0.0.101, or a
comma-separated list), on consecutive ports from --port.  A rack file (INI)
instead holds a [defaults] section and one section per BMC or group of BMCs,
with the keys address, port, count, users, cipher_suites, k_g, quirks, slow,
loss, duplicate, reorder, corrupt, power, boot_device and cycle_off_time:

  [defaults]
  users = admin:password:ADMIN, operator:operpass:OPERATOR
  [node1]
  port = 9001
  quirks = zero-session-seq
  [nodes]
  count = 100
  port = 10000

BMC settings given on the command line apply to every BMC in the rack.  Only
loopback addresses are served unless --allow-non-loopback is given.

{lists}

SIGTERM or SIGINT (Ctrl-C) stops the simulator; the state file is written on
exit.

Mandatory or optional arguments to long options are also mandatory or optional
for any corresponding short options."""


def _epilog() -> str:
    """The closing part of --help: lists of names, wrapped to 79 columns."""
    def wrap(text: str, first: str = "", rest: str = "  ") -> list[str]:
        return textwrap.wrap(text, 79, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)

    lines = wrap(f"Privileges: {', '.join(PRIVILEGES)}.")
    lines += wrap(f"Boot devices: {', '.join(BOOT_DEVICES)}.")
    lines.append("Quirk profiles:")
    for name, text in PROFILES.items():
        lines += wrap(text, f"  {name:<23}", " " * 25)
    return _RACK_HELP.format(lists="\n".join(lines))


class _UsageError(Exception):
    """A bad command line; the message is printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        missing = re.fullmatch(r"argument (\S+?)(?:/\S+)?: expected one argument", message)
        if missing:
            message = f"option '{missing.group(1)}' requires an argument"
        raise _UsageError(f"{message} (see --help)")


class _ArgpFormatter(argparse.RawDescriptionHelpFormatter):
    """``--help`` laid out like FreeIPMI's (GNU argp) tools."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, indent_increment=2, max_help_position=29, width=79)

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        return f"Usage: {self._prog} [OPTION...]\n"

    def _format_action_invocation(self, action: argparse.Action) -> str:
        shorts = [o for o in action.option_strings if not o.startswith("--")]
        longs = [o for o in action.option_strings if o.startswith("--")]
        value = f"={action.metavar}" if action.nargs != 0 and action.metavar else ""
        text = ", ".join(shorts + [f"{o}{value}" for o in longs])
        return text if shorts else f"    {text}"


def _parser() -> _Parser:
    parser = _Parser(
        prog=PROG, add_help=False, formatter_class=_ArgpFormatter, allow_abbrev=True,
        description=f"{PROG} - simulated IPMI 1.5/2.0 BMCs on UDP, with the quirks of real ones",
        epilog=_epilog(),
    )
    where = parser.add_argument_group(" Where to serve")
    where.add_argument("--rack", metavar="FILE", help="Serve the BMCs described in rack file FILE.")
    where.add_argument("--address", metavar="ADDRESS",
                       help="Serve on ADDRESS, a range FIRST-LAST or a list (default 127.0.0.1).")
    where.add_argument("--port", metavar="PORT", help=f"First UDP port (default {DEFAULT_PORT}).")
    where.add_argument("--count", metavar="N", help="Serve N BMCs per address, on consecutive ports.")
    where.add_argument("--allow-non-loopback", action="store_true",
                       help="Allow addresses outside 127.0.0.0/8 and ::1.")
    bmc = parser.add_argument_group(" BMC settings")
    bmc.add_argument("--user", metavar="NAME:PASS:PRIV", action="append",
                     help="Add a user (repeatable; replaces the default admin, operator and user).")
    bmc.add_argument("--cipher-suites", metavar="LIST",
                     help="Enable only these cipher suite IDs, e.g. 0-3,17 (default all twelve).")
    bmc.add_argument("--k-g", metavar="KEY", help="Set the BMC key K_g: 0x and hex digits, or text.")
    bmc.add_argument("--power", metavar="STATE", help="Initial chassis power: on or off (default off).")
    bmc.add_argument("--boot-device", metavar="DEVICE", help="Initial boot device (default NO-OVERRIDE).")
    bmc.add_argument("--cycle-off-time", metavar="SECONDS", help="How long a power cycle stays off.")
    quirks = parser.add_argument_group(" Quirks and network impairment")
    quirks.add_argument("--quirk", metavar="NAME", action="append",
                        help="Misbehave like profile NAME (repeatable, or comma-separated).")
    quirks.add_argument("--slow", metavar="SECONDS", help="Delay every reply by SECONDS.")
    quirks.add_argument("--loss", metavar="PERCENT", help="Drop PERCENT of the replies.")
    quirks.add_argument("--duplicate", metavar="PERCENT", help="Send PERCENT of the replies twice.")
    quirks.add_argument("--reorder", metavar="PERCENT", help="Hold back PERCENT of the replies.")
    quirks.add_argument("--corrupt", metavar="PERCENT", help="Flip a bit in PERCENT of the replies.")
    quirks.add_argument("--seed", metavar="N", help="Seed the random choices, for reproducible runs.")
    output = parser.add_argument_group(" Output")
    output.add_argument("--state-file", metavar="FILE",
                        help='Keep FILE holding every BMC\'s state as JSON, keyed by "address:port".')
    output.add_argument("-q", "--quiet", action="store_true", help="Do not print the start-up table.")
    general = parser.add_argument_group(" General")
    general.add_argument("-?", "--help", action="help", help="Give this help list")
    general.add_argument("-V", "--version", action="version", version=f"{PROG} (pyipmi-tools) {__version__}",
                         help="Print program version")
    return parser


_SETTING_OPTIONS = {
    "cipher_suites": "--cipher-suites",
    "k_g": "--k-g",
    "power": "--power",
    "boot_device": "--boot-device",
    "cycle_off_time": "--cycle-off-time",
    "slow": "--slow",
    "loss": "--loss",
    "duplicate": "--duplicate",
    "reorder": "--reorder",
    "corrupt": "--corrupt",
}


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """Parsed BMC settings given on the command line (key -> value)."""
    values: dict[str, Any] = {}

    def parse(key: str, option: str, raw: Any) -> Any:
        try:
            return parse_value(key, raw)
        except ValueError as exc:
            raise _UsageError(f"option {option}: {exc}") from None

    for key, option in _SETTING_OPTIONS.items():
        raw = getattr(args, key)
        if raw is not None:
            values[key] = parse(key, option, raw)
    if args.quirk:
        values["quirks"] = parse("quirks", "--quirk", ",".join(args.quirk))
    if args.user:
        values["users"] = parse("users", "--user", list(args.user))  # a list: no comma splitting
    return values


def _placement(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("address", "port", "count"):
        raw = getattr(args, key)
        if raw is not None:
            try:
                values[key] = parse_value(key, raw)
            except ValueError as exc:
                raise _UsageError(f"option --{key}: {exc}") from None
    return values


# -- the start-up table ---------------------------------------------------------------------------


def _suites(suites: Sequence[int]) -> str:
    """``0-3,6-8,11,12`` style: runs of three or more consecutive IDs collapse."""
    runs: list[list[int]] = []
    for suite in suites:
        if runs and suite == runs[-1][-1] + 1:
            runs[-1].append(suite)
        else:
            runs.append([suite])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)


def _host(address: str) -> str:
    """An address as it appears before ``:port`` (IPv6 in brackets)."""
    return f"[{address}]" if ":" in address else address


def _address_runs(addresses: Sequence[str]) -> str:
    """``127.0.0.2-127.0.0.101`` for a contiguous range, runs joined by commas otherwise."""
    runs: list[list[Any]] = []
    for text in addresses:
        ip = ipaddress.ip_address(text)
        if runs and int(ip) == int(runs[-1][-1]) + 1 and ip.version == runs[-1][-1].version:
            runs[-1].append(ip)
        else:
            runs.append([ip])
    parts = [_host(str(r[0])) + (f"-{_host(str(r[-1]))}" if len(r) > 1 else "") for r in runs]
    if len(parts) > 3:
        parts = [parts[0], "...", parts[-1]]
    return ",".join(parts)


def _group_where(group: Group) -> str:
    """``127.0.0.1:10000-10499`` / ``127.0.0.2-127.0.0.101:623`` for a group."""
    ports = str(group.port) if group.count == 1 else f"{group.port}-{group.port + group.count - 1}"
    return f"{_address_runs(group.addresses)}:{ports}"


def startup_table(rack: Rack) -> str:
    """The tabulate table printed at start-up: a row per BMC, or per group for big racks."""
    from tabulate import tabulate  # imported on use: start-up cost

    detailed = len(rack) <= DETAILED_LIMIT
    rows = []
    for group in rack.groups:
        s = group.settings
        common = [
            " ".join(u.describe() for u in s.users),
            _suites(s.cipher_suites),
            s.make_quirks().describe() + (" k_g" if s.k_g else ""),
            "on" if s.power else "off",
            s.boot_device,
        ]
        if detailed or len(group) == 1:
            rows.extend([endpoint_key(a, p), group.name] + common for a, p in group.endpoints())
        else:
            rows.append([f"{_group_where(group)} ({len(group)} BMCs)", group.name] + common)
    headers = ["BMC", "group", "users", "cipher suites", "quirks", "power", "boot device"]
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


# -- running -------------------------------------------------------------------------------------------


def _raise_fd_limit(needed: int) -> None:
    """Raise the soft descriptor limit to fit *needed* sockets, or fail with a clear message."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed + 64
    if soft != resource.RLIM_INFINITY and soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            raise RackError(f"{needed} BMCs need about {want} file descriptors; the hard limit is {hard} "
                            "(raise it with ulimit -Hn)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


class _Signals:
    """SIGTERM/SIGINT set a flag that serve() polls; restored by :meth:`restore`."""

    def __init__(self) -> None:
        self.received: Optional[int] = None
        self._old = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGTERM, signal.SIGINT)}

    def _handle(self, signum: int, frame: Any) -> None:
        self.received = signum

    def restore(self) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def _fail(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)
    sys.stderr.flush()


def _say(text: str) -> None:
    """Print to stdout; a closed stdout (``| head``) must not stop the simulator."""
    try:
        print(text, flush=True)
    except OSError:
        pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the simulator; return the exit status."""
    parser = _parser()
    rack: Optional[Rack] = None
    try:
        args = parser.parse_args(argv)
        settings = _settings(args)
        placement = _placement(args)
        seed = None
        if args.seed is not None:
            try:
                seed = int(args.seed, 0)
            except ValueError:
                raise _UsageError(f"option --seed: bad number {args.seed!r}") from None
        if args.rack is not None and placement:
            given = ", ".join(f"--{k}" for k in placement)
            raise _UsageError(f"{given} cannot be combined with --rack (put it in the rack file)")
        if args.rack is None:
            rack = single_group({**placement, **settings}, args.allow_non_loopback)
    except (_UsageError, RackError) as exc:
        _fail(str(exc))
        return 2
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    try:
        if rack is None:
            rack = load_rack(args.rack, settings, args.allow_non_loopback)
        return _run(rack, args, seed)
    except RackError as exc:
        _fail(str(exc))
        return 1


def _run(rack: Rack, args: argparse.Namespace, seed: Optional[int]) -> int:
    """Build the BMCs, serve them until a signal, write the final state; RackError on failure."""
    from .. import transport
    from .server import StateFile, build_servers

    signals = _Signals()  # from here on SIGTERM/SIGINT mean a clean stop, at any point
    try:
        _raise_fd_limit(len(rack))
        try:
            servers = build_servers(rack, seed)
        except transport.HostResolutionError as exc:
            raise RackError(f"cannot serve on the rack's addresses: {exc}") from None
        state_file = StateFile(args.state_file, servers) if args.state_file else None

        def write_state() -> None:
            if state_file is not None:
                try:
                    state_file.write()
                except OSError as exc:
                    raise RackError(f"cannot write state file {args.state_file}: {exc.strerror or exc}") from None

        def ready() -> None:
            if not args.quiet:
                plural = "s" if len(servers) != 1 else ""
                where = f", state in {args.state_file}" if state_file else ""
                _say(f"{startup_table(rack)}\n"
                     f"{PROG}: serving {len(servers)} BMC{plural}{where}; stop with Ctrl-C or SIGTERM")

        def stop() -> bool:
            if state_file is not None:
                state_file.poll()
            return signals.received is not None

        write_state()
        try:
            transport.serve(servers, stop, after=state_file.mark if state_file else None, ready=ready)
        except transport.BindError as exc:
            hint = ""
            if exc.errno == errno.EACCES:
                hint = " (ports below 1024 need privileges: use --port, or port = in the rack file)"
            raise RackError(f"{exc}{hint}") from None
        write_state()
    finally:
        signals.restore()
    if not args.quiet and signals.received is not None:
        _say(f"{PROG}: stopped by {signal.Signals(signals.received).name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
