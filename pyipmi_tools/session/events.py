"""What a session reports to its owner (the vocabulary of the sans-I/O engine)."""

from __future__ import annotations

from ..constants import Constant
from ..record import record

from ..commands import Request
from ..outcomes import Outcome
from ..wire.message import Message


class Stage(Constant):
    """Where a session is; a timeout's message depends on it."""

    NEW = "new"
    AUTH_CAPS = "Get Channel Authentication Capabilities"
    SESSION_CHALLENGE = "Get Session Challenge"
    ACTIVATE_SESSION = "Activate Session"
    OPEN_SESSION = "RMCP+ Open Session"
    RAKP1 = "RAKP Message 1"
    RAKP3 = "RAKP Message 3"
    SET_PRIVILEGE = "Set Session Privilege Level"
    ESTABLISHED = "established"
    COMMAND = "command"
    CLOSE = "Close Session"
    DONE = "done"


@record
class Established:
    """The session is ready for commands."""


@record
class Response:
    request: Request
    message: Message          # completion code in message.completion_code

    @property
    def completion_code(self) -> int:
        return self.message.completion_code or 0


@record
class Failed:
    outcome: Outcome
    stage: Stage
    detail: str = ""
    completion_code: int | None = None   # set when a completion code caused the failure
    rmcpplus_status: int | None = None   # set when an RMCP+ status code caused it
    command: str = ""                    # FreeIPMI command name for completion-code failures


@record
class Closed:
    """Close Session was answered, or its one attempt went unanswered, or no close was wanted."""


Event = Established | Response | Failed | Closed
