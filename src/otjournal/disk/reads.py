"""The notes folder read as a whole: every record (small journals, one client), one
session by id, a result per client (remembered in the cache), the latest sessions. The
files themselves are read by loading.Reader; :class:`otjournal.disk.store.Journal` gets
these methods from :class:`Reads`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from otjournal.disk.keys import bare
from otjournal.disk.leftout import left_out
from otjournal.disk.loading import (
    CLIENTS,
    RECORD_KINDS,
    SESSIONS,
    ClientFiles,
    FileRef,
    Loaded,
    Progress,
    Reader,
    Snapshot,
    first_of_each_id,
)
from otjournal.errors import InvalidFile, NotFoundError, Problem, UsageError
from otjournal.model.ids import handle_problem, shown

if TYPE_CHECKING:
    from otjournal.disk.loading import ClientFiles
    from otjournal.disk.memo import Memo
    from otjournal.disk.pool import Done
    from otjournal.model import Session

T = TypeVar("T")
_META = attrgetter("meta")  # (moment, id, day): records sort by it, see folderindex.Meta
_ID = attrgetter("id")


class Reads:
    """What a notes folder answers when read (mixed into Journal)."""

    root: Path
    cache_folder: Path | None
    progress: Progress | None

    def reader(self) -> Reader:
        """Reads the folder (loading.py), through the derived cache when there is one."""
        return Reader(self.root, self.cache_folder, self.progress)

    def client_handles(self) -> list[str]:
        """Handles of client folders, without reading any file."""
        return Reader(self.root).handles()

    def load(self, handles: Iterable[str] | None = None, *, homework: bool = True) -> Snapshot:
        """Read every client, session and homework entry (of the clients given, or all);
        collect problems, never stop. Commands over many clients read one at a time
        with ``reader()`` instead, so as not to hold every record at once."""
        snap = Snapshot(self.root)
        with self.reader() as r:
            scan = r.scan(handles, RECORD_KINDS if homework else ("session",))
            snap.problems += scan.problems
            for found in scan.clients:
                snap.add(r.snapshot(found))
        snap.settle()
        return snap

    def survey(
        self,
        wanted: Callable[[str], bool] | None = None,
        each: Callable[[ClientFiles], None] | None = None,
    ) -> Survey:
        """What ``load`` finds (problems and conflicts, the same), how many sessions and
        homework entries read, and the sessions ``wanted`` picks (by path inside the
        folder, '/'-separated), without holding any record: one client at a time, from
        the cache's index where files are unchanged. ``each`` is shown every client's
        files as scanned."""
        found = Survey(Snapshot(self.root))
        report = found.report
        cut = len(str(self.root)) + 1
        with self.reader() as r:
            scan = r.scan()
            report.problems += scan.problems
            for c in scan.clients:
                if each is not None:
                    each(c)
                readable = r.index(c, report)
                for kind in RECORD_KINDS:
                    mine = [f for f in readable if f.kind == kind]
                    mine.sort(key=_META)  # in time order: the first copy of an id counts
                    mine = first_of_each_id(mine, _ID, report.problems)
                    if kind == "homework":
                        found.homework += len(mine)
                        continue
                    found.sessions += len(mine)
                    if wanted is not None:
                        rel = (f.where[cut:].replace(os.sep, "/") for f in mine)
                        found.picked += [Path(self.root, p) for p in rel if wanted(p)]
        return found

    def find_session(self, wanted: str) -> tuple[Snapshot, Loaded[Session]]:
        """One session by id, a unique start or end of it, or CLIENT/ID (query.find_by_id),
        and the snapshot of its client. The session is picked from the facts of the files
        (their ids, from the cache where unchanged), never from records, and only its
        client is loaded. Only the clients that may hold the id are asked (finding.py:
        every client whose notes could, so the answer is the whole journal's), or for
        CLIENT/ID that client when a file is named so, else every client."""
        from otjournal.disk.finding import clients_that_may_hold
        from otjournal.disk.query import Named, find_by_id, pick_by_id

        key = bare(wanted.strip())
        if not key:
            return Snapshot(self.root), find_by_id([], wanted)  # says what to give
        client, _, named = key.rpartition("/")
        handles: list[str] | None = None  # None: every client

        def name(item: tuple[str, FileRef]) -> Named:
            return Named(item[0], item[1].id, item[1].where)

        report = Snapshot(self.root)
        try:
            with self.reader() as r:
                if not client:
                    handles = clients_that_may_hold(r, key)
                elif not handle_problem(client) and any(
                    os.path.isfile(os.path.join(r.root, CLIENTS, client, SESSIONS, named + end))
                    for end in (".toml", ".toml.age")
                ):
                    handles = [client]  # CLIENT/ID, as the file is named
                handle, ref = pick_by_id(_session_facts(r, handles, report), wanted, name)
        except NotFoundError:
            self._unreadable_named(handles, key)  # there, but it does not read: say why
            raise
        _refuse_if_another_may_be_meant(report, key, ref)
        snap = self.load([handle], homework=False)
        return snap, find_by_id(snap.sessions, wanted)

    def _unreadable_named(self, handles: list[str] | None, key: str) -> None:
        """A session file named ``key`` (its id, or a unique start or end of it) that is
        there but does not read: InvalidFile with its problems (file and line), rather
        than "no session with id" for a note that exists (or one left out: a symlink)."""
        report = Snapshot(self.root)
        with self.reader() as r:
            for c in r.scan(handles, ("session",)).clients:
                r.index(c, report)
        name = key.rpartition("/")[2]
        out = left_out(report)  # as every command counts them; a copy names its problem
        lost = out.unreadable | out.unread | out.copies
        broken: dict[Path, list[Problem]] = {}
        for problem in report.problems:
            stem = bare(problem.path.name)
            folder = problem.path.name == SESSIONS  # not a folder: any note could be there
            if problem.path in lost and (folder or stem.startswith(name) or stem.endswith(name)):
                broken.setdefault(problem.path, []).append(problem)
        if len(broken) == 1:
            raise InvalidFile(next(iter(broken.values())))

    def per_client(
        self,
        memo: Memo[T],
        *,
        each: Callable[[ClientFiles, Mapping[str, str]], None] | None = None,
        also: Callable[[], Sequence[Memo[Any]]] | None = None,
    ) -> tuple[list[T], Snapshot]:
        """``memo.compute`` on each client's records, one client at a time (memory stays
        that of the largest client), and what could not be read. A result is remembered
        in the cache (``Memo``) with a fingerprint of every file of that client; while
        none of them changes, the client's files are not read again. Results are only
        remembered for clients whose every file could be read, so a problem is reported
        on every run until it is fixed. A client whose files must be parsed has the
        other commands' results made as well where missing (``also``: memo.py), and
        without ``memo.homework`` its homework parsed into the cache all the same
        (``Reader.warm``): a first run of any whole-journal command leaves the next one,
        of another kind, nothing to parse. ``each`` is shown every client's files as
        scanned (a check of its own that needs no second scan), with the content of each
        session a worker parsed (``sealmarks.digest``, by the path a seal names): a
        client read in a worker is shown once it is read, so it need not be read again."""
        from otjournal.disk.cache import cache_key
        from otjournal.disk.memo import companions

        report = Snapshot(self.root)
        results: list[T] = []
        under = tuple(cache_key().values())
        name, load = memo.name, memo.load
        others: Sequence[Memo[Any]] | None = None  # made once a client must be parsed
        from otjournal.disk.pool import Farm

        def finish(taken: list[tuple[ClientFiles, str | None, Done[T]]]) -> None:
            for found, fingerprint, done in taken:
                if each is not None:
                    each(found, _contents(done))
                clean = not done.problems and not done.conflicts
                if memo.dump and fingerprint and clean:
                    r.remember(name, found.handle, fingerprint, [memo.dump(done.result)])
                report.problems += done.problems
                report.conflicts += done.conflicts
                results[slots.pop(found.handle)] = done.result

        slots: dict[str, int] = {}  # where a client read in a worker goes in the results
        warm = () if memo.homework else ("homework",)
        with self.reader() as r, Farm(r, memo.compute, warm) as farm:
            scan = r.scan(None, memo.kinds())
            report.problems += scan.problems
            for found in scan.clients:
                fingerprint = found.fingerprint(name, *under, *memo.params)
                remembered = (
                    _checked(r.memo(name, found.handle, fingerprint), load) if load else None
                )
                if remembered:
                    if each is not None:
                        each(found, {})
                    results.append(remembered[0])
                    continue
                slots[found.handle] = len(results)
                results.append(cast("T", None))  # filled in order as clients finish
                extra = None
                if also is not None and r.cache is not None and found.misses():
                    if others is None:  # before any worker is forked: they run these too
                        others = farm.others = also()
                    if fingerprint:
                        extra = companions(r, found, memo, others, under)
                farm.submit(found, fingerprint, extra)
                finish(farm.take())
            finish(farm.take(everything=True))
        return results, report

    def sessions(
        self,
        handles: Iterable[str] | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
        last: int | None = None,
    ) -> tuple[list[Loaded[Session]], int, Snapshot]:
        """Sessions in time order within the dates (``last``: the latest N), the number
        there are in all, and the problems met. Only the sessions returned are read in
        full: the others are ordered and filtered by what the cache knows of them."""
        from otjournal.disk.query import select

        report = Snapshot(self.root)
        kept: list[FileRef] = []  # ``last``: the latest N so far, not every session
        older: int | None = None  # ``last``: a moment before the N kept, once N are
        total = 0
        with self.reader() as r:
            scan = r.scan(handles, ("session",))
            report.problems += scan.problems
            for c in scan.clients:  # copies are found within a client: see Snapshot.settle
                quick = _latest(c, since, until, last, older)
                if quick is not None:  # from the folder index's columns: few FileRefs
                    report.problems += c.problems
                    report.conflicts += c.conflicts
                    count, chosen = quick
                    total += count
                    kept += chosen
                else:
                    mine = [f for f in r.index(c, report) if f.kind == "session"]
                    # index() set every meta; f.meta[1] is f.id without a call per file
                    if len({f.meta[1] for f in mine}) < len(mine):  # type: ignore[index]
                        mine.sort(key=_META)  # in time order: the first copy of an id counts
                        mine = first_of_each_id(mine, _ID, report.problems)
                    total += len(mine)
                    kept += select(mine, _day, _META, since=since, until=until, last=last)
                if last is not None and len(kept) > last:
                    # The latest N of all are among the latest N so far (select keeps the
                    # order of equal ones, so which of two equal notes is kept is the same).
                    kept = select(kept, _day, _META, last=last)
                    older = kept[0].meta[0]  # type: ignore[index]  # every kept ref has facts
            kept = select(kept, _day, _META, last=last)  # in time order
            loaded = [(r.record(f), f.path) for f in kept]
        # Every ref kept is a session's (only those were kept above).
        found = [Loaded(cast("Session", s), path) for s, path in loaded if s is not None]
        return found, total, report


@dataclass
class Survey:
    """The whole folder read without its records (``Reads.survey``)."""

    report: Snapshot  # problems and conflicts only
    sessions: int = 0
    homework: int = 0
    picked: list[Path] = field(default_factory=list)


def _day(ref: FileRef) -> date:
    return ref.day


def _latest(
    c: ClientFiles, since: date | None, until: date | None, last: int | None, older: int | None
) -> tuple[int, list[FileRef]] | None:
    """``Reads.sessions``' pick of one client, when its sessions folder is as the cache
    indexed it (``Unchanged``) and holds them all: the number of sessions and those
    chosen, as the general path would choose them. None: take the general path (also
    when another file of the client, its client.toml, must be read, to say what is
    wrong with it)."""
    if len(c.deferred) != 1 or any(f.kind == "session" or f.meta is None for f in c.refs):
        return None
    _, folder = c.deferred[0]
    return folder.latest(since, until, last, older) if folder.kind == "session" else None


def _checked(remembered: object, load: Callable[[object], T]) -> tuple[T] | None:
    """A remembered result, rebuilt by ``load``; None (compute it again) for anything that
    is not what ``per_client`` wrote."""
    if type(remembered) is not list or len(remembered) != 1:
        return None
    try:
        return (load(remembered[0]),)
    except (ValueError, TypeError, KeyError):
        return None


def _refuse_if_another_may_be_meant(report: Snapshot, key: str, picked: FileRef) -> None:
    """A file that does not read (or is left out) and is named as ``key`` matches, as
    the note picked is: which was meant cannot be told, so neither is shown (nor
    amended) until the id is more exact or the file reads."""
    exact = key == picked.id
    others = set()
    lost = left_out(report)  # as every command counts them; a copy's note is there
    for path in (lost.unreadable | lost.unread) - {Path(picked.where)}:
        if path.name == SESSIONS:
            continue
        stem = bare(path.name)
        if "/" in key:
            named = bare(f"{path.parent.parent.name}/{path.name}") == key
        else:
            named = stem == key or (not exact and (stem.startswith(key) or stem.endswith(key)))
        if named:
            others.add(path.name)
    if others:
        listed = ", ".join(sorted(others))
        raise UsageError(
            f"{shown(key)} matches {picked.id} and {len(others)} file(s) that do not read "
            f"({listed}): be more exact",
            hint="give more of the id, or mend the file first ('otj check' says why)",
        )


def _session_facts(
    r: Reader, handles: list[str] | None, report: Snapshot | None = None
) -> list[tuple[str, FileRef]]:
    """The sessions of these clients (or of every client) as the facts of their files,
    in the order ``load`` holds them and without the copies it leaves out, each with its
    client; no record is held. ``report`` gathers the files that do not read."""
    found: list[tuple[str, FileRef]] = []
    report = report if report is not None else Snapshot(r.root)
    scan = r.scan(handles, ("session",))
    report.problems += scan.problems
    for c in scan.clients:
        refs = [f for f in r.index(c, report) if f.kind == "session"]
        refs.sort(key=_META)
        found += [(c.handle, f) for f in first_of_each_id(refs, _ID, [])]
    found.sort(key=lambda item: _META(item[1]))  # stable: clients stay in scan order
    return found


def _contents(done: Done[Any]) -> dict[str, str]:
    """What a worker read of each session: its content (size and hash), by the path a
    seal names (sealmarks.seal_path)."""
    from otjournal.disk.sealmarks import seal_path

    return {seal_path(row[0], os.sep): row[5] for row in done.learned if row[5]}
