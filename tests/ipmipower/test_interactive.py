"""Interactive mode: the command table, discovery pings, end of input."""

from __future__ import annotations

import os
import threading
import time

import pytest

from pyipmi_tools.ipmipower import interactive as ia
from pyipmi_tools.ipmipower.operations import build_connections
from pyipmi_tools.ipmipower.options import Settings
from pyipmi_tools.workarounds import parse_workarounds


def session(settings: Settings, script: list[tuple[float, str]], timeout: float = 20.0) -> tuple[int, bytes]:
    """Run the prompt with ``script`` lines (delay before each) on a pipe; (status, stdout)."""
    rin, win = os.pipe()
    rout, wout = os.pipe()
    connections = []
    if settings.hostname is not None:
        connections = build_connections(settings.hostname, settings.c410x, lambda name: None)

    def feed() -> None:
        for delay, line in script:
            time.sleep(delay)
            os.write(win, line.encode() + b"\n")
        os.close(win)

    chunks: list[bytes] = []

    def drain() -> None:
        while data := os.read(rout, 65536):
            chunks.append(data)

    writer = threading.Thread(target=feed, daemon=True)
    reader = threading.Thread(target=drain, daemon=True)
    writer.start()
    reader.start()
    loop = ia.Interactive(settings, connections, lambda line: None, stdin_fd=rin, stdout_fd=wout)
    status = loop.run()
    os.close(wout)
    reader.join(timeout)
    writer.join(timeout)
    os.close(rin)
    os.close(rout)
    return status, b"".join(chunks)


def test_version_help_and_unknown_command() -> None:
    status, out = session(Settings(), [(0, "version"), (0, "bogus"), (0, ""), (0, " happyeaster "), (0, "quit")])
    assert status == 0
    assert out == (b"ipmipower> ipmipower 1.6.10\nipmipower> unknown command - type \"help\"\n"
                   b"ipmipower> ipmipower> by Albert Chu <chu11@llnl.gov>\nipmipower> ")


def test_setters_and_their_1_6_10_bugs() -> None:
    lines = ["session-timeout 30000", "ping-timeout 0", "retransmission-timeout 99999", "fanout 2000",
             "fanout 5", "privilege-level admin", "k_g abc", "driver-type LANPLUS", "k_g 0xzz",
             "workaround-flags ipmiping", "workaround-flags authcap", "on-if-off", "debug x", "quit"]
    _, out = session(Settings(), [(0, line) for line in lines])
    assert out.decode().split("ipmipower> ")[1:] == [
        "invalid timeout input\n", "ping-timeout is now 0\n",
        "invalid retransmission-timeout input, range is 1 <=> 20000\n",
        "invalid fanout input, range is 1 <=> 1024\n", "fanout is now 5\n",
        "privilege_level type is now admin\n", "k_g is only used for IPMI 2.0", "driver type is now LANPLUS\n",
        "k_g invalid\n", "ipmiping invalid workaround flags specified\n", "workaround flags are now authcap\n",
        "on-if-off is now on\n", "invalid parameter\n", ""]


def test_config_reflects_settings() -> None:
    s = Settings(hostname="127.0.0.1:9", username=b"admin", workarounds=parse_workarounds("opensesspriv,authcap"))
    _, out = session(s, [(0, "config"), (0, "quit")])
    text = out.decode()
    assert "Hostname:                     127.0.0.1:9\n" in text
    assert "Username:                     admin\n" in text
    assert "WorkaroundFlags:              authcap,opensesspriv\n" in text
    assert "Ping Percent:                 50 percent\n" in text


def test_power_commands_need_hosts_and_privilege() -> None:
    _, out = session(Settings(), [(0, "stat"), (0, "quit")])
    assert out == b"ipmipower> no hostname(s) configured\nipmipower> "
    s = Settings(hostname="", privilege=2)
    _, out = session(s, [(0, "on"), (0, "stat"), (0, "quit")])
    assert out == b"ipmipower> 'on' requires atleast operator privilege\nipmipower> ipmipower> "


def test_dev_null_exits_at_once_with_status_1() -> None:
    fd = os.open(os.devnull, os.O_RDONLY)
    rout, wout = os.pipe()
    try:
        status = ia.Interactive(Settings(), [], lambda line: None, stdin_fd=fd, stdout_fd=wout).run()
        os.close(wout)
        assert status == 1
        assert os.read(rout, 100) == b""
    finally:
        os.close(fd)
        os.close(rout)


def test_pipe_end_without_quit_exits_1_after_the_last_command() -> None:
    status, out = session(Settings(), [(0, "version")])
    assert status == 1
    assert out == b"ipmipower> ipmipower 1.6.10\nipmipower> "


@pytest.fixture(scope="module")
def two_bmcs(pyipmi_sim_factory):
    sim = pyipmi_sim_factory(count=2)
    return sim, ",".join(sim.host(port) for port in sim.ports)


def lan20(hosts: str, **kw) -> Settings:
    return Settings(hostname=hosts, driver="lan_2_0", username=b"admin", password=b"password", **kw)


def test_command_before_the_first_pong_is_not_discovered(two_bmcs) -> None:
    _, hosts = two_bmcs
    status, out = session(lan20(hosts), [(0, "stat"), (0, "quit")])
    assert status == 1
    assert out == b"ipmipower> 127.0.0.1: not discovered\n127.0.0.1: not discovered\nipmipower> "


def test_stat_after_discovery_and_unconfigured_hosts(two_bmcs) -> None:
    _, hosts = two_bmcs
    first = hosts.split(",")[0]
    status, out = session(lan20(hosts), [(0.5, "stat"), (0, f"stat {first}"), (0, "stat 127.0.0.1,other"),
                                         (0, "quit")])
    assert status == 1                            # "other" is unconfigured
    prompts = out.decode().split("ipmipower> ")
    assert prompts[1] == "127.0.0.1: off\n127.0.0.1: off\n"
    assert prompts[2] == f"{first}: unconfigured hostname\n"
    assert prompts[3] == "other: unconfigured hostname\n127.0.0.1: off\n"


def test_consolidated_output_per_command(two_bmcs) -> None:
    _, hosts = two_bmcs
    status, out = session(lan20(hosts, consolidate_output=True), [(0.5, "stat"), (0, "quit")])
    assert status == 0
    assert out == (b"ipmipower> ----------------\n127.0.0.[1,1]\n----------------\n off\nipmipower> ")


def test_hostname_command(two_bmcs) -> None:
    _, hosts = two_bmcs
    status, out = session(Settings(), [(0, f"hostname {hosts}"), (0, "hostname nosuchhost.invalid"),
                                       (0, "hostname"), (0, "quit")])
    assert out.decode().split("ipmipower> ")[1:] == [
        f"hostname: {hosts}\n", "nosuchhost.invalid: invalid hostname\n", "hostname(s) unconfigured\n", ""]
    assert status == 1                            # the invalid hostname counts
