"""The SnippetIndex port: the embedded FTS5 Retriever, the Cosmos DB index (against an in-memory
container here; the real Cosmos API server is in tests/integration/test_cosmos_snippets.py), ranking
parity between the two, and the recap's fallback when the remote index fails."""
from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import json
import logging
import random
import sqlite3
from pathlib import Path

import pytest

from followup.adapters import cosmos_snippets as cs
from followup.adapters.cosmos_snippets import CosmosSnippetIndex
from followup.bootstrap import bootstrap
from followup.config import Settings
from followup.domain.proposal import RecapDraft
from followup.domain.snapshot import load_snapshot, parse_snapshot
from followup.drafting.model import Extraction
from followup.drafting.recap import draft_recap
from followup.drafting.retrieval import (FallbackIndex, Hit, Retriever, bm25, embedded_index, fts_query, porter, query_terms,
                                         term_weights, tokens)
from followup.drafting.rules import RuleExtractor
from followup.drafting.transcript import load_transcript, parse_transcript
from followup.drafting.voice import Snippet, load_voice
from followup.errors import ConfigError, ProposalNotFound, StoreError, StoreUnavailable

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "scenarios" / "dev"
HOLDOUT = ROOT / "tests" / "fixtures" / "holdout"
VOICE = load_voice()
SNIPPETS = VOICE.snippets


def call_folders() -> list[Path]:
    return sorted(p for d in (DEV, HOLDOUT) if d.is_dir() for p in d.rglob("*") if (p / "crm.json").exists())


# --------------------------------------------------------------------- an in-memory Cosmos container
class FakeContainer:
    """Runs the exact queries CosmosSnippetIndex sends (any other query fails the test); documents
    go through JSON like on the wire. ``fail`` makes every call raise that exception."""

    def __init__(self):
        self.docs: dict[tuple[str, str], dict] = {}
        self.queries: list[tuple[str, dict, str]] = []
        self.writes = 0
        self.fail: BaseException | None = None
        self.rows: list[dict] | None = None  # answer for full-text queries

    def _check(self):
        if self.fail is not None:
            raise self.fail

    def upsert_item(self, body):
        self._check()
        self.writes += 1
        self.docs[(body["region"], body["id"])] = json.loads(json.dumps(body))

    def delete_item(self, item, partition_key):
        self._check()
        self.writes += 1
        del self.docs[(partition_key, item)]

    def query_items(self, query, parameters, partition_key):
        self._check()
        params = {p["name"]: p["value"] for p in parameters}
        self.queries.append((query, params, partition_key))
        assert params["@region"] == partition_key
        docs = [d for (region, _), d in self.docs.items() if region == partition_key]
        if query == cs.LIST_QUERY:
            return iter([{k: d[k] for k in ("id", "kind", "digest")} for d in docs])
        if query == cs.CANDIDATES_QUERY:
            fields = ("id", "kind", "position", "snippet", "tf", "tokens", "snippetCount", "tokenCount")
            hits = [d for d in docs if d["kind"] == "stats" or any(t in params["@terms"] for t in d.get("terms", []))]
            return iter([{k: copy.deepcopy(d[k]) for k in fields if k in d} for d in hits])
        if "ORDER BY RANK FullTextScore" in query and self.rows is not None:
            return iter(self.rows)
        raise AssertionError(f"unexpected query: {query}")


def cosmos_index(playbook=SNIPPETS, region="us-east", **kwargs) -> tuple[CosmosSnippetIndex, FakeContainer]:
    container = FakeContainer()
    return CosmosSnippetIndex(container, region, playbook=playbook, **kwargs), container


# ------------------------------------------------------------------------- tokens and stems = FTS5's
def fts5_tokens(texts: list[str]) -> list[list[str]]:
    """What SQLite's own ``porter unicode61`` tokenizer makes of each text (fts5vocab instances)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
    db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", list(enumerate(texts, 1)))
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    found: dict[int, list[tuple[int, str]]] = {}
    for term, doc, _, offset in db.execute("SELECT term, doc, col, offset FROM v"):
        found.setdefault(doc, []).append((offset, term))
    return [[term for _, term in sorted(found.get(i, []))] for i in range(1, len(texts) + 1)]


SUFFIXES = ["s", "es", "sses", "ies", "eed", "ed", "ing", "ational", "tional", "enci", "anci", "izer", "logi", "bli", "alli",
            "entli", "eli", "ousli", "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti",
            "biliti", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic", "able",
            "ible", "ant", "ement", "ment", "ent", "sion", "tion", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize", "y",
            "ly", "e", "ll", "at", "bl", "iz"]
STEMS = ["", "a", "y", "tr", "oat", "hop", "fil", "conflat", "troubl", "siz", "fail", "fall", "hiss", "fizz", "tann", "feed",
         "agre", "rel", "gener", "digit", "sens", "hope", "roll", "control", "adjust", "depend", "activ", "effect", "homolog",
         "w", "x", "hy", "oy", "café", "naïve", "straße"]


def test_porter_matches_fts5_on_every_rule():
    words = sorted({s + x + tail for s, x, tail in itertools.product(STEMS, SUFFIXES, ("", "s")) if s + x})
    assert [tokens(w) for w in words] == fts5_tokens(words)
    assert porter("questionnaires") == "questionnair" and porter("pricing") == porter("price") == "price"
    assert porter("be") == "be"  # under three bytes: not stemmed


def test_tokens_match_fts5_on_the_playbook_and_the_labelled_calls():
    texts = [s.text for s in SNIPPETS] + ["Café naïve ÉCOLE straße 3.5 don't 2nd_gen"]
    texts += [next(f.glob("transcript.*")).read_text(encoding="utf-8") for f in call_folders()]
    assert sum(map(len, fts5_tokens(texts))) > 10000
    assert [tokens(t) for t in texts] == fts5_tokens(texts)


def test_query_terms_keep_one_term_per_query_word_like_fts_query():
    assert fts_query("Pricing and the price, PRICE") == '"pricing" OR "price"'
    assert query_terms("Pricing and the price, PRICE") == ["price", "price"]  # two FTS5 phrases, one stem
    assert query_terms("the and of a") == [] and query_terms("") == []


def test_bm25_with_no_candidates_or_empty_corpus():
    assert bm25(["price"], [], 10, 100) == []
    assert bm25(["price"], [({"price": 1.0}, 3)], 0, 0) == [0.0]


# ------------------------------------------------------------------------------------ ranking parity
def parity_queries() -> list[str]:
    queries = []
    for s in SNIPPETS:
        queries += [s.title, " ".join(s.triggers), s.recap_line, s.guidance, *s.triggers]
    vocabulary = [w for s in SNIPPETS for w in s.text.split()]
    rng = random.Random(20261117)
    queries += [" ".join(rng.sample(vocabulary, rng.randint(1, 12))) for _ in range(300)]
    return queries + ["budget frozen CFO approval", "too expensive cheaper competitor", "GDPR data residency",
                      "security questionnaire for our CISO", "failed project migration took two years", "café naïve"]


class Recording:
    def __init__(self, inner):
        self.inner, self.queries = inner, []

    def search(self, query, k=3):
        self.queries.append((query, k))
        return self.inner.search(query, k)


@functools.lru_cache(maxsize=1)
def recap_queries() -> list[tuple[str, int]]:
    """The searches the recap makes on every labelled call."""
    recording = Recording(Retriever(SNIPPETS))
    for folder in call_folders():
        transcript = load_transcript(next(folder.glob("transcript.*")))
        snapshot = load_snapshot(folder / "crm.json")
        draft_recap(RuleExtractor().extract(transcript, snapshot), snapshot, transcript, index=recording)
    return list(recording.queries)


def ranking(index, query: str, k: int) -> list[tuple[str, float]]:
    return [(h.snippet.id, h.score) for h in index.search(query, k)]


def test_cosmos_ranking_equals_fts5_on_the_shipped_playbook():
    fts5 = Retriever(SNIPPETS)
    cosmos, _ = cosmos_index()
    queries = [(q, k) for q in parity_queries() for k in (1, 20)] + recap_queries()
    assert len(queries) > 800
    differing = [(q, k) for q, k in queries if ranking(cosmos, q, k) != ranking(fts5, q, k)]
    assert differing == []  # same ids, same order (ties by playbook position), same scores to the bit
    assert ranking(cosmos, "security questionnaire for our CISO", 3)[0][0] == "faq/security-review-and-questionnaires"
    scores = [score for _, score in ranking(cosmos, "budget price integration competitor", 20)]
    assert len(scores) >= 4 and scores == sorted(scores, reverse=True) and scores[-1] > 0


def test_recap_queries_cover_the_playbook():
    queries = recap_queries()
    assert len(queries) >= 20
    found = {h.snippet.id for q, k in queries for h in Retriever(SNIPPETS).search(q, k)}
    assert len(found) >= 8


def test_drafts_with_the_cosmos_index_equal_the_default_drafts():
    cosmos, _ = cosmos_index()
    for folder in call_folders()[:12]:
        transcript = load_transcript(next(folder.glob("transcript.*")))
        snapshot = load_snapshot(folder / "crm.json")
        extraction = RuleExtractor().extract(transcript, snapshot)
        assert draft_recap(extraction, snapshot, transcript, index=cosmos).body == draft_recap(extraction, snapshot, transcript).body


# ------------------------------------------------------------------------------------- embedded index
def test_embedded_index_is_built_once_per_voice_value():
    assert embedded_index(VOICE) is embedded_index(load_voice())
    assert embedded_index(dataclasses.replace(VOICE)) is embedded_index(VOICE)  # equal voice, same index
    fewer = dataclasses.replace(VOICE, snippets=SNIPPETS[:3])
    assert embedded_index(fewer) is not embedded_index(VOICE)
    assert {h.snippet.id for h in embedded_index(fewer).search(" ".join(s.text for s in SNIPPETS), 20)} == {s.id for s in SNIPPETS[:3]}


def test_retriever_and_cosmos_index_answer_nothing_for_empty_queries():
    cosmos, container = cosmos_index()
    for index in (Retriever(SNIPPETS), cosmos):
        assert index.search("", 3) == [] and index.search("the and of", 3) == [] and index.search("price", 0) == []
        assert index.search("zebra", 3) == []
    assert [q for q, _, _ in container.queries] == [cs.LIST_QUERY, cs.CANDIDATES_QUERY]  # empty queries never reach Cosmos


# ------------------------------------------------------------------------------------ Cosmos adapter
def test_sync_is_idempotent_and_removes_snippets_no_longer_in_the_playbook():
    index, container = cosmos_index(playbook=None)
    assert index.sync(SNIPPETS) == {"written": len(SNIPPETS), "deleted": 0, "unchanged": 0}
    writes = container.writes
    assert index.sync(SNIPPETS) == {"written": 0, "deleted": 0, "unchanged": len(SNIPPETS)}
    assert container.writes == writes  # nothing rewritten

    changed = dataclasses.replace(SNIPPETS[1], recap_line="We can walk through the budget options with you.")
    playbook = (SNIPPETS[0], changed, *SNIPPETS[2:-1])  # one changed, the last one gone
    assert index.sync(playbook) == {"written": 1, "deleted": 1, "unchanged": len(SNIPPETS) - 2}
    stored = {d["snippet"]["id"]: d for d in container.docs.values() if d["kind"] == "snippet"}
    assert set(stored) == {s.id for s in playbook}
    assert stored[changed.id]["snippet"]["recap_line"] == changed.recap_line
    stats = container.docs[("us-east", cs.STATS_ID)]
    assert stats["snippetCount"] == len(playbook) and stats["tokenCount"] == sum(term_weights(s)[1] for s in playbook)
    for query in (SNIPPETS[-1].title, SNIPPETS[1].title, "budget options"):
        assert ranking(index, query, 5) == ranking(Retriever(playbook), query, 5)
    assert SNIPPETS[-1].id not in [i for i, _ in ranking(index, SNIPPETS[-1].title + " " + SNIPPETS[-1].recap_line, 20)]
    moved = (SNIPPETS[1], *SNIPPETS[2:], SNIPPETS[0])  # a new order rewrites what moved (the tie order)
    assert index.sync(moved)["unchanged"] == 0
    assert ranking(index, "the and budget price security", 20) == ranking(Retriever(moved), "the and budget price security", 20)


def test_documents_carry_region_terms_weights_and_an_id_cosmos_accepts():
    doc = cs.snippet_document(SNIPPETS[0], 0, "eu-west")
    assert doc["id"] == "snippet." + SNIPPETS[0].id.replace("/", "_") and not set(doc["id"]) & set("/\\?#")
    assert doc["region"] == "eu-west" and doc["kind"] == "snippet" and doc["position"] == 0
    weights, length = term_weights(SNIPPETS[0])
    assert doc["tf"] == weights and doc["terms"] == sorted(weights) and doc["tokens"] == length
    assert weights["secur"] == 2.0 + 3.0 * 2 + 1.0 * 3  # title once (x2), triggers twice (x3), body three times
    assert doc["text"].count(SNIPPETS[0].title) == 2
    assert cs.snippet_document(SNIPPETS[0], 0, "eu-west")["digest"] == doc["digest"]
    assert cs.snippet_document(SNIPPETS[0], 1, "eu-west")["digest"] != doc["digest"]


def test_first_search_syncs_the_playbook_once_and_queries_only_its_own_partition():
    index, container = cosmos_index(region="eu-west")
    assert ranking(index, "GDPR data residency", 1)[0][0] == "faq/data-residency-and-eu-hosting"
    index.search("price", 3)
    lists = [q for q, _, _ in container.queries if q == cs.LIST_QUERY]
    assert len(lists) == 1 and {pk for _, _, pk in container.queries} == {"eu-west"}
    assert {region for region, _ in container.docs} == {"eu-west"}
    _, params, _ = container.queries[-1]
    assert params == {"@terms": ["price"], "@region": "eu-west"}


def test_a_failed_first_sync_is_tried_again_on_the_next_search():
    from azure.core.exceptions import ServiceRequestError

    index, container = cosmos_index()
    container.fail = ServiceRequestError("connection refused")
    with pytest.raises(StoreUnavailable):
        index.search("price", 3)
    container.fail = None
    assert ranking(index, "price", 1)[0][0] == "objections/price-is-higher-than-the-alternative"


def test_the_index_opens_its_container_on_first_use():
    container = FakeContainer()
    opened = []
    index = CosmosSnippetIndex(None, "us-east", opener=lambda: opened.append(1) or container, playbook=SNIPPETS)
    assert opened == []
    index.search("price", 1)
    index.search("budget", 1)
    assert opened == [1]
    with pytest.raises(TypeError):
        CosmosSnippetIndex(None, "us-east")


def cosmos_error(status: int):
    from azure.cosmos.exceptions import CosmosHttpResponseError

    return CosmosHttpResponseError(status_code=status, message=f"status {status}")


@pytest.mark.parametrize("error, expected, retryable", [
    (lambda: cosmos_error(503), StoreUnavailable, True),
    (lambda: cosmos_error(429), StoreUnavailable, True),
    (lambda: cosmos_error(404), StoreError, False),
    (lambda: cosmos_error(400), StoreError, False),
    (lambda: cosmos_error(403), ConfigError, False),
    (lambda: __import__("azure.core.exceptions", fromlist=["x"]).ServiceRequestError("refused"), StoreUnavailable, True),
    (lambda: ConnectionResetError("reset"), StoreUnavailable, True),
])
def test_sdk_errors_leave_as_product_errors(error, expected, retryable):
    index, container = cosmos_index()
    index.sync(SNIPPETS)
    container.fail = error()
    for call in (lambda: index.search("price", 3), lambda: index.sync(SNIPPETS)):
        with pytest.raises(expected) as info:
            call()
        assert not isinstance(info.value, ProposalNotFound)
        assert info.value.retryable is retryable and info.value.__cause__ is container.fail
        assert "us-east" in str(info.value)


def test_malformed_documents_and_a_missing_stats_document_are_store_errors():
    index, container = cosmos_index()
    index.sync(SNIPPETS)
    del container.docs[("us-east", cs.STATS_ID)]
    with pytest.raises(StoreError, match="no stats document"):
        index.search("price", 3)
    index.sync(SNIPPETS)
    doc = next(d for d in container.docs.values() if d["kind"] == "snippet" and "price" in d["terms"])
    del doc["tf"]
    with pytest.raises(StoreError, match="malformed"):
        index.search("price", 3)


def test_programming_errors_are_not_disguised_as_store_errors():
    index, container = cosmos_index()
    container.fail = RuntimeError("bug")
    with pytest.raises(RuntimeError):
        index.search("price", 3)


# ------------------------------------------------------------------------ native full-text (Azure only)
def test_fulltext_mode_sends_a_parameterized_full_text_query():
    index, container = cosmos_index(fulltext=True, playbook=None)
    index.sync(SNIPPETS)
    docs = {d["snippet"]["id"]: d for d in container.docs.values() if d["kind"] == "snippet"}
    container.rows = [{k: docs[i][k] for k in ("id", "position", "snippet")}
                      for i in ("faq/security-review-and-questionnaires", "faq/legal-redlines-and-contract-terms")]
    hits = index.search("The security questionnaire for our CISO", 5)
    query, params, partition = container.queries[-1]
    assert query == ("SELECT TOP 5 c.id, c.position, c.snippet FROM c WHERE c.region = @region AND c.kind = 'snippet' "
                     "AND FullTextContainsAny(c.text, @w0, @w1, @w2) ORDER BY RANK FullTextScore(c.text, @w0, @w1, @w2)")
    assert params == {"@w0": "security", "@w1": "questionnaire", "@w2": "ciso", "@region": "us-east"} and partition == "us-east"
    assert [(h.snippet.id, h.score) for h in hits] == [("faq/security-review-and-questionnaires", 1.0),
                                                       ("faq/legal-redlines-and-contract-terms", 0.5)]
    assert index.search("the and of", 3) == [] and len(container.queries) == 2


def test_fulltext_container_policy():
    assert cs.container_options(True) == {
        "indexing_policy": {
            "indexingMode": "consistent", "automatic": True, "includedPaths": [{"path": "/*"}],
            "excludedPaths": [{"path": '/"_etag"/?'}, {"path": "/tf/*"}, {"path": "/snippet/*"}],
            "fullTextIndexes": [{"path": "/text"}],
        },
        "full_text_policy": {"defaultLanguage": "en-US", "fullTextPaths": [{"path": "/text", "language": "en-US"}]},
    }
    assert "full_text_policy" not in cs.container_options(False)
    assert "fullTextIndexes" not in cs.container_options(False)["indexing_policy"]


# ------------------------------------------------------------------------- fallback and the recap
class Broken:
    def __init__(self, error):
        self.error, self.calls = error, 0

    def search(self, query, k=3):
        self.calls += 1
        raise self.error


def test_fallback_index_logs_and_answers_from_the_embedded_index(caplog):
    broken = Broken(StoreUnavailable("searching the playbook (eu-west): Cosmos DB unreachable"))
    with caplog.at_level(logging.WARNING, logger="followup.drafting.retrieval"):
        hits = FallbackIndex(broken, lambda: Retriever(SNIPPETS)).search("budget frozen", 2)
    assert [h.snippet.id for h in hits] == [h.snippet.id for h in Retriever(SNIPPETS).search("budget frozen", 2)]
    [record] = caplog.records
    assert record.levelno == logging.WARNING and record.snippet_index_fallback == "Broken"
    assert "embedded FTS5" in record.getMessage() and "StoreUnavailable" in record.getMessage()


def test_fallback_index_lets_programming_errors_through():
    with pytest.raises(ZeroDivisionError):
        FallbackIndex(Broken(ZeroDivisionError()), lambda: Retriever(SNIPPETS)).search("budget", 2)


SNAPSHOT = parse_snapshot({
    "Account": {"Id": "001A", "Name": "Kunde GmbH", "BillingCountry": "DE"},
    "Opportunity": {"Id": "006A", "Name": "Kunde - Platform", "StageName": "Qualification"},
    "Contacts": [{"Id": "003A", "Name": "Carla Jimenez", "Email": "carla@kunde.example", "Title": "CISO"}],
    "call": {"date": "2026-11-17", "rep": {"name": "Priya Shah", "email": "priya@vendor.example"}},
})
TRANSCRIPT = parse_transcript(
    "Carla Jimenez: Before we sign, our CISO needs the security questionnaire answered.\n"
    "Carla Jimenez: And GDPR matters to us: where is the data hosted? We need EU hosting.\n"
    "Priya Shah: Understood. I will send the security questionnaire answers by Friday.\n")


@pytest.mark.parametrize("error", [StoreUnavailable("down"), StoreError("400"), ConfigError("403")])
def test_recap_falls_back_to_the_embedded_index_when_the_index_fails(error, caplog):
    extraction = RuleExtractor().extract(TRANSCRIPT, SNAPSHOT)
    expected = draft_recap(extraction, SNAPSHOT, TRANSCRIPT)
    assert "Our security team can work through your questionnaire" in expected.body
    broken = Broken(error)
    with caplog.at_level(logging.WARNING, logger="followup.drafting.retrieval"):
        draft = draft_recap(extraction, SNAPSHOT, TRANSCRIPT, index=broken)
    assert draft.body == expected.body and broken.calls == 1
    assert [r.snippet_index_fallback for r in caplog.records] == ["Broken"]


def test_recap_quotes_the_voice_wording_whatever_copy_the_index_holds():
    stale = tuple(dataclasses.replace(s, recap_line="We guarantee everything!") for s in SNIPPETS)
    extraction = RuleExtractor().extract(TRANSCRIPT, SNAPSHOT)
    draft = draft_recap(extraction, SNAPSHOT, TRANSCRIPT, index=Retriever(stale))
    assert draft.body == draft_recap(extraction, SNAPSHOT, TRANSCRIPT).body and "guarantee" not in draft.body


def test_recap_uses_the_given_index():
    recording = Recording(Retriever(SNIPPETS))
    draft_recap(Extraction(attendees=["Carla Jimenez"]), SNAPSHOT, TRANSCRIPT, index=recording)
    [(query, k)] = recording.queries
    assert "security questionnaire" in query and k > 2


# ----------------------------------------------------------------------------------- wiring
def test_factory_gives_each_region_its_own_account_and_none_without_an_endpoint():
    settings = Settings(cosmos_key="a2V5", cosmos_endpoint_eu_west="https://eu.example:8081/", snippet_search="fulltext")
    factory = cs.cosmos_snippet_index_factory(settings, playbook=lambda: SNIPPETS[:2])
    assert factory("us-east") is None
    eu = factory("eu-west")  # no network: the container is opened on first search
    assert isinstance(eu, CosmosSnippetIndex) and eu.region == "eu-west" and eu.fulltext
    assert eu._pending == SNIPPETS[:2]


def test_bootstrap_uses_cosmos_only_where_a_region_endpoint_is_set(tmp_path):
    plain = bootstrap(Settings(data_dir=tmp_path))
    assert plain.snippet_index("us-east") is None and plain.snippet_index("eu-west") is None
    app = bootstrap(Settings(data_dir=tmp_path, cosmos_key="a2V5", cosmos_endpoint_eu_west="https://eu.example:8081/"))
    assert app.snippet_index("us-east") is None
    eu = app.snippet_index("eu-west")
    assert isinstance(eu, CosmosSnippetIndex) and eu.region == "eu-west" and app.snippet_index("eu-west") is eu
    assert eu._pending == SNIPPETS and not eu.fulltext


def test_app_recaps_search_the_index_of_the_accounts_region(tmp_path):
    indexes, asked = {}, []

    def factory(region):
        asked.append(region)
        indexes[region] = Recording(Retriever(SNIPPETS))
        return indexes[region]

    app = bootstrap(Settings(data_dir=tmp_path), snippet_index_factory=factory)
    us = SNAPSHOT.model_copy(deep=True)
    us.Account.BillingCountry = "US"
    for snapshot in (SNAPSHOT, us, SNAPSHOT):
        draft = app.draft_recap(RuleExtractor().extract(TRANSCRIPT, snapshot), snapshot, TRANSCRIPT)
        assert "Our security team" in draft.body
    assert asked == ["eu-west", "us-east"]  # one index per region, built on first use
    assert len(indexes["eu-west"].queries) == 2 and len(indexes["us-east"].queries) == 1


def test_custom_recap_drafters_are_called_as_before(tmp_path):
    calls = []
    app = bootstrap(Settings(data_dir=tmp_path, cosmos_key="a2V5", cosmos_endpoint_eu_west="https://eu.example:8081/"),
                    recap_drafter=lambda e, s, t: calls.append(1) or RecapDraft(subject="Recap", body="Hi"))
    assert app.draft_recap(Extraction(), SNAPSHOT, TRANSCRIPT).body == "Hi" and calls == [1]


def test_hit_is_the_port_result_type():
    hit = Retriever(SNIPPETS).search("budget", 1)[0]
    assert isinstance(hit, Hit) and isinstance(hit.snippet, Snippet) and hit.score > 0
