from otjournal.disk import tomlio
from otjournal.model import Session
from tests.conftest import make_client, make_session


def test_session_round_trip_through_store(journal):
    journal.add_client(make_client())
    saved = journal.add_session(make_session())
    raw = saved.path.read_bytes()
    assert Session.from_dict(tomlio.parse(raw)) == saved.record
    snap = journal.load()
    assert [s.record for s in snap.sessions] == [saved.record]
    assert snap.problems == []
