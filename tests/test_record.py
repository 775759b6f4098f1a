"""pyipmi_tools.record: the dataclass subset the package uses, generic and compiled __init__ alike."""

from __future__ import annotations

import pytest

from pyipmi_tools import record as rec
from pyipmi_tools.record import FrozenInstanceError, field, fields, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: list = field(default_factory=list)
    secret: bytes = field(default=b"", repr=False)


@record(frozen=False)
class Counter:
    n: int = 0

    def __post_init__(self) -> None:
        self.n += 1


def _both_inits():
    """Instances from the generic __init__ and from the compiled one."""
    made = [Point(1, 2) for _ in range(rec._COMPILE_AFTER + 2)]
    assert "__init__" in Point.__dict__ and Point.__init__ is not rec._first_init
    return made[0], made[-1]


def test_fields_defaults_factories_and_repr():
    p = Point(1)
    assert (p.x, p.y, p.tags, p.secret) == (1, 0, [], b"")
    assert Point(1).tags is not Point(1).tags
    assert repr(Point(3, y=4, secret=b"pw")) == "Point(x=3, y=4, tags=[])"
    assert fields(Point) == ("x", "y", "tags", "secret") == Point.__match_args__


def test_equality_hash_and_frozen():
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    assert Point(1, 2).__eq__(object()) is NotImplemented
    assert hash(Point(1, 2, ())) == hash(Point(1, 2, ()))
    with pytest.raises(FrozenInstanceError):
        Point(1).x = 5
    with pytest.raises(FrozenInstanceError):
        del Point(1).x


def test_replace_and_mutable_records():
    assert replace(Point(1, 2), y=7) == Point(1, 7)
    with pytest.raises(TypeError):
        replace(Point(1), z=1)
    c = Counter()
    assert c.n == 1
    c.n = 5
    assert c.n == 5 and Counter.__hash__ is None


@pytest.mark.parametrize("call, message", [
    (lambda: Point(), "missing required argument: 'x'"),
    (lambda: Point(1, 2, [], b"", 5), "takes 4 positional arguments but 5 were given"),
    (lambda: Point(1, x=2), "multiple values for argument 'x'"),
    (lambda: Point(1, z=2), "unexpected keyword argument 'z'"),
])
def test_generic_init_rejects_bad_arguments(call, message):
    with pytest.raises(TypeError, match=message):
        call()


def test_compiled_init_behaves_like_the_generic_one():
    first, last = _both_inits()
    assert first == last
    assert Point(5, tags=[1]) == Point(5, 0, [1], b"")
    with pytest.raises(TypeError):
        Point()
    assert [Counter().n for _ in range(rec._COMPILE_AFTER + 2)] == [1] * (rec._COMPILE_AFTER + 2)
