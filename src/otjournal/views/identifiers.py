"""Identifiers and dates in free text, found for ``deidentify``: e-mail addresses, phone
numbers (Australian and international), NDIS numbers, practitioners' registration numbers,
dates of birth, street addresses, and dates (moved by an offset, keeping the form they
were written in). Pure text."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from otjournal.frozen import frozen


def _words(text: str) -> list[str]:
    return text.split()


_MONTHS = _words(
    "january february march april may june july august september october november december"
)
_MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)

EMAIL = "[email]"
PHONE = "[phone]"
NDIS = "[NDIS number]"
REGISTRATION = "[registration]"
DOB = "[date of birth]"
ADDRESS = "[address]"

_EMAIL_RE = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
_NDIS_RE = re.compile(r"(?<![\w+])43\d(?:[ -]?\d){6}(?![\w])")
# A registration with the national board (AHPRA): three letters and ten digits, e.g.
# OCC0001234567 (an occupational therapist's), written with or without a space.
_REGISTRATION_RE = re.compile(r"(?<![\w+])[A-Z]{3}[ -]?\d{10}(?![\w])", re.IGNORECASE)
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\d){5,13}(?![\w])"
)
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4}|\d{1,2}:\d{2}")
_STREET = (
    r"(?:St|Street|Rd|Road|Ave|Avenue|Dr|Drive|Ct|Court|Pl|Place|Cres|Crescent|Bvd|Blvd|"
    r"Boulevard|Ln|Lane|Tce|Terrace|Pde|Parade|Hwy|Highway|Way|Cl|Close|Gr|Grove|Cct|"
    r"Circuit|Sq|Square|Esp|Esplanade|Rise|Walk|Mews|Row)"
)
_SUBURB_AT_END = r",?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*(?=\s*(?:[;:,.)\]]|$))"
_ADDRESS_RE = re.compile(
    r"(?:(?:Unit|Apt|Flat|Level)\s+\d+[A-Za-z]?,?\s+)?\b\d+[A-Za-z]?(?:[/-]\d+[A-Za-z]?)?\s+"
    r"(?:[A-Z][\w'’.-]*\s+){1,3}" + _STREET + r"\b\.?"
    # a suburb with the state or postcode after it, or ending the clause ("12 Smith St,
    # Fitzroy;"): "12 Smith St, Then we…" keeps "Then"
    r"(?:(?:,?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)?,?\s+(?:(?:NSW|VIC|QLD|SA|WA|TAS|NT|ACT)"
    r"(?:\s+\d{4})?|\d{4})\b|" + _SUBURB_AT_END + ")?"
    r"|\bP\.?\s?O\.?\s+Box\s+\d+\b(?:" + _SUBURB_AT_END + ")?"
)
_TIME_RE = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])")
_ISO_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_DAY_MONTH_RE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + _MONTH_RE + r")(?:,?\s+(\d{4}))?\b", re.IGNORECASE
)
_MONTH_DAY_RE = re.compile(
    r"\b(" + _MONTH_RE + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.IGNORECASE
)
_DOB_CUE = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*[:\-–]?\s*", re.IGNORECASE)


def random_shift() -> int:
    """A random offset for ``--shift-dates``: 5 to 52 whole weeks, back or forward.
    Whole weeks keep intervals and weekdays ("every Tuesday") true."""
    weeks = 5 + secrets.randbelow(48)
    return weeks * 7 * (1 if secrets.randbelow(2) else -1)


@frozen
class Replacement:
    """Characters ``start:end`` of the input become ``new``."""

    start: int
    end: int
    new: str


def emails(s: str) -> Iterable[Replacement]:
    return (Replacement(*m.span(), EMAIL) for m in _EMAIL_RE.finditer(s))


def addresses(s: str) -> Iterable[Replacement]:
    return (Replacement(*m.span(), ADDRESS) for m in _ADDRESS_RE.finditer(s))


def times(s: str) -> Iterable[Replacement]:
    """Times of day, kept as they are (so that no phone number is read in them)."""
    return (Replacement(*m.span(), m.group()) for m in _TIME_RE.finditer(s))


def phones(s: str) -> Iterable[Replacement]:
    return (
        Replacement(*m.span(), PHONE)
        for m in _PHONE_RE.finditer(s)
        if not _DATE_LIKE.fullmatch(m.group()) and _phone_digits(m.group())
    )


def ndis_numbers(s: str, own: re.Pattern[str] | None) -> Iterable[Replacement]:
    """The client's NDIS number (``own``, from ``digits_pattern``) and any NDIS-like one."""
    if own is not None:
        yield from (Replacement(*m.span(), NDIS) for m in own.finditer(s))
    yield from (Replacement(*m.span(), NDIS) for m in _NDIS_RE.finditer(s))


def registrations(s: str) -> Iterable[Replacement]:
    return (Replacement(*m.span(), REGISTRATION) for m in _REGISTRATION_RE.finditer(s))


def births(s: str, own: re.Pattern[str] | None) -> Iterable[Replacement]:
    """The client's date of birth (``own``, from ``dob_pattern``) and any date after
    "DOB", "date of birth" or "born"."""
    if own is not None:
        yield from (Replacement(*m.span(), DOB) for m in own.finditer(s))
    for cue in _DOB_CUE.finditer(s):
        for r in dates(s[cue.end() : cue.end() + 40], None):
            if r.start == 0:
                yield Replacement(cue.end(), cue.end() + r.end, DOB)


def dates(s: str, shift_days: int | None, on: date | None = None) -> list[Replacement]:
    """The dates written in ``s``, moved by ``shift_days`` (kept as they are without). A
    date without its year is read in the year that puts it nearest ``on`` (the note's
    day): moved in another year it could cross a 29 February the real one does not."""
    found: list[Replacement | None] = []
    for m in _ISO_RE.finditer(s):
        found.append(_moved(m, int(m[1]), int(m[2]), int(m[3]), "iso", shift_days, on))
    for m in _DMY_RE.finditer(s):
        found.append(_moved(m, int(m[3]), int(m[2]), int(m[1]), "dmy", shift_days, on))
    for m in _DAY_MONTH_RE.finditer(s):
        found.append(_moved(m, m[3], _month(m[2]), int(m[1]), "dm", shift_days, on))
    for m in _MONTH_DAY_RE.finditer(s):
        found.append(_moved(m, m[3], _month(m[1]), int(m[2]), "md", shift_days, on))
    return [r for r in found if r is not None]


def _moved(
    m: re.Match[str],
    year: int | str | None,
    month: int | None,
    dd: int,
    form: str,
    shift_days: int | None,
    on: date | None,
) -> Replacement | None:
    if form in ("dm", "md") and not _capitalised_month(m.group()):
        return None  # "she may 5 times": a month is written with a capital
    if year:
        try:
            d = date(int(year), month or 0, dd)
        except ValueError:
            return None
    else:
        near = _nearest(month or 0, dd, on or date(2000, 7, 1))  # 2000: 29 Feb is a day
        if near is None:
            return None
        d = near
    if not shift_days:
        return Replacement(*m.span(), m.group())
    new = d + timedelta(days=shift_days)
    if form == "iso":
        text = new.isoformat()
    elif form == "dmy":
        day_w, month_w = (2 if len(m[i]) == 2 else 1 for i in (1, 2))
        text = f"{new.day:0{day_w}d}/{new.month:0{month_w}d}/{new.year}"
    else:
        month_word = _month_word(m.group(), new.month)
        text = f"{new.day} {month_word}" if form == "dm" else f"{month_word} {new.day}"
        if year:
            text += f"{',' if ',' in m.group() else ''} {new.year}"
    return Replacement(*m.span(), text)


def _nearest(month: int, dd: int, on: date) -> date | None:
    """The day ``dd`` of ``month`` nearest ``on`` ("28 Dec" in a note of 3 January is last
    year's); 29 February in the nearest leap year."""
    days = []
    for y in range(on.year - 4, on.year + 5):
        try:
            days.append(date(y, month, dd))
        except ValueError:  # not a day in that year (or in any)
            pass
    return min(days, key=lambda d: abs(d - on), default=None)


def _capitalised_month(written: str) -> bool:
    m = re.search(_MONTH_RE, written, re.IGNORECASE)
    return bool(m and m.group()[0].isupper())


def digits_pattern(number: str) -> re.Pattern[str]:
    digits = re.sub(r"\D", "", number)
    if not digits:
        return re.compile(re.escape(number.strip()))
    return re.compile(r"(?<!\d)" + r"[ -]?".join(digits) + r"(?!\d)")


def dob_pattern(d: date) -> re.Pattern[str]:
    month = _MONTHS[d.month - 1]
    mon = month[:3] + r"[a-z]*\.?"
    forms = [
        rf"{d.year}-0?{d.month}-0?{d.day}",
        rf"0?{d.day}[/.-]0?{d.month}[/.-](?:{d.year}|{d.year % 100:02d})",
        rf"0?{d.day}(?:st|nd|rd|th)?\s+{mon},?\s+{d.year}",
        rf"{mon}\s+0?{d.day}(?:st|nd|rd|th)?,?\s+{d.year}",
    ]
    return re.compile(r"(?<!\d)(?:" + "|".join(forms) + r")(?!\d)", re.IGNORECASE)


def _phone_digits(text: str) -> bool:
    n = sum(c.isdigit() for c in text)
    return 8 <= n <= 15 or (text.startswith("+") and n >= 7)


def _month(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return next((i for i, m in enumerate(_MONTHS, 1) if m.startswith(w[:3])), None)


def _month_word(written: str, month: int) -> str:
    """The new month in the way the old one was written (full or short, its case)."""
    found = re.search(_MONTH_RE, written, re.IGNORECASE)
    old = found.group() if found else ""
    full = _MONTHS[month - 1]
    word = full if len(old.rstrip(".")) > 4 or old.lower() in _MONTHS else full[:3]
    if old.endswith(".") and len(word) == 3:
        word += "."
    if old.isupper():
        return word.upper()
    return word.capitalize() if old[:1].isupper() else word
