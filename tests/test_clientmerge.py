"""Two devices changing one client.toml at once (issue 14): the goals of both are kept.

clientmerge.join joins two versions of a client by id (goals, homework); a goal changed
on both sides joins when its histories say which side changed which field; the profile
must agree (or one side still hold git's base). Used by the git merge driver (``otj
sync``: the join happens in the sync itself) and by ``otj conflicts resolve --keep
merge`` (a sync tool's copy, or git markers). Whatever cannot be joined stays a
conflict with a message naming the field, and both versions are kept.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otjournal.disk import tomlio
from otjournal.disk.store import Journal
from otjournal.errors import OtjournalError, StoreError
from otjournal.model import Assignment, Client, Goal
from otjournal.sync import mergedriver
from otjournal.sync.clientmerge import PROFILE, CannotMerge, join, plain
from tests.conftest import TZ, Clock, make_client
from tests.helpers import tree
from tests.test_conflicts import git_marked, invoke, plant, resolved_files
from tests.test_gitsync import assert_private, bare, clean, git, ok, otj

AT = datetime(2026, 3, 1, 9, 0, tzinfo=TZ)
SECRET = "Mia's private words"  # text that must never appear in a message


def goal(gid: str, text: str = "Laces shoes", set_on: date | None = date(2026, 2, 1)) -> Goal:
    return Goal(gid, text, set_on=set_on, levels={-2: "hand-over-hand"})


def base_client() -> Client:
    return make_client(goals=(goal("g1-abc"),))


def two_new_goals() -> tuple[Client, Client]:
    """Each device adds a goal to the same client (next_goal_id: different ids)."""
    base = base_client()
    a = base.with_goal(goal(base.next_goal_id("kqx"), "Goal typed on A", date(2026, 3, 2)))
    b = base.with_goal(goal(base.next_goal_id("zzt"), "Goal typed on B", date(2026, 3, 2)))
    return a, b


def edited_and_paused() -> tuple[Client, Client, Client]:
    """One device rewords g1, the other puts it on hold (both dated changes)."""
    base = base_client()
    g1 = base.goals[0]
    a = base.with_goal_changed(g1.changed(AT, "Alex", text="Laces both shoes"))
    b = base.with_goal_changed(
        g1.changed(AT + timedelta(hours=2), "Sam", status="on-hold", on=date(2026, 3, 1))
    )
    return base, a, b


# -- 1. the join itself ------------------------------------------------------------------


def test_goals_added_on_both_devices_are_both_kept_in_order():
    a, b = two_new_goals()
    for base in (None, base_client()):
        joined = join(a, b, base)
        assert [g.id for g in joined.goals] == ["g1-abc", "g2-kqx", "g2-zzt"]
        assert plain(join(b, a, base)) == plain(joined)
        assert Client.from_dict(tomlio.parse(tomlio.dumps(joined.to_dict()))) == joined


def test_goals_are_ordered_by_the_day_they_were_set_then_id():
    base = make_client(goals=())
    a = base.with_goal(goal("g1-zzz", set_on=date(2026, 1, 5)))
    b = base.with_goal(goal("g1-aaa", set_on=date(2026, 2, 5))).with_goal(goal("g0", set_on=None))
    assert [g.id for g in join(a, b).goals] == ["g0", "g1-zzz", "g1-aaa"]
    assert [g.id for g in join(b, a).goals] == ["g0", "g1-zzz", "g1-aaa"]


def test_a_goal_edited_on_one_side_and_paused_on_the_other_joins():
    base, a, b = edited_and_paused()
    for known in (None, base):
        for first, second in ((a, b), (b, a)):
            (g1,) = join(first, second, known).goals
            assert g1.text == "Laces both shoes" and g1.status == "on-hold"
            assert [c.by for c in g1.changes] == ["Alex", "Sam"], "in time order"
            assert g1.status_on == date(2026, 3, 1)


def test_the_goal_with_more_changes_wins_when_the_other_is_where_it_started():
    base, a, _ = edited_and_paused()
    later = a.with_goal_changed(a.goals[0].changed(AT + timedelta(days=1), "Alex", weight=3))
    for first, second in ((a, later), (later, a), (base, later), (later, base)):
        (g1,) = join(first, second).goals
        assert (g1.text, g1.weight, len(g1.changes)) == ("Laces both shoes", 3, 2)


def test_a_baseline_set_from_nothing_joins_with_a_status_change():
    """A change does not record an old value that was empty: the side holding a value
    set it, if that side changed the goal at all."""
    base, _, b = edited_and_paused()
    g1 = base.goals[0]
    a = base.with_goal_changed(g1.changed(AT, "Alex", baseline=-1, baseline_on=date(2026, 3, 1)))
    assert "baseline" not in a.goals[0].changes[0].previous
    (joined,) = join(a, b).goals
    assert (joined.baseline, joined.status) == (-1, "on-hold")


def test_a_set_day_corrected_on_one_device_joins_with_a_pause_on_the_other():
    """``goal edit --on`` is a dated change like any other: the set day moved on A and
    the goal paused on B join, both ways round, with or without git's base."""
    base, _, b = edited_and_paused()
    g1 = base.goals[0]
    a = base.with_goal_changed(g1.changed(AT, "Alex", set_on=date(2026, 1, 15)))
    for known in (None, base):
        for first, second in ((a, b), (b, a)):
            (joined,) = join(first, second, known).goals
            assert (joined.set_on, joined.status) == (date(2026, 1, 15), "on-hold")
    moved = base.with_goal_changed(g1.changed(AT, "Sam", set_on=date(2026, 1, 20)))
    with pytest.raises(CannotMerge, match="goal g1-abc: set_on was changed on both"):
        join(a, moved, base)


def test_a_goal_changed_differently_on_both_devices_stays_a_conflict():
    base = base_client()
    g1 = base.goals[0]
    a = base.with_goal_changed(g1.changed(AT, "Alex", status="achieved", on=date(2026, 3, 1)))
    b = base.with_goal_changed(g1.changed(AT, "Sam", status="discontinued", on=date(2026, 3, 1)))
    for known in (None, base):
        with pytest.raises(CannotMerge, match="goal g1-abc: status was changed on both"):
            join(a, b, known)


def test_an_edit_no_change_records_is_not_guessed_at():
    """Two devices that both made a goal g1 (ids from before) or edited the file by hand."""
    a = make_client(goals=(goal("g1", SECRET),))
    b = make_client(goals=(goal("g1", "Another goal"),))
    with pytest.raises(CannotMerge, match="goal g1: text differs") as caught:
        join(a, b)
    assert SECRET not in caught.value.message
    _, edited, paused = edited_and_paused()
    by_hand = replace(paused, goals=(replace(paused.goals[0], weight=5),))
    with pytest.raises(CannotMerge, match="goal g1-abc: weight"):
        join(edited, by_hand)  # b's weight is not explained by any change


def test_profile_fields_must_agree_unless_one_side_is_the_base():
    base = base_client()
    a = replace(base, display_name="Mia Kowalski")
    b = replace(base, display_name=SECRET)
    with pytest.raises(CannotMerge, match="display_name differs on the two devices") as caught:
        join(a, b, base)
    assert SECRET not in str(caught.value)
    with pytest.raises(CannotMerge, match="display_name"):
        join(a, base)  # no base known: a sync tool's copy
    assert join(a, base, base).display_name == "Mia Kowalski"
    assert join(base, a, base).display_name == "Mia Kowalski"
    dob = replace(base, date_of_birth=date(2020, 1, 2))
    both = join(a, dob, base)
    assert (both.display_name, both.date_of_birth) == ("Mia Kowalski", date(2020, 1, 2))
    for field, value in (("strengths", ("climbing",)), ("regulation_framework", "none")):
        with pytest.raises(CannotMerge, match=field):
            join(replace(base, **{field: value}), base)


def test_every_profile_field_is_joined_none_takes_one_sides_value():
    """ndis_number, primary_disability and people once took side a's value silently."""
    from otjournal.model.client import Person

    base = base_client()
    changed = {
        "ndis_number": "431234567",
        "primary_disability": "autism",
        "people": (Person("Zoë", "sibling"),),
    }
    for field, value in changed.items():
        one = replace(base, **{field: value})
        assert getattr(join(base, one, base), field) == value, field
        assert getattr(join(one, base, base), field) == value, field
        with pytest.raises(CannotMerge, match=field):
            join(base, one)  # no base: the two devices disagree, neither is guessed
    every = {f.name for f in fields(Client)} - {"goals", "assignments", "hierarchy", "extra"}
    assert {attr for attr, _ in PROFILE} == every


def test_keys_otjournal_does_not_know_are_joined_like_the_profile():
    base = base_client()
    a = replace(base, extra={"room": "2"})
    assert join(a, base, base).extra == {"room": "2"}
    with pytest.raises(CannotMerge, match="room"):
        join(a, base)
    with pytest.raises(CannotMerge, match="room"):
        join(a, replace(base, extra={"room": "3"}), base)


def test_homework_is_joined_by_id():
    base = base_client()
    hw_a = Assignment("hw-aaaaaa", "Practice laces", since=date(2026, 3, 2))
    hw_b = Assignment("hw-bbbbbb", "Heavy work", since=date(2026, 3, 1))
    a = replace(base, assignments=(hw_a,))
    b = replace(base, assignments=(hw_b,))
    assert [h.id for h in join(a, b).assignments] == ["hw-bbbbbb", "hw-aaaaaa"]
    changed = replace(a, assignments=(replace(hw_a, per_week=3),))
    assert join(a, changed, a).assignments[0].per_week == 3
    with pytest.raises(CannotMerge, match="homework hw-aaaaaa"):
        join(changed, replace(a, assignments=(replace(hw_a, per_week=4),)), a)


@settings(max_examples=60, deadline=None)
@given(
    adds_a=st.integers(0, 2),
    adds_b=st.integers(0, 2),
    paused=st.sampled_from([None, 0, 1]),
    reworded=st.sampled_from([None, 0, 1]),
    paused_first=st.booleans(),
)
def test_the_join_does_not_depend_on_which_device_synced_first(
    adds_a: int, adds_b: int, paused: int | None, reworded: int | None, paused_first: bool
):
    """Device A adds goals and pauses one; device B adds goals and rewords one (the
    same goal, or another): every goal of both, each change once, either way round."""
    base = make_client(goals=(goal("g1-abc"), goal("g2-abc", "Calm body")))
    pause_at, reword_at = (AT, AT + timedelta(hours=1))[:: 1 if paused_first else -1]
    a, b = base, base
    for n in range(adds_a):
        a = a.with_goal(goal(a.next_goal_id(f"a{n}x"), f"A's goal {n}", date(2026, 3, 3)))
    for n in range(adds_b):
        b = b.with_goal(goal(b.next_goal_id(f"b{n}x"), f"B's goal {n}", date(2026, 3, 3)))
    if paused is not None:
        g = a.goals[paused]
        a = a.with_goal_changed(g.changed(pause_at, "A", status="on-hold", on=date(2026, 3, 1)))
    if reworded is not None:
        g = b.goals[reworded]
        b = b.with_goal_changed(g.changed(reword_at, "B", text="Reworded"))

    results = [plain(join(x, y, known)) for x, y in ((a, b), (b, a)) for known in (None, base)]

    assert all(r == results[0] for r in results)
    joined = join(a, b)
    assert len(joined.goals) == 2 + adds_a + adds_b
    statuses = [g.status for g in joined.goals[:2]]
    texts = [g.text for g in joined.goals[:2]]
    assert statuses == ["on-hold" if paused == i else "active" for i in range(2)]
    assert texts[reworded or 0] == ("Reworded" if reworded is not None else "Laces shoes")
    changes = [c.at for g in joined.goals for c in g.changes]
    assert len(changes) == (paused is not None) + (reworded is not None)


# -- 2. the git merge driver -----------------------------------------------------------------


def run_driver(tmp_path: Path, base: Client, ours: Client, theirs: Client) -> tuple[int, bytes]:
    files = []
    for name, client in (("base", base), ("ours", ours), ("theirs", theirs)):
        path = tmp_path / name
        path.write_bytes(tomlio.dumps(client.to_dict()))
        files.append(str(path))
    code = mergedriver.main([*files, "clients/mia-k/client.toml"])
    return code, (tmp_path / "ours").read_bytes()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_driver_joins_a_client_file_and_leaves_a_conflict_to_git(tmp_path: Path):
    a, b = two_new_goals()
    code, out = run_driver(tmp_path, base_client(), a, b)
    assert code == 0
    assert [g["id"] for g in tomllib.loads(out.decode())["goals"]] == ["g1-abc", "g2-kqx", "g2-zzt"]

    base = base_client()
    code, out = run_driver(
        tmp_path,
        base,
        replace(base, display_name="Mia Kowalski"),
        replace(base, display_name="Mia K-R"),
    )
    assert code == 1
    assert b"<<<<<<< ours" in out and b"Mia Kowalski" in out and b"Mia K-R" in out


def test_the_driver_never_keeps_one_side_when_the_join_itself_fails(tmp_path, monkeypatch):
    def broken(*args: object) -> Client:
        raise KeyError("a bug")

    monkeypatch.setattr("otjournal.sync.clientmerge.join", broken)
    a, b = two_new_goals()
    code, out = run_driver(tmp_path, base_client(), a, b)
    # git's line merge took over: both goals are in the file, between markers.
    assert code == 1 and b"Goal typed on A" in out and b"Goal typed on B" in out


# -- 3. a sync tool's copy: otj conflicts resolve --keep merge ------------------------------

COPY = "client.sync-conflict-20260306-101500-ABCDEF1.toml"


@pytest.fixture
def folder(journal: Journal, clock: Clock) -> Path:
    clock.set(datetime(2026, 3, 10, 12, 0, tzinfo=TZ))
    journal.add_client(base_client())
    return journal.client_file("mia-k")


def two_versions(folder: Path, a: Client, b: Client) -> Path:
    """The original holds ``a``; a Syncthing copy beside it holds ``b``."""
    folder.write_bytes(tomlio.dumps(a.to_dict()))
    return plant(folder.with_name(COPY), tomlio.dumps(b.to_dict()))


def read_goals(path: Path) -> list[tuple[str, str, str]]:
    goals = tomllib.loads(path.read_text("utf-8"))["goals"]
    return [(g["id"], g["text"], g["status"]) for g in goals]


def test_keep_merge_joins_a_client_copy_so_no_goal_is_lost(runner, folder: Path):
    copy = two_versions(folder, *two_new_goals())

    result = invoke(runner, "conflicts", "resolve", COPY, "--keep", "merge", "--yes")

    assert result.exit_code == 0, result.output
    assert "goals added: g2-zzt" in result.stdout
    texts = [g[1] for g in read_goals(folder)]
    assert texts == ["Laces shoes", "Goal typed on A", "Goal typed on B"]
    assert not copy.exists()
    (moved,) = resolved_files(folder.parents[2])
    assert moved.name == COPY and "Goal typed on B" in moved.read_text("utf-8")
    assert invoke(runner, "check").exit_code == 0
    assert invoke(runner, "conflicts").stdout.strip() == "No conflicts."


def test_keep_merge_joins_an_edit_and_a_status_change(runner, folder: Path):
    _, a, b = edited_and_paused()
    two_versions(folder, a, b)
    result = invoke(runner, "conflicts", "resolve", COPY, "--keep", "merge", "--yes")
    assert result.exit_code == 0, result.output
    assert read_goals(folder) == [("g1-abc", "Laces both shoes", "on-hold")]


def test_a_client_copy_that_cannot_be_joined_keeps_both_files(runner, folder: Path):
    base = base_client()
    copy = two_versions(
        folder, replace(base, display_name="Mia Kowalski"), replace(base, display_name=SECRET)
    )
    before = tree(folder.parents[2])

    refused = invoke(runner, "conflicts", "resolve", COPY, "--keep", "merge", "--yes")

    assert refused.exit_code == 1  # a data problem, not a bad option
    assert "cannot merge: display_name differs on the two devices" in refused.stderr
    assert "keep the original or the copy" in refused.stderr
    assert SECRET not in refused.output
    assert tree(folder.parents[2]) == before, "nothing written, nothing moved"
    assert copy.exists() and invoke(runner, "conflicts", "--json").stdout.count(COPY) == 1


def test_keep_both_of_a_client_copy_points_to_merge(runner, folder: Path):
    two_versions(folder, *two_new_goals())
    before = tree(folder.parents[2])
    refused = invoke(runner, "conflicts", "resolve", COPY, "--keep", "both", "--yes")
    assert refused.exit_code == 2
    assert "a client has one client.toml" in refused.stderr
    assert "--keep merge joins the two" in refused.stderr
    assert tree(folder.parents[2]) == before


def test_a_client_file_changed_after_the_plan_is_not_overwritten(journal: Journal, folder: Path):
    from otjournal.disk.loading import Conflict
    from otjournal.sync.resolve import plan_resolution

    a, b = two_new_goals()
    copy = two_versions(folder, a, b)
    plan = plan_resolution(journal, Conflict(copy, folder, "Syncthing"), "merge")
    meanwhile = a.with_goal(goal("g3-new", "Added meanwhile"))
    folder.write_bytes(tomlio.dumps(meanwhile.to_dict()))

    with pytest.raises(StoreError):
        plan.apply(AT)

    assert [g[0] for g in read_goals(folder)] == ["g1-abc", "g2-kqx", "g3-new"]
    assert copy.exists(), "the copy stays for the next try"


def test_a_client_copy_that_is_not_a_client_keeps_both_files(runner, folder: Path):
    a, _ = two_new_goals()
    folder.write_bytes(tomlio.dumps(a.to_dict()))
    plant(folder.with_name(COPY), b"format_version = 1\nkind = 'client'\nhandle = 3\n")
    before = tree(folder.parents[2])
    refused = invoke(runner, "conflicts", "resolve", COPY, "--keep", "merge", "--yes")
    assert refused.exit_code == 1 and "handle" in refused.stderr
    assert tree(folder.parents[2]) == before


def test_git_markers_changed_after_the_plan_are_not_overwritten(journal: Journal, folder: Path):
    from otjournal.disk.loading import Conflict
    from otjournal.sync.resolve import plan_resolution

    a, b = two_new_goals()
    folder.write_bytes(git_marked(tomlio.dumps(a.to_dict()), tomlio.dumps(b.to_dict())))
    plan = plan_resolution(journal, Conflict(folder, folder, "git"), "merge")
    assert "join their side into client.toml" in " ".join(plan.describe())
    later = folder.read_bytes().replace(b"Goal typed on A", b"Goal retyped on A")
    folder.write_bytes(later)

    with pytest.raises(StoreError, match="changed since it was read"):
        plan.apply(AT)

    assert folder.read_bytes() == later and resolved_files(folder.parents[2]) == []


def test_git_markers_in_client_toml_resolve_with_keep_merge(runner, folder: Path):
    a, b = two_new_goals()
    folder.write_bytes(git_marked(tomlio.dumps(a.to_dict()), tomlio.dumps(b.to_dict())))
    assert invoke(runner, "check").exit_code == 1

    both = invoke(runner, "conflicts", "resolve", "clients/mia-k/client.toml", "--keep", "both")
    assert both.exit_code == 2 and "keep ours or theirs" in both.stderr
    result = invoke(
        runner, "conflicts", "resolve", "clients/mia-k/client.toml", "--keep", "merge", "--yes"
    )

    assert result.exit_code == 0, result.output
    assert "Kept both sides' goals and homework (goals added: g2-zzt)" in result.stdout
    assert [g[0] for g in read_goals(folder)] == ["g1-abc", "g2-kqx", "g2-zzt"]
    (moved,) = resolved_files(folder.parents[2])
    assert b"<<<<<<<" in moved.read_bytes()
    assert invoke(runner, "check").exit_code == 0


# -- 4. two devices, one remote: otj sync joins client.toml itself ----------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def devices(runner, tmp_path: Path) -> tuple[Path, Path]:
    remote = bare(tmp_path / "remote.git")
    a, b = tmp_path / "a", tmp_path / "b"
    ok(otj(runner, a, "init", "--git", "--remote", str(remote)))
    ok(otj(runner, a, "client", "add", "mia-k", "--name", "Mia K."))
    ok(
        otj(
            runner,
            a,
            "goal",
            "add",
            "mia-k",
            "--text",
            "Laces shoes",
            "--baseline",
            "-2",
            "--no-input",
        )
    )
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "init", "--git", "--remote", str(remote)))
    return a, b


def client_file(folder: Path) -> Path:
    return folder / "clients" / "mia-k" / "client.toml"


@needs_git
def test_goals_added_on_two_devices_both_arrive_through_sync(runner, devices):
    a, b = devices
    ok(
        otj(
            runner,
            a,
            "goal",
            "add",
            "mia-k",
            "--text",
            "Goal typed on A",
            "--baseline",
            "-2",
            "--no-input",
        )
    )
    ok(
        otj(
            runner,
            b,
            "goal",
            "add",
            "mia-k",
            "--text",
            "Goal typed on B",
            "--baseline",
            "-2",
            "--no-input",
        )
    )
    ok(otj(runner, a, "sync"))

    result = otj(runner, b, "sync")

    ok(result)
    assert "both sides kept" not in result.stdout
    assert "client files changed on both devices, joined: 1 file" in result.stdout
    assert "clients/mia-k/client.toml" in result.stdout
    ok(otj(runner, a, "sync"))
    texts = sorted(g[1] for g in read_goals(client_file(a)))
    assert texts == ["Goal typed on A", "Goal typed on B", "Laces shoes"]
    assert client_file(a).read_bytes() == client_file(b).read_bytes()
    for folder in (a, b):
        assert otj(runner, folder, "check").exit_code == 0
        assert clean(folder)
        assert_private(folder)
    assert "<<<<<<<" not in git(b, "log", "-p", "-3")


@needs_git
def test_an_edit_on_one_device_and_a_status_change_on_the_other_join(runner, devices, clock):
    a, b = devices
    for folder, change in (
        (a, {"text": "Laces both shoes"}),
        (b, {"status": "on-hold", "on": date(2026, 3, 7), "reason": "travelling"}),
    ):
        j = Journal(folder)
        client, fp = j.read_client("mia-k")
        g1 = client.goals[0]
        clock.set(clock.now() + timedelta(minutes=5))
        j.save_client(client.with_goal_changed(g1.changed(clock.now(), "Alex", **change)), fp)
    ok(otj(runner, a, "sync"))

    ok(otj(runner, b, "sync"))

    ok(otj(runner, a, "sync"))
    for folder in (a, b):
        ((_, text, status),) = read_goals(client_file(folder))
        assert (text, status) == ("Laces both shoes", "on-hold")
        changes = tomllib.loads(client_file(folder).read_text())["goals"][0]["changes"]
        assert [sorted(c["previous"]) for c in changes] == [["text"], ["status"]]


@needs_git
def test_a_display_name_changed_on_both_devices_stays_a_conflict(runner, devices):
    a, b = devices
    for folder, name in ((a, "Mia Kowalski"), (b, "Mia K-R")):
        path = client_file(folder)
        path.write_bytes(path.read_bytes().replace(b'"Mia K."', f'"{name}"'.encode()))
    ok(otj(runner, a, "sync"))

    result = otj(runner, b, "sync")

    assert result.exit_code == 1 and "clients/mia-k/client.toml" in result.stdout
    text = client_file(b).read_text("utf-8")
    assert "<<<<<<<" in text and "Mia Kowalski" in text and "Mia K-R" in text
    merge = otj(runner, b, "conflicts", "resolve", "clients/mia-k/client.toml", "--keep", "merge")
    assert merge.exit_code == 1  # the data refuse it: not a bad option
    assert "display_name differs on the two devices" in merge.stderr
    assert client_file(b).read_text("utf-8") == text, "both sides still there"


def test_the_driver_runs_as_git_calls_it(tmp_path: Path):
    """``python -m otjournal.sync.mergedriver`` (what gitsync names) joins too."""
    a, b = two_new_goals()
    paths = []
    for name, client in (("o", base_client()), ("a", a), ("b", b)):
        (tmp_path / name).write_bytes(tomlio.dumps(client.to_dict()))
        paths.append(str(tmp_path / name))
    done = subprocess.run(
        [sys.executable, "-m", "otjournal.sync.mergedriver", *paths, "clients/x/client.toml"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b"Goal typed on B" in (tmp_path / "a").read_bytes()


def test_cannot_merge_is_an_otjournal_error():
    assert issubclass(CannotMerge, OtjournalError)
