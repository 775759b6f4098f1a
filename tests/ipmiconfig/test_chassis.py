"""The chassis category's scripts: what goes on the wire and what comes back (§4.10)."""

from __future__ import annotations

import pytest

from pyipmi_tools.ipmiconfig import chassis
from pyipmi_tools.ipmiconfig.model import CommandFatal, Context, FailureKind, KeyFailure, Validity

from .scripted import FakeBmc, run


def key(section, name):
    return section.key(name)


def test_boot_device_commit_is_get_then_set_with_the_valid_bit_and_reserved_bits_cleared() -> None:
    bmc = FakeBmc(boot_flags=bytes.fromhex("1f0400fae0"))    # reserved bits set; shared mode + mux 2 kept
    result = run(key(chassis.BOOT_FLAGS, "Boot_Device").commit(Context(), "pxe"), bmc)
    assert result is None
    assert bmc.sent == [(0x00, 0x09, b"\x05\x00\x00"), (0x00, 0x08, bytes.fromhex("058004000a00"))]


def test_each_field_lands_on_its_bits() -> None:
    cases = {
        ("Boot_Flags_Persistent", "Yes"): "c000000000", ("BIOS_Boot_Type", "efi"): "a000000000",
        ("CMOS_Clear", "YES"): "8080000000", ("Lock_Keyboard", "yes"): "8040000000",
        ("Screen_Blank", "yes"): "8002000000", ("Lock_Out_Reset_Button", "yes"): "8001000000",
        ("Boot_Device", "FLOPPY"): "803c000000", ("Boot_Device", "DIAGNOSTIC_PARTITION"): "8010000000",
        ("Lock_Out_Power_Button", "yes"): "8000800000", ("Lock_Out_Sleep_Button", "yes"): "8000040000",
        ("Firmware_Bios_Verbosity", "verbose"): "8000400000", ("Force_Progress_Event_Traps", "yes"): "8000100000",
        ("User_Password_Bypass", "yes"): "8000080000", ("Console_Redirection", "enable"): "8000020000",
        ("Device_Instance_Selector", "Internal-5"): "8000000015",
        ("Device_Instance_Selector", "external-16"): "8000000010",
        ("Device_Instance_Selector", "xxinternal-3"): "8000000013",
    }
    for (name, value), expected in cases.items():
        bmc = FakeBmc()
        assert run(key(chassis.BOOT_FLAGS, name).commit(Context(), value), bmc) is None
        assert bmc.params[5].hex() == expected, name


def test_checkout_values() -> None:
    bmc = FakeBmc(boot_flags=bytes.fromhex("e0bcff0015"))
    got = {k.name: run(k.checkout(Context()), bmc) for k in chassis.BOOT_FLAGS.keys}
    assert got == {"Boot_Flags_Persistent": "Yes", "BIOS_Boot_Type": "EFI", "CMOS_Clear": "Yes",
                   "Lock_Keyboard": "No", "Screen_Blank": "No", "Boot_Device": "FLOPPY",
                   "Device_Instance_Selector": "Internal-5", "Lock_Out_Reset_Button": "No",
                   "Lock_Out_Power_Button": "Yes", "Lock_Out_Sleep_Button": "Yes",
                   "Firmware_Bios_Verbosity": "", "Force_Progress_Event_Traps": "Yes",
                   "User_Password_Bypass": "Yes", "Console_Redirection": ""}
    for selector, text in ((0, "None"), (0x0F, "External-15"), (0x10, ""), (0x11, "Internal-1")):
        bmc.params[5] = bytes((0, 0, 0, 0, selector))
        assert run(key(chassis.BOOT_FLAGS, "Device_Instance_Selector").checkout(Context()), bmc) == text


def test_a_field_libfreeipmi_cannot_encode_is_fatal() -> None:
    bmc = FakeBmc(boot_flags=bytes.fromhex("8004000300"))      # BIOS mux override 3
    with pytest.raises(CommandFatal) as err:
        run(key(chassis.BOOT_FLAGS, "CMOS_Clear").commit(Context(), "yes"), bmc)
    assert str(err.value) == "ipmi_cmd_set_system_boot_options_boot_flags: invalid parameters"
    bmc = FakeBmc(boot_flags=bytes.fromhex("8030000000"))      # device 0xC, replaced by the commit
    assert run(key(chassis.BOOT_FLAGS, "Boot_Device").commit(Context(), "PXE"), bmc) is None


@pytest.mark.parametrize("cc, kind", [(0x82, FailureKind.READ_ONLY), (0x80, FailureKind.NOT_SUPPORTED),
                                      (0xD5, FailureKind.INVALID_CONFIG), (0xCC, FailureKind.INVALID_CONFIG),
                                      (0xC1, FailureKind.GENERIC)])
def test_boot_option_completion_codes_are_non_fatal_kinds(cc: int, kind: FailureKind) -> None:
    bmc = FakeBmc()
    bmc.fail[(0x08, 0x05)] = cc
    result = run(key(chassis.BOOT_FLAGS, "Boot_Device").commit(Context(), "PXE"), bmc)
    assert isinstance(result, KeyFailure) and result.kind is kind


def test_post_commit_writes_parameters_3_and_4_and_ignores_a_refused_acknowledge() -> None:
    bmc = FakeBmc()
    bmc.fail[(0x08, 0x04)] = 0x80
    assert run(chassis.BOOT_FLAGS.post_commit(Context()), bmc) is None
    assert bmc.sent == [(0, 0x08, b"\x03\x1f"), (0, 0x08, b"\x04\xff\xff")]
    bmc = FakeBmc()
    bmc.fail[(0x08, 0x03)] = 0xCC
    assert isinstance(run(chassis.BOOT_FLAGS.post_commit(Context()), bmc), KeyFailure)
    assert len(bmc.sent) == 1


def test_instance_selector_validation() -> None:
    check = key(chassis.BOOT_FLAGS, "Device_Instance_Selector").validate
    assert [check(v) for v in ("none", "External-21", "internal-3x", "internal-22", "internal-0", "internal-",
                               "foo")] == [Validity.VALID] * 3 + [Validity.INVALID] * 4


def test_power_cycle_interval_validates_with_strtol_but_commits_with_atoi() -> None:
    interval = key(chassis.POWER_CONF, "Power_Cycle_Interval")
    assert [interval.validate(v) for v in ("0x10", "", "256", "-1", "1x")] == [
        Validity.VALID, Validity.OUT_OF_RANGE, Validity.OUT_OF_RANGE, Validity.OUT_OF_RANGE, Validity.INVALID]
    bmc = FakeBmc()
    assert run(interval.commit(Context(), "0x10"), bmc) is None
    assert bmc.sent == [(0, 0x0B, b"\x00")]
    assert run(interval.checkout(Context()), bmc) == ""


def test_power_restore_policy() -> None:
    policy = key(chassis.POWER_CONF, "Power_Restore_Policy")
    bmc = FakeBmc()
    assert run(policy.commit(Context(), "on_state_ac_apply"), bmc) is None
    assert bmc.sent == [(0, 0x06, b"\x02")]
    assert run(policy.checkout(Context()), bmc) == "On_State_AC_Apply"
    bmc.policy = 3
    assert run(policy.checkout(Context()), bmc) == ""


def test_front_panel_checkout_with_and_without_the_optional_byte() -> None:
    reset = key(chassis.FRONT_PANEL, "Enable_Reset_Button")
    assert run(reset.checkout(Context()), FakeBmc(front_panel=0xF2)) == "No"
    assert run(reset.checkout(Context()), FakeBmc(front_panel=0xF0)) == "Yes"
    assert run(reset.checkout(Context()), FakeBmc(front_panel=None)) is None


def test_front_panel_commit_keeps_the_other_buttons_or_takes_them_from_the_input() -> None:
    bmc = FakeBmc(front_panel=0xF9)                            # standby and power-off disabled
    assert run(key(chassis.FRONT_PANEL, "Enable_Reset_Button").commit(Context(), "no"), bmc) is None
    assert bmc.sent[-1] == (0, 0x0A, b"\x0b")
    bmc = FakeBmc(front_panel=None)
    ctx = Context(inputs={("chassis_front_panel_buttons", "enable_standby_button_for_entering_standby"): "No"})
    assert run(key(chassis.FRONT_PANEL, "Enable_Reset_Button").commit(ctx, "yes"), bmc) is None
    assert bmc.sent[-1] == (0, 0x0A, b"\x08")


def test_front_panel_refuses_a_disable_the_bmc_does_not_allow() -> None:
    said: list[str] = []
    bmc = FakeBmc(front_panel=0x00)
    ctx = Context(verbose=2, say=said.append)
    result = run(key(chassis.FRONT_PANEL, "Enable_Reset_Button").commit(ctx, "No"), bmc)
    assert isinstance(result, KeyFailure) and len(bmc.sent) == 1
    assert said == ["## Button disable on section:key_name 'Chassis_Front_Panel_Buttons:Enable_Reset_Button' "
                    "not allowed"]
