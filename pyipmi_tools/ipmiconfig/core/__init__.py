"""The core category (``-g core``, the default): users, LAN, IPv6, authentication, keys,
cipher-suite privileges, serial and SOL configuration, and the legacy input-only sections.

The user sections depend on the BMC (Get User Access of user 1 on the LAN channel gives the
number of user slots), and so do the IPv6 address keys (LAN parameter 55).
"""

from __future__ import annotations

from ...cli.cvalues import ascii_lower
from ...commands import config_params as cp
from ...wire.buffer import DecodeError
from ..model import Category, Context, KeyFailure, SectionsFailed
from .common import lan_channel, sol_channel
from .hidden import misc_section, pef_conf_section
from .lan import (lan_channel_section, lan_conf_auth_section, lan_conf_misc_section, lan_conf_section,
                  lan_conf_security_keys_section, lan_conf_user_security_section, rmcpplus_section,
                  serial_channel_section)
from .lan6 import lan6_section
from .serial_sol import serial_conf_section, sol_conf_section
from .users import user_section

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..fileformat import Config
    from ..model import Script

MULTI_HOST_REFUSED = (("Lan_Conf", "IP_Address"), ("Lan_Conf", "MAC_Address"))


NO_USERS = "Unable to get Number of Users"


def _max_users(ctx: Context) -> Script:
    """The number of user slots (Get User Access of user 1 on the LAN channel).

    Without it there are no UserN sections, and FreeIPMI gives up on the whole category: no
    LAN channel, or any completion code, ends the host's run with ``NO_USERS`` (status 1).
    """
    channel = yield from lan_channel(ctx)
    if isinstance(channel, KeyFailure):
        raise SectionsFailed([NO_USERS])
    reply = yield cp.get_user_access(channel, 1)
    if reply.completion_code:
        raise SectionsFailed([NO_USERS])
    try:
        return cp.decode_user_access(reply.data).max_users
    except DecodeError:
        raise SectionsFailed([NO_USERS]) from None


def sections(ctx: Context) -> Script:
    yield from sol_channel(ctx)
    users = yield from _max_users(ctx)
    lan6 = yield from lan6_section(ctx)
    return ([user_section(user_id, ctx) for user_id in range(1, users + 1)] + [
        lan_channel_section(), lan_conf_section(), lan6, lan_conf_auth_section(), lan_conf_security_keys_section(),
        lan_conf_user_security_section(), lan_conf_misc_section(), rmcpplus_section(), serial_channel_section(),
        serial_conf_section(), sol_conf_section(), pef_conf_section(), misc_section()])


def check_input(config: Config, host_count: int) -> list[str]:
    """FreeIPMI refuses to give one IP or MAC address to several hosts."""
    if host_count <= 1:
        return []
    given = config.inputs()
    return [f"Cannot configure {section}:{key} on multiple hosts"
            for section, key in MULTI_HOST_REFUSED if (ascii_lower(section), ascii_lower(key)) in given]


CATEGORY = Category("core", sections, check_input=check_input)
