"""Legacy input-only sections: PEF_Conf (PEF configuration parameters 1-4) and Misc."""

from __future__ import annotations

from ...commands import chassis
from ...commands import config_params as cp
from ..model import Choice, Context, FailureKind, KeyFailure, Key, Section, SectionFlag, call, number_range
from ..model import c_number_or_zero as _c
from .common import ParamBlock, bit_key, int_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..model import Script

RESTORE_POLICY = Choice({"Off_State_AC_Apply": 0, "Restore_State_AC_Apply": 1, "On_State_AC_Apply": 2})


def _no_channel(ctx: Context) -> Script:
    return 0
    yield  # pragma: no cover


def _pef_block(parameter: int, name: str) -> ParamBlock:
    return ParamBlock(_no_channel, lambda ch: cp.get_pef_param(parameter, name),
                      lambda ch, data: cp.set_pef_param(parameter, data, name), 1)


def pef_conf_section() -> Section:
    control = _pef_block(1, "pef_control")
    actions = _pef_block(2, "pef_action_global_control")
    keys = [
        bit_key("Enable_PEF", control, 0, 0), bit_key("Enable_PEF_Event_Messages", control, 0, 1),
        bit_key("Enable_PEF_Startup_Delay", control, 0, 2), bit_key("Enable_PEF_Alert_Startup_Delay", control, 0, 3),
        bit_key("Enable_Alert_Action", actions, 0, 0), bit_key("Enable_Power_Down_Action", actions, 0, 1),
        bit_key("Enable_Reset_Action", actions, 0, 2), bit_key("Enable_Power_Cycle_Action", actions, 0, 3),
        bit_key("Enable_OEM_Action", actions, 0, 4), bit_key("Enable_Diagnostic_Interrupt", actions, 0, 5),
        int_key("PEF_Startup_Delay", "Give value in seconds", _pef_block(3, "pef_startup_delay"), 0, 1,
                number_range(0, 255), _c),
        int_key("PEF_Alert_Startup_Delay", "Give value in seconds", _pef_block(4, "pef_alert_startup_delay"), 0, 1,
                number_range(0, 255), _c),
    ]
    return Section("PEF_Conf", keys, flags=SectionFlag.HIDDEN)


MISC_COMMENT = (
    "Misc gathers settings that a BMC vendor may or may not implement; a BMC without them leaves the "
    "keys out.\n"
    "\"Power_Restore_Policy\" says what the machine does when mains power comes back after an outage: "
    "stay off (\"Off_State_AC_Apply\"), power on (\"On_State_AC_Apply\") or return to the state it was "
    "in before the outage (\"Restore_State_AC_Apply\").")


def misc_section() -> Section:
    def checkout(ctx: Context) -> Script:
        data = yield from call(chassis.get_chassis_status())
        if isinstance(data, KeyFailure):
            return data
        if not data:
            return KeyFailure(FailureKind.GENERIC)
        return RESTORE_POLICY.name((data[0] >> 5) & 0x03)

    def commit(ctx: Context, value: str) -> Script:
        data = yield from call(chassis.set_power_restore_policy(RESTORE_POLICY.number(value)))
        return data if isinstance(data, KeyFailure) else None

    return Section("Misc", [Key("Power_Restore_Policy", RESTORE_POLICY.description, validate=RESTORE_POLICY.validate,
                                checkout=checkout, commit=commit)], MISC_COMMENT, flags=SectionFlag.HIDDEN)
