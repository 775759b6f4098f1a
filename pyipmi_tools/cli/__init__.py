"""Command-line building blocks shared by the FreeIPMI-compatible tools.

``argp`` (GNU argp/getopt_long parsing, errors and help layout), ``common`` (the
options every tool shares and their checks), ``conffile`` (``freeipmi.conf``),
``hostlist`` (host ranges) and ``hosts`` (``host[:port]`` rules).  Nothing is imported
here, so a tool loads only the modules it uses.
"""
