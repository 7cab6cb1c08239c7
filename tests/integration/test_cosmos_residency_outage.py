"""Cosmos DB store end to end: EU data stays in the EU account, outages surface as StoreUnavailable
and a save cut at any write leaves either the whole change or none of it."""
from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace as NS

import pytest

from followup.adapters.cosmos_store import CosmosRegionStore, cosmos_store_factory
from followup.adapters.sandbox_crm import SandboxCrm
from followup.bootstrap import bootstrap
from followup.config import Settings
from followup.domain.events import DomainEvent
from followup.domain.proposal import Evidence, Proposal, RecapDraft
from followup.domain.snapshot import parse_snapshot
from followup.errors import ConfigError, StoreUnavailable
from followup.ports import OutboxJob, PromptLogEntry
from tests.integration.cosmos_server import KEY, CosmosServer

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:Unverified HTTPS request")]
T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)
CONTAINERS = ("proposals", "audit", "prompts", "outbox", "exceptions", "conversations")




# ------------------------------------------------------------------ residency
def snapshot(country: str, opp: str):
    return parse_snapshot({
        "Account": {"Id": f"001{opp}", "Name": "Kunde GmbH" if country == "DE" else "Acme", "BillingCountry": country},
        "Opportunity": {"Id": f"006{opp}", "Name": "Platform", "StageName": "Needs Analysis", "CloseDate": "2026-12-18", "Amount": 60000},
        "Contacts": [{"Id": f"003{opp}", "Name": "Carla Jimenez", "Title": "VP Operations"}],
        "call": {"date": "2026-11-17", "rep": {"name": "Priya Shah", "user_id": "rep-1"}},
    })


class Extractor:
    def extract(self, transcript, snapshot):
        quote = [Evidence(quote="sign by December 12th", speaker="Carla Jimenez")]
        close = NS(field="Opportunity.CloseDate", value=dt.date(2026, 12, 12), evidence=quote, certainty="explicit", confidence=0.93)
        return NS(fields=[close], contact_roles=[], next_steps=[])


def documents_about(cosmos_server: CosmosServer, database: str, proposal_id: str) -> dict[str, int]:
    """Ask a server directly (cross-partition) for every document naming the proposal."""
    from azure.cosmos import CosmosClient

    db = CosmosClient(cosmos_server.endpoint, credential=KEY).get_database_client(database)
    found = {}
    for name in CONTAINERS:
        rows = db.get_container_client(name).query_items(
            "SELECT c.id FROM c WHERE c.id = @p OR c.proposalId = @p OR c.event.proposal_id = @p",
            parameters=[{"name": "@p", "value": proposal_id}], enable_cross_partition_query=True)
        found[name] = len(list(rows))
    return found


def test_eu_proposal_lives_only_in_the_eu_account(cosmos_servers, tmp_path):
    database = f"db{uuid.uuid4().hex[:12]}"
    settings = Settings(store="cosmos", cosmos_key=KEY, cosmos_database=database, data_dir=tmp_path,
                        cosmos_endpoint_us_east=cosmos_servers["us-east"].endpoint, cosmos_endpoint_eu_west=cosmos_servers["eu-west"].endpoint)
    crm = SandboxCrm(tmp_path / "crm.sqlite")
    app = bootstrap(settings, store_factory=cosmos_store_factory(settings), crm=crm, extractor=Extractor(),
                    recap_drafter=lambda e, s, t: RecapDraft(subject="Recap", body="Hi"), clock=lambda: T0)
    eu = app.ingest("Carla Jimenez: we sign by December 12th\nPriya Shah: great", snapshot("DE", "EU"))
    us = app.ingest("Carla Jimenez: we sign by December 12th\nPriya Shah: great", snapshot("US", "US"))
    for p in (eu, us):
        app.store(p.region).record(PromptLogEntry(id=f"pl_{p.id}", region=p.region, proposal_id=p.id, purpose="extract", model="m",
                                                  endpoint=settings.region_setting("cosmos_endpoint", p.region),
                                                  masked_prompt=[{"role": "user", "content": "<PERSON_1>"}], outcome="ok"))
    assert (eu.region, us.region) == ("eu-west", "us-east")
    assert app.get(eu.id).id == eu.id and app.pending_for("rep-1")  # both stores were opened and searched

    in_eu, in_us = documents_about(cosmos_servers["eu-west"], database, eu.id), documents_about(cosmos_servers["us-east"], database, eu.id)
    assert in_eu["proposals"] == 1 and in_eu["audit"] >= 2 and in_eu["prompts"] == 1
    assert in_us == dict.fromkeys(CONTAINERS, 0)
    assert documents_about(cosmos_servers["eu-west"], database, us.id) == dict.fromkeys(CONTAINERS, 0)
    assert app.store("eu-west").verify().ok and app.store("us-east").verify().ok


def test_factory_needs_the_region_endpoint():
    factory = cosmos_store_factory(Settings(store="cosmos", cosmos_key=KEY))
    with pytest.raises(ConfigError, match="FOLLOWUP_COSMOS_ENDPOINT_EU_WEST"):
        factory("eu-west")


# --------------------------------------------------------------------- outage
def new_proposal() -> Proposal:
    p = Proposal(region="us-east", account_id="001A", account_name="Acme", opportunity_id="006A", opportunity_name="Platform",
                 rep_name="Priya Shah", call_date=dt.date(2026, 11, 17), expires_at=T0 + dt.timedelta(days=3),
                 recap=RecapDraft(subject="Recap", body="Hi"))
    p.record("ProposalDrafted")
    return p


def open_store(cosmos_server: CosmosServer) -> CosmosRegionStore:
    return CosmosRegionStore.connect(cosmos_server.endpoint, KEY, "followup", "us-east", create=True)


def test_server_down_is_a_clear_retryable_store_unavailable(cosmos_server):
    store = open_store(cosmos_server)
    p = new_proposal()
    store.add_with_events(p)
    p.record("ItemApproved", item="chg_1")
    cosmos_server.down()
    for call in (lambda: store.get(p.id), lambda: store.save_with_events(p), lambda: store.verify()):
        with pytest.raises(StoreUnavailable, match="unreachable") as info:
            call()
        assert info.value.retryable
    assert p.version == 1  # the failed save left the object as it was: it can be saved again
    cosmos_server.up()
    store.save_with_events(p)
    assert [e.event.name for e in store.entries(p.id)] == ["ProposalDrafted", "ItemApproved"]
    assert store.verify().ok


@pytest.mark.parametrize("cut_after", range(6))
def test_save_cut_at_any_write_is_all_or_nothing(cosmos_server, cut_after):
    """Writes of one save: proposal replace, chain head, 2 audit entries, outbox job, pending cleared."""
    store = open_store(cosmos_server)
    p = new_proposal()
    store.add_with_events(p)
    p.record("ItemApproved", item="chg_1")
    p.record("ProposalQueuedForCommit")
    cosmos_server.outage_after_writes(cut_after)
    try:
        store.save_with_events(p, job=OutboxJob(proposal_id=p.id, region="us-east", not_before=T0))
        committed = True
    except StoreUnavailable:
        committed = False
    cosmos_server.wait_down()
    cosmos_server.up()

    fresh = open_store(cosmos_server)  # as after a restart of the app
    names = [e.event.name for e in fresh.entries(p.id)]
    stored = fresh.get(p.id)
    jobs = [j.proposal_id for j in fresh.due(T0)]
    if committed:
        assert stored.version == 2
        assert names == ["ProposalDrafted", "ItemApproved", "ProposalQueuedForCommit"]
        assert jobs == [p.id]
    else:
        assert cut_after == 0 and stored.version == 1 and p.version == 1
        assert names == ["ProposalDrafted"] and jobs == []
    assert fresh.verify().ok and fresh.recover() == 0
    raw = fresh._c["proposals"].read_item(p.id, partition_key="us-east")
    assert raw["hasPending"] is False and "pending" not in raw


def test_direct_append_during_outage_fails_without_a_gap(cosmos_server):
    store = open_store(cosmos_server)
    store.append(DomainEvent(name="ItemApproved", proposal_id="prop_1", region="us-east", at=T0))
    cosmos_server.outage_after_writes(0)
    with pytest.raises(StoreUnavailable):
        store.append(DomainEvent(name="ItemDeclined", proposal_id="prop_1", region="us-east", at=T0))
    cosmos_server.wait_down()
    cosmos_server.up()
    store.append(DomainEvent(name="ItemEdited", proposal_id="prop_1", region="us-east", at=T0))
    assert [(e.seq, e.event.name) for e in store.entries()] == [(1, "ItemApproved"), (2, "ItemEdited")]
    assert store.verify().ok


def test_next_save_finishes_a_save_cut_after_its_commit_point(cosmos_server):
    store = open_store(cosmos_server)
    p = new_proposal()
    store.add_with_events(p)
    p.record("ItemApproved", item="chg_1")
    cosmos_server.outage_after_writes(1)  # the proposal is replaced, the audit chain is not reached
    store.save_with_events(p)
    cosmos_server.wait_down()
    cosmos_server.up()
    other = open_store(cosmos_server)  # another worker, without a recovery pass first
    later = other.get(p.id)
    later.record("ItemDeclined", item="chg_2")
    other.save_with_events(later)
    rows, _ = other.ledger.entries(p.id)
    assert [r["event"]["name"] for r in rows] == ["ProposalDrafted", "ItemApproved", "ItemDeclined"]
    assert other.verify().ok and other.get(p.id).version == 3
