"""pyipmi-tools: a pure-Python IPMI-over-LAN toolkit compatible with FreeIPMI 1.6.10.

Importing the package is deliberately cheap: nothing here imports the session
engine, so command-line tools pay only for what the operation they run needs.
The library API lives in :mod:`pyipmi_tools.api`.
"""

__version__ = "0.1.0"
