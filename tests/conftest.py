"""Shared pytest fixtures.

Independent BMCs on loopback (see tests/support/):

* ``ipmi_sim`` / ``pyghmi_bmc`` -- one running simulator per test module,
  handed to each test with power off, boot device NO-OVERRIDE and an empty
  event list (restarted if a previous test crashed it);
* ``ipmi_sim_factory`` / ``pyghmi_bmc_factory`` -- start extra simulators
  with other settings, e.g. ``ipmi_sim_factory(initial_power="on")``;
* ``pyipmi_sim`` / ``pyipmi_sim_factory`` -- the project's own pyipmi-sim
  (one process, many BMCs; ground truth in its state file).

Every simulator started here is stopped at teardown.  Missing ipmi_sim or
pyghmi skips the test locally and fails it under ``CI=true``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.ipmisim import IpmiSim, IpmiSimFactory
from tests.support.pyghmi_bmc import PyghmiBmc, PyghmiBmcFactory
from tests.support.pyipmisim import PyipmiSim, PyipmiSimFactory
from tests.support.tools import require_module, require_tool

# -- ipmi_sim (OpenIPMI) -----------------------------------------------------


@pytest.fixture(scope="module")
def ipmi_sim_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IpmiSimFactory]:
    """Starts fresh ipmi_sim instances for this module; stops them all afterwards."""
    factory = IpmiSimFactory(tmp_path_factory.mktemp("ipmi_sim"), require_tool("ipmi_sim"))
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def _ipmi_sim_module(ipmi_sim_factory: IpmiSimFactory) -> IpmiSim:
    return ipmi_sim_factory()


@pytest.fixture
def ipmi_sim(_ipmi_sim_module: IpmiSim) -> IpmiSim:
    """Running ipmi_sim, reset to power off / NO-OVERRIDE / no events."""
    _ipmi_sim_module.restart_if_dead()
    _ipmi_sim_module.reset()
    return _ipmi_sim_module


# -- pyghmi BMC ----------------------------------------------------------------


@pytest.fixture(scope="module")
def pyghmi_bmc_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PyghmiBmcFactory]:
    """Starts fresh pyghmi BMCs for this module; stops them all afterwards."""
    require_module("pyghmi")
    factory = PyghmiBmcFactory(tmp_path_factory.mktemp("pyghmi_bmc"))
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def _pyghmi_bmc_module(pyghmi_bmc_factory: PyghmiBmcFactory) -> PyghmiBmc:
    return pyghmi_bmc_factory()


@pytest.fixture
def pyghmi_bmc(_pyghmi_bmc_module: PyghmiBmc) -> PyghmiBmc:
    """Running pyghmi BMC, reset to power off / NO-OVERRIDE / no events."""
    _pyghmi_bmc_module.restart_if_dead()
    _pyghmi_bmc_module.reset()
    return _pyghmi_bmc_module


# -- pyipmi-sim (this project's simulator) --------------------------------------


@pytest.fixture(scope="module")
def pyipmi_sim_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PyipmiSimFactory]:
    """Starts pyipmi-sim processes for this module: ``pyipmi_sim_factory(*cli_args, count=N)``
    or ``pyipmi_sim_factory.rack([Group(...), ...], defaults)``; stops them all afterwards."""
    factory = PyipmiSimFactory(tmp_path_factory.mktemp("pyipmi_sim"))
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def pyipmi_sim(pyipmi_sim_factory: PyipmiSimFactory) -> PyipmiSim:
    """One running pyipmi-sim BMC with the default users (shared by the module)."""
    return pyipmi_sim_factory()
