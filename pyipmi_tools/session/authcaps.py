"""Get Channel Authentication Capabilities: the first exchange of both session types."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Callable

from ..commands import app
from ..commands.app import AuthCapabilities
from ..outcomes import Outcome
from ..wire.lan15 import decode_packet15, encode_packet15
from ..wire.message import decode_response, encode_request
from .base import Datagram, Exchange, Fail, Session
from .config import Driver, Flavor
from .events import Failed, Stage
from .mapping import setup_cc_outcome


def start_auth_caps(session: Session, now: float, on_caps: Callable[[AuthCapabilities], None]) -> None:
    """Send Get Channel Authentication Capabilities (always IPMI 1.5 framing, auth none)."""
    cfg = session.config
    ipmi20 = cfg.driver is Driver.LAN_2_0
    request = app.get_channel_auth_caps(int(cfg.privilege), ipmi20)
    expected: dict[str, int] = {}

    def build() -> Datagram:
        rq_seq = session._next_rq_seq()
        expected["rq_seq"] = rq_seq
        session._log_pairs(">> Get Channel Authentication Capabilities request (IPMI 1.5 framing, auth none)",
                           (("rq seq", rq_seq), ("channel", request.data[0] & 0x0F), ("get v2.0 data", ipmi20),
                            ("requested privilege", cfg.privilege)))
        message = encode_request(request.spec.netfn, request.spec.cmd, rq_seq, request.data)
        return Datagram(encode_packet15(0, 0, 0, b"", message))

    def accept(datagram: bytes) -> None:
        packet = decode_packet15(datagram)
        message = decode_response(packet.message, verify_checksums="nochecksumcheck" not in cfg.workarounds)
        Session._check_match(message, request.spec.netfn | 1, request.spec.cmd, expected["rq_seq"])
        cc = message.completion_code or 0
        if cc:
            if ipmi20 and cc == 0xCC and cfg.flavor is Flavor.IPMIPOWER:
                outcome = Outcome.IPMI_20_UNAVAILABLE
            else:
                outcome = setup_cc_outcome(cc, cfg.flavor)
            raise Fail(Failed(outcome, Stage.AUTH_CAPS, f"completion code {cc:#04x}", completion_code=cc,
                              command=request.spec.name))
        caps = app.decode_auth_caps(message.data)
        session._log_fields("<< Get Channel Authentication Capabilities response", caps)
        check_auth_caps(session, caps)
        on_caps(caps)

    session._exchange_start(Exchange(Stage.AUTH_CAPS, build, accept, "Get Channel Authentication Capabilities"), now)


def check_auth_caps(session: Session, caps: AuthCapabilities) -> None:
    """FreeIPMI's checks of the capabilities reply; raises :class:`Fail`."""
    cfg = session.config
    ipmi20 = cfg.driver is Driver.LAN_2_0

    def fail(outcome: Outcome, why: str) -> None:
        raise Fail(Failed(outcome, Stage.AUTH_CAPS, why))

    if ipmi20 and not (caps.ipmi20_extended and caps.supports_ipmi20):
        fail(Outcome.IPMI_20_UNAVAILABLE, "the channel does not report IPMI 2.0 support")
    if "authcap" in cfg.workarounds:
        return
    username = cfg.effective_username
    if username is None and not cfg.password:
        if not caps.anonymous_login:
            fail(Outcome.USERNAME_INVALID, "no user name or password given and anonymous login is disabled")
    elif username is None:
        if not caps.null_usernames:
            fail(Outcome.USERNAME_INVALID, "no user name given and null user names are disabled")
    elif not caps.non_null_usernames:
        fail(Outcome.USERNAME_INVALID, "a user name was given and non-null user names are disabled")
    if ipmi20:
        have_kg = cfg.effective_k_g is not None
        if caps.kg_set != have_kg:
            fail(Outcome.K_G_INVALID, "the BMC " + ("requires a K_g but none was given" if caps.kg_set
                                                    else "has no K_g set but one was given"))
    elif not caps.auth_types & (1 << int(cfg.auth_type)):
        fail(Outcome.AUTH_TYPE_UNAVAILABLE,
             f"authentication type {cfg.auth_type.name} is not enabled (types bitmap {caps.auth_types:#04x})")
