"""Where things live. Pure functions of their arguments (the environment is passed in)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

APP = "otjournal"
ENV_DIR = "OTJOURNAL_DIR"  # as disk/layout.py says it (paths sits below disk)


def notes_dir(option: Path | str | None, environ: Mapping[str, str]) -> Path:
    """``--dir``, else ``$OTJOURNAL_DIR``, else platformdirs' user data folder."""
    if option:
        return Path(option).expanduser()
    env = environ.get(ENV_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False) / "journal"


def state_dir() -> Path:
    """Private, unsynced state (drafts): platformdirs' user state folder."""
    from platformdirs import user_state_path

    return user_state_path(APP, appauthor=False)


def config_file() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False) / "config.toml"


def identities_dir() -> Path:
    """This device's age identities (secret keys): the config folder, never the notes."""
    return config_file().parent / "identities"


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def platform_split(folder: Path) -> tuple[Path, tuple[str, ...]]:
    """One of otjournal's own folders in the platform's (drafts, cache, config) split into
    the platform's folder, trusted as it is (``~/.cache`` may well be a link), and the
    parts from ``otjournal`` down, which otjournal made and checks on every write
    (``fsio.private_folder``). A folder named elsewhere: its parent is trusted."""
    parts = folder.parts
    if APP in parts[1:]:
        at = len(parts) - 1 - parts[::-1].index(APP)
        return Path(*parts[:at]), parts[at:]
    return folder.parent, (folder.name,)
