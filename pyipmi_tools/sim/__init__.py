"""pyipmi-sim: a standards-faithful IPMI BMC simulator with the quirks of real broken BMCs.

The package is sans-I/O except for the serving loop in :mod:`pyipmi_tools.transport`:
:mod:`~pyipmi_tools.sim.state` holds one BMC's state (with a JSON round trip),
:mod:`~pyipmi_tools.sim.handlers` answers in-session commands against it, and the
protocol core, quirk profiles, rack file and command line build on those. Nothing is
imported eagerly here, so importing one module costs only what it needs.
"""
