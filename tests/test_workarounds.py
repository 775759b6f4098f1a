"""FreeIPMI's -W parsing rules (reference section 5.1)."""

from __future__ import annotations

import pytest

from pyipmi_tools.workarounds import (INBAND, KNOWN, add_flag, OUTOFBAND_15, OUTOFBAND_20, SDR, SECTION_SPECIFIC,
                                      SHARED_BITS, Workarounds, WorkaroundError, parse_workarounds)


def flags(text: str) -> set[str]:
    return set(parse_workarounds(text).flags)


def test_single_and_list() -> None:
    assert flags("authcap") == {"authcap"}
    assert flags("authcap,idzero,opensesspriv") == {"authcap", "idzero", "opensesspriv"}


def test_none_clears_and_stops() -> None:
    assert flags("none") == set()
    assert flags("authcap,none") == set()          # clears what came before
    assert flags("none,garbage") == set()          # stops: the rest is not even checked
    assert flags("authcap,none,idzero") == set()
    assert flags("NONE") == set()
    assert flags("idzero,None,nonsense,,") == set()


def test_unknown_word_is_an_error() -> None:
    with pytest.raises(WorkaroundError):
        parse_workarounds("garbage")
    with pytest.raises(WorkaroundError, match="bogus"):
        parse_workarounds("authcap,bogus")
    with pytest.raises(WorkaroundError):
        parse_workarounds("garbage,none")  # the error comes before none is reached
    assert issubclass(WorkaroundError, ValueError)


def test_empty_items_are_skipped() -> None:
    assert flags("") == set()                      # -W '' is valid
    assert flags(",") == set()
    assert flags("authcap,,idzero") == {"authcap", "idzero"}
    assert flags(",authcap,") == {"authcap"}


def test_case_insensitive() -> None:
    assert flags("AuthCap,IDZERO,OpenSessPriv") == {"authcap", "idzero", "opensesspriv"}


@pytest.mark.parametrize("text", [" authcap", "authcap ", "authcap, idzero", "auth cap", "authcap;idzero",
                                  "authcap\t", "-authcap", "authcaps", "auth"])
def test_only_commas_separate(text: str) -> None:
    """strtok on ',' only: surrounding whitespace is part of the word, so it is not a flag name."""
    with pytest.raises(WorkaroundError):
        parse_workarounds(text)


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_every_flag_of_every_tool_is_accepted(name: str) -> None:
    assert name in flags(name)
    assert name in flags(name.upper())


def test_flag_groups() -> None:
    assert set(OUTOFBAND_15) == {"authcap", "nochecksumcheck", "idzero", "unexpectedauth", "forcepermsg",
                                 "endianseq", "noauthcodecheck"}
    assert set(OUTOFBAND_20) == {"authcap", "nochecksumcheck", "intel20", "supermicro20", "sun20",
                                 "opensesspriv", "integritycheckvalue"}
    assert set(INBAND) == {"assumeio", "spinpoll"}
    assert set(SDR) == {"assumemaxsdrrecordcount"}
    assert set(SECTION_SPECIFIC) == {
        "solpayloadsize", "solport", "solstatus", "solchannelsupport", "serialalertsdeferred", "solpacketseq",
        "ipmiping", "slowcommit", "veryslowcommit", "solchannelassumelanchannel", "skipchecks",
        "assumesystemevent", "discretereading", "ignorescanningdisabled", "assumebmcowner", "ignoreauthcode",
        "ignorestateflag", "malformedack", "guidformat"}
    assert KNOWN == frozenset(OUTOFBAND_15 + OUTOFBAND_20 + INBAND + SDR + SECTION_SPECIFIC)
    assert len(KNOWN) == 12 + 2 + 1 + 19


@pytest.mark.parametrize("a, b", [("ipmiping", "solchannelassumelanchannel"), ("malformedack", "slowcommit"),
                                  ("guidformat", "veryslowcommit")])
def test_shared_bits(a: str, b: str) -> None:
    assert flags(a) == {a, b}
    assert flags(b) == {a, b}
    assert flags(f"{a},{b}") == {a, b}
    assert SHARED_BITS[a] == b and SHARED_BITS[b] == a


def test_shared_bits_are_only_those_three_pairs() -> None:
    assert len(SHARED_BITS) == 6
    for name in KNOWN - set(SHARED_BITS):
        assert flags(name) == {name}


def test_add_flag_adds_the_shared_bit_twin_and_rejects_unknown_words() -> None:
    flags: set[str] = set()
    add_flag(flags, "slowcommit")
    add_flag(flags, "authcap")
    assert flags == {"slowcommit", "malformedack", "authcap"}
    for word in ("none", "bogus", " authcap", "AUTHCAP"):
        with pytest.raises(WorkaroundError):
            add_flag(set(), word)


def test_workarounds_object() -> None:
    w = parse_workarounds("authcap,idzero,intel20")
    assert "authcap" in w and "sun20" not in w
    assert bool(w) and not bool(Workarounds()) and not parse_workarounds("none")
    assert w.names() == "authcap,idzero,intel20"
    assert Workarounds().names() == "none"
    assert w.only(OUTOFBAND_15) == Workarounds(frozenset({"authcap", "idzero"}))
    assert w.only(OUTOFBAND_20) == Workarounds(frozenset({"authcap", "intel20"}))
    assert w.only(INBAND) == Workarounds()
    assert parse_workarounds("authcap") == Workarounds(frozenset({"authcap"}))
