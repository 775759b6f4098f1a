"""Quirk profiles: the ways real BMCs break that FreeIPMI's ``-W`` flags work around.

Each profile makes the simulated BMC misbehave like the hardware a workaround flag was
written for, so that FreeIPMI fails without the flag (as freeipmi-behaviour.md section
5.2 predicts) and succeeds with it. The impairment percentages and the ``slow`` delay are
applied to outgoing replies by :mod:`pyipmi_tools.sim.network`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

DEFAULT_SLOW_DELAY = 0.3
"""Reply delay of the ``slow`` profile when no delay is given: below ipmipower's 400 ms
retransmission timeout, so FreeIPMI still succeeds, only later."""

PROFILES: dict[str, str] = {
    "opensesspriv-required": "Open Session answers maximum privilege 0 to a request for 0 (as ipmi_sim does)",
    "zero-session-seq": "every RMCP+ session reply carries session sequence number 0",
    "supermicro20": "the RAKP 2 key exchange authcode is one byte too long",
    "sun20": "21-byte HMAC-SHA1 RAKP 2 authcode; RAKP hashes use the Open Session privilege",
    "intel20": "Intel SE7520AF2 RAKP: padded user name, role without the lookup bit, ICV by integrity hash",
    "idzero": "session ID 0 in IPMI 1.5 replies and in RMCP+ Open Session / RAKP replies",
    "endianseq": "IPMI 1.5 replies carry byte-swapped session sequence numbers",
    "unexpectedauth": "IPMI 1.5 replies carry an authcode although per-message authentication is off",
    "forcepermsg": "reports per-message authentication off but drops in-session requests without one",
    "lost-close-session": "Close Session closes the session but is never answered",
    "slow": "every reply is delayed",
}
"""Profile name -> one-line description (for ``--help`` and the start-up table)."""


@dataclass(frozen=True)
class Quirks:
    """How one simulated BMC misbehaves; the default is a standards-faithful BMC."""

    opensesspriv_required: bool = False
    zero_session_seq: bool = False
    supermicro20: bool = False
    sun20: bool = False
    intel20: bool = False
    idzero: bool = False
    endianseq: bool = False
    unexpectedauth: bool = False
    forcepermsg: bool = False
    lost_close_session: bool = False
    slow: float = 0.0          # seconds every reply is held back
    loss: float = 0.0          # percent of replies lost
    duplicate: float = 0.0     # percent of replies sent twice
    reorder: float = 0.0       # percent of replies held back so that later ones overtake them
    corrupt: float = 0.0       # percent of replies with one bit flipped

    def __post_init__(self) -> None:
        for name in ("loss", "duplicate", "reorder", "corrupt"):
            value = getattr(self, name)
            if not 0.0 <= value <= 100.0:
                raise ValueError(f"{name} percentage {value} is outside 0..100")
        if self.slow < 0:
            raise ValueError(f"slow reply delay {self.slow} is negative")

    def names(self) -> list[str]:
        """The profile names in effect, in :data:`PROFILES` order (``slow`` when delayed)."""
        out = [name for name in PROFILES if name != "slow" and getattr(self, _attr(name))]
        if self.slow > 0:
            out.append("slow")
        return out

    def describe(self) -> str:
        """A short summary for tables: profiles plus non-zero impairments, or ``none``."""
        parts = [f"slow={self.slow:g}s" if name == "slow" else name for name in self.names()]
        parts += [f"{f.name}={getattr(self, f.name):g}%" for f in fields(self)
                  if f.name in ("loss", "duplicate", "reorder", "corrupt") and getattr(self, f.name)]
        return ",".join(parts) or "none"

    @property
    def impaired(self) -> bool:
        """True when replies are delayed, lost, duplicated, reordered or corrupted."""
        return bool(self.slow or self.loss or self.duplicate or self.reorder or self.corrupt)


def _attr(profile: str) -> str:
    return profile.replace("-", "_")


def parse_quirks(names: list[str] | tuple[str, ...] = (), loss: float = 0, duplicate: float = 0,
                 reorder: float = 0, corrupt: float = 0, slow: float = 0.0) -> Quirks:
    """Build :class:`Quirks` from profile names (case-insensitive) and impairment values.

    ``slow`` given alone delays replies; the ``slow`` profile without a delay uses
    :data:`DEFAULT_SLOW_DELAY`. An unknown name raises ``ValueError`` naming it.
    """
    flags: dict[str, bool] = {}
    for raw in names:
        name = raw.strip().lower().replace("_", "-")
        if not name:
            continue
        if name not in PROFILES:
            raise ValueError(f"unknown quirk profile {raw!r} (known: {', '.join(PROFILES)})")
        if name != "slow":
            flags[_attr(name)] = True
        elif not slow:
            slow = DEFAULT_SLOW_DELAY
    return Quirks(**flags, slow=float(slow), loss=float(loss), duplicate=float(duplicate),
                  reorder=float(reorder), corrupt=float(corrupt))
