"""The outage bench (`python -m bench --outage`) stays away from the shared server: where
this machine has no initdb it is skipped, and its tablets follow the page's outbox rules."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bench import outage


def run(coroutine):
    # A thread of its own: a browser test earlier in the same process may hold a loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_without_initdb_the_outage_run_is_skipped(monkeypatch):
    monkeypatch.setattr(outage, "postgres_binaries", lambda: None)
    said = []
    with outage.throwaway_cluster(outage.OutageSizes(), said.append) as cluster:
        assert cluster is None
    assert said == ["  skipped: initdb not found (apt-get install postgresql)"]


class FakeSession:
    """Answers PATCHes as the server would: the first fails (the database is away), then
    each is stored once per key (a replay answers the same)."""

    username = "penilai"

    def __init__(self):
        self.calls, self.stored, self.version, self.http = [], {}, 0, self
        self.receipts = {}

    def headers(self, key, tablet=False):
        return {"Idempotency-Key": key}

    async def patch(self, url, content, headers):
        import json

        body, key = json.loads(content), headers["Idempotency-Key"]
        self.calls.append((key, body["version"]))
        if len(self.calls) == 1:
            raise ConnectionError("database away")
        if key not in self.receipts:
            cell = body["values"][0]
            self.stored[cell["indicator"]] = cell["value"]
            self.version += 1
            values = [{"indicator": c, "part": "", "value": v} for c, v in self.stored.items()]
            self.receipts[key] = {"version": self.version, "values": values}
        return FakeAnswer(self.receipts[key])


class FakeAnswer:
    status_code = 200

    def __init__(self, data):
        self.data = data

    def json(self):
        return self.data


def test_a_tablet_resends_the_same_frozen_change_and_replaces_unsent_ones():
    session = FakeSession()
    tablet = outage.Tablet(session, sheet=1, version=0, record=outage.Record())
    tablet.change("K1", "80.00", "run", 1)
    assert run(tablet.flush()) == "offline"  # the change stays in the outbox
    tablet.change("K1", "81.00", "run", 2)  # already sent once: queued behind, not merged
    tablet.change("K2", "50.00", "run", 3)
    tablet.change("K2", "55.00", "run", 4)  # unsent: replaces the K2 change
    assert run(tablet.flush()) == "saved"
    keys = [key for key, _version in session.calls]
    assert keys == ["run-penilai-1", "run-penilai-1", "run-penilai-2", "run-penilai-3"]
    assert session.calls[1] == ("run-penilai-1", 0)  # the resend is the same request
    assert tablet.retries == 1 and tablet.outbox == []
    assert tablet.snapshot == {"K1": "81.00", "K2": "55.00"} == session.stored
