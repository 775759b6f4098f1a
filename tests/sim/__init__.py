"""Tests of pyipmi-sim, the simulated BMC."""
