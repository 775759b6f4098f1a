"""The quirk profiles both client matrices (ours and FreeIPMI's) run, by session type, and the
``-W`` flag that works around each."""

from __future__ import annotations

RMCPPLUS_QUIRKS = ("opensesspriv-required", "zero-session-seq", "supermicro20", "sun20", "intel20")
LAN15_QUIRKS = ("idzero", "endianseq", "unexpectedauth", "forcepermsg")
QUIRKS = RMCPPLUS_QUIRKS + LAN15_QUIRKS + ("lost-close-session", "slow")
FLAG = {"opensesspriv-required": "opensesspriv", "supermicro20": "supermicro20", "sun20": "sun20",
        "intel20": "intel20", "idzero": "idzero", "endianseq": "endianseq", "unexpectedauth": "unexpectedauth",
        "forcepermsg": "forcepermsg"}
