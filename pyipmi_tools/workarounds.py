"""FreeIPMI's ``-W`` workaround flags: parsing and the set handed to the session engine.

Every FreeIPMI tool accepts every flag name (flags of other tools are accepted and
ignored). ``none`` on the command line clears all flags and stops parsing; in a
configuration file it is rejected (an unknown word there). Three section-specific flags share a bit with another
flag in 1.6.10, so naming one turns on the other too.
"""

from __future__ import annotations

from .record import record

OUTOFBAND_15 = ("authcap", "nochecksumcheck", "idzero", "unexpectedauth", "forcepermsg", "endianseq",
                "noauthcodecheck")
OUTOFBAND_20 = ("authcap", "nochecksumcheck", "intel20", "supermicro20", "sun20", "opensesspriv",
                "integritycheckvalue")
INBAND = ("assumeio", "spinpoll")
SDR = ("assumemaxsdrrecordcount",)
SECTION_SPECIFIC = (
    "solpayloadsize", "solport", "solstatus", "solchannelsupport", "serialalertsdeferred", "solpacketseq",
    "ipmiping", "slowcommit", "veryslowcommit", "solchannelassumelanchannel", "skipchecks",
    "assumesystemevent", "discretereading", "ignorescanningdisabled", "assumebmcowner", "ignoreauthcode",
    "ignorestateflag", "malformedack", "guidformat",
)
KNOWN = frozenset(OUTOFBAND_15 + OUTOFBAND_20 + INBAND + SDR + SECTION_SPECIFIC)

# 1.6.10 defines these pairs with the same bit value.
SHARED_BITS = {
    "ipmiping": "solchannelassumelanchannel",
    "solchannelassumelanchannel": "ipmiping",
    "malformedack": "slowcommit",
    "slowcommit": "malformedack",
    "guidformat": "veryslowcommit",
    "veryslowcommit": "guidformat",
}


class WorkaroundError(ValueError):
    """An unknown word in a workaround list (FreeIPMI: ``invalid workaround flags``)."""


@record
class Workarounds:
    """The set of enabled flag names, with the shared-bit aliases already expanded."""

    flags: frozenset[str] = frozenset()

    def __contains__(self, name: str) -> bool:
        return name in self.flags

    def __bool__(self) -> bool:
        return bool(self.flags)

    def only(self, group: tuple[str, ...]) -> "Workarounds":
        """The subset that belongs to ``group`` (ipmi-config hands libfreeipmi one group)."""
        return Workarounds(self.flags & frozenset(group))

    def names(self) -> str:
        return ",".join(sorted(self.flags)) or "none"


def add_flag(flags: set[str], word: str) -> None:
    """Add one flag name (already lower case) and its shared-bit twin; WorkaroundError if unknown."""
    if word not in KNOWN:
        raise WorkaroundError(word)
    flags.add(word)
    if word in SHARED_BITS:
        flags.add(SHARED_BITS[word])


def parse_workarounds(text: str) -> Workarounds:
    """Parse a command-line ``-W`` comma list; ``none`` clears every flag and ends the list.

    (A configuration file lists flags differently; :mod:`pyipmi_tools.cli.conffile` reads it.)
    """
    flags: set[str] = set()
    for word in text.split(","):
        word = word.lower()  # strtok on ',' only: ' authcap' is not a flag name
        if not word:
            continue
        if word == "none":
            return Workarounds()
        add_flag(flags, word)
    return Workarounds(frozenset(flags))
