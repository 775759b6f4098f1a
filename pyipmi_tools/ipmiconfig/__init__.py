"""pyipmi-config: a drop-in for FreeIPMI 1.6.10's ``ipmi-config`` and ``ipmi-chassis-config``."""
