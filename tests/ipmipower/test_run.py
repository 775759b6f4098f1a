"""The non-interactive run against pyipmi-sim: output, exit status and the BMC's own state."""

from __future__ import annotations

import pytest

from pyipmi_tools.cli.hostlist import Hostlist
from pyipmi_tools.ipmipower.main import run
from pyipmi_tools.ipmipower.options import PowerCmd, Settings
from pyipmi_tools.ipmipower.output import Fatal
from pyipmi_tools.workarounds import parse_workarounds


@pytest.fixture(scope="module")
def sim(pyipmi_sim_factory):
    return pyipmi_sim_factory(count=3)


def settings(hosts: str, cmd: PowerCmd, **kw) -> Settings:
    values = {"hostname": hosts, "driver": "lan_2_0", "username": b"admin", "password": b"password",
              "powercmd": cmd, "workarounds": parse_workarounds("opensesspriv")}
    values.update(kw)
    return Settings(**values)


def run_captured(capfd, s: Settings) -> tuple[int, str, str]:
    status = run(s)
    out, err = capfd.readouterr()
    return status, out, err


def test_power_operations_change_the_bmc(sim, capfd) -> None:
    port = sim.ports[0]
    host = sim.host(port)
    assert run_captured(capfd, settings(host, PowerCmd.OFF)) == (0, "127.0.0.1: ok\n", "")
    sim.wait_state(port, lambda st: not st["chassis"]["power_on"])
    assert run_captured(capfd, settings(host, PowerCmd.STAT)) == (0, "127.0.0.1: off\n", "")
    assert run_captured(capfd, settings(host, PowerCmd.CYCLE, on_if_off=True)) == (0, "127.0.0.1: ok\n", "")
    sim.wait_state(port, lambda st: st["chassis"]["power_on"])
    assert run_captured(capfd, settings(host, PowerCmd.STAT, driver="lan")) == (0, "127.0.0.1: on\n", "")
    assert run_captured(capfd, settings(host, PowerCmd.SOFT)) == (0, "127.0.0.1: ok\n", "")
    sim.wait_state(port, lambda st: not st["chassis"]["power_on"])
    assert run_captured(capfd, settings(host, PowerCmd.ON, wait_until_on=True)) == (0, "127.0.0.1: ok\n", "")
    sim.wait_state(port, lambda st: st["chassis"]["power_on"])


def test_consolidated_output_over_several_bmcs(sim, capfd) -> None:
    hosts = ",".join(sim.host(p) for p in sim.ports) + ",127.0.0.1:1"
    status, out, _ = run_captured(capfd, settings(hosts, PowerCmd.STAT, consolidate_output=True,
                                                  session_timeout=1000, fanout=2))
    assert status == 1
    parts = out.split("----------------\n")[1:]
    groups = {parts[i + 1]: parts[i] for i in range(0, len(parts), 2)}
    assert groups.pop(" connection timeout\n") == "127.0.0.1\n"
    assert set(groups) <= {" on\n", " off\n"}
    assert sum(len(Hostlist(text.strip()).hosts()) for text in groups.values()) == 3
    assert list(groups) == sorted(groups, key=[" on\n", " off\n"].index)    # the message table's order


def test_an_invalid_host_stops_everything_before_any_packet(sim, capfd) -> None:
    port = sim.ports[1]
    sim.wait_state(port, lambda st: True)
    before = sim.bmc_state(port)["chassis"]["power_on"]
    status, out, err = run_captured(capfd, settings(f"{sim.host(port)},nosuchhost.invalid",
                                                    PowerCmd.ON if not before else PowerCmd.OFF))
    assert (status, out, err) == (1, "nosuchhost.invalid: invalid hostname\n", "")
    assert sim.bmc_state(port)["chassis"]["power_on"] == before


def test_authentication_failures(sim, capfd) -> None:
    host = sim.host(sim.ports[2])
    assert run_captured(capfd, settings(host, PowerCmd.STAT, password=b"wrong")) == \
        (1, "127.0.0.1: password invalid\n", "")
    assert run_captured(capfd, settings(host, PowerCmd.STAT, username=b"nobody")) == \
        (1, "127.0.0.1: username invalid\n", "")


def test_privilege_and_oem_checks_are_fatal(sim, capfd) -> None:
    host = sim.host(sim.ports[2])
    with pytest.raises(Fatal) as fatal:
        run(settings(host, PowerCmd.OFF, privilege=2))
    assert fatal.value.render(False) == b"'off' requires atleast operator privilege\r\n"
    with pytest.raises(Fatal) as fatal:
        run(settings(host + "+17", PowerCmd.STAT, oem_power_type="c410x"))
    assert fatal.value.render(True) == (b"(ipmipower.c, main, 676): slot number '17' for oem power type 'C410x' "
                                        b"out of range\r\n")
    with pytest.raises(Fatal) as fatal:
        run(settings(host, PowerCmd.STAT, eliminate=True))
    assert fatal.value.message == "Error connecting to ipmidetect daemon"


def test_empty_host_list_does_nothing(capfd) -> None:
    assert run_captured(capfd, settings("", PowerCmd.STAT, consolidate_output=True)) == (0, "", "")


@pytest.mark.parametrize(("count", "provider"), [(1, "builtin"), (512, "builtin"), (513, "cryptography")])
def test_aes_provider_follows_the_host_count(monkeypatch, capfd, count, provider) -> None:
    pytest.importorskip("cryptography")
    from pyipmi_tools import transport
    from pyipmi_tools.crypto import confidentiality

    seen = []
    monkeypatch.setattr(transport, "run", lambda endpoints, fanout=0: seen.append(
        (len(endpoints), confidentiality.aes_provider())))
    before = confidentiality.aes_provider()
    status, out, err = run_captured(capfd, settings(f"127.0.0.1:[20000-{20000 + count - 1}]", PowerCmd.STAT))
    assert (status, err, seen) == (0, "", [(count, provider)])
    assert confidentiality.aes_provider() == before            # restored for the rest of the process
