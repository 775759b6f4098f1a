"""The core category's scripts run against pyipmi-sim's command handlers in process.

Expected lines are what FreeIPMI 1.6.10's ipmi-config printed against a pyipmi-sim BMC
in the same default state (docs/dev/ipmiconfig-core-observed.md); commits are checked
against the simulator's state afterwards.
"""

from __future__ import annotations

import types

import pytest

from pyipmi_tools.ipmiconfig import core
from pyipmi_tools.ipmiconfig.model import (USERNAME_NOT_SET_YET, Context, FailureKind, KeyFailure, KeyFlag,
                                           SectionFlag, Validity)
from pyipmi_tools.sim import handlers
from pyipmi_tools.sim import state as simstate


def run(script, bmc, override=None):
    """Drive a script against ``bmc``; ``override(netfn, cmd, data)`` may answer (cc, data) itself."""
    sent = []
    try:
        request = next(script)
        while True:
            sent.append(request)
            answer = override(request.spec.netfn, request.spec.cmd, request.data) if override else None
            if answer is None:
                hctx = handlers.Context(state=bmc, privilege=4, user_id=2, channel=1)
                answer = handlers.dispatch(hctx, request.spec.netfn, request.spec.cmd, request.data)
            request = script.send(types.SimpleNamespace(completion_code=answer[0], data=answer[1]))
    except StopIteration as stop:
        return stop.value


@pytest.fixture
def bmc():
    return simstate.default_state(address="127.0.0.2")


def sections(bmc, verbose=0, **kwargs):
    ctx = Context(verbose=verbose, **kwargs)
    return ctx, {s.name: s for s in run(core.sections(ctx), bmc)}


def value(bmc, section, key, verbose=0, ctx=None, **kwargs):
    ctx_, secs = sections(bmc, verbose, **kwargs)
    ctx = ctx or ctx_
    return run(secs[section].key(key).checkout(ctx), bmc)


def commit(bmc, section, key, text, override=None, ctx=None, **kwargs):
    ctx_, secs = sections(bmc, **kwargs)
    ctx = ctx or ctx_
    return run(secs[section].key(key).commit(ctx, text), bmc, override)


def test_section_order_and_flags(bmc) -> None:
    _, secs = sections(bmc)
    names = list(secs)
    assert names[:10] == [f"User{i}" for i in range(1, 11)]
    assert names[10:] == ["Lan_Channel", "Lan_Conf", "Lan6_Conf", "Lan_Conf_Auth", "Lan_Conf_Security_Keys",
                          "Lan_Conf_User_Security", "Lan_Conf_Misc", "Rmcpplus_Conf_Privilege", "Serial_Channel",
                          "Serial_Conf", "SOL_Conf", "PEF_Conf", "Misc"]
    assert secs["PEF_Conf"].flags & SectionFlag.HIDDEN and secs["Misc"].flags & SectionFlag.HIDDEN
    assert secs["Serial_Conf"].flags & SectionFlag.VERBOSE_ONLY
    user = secs["User2"]
    assert user.key("Password20").flags & KeyFlag.HIDDEN
    assert user.key("Lan_Enable_Restrict_to_Callback").flags & KeyFlag.HIDDEN
    assert user.key("Serial_Privilege_Limit").flags & KeyFlag.VERBOSE_ONLY
    assert secs["Lan_Conf"].key("Vlan_id").flags & KeyFlag.VERBOSE_ONLY
    assert secs["User1"].comment_name == "UserX" and secs["User2"].comment == ""


@pytest.mark.parametrize("section, key, expected", [
    ("User1", "Username", "NULL"), ("User2", "Username", "admin"), ("User5", "Username", ""),
    ("User2", "Enable_User", "Yes"), ("User1", "Enable_User", "No"), ("User3", "Lan_Privilege_Limit", "Operator"),
    ("User5", "Lan_Privilege_Limit", "No_Access"), ("User4", "SOL_Payload_Access", "No"),
    ("User2", "SOL_Payload_Access", "Yes"), ("User2", "Lan_Session_Limit", ""), ("User2", "Password", ""),
    ("Lan_Channel", "Volatile_Access_Mode", "Always_Available"),
    ("Lan_Channel", "Non_Volatile_Channel_Privilege_Limit", "Administrator"),
    ("Lan_Conf", "IP_Address_Source", "Static"), ("Lan_Conf", "IP_Address", "127.0.0.2"),
    ("Lan_Conf", "Subnet_Mask", "255.255.255.0"), ("Lan_Conf", "Default_Gateway_MAC_Address", "00:00:00:00:00:00"),
    ("Lan_Conf", "IPv4_Header_Time_To_Live", "0x40"), ("Lan_Conf", "IPv4_Header_Flags", "0x2"),
    ("Lan_Conf", "IPv4_Header_Type_Of_Service", "0x8"), ("Lan_Conf", "Secondary_RMCP_Port", "664"),
    ("Lan6_Conf", "IPv6_IPv4_Addressing_Enables", "IPv6_Disabled"), ("Lan6_Conf", "IPv6_Static_Address", "::"),
    ("Lan6_Conf", "IPv6_Static_Address_Prefix_Length", "64"), ("Lan6_Conf", "IPv6_Static_Address_Status", "Disabled"),
    ("Lan_Conf_Auth", "OEM_Enable_Auth_Type_MD5", "Yes"),
    ("Lan_Conf_Security_Keys", "K_R", ""), ("Lan_Conf_Security_Keys", "K_G", "0x" + "00" * 20),
    ("Lan_Conf_Misc", "Gratuitous_ARP_Interval", "4"), ("Lan_Conf_Misc", "Enable_ARP_Response", "Yes"),
    ("Rmcpplus_Conf_Privilege", "Maximum_Privilege_Cipher_Suite_Id_17", None),
    ("Rmcpplus_Conf_Privilege", "Maximum_Privilege_Cipher_Suite_Id_3", "Administrator"),
    ("SOL_Conf", "SOL_Privilege_Level", "User"), ("SOL_Conf", "Character_Accumulate_Interval", "12"),
    ("SOL_Conf", "SOL_Retry_Interval", "50"), ("SOL_Conf", "Volatile_Bit_Rate", "115200"),
    ("SOL_Conf", "SOL_Payload_Port_Number", "623"), ("Misc", "Power_Restore_Policy", "Off_State_AC_Apply"),
])
def test_checkout_values_as_freeipmi_prints_them(bmc, section, key, expected) -> None:
    _, secs = sections(bmc)
    if expected is None:
        assert secs[section].key(key) is None
        return
    assert value(bmc, section, key) == expected


def test_unsupported_auth_types_and_suites_fail_unless_very_verbose(bmc) -> None:
    assert isinstance(value(bmc, "Lan_Conf_Auth", "User_Enable_Auth_Type_OEM_Proprietary"), KeyFailure)
    assert value(bmc, "Lan_Conf_Auth", "User_Enable_Auth_Type_OEM_Proprietary", verbose=2) == "No"
    assert isinstance(value(bmc, "Rmcpplus_Conf_Privilege", "Maximum_Privilege_Cipher_Suite_Id_4"), KeyFailure)


def test_no_serial_channel_makes_serial_keys_fail(bmc) -> None:
    got = value(bmc, "Serial_Channel", "Volatile_Access_Mode", verbose=1)
    assert isinstance(got, KeyFailure) and got.kind is FailureKind.GENERIC
    assert isinstance(value(bmc, "User2", "Serial_Privilege_Limit", verbose=1), KeyFailure)
    assert value(bmc, "User2", "Serial_Session_Limit", verbose=1) == ""


def test_verbose_numbers_every_ipv6_address(bmc) -> None:
    _, secs = sections(bmc, verbose=1)
    assert secs["Lan6_Conf"].key("IPv6_Static_Address_0") is not None
    assert secs["Lan6_Conf"].key("IPv6_Static_Address") is None


def test_username_not_set_yet_on_0xcc(bmc) -> None:
    ctx, secs = sections(bmc)
    refuse = lambda netfn, cmd, data: (0xCC, b"") if (netfn, cmd) in ((6, 0x44), (6, 0x46), (6, 0x4D)) else None
    user = secs["User5"]
    assert run(user.key("Username").checkout(ctx), bmc, refuse) == USERNAME_NOT_SET_YET
    assert run(user.key("Lan_Privilege_Limit").checkout(ctx), bmc, refuse) == USERNAME_NOT_SET_YET
    assert run(user.key("SOL_Payload_Access").checkout(ctx), bmc, refuse) == USERNAME_NOT_SET_YET
    assert run(user.key("Enable_User").checkout(ctx), bmc, refuse) == ""


def test_user_commits_reach_the_bmc(bmc) -> None:
    assert commit(bmc, "User5", "Username", "five") is None
    assert commit(bmc, "User5", "Password", "secret5") is None
    assert commit(bmc, "User5", "Enable_User", "YES") is None
    assert commit(bmc, "User5", "Lan_Privilege_Limit", "operator") is None
    assert commit(bmc, "User5", "Lan_Enable_IPMI_Msgs", "yes") is None
    assert commit(bmc, "User5", "SOL_Payload_Access", "Yes") is None
    user = bmc.user(5)
    assert (user.name, user.password, user.enabled) == ("five", b"secret5", True)
    access = user.access[1]
    assert (access.privilege_limit, access.ipmi_messaging, access.link_auth) == (3, True, False)
    assert user.sol_allowed(1)
    assert commit(bmc, "User5", "Password", "x" * 20) is None and bmc.user(5).password == b"x" * 20


def test_session_limit_commit_uses_the_sections_input(bmc) -> None:
    ctx = Context(inputs={("user3", "lan_session_limit"): "7"})
    assert commit(bmc, "User3", "Lan_Session_Limit", "7", ctx=ctx) is None
    assert bmc.user(3).access[1].session_limit == 7
    assert commit(bmc, "User3", "Lan_Privilege_Limit", "User") is None      # no limit given: reset to 0
    assert bmc.user(3).access[1].session_limit == 0


def test_user1_name_is_fixed(bmc) -> None:
    _, secs = sections(bmc)
    key = secs["User1"].key("Username")
    assert key.flags & KeyFlag.READ_ONLY and key.flags & KeyFlag.COMMENTED_OUT
    assert key.validate("anonymous") is Validity.VALID and key.validate("bob") is Validity.INVALID
    assert secs["User2"].key("Username").validate("x" * 17) is Validity.INVALID
    assert secs["User2"].key("Password").validate("x" * 21) is Validity.INVALID


def test_enable_user_refused_before_password_is_retried_after_it(bmc) -> None:
    errors = []
    ctx, _ = sections(bmc, err_line=errors.append)     # the stderr line the engine prefixes per host
    state = {"password": False}

    def dell(netfn, cmd, data):
        if (netfn, cmd) == (6, 0x47) and data[1] & 3 == 1 and not state["password"]:
            return 0xD5, b""
        if (netfn, cmd) == (6, 0x47) and data[1] & 3 == 2:
            state["password"] = True
        return None

    got = commit(bmc, "User6", "Enable_User", "Yes", override=dell, ctx=ctx)
    assert isinstance(got, KeyFailure) and got.completion_code == 0xD5 and not bmc.user(6).enabled
    assert commit(bmc, "User6", "Password", "pw6", override=dell, ctx=ctx) is None
    assert bmc.user(6).enabled
    assert errors == ["RETRY: Success on retry to commit `User6:Enable_User'"]


def test_lan_commits_keep_every_other_bit(bmc) -> None:
    assert commit(bmc, "Lan_Conf", "IP_Address_Source", "use_dhcp") is None
    assert commit(bmc, "Lan_Conf", "IP_Address", "127.0.0.9") is None
    assert commit(bmc, "Lan_Conf", "Vlan_id", "5") is None
    assert commit(bmc, "Lan_Conf", "Vlan_Id_Enable", "Yes") is None
    assert commit(bmc, "Lan_Conf", "IPv4_Header_Flags", "0x1") is None
    assert commit(bmc, "Lan_Conf_User_Security", "Attempt_Count_Reset_Interval", "300") is None
    assert commit(bmc, "Lan_Conf_Auth", "Admin_Enable_Auth_Type_MD2", "No") is None
    assert commit(bmc, "Rmcpplus_Conf_Privilege", "Maximum_Privilege_Cipher_Suite_Id_3", "Operator") is None
    p = bmc.lan_params
    assert (p[4], p[3], p[20], p[7]) == (b"\x02", bytes((127, 0, 0, 9)), b"\x05\x80", b"\x40\x20\x10")
    assert p[26] == bytes((0, 0, 0x2C, 0x01, 0, 0)) and p[2][3] == 0x17 & ~0x02
    assert p[24] == bytes.fromhex("004434004404400440")   # what FreeIPMI wrote in the same case


def test_channel_keys_sol_and_ipv6_commits(bmc) -> None:
    assert commit(bmc, "Lan_Channel", "Volatile_Access_Mode", "Shared") is None
    assert commit(bmc, "Lan_Channel", "Non_Volatile_Channel_Privilege_Limit", "Operator") is None
    assert bmc.channel_volatile[1].access_mode == 3 and bmc.channel_nonvolatile[1].privilege_limit == 3
    assert commit(bmc, "Lan_Conf_Security_Keys", "K_G", "0x0102") is None
    assert bmc.k_g == b"\x01\x02" + bytes(18)
    assert commit(bmc, "Lan_Conf_Security_Keys", "K_R", "abc") is None and bmc.k_r == b"abc" + bytes(17)
    assert commit(bmc, "SOL_Conf", "Volatile_Bit_Rate", "9600") is None and bmc.sol_params[6] == b"\x06"
    assert commit(bmc, "SOL_Conf", "SOL_Payload_Port_Number", "624") is None and bmc.sol_params[8] == b"\x70\x02"
    assert commit(bmc, "Lan6_Conf", "IPv6_Static_Address", "2001::5") is None
    assert bmc.lan_param_sets[56][0][2:18] == bytes.fromhex("20010000000000000000000000000005")
    assert value(bmc, "Lan6_Conf", "IPv6_Static_Address") == "2001::5"
    assert commit(bmc, "Misc", "Power_Restore_Policy", "On_State_AC_Apply") is None
    assert bmc.chassis.restore_policy == 2


def test_parameter_failures_keep_freeipmi_kinds(bmc) -> None:
    got = commit(bmc, "Lan6_Conf", "IPv6_IPv4_Addressing_Enables", "IPv6_and_IPv4",
                 override=lambda n, c, d: (0x80, b"") if (n, c) == (0x0C, 0x01) else None)
    assert got.kind is FailureKind.NOT_SUPPORTED
    got = commit(bmc, "Lan_Conf_Misc", "Gratuitous_ARP_Interval", "3",
                 override=lambda n, c, d: (0x82, b"") if (n, c) == (0x0C, 0x01) else None)
    assert got.kind is FailureKind.READ_ONLY
    assert isinstance(commit(bmc, "PEF_Conf", "Enable_PEF", "Yes"), KeyFailure)   # no PEF in pyipmi-sim


@pytest.mark.parametrize("section, key, good, bad", [
    ("Lan_Conf", "IP_Address", "10.0.0.1", "10.0.0"), ("Lan_Conf", "MAC_Address", "00:11:22:33:44:55", "00:11"),
    ("Lan_Conf", "Vlan_Priority", "7", "8"), ("SOL_Conf", "Character_Accumulate_Interval", "0x10", "0"),
    ("Lan6_Conf", "IPv6_Static_Address", "fe80::1", "fe80::g"),
    ("Lan_Conf_Security_Keys", "K_G", "0x" + "ab" * 20, "0x" + "ab" * 21),
    ("User2", "Lan_Session_Limit", "15", "16"),
])
def test_validation(bmc, section, key, good, bad) -> None:
    _, secs = sections(bmc)
    k = secs[section].key(key)
    assert k.validate(good) is Validity.VALID
    assert k.validate(bad) is not Validity.VALID


def test_one_address_for_several_hosts_is_refused() -> None:
    from pyipmi_tools.ipmiconfig.fileformat import Config
    from pyipmi_tools.ipmiconfig.model import Key, Section
    lan_conf = Section("Lan_Conf", [Key("IP_Address")])
    config = Config([lan_conf])
    config.add(lan_conf, lan_conf.keys[0], "10.0.0.1")
    assert core.check_input(config, 2) == ["Cannot configure Lan_Conf:IP_Address on multiple hosts"]
    assert core.check_input(config, 1) == []


def test_multi_host_refusal_reads_the_parsed_config(bmc) -> None:
    from pyipmi_tools.ipmiconfig.fileformat import Config
    _, secs = sections(bmc)
    config = Config(list(secs.values()))
    config.add(secs["Lan_Conf"], secs["Lan_Conf"].key("MAC_Address"), "00:11:22:33:44:55")
    assert core.check_input(config, 3) == ["Cannot configure Lan_Conf:MAC_Address on multiple hosts"]


# --- K_G spelling, number of users, IPv6 without status, the input seen by commits ----------------

from pyipmi_tools.ipmiconfig import engine                       # noqa: E402
from pyipmi_tools.ipmiconfig.core.lan import format_k_g, parse_k_g  # noqa: E402
from pyipmi_tools.ipmiconfig.fileformat import parse_keypair     # noqa: E402
from pyipmi_tools.ipmiconfig.model import SectionsFailed         # noqa: E402


def recorded(script, bmc, override=None):
    """:func:`run` that also returns the (netfn, cmd, data) of every request sent."""
    sent = []

    def spy(netfn, cmd, data):
        sent.append((netfn, cmd, bytes(data)))
        return override(netfn, cmd, data) if override else None

    return run(script, bmc, spy), sent


def drive(plan, bmc, ctx=None, override=None):
    """One host's whole run (engine.host_script) against ``bmc``: (status, stdout lines, stderr lines)."""
    out, err = [], []
    ctx = ctx or Context(categories=[c.name for c in plan.categories])
    status = run(engine.host_script(plan, ctx, engine.Lines(out.append, err.append)), bmc, override)
    return status, out, err


# checkout spellings measured with FreeIPMI 1.6.10 (K_G committed as hex, then checked out)
@pytest.mark.parametrize("key, shown", [
    (b"secretkey", "secretkey"), (b"secret key", "secret key"), (b" A", " A"), (b" ", " "),
    (b"abcdefghijklmnopqrst", "abcdefghijklmnopqrst"), (b"0Xabc", "0Xabc"),
    (b"0xabc", "0x3078616263" + "00" * 15), (b"A\0B", "0x410042" + "00" * 17), (b"A\x01B", "0x410142" + "00" * 17),
    (b"", "0x" + "00" * 20), (b"A\xe9", "0x41e9" + "00" * 18), (b"A\t", "0x4109" + "00" * 18),
    (b"~\x7f", "0x7e7f" + "00" * 18),
])
def test_k_g_is_shown_as_text_only_when_it_reads_back_the_same(bmc, key, shown) -> None:
    assert format_k_g(key.ljust(20, b"\0")) == shown
    bmc.k_g = key.ljust(20, b"\0")
    assert value(bmc, "Lan_Conf_Security_Keys", "K_G") == shown


@pytest.mark.parametrize("text, key", [
    ("secretkey", b"secretkey"), ("0x123", b"\x12\x03"), ("0XABC", b"\xab\x0c"), ("0x41", b"A"), ("0x", b""),
    ("0X", b""), ("", b""), ("0x" + "ab" * 20, b"\xab" * 20),
])
def test_k_g_input_hex_digits_pair_from_the_left(bmc, text, key) -> None:
    assert parse_k_g(text) == key.ljust(20, b"\0")
    assert commit(bmc, "Lan_Conf_Security_Keys", "K_G", text) is None
    assert bmc.k_g == (key.ljust(20, b"\0") if key else None)      # the simulator keeps "no K_g" as None


@pytest.mark.parametrize("text", ["0x0g", "0x" + "a" * 41, "x" * 21])
def test_k_g_that_cannot_be_a_key_is_invalid(bmc, text) -> None:
    _, secs = sections(bmc)
    assert parse_k_g(text) is None
    assert secs["Lan_Conf_Security_Keys"].key("K_G").validate(text) is Validity.INVALID


def test_k_g_diff_takes_either_spelling_of_the_same_key(bmc) -> None:
    bmc.k_g = b"secretkey".ljust(20, b"\0")
    spellings = {"0x7365637265746b6579": "", "0x7365637265746B657900": "", "secretkey": "", "SECRETKEY": "",
                 "0x736563": "Lan_Conf_Security_Keys:K_G - input=`0x736563':actual=`secretkey'"}
    for text, line in spellings.items():
        plan = engine.Plan("diff", [core.CATEGORY], keypairs=[parse_keypair(f"Lan_Conf_Security_Keys:K_G={text}")])
        assert drive(plan, bmc) == (0, [line] if line else [], [])


def test_session_limit_of_the_input_reaches_the_bmc(bmc) -> None:
    pairs = ["User4:Enable_User=No", "User3:Lan_Privilege_Limit=User", "User3:Lan_Session_Limit=3"]
    plan = engine.Plan("commit", [core.CATEGORY], keypairs=[parse_keypair(p) for p in pairs])
    assert drive(plan, bmc) == (0, [], [])
    access = bmc.user(3).access[1]
    assert (access.privilege_limit, access.session_limit, bmc.user(4).enabled) == (2, 3, False)


def _no_user_access(netfn, cmd, data):
    return (0xCC, b"") if (netfn, cmd) == (0x06, 0x44) else None


def _no_channel_info(netfn, cmd, data):
    return (0xC1, b"") if (netfn, cmd) == (0x06, 0x42) else None


@pytest.mark.parametrize("override, options", [
    (_no_user_access, {}), (_no_channel_info, {}), (None, {"lan_channel": 2}),
])
def test_no_number_of_users_ends_the_category(bmc, override, options) -> None:
    with pytest.raises(SectionsFailed) as failed:
        run(core.sections(Context(**options)), bmc, override)
    assert failed.value.lines == ["Unable to get Number of Users"]
    plan = engine.Plan("checkout", [core.CATEGORY], section_names=["Lan_Conf"])
    assert drive(plan, bmc, Context(**options), override) == (1, [], ["Unable to get Number of Users"])


def test_sol_channel_is_asked_on_the_discovered_lan_channel(bmc) -> None:
    def user_access_on_2(netfn, cmd, data):            # channel 2 answers Get User Access
        if (netfn, cmd) == (0x06, 0x44) and data[0] & 0x0F == 2:
            return 0, bytes((10, 2, 0, 4))
        return None

    _, sent = recorded(core.sections(Context(lan_channel=2)), bmc, user_access_on_2)
    assert [d[0] & 0x0F for n, c, d in sent if (n, c) == (0x0C, 0x22)] == [1]
    assert [d[0] & 0x0F for n, c, d in sent if (n, c) == (0x06, 0x44)] == [2]


def test_sol_keys_fail_when_the_payload_channel_cannot_be_read(bmc) -> None:
    def no_sol_7(netfn, cmd, data):
        return (0xC1, b"") if (netfn, cmd) == (0x0C, 0x22) and data[1] == 7 else None

    ctx = Context()
    secs = {s.name: s for s in run(core.sections(ctx), bmc, no_sol_7)}
    assert isinstance(run(secs["SOL_Conf"].key("Enable_SOL").checkout(ctx), bmc), KeyFailure)
    ctx = Context()
    run(core.sections(ctx), bmc, lambda n, c, d: (0x80, b"") if (n, c) == (0x0C, 0x22) and d[1] == 7 else None)
    assert run(secs["SOL_Conf"].key("Enable_SOL").checkout(ctx), bmc) == "Yes"     # 0x80: the LAN channel


def _no_ipv6_status(netfn, cmd, data):
    return (0x80, b"") if (netfn, cmd) == (0x0C, 0x02) and data[1] == 55 else None


def test_bmc_without_ipv6_status_reads_no_support_without_asking(bmc) -> None:
    ctx = Context(verbose=1)
    secs = {s.name: s for s in run(core.sections(ctx), bmc, _no_ipv6_status)}
    lan6 = secs["Lan6_Conf"]
    assert [k.name for k in lan6.keys] == ["Supports_IPv6_Only", "Supports_IPv6_And_IPv4_Simultaneously",
                                          "Supports_IPv6_Destination_Address_For_Lan_Alert",
                                          "IPv6_IPv4_Addressing_Enables"]
    for key in lan6.keys[:3]:
        assert recorded(key.checkout(ctx), bmc) == ("No", [])
    addressing = lan6.key("IPv6_IPv4_Addressing_Enables")
    assert recorded(addressing.checkout(ctx), bmc) == (KeyFailure(FailureKind.NOT_SUPPORTED), [])
    assert recorded(addressing.commit(ctx, "IPv6_Only"), bmc) == (KeyFailure(FailureKind.NOT_SUPPORTED), [])


def test_ipv6_support_is_read_once(bmc) -> None:
    ctx, secs = sections(bmc, verbose=1)
    asked = []
    for key in secs["Lan6_Conf"].keys[:3]:
        got, sent = recorded(key.checkout(ctx), bmc)
        assert got in ("Yes", "No")
        asked += [d[1] for n, c, d in sent if (n, c) == (0x0C, 0x02)]
    assert asked == [50]


def test_diff_of_a_not_supported_key_keeps_status_0(bmc) -> None:
    plan = engine.Plan("diff", [core.CATEGORY], keypairs=[
        parse_keypair("Lan6_Conf:IPv6_IPv4_Addressing_Enables=IPv6_Only"),
        parse_keypair("Lan6_Conf:Supports_IPv6_Only=Yes")])
    assert drive(plan, bmc, override=_no_ipv6_status) == (0, [          # input order, as FreeIPMI
        "\t## ERROR: Unable to checkout Lan6_Conf:IPv6_IPv4_Addressing_Enables",
        "Lan6_Conf:Supports_IPv6_Only - input=`Yes':actual=`No'"], [])
    plan = engine.Plan("commit", [core.CATEGORY], keypairs=[
        parse_keypair("Lan6_Conf:IPv6_IPv4_Addressing_Enables=IPv6_Only")])
    assert drive(plan, bmc, override=_no_ipv6_status) == (
        1, [], ["ERROR: Failed to commit `Lan6_Conf:IPv6_IPv4_Addressing_Enables': Not Supported"])


def test_hidden_misc_section_has_a_comment_block(bmc) -> None:
    status, out, err = drive(engine.Plan("checkout", [core.CATEGORY], section_names=["Misc"]), bmc)
    assert (status, err) == (0, [])
    assert out[:3] == ["#", "# Section Misc Comments ", "#"]
    assert out[-4:] == ["Section Misc",
                        "\t## Possible values: Off_State_AC_Apply/Restore_State_AC_Apply/On_State_AC_Apply",
                        "\tPower_Restore_Policy                          Off_State_AC_Apply", "EndSection"]
