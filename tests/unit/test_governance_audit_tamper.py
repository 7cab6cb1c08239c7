"""A single-byte change to any stored audit entry of a SqliteRegionStore is found at that entry's seq."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from followup.adapters.sqlite_store import SqliteRegionStore
from followup.domain.events import DomainEvent

N_ENTRIES = 6
COLUMNS = ["event", "prev_hash", "hash"]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    store = SqliteRegionStore(tmp_path_factory.mktemp("ledger") / "eu-west.sqlite", "eu-west")
    for n in range(N_ENTRIES):
        store.append(DomainEvent(name="ItemApproved", proposal_id=f"prop_{n % 2}", region="eu-west", actor="rep-1",
                                 payload={"field": "Opportunity.CloseDate", "proposed": "2026-12-12", "value": n}))
    assert store.verify().ok and store.verify().entries == N_ENTRIES
    return store


def _row(store, seq, column):
    return store._query(f"SELECT {column} FROM audit WHERE seq=?", (seq,))[0][0]


def _set(store, seq, column, value):
    with store.transaction() as conn:
        conn.execute(f"UPDATE audit SET {column}=? WHERE seq=?", (value, seq))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=st.integers(1, N_ENTRIES), column=st.sampled_from(COLUMNS), data=st.data())
def test_single_byte_tamper_is_found_at_its_seq(ledger, seq, column, data):
    original = _row(ledger, seq, column)
    raw = original.encode("utf-8")
    pos = data.draw(st.integers(0, len(raw) - 1), label="byte")
    byte = data.draw(st.integers(0x20, 0x7E).filter(lambda b: b != raw[pos]), label="new byte")
    tampered = (raw[:pos] + bytes([byte]) + raw[pos + 1:]).decode("utf-8", errors="replace")
    if column == "event":
        try:
            same = json.loads(tampered) == json.loads(original)
        except ValueError:
            same = False
        if same:  # e.g. a space after ',' swapped for another insignificant space: nothing recorded changed
            return
    _set(ledger, seq, column, tampered)
    try:
        result = ledger.verify()
        assert not result.ok and result.first_bad_seq == seq, (column, pos, result)
    finally:
        _set(ledger, seq, column, original)
    assert ledger.verify().ok


def test_deleting_an_entry_is_found_at_the_gap(ledger):
    row = ledger._query("SELECT seq, partition, proposal_id, event, prev_hash, hash FROM audit WHERE seq=3")[0]
    with ledger.transaction() as conn:
        conn.execute("DELETE FROM audit WHERE seq=3")
    try:
        result = ledger.verify()
        assert (result.ok, result.first_bad_seq) == (False, 4) and "sequence gap" in result.problem
    finally:
        with ledger.transaction() as conn:
            conn.execute("INSERT INTO audit(seq, partition, proposal_id, event, prev_hash, hash) VALUES (?,?,?,?,?,?)", tuple(row))
    assert ledger.verify().ok
