"""ipmi-config's command line: values, checks and their order (FreeIPMI 1.6.10's messages)."""

from __future__ import annotations

import pytest

from pyipmi_tools.cli.common import OptionError
from pyipmi_tools.ipmiconfig.options import parse_command_line

BASE = ["ipmi-config", "--config-file", "/dev/null"]


def error(*args: str) -> str:
    with pytest.raises(OptionError) as err:
        parse_command_line([*BASE, *args])
    return err.value.text


@pytest.mark.parametrize("args, text", [
    ((), "Exactly one of --checkout, --commit, --diff, or --listsections MUST be given\n"),
    (("-o", "-c"), "Exactly one of --checkout, --commit, --diff, or --listsections MUST be given\n"),
    (("-g", "foo"), "invalid category 'foo' specified\n"),
    (("-o", "-e", "a:b", "-S", "x"), "Only one of --filename, --keypair, and --section can be used\n"),
    (("-d", "-n", "/nonexistent", "-e", "a:b"), "Both --filename or --keypair cannot be used\n"),
    (("-c", "-n", "/nonexistent"), "Cannot read '/nonexistent': No such file or directory\n"),
    (("-o", "-n", "/nonexistent/x"), "Cannot open '/nonexistent/x': No such file or directory\n"),
    (("-e", "a:b", "-e", "A:B"), "Duplicate section:key pair 'a:b' specified\n"),
    (("-o", "-e", "foo", "-c"), "Improperly input keypair 'foo'\n"),
    (("-o", "-S", "x", "-S", "X"), "Duplicate section 'x' specified\n"),
    (("-o", "--lan-channel-number", "99"), "invalid channel number\n"),
    (("-o", "--retransmission-timeout", "5"), "retransmission timeout larger than session timeout\n"),
])
def test_errors(args: tuple[str, ...], text: str) -> None:
    assert error(*args) == text


def test_categories_and_actions() -> None:
    settings = parse_command_line([*BASE, "--category=chassis", "-g", "Sensor, BMC", "-L", "-vv"])
    assert settings.categories == {"sensors", "core"} and settings.action == "listsections"
    assert settings.verbose == 2
    settings = parse_command_line([*BASE, "-g", "", "-o", "-f", "/tmp/x", "-n", "/tmp/y"])
    assert settings.categories == set() and settings.filename == "/tmp/y"


def test_flush_cache_needs_no_action() -> None:
    assert parse_command_line([*BASE, "--flush-cache"]).common.flush_cache


def test_checkout_file_test_leaves_nothing_behind(tmp_path) -> None:
    target = tmp_path / "new.conf"
    parse_command_line([*BASE, "-o", "-n", str(target)])
    assert not target.exists()
