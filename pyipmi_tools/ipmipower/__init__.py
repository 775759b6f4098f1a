"""pyipmipower: a drop-in replacement for FreeIPMI 1.6.10's ``ipmipower``.

``main`` is the entry point; ``options`` parses and checks the command line,
``operations`` holds the per-host IPMI scripts, ``output`` prints results the
way ipmipower does and ``interactive`` is the ``ipmipower>`` prompt.
"""
