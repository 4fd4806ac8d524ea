"""Git sync for the notes folder: commit, pull with rebase, push, and say what moved.

Never resolves a conflict by dropping a side. When a rebase cannot apply cleanly it is
aborted and a merge is made instead; files git cannot merge keep both sides between
conflict markers, are committed like that, and are left for ``otj conflicts``.
Git's own errors (no remote, offline, authentication) are reported; local commits
are never lost.

Only otjournal's own files are staged (syncscope.py); a session file or a client.toml
changed on two devices goes through otjournal's merge driver (mergedriver.py), which
joins amendments made on both (a client.toml: the goals and homework of both, see
clientmerge.py) and leaves anything else to git's line merge.
"""

from __future__ import annotations

import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from otjournal.errors import OtjournalError, StoreError
from otjournal.sync import syncscope

GITIGNORE = """\
# otjournal: temp files while saving, and sync tools' own folders
.otj-*
*.part
.stversions/
.stfolder
.DS_Store
"""


class GitError(OtjournalError):
    """A git command failed; what was committed locally is safe."""


@dataclass
class SyncResult:
    committed: int = 0  # files in the local commit
    incoming: list[str] = field(default_factory=list)
    outgoing: int = 0  # commits pushed
    conflicts: list[str] = field(default_factory=list)
    pushed: bool = False
    remote: str = ""
    merged: list[str] = field(default_factory=list)  # notes whose amendments were joined
    clients_joined: list[str] = field(default_factory=list)  # client.toml changed on both
    left_out: list[str] = field(default_factory=list)  # not otjournal's, first time listed
    left_out_count: int = 0  # all files left out, listed now or before
    tracked_outside: list[str] = field(default_factory=list)  # tracked from before
    # Deleted on one device and changed on the other: the changed note is kept whole (no
    # markers, so 'otj conflicts' has nothing to show); delete it again if that was meant.
    kept_whole: list[str] = field(default_factory=list)
    # Files still holding both sides from an earlier sync (here or another device's):
    # the sync is not done with them until 'otj conflicts' resolves them.
    unresolved: list[str] = field(default_factory=list)


@dataclass
class Scope:
    """After staging: what stayed out, and what git tracks outside otjournal's own."""

    left_out: list[str] = field(default_factory=list)
    tracked_outside: list[str] = field(default_factory=list)


# Session files and client.toml changed on both sides go through mergedriver.py (see
# _merging).
DRIVER = "otjournal-amendments"
# An encrypted note (X.toml.age) is binary to git: never merged line by line, never shown
# as a diff; changed on both sides, both are kept for 'otj conflicts'.
ATTRIBUTES = (
    f"clients/*/sessions/*.toml merge={DRIVER}\nclients/*/client.toml merge={DRIVER}\n"
    "*.age binary\n"
)


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.scope = Scope()  # set by commit_all
        self._dot_git: Path | None = None
        self._ident: list[str] | None = None
        if shutil.which("git") is None:
            raise GitError("git is not installed", hint="install git, then try again")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = ["git", *self._identity(), *args]
        result = subprocess.run(
            cmd, cwd=self.root, capture_output=True, text=True, env=_quiet_env()
        )
        if check and result.returncode != 0:
            raise GitError(
                f"git {args[0]} failed: {_first_line(result.stderr or result.stdout)}",
                hint="nothing was lost: your notes are in the folder and committed locally",
            )
        return result

    def _identity(self) -> list[str]:
        # Commits need an author; use a neutral one when the person has not set any.
        if self._ident is None:
            self._ident = self._probe_identity()
        return self._ident

    def _probe_identity(self) -> list[str]:
        probe = subprocess.run(
            ["git", "config", "user.email"],
            cwd=self.root,
            capture_output=True,
            text=True,
            env=_quiet_env(),
        )
        if probe.stdout.strip():
            return []
        return ["-c", "user.name=otjournal", "-c", f"user.email=otjournal@{_host()}"]

    def git_dir(self) -> Path:
        """This repository's own folder (``.git``, or where a ``.git`` file points)."""
        if self._dot_git is None:
            found = self.run("rev-parse", "--absolute-git-dir").stdout.strip()
            self._dot_git = Path(found)
        return self._dot_git

    def is_repo(self) -> bool:
        return (self.root / ".git").exists()

    def init(self, remote: str | None) -> list[str]:
        said = []
        from otjournal.disk import fsio

        fsio.private_folder(self.root, private_base=True)
        if not self.is_repo():
            # git writes with the umask (000 makes .git world-writable); a shared mode of
            # 0600 has it keep the repository private from now on, whatever the umask.
            self.run("init", "-q", "--shared=0600")
            said.append(f"Made {self.root} a git repository.")
        if remote:
            if self.run("remote", check=False).stdout.split().count("origin"):
                self.run("remote", "set-url", "origin", remote)
            else:
                self.run("remote", "add", "origin", remote)
            said.append(f"Remote origin: {remote}")
            said += self._adopt_remote_history()
        ignore = self.root / ".gitignore"
        if not ignore.exists():
            fsio.create_named(self.root, ".gitignore", GITIGNORE.encode())
            said.append("Wrote .gitignore (temp files and sync tools' folders).")
        committed = self.commit_all("otj init")
        if committed:
            said.append(f"Committed {committed} file{'s' if committed != 1 else ''}.")
        fsio.close_to_others(self.root / ".git")  # what git made before the shared mode
        return said

    def _adopt_remote_history(self) -> list[str]:
        """A new device joining: start from the remote's notes rather than a history of
        its own (which could never rebase cleanly onto the other devices')."""
        if self.head() is not None:
            return []
        if self.run("fetch", "-q", "origin", check=False).returncode != 0:
            return ["Could not reach the remote yet; 'otj sync' will try again."]
        branches = [
            b.strip()
            for b in self.run("branch", "-r").stdout.splitlines()
            if b.strip() and "->" not in b
        ]
        if not branches:
            return []
        remote_branch = branches[0]
        local = remote_branch.split("/", 1)[1]
        checked = self.run("checkout", "-q", "-b", local, "--track", remote_branch, check=False)
        if checked.returncode != 0:
            raise GitError(
                "the remote's notes would overwrite files here that git does "
                "not track yet; nothing was changed",
                hint="move those files out of the notes folder, or start in an empty folder",
            )
        return [f"Took the notes already on the remote ({remote_branch})."]

    def merge_run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A rebase or merge with otjournal's merge driver for session files and
        client.toml (never raises: the caller decides what a failure means)."""
        from otjournal.sync.mergedriver import LOG_ENV

        cmd = ["git", *self._identity(), *self._merging(), *args]
        env = {**_quiet_env(), LOG_ENV: str(self._merge_log())}
        return subprocess.run(cmd, cwd=self.root, capture_output=True, text=True, env=env)

    def _merging(self) -> list[str]:
        """git options naming otjournal's merge driver for session files and client.toml,
        for this one command (the person's own .gitattributes and git config are left as
        they are)."""
        attributes = self.git_dir() / "otjournal-attributes"
        try:
            if not attributes.exists() or attributes.read_text("utf-8") != ATTRIBUTES:
                attributes.write_text(ATTRIBUTES, "utf-8")
        except OSError:
            return []  # git's own line merge, as before: conflicts are kept, never lost
        driver = f"{shlex.quote(sys.executable)} -m otjournal.sync.mergedriver %O %A %B %P"
        return [
            "-c",
            f"core.attributesFile={attributes}",
            "-c",
            f"merge.{DRIVER}.name=otjournal: join what two devices changed",
            "-c",
            f"merge.{DRIVER}.driver={driver}",
        ]

    def _merge_log(self) -> Path:
        return self.git_dir() / "otjournal-merged.log"

    def _joined(self) -> list[str]:
        try:
            lines = self._merge_log().read_text("utf-8", "surrogateescape").splitlines()
        except FileNotFoundError:
            return []
        return sorted(set(lines))

    def _paths(self, *args: str, stdin: bytes | None = None) -> list[str]:
        """``git ls-files -z``-style output as paths (any bytes a file name may hold)."""
        done = subprocess.run(
            ["git", *args], cwd=self.root, input=stdin, capture_output=True, env=_quiet_env()
        )
        if done.returncode != 0:
            why = _first_line(done.stderr.decode("utf-8", "replace"))
            raise GitError(f"git {args[0]} failed: {why}")
        return [p.decode("utf-8", "surrogateescape") for p in done.stdout.split(b"\0") if p]

    def stage(self, include: tuple[str, ...] = ()) -> Scope:
        """Stage otjournal's own files (and what the person opted in); say what stayed out."""
        specs = syncscope.pathspecs(self.root, include)
        self.run("add", "-u")  # tracked files stay synced (syncscope.py says why)
        new = self._paths("ls-files", "-z", "--others", "--exclude-standard", "--", *specs)
        if new:
            # Into the index as a list of paths, not pathspecs: `git add` matches every path
            # it walks against every pathspec given (29 s for the 38,000 files of a
            # 10,000-session journal's first sync; hours at 100,000). update-index takes
            # each path as it is, with the same attributes and filters (0.6 s).
            self._paths(
                "update-index",
                "--add",
                "-z",
                "--stdin",
                stdin=b"\0".join(p.encode("utf-8", "surrogateescape") for p in new),
            )
        return Scope(
            left_out=self._paths("ls-files", "-z", "--others", "--exclude-standard"),
            tracked_outside=self._paths(
                "ls-files", "-z", "--cached", "--", *syncscope.outside(specs)
            ),
        )

    def deleted_notes(self) -> list[str]:
        """Session notes git has that are gone from the folder, neither form there
        (encrypting one replaces X.toml by X.toml.age) and not a sync tool's copy:
        otjournal never deletes one, so a person did (a `git rm` is theirs to commit)."""
        from otjournal.disk.conflicts import conflict_copy

        gone = []
        for rel in self._paths("ls-files", "-z", "--deleted", "--", "clients"):
            parts = rel.split("/")
            if len(parts) != 4 or parts[2] != "sessions" or not rel.endswith((".toml", ".age")):
                continue
            plain = rel.removesuffix(".age")
            if conflict_copy(plain.rsplit("/", 1)[1].removesuffix(".toml")) is not None:
                continue
            if any((self.root / p).exists() for p in (plain, plain + ".age")):
                continue
            gone.append(rel)
        return gone

    def commit_all(self, message: str, include: tuple[str, ...] = ()) -> int:
        self.scope = self.stage(include)
        status = self.run("diff", "--cached", "--name-only").stdout.split("\n")
        files = [s for s in status if s.strip()]
        if not files:
            return 0
        self.run("commit", "-q", "-m", message)
        return len(files)

    def head(self) -> str | None:
        r = self.run("rev-parse", "--verify", "-q", "HEAD", check=False)
        return r.stdout.strip() or None

    def _seal_joined(
        self,
        result: SyncResult,
        seal: Callable[[list[str]], object] | None,
        include: tuple[str, ...],
    ) -> None:
        """Joined notes hold bytes no device has sealed: seal them and commit the seals
        before pushing, so no device's check takes a join for an outside edit. (A joined
        client.toml is listed apart: only session notes are sealed.)"""
        from otjournal.sync.mergedriver import is_client_file

        kept = {*result.conflicts, *result.kept_whole}  # not joined: one side kept as it is
        joined = [f for f in self._joined() if f not in kept]
        result.clients_joined = [f for f in joined if is_client_file(f)]
        joined = [f for f in joined if not is_client_file(f)]
        fresh = [f for f in joined if f not in result.merged]
        result.merged = joined
        if seal is not None and fresh:
            seal(fresh)
            self.commit_all(f"otj sync from {_host()}: seals of joined notes", include)

    def sync(
        self, include: tuple[str, ...] = (), seal: Callable[[list[str]], object] | None = None
    ) -> SyncResult:
        """Commit, pull with rebase, push. ``seal`` is given the notes whose amendments
        were joined (paths relative to the folder)."""
        if not self.is_repo():
            raise GitError(
                "the notes folder is not a git repository",
                hint="run 'otj init --git [--remote URL]' first",
            )
        gone = self.deleted_notes()
        if gone:
            raise GitError(
                f"not synced: {len(gone)} session note(s) deleted here by hand, which a sync "
                f"would delete on every device ({', '.join(gone[:3])}"
                + (", …)" if len(gone) > 3 else ")"),
                hint="git still has them: 'git checkout -- PATH' restores one; to delete one "
                "on purpose, 'git rm PATH' and commit it yourself",
            )
        result = SyncResult()
        result.committed = self.commit_all(f"otj sync from {_host()}", include)
        self._merge_log().unlink(missing_ok=True)
        remotes = self.run("remote").stdout.split()
        if "origin" not in remotes:
            raise GitError(
                "no remote to sync with; your notes are committed locally",
                hint="add one: otj init --git --remote URL",
            )
        result.remote = self.run("remote", "get-url", "origin").stdout.strip()
        branch = self.run("symbolic-ref", "--short", "HEAD").stdout.strip() or "main"
        fetched = self.run("fetch", "-q", "origin", check=False)
        if fetched.returncode != 0:
            raise GitError(
                f"could not reach the remote: {_first_line(fetched.stderr)}",
                hint="your notes are committed locally; sync again when online",
            )
        before = self.head()
        has_remote_branch = (
            self.run("rev-parse", "--verify", "-q", f"origin/{branch}", check=False).returncode == 0
        )
        if has_remote_branch:
            rebased = self.merge_run("rebase", "-q", f"origin/{branch}")
            if rebased.returncode != 0:
                self.run("rebase", "--abort", check=False)
                self._merge_keeping_both(branch, result)
            if before:
                diff = self.run(
                    "diff", "--name-status", f"{before}...origin/{branch}", check=False
                ).stdout
                result.incoming = [line for line in diff.splitlines() if line.strip()]
            self._seal_joined(result, seal, include)
        ahead = self.run(
            "rev-list",
            "--count",
            f"origin/{branch}..HEAD" if has_remote_branch else "HEAD",
            check=False,
        ).stdout.strip()
        result.outgoing = int(ahead or 0)
        pushed = self.run("push", "-q", "-u", "origin", f"HEAD:{branch}", check=False)
        if pushed.returncode != 0 and _rejected(pushed.stderr):
            # Another device pushed meanwhile: take its notes in and try once more.
            self.run("fetch", "-q", "origin", check=False)
            rebased = self.merge_run("rebase", "-q", f"origin/{branch}")
            if rebased.returncode != 0:
                self.run("rebase", "--abort", check=False)
                self._merge_keeping_both(branch, result)
            self._seal_joined(result, seal, include)
            pushed = self.run("push", "-q", "-u", "origin", f"HEAD:{branch}", check=False)
        if pushed.returncode != 0:
            raise GitError(
                f"could not push: {_first_line(pushed.stderr)}",
                hint="your notes are committed locally; sync again later",
            )
        result.pushed = True
        result.unresolved = [f for f in self.files_with_markers() if f not in result.conflicts]
        reported = syncscope.Reported(self.git_dir())
        result.left_out = reported.new("left_out", self.scope.left_out)
        result.left_out_count = len(self.scope.left_out)
        result.tracked_outside = reported.new("tracked_outside", self.scope.tracked_outside)
        reported.save()  # only once the person has been told (sync reached its end)
        return result

    def files_with_markers(self) -> list[str]:
        """The clients' tracked .toml files that hold git conflict markers (git's own
        search, then each file read to be sure)."""
        from otjournal.disk.conflicts import has_git_markers

        # The clients' files only: .otjournal/resolved keeps what a resolution set aside.
        found = self.run(
            "grep", "-l", "-I", "-e", "^<<<<<<< ", "--", ":(glob)clients/**/*.toml", check=False
        ).stdout.splitlines()
        sure = []
        for f in found:
            try:
                raw = (self.root / f).read_bytes()
            except OSError:
                continue
            if has_git_markers(raw):
                sure.append(f)
        return sure

    def _merge_keeping_both(self, branch: str, result: SyncResult) -> None:
        """A merge where conflicting files keep both sides inside conflict markers (in
        ``result.conflicts``); a note deleted on one side and changed on the other is
        kept whole, changed (``result.kept_whole``)."""
        from otjournal.disk.conflicts import has_git_markers

        merged = self.merge_run("merge", "--no-edit", "-q", f"origin/{branch}")
        if merged.returncode == 0:
            return
        conflicted = [
            f
            for f in self.run("diff", "--name-only", "--diff-filter=U").stdout.splitlines()
            if f.strip()
        ]
        if not conflicted:
            self.run("merge", "--abort", check=False)
            raise GitError(f"git could not merge: {_first_line(merged.stderr)}")
        conflicted += [copy for f in conflicted if (copy := self._keep_theirs(f))]
        # Only the conflicted files: anything else in the folder stays out (syncscope).
        self.run("add", "--", *(f":(literal){f}" for f in conflicted))
        self.run(
            "commit",
            "-q",
            "-m",
            "otj sync: both sides kept in conflicting files (resolve with otj conflicts)",
        )
        for f in conflicted:
            path = self.root / f
            whole = (
                not f.endswith(".age") and path.is_file() and not has_git_markers(path.read_bytes())
            )
            (result.kept_whole if whole else result.conflicts).append(f)

    def _keep_theirs(self, conflicted: str) -> str | None:
        """An encrypted note changed on both sides has no conflict markers (git keeps
        ours in the folder): theirs is written beside it as a conflict copy
        (``X.git-conflict-STAMP.toml.age``, still encrypted) that ``otj conflicts``
        compares and resolves. Returns its path, or None when there is nothing to keep."""
        from datetime import datetime

        from otjournal.disk import fsio

        if not conflicted.endswith(".toml.age"):
            return None
        theirs = subprocess.run(
            ["git", "show", f":3:{conflicted}"],
            cwd=self.root,
            capture_output=True,
            env=_quiet_env(),
        )
        if theirs.returncode != 0:  # removed on their side: ours is all there is
            return None
        path = self.root / conflicted
        stem = path.name.removesuffix(".toml.age")
        stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
        for n in range(1, fsio.MAX_NAME_TRIES + 1):
            name = f"{stem}.git-conflict-{stamp}{'' if n == 1 else f'-{n}'}.toml.age"
            if fsio.create_named(path.parent, name, theirs.stdout) is not None:
                return str(Path(conflicted).parent / name)
        return None


def _rejected(stderr: str) -> bool:
    return "rejected" in stderr or "fetch first" in stderr or "non-fast-forward" in stderr


def _first_line(text: str) -> str:
    """The line of git's output that says what went wrong."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for key in ("rejected", "fatal:", "error:", "hint:"):
        for line in lines:
            if key in line:
                return line[:200]
    return lines[0][:200] if lines else "no details"


def _host() -> str:
    try:
        return socket.gethostname() or "this-device"
    except OSError:
        return "this-device"


def _quiet_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env.update(GIT_TERMINAL_PROMPT="0", GIT_EDITOR="true", LC_ALL="C")
    return env


__all__ = ["GITIGNORE", "Git", "GitError", "StoreError", "SyncResult"]
