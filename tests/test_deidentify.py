"""De-identification (issue 15, item 5): names become codes as whole words only, ignoring
case and accents; identifiers are masked; dates move by one offset; nothing else changes.

The property tests build text whose names are known and check the output byte for byte;
the corpus holds the tricky cases one by one; the end-to-end tests run ``show --format
md --deidentify`` and ``export --deidentify --shift-dates`` on a small journal.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from random import Random

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import CaregiverNote, ChildVoice, GoalRating, Plan
from otjournal.model.client import Caregiver, Person
from otjournal.views.deidentify import Deidentifier, fold, for_note, random_shift
from tests.conftest import TZ, make_client, make_session

CLIENT = make_client(
    "zoe-ns",
    display_name="Zoë Nguyen-Smith",
    date_of_birth=date(2019, 4, 12),
    ndis_number="430 123 456",
    caregivers=(Caregiver("Mary-Jane Nguyen", "mum"), Caregiver("Will Barker", "dad")),
    people=(
        Person("Tom", "sibling"),
        Person("Anne", "sibling"),
        Person("Ms Grace O'Brien", "teacher"),
        Person("St Mary's Primary School", "school"),
        Person("Dr Priya Raman", "GP"),
        Person("Sunshine Kinder", "kinder"),
        Person("José", "friend"),
    ),
)
EXTRA = ("Bill",)


@pytest.fixture(scope="module")
def d() -> Deidentifier:
    return Deidentifier.for_client(CLIENT, EXTRA)


def test_codes_by_role_stable_and_numbered(d):
    assert [d.code(n) for n in ("Zoë Nguyen-Smith", "zoe-ns", "Mary-Jane Nguyen")] == [
        "Participant",
        "Participant",
        "Caregiver 1",
    ]
    assert d.code("Will Barker") == "Caregiver 2"
    assert (d.code("Tom"), d.code("Anne")) == ("Sibling 1", "Sibling 2")
    assert d.code("Ms Grace O'Brien") == d.code("Grace") == "Teacher 1"
    assert d.code("St Mary's Primary School") == d.code("St Mary's") == "School 1"
    assert d.code("Dr Priya Raman") == "Doctor 1"
    assert d.code("Sunshine Kinder") == d.code("Sunshine") == "Kinder 1"
    assert (d.code("José"), d.code("Bill")) == ("Person 1", "Person 2")
    # The same client gives the same codes again.
    again = Deidentifier.for_client(CLIENT, EXTRA)
    assert [n.code for n in again.names] == [n.code for n in d.names]


def test_role_words_on_the_profile_are_not_names():
    client = make_client("kid", display_name="Kid", caregivers=(Caregiver("Mum"),))
    d = Deidentifier.for_client(client, ("therapist", "child"))
    assert d.text("Mum and the therapist saw the child") == "Mum and the therapist saw the child"


def test_a_name_first_met_later_gets_the_next_person_code():
    d = Deidentifier.for_client(CLIENT, EXTRA)
    assert d.code("Kirra Lee") == "Person 3"
    assert d.text("Kirra came, then Kirra Lee left") == "Person 3 came, then Person 3 left"


def test_family_names_that_are_words_stay_words_where_not_capitalised():
    """The names of a profile are often words too (Ball, Park, Little, Swing, Stone,
    Bottom): on their own they are replaced only where capitalised, as a given name that
    is a word is (Will, Grace); a given name and a full name wherever they are."""
    client = make_client(
        "ali-b",
        display_name="Ali Ball",
        caregivers=(Caregiver("Sam Park", "father"),),
        people=(
            Person("Mrs Little", "teacher"),
            Person("Mr Swing", "teacher"),
            Person("Amy Stone", "grandmother"),
            Person("Mrs Bottom", "teacher"),
        ),
    )
    d = Deidentifier.for_client(client, ())
    words = "threw the ball at the park, a little help, on the swing, a stone path, the bottom step"
    assert d.text(words) == words
    named = d.text("ali and sam came; Ball, Park, Little, Swing, Stone and Bottom too; amy stone")
    assert not {"ali", "sam", "Ball", "Park", "Little", "Swing", "Stone", "Bottom"} & set(
        re.findall(r"\w+", named)
    ), named
    assert named.endswith("Grandparent 1")


def test_a_full_stop_after_a_word_of_a_name_is_written_or_not():
    """The profile's "St. Mary's School" is the note's "St Mary's", and the other way
    round; an initial keeps its stop ("A. Stone" is not "a stone")."""
    for on_profile, role, written in (
        ("St. Mary's School", "school", "St Mary's"),
        ("St Mary's School", "school", "St. Mary's"),
        ("Dr. Jo Bloggs", "GP", "Dr Jo Bloggs"),
        ("St Mary's School", "school", "Saint Mary's"),
        ("Saint Mary's School", "school", "St. Mary's"),
        ("Saint Mary's School", "school", "ST MARY'S"),
    ):
        client = make_client("ali-b", display_name="Ali B", people=(Person(on_profile, role),))
        d = Deidentifier.for_client(client, ())
        assert d.text(f"At {written} today") == f"At {d.code(on_profile)} today", on_profile
    amy = make_client("ali-b", display_name="Ali B", people=(Person("Amy Stone", "friend"),))
    assert Deidentifier.for_client(amy, ()).text("a stone path") == "a stone path"
    saintly = make_client(
        "leo-p", display_name="Leo P", people=(Person("St. John Smith", "teacher"),)
    )
    d = Deidentifier.for_client(saintly, ("Saint Anne",))
    assert d.text("At St Vincent's; St. Kilda; St John came; St. John Smith too") == (
        "At St Vincent's; St. Kilda; Teacher 1 came; Teacher 1 too"
    )
    assert "John" not in d.text("John Smith came") and "Smith" not in d.text("Mr Smith")
    # "St" begins a family name too, however it is written: never left behind.
    ivy = make_client(
        "ivy-s",
        display_name="Ivy St. Clair",
        caregivers=(Caregiver("Anne St. Clair", "mother"),),
    )
    said = Deidentifier.for_client(ivy, ()).text(
        "Mrs Saint Clair, the St. Clairs, St-Clair, ST. CLAIR, St Clair's car; Clair rang"
    )
    assert said == (
        "Mrs Participant, the Participants, Participant, Participant, Participant's car; "
        "Participant rang"
    )
    assert d.text("Saint Kilda beach on Saint's day; Saint Anne came") == (
        "Saint Kilda beach on Saint's day; Person 1 came"
    )
    street = make_client("ali-b", display_name="Ali B", people=(Person("Mary St", "school"),))
    assert Deidentifier.for_client(street, ()).text("Mary Saint came") == "Mary Saint came"


# -- the corpus -------------------------------------------------------------------------

CORPUS = [
    # accents and case
    ("Zoë laced her shoes.", "Participant laced her shoes."),
    ("Zoe laced her shoes.", "Participant laced her shoes."),
    (
        "ZOE laced, zoé watched, Zoé too.",
        "Participant laced, Participant watched, Participant too.",
    ),
    ("Zoe\u0308 wrote it decomposed.", "Participant wrote it decomposed."),
    ("Jose and JOSÉ and josé", "Person 1 and Person 1 and Person 1"),
    # possessives
    ("Zoë's shoes and Zoe’s hat", "Participant's shoes and Participant’s hat"),
    ("the Zoës' shoes", "the Participants' shoes"),
    ("O'Brien's room and Ms O’Brien", "Teacher 1's room and Ms Teacher 1"),
    ("Grace O'Brien and gRACE O'Brien's", "Teacher 1 and Teacher 1's"),
    ("Zoë'll come, Zoë’s here", "Participant'll come, Participant’s here"),
    ("ZOE'S HAT, ZOË’S SHOES, ZOE'SMITH", "Participant's HAT, Participant’s SHOES, ZOE'SMITH"),
    # never inside another word
    ("tomorrow, bottom, Tomas and atom", "tomorrow, bottom, Tomas and atom"),
    (
        "the benchmark, a Mattress, an annex, Annemarie",
        "the benchmark, a Mattress, an annex, Annemarie",
    ),
    ("Zoey and zoetrope, Billy and billing", "Zoey and zoetrope, Billy and billing"),
    ("Tom came, then TOM.", "Sibling 1 came, then Sibling 1."),
    # hyphens and double-barrelled names
    ("Mary-Jane came", "Caregiver 1 came"),
    ("Mary Jane came, MaryJane too", "Caregiver 1 came, Caregiver 1 too"),
    ("Anne-Marie is not Anne", "Anne-Marie is not Sibling 2"),
    ("Marie-Anne is not Anne either", "Marie-Anne is not Sibling 2 either"),
    ("Nguyen-Smith, Nguyen and Smith", "Participant, Participant and Participant"),
    ("a Zoë-led game, a non-Zoë plan", "a Participant-led game, a non-Participant plan"),
    # full names first, across a line break
    ("Mary-Jane Nguyen said", "Caregiver 1 said"),
    ("Mary-Jane\nNguyen said", "Caregiver 1 said"),
    ("Zoë\n  Nguyen-Smith came", "Participant came"),
    ("St Mary's Primary School and St Mary's", "School 1 and School 1"),
    ("St. Mary's Primary School and St. Mary's", "School 1 and School 1"),
    ("Sunshine Kinder, then sunshine at the park", "Kinder 1, then sunshine at the park"),
    # a place's own generic words, written otherwise than on the profile, go with it
    ("At Saint Marys School today", "At School 1 today"),
    ("St Mary's High School, St Mary's Kindergarten", "School 1, School 1"),
    ("St Mary's high fives; Sunshine Early Learning", "School 1 high fives; Kinder 1"),
    # ... in any case when the name has two words; a kind of place in lower case too
    ("st Mary's School, st marys school, ST MARY'S", "School 1, School 1, School 1"),
    ("St Mary's school and St Mary's kindergarten", "School 1 and School 1"),
    ("St Marys' gate; Sunshine kinder", "School 1's gate; Kinder 1"),
    ("sunshine at the school gate", "sunshine at the school gate"),
    ("Sunshine rang; sunshine kinder rang", "Kinder 1 rang; Kinder 1 rang"),
    # names that are also words: replaced only with a capital
    ("Will came; she will try.", "Caregiver 2 came; she will try."),
    ("Grace helped with grace.", "Teacher 1 helped with grace."),
    ("Bill paid the bill.", "Person 2 paid the bill."),
    # a family name on its own too (a full name is a name however written)
    ("Barker rang; a barker called", "Caregiver 2 rang; a barker called"),
    ("will barker rang", "Caregiver 2 rang"),
    ("WILL and GRACE", "Caregiver 2 and Teacher 1"),
    # initials
    ("Zoë N. came", "Participant. came"),
    ("Z. Nguyen-Smith and Z.N. came", "Participant and Participant. came"),
    ("M. Nguyen rang; M.N. rang", "Caregiver 1 rang; Caregiver 1. rang"),
    ("Mary-Jane N rang", "Caregiver 1 rang"),
    ("Dr Raman, Priya R and P. Raman", "Dr Doctor 1, Doctor 1 and Doctor 1"),
    # the handle
    ("see zoe-ns", "see Participant"),
    # e-mails, phones, NDIS numbers, the date of birth, addresses
    ("mail zoe.nguyen@example.com today", "mail [email] today"),
    ("Mary-Jane <mj+ot@mail.example.org>", "Caregiver 1 <[email]>"),
    ("Call 0412 345 678 or 0412345678", "Call [phone] or [phone]"),
    ("Call +61 412 345 678, (02) 9876 5432 or 02-9876-5432", "Call [phone], [phone] or [phone]"),
    ("Call +44 20 7946 0958 or +1 (555) 123-4567", "Call [phone] or [phone]"),
    ("NDIS 430 123 456, also 430123456", "NDIS [NDIS number], also [NDIS number]"),
    ("another plan: 431234567", "another plan: [NDIS number]"),
    ("DOB 12/04/2019; born 12 April 2019", "DOB [date of birth]; born [date of birth]"),
    (
        "2019-04-12 and April 12, 2019 and 12.4.19",
        "[date of birth] and [date of birth] and [date of birth]",
    ),
    ("date of birth: 3/2/2018", "date of birth: [date of birth]"),
    ("Lives at 12 Smith St, Carlton VIC 3053.", "Lives at [address]."),
    ("Unit 3, 45A Grace Road and 7 Long Way", "[address] and [address]"),
    ("PO Box 123 then", "[address] then"),
    ("at 12 Smith St, Then home; 4 Long Rd Carlton 3053", "at [address], Then home; [address]"),
    # a suburb that ends the clause goes with the street (an outside tester's cases)
    ("lives at 12 Smith Street, Fitzroy; school", "lives at [address]; school"),
    ("Unit 4/27 Lygon St Carlton", "Unit [address]"),
    ("PO Box 123 Fitzroy.", "[address]."),
    ("at 5 Long Rd, North Fitzroy, by bus", "at [address], by bus"),
    # what must stay
    (
        "On 2026-03-07 at 16:00 she did 10 of 12 (3.5 min), 30 reps.",
        "On 2026-03-07 at 16:00 she did 10 of 12 (3.5 min), 30 reps.",
    ),
    ("she may 5 times; ticket 12345", "she may 5 times; ticket 12345"),
    ("", ""),
]


@pytest.mark.parametrize(("given", "expected"), CORPUS)
def test_corpus(d, given, expected):
    assert d.text(given) == expected


def test_the_corpus_is_large():
    assert len(CORPUS) >= 30


def test_dates_move_by_whole_weeks_keeping_their_form():
    d = Deidentifier.for_client(CLIENT, EXTRA, shift_days=14)
    given = (
        "Seen 2026-03-07, 7/3/2026, 07/03/2026, 7 March 2026, March 7, 2026, 7 Mar, "
        "id 2026-03-07_1600_abcde at 2026-03-07T16:00:00+10:00; she may 5 times."
    )
    assert d.text(given) == (
        "Seen 2026-03-21, 21/3/2026, 21/03/2026, 21 March 2026, March 21, 2026, 21 Mar, "
        "id 2026-03-21_1600_abcde at 2026-03-21T16:00:00+10:00; she may 5 times."
    )
    assert d.day(date(2026, 12, 25)) == date(2027, 1, 8)
    at = datetime(2026, 3, 7, 16, tzinfo=TZ)
    assert d.datetime(at) == at + timedelta(days=14)
    # The date of birth is masked before any date moves.
    assert d.text("DOB 2019-04-12") == "DOB [date of birth]"
    none = Deidentifier.for_client(CLIENT, EXTRA)
    assert none.day(date(2026, 3, 7)) == date(2026, 3, 7)
    assert none.text("2026-03-07") == "2026-03-07"


def test_random_shift_is_whole_weeks_and_never_small():
    shifts = {random_shift() for _ in range(200)}
    assert shifts
    assert all(s % 7 == 0 and 35 <= abs(s) <= 364 for s in shifts)
    assert any(s < 0 for s in shifts) and any(s > 0 for s in shifts)


def test_deep_goes_through_dataclasses_tuples_and_dicts():
    d = Deidentifier.for_client(CLIENT, EXTRA, shift_days=-7)
    s = make_session("zoe-ns", start=datetime(2026, 3, 5, 14, 30, tzinfo=TZ))
    s = s.__class__(**{**s.__dict__, "child_voice": ChildVoice("Tom helped Zoë", ())})
    out = d.deep(s)
    assert out.child_voice.text == "Sibling 1 helped Participant"
    assert out.start == s.start - timedelta(days=7)
    assert d.deep({"a": ("Zoë", 3, None)}) == {"a": ("Participant", 3, None)}


def test_markup_touches_only_the_text_between_tags(d):
    svg = "<svg><path d='M 10 20 30 40 50 60 70 80'/><text x='1'>Zoë 0412 345 678</text></svg>"
    assert d.markup(svg) == (
        "<svg><path d='M 10 20 30 40 50 60 70 80'/><text x='1'>Participant [phone]</text></svg>"
    )
    assert d.markup("Zoë <b>Tom</b>") == "Participant <b>Sibling 1</b>"


# -- properties ---------------------------------------------------------------------------

# The names a property draws, each with ways it is written, and its code.
FORMS = [
    (("Zoë", "Zoe", "ZOE", "zoe", "Zoé", "Zoe\u0308"), "Participant"),
    (("Mary-Jane Nguyen", "MARY-JANE\nNGUYEN", "mary-jane  nguyen"), "Caregiver 1"),
    (("Tom", "TOM"), "Sibling 1"),
    (("Anne", "anne", "ANNE"), "Sibling 2"),
    (("O'Brien", "O’Brien", "OBRIEN"), "Teacher 1"),
    (("José", "Jose", "JOSÉ"), "Person 1"),
    (("Grace", "GRACE"), "Teacher 1"),
    (("St Mary's Primary School", "st marys primary school"), "School 1"),
]
SEPARATORS = st.sampled_from([" ", "\n", ", ", ". ", "; ", " (", ") ", "  ", "\t", " — "])
LETTERS = st.characters(
    whitelist_categories=("Ll", "Lu", "Lo"), max_codepoint=0x24F, blacklist_characters="ßẞ"
)
TRICKY = [
    "tomorrow", "bottom", "benchmark", "Mattress", "Annex", "Zoey", "zoetrope", "Tomas",
    "will", "grace", "graceful", "Anne-Marie", "Marie-Anne", "Brienne", "Josef", "tommy",
]  # fmt: skip
FILLER = st.one_of(st.text(LETTERS, min_size=2, max_size=10), st.sampled_from(TRICKY))


@st.composite
def texts(draw: st.DrawFn) -> tuple[list[str], list[str], str]:
    """Pieces of a text (filler and names, never two names side by side), the filler
    words, and the expected output."""
    pieces, filler, expected = [], [], []
    for _ in range(draw(st.integers(1, 8))):
        word = draw(FILLER)
        filler.append(word)
        pieces.append(word)
        expected.append(word)
        pieces.append(sep := draw(SEPARATORS))
        expected.append(sep)
        if draw(st.booleans()):
            forms, code = draw(st.sampled_from(FORMS))
            name = draw(st.sampled_from(forms))
            tail = draw(st.sampled_from(["", "'s", "’s"]))
            pieces += [name + tail, sep]
            expected += [code + tail, sep]
    return pieces, filler, "".join(expected)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
# Found by a run of this test: "Grace" then "OS" was read as "Grace O" made plural.
@example((["AA", " ", "Grace", " ", "OS", " "], ["AA", "OS"], "AA Teacher 1 OS "))
def test_only_the_name_tokens_change(drawn):
    d = Deidentifier.for_client(CLIENT, EXTRA)
    pieces, filler, expected = drawn
    # A filler word that is itself a name (a random "Tom"), or a word of one (a "grace"
    # before "O'Brien" makes "Grace O'Brien"), is not filler.
    name_words = {w for n in d.names for w in fold(n.text).split()}
    assume(not any(d.replacements(w) or fold(w) in name_words for w in filler))
    assert d.text("".join(pieces)) == expected


@settings(max_examples=400)
@given(st.text(max_size=80), st.lists(st.sampled_from(FORMS), max_size=4), st.randoms())
# Found by a run of this test: "ำ" is a letter whose fold starts with a mark.
@example("0:\u0e33", [FORMS[0]], Random(5))  # "Zoe" goes in before the "ำ"
def test_replacements_are_whole_words_and_the_rest_is_kept(text, names, rnd):
    """Arbitrary text with names put anywhere: each replacement is a whole word (never
    cut out of a longer one) and every character outside the replacements is kept."""
    d = Deidentifier.for_client(CLIENT, EXTRA, shift_days=7)
    for forms, _ in names:
        at = rnd.randint(0, len(text))
        text = text[:at] + rnd.choice(forms) + text[at:]
    out = d.text(text)
    rebuilt, at = [], 0
    for r in d.replacements(text):
        assert r.start >= at
        rebuilt += [text[at : r.start], r.new]
        at = r.end
        if (r.new[0].isupper() and r.new[-1].isdigit()) or r.new == "Participant":
            assert r.start == 0 or not text[r.start - 1].isalnum()
            tail = text[r.end : r.end + 2]
            # A plural "s" (one folded to it too: "𝖘" is replaced with the name before it)
            assert not tail[:1].isalnum() or (fold(tail[0]) == "s" and not tail[1:2].isalnum())
    rebuilt.append(text[at:])
    assert "".join(rebuilt) == out


# -- end to end ------------------------------------------------------------------------

CONFIG = (
    '[practitioner]\nname = "Alex Rivera"\nregistration = "OCC0001234567"\n'
    '[deidentify]\nnames = ["Bill"]\n'
)
NAMES = "zoe nguyen smith mary jane barker tom anne grace brien raman priya sunshine jose bill"
NAMES += " alex rivera zoe-ns"
NUMBERS = ["OCC0001234567", "2019", "430 123 456", "430123456", "0412", "example.com"]


def assert_nothing_identifies(out: str) -> None:
    words = set(re.findall(r"[\w'-]+", fold(out)))
    assert words, "no words at all"
    assert not words & set(NAMES.split())
    for number in NUMBERS:
        assert number not in out


def _journal(isolated_home, notes) -> list[str]:
    """The small journal; the ids of its notes."""
    folder = isolated_home / "config" / "otjournal"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    j = Journal(notes)
    j.add_client(CLIENT)
    ids = []
    for i, day in enumerate((2, 9, 23)):
        start = datetime(2026, 2, day, 14, 30, tzinfo=TZ)
        s = make_session(
            "zoe-ns",
            start=start,
            written_by="Alex Rivera",
            caregiver=CaregiverNote("Mary-Jane: Anne and Tom joined at St Mary's."),
            goals=(GoalRating("g1", 0, f"Zoë laced 2 holes; Tom cheered (DOB 12/04/2019) #{i}"),),
            child_voice=ChildVoice("Zoe: 'Grace said I did it!'", ()),
            plan=Plan("Mary-Jane (0412 345 678, mj@example.com) will practise daily.", ""),
        )
        ids.append(j.read_session_file(j.add_session(s, rng=Random(i)).path)[2].id)
    return ids


def _dates(text: str) -> list[date]:
    return [date.fromisoformat(m) for m in re.findall(r"\d{4}-\d{2}-\d{2}", text)]


def test_show_md_deidentified(runner, clock, isolated_home, notes):
    ids = _journal(isolated_home, notes)
    plain = runner.invoke(app, ["show", ids[0], "--format", "md"]).output
    assert "Zoë" in plain and "2019-04-12" in plain  # the printout as it is
    result = runner.invoke(app, ["show", ids[0], "--format", "md", "--deidentify"])
    out = result.output
    assert result.exit_code == 0
    assert_nothing_identifies(out)
    assert "Participant" in out and "Sibling 1 cheered" in out and "Caregiver 1" in out
    # Name and handle are one code, said once (not "Participant (Participant)").
    assert "- **Client:** Participant\n" in out and "(Participant)" not in out
    assert "Teacher 1 said" in out and r"\[phone\]" in out and r"\[email\]" in out
    assert "Date of birth" not in out and r"(DOB \[date of birth\])" in out
    assert "2026-02-02" in out  # no shift asked: dates kept

    shifted = runner.invoke(
        app, ["show", ids[0], "--format", "md", "--deidentify", "--shift-dates"]
    ).output
    assert_nothing_identifies(shifted)
    before, after = _dates(out), _dates(shifted)
    assert before and len(before) == len(after)
    moves = {(a - b).days for a, b in zip(after, before, strict=True)}
    assert len(moves) == 1 and moves.pop() % 7 == 0  # one offset, intervals kept
    assert "2026-02-02" not in shifted


def test_show_refuses_shift_dates_alone_and_json(runner, clock, isolated_home, notes):
    sid = _journal(isolated_home, notes)[0]
    assert runner.invoke(app, ["show", sid, "--shift-dates"]).exit_code == 2
    assert runner.invoke(app, ["show", sid, "--deidentify", "--json"]).exit_code == 2
    text = runner.invoke(app, ["show", sid, "--deidentify"]).output  # a text printout
    assert "\nClient:       Participant\n" in text and "(Participant)" not in text
    assert_nothing_identifies(text)


@pytest.mark.parametrize("table", ["sessions", "goals", "checklist"])
def test_export_deidentified_with_dates_shifted(runner, clock, isolated_home, notes, table):
    _journal(isolated_home, notes)
    plain = runner.invoke(app, ["export", "--table", table, "--format", "json"]).output
    result = runner.invoke(
        app, ["export", "--table", table, "--format", "json", "--deidentify", "--shift-dates"]
    )
    assert result.exit_code == 0
    out = result.output
    assert_nothing_identifies(out)
    rows, before = json.loads(out)["rows"], json.loads(plain)["rows"]
    assert rows and len(rows) == len(before)
    assert {r["client"] for r in rows} == {"participant-1"}
    old, new = _dates(plain), _dates(out)
    assert old and len(old) == len(new)
    moves = {(a - b).days for a, b in zip(new, old, strict=True)}
    assert len(moves) == 1 and moves.pop() % 7 == 0
    # Numbers are numbers still.
    assert [r.get("gas") for r in rows] == [r.get("gas") for r in before]


def test_export_csv_deidentified_keeps_every_other_cell(runner, clock, isolated_home, notes):
    _journal(isolated_home, notes)
    args = ["export", "--table", "goals"]
    plain = list(csv.DictReader(io.StringIO(runner.invoke(app, args).output)))
    hidden = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--deidentify"]).output)))
    assert plain and len(plain) == len(hidden)
    for a, b in zip(plain, hidden, strict=True):
        assert b["client"] == "participant-1"
        assert b["evidence"].startswith("Participant laced 2 holes; Sibling 1 cheered")
        assert {k: v for k, v in a.items() if k not in ("client", "evidence")} == {
            k: v for k, v in b.items() if k not in ("client", "evidence")
        }
    assert runner.invoke(app, [*args, "--shift-dates"]).exit_code == 2


def test_show_html_deidentified_to_a_file(runner, clock, isolated_home, notes, tmp_path):
    sid = _journal(isolated_home, notes)[1]
    target = tmp_path / "note.html"
    result = runner.invoke(app, ["show", sid, "--deidentify", "--shift-dates", "-o", str(target)])
    assert result.exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or "<html" in page
    assert_nothing_identifies(page)
    assert "Participant" in page and "2026-02-09" not in page


def test_rows_of_two_clients_keep_each_clients_codes_and_one_shift():
    from otjournal.views.export_deid import deidentify_rows

    sam = make_client("sam-r", display_name="Sam Reid", caregivers=(Caregiver("Lena Reid"),))
    rows = [
        {"client": "zoe-ns", "date": "2026-03-07", "text": "Zoë and Tom", "gas": -1},
        {"client": "sam-r", "date": "2026-03-14", "text": "Sam and Lena", "gas": 2},
        {"client": "zoe-ns", "date": "2026-03-21", "text": "Mary-Jane", "gas": None},
        {"client": "gone", "date": "2026-03-28", "text": "gone away", "gas": 0},
    ]
    out = deidentify_rows(rows, {"zoe-ns": CLIENT, "sam-r": sam}, ("Bill",), 7)
    assert [tuple(r.values()) for r in out] == [
        ("participant-1", "2026-03-14", "Participant and Sibling 1", -1),
        ("participant-2", "2026-03-21", "Participant and Caregiver 1", 2),
        ("participant-1", "2026-03-28", "Caregiver 1", None),
        ("participant-3", "2026-04-04", "Participant away", 0),  # its handle is a name
    ]


# -- names joined by a hyphen --------------------------------------------------------------

KIDS = make_client(
    "mia-k",
    display_name="Mia K.",
    caregivers=(Caregiver("Sarah K.", "mother"), Caregiver("Tom K.", "father")),
    people=(Person("Leo K.", "brother"),),
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # Two known names joined: each is replaced (a capitalised unknown neighbour, as in
        # "Anne-Marie", still keeps its double-barrelled name whole).
        (
            "Mia-Leo game. Leo-Mia. Sarah-Tom. Mia-led. Leo-style.",
            "Participant-Sibling 1 game. Sibling 1-Participant. Caregiver 1-Caregiver 2. "
            "Participant-led. Sibling 1-style.",
        ),
        ("MIA-LEO and mia-leo's", "Participant-Sibling 1 and Participant-Sibling 1's"),
        ("Sarah-Tom-Leo", "Caregiver 1-Caregiver 2-Sibling 1"),
        ("Leo's and Mia-Leo's", "Sibling 1's and Participant-Sibling 1's"),
        # A name's letters inside another word, or an unknown name joined on, stay.
        ("Miami, Leonard, Tomas-Leonard", "Miami, Leonard, Tomas-Leonard"),
        ("Anna-Mia and Mia-Rose", "Anna-Mia and Mia-Rose"),
    ],
)
def test_known_names_joined_by_a_hyphen_are_each_replaced(given, expected):
    assert Deidentifier.for_client(KIDS).text(given) == expected


def test_names_that_are_words_joined_by_a_hyphen():
    client = make_client(
        "will-m",
        display_name="Will May",
        caregivers=(Caregiver("Zoë", "mum"), Caregiver("Grace", "nan")),
    )
    d = Deidentifier.for_client(client)
    given = "Will-Zoë, Zoë-Will, May-Grace, Will-May, Zoe-WILL, ZOË-May."
    assert d.text(given) == (
        "Participant-Caregiver 1, Caregiver 1-Participant, Participant-Caregiver 2, "
        "Participant-Participant, Caregiver 1-Participant, Caregiver 1-Participant."
    )
    # Without a capital they are words still, joined or not.
    assert d.text("Zoë-will, may-Grace, grace-May") == (
        "Caregiver 1-will, may-Caregiver 2, grace-Participant"
    )


def test_a_name_that_is_a_word_keeps_its_plural_and_its_compounds_as_words():
    """ "Wills", "Roses", "Joys" and "Graces" are words, not plurals of the names (they
    became "Caregiver 1s"); "Will-power" a compound. A possessive is the name's still,
    and so is the plural of a family name ("the Marchettis")."""
    client = make_client(
        "joy-m",
        display_name="Joy Marchetti",
        caregivers=(Caregiver("Will Marchetti", "partner"),),
        people=(Person("Grace Lee", "GP"), Person("Rose Park", "sister")),
    )
    d = Deidentifier.for_client(client)
    words = "Wills and trusts were sorted. Roses grew. Joys and sorrows. Graces were said."
    assert d.text(words) == words
    assert d.text("Will-power helps; Rose-coloured; a Grace-filled day.") == (
        "Will-power helps; Rose-coloured; a Grace-filled day."
    )
    assert d.text("Will's car, Joy's bag, the Roses' petals, the Marchettis came.") == (
        "Caregiver 1's car, Participant's bag, the Roses' petals, the Participants came."
    )
    # A family name joined to another is the family's still; a given name so joined is
    # another person's double-barrelled name ("Rose-Marie", as "Anne-Marie" above).
    assert d.text("The Marchetti-Smith cousins, Smith-Marchetti, MARCHETTI-SMITH.") == (
        "The Participant-Smith cousins, Smith-Participant, Participant-SMITH."
    )
    assert d.text("Rose-Marie came. MARCHETTIS. Will.  Marchetti's bag. Joys' toys.") == (
        "Rose-Marie came. Participants. Caregiver 1.  Participant's bag. Joys' toys."
    )
    assert d.text("Will came. WILL and JOY. Will-Joy.") == (
        "Caregiver 1 came. Caregiver 1 and Participant. Caregiver 1-Participant."
    )


def test_a_hyphenated_name_known_whole_is_one_name():
    client = make_client("mj-l", display_name="Mary-Jane Lee", people=(Person("Leo", "brother"),))
    d = Deidentifier.for_client(client)
    assert d.text("Mary-Jane, Mary-Jane-Leo, Leo-Mary-Jane, Jane-Leo, Mary-Ann") == (
        "Participant, Participant-Sibling 1, Sibling 1-Participant, Participant-Sibling 1, Mary-Ann"
    )


# -- dates without a year --------------------------------------------------------------

_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _month(d: date, full: bool = False) -> str:
    name = _MONTH_NAMES[d.month - 1]
    return name if full else name[:3]


# Each year-less form the module reads, written for a day; moved, it is written the same way
# (an ordinal's suffix is not kept).
YEARLESS_FORMS = {
    "d Mon": (lambda d: f"{d.day} {_month(d)}", None),
    "Mon d": (lambda d: f"{_month(d)} {d.day}", None),
    "Mon. d": (lambda d: f"{_month(d)}. {d.day}", None),
    "weekday d Month": (lambda d: f"{_WEEKDAYS[d.weekday()]} {d.day} {_month(d, True)}", None),
    "dth Month": (lambda d: f"{d.day}th {_month(d, True)}", lambda d: f"{d.day} {_month(d, True)}"),
    "weekday, Month d": (
        lambda d: f"{_WEEKDAYS[d.weekday()][:3]}, {_month(d, True)} {d.day}",
        None,
    ),
}
# (the note's day, the day written without its year, the shift)
YEARLESS_CASES = [
    (date(2026, 11, 30), date(2026, 11, 28), -357),  # the report: a day too many
    (date(2026, 11, 30), date(2026, 11, 30), -350),
    (date(2026, 2, 20), date(2026, 2, 20), 14),  # over the end of a short February
    (date(2026, 12, 28), date(2026, 12, 28), 14),  # over the new year
    (date(2027, 12, 20), date(2027, 12, 20), 364),  # into a leap year, over its 29 Feb
    (date(2028, 1, 3), date(2027, 12, 27), 70),  # last year's day, then over 29 Feb
    (date(2027, 12, 30), date(2028, 1, 3), 63),  # next year's day, then over 29 Feb
    (date(2028, 3, 1), date(2028, 2, 29), -364),  # 29 Feb itself
    (date(2028, 3, 2), date(2028, 2, 29), 7),
    (date(2029, 1, 2), date(2028, 12, 25), -364),  # back over the year and 29 Feb
]


@pytest.mark.parametrize("form", YEARLESS_FORMS)
@pytest.mark.parametrize(("on", "day", "shift"), YEARLESS_CASES)
def test_a_date_without_its_year_moves_like_a_full_date(on, day, shift, form):
    written, moved_form = YEARLESS_FORMS[form]
    moved = day + timedelta(days=shift)
    d = Deidentifier.for_client(CLIENT, EXTRA, shift_days=shift, on=on)
    given = f"On {day.isoformat()}, that is {written(day)}, she laced."
    assert (
        d.text(given)
        == f"On {moved.isoformat()}, that is {(moved_form or written)(moved)}, she laced."
    )


def test_a_notes_own_day_places_its_dates_without_a_year():
    start = datetime(2026, 11, 30, 10, tzinfo=TZ)
    s = make_session(
        "zoe-ns",
        start=start,
        child_voice=ChildVoice("On 2026-11-28 Tom came, and Nov 28; called on Monday 30 Nov", ()),
    )
    out = for_note(s, CLIENT, (), -357).deep(s)
    assert out.start.date() == date(2025, 12, 8)
    assert out.child_voice.text == (
        "On 2025-12-06 Sibling 1 came, and Dec 6; called on Monday 8 Dec"
    )


def test_without_a_note_dates_without_a_year_are_read_near_today(clock):
    clock.set(datetime(2028, 1, 10, 9, tzinfo=TZ))
    d = Deidentifier.for_client(CLIENT, EXTRA, shift_days=70)
    assert d.text("Monday 27 Dec") == "Monday 6 Mar"  # 2027-12-27 + 70 days: 2028-03-06


def test_a_name_with_letters_after_it_is_the_name_in_any_case():
    """A practitioner written "Jo Bloggs (OT)" in the config is "Jo Bloggs" in a note,
    however written: one code, never one per part, and in lower case too."""
    d = Deidentifier.for_client(CLIENT, ("Jo Bloggs (OT)",))
    assert d.text("Jo Bloggs came; jo bloggs rang; JO BLOGGS (OT)") == (
        "Person 2 came; Person 2 rang; Person 2"
    )


@pytest.mark.parametrize("written", ["OCC0001234567", "OCC 0001234567", "occ0001234567"])
def test_a_registration_number_is_masked(d, written):
    """A practitioner's registration with the national board (three letters, ten digits)
    is an identifier: masked, never read as a phone number."""
    assert d.text(f"Reg {written}, seen today") == "Reg [registration], seen today"
