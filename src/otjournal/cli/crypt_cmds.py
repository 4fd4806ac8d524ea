"""``otj encrypt``, ``otj decrypt`` and ``otj keys``: a journal kept as age files, and the
keys that open it (docs/encryption.md; the work is in disk/encryption.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    DirOpt,
    JsonOpt,
    journal,
    now,
    out,
    print_json,
    print_wrapped,
)

if TYPE_CHECKING:
    from otjournal.disk.convert import Summary

keys_app = typer.Typer(
    cls=BoundaryGroup,
    no_args_is_help=True,
    help="This device's key, and the keys an encrypted journal opens with: new, show, list, "
    "add, remove, trust.",
)

DeviceOpt = Annotated[
    str | None,
    typer.Option(
        "--name",
        help="A name for this device's key in the journal's list (default: the computer's name).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.command("encrypt")(encrypt_cmd)
    app.command("decrypt")(decrypt_cmd)
    app.add_typer(keys_app, name="keys")


def device_name(name: str | None) -> str:
    import platform

    return " ".join((name or platform.node() or "this device").split())


def encrypt_cmd(name: DeviceOpt = None, dir: DirOpt = None) -> None:
    """Encrypt the journal: every note becomes an age file that only the journal's keys
    open (this device's key is made if there is none). Safe to interrupt: a rerun
    finishes.
    """
    from otjournal.disk import encryption

    j = journal(dir)
    started, summary, again = encryption.encrypt(j.root, device_name(name), now())
    if started.made_key:
        print_wrapped(
            f"Made this device's key: {started.identity.path} (back it up: see 'otj keys')"
        )
    if started.listed:
        print_wrapped(f"Listed this device's key in {j.root / '.otjournal' / 'recipients.txt'}")
    print_wrapped(f"Encrypted: {_counted(summary)}.")
    if again is not None:
        print_wrapped(f"Every note encrypted again to the journal's keys: {again.converted}.")
    _copies(summary)


def decrypt_cmd(dir: DirOpt = None) -> None:
    """Turn an encrypted journal back into plaintext notes (grep reads them again), and
    stop encrypting new ones. Safe to interrupt: a rerun finishes.
    """
    from otjournal.disk import encryption, keys

    j = journal(dir)
    if not keys.encrypted(j.root):
        print_wrapped("This journal is not encrypted: nothing to do.")
        return
    summary = encryption.decrypt(j.root)
    print_wrapped(f"Decrypted: {_counted(summary)}. New notes are written in plaintext.")
    _copies(summary)


def _counted(summary: Summary) -> str:
    n = summary.notes
    done = summary.converted + summary.settled
    return f"{done} file{'' if done == 1 else 's'} converted, {n} in all"


def _copies(summary: Summary) -> None:
    if summary.conflict_copies:
        print_wrapped(
            f"{summary.conflict_copies} sync conflict "
            f"cop{'y is' if summary.conflict_copies == 1 else 'ies are'} still to resolve: "
            "otj conflicts"
        )
    if summary.temps:
        print_wrapped(
            f"{len(summary.temps)} leftover temporary file(s) of an interrupted save: "
            "'otj doctor' lists them"
        )


@keys_app.command("new")
def keys_new() -> None:
    """Make this device's key (an age identity in the config folder, readable by you
    alone) and print its public key, the one another device adds.
    """
    from otjournal.disk.encryption import own_identity

    identity, made = own_identity(now(), create=True)
    print_wrapped(
        f"{'Made' if made else 'This device already has'} a key: {identity.path}\n"
        f"Its public key (give it to a device that can open the journal: "
        f"otj keys add KEY --name DEVICE):"
    )
    typer.echo(identity.public[0])


@keys_app.command("show")
def keys_show() -> None:
    """Print this device's public key (for 'otj keys add' on another device)."""
    from otjournal.disk.encryption import own_identity

    identity, _ = own_identity(now(), create=False)
    for key in identity.public:
        typer.echo(key)


@keys_app.command("list")
def keys_list(json: JsonOpt = False, dir: DirOpt = None) -> None:
    """The keys every note of the journal is encrypted to, with their devices' names."""
    from otjournal.disk import keys
    from otjournal.disk.encryption import recipients

    j = journal(dir)
    if not keys.encrypted(j.root):
        if json:
            print_json("keys", {"encrypted": False, "keys": []})
        else:
            print_wrapped("This journal is not encrypted ('otj encrypt' encrypts it).")
        return
    listed = recipients(j.root)
    mine = {p for identity in keys.identities(fresh=True) for p in identity.public}
    lock = keys.lock_of(j.root)
    new = set(keys.unagreed(lock)) if lock is not None else set()
    if json:
        rows = [
            {
                "key": r.key,
                "name": r.label,
                "this_device": r.key in mine,
                "agreed": r.key not in new,
            }
            for r in listed
        ]
        print_json("keys", {"encrypted": True, "keys": rows})
        return
    for r in listed:  # never wrapped (a key is copied whole); a name shown, never obeyed
        marks = "  (this device)" if r.key in mine else ""
        marks += "  (not agreed to here: otj keys trust KEY)" if r.key in new else ""
        out().print(f"{r.key}  {r.label or '(no name)'}{marks}")


@keys_app.command("trust")
def keys_trust(
    key: Annotated[str, typer.Argument(metavar="KEY", help="A key the journal lists (age1…).")],
    dir: DirOpt = None,
) -> None:
    """Agree to a key added to the journal on another device. Until then this device
    writes nothing: someone who can write to the synced folder could have added it."""
    from otjournal.disk.encryption import trust_key

    j = journal(dir)
    found = trust_key(j.root, key)
    print_wrapped(f"This device now writes to the key of {found.label or 'an unnamed device'} too.")


@keys_app.command("add")
def keys_add(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="The other device's public key (age1…).")
    ],
    name: Annotated[str, typer.Option("--name", help="The device's name, e.g. 'tablet'.")],
    dir: DirOpt = None,
) -> None:
    """Let another device (or an offline backup key) open the journal: its key is listed,
    and every note is encrypted again to every key.
    """
    from otjournal.disk.encryption import add_key

    j = journal(dir)
    summary = add_key(j.root, key, name)
    print_wrapped(
        f"Added the key of {' '.join(name.split())}; {summary.converted} notes encrypted again."
    )


@keys_app.command("remove")
def keys_remove(
    key: Annotated[str, typer.Argument(metavar="KEY", help="The public key to take out (age1…).")],
    dir: DirOpt = None,
) -> None:
    """Take a key out of the journal's list and encrypt every note again without it.
    What that key could already open (old copies, backups, history) stays open to it.
    """
    from otjournal.disk.encryption import remove_key

    j = journal(dir)
    gone, summary = remove_key(j.root, key)
    print_wrapped(
        f"Removed the key of {gone.label or 'an unnamed device'}; {summary.converted} notes "
        "encrypted again without it. Copies made before (backups, sync history) still open "
        "with it."
    )
