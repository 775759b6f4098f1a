"""In-session command dispatch: the privilege table and the handler registry.

:func:`dispatch` answers one request against a :class:`~.state.BmcState`: it first
applies due time-driven changes (:func:`advance`), then checks that the command is known
(else 0xC1) and that the session's privilege reaches the level the IPMI 2.0 command
table (Appendix G) requires (else 0xD4), then runs the handler. The handlers live in
``handlers_chassis``, ``handlers_boot``, ``handlers_app``, ``handlers_users`` and
``handlers_transport``. Session commands (Get Channel Authentication Capabilities,
Get Channel Cipher Suites, Set Session Privilege Level, Close Session, ...) belong to
the protocol core, which can still ask :func:`required_privilege` about them.
"""

from __future__ import annotations

from . import handlers_app, handlers_boot, handlers_chassis, handlers_transport, handlers_users
from .handlers_base import CC_INSUFFICIENT_PRIVILEGE, CC_INVALID_COMMAND, CC_OK, CommandError, Context, HandlerTable
from .handlers_chassis import advance, next_deadline
from .state import PRIV_ADMIN, PRIV_CALLBACK, PRIV_OPERATOR, PRIV_USER

__all__ = ["Context", "dispatch", "advance", "next_deadline", "required_privilege", "PRIVILEGES", "HANDLERS"]

CHASSIS, APP, TRANSPORT = 0x00, 0x06, 0x0C

PRIVILEGES: dict[tuple[int, int], int] = {
    # Chassis
    (CHASSIS, 0x00): PRIV_USER,        # Get Chassis Capabilities
    (CHASSIS, 0x01): PRIV_USER,        # Get Chassis Status
    (CHASSIS, 0x02): PRIV_OPERATOR,    # Chassis Control
    (CHASSIS, 0x03): PRIV_OPERATOR,    # Chassis Reset
    (CHASSIS, 0x04): PRIV_OPERATOR,    # Chassis Identify
    (CHASSIS, 0x05): PRIV_ADMIN,       # Set Chassis Capabilities
    (CHASSIS, 0x06): PRIV_OPERATOR,    # Set Power Restore Policy
    (CHASSIS, 0x07): PRIV_USER,        # Get System Restart Cause
    (CHASSIS, 0x08): PRIV_OPERATOR,    # Set System Boot Options
    (CHASSIS, 0x09): PRIV_OPERATOR,    # Get System Boot Options
    (CHASSIS, 0x0A): PRIV_ADMIN,       # Set Front Panel Enables
    (CHASSIS, 0x0B): PRIV_ADMIN,       # Set Power Cycle Interval
    (CHASSIS, 0x0F): PRIV_USER,        # Get POH Counter
    # Application: device
    (APP, 0x01): PRIV_USER,            # Get Device ID
    (APP, 0x02): PRIV_ADMIN,           # Cold Reset
    (APP, 0x03): PRIV_ADMIN,           # Warm Reset
    (APP, 0x04): PRIV_USER,            # Get Self Test Results
    (APP, 0x08): PRIV_USER,            # Get Device GUID
    (APP, 0x37): PRIV_USER,            # Get System GUID
    # Application: sessions (answered by the protocol core)
    (APP, 0x38): PRIV_CALLBACK,        # Get Channel Authentication Capabilities
    (APP, 0x3B): PRIV_USER,            # Set Session Privilege Level
    (APP, 0x3C): PRIV_CALLBACK,        # Close Session
    (APP, 0x3D): PRIV_USER,            # Get Session Info
    (APP, 0x54): PRIV_CALLBACK,        # Get Channel Cipher Suites
    # Application: channels and users
    (APP, 0x40): PRIV_ADMIN,           # Set Channel Access
    (APP, 0x41): PRIV_USER,            # Get Channel Access
    (APP, 0x42): PRIV_USER,            # Get Channel Info
    (APP, 0x43): PRIV_ADMIN,           # Set User Access
    (APP, 0x44): PRIV_OPERATOR,        # Get User Access
    (APP, 0x45): PRIV_ADMIN,           # Set User Name
    (APP, 0x46): PRIV_OPERATOR,        # Get User Name
    (APP, 0x47): PRIV_ADMIN,           # Set User Password
    (APP, 0x48): PRIV_USER,            # Activate Payload
    (APP, 0x49): PRIV_USER,            # Deactivate Payload
    (APP, 0x4C): PRIV_ADMIN,           # Set User Payload Access
    (APP, 0x4D): PRIV_OPERATOR,        # Get User Payload Access
    (APP, 0x4E): PRIV_USER,            # Get Channel Payload Support
    (APP, 0x4F): PRIV_USER,            # Get Channel Payload Version
    (APP, 0x56): PRIV_ADMIN,           # Set Channel Security Keys
    # Transport
    (TRANSPORT, 0x01): PRIV_ADMIN,     # Set LAN Configuration Parameters
    (TRANSPORT, 0x02): PRIV_OPERATOR,  # Get LAN Configuration Parameters
    (TRANSPORT, 0x03): PRIV_ADMIN,     # Suspend BMC ARPs
    (TRANSPORT, 0x04): PRIV_USER,      # Get IP/UDP/RMCP Statistics
    (TRANSPORT, 0x21): PRIV_ADMIN,     # Set SOL Configuration Parameters
    (TRANSPORT, 0x22): PRIV_USER,      # Get SOL Configuration Parameters
}
"""(netfn, cmd) -> minimum session privilege (IPMI 2.0 Appendix G, LAN channel)."""

HANDLERS: HandlerTable = {
    **handlers_chassis.HANDLERS,
    **handlers_boot.HANDLERS,
    **handlers_app.HANDLERS,
    **handlers_users.HANDLERS,
    **handlers_transport.HANDLERS,
}
"""(netfn, cmd) -> handler for every command the simulator implements in a session."""


def required_privilege(netfn: int, cmd: int) -> int | None:
    """The privilege a session needs for (netfn, cmd), or None if the table does not list it."""
    return PRIVILEGES.get((netfn, cmd))


def dispatch(ctx: Context, netfn: int, cmd: int, data: bytes) -> tuple[int, bytes]:
    """Answer one in-session request: (completion code, response data after the code)."""
    for text in advance(ctx.state, ctx.now):
        ctx.event(text)
    handler = HANDLERS.get((netfn, cmd))
    if handler is None:
        return CC_INVALID_COMMAND, b""
    if ctx.privilege < PRIVILEGES[(netfn, cmd)]:
        return CC_INSUFFICIENT_PRIVILEGE, b""
    try:
        return CC_OK, handler(ctx, bytes(data))
    except CommandError as exc:
        return exc.cc, b""
