"""The review screen of ``otj homework log``: the entry as the person wrote it, each
answer under its question's words (never a field name or a count), then save, change
one answer, start again, or keep the draft and stop."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text

from otjournal.frozen import frozen
from otjournal.model.kinds import EXPOSURE, HOMEWORK_BY_NAME, PRACTICE, RELAXATION, emotion_words
from otjournal.views.lines import Hanging

if TYPE_CHECKING:
    from otjournal.model.spec import FieldSpec, RecordKind
    from otjournal.prompts.homework import HomeworkFlow

CHOICES = "Save? y = save, c = change one answer, e = start again, q = keep the draft"


@frozen
class Answer:
    name: str  # the question's words
    value: str  # what the person wrote, in words
    change: Callable[[], None]  # asks this one question again


def value_words(f: FieldSpec, value: Any, scale: str = "") -> str:
    """A stored value as the person gave it: ``not this time``, ``60 %``, ``7 (0-10)``."""
    if f.type == "choice":  # "not-this-time" -> "not this time"
        return str(value).replace("-", " ")
    if f.type == "texts":
        return "; ".join(str(v) for v in value)
    if f.unit == "%":
        return f"{value} %"
    if f.unit:
        return f"{value} {f.unit}"
    if f.type == "number":
        return f"{value:g}"
    if f.type == "int" and (scale or f.scale):
        return f"{value} ({scale or f.scale})"
    return str(value)


def item_words(key: str, item: dict[str, Any]) -> str:
    """One emotion or thought of a thought record, as written: ``anxious 80 → 40``."""
    if key == "emotions":
        return emotion_words(item.get("name", ""), item.get("before"), item.get("after"))
    said = f"{item.get('text', '')} (believed {item.get('belief')} %"
    return said + (", the hot thought)" if item.get("hot") else ")")


def answers(flow: HomeworkFlow) -> list[Answer]:
    """Every answer given, in the order asked, each with how to ask it again."""
    e = flow.note
    rows = [Answer("When", f"{e['at']:%Y-%m-%d %H:%M}", flow.ask_at)]
    if not flow.ctx.self_mode:  # in a self-journal it is the person, never asked
        rows.append(Answer("Who is writing", str(e.get("written_by", "")), flow.ask_writer))
    kind = HOMEWORK_BY_NAME[e["entry_kind"]]
    table = e.get(kind.part_key, {}) if kind.part_key else {}
    scale = ""
    if kind is RELAXATION:
        scale = f"{table.get('anchor_low', '')} … {table.get('anchor_high', '')}"
    for f in kind.fields:
        value = (e if f.top else table).get(f.key)
        if f.default is not None or value in (None, "", []):
            continue  # the anchors are shown with the ratings they belong to
        name = flow.question(f) if kind is PRACTICE else f.name
        if f.type == "tables":
            rows += [
                Answer(name, item_words(f.key, item), partial(change_item, flow, f.key, i))
                for i, item in enumerate(value)
            ]
        else:
            shown = value_words(f, value, scale if f.key.startswith("tension") else "")
            if kind is EXPOSURE and f.key == "step":
                shown = step_words(flow, shown)
            rows.append(Answer(name, shown, partial(change_field, flow, kind, f)))
    return rows


def step_words(flow: HomeworkFlow, step_id: str) -> str:
    """The hierarchy step chosen, in its words as the list showed it (the id is how the
    entry names it): ``Drive one exit on the freeway (s1)``. Without a hierarchy the
    step is its words already."""
    step = next((s for s in flow.ctx.client.hierarchy if s.id == step_id), None)
    return step_id if step is None else step.named


def change_field(flow: HomeworkFlow, kind: RecordKind, f: FieldSpec) -> None:
    if kind is PRACTICE and f.key == "what":
        flow.ask_practised()
    elif kind is EXPOSURE and f.key == "step":
        if not flow.ask_step():  # from the numbered list again, as the first time
            flow.ask_field(kind, f)
    elif kind is PRACTICE and f.key == "done":
        was = flow._part().get("done")
        flow.ask_done()
        if was == "not-this-time" and flow._part().get("done") != was:
            flow.ask_how_it_went()  # done after all: asked now, as it would have been
    else:
        if f.type == "texts":  # the list is asked afresh
            (flow.note if f.top else flow._part()).pop(f.key, None)
        flow.ask_field(kind, f)


def change_item(flow: HomeworkFlow, key: str, i: int) -> None:
    """One emotion (name, how strong, re-rated) or one thought (words, belief)."""
    item = flow._part()[key][i]
    if key == "emotions":
        item["name"] = flow.ask("Emotion", item.get("name", ""))
        item["before"] = flow.ask_int("  How strong, 0-100 %", 0, 100, item.get("before"))
        after = flow.ask_int(f"Re-rate {item['name']} now, 0-100 %", 0, 100, item.get("after"))
        if after is None:
            item.pop("after", None)
        else:
            item["after"] = after
    else:
        item["text"] = flow.ask("Automatic thought", item.get("text", ""))
        item["belief"] = flow.ask_int(
            "  How much do you believe it, 0-100 %", 0, 100, item.get("belief")
        )
    for k in ("before", "belief"):  # a blank answer keeps the rating it had
        if k in item and item[k] is None:
            item.pop(k)
    flow.save()


def show(flow: HomeworkFlow, rows: list[Answer]) -> None:
    kind = HOMEWORK_BY_NAME[flow.note["entry_kind"]]
    named = flow.assignment()
    title = kind.title.capitalize() + (f" · {named.text}" if named else "")
    flow.console.print(Text(title, style="bold"), soft_wrap=False)
    for n, row in enumerate(rows, 1):
        # Wrapped under the question's words, never at the edge: the whole entry is
        # there to approve.
        line = Text.assemble((f"{row.name}: ", "dim"), row.value)
        flow.console.print(Hanging(Text(f" {n:>2} ", style="bold"), line), soft_wrap=False)


def review(flow: HomeworkFlow) -> str:
    rows = answers(flow)
    show(flow, rows)
    answer = flow.ask(CHOICES, "y").lower()
    if answer.startswith("y"):
        return "save"
    if answer.startswith("q"):
        return "quit"
    if answer.startswith("e"):
        return "again"
    if answer.startswith("c"):
        n = flow.ask_int("Which answer (its number)", 1, len(rows), hint="Enter: none")
        if n is not None:
            flow.skip_given = False  # chosen here: asked even if given as a flag
            rows[n - 1].change()
            flow.skip_given = True
        return "changed"
    return "review"
