"""Chassis netfn commands: request bytes of every builder, Get Chassis Status, boot options."""

from __future__ import annotations

from pyipmi_tools.record import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyipmi_tools.commands import NETFN_CHASSIS, CommandSpec, Request
from pyipmi_tools.commands.chassis import (BOOT_PARAM_BOOT_FLAGS, BOOT_PARAM_INFO_ACKNOWLEDGE,
                                           BOOT_PARAM_SET_IN_PROGRESS, BOOT_PARAM_VALID_BIT_CLEARING,
                                           CHASSIS_CONTROL, CHASSIS_IDENTIFY, GET_CHASSIS_STATUS,
                                           GET_SYSTEM_BOOT_OPTIONS, SET_FRONT_PANEL_ENABLES,
                                           SET_POWER_CYCLE_INTERVAL, SET_POWER_RESTORE_POLICY,
                                           SET_SYSTEM_BOOT_OPTIONS, BootFlags, BootOption, ChassisControl,
                                           ChassisStatus, PowerRestorePolicy, chassis_control, chassis_identify,
                                           decode_boot_option, decode_chassis_status,
                                           decode_power_restore_policy_support, get_chassis_status,
                                           get_system_boot_options, set_front_panel_enables,
                                           set_power_cycle_interval, set_power_restore_policy,
                                           set_system_boot_options)
from pyipmi_tools.wire.buffer import DecodeError
from pyipmi_tools.wire.message import encode_request


def _wire(request: Request, rq_seq: int) -> bytes:
    return encode_request(request.spec.netfn, request.spec.cmd, rq_seq, request.data)


@pytest.mark.parametrize("spec, name, cmd, min_len", [
    (GET_CHASSIS_STATUS, "get_chassis_status", 0x01, 3),
    (CHASSIS_CONTROL, "chassis_control", 0x02, 0),
    (CHASSIS_IDENTIFY, "chassis_identify", 0x04, 0),
    (SET_POWER_RESTORE_POLICY, "set_power_restore_policy", 0x06, 1),
    (SET_SYSTEM_BOOT_OPTIONS, "set_system_boot_options", 0x08, 0),
    (GET_SYSTEM_BOOT_OPTIONS, "get_system_boot_options", 0x09, 2),
    (SET_FRONT_PANEL_ENABLES, "set_front_panel_enables", 0x0A, 0),
    (SET_POWER_CYCLE_INTERVAL, "set_power_cycle_interval", 0x0B, 0),
])
def test_specs(spec: CommandSpec, name: str, cmd: int, min_len: int) -> None:
    assert spec == CommandSpec(name, NETFN_CHASSIS, cmd, min_len)


# --- requests -----------------------------------------------------------------------------

def test_get_chassis_status_request() -> None:
    assert get_chassis_status() == Request(GET_CHASSIS_STATUS, b"")
    # ipmipower --debug dump (rq_seq 6) and the suite 2 capture (rq_seq 5)
    assert _wire(get_chassis_status(), 6) == bytes.fromhex("20 00 e0 81 18 01 66")
    assert _wire(get_chassis_status(), 5) == bytes.fromhex("2000e08114016a")


@pytest.mark.parametrize("action, byte", [
    (ChassisControl.POWER_DOWN, 0x00), (ChassisControl.POWER_UP, 0x01), (ChassisControl.POWER_CYCLE, 0x02),
    (ChassisControl.HARD_RESET, 0x03), (ChassisControl.DIAGNOSTIC_INTERRUPT, 0x04),
    (ChassisControl.SOFT_SHUTDOWN, 0x05),
])
def test_chassis_control_request(action: ChassisControl, byte: int) -> None:
    assert chassis_control(action) == Request(CHASSIS_CONTROL, bytes((byte,)))


def test_chassis_control_bytes_on_the_wire() -> None:
    assert _wire(chassis_control(ChassisControl.POWER_UP), 2) == bytes.fromhex("20 00 e0 81 08 02 01 74")


def test_chassis_identify_requests() -> None:
    assert chassis_identify() == Request(CHASSIS_IDENTIFY, b"")
    assert chassis_identify(0).data == b"\x00"              # identify off, as FreeIPMI sends it
    assert chassis_identify(0xFF, force=True).data == b"\xff\x01"  # identify on, as FreeIPMI sends it
    assert chassis_identify(15).data == b"\x0f"
    assert chassis_identify(0x1FF).data == b"\xff"          # interval is a byte


@pytest.mark.parametrize("args, byte", [
    ((False, False, False, False), 0x00),
    ((True, False, False, False), 0x01),
    ((False, True, False, False), 0x02),
    ((False, False, True, False), 0x04),
    ((False, False, False, True), 0x08),
    ((True, True, True, True), 0x0F),
])
def test_set_front_panel_enables_request(args: tuple[bool, bool, bool, bool], byte: int) -> None:
    assert set_front_panel_enables(*args) == Request(SET_FRONT_PANEL_ENABLES, bytes((byte,)))


def test_power_restore_policy_request() -> None:
    assert set_power_restore_policy(PowerRestorePolicy.ALWAYS_ON) == Request(SET_POWER_RESTORE_POLICY, b"\x02")
    assert set_power_restore_policy(3).data == b"\x03"   # "no change": query the supported policies
    assert set_power_restore_policy(0xFA).data == b"\x02"  # 3 bits


def test_decode_power_restore_policy_support() -> None:
    assert decode_power_restore_policy_support(b"\x07") == 7
    assert decode_power_restore_policy_support(b"\x05\x00") == 5
    with pytest.raises(DecodeError, match="supported policies"):
        decode_power_restore_policy_support(b"")


def test_power_cycle_interval_request() -> None:
    assert set_power_cycle_interval(5) == Request(SET_POWER_CYCLE_INTERVAL, b"\x05")
    assert set_power_cycle_interval(0x100).data == b"\x00"


def test_get_system_boot_options_request() -> None:
    assert get_system_boot_options(BOOT_PARAM_BOOT_FLAGS) == Request(GET_SYSTEM_BOOT_OPTIONS, b"\x05\x00\x00")
    assert get_system_boot_options(0x85, 1, 2).data == b"\x05\x01\x02"  # selector is 7 bits
    assert _wire(get_system_boot_options(5), 3) == bytes.fromhex("20 00 e0 81 0c 09 05 00 00 65")


def test_set_system_boot_options_request() -> None:
    flags = bytes.fromhex("80 04 00 00 00")
    assert set_system_boot_options(5, flags) == Request(SET_SYSTEM_BOOT_OPTIONS, b"\x05" + flags)
    assert set_system_boot_options(5, flags, mark_invalid=True).data[0] == 0x85
    # ipmi-config's commit tail: parameter 3 [0x1F], parameter 4 [0xFF, 0xFF]
    assert set_system_boot_options(BOOT_PARAM_VALID_BIT_CLEARING, b"\x1f").data == b"\x03\x1f"
    assert set_system_boot_options(BOOT_PARAM_INFO_ACKNOWLEDGE, b"\xff\xff").data == b"\x04\xff\xff"
    assert set_system_boot_options(BOOT_PARAM_SET_IN_PROGRESS, b"\x01").data == b"\x00\x01"


# --- Get Chassis Status ------------------------------------------------------------------------

def test_decode_captured_chassis_status() -> None:
    status = decode_chassis_status(b"\x00\x00\x00")  # ipmi_sim, power off
    assert status == ChassisStatus(
        power_on=False, power_overload=False, power_interlock=False, power_fault=False,
        power_control_fault=False, power_restore_policy=PowerRestorePolicy.ALWAYS_OFF, last_power_event=0,
        intrusion=False, front_panel_lockout=False, drive_fault=False, cooling_fault=False, identify_state=None,
        front_panel=None, raw=b"\x00\x00\x00")
    assert not status.identify_supported


def test_three_versus_four_bytes() -> None:
    assert decode_chassis_status(bytes.fromhex("01 00 00")).front_panel is None
    four = decode_chassis_status(bytes.fromhex("01 00 00 f5"))
    assert four.front_panel == 0xF5 and four.power_on
    assert four.raw == bytes.fromhex("01 00 00 f5")
    assert decode_chassis_status(bytes.fromhex("01 00 00 00")).front_panel == 0  # present, all enabled
    assert decode_chassis_status(bytes.fromhex("01 00 00 0a ff")).front_panel == 0x0A  # extra bytes ignored


@pytest.mark.parametrize("length", range(3))
def test_short_chassis_status_is_rejected(length: int) -> None:
    with pytest.raises(DecodeError):
        decode_chassis_status(bytes(length))


@pytest.mark.parametrize("bit, field", [(0, "power_on"), (1, "power_overload"), (2, "power_interlock"),
                                        (3, "power_fault"), (4, "power_control_fault")])
def test_power_state_bits(bit: int, field: str) -> None:
    status = decode_chassis_status(bytes((1 << bit, 0, 0)))
    flags = ["power_on", "power_overload", "power_interlock", "power_fault", "power_control_fault"]
    assert [f for f in flags if getattr(status, f)] == [field]


@pytest.mark.parametrize("policy", list(PowerRestorePolicy))
def test_power_restore_policy_bits(policy: PowerRestorePolicy) -> None:
    status = decode_chassis_status(bytes((policy << 5 | 0x80, 0, 0)))  # bit 7 reserved
    assert status.power_restore_policy is policy
    assert not status.power_on


def test_last_power_event_is_five_bits() -> None:
    assert decode_chassis_status(bytes((0, 0xFF, 0))).last_power_event == 0x1F
    assert decode_chassis_status(bytes((0, 0x10, 0))).last_power_event == 0x10


@pytest.mark.parametrize("bit, field", [(0, "intrusion"), (1, "front_panel_lockout"), (2, "drive_fault"),
                                        (3, "cooling_fault")])
def test_misc_state_bits(bit: int, field: str) -> None:
    status = decode_chassis_status(bytes((0, 0, 1 << bit)))
    flags = ["intrusion", "front_panel_lockout", "drive_fault", "cooling_fault"]
    assert [f for f in flags if getattr(status, f)] == [field]


@pytest.mark.parametrize("misc, state", [
    (0x40, 0), (0x50, 1), (0x60, 2), (0x70, 3),     # bit 6 set: identify state in bits 5:4
    (0x00, None), (0x10, None), (0x20, None), (0x30, None), (0x80, None), (0xBF, None),  # bit 6 clear
])
def test_identify_supported_bit_6(misc: int, state: int | None) -> None:
    status = decode_chassis_status(bytes((0, 0, misc)))
    assert status.identify_state == state
    assert status.identify_supported == (state is not None)


# --- boot options ----------------------------------------------------------------------------------

def test_boot_parameter_numbers() -> None:
    assert (BOOT_PARAM_SET_IN_PROGRESS, BOOT_PARAM_VALID_BIT_CLEARING, BOOT_PARAM_INFO_ACKNOWLEDGE,
            BOOT_PARAM_BOOT_FLAGS) == (0, 3, 4, 5)


def test_decode_boot_option() -> None:
    assert decode_boot_option(bytes.fromhex("01 05 80 04 00 00 00")) == BootOption(1, 5, False,
                                                                                 bytes.fromhex("80 04 00 00 00"))
    assert decode_boot_option(bytes.fromhex("f1 85")) == BootOption(1, 5, True, b"")


@pytest.mark.parametrize("length, what", [(0, "parameter version"), (1, "parameter selector")])
def test_short_boot_option_is_rejected(length: int, what: str) -> None:
    with pytest.raises(DecodeError, match=what):
        decode_boot_option(bytes.fromhex("01 05")[:length])


def test_boot_flags_default_is_all_zero() -> None:
    assert BootFlags().encode() == bytes(5)
    assert BootFlags.decode(bytes(5)) == BootFlags()


@pytest.mark.parametrize("field, value, data", [
    ("valid", True, "80 00 00 00 00"),
    ("persistent", True, "40 00 00 00 00"),
    ("efi", True, "20 00 00 00 00"),
    ("cmos_clear", True, "00 80 00 00 00"),
    ("lock_keyboard", True, "00 40 00 00 00"),
    ("device", 1, "00 04 00 00 00"),       # force PXE
    ("device", 2, "00 08 00 00 00"),       # force default hard drive
    ("device", 6, "00 18 00 00 00"),       # force BIOS setup
    ("device", 15, "00 3c 00 00 00"),
    ("screen_blank", True, "00 02 00 00 00"),
    ("lock_out_reset_button", True, "00 01 00 00 00"),
    ("lock_out_power_button", True, "00 00 80 00 00"),
    ("firmware_verbosity", 1, "00 00 20 00 00"),
    ("firmware_verbosity", 2, "00 00 40 00 00"),
    ("firmware_verbosity", 3, "00 00 60 00 00"),
    ("force_progress_event_traps", True, "00 00 10 00 00"),
    ("user_password_bypass", True, "00 00 08 00 00"),
    ("lock_out_sleep_button", True, "00 00 04 00 00"),
    ("console_redirection", 1, "00 00 01 00 00"),
    ("console_redirection", 2, "00 00 02 00 00"),
    ("console_redirection", 3, "00 00 03 00 00"),
    ("data4", 0x89, "00 00 00 89 00"),
    ("device_instance", 1, "00 00 00 00 01"),
    ("device_instance", 0x1F, "00 00 00 00 1f"),
])
def test_boot_flags_every_bit(field: str, value: int | bool, data: str) -> None:
    flags = replace(BootFlags(), **{field: value})
    assert flags.encode() == bytes.fromhex(data)
    assert BootFlags.decode(bytes.fromhex(data)) == flags


def test_boot_flags_reserved_bits_are_dropped() -> None:
    assert BootFlags.decode(bytes.fromhex("1f 00 00 00 e0")) == BootFlags()


def test_boot_flags_extra_bytes_ignored() -> None:
    assert BootFlags.decode(bytes.fromhex("80 04 00 00 00 ff")) == BootFlags(valid=True, device=1)


@pytest.mark.parametrize("length", range(5))
def test_short_boot_flags_are_rejected(length: int) -> None:
    with pytest.raises(DecodeError, match="boot flags"):
        BootFlags.decode(bytes(length))


_RESERVED_MASK = bytes.fromhex("e0 ff ff ff 1f")


@given(st.binary(min_size=5, max_size=5))
def test_boot_flags_bytes_round_trip(raw: bytes) -> None:
    """Every defined bit survives decode -> encode; reserved bits come back as 0."""
    masked = bytes(b & m for b, m in zip(raw, _RESERVED_MASK))
    flags = BootFlags.decode(raw)
    assert flags.encode() == masked
    assert BootFlags.decode(masked) == flags
    assert BootFlags.decode(flags.encode()) == flags


_flags = st.builds(
    BootFlags, valid=st.booleans(), persistent=st.booleans(), efi=st.booleans(), cmos_clear=st.booleans(),
    lock_keyboard=st.booleans(), device=st.integers(0, 15), screen_blank=st.booleans(),
    lock_out_reset_button=st.booleans(), lock_out_power_button=st.booleans(),
    firmware_verbosity=st.integers(0, 3), force_progress_event_traps=st.booleans(),
    user_password_bypass=st.booleans(), lock_out_sleep_button=st.booleans(),
    console_redirection=st.integers(0, 3), data4=st.integers(0, 255), device_instance=st.integers(0, 31))


@given(_flags)
def test_boot_flags_object_round_trip(flags: BootFlags) -> None:
    assert BootFlags.decode(flags.encode()) == flags
