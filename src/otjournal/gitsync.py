"""Git sync for the notes folder: commit, pull with rebase, push, and say what moved.

Never resolves a conflict by dropping a side. When a rebase cannot apply cleanly it is
aborted and a merge is made instead; files git cannot merge keep both sides between
conflict markers, are committed like that, and are left for ``otj conflicts``.
Git's own errors (no remote, offline, authentication) are reported; local commits
are never lost.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from otjournal.errors import OtjournalError, StoreError

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


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root
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

    def is_repo(self) -> bool:
        return (self.root / ".git").exists()

    def init(self, remote: str | None) -> list[str]:
        said = []
        from otjournal import fsio

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
            said.append(f"Committed {committed} files.")
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

    def commit_all(self, message: str) -> int:
        self.run("add", "-A")
        status = self.run("diff", "--cached", "--name-only").stdout.split("\n")
        files = [s for s in status if s.strip()]
        if not files:
            return 0
        self.run("commit", "-q", "-m", message)
        return len(files)

    def head(self) -> str | None:
        r = self.run("rev-parse", "--verify", "-q", "HEAD", check=False)
        return r.stdout.strip() or None

    def sync(self) -> SyncResult:
        if not self.is_repo():
            raise GitError(
                "the notes folder is not a git repository",
                hint="run 'otj init --git [--remote URL]' first",
            )
        result = SyncResult()
        result.committed = self.commit_all(f"otj sync from {_host()}")
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
            rebased = self.run("rebase", "-q", f"origin/{branch}", check=False)
            if rebased.returncode != 0:
                self.run("rebase", "--abort", check=False)
                result.conflicts = self._merge_keeping_both(branch)
            if before:
                diff = self.run(
                    "diff", "--name-status", f"{before}...origin/{branch}", check=False
                ).stdout
                result.incoming = [line for line in diff.splitlines() if line.strip()]
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
            if self.run("rebase", "-q", f"origin/{branch}", check=False).returncode != 0:
                self.run("rebase", "--abort", check=False)
                result.conflicts += self._merge_keeping_both(branch)
            pushed = self.run("push", "-q", "-u", "origin", f"HEAD:{branch}", check=False)
        if pushed.returncode != 0:
            raise GitError(
                f"could not push: {_first_line(pushed.stderr)}",
                hint="your notes are committed locally; sync again later",
            )
        result.pushed = True
        return result

    def _merge_keeping_both(self, branch: str) -> list[str]:
        """A merge where conflicting files keep both sides inside conflict markers."""
        merged = self.run("merge", "--no-edit", "-q", f"origin/{branch}", check=False)
        if merged.returncode == 0:
            return []
        conflicted = [
            f
            for f in self.run("diff", "--name-only", "--diff-filter=U").stdout.splitlines()
            if f.strip()
        ]
        if not conflicted:
            self.run("merge", "--abort", check=False)
            raise GitError(f"git could not merge: {_first_line(merged.stderr)}")
        self.run("add", "-A")
        self.run(
            "commit",
            "-q",
            "-m",
            "otj sync: both sides kept in conflicting files (resolve with otj conflicts)",
        )
        return conflicted


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
