"""The chassis category: front-panel buttons, power policy, boot flags (§4.10).

Wire behaviour follows ipmi-config 1.6.10: each front-panel key reads Get Chassis
Status on its own; each boot-flags key is a Get + Set of boot option parameter 5
(the boot-flags-valid bit always set, reserved bits zero, the BIOS mux and
shared-mode bits written back as read), and the section ends with parameter 3
(0x1F) and parameter 4 (0xFF 0xFF) once if anything was committed.
"""

from __future__ import annotations

from ..commands import NETFN_CHASSIS, CommandSpec, Request
from .model import (Category, Choice, CommandFatal, Context, Key, KeyFailure, KeyFlag, Section, c_atoi, call,
                    Validity, get_parameter, number_range, parse_yes_no, same, set_parameter,
                    static_sections, validate_yes_no, yes_no)
from ..cli.cvalues import ascii_lower

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .model import Script

# FreeIPMI's function names (``ipmi_cmd_<name>`` in its fatal error lines).
GET_CHASSIS_STATUS = CommandSpec("get_chassis_status", NETFN_CHASSIS, 0x01)
SET_POWER_RESTORE_POLICY = CommandSpec("set_power_restore_policy", NETFN_CHASSIS, 0x06)
SET_POWER_CYCLE_INTERVAL = CommandSpec("set_power_cycle_interval", NETFN_CHASSIS, 0x0B)
SET_FRONT_PANEL_ENABLES = CommandSpec("set_front_panel_enables", NETFN_CHASSIS, 0x0A)
GET_BOOT_FLAGS = CommandSpec("get_system_boot_options_boot_flags", NETFN_CHASSIS, 0x09)
SET_BOOT_FLAGS = CommandSpec("set_system_boot_options_boot_flags", NETFN_CHASSIS, 0x08)
SET_VALID_BIT_CLEARING = CommandSpec("set_system_boot_options_BMC_boot_flag_valid_bit_clearing",
                                     NETFN_CHASSIS, 0x08)
SET_BOOT_INFO_ACK = CommandSpec("set_system_boot_options_boot_info_acknowledge", NETFN_CHASSIS, 0x08)

YES_NO_TEXT = "Possible values: Yes/No"

# --- Chassis_Front_Panel_Buttons -----------------------------------------------------------

# key -> bit of the front-panel byte (disabled bits 0-3; "disable allowed" is bit + 4)
BUTTONS = (
    ("Enable_Standby_Button_For_Entering_Standby", 3),
    ("Enable_Diagnostic_Interrupt_Button", 2),
    ("Enable_Reset_Button", 1),
    ("Enable_Power_Off_Button_For_Power_Off_Only", 0),
)

FRONT_PANEL_COMMENT = (
    "These settings switch the buttons on the front of the chassis on or off. A button "
    "here means any push button, switch or other control built into the chassis front panel.\n"
    "Not every BMC can report the current state of these buttons, so it may not be possible "
    "to check them out. Configure all four together rather than only some of them: when a "
    "state cannot be read, the commit has to assume one."
)


def _chassis_status() -> Script:
    """Get Chassis Status: the reply data (at least 3 bytes) or a failure."""
    data = yield from call(Request(GET_CHASSIS_STATUS))
    if isinstance(data, KeyFailure):
        return data
    return data if len(data) >= 3 else KeyFailure()


def _front_panel_checkout(bit: int):
    def checkout(ctx: Context) -> Script:
        data = yield from _chassis_status()
        if isinstance(data, KeyFailure):
            return data
        if len(data) < 4:
            return None                       # the optional front-panel byte is absent
        return yes_no(not data[3] >> bit & 1)
    return checkout


def _front_panel_commit(name: str, bit: int):
    def commit(ctx: Context, value: str) -> Script:
        data = yield from _chassis_status()
        if isinstance(data, KeyFailure):
            return data
        front = data[3] if len(data) >= 4 else None
        disable = not parse_yes_no(value)
        if disable and front is not None and not front >> (bit + 4) & 1:
            if ctx.verbose >= 2:
                ctx.say(f"## Button disable on section:key_name 'Chassis_Front_Panel_Buttons:{name}' not allowed")
            return KeyFailure()
        byte = 0
        for other, other_bit in BUTTONS:
            if other_bit == bit:
                off = disable
            elif front is not None:
                off = bool(front >> other_bit & 1)
            else:
                given = ctx.input_value("Chassis_Front_Panel_Buttons", other)
                off = given is not None and not parse_yes_no(given)
            byte |= off << other_bit
        result = yield from call(Request(SET_FRONT_PANEL_ENABLES, bytes((byte,))))
        return result if isinstance(result, KeyFailure) else None
    return commit


FRONT_PANEL = Section("Chassis_Front_Panel_Buttons", [
    Key(name, YES_NO_TEXT, KeyFlag.COMMENTED_OUT_IF_EMPTY, validate=validate_yes_no,
        checkout=_front_panel_checkout(bit), commit=_front_panel_commit(name, bit))
    for name, bit in BUTTONS
], FRONT_PANEL_COMMENT)

# --- Chassis_Power_Conf --------------------------------------------------------------------

POLICIES = Choice({"Off_State_AC_Apply": 0, "Restore_State_AC_Apply": 1, "On_State_AC_Apply": 2})

POWER_COMMENT = (
    "These settings configure how the chassis handles power.\n"
    "\"Power_Restore_Policy\" says what the machine does when AC power comes back after an "
    "outage: stay off (\"Off_State_AC_Apply\"), always power on (\"On_State_AC_Apply\"), or "
    "return to the state it was in when the power was lost (\"Restore_State_AC_Apply\").\n"
    "\"Power_Cycle_Interval\" is how long, in seconds, the machine stays off during a power cycle."
)


def _policy_checkout(ctx: Context) -> Script:
    data = yield from _chassis_status()
    if isinstance(data, KeyFailure):
        return data
    return POLICIES.name(data[0] >> 5 & 0x03)


def _policy_commit(ctx: Context, value: str) -> Script:
    result = yield from call(Request(SET_POWER_RESTORE_POLICY, bytes((POLICIES.number(value) & 0x07,))))
    return result if isinstance(result, KeyFailure) else None


def _interval_checkout(ctx: Context) -> Script:
    return ""                                # the BMC cannot be asked for it
    yield  # pragma: no cover


def _interval_commit(ctx: Context, value: str) -> Script:
    # ipmi-config validates with strtol(..., 0) but commits atoi(): "0x10" sends 0
    result = yield from call(Request(SET_POWER_CYCLE_INTERVAL, bytes((c_atoi(value) & 0xFF,))))
    return result if isinstance(result, KeyFailure) else None


POWER_CONF = Section("Chassis_Power_Conf", [
    Key("Power_Restore_Policy", POLICIES.description, KeyFlag.COMMENTED_OUT_IF_EMPTY, validate=POLICIES.validate,
        checkout=_policy_checkout, commit=_policy_commit),
    Key("Power_Cycle_Interval", "Give value in seconds", KeyFlag.COMMENTED_OUT_IF_EMPTY,
        validate=number_range(1, 255), checkout=_interval_checkout, commit=_interval_commit),
], POWER_COMMENT)

# --- Chassis_Boot_Flags --------------------------------------------------------------------

BOOT_PARAM_FLAGS, BOOT_PARAM_VALID_BIT_CLEARING, BOOT_PARAM_INFO_ACK = 5, 3, 4

BOOT_DEVICES = Choice({
    "NO-OVERRIDE": 0x0, "PXE": 0x1, "HARD-DRIVE": 0x2, "HARD-DRIVE-SAFE-MODE": 0x3,
    "DIAGNOSTIC_PARTITION": 0x4, "CD-DVD": 0x5, "BIOS-SETUP": 0x6, "REMOTE-FLOPPY": 0x7,
    "REMOTE-CD-DVD": 0x8, "PRIMARY-REMOTE-MEDIA": 0x9, "REMOTE-HARD-DRIVE": 0xB, "FLOPPY": 0xF,
})
BOOT_DEVICE_TEXT = ("Possible values: NO-OVERRIDE/PXE/HARD-DRIVE/HARD-DRIVE-SAFE-MODE/\n"
                    "                 DIAGNOSTIC_PARTITION/CD-DVD/BIOS-SETUP/REMOTE-FLOPPY\n"
                    "                 PRIMARY-REMOTE-MEDIA/REMOTE-CD-DVD/REMOTE-HARD-DRIVE/FLOPPY")
BOOT_TYPES = Choice({"PC-COMPATIBLE": 0, "EFI": 1})
VERBOSITY = Choice({"DEFAULT": 0, "QUIET": 1, "VERBOSE": 2})
CONSOLE = Choice({"BIOS-SETTING": 0, "SUPPRESS": 1, "ENABLE": 2})
NEXT_BOOT_TEXT = "Possible values: Yes/No (Only applies to Next Boot)"

# The bits of the five data bytes FreeIPMI knows; everything else is reserved and
# written as zero.
KNOWN_BITS = (0x60, 0xFF, 0xFF, 0x0F, 0x1F)

BOOT_COMMENT = (
    "These settings control how the machine boots. Some apply to every future boot, "
    "others only to the next one.\n"
    "\"Boot_Flags_Persistent\" chooses between the two: the flags hold for the next boot only "
    "or for all future boots.\n"
    "\"Boot_Device\" picks the device the BIOS boots from; NO-OVERRIDE leaves the choice to "
    "the BIOS's own settings. BIOS-SETUP boots into the BIOS setup screen rather than from "
    "it, and FLOPPY can mean any removable medium. \"Device_Instance_Selector\" picks one "
    "instance of the device type to boot from."
)

_INSTANCE_TEXT = "Possible values: None/Internal-{1-15}/External-{1-15} (e.g. Internal-5)"
_INSTANCE_MAX = 0x15      # FreeIPMI's limit (meant as 21 decimal), so External-16..21 pass


def _instance_number(value: str) -> int | None:
    """The selector for ``None``/``Internal-N``/``External-N`` as ipmi-config reads it
    (a case-insensitive substring search, then ``atoi``), or None when invalid."""
    if same(value, "none"):
        return 0
    low = ascii_lower(value)
    for word, base in (("internal-", 0x10), ("external-", 0x00)):
        at = low.find(word)
        if at >= 0:
            number = c_atoi(value[at + len(word):])
            if not 1 <= number <= _INSTANCE_MAX:
                return None
            return (base | number) & 0x1F
    return None


def _instance_validate(value: str) -> Validity:
    return Validity.VALID if _instance_number(value) is not None else Validity.INVALID


def _instance_name(selector: int) -> str:
    if selector == 0:
        return "None"
    if 1 <= selector <= 0x0F:
        return f"External-{selector}"
    if 0x11 <= selector <= 0x1F:
        return f"Internal-{selector & 0x0F}"
    return ""


class _Field:
    """A boot-flags field: data byte ``index`` (0-4), ``mask`` (already shifted), ``shift``."""

    __slots__ = ("index", "mask", "shift")

    def __init__(self, index: int, mask: int, shift: int) -> None:
        self.index = index
        self.mask = mask
        self.shift = shift

    def get(self, flags: bytes) -> int:
        return (flags[self.index] & self.mask) >> self.shift

    def put(self, flags: bytearray, number: int) -> None:
        flags[self.index] = (flags[self.index] & ~self.mask) | ((number << self.shift) & self.mask)


def _encodable(data: bytearray) -> bool:
    """libfreeipmi refuses to build the Set request when a field read back holds a value
    it does not know (device, verbosity, console redirection, BIOS mux override)."""
    return ((data[1] >> 2) & 0x0F) in BOOT_DEVICES.names.values() and (data[2] >> 5) & 0x03 != 3 \
        and data[2] & 0x03 != 3 and data[3] & 0x07 <= 2


def _read_flags() -> Script:
    data = yield from get_parameter(Request(GET_BOOT_FLAGS, bytes((BOOT_PARAM_FLAGS, 0x00, 0x00))))
    if isinstance(data, KeyFailure):
        return data
    if len(data) < 7:
        return KeyFailure()
    return bytes(data[2:7])


def _boot_key(name: str, description: str, field: _Field, encode, decode, validate) -> Key:
    def checkout(ctx: Context) -> Script:
        flags = yield from _read_flags()
        if isinstance(flags, KeyFailure):
            return flags
        return decode(field.get(flags))

    def commit(ctx: Context, value: str) -> Script:
        flags = yield from _read_flags()
        if isinstance(flags, KeyFailure):
            return flags
        data = bytearray(b & known for b, known in zip(flags, KNOWN_BITS))
        field.put(data, encode(value))
        data[0] |= 0x80                                  # boot flags valid, always
        if not _encodable(data):
            raise CommandFatal(SET_BOOT_FLAGS.name)
        return (yield from set_parameter(Request(SET_BOOT_FLAGS, bytes((BOOT_PARAM_FLAGS,)) + bytes(data))))

    return Key(name, description, validate=validate, checkout=checkout, commit=commit)


def _yes_no_key(name: str, description: str, index: int, bit: int) -> Key:
    return _boot_key(name, description, _Field(index, 1 << bit, bit), lambda v: int(parse_yes_no(v)),
                     lambda n: yes_no(bool(n)), validate_yes_no)


def _choice_key(name: str, description: str, choice: Choice, field: _Field) -> Key:
    return _boot_key(name, description, field, choice.number, choice.name, choice.validate)


def _boot_post_commit(ctx: Context) -> Script:
    result = yield from set_parameter(Request(SET_VALID_BIT_CLEARING, bytes((BOOT_PARAM_VALID_BIT_CLEARING, 0x1F))))
    if isinstance(result, KeyFailure):
        return result
    yield from set_parameter(Request(SET_BOOT_INFO_ACK, bytes((BOOT_PARAM_INFO_ACK, 0xFF, 0xFF))))
    return None                                          # a refused acknowledge is ignored


BOOT_FLAGS = Section("Chassis_Boot_Flags", [
    _yes_no_key("Boot_Flags_Persistent",
                "Possible values: Yes/No (Yes = All Future Boots; No = Next Boot Only)", 0, 6),
    _choice_key("BIOS_Boot_Type", BOOT_TYPES.description, BOOT_TYPES, _Field(0, 0x20, 5)),
    _yes_no_key("CMOS_Clear", NEXT_BOOT_TEXT, 1, 7),
    _yes_no_key("Lock_Keyboard", NEXT_BOOT_TEXT, 1, 6),
    _yes_no_key("Screen_Blank", NEXT_BOOT_TEXT, 1, 1),
    _choice_key("Boot_Device", BOOT_DEVICE_TEXT, BOOT_DEVICES, _Field(1, 0x3C, 2)),
    _boot_key("Device_Instance_Selector", _INSTANCE_TEXT, _Field(4, 0x1F, 0),
              lambda v: _instance_number(v) or 0, _instance_name, _instance_validate),
    _yes_no_key("Lock_Out_Reset_Button", YES_NO_TEXT, 1, 0),
    _yes_no_key("Lock_Out_Power_Button", YES_NO_TEXT, 2, 7),
    _yes_no_key("Lock_Out_Sleep_Button", YES_NO_TEXT, 2, 2),
    _choice_key("Firmware_Bios_Verbosity", VERBOSITY.description, VERBOSITY, _Field(2, 0x60, 5)),
    _yes_no_key("Force_Progress_Event_Traps", YES_NO_TEXT, 2, 4),
    _yes_no_key("User_Password_Bypass", YES_NO_TEXT, 2, 3),
    _choice_key("Console_Redirection", CONSOLE.description, CONSOLE, _Field(2, 0x03, 0)),
], BOOT_COMMENT, post_commit=_boot_post_commit)

SECTIONS = (FRONT_PANEL, POWER_CONF, BOOT_FLAGS)
CATEGORY = Category("chassis", static_sections(SECTIONS))
