"""The recap's playbook search in Cosmos DB, against a real Cosmos DB NoSQL API server on loopback
(``cosmos_server.js``, built on @vercel/cosmosdb-server): sync, search with the same ranking as the
embedded FTS5 index, re-sync, residency (an EU call searches only the EU account) and outages
(translated errors; the recap falls back to the embedded index)."""
from __future__ import annotations

import dataclasses
import logging
import uuid

import pytest

from followup.adapters.cosmos_snippets import CONTAINER, STATS_ID, CosmosSnippetIndex
from followup.adapters.sandbox_crm import SandboxCrm
from followup.bootstrap import bootstrap
from followup.config import Settings
from followup.domain.snapshot import parse_snapshot
from followup.drafting.recap import draft_recap
from followup.drafting.retrieval import Retriever
from followup.drafting.rules import RuleExtractor
from followup.drafting.transcript import parse_transcript
from followup.drafting.voice import load_voice
from followup.errors import StoreError, StoreUnavailable
from tests.integration.cosmos_server import KEY, CosmosServer

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:Unverified HTTPS request")]
SNIPPETS = load_voice().snippets
QUERIES = ["security questionnaire for our CISO", "budget frozen CFO approval sign-off", "too expensive cheaper price per user",
           "GDPR data residency EU hosting", "failed project integration migration took two years",
           "competitor shortlist evaluation parent company", "reschedule go-live summer shutdown",
           "not sure nice to have other priorities", "redlines MSA liability", "case study reference call",
           "expansion second site more users", "price pricing priced", "zebra"]
LOG = "followup.drafting.retrieval"




def new_db() -> str:
    return f"db{uuid.uuid4().hex[:12]}"


def open_index(cosmos_server: CosmosServer, region: str = "us-east", database: str | None = None, **kwargs) -> CosmosSnippetIndex:
    return CosmosSnippetIndex.connect(cosmos_server.endpoint, KEY, database or new_db(), region, create=True, **kwargs)


def snippet_docs(cosmos_server: CosmosServer, database: str) -> list[dict]:
    """Every document of the snippets container, asked directly and across partitions ([] when the
    database or the container was never created)."""
    from azure.cosmos import CosmosClient
    from azure.cosmos.exceptions import CosmosResourceNotFoundError

    container = CosmosClient(cosmos_server.endpoint, credential=KEY).get_database_client(database).get_container_client(CONTAINER)
    try:
        return list(container.query_items("SELECT c.id, c.region, c.kind FROM c", enable_cross_partition_query=True))
    except CosmosResourceNotFoundError:
        return []


def fallbacks(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOG]


def ranking(index, query: str, k: int = 20) -> list[tuple[str, float]]:
    return [(h.snippet.id, h.score) for h in index.search(query, k)]


# ----------------------------------------------------------------------------------- sync and search
def test_sync_then_search_ranks_like_the_embedded_index(cosmos_servers):
    database = new_db()
    index = open_index(cosmos_servers["us-east"], database=database)
    assert index.sync(SNIPPETS) == {"written": len(SNIPPETS), "deleted": 0, "unchanged": 0}
    assert index.sync(SNIPPETS) == {"written": 0, "deleted": 0, "unchanged": len(SNIPPETS)}
    fts5 = Retriever(SNIPPETS)
    queries = QUERIES + [s.title for s in SNIPPETS] + [" ".join(s.triggers) for s in SNIPPETS] + [s.recap_line for s in SNIPPETS]
    for query in queries:
        for k in (1, 20):
            assert ranking(index, query, k) == ranking(fts5, query, k), query
    assert ranking(index, "security questionnaire for our CISO", 1)[0][0] == "faq/security-review-and-questionnaires"
    assert index.search("zebra", 3) == [] and index.search("the and of", 3) == []
    docs = snippet_docs(cosmos_servers["us-east"], database)
    assert len(docs) == len(SNIPPETS) + 1 and {d["region"] for d in docs} == {"us-east"}


def test_resync_updates_changed_and_removes_stale_snippets(cosmos_servers):
    database = new_db()
    index = open_index(cosmos_servers["us-east"], database=database, playbook=SNIPPETS)
    assert ranking(index, "budget frozen", 1)[0][0] == "objections/budget-is-frozen-or-needs-approval"  # synced on first use
    changed = dataclasses.replace(SNIPPETS[0], recap_line="Our zeppelin team can answer the questionnaire with you.")
    playbook = (changed, *SNIPPETS[1:-1])
    assert index.sync(playbook) == {"written": 1, "deleted": 1, "unchanged": len(SNIPPETS) - 2}
    ids = {d["id"] for d in snippet_docs(cosmos_servers["us-east"], database)}
    assert len(ids) == len(playbook) + 1 and STATS_ID in ids
    assert not any(SNIPPETS[-1].id.split("/")[-1] in i for i in ids)
    [hit] = index.search("zeppelin", 3)
    assert hit.snippet.recap_line == changed.recap_line
    for query in QUERIES + [SNIPPETS[-1].title]:
        assert ranking(index, query) == ranking(Retriever(playbook), query), query

    again = open_index(cosmos_servers["us-east"], database=database)  # another worker with the old playbook
    assert again.sync(SNIPPETS) == {"written": 2, "deleted": 0, "unchanged": len(SNIPPETS) - 2}
    assert ranking(again, SNIPPETS[-1].title) == ranking(Retriever(SNIPPETS), SNIPPETS[-1].title)


# -------------------------------------------------------------------------------------- residency
DE = parse_snapshot({
    "Account": {"Id": "001EU", "Name": "Kunde GmbH", "BillingCountry": "DE"},
    "Opportunity": {"Id": "006EU", "Name": "Kunde - Platform", "StageName": "Qualification", "CloseDate": "2026-12-18"},
    "Contacts": [{"Id": "003EU", "Name": "Carla Jimenez", "Email": "carla@kunde.example", "Title": "CISO"}],
    "call": {"date": "2026-11-17", "rep": {"name": "Priya Shah", "email": "priya@vendor.example", "user_id": "rep-1"}},
})
US = parse_snapshot({**DE.model_dump(mode="json"), "Account": {"Id": "001US", "Name": "Acme", "BillingCountry": "US"},
                     "Opportunity": {"Id": "006US", "Name": "Acme - Platform", "StageName": "Qualification", "CloseDate": "2026-12-18"},
                     "Contacts": [{"Id": "003US", "Name": "Carla Jimenez", "Email": "carla@acme.example", "Title": "CISO"}]})
CALL = ("Carla Jimenez: Before we sign, our CISO needs the security questionnaire answered.\n"
        "Carla Jimenez: And GDPR matters to us: we need EU hosting for the data.\n"
        "Priya Shah: Understood. I will send the security questionnaire answers by Friday.\n")
SECURITY_LINE = "Our security team can work through your questionnaire"
EU_LINE = "We can host your data in our EU region"


def app_for(tmp_path, settings_servers: dict[str, CosmosServer], database: str):
    settings = Settings(data_dir=tmp_path, cosmos_key=KEY, cosmos_database=database,
                        **{f"cosmos_endpoint_{r.replace('-', '_')}": s.endpoint for r, s in settings_servers.items()})
    return bootstrap(settings, crm=SandboxCrm(tmp_path / "crm.sqlite"))  # sqlite stores; Cosmos only for the playbook


def test_an_eu_call_searches_only_the_eu_account(cosmos_servers, tmp_path, caplog):
    database = new_db()
    app = app_for(tmp_path, cosmos_servers, database)
    with caplog.at_level(logging.WARNING, logger=LOG):
        eu = app.ingest(CALL, DE)
        assert eu.region == "eu-west" and SECURITY_LINE in eu.recap.body and EU_LINE in eu.recap.body
        assert {d["region"] for d in snippet_docs(cosmos_servers["eu-west"], database)} == {"eu-west"}
        assert snippet_docs(cosmos_servers["us-east"], database) == []  # the US account was not touched

        us = app.ingest(CALL, US)
        assert us.region == "us-east" and SECURITY_LINE in us.recap.body and EU_LINE not in us.recap.body
    assert fallbacks(caplog) == []  # no fallback: both recaps came from Cosmos
    eu_docs, us_docs = snippet_docs(cosmos_servers["eu-west"], database), snippet_docs(cosmos_servers["us-east"], database)
    assert len(eu_docs) == len(us_docs) == len(SNIPPETS) + 1
    assert {d["region"] for d in eu_docs} == {"eu-west"} and {d["region"] for d in us_docs} == {"us-east"}
    assert app.snippet_index("eu-west") is not app.snippet_index("us-east")


def test_an_eu_recap_does_not_use_the_us_account_even_when_only_that_one_is_up(cosmos_server, tmp_path, caplog):
    eu_server = CosmosServer()
    try:
        database = new_db()
        app = app_for(tmp_path, {"us-east": cosmos_server, "eu-west": eu_server}, database)
        eu_server.down()
        with caplog.at_level(logging.WARNING, logger=LOG):
            eu = app.ingest(CALL, DE)
        assert SECURITY_LINE in eu.recap.body  # from the embedded index
        [record] = fallbacks(caplog)
        assert record.snippet_index_fallback == "CosmosSnippetIndex" and "eu-west" in record.getMessage()
        assert snippet_docs(cosmos_server, database) == []
    finally:
        eu_server.stop()


# ---------------------------------------------------------------------------------------- outages
def test_outage_is_a_retryable_store_unavailable_and_the_recap_falls_back(cosmos_server, caplog):
    index = open_index(cosmos_server, playbook=SNIPPETS)
    extraction = RuleExtractor().extract(parse_transcript(CALL), DE)
    transcript = parse_transcript(CALL)
    expected = draft_recap(extraction, DE, transcript)
    assert draft_recap(extraction, DE, transcript, index=index).body == expected.body  # synced, searched in Cosmos
    cosmos_server.down()
    with pytest.raises(StoreUnavailable, match=r"searching the playbook \(us-east\): Cosmos DB unreachable") as info:
        index.search("security questionnaire", 3)
    assert info.value.retryable
    with caplog.at_level(logging.WARNING, logger=LOG):
        draft = draft_recap(extraction, DE, transcript, index=index)
    assert draft.body == expected.body and SECURITY_LINE in draft.body
    [record] = fallbacks(caplog)
    assert record.levelno == logging.WARNING and "StoreUnavailable" in record.getMessage()
    cosmos_server.up()
    assert ranking(index, "security questionnaire", 1)[0][0] == "faq/security-review-and-questionnaires"


def test_first_use_during_an_outage_falls_back_then_syncs_once_the_account_is_back(cosmos_server, tmp_path, caplog):
    database = new_db()
    app = app_for(tmp_path, {"us-east": cosmos_server}, database)
    cosmos_server.down()
    with caplog.at_level(logging.WARNING, logger=LOG):
        first = app.ingest(CALL, US)
    assert SECURITY_LINE in first.recap.body and len(fallbacks(caplog)) == 1
    cosmos_server.up()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger=LOG):
        second = app.ingest(CALL, US)
    assert second.recap.body == first.recap.body and fallbacks(caplog) == []
    assert len(snippet_docs(cosmos_server, database)) == len(SNIPPETS) + 1


def test_a_missing_container_is_a_store_error_not_a_missing_proposal(cosmos_server):
    CosmosSnippetIndex.connect(cosmos_server.endpoint, KEY, "followup", "us-east", create=True).sync(SNIPPETS[:1])  # the database exists
    index = CosmosSnippetIndex.connect(cosmos_server.endpoint, KEY, "other", "us-east", create=False, playbook=SNIPPETS)
    with pytest.raises(StoreError, match="not found") as info:
        index.search("budget", 3)
    assert type(info.value) is StoreError
