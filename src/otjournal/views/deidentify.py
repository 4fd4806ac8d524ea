"""A de-identified copy of a client's text: for supervision, research or a case study.

Pure text: a client (and more names) in, one ``Deidentifier`` out; text in, text out.

- **Names** (the client's, caregivers', ``client.people``'s and the config's) become
  codes by role, stable for one Deidentifier: "Participant", "Caregiver 1", "Sibling 1",
  "Teacher 1", "School 1", "Kinder 1", "Doctor 1", "Person 1"... A name matches as a
  whole word only (never inside "tomorrow" or "benchmark"), ignoring case and accents
  (Zoë = Zoe = ZOE = Zoé), across a line break ("Mary\\nJane"), before a possessive
  ("Zoë's", "James'", "Zoës'"); a full name goes before its parts, and a given name
  never eats part of another person's double-barrelled name ("Anne" leaves
  "Anne-Marie"), but two known names joined by a hyphen are each replaced ("Mia-Leo":
  "Participant-Sibling 1"), and so is a family name joined to another
  ("Marchetti-Smith": "Participant-Smith"; the family's name would be left otherwise).
  A name that is also a common word (Will, Grace, Rose, Bill…), a family name on its
  own (Park, Little, Stone) or a name of two letters is replaced only where it is
  written with a capital:
  "Will came" and a sentence's first "Will" are replaced (safer to over-replace), "she
  will" is not; nor are such a name's word forms, "Wills", "Roses" and "Will-power"
  (its possessive, "Will's", is the name's).
- **Identifiers** are masked (``views/identifiers.py`` finds them): the date of birth
  (in any usual form, and any date after "DOB", "date of birth" or "born"), the NDIS
  number as written in the profile and any NDIS-like number (43 and seven more digits),
  phone numbers (Australian and international), e-mail addresses and street addresses.
- **Dates** move by ``shift_days`` when given (``random_shift()``: whole weeks, so
  intervals and weekdays stay true): ISO dates (also inside note ids and date-times),
  d/m/yyyy and "7 March 2026" / "March 7, 2026"; "7 Mar" / "Mar 7" without a year are read
  in the year that puts them nearest ``on`` (the note's day; today's without one).

Every other character stays as it was. ``text`` for plain text, ``markup`` for HTML or SVG
(text between tags only), ``deep`` for records, blocks and rows (every string and date
inside). The participant's code is "Participant" wherever they are named (mid-sentence
too), like the other codes.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from otjournal import clock
from otjournal.frozen import frozen
from otjournal.views import identifiers as found
from otjournal.views.identifiers import Replacement, random_shift

__all__ = [
    "Deidentifier",
    "Name",
    "Replacement",
    "fold",
    "for_note",
    "random_shift",
    "without_identifiers",
]

if TYPE_CHECKING:
    from otjournal.model import Client, Session


def _words(text: str) -> list[str]:
    return text.split()


# Role words (as typed on the profile, lower case) and the code they give.
_ROLE_CODES: dict[str, str] = {
    **dict.fromkeys(("sibling", "brother", "sister", "twin", "step-sibling"), "Sibling"),
    **dict.fromkeys(
        ("teacher", "educator", "aide", "teacher aide", "ea", "lsa", "principal"), "Teacher"
    ),
    **dict.fromkeys(("school", "primary school", "high school", "college"), "School"),
    **dict.fromkeys(
        ("kinder", "kindergarten", "preschool", "childcare", "daycare", "early learning"),
        "Kinder",
    ),
    **dict.fromkeys(("gp", "doctor", "paediatrician", "pediatrician", "psychiatrist"), "Doctor"),
    **dict.fromkeys(
        ("therapist", "ot", "speech", "speech pathologist", "physio", "psychologist"),
        "Therapist",
    ),
    **dict.fromkeys(("caregiver", "parent", "mother", "father", "mum", "dad"), "Caregiver"),
    **dict.fromkeys(("grandparent", "grandmother", "grandfather", "nan", "pop"), "Grandparent"),
    **dict.fromkeys(("place", "suburb", "town", "club", "clinic", "service"), "Place"),
}
# Words that stand where a name would ("written by: therapist"): never taken as names.
_NOT_NAMES = {"child", "client", "participant", "family", "practitioner", "me", "self"}
# Places: their name is replaced whole (and without its generic last words), never split.
_PLACES = {"School", "Kinder", "Place"}
_GENERIC = (
    r"(?:primary|secondary|high|public|state|grammar|college|school|kindergarten|kinder|"
    r"preschool|childcare|centre|center|early|learning|clinic)"
)
_GENERIC_TAIL = re.compile(rf"\s+{_GENERIC}\s*$", re.IGNORECASE)
# A generic word after a place's name in a note, written otherwise than on the profile
# ("Saint Marys School" of "St Mary's Primary School"): replaced with the name when it
# is capitalised as a name's part is (not "St Mary's high fives").
_GENERIC_AFTER = re.compile(rf"\s+({_GENERIC})(?![^\W_])")
# ... and, in lower case too, a word that says what kind of place it is ("St Mary's
# school"), never one that may begin other words ("high", "early").
_PLACE_NOUNS = {"school", "college", "kindergarten", "kinder", "preschool", "childcare", "clinic"}
# Letters after a name in brackets: a practitioner's profession ("Jo Bloggs (OT)").
_CREDENTIALS = re.compile(r"\s*\([^()]*\)\s*$")
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sr", "jr"}
# No name on their own, but part of the one they begin: "St. Clair", "St John", "Saint
# Anne" (never every "St" of a note; "Saint Clair" and "St-Clair" are "St. Clair").
_SAINTS = {"st", "saint"}
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "bin"}
# Given names that are also everyday words: replaced only where capitalised.
COMMON_WORDS = frozenset(
    _words(
        """will grace rose bill mark may june april august hope joy faith art sky summer dawn
        amber ruby pearl jack frank sue pat rich bob ray guy max rob drew gene holly ivy lily
        iris daisy violet jade crystal sandy rusty chase hunter brook river storm sunny honey
        cherry ginger penny heather harmony melody destiny patience prudence charity mercy
        earl king lane wade cliff dale glen heath forest grant miles rocky skip buck fox hart
        bishop baker cook mason carter taylor page mercer fisher hill wood wells marsh young
        green brown white black gray grey long short bell star autumn winter spring rain
        reed dean don bud red"""
    )
)
# -- folding: case and accents ---------------------------------------------------------

_FOLD_EXTRA = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "’": "'", "‘": "'"}
_FOLD_EXTRA |= {"ʼ": "'", "‐": "-", "‑": "-", "\u00a0": " "}


def fold_char(c: str) -> str:
    """``c`` without case or accents (may be empty for a combining mark, or longer: ß)."""
    if c.isascii():
        return c.lower()
    c = _FOLD_EXTRA.get(c.lower(), c)
    base = "".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x))
    return base.casefold()


def fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


_CONTRACTIONS = {"s", "ll", "d", "ve", "re", "m"}
_DIGIT = re.compile(r"\d")
_TAG_TEXT = re.compile(r"(\A|>)([^<]+)")


def _folded(text: str) -> tuple[str, Sequence[int]]:
    """The folded text and, for each of its characters, the index in ``text``."""
    if text.isascii():
        return text.lower(), range(len(text))
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(text):
        f = fold_char(c)
        out.append(f)
        where += [i] * len(f)
    return "".join(out), where


# -- names -----------------------------------------------------------------------------


@frozen
class Name:
    """One written form of a name and the code it becomes."""

    text: str
    code: str
    capital_only: bool = False
    place: bool = False  # its generic words after it are its own ("St Marys School")
    # An everyday word too (COMMON_WORDS): with a bare "s" ("Wills", "Roses'") or joined
    # to a word in lower case ("Will-power") it is that word, not the name.
    word: bool = False
    # A family name: joined to another name ("Marchetti-Smith") it is still the family's
    # (a given name so joined, "Anne" of "Anne-Marie", is another person's).
    family: bool = False


def _parts(name: str) -> list[str]:
    """The parts of a person's name worth replacing on their own."""
    words: list[str] = []
    for w in (w.strip(".,") for w in name.split()):
        if words and fold(words[-1]) in _SAINTS:  # "St" begins the part it is in
            words[-1] += " " + w
            words.append(w)  # and "John" of "St. John Smith" may be written alone
        else:
            words.append(w)
    out = []
    for w in words:
        pieces = [w, *w.split("-")] if "-" in w.strip("-") else [w]
        for p in pieces:
            letters = re.sub(r"\W", "", p)
            if len(letters) >= 2 and fold(letters) not in _TITLES | _PARTICLES:
                out.append(p)
    return out


def _initial_forms(name: str) -> list[str]:
    """'Mia T.'-like forms: 'Mia T', 'M. Tran', 'M.T' (a trailing full stop is kept)."""
    words = [w for w in name.split() if fold(w.strip(".")) not in _TITLES]
    if len(words) < 2:
        return []
    first, last = words[0], words[-1]
    return [f"{first} {last[0]}", f"{first[0]}. {last}", ".".join(w[0] for w in words)]


class Deidentifier:
    """Names to codes and identifiers masked, for one client's text (one report)."""

    def __init__(
        self,
        names: Sequence[Name],
        *,
        shift_days: int | None = None,
        ndis_number: str = "",
        date_of_birth: date | None = None,
        on: date | None = None,
    ) -> None:
        self.shift_days = shift_days
        # A date without its year is read in the year nearest the note's day (or today's).
        self.on = on or (clock.today() if shift_days else None)
        self._names: dict[str, Name] = {}
        self._sorted: tuple[Name, ...] | None = None
        self._any: re.Pattern[str] | None = None  # any name at all: most text has none
        self._whole: re.Pattern[str] | None = None  # a whole known name (hyphen neighbours)
        self._memo: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        for n in names:
            self._add(n)
        self._ndis = found.digits_pattern(ndis_number) if ndis_number.strip() else None
        self._dob = found.dob_pattern(date_of_birth) if date_of_birth else None

    # -- building ----------------------------------------------------------------------

    @classmethod
    def for_client(
        cls,
        client: Client,
        extra_names: Sequence[str] = (),
        shift_days: int | None = None,
        on: date | None = None,
    ) -> Deidentifier:
        b = _Builder()
        b.person(client.display_name, "Participant")
        b.add(client.handle, "Participant")
        for cg in client.caregivers:
            b.person(cg.name, b.next_code("Caregiver"))
        for p in client.people:
            role = _ROLE_CODES.get(p.role.strip().lower(), "Person")
            code = b.next_code(role)
            if role in _PLACES:
                b.place(p.name, code)
            else:
                b.person(p.name, code)
        for name in extra_names:
            key = fold(name.strip())
            if not key or key in b.seen or key in _ROLE_CODES or key in _NOT_NAMES:
                continue
            if _GENERIC_TAIL.search(name.strip()):  # "Fitzroy Primary School": a place,
                b.place(name, b.next_code("Place"))  # whole, never split into its words
            else:
                b.person(name, b.next_code("Person"))
        d = cls(
            b.names,
            shift_days=shift_days,
            ndis_number=client.ndis_number,
            date_of_birth=client.date_of_birth,
            on=on,
        )
        d._counts = b.counts
        return d

    def _add(self, n: Name) -> None:
        key = fold(n.text.strip())
        if len(re.sub(r"\W", "", key)) >= 1 and key not in self._names:
            self._names[key] = n
            self._sorted = self._any = self._whole = None
            self._memo.clear()

    @property
    def names(self) -> tuple[Name, ...]:
        """Every written form replaced, longest first."""
        if self._sorted is None:
            by_length = sorted(self._names.values(), key=lambda n: (-len(fold(n.text)), n.text))
            self._sorted = tuple(by_length)
        return self._sorted

    def code(self, name: str) -> str:
        """The code for ``name``; a name not known yet becomes the next "Person N" (and is
        replaced in text from then on)."""
        key = fold(name.strip())
        known = self._names.get(key)
        if known is not None:
            return known.code
        n = self._counts.get("Person", 0) + 1
        self._counts["Person"] = n
        code = f"Person {n}"
        b = _Builder(seen=set(self._names))
        b.person(name, code)
        for one in b.names:
            self._add(one)
        return code

    # -- using -------------------------------------------------------------------------

    def day(self, d: date) -> date:
        return d + timedelta(days=self.shift_days) if self.shift_days else d

    def datetime(self, dt: datetime) -> datetime:
        return dt + timedelta(days=self.shift_days) if self.shift_days else dt

    def text(self, s: str) -> str:
        """``s`` with names replaced, identifiers masked and (with a shift) dates moved."""
        done = self._memo.get(s)
        if done is not None:
            return done
        if len(self._memo) > 100_000:
            self._memo.clear()
        self._memo[s] = done = self._text(s)
        return done

    def _text(self, s: str) -> str:
        out: list[str] = []
        at = 0
        for r in self.replacements(s):
            out += [s[at : r.start], r.new]
            at = r.end
        out.append(s[at:])
        return "".join(out)

    def replacements(self, s: str) -> list[Replacement]:
        """What ``text`` changes, in order, never overlapping."""
        taken: list[Replacement] = []

        def take(found: Iterable[Replacement]) -> None:
            for r in found:
                if all(r.end <= t.start or r.start >= t.end for t in taken):
                    taken.append(r)

        take(found.emails(s))
        if _DIGIT.search(s):  # every other identifier has a digit
            take(found.births(s, self._dob))
            take(found.ndis_numbers(s, self._ndis))
            take(found.registrations(s))  # before phones: its digits are not a phone
            take(found.addresses(s))
            # Dates (moved, or kept as they are) and times before phones: "2026-03-07
            # 14:30" is not a phone number.
            take(found.dates(s, self.shift_days, self.on))
            take(found.times(s))
            take(found.phones(s))
        take(self._name_spans(s))
        changed = [r for r in taken if r.new != s[r.start : r.end]]
        return sorted(changed, key=lambda r: r.start)

    def markup(self, page: str) -> str:
        """HTML or SVG with only the text between its tags de-identified (never a tag: an
        SVG path's numbers are not a phone number). Entities stay as written."""
        return _TAG_TEXT.sub(lambda m: m[1] + self.text(m[2]), page)

    def deep(self, value: Any) -> Any:
        """``value`` with every string de-identified and every date moved: through
        tuples, lists, dicts (values) and frozen dataclasses."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, datetime):
            return self.datetime(value)
        if isinstance(value, date):
            return self.day(value)
        if isinstance(value, tuple | list):
            return type(value)(self.deep(v) for v in value)
        if isinstance(value, Mapping):
            return {k: self.deep(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: self.deep(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        return value

    # -- finders -----------------------------------------------------------------------

    def _name_spans(self, s: str) -> list[Replacement]:
        folded, where = _folded(s)
        if self._any is None or self._whole is None:
            body = "|".join(_name_regex(fold(n.text)).pattern for n in self.names) or r"(?!)"
            self._any = re.compile(body)
            self._whole = re.compile(rf"(?:{body})(?![^\W_])")
        if not self._any.search(folded):
            return []
        whole = self._whole
        found: list[Replacement] = []
        busy: list[tuple[int, int]] = []
        for n in self.names:
            for m in _name_regex(fold(n.text)).finditer(folded):
                a, b = m.span()
                if any(a < e and b > st for st, e in busy) or not _bounded(
                    s, folded, where, a, b, whole, n.word, n.family
                ):
                    continue
                start = where[a]
                if n.capital_only and not s[start].isupper():
                    continue
                while n.place and (tail := _GENERIC_AFTER.match(folded, b)):
                    if not s[where[tail.start(1)]].isupper() and tail[1] not in _PLACE_NOUNS:
                        break
                    b = tail.end()
                end = where[b - 1] + 1
                while end < len(s) and unicodedata.combining(s[end]):
                    end += 1
                busy.append((a, b))
                code = n.code
                # "ZOE'S": the code is not in capitals, so neither is its possessive, nor
                # its plural ("MARCHETTIS": "Participants").
                if s[end : end + 2] in ("'S", "’S") and not s[end + 2 : end + 3].isalnum():
                    code, end = f"{code}{s[end]}s", end + 2
                elif s[end : end + 1] == "S" and not s[end + 1 : end + 2].isalnum():
                    code, end = f"{code}s", end + 1
                # "St Marys' gate": the possessive of a name ending in s is the code's.
                elif (
                    s[end - 1 : end] in ("s", "S")
                    and s[end : end + 1] in ("'", "’")
                    and not s[end + 1 : end + 2].isalnum()
                ):
                    code, end = f"{code}{s[end]}s", end + 1
                found.append(Replacement(start, end, code))
        return found


class _Builder:
    """Collects a client's names: full names first, then their parts and short forms."""

    def __init__(self, seen: set[str] | None = None) -> None:
        self.names: list[Name] = []
        self.seen: set[str] = set(seen or ())
        self.counts: dict[str, int] = {}

    def next_code(self, role: str) -> str:
        self.counts[role] = self.counts.get(role, 0) + 1
        return f"{role} {self.counts[role]}"

    def add(
        self,
        text: str,
        code: str,
        capital_only: bool = False,
        place: bool = False,
        family: bool = False,
    ) -> None:
        text = text.strip()
        key = fold(text)
        letters = re.sub(r"\W", "", key)
        if not letters or key in self.seen or key in _ROLE_CODES or key in _NOT_NAMES:
            return  # a caregiver named "Mum" on the profile: "mum" stays a word
        self.seen.add(key)
        word = key in COMMON_WORDS
        common = capital_only or len(letters) <= 2 or word
        self.names.append(Name(text, code, common, place, word, family))

    def person(self, name: str, code: str) -> None:
        self.add(name, code)
        # "Jo Bloggs (OT)": the name is "Jo Bloggs" wherever it is written, in any case
        # (its parts alone gave "Person 2 Person 2", and "jo bloggs" was kept).
        name = _CREDENTIALS.sub("", name)
        self.add(name, code)
        words = name.split()
        titled = bool(words) and fold(words[0].strip(".")) in _TITLES
        if len(words) > 2 and titled:
            self.add(" ".join(words[1:]), code)  # "Grace O'Brien" of "Ms Grace O'Brien"
        for form in _initial_forms(name):
            self.add(form, code)
        # A family name on its own is so often a word (Park, Little, Stone, Bottom) that
        # it is replaced only where capitalised; the given name wherever it is.
        given = words[1 if titled else 0] if len(words) > (2 if titled else 0) else ""
        for part in _parts(name):
            family = part not in _parts(given)
            self.add(part, code, capital_only=family, family=family)

    def place(self, name: str, code: str) -> None:
        self.add(name, code, place=True)
        short = name.strip()
        while (shorter := _GENERIC_TAIL.sub("", short)) != short and shorter:
            short = shorter
            # "Sunshine" of "Sunshine Kinder": a word as often as a name; "St Mary's"
            # of "St Mary's School" is a name in any case.
            self.add(short, code, capital_only=len(short.split()) == 1, place=True)


@functools.lru_cache(maxsize=1024)
def _name_regex(folded_name: str) -> re.Pattern[str]:
    """Spaces match any run of white space (a line break too), a hyphen a hyphen, a space
    or nothing (Mary-Jane, Mary Jane, MaryJane), an apostrophe one or none (O'Brien), a
    full stop after a word (not an initial) one or none (St. Mary's = St Mary's), and
    "St" and "Saint" before a name either (Saint Mary's = St Mary's)."""
    *inner, last = folded_name.split() or [""]
    # "St." may be "St", but an initial keeps its stop: "A. Stone" is not "a stone".
    tokens = [t.rstrip(".") if len(t.rstrip(".")) > 1 else t for t in inner] + [last]
    body = ""
    for i, t in enumerate(tokens):
        if i == len(inner):
            body += _token(t)
        elif t in _SAINTS:
            body += _SAINT + r"(?:\.?\s+|-)"  # St. Clair, Saint Clair, St-Clair
        elif len(t) <= 3 or t in _TITLES:
            body += _token(t) + r"\.?\s+"  # "Dr. Raman", "Prof. Lee", "Wm. Smith"
        else:
            body += _token(t) + r"\s+"  # "Will. Marchetti" ends a sentence, not one name
    return re.compile(body)


_SAINT = "(?:saint|st)"


def _token(folded: str) -> str:
    return re.escape(folded).replace("'", "'?").replace(r"\-", r"(?:-|\s+)?")


def _bounded(
    s: str,
    folded: str,
    where: Sequence[int],
    a: int,
    b: int,
    known: re.Pattern[str],
    word: bool = False,
    family: bool = False,
) -> bool:
    """Is folded[a:b] a whole word (or words) of ``s``? A possessive or plural 's' may
    follow (a possessive only, "Will's", for a name that is also a ``word``: "Wills" and
    "Roses'" are the words); a hyphen joins it to another capitalised name (then it is
    not this name: "Anne" of "Anne-Marie"), unless that name is ``known`` too ("Mia-Leo":
    two people, both replaced) or this is a ``family`` name ("Marchetti-Smith": the
    family's name still); a ``word`` joined to a word in lower case is a compound
    ("Will-power"), not the name."""
    if a > 0:
        before = folded[a - 1]
        if before.isalnum() or s[where[a - 1]].isalnum():  # a Thai "ำ" folds to a mark
            return False
        joined = before in "-'" and a > 1 and folded[a - 2].isalnum()
        if joined and before == "'":
            return False  # O'Brien's "Brien"
        if joined and not family and _word_start_upper(s, where, a - 2):
            left = _word_start(folded, a - 2)
            if not known.fullmatch(folded, left, a - 1):
                return False  # Marie-Anne's "Anne" (Mia-Leo's "Leo" is two people)
    if b < len(folded):
        after = folded[b]
        nxt = folded[b + 1] if b + 1 < len(folded) else ""
        # An "s" ends a plural or possessive in the name's own case: "Nguyens", "NGUYENS";
        # "Grace OS" is "Grace" and another word, not "Grace O" made plural.
        plural = s[where[b]] == "s" or s[where[a] : where[b - 1] + 1].isupper()
        if after == "s" and folded[b - 1] != "s" and not nxt.isalnum() and plural:
            return (nxt == "'" or s[where[a]].isupper()) and not word
        if after.isalnum() or s[where[b]].isalnum():
            return False
        if word and after == "-" and nxt.isalpha() and not s[where[b + 1]].isupper():
            return False  # "Will-power", "Rose-coloured"
        if after == "-" and nxt.isalnum() and s[where[b + 1]].isupper():
            # Anne-Marie's "Anne": kept; Marchetti-Smith's "Marchetti": the family's
            return family or known.match(folded, b + 1) is not None
        if after == "'" and nxt.isalnum():  # Zoë's, Zoë'll; never O'Brien's "O"
            tail = re.match(r"[^\W_]*", folded[b + 1 :])
            return tail is not None and tail.group() in _CONTRACTIONS
    return True


def _word_start(folded: str, i: int) -> int:
    """Where the word ending at ``i`` starts (an apostrophe inside it too: O'Brien)."""
    while i > 0 and (
        folded[i - 1].isalnum() or (folded[i - 1] == "'" and folded[i - 2 : i - 1].isalnum())
    ):
        i -= 1
    return i


def _word_start_upper(s: str, where: Sequence[int], i: int) -> bool:
    j = where[i]
    while j > 0 and s[j - 1].isalnum():
        j -= 1
    return s[j].isupper()


def without_identifiers(client: Client, on: date) -> Client:
    """The client with no date of birth or NDIS number to show, named by their handle
    alone (both become the one code: "Participant (Participant)" says it twice); adult
    or child as on ``on`` (the tool's words for them must not change with the birth date
    gone)."""
    group = "adult" if client.is_adult(on) else "child"
    return dataclasses.replace(
        client, display_name=client.handle, date_of_birth=None, ndis_number="", age_group=group
    )


def for_note(
    session: Session,
    client: Client | None,
    extra_names: Sequence[str] = (),
    shift_days: int | None = None,
) -> Deidentifier:
    """A Deidentifier for one note: its client's names, the config's, and the names of
    whoever wrote the note or its amendments; its dates without a year read near its day."""
    if client is None:
        client = _bare(session.client)
    names = [*extra_names, session.written_by, *(a.by for a in session.amendments)]
    names = [n for n in names if n.strip()]
    return Deidentifier.for_client(client, names, shift_days, on=session.start.date())


def _bare(handle: str) -> Client:
    from otjournal.model import Client

    return Client(handle=handle, display_name=handle)
