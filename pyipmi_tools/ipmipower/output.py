"""ipmipower's stdout: ``HOST: message`` lines, ``-C`` blocks, and the exit status.

Lines go out as hosts finish. With ``-C`` nothing is printed until :meth:`Output.finish`,
which prints one block per message in the order of ipmipower's message table, the hosts
sorted and range-compressed (``node[1-3,10]``, duplicates kept). The exit status rule
keeps the 1.6.10 off-by-one: messages 3 to 22 are failures, ``BMC error`` (23) is not.

ipmipower's own diagnostics (``IPMIPOWER_ERROR``) end in CR LF; with ``--debug`` they
carry the C source location. :class:`Fatal` carries one of them to the entry point.
"""

from __future__ import annotations

# encode: text as bytes the way it came in (host names may hold undecodable argv bytes)
from ..posixio import fsencode as encode, write_all  # noqa: F401 -- the tool's output functions

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from collections.abc import Callable
    from typing import Any

from ..outcomes import IPMIPOWER_MESSAGES, Outcome, ipmipower_counts_as_failure

_INDEX = {outcome: index for index, outcome in enumerate(IPMIPOWER_MESSAGES)}
SEPARATOR = "----------------\n"
PROMPT = "ipmipower> "

# Where 1.6.10 raises the diagnostics we reproduce (shown with --debug).
AT_PRIVILEGE = ("ipmipower.c", "main", 637)
AT_OEM_SUPPORT = ("ipmipower.c", "main", 647)
AT_OEM_EXTRA_ARG = ("ipmipower.c", "main", 676)
AT_ELIMINATE = ("ipmipower.c", "_eliminate_nodes", 184)
AT_OUTPUT = ("ipmipower_output.c", "ipmipower_output", 93)


class Fatal(Exception):
    """An ipmipower diagnostic that ends the run: stderr, CR LF, exit status 1."""

    def __init__(self, message: str, where: tuple[str, str, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def render(self, debug: bool) -> bytes:
        prefix = f"({self.where[0]}, {self.where[1]}, {self.where[2]}): " if debug and self.where else ""
        return encode(f"{prefix}{self.message}\r\n")




class Output:
    """Collects per-host results and prints them the way ipmipower does.

    ``write`` receives text for stdout. With ``consolidate`` every host is pushed
    onto a host list per message at once (a name the host-list syntax rejects ends
    the run, as in 1.6.10) and printed by :meth:`finish`.
    """

    def __init__(self, write: Callable[[str], None], consolidate: bool = False) -> None:
        self.write = write
        self.consolidate = consolidate
        self.counts = [0] * len(IPMIPOWER_MESSAGES)
        self._groups: list[Any] = [None] * len(IPMIPOWER_MESSAGES)

    def emit(self, outcome: Outcome, host: str, extra: str | None = None) -> None:
        """One host's result (``extra``: the OEM argument, printed as ``host+extra``)."""
        index = _INDEX[outcome]
        if self.consolidate:
            from ..cli.hostlist import Hostlist, HostlistError
            group = self._groups[index]
            if group is None:
                group = self._groups[index] = Hostlist()
            try:
                group.push(host)
            except HostlistError as err:
                raise Fatal(f"fi_hostlist_push_host: {err.strerror}", AT_OUTPUT) from None
        else:
            self.write(f"{host}{'' if extra is None else '+' + extra}: {outcome.value}\n")
        self.counts[index] += 1

    def finish(self) -> None:
        """Print the ``-C`` blocks gathered so far, and forget them."""
        if not self.consolidate:
            return
        from ..cli.hostlist import RANGED_BUFLEN
        for index, group in enumerate(self._groups):
            if group is None or not len(group):
                continue
            self._groups[index] = None
            group.sort()
            text = group.ranged_string()
            if len(encode(text)) >= RANGED_BUFLEN:
                raise Fatal("fi_hostlist_ranged_string: Success")
            if text:
                self.write(f"{SEPARATOR}{text}\n{SEPARATOR} {IPMIPOWER_MESSAGES[index].value}\n")

    def reset_counts(self) -> None:
        """Forget earlier results (interactive mode judges only the last command)."""
        self.counts = [0] * len(IPMIPOWER_MESSAGES)

    @property
    def failed(self) -> bool:
        """True when any host got a message that makes ipmipower exit 1."""
        return any(count and ipmipower_counts_as_failure(outcome)
                   for outcome, count in zip(IPMIPOWER_MESSAGES, self.counts))

    @property
    def exit_status(self) -> int:
        return 1 if self.failed else 0
