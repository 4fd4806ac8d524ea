"""A realistic, deterministic, fictional demo journal.

Everything comes from one seeded ``Random`` and the ``end`` day, so the same seed
and day give the same files byte for byte. Goals move the way they do in real
practice: mostly upward, with plateaus and the odd step back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from random import Random

from otjournal.demo.homework import build_exposure, build_homework
from otjournal.demo.personas import (
    ADAPTATIONS,
    CAREGIVER_REPORTS,
    DIAGNOSES,
    EVIDENCE,
    NEXT_FOCUS,
    PEOPLE,
    PERSONAS,
    REFERRALS,
    RESPONSES,
    SUMMARIES,
    Persona,
)
from otjournal.disk.store import Journal
from otjournal.model import (
    Activity,
    Assignment,
    CaregiverNote,
    ChecklistAnswer,
    ChildVoice,
    Client,
    Copm,
    Goal,
    GoalRating,
    Plan,
    PlanPeriod,
    Regulation,
    Session,
)
from otjournal.model.episode import Assessment, Consent, Discharge, GoalOutcome, Intake
from otjournal.model.hierarchy import Step
from otjournal.model.ids import SUFFIX_ALPHABET
from otjournal.model.vocab import CHECKLIST, FRAMEWORKS

TZ = timezone(timedelta(hours=10))
PRACTITIONER = "Alex Rivera (OT)"


def _gas_path(rng: Random, n: int) -> list[int]:
    """A believable run of interim ratings from -2 upwards, with plateaus and dips."""
    level = -2.0
    out = []
    speed = rng.uniform(0.06, 0.2)
    for _ in range(n):
        level += rng.gauss(speed, 0.25)
        level = max(-2.0, min(2.0, level))
        out.append(round(level))
    return out


def _dt(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), TZ)


def build_clients(n_clients: int, rng: Random, start: date) -> list[tuple[Client, Persona]]:
    clients = []
    intake_day = start + timedelta(days=1)  # each client's first note: the intake
    for i in range(n_clients):
        p = PERSONAS[i % len(PERSONAS)]
        handle = p.handle if i < len(PERSONAS) else f"{p.handle}-{i // len(PERSONAS) + 1}"
        goals = []
        for gi, (text, levels) in enumerate(p.goals, start=1):
            copm = None
            if gi == 1:
                # T1 at intake; T2 is scored at the reviews (the review notes hold it).
                copm = Copm(
                    text.split(" ", 1)[1][:60],
                    rng.randint(2, 4),
                    rng.randint(1, 4),
                    t1_on=intake_day,
                )
            goals.append(
                Goal(
                    f"g{gi}-{''.join(rng.choice(SUFFIX_ALPHABET) for _ in range(3))}",
                    text,
                    weight=1 if gi > 1 else 2,
                    set_on=intake_day,
                    levels=levels,
                    copm=copm,
                    baseline=-2,  # the paediatric convention: -2 is the present level
                    baseline_on=intake_day,
                )
            )
        plan = PlanPeriod(start, start + timedelta(days=364), "NDIS") if p.child else None
        clients.append(
            (
                Client(
                    handle,
                    p.name,
                    p.born,
                    p.framework,
                    p.communication,
                    p.strengths,
                    p.caregivers,
                    plan,
                    tuple(goals),
                    ndis_number=f"43{rng.randint(1000000, 9999999)}" if p.child else "",
                    primary_disability=DIAGNOSES[p.handle][0],
                    people=PEOPLE.get(p.handle, ()),
                    hierarchy=_hierarchy(handle, p, intake_day),
                ),
                p,
            )
        )
    return clients


def _hierarchy(handle: str, p: Persona, intake_day: date) -> tuple[Step, ...]:
    """The persona's graded exposure steps, set two weeks after the intake. Drawn from
    their own random stream, so adding them changed no other part of the demo."""
    own = Random(f"{handle}-hierarchy")
    return tuple(
        Step(
            f"s{i}-{''.join(own.choice(SUFFIX_ALPHABET) for _ in range(3))}",
            text,
            suds,
            added_on=intake_day + timedelta(days=14),
        )
        for i, (text, suds) in enumerate(p.hierarchy, start=1)
    )


def _techniques(
    client: Client, p: Persona, index: int, with_parent: bool, coaching: bool
) -> tuple[str, ...]:
    """The techniques a session used (its own random stream, like ``_hierarchy``)."""
    own = Random(f"{client.handle}-{index}-techniques")
    if coaching:
        return ("parent coaching",)
    if p.child:
        return (*p.techniques, *(("parent coaching",) if with_parent else ()))
    return tuple(sorted(own.sample(p.techniques, k=own.randint(1, 2)), key=p.techniques.index))


def build_session(
    rng: Random, client: Client, p: Persona, when: datetime, index: int, gas: dict[str, int]
) -> Session:
    first = index == 0
    session_type = "initial" if first else ("review" if index % 12 == 11 else "therapy")
    caregiver_present = p.child and rng.random() < 0.8
    attendees = (("child",) if p.child else ("client",)) + (
        ("parent",) if caregiver_present else ()
    )
    coaching = p.child and not first and rng.random() < 0.06
    if coaching:
        session_type, attendees = "caregiver-only", ("parent",)
    places = (
        ("clinic", "home", "school", "telehealth")
        if p.child
        else ("clinic", "community", "telehealth", "telehealth")
    )
    setting = rng.choices(places, (6, 2, 2, 1))[0]
    chosen = rng.sample(p.activities, k=min(len(p.activities), rng.randint(2, 3)))
    goal_ids = [g.id for g in client.active_goals]
    activities = []
    for name, led, interest, movement in chosen:
        adapted = rng.random() < 0.35
        activities.append(
            Activity(
                name,
                rng.choice((10, 15, 15, 20)),
                led,
                interest,
                movement,
                adapted,
                rng.choice(ADAPTATIONS) if adapted else "",
                rng.choice(RESPONSES),
                (rng.choice(goal_ids),) if goal_ids else (),
            )
        )
    review = session_type == "review"
    ratings = tuple(
        GoalRating(
            gid,
            gas[gid],
            f"{EVIDENCE[gas[gid]]} during {activities[0].name.lower()}.",
            *(_copm_t2(rng, client, gid) if review else (None, None)),
        )
        for gid in goal_ids
        if not first and not coaching and (review or rng.random() < 0.85)
    )
    if coaching:  # coaching the parent: no child activities, voice or child-only items
        activities = [
            Activity(
                "Coaching: the home routine and its visual supports",
                40,
                response="tried the strategies and planned the week",
            )
        ]
    states = FRAMEWORKS[p.framework]
    if coaching:
        regulation = None
    elif states:
        regulation = Regulation(
            p.framework, rng.choice(states), rng.choice(states), tuple(rng.sample(p.helped, k=2))
        )
    else:
        regulation = Regulation(
            p.framework, "wriggly and curious", "settled, singing", tuple(rng.sample(p.helped, k=2))
        )
    techniques = _techniques(client, p, index, caregiver_present, coaching)
    checklist = []
    # The affirming checklist is written for sessions with a child.
    for key, text in CHECKLIST if p.child else ():
        if (key == "caregiver" and not caregiver_present) or (coaching and key != "caregiver"):
            answer = "n-a"
        else:
            answer = rng.choices(("yes", "partly", "no", "unsure"), (14, 4, 1, 1))[0]
        note = (
            "the plan changed when we followed the swing"
            if key == "agile" and answer == "yes" and rng.random() < 0.2
            else ""
        )
        checklist.append(ChecklistAnswer(key, answer, text, note))
    homework = tuple(
        Assignment(f"hw{index + 1}-{k + 1}", text, kind, per_week)
        for k, (text, kind, per_week) in enumerate(p.homework[:2])
    )
    first_name = client.display_name.split()[0]
    start = when
    written = start + timedelta(minutes=rng.randint(50, 120))
    late = rng.random() < 0.04
    if late:
        written = start + timedelta(days=2, hours=1)
    return Session(
        id="",
        client=client.handle,
        start=start,
        duration_min=rng.choice((45, 45, 60)),
        written_by=PRACTITIONER,
        written_at=written,
        session_type=session_type,
        setting=setting,
        attendees=attendees,
        late_entry=late,
        goals=ratings,
        activities=tuple(activities),
        child_voice=ChildVoice()
        if coaching
        else ChildVoice(rng.choice(p.voice), p.communication[:1]),
        caregiver=CaregiverNote(
            rng.choice(CAREGIVER_REPORTS), "joined the activities and tried the strategies"
        )
        if caregiver_present
        else CaregiverNote(),
        regulation=regulation,
        checklist=tuple(checklist),
        plan=Plan(rng.choice(SUMMARIES).format(name=first_name), rng.choice(NEXT_FOCUS), homework),
        intake=_intake(rng, client, p, start.date()) if first else None,
        techniques=techniques,
    )


def _copm_t2(rng: Random, client: Client, gid: str) -> tuple[int | None, int | None]:
    """COPM at T2 for a goal with a COPM problem, scored at a review."""
    goal = client.goal(gid)
    if goal is None or goal.copm is None:
        return None, None
    return rng.randint(5, 8), rng.randint(5, 9)


def _intake(rng: Random, client: Client, p: Persona, day: date) -> Intake:
    """The groundwork of the episode, on its first session."""
    who = f"{p.caregivers[0].name} ({p.caregivers[0].relationship})" if p.caregivers else p.name
    return Intake(
        referral_source=rng.choice(("paediatrician", "GP", "school", "self-referral")),
        referral_reason=REFERRALS[p.handle],
        background=f"Loves {p.strengths[0]}; the family describe the hardest times of day.",
        diagnoses=DIAGNOSES[p.handle],
        what_matters=f"Everyday routines that feel good for {client.display_name.split()[0]}.",
        strengths=p.strengths,
        communication=p.communication,
        goals=tuple(g.id for g in client.goals),
        consent=(Consent(who, "assessment and therapy", day, ("school",) if p.child else ()),),
        assessments=(
            Assessment("Sensory Profile 2", day, {"seeking": 52, "avoiding": 61})
            if p.child
            else Assessment("DASS-21", day, {"depression": 8, "anxiety": 14, "stress": 12}),
        ),
    )


# The client whose trends `otj demo` ends with.
SHOWCASE = "mia-k"
# The demo's one closed episode: this persona's last note is a discharge.
DISCHARGED = "noah-t"


def build_discharge(client: Client, when: datetime, gas: dict[str, int]) -> Session:
    """The close of an episode: the family moved, the work goes on with another OT."""
    outcomes = tuple(
        GoalOutcome(
            g.id,
            "achieved" if gas.get(g.id, -2) >= 0 else "discontinued",
            f"From {g.baseline:+d} at baseline to {gas.get(g.id, -2):+d} at the last rating.",
        )
        for g in client.active_goals
        if g.baseline is not None
    )
    return Session(
        id="",
        client=client.handle,
        start=when,
        duration_min=30,
        written_by=PRACTITIONER,
        written_at=when + timedelta(minutes=60),
        session_type="discharge",
        setting="clinic",
        attendees=("child", "parent"),
        discharge=Discharge(
            "referred-on",
            reason_note="The family moved interstate; an OT near their new home takes over.",
            recommendations="Keep weekly sessions for a term with the new OT; start with "
            "the visual schedule, which works.",
            maintenance="Keep the visual schedule by the door; movement breaks before writing.",
            told=(client.caregivers[0].name, "school") if client.caregivers else ("school",),
            goals=outcomes,
        ),
    )


def write_demo(
    journal: Journal,
    *,
    seed: int,
    end: date,
    sessions: int | None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the demo into ``journal`` (a new folder). Returns what was written."""
    rng = Random(seed)
    per_client = 26
    total = sessions or per_client * len(PERSONAS)
    n_clients = max(len(PERSONAS), -(-total // per_client))
    weeks = 26
    start = end - timedelta(weeks=weeks)
    # Sessions start 26 weeks before the end; plan periods run a year past it. All of it
    # must be in the years the loader reads, or the demo writes notes it then refuses.
    from otjournal.dates import OutOfRange
    from otjournal.model.fields import year_problem

    for day in (start, end + timedelta(days=366)):
        if year_problem(day):
            raise OutOfRange(
                f"--end: the demo spans {weeks} weeks before it and a year after; "
                f"{year_problem(day)}"
            )
    clients = build_clients(n_clients, rng, start)
    # Demo data is regenerable, so bulk writes skip fsync; every other write is durable.
    durable = total <= 500
    for client, _ in clients:
        journal.add_client(client)
    counts = {"clients": len(clients), "sessions": 0, "homework": 0}
    plan: list[tuple[int, int]] = []
    quota = [total // n_clients + (1 if i < total % n_clients else 0) for i in range(n_clients)]
    for ci, q in enumerate(quota):
        plan += [(ci, k) for k in range(q)]
    paths = {ci: _gas_paths(rng, clients[ci][0], quota[ci]) for ci in range(n_clients)}
    for done, (ci, k) in enumerate(plan, start=1):
        client, persona = clients[ci]
        span = max(1, quota[ci])
        day = start + timedelta(days=int(k * weeks * 7 / span) + 1)
        when = _dt(day, rng.choice((9, 10, 11, 13, 14, 15, 16)), rng.choice((0, 30)))
        gas = {gid: series[k] for gid, series in paths[ci].items()}
        if client.handle == DISCHARGED and k == quota[ci] - 1 and k > 0:
            last = {gid: series[k - 1] for gid, series in paths[ci].items()}
            _discharge(journal, build_discharge(client, when, last), rng, durable)
            counts["sessions"] += 1
            continue
        saved = journal.add_session(
            build_session(rng, client, persona, when, k, gas), rng=rng, durable=durable
        )
        counts["sessions"] += 1
        next_day = start + timedelta(days=int((k + 1) * weeks * 7 / span) + 1)
        until = min(_dt(next_day, 0, 0), _dt(end, 23, 59))
        if k > 0:  # about one entry per session for every client, as in a busy practice
            for entry in build_homework(rng, client, persona, saved.record, until)[:3]:
                journal.add_homework(entry, rng=rng, durable=durable)
                counts["homework"] += 1
            for entry in build_exposure(client, k, when, until):
                journal.add_homework(entry, rng=Random(f"{entry.at}"), durable=durable)
                counts["homework"] += 1
        if progress:
            progress(done, len(plan))
    return counts


def _discharge(journal: Journal, note: Session, rng: Random, durable: bool) -> None:
    """Write the discharge note, then each goal's final status (a dated change)."""
    assert note.discharge is not None
    journal.add_session(note, rng=rng, durable=durable)
    client, fingerprint = journal.read_client(note.client)
    for outcome in note.discharge.goals:
        goal = client.goal(outcome.goal)
        if goal is not None and goal.status != outcome.status:
            changed = goal.changed(
                note.written_at,
                note.written_by,
                status=outcome.status,
                on=note.start.date(),
                reason="discharge",
            )
            client = client.with_goal_changed(changed)
    journal.save_client(client, fingerprint)


def _gas_paths(rng: Random, client: Client, n: int) -> dict[str, list[int]]:
    return {g.id: _gas_path(rng, n) for g in client.active_goals}
