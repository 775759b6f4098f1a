"""The --debug trace: every packet field by field, every drop with its reason, and no secret."""

from __future__ import annotations

import pytest

from pyipmi_tools.crypto.authcode15 import AuthType

from .fakebmc import FakeBmc, config15, config20, make_job, run

PASSWORD = b"s3cr3t-Pw"
K_G = b"kg-secret-0123"


def _secret_forms(secret: bytes) -> list[str]:
    return [secret.decode(), secret.hex(), secret.hex(" "), secret.hex(" ").upper()]


def _trace(config, bmc: FakeBmc) -> str:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    job = make_job(config, trace=lines.append)
    run(job, bmc)
    assert job.result == "on", lines[-5:]
    return "\n".join(lines)


@pytest.mark.parametrize("auth", list(AuthType))
def test_ipmi15_trace_never_shows_the_password(auth: AuthType) -> None:
    bmc = FakeBmc(users=[_user(PASSWORD)])
    text = _trace(config15(auth, password=PASSWORD), bmc)
    assert "Activate Session" in text and "get chassis status response" in text
    for form in _secret_forms(PASSWORD):
        assert form not in text


@pytest.mark.parametrize("suite", [3, 11, 12, 17])
def test_rmcpplus_trace_never_shows_password_or_k_g(suite: int) -> None:
    bmc = FakeBmc(users=[_user(PASSWORD)])
    bmc.kg = K_G
    text = _trace(config20(suite, password=PASSWORD, k_g=K_G), bmc)
    for stage in ("Get Channel Authentication Capabilities", "Open Session Request", "Open Session Response",
                  "RAKP Message 1", "RAKP Message 2", "RAKP Message 3", "RAKP Message 4",
                  "set session privilege level request", "get chassis status response", "close session response"):
        assert stage in text
    for secret in (PASSWORD, K_G):
        for form in _secret_forms(secret):
            assert form not in text


def test_every_in_session_field_is_on_its_own_line() -> None:
    text = _trace(config20(3, password=PASSWORD), FakeBmc(users=[_user(PASSWORD)]))
    for field in ("  netfn: ", "  cmd: ", "  rq seq: ", "  completion code: ", "  session seq: ", "  session ID: ",
                  "  encrypted: yes", "  authenticated: yes", "  authcode: "):
        assert field in text


def _user(password: bytes):  # type: ignore[no-untyped-def]
    from .fakebmc import USERNAME, User
    return User(USERNAME, password)
