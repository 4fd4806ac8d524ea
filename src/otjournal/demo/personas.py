"""The demo's fictional people: who they are, their goals, what they like, and the words
their notes are made of. Data only; ``otj demo`` builds the journal from it."""

from __future__ import annotations

from datetime import date

from otjournal.frozen import frozen
from otjournal.model import Caregiver, Person


@frozen
class Persona:
    handle: str
    name: str
    born: date | None
    framework: str
    communication: tuple[str, ...]
    strengths: tuple[str, ...]
    caregivers: tuple[Caregiver, ...]
    goals: tuple[tuple[str, dict[int, str]], ...]
    activities: tuple[tuple[str, bool, bool, bool], ...]  # name, child-led, interest, movement
    helped: tuple[str, ...]
    voice: tuple[str, ...]
    homework: tuple[tuple[str, str, int], ...]  # text, kind, per week
    child: bool = True
    techniques: tuple[str, ...] = ("sensory-based strategies",)  # besides parent coaching
    hierarchy: tuple[tuple[str, int], ...] = ()  # graded exposure: step, expected SUDS


PERSONAS = (
    Persona(
        "mia-k",
        "Mia K.",
        date(2019, 6, 12),
        "zones",
        ("speech", "AAC"),
        ("trains", "drawing", "swinging"),
        (Caregiver("Sarah K.", "mother"), Caregiver("Tom K.", "father")),
        (
            (
                "Mia puts on her shoes and does the laces before kinder",
                {
                    -2: "needs hand-over-hand for every step",
                    -1: "does velcro shoes on her own",
                    0: "laces with the picture card and one reminder",
                    1: "laces with the card alone",
                    2: "laces without the card",
                },
            ),
            (
                "Mia uses her calm-body plan when the kinder bell rings",
                {
                    -2: "covers ears and leaves the room",
                    0: "chooses a tool from her plan with a prompt",
                    2: "chooses a tool on her own",
                },
            ),
            ("Mia joins a play idea with a peer for five minutes", {}),
        ),
        (
            ("Train-track obstacle course", True, True, True),
            ("Lacing card with train stickers", False, True, False),
            ("Swing and crash-mat", True, False, True),
            ("Drawing a calm-body plan", False, True, False),
            ("Playdough heavy work", True, False, True),
            ("Peer play with the station set", True, True, False),
        ),
        ("heavy work", "deep pressure", "swinging", "a train song", "quiet corner"),
        (
            "\u201cthe train goes in the tunnel\u201d — threading the lace",
            "pointed to ‘swing’ on her AAC board",
            "“again!” after the crash mat",
            "showed me her drawing of a calm train",
        ),
        (
            ("Lacing card with train stickers after breakfast", "practice", 5),
            ("Heavy-work jobs before kinder (carry the library bag)", "practice", 5),
        ),
    ),
    Persona(
        "noah-t",
        "Noah T.",
        date(2016, 2, 3),
        "engine",
        ("speech",),
        ("Minecraft", "Lego", "jokes"),
        (Caregiver("Priya T.", "mother"),),
        (
            (
                "Noah writes his name and a sentence on the line at school",
                {
                    -2: "writes his first name with large letters",
                    0: "writes a sentence on the line",
                    2: "writes three sentences on the line",
                },
            ),
            (
                "Noah gets ready for school with his visual schedule",
                {
                    -2: "needs an adult for each step",
                    0: "follows the schedule with two reminders",
                    2: "follows it on his own",
                },
            ),
        ),
        (
            ("Minecraft block-letter writing", False, True, False),
            ("Animal walks relay", True, False, True),
            ("Lego build from a plan", True, True, False),
            ("Theraputty treasure hunt", True, False, True),
            ("Joke-writing on a whiteboard", False, True, False),
        ),
        ("movement break", "chewy tube", "wall push-ups", "choosing the next activity"),
        (
            "“can we do the creeper letters?”",
            "“my engine is fast today”",
            "told a joke he wrote himself",
            "asked to show Mum his Lego plan",
        ),
        (
            ("Morning schedule with a tick chart", "practice", 5),
            ("Engine check at breakfast", "mood-check", 7),
        ),
    ),
    Persona(
        "sam-r",
        "Sam R.",
        date(1991, 9, 21),
        "window",
        ("speech",),
        ("cooking", "running", "music"),
        (),
        (
            (
                "Sam cooks a simple evening meal three nights a week",
                {-2: "no meals cooked", 0: "three meals a week", 2: "five meals a week"},
            ),
            ("Sam takes the train to work using his grounding routine", {}),
        ),
        (
            ("Meal planning with a visual recipe", True, True, False),
            ("Graded exposure: train platform walk", False, False, True),
            ("Paced breathing practice", False, False, False),
            ("Thought record together", False, False, False),
        ),
        ("paced breathing", "grounding 5-4-3-2-1", "music", "a walk"),
        ("“I actually liked chopping the onions”", "“the platform felt less loud”"),
        (
            ("Paced breathing, ten minutes", "relaxation", 5),
            ("Thought record after a hard moment", "thought-record", 2),
            ("Cook one meal from the plan", "practice", 3),
        ),
        child=False,
        techniques=("CBT", "graded exposure", "behavioural activation"),
        hierarchy=(
            ("Stand on the station platform for five minutes", 30),
            ("Ride one stop off-peak", 50),
            ("Ride to work off-peak", 65),
            ("Ride to work at peak hour", 85),
        ),
    ),
    Persona(
        "ava-l",
        "Ava L.",
        date(2020, 11, 2),
        "descriptive",
        ("gesture", "sign", "speech"),
        ("water play", "animals", "music"),
        (Caregiver("Jo L.", "grandmother"),),
        (
            ("Ava eats a meal at the table with the family", {}),
            ("Ava tries a new texture in messy play", {}),
        ),
        (
            ("Water tray with animal figures", True, True, True),
            ("Messy play with shaving foam", True, False, True),
            ("Music and movement songs", True, True, True),
        ),
        ("singing", "water play", "rocking", "grandmother's hug"),
        ("signed ‘more’ for the water tray", "laughed and clapped during the song"),
        (("Messy play at bath time", "practice", 3),),
    ),
)

EVIDENCE = {
    -2: "Needed support for each step",
    -1: "Managed the first step with help",
    0: "Reached the expected step with one prompt",
    1: "Went a step beyond with the visual support",
    2: "Did it independently and showed the next step",
}
SUMMARIES = (
    "Engaged and curious; we followed {name}'s lead for most of the session.",
    "A session with big feelings in the middle; co-regulation helped and we adapted the plan.",
    "Steady progress on the main goal; {name} chose most activities.",
    "Lots of movement today; {name} led the play and tried a new step.",
)
NEXT_FOCUS = (
    "Build on today's step with the same interest-based activity.",
    "Try the calm-body plan at the start, then the goal activity.",
    "Keep the movement warm-up; add one new step to the routine.",
)
ADAPTATIONS = (
    "made it shorter and added a movement break",
    "swapped to the child's chosen theme",
    "moved to the floor when sitting at the table was hard",
    "used bigger materials",
)
RESPONSES = (
    "smiled and asked for another turn",
    "focused for the whole activity",
    "moved away, then came back to it when ready",
    "tried two steps on their own",
    "needed a break, then finished the activity",
)
CAREGIVER_REPORTS = (
    "A good week at home; mornings went more smoothly.",
    "A hard week with a cold; less practice than planned.",
    "Noticed more independence getting dressed.",
    "Kinder/school teacher reported a calmer start to the day.",
)

REFERRALS = {
    "mia-k": "Dressing and getting ready for kinder take a long time.",
    "noah-t": "Handwriting and getting ready for school.",
    "sam-r": "Getting back to cooking and travelling to work after a hard year.",
    "ava-l": "Mealtimes and new textures.",
}
DIAGNOSES = {
    "mia-k": ("autistic (as the family says it)",),
    "noah-t": ("ADHD",),
    "sam-r": ("anxiety",),
    "ava-l": ("global developmental delay",),
}

# Others named in the notes: what a de-identified copy replaces, by role.
PEOPLE = {
    "mia-k": (Person("Leo K.", "brother"), Person("Ms Tan", "kinder teacher")),
    "noah-t": (Person("Mr Okafor", "teacher"), Person("Riverside Primary School", "school")),
}
