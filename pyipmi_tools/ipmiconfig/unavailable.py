"""The sensors, pef and dcmi categories, answered as FreeIPMI 1.6.10 answers them for a
BMC that offers none of them (no SDR repository, no PEF, no DCMI).

sensors: building the SDR cache fails before any section exists; pef: the number of
alert policy entries cannot be read; dcmi: one ``DCMI_Conf`` section whose keys all
fail to read. Each asks the BMC first, so a BMC that does answer gets the same
failures only if its replies are unusable to us (full support is not implemented).
"""

from __future__ import annotations

import os

from ..commands import CommandSpec, Request
from .model import Category, Context, Key, KeyFailure, Section, SectionsFailed, static_sections

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .model import Script

GET_SDR_REPOSITORY_INFO = CommandSpec("get_sdr_repository_info", 0x0A, 0x20)
GET_PEF_CAPABILITIES = CommandSpec("get_pef_capabilities", 0x04, 0x10)
DCMI_NETFN = 0x2C
DCMI_KEYS = (
    ("Asset_Tag", "Give valid string", 0x06),
    ("Management_Controller_Identifier_String", "Give valid string", 0x09),
    ("Power_Limit_Requested", "Give valid number in Watts", 0x03),
    ("Correction_Time_Limit", "Give valid number in milliseconds", 0x03),
    ("Management_Application_Statistics_Sampling_Period", "Give valid number in seconds", 0x03),
    ("Exception_Actions", "Possible values: No_Action/Hard_Power_Off/Log_Event_to_SEL", 0x03),
)


def sdr_cache_path(ctx: Context) -> str:
    """Where FreeIPMI keeps the SDR cache of this host (``--sdr-cache-file``/``-directory``)."""
    if ctx.cache.get("sdr_cache_file"):
        return ctx.cache["sdr_cache_file"]
    base = ctx.cache.get("sdr_cache_directory") or os.path.expanduser("~")
    node = os.uname().nodename.split(".")[0]
    return f"{base}/.freeipmi/sdr-cache/sdr-cache-{node}.{ctx.host}"


def _sensors(ctx: Context) -> Script:
    yield Request(GET_SDR_REPOSITORY_INFO)
    lines = []
    if not ctx.cache.get("quiet_cache"):
        lines.append(f"Caching SDR repository information: {sdr_cache_path(ctx)}")
    lines.append("ipmi_sdr_cache_create: internal IPMI error")
    raise SectionsFailed(lines)


def _pef(ctx: Context) -> Script:
    yield Request(GET_PEF_CAPABILITIES)
    raise SectionsFailed(["Unable to get Number of Alert Policy Entries"])


def _dcmi_checkout(cmd: int):
    def checkout(ctx: Context) -> Script:
        data = b"\xdc" if cmd != 0x06 else b"\xdc\x00\x10"
        reply = yield Request(CommandSpec("dcmi_get", DCMI_NETFN, cmd), data)
        return KeyFailure(completion_code=reply.completion_code)
    return checkout


DCMI = Section("DCMI_Conf", [Key(name, text, checkout=_dcmi_checkout(cmd)) for name, text, cmd in DCMI_KEYS])


def category(name: str) -> Category:
    if name == "sensors":
        return Category(name, _sensors)
    if name == "pef":
        return Category(name, _pef)
    return Category(name, static_sections([DCMI]))
