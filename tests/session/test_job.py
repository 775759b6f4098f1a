"""Jobs: scripts of commands over one session, as the transport drives them."""

from __future__ import annotations

import errno

from pyipmi_tools.commands.chassis import get_chassis_status
from pyipmi_tools.outcomes import Outcome
from pyipmi_tools.session.job import Finish

from .fakebmc import STAT_KINDS, FakeBmc, config20, make_job, run


def test_a_script_that_raises_keeps_its_error_and_still_closes_the_session() -> None:
    def script():  # type: ignore[no-untyped-def]
        yield get_chassis_status()
        raise ValueError("the script's own bug")

    job = make_job(config20(), script())
    h = run(job, FakeBmc())
    assert isinstance(job.error, ValueError)
    assert job.session.done and job.failure is None
    assert h.kinds() == STAT_KINDS          # Close Session still went out


def test_finish_without_close_skips_close_session() -> None:
    def script():  # type: ignore[no-untyped-def]
        yield get_chassis_status()
        return Finish("ok", close=False)

    job = make_job(config20(), script())
    h = run(job, FakeBmc())
    assert job.result == "ok"
    assert h.kinds() == STAT_KINDS[:-1]


def test_results_are_reported_once_before_close_session_is_answered() -> None:
    reports: list[str] = []
    job = make_job(config20())
    job._on_result = lambda j: reports.append(str(j.result))
    run(job, FakeBmc())
    assert reports == ["on"]


def test_socket_exhaustion_is_out_of_resources() -> None:
    job = make_job(config20())
    job.socket_error(errno.EMFILE)
    assert job.done
    assert job.failure is not None and job.failure.outcome is Outcome.OUT_OF_RESOURCES


def _get_status_times(h) -> list[float]:  # type: ignore[no-untyped-def]
    return h.times("chassis_status")


def test_polls_keep_a_fixed_interval_and_resends_back_off() -> None:
    """--wait-until-on polls every wait interval (each answer resets the count); a reply that
    counts as lost is resent with FreeIPMI's backoff (every 8 resends the interval grows)."""
    from pyipmi_tools.session.job import Send

    def polls():  # type: ignore[no-untyped-def]
        yield get_chassis_status()
        for _ in range(12):
            yield Send(get_chassis_status(), interval=0.5, poll=True)

    def resends():  # type: ignore[no-untyped-def]
        yield get_chassis_status()
        for _ in range(10):
            yield Send(get_chassis_status(), interval=0.5, resend=True)

    h = run(make_job(config20(), polls()), FakeBmc())
    times = _get_status_times(h)
    assert [round(b - a, 6) for a, b in zip(times, times[1:])] == [0.5] * 12
    h = run(make_job(config20(), resends()), FakeBmc())
    times = _get_status_times(h)
    assert [round(b - a, 6) for a, b in zip(times, times[1:])] == [0.5] * 8 + [1.0] * 2
