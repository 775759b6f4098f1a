"""Application netfn (0x06) commands used for sessions and device identity."""

from __future__ import annotations

from ..record import record

from . import NETFN_APP, CommandSpec, Request
from ..wire.buffer import Reader, u32le

GET_DEVICE_ID = CommandSpec("get_device_id", NETFN_APP, 0x01, 11)
GET_CHANNEL_AUTH_CAPS = CommandSpec("get_channel_authentication_capabilities", NETFN_APP, 0x38, 8)
GET_SESSION_CHALLENGE = CommandSpec("get_session_challenge", NETFN_APP, 0x39, 20)
ACTIVATE_SESSION = CommandSpec("activate_session", NETFN_APP, 0x3A, 10)
SET_SESSION_PRIVILEGE = CommandSpec("set_session_privilege_level", NETFN_APP, 0x3B, 1)
CLOSE_SESSION = CommandSpec("close_session", NETFN_APP, 0x3C, 0)
GET_CHANNEL_CIPHER_SUITES = CommandSpec("get_channel_cipher_suites", NETFN_APP, 0x54, 1)

CURRENT_CHANNEL = 0x0E


# --- Get Channel Authentication Capabilities --------------------------------------------

def get_channel_auth_caps(privilege: int, ipmi20: bool, channel: int = CURRENT_CHANNEL) -> Request:
    return Request(GET_CHANNEL_AUTH_CAPS, bytes(((0x80 if ipmi20 else 0) | channel, privilege & 0x0F)))


@record
class AuthCapabilities:
    channel: int
    auth_types: int            # bitmap: bit0 none, bit1 MD2, bit2 MD5, bit4 straight, bit5 OEM
    ipmi20_extended: bool      # byte 2 bit 7
    anonymous_login: bool
    null_usernames: bool
    non_null_usernames: bool
    user_level_auth_disabled: bool
    per_message_auth_disabled: bool
    kg_set: bool
    supports_ipmi15: bool
    supports_ipmi20: bool
    oem_id: int
    oem_aux: int


def decode_auth_caps(data: bytes) -> AuthCapabilities:
    r = Reader(data)
    channel, types, status, ext = r.u8(), r.u8(), r.u8(), r.u8()
    oem = int.from_bytes(r.take(3, "OEM ID"), "little")
    aux = r.u8("OEM auxiliary data")
    return AuthCapabilities(
        channel=channel, auth_types=types & 0x3F, ipmi20_extended=bool(types & 0x80),
        anonymous_login=bool(status & 0x01), null_usernames=bool(status & 0x02),
        non_null_usernames=bool(status & 0x04), user_level_auth_disabled=bool(status & 0x08),
        per_message_auth_disabled=bool(status & 0x10), kg_set=bool(status & 0x20),
        supports_ipmi15=bool(ext & 0x01), supports_ipmi20=bool(ext & 0x02), oem_id=oem, oem_aux=aux)


def encode_auth_caps(caps: AuthCapabilities) -> bytes:
    """BMC side."""
    status = (caps.anonymous_login | caps.null_usernames << 1 | caps.non_null_usernames << 2
              | caps.user_level_auth_disabled << 3 | caps.per_message_auth_disabled << 4 | caps.kg_set << 5)
    return (bytes((caps.channel, caps.auth_types | (0x80 if caps.ipmi20_extended else 0), status,
                   caps.supports_ipmi15 | caps.supports_ipmi20 << 1))
            + caps.oem_id.to_bytes(3, "little") + bytes((caps.oem_aux,)))


# --- IPMI 1.5 session establishment ------------------------------------------------------

def get_session_challenge(auth_type: int, username: bytes) -> Request:
    return Request(GET_SESSION_CHALLENGE, bytes((auth_type,)) + username[:16].ljust(16, b"\0"))


@record
class SessionChallenge:
    temp_session_id: int
    challenge: bytes


def decode_session_challenge(data: bytes) -> SessionChallenge:
    r = Reader(data)
    return SessionChallenge(r.u32("temporary session ID"), r.take(16, "challenge string"))


def activate_session(auth_type: int, privilege: int, challenge: bytes, initial_outbound_seq: int) -> Request:
    return Request(ACTIVATE_SESSION, bytes((auth_type, privilege)) + challenge + u32le(initial_outbound_seq))


@record
class ActivatedSession:
    auth_type: int
    session_id: int
    initial_inbound_seq: int
    max_privilege: int


def decode_activate_session(data: bytes) -> ActivatedSession:
    r = Reader(data)
    return ActivatedSession(r.u8() & 0x0F, r.u32("session ID"), r.u32("initial inbound sequence number"),
                            r.u8("maximum privilege") & 0x0F)


def set_session_privilege(privilege: int) -> Request:
    return Request(SET_SESSION_PRIVILEGE, bytes((privilege,)))


def close_session(session_id: int) -> Request:
    return Request(CLOSE_SESSION, u32le(session_id))


# --- identity and cipher suites ----------------------------------------------------------

def get_device_id() -> Request:
    return Request(GET_DEVICE_ID)


@record
class DeviceId:
    device_id: int
    device_revision: int
    provides_sdrs: bool
    firmware_major: int
    firmware_minor: int       # BCD as sent
    ipmi_version: str
    additional_support: int
    manufacturer_id: int
    product_id: int
    aux_firmware: bytes


def decode_device_id(data: bytes) -> DeviceId:
    r = Reader(data)
    dev, rev, fw1, fw2, ver, add = (r.u8() for _ in range(6))
    manu = int.from_bytes(r.take(3), "little") & 0x0FFFFF
    product = r.u16()
    aux = r.take(4) if r.remaining >= 4 else b""
    return DeviceId(dev, rev & 0x0F, bool(rev & 0x80), fw1 & 0x7F, fw2, f"{ver & 0x0F}.{ver >> 4}", add,
                    manu, product, aux)


def get_channel_cipher_suites(list_index: int, channel: int = CURRENT_CHANNEL) -> Request:
    """Ask for 16-byte block ``list_index`` of the cipher suite records (list by suite)."""
    return Request(GET_CHANNEL_CIPHER_SUITES, bytes((channel, 0x00, 0x80 | (list_index & 0x3F))))


def decode_cipher_suite_block(data: bytes) -> tuple[int, bytes]:
    """Return (channel, record bytes of this block)."""
    r = Reader(data)
    return r.u8("channel"), r.rest()


def parse_cipher_suite_records(records: bytes) -> list[int]:
    """Cipher suite IDs in the concatenated record data (standard records only, OEM skipped)."""
    ids: list[int] = []
    i = 0
    while i < len(records):
        tag = records[i]
        if tag == 0xC0 and i + 1 < len(records):
            ids.append(records[i + 1])
            i += 2
        elif tag == 0xC1:
            i += 5
            continue
        else:
            i += 1
            continue
        while i < len(records) and records[i] & 0xC0 in (0x00, 0x40, 0x80) and records[i] not in (0xC0, 0xC1):
            i += 1
    return ids
