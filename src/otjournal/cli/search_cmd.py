"""``otj search``: find words in every note, homework entry and amendment."""

from __future__ import annotations

import shutil
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import DirOpt, JsonOpt, complete_client, echo, journal, print_json, today

if TYPE_CHECKING:
    from otjournal.disk.search_query import Result
    from otjournal.disk.store import Journal

_FIELDS = (
    "evidence, activity, voice, caregiver, regulation, checklist, summary, next-focus, "
    "plan-homework, technique, intake, discharge, risk, amendment, homework"
)


def register(app: typer.Typer) -> None:
    app.command("search")(search_cmd)


TextArg = Annotated[
    str | None,
    typer.Argument(
        help='Words to find, all in one field; "a phrase" in quotes. Whole words, any case or '
        "accent (zoe finds Zoë; swing does not find swings). May be left out when a filter is "
        "given.",
        show_default=False,
        metavar="TEXT",
    ),
]
ClientOpt = Annotated[
    str | None,
    typer.Option("--client", "-c", help="Only this client.", autocompletion=complete_client),
]
FieldOpt = Annotated[str | None, typer.Option("--field", "-f", help=f"Only this field: {_FIELDS}.")]
GoalOpt = Annotated[
    str | None, typer.Option("--goal", help="Sessions that rate this goal (g1 or its id).")
]
ActivityOpt = Annotated[
    str | None, typer.Option("--activity", help="Sessions with an activity named so (words).")
]
TechniqueOpt = Annotated[
    str | None, typer.Option("--technique", help="Sessions that used this technique.")
]
ChecklistOpt = Annotated[
    str | None,
    typer.Option("--checklist", help="Sessions with this answer, ITEM=ANSWER (agile=no)."),
]
SettingOpt = Annotated[
    str | None,
    typer.Option(
        "--setting",
        help="Sessions in this setting: clinic, home, school, community, telehealth, other.",
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="From this day: YYYY-MM-DD, today, yesterday, 30d, 8w, 6m."),
]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to and including this day.")]
LastOpt = Annotated[
    int | None, typer.Option("-n", "--last", min=0, help="Only the newest N results.")
]
PathsOpt = Annotated[
    bool, typer.Option("-l", "--paths", help="Print only the files' paths, one a line.")
]


def search_cmd(
    text: TextArg = None,
    client: ClientOpt = None,
    field: FieldOpt = None,
    goal: GoalOpt = None,
    activity: ActivityOpt = None,
    technique: TechniqueOpt = None,
    checklist: ChecklistOpt = None,
    setting: SettingOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    last: LastOpt = None,
    paths: PathsOpt = False,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """Find words in notes, homework entries and amendments, newest first.

    Each result names the client, the day, the record and the field, with a short piece
    of it: the match is bold on a terminal, between « » when piped. A note that was
    amended is found by its words as amended, and each amendment by its own words.
    """
    from otjournal.cli.problems import note_problems
    from otjournal.dates import parse_day
    from otjournal.disk.search import search
    from otjournal.disk.search_query import describe, make_query
    from otjournal.disk.store import validate_handle
    from otjournal.errors import NotFoundError
    from otjournal.numbers.search import FIELDS, parts_of
    from otjournal.views import search as view

    j = journal(dir)
    if client is not None and validate_handle(client) not in j.client_handles():
        raise NotFoundError(
            f"no client {client!r} in {j.root}", hint="'otj client list' shows the clients"
        )
    day = today()
    query = make_query(
        text,
        fields=tuple(FIELDS),
        client=client,
        field=field,
        goal=goal,
        activity=activity,
        technique=technique,
        checklist=checklist,
        setting=setting,
        since=parse_day(since, day, "--since") if since else None,
        until=parse_day(until, day, "--until") if until else None,
        last=last,
    )
    with j.reader() as reader:
        results, report = search(reader, query, parts_of)
    note_problems(report)
    if json:
        print_json("search", view.as_json(describe(query), results))
    elif paths:
        sys.stdout.write("".join(f"{p}\n" for p in view.paths(results)))
    elif results:
        _print(results)
    elif last == 0:
        echo("None shown (-n 0).")  # notes may well match
    else:
        echo("No notes match" + (_no_such_goal(j, client, query.goal) or "."))


def _print(results: list[Result]) -> None:
    """The results as lines folded to the terminal, matches marked as it can show them."""
    from otjournal.cli.common import styled
    from otjournal.views import search as view

    width = shutil.get_terminal_size().columns
    marks = view.plain_marks(getattr(sys.stdout, "encoding", None))
    sys.stdout.write("\n".join(view.lines(results, styled(sys.stdout), width, marks)) + "\n")


def _no_such_goal(j: Journal, client: str | None, goal: str | None) -> str:
    """Why a --goal search found nothing, when it is that no client has such a goal (a
    mistyped id is not the same as a goal never rated); "" otherwise, or when a client
    file cannot be read (nothing is claimed of it)."""
    from otjournal.errors import OtjournalError
    from otjournal.model.client import AmbiguousGoal

    if goal is None:
        return ""
    for handle in [client] if client is not None else j.client_handles():
        try:
            record, _ = j.read_client(handle)
            if record.find_goal(goal) is not None:
                return ""
        except AmbiguousGoal:
            return ""  # two goals answer to it: it exists
        except OtjournalError:
            return ""
    whose = f"{client} has no goal" if client is not None else "no client has a goal"
    return (
        f": {whose} with that id.\n  hint: 'otj goal list CLIENT' lists a client's goals "
        "(g1, or a full id)"
    )
