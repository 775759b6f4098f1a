"""The Section/EndSection parser and the checkout writer (FreeIPMI 1.6.10's bytes)."""

from __future__ import annotations

import pytest

from pyipmi_tools.ipmiconfig import chassis
from pyipmi_tools.ipmiconfig.fileformat import (ParseError, check_duplicate_keypairs, comment_block, fgets_lines,
                                                key_lines, parse, parse_keypair, reflow, resolve_keypairs,
                                                section_text)
from pyipmi_tools.ipmiconfig.model import Key, KeyFlag

SECTIONS = list(chassis.SECTIONS)


def values(config):
    return [(s.name, kv.key.name, kv.value) for s, kvs in config.items() for kv in kvs]


def test_only_the_first_two_words_count_and_names_ignore_case() -> None:
    data = b"  # Section Foo\nSECTION chassis_boot_flags extra\n\tboot_device  pxe # junk\n## x y\nendsection z\n"
    assert values(parse(data, SECTIONS)) == [("Chassis_Boot_Flags", "Boot_Device", "pxe")]


def test_missing_value_is_empty_and_values_keep_input_order() -> None:
    data = b"Section Chassis_Boot_Flags\nCMOS_Clear\nBoot_Device PXE\nEndSection\n"
    assert values(parse(data, SECTIONS)) == [("Chassis_Boot_Flags", "CMOS_Clear", ""),
                                            ("Chassis_Boot_Flags", "Boot_Device", "PXE")]


def test_sections_come_out_in_category_order() -> None:
    data = b"Section Chassis_Boot_Flags\nBoot_Device PXE\nSection Chassis_Power_Conf\nPower_Cycle_Interval 5\n"
    assert [s.name for s, _ in parse(data, SECTIONS).items()] == ["Chassis_Power_Conf", "Chassis_Boot_Flags"]


@pytest.mark.parametrize("data, message", [
    (b"endsection\n", "FATAL: encountered `endsection' without a matching Section"),
    (b"\n\nsection\n", "FATAL: Error parsing line number 3"),
    (b"boot_device pxe\n", "FATAL: Key `boot_device' not inside a valid Section"),
    (b"Section Nope\n", "Unknown section `Nope'"),
    (b"Section Chassis_Boot_Flags\r\n", "Unknown section `Chassis_Boot_Flags\r'"),
    (b"Section chassis_boot_flags\nfoo_bar 1\n", "Unknown key `foo_bar' in section `Chassis_Boot_Flags'"),
    (b"Section chassis_boot_flags\nboot_device pxe\nBOOT_DEVICE x\n",
     "Key 'Boot_Device' specified twice in section 'Chassis_Boot_Flags'"),
    (b"Section Chassis_Boot_Flags\nBoot_Device pxe\nEndSection\nSection Chassis_Boot_Flags\nboot_device x\n",
     "Key 'Boot_Device' specified twice in section 'Chassis_Boot_Flags'"),
])
def test_parse_errors_have_freeipmis_words(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as err:
        parse(data, SECTIONS)
    assert str(err.value) == message


def test_long_lines_are_split_like_fgets() -> None:
    pieces = fgets_lines(b"a" * 5000 + b"\nb\n")
    assert [len(p) for p in pieces] == [4095, 906, 2]
    # the tail of an over-long line is read as a line of its own (here: a key outside a section)
    with pytest.raises(ParseError, match="not inside a valid Section"):
        parse(b"#" + b"x" * 4094 + b"Boot_Device PXE\n", SECTIONS)


def test_nul_ends_the_line() -> None:
    data = b"Section Chassis_Boot_Flags\nBoot_Device PXE\0junk\nEndSection\n"
    assert values(parse(data, SECTIONS)) == [("Chassis_Boot_Flags", "Boot_Device", "PXE")]


@pytest.mark.parametrize("text, parts", [
    ("Chassis_Boot_Flags:Boot_Device=PXE", ("Chassis_Boot_Flags", "Boot_Device", "PXE")),
    ("A:B=x y", ("A", "B", "x")),
    (" A : B = yes", ("A", "B", "yes")),
    ("A:B", ("A", "B", "")),
    ("A:B=x=y", ("A", "B", "x=y")),
    ("A:=x", ("A", "x", "")),          # strtok skips the empty key: FreeIPMI accepts this too
])
def test_keypairs_split_as_strtok(text: str, parts: tuple[str, str, str]) -> None:
    pair = parse_keypair(text)
    assert (pair.section, pair.key, pair.value) == parts


@pytest.mark.parametrize("text", ["AB", "", ":", "A:"])
def test_bad_keypairs(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_keypair(text)
    assert str(err.value) == f"Improperly input keypair '{text}'"


def test_duplicate_keypair_names_the_earlier_one() -> None:
    with pytest.raises(ValueError) as err:
        check_duplicate_keypairs([parse_keypair("a:b=1"), parse_keypair("A:B=2")])
    assert str(err.value) == "Duplicate section:key pair 'a:b' specified"


def test_unknown_keypairs_are_all_reported() -> None:
    pairs = [parse_keypair(t) for t in ("Foo:Bar", "Chassis_Boot_Flags:Nope", "chassis_boot_flags:boot_device=pxe")]
    matches, errors = resolve_keypairs(pairs, SECTIONS)
    assert errors == ["Unknown section `Foo'", "Unknown key `Nope' in section `Chassis_Boot_Flags'"]
    assert [(s.name, k.name, v) for s, k, v in matches] == [("Chassis_Boot_Flags", "Boot_Device", "pxe")]


def test_key_line_padding() -> None:
    key = Key("Power_Restore_Policy", "Possible values: A/B")
    assert key_lines(key, "A") == "\t## Possible values: A/B\n\tPower_Restore_Policy" + " " * 26 + "A\n"
    interval = Key("Power_Cycle_Interval", "Give value in seconds", KeyFlag.COMMENTED_OUT_IF_EMPTY)
    assert key_lines(interval, "") == "\t## Give value in seconds\n\t## Power_Cycle_Interval" + " " * 23 + "\n"
    long = Key("Enable_Standby_Button_For_Entering_Standby")   # 43 with the TAB: 3 spaces + 1
    assert key_lines(long, "Yes") == "\tEnable_Standby_Button_For_Entering_Standby    Yes\n"
    longer = Key("K" * 50)
    assert key_lines(longer, "v") == "\t" + "K" * 50 + " v\n"
    assert key_lines(Key("Username"), "<username-not-set-yet>").startswith("\t## Username ")


def test_multi_line_description() -> None:
    key = Key("Boot_Device", "first\n   second")
    assert key_lines(key, "PXE").startswith("\t## first\n\t##    second\n\tBoot_Device ")


def test_reflow_breaks_before_80_and_ends_lines_with_a_space() -> None:
    text = " ".join(["word"] * 30)
    lines = reflow(text).split("\n")[:-1]
    assert all(line.endswith(" ") and len(line) <= 81 for line in lines)
    assert lines[0] == "# " + "word " * 15
    assert reflow("a  b") == "# a b \n"


def test_section_text_layout() -> None:
    section = chassis.POWER_CONF
    text = section_text(section, [key_lines(section.keys[0], "Off_State_AC_Apply")], True)
    assert text.startswith("#\n# Section Chassis_Power_Conf Comments \n#\n# ")
    assert text.endswith("#\nSection Chassis_Power_Conf\n\t## Possible values: Off_State_AC_Apply/"
                         "Restore_State_AC_Apply/On_State_AC_Apply\n\tPower_Restore_Policy"
                         + " " * 26 + "Off_State_AC_Apply\nEndSection\n")
    assert comment_block("X", "p1\np2").count("#\n") == 4
    assert section_text(section, [], False) == "Section Chassis_Power_Conf\nEndSection\n"
