"""A first run uses both cores: clients whose files must be parsed go to worker processes,
one client per task, while the parent scans, answers unchanged clients from the cache
and writes everything the workers learned (records, folder indexes, results) to the
cache. Only the parent ever writes.

Workers are forked, so the command's own function (often a closure over its options)
runs in them as it is, with nothing to pickle but a client's file list going in and its
result, problems and parsed tables coming out. Where ``fork`` is not offered (Windows,
or ``OTJOURNAL_WORKERS=1``), or while too few files need parsing to pay for the workers'
start, clients are read in this process as before: the output is the same either way
(tests/test_pool.py compares them byte for byte).
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from otjournal.disk import plain
from otjournal.errors import OtjournalError

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool

    from otjournal.disk.folderindex import Key, Meta
    from otjournal.disk.found import ClientFiles
    from otjournal.disk.loading import Conflict, Reader, Snapshot
    from otjournal.disk.memo import Companions, Memo
    from otjournal.errors import Problem

T = TypeVar("T")

START_FROM = 50  # files to parse before workers are worth their start (~10 ms for both)
# Records to rebuild from the cache before workers are worth their start and warm-up
# (about 30 ms; a record takes some 60 µs): a new day's first check, or trends at 10,000
# sessions, rebuilds every client's (their results are remembered for one day).
REBUILD_FROM = 1_500
AHEAD = 4  # clients in flight per worker: enough to keep each busy, few held at once


# What a worker learned of one file: the path inside the notes folder, the file's key,
# its kind, the table as the cache stores it (JSON text), its index facts and, for a
# session, its content's size and hash (sealmarks.py; "" otherwise).
Learned = tuple[str, "Key", str, str, "Meta", str]


@dataclass
class Done(Generic[T]):
    """One client read in a worker."""

    result: T
    problems: list[Problem]
    conflicts: list[Conflict]
    learned: list[Learned]
    made: dict[str, object]  # the companions made (memo.py), dumped, by name


@dataclass
class _Job:
    """What the workers run, set in the parent just before they are forked (a fork copies
    it; nothing here is pickled). One job at a time: per_client is not re-entered."""

    root: Path
    compute: Callable[[Snapshot], Any]
    learn: bool  # send back what was parsed, for the parent's cache
    warm: tuple[str, ...]  # kinds the command does not read, parsed for the next one
    others: Sequence[Memo[Any]]  # the companions a client may be asked for (memo.py)


_JOB: _Job | None = None


def workers_wanted() -> int:
    """How many workers a first run may start: OTJOURNAL_WORKERS, else the cores this
    process may use; 1 (none) where processes cannot be forked."""
    import multiprocessing  # here: a warm run starts no worker and need not load it

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("OTJOURNAL_WORKERS", "")
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _quiet() -> None:
    """A worker leaves Ctrl-C to the parent, which stops them all and says so once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(
    found: ClientFiles, also: Companions | None, given: dict[str, tuple[Any, Any]]
) -> Done[Any]:
    """In a worker: one client's records, the job's result on them (and the companions
    asked for), and every table parsed (for the parent to cache). A file the parent's
    cache knows is rebuilt from its row there (``given``), the others are parsed. A
    client with files to parse has those of the kinds the command does not read
    (``warm``) parsed too, so the next command need not."""
    from otjournal.disk.loading import Reader
    from otjournal.disk.memo import read_client

    job = _JOB
    assert job is not None  # set before the fork
    parsing = found.misses()  # before the read, as the parent counted them
    reader = Reader(job.root)  # no cache here: the parent writes what was learned
    reader.learned = [] if job.learn else None
    reader.given = given
    homework = not job.warm
    result, snap, made = read_client(reader, found, job.compute, homework, also, job.others)
    if job.learn and job.warm and also is None and parsing:
        reader.learn_files(found.handle, job.warm)
    return Done(result, snap.problems, snap.conflicts, reader.learned or [], made)


class Farm(Generic[T]):
    """Clients handed out in scan order and their results taken back in the same order.
    ``submit`` reads a client here until enough files wait to be parsed, then in workers;
    ``take`` yields each finished client (found, fingerprint, result, problems,
    conflicts) in the order submitted."""

    def __init__(
        self, reader: Reader, compute: Callable[[Snapshot], T], warm: tuple[str, ...]
    ) -> None:
        self.reader = reader
        self.compute = compute
        self.warm = warm
        # The companions a client may be asked for (memo.py): set by per_client before
        # the first client is submitted with any, so before the workers are forked.
        self.others: Sequence[Memo[Any]] = ()
        self.workers = 0  # asked once a client has files to read (workers_wanted)
        self.waiting = 0  # files to parse, counted until the workers start
        self.rebuilding = 0  # records to rebuild from the cache, likewise
        self.pool: Pool | None = None
        self.pids: set[int | None] = set()
        self.flight: deque[_Flight[T]] = deque()

    def __enter__(self) -> Farm[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        global _JOB
        if self.pool is not None:
            self.pool.terminate()  # after an error, or done: no worker outlives the command
            self.pool.join()
            self.pool = None
            _JOB = None

    def submit(
        self, found: ClientFiles, fingerprint: str | None, also: Companions | None = None
    ) -> None:
        # The files this client's read will parse: with companions, every kind's. With
        # none, its records are rebuilt from the cache (its result was not remembered).
        misses = (also.files if also is not None else found).misses()
        rebuilt = 0 if misses or self.reader.cache is None else len(found.files)
        if (misses or rebuilt) and not self.workers:
            self.workers = workers_wanted()
        if self.pool is None and self.workers > 1:
            self.waiting += misses
            self.rebuilding += rebuilt
            if self.waiting >= START_FROM or self.rebuilding >= REBUILD_FROM:
                self._start()
        job: AsyncResult[Done[T]] | Done[T]
        if self.pool is None or not (misses or rebuilt):
            job = self._here(found, also)
        else:  # with the cache's rows of the files it knows: only the others are parsed
            given = self.reader.stored(also.files if also is not None else found)
            job = self.pool.apply_async(_work, (found, also, given))
        self.flight.append(_Flight(found, fingerprint, also, job))

    def _start(self) -> None:
        global _JOB
        import multiprocessing

        learn = self.reader.cache is not None
        _JOB = _Job(self.reader.root, self.compute, learn, self.warm, self.others)
        self.pool = _pool_class()(self.workers, _quiet, context=multiprocessing.get_context("fork"))
        self.pids = {p.pid for p in multiprocessing.active_children()}

    def _result(self, job: AsyncResult[Done[T]]) -> Done[T]:
        """A worker's answer. A worker that died (killed, out of memory) loses its task,
        and a pool would wait for it for ever: that is an error instead."""
        import multiprocessing

        while True:
            try:
                return job.get(timeout=0.5)
            except multiprocessing.TimeoutError:
                if not self.pids <= {p.pid for p in multiprocessing.active_children()}:
                    raise OtjournalError(
                        "a worker reading the notes stopped unexpectedly; nothing was changed",
                        hint="run the command again, or with OTJOURNAL_WORKERS=1",
                    ) from None

    def _here(self, found: ClientFiles, also: Companions | None) -> Done[T]:
        """A client read in this process, through the cache (as before the workers)."""
        from otjournal.disk.memo import read_client

        parsing = found.misses()  # before the read, which sets what it parses
        homework = not self.warm
        result, snap, made = read_client(
            self.reader, found, self.compute, homework, also, self.others
        )
        if self.warm and parsing and also is None:
            # Parsed here too, so counted toward the workers' start: a client's homework
            # is most of its files, and left out the parent read 1,500 files alone.
            warmed = self.reader.warm(found.handle, self.warm)
            if self.pool is None:
                self.waiting += warmed
        return Done(result, snap.problems, snap.conflicts, [], made)

    def full(self) -> bool:
        return len(self.flight) >= AHEAD * max(1, self.workers)

    def take(self, everything: bool = False) -> list[tuple[ClientFiles, str | None, Done[T]]]:
        """The clients finished at the front (all of them with ``everything``; else only
        while more than a few are in flight, oldest first). The companions made are
        remembered here."""
        out = []
        while self.flight and (everything or self.full() or not _pending(self.flight[0].job)):
            flight = self.flight.popleft()
            job, found, also = flight.job, flight.found, flight.also
            done = job if isinstance(job, Done) else self._result(job)
            if done.learned:
                self.reader.absorb(found, done.learned, self.warm, also)
            if also is not None:
                for name, value in done.made.items():
                    self.reader.remember(name, found.handle, also.wanted[name], [value])
            out.append((found, flight.fingerprint, done))
        return out


@dataclass
class _Flight(Generic[T]):
    """A client handed out: its files, its own fingerprint, the companions asked for."""

    found: ClientFiles
    fingerprint: str | None
    also: Companions | None
    job: AsyncResult[Done[T]] | Done[T]


def _pool_class() -> type[Pool]:
    """multiprocessing's Pool, except that its thread that keeps the workers going is
    woken only when a worker ends or the pool changes state. The standard one is also
    woken by every result waiting in the pipe, and spins until its own result thread
    has taken it: about a third of a core's second in a first run at 10,000 sessions,
    taken from the process that writes the cache. A worker that ends still wakes it (its
    process sentinel is waited on as well), so a lost worker is seen as before."""
    from multiprocessing.pool import Pool

    if not hasattr(Pool, "_get_sentinels"):  # another Python's pool: used as it is
        return Pool

    class QuietPool(Pool):
        def _get_sentinels(self) -> list[Any]:
            return [self._change_notifier._reader]  # type: ignore[attr-defined]

    return QuietPool


def _pending(job: object) -> bool:
    return not isinstance(job, Done) and not job.ready()  # type: ignore[attr-defined]


def learned_row(
    inside: str, key: Key, kind: str, table: dict[str, Any], meta: Meta, content: str
) -> Learned | None:
    """What a worker sends back for one parsed file (the cache's own JSON form); None for
    a table the cache would not keep."""
    try:
        return (inside, key, kind, plain.dumps(table), meta, content)
    except ValueError:
        return None
