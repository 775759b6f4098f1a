"""The rack file: parsing, inheritance, BMC placement and errors that name the line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pyipmi_tools.sim.rack import (
    ALL_CIPHER_SUITES,
    DEFAULT_USERS,
    MAX_BMCS,
    Rack,
    RackError,
    Settings,
    UserSpec,
    load_rack,
    parse_cipher_suites,
    parse_k_g,
    parse_user,
    parse_value,
    single_group,
)

EXAMPLE = """\
# a rack with every kind of group
[defaults]
address = 127.0.0.1
cipher_suites = 0-3, 6-8, 11, 12, 15-17
users = admin:password:ADMIN, operator:operpass:OPERATOR, user:userpass:USER

[node1]
port = 9001
power = on
boot_device = pxe
quirks = zero-session-seq, slow
slow = 0.5
loss = 10
k_g = 0x0123456789abcdef0123456789abcdef01234567

[nodes]
count = 100
port = 10000

[spread]
address = 127.0.0.2-127.0.0.101
cipher_suites = 3, 17
    [[users]]
    root = "pass,word", ADMIN
    guest = guestpw, user
"""


def write(tmp_path: Path, text: str, name: str = "rack.ini") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def error_of(tmp_path: Path, text: str, **kwargs: object) -> str:
    path = write(tmp_path, text)
    with pytest.raises(RackError) as info:
        load_rack(path, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith(path), message
    return message[len(path):]


# -- the happy path ------------------------------------------------------------------------------


def test_example_rack(tmp_path: Path) -> None:
    rack = load_rack(write(tmp_path, EXAMPLE))
    assert [g.name for g in rack.groups] == ["node1", "nodes", "spread"]
    assert len(rack) == 1 + 100 + 100
    node1, nodes, spread = rack.groups

    assert list(node1.endpoints()) == [("127.0.0.1", 9001)]
    assert node1.line == 7
    s = node1.settings
    assert s.power is True and s.boot_device == "PXE"
    assert s.quirks == ("zero-session-seq", "slow") and s.slow == 0.5 and s.loss == 10.0
    assert s.k_g == bytes.fromhex("0123456789abcdef0123456789abcdef01234567")
    assert s.cipher_suites == ALL_CIPHER_SUITES
    assert [u.describe() for u in s.users] == ["admin:ADMIN", "operator:OPERATOR", "user:USER"]
    q = s.make_quirks()
    assert q.zero_session_seq and q.slow == 0.5 and q.loss == 10.0

    assert list(nodes.endpoints())[:2] == [("127.0.0.1", 10000), ("127.0.0.1", 10001)]
    assert list(nodes.endpoints())[-1] == ("127.0.0.1", 10099)
    assert nodes.settings.power is False and nodes.settings.boot_device == "NO-OVERRIDE"
    assert nodes.settings.quirks == () and nodes.settings.k_g is None

    assert spread.port == 623 and spread.count == 1
    assert spread.addresses[0] == "127.0.0.2" and spread.addresses[-1] == "127.0.0.101"
    assert spread.settings.cipher_suites == (3, 17)
    assert spread.settings.users == (UserSpec("root", b"pass,word", "ADMIN"), UserSpec("guest", b"guestpw", "USER"))


def test_defaults_without_any_settings(tmp_path: Path) -> None:
    rack = load_rack(write(tmp_path, "[bmc]\nport = 9100\n"))
    (group,) = rack.groups
    assert group.settings == Settings()
    assert group.settings.users == DEFAULT_USERS
    assert [u.password for u in DEFAULT_USERS] == [b"password", b"operpass", b"userpass"]
    assert list(rack.bmcs()) == [(group, "127.0.0.1", 9100)]
    assert rack.source.endswith("rack.ini")


def test_count_per_address_on_a_range_and_address_lists(tmp_path: Path) -> None:
    rack = load_rack(write(tmp_path, """\
        [grid]
        address = 127.0.0.2-127.0.0.4, 127.0.1.1
        port = 9000
        count = 2
        """))
    assert [(a, p) for _g, a, p in rack.bmcs()] == [
        ("127.0.0.2", 9000), ("127.0.0.2", 9001), ("127.0.0.3", 9000), ("127.0.0.3", 9001),
        ("127.0.0.4", 9000), ("127.0.0.4", 9001), ("127.0.1.1", 9000), ("127.0.1.1", 9001),
    ]


def test_ipv6_loopback_is_allowed(tmp_path: Path) -> None:
    rack = load_rack(write(tmp_path, "[v6]\naddress = ::1\nport = 9000\n"))
    assert rack.groups[0].addresses == ("::1",)


def test_overrides_win_over_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE)
    rack = load_rack(path, {"loss": 50.0, "quirks": ("idzero",), "power": False})
    for group in rack.groups:
        assert group.settings.loss == 50.0 and group.settings.power is False
    # slow from the file still implies its profile next to the overriding list
    assert rack.groups[0].settings.quirks == ("idzero", "slow")
    assert rack.groups[1].settings.quirks == ("idzero",)


def test_non_loopback_needs_the_flag(tmp_path: Path) -> None:
    text = "[far]\naddress = 192.0.2.10\nport = 9000\n"
    assert error_of(tmp_path, text) == (
        " line 2: [far]: 192.0.2.10 is not a loopback address (pass --allow-non-loopback to serve on it)")
    rack = load_rack(write(tmp_path, text), allow_non_loopback=True)
    assert rack.groups[0].addresses == ("192.0.2.10",)


def test_non_loopback_from_defaults_blames_the_defaults_line(tmp_path: Path) -> None:
    assert error_of(tmp_path, "[defaults]\naddress = 10.0.0.1\n[a]\nport = 9000\n").startswith(" line 2: [a]: ")


def test_triple_quoted_values_do_not_shift_line_numbers(tmp_path: Path) -> None:
    text = '[defaults]\nk_g = """abc\n"""\n[a]\nport = 9000\nloss = 300\n'
    assert error_of(tmp_path, text) == " line 6: loss percentage 300 is outside 0..100"


# -- errors name the file and the line -------------------------------------------------------------

ERRORS = [
    ("[a]\nport = 9000\nquirks = slow, foo\n", " line 3: unknown quirk profile 'foo'"),
    ("[a]\nport = 9000\ncolour = blue\n", " line 3: unknown key 'colour' in [a]"),
    ("[a]\nport = 70000\n", " line 2: port 70000 is outside 1..65535"),
    ("[a]\nport = nine\n", " line 2: bad port 'nine'"),
    ("[a]\ncount = 0\n", " line 2: count 0 is outside 1..65536"),
    ("[a]\nloss = 101\n", " line 2: loss percentage 101 is outside 0..100"),
    ("[a]\ncorrupt = nan\n", " line 2: corrupt percentage nan is outside 0..100"),
    ("[a]\nslow = -1\n", " line 2: slow reply delay -1 is outside 0..3600"),
    ("[a]\npower = maybe\n", " line 2: bad power state 'maybe' (expected on or off)"),
    ("[a]\npower = on, off\n", " line 2: expected a single value, not a list"),
    ("[a]\nboot_device = tape\n", " line 2: unknown boot device 'tape' (expected NO-OVERRIDE, PXE, "
     "HARD-DRIVE, HARD-DRIVE-SAFE-MODE, DIAGNOSTIC-PARTITION, CD-DVD, BIOS-SETUP, REMOTE-FLOPPY, "
     "REMOTE-CD-DVD, PRIMARY-REMOTE-MEDIA, REMOTE-HARD-DRIVE, FLOPPY)"),
    ("[a]\ncipher_suites = 3, 4\n", " line 2: unsupported cipher suite 4 "
     "(supported: 0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)"),
    ("[a]\ncipher_suites = 0-18\n", " line 2: unsupported cipher suite 18 "
     "(supported: 0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)"),
    ("[a]\ncipher_suites = x\n", " line 2: bad cipher suite 'x'"),
    ("[a]\nk_g = 0xabc\n", " line 2: bad K_g: expected 0x and an even number of hex digits, at most 40"),
    ("[a]\nk_g = 123456789012345678901\n", " line 2: K_g is longer than 20 bytes"),
    ("[a]\naddress = 127.0.0.5-127.0.0.1\n", " line 2: bad address range '127.0.0.5-127.0.0.1'"),
    ("[a]\naddress = 127.0.0.1-::1\n", " line 2: bad address range '127.0.0.1-::1'"),
    ("[a]\naddress = localhost\n", " line 2: bad address 'localhost' (expected an IP address or FIRST-LAST range)"),
    ("[a]\naddress = 127.0.0.1, 127.0.0.1\n", " line 2: an address is listed twice"),
    ("[a]\naddress = 127.0.0.0-127.1.0.0\n", f" line 2: address range '127.0.0.0-127.1.0.0' is larger than {MAX_BMCS}"),
    ("[a]\nusers = admin:ADMIN\n", " line 2: bad user 'admin:ADMIN' (expected NAME:PASSWORD:PRIVILEGE)"),
    ("[a]\nusers = admin:pw:ROOT\n", " line 2: unknown privilege 'ROOT' for user 'admin' "
     "(expected CALLBACK, USER, OPERATOR, ADMIN, OEM, NO-ACCESS)"),
    ("[a]\nusers = a:x:USER, a:y:USER\n", " line 2: user 'a' is listed twice"),
    ("[a]\nusers = abcdefghijklmnopq:x:USER\n", " line 2: user name 'abcdefghijklmnopq' is longer than 16 bytes"),
    ("[a]\nusers = a:123456789012345678901:USER\n", " line 2: password of user 'a' is longer than 20 bytes"),
    ("[a]\nport = 9000\n[[users]]\nadmin = password\n", " line 4: user 'admin': expected PASSWORD, PRIVILEGE"),
    ("[a]\nport = 9000\n[[users]]\nadmin = pw, GOD\n", " line 4: unknown privilege 'GOD' for user 'admin' "
     "(expected CALLBACK, USER, OPERATOR, ADMIN, OEM, NO-ACCESS)"),
    ("[a]\nusers = a:b:USER\n[[users]]\nadmin = pw, USER\n", " line 3: duplicate section name: '[[users]]'"),
    ("[a]\nport = 9000\n[[extra]]\nx = 1\n", " line 3: unknown subsection [[extra]] (only [[users]])"),
    ("[a]\n[[users]]\n[[[x]]]\n", " line 3: unexpected subsection in [[users]]"),
    ("[a]\n[[users]]\n", " line 2: no users"),
    ("[defaults]\ncount = 5\n[a]\n", " line 2: count belongs in a group section, not [defaults]"),
    ("port = 9000\n[a]\n", " line 1: key 'port' is outside any section"),
    ("[a]\nport = 65530\ncount = 10\n", " line 3: [a]: ports 65530-65539 run past 65535"),
    ("[a]\nport = 9000\n[b]\nport = 8999\ncount = 3\n", " line 3: [b] 127.0.0.1:9000 is also served by [a] (line 1)"),
    ("[a]\nport = 9000\n[a]\n", " line 3: duplicate section name: '[a]'"),
    ("[a]\nport = 9000\nport = 9001\n", " line 3: duplicate keyword name: 'port = 9001'"),
    ("[a\n", " line 1: invalid line ('[a') (matched as neither section nor keyword)"),
    ("[defaults]\nport = 9000\n", ": no BMC sections (only [defaults])"),
    ("# nothing\n", ": no BMC sections"),
]


@pytest.mark.parametrize("text,expected", ERRORS, ids=[e[1][:40] for e in ERRORS])
def test_errors_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    assert error_of(tmp_path, text) == expected


def test_too_many_users(tmp_path: Path) -> None:
    users = ", ".join(f"u{i}:pw:USER" for i in range(63))
    assert error_of(tmp_path, f"[a]\nusers = {users}\n") == " line 2: more than 62 users"


def test_too_many_bmcs(tmp_path: Path) -> None:
    text = "[a]\naddress = 127.0.0.1-127.0.0.3\nport = 1000\ncount = 30000\n"
    assert error_of(tmp_path, text) == f" line 4: [a]: 90000 BMCs is more than {MAX_BMCS}"


def test_unreadable_files(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.ini")
    with pytest.raises(RackError, match=r"nope\.ini: No such file or directory$"):
        load_rack(missing)
    binary = tmp_path / "bin.ini"
    binary.write_bytes(b"[a]\nport = \xff\xfe\n")
    with pytest.raises(RackError, match=r"bin\.ini: not UTF-8 text$"):
        load_rack(str(binary))


# -- value parsers shared with the command line --------------------------------------------------------


def test_parse_user_keeps_colons_in_the_password_and_allows_the_null_user() -> None:
    assert parse_user("admin:pa:ss:word:admin") == UserSpec("admin", b"pa:ss:word", "ADMIN")
    assert parse_user(":secret:OPERATOR") == UserSpec("", b"secret", "OPERATOR")
    assert parse_user("x:y:administrator").privilege == "ADMIN"
    assert parse_user("x:y:no_access").privilege == "NO-ACCESS"
    assert parse_user(":secret:OPERATOR").describe() == "(null):OPERATOR"
    assert "secret" not in repr(parse_user(":secret:OPERATOR"))


def test_parse_cipher_suites() -> None:
    assert parse_cipher_suites("0-17") == ALL_CIPHER_SUITES
    assert parse_cipher_suites(["17", "3", "3"]) == (3, 17)
    with pytest.raises(ValueError, match="no cipher suites"):
        parse_cipher_suites("4-5")
    with pytest.raises(ValueError, match="bad cipher suite range"):
        parse_cipher_suites("5-3")


def test_parse_k_g() -> None:
    assert parse_k_g("0xABCD") == b"\xab\xcd"
    assert parse_k_g("secret") == b"secret"
    assert parse_k_g("") is None
    with pytest.raises(ValueError):
        parse_k_g("0x" + "00" * 21)


def test_parse_value_rejects_unknown_quirks_case_insensitively() -> None:
    assert parse_value("quirks", "Zero_Session_Seq, IDZERO, idzero") == ("zero-session-seq", "idzero")
    with pytest.raises(ValueError, match="unknown quirk profile 'nope'"):
        parse_value("quirks", "nope")


def test_single_group() -> None:
    rack = single_group({"port": 9500, "count": 3, "power": True})
    assert isinstance(rack, Rack) and rack.source == "command line"
    assert [(a, p) for _g, a, p in rack.bmcs()] == [("127.0.0.1", 9500), ("127.0.0.1", 9501), ("127.0.0.1", 9502)]
    assert rack.groups[0].settings.power is True
    with pytest.raises(RackError, match="^192.0.2.1 is not a loopback address"):
        single_group({"address": ("192.0.2.1",)})
    assert single_group({"address": ("192.0.2.1",)}, allow_non_loopback=True).groups[0].port == 623
    assert single_group({"slow": 0.2}).groups[0].settings.quirks == ("slow",)
