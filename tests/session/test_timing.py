"""Retransmission and timeout timing of both FreeIPMI models, on a fake clock."""

from __future__ import annotations

import pytest

from pyipmi_tools.session import Flavor
from pyipmi_tools.session.events import Stage
from pyipmi_tools.session.timing import IPMIPOWER_TIMING, LIBFREEIPMI_TIMING, Timing

from .fakebmc import STAT_KINDS, FakeBmc, config15, config20, make_job, outcome_text, run


def schedule(start: float, end: float, rto: float, backoff: int) -> list[float]:
    """Send times of a request that is never answered, per FreeIPMI's rule."""
    times, t, n = [start], start, 0
    while True:
        t += rto * (1 + n // backoff)
        if t >= end - 1e-9:
            return [round(x, 6) for x in times]
        times.append(t)
        n += 1


def test_timing_models() -> None:
    assert IPMIPOWER_TIMING == Timing(20.0, 0.4, 8, idle=False)
    assert LIBFREEIPMI_TIMING == Timing(20.0, 1.0, 2, idle=True)
    assert config20().effective_timing is IPMIPOWER_TIMING
    assert config20(flavor=Flavor.LIBFREEIPMI).effective_timing is LIBFREEIPMI_TIMING
    assert [IPMIPOWER_TIMING.retransmission_interval(n) for n in (0, 7, 8, 15, 16)] == pytest.approx(
        [0.4, 0.4, 0.8, 0.8, 1.2])
    assert [LIBFREEIPMI_TIMING.retransmission_interval(n) for n in (0, 1, 2, 3, 4)] == [1.0, 1.0, 2.0, 2.0, 3.0]


@pytest.mark.parametrize("config", [config20(timing=Timing(5.0, 0.4, 8)), config15(timing=Timing(5.0, 0.4, 8))],
                         ids=["lan_2_0", "lan"])
def test_ipmipower_dead_bmc_with_5s_session_timeout(config) -> None:
    """Observed with FreeIPMI 1.6.10: retries at 0.4 ... 3.2, 4.0, 4.8, then connection timeout at 5.0."""
    bmc = FakeBmc(alive=False)
    job = make_job(config)
    h = run(job, bmc)
    assert h.times() == [0.0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4, 2.8, 3.2, 4.0, 4.8]
    assert set(h.kinds()) == {"auth_caps"}
    assert outcome_text(job) == "connection timeout"
    assert job.failure.stage is Stage.AUTH_CAPS
    assert h.clock.now == pytest.approx(5.0)


def test_ipmipower_dead_bmc_default_20s() -> None:
    bmc = FakeBmc(alive=False)
    job = make_job(config20())
    h = run(job, bmc)
    assert h.times() == schedule(0.0, 20.0, 0.4, 8)
    gaps = [round(b - a, 6) for a, b in zip(h.times(), h.times()[1:])]
    assert gaps[:8] == [0.4] * 8 and gaps[8:16] == [0.8] * 8 and gaps[16:24] == [1.2] * 8
    assert outcome_text(job) == "connection timeout"
    assert h.clock.now == pytest.approx(20.0)


def test_libfreeipmi_dead_bmc() -> None:
    """libfreeipmi: 1 s retransmission timeout, doubling the wait every 2 resends."""
    bmc = FakeBmc(alive=False)
    job = make_job(config20(flavor=Flavor.LIBFREEIPMI))
    h = run(job, bmc)
    assert h.times() == [0.0, 1.0, 2.0, 4.0, 6.0, 9.0, 12.0, 16.0]
    assert outcome_text(job) == "connection timeout"
    assert h.clock.now == pytest.approx(20.0)


def test_ipmipower_deadline_is_total_from_the_first_packet() -> None:
    """The BMC answers Auth Caps late; the 20 s still count from the first packet sent."""
    bmc = FakeBmc().drop_request("auth_caps", *range(1, 10)).drop_request("open_session")
    job = make_job(config20(restart_handshake=False))
    h = run(job, bmc)
    assert h.times("auth_caps")[-1] == pytest.approx(4.0)
    assert outcome_text(job) == "session timeout"
    assert h.clock.now == pytest.approx(20.0)
    # the retransmission count restarts at every valid reply: Open Session resends start at 0.4 again
    assert h.times("open_session") == schedule(4.0, 20.0, 0.4, 8)


def test_libfreeipmi_timeout_is_idle_from_the_last_valid_reply() -> None:
    bmc = FakeBmc().drop_request("auth_caps", 1, 2, 3).drop_request("open_session")
    job = make_job(config20(flavor=Flavor.LIBFREEIPMI, restart_handshake=False))
    h = run(job, bmc)
    assert h.times("auth_caps") == [0.0, 1.0, 2.0, 4.0]
    assert outcome_text(job) == "session timeout"
    assert job.failure.stage is Stage.OPEN_SESSION
    assert h.clock.now == pytest.approx(24.0)
    assert h.times("open_session") == schedule(4.0, 24.0, 1.0, 2)


def test_libfreeipmi_succeeds_after_more_than_20s_while_each_step_answers_in_time() -> None:
    faults = {"auth_caps": 4, "open_session": 4, "rakp1": 4, "rakp3": 4}

    def bmc() -> FakeBmc:
        b = FakeBmc()
        for kind, n in faults.items():
            b.drop_reply(kind, *range(1, n + 1))
        return b

    job = make_job(config20(flavor=Flavor.LIBFREEIPMI, restart_handshake=False))
    h = run(job, bmc())
    assert outcome_text(job) == "on"
    assert h.clock.now == pytest.approx(24.0)      # four steps of 6 s each, none idle for 20 s
    assert h.times("rakp3") == [18.0, 19.0, 20.0, 22.0, 24.0]
    # the same BMC with a total (ipmipower-style) deadline and the same intervals times out
    job = make_job(config20(timing=Timing(20.0, 1.0, 2, idle=False), restart_handshake=False))
    h = run(job, bmc())
    assert outcome_text(job) == "session timeout"
    assert job.failure.stage is Stage.RAKP3
    assert h.clock.now == pytest.approx(20.0)


def test_retransmission_count_resets_after_a_valid_reply_ipmipower() -> None:
    bmc = FakeBmc().drop_reply("auth_caps", *range(1, 11)).drop_reply("open_session", 1)
    job = make_job(config20())
    h = run(job, bmc)
    assert h.times("auth_caps") == [0.0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4, 2.8, 3.2, 4.0, 4.8]
    assert h.times("open_session") == [4.8, 5.2]
    assert outcome_text(job) == "on"


@pytest.mark.parametrize("flavor,wait", [(Flavor.IPMIPOWER, 0.4), (Flavor.LIBFREEIPMI, 1.0)])
def test_command_resend_waits_one_retransmission_timeout(flavor: Flavor, wait: float) -> None:
    bmc = FakeBmc().drop_reply("chassis_status", 1)
    job = make_job(config20(flavor=flavor))
    h = run(job, bmc)
    assert h.times("chassis_status") == [0.0, wait]
    assert h.kinds() == STAT_KINDS[:6] + ["chassis_status", "close"]


def test_close_session_after_the_deadline_passes_is_quiet() -> None:
    """ipmipower: once Close Session is sent, a session timeout prints nothing."""
    bmc = FakeBmc().drop_reply("auth_caps", *range(1, 11)).drop_request("close")
    job = make_job(config20(timing=Timing(5.0, 0.4, 8)))
    h = run(job, bmc)
    assert h.times("close") == [4.8]
    assert job.failure is None and outcome_text(job) == "on"
    assert h.clock.now == pytest.approx(5.0)       # the deadline came before the close's 0.4 s


def test_close_session_is_sent_once_even_when_the_idle_deadline_is_far() -> None:
    bmc = FakeBmc().drop_request("close")
    job = make_job(config15(flavor=Flavor.LIBFREEIPMI))
    h = run(job, bmc)
    assert len(h.of("close")) == 1
    assert h.clock.now == pytest.approx(1.0)


@pytest.mark.parametrize("flavor,wait", [(Flavor.IPMIPOWER, 0.4), (Flavor.LIBFREEIPMI, 1.0)])
def test_lan15_activate_timeout_schedule(flavor: Flavor, wait: float) -> None:
    bmc = FakeBmc().drop_request("activate")
    job = make_job(config15(flavor=flavor))
    h = run(job, bmc)
    backoff = 8 if flavor is Flavor.IPMIPOWER else 2
    assert h.times("activate") == schedule(0.0, 20.0, wait, backoff)
    assert outcome_text(job) == "password verification timeout"


def test_fake_clock_only_jumps_to_events() -> None:
    bmc = FakeBmc(alive=False)
    job = make_job(config20())
    h = run(job, bmc)
    assert h.steps < 200
