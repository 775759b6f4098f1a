"""The entry point without a BMC: in-band answers, host-list errors, --flush-cache, argv[0]."""

from __future__ import annotations

import pytest

from pyipmi_tools.ipmiconfig.main import _invoked_name, main

BASE = ["ipmi-config", "--config-file", "/dev/null", "-g", "chassis"]


@pytest.mark.parametrize("args, err", [
    (("-L",), "could not find inband device\n"),
    (("-L", "-h", "localhost", "--always-prefix"), "localhost: could not find inband device\n"),
    (("-L", "-h", "::1", "-D", "LAN_2_0"), "ipmi_ctx_open_inband: invalid parameters\n"),
    (("-L", "-D", "ssif"), "ipmi-config: device not found\n"),
    (("-L", "-h", ""), "pstdout_hostnames_count: incorrect parameters passed in\n"),
    (("-L", "-h", "127.0.0.2:99999", "-D", "LAN_2_0"), "ipmi_ctx_open_outofband_2_0: invalid parameters\n"),
    (("-L", "-h", "127.0.0.2:623", "--session-timeout", "1000"), "ipmi_ctx_open_outofband: invalid parameters\n"),
])
def test_failures_before_any_packet(capfd, args: tuple[str, ...], err: str) -> None:
    assert main([*BASE, *args]) == 1
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", err)


def test_flush_cache_with_hosts_is_silent(capfd) -> None:
    assert main([*BASE, "--flush-cache", "-h", "127.0.0.2:1"]) == 0
    assert capfd.readouterr().out == ""


def test_argv0_through_freeipmis_wrapper_keeps_the_path() -> None:
    assert _invoked_name(["/usr/sbin/ipmi-config", "--category=chassis", "-o"]) == "/usr/sbin/ipmi-config"
    assert _invoked_name(["./ipmi-config", "-o"]) == "./ipmi-config"
