"""One host's session as a transport job, and what ipmi-config prints when it fails.

:class:`HostRunner` turns each host of the list into a :class:`HostJob` (or prints at
once why it cannot: in-band access, a bad port, an unknown name, timeouts libfreeipmi
refuses). A job runs :func:`.engine.host_script` once the session is up; ``Sleep``
steps become timers. When the job ends, the runner prints the session error (open
errors as ``ipmi_open`` words them, exit 1; later ones as ``ipmi_cmd_<name>: <msg>``,
exit 2) and, for a checkout to a file, moves the finished file into place.
"""

from __future__ import annotations

from ..outcomes import PLAIN_OPEN_ERRORS, Outcome
from ..session.job import Finish, Job, Send
from .engine import Lines, Sleep, host_script
from .model import CommandFatal, Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..session.events import Event
    from .engine import Plan
    from .output import Output

INBAND_ERRORS = {
    None: "could not find inband device",
    "lan": "ipmi_ctx_open_inband: invalid parameters",
    "lan_2_0": "ipmi_ctx_open_inband: invalid parameters",
    "kcs": "ipmi_ctx_open_inband: internal system error",
}
LIB_DEFAULT_SESSION_TIMEOUT_MS = 20000
LIB_DEFAULT_RETRANSMISSION_TIMEOUT_MS = 1000


class HostJob(Job):
    """A :class:`~pyipmi_tools.session.job.Job` whose script may also ``yield Sleep(s)``."""

    def __init__(self, *args, index: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.index = index
        self.command = ""            # FreeIPMI name of the command in flight (for fatal errors)
        self.established = False
        self._wake: float | None = None
        self.lines: list[str] | None = None   # checkout-to-file lines

    def on_event(self, event: Event, now: float) -> None:
        from ..session.events import Established
        if isinstance(event, Established):
            self.established = True
        super().on_event(event, now)

    def next_deadline(self) -> float | None:
        deadline = self.session.next_deadline()
        if self._wake is not None and not self.session.done:
            return self._wake if deadline is None else min(deadline, self._wake)
        return deadline

    def handle_timer(self, now: float) -> None:
        if self._wake is not None and now >= self._wake and not self.session.done:
            self._wake = None
            self._advance(now, None, resume=True)
            return
        super().handle_timer(now)

    def _advance(self, now: float, reply, resume: bool = False) -> None:  # type: ignore[override]
        if self.script is None:
            self._complete(Finish(None), now)
            return
        try:
            if reply is None and not resume:
                step = next(self.script)
            else:
                step = self.script.send(reply)
        except StopIteration as stop:
            self._complete(stop.value if isinstance(stop.value, Finish) else Finish(stop.value), now)
            return
        except Exception as err:  # noqa: BLE001 - one host's bug must not stop the others
            self.error = err
            self._complete(Finish(None), now)
            return
        if isinstance(step, Sleep):
            self._wake = now + step.seconds
            return
        if not isinstance(step, Send):
            step = Send(step)
        self.command = step.request.spec.name
        self.session.send_command(step.request, now, interval=step.interval, poll=step.poll, resend=step.resend)


class HostRunner:
    """Builds the jobs and reports each host's end."""

    def __init__(self, settings, plan: Plan, output: Output, argv0: str) -> None:
        self.settings = settings
        self.plan = plan
        self.output = output
        self.argv0 = argv0
        self.trace = None
        if settings.common.debug:
            self.trace = lambda line: output.raw_err(line + "\n")

    # --- building ----------------------------------------------------------------------------

    def _fail(self, index: int, line: str) -> None:
        self.output.err(index, line)
        self.output.host_done(index, 1)

    def _lib_prefix(self) -> str:
        return "ipmi_ctx_open_outofband_2_0" if self.settings.common.driver_type == "lan_2_0" \
            else "ipmi_ctx_open_outofband"

    def prepare(self, index: int, host: str, inband: bool) -> HostJob | None:
        common = self.settings.common
        if inband:
            driver = common.driver_type
            line = INBAND_ERRORS.get(driver, f"{self.argv0}: device not found")
            self._fail(index, line)
            return None
        from .. import transport
        from ..cli.hosts import InvalidHost, parse_host
        try:
            spec = parse_host(host)
        except InvalidHost:
            self._fail(index, f"{self._lib_prefix()}: invalid parameters")
            return None
        session_ms = common.session_timeout_ms or LIB_DEFAULT_SESSION_TIMEOUT_MS
        retrans_ms = common.retransmission_timeout_ms or LIB_DEFAULT_RETRANSMISSION_TIMEOUT_MS
        if retrans_ms >= session_ms:
            self._fail(index, f"{self._lib_prefix()}: invalid parameters")
            return None
        try:
            family, address = transport.resolve(spec.name, spec.port)
        except transport.HostResolutionError:
            self._fail(index, f"{self.argv0}: invalid hostname")
            return None
        session = self._session(host, address[0], session_ms, retrans_ms)
        ctx = Context(verbose=self.settings.verbose, categories=[c.name for c in self.plan.categories],
                      debug=common.debug, lan_channel=self.settings.lan_channel,
                      serial_channel=self.settings.serial_channel, sol_channel=self.settings.sol_channel,
                      workarounds=common.workaround_flags.flags, host=host, host_count=len(self.output.hosts),
                      say=lambda line: self.output.out(index, line),
                      err_line=lambda line: self.output.err(index, line))
        ctx.cache["quiet_cache"] = common.quiet_cache
        ctx.cache["sdr_cache_directory"] = common.sdr_cache_directory
        ctx.cache["sdr_cache_file"] = common.sdr_cache_file
        job = HostJob(session, None, address, family, index=index)
        if self.plan.action == "checkout" and self.settings.filename is not None:
            job.lines = []
            lines = Lines(lambda line: job.lines.append(line + "\n"), lambda line: self.output.err(index, line))
        else:
            lines = Lines(lambda line: self.output.out(index, line), lambda line: self.output.err(index, line))
        if self.plan.action == "checkout" and self.settings.filename is not None and len(self.output.hosts) > 1:
            job.script = _refuse_script(lines, "Cannot output multiple host checkout into a single file")
            job.lines = None
        elif self.plan.action == "info":
            job.script = _info_script(lines)
        else:
            job.script = host_script(self.plan, ctx, lines)
        job.finished_script = False
        return job

    def _session(self, host: str, bmc_ip: str, session_ms: int, retrans_ms: int):
        from ..crypto.authcode15 import AuthType
        from ..session import Driver, Flavor, Privilege, SessionConfig, new_session
        from ..session.timing import LIBFREEIPMI_TIMING, Timing
        from ..workarounds import OUTOFBAND_15, OUTOFBAND_20
        common = self.settings.common
        lan20 = common.driver_type == "lan_2_0"
        auth = {"none": AuthType.NONE, "md2": AuthType.MD2, "md5": AuthType.MD5,
                "straight_password_key": AuthType.STRAIGHT_PASSWORD}[common.authentication_type]
        privilege = {"user": Privilege.USER, "operator": Privilege.OPERATOR,
                     "admin": Privilege.ADMIN}[common.privilege_level]
        timing = Timing(session_ms / 1000.0, retrans_ms / 1000.0, LIBFREEIPMI_TIMING.backoff_count,
                        LIBFREEIPMI_TIMING.idle)
        config = SessionConfig(host=host, username=common.username, password=common.password, k_g=common.k_g,
                               privilege=privilege, driver=Driver.LAN_2_0 if lan20 else Driver.LAN,
                               auth_type=auth, cipher_suite=common.cipher_suite_id,
                               workarounds=common.workaround_flags.only(OUTOFBAND_20 if lan20 else OUTOFBAND_15),
                               flavor=Flavor.LIBFREEIPMI, timing=timing)
        return new_session(config, bmc_ip, trace=self.trace)

    # --- reporting ------------------------------------------------------------------------------

    def finished(self, job: HostJob) -> None:
        index = job.index
        status = 1
        if isinstance(job.error, CommandFatal):
            self.output.err(index, str(job.error))
            status = 2
        elif job.error is not None:
            self.output.err(index, f"{self.argv0}: internal error: {type(job.error).__name__}")
        elif job.finished_script:
            status = job.result if isinstance(job.result, int) else 1
            if job.lines is not None:
                status = max(status, self._write_file(index, job.lines))
        elif job.failure is not None:
            outcome = job.failure.outcome
            if not job.established:
                if outcome in PLAIN_OPEN_ERRORS:
                    self.output.err(index, f"{self.argv0}: {outcome.text}")
                else:
                    self.output.err(index, f"{self._lib_prefix()}: {outcome.text}")
            else:
                name = job.command or "get_channel_authentication_capabilities"
                text = outcome.text if outcome is not Outcome.OUT_OF_RESOURCES else "internal system error"
                self.output.err(index, f"ipmi_cmd_{name}: {text}")
                status = 2
        self.output.host_done(index, status)

    def _write_file(self, index: int, lines: list[str]) -> int:
        """Write the checkout next to its destination, then rename it into place."""
        import os

        from ..atomicfile import replace_file
        path = self.settings.filename
        if os.path.isdir(path):
            self.output.err(index, "fopen: Is a directory")
            return 1
        try:
            replace_file(path, os.fsencode("".join(lines)))
        except OSError as err:
            self.output.err(index, f"fopen: {err.strerror}")
            return 1
        return 0


def _refuse_script(lines: Lines, message: str):
    """Checked by FreeIPMI only once the session is open."""
    lines.err(message)
    return 1
    yield  # pragma: no cover


def _info_script(lines: Lines):
    """The legacy ``-i``: 1.6.10 reports that it cannot read PEF information."""
    lines.err("Failure Retrieving PEF info")
    return 1
    yield  # pragma: no cover
