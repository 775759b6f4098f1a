"""pyipmi_tools.constants behaves like the enum subset the package relies on."""

from __future__ import annotations

import pickle

import pytest

from pyipmi_tools.constants import Constant, IntConstant


class Level(IntConstant):
    LOW = 1
    HIGH = 2
    TOP = 2          # alias

    def doubled(self) -> int:
        return self * 2


class Word(Constant):
    YES = "yes"
    NO = "no"

    @property
    def text(self) -> str:
        return self.value


def test_int_members():
    assert list(Level) == [Level.LOW, Level.HIGH] and len(Level) == 2
    assert Level(2) is Level.HIGH is Level.TOP is Level["TOP"]
    assert Level.HIGH == 2 and Level.LOW < Level.HIGH and hash(Level.HIGH) == hash(2)
    assert (Level.HIGH.name, Level.HIGH.value) == ("HIGH", 2)
    assert repr(Level.LOW) == "<Level.LOW: 1>" and str(Level.LOW) == "1" and f"{Level.HIGH:02x}" == "02"
    assert Level.HIGH.doubled() == 4 and Level.HIGH in Level


def test_plain_members():
    assert list(Word) == [Word.YES, Word.NO]
    assert Word("no") is Word.NO and Word.NO.text == "no" and str(Word.NO) == "Word.NO"
    assert Word.YES != Word.NO and {Word.YES: 1}[Word.YES] == 1 and Word.__members__["YES"] is Word.YES


def test_lookup_errors_and_immutability():
    with pytest.raises(ValueError, match="3 is not a valid Level"):
        Level(3)
    with pytest.raises(KeyError):
        Word["MAYBE"]
    with pytest.raises(ValueError):
        Word([])                      # unhashable: still a ValueError
    with pytest.raises(AttributeError):
        Level.LOW = 5


def test_pickle_round_trip():
    assert pickle.loads(pickle.dumps(Level.HIGH)) is Level.HIGH
    assert pickle.loads(pickle.dumps(Word.NO)) is Word.NO
