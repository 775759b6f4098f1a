"""ipmi-config's output as FreeIPMI's pstdout library shapes it.

One host (without ``--always-prefix``): lines go out as they are produced. Several
hosts: every line becomes ``HOST: line`` (the host as given, port included); with
``-B`` each host's standard output is held and printed under a header when the host is
done; with ``-C`` identical outputs are printed once at the end under the sorted,
range-compressed list of their hosts. Standard error is always line by line, prefixed
when prefixing is on. The exit status is the highest of all hosts'.
"""

from __future__ import annotations

from ..posixio import fsencode as encode, write_all  # noqa: F401 -- the tool's output functions

SEPARATOR = "----------------\n"


class Output:
    """Collects and prints the lines of every host; ``hosts`` are the names as given."""

    def __init__(self, hosts: list[str], always_prefix: bool = False, buffer: bool = False,
                 consolidate: bool = False, write=write_all) -> None:
        self.hosts = hosts
        several = len(hosts) > 1
        self.prefix = several or always_prefix
        self.buffer = buffer and several
        self.consolidate = consolidate and several
        self._write = write
        self._held: dict[int, list[str]] = {i: [] for i in range(len(hosts))}
        self.status = 0

    def _line(self, fd: int, index: int, line: str) -> None:
        text = f"{self.hosts[index]}: {line}\n" if self.prefix else f"{line}\n"
        self._write(fd, encode(text))

    def out(self, index: int, line: str) -> None:
        if self.buffer or self.consolidate:
            self._held[index].append(line + "\n")
        else:
            self._line(1, index, line)

    def err(self, index: int, line: str) -> None:
        self._line(2, index, line)

    def raw_err(self, text: str) -> None:
        """Unprefixed standard-error text (``--debug`` traces)."""
        self._write(2, encode(text))

    def host_done(self, index: int, status: int) -> None:
        self.status = max(self.status, status)
        if self.buffer and self._held[index]:
            self._write(1, encode(SEPARATOR + self.hosts[index] + "\n" + SEPARATOR + "".join(self._held[index])))
            self._held[index] = []

    def finish(self) -> None:
        if not self.consolidate:
            return
        from ..cli.hostlist import HostlistError, ranged
        groups: dict[str, list[str]] = {}
        for index, host in enumerate(self.hosts):
            text = "".join(self._held[index])
            if text:
                groups.setdefault(text, []).append(host)
        for text, hosts in groups.items():
            try:
                header = ranged(hosts)
            except HostlistError:
                header = ",".join(hosts)
            self._write(1, encode(SEPARATOR + header + "\n" + SEPARATOR + text))
