"""BmcState: defaults, accessors, and the JSON round trip that keeps every bit."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyipmi_tools.crypto.suites import SUPPORTED_SUITES
from pyipmi_tools.sim.state import (BOOT_OPTION_LENGTHS, NO_ACCESS, PRIV_ADMIN, PRIV_OPERATOR, PRIV_USER,
                                    BmcState, ChannelAccess, PendingTransition, default_state)


def _round_trip(state: BmcState) -> BmcState:
    return BmcState.from_json(json.loads(json.dumps(state.to_json())))


def test_default_users_and_privileges() -> None:
    state = default_state()
    assert state.max_users == 10
    assert [u.user_id for u in state.users] == list(range(1, 11))
    anonymous, admin, operator, user = state.users[:4]
    assert (anonymous.name, anonymous.enabled, anonymous.fixed_name) == ("", False, True)
    assert (admin.name, admin.password, admin.privilege_limit(1)) == ("admin", b"password", PRIV_ADMIN)
    assert (operator.name, operator.password, operator.privilege_limit(1)) == ("operator", b"operpass", PRIV_OPERATOR)
    assert (user.name, user.password, user.privilege_limit(1)) == ("user", b"userpass", PRIV_USER)
    assert admin.sol_allowed(1) and not user.sol_allowed(1)
    assert all(not u.enabled and u.privilege_limit(1) == 0 for u in state.users[4:])
    assert state.users[4].access_on(1) == ChannelAccess(privilege_limit=NO_ACCESS)


def test_default_chassis_boot_and_lan() -> None:
    state = default_state(address="10.1.2.3")
    assert not state.chassis.power_on
    assert state.boot_options == {n: bytes(length) for n, length in BOOT_OPTION_LENGTHS.items()}
    assert state.lan_params[3] == bytes((10, 1, 2, 3))
    assert state.lan_params[5][0] == 0x02                     # locally administered MAC
    assert state.cipher_suite_privileges() == {s: PRIV_ADMIN for s in sorted(SUPPORTED_SUITES)}
    assert state.enabled_cipher_suites() == sorted(SUPPORTED_SUITES)
    assert all(state.auth_type_enables(p) == 0x17 for p in range(1, 6))
    assert state.auth_type_enables(0) == 0 and state.auth_type_support() == 0x17
    assert state.k_g is None and state.k_r == bytes(20)
    assert state.channel_settings(1).privilege_limit == PRIV_ADMIN


def test_non_ipv4_address_leaves_ip_zero() -> None:
    assert default_state(address="::1").lan_params[3] == bytes(4)


def test_seed_makes_bmcs_distinct_and_reproducible() -> None:
    a, b = default_state(1), default_state(2)
    assert a.guid != b.guid and a.system_guid != b.system_guid and a.lan_params[5] != b.lan_params[5]
    assert default_state(1) == a


def test_find_user_ignores_padding_and_disabled_users() -> None:
    state = default_state()
    assert state.find_user(b"operator".ljust(16, b"\0")).user_id == 3
    assert state.find_user(b"nobody") is None
    assert state.find_user(b"") is None                     # user 1 (null name) is disabled
    state.users[0].enabled = True
    assert state.find_user(b"").user_id == 1
    state.users[2].enabled = False
    assert state.find_user(b"operator") is None


def test_user_lookup_range() -> None:
    state = default_state()
    assert state.user(10).user_id == 10
    for bad in (0, 11):
        with pytest.raises(KeyError):
            state.user(bad)


def test_padded_password() -> None:
    user = default_state().user(2)
    assert user.padded_password(16) == b"password" + bytes(8)
    user.password = b"p" * 20
    assert user.padded_password(16) == b"p" * 16 and user.padded_password(20) == b"p" * 20


def test_set_cipher_suites_encodes_parameters_22_to_24() -> None:
    state = default_state()
    state.set_cipher_suites({3: PRIV_ADMIN, 17: PRIV_OPERATOR, 1: 0, 12: PRIV_USER})
    assert state.lan_params[22] == b"\x04"
    assert state.lan_params[23] == bytes((0, 3, 17, 1, 12))
    # one nibble per suite ID (as ipmi-config and ipmitool index it); 17 does not fit
    assert state.lan_params[24] == bytes((0, 0x00, 0x40, 0, 0, 0, 0, 0x02, 0))
    assert state.high_suite_privileges == {17: PRIV_OPERATOR}
    assert state.cipher_suite_privileges() == {3: 4, 17: 3, 1: 0, 12: 2}
    assert state.enabled_cipher_suites() == [3, 17, 12]
    with pytest.raises(ValueError):
        state.set_cipher_suites({n: 4 for n in range(17)})
    with pytest.raises(ValueError):
        state.set_cipher_suites({64: 4})


def test_default_parameter_24_matches_the_supported_suites() -> None:
    # suites 0-3, 6-8, 11, 12, 15 at ADMIN by ID; 16 and 17 beyond the 16 nibbles
    state = default_state()
    assert state.lan_params[24] == bytes.fromhex("00 44 44 00 44 04 40 04 40")
    assert state.high_suite_privileges == {16: PRIV_ADMIN, 17: PRIV_ADMIN}


def test_json_round_trip_of_default_state() -> None:
    state = default_state(7, name="bmc-7")
    data = state.to_json()
    assert data["format"] == 1 and data["guid"] == state.guid.hex()
    assert _round_trip(state) == state


def test_json_round_trip_keeps_timers_keys_and_every_boot_bit() -> None:
    state = default_state()
    state.boot_options[5] = b"\xff\xff\xff\xff\xff"
    state.boot_options[7] = bytes(range(80))
    state.boot_invalid = 0xA5
    state.boot_flags_deadline = 1234.5678901234
    state.chassis.pending = PendingTransition("on", 99.125)
    state.chassis.identify_until = 1e9 + 0.1
    state.k_g = bytes(range(20))
    state.serial_channel = 2
    state.user(5).access[2] = ChannelAccess(3, True, False, True, 7)
    state.user(5).payloads[2] = 0x00FF00FE
    assert _round_trip(state) == state


def test_from_json_rejects_malformed_state() -> None:
    good = default_state().to_json()
    for broken, message in (({**good, "format": 2}, "format"),
                            ({**good, "colour": "red"}, "unknown field"),
                            ({**good, "guid": "zz"}, "state.guid"),
                            ({**good, "guid": "00"}, "16 bytes"),
                            ({**good, "lan_channel": "1"}, "state.lan_channel"),
                            ({**good, "boot_options": {"5": "00"}}, "boot option")):
        with pytest.raises(ValueError, match=message):
            BmcState.from_json(broken)


def test_from_json_fills_missing_fields_with_defaults() -> None:
    data = default_state().to_json()
    del data["chassis"]["cycle_off_time"]
    assert BmcState.from_json(data).chassis.cycle_off_time == 1.0


_bytes = st.binary
_time = st.none() | st.floats(min_value=0, max_value=1e12, allow_nan=False)


@st.composite
def random_states(draw: st.DrawFn) -> BmcState:
    state = default_state(draw(st.integers(0, 2**32)), name=draw(st.text(max_size=8)))
    for number, length in BOOT_OPTION_LENGTHS.items():
        state.boot_options[number] = draw(_bytes(min_size=length, max_size=length))
    state.boot_invalid = draw(st.integers(0, 255))
    state.boot_flags_deadline = draw(_time)
    c = state.chassis
    c.power_on, c.identify_forced = draw(st.booleans()), draw(st.booleans())
    c.restore_policy, c.last_power_event = draw(st.integers(0, 3)), draw(st.integers(0, 0x1F))
    c.identify_until = draw(_time)
    c.cycle_off_time = draw(st.floats(min_value=0, max_value=100, allow_nan=False))
    if draw(st.booleans()):
        c.pending = PendingTransition("on", draw(st.floats(min_value=0, max_value=1e9)))
    for number in (3, 6, 12, 16):
        state.lan_params[number] = draw(_bytes(max_size=18))
    state.sol_params[1] = draw(_bytes(min_size=1, max_size=1))
    state.k_g = draw(st.none() | _bytes(min_size=20, max_size=20))
    state.k_r = draw(_bytes(min_size=20, max_size=20))
    for user in state.users:
        user.name = draw(st.text(st.characters(max_codepoint=255), max_size=16))
        user.password = draw(_bytes(max_size=20))
        user.enabled = draw(st.booleans())
        if draw(st.booleans()):
            user.access[1] = ChannelAccess(draw(st.integers(0, 15)), *draw(st.tuples(*[st.booleans()] * 3)),
                                           draw(st.integers(0, 15)))
        user.payloads[1] = draw(st.integers(0, 2**32 - 1))
    return state


@settings(max_examples=60, deadline=None)
@given(random_states())
def test_json_round_trip_of_random_states(state: BmcState) -> None:
    assert _round_trip(state) == state
