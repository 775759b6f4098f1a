"""A scripted in-memory BMC and a fake-clock harness for the session-engine tests.

:class:`FakeBmc` answers IPMI 1.5 (Get Channel Authentication Capabilities, Get Session
Challenge, Activate Session, in-session commands with or without per-message
authentication) and RMCP+ (Open Session, RAKP 1-4 for every supported cipher suite,
integrity- and AES-protected in-session commands). It is built only from the package's
own wire and crypto code, and its knobs make it misbehave the ways real BMCs do.

:func:`run` shuttles datagrams between a session (or :class:`~pyipmi_tools.session.job.Job`)
and the BMC, advancing a :class:`FakeClock` straight to the next deadline or reply, so no
test ever sleeps. It models the transport's socket handling (``socket_index`` /
``min_socket_index``) and records every datagram sent, with its time.
"""

from __future__ import annotations

import hmac
import random
from collections import Counter
from dataclasses import dataclass, field

from pyipmi_tools.record import fields
from typing import Any, Callable, Iterable

from pyipmi_tools.commands import NETFN_APP, NETFN_CHASSIS, Request
from pyipmi_tools.commands.app import AuthCapabilities, encode_auth_caps
from pyipmi_tools.commands.chassis import get_chassis_status
from pyipmi_tools.crypto import rakp
from pyipmi_tools.crypto.authcode15 import AuthType, authcode15
from pyipmi_tools.crypto.confidentiality import ConfidentialityError, decrypt_payload, encrypt_payload
from pyipmi_tools.crypto.integrity import integrity_authcode
from pyipmi_tools.crypto.suites import (INTEGRITY_AUTHCODE_LEN, SUPPORTED_SUITES, AuthAlg, CipherSuite, ConfAlg,
                                        IntegrityAlg)
from pyipmi_tools.session import Driver, Flavor, Privilege, SessionConfig, new_session
from pyipmi_tools.session.job import Job

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pyipmi_tools.session.job import Script
from pyipmi_tools.wire.buffer import DecodeError, u32le
from pyipmi_tools.wire.lan15 import decode_packet15, encode_packet15
from pyipmi_tools.wire.message import Message, decode_request, encode_response
from pyipmi_tools.wire.rmcpplus import (OpenSessionRequest, OpenSessionResponse, PayloadType, Rakp1, Rakp2, Rakp3,
                                        Rakp4, RmcpPlusStatus, decode_packet20, encode_packet20)
from pyipmi_tools.workarounds import parse_workarounds

BMC_IP = "192.0.2.10"
USERNAME = b"admin"
PASSWORD = b"password"

# Request kinds, named after what the console sends; a reply has its request's kind.
KIND_BY_CMD = {
    (NETFN_APP, 0x38): "auth_caps",
    (NETFN_APP, 0x39): "challenge",
    (NETFN_APP, 0x3A): "activate",
    (NETFN_APP, 0x3B): "set_priv",
    (NETFN_APP, 0x3C): "close",
    (NETFN_APP, 0x01): "device_id",
    (NETFN_CHASSIS, 0x01): "chassis_status",
    (NETFN_CHASSIS, 0x02): "chassis_control",
    (NETFN_CHASSIS, 0x04): "identify",
}
KIND_BY_PAYLOAD = {PayloadType.OPEN_SESSION_REQUEST: "open_session", PayloadType.RAKP1: "rakp1",
                   PayloadType.RAKP3: "rakp3"}
STAT_KINDS = ["auth_caps", "open_session", "rakp1", "rakp3", "set_priv", "chassis_status", "close"]
STAT_KINDS_15 = ["auth_caps", "challenge", "activate", "set_priv", "chassis_status", "close"]

# intel20: the RAKP 4 integrity check value uses the hash implied by the integrity algorithm.
_INTEL_ICV_ALG = {IntegrityAlg.NONE: AuthAlg.RAKP_NONE, IntegrityAlg.HMAC_SHA1_96: AuthAlg.HMAC_SHA1,
                  IntegrityAlg.HMAC_MD5_128: AuthAlg.HMAC_MD5, IntegrityAlg.HMAC_SHA256_128: AuthAlg.HMAC_SHA256}


def swap32(value: int) -> int:
    """Byte-swap a 32-bit number (Sun ILOM's big-endian sequence numbers)."""
    return int.from_bytes(value.to_bytes(4, "little"), "big")


def _flip(data: bytes, offset: int = 0) -> bytes:
    b = bytearray(data)
    b[offset] ^= 0xFF
    return bytes(b)


# --- the BMC ---------------------------------------------------------------------------

@dataclass
class User:
    name: bytes
    password: bytes
    max_privilege: int = 4


@dataclass
class Arrival:
    """A datagram the BMC received (dropped ones included)."""

    time: float
    kind: str
    data: bytes
    socket_index: int
    info: dict[str, Any]
    ignored: bool = False


@dataclass
class _Fault:
    kind: str
    action: str                 # drop_request | drop_reply | duplicate | delay | corrupt
    nth: frozenset[int] | None  # 1-based occurrence numbers of the request kind; None: all
    arg: Any = None


@dataclass
class _Session15:
    temp_id: int
    challenge: bytes
    user: User
    auth_type: int
    session_id: int = 0
    active: bool = False
    out_seq: int = 0
    replies: int = 0
    privilege: int = 2


@dataclass
class _Session20:
    console_sid: int
    bmc_sid: int
    suite: CipherSuite
    requested_privilege: int
    stage: str = "opened"        # opened -> rakp2 -> active -> closed
    user: User | None = None
    rm: bytes = b""
    rc: bytes = b""
    role: int = 0
    wire_username: bytes = b""
    sik: bytes = b""
    k1: bytes = b""
    k2: bytes = b""
    out_seq: int = 0
    privilege: int = 2


class _Parsed:
    __slots__ = ("kind", "info", "packet", "message", "session", "payload")

    def __init__(self, kind: str, **info: Any) -> None:
        self.kind = kind
        self.info: dict[str, Any] = info
        self.packet: Any = None
        self.message: Message | None = None
        self.session: Any = None
        self.payload: bytes = b""


def _suite_for(auth: int, integrity: int, conf: int) -> CipherSuite | None:
    for suite in SUPPORTED_SUITES.values():
        if (int(suite.auth), int(suite.integrity), int(suite.confidentiality)) == (auth, integrity, conf):
            return suite
    return None


class FakeBmc:
    """An in-memory BMC. Knobs are plain attributes; faults are added with the methods below."""

    def __init__(self, users: Iterable[User] = (User(USERNAME, PASSWORD),), seed: int = 7, **knobs: Any) -> None:
        self.users = {u.name: u for u in users}
        self.rng = random.Random(seed)
        self.ip = BMC_IP
        self.source_ip: str | None = None        # reply source address (None: self.ip)
        self.guid = bytes(range(0xA0, 0xB0))
        self.latency = 0.0
        self.alive = True
        # Get Channel Authentication Capabilities
        self.auth_types = 0x17                   # none, MD2, MD5, straight password
        self.anonymous_login = False
        self.null_usernames = False
        self.non_null_usernames = True
        self.per_msg_auth_disabled = False       # what Auth Caps reports
        self.ipmi20 = True
        self.kg: bytes | None = None             # the BMC's K_g (used for the SIK when set)
        self.report_kg: bool | None = None       # KG-status bit (None: whether kg is set)
        # IPMI 1.5
        self.permsg_actual: bool | None = None   # real per-message behaviour (None: as reported)
        self.activate_auth_type: int | None = None   # Activate reply data auth type override
        self.endian_seq = False                  # big-endian session sequence numbers (Sun ILOM)
        self.dell_auth = False                   # authcodes on replies although per-msg auth is off
        self.bad_authcode15 = False              # wrong authcodes in Activate and session replies
        self.repeat_activate_seq = False         # first session reply repeats the Activate seq (ipmi_sim)
        # RMCP+
        self.supported_suites: set[int] = set(SUPPORTED_SUITES)
        self.echo_requested_priv = False         # Open Session max priv = requested (ipmi_sim, Intel)
        self.open_session_priv: int | None = None    # fixed Open Session max priv
        self.open_session_algs: tuple[int, int, int] | None = None   # algorithms named in the reply
        self.short_status_reply = False          # error replies stop after the status byte
        self.rakp2_extra_byte = False            # key exchange authcode one byte too long
        self.nonempty_icv = False                # cipher suite 0 RAKP 4 carries an ICV
        self.intel = False                       # Intel SE7520AF2 RAKP behaviour
        self.seq_zero = False                    # session sequence number 0 on every reply
        self.bad_integrity = False               # wrong integrity authcode on session replies
        # both
        self.idzero = False                      # session ID 0 in replies
        self.wrong_session_id: bool | str = False    # wrong session ID in replies: True, "setup" or "session"
        self.bad_checksum = False                # wrong IPMI message checksum in replies
        self.moves_on = False                    # ignore resends of an answered setup stage
        self.cc: dict[str, int] = {}             # completion code per request kind
        self.status: dict[str, int] = {}         # RMCP+ status per request kind
        self.power_on = True
        for name, value in knobs.items():
            if not hasattr(self, name):
                raise AttributeError(f"FakeBmc has no knob {name!r}")
            setattr(self, name, value)
        self.arrivals: list[Arrival] = []
        self.counts: Counter[str] = Counter()
        self.sessions15: dict[int, _Session15] = {}
        self.sessions20: dict[int, _Session20] = {}
        self._faults: list[_Fault] = []
        self._queue: list[tuple[float, int, bytes, int]] = []
        self._order = 0

    # --- faults ------------------------------------------------------------------------

    def _add(self, kind: str, action: str, nth: tuple[int, ...], arg: Any = None) -> "FakeBmc":
        self._faults.append(_Fault(kind, action, frozenset(nth) if nth else None, arg))
        return self

    def drop_request(self, kind: str, *nth: int) -> "FakeBmc":
        """Lose request ``kind`` (occurrences ``nth``, 1-based; all when none given) before the BMC sees it."""
        return self._add(kind, "drop_request", nth)

    def drop_reply(self, kind: str, *nth: int) -> "FakeBmc":
        """The BMC handles the request, but its reply is lost."""
        return self._add(kind, "drop_reply", nth)

    def duplicate_reply(self, kind: str, *nth: int) -> "FakeBmc":
        return self._add(kind, "duplicate", nth)

    def delay_reply(self, kind: str, seconds: float, *nth: int) -> "FakeBmc":
        return self._add(kind, "delay", nth, seconds)

    def corrupt_reply(self, kind: str, offset: int, *nth: int) -> "FakeBmc":
        """Flip every bit of byte ``offset`` of the reply datagram."""
        return self._add(kind, "corrupt", nth, offset)

    def _matching(self, kind: str, n: int, action: str) -> list[_Fault]:
        return [f for f in self._faults if f.action == action and f.kind == kind and (f.nth is None or n in f.nth)]

    # --- harness side --------------------------------------------------------------------

    def next_reply_time(self) -> float | None:
        return min((t for t, *_ in self._queue), default=None)

    def pop_due(self, now: float) -> tuple[bytes, int] | None:
        """The earliest reply due at ``now`` (data, socket index), or None."""
        due = [entry for entry in self._queue if entry[0] <= now]
        if not due:
            return None
        entry = min(due)
        self._queue.remove(entry)
        return entry[2], entry[3]

    def sent(self, kind: str) -> list[Arrival]:
        return [a for a in self.arrivals if a.kind == kind]

    def receive(self, data: bytes, socket_index: int, now: float) -> str:
        """A datagram from the console; returns its kind."""
        parsed = self._parse(data)
        self.counts[parsed.kind] += 1
        n = self.counts[parsed.kind]
        arrival = Arrival(now, parsed.kind, data, socket_index, parsed.info)
        self.arrivals.append(arrival)
        if not self.alive or self._matching(parsed.kind, n, "drop_request"):
            arrival.ignored = True
            return parsed.kind
        replies = self._handle(parsed)
        if not replies:
            arrival.ignored = True
        for reply in replies:
            if self._matching(parsed.kind, n, "drop_reply"):
                continue
            for fault in self._matching(parsed.kind, n, "corrupt"):
                reply = _flip(reply, fault.arg)
            delay = self.latency + sum(f.arg for f in self._matching(parsed.kind, n, "delay"))
            copies = 2 if self._matching(parsed.kind, n, "duplicate") else 1
            for _ in range(copies):
                self._order += 1
                self._queue.append((now + delay, self._order, reply, socket_index))
        return parsed.kind

    # --- parsing -------------------------------------------------------------------------

    def _parse(self, data: bytes) -> _Parsed:
        if len(data) < 5 or data[:4] != bytes((6, 0, 0xFF, 7)):
            return _Parsed("garbage")
        try:
            if data[4] == 0x06:
                return self._parse20(data)
            return self._parse15(data)
        except DecodeError as err:
            return _Parsed("garbage", error=str(err))

    def _parse15(self, data: bytes) -> _Parsed:
        packet = decode_packet15(data)
        message = decode_request(packet.message)
        parsed = _Parsed(KIND_BY_CMD.get((message.netfn, message.cmd), f"cmd_{message.netfn:02x}_{message.cmd:02x}"),
                         rq_seq=message.rq_seq, session_seq=packet.session_seq, session_id=packet.session_id,
                         auth_type=packet.auth_type, data=message.data)
        parsed.packet, parsed.message = packet, message
        return parsed

    def _parse20(self, data: bytes) -> _Parsed:
        head = decode_packet20(data, 0) if not data[5] & 0x40 else None
        ptype = data[5] & 0x3F
        if ptype in KIND_BY_PAYLOAD:
            assert head is not None
            kind = KIND_BY_PAYLOAD[PayloadType(ptype)]
            decoder = {"open_session": OpenSessionRequest, "rakp1": Rakp1, "rakp3": Rakp3}[kind]
            body = decoder.decode(head.payload)
            parsed = _Parsed(kind, **{k: getattr(body, k) for k in fields(body)})
            parsed.payload = head.payload
            return parsed
        sid = int.from_bytes(data[6:10], "little")
        session = self.sessions20.get(sid)
        if ptype != PayloadType.IPMI or session is None:
            return _Parsed("unknown", session_id=sid)
        packet = decode_packet20(data, INTEGRITY_AUTHCODE_LEN[session.suite.integrity])
        valid = True
        if session.suite.integrity is not IntegrityAlg.NONE:
            want = integrity_authcode(session.suite.integrity, session.k1, self._password(session.user),
                                      packet.signed)
            valid = packet.authenticated and hmac.compare_digest(want, packet.authcode)
        payload = packet.payload
        if session.suite.confidentiality is ConfAlg.AES_CBC_128:
            try:
                payload = decrypt_payload(session.k2, payload)
            except ConfidentialityError:
                return _Parsed("undecryptable", session_id=sid)
        message = decode_request(payload)
        parsed = _Parsed(KIND_BY_CMD.get((message.netfn, message.cmd), f"cmd_{message.netfn:02x}_{message.cmd:02x}"),
                         rq_seq=message.rq_seq, session_seq=packet.session_seq, session_id=sid,
                         encrypted=packet.encrypted, authenticated=packet.authenticated, valid=valid,
                         data=message.data)
        parsed.packet, parsed.message, parsed.session = packet, message, session
        return parsed

    # --- dispatch --------------------------------------------------------------------------

    def _handle(self, p: _Parsed) -> list[bytes]:
        if p.kind in ("garbage", "unknown", "undecryptable"):
            return []
        if p.kind in KIND_BY_PAYLOAD.values():
            return getattr(self, f"_on_{p.kind}")(p)
        if p.packet is not None and hasattr(p.packet, "signed"):    # RMCP+ session packet
            return self._on_session20(p)
        if p.kind == "auth_caps":
            return [self._setup15(p, self._auth_caps_data(p.message))]
        if p.kind == "challenge":
            return self._on_challenge(p)
        if p.kind == "activate":
            return self._on_activate(p)
        return self._on_session15(p)

    def _response(self, request: Message, cc: int, data: bytes = b"") -> bytes:
        message = encode_response(request.netfn | 1, request.cmd, request.rq_seq, cc, data if cc == 0 else b"")
        if self.bad_checksum:
            message = message[:-1] + bytes(((message[-1] + 1) & 0xFF,))
        return message

    def _setup15(self, p: _Parsed, data: bytes, cc: int = 0) -> bytes:
        assert p.message is not None
        cc = self.cc.get(p.kind, cc)
        return encode_packet15(0, 0, 0, b"", self._response(p.message, cc, data))

    def _reply_sid(self, sid: int, setup: bool = False) -> int:
        if self.idzero:
            return 0
        if self.wrong_session_id in (True, "setup" if setup else "session"):
            return (sid + 1) & 0xFFFFFFFF or 1
        return sid

    @staticmethod
    def _password(user: User | None) -> bytes:
        return user.password if user else b""

    def _auth_caps_data(self, request: Message) -> bytes:
        v20 = bool(request.data[0] & 0x80)
        caps = AuthCapabilities(
            channel=1, auth_types=self.auth_types, ipmi20_extended=v20 and self.ipmi20,
            anonymous_login=self.anonymous_login, null_usernames=self.null_usernames,
            non_null_usernames=self.non_null_usernames, user_level_auth_disabled=False,
            per_message_auth_disabled=self.per_msg_auth_disabled,
            kg_set=self.kg is not None if self.report_kg is None else self.report_kg,
            supports_ipmi15=True, supports_ipmi20=self.ipmi20, oem_id=0, oem_aux=0)
        return encode_auth_caps(caps)

    # --- IPMI 1.5 --------------------------------------------------------------------------

    @property
    def _permsg(self) -> bool:
        return (not self.per_msg_auth_disabled) if self.permsg_actual is None else self.permsg_actual

    def _on_challenge(self, p: _Parsed) -> list[bytes]:
        assert p.message is not None
        data = p.message.data
        user = self.users.get(data[1:17].rstrip(b"\0"))
        if user is None:
            return [self._setup15(p, b"", 0x81)]
        temp_id = self.rng.getrandbits(32) or 1
        session = _Session15(temp_id, self.rng.randbytes(16), user, data[0])
        self.sessions15[temp_id] = session
        return [self._setup15(p, u32le(temp_id) + session.challenge)]

    def _packet15(self, auth: int, seq: int, sid: int, password: bytes, message: bytes) -> bytes:
        wire_seq = swap32(seq) if self.endian_seq else seq
        code = authcode15(AuthType(auth), password, sid, message, wire_seq)
        if self.bad_authcode15 and code:
            code = _flip(code)
        return encode_packet15(auth, wire_seq, sid, code, message)

    def _on_activate(self, p: _Parsed) -> list[bytes]:
        packet, message = p.packet, p.message
        assert message is not None
        session = self.sessions15.get(packet.session_id)
        if session is None or len(message.data) < 22:
            return []
        auth = packet.auth_type
        if auth != session.auth_type or message.data[0] != auth:
            return []
        password = session.user.password
        if auth and authcode15(AuthType(auth), password, packet.session_id, packet.message,
                               packet.session_seq) != packet.authcode:
            return []       # wrong password: real BMCs stay silent
        if message.data[2:18] != session.challenge:
            return []
        if session.active and self.moves_on:
            return []
        cc = self.cc.get("activate", 0)
        if not session.active and cc == 0:
            session.active = True
            session.session_id = self.rng.getrandbits(32) or 1
            session.out_seq = int.from_bytes(message.data[18:22], "little")
            session.privilege = message.data[1] & 0x0F
            self.sessions15[session.session_id] = session
        data_auth = self.activate_auth_type
        if data_auth is None:
            data_auth = auth if self._permsg else AuthType.NONE
        inbound = 0x1000 + session.temp_id % 0x1000
        data = bytes((data_auth,)) + u32le(session.session_id) + u32le(inbound) + bytes(
            (session.user.max_privilege,))
        reply = self._response(message, cc, data)
        # the reply's header still names the temporary session ID (libfreeipmi insists on it)
        return [self._packet15(auth, session.out_seq, session.temp_id, password, reply)]

    def _on_session15(self, p: _Parsed) -> list[bytes]:
        packet, message = p.packet, p.message
        assert message is not None
        session = self.sessions15.get(packet.session_id)
        if session is None or not session.active or session.session_id != packet.session_id:
            return []
        password = session.user.password
        if packet.auth_type:
            if packet.auth_type != session.auth_type or authcode15(
                    AuthType(packet.auth_type), password, packet.session_id, packet.message,
                    packet.session_seq) != packet.authcode:
                return []
        elif self._permsg and session.auth_type:
            return []       # per-message authentication required
        reply = self._command(p.kind, message, session)
        session.replies += 1
        if not (self.repeat_activate_seq and session.replies == 1):
            session.out_seq = (session.out_seq + 1) & 0xFFFFFFFF
        auth = session.auth_type if (self._permsg or self.dell_auth) else AuthType.NONE
        return [self._packet15(auth, session.out_seq, self._reply_sid(session.session_id), password, reply)]

    # --- RMCP+ ---------------------------------------------------------------------------

    def _on_open_session(self, p: _Parsed) -> list[bytes]:
        req = OpenSessionRequest.decode(p.payload)
        status = self.status.get("open_session", 0)
        existing = next((s for s in self.sessions20.values()
                         if s.console_sid == req.console_session_id and s.stage != "closed"), None)
        suite = _suite_for(req.auth_alg, req.integrity_alg, req.conf_alg)
        if not status and (suite is None or suite.id not in self.supported_suites):
            status = RmcpPlusStatus.NO_CIPHER_SUITE_MATCH
        if status:
            sid = None if self.short_status_reply else self._reply_sid(req.console_session_id, True)
            reply = OpenSessionResponse(req.tag, status, 0, sid)
            return [encode_packet20(PayloadType.OPEN_SESSION_RESPONSE, 0, 0, reply.encode())]
        assert suite is not None
        if existing is not None:
            if self.moves_on:
                return []
            session = existing
        else:
            bmc_sid = 0
            while not bmc_sid or bmc_sid in self.sessions20:
                bmc_sid = self.rng.getrandbits(32)
            session = _Session20(req.console_session_id, bmc_sid, suite, req.max_privilege)
            self.sessions20[bmc_sid] = session
        if self.open_session_priv is not None:
            priv = self.open_session_priv
        elif self.echo_requested_priv:
            priv = req.max_privilege
        else:
            priv = req.max_privilege or int(Privilege.ADMIN)
        algs = self.open_session_algs or (req.auth_alg, req.integrity_alg, req.conf_alg)
        reply = OpenSessionResponse(req.tag, 0, priv, self._reply_sid(req.console_session_id, True), session.bmc_sid,
                                    *algs)
        return [encode_packet20(PayloadType.OPEN_SESSION_RESPONSE, 0, 0, reply.encode())]

    def _kuid(self, session: _Session20) -> bytes:
        password = self._password(session.user)
        if self.intel and session.suite.auth is AuthAlg.HMAC_MD5:
            password = password[:16]
        return password

    def _rakp_error(self, ptype: PayloadType, cls: Any, tag: int, status: int, console_sid: int) -> list[bytes]:
        sid = None if self.short_status_reply else self._reply_sid(console_sid, True)
        return [encode_packet20(ptype, 0, 0, cls(tag, status, sid).encode())]

    def _on_rakp1(self, p: _Parsed) -> list[bytes]:
        req = Rakp1.decode(p.payload)
        session = self.sessions20.get(req.bmc_session_id)
        if session is None or session.stage == "closed":
            return self._rakp_error(PayloadType.RAKP2, Rakp2, req.tag, RmcpPlusStatus.INVALID_SESSION_ID, 0)
        if session.stage != "opened" and self.moves_on:
            return []
        status = self.status.get("rakp1", 0)
        name = req.username.rstrip(b"\0") if self.intel else req.username
        user = self.users.get(name)
        if not status and user is None:
            status = RmcpPlusStatus.UNAUTHORIZED_NAME
        if not status and user is not None and (req.role & 0x0F) > user.max_privilege:
            status = RmcpPlusStatus.UNAUTHORIZED_ROLE_OR_PRIVILEGE
        if status:
            return self._rakp_error(PayloadType.RAKP2, Rakp2, req.tag, status, session.console_sid)
        session.user, session.rm, session.role, session.wire_username = user, req.console_random, req.role, req.username
        session.rc = self.rng.randbytes(16)
        alg = session.suite.auth
        kuid = self._kuid(session)
        code = rakp.rakp2_authcode(alg, kuid, session.console_sid, session.bmc_sid, session.rm, session.rc,
                                   self.guid, session.role, session.wire_username)
        if self.rakp2_extra_byte:
            code += b"\x5a"
        if alg is not AuthAlg.RAKP_NONE:
            session.sik = rakp.session_integrity_key(alg, self.kg or kuid, session.rm, session.rc, session.role,
                                                     session.wire_username)
            session.k1 = rakp.derive_k1(alg, session.sik)
            session.k2 = rakp.derive_k2(alg, session.sik)
        session.stage = "rakp2"
        reply = Rakp2(req.tag, 0, self._reply_sid(session.console_sid, True), session.rc, self.guid, code)
        return [encode_packet20(PayloadType.RAKP2, 0, 0, reply.encode())]

    def _on_rakp3(self, p: _Parsed) -> list[bytes]:
        req = Rakp3.decode(p.payload)
        session = self.sessions20.get(req.bmc_session_id)
        if session is None or session.stage not in ("rakp2", "active") or req.status:
            return []
        if session.stage == "active" and self.moves_on:
            return []
        status = self.status.get("rakp3", 0)
        alg = session.suite.auth
        role = session.role & 0x0F if self.intel else session.role
        uname = session.wire_username.rstrip(b"\0") if self.intel else session.wire_username
        want = rakp.rakp3_authcode(alg, self._kuid(session), session.rc, session.console_sid, role, uname)
        if not status and not hmac.compare_digest(want, req.authcode):
            status = RmcpPlusStatus.INVALID_INTEGRITY_CHECK_VALUE
        if status:
            return self._rakp_error(PayloadType.RAKP4, Rakp4, req.tag, status, session.console_sid)
        icv_alg = _INTEL_ICV_ALG.get(session.suite.integrity, AuthAlg.HMAC_MD5) if self.intel else alg
        icv = rakp.rakp4_icv(icv_alg, session.sik, session.rm, session.bmc_sid, self.guid)
        if self.nonempty_icv and not icv:
            icv = bytes(range(12))
        session.stage = "active"
        session.privilege = int(Privilege.USER)
        reply = Rakp4(req.tag, 0, self._reply_sid(session.console_sid, True), icv)
        return [encode_packet20(PayloadType.RAKP4, 0, 0, reply.encode())]

    def _on_session20(self, p: _Parsed) -> list[bytes]:
        session: _Session20 = p.session
        assert p.message is not None
        if session.stage != "active" or not p.info["valid"]:
            return []
        reply = self._command(p.kind, p.message, session)
        suite = session.suite
        encrypted = suite.confidentiality is ConfAlg.AES_CBC_128
        payload = encrypt_payload(session.k2, reply, self.rng.randbytes(16)) if encrypted else reply
        sign: Callable[[bytes], bytes] | None = None
        if suite.integrity is not IntegrityAlg.NONE:
            def sign(covered: bytes) -> bytes:
                code = integrity_authcode(suite.integrity, session.k1, self._password(session.user), covered)
                return _flip(code) if self.bad_integrity else code
        session.out_seq = (session.out_seq + 1) & 0xFFFFFFFF or 1
        seq = 0 if self.seq_zero else session.out_seq
        return [encode_packet20(PayloadType.IPMI, self._reply_sid(session.console_sid), seq, payload, encrypted,
                                sign)]

    # --- commands (both session types) -------------------------------------------------------

    def _command(self, kind: str, request: Message, session: Any) -> bytes:
        cc = self.cc.get(kind, 0)
        data = b""
        user: User | None = session.user
        if cc == 0:
            if kind == "set_priv":
                wanted = request.data[0] & 0x0F if request.data else 0
                if user is not None and wanted > user.max_privilege:
                    cc = 0x81
                else:
                    session.privilege = wanted or session.privilege
                    data = bytes((session.privilege,))
            elif kind == "chassis_status":
                data = bytes((0x01 if self.power_on else 0x00, 0x00, 0x40))
            elif kind == "chassis_control":
                action = request.data[0] if request.data else -1
                if action in (0, 5):
                    self.power_on = False
                elif action in (1, 2):
                    self.power_on = True
                elif action not in (3, 4):
                    cc = 0xCC
            elif kind == "close":
                if isinstance(session, _Session20):
                    session.stage = "closed"
                else:
                    session.active = False
            elif kind == "device_id":
                data = bytes((0x20, 0x01, 0x02, 0x10, 0x02, 0xBF)) + bytes((0x57, 0x01, 0x00, 0x34, 0x12))
            else:
                cc = 0xC1
        return self._response(request, cc, data)


# --- clock and harness -------------------------------------------------------------------

class FakeClock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Sent:
    time: float
    kind: str
    data: bytes
    socket_index: int
    info: dict[str, Any] = field(default_factory=dict)
    retired_socket: bool = False     # addressed to a socket the transport had closed: never sent


@dataclass
class Delivered:
    time: float
    data: bytes
    socket_index: int


class Harness:
    """Moves datagrams between one endpoint and a FakeBmc on a fake clock."""

    def __init__(self, endpoint: Any, bmc: FakeBmc, clock: FakeClock) -> None:
        self.endpoint, self.bmc, self.clock = endpoint, bmc, clock
        self.sent: list[Sent] = []
        self.delivered: list[Delivered] = []
        self.discarded: list[Delivered] = []     # replies to sockets already closed
        self.sockets: set[int] = set()
        self.started = False
        self.steps = 0

    # --- views -----------------------------------------------------------------------------

    @property
    def on_wire(self) -> list[Sent]:
        return [s for s in self.sent if not s.retired_socket]

    def kinds(self) -> list[str]:
        return [s.kind for s in self.on_wire]

    def times(self, kind: str | None = None) -> list[float]:
        return [round(s.time, 6) for s in self.on_wire if kind is None or s.kind == kind]

    def of(self, kind: str) -> list[Sent]:
        return [s for s in self.on_wire if s.kind == kind]

    # --- driving ---------------------------------------------------------------------------

    def _flush(self) -> None:
        ep = self.endpoint
        for dgram in ep.datagrams_to_send():
            index = dgram.socket_index
            if index not in self.sockets and index < ep.min_socket_index:
                self.sent.append(Sent(self.clock.now, "?", dgram.data, index, retired_socket=True))
                continue
            self.sockets.add(index)
            kind = self.bmc.receive(dgram.data, index, self.clock.now)
            self.sent.append(Sent(self.clock.now, kind, dgram.data, index, self.bmc.arrivals[-1].info))
        if ep.done:
            self.sockets.clear()
        else:
            self.sockets = {i for i in self.sockets if i >= ep.min_socket_index}

    def run(self, until: Callable[[Any], bool] | float | None = None, max_steps: int = 20_000) -> "Harness":
        """Run until the endpoint is done, ``until(endpoint)`` holds or the clock reaches ``until``."""
        ep, bmc, clock = self.endpoint, self.bmc, self.clock
        if not self.started:
            self.started = True
            ep.start(clock.now)
        for _ in range(max_steps):
            self.steps += 1
            self._flush()
            due = bmc.pop_due(clock.now)
            if due is not None:
                data, index = due
                if index in self.sockets and not ep.done:
                    self.delivered.append(Delivered(clock.now, data, index))
                    ep.receive_datagram(data, bmc.source_ip or bmc.ip, index, clock.now)
                else:
                    self.discarded.append(Delivered(clock.now, data, index))
                continue
            if ep.done or (callable(until) and until(ep)):
                return self
            deadline = ep.next_deadline()
            if deadline is not None and deadline <= clock.now:
                ep.handle_timer(clock.now)
                continue
            upcoming = [t for t in (deadline, bmc.next_reply_time()) if t is not None]
            if not upcoming:
                return self
            nxt = min(upcoming)
            if isinstance(until, (int, float)) and nxt > until:
                clock.now = max(clock.now, float(until))
                return self
            clock.now = max(clock.now, nxt)
        raise AssertionError(f"harness made no progress in {max_steps} steps (clock {clock.now})")


def run(endpoint: Any, bmc: FakeBmc, clock: FakeClock | None = None,
        until: Callable[[Any], bool] | float | None = None, max_steps: int = 20_000) -> Harness:
    """Start ``endpoint`` and drive it against ``bmc`` on ``clock``; returns the harness (its records)."""
    return Harness(endpoint, bmc, clock or FakeClock()).run(until, max_steps)


# --- test helpers -------------------------------------------------------------------------

def config20(suite: int = 3, workarounds: str = "", **kw: Any) -> SessionConfig:
    kw.setdefault("username", USERNAME)
    kw.setdefault("password", PASSWORD)
    return SessionConfig(host="bmc", driver=Driver.LAN_2_0, cipher_suite=suite,
                         workarounds=parse_workarounds(workarounds), **kw)


def config15(auth: AuthType = AuthType.MD5, workarounds: str = "", **kw: Any) -> SessionConfig:
    kw.setdefault("username", USERNAME)
    kw.setdefault("password", PASSWORD)
    return SessionConfig(host="bmc", driver=Driver.LAN, auth_type=auth, workarounds=parse_workarounds(workarounds),
                         **kw)


def stat_script() -> Script:
    """ipmipower --stat: one Get Chassis Status; ``None`` on a bad completion code."""
    reply = yield get_chassis_status()
    if reply.completion_code:
        return None
    return "on" if reply.data[0] & 1 else "off"


def command_script(request: Request) -> Script:
    reply = yield request
    return reply.completion_code


def make_job(config: SessionConfig, script: Script | None = None, seed: int = 1,
             trace: Callable[[str], None] | None = None, stat: bool = True) -> Job:
    session = new_session(config, bmc_ip=BMC_IP, rng=random.Random(seed), trace=trace)
    if script is None and stat:
        script = stat_script()
    return Job(session, script)


def outcome_text(job: Job) -> str:
    """What ipmipower would print for the host: the failure text, or the script's result."""
    if job.failure is not None:
        return job.failure.outcome.text
    return str(job.result)


__all__ = ["Arrival", "BMC_IP", "FakeBmc", "FakeClock", "Harness", "PASSWORD", "STAT_KINDS", "STAT_KINDS_15",
           "USERNAME", "User", "command_script", "config15", "config20", "make_job", "outcome_text", "run",
           "stat_script", "swap32", "Flavor"]
