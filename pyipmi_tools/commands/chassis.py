"""Chassis netfn (0x00) commands: status, control, identify, boot options, power policy."""

from __future__ import annotations

from ..constants import IntConstant
from ..record import record

from . import NETFN_CHASSIS, CommandSpec, Request
from ..wire.buffer import Reader

GET_CHASSIS_STATUS = CommandSpec("get_chassis_status", NETFN_CHASSIS, 0x01, 3)
CHASSIS_CONTROL = CommandSpec("chassis_control", NETFN_CHASSIS, 0x02, 0)
CHASSIS_IDENTIFY = CommandSpec("chassis_identify", NETFN_CHASSIS, 0x04, 0)
SET_FRONT_PANEL_ENABLES = CommandSpec("set_front_panel_enables", NETFN_CHASSIS, 0x0A, 0)
SET_POWER_RESTORE_POLICY = CommandSpec("set_power_restore_policy", NETFN_CHASSIS, 0x06, 1)
SET_POWER_CYCLE_INTERVAL = CommandSpec("set_power_cycle_interval", NETFN_CHASSIS, 0x0B, 0)
SET_SYSTEM_BOOT_OPTIONS = CommandSpec("set_system_boot_options", NETFN_CHASSIS, 0x08, 0)
GET_SYSTEM_BOOT_OPTIONS = CommandSpec("get_system_boot_options", NETFN_CHASSIS, 0x09, 2)


class ChassisControl(IntConstant):
    POWER_DOWN = 0x00
    POWER_UP = 0x01
    POWER_CYCLE = 0x02
    HARD_RESET = 0x03
    DIAGNOSTIC_INTERRUPT = 0x04
    SOFT_SHUTDOWN = 0x05


class PowerRestorePolicy(IntConstant):
    ALWAYS_OFF = 0
    RESTORE = 1
    ALWAYS_ON = 2
    UNKNOWN = 3


def get_chassis_status() -> Request:
    return Request(GET_CHASSIS_STATUS)


@record
class ChassisStatus:
    power_on: bool
    power_overload: bool
    power_interlock: bool
    power_fault: bool
    power_control_fault: bool
    power_restore_policy: PowerRestorePolicy
    last_power_event: int
    intrusion: bool
    front_panel_lockout: bool
    drive_fault: bool
    cooling_fault: bool
    identify_state: int | None        # 0 off, 1 timed on, 2 indefinite on, 3 reserved; None unsupported
    front_panel: int | None           # the optional 4th byte, None when absent
    raw: bytes

    @property
    def identify_supported(self) -> bool:
        return self.identify_state is not None


def decode_chassis_status(data: bytes) -> ChassisStatus:
    r = Reader(data)
    power, last_event, misc = r.u8(), r.u8(), r.u8()
    front = r.u8() if r.remaining else None
    return ChassisStatus(
        power_on=bool(power & 0x01), power_overload=bool(power & 0x02), power_interlock=bool(power & 0x04),
        power_fault=bool(power & 0x08), power_control_fault=bool(power & 0x10),
        power_restore_policy=PowerRestorePolicy((power >> 5) & 0x03), last_power_event=last_event & 0x1F,
        intrusion=bool(misc & 0x01), front_panel_lockout=bool(misc & 0x02), drive_fault=bool(misc & 0x04),
        cooling_fault=bool(misc & 0x08), identify_state=((misc >> 4) & 0x03) if misc & 0x40 else None,
        front_panel=front, raw=bytes(data))


def chassis_control(action: ChassisControl) -> Request:
    return Request(CHASSIS_CONTROL, bytes((int(action),)))


def chassis_identify(interval: int | None = None, force: bool = False) -> Request:
    """Identify for ``interval`` seconds (0 = off); ``force`` turns it on until told otherwise.

    FreeIPMI sends ``(0xFF, 1)`` for identify-on and ``(0,)`` for identify-off.
    """
    if interval is None:
        return Request(CHASSIS_IDENTIFY)
    return Request(CHASSIS_IDENTIFY, bytes((interval & 0xFF, 1)) if force else bytes((interval & 0xFF,)))


def set_front_panel_enables(disable_power_off: bool, disable_reset: bool, disable_diag_interrupt: bool,
                            disable_standby: bool) -> Request:
    return Request(SET_FRONT_PANEL_ENABLES, bytes((disable_power_off | disable_reset << 1
                                                   | disable_diag_interrupt << 2 | disable_standby << 3,)))


def set_power_restore_policy(policy: int) -> Request:
    return Request(SET_POWER_RESTORE_POLICY, bytes((policy & 0x07,)))


def decode_power_restore_policy_support(data: bytes) -> int:
    """Bitmap of supported policies (bit0 off, bit1 restore, bit2 on)."""
    return Reader(data).u8("supported policies")


def set_power_cycle_interval(seconds: int) -> Request:
    return Request(SET_POWER_CYCLE_INTERVAL, bytes((seconds & 0xFF,)))


# --- System Boot Options ------------------------------------------------------------------

BOOT_PARAM_SET_IN_PROGRESS = 0
BOOT_PARAM_VALID_BIT_CLEARING = 3
BOOT_PARAM_INFO_ACKNOWLEDGE = 4
BOOT_PARAM_BOOT_FLAGS = 5


def get_system_boot_options(parameter: int, set_selector: int = 0, block_selector: int = 0) -> Request:
    return Request(GET_SYSTEM_BOOT_OPTIONS, bytes((parameter & 0x7F, set_selector, block_selector)))


def set_system_boot_options(parameter: int, data: bytes, mark_invalid: bool = False) -> Request:
    """Set a boot option parameter; ``mark_invalid`` sets bit 7 (parameter locked/invalid)."""
    return Request(SET_SYSTEM_BOOT_OPTIONS, bytes(((parameter & 0x7F) | (0x80 if mark_invalid else 0),)) + data)


@record
class BootOption:
    version: int
    parameter: int
    invalid: bool       # bit 7 of the selector byte: "parameter marked invalid / locked"
    data: bytes


def decode_boot_option(data: bytes) -> BootOption:
    r = Reader(data)
    version, sel = r.u8("parameter version"), r.u8("parameter selector")
    return BootOption(version & 0x0F, sel & 0x7F, bool(sel & 0x80), r.rest())


class BootDevice(IntConstant):
    """Boot flags device selector (data 2 bits 5:2), named like ipmi-chassis-config's Boot_Device."""

    NO_OVERRIDE = 0x0
    PXE = 0x1
    HARD_DRIVE = 0x2
    HARD_DRIVE_SAFE_MODE = 0x3
    DIAGNOSTIC_PARTITION = 0x4
    CD_DVD = 0x5
    BIOS_SETUP = 0x6
    REMOTE_FLOPPY = 0x7
    REMOTE_CD_DVD = 0x8
    PRIMARY_REMOTE_MEDIA = 0x9
    REMOTE_HARD_DRIVE = 0xB
    FLOPPY = 0xF

    @classmethod
    def parse(cls, value: "BootDevice | int | str") -> "BootDevice":
        """A member from itself, its number or its name ('PXE', 'cd-dvd', 'NO-OVERRIDE')."""
        if isinstance(value, str):
            try:
                return cls[value.strip().upper().replace("-", "_")]
            except KeyError:
                raise ValueError(f"unknown boot device {value!r}") from None
        return cls(value)


@record
class BootFlags:
    """Boot option parameter 5, every bit kept (IPMI 2.0 table 28-14)."""

    valid: bool = False
    persistent: bool = False
    efi: bool = False
    cmos_clear: bool = False
    lock_keyboard: bool = False
    device: int = 0            # data2 bits 5:2
    screen_blank: bool = False
    lock_out_reset_button: bool = False
    lock_out_power_button: bool = False
    firmware_verbosity: int = 0
    force_progress_event_traps: bool = False
    user_password_bypass: bool = False
    lock_out_sleep_button: bool = False
    console_redirection: int = 0
    data4: int = 0             # BIOS shared mode / mux override bits, kept verbatim
    device_instance: int = 0   # data5 bits 4:0

    @classmethod
    def decode(cls, data: bytes) -> "BootFlags":
        d = Reader(data).take(5, "boot flags")
        return cls(valid=bool(d[0] & 0x80), persistent=bool(d[0] & 0x40), efi=bool(d[0] & 0x20),
                   cmos_clear=bool(d[1] & 0x80), lock_keyboard=bool(d[1] & 0x40), device=(d[1] >> 2) & 0x0F,
                   screen_blank=bool(d[1] & 0x02), lock_out_reset_button=bool(d[1] & 0x01),
                   lock_out_power_button=bool(d[2] & 0x80), firmware_verbosity=(d[2] >> 5) & 0x03,
                   force_progress_event_traps=bool(d[2] & 0x10), user_password_bypass=bool(d[2] & 0x08),
                   lock_out_sleep_button=bool(d[2] & 0x04), console_redirection=d[2] & 0x03,
                   data4=d[3], device_instance=d[4] & 0x1F)

    def encode(self) -> bytes:
        return bytes((
            self.valid << 7 | self.persistent << 6 | self.efi << 5,
            self.cmos_clear << 7 | self.lock_keyboard << 6 | (self.device & 0x0F) << 2
            | self.screen_blank << 1 | self.lock_out_reset_button,
            self.lock_out_power_button << 7 | (self.firmware_verbosity & 3) << 5
            | self.force_progress_event_traps << 4 | self.user_password_bypass << 3
            | self.lock_out_sleep_button << 2 | (self.console_redirection & 3),
            self.data4 & 0xFF,
            self.device_instance & 0x1F,
        ))
