"""The RegionStore contract, run against the embedded SQLite store and the Cosmos DB store.

The Cosmos store talks to a real Cosmos DB NoSQL API server on loopback (``cosmos_server.js``,
built on @vercel/cosmosdb-server); each test gets a fresh database in it.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import uuid

import pytest

from followup.adapters.sqlite_store import SqliteRegionStore
from followup.domain.events import DomainEvent
from followup.domain.proposal import Proposal, ProposalStatus, RecapDraft
from followup.errors import ProposalNotFound, ResidencyViolation, StaleWrite
from followup.ports import ExceptionItem, OutboxJob, PromptLogEntry
from tests.integration.cosmos_server import KEY, CosmosServer, available

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:Unverified HTTPS request")]
REGION = "us-east"
T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def cosmos_servers():
    """One Cosmos API server per residency region, stopped by PID at the end."""
    reason = available()
    if reason:
        pytest.skip(f"Cosmos DB test server unavailable: {reason}")
    servers = {}
    try:
        for region in ("us-east", "eu-west"):
            servers[region] = CosmosServer()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def open_cosmos(server: CosmosServer, region: str = REGION, database: str | None = None):
    from followup.adapters.cosmos_store import CosmosRegionStore

    return CosmosRegionStore.connect(server.endpoint, KEY, database or f"db{uuid.uuid4().hex[:12]}", region, create=True)


@pytest.fixture(params=["sqlite", "cosmos"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield SqliteRegionStore(tmp_path / f"{REGION}.sqlite", REGION)
    else:
        yield open_cosmos(request.getfixturevalue("cosmos_servers")[REGION])


def proposal(region: str = REGION, **overrides) -> Proposal:
    data = dict(region=region, account_id="001A", account_name="Acme", opportunity_id="006A", opportunity_name="Acme - Platform",
                rep_name="Priya Shah", rep_user_id="rep-1", call_date=dt.date(2026, 11, 17), expires_at=T0 + dt.timedelta(days=3),
                recap=RecapDraft(subject="Recap", body="Thanks for the call"))
    p = Proposal(**{**data, **overrides})
    p.record("ProposalDrafted", items=0)
    return p


def event(name: str, proposal_id: str = "prop_x", region: str = REGION, **payload) -> DomainEvent:
    return DomainEvent(name=name, proposal_id=proposal_id, region=region, at=T0, payload=payload)


def tamper(store, seq: int) -> None:
    """Change the stored payload of audit entry ``seq`` behind the store's back."""
    if isinstance(store, SqliteRegionStore):
        (doc,) = store.conn.execute("SELECT event FROM audit WHERE seq=?", (seq,)).fetchone()
        data = json.loads(doc)
        data["payload"]["amount"] = 1
        store.conn.execute("UPDATE audit SET event=? WHERE seq=?", (json.dumps(data), seq))
        return
    container = store._c["audit"]
    (doc,) = container.query_items("SELECT * FROM c WHERE c.region = @r AND c.seq = @s AND c.type = 'entry'",
                                   parameters=[{"name": "@r", "value": REGION}, {"name": "@s", "value": seq}], partition_key=REGION)
    doc["event"]["payload"]["amount"] = 1
    container.replace_item(doc["id"], doc)


# ------------------------------------------------------------------ proposals
def test_add_get_roundtrip_and_version(store):
    p = proposal()
    store.add_with_events(p)
    assert p.version == 1 and p.pull_events() == []
    loaded = store.get(p.id)
    assert loaded.model_dump(mode="json") == p.model_dump(mode="json")
    assert [e.event.name for e in store.entries(p.id)] == ["ProposalDrafted"]


def test_get_missing_proposal_raises_not_found(store):
    with pytest.raises(ProposalNotFound):
        store.get("prop_missing")


def test_save_appends_new_events_in_order(store):
    p = proposal()
    store.add_with_events(p)
    p = store.get(p.id)
    p.transition(ProposalStatus.AWAITING_APPROVAL)
    p.record("ProposalSentForApproval", items=2)
    store.save_with_events(p)
    assert store.get(p.id).version == 2 and store.get(p.id).status == ProposalStatus.AWAITING_APPROVAL
    assert [e.event.name for e in store.entries(p.id)] == ["ProposalDrafted", "ProposalStatusChanged", "ProposalSentForApproval"]


def test_concurrent_save_is_stale_and_leaves_loser_intact(store):
    p = proposal()
    store.add_with_events(p)
    first, second = store.get(p.id), store.get(p.id)
    first.record("ItemApproved", item="chg_1")
    store.save_with_events(first)
    second.record("ItemDeclined", item="chg_1")
    with pytest.raises(StaleWrite):
        store.save_with_events(second)
    assert second.version == 1  # restored, and its event is still pending on the object
    assert [e.name for e in second.pull_events()] == ["ItemDeclined"]
    assert [e.event.name for e in store.entries(p.id)] == ["ProposalDrafted", "ItemApproved"]
    assert store.get(p.id).version == 2
    assert store.verify().ok


def test_list_filters_by_status_in_creation_order(store):
    a, b, c = (proposal(created_at=T0 + dt.timedelta(minutes=i)) for i in (2, 0, 1))
    a.transition(ProposalStatus.AWAITING_APPROVAL)
    c.transition(ProposalStatus.AWAITING_APPROVAL)
    for p in (a, b, c):
        store.add_with_events(p)
    assert [p.id for p in store.list()] == [b.id, c.id, a.id]
    assert [p.id for p in store.list(["awaiting_approval"])] == [c.id, a.id]
    assert [p.id for p in store.list(limit=2)] == [b.id, c.id]


def test_proposal_of_another_region_is_refused(store):
    with pytest.raises(ResidencyViolation):
        store.add_with_events(proposal(region="eu-west"))
    assert store.list() == []


# ---------------------------------------------------------------------- audit
def test_audit_chain_links_and_verifies(store):
    appended = [store.append(event("ItemApproved", item=f"chg_{i}")) for i in range(5)]
    assert [e.seq for e in appended] == [1, 2, 3, 4, 5]
    entries = store.entries()
    assert [e.hash for e in entries] == [e.hash for e in appended]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(entries, entries[1:]))
    result = store.verify()
    assert result.ok and result.entries == 5 and result.partition == REGION


def test_tampered_audit_entry_is_found_at_its_seq(store):
    for i in range(5):
        store.append(event("ItemEdited", item=f"chg_{i}", amount=72000))
    tamper(store, 3)
    result = store.verify()
    assert not result.ok and result.first_bad_seq == 3 and "hash" in result.problem


def test_event_of_another_region_is_refused(store):
    with pytest.raises(ResidencyViolation):
        store.append(event("ItemApproved", region="eu-west"))
    assert store.entries() == []


# ----------------------------------------------------------------- prompt log
def prompt(entry_id: str, at: dt.datetime, proposal_id: str = "prop_1") -> PromptLogEntry:
    return PromptLogEntry(id=entry_id, region=REGION, proposal_id=proposal_id, at=at, purpose="extract", model="gpt-4o-mini",
                          endpoint="https://example.invalid", masked_prompt=[{"role": "user", "content": "<PERSON_1> said"}],
                          response="{}", outcome="ok", latency_ms=12.5)


def test_prompt_log_record_get_purge(store):
    old, new = prompt("pl_old", T0 - dt.timedelta(days=40)), prompt("pl_new", T0)
    store.record(old)
    store.record(new)
    assert store.get_prompt("pl_new") == new
    assert [e.id for e in store.prompts_for("prop_1")] == ["pl_old", "pl_new"]
    assert store.purge_prompts_older_than(T0 - dt.timedelta(days=30)) == 1
    with pytest.raises(ProposalNotFound):
        store.get_prompt("pl_old")
    assert store.get_prompt("pl_new").masked_prompt == new.masked_prompt


# --------------------------------------------------------------------- outbox
def test_outbox_idempotent_due_retry_done(store):
    store.enqueue(OutboxJob(proposal_id="prop_1", region=REGION, not_before=T0))
    store.enqueue(OutboxJob(proposal_id="prop_1", region=REGION, not_before=T0))
    store.enqueue(OutboxJob(proposal_id="prop_2", region=REGION, not_before=T0 + dt.timedelta(hours=1)))
    assert [j.proposal_id for j in store.due(T0)] == ["prop_1"]
    store.retry("prop_1", T0 + dt.timedelta(minutes=5), "CRM unavailable")
    assert store.due(T0) == []
    (job,) = store.due(T0 + dt.timedelta(minutes=5))
    assert (job.attempts, job.last_error, job.not_before) == (1, "CRM unavailable", T0 + dt.timedelta(minutes=5))
    store.done("prop_1")
    assert [j.proposal_id for j in store.due(T0 + dt.timedelta(hours=2))] == ["prop_2"]
    store.enqueue(OutboxJob(proposal_id="prop_1", region=REGION, not_before=T0))  # re-armed, attempts kept
    assert {j.proposal_id: j.attempts for j in store.due(T0 + dt.timedelta(hours=2))} == {"prop_1": 1, "prop_2": 0}


def test_save_with_job_enqueues_with_the_change(store):
    p = proposal()
    store.add_with_events(p)
    p.record("ProposalQueuedForCommit")
    store.save_with_events(p, job=OutboxJob(proposal_id=p.id, region=REGION, not_before=T0))
    assert [j.proposal_id for j in store.due(T0)] == [p.id]
    assert store.entries(p.id)[-1].event.name == "ProposalQueuedForCommit"


# ----------------------------------------------------- exceptions, conversations
def test_exceptions_queue(store):
    due = T0 + dt.timedelta(days=1)
    store.add_exception(ExceptionItem(id="ex_1", region=REGION, proposal_id="p1", kind="conflict", detail="Amount changed",
                                      created_at=T0, due_by=due, owners=["Manager"]))
    store.add_exception(ExceptionItem(id="ex_2", region=REGION, proposal_id="p2", kind="commit_failed", detail="validation",
                                      created_at=T0, due_by=due, owners=["RevOps"]))
    assert {e.id for e in store.open_exceptions()} == {"ex_1", "ex_2"}
    store.add_exception(ExceptionItem(id="ex_1", region=REGION, proposal_id="p1", kind="conflict", detail="Amount changed",
                                      created_at=T0, due_by=due, owners=["Manager"], resolved=True))
    assert [e.id for e in store.open_exceptions()] == ["ex_2"]


def test_conversation_references(store):
    assert store.conversation("29:1abc/x?y#z") is None
    store.save_conversation("29:1abc/x?y#z", {"conversation": {"id": "a:1"}, "serviceUrl": "https://smba"})
    store.save_conversation("29:1abc/x?y#z", {"conversation": {"id": "a:2"}, "serviceUrl": "https://smba"})
    assert store.conversation("29:1abc/x?y#z") == {"conversation": {"id": "a:2"}, "serviceUrl": "https://smba"}


# ------------------------------------------------------------- Cosmos specifics
def test_cosmos_two_writers_never_fork_the_chain(cosmos_servers):
    """Two processes' worth of clients append to one region's ledger at once."""
    database = f"db{uuid.uuid4().hex[:12]}"
    writers = [open_cosmos(cosmos_servers[REGION], database=database) for _ in range(2)]
    errors: list[BaseException] = []

    def run(store, n):
        try:
            for i in range(15):
                store.append(event("ItemApproved", writer=n, i=i))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w, n)) for n, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = writers[0].entries()
    assert [e.seq for e in entries] == list(range(1, 31))
    assert sorted((e.event.payload["writer"], e.event.payload["i"]) for e in entries) == [(n, i) for n in range(2) for i in range(15)]
    assert writers[1].verify().ok


def test_cosmos_deleted_tail_entry_is_detected(cosmos_servers):
    store = open_cosmos(cosmos_servers[REGION])
    appended = [store.append(event("ItemApproved", i=i)) for i in range(3)]
    container = store._c["audit"]
    (last,) = container.query_items("SELECT * FROM c WHERE c.region = @r AND c.seq = 3 AND c.type = 'entry'",
                                    parameters=[{"name": "@r", "value": REGION}], partition_key=REGION)
    head = container.read_item("head", partition_key=REGION)
    container.replace_item("head", {**head, "batch": []})  # an attacker also scrubs the head's copy
    container.delete_item(last["id"], partition_key=REGION)
    result = store.verify()
    assert appended[-1].seq == 3
    assert not result.ok and result.first_bad_seq == 3 and "missing" in result.problem


def test_cosmos_document_of_another_region_is_not_returned(cosmos_servers):
    store = open_cosmos(cosmos_servers[REGION])
    foreign = proposal(region="eu-west")
    doc = {"id": foreign.id, "type": "proposal", "region": "eu-west", "version": 1, "status": "drafted",
           "createdAt": "2026-11-17T14:00:00.000000+00:00", "proposal": json.loads(foreign.model_dump_json()), "hasPending": False}
    store._c["proposals"].create_item(doc)  # planted in the wrong account, under its own partition
    with pytest.raises(ProposalNotFound):
        store.get(foreign.id)
    assert store.list() == []
