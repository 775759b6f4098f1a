"""Command-line parsing: ipmipower's own options, the checks after parsing, the config file."""

from __future__ import annotations

import pytest

from pyipmi_tools.cli.argp import ArgpExit
from pyipmi_tools.cli.common import OptionError
from pyipmi_tools.cli.conffile import ConfigFileError
from pyipmi_tools.ipmipower.options import PowerCmd, parse_command_line


def parse(*args: str):
    return parse_command_line(["ipmipower", "--config-file", "/dev/null", *args])


def error(*args: str) -> str:
    with pytest.raises(OptionError) as err:
        parse(*args)
    return err.value.text


def test_defaults_and_last_power_operation_wins() -> None:
    s = parse("-h", "h1", "--stat", "--on", "-f")
    assert s.powercmd is PowerCmd.OFF
    assert (s.driver, s.privilege, s.session_timeout, s.retransmission_timeout) == ("lan", 3, 20000, 400)
    assert (s.retransmission_wait_timeout, s.retransmission_backoff_count) == (500, 8)
    assert parse().powercmd is None


def test_password_after_p_is_taken_verbatim_and_bundling() -> None:
    s = parse("-h", "h", "-p", "-secret-", "-snu", "admin")
    assert s.password == b"-secret-" and s.username == b"admin" and s.powercmd is PowerCmd.ON


@pytest.mark.parametrize("args, text", [
    (("--retransmission-wait-timeout", "0"), "retransmission wait timeout length invalid"),
    (("--retry-wait-timeout", "x"), "retransmission wait timeout length invalid"),
    (("--retransmission-backoff-count", "-1"), "retransmission backoff count invalid"),
    (("--ping-interval", "1x"), "ping interval length invalid"),
    (("--ping-timeout", "-1"), "ping timeout length invalid"),
    (("--ping-packet-count", "x"), "ping packet count invalid"),
    (("--ping-percent", "x"), "ping percent invalid"),
    (("--ping-consec-count", "x"), "ping consec count invalid"),
    (("--ipmi-version", "3.0"), "invalid driver type specified"),
    (("--oem-power-type", "x"), "invalid oem power type\n"),
    (("--retransmission-wait-timeout", "30000"), "retransmission wait timeout larger than session timeout\n"),
    (("--stat",), "must specify target hostname(s) in non-interactive mode\n"),
    (("--ping-interval", "40000"), "ping interval larger than ping timeout\n"),
    (("--ping-consec-count", "11"), "ping consec count larger than ping packet count\n"),
    (("-p", "12345678901234567"), "password too long\n"),
    (("--session-timeout", "1000", "--retransmission-wait-timeout", "2000", "--oem-power-type", "x"),
     "invalid oem power type\n"),
])
def test_messages_and_their_line_endings(args: tuple[str, ...], text: str) -> None:
    assert error(*args) == text


def test_common_checks_come_before_ipmipowers() -> None:
    assert error("--retransmission-timeout", "30000", "--oem-power-type", "x") == \
        "retransmission timeout larger than session timeout\n"


def test_int_truncation_like_c() -> None:
    assert parse("--retransmission-wait-timeout", "4294967297").retransmission_wait_timeout == 1


def test_usage_error_exits_64(capsys) -> None:
    with pytest.raises(ArgpExit) as leave:
        parse("--frobnicate")
    assert leave.value.status == 64
    assert capsys.readouterr().err.startswith("ipmipower: unrecognized option '--frobnicate'\n")


def test_config_file_values_and_command_line_override(tmp_path) -> None:
    conf = tmp_path / "freeipmi.conf"
    conf.write_text("username fileuser\nipmipower-on-if-off yes\nping-interval 1000\n"
                    "ipmipower-oem-power-type C410X\ndriver-type LAN_2_0\n")
    s = parse_command_line(["ipmipower", "--config-file", str(conf), "-u", "cli"])
    assert (s.username, s.on_if_off, s.ping_interval, s.oem_power_type, s.driver) == \
        (b"cli", True, 1000, "c410x", "lan_2_0")


def test_missing_config_file() -> None:
    with pytest.raises(ConfigFileError) as err:
        parse_command_line(["ipmipower", "--config-file", "/nonexistent/freeipmi.conf", "-u", "x" * 17])
    assert err.value.output == b"Config File Error: configuration file does not exist\n"
