"""Small value classes without :mod:`dataclasses`' start-up cost.

``@record`` reads a class body the way ``@dataclass`` does (annotated names are the fields,
in order; a class attribute is the default; :func:`field` sets a default factory or leaves a
field out of ``repr``) and adds ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and
``__match_args__``.  ``frozen=True`` (the default) forbids assignment after ``__init__``.

Why not dataclasses: importing them pulls in ``inspect``, ``ast``, ``dis`` and ``tokenize``
(about 6 ms) and each class costs about 0.3 ms to compile its methods; ``ipmipower --stat``
defines some 35 such classes and FreeIPMI's whole run takes 7 ms.  Here a class costs
microseconds: a shared, generic ``__init__`` serves the first instances, and a class that
turns out to be instantiated often (a packet class in a run over many BMCs) gets an
``__init__`` compiled for its fields, as fast as a dataclass's; the other methods are
shared functions that read the field list.

Only what this package uses is supported: no ``order``, ``kw_only``, ``InitVar`` or
``ClassVar`` fields, and no inheritance between records.
"""

from __future__ import annotations

__all__ = ["record", "field", "fields", "replace", "FrozenInstanceError"]

_MISSING = object()


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record."""


class _Field:
    __slots__ = ("default", "default_factory", "repr")

    def __init__(self, default: object, default_factory: object, repr: bool) -> None:
        self.default = default
        self.default_factory = default_factory
        self.repr = repr


def field(*, default: object = _MISSING, default_factory: object = _MISSING, repr: bool = True) -> object:
    """A field's default (or default factory), and whether ``repr`` shows it."""
    return _Field(default, default_factory, repr)


def fields(obj: object) -> tuple[str, ...]:
    """The field names of a record class or instance, in declaration order."""
    return obj._record_fields  # type: ignore[attr-defined,no-any-return]


def replace(obj: object, **changes: object) -> object:
    """A copy of ``obj`` with some fields changed (``dataclasses.replace``)."""
    values = {name: getattr(obj, name) for name in fields(obj)}
    for name in changes:
        if name not in values:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
    values.update(changes)
    return type(obj)(**values)


def record(cls: type | None = None, *, frozen: bool = True, slots: bool = False) -> object:
    """Class decorator; ``slots`` is accepted for symmetry with ``dataclass`` and ignored."""
    def wrap(klass: type) -> type:
        return _make(klass, frozen)
    return wrap if cls is None else wrap(cls)


def _make(cls: type, frozen: bool) -> type:
    names = tuple(cls.__dict__.get("__annotations__", {}))
    defaults: dict[str, object] = {}
    factories: dict[str, object] = {}
    hidden = []
    for name in names:
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, _Field):
            if value.default is not _MISSING:
                defaults[name] = value.default
            if value.default_factory is not _MISSING:
                factories[name] = value.default_factory
            if not value.repr:
                hidden.append(name)
            if value.default is _MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, value.default)
        elif value is not _MISSING:
            defaults[name] = value
    cls._record_fields = names                     # type: ignore[attr-defined]
    cls._record_defaults = defaults                # type: ignore[attr-defined]
    cls._record_factories = factories              # type: ignore[attr-defined]
    cls._record_repr = tuple(n for n in names if n not in hidden)  # type: ignore[attr-defined]
    cls._record_frozen = frozen                    # type: ignore[attr-defined]
    cls.__match_args__ = names                     # type: ignore[attr-defined]
    if "__init__" not in cls.__dict__:
        cls.__init__ = _first_init                 # type: ignore[misc]
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = _repr                       # type: ignore[assignment]
    if "__eq__" not in cls.__dict__:
        cls.__eq__ = _eq                           # type: ignore[assignment]
        cls.__hash__ = _hash if frozen else None   # type: ignore[assignment]
    if frozen:
        cls.__setattr__ = _frozen_setattr          # type: ignore[assignment]
        cls.__delattr__ = _frozen_delattr          # type: ignore[assignment]
    return cls


_COMPILE_AFTER = 32    # instances built by the generic __init__ before a class gets its own
_REUSE_AFTER = 4       # the same, for a class whose compiled code an earlier run left us

# The compiled ``__init__`` code of each class, keyed by its qualified name and source.
# Compiling costs 30-80 microseconds a class (the first compile of a process several
# hundred): some 2 ms of a run over 100 BMCs.  The start-up pack (startpack.py) keeps this
# table between runs; a key that names the source can never serve stale code.  Code left
# by an earlier run costs some 3 microseconds to put in place, the price of four generic
# calls, so such a class switches after four instances instead of 32.
compiled_inits: dict[str, object] = {}
_inherited: set[str] = set()    # qualified names of the classes whose code an earlier run left


def add_compiled_inits(inits: dict[str, object]) -> None:
    """Take compiled ``__init__`` code kept from an earlier run (keys as in compiled_inits)."""
    compiled_inits.update(inits)
    _inherited.update(key.partition("\n")[0] for key in inits)


def _first_init(self: object, *args: object, **kwargs: object) -> None:
    """The generic ``__init__``: bind arguments to fields like a dataclass would."""
    cls = type(self)
    count = cls.__dict__.get("_record_count", 0) + 1
    if count >= _COMPILE_AFTER or (count >= _REUSE_AFTER and f"{cls.__module__}.{cls.__qualname__}" in _inherited):
        cls.__init__ = init = _compile_init(cls)   # type: ignore[misc]
        init(self, *args, **kwargs)
        return
    cls._record_count = count                      # type: ignore[attr-defined]
    names: tuple[str, ...] = cls._record_fields    # type: ignore[attr-defined]
    if len(args) > len(names):
        raise TypeError(f"{cls.__qualname__}() takes {len(names)} positional arguments but {len(args)} were given")
    values = dict(zip(names, args))
    for name, value in kwargs.items():
        if name in values:
            raise TypeError(f"{cls.__qualname__}() got multiple values for argument {name!r}")
        if name not in names:
            raise TypeError(f"{cls.__qualname__}() got an unexpected keyword argument {name!r}")
        values[name] = value
    if len(values) < len(names):
        defaults = cls._record_defaults            # type: ignore[attr-defined]
        factories = cls._record_factories          # type: ignore[attr-defined]
        for name in names:
            if name not in values:
                if name in factories:
                    values[name] = factories[name]()
                elif name in defaults:
                    values[name] = defaults[name]
                else:
                    raise TypeError(f"{cls.__qualname__}() missing required argument: {name!r}")
    self.__dict__.update(values)
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


def _compile_init(cls: type) -> object:
    names: tuple[str, ...] = cls._record_fields    # type: ignore[attr-defined]
    defaults: dict[str, object] = cls._record_defaults  # type: ignore[attr-defined]
    factories: dict[str, object] = cls._record_factories  # type: ignore[attr-defined]
    params = []
    for name in names:
        if name in factories:
            params.append(f"{name}=_MISSING")
        elif name in defaults:
            params.append(f"{name}=_defaults[{name!r}]")
        else:
            params.append(name)
    body = [f"    if {name} is _MISSING: {name} = _factories[{name!r}]()" for name in factories]
    assignments = ", ".join(f"{name!r}: {name}" for name in names)
    body.append(f"    self.__dict__.update({{{assignments}}})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n"
    namespace: dict[str, object] = {"_MISSING": _MISSING, "_defaults": defaults, "_factories": factories}
    key = f"{cls.__module__}.{cls.__qualname__}\n{source}"
    code = compiled_inits.get(key)
    if code is None:
        code = compiled_inits[key] = compile(source, f"<record {cls.__qualname__}>", "exec")
    exec(code, namespace)  # type: ignore[arg-type]
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    return init


def _repr(self: object) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_repr)  # type: ignore[attr-defined]
    return f"{type(self).__qualname__}({shown})"


def _values(self: object) -> tuple[object, ...]:
    return tuple(getattr(self, name) for name in self._record_fields)  # type: ignore[attr-defined]


def _eq(self: object, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: object) -> int:
    return hash(_values(self))


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
