"""The affirming checklist is the seed article's seven "is one where" items, word for word."""

from pathlib import Path

import pytest

from otjournal.model.vocab import CHECKLIST

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_b44cd3a70155d9c0.txt"


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds is not beside this checkout")
def test_checklist_is_the_seed_word_for_word():
    text = SEED.read_text(encoding="utf-8")
    where = text.split("is one where:", 1)[1]
    items = [
        line.split("\u2714\ufe0f", 1)[1].strip()
        for line in where.splitlines()
        if line.startswith("\u2714\ufe0f")
    ]
    assert tuple(t for _, t in CHECKLIST) == tuple(items)
    assert len(items) == 7
