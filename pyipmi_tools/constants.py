"""Named constants: the part of :mod:`enum` this package uses, at a fraction of its start-up cost.

``class Privilege(IntConstant): USER = 2 ...`` makes ``Privilege.USER`` an ``int`` with a
``name`` and a ``value``; ``Constant`` does the same for any value (a string, a tuple).  As
with ``enum``: ``Privilege(2)`` and ``Privilege["USER"]`` look members up (``ValueError`` /
``KeyError`` otherwise), iterating the class gives the members in definition order (an
alias, a second name for a value already used, is left out), and functions, properties and
``_private`` names in the body are not members.

Why not enum: ``import enum`` pulls in ``functools``, ``collections``, ``operator`` and more
(about 3 ms), and building a class costs about 0.1 ms.  ``ipmipower --stat`` uses fifteen
such classes, and FreeIPMI's whole run takes 7 ms.
"""

from __future__ import annotations

__all__ = ["Constant", "IntConstant"]


class _ConstantsType(type):
    """Metaclass: turns the public plain attributes of a class body into members."""

    def __new__(mcls, name: str, bases: tuple, namespace: dict) -> type:
        values = {key: value for key, value in namespace.items()
                  if not key.startswith("_") and not hasattr(type(value), "__get__")}
        body = {key: value for key, value in namespace.items() if key not in values}
        cls = super().__new__(mcls, name, bases, body)
        members: dict[str, object] = {}
        by_value: dict[object, object] = {}
        for key, value in values.items():
            member = by_value.get(value)
            if member is None:
                member = cls._new_member(value)  # type: ignore[attr-defined]
                member._name_ = key
                member._value_ = value
                by_value[value] = member
            members[key] = member
            type.__setattr__(cls, key, member)
        type.__setattr__(cls, "_members_", members)
        type.__setattr__(cls, "_by_value_", by_value)
        return cls

    def __call__(cls, value: object) -> object:  # type: ignore[override]
        """The member whose value is ``value`` (a member stands for itself)."""
        if type(value) is cls:
            return value
        try:
            return cls._by_value_[value]  # type: ignore[attr-defined]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}") from None

    def __getitem__(cls, name: str) -> object:
        return cls._members_[name]  # type: ignore[attr-defined]

    def __iter__(cls):  # type: ignore[no-untyped-def]
        return iter(cls._by_value_.values())  # type: ignore[attr-defined]

    def __len__(cls) -> int:
        return len(cls._by_value_)  # type: ignore[attr-defined]

    def __contains__(cls, member: object) -> bool:
        return type(member) is cls

    def __setattr__(cls, name: str, value: object) -> None:
        if name in cls.__dict__.get("_members_", ()):
            raise AttributeError(f"cannot reassign member {name!r}")
        super().__setattr__(name, value)

    @property
    def __members__(cls) -> dict[str, object]:
        return dict(cls._members_)  # type: ignore[attr-defined]


class Constant(metaclass=_ConstantsType):
    """A named constant of any value; members compare by identity."""

    _name_: str
    _value_: object

    @classmethod
    def _new_member(cls, value: object) -> "Constant":
        return object.__new__(cls)

    @property
    def name(self) -> str:
        return self._name_

    @property
    def value(self):  # type: ignore[no-untyped-def]
        return self._value_

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"

    def __str__(self) -> str:
        return f"{type(self).__name__}.{self._name_}"

    def __reduce__(self) -> tuple:
        return type(self), (self._value_,)

    def __hash__(self) -> int:
        return hash(self._name_)

    def __eq__(self, other: object) -> bool:
        return self is other


class IntConstant(int, Constant):
    """A named ``int``: compares, hashes and formats as its value (like ``enum.IntEnum``)."""

    @classmethod
    def _new_member(cls, value: object) -> "IntConstant":
        return int.__new__(cls, value)  # type: ignore[call-overload,no-any-return]

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self._name_}: {int(self)}>"

    __str__ = int.__repr__
    __format__ = int.__format__
    __hash__ = int.__hash__
    __eq__ = int.__eq__

    def __reduce__(self) -> tuple:
        return type(self), (int(self),)
