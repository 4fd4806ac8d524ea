"""Value classes made cheaply: ``@frozen`` where ``@dataclass(frozen=True)`` was.

Python 3.11's dataclasses compile six methods for every frozen class as its module is
imported (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``,
``__delattr__``): about 0.5 ms a class. A one-client command imports about 90 of them,
which was a third of its time before any work. Here dataclasses does only the
bookkeeping (the fields, ``fields()``, ``replace()``, ``asdict()``), ``__init__`` is
compiled as dataclasses would write it when the first of a class is made (a command
makes about half the classes it imports), and the other five methods are the same
functions for every class, reading the class's fields. A class made so behaves
as the frozen dataclass did: compared and hashed by its fields (``compare=False`` left
out), shown as ``Name(field=value, …)`` (``repr=False`` left out), and refusing
assignment with ``FrozenInstanceError``. Only what otjournal uses is supported: fields
with a default or a default factory; anything more is refused when the class is made.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)

_NO_DEFAULT = dataclasses.MISSING
_FACTORY = object()  # the default of a field whose value comes from a factory


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: T) -> T:
    """Make `cls` a frozen value class (see the module's docstring)."""
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        if name in cls.__dict__ and not (name == "__hash__" and cls.__dict__[name] is None):
            raise TypeError(f"@frozen makes {name} itself: {cls.__qualname__} defines it")
    undocumented = not cls.__doc__
    if undocumented:  # else dataclasses writes one with inspect.signature, which is slow
        cls.__doc__ = cls.__name__
    made: Any = dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    fields = dataclasses.fields(made)
    if undocumented:
        made.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields)})"
    defaulted = False
    for f in fields:
        if not f.init or f.kw_only is True:
            raise TypeError(f"@frozen: {cls.__qualname__}.{f.name} is not a plain field")
        has_default = f.default is not _NO_DEFAULT or f.default_factory is not _NO_DEFAULT
        if defaulted and not has_default:
            raise TypeError(f"@frozen: {cls.__qualname__}.{f.name} needs a default")
        defaulted = defaulted or has_default
    made.__init__ = _init_when_first_made(made, fields)
    # Class attributes (not fields: they have no annotation), so a subclass has them.
    compared = [f.name for f in fields if f.compare] or ["__class__"]
    made.__frozen_compared__ = attrgetter(*compared)
    made.__frozen_shown__ = tuple(f.name for f in fields if f.repr)
    made.__eq__ = _eq
    made.__hash__ = _hash
    made.__repr__ = _repr
    made.__setattr__ = _refuse_set
    made.__delattr__ = _refuse_delete
    return cls


def _init_when_first_made(
    cls: type, fields: tuple[dataclasses.Field[Any], ...]
) -> Callable[..., None]:
    """An ``__init__`` that compiles the class's own the first time one is made, and
    leaves it in its place: a command makes few of the classes it imports."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init = _init_of(cls, fields)
        type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _init_of(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """``__init__`` as dataclasses writes it for a frozen class: each argument set with
    ``object.__setattr__``, a default factory called when its argument is left out."""
    names: dict[str, Any] = {"__set": object.__setattr__, "__FACTORY": _FACTORY}
    params, body = [], []
    for f in fields:
        value = f.name
        if f.default is not _NO_DEFAULT:
            names[f"__default_{f.name}"] = f.default
            params.append(f"{f.name}=__default_{f.name}")
        elif f.default_factory is not _NO_DEFAULT:
            names[f"__factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=__FACTORY")
            value = f"__factory_{f.name}() if {f.name} is __FACTORY else {f.name}"
        else:
            params.append(f.name)
        body.append(f"    __set(self, {f.name!r}, {value})")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    exec(source, names)  # a text made above from the field names alone
    init: Callable[..., None] = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = self.__frozen_compared__
    return compared(self) == compared(other)


def _hash(self: Any) -> int:
    return hash(self.__frozen_compared__(self))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__frozen_shown__)
    return f"{self.__class__.__qualname__}({shown})"


def _refuse_set(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
