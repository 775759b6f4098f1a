"""RMCP+ sessions, BMC side: Open Session, RAKP 1-4 and integrity- and AES-protected
session packets for all twelve cipher suites (IPMI 2.0 spec sections 13.14-13.33).

Privilege is checked at every step: the Open Session request against the suite's maximum
(LAN parameter 24) and the channel limit, the RAKP 1 role against the user's channel
limit and what Open Session granted. The ``sun20``, ``supermicro20`` and ``intel20``
quirks change the RAKP computations the way those BMCs did. ``idzero`` zeroes the remote
console session ID of the setup replies only: FreeIPMI cannot parse an integrity-protected
session packet whose header says session 0 (it exits with ``ipmi_rmcpplus_check_integrity_pad:
Invalid argument``), so no ``-W`` flag could make such a BMC usable.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..crypto import rakp
from ..crypto.confidentiality import ConfidentialityError, decrypt_payload, encrypt_payload
from ..crypto.integrity import integrity_authcode
from ..crypto.suites import (INTEGRITY_AUTHCODE_LEN, SUPPORTED_SUITES, AuthAlg, CipherSuite, ConfAlg,
                             IntegrityAlg)
from ..session.seqwindow import SequenceWindow
from ..wire.buffer import DecodeError
from ..wire.message import decode_request
from ..wire.rmcpplus import (OpenSessionRequest, OpenSessionResponse, Packet20, PayloadType, Rakp1, Rakp2,
                             Rakp3, Rakp4, RmcpPlusStatus, decode_packet20, encode_packet20)
from .state import PRIV_OEM, PRIV_USER, User

if TYPE_CHECKING:  # pragma: no cover
    from .bmc import SimulatedBmc

S = RmcpPlusStatus
_RAKP1_NAME_LENGTH_OFFSET = 27
# intel20: the RAKP 4 integrity check value is keyed by the integrity algorithm's hash.
_INTEL_ICV_ALG = {IntegrityAlg.NONE: AuthAlg.RAKP_NONE, IntegrityAlg.HMAC_SHA1_96: AuthAlg.HMAC_SHA1,
                  IntegrityAlg.HMAC_MD5_128: AuthAlg.HMAC_MD5, IntegrityAlg.MD5_128: AuthAlg.HMAC_MD5,
                  IntegrityAlg.HMAC_SHA256_128: AuthAlg.HMAC_SHA256}


@dataclass
class Session20:
    """An RMCP+ session from Open Session on; ``stage`` is opened, rakp2 or active."""

    session_id: int                 # the managed system (BMC) session ID
    console_sid: int
    suite: CipherSuite
    requested_privilege: int        # the Open Session request's byte (0 = highest)
    granted_privilege: int          # the ceiling Open Session granted
    last_activity: float
    stage: str = "opened"
    user_id: int = 0
    password: bytes = field(default=b"", repr=False)
    rm: bytes = b""
    rc: bytes = b""
    role: int = 0                   # the RAKP 1 role byte
    hash_role: int = 0              # the role byte the BMC hashes (differs under sun20)
    wire_name: bytes = b""          # the user name as RAKP 1 carried it
    sik: bytes = field(default=b"", repr=False)
    k1: bytes = field(default=b"", repr=False)
    k2: bytes = field(default=b"", repr=False)
    max_privilege: int = 0
    privilege: int = 0
    window: SequenceWindow = field(default_factory=lambda: SequenceWindow(0, rmcpplus=True))
    out_seq: int = 0

    @property
    def active(self) -> bool:
        return self.stage == "active"


def suite_for(auth: int, integrity: int, conf: int) -> CipherSuite | None:
    """The supported suite with these algorithm numbers."""
    for suite in SUPPORTED_SUITES.values():
        if (int(suite.auth), int(suite.integrity), int(suite.confidentiality)) == (auth, integrity, conf):
            return suite
    return None


class RmcpPlusServer:
    """The RMCP+ half of a :class:`~pyipmi_tools.sim.bmc.SimulatedBmc`."""

    def __init__(self, core: SimulatedBmc) -> None:
        self.core = core

    def receive(self, datagram: bytes, now: float) -> list[bytes]:
        if len(datagram) < 16:
            raise DecodeError("RMCP+ packet shorter than its session header")
        ptype = datagram[5] & 0x3F
        handshake = {PayloadType.OPEN_SESSION_REQUEST: self._open_session, PayloadType.RAKP1: self._rakp1,
                     PayloadType.RAKP3: self._rakp3}.get(ptype)  # type: ignore[call-overload]
        if handshake is not None:
            packet = decode_packet20(datagram)
            if packet.authenticated or packet.encrypted or packet.session_id:
                return self.core.drop("protected session-setup packet")
            return handshake(packet.payload, now)
        if ptype != PayloadType.IPMI:
            return self.core.drop(f"payload type {ptype:#04x}")
        sid = int.from_bytes(datagram[6:10], "little")
        if sid == 0:
            packet = decode_packet20(datagram)
            if packet.authenticated or packet.encrypted:
                return self.core.drop("protected packet outside a session")
            reply = self.core.sessionless(decode_request(packet.payload))
            return [] if reply is None else [encode_packet20(PayloadType.IPMI, 0, 0, reply)]
        return self._in_session(sid, datagram, now)

    # --- setup ------------------------------------------------------------------------------

    def _reply_sid(self, console_sid: int) -> int:
        return 0 if self.core.quirks.idzero else console_sid

    def _setup(self, ptype: PayloadType, payload: bytes) -> list[bytes]:
        return [encode_packet20(ptype, 0, 0, payload)]

    def _open_session(self, payload: bytes, now: float) -> list[bytes]:
        core = self.core
        req = OpenSessionRequest.decode(payload)

        def refuse(status: int) -> list[bytes]:
            core.stats[f"open session status {status:#04x}"] += 1
            reply = OpenSessionResponse(req.tag, status, 0, self._reply_sid(req.console_session_id))
            return self._setup(PayloadType.OPEN_SESSION_RESPONSE, reply.encode())

        suite = suite_for(req.auth_alg, req.integrity_alg, req.conf_alg)
        ceilings = core.state.cipher_suite_privileges()
        if suite is None or not ceilings.get(suite.id):
            return refuse(S.NO_CIPHER_SUITE_MATCH)
        if req.console_session_id == 0:
            return refuse(S.ILLEGAL_PARAMETER)
        ceiling = min(ceilings[suite.id], core.state.channel_settings(core.state.lan_channel).privilege_limit)
        requested = req.max_privilege
        if requested > PRIV_OEM or requested > ceiling:
            return refuse(S.INVALID_ROLE)
        session = next((s for s in core.sessions.values() if isinstance(s, Session20) and s.stage == "opened"
                        and s.console_sid == req.console_session_id and s.suite == suite), None)
        if session is None:
            if core.room_for(None):
                return refuse(S.INSUFFICIENT_RESOURCES)
            session = Session20(core.new_session_id(), req.console_session_id, suite, requested,
                                requested or ceiling, now)
            core.sessions[session.session_id] = session
            core.stats["sessions opened"] += 1
        session.last_activity = now
        q = core.quirks
        answered = requested if (q.opensesspriv_required or q.intel20) else session.granted_privilege
        reply = OpenSessionResponse(req.tag, 0, answered, self._reply_sid(session.console_sid), session.session_id,
                                    suite.auth, suite.integrity, suite.confidentiality)
        return self._setup(PayloadType.OPEN_SESSION_RESPONSE, reply.encode())

    def _find_user(self, name: bytes, role: int) -> User | None:
        """Name-only lookup (role bit 4), or name plus a privilege limit equal to the role."""
        state = self.core.state
        if role & 0x10:
            return state.find_user(name)
        wanted = name.rstrip(b"\0")
        return next((u for u in state.users if u.enabled and u.name_bytes() == wanted
                     and self.core.privilege_limit(u) == role & 0x0F), None)

    def _kuid(self, session: Session20) -> bytes:
        if self.core.quirks.intel20 and session.suite.auth is AuthAlg.HMAC_MD5:
            return session.password[:16]
        return session.password

    def _rakp1(self, payload: bytes, now: float) -> list[bytes]:
        core = self.core
        if len(payload) > _RAKP1_NAME_LENGTH_OFFSET and payload[_RAKP1_NAME_LENGTH_OFFSET] > 16:
            sid = int.from_bytes(payload[4:8], "little")
            session = core.sessions.get(sid)
            console = session.console_sid if isinstance(session, Session20) else 0
            return self._rakp2_error(payload[0], S.INVALID_NAME_LENGTH, console)
        req = Rakp1.decode(payload)
        session = core.sessions.get(req.bmc_session_id)
        if not isinstance(session, Session20) or session.stage == "active":
            return self._rakp2_error(req.tag, S.INVALID_SESSION_ID, 0)
        session.last_activity = now
        privilege = req.role & 0x0F
        if not 1 <= privilege <= PRIV_OEM or req.role & 0xE0:
            return self._rakp2_error(req.tag, S.INVALID_ROLE, session.console_sid, session)
        user = self._find_user(req.username, req.role)
        if user is None:
            core.stats["unknown user"] += 1
            return self._rakp2_error(req.tag, S.UNAUTHORIZED_NAME, session.console_sid, session)
        if privilege > core.privilege_limit(user) or privilege > session.granted_privilege:
            core.stats["role refused"] += 1
            return self._rakp2_error(req.tag, S.UNAUTHORIZED_ROLE_OR_PRIVILEGE, session.console_sid, session)
        others = sum(1 for s in core.sessions.values() if s.user_id == user.user_id and s is not session)
        limit = user.access_on(core.state.lan_channel).session_limit
        if limit and others >= limit:
            return self._rakp2_error(req.tag, S.INSUFFICIENT_RESOURCES, session.console_sid, session)
        q = core.quirks
        session.user_id, session.password = user.user_id, user.password
        session.rm, session.rc, session.role, session.wire_name = (req.console_random, core.rng.randbytes(16),
                                                                   req.role, req.username)
        session.hash_role = (req.role & 0xF0) | session.requested_privilege if q.sun20 else req.role
        session.max_privilege = privilege
        alg = session.suite.auth
        guid = core.state.guid
        code = rakp.rakp2_authcode(alg, self._kuid(session), session.console_sid, session.session_id,
                                   session.rm, session.rc, guid, session.hash_role, session.wire_name)
        if q.supermicro20 or (q.sun20 and alg is AuthAlg.HMAC_SHA1):
            code += b"\x00"
        if alg is not AuthAlg.RAKP_NONE:
            key = core.k_g() or self._kuid(session)
            session.sik = rakp.session_integrity_key(alg, key, session.rm, session.rc, session.hash_role,
                                                     session.wire_name)
            session.k1 = rakp.derive_k1(alg, session.sik)
            session.k2 = rakp.derive_k2(alg, session.sik)
        session.stage = "rakp2"
        reply = Rakp2(req.tag, 0, self._reply_sid(session.console_sid), session.rc, guid, code)
        return self._setup(PayloadType.RAKP2, reply.encode())

    def _rakp2_error(self, tag: int, status: int, console_sid: int, session: Session20 | None = None) -> list[bytes]:
        """A RAKP 2 carrying an error status; the session it names is given up."""
        self.core.stats[f"rakp2 status {status:#04x}"] += 1
        if session is not None:
            self.core.end_session(session.session_id)
        return self._setup(PayloadType.RAKP2, Rakp2(tag, status, self._reply_sid(console_sid)).encode())

    def _rakp3(self, payload: bytes, now: float) -> list[bytes]:
        core = self.core
        req = Rakp3.decode(payload)
        session = core.sessions.get(req.bmc_session_id)
        if not isinstance(session, Session20) or session.stage not in ("rakp2", "active"):
            self.core.stats["rakp4 status 0x02"] += 1
            return self._setup(PayloadType.RAKP4, Rakp4(req.tag, S.INVALID_SESSION_ID, 0).encode())
        if req.status:
            core.stats["console gave up in rakp3"] += 1
            core.end_session(session.session_id)
            return []
        session.last_activity = now
        q = core.quirks
        alg = session.suite.auth
        role = session.hash_role & 0x0F if q.intel20 else session.hash_role
        name = session.wire_name.rstrip(b"\0") if q.intel20 else session.wire_name
        want = rakp.rakp3_authcode(alg, self._kuid(session), session.rc, session.console_sid, role, name)
        if not hmac.compare_digest(want, req.authcode):
            core.stats["rakp4 status 0x0f"] += 1
            core.end_session(session.session_id)
            reply = Rakp4(req.tag, S.INVALID_INTEGRITY_CHECK_VALUE, self._reply_sid(session.console_sid))
            return self._setup(PayloadType.RAKP4, reply.encode())
        icv_alg = _INTEL_ICV_ALG[session.suite.integrity] if q.intel20 else alg
        icv = rakp.rakp4_icv(icv_alg, session.sik, session.rm, session.session_id, core.state.guid)
        if session.stage != "active":
            session.stage = "active"
            session.privilege = min(session.max_privilege, PRIV_USER)
            core.stats["sessions established"] += 1
        reply = Rakp4(req.tag, 0, self._reply_sid(session.console_sid), icv)
        return self._setup(PayloadType.RAKP4, reply.encode())

    # --- session packets -----------------------------------------------------------------------

    def _in_session(self, sid: int, datagram: bytes, now: float) -> list[bytes]:
        core = self.core
        session = core.sessions.get(sid)
        if not isinstance(session, Session20) or not session.active:
            return core.drop("unknown session ID")
        suite = session.suite
        packet = decode_packet20(datagram, INTEGRITY_AUTHCODE_LEN[suite.integrity])
        payload = self._open(session, packet)
        if payload is None:
            return []
        if session.window.check(packet.session_seq):
            return core.drop("sequence number outside the window")
        reply = core.execute(session, decode_request(payload), now)
        return [] if reply is None else [self._seal(session, reply)]

    def _open(self, session: Session20, packet: Packet20) -> bytes | None:
        """Check integrity and decrypt; None (after counting the drop) when the packet fails."""
        suite = session.suite
        if suite.integrity is not IntegrityAlg.NONE:
            if not packet.authenticated:
                self.core.drop("unauthenticated session packet")
                return None
            want = integrity_authcode(suite.integrity, session.k1, session.password, packet.signed)
            if not hmac.compare_digest(want, packet.authcode):
                self.core.drop("integrity check failed")
                return None
        if suite.confidentiality is ConfAlg.NONE:
            if packet.encrypted:
                self.core.drop("encrypted packet in a session without confidentiality")
                return None
            return packet.payload
        if not packet.encrypted:
            self.core.drop("unencrypted session packet")
            return None
        try:
            return decrypt_payload(session.k2, packet.payload)
        except ConfidentialityError:
            self.core.drop("decryption failed")
            return None

    def _seal(self, session: Session20, message: bytes) -> bytes:
        """The reply packet: encrypted and signed as the suite says, numbered from 1."""
        suite = session.suite
        encrypted = suite.confidentiality is ConfAlg.AES_CBC_128
        payload = encrypt_payload(session.k2, message, self.core.rng.randbytes(16)) if encrypted else message
        sign: Callable[[bytes], bytes] | None = None
        if suite.integrity is not IntegrityAlg.NONE:
            sign = functools.partial(integrity_authcode, suite.integrity, session.k1, session.password)
        session.out_seq = (session.out_seq + 1) & 0xFFFFFFFF or 1
        seq = 0 if self.core.quirks.zero_session_seq else session.out_seq
        return encode_packet20(PayloadType.IPMI, session.console_sid, seq, payload, encrypted, sign)
