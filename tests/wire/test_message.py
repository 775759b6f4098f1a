"""The IPMI LAN message (IPMI 2.0 spec 13.8): byte-exact encoding, checksums, decoding.

Expected bytes are written out by hand from the layout
``rsSA, netFn<<2|rsLUN, checksum1, rqSA, rqSeq<<2|rqLUN, cmd, data..., checksum2``
and checked against messages FreeIPMI 1.6.10 put on the wire (``ipmipower --debug`` dumps
and tshark captures against ipmi_sim).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyipmi_tools.wire.buffer import DecodeError
from pyipmi_tools.wire.message import (BMC_SLAVE_ADDRESS, REMOTE_CONSOLE_SOFTWARE_ID, Message, checksum,
                                       decode_request, decode_response, encode_request, encode_response)


def test_addresses() -> None:
    assert BMC_SLAVE_ADDRESS == 0x20
    assert REMOTE_CONSOLE_SOFTWARE_ID == 0x81


def test_checksum_is_twos_complement() -> None:
    assert checksum(bytes((0x20, 0x18))) == 0xC8     # rsSA, netFn App << 2
    assert checksum(bytes((0x20, 0x00))) == 0xE0     # netFn Chassis
    assert checksum(bytes((0x81, 0x1C))) == 0x63     # reply header, netFn App response
    assert checksum(b"") == 0
    assert checksum(b"\x00") == 0
    assert checksum(b"\x01") == 0xFF


@given(st.binary(max_size=64))
def test_checksum_makes_the_sum_zero(data: bytes) -> None:
    assert (sum(data) + checksum(data)) % 256 == 0


def test_auth_caps_request_as_freeipmi_sends_it() -> None:
    # ipmipower --debug (IPMI 2.0): rq_seq 1, channel 0x0E with the "v2.0 data" bit, privilege 3.
    #                  rsSA netFn<<2 ck1  rqSA seq<<2 cmd  data   ck2
    expected = bytes((0x20, 0x18, 0xC8, 0x81, 1 << 2, 0x38, 0x8E, 0x03, 0xB2))
    assert encode_request(0x06, 0x38, 1, b"\x8e\x03") == expected
    # tshark capture of ipmipower against ipmi_sim: rq_seq 17
    assert encode_request(0x06, 0x38, 17, b"\x8e\x03") == bytes.fromhex("2018c88144388e0372")
    # IPMI 1.5 variant (no v2.0 bit), rq_seq 3, from the 1.5 MD5 capture
    assert encode_request(0x06, 0x38, 3, b"\x0e\x03") == bytes.fromhex("2018c8810c380e032a")


@pytest.mark.parametrize("rq_seq", range(64))
def test_request_checksums_for_every_rq_seq(rq_seq: int) -> None:
    raw = encode_request(0x06, 0x38, rq_seq, b"\x8e\x04")
    assert raw[:4] == bytes((0x20, 0x18, 0xC8, 0x81))
    assert raw[4] == rq_seq << 2
    assert sum(raw[:3]) % 256 == 0
    assert sum(raw[3:]) % 256 == 0


def test_rq_seq_is_masked_to_six_bits() -> None:
    assert encode_request(0x06, 0x01, 64 + 5)[4] == 5 << 2
    assert encode_response(0x07, 0x01, 64 + 5, 0)[4] == 5 << 2


def test_request_without_data() -> None:
    # Get Chassis Status from the ipmipower --debug dump: rq_seq 6
    assert encode_request(0x00, 0x01, 6) == bytes.fromhex("20 00 e0 81 18 01 66")


def test_request_with_other_addresses() -> None:
    raw = encode_request(0x06, 0x01, 2, b"", rs_addr=0x22, rq_addr=0x83)
    assert raw == bytes((0x22, 0x18, checksum(b"\x22\x18"), 0x83, 0x08, 0x01, checksum(b"\x83\x08\x01")))


def test_response_bytes() -> None:
    # Auth Caps reply from the capture: cc 0, 8 data bytes, rq_seq 17
    data = bytes.fromhex("01 97 04 03 00 00 00 00")
    assert encode_response(0x07, 0x38, 17, 0, data) == bytes.fromhex("811c6320 4438 00 0197040300000000 c5")
    # Close Session reply from the ipmipower --debug dump
    assert encode_response(0x07, 0x3C, 7, 0) == bytes.fromhex("81 1c 63 20 1c 3c 00 88")
    # a completion code other than 0
    assert encode_response(0x07, 0x3A, 1, 0xD4) == bytes((0x81, 0x1C, 0x63, 0x20, 0x04, 0x3A, 0xD4,
                                                          checksum(b"\x20\x04\x3a\xd4")))


def test_decode_captured_response() -> None:
    msg = decode_response(bytes.fromhex("811c63204438000197040300000000c5"))
    assert msg == Message(netfn=0x07, cmd=0x38, rq_seq=17, data=bytes.fromhex("0197040300000000"),
                          completion_code=0, rs_addr=0x20, rq_addr=0x81, rs_lun=0, rq_lun=0)
    assert msg.is_response


def test_decode_captured_chassis_status_response() -> None:
    # from the ipmipower --debug dump (decrypted payload)
    msg = decode_response(bytes.fromhex("81 04 7b 20 18 01 00 00 00 00 c7"))
    assert (msg.netfn, msg.cmd, msg.rq_seq, msg.completion_code, msg.data) == (0x01, 0x01, 6, 0, b"\0\0\0")


def test_decode_captured_set_privilege_request() -> None:
    msg = decode_request(bytes.fromhex("20 18 c8 81 14 3b 03 2d"))
    assert msg == Message(netfn=0x06, cmd=0x3B, rq_seq=5, data=b"\x03", completion_code=None)
    assert not msg.is_response


def test_decode_captured_close_session_request() -> None:
    msg = decode_request(bytes.fromhex("20 18 c8 81 1c 3c 02 01 00 00 24"))
    assert (msg.netfn, msg.cmd, msg.rq_seq, msg.data) == (0x06, 0x3C, 7, bytes.fromhex("02010000"))


def test_luns_are_split_off() -> None:
    raw = bytearray(encode_response(0x07, 0x01, 9, 0, b"\x01"))
    raw[1] |= 0x02   # rsLUN in the netFn byte
    raw[4] |= 0x01   # rqLUN in the seq byte
    msg = decode_response(bytes(raw), verify_checksums=False)
    assert (msg.netfn, msg.rs_lun, msg.rq_seq, msg.rq_lun) == (0x07, 2, 9, 1)
    req = bytearray(encode_request(0x06, 0x01, 9))
    req[1] |= 0x03
    req[4] |= 0x02
    msg = decode_request(bytes(req), verify_checksums=False)
    assert (msg.netfn, msg.rs_lun, msg.rq_seq, msg.rq_lun) == (0x06, 3, 9, 2)


@given(netfn=st.integers(0, 0x3F), cmd=st.integers(0, 255), rq_seq=st.integers(0, 63),
       data=st.binary(max_size=40))
def test_request_round_trip(netfn: int, cmd: int, rq_seq: int, data: bytes) -> None:
    msg = decode_request(encode_request(netfn, cmd, rq_seq, data))
    assert (msg.netfn, msg.cmd, msg.rq_seq, msg.data, msg.completion_code) == (netfn, cmd, rq_seq, data, None)


@given(netfn=st.integers(0, 0x3F), cmd=st.integers(0, 255), rq_seq=st.integers(0, 63),
       cc=st.integers(0, 255), data=st.binary(max_size=40))
def test_response_round_trip(netfn: int, cmd: int, rq_seq: int, cc: int, data: bytes) -> None:
    msg = decode_response(encode_response(netfn, cmd, rq_seq, cc, data))
    assert (msg.netfn, msg.cmd, msg.rq_seq, msg.completion_code, msg.data) == (netfn, cmd, rq_seq, cc, data)
    assert (msg.rs_addr, msg.rq_addr) == (0x20, 0x81)


def test_bad_checksum1_is_rejected() -> None:
    raw = bytearray(bytes.fromhex("811c63204438000197040300000000c5"))
    raw[2] ^= 0x01
    with pytest.raises(DecodeError, match="checksum 1"):
        decode_response(bytes(raw))
    assert decode_response(bytes(raw), verify_checksums=False).cmd == 0x38  # -W nochecksumcheck


def test_bad_checksum2_is_rejected() -> None:
    raw = bytearray(bytes.fromhex("811c63204438000197040300000000c5"))
    raw[-1] ^= 0x80
    with pytest.raises(DecodeError, match="checksum 2"):
        decode_response(bytes(raw))
    assert decode_response(bytes(raw), verify_checksums=False).data == bytes.fromhex("0197040300000000")


def test_corrupt_body_fails_checksum2() -> None:
    raw = bytearray(bytes.fromhex("20 18 c8 81 14 3b 03 2d"))
    raw[6] = 0x04  # privilege byte changed, checksum not
    with pytest.raises(DecodeError, match="checksum 2"):
        decode_request(bytes(raw))


@pytest.mark.parametrize("length", range(7))
def test_short_messages_are_rejected(length: int) -> None:
    raw = bytes.fromhex("811c63204438000197040300000000c5")[:length]
    with pytest.raises(DecodeError, match="shorter than 7"):
        decode_response(raw, verify_checksums=False)
    with pytest.raises(DecodeError, match="shorter than 7"):
        decode_request(raw, verify_checksums=False)


def test_response_without_completion_code_is_rejected() -> None:
    raw = encode_request(0x07, 0x38, 1)  # 7 bytes: no completion code
    with pytest.raises(DecodeError, match="no completion code"):
        decode_response(raw)
    assert decode_request(raw).data == b""  # a 7-byte request is fine


def test_decode_accepts_bytearray_and_memoryview() -> None:
    raw = bytes.fromhex("811c63204438000197040300000000c5")
    assert decode_response(bytearray(raw)).data == bytes.fromhex("0197040300000000")
    assert isinstance(decode_response(memoryview(raw)).data, bytes)
