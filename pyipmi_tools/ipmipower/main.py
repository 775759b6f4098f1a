"""The ``pyipmipower`` entry point: parse, check, build the host list, run, report.

The order is FreeIPMI 1.6.10's: a first pass over the command line for
``--config-file``, the configuration file, the full command line, the argument
checks, the host list (any invalid host ends the run before a packet is sent), then
either interactive mode or, for a power operation, the privilege and OEM checks, the
per-host jobs, and the exit status.
"""

from __future__ import annotations

from .. import posixio

import sys

PROG = "ipmipower"
# Beyond this many hosts, AES from cryptography if importable.  Importing it costs 8-50 ms;
# per session it saves 8-35 us over the built-in AES with cryptography 48-50 on Python
# 3.11/3.10, and nothing with Debian 12's cryptography 38, so it pays from a few hundred
# hosts at best.
BUILTIN_AES_MAX_HOSTS = 512


def main(argv: list[str] | None = None) -> int:
    """Run ipmipower with ``argv`` (``sys.argv`` when None); return the exit status."""
    import _signal as signal  # signal.py only adds enums around these, at 3 ms of start-up
    for name in ("SIGPIPE", "SIGINT"):          # die of these signals like a C program
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if argv is None:
        argv = [posixio.invoked_name(sys.argv[0])] + sys.argv[1:]
    from .output import Fatal, write_all
    debug = False
    try:
        from ..cli.conffile import ConfigFileError
        from .options import OptionError, parse_command_line
        try:
            settings = parse_command_line(argv)
        except OptionError as err:
            write_all(2, posixio.fsencode(err.text))
            return 1
        except ConfigFileError as err:
            write_all(2, err.output)
            return err.exit_status
        debug = bool(settings.debug)
        return run(settings)
    except Fatal as fatal:
        write_all(2, fatal.render(debug))
        return 1
    except SystemExit as leave:                 # argp: --help, --usage, --version, usage errors
        return leave.code if isinstance(leave.code, int) else 1
    except OSError as err:                      # stdout or stderr closed under us
        try:
            write_all(2, posixio.fsencode(f"{PROG}: {err.strerror or err}\n"))
        except OSError:
            pass
        return 1


def _stderr_trace(line: str) -> None:
    from .output import encode, write_all
    write_all(2, encode(line + "\n"))


def run(settings) -> int:
    """Everything after parsing: hosts, then interactive mode or the power operation."""
    from ..crypto.confidentiality import use_builtin_aes
    from ..outcomes import Outcome
    from . import operations as ops
    from .output import Output, encode, write_all

    staged: list[str] = []                    # held back until the host list is known good or bad
    output = Output(staged.append, settings.consolidate_output and not settings.c410x)
    connections: list[ops.Connection] = []
    if settings.hostname is not None:
        try:
            connections = ops.build_connections(settings.hostname, settings.c410x,
                                                lambda name: output.emit(Outcome.INVALID_HOSTNAME, name))
        except ops.HostsFailed:
            write_all(1, encode("".join(staged)))
            return 1

    # Importing cryptography costs more than hundreds of sessions' AES work (see above).
    was_builtin = use_builtin_aes(len(connections) <= BUILTIN_AES_MAX_HOSTS)
    try:
        return _run_hosts(settings, connections, output)
    finally:
        use_builtin_aes(was_builtin)        # as before, for whatever else runs in this process


def _run_hosts(settings, connections: list, output) -> int:
    """Interactive mode, or the checks and the power operation on every host."""
    from . import operations as ops
    from . import options as checks
    from .options import PRIV_OPERATOR, PRIV_USER
    from .output import AT_ELIMINATE, AT_OEM_EXTRA_ARG, AT_OEM_SUPPORT, AT_PRIVILEGE, Fatal, encode, write_all

    if settings.powercmd is None:
        from .interactive import run_interactive
        return run_interactive(settings, connections, _stderr_trace)

    cmd = settings.powercmd
    if settings.c410x:
        error = checks.c410x_error(cmd, settings.privilege in (PRIV_USER, PRIV_OPERATOR))
        if error is not None:
            raise Fatal(error, AT_OEM_SUPPORT)
    else:
        error = checks.privilege_error(cmd, settings.privilege == PRIV_USER)
        if error is not None:
            raise Fatal(error, AT_PRIVILEGE)
    if settings.eliminate:
        raise Fatal("Error connecting to ipmidetect daemon", AT_ELIMINATE)   # no ipmidetectd here
    if settings.c410x:
        for conn in connections:
            for extra in conn.extra_args:
                error = checks.c410x_extra_arg_error(extra)
                if error is not None:
                    raise Fatal(error, AT_OEM_EXTRA_ARG)

    output.write = lambda text: write_all(1, encode(text))
    lan20 = settings.lan20
    trace = _stderr_trace if settings.debug else None

    def report(job: ops.PowerJob) -> None:
        outcome = ops.job_outcome(job, lan20)
        if outcome is not None:
            output.emit(outcome, job.connection.hostname, job.extra)

    make = ops.JobMaker(settings, cmd, report, trace).make
    if settings.c410x:
        endpoints: list[object] = [ops.HostRun([make(conn, extra) for extra in conn.extra_args])
                                   for conn in connections]
    else:
        endpoints = [make(conn, None) for conn in connections]
    if endpoints:
        from .. import transport
        transport.run(endpoints, fanout=settings.fanout)
        output.finish()
    return output.exit_status
