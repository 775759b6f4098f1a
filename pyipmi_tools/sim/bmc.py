"""The protocol core of one simulated BMC: sans-I/O, fed datagrams and a clock.

:class:`SimulatedBmc` answers RMCP presence pings, the sessionless commands (Get Channel
Authentication Capabilities, Get Channel Cipher Suites) in IPMI 1.5 and RMCP+ framing,
and runs the sessions: IPMI 1.5 (:mod:`.lan15_server`) and RMCP+ (:mod:`.rmcpplus_server`).
This module owns what both session kinds share: the session table with its slot limit
and idle timeout, privilege limits, Set Session Privilege Level, Close Session, and the
hand-off of every other in-session command to :func:`.handlers.dispatch`.

Anything a client sends that does not parse or authenticate is dropped silently (and
counted in :attr:`SimulatedBmc.stats`), as real BMCs do.
"""

from __future__ import annotations

import random
from collections import Counter

from ..commands import NETFN_APP
from ..commands.app import AuthCapabilities, encode_auth_caps
from ..crypto.suites import SUPPORTED_SUITES
from ..wire.buffer import DecodeError
from ..wire.message import Message
from ..wire.rmcp import CLASS_ASF, decode_presence_ping, encode_presence_pong, strip_ipmi_header
from . import handlers
from .handlers_base import Context
from .lan15_server import Lan15Server, Session15, respond
from .quirks import Quirks
from .rmcpplus_server import RmcpPlusServer, Session20
from .state import NO_ACCESS, PRIV_ADMIN, PRIV_CALLBACK, PRIV_OEM, PRIV_USER, BmcState, ChannelSettings, User

AnySession = Session15 | Session20

MAX_SESSIONS = 32
IDLE_TIMEOUT = 60.0
"""Seconds without a valid packet after which an active session is closed."""
SETUP_TIMEOUT = 15.0
"""Seconds a session may sit between setup steps (Open Session .. RAKP 3)."""

CMD_GET_CHANNEL_AUTH_CAPS = 0x38
CMD_GET_SESSION_CHALLENGE = 0x39
CMD_ACTIVATE_SESSION = 0x3A
CMD_SET_SESSION_PRIVILEGE = 0x3B
CMD_CLOSE_SESSION = 0x3C
CMD_GET_CHANNEL_CIPHER_SUITES = 0x54
CURRENT_CHANNEL = 0x0E

CC_OK = 0x00
CC_PRIV_NOT_AVAILABLE = 0x80        # Set Session Privilege: level not available for this user
CC_PRIV_ABOVE_LIMIT = 0x81          # Set Session Privilege: above the channel / user limit
CC_INVALID_SESSION_ID = 0x87        # Close Session
CC_BAD_LENGTH = 0xC7
CC_INVALID_DATA = 0xCC
CC_INSUFFICIENT_PRIVILEGE = 0xD4
CC_NOT_IN_STATE = 0xD5

NO_QUIRKS = Quirks()
AUTH_TYPE_BITS = 0x37               # none, MD2, MD5, straight password, OEM
_INTEGRITY_TAG, _CONF_TAG, _SUITE_TAG = 0x40, 0x80, 0xC0


class SimulatedBmc:
    """One BMC: its state, its quirks and its sessions."""

    def __init__(self, state: BmcState, quirks: Quirks = NO_QUIRKS, rng: random.Random | None = None,
                 name: str = "", max_sessions: int = MAX_SESSIONS) -> None:
        self.state = state
        self.quirks = quirks
        self.rng = rng or random.Random()
        self.name = name or state.name
        self.max_sessions = max_sessions
        self.sessions: dict[int, AnySession] = {}
        self.stats: Counter[str] = Counter()
        self.events: list[str] = []
        self.lan15 = Lan15Server(self)
        self.rmcpplus = RmcpPlusServer(self)

    # --- the owner's interface ----------------------------------------------------------

    def receive(self, datagram: bytes, now: float) -> list[bytes]:
        """Handle one datagram; return the replies to send now."""
        self._advance(now)
        self.stats["datagrams"] += 1
        if len(datagram) >= 4 and datagram[3] & 0x1F == CLASS_ASF:
            try:
                tag = decode_presence_ping(datagram)
            except DecodeError:
                return self.drop("not a presence ping")
            self.stats["pings"] += 1
            return [encode_presence_pong(tag)]
        try:
            body = strip_ipmi_header(datagram)
            if body[:1] == b"\x06":
                return self.rmcpplus.receive(datagram, now)
            return self.lan15.receive(datagram, now)
        except DecodeError:
            return self.drop("malformed")

    def next_deadline(self) -> float | None:
        """The earliest session expiry or chassis transition."""
        times = [self._expiry(s) for s in self.sessions.values()]
        times += self.lan15.deadlines()
        chassis = handlers.next_deadline(self.state)
        if chassis is not None:
            times.append(chassis)
        return min(times, default=None)

    def handle_timer(self, now: float) -> None:
        """Expire idle sessions and run due chassis transitions."""
        self._advance(now)
        for sid in [sid for sid, s in self.sessions.items() if now >= self._expiry(s)]:
            self.stats["sessions timed out"] += 1
            self.end_session(sid)
        self.lan15.expire(now)

    @property
    def active_sessions(self) -> int:
        return sum(1 for s in self.sessions.values() if s.active)

    # --- for the session servers ---------------------------------------------------------

    def drop(self, reason: str) -> list[bytes]:
        """Count a silently discarded datagram; returns no replies."""
        self.stats[f"dropped: {reason}"] += 1
        return []

    def new_session_id(self) -> int:
        """A random, non-zero session ID not in use."""
        while True:
            sid = self.rng.getrandbits(32)
            if sid and sid not in self.sessions and not self.lan15.uses_id(sid):
                return sid

    def room_for(self, user: User | None) -> str:
        """'' when a new session may start, else 'full' or 'user' (the user's own limit)."""
        if len(self.sessions) >= self.max_sessions:
            return "full"
        if user is not None:
            limit = user.access_on(self.state.lan_channel).session_limit
            if limit and sum(1 for s in self.sessions.values() if s.user_id == user.user_id) >= limit:
                return "user"
        return ""

    def end_session(self, sid: int) -> None:
        self.sessions.pop(sid, None)
        self.lan15.forget_session(sid)

    def privilege_limit(self, user: User) -> int:
        """The highest privilege ``user`` may have on the LAN channel (0: no access)."""
        channel = self.state.lan_channel
        access = user.access_on(channel)
        if not access.ipmi_messaging or access.privilege_limit == NO_ACCESS:
            return 0
        limit = min(user.privilege_limit(channel), self.state.channel_settings(channel).privilege_limit)
        return min(limit, PRIV_CALLBACK) if access.callback_only else limit

    def permsg_reported_disabled(self) -> bool:
        """What Auth Caps and Activate Session say about per-message authentication."""
        q = self.quirks
        return q.forcepermsg or q.unexpectedauth or not self._channel().per_message_auth

    def permsg_required(self, privilege: int) -> bool:
        """Whether an in-session 1.5 request at ``privilege`` must carry an authcode."""
        if self.quirks.forcepermsg:
            return True
        channel = self._channel()
        if self.quirks.unexpectedauth or not channel.per_message_auth:
            return False
        return channel.user_level_auth or privilege > PRIV_USER

    def k_g(self) -> bytes | None:
        """The BMC key K_g, or None when unset (absent or all zero)."""
        k_g = self.state.k_g
        return k_g if k_g and any(k_g) else None

    def sessionless(self, message: Message) -> bytes | None:
        """Answer a request outside a session; None for commands that need one."""
        if message.netfn != NETFN_APP or message.cmd not in (CMD_GET_CHANNEL_AUTH_CAPS,
                                                                CMD_GET_CHANNEL_CIPHER_SUITES):
            self.drop("command outside a session")
            return None
        if message.cmd == CMD_GET_CHANNEL_AUTH_CAPS:
            self.stats["auth caps"] += 1
            cc, data = self._auth_caps(message.data)
        else:
            cc, data = self._cipher_suites(message.data)
        return respond(message, cc, data)

    def execute(self, session: AnySession, message: Message, now: float) -> bytes | None:
        """Run one authenticated in-session request; the response message, or None for none."""
        session.last_activity = now
        netfn, cmd, data = message.netfn, message.cmd, message.data
        self.stats["commands"] += 1
        if netfn == NETFN_APP and cmd == CMD_SET_SESSION_PRIVILEGE:
            cc, out = self._set_privilege(session, data)
        elif netfn == NETFN_APP and cmd == CMD_CLOSE_SESSION:
            cc = self._close_session(session, data)
            if self.quirks.lost_close_session:
                self.stats["close session unanswered"] += 1
                return None
            out = b""
        elif netfn == NETFN_APP and cmd in (CMD_GET_CHANNEL_AUTH_CAPS, CMD_GET_CHANNEL_CIPHER_SUITES):
            cc, out = (self._auth_caps if cmd == CMD_GET_CHANNEL_AUTH_CAPS else self._cipher_suites)(data)
        elif netfn == NETFN_APP and cmd in (CMD_GET_SESSION_CHALLENGE, CMD_ACTIVATE_SESSION):
            cc, out = CC_NOT_IN_STATE, b""
        else:
            ctx = Context(self.state, session.privilege, user_id=session.user_id, channel=self.state.lan_channel,
                          now=now, session_id=session.session_id, active_sessions=self.active_sessions)
            cc, out = handlers.dispatch(ctx, netfn, cmd, data)
            self.events.extend(ctx.events)
        return respond(message, cc, out)

    # --- shared commands -----------------------------------------------------------------

    def _channel(self) -> ChannelSettings:
        return self.state.channel_settings(self.state.lan_channel)

    def _channel_ok(self, byte: int) -> bool:
        return byte & 0x0F in (CURRENT_CHANNEL, self.state.lan_channel)

    def _auth_caps(self, data: bytes) -> tuple[int, bytes]:
        """Get Channel Authentication Capabilities, from the user table and channel settings."""
        if len(data) != 2:
            return CC_BAD_LENGTH, b""
        privilege = data[1] & 0x0F
        if not self._channel_ok(data[0]) or not PRIV_CALLBACK <= privilege <= PRIV_OEM:
            return CC_INVALID_DATA, b""
        extended = bool(data[0] & 0x80)
        anonymous = null = named = False
        for user in self.state.users:
            if not user.enabled or not self.privilege_limit(user):
                continue
            if user.name:
                named = True
            elif user.password:
                null = True
            else:
                anonymous = True
        types = self.state.auth_type_enables(privilege) & self.state.auth_type_support() & AUTH_TYPE_BITS
        caps = AuthCapabilities(
            channel=self.state.lan_channel, auth_types=types, ipmi20_extended=extended,
            anonymous_login=anonymous, null_usernames=null, non_null_usernames=named,
            user_level_auth_disabled=not self._channel().user_level_auth,
            per_message_auth_disabled=self.permsg_reported_disabled(), kg_set=self.k_g() is not None,
            supports_ipmi15=extended, supports_ipmi20=extended, oem_id=0, oem_aux=0)
        return CC_OK, encode_auth_caps(caps)

    def _cipher_suites(self, data: bytes) -> tuple[int, bytes]:
        """Get Channel Cipher Suites: the enabled suites' records, 16 bytes per list index."""
        if len(data) != 3:
            return CC_BAD_LENGTH, b""
        if not self._channel_ok(data[0]):
            return CC_INVALID_DATA, b""
        suites = [SUPPORTED_SUITES[i] for i in self.state.enabled_cipher_suites() if i in SUPPORTED_SUITES]
        records = b""
        if data[1] & 0x3F in (0, 1):          # IPMI and SOL payloads use the session's suite
            if data[2] & 0x80:
                records = b"".join(bytes((_SUITE_TAG, s.id, int(s.auth), _INTEGRITY_TAG | int(s.integrity),
                                          _CONF_TAG | int(s.confidentiality))) for s in suites)
            else:
                records = (bytes(sorted({int(s.auth) for s in suites}))
                           + bytes(sorted({_INTEGRITY_TAG | int(s.integrity) for s in suites}))
                           + bytes(sorted({_CONF_TAG | int(s.confidentiality) for s in suites})))
        index = data[2] & 0x3F
        return CC_OK, bytes((self.state.lan_channel,)) + records[16 * index:16 * index + 16]

    def _set_privilege(self, session: AnySession, data: bytes) -> tuple[int, bytes]:
        """Set Session Privilege Level: 0 asks for the present level."""
        if len(data) != 1:
            return CC_BAD_LENGTH, b""
        wanted = data[0] & 0x0F
        if wanted == 0:
            return CC_OK, bytes((session.privilege,))
        if wanted > PRIV_OEM:
            return CC_INVALID_DATA, b""
        user = self._user(session.user_id)
        if user is None or wanted > self.privilege_limit(user):
            return CC_PRIV_ABOVE_LIMIT, b""
        if wanted > session.max_privilege:
            return CC_PRIV_NOT_AVAILABLE, b""
        session.privilege = wanted
        self.stats[f"privilege {wanted}"] += 1
        return CC_OK, bytes((wanted,))

    def _close_session(self, session: AnySession, data: bytes) -> int:
        """Close Session: a session may close itself; closing another one needs ADMIN."""
        if len(data) not in (4, 5):
            return CC_BAD_LENGTH
        target = int.from_bytes(data[:4], "little")
        if target != session.session_id:
            if target not in self.sessions:
                return CC_INVALID_SESSION_ID
            if session.privilege < PRIV_ADMIN:
                return CC_INSUFFICIENT_PRIVILEGE
        self.stats["sessions closed"] += 1
        self.end_session(target)
        return CC_OK

    def _user(self, user_id: int) -> User | None:
        try:
            return self.state.user(user_id)
        except KeyError:
            return None

    def _expiry(self, session: AnySession) -> float:
        return session.last_activity + (IDLE_TIMEOUT if session.active else SETUP_TIMEOUT)

    def _advance(self, now: float) -> None:
        self.events.extend(handlers.advance(self.state, now))

