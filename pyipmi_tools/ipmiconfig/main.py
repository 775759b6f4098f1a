"""The ``pyipmi-config`` entry point: parse, check, one job per host, report.

FreeIPMI 1.6.10's order: the command line and configuration file, the argument
checks, the input file read, then per host (concurrently, ``-F`` at a time): open the
session, the categories' sections, parse and validate the input, the action, close.
Errors carry ``argv[0]`` exactly as the process got it.
"""

from __future__ import annotations

import sys

from .. import posixio

# The names ipmi-config treats as "this machine": in-band access, not LAN.
LOCAL_NAMES = frozenset(("localhost", "127.0.0.1", "::1", "ipv6-localhost", "ip6-localhost",
                         "0:0:0:0:0:0:0:1"))


def main(argv: list[str] | None = None) -> int:
    """Run ipmi-config with ``argv`` (``sys.argv`` when None); return the exit status."""
    import _signal as signal  # signal.py only adds enums around these
    for name in ("SIGPIPE", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if argv is None:
        argv = [_invoked_name(sys.argv)] + sys.argv[1:]
    from .output import encode, write_all
    try:
        from ..cli.common import OptionError
        from ..cli.conffile import ConfigFileError
        from .options import parse_command_line
        try:
            settings = parse_command_line(argv)
        except OptionError as err:
            write_all(2, encode(err.text))
            return 1
        except ConfigFileError as err:
            write_all(2, err.output)
            return err.exit_status
        return run(settings, argv[0] if argv else "ipmi-config")
    except SystemExit as leave:                 # argp: --help, --usage, --version, usage errors
        return leave.code if isinstance(leave.code, int) else 1
    except OSError as err:                      # stdout or stderr closed under us
        try:
            write_all(2, encode(f"{argv[0] if argv else 'ipmi-config'}: {err.strerror or err}\n"))
        except OSError:
            pass
        return 1


def _invoked_name(args: list[str]) -> str:
    """``argv[0]`` as the C program would have got it (see :func:`posixio.invoked_name`).

    FreeIPMI's ``ipmi-chassis-config`` wrapper runs ``exec /usr/sbin/ipmi-config
    --category=chassis ...``, so with that first argument the path is what C sees.
    """
    if args[1:2] == ["--category=chassis"]:
        return args[0]
    return posixio.invoked_name(args[0])


def _flush_cache(settings) -> int:
    """``--flush-cache``: FreeIPMI deletes its SDR cache and stops; we keep none."""
    import os

    from .output import encode, write_all
    if settings.common.hostname is None and not settings.common.quiet_cache:
        home = os.path.expanduser("~")
        node = os.uname().nodename.split(".")[0]
        write_all(1, encode(f"Flushing cache: {home}/.freeipmi/sdr-cache/sdr-cache-{node}.localhost\n"))
    return 0


def _read_input(settings) -> bytes | None | int:
    """The configuration input of commit and diff: the file, standard input, or None."""
    from .output import encode, write_all
    if settings.action not in ("commit", "diff"):
        return None
    if settings.filename is not None:
        import os
        if os.path.isdir(settings.filename):
            return b""                          # fopen() succeeds, fgets() reads nothing
        try:
            with open(settings.filename, "rb") as handle:
                return handle.read()
        except OSError as err:
            write_all(2, encode(f"Cannot read '{settings.filename}': {err.strerror}\n"))
            return 1
    if settings.keypairs:
        return None
    return sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()


def run(settings, argv0: str) -> int:
    from ..cli.hostlist import HostlistError, expand
    from . import categories as cats
    from .engine import Plan
    from .output import Output, encode, write_all

    if settings.common.flush_cache:
        return _flush_cache(settings)
    data = _read_input(settings)
    if isinstance(data, int):
        return data
    try:
        categories = [cats.load(name) for name in cats.ordered(settings.categories)]
    except cats.CategoryUnavailable as err:
        write_all(2, encode(f"{argv0}: {err}\n"))
        return 1
    common = settings.common
    if common.hostname is None:
        hosts = ["localhost"]
        inband = [True]
    else:
        try:
            hosts = expand(common.hostname)
        except HostlistError:
            hosts = []
        if not hosts:
            write_all(2, b"pstdout_hostnames_count: incorrect parameters passed in\n")
            return 1
        inband = [host in LOCAL_NAMES for host in hosts]
    output = Output(hosts, common.always_prefix, common.buffer_output, common.consolidate_output)
    plan = Plan(settings.action or "info", categories, data=data, keypairs=settings.keypairs,
                section_names=settings.sections, verbose=settings.verbose,
                slowcommit="slowcommit" in common.workaround_flags,
                veryslowcommit="veryslowcommit" in common.workaround_flags)
    from .hostjob import HostRunner
    runner = HostRunner(settings, plan, output, argv0)
    jobs = []
    for index, host in enumerate(hosts):
        job = runner.prepare(index, host, inband[index])
        if job is not None:
            jobs.append(job)
    if jobs:
        from .. import transport
        transport.run(jobs, fanout=common.fanout or 64, on_done=runner.finished)
    output.finish()
    return output.status
