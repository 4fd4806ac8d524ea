"""The techniques of a session as typed: at the prompt (numbers from the list offered, or
names) and by ``--technique``. The rules of the list itself (no empty name, none twice)
are the model's (``Fields.name_list``); here a typed name takes the list's spelling, so
"cbt" counts with "CBT". Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from otjournal.errors import UsageError


def offered(listed: Iterable[str], *more: Iterable[str]) -> list[str]:
    """The practitioner's list, then any other name in ``more`` (last time's, the note's
    own so far) not on it, each once (letter case aside), in that order."""
    out: dict[str, str] = {}
    for names in (listed, *more):
        for name in names:
            out.setdefault(name.casefold(), name)
    return list(out.values())


def as_listed(names: Iterable[str], offer: Sequence[str]) -> list[str]:
    """Each name trimmed and spelt as on ``offer`` when it is there (letter case aside);
    names not on it are kept as typed. An empty name is left for the model to refuse."""
    spelt = {t.casefold(): t for t in offer}
    out = []
    for raw in names:
        name = " ".join(raw.split())
        out.append(spelt.get(name.casefold(), name))
    return out


def parse_techniques(raw: str, offer: Sequence[str]) -> list[str]:
    """The answer at the prompt: comma-separated names or numbers from ``offer`` ("1 3,
    play therapy"), each once; "-" alone is none. A number not on the list is a
    UsageError (it is asked again)."""
    if raw.strip() == "-":
        return []
    picked: list[str] = []
    for token in raw.split(","):
        words = token.split()
        if words and all(w.isdigit() for w in words):
            for w in words:
                if not 1 <= int(w) <= len(offer):
                    raise UsageError(
                        f"{int(w)} is not on the list"
                        + (f": 1 to {len(offer)}" if offer else " (there is none): type names")
                    )
                picked.append(offer[int(w) - 1])
        elif words:
            picked.append(" ".join(words))
    unique: dict[str, str] = {}
    for name in as_listed(picked, offer):
        unique.setdefault(name.casefold(), name)
    return list(unique.values())
