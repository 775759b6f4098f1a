"""Command-line building blocks shared by the FreeIPMI-compatible tools."""
