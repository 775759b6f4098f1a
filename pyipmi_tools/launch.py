"""How the scripts in ``bin/`` start a tool: load the run's modules from the start-up pack,
run the tool's ``main``, and end without the interpreter's teardown.

The scripts run with ``python3 -S``: the command-line tools need nothing outside the
standard library, and on some machines ``site`` alone costs more than FreeIPMI's whole
run.  Each script puts the checkout it lives in (Python resolves symlinks to the script)
in front of ``sys.path``; a copy bind-mounted elsewhere finds the package on
``PYTHONPATH`` instead.
"""

from __future__ import annotations

import sys

ROOT = __file__.rpartition("/")[0].rpartition("/")[0] or "."     # the directory holding pyipmi_tools/


GC_THRESHOLD = 100_000


def relax_garbage_collection() -> None:
    """Run the cyclic garbage collector after 100,000 net new container objects, not 700.

    A command-line run allocates long-lived objects at start-up (modules, classes, functions)
    and short-lived ones that reference counting frees.  With CPython's default threshold the
    collector ran eight times during one ``ipmipower --stat`` (0.8 ms, an eighth of FreeIPMI's
    whole run) and 128 times over 1000 BMCs (20 ms), and freed nothing that changed the peak
    memory.  Memory stays bounded: a collection still runs every 100,000 net allocations,
    which matters for a long interactive session.
    """
    import gc
    gc.set_threshold(GC_THRESHOLD)


def run(tool: str, module: str, argv: list[str] | None = None) -> None:
    """Run ``module``'s ``main`` (with ``argv``, or reading ``sys.argv``) and exit with its status."""
    relax_garbage_collection()
    from . import startpack
    startpack.install(ROOT, tool)
    main = __import__(module, fromlist=["main"]).main
    status = main() if argv is None else main(argv)
    startpack.save()
    from .posixio import exit_now
    exit_now(status)


def sibling(name: str) -> str:
    """``name`` in the directory of the script as invoked (symlinks not resolved), as an
    absolute path: ``os.path.abspath`` without importing ``os``."""
    invoked = sys.argv[0]
    if not invoked.startswith("/"):
        from posix import getcwd
        invoked = getcwd() + "/" + invoked
    parts: list[str] = []
    for part in invoked.split("/")[:-1]:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "/".join(parts + [name])
