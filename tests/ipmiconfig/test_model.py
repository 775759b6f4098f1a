"""Value helpers and key flags of the category vocabulary."""

from __future__ import annotations

from pyipmi_tools.ipmiconfig.model import (Choice, Context, FailureKind, Key, KeyFlag, Validity, c_atoi, number_range,
                                           parameter_failure, parse_yes_no, validate_yes_no)


def test_choice_is_case_insensitive_in_and_canonical_out() -> None:
    choice = Choice({"Off_State_AC_Apply": 0, "On_State_AC_Apply": 2})
    assert choice.validate("off_state_ac_apply") is Validity.VALID and choice.validate("x") is Validity.INVALID
    assert (choice.number("ON_STATE_AC_APPLY"), choice.number("x")) == (2, -1)
    assert (choice.name(0), choice.name(1)) == ("Off_State_AC_Apply", "")
    assert choice.description == "Possible values: Off_State_AC_Apply/On_State_AC_Apply"


def test_numbers_read_as_c_does() -> None:
    check = number_range(1, 255)
    assert [check(v) for v in ("010", "0x10", " 7", "", "0", "8x", "99999999999999999999")] == [
        Validity.VALID, Validity.VALID, Validity.VALID, Validity.OUT_OF_RANGE, Validity.OUT_OF_RANGE,
        Validity.INVALID, Validity.INVALID]
    assert (c_atoi("0x10"), c_atoi("12abc"), c_atoi("-3"), c_atoi("")) == (0, 12, -3, 0)


def test_yes_no() -> None:
    assert validate_yes_no("YES") is Validity.VALID and validate_yes_no("y") is Validity.INVALID
    assert parse_yes_no("Yes") and not parse_yes_no("no")


def test_messages() -> None:
    assert Validity.OUT_OF_RANGE.message("S", "K", "0") == "Out of Range value '0' for key 'K' in section 'S'"
    assert Validity.NOT_ACCURATE.message("S", "K", "v") == (
        "Value 'v' for key 'K' in section 'S' cannot be encoded accurately, try another value")
    assert Validity.VALID.message("S", "K", "v") == ""


def test_parameter_failure_mapping() -> None:
    assert [parameter_failure(cc).kind for cc in (0x82, 0x80, 0xD5, 0xCC, 0xC1)] == [
        FailureKind.READ_ONLY, FailureKind.NOT_SUPPORTED, FailureKind.INVALID_CONFIG, FailureKind.INVALID_CONFIG,
        FailureKind.GENERIC]


def test_commented_out_and_writable() -> None:
    assert Key("K", flags=KeyFlag.COMMENTED_OUT).commented_out("x")
    assert Key("K", flags=KeyFlag.COMMENTED_OUT_IF_EMPTY).commented_out("")
    assert not Key("K", flags=KeyFlag.COMMENTED_OUT_IF_EMPTY).commented_out("x")
    assert not Key("K", flags=KeyFlag.READ_ONLY).writable and not Key("K", flags=KeyFlag.UNDEFINED).writable
    assert Key("K").writable


def test_context_error_lines_always_debug_lines_only_with_debug() -> None:
    for level, expected in ((0, ["error"]), (1, ["error", "debug"])):
        lines: list[str] = []
        ctx = Context(debug=level, err_line=lines.append)
        ctx.error("error")
        ctx.debug("debug")
        assert lines == expected
