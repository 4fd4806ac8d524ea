"""The options of ``otj log``, one for each part of the note it can give (the options
every note-writing command shares are drafting's)."""

from __future__ import annotations

from typing import Annotated

import typer

Repeat = list[str] | None

DateOpt = Annotated[str | None, typer.Option("--date", help="Session date (default today).")]
TimeOpt = Annotated[
    str | None,
    typer.Option("--time", help="Start time HH:MM (default: it started one session length ago)."),
]
# No range here: noteform's rule answers in every mode alike.
DurationOpt = Annotated[
    int | None, typer.Option("--duration", help="Minutes (default from config).")
]
TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="initial, therapy, review, caregiver-only or non-client (a review that rates "
        "every goal: otj review; a discharge: otj discharge).",
    ),
]
SettingOpt = Annotated[
    str | None, typer.Option(help="clinic, home, school, community, telehealth or other.")
]
AttendeeOpt = Annotated[
    Repeat,
    typer.Option("--attendee", help="A role who attended (child, parent, teacher…); repeat."),
]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Who wrote it (default: practitioner.name in the config)."),
]
GoalOpt = Annotated[
    Repeat, typer.Option("--goal", help="GOAL:RATING[:evidence], e.g. 'g1:+1'; repeat.")
]
ActivityOpt = Annotated[
    Repeat,
    typer.Option(
        "--activity", help="NAME[;min=15][;tags=c,i,m,a][;adaptation=…][;response=…]; repeat."
    ),
]
HelpedOpt = Annotated[Repeat, typer.Option("--helped", help="What helped regulation; repeat.")]
ChecklistOpt = Annotated[
    str | None,
    typer.Option(help="All checklist answers in one line, e.g. yyypyy- (y p n u -)."),
]
NextOpt = Annotated[str | None, typer.Option("--next", help="Next session's focus.")]
HomeworkOpt = Annotated[
    Repeat, typer.Option("--homework", help="TEXT[;kind=practice][;per_week=5]; repeat.")
]


VoiceOpt = Annotated[str | None, typer.Option(help="The child's voice.")]
CaregiverReportOpt = Annotated[str | None, typer.Option(help="Caregiver's report.")]
InvolvementOpt = Annotated[str | None, typer.Option(help="Caregiver involvement.")]
RegStartOpt = Annotated[str | None, typer.Option(help="Regulation at the start.")]
RegEndOpt = Annotated[str | None, typer.Option(help="Regulation at the end.")]
RegNotesOpt = Annotated[str | None, typer.Option(help="Regulation notes.")]
SummaryOpt = Annotated[str | None, typer.Option(help="Closing summary.")]
