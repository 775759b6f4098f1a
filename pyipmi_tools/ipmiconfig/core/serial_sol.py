"""Serial_Conf (serial/modem configuration parameters, only with -v) and SOL_Conf."""

from __future__ import annotations

from ..model import Choice, KeyFlag, Section, SectionFlag, number_range
from ..model import c_number_or_zero as _c
from .common import CHANNEL_PRIVILEGE, bit_key, bits_key, choice_key, int_key, serial_block, sol_block

BIT_RATE = Choice({"9600": 6, "19200": 7, "38400": 8, "57600": 9, "115200": 10})
SOL_BIT_RATE = Choice({"Serial": 0, "9600": 6, "19200": 7, "38400": 8, "57600": 9, "115200": 10})
CONNECT_MODE = Choice({"Modem_Connect": 0, "Direct_Connect": 1})
FLOW_CONTROL = Choice({"No_Flow_Control": 0, "RTS_CTS": 1, "XON_XOFF": 2})

SERIAL_COMMENT = (
    "Serial_Conf configures IPMI over the serial port. Sites that use IPMI over LAN only can ignore it.")
SOL_COMMENT = (
    "SOL_Conf configures Serial-over-LAN on BMCs with IPMI 2.0. To use it, set \"Enable_SOL\" to \"Yes\" and "
    "\"SOL_Privilege_Level\" to the privilege the SOL users log in with (often \"Administrator\"). Forcing "
    "payload authentication and encryption is safer where the cipher suites allow it. Both bit rates should "
    "match the console speed of the BIOS and the operating system.")


def serial_conf_section() -> Section:
    mode = serial_block(3, 1, "connection_mode")
    messaging = serial_block(7, 2, "ipmi_messaging_comm_settings")
    keys = [
        bit_key("Enable_Basic_Mode", mode, 0, 0),
        bit_key("Enable_PPP_Mode", mode, 0, 1),
        bit_key("Enable_Terminal_Mode", mode, 0, 2),
        choice_key("Connect_Mode", CONNECT_MODE, mode, 0, 7, 1),
        int_key("Page_Blackout_Interval", "Give a valid number", serial_block(18, 1, "page_blackout_interval"), 0, 1,
                number_range(0, 255), _c),
        int_key("Call_Retry_Interval", "Give a valid number", serial_block(21, 1, "call_retry_interval"), 0, 1,
                number_range(0, 255), _c),
        int_key("Call_Retry_Time", "Give a valid number", serial_block(21, 1, "call_retry_interval"), 0, 1,
                number_range(0, 255), _c, KeyFlag.HIDDEN),
        bit_key("Enable_DTR_Hangup", messaging, 0, 5),
        choice_key("Flow_Control", FLOW_CONTROL, messaging, 0, 6, 2),
        choice_key("Bit_Rate", BIT_RATE, messaging, 1, 0, 4),
    ]
    return Section("Serial_Conf", keys, SERIAL_COMMENT, SectionFlag.VERBOSE_ONLY)


def sol_conf_section() -> Section:
    auth = sol_block(2, 1, "sol_sol_authentication")
    chars = sol_block(3, 2, "sol_character_accumulate_interval_and_send_threshold")
    retry = sol_block(4, 2, "sol_sol_retry")
    keys = [
        bit_key("Enable_SOL", sol_block(1, 1, "sol_sol_enable"), 0, 0),
        choice_key("SOL_Privilege_Level", CHANNEL_PRIVILEGE, auth, 0, 0, 4),
        bit_key("Force_SOL_Payload_Authentication", auth, 0, 6),
        bit_key("Force_SOL_Payload_Encryption", auth, 0, 7),
        int_key("Character_Accumulate_Interval", "Give a non-zero valid integer. Each unit is 5ms", chars, 0, 1,
                number_range(1, 255), _c),
        int_key("Character_Send_Threshold", "Give a valid number", chars, 1, 1, number_range(0, 255), _c),
        bits_key("SOL_Retry_Count", "Give a valid integer", retry, 0, 0, 3, str, _c, number_range(0, 7)),
        int_key("SOL_Retry_Interval", "Give a valid integer. Interval unit is 10ms", retry, 1, 1,
                number_range(0, 255), _c),
        choice_key("Non_Volatile_Bit_Rate", SOL_BIT_RATE, sol_block(5, 1, "sol_sol_non_volatile_bit_rate"), 0, 0, 4),
        choice_key("Volatile_Bit_Rate", SOL_BIT_RATE, sol_block(6, 1, "sol_sol_volatile_bit_rate"), 0, 0, 4),
        int_key("SOL_Payload_Port_Number", "Give a valid port number", sol_block(8, 2, "sol_sol_payload_port_number"),
                0, 2, number_range(0, 65535), _c, KeyFlag.COMMENTED_OUT),
    ]
    return Section("SOL_Conf", keys, SOL_COMMENT)
