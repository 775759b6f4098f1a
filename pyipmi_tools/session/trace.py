"""Human-readable packet trace lines for ``--debug``.

The session engine hands decoded structures to these helpers; they render each field on
its own line. Nothing here ever sees a password, K_g or derived key: the only field that
can carry a secret on the wire (an IPMI 1.5 straight-password authcode) is redacted by
the caller passing ``redact``.
"""

from __future__ import annotations

from ..constants import Constant

from ..record import fields

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Any, Callable, Iterable

    TraceSink = Callable[[str], None]


def _render(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return value.hex(" ") if value else "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Constant):
        return value.name
    if isinstance(value, int):
        return f"{value} ({value:#x})"
    return str(value)


def field_lines(obj: Any, redact: Iterable[str] = ()) -> list[str]:
    """One ``name: value`` line per record field."""
    hidden = set(redact)
    lines = []
    for name in fields(obj):
        value = getattr(obj, name)
        if value is None:
            continue
        shown = "<redacted>" if name in hidden else _render(value)
        lines.append(f"  {name.replace('_', ' ')}: {shown}")
    return lines


def pair_lines(pairs: Iterable[tuple[str, Any]]) -> list[str]:
    """One ``name: value`` line per pair."""
    return [f"  {name}: {_render(value)}" for name, value in pairs]
