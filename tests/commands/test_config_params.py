"""Configuration-parameter, user and channel commands: request bytes and reply decoding."""

from __future__ import annotations

import pytest

from pyipmi_tools.commands import NETFN_APP, NETFN_TRANSPORT
from pyipmi_tools.commands import config_params as cp
from pyipmi_tools.wire.buffer import DecodeError


def test_lan_parameter_requests_carry_channel_selectors_and_names() -> None:
    get = cp.get_lan_param(1, 56, "ipv6_static_addresses", set_selector=2)
    assert (get.spec.netfn, get.spec.cmd, get.data) == (NETFN_TRANSPORT, 0x02, bytes((1, 56, 2, 0)))
    assert get.spec.name == "get_lan_configuration_parameters_ipv6_static_addresses"
    put = cp.set_lan_param(1, 3, bytes((127, 0, 0, 9)), "ip_address")
    assert (put.spec.cmd, put.data) == (0x01, bytes((1, 3, 127, 0, 0, 9)))
    assert put.spec.name == "set_lan_configuration_parameters_ip_address"


@pytest.mark.parametrize("build, netfn, cmd, data", [
    (lambda: cp.get_sol_param(1, 7), NETFN_TRANSPORT, 0x22, bytes((1, 7, 0, 0))),
    (lambda: cp.set_sol_param(1, 8, b"\x70\x02"), NETFN_TRANSPORT, 0x21, bytes((1, 8, 0x70, 0x02))),
    (lambda: cp.get_serial_param(2, 3), NETFN_TRANSPORT, 0x11, bytes((2, 3, 0, 0))),
    (lambda: cp.set_serial_param(2, 3, b"\x05"), NETFN_TRANSPORT, 0x10, bytes((2, 3, 5))),
    (lambda: cp.get_pef_param(1), 0x04, 0x13, bytes((1, 0, 0))),
    (lambda: cp.set_pef_param(1, b"\x01"), 0x04, 0x12, bytes((1, 1))),
    (lambda: cp.get_channel_info(5), NETFN_APP, 0x42, b"\x05"),
    (lambda: cp.get_user_name(3), NETFN_APP, 0x46, b"\x03"),
    (lambda: cp.set_user_name(3, b"bob"), NETFN_APP, 0x45, b"\x03bob" + bytes(13)),
    (lambda: cp.get_user_access(1, 4), NETFN_APP, 0x44, b"\x01\x04"),
    (lambda: cp.set_user_access(1, 5, 2, False, False, False), NETFN_APP, 0x43, bytes((0x81, 5, 2, 0))),
    (lambda: cp.set_user_access(1, 5, 4, True, True, True, 3), NETFN_APP, 0x43, bytes((0xF1, 5, 4, 3))),
    (lambda: cp.set_user_password(5, cp.PASSWORD_ENABLE_USER), NETFN_APP, 0x47, bytes((5, 1))),
    (lambda: cp.set_user_password(5, cp.PASSWORD_ENABLE_USER, with_password=True), NETFN_APP, 0x47,
     bytes((5, 1)) + bytes(16)),
    (lambda: cp.set_user_password(5, cp.PASSWORD_SET, b"pw"), NETFN_APP, 0x47, bytes((5, 2)) + b"pw" + bytes(14)),
    (lambda: cp.set_user_password(5, cp.PASSWORD_SET, b"x" * 17, size20=True), NETFN_APP, 0x47,
     bytes((0x85, 2)) + b"x" * 17 + bytes(3)),
    (lambda: cp.set_user_payload_access(1, 3, True), NETFN_APP, 0x4C, bytes((1, 3, 2, 0, 0, 0))),
    (lambda: cp.set_user_payload_access(1, 3, False), NETFN_APP, 0x4C, bytes((1, 0x43, 2, 0, 0, 0))),
    (lambda: cp.get_user_payload_access(1, 3), NETFN_APP, 0x4D, bytes((1, 3))),
    (lambda: cp.get_channel_access(1, True), NETFN_APP, 0x41, bytes((1, 0x80))),
    (lambda: cp.get_channel_access(1, False), NETFN_APP, 0x41, bytes((1, 0x40))),
    (lambda: cp.read_channel_key(1, cp.KEY_G), NETFN_APP, 0x56, bytes((1, 0, 1))),
    (lambda: cp.set_channel_key(1, cp.KEY_R, b"abc"), NETFN_APP, 0x56, bytes((1, 1, 0)) + b"abc" + bytes(17)),
])
def test_request_bytes(build, netfn: int, cmd: int, data: bytes) -> None:
    request = build()
    assert (request.spec.netfn, request.spec.cmd, request.data) == (netfn, cmd, data)


def test_set_channel_access_writes_both_bytes_in_one_store() -> None:
    access = cp.ChannelAccess(3, True, False, True, 4)
    assert cp.set_channel_access(1, access, volatile=True).data == bytes((1, 0x80 | 0x03 | 0x10, 0x84))
    assert cp.set_channel_access(1, access, volatile=False).data == bytes((1, 0x40 | 0x03 | 0x10, 0x44))


def test_decoders() -> None:
    access = cp.decode_channel_access(bytes((0x22, 0x04)))
    assert access == cp.ChannelAccess(2, True, True, False, 4)
    user = cp.decode_user_access(bytes((0x0A, 0x43, 0x01, 0x34)))
    assert (user.max_users, user.enabled_users, user.enable_status, user.fixed_names) == (10, 3, 1, 1)
    assert (user.privilege_limit, user.ipmi_messaging, user.link_auth, user.callback_only) == (4, True, True, False)
    assert cp.decode_user_name(b"admin" + bytes(11)) == b"admin"
    assert cp.decode_user_payload_access(bytes((2, 0, 0, 0))) == 2
    assert cp.decode_channel_info(bytes((1, 4, 1, 0x80)) + bytes(5)) == (1, 4, 1)
    assert cp.decode_channel_key(b"\x00" + b"k" * 20) == b"k" * 20
    assert cp.decode_param(b"\x11\x01\x02\x03", 2) == b"\x01\x02"


@pytest.mark.parametrize("decode, data", [
    (cp.decode_user_access, b"\x01\x02"), (cp.decode_user_name, b"abc"), (cp.decode_channel_access, b"\x01"),
    (cp.decode_user_payload_access, b"\x00"), (lambda d: cp.decode_param(d, 4), b"\x11\x00"),
    (cp.decode_channel_key, b"\x00"),
])
def test_short_replies_raise_decode_error(decode, data: bytes) -> None:
    with pytest.raises(DecodeError):
        decode(data)


def test_oversized_values_are_refused() -> None:
    with pytest.raises(ValueError):
        cp.set_user_name(2, b"x" * 17)
    with pytest.raises(ValueError):
        cp.set_user_password(2, cp.PASSWORD_SET, b"x" * 17)
    with pytest.raises(ValueError):
        cp.set_channel_key(1, cp.KEY_G, b"x" * 21)
