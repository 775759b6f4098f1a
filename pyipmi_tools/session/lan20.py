"""IPMI 2.0 / RMCP+ sessions: Open Session, RAKP 1-4, then integrity- and confidentiality-
protected in-session packets (IPMI 2.0 spec sections 13.15-13.33), as FreeIPMI does them."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Callable

from ..commands.app import AuthCapabilities
from ..crypto import rakp
from ..crypto.confidentiality import ConfidentialityError, PayloadCipher
from ..crypto.digests import compare_digest
from ..crypto.integrity import integrity_signer
from ..crypto.suites import (AUTH_DIGEST_LEN, INTEGRITY_AUTHCODE_LEN, AuthAlg, ConfAlg, IntegrityAlg,
                             cipher_suite)
from ..outcomes import Outcome
from ..wire.rmcpplus import (OpenSessionRequest, OpenSessionResponse, PayloadType, Rakp1, Rakp2, Rakp3, Rakp4,
                             decode_packet20, encode_packet20, status_name)
from .authcaps import start_auth_caps
from .base import Datagram, Drop, Exchange, Fail, Session
from .config import Flavor, Privilege
from .events import Failed, Stage
from .mapping import rmcpplus_status_outcome
from .seqwindow import SequenceWindow

MAX_HANDSHAKE_RESTARTS = 3
_HANDSHAKE_STAGES = (Stage.OPEN_SESSION, Stage.RAKP1, Stage.RAKP3)
# intel20: the RAKP 4 check uses the hash implied by the integrity algorithm.
# FreeIPMI 1.6.10 knows no such mapping for MD5-128 or HMAC-SHA256-128: the check then fails.
_INTEL20_ICV_ALG = {IntegrityAlg.NONE: AuthAlg.RAKP_NONE, IntegrityAlg.HMAC_SHA1_96: AuthAlg.HMAC_SHA1,
                    IntegrityAlg.HMAC_MD5_128: AuthAlg.HMAC_MD5}


class Lan20Session(Session):
    """An RMCP+ session (``--driver-type LAN_2_0``)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.suite = cipher_suite(self.config.cipher_suite)
        self._tag = self.rng.getrandbits(8)
        self._restarts = 0
        self.console_sid = 0
        self.bmc_sid = 0
        self._out_seq = 0
        self._window = SequenceWindow(0, rmcpplus=True)
        self._rm = b""
        self._rc = b""
        self._guid = b""
        self._cipher: PayloadCipher | None = None          # AES-CBC-128 under K2, if the suite encrypts
        self._signer: Callable[[bytes], bytes] | None = None   # the integrity authcode, if it signs
        self._sik = b""
        w = self.config.workarounds
        self._intel20 = "intel20" in w
        self._role = 0x10 | int(self.config.privilege)

    # --- handshake --------------------------------------------------------------------

    def _begin(self, now: float) -> None:
        start_auth_caps(self, now, self._after_caps)

    def _after_caps(self, caps: AuthCapabilities) -> None:
        self._then = self._start_open_session

    def _next_tag(self) -> int:
        self._tag = (self._tag + 1) & 0xFF
        if self.config.flavor is Flavor.IPMIPOWER:
            self._next_rq_seq()  # ipmipower advances its requester sequence for every packet
        return self._tag

    @property
    def _username(self) -> bytes:
        return self.config.effective_username or b""

    @property
    def _kuid(self) -> bytes:
        password = self.config.password or b""
        if self._intel20 and self.suite.auth is AuthAlg.HMAC_MD5:
            password = password[:16]
        return password

    def _start_open_session(self, now: float) -> None:
        cfg = self.config
        w = cfg.workarounds
        self.console_sid = 0
        while not self.console_sid:
            self.console_sid = self.rng.getrandbits(32)
        self._rm = self.rng.getrandbits(128).to_bytes(16, "little")  # one per handshake, kept on resends
        requested = int(cfg.privilege) if ({"opensesspriv", "sun20", "intel20"} & w.flags) else 0
        expected: dict[str, int] = {}

        def build() -> Datagram:
            request = OpenSessionRequest(self._next_tag(), requested, self.console_sid, self.suite.auth,
                                         self.suite.integrity, self.suite.confidentiality)
            expected["tag"] = request.tag
            self._log_fields(">> RMCP+ Open Session Request", request)
            return Datagram(encode_packet20(PayloadType.OPEN_SESSION_REQUEST, 0, 0, request.encode()))

        def accept(datagram: bytes) -> None:
            reply = OpenSessionResponse.decode(self._setup_payload(datagram, PayloadType.OPEN_SESSION_RESPONSE))
            self._log_fields("<< RMCP+ Open Session Response", reply)
            self._check_setup_reply(reply.tag, expected["tag"], reply.status, reply.console_session_id, Stage.OPEN_SESSION)
            priv = reply.max_privilege
            if self._intel20:
                ok = priv == int(cfg.privilege)
            else:
                ok = int(cfg.privilege) <= priv <= Privilege.OEM
            if not ok:
                raise Fail(Failed(Outcome.PRIVILEGE_CANNOT_BE_OBTAINED, Stage.OPEN_SESSION,
                                  f"the BMC grants maximum privilege {priv}, {int(cfg.privilege)} was asked for"
                                  + ("" if requested else " (Open Session asked for 0, 'highest'; "
                                     "-W opensesspriv sends the real level)")))
            proposed = (self.suite.auth, self.suite.integrity, self.suite.confidentiality)
            named = (reply.auth_alg, reply.integrity_alg, reply.conf_alg)
            if tuple(map(int, proposed)) != named:
                self._note(f"the BMC's Open Session Response names algorithms auth={named[0]} integrity="
                           f"{named[1]} confidentiality={named[2]}, not the proposed cipher suite "
                           f"{self.suite.id} ({int(proposed[0])}/{int(proposed[1])}/{int(proposed[2])}); "
                           f"carrying on with the proposed ones, as FreeIPMI does")
            self.bmc_sid = reply.bmc_session_id
            self._then = self._start_rakp1

        self._exchange_start(Exchange(Stage.OPEN_SESSION, build, accept, "RMCP+ Open Session Request"), now)

    def _rakp_username(self) -> bytes:
        """The user name as RAKP 1 carries it (intel20 pads it with NULs to 16 bytes)."""
        return self._username.ljust(16, b"\0") if self._intel20 else self._username

    def _start_rakp1(self, now: float) -> None:
        expected: dict[str, int] = {}

        def build() -> Datagram:
            message = Rakp1(self._next_tag(), self.bmc_sid, self._rm, self._role, self._rakp_username())
            expected["tag"] = message.tag
            self._log_fields(">> RAKP Message 1", message)
            return Datagram(encode_packet20(PayloadType.RAKP1, 0, 0, message.encode()))

        def accept(datagram: bytes) -> None:
            reply = Rakp2.decode(self._setup_payload(datagram, PayloadType.RAKP2))
            self._log_fields("<< RAKP Message 2", reply)
            self._check_setup_reply(reply.tag, expected["tag"], reply.status, reply.console_session_id, Stage.RAKP1)
            self._verify_rakp2(reply)
            self._rc, self._guid = reply.bmc_random, reply.bmc_guid
            self._derive_keys()
            self._then = self._start_rakp3

        self._exchange_start(Exchange(Stage.RAKP1, build, accept, "RAKP Message 1"), now)

    def _verify_rakp2(self, reply: Rakp2) -> None:
        alg = self.suite.auth
        w = self.config.workarounds
        code = reply.key_exchange_authcode
        want = AUTH_DIGEST_LEN[alg]
        # ipmipower's supermicro20 knows RAKP-none, HMAC-SHA1 and HMAC-MD5 only; libfreeipmi also SHA256
        supermicro = "supermicro20" in w and (alg is not AuthAlg.HMAC_SHA256
                                              or self.config.flavor is Flavor.LIBFREEIPMI)
        if len(code) == want + 1 and (supermicro or ("sun20" in w and alg is AuthAlg.HMAC_SHA1)):
            self._note(f"RAKP 2 key exchange authcode is {len(code)} bytes, one too many; "
                       f"dropping the last byte (-W {'supermicro20' if supermicro else 'sun20'})")
            code = code[:want]
        if len(code) != want:
            raise Fail(Failed(Outcome.PASSWORD_INVALID, Stage.RAKP1,
                              f"RAKP 2 key exchange authcode is {len(code)} bytes, {want} expected for "
                              f"{alg.name}" + (" (a one-byte-long authcode is what -W supermicro20 fixes)"
                                               if len(code) == want + 1 else "")))
        expected = rakp.rakp2_authcode(alg, self._kuid, self.console_sid, self.bmc_sid, self._rm,
                                       reply.bmc_random, reply.bmc_guid, self._role, self._rakp_username())
        if not compare_digest(code, expected):
            raise Fail(Failed(Outcome.PASSWORD_INVALID, Stage.RAKP1,
                              "RAKP 2 key exchange authcode does not verify with this password"))

    def _derive_keys(self) -> None:
        alg = self.suite.auth
        if alg is AuthAlg.RAKP_NONE:
            return
        key = self.config.effective_k_g or self._kuid
        self._sik = rakp.session_integrity_key(alg, key, self._rm, self._rc, self._role, self._rakp_username())
        if self.suite.integrity is not IntegrityAlg.NONE:
            self._signer = integrity_signer(self.suite.integrity, rakp.derive_k1(alg, self._sik),
                                            self.config.password or b"")
        if self.suite.confidentiality is ConfAlg.AES_CBC_128:
            self._cipher = PayloadCipher(rakp.derive_k2(alg, self._sik))

    def _start_rakp3(self, now: float) -> None:
        expected: dict[str, int] = {}
        alg = self.suite.auth
        role = int(self.config.privilege) if self._intel20 else self._role
        authcode = rakp.rakp3_authcode(alg, self._kuid, self._rc, self.console_sid, role, self._username)

        def build() -> Datagram:
            message = Rakp3(self._next_tag(), 0, self.bmc_sid, authcode)
            expected["tag"] = message.tag
            self._log_fields(">> RAKP Message 3", message)
            return Datagram(encode_packet20(PayloadType.RAKP3, 0, 0, message.encode()))

        def accept(datagram: bytes) -> None:
            reply = Rakp4.decode(self._setup_payload(datagram, PayloadType.RAKP4))
            self._log_fields("<< RAKP Message 4", reply)
            self._check_setup_reply(reply.tag, expected["tag"], reply.status, reply.console_session_id,
                                    Stage.RAKP3)
            self._verify_rakp4(reply)
            self._then = self._set_privilege

        self._exchange_start(Exchange(Stage.RAKP3, build, accept, "RAKP Message 3"), now)

    def _verify_rakp4(self, reply: Rakp4) -> None:
        icv = reply.integrity_check_value
        alg = self.suite.auth
        if self._intel20:
            if self.suite.integrity not in _INTEL20_ICV_ALG:
                raise Fail(Failed(Outcome.K_G_INVALID, Stage.RAKP3, "-W intel20 cannot check a RAKP 4 integrity "
                                  f"check value for {self.suite.integrity.name}"))
            alg = _INTEL20_ICV_ALG[self.suite.integrity]
        if alg is AuthAlg.RAKP_NONE:
            if icv and "integritycheckvalue" in self.config.workarounds and self.suite.id == 0:
                self._note("ignoring a non-empty RAKP 4 integrity check value (-W integritycheckvalue)")
                return
            if icv:
                raise Fail(Failed(Outcome.K_G_INVALID, Stage.RAKP3,
                                  f"RAKP 4 carries a {len(icv)}-byte integrity check value where none belongs"))
            return
        expected = rakp.rakp4_icv(alg, self._sik, self._rm, self.bmc_sid, self._guid)
        if not compare_digest(icv, expected):
            raise Fail(Failed(Outcome.K_G_INVALID, Stage.RAKP3,
                              "RAKP 4 integrity check value does not verify (wrong K_g, or a BMC that "
                              "derives the session integrity key differently)"))

    def _on_handshake_retransmit(self, exchange: Exchange, now: float) -> bool:
        """Restart with a new console session ID when a handshake resend went unanswered too.

        FreeIPMI keeps resending the same stage; a BMC that already answered (its reply was
        lost) has moved on and ignores the resends until the session times out.
        """
        if (exchange.stage not in _HANDSHAKE_STAGES or not self.config.restart_handshake
                or exchange.sends < 2 or self._restarts >= MAX_HANDSHAKE_RESTARTS):
            return False
        self._restarts += 1
        self._pin_deadline()
        self._note(f"{exchange.label} was sent {exchange.sends} times without a valid reply; restarting the "
                   f"handshake with a new console session ID (restart {self._restarts} of "
                   f"{MAX_HANDSHAKE_RESTARTS}; FreeIPMI would keep resending until the session timeout)")
        self._start_open_session(now)
        return True

    # --- packets ----------------------------------------------------------------------

    def _setup_payload(self, datagram: bytes, payload_type: PayloadType) -> bytes:
        packet = decode_packet20(datagram)
        if packet.payload_type != payload_type:
            raise Drop("payload type mismatch", f"payload type {packet.payload_type:#04x} where "
                                                f"{int(payload_type):#04x} ({payload_type.name}) was expected")
        return packet.payload

    def _check_setup_reply(self, tag: int, want_tag: int, status: int, console_sid: int | None,
                           stage: Stage) -> None:
        if tag != want_tag:
            raise Drop("message tag mismatch", f"message tag {tag} where {want_tag} was expected "
                                               f"(stale reply to an earlier send?)")
        if status:
            outcome = rmcpplus_status_outcome(status, self.config.flavor, stage)
            if console_sid is None and self.config.flavor is Flavor.LIBFREEIPMI:
                outcome = Outcome.INTERNAL_IPMI_ERROR  # libfreeipmi cannot read the missing session ID
            raise Fail(Failed(outcome, stage, f"RMCP+ status {status:#04x} ({status_name(status)})",
                              rmcpplus_status=status))
        if console_sid != self.console_sid and not self._accept_zero_id(console_sid):
            raise Drop("session ID mismatch", f"remote console session ID {console_sid:#010x} where "
                                              f"{self.console_sid:#010x} was expected")

    def _accept_zero_id(self, sid: int) -> bool:
        return sid == 0 and "idzero" in self.config.workarounds and self.config.flavor is Flavor.IPMIPOWER

    def _next_out_seq(self) -> int:
        self._out_seq = (self._out_seq + 1) & 0xFFFFFFFF or 1
        return self._out_seq

    def _wrap(self, message: bytes) -> bytes:
        cipher = self._cipher
        encrypted = cipher is not None
        payload = cipher.encrypt(message, self.rng.getrandbits(128).to_bytes(16, "little")) \
            if cipher is not None else message
        sign = self._signer
        seq = self._next_out_seq()
        if self._trace:
            self._log_pairs(">> in RMCP+ session packet", (("payload type", "IPMI"), ("encrypted", encrypted),
                                                       ("authenticated", sign is not None),
                                                       ("session ID", f"{self.bmc_sid:#010x}"), ("session seq", seq),
                                                       ("payload length", len(payload))))
        return encode_packet20(PayloadType.IPMI, self.bmc_sid, seq, payload, encrypted, sign)

    def _unwrap(self, datagram: bytes) -> bytes:
        suite = self.suite
        packet = decode_packet20(datagram, INTEGRITY_AUTHCODE_LEN[suite.integrity])
        if packet.payload_type != PayloadType.IPMI:
            raise Drop("payload type mismatch", f"payload type {packet.payload_type:#04x} in session, "
                                                "IPMI (0x00) expected")
        if self._trace:
            self._log_pairs("<< RMCP+ session packet", (("payload type", packet.payload_type),
                                                       ("encrypted", packet.encrypted),
                                                       ("authenticated", packet.authenticated),
                                                       ("session ID", f"{packet.session_id:#010x}"),
                                                       ("session seq", packet.session_seq),
                                                       ("payload length", len(packet.payload)),
                                                       ("authcode", packet.authcode)))
        signer = self._signer
        if signer is not None:
            if not packet.authenticated:
                raise Drop("unauthenticated", "reply is not authenticated although the session uses "
                                              f"{suite.integrity.name}")
            want = signer(packet.signed)
            if not compare_digest(want, packet.authcode):
                raise Drop("integrity check failed", f"integrity check failed ({suite.integrity.name} "
                                                     "authcode does not match)")
        payload = packet.payload
        cipher = self._cipher
        if cipher is not None:
            if not packet.encrypted:
                raise Drop("unencrypted", "reply is not encrypted although the session uses AES-CBC-128")
            try:
                payload = cipher.decrypt(payload)
            except ConfidentialityError as err:
                raise Drop("decryption failed", f"AES-CBC-128 payload rejected: {err}") from None
        problem = self._window.check(packet.session_seq)
        if problem:
            raise Drop("sequence number", problem)
        if packet.session_id != self.console_sid and not self._accept_zero_id(packet.session_id):
            raise Drop("session ID mismatch", f"session ID {packet.session_id:#010x} where "
                                              f"{self.console_sid:#010x} was expected")
        return payload

    def _close_session_id(self) -> int:
        return self.bmc_sid
