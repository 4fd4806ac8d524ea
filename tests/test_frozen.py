"""`@frozen` behaves as `@dataclass(frozen=True)` did, for everything otjournal uses.

Each check makes the same class twice, once with each decorator, and asks both the same
thing: construction, defaults and factories, equality and hashing (``compare=False``
left out), the text of ``repr`` (``repr=False`` left out), refusing assignment and
deletion, ``replace``/``asdict``/``fields``/pattern matching, pickling and copying, and
a subclass. What `@frozen` does not support is refused when the class is made.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import textwrap
from dataclasses import FrozenInstanceError, dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pytest

from otjournal.frozen import frozen

T = TypeVar("T")


def _twins(body: str) -> tuple[type, type]:
    """The class `body` made with `@frozen` and with `@dataclass(frozen=True)`."""
    made = []
    for decorator in (frozen, dataclass(frozen=True)):
        names: dict[str, Any] = {"field": field, "Any": Any}
        exec(textwrap.dedent(body), names)  # the test's own text
        made.append(decorator(names["Note"]))
    return made[0], made[1]


NOTE = """
class Note:
    '''A note.'''
    day: str
    minutes: int = 45
    tags: tuple = field(default_factory=tuple)
    extra: dict = field(default_factory=dict, compare=False)
    secret: str = field(default="", repr=False)
"""


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("2026-03-04",), {}),
        (("2026-03-04", 30), {}),
        ((), {"day": "2026-03-04", "tags": ("swing",), "secret": "s"}),
        (("2026-03-04", 60, ("a",), {"x": 1}, "s"), {}),
    ],
)
def test_made_compared_hashed_and_shown_as_a_frozen_dataclass(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    ours, theirs = _twins(NOTE)
    a, b = ours(*args, **kwargs), theirs(*args, **kwargs)
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert repr(a) == repr(b)
    assert a == ours(*args, **kwargs) and hash(a) == hash(ours(*args, **kwargs))
    assert a != b  # another class, as two dataclasses with the same fields are
    assert (a == ours("another day")) == (b == theirs("another day"))


def test_a_default_factory_gives_each_note_its_own_value() -> None:
    ours, _ = _twins(NOTE)
    one, two = ours("d"), ours("d")
    one.extra["x"] = 1
    assert two.extra == {} and one.extra == {"x": 1}
    assert ours("d", extra={"given": 1}).extra == {"given": 1}


def test_fields_left_out_of_comparison_are_left_out_of_eq_and_hash() -> None:
    ours, _ = _twins(NOTE)
    assert ours("d", extra={"a": 1}) == ours("d", extra={"b": 2})
    assert hash(ours("d", extra={"a": 1})) == hash(ours("d"))
    assert ours("d", secret="x") != ours("d", secret="y")  # compared, only not shown
    assert "secret" not in repr(ours("d", secret="x"))


def test_assignment_and_deletion_are_refused() -> None:
    ours, theirs = _twins(NOTE)
    for note in (ours("d"), theirs("d")):
        with pytest.raises(FrozenInstanceError):
            note.minutes = 1
        with pytest.raises(FrozenInstanceError):
            del note.day
        with pytest.raises(FrozenInstanceError):
            note.other = 1
        assert note.minutes == 45


def test_a_missing_or_unknown_argument_is_a_type_error_as_before() -> None:
    ours, theirs = _twins(NOTE)
    for cls in (ours, theirs):
        with pytest.raises(TypeError, match="missing 1 required positional argument: 'day'"):
            cls()
        with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
            cls("d", colour="red")


def test_replace_fields_match_pickle_and_copy() -> None:
    ours, _ = _twins(NOTE)
    note = ours("d", 30, ("a",))
    assert dataclasses.replace(note, minutes=50) == ours("d", 50, ("a",))
    assert [f.name for f in dataclasses.fields(note)] == [
        "day",
        "minutes",
        "tags",
        "extra",
        "secret",
    ]
    assert dataclasses.is_dataclass(note)
    match note:
        case ours(day, minutes):  # type: ignore[misc]
            assert (day, minutes) == ("d", 30)
    globals()["Note"] = ours  # pickle finds a class by its module's name
    try:
        ours.__qualname__ = "Note"
        ours.__module__ = __name__
        assert pickle.loads(pickle.dumps(note)) == note
    finally:
        del globals()["Note"]
    assert copy.deepcopy(note) == note and copy.copy(note) == note


def test_a_subclass_and_a_generic_class() -> None:
    @frozen
    class Scale:
        items: tuple[int, ...]

    @frozen
    class Ors(Scale):
        extra: dict[str, Any] = field(default_factory=dict, compare=False)

    assert Ors((1, 2)) == Ors((1, 2), {"x": 1}) and Ors((1, 2)) != Scale((1, 2))
    assert (
        repr(Ors((1,))) == "test_a_subclass_and_a_generic_class.<locals>.Ors(items=(1,), extra={})"
    )

    @frozen
    class Box(Generic[T]):
        value: T

    assert Box[int](3) == Box(3)  # typing's own attribute is refused quietly, as before


def test_init_is_compiled_when_the_first_is_made_and_once() -> None:
    @frozen
    class Parent:
        day: str
        minutes: int = 45

    @frozen
    class Child(Parent):
        note: str = ""

    class Plain(Parent):  # not made by @frozen: its parent's __init__, compiled for it
        pass

    waiting = Parent.__init__
    assert Plain("d", 30) == Plain("d", 30) and Plain("d").minutes == 45
    assert Parent.__init__ is not waiting  # compiled by the first made, through Plain
    compiled = Parent.__init__
    assert Parent("d") == Parent("d", 45) and Parent.__init__ is compiled
    assert Child("d", 5, "n").minutes == 5 and Child("d").note == ""
    assert Parent.__init__ is compiled and Child.__init__ is not compiled


def test_a_record_that_holds_itself_is_shown_without_recursing() -> None:
    @frozen
    class Holder:
        items: list[Any]

    holder = Holder([])
    holder.items.append(holder)
    assert (
        repr(holder)
        == "test_a_record_that_holds_itself_is_shown_without_recursing.<locals>.Holder(items=[...])"
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("a: int = 1\n    b: int", "b needs a default"),
        ("a: int = field(default=1, init=False)", "a is not a plain field"),
        ("a: int = field(default=1, kw_only=True)", "a is not a plain field"),
        ("a: int\n    def __eq__(self, other): return True", "makes __eq__ itself"),
        ("a: int\n    def __repr__(self): return ''", "makes __repr__ itself"),
    ],
)
def test_what_frozen_does_not_support_is_refused_when_the_class_is_made(
    body: str, words: str
) -> None:
    names: dict[str, Any] = {"field": field}
    exec(f"class Note:\n    {body}\n", names)  # the test's own text
    with pytest.raises(TypeError, match=words):
        frozen(names["Note"])


def test_no_module_makes_a_frozen_dataclass_the_slow_way() -> None:
    """A newcomer's `@dataclass(frozen=True)` would cost every command 0.5 ms a class."""
    src = Path(__file__).resolve().parent.parent / "src" / "otjournal"
    slow = [
        f"{path.relative_to(src)}:{n}"
        for path in sorted(src.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip() == "@dataclass(frozen=True)"
    ]
    assert slow == [], f"use @frozen (otjournal/frozen.py): {slow}"


def test_mypy_reads_a_frozen_class_as_frozen(tmp_path: Path) -> None:
    """The decorator tells the type checker what it makes: assigning a field is an error."""
    api = pytest.importorskip("mypy.api")
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from otjournal.frozen import frozen\n\n"
        "@frozen\nclass Note:\n    day: str\n    minutes: int = 45\n\n"
        "note = Note('d')\nnote.minutes = 3\nNote('d', 'not a number')\n",
        encoding="utf-8",
    )
    out, _, status = api.run([str(probe), "--no-incremental", "--follow-imports=silent"])
    assert status == 1, out
    assert 'Property "minutes" defined in "Note" is read-only' in out
    assert 'Argument 2 to "Note" has incompatible type "str"' in out
