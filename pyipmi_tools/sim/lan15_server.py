"""IPMI 1.5 sessions, BMC side: Get Session Challenge, Activate Session and in-session
packets with per-message authentication (IPMI 2.0 spec sections 6.12, 22.15-22.16).

A packet whose authcode does not verify is dropped without a word, so a wrong password
shows up at the console as no answer to Activate Session (FreeIPMI: ``password
verification timeout``). The Activate Session reply's own header carries the initial
outbound sequence number the console asked for, and in-session replies count on from
there, so FreeIPMI's receive window accepts the very first reply.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..commands import NETFN_APP
from ..crypto.authcode15 import AuthType, authcode15
from ..session.seqwindow import SequenceWindow
from ..wire.buffer import u32le
from ..wire.lan15 import Packet15, decode_packet15, encode_packet15
from ..wire.message import Message, decode_request, encode_response
from .state import PRIV_CALLBACK, PRIV_OEM, PRIV_USER

if TYPE_CHECKING:  # pragma: no cover
    from .bmc import SimulatedBmc

CMD_GET_SESSION_CHALLENGE = 0x39
CMD_ACTIVATE_SESSION = 0x3A
CHALLENGE_TIMEOUT = 30.0
"""Seconds a session challenge stays valid without Activate Session."""
MAX_CHALLENGES = 64
"""Outstanding challenges kept; the oldest is forgotten beyond this."""

CC_NO_SESSION_SLOT = 0x81           # Activate Session
CC_NO_SLOT_FOR_USER = 0x82
CC_PRIV_EXCEEDS_LIMIT = 0x86
CC_INVALID_USER_NAME = 0x81         # Get Session Challenge
CC_NULL_USER_DISABLED = 0x82
CC_BAD_LENGTH = 0xC7
CC_INVALID_DATA = 0xCC

_VALID_AUTH_TYPES = frozenset(int(a) for a in AuthType)


@dataclass
class Challenge:
    """A Get Session Challenge answer awaiting Activate Session (keyed by temporary ID)."""

    temp_id: int
    user_id: int
    auth_type: int
    challenge: bytes
    created: float
    session_id: int = 0             # the session it activated, for Activate Session resends


@dataclass
class Session15:
    """An activated IPMI 1.5 session."""

    session_id: int
    user_id: int
    password: bytes
    auth_type: AuthType
    max_privilege: int
    privilege: int
    window: SequenceWindow          # the console's sequence numbers
    initial_inbound: int
    out_seq: int                    # the number on the last reply sent
    last_activity: float
    active: bool = True


def respond(request: Message, cc: int, data: bytes = b"") -> bytes:
    """The response message to ``request``."""
    return encode_response(request.netfn | 1, request.cmd, request.rq_seq, cc, data,
                           rq_addr=request.rq_addr, rs_addr=request.rs_addr)


def swap32(value: int) -> int:
    return int.from_bytes(value.to_bytes(4, "little"), "big")


def authentic(packet: Packet15, auth: int, password: bytes) -> bool:
    """True if ``packet`` carries auth type ``auth`` with a verifying authcode."""
    if packet.auth_type != auth or auth not in _VALID_AUTH_TYPES:
        return False
    if auth == AuthType.NONE:
        return True
    want = authcode15(AuthType(auth), password, packet.session_id, packet.message, packet.session_seq)
    return hmac.compare_digest(want, packet.authcode)


class Lan15Server:
    """The IPMI 1.5 half of a :class:`~pyipmi_tools.sim.bmc.SimulatedBmc`."""

    def __init__(self, core: SimulatedBmc) -> None:
        self.core = core
        self.challenges: dict[int, Challenge] = {}

    # --- bookkeeping for the core ----------------------------------------------------------

    def uses_id(self, sid: int) -> bool:
        return sid in self.challenges

    def deadlines(self) -> list[float]:
        return [c.created + CHALLENGE_TIMEOUT for c in self.challenges.values() if not c.session_id]

    def expire(self, now: float) -> None:
        for temp_id in [t for t, c in self.challenges.items()
                        if not c.session_id and now >= c.created + CHALLENGE_TIMEOUT]:
            del self.challenges[temp_id]

    def forget_session(self, sid: int) -> None:
        for temp_id in [t for t, c in self.challenges.items() if c.session_id == sid]:
            del self.challenges[temp_id]

    # --- packets ----------------------------------------------------------------------------

    def receive(self, datagram: bytes, now: float) -> list[bytes]:
        packet = decode_packet15(datagram)
        message = decode_request(packet.message)
        if message.is_response:
            return self.core.drop("response where a request belongs")
        if packet.session_id == 0:
            if packet.auth_type != AuthType.NONE:
                return self.core.drop("authenticated packet outside a session")
            if message.netfn == NETFN_APP and message.cmd == CMD_GET_SESSION_CHALLENGE:
                reply: bytes | None = self._challenge(message, now)
            else:
                reply = self.core.sessionless(message)
            return [] if reply is None else [encode_packet15(0, 0, 0, b"", reply)]
        if (message.netfn == NETFN_APP and message.cmd == CMD_ACTIVATE_SESSION
                and packet.session_id in self.challenges):
            return self._activate(packet, message, now)
        return self._in_session(packet, message, now)

    def _packet(self, auth: int, seq: int, sid: int, password: bytes, message: bytes) -> bytes:
        quirks = self.core.quirks
        wire_seq = swap32(seq) if quirks.endianseq else seq
        wire_sid = 0 if quirks.idzero else sid
        code = authcode15(AuthType(auth), password, wire_sid, message, wire_seq)
        return encode_packet15(auth, wire_seq, wire_sid, code, message)

    def _enabled_types(self) -> int:
        state = self.core.state
        union = 0
        for privilege in range(PRIV_CALLBACK, PRIV_OEM + 1):
            union |= state.auth_type_enables(privilege)
        return union & state.auth_type_support()

    def _challenge(self, message: Message, now: float) -> bytes:
        """Get Session Challenge: a temporary session ID and 16 random bytes for one user."""
        data = message.data
        if len(data) != 17:
            return respond(message, CC_BAD_LENGTH)
        auth = data[0] & 0x0F
        if auth not in _VALID_AUTH_TYPES or not self._enabled_types() & (1 << auth):
            return respond(message, CC_INVALID_DATA)
        name = data[1:17].rstrip(b"\0")
        user = self.core.state.find_user(name)
        if user is None:
            self.core.stats["unknown user"] += 1
            return respond(message, CC_INVALID_USER_NAME if name else CC_NULL_USER_DISABLED)
        while len(self.challenges) >= MAX_CHALLENGES:
            oldest = min(self.challenges.values(), key=lambda c: (bool(c.session_id), c.created))
            del self.challenges[oldest.temp_id]
        temp_id = self.core.new_session_id()
        challenge = Challenge(temp_id, user.user_id, auth, self.core.rng.randbytes(16), now)
        self.challenges[temp_id] = challenge
        return respond(message, 0, u32le(temp_id) + challenge.challenge)

    def _activate(self, packet: Packet15, message: Message, now: float) -> list[bytes]:
        """Activate Session: check the authcode made with the temporary ID, then open the session."""
        core = self.core
        ch = self.challenges[packet.session_id]
        user = core.state.user(ch.user_id)
        if not user.enabled:
            return core.drop("user disabled since the challenge")
        if not authentic(packet, ch.auth_type, user.password):
            core.stats["activate session authcode rejected"] += 1
            return core.drop("bad authcode")
        data = message.data

        def error(cc: int) -> list[bytes]:
            core.stats[f"activate session cc {cc:#04x}"] += 1
            return [self._packet(ch.auth_type, 0, packet.session_id, user.password, respond(message, cc))]

        if len(data) != 22:
            return error(CC_BAD_LENGTH)
        if data[2:18] != ch.challenge:
            return core.drop("challenge string mismatch")
        if data[0] & 0x0F != ch.auth_type:
            return error(CC_INVALID_DATA)
        session = core.sessions.get(ch.session_id) if ch.session_id else None
        if not isinstance(session, Session15):
            privilege = data[1] & 0x0F
            if not PRIV_CALLBACK <= privilege <= PRIV_OEM:
                return error(CC_INVALID_DATA)
            if privilege > core.privilege_limit(user):
                return error(CC_PRIV_EXCEEDS_LIMIT)
            if not core.state.auth_type_enables(privilege) & (1 << ch.auth_type):
                return error(CC_INVALID_DATA)
            room = core.room_for(user)
            if room:
                return error(CC_NO_SESSION_SLOT if room == "full" else CC_NO_SLOT_FOR_USER)
            inbound = core.rng.getrandbits(32) or 1
            session = Session15(core.new_session_id(), user.user_id, user.password, AuthType(ch.auth_type),
                                max_privilege=privilege, privilege=min(privilege, PRIV_USER),
                                window=SequenceWindow((inbound - 1) & 0xFFFFFFFF, rmcpplus=False),
                                initial_inbound=inbound, out_seq=int.from_bytes(data[18:22], "little"),
                                last_activity=now)
            core.sessions[session.session_id] = session
            ch.session_id = session.session_id
            core.stats["sessions activated"] += 1
        session.last_activity = now
        remainder = AuthType.NONE if core.permsg_reported_disabled() else session.auth_type
        body = (bytes((int(remainder),)) + u32le(session.session_id) + u32le(session.initial_inbound)
                + bytes((session.max_privilege,)))
        return [self._packet(ch.auth_type, session.out_seq, packet.session_id, user.password,
                             respond(message, 0, body))]

    def _in_session(self, packet: Packet15, message: Message, now: float) -> list[bytes]:
        core = self.core
        session = core.sessions.get(packet.session_id)
        if not isinstance(session, Session15):
            return core.drop("unknown session ID")
        if packet.auth_type == AuthType.NONE:
            if session.auth_type != AuthType.NONE and core.permsg_required(session.privilege):
                return core.drop("unauthenticated request (per-message authentication required)")
        elif not authentic(packet, session.auth_type, session.password):
            return core.drop("bad authcode")
        problem = session.window.check(packet.session_seq)
        if problem:
            return core.drop("sequence number outside the window")
        reply = core.execute(session, message, now)
        if reply is None:
            return []
        authenticated = packet.auth_type != AuthType.NONE or core.quirks.unexpectedauth
        auth = session.auth_type if authenticated else AuthType.NONE
        session.out_seq = (session.out_seq + 1) & 0xFFFFFFFF
        return [self._packet(auth, session.out_seq, session.session_id, session.password, reply)]
