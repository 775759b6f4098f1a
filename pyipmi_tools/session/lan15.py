"""IPMI 1.5 LAN sessions: Get Session Challenge, Activate Session, then in-session packets
with per-message authentication as the BMC asks (IPMI 2.0 spec sections 13.6, 22.15-22.20)."""

from __future__ import annotations

import hmac

from ..commands import app
from ..commands.app import AuthCapabilities
from ..crypto.authcode15 import AuthType, authcode15
from ..outcomes import Outcome
from ..wire.lan15 import Packet15, decode_packet15, encode_packet15
from ..wire.message import Message, decode_response, encode_request
from .authcaps import start_auth_caps
from .base import Datagram, Drop, Exchange, Fail, Session
from .config import Flavor
from .events import Failed, Stage
from .mapping import ACTIVATE_SESSION_CC, SESSION_CHALLENGE_CC, setup_cc_outcome
from .seqwindow import SequenceWindow


def _swap32(value: int) -> int:
    return int.from_bytes(value.to_bytes(4, "little"), "big")


class Lan15Session(Session):
    """An IPMI 1.5 session (``--driver-type LAN``)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.per_message_auth = True
        self.session_id = 0
        self._temp_id = 0
        self._challenge = b""
        self._out_seq = 0
        self._window = SequenceWindow(0, rmcpplus=False)

    @property
    def _password(self) -> bytes:
        return self.config.password or b""

    def _begin(self, now: float) -> None:
        start_auth_caps(self, now, self._after_caps)

    def _after_caps(self, caps: AuthCapabilities) -> None:
        self.per_message_auth = not caps.per_message_auth_disabled or "forcepermsg" in self.config.workarounds
        self._then = self._start_challenge

    def _setup_reply(self, datagram: bytes, spec_netfn: int, spec_cmd: int, rq_seq: int) -> tuple[Packet15, Message]:
        packet = decode_packet15(datagram)
        message = decode_response(packet.message,
                                  verify_checksums="nochecksumcheck" not in self.config.workarounds)
        self._check_match(message, spec_netfn | 1, spec_cmd, rq_seq)
        return packet, message

    def _start_challenge(self, now: float) -> None:
        cfg = self.config
        request = app.get_session_challenge(int(cfg.auth_type), cfg.effective_username or b"")
        expected: dict[str, int] = {}

        def build() -> Datagram:
            if self._exchange is not None and self._exchange.sends:
                self.socket_index += 1  # FreeIPMI resends Get Session Challenge from a new socket
            rq_seq = self._next_rq_seq()
            expected["rq_seq"] = rq_seq
            self._log_pairs(">> Get Session Challenge request", (("rq seq", rq_seq), ("auth type", cfg.auth_type),
                                                                  ("user name", cfg.effective_username or b""),
                                                                  ("socket", self.socket_index)))
            message = encode_request(request.spec.netfn, request.spec.cmd, rq_seq, request.data)
            return Datagram(encode_packet15(0, 0, 0, b"", message), self.socket_index)

        def accept(datagram: bytes) -> None:
            _packet, message = self._setup_reply(datagram, request.spec.netfn, request.spec.cmd, expected["rq_seq"])
            cc = message.completion_code or 0
            if cc:
                raise Fail(Failed(setup_cc_outcome(cc, cfg.flavor, SESSION_CHALLENGE_CC), Stage.SESSION_CHALLENGE,
                                  f"completion code {cc:#04x}", completion_code=cc, command=request.spec.name))
            challenge = app.decode_session_challenge(message.data)
            self._log_pairs("<< Get Session Challenge response", (("temporary session ID", challenge.temp_session_id),
                                                                    ("challenge", challenge.challenge)))
            self._temp_id, self._challenge = challenge.temp_session_id, challenge.challenge
            self._then = self._start_activate

        self._exchange_start(Exchange(Stage.SESSION_CHALLENGE, build, accept, "Get Session Challenge"), now)

    def _start_activate(self, now: float) -> None:
        cfg = self.config
        auth = cfg.auth_type
        initial_seq = 1 if cfg.flavor is Flavor.IPMIPOWER else (self.rng.getrandbits(32) or 1)
        request = app.activate_session(int(auth), int(cfg.privilege), self._challenge, initial_seq)
        expected: dict[str, int] = {}
        self.min_socket_index = self.socket_index  # older challenge sockets can go

        def build() -> Datagram:
            rq_seq = self._next_rq_seq()
            expected["rq_seq"] = rq_seq
            message = encode_request(request.spec.netfn, request.spec.cmd, rq_seq, request.data)
            code = authcode15(auth, self._password, self._temp_id, message, 0)
            self._log_pairs(">> Activate Session request", (("rq seq", rq_seq), ("auth type", auth),
                                                              ("temporary session ID", self._temp_id),
                                                              ("privilege", cfg.privilege),
                                                              ("initial outbound seq", initial_seq)))
            return Datagram(encode_packet15(int(auth), 0, self._temp_id, code, message), self.socket_index)

        def accept(datagram: bytes) -> None:
            packet = decode_packet15(datagram)
            if (cfg.flavor is Flavor.LIBFREEIPMI and packet.session_id != self._temp_id
                    and not (packet.session_id == 0 and "idzero" in cfg.workarounds)):
                raise Drop("session ID mismatch", f"Activate Session reply carries session ID "
                                                  f"{packet.session_id:#010x}, not the temporary {self._temp_id:#010x}")
            if "noauthcodecheck" not in cfg.workarounds:
                self._verify_authcode(packet, auth)
            message = decode_response(packet.message, verify_checksums="nochecksumcheck" not in cfg.workarounds)
            self._check_match(message, request.spec.netfn | 1, request.spec.cmd, expected["rq_seq"])
            cc = message.completion_code or 0
            if cc:
                raise Fail(Failed(setup_cc_outcome(cc, cfg.flavor, ACTIVATE_SESSION_CC), Stage.ACTIVATE_SESSION,
                                  f"completion code {cc:#04x}", completion_code=cc, command=request.spec.name))
            activated = app.decode_activate_session(message.data)
            self._log_fields("<< Activate Session response", activated)
            if not self.per_message_auth and activated.auth_type != AuthType.NONE:
                self.per_message_auth = True
                self._note("the BMC activated the session with per-message authentication; using it")
            elif (self.per_message_auth and activated.auth_type != int(auth)
                  and "forcepermsg" not in cfg.workarounds and cfg.flavor is Flavor.IPMIPOWER):
                raise Fail(Failed(Outcome.BMC_ERROR, Stage.ACTIVATE_SESSION,
                                  f"session activated with auth type {activated.auth_type}, {auth.name} was asked for"))
            seq = _swap32(packet.session_seq) if "endianseq" in cfg.workarounds else packet.session_seq
            self._window = SequenceWindow(seq, rmcpplus=False)
            self.session_id = activated.session_id
            self._out_seq = activated.initial_inbound_seq
            self._then = self._set_privilege

        self._exchange_start(Exchange(Stage.ACTIVATE_SESSION, build, accept, "Activate Session"), now)

    def _verify_authcode(self, packet: Packet15, auth: AuthType) -> None:
        """Raise Drop unless ``packet`` is authenticated as ``auth`` (Dell retry: -W unexpectedauth)."""
        if self._authcode_ok(packet, auth):
            return
        w = self.config.workarounds
        configured = self.config.auth_type
        if (auth is AuthType.NONE and "unexpectedauth" in w and self.config.flavor is Flavor.IPMIPOWER
                and self._authcode_ok(packet, configured)):
            self._note(f"reply carries a {configured.name} authcode although per-message authentication is off; "
                       "accepted (-W unexpectedauth)")
            return
        if packet.auth_type != auth:
            raise Drop("authcode", f"reply auth type {packet.auth_type} where {int(auth)} ({auth.name}) was expected")
        raise Drop("authcode", f"{auth.name} authcode does not verify")

    def _authcode_ok(self, packet: Packet15, auth: AuthType) -> bool:
        if packet.auth_type != auth:
            return False
        if auth is AuthType.NONE:
            return True
        want = authcode15(auth, self._password, packet.session_id, packet.message, packet.session_seq)
        return hmac.compare_digest(want, packet.authcode)

    def _wrap(self, message: bytes) -> bytes:
        auth = self.config.auth_type if self.per_message_auth else AuthType.NONE
        seq = self._out_seq
        self._out_seq = (self._out_seq + 1) & 0xFFFFFFFF
        code = authcode15(auth, self._password, self.session_id, message, seq)
        if self._trace:
            self._log_pairs(">> in IPMI 1.5 session packet", (("auth type", auth.name), ("session seq", seq),
                                                         ("session ID", f"{self.session_id:#010x}")))
        return encode_packet15(int(auth), seq, self.session_id, code, message)

    def _unwrap(self, datagram: bytes) -> bytes:
        packet = decode_packet15(datagram)
        w = self.config.workarounds
        if self._trace:
            self._log_pairs("<< IPMI 1.5 session packet", (("auth type", packet.auth_type),
                                                          ("session seq", packet.session_seq),
                                                          ("session ID", f"{packet.session_id:#010x}"),
                                                          ("message length", len(packet.message))))
        if "noauthcodecheck" not in w:
            self._verify_authcode(packet, self.config.auth_type if self.per_message_auth else AuthType.NONE)
        seq = _swap32(packet.session_seq) if "endianseq" in w else packet.session_seq
        problem = self._window.check(seq)
        if problem:
            raise Drop("sequence number", problem)
        if packet.session_id != self.session_id and not (packet.session_id == 0 and "idzero" in w):
            raise Drop("session ID mismatch", f"session ID {packet.session_id:#010x} where "
                                              f"{self.session_id:#010x} was expected")
        return packet.message

    def _close_session_id(self) -> int:
        return self.session_id
