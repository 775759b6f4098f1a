"""Tests for pyipmi_tools.cli."""
