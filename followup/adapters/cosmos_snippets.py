"""Playbook search in the region's Cosmos DB account (``SnippetIndex`` of ``followup.drafting.retrieval``).

Container ``snippets`` of database ``settings.cosmos_database``, partitioned on ``/region`` like the
store's containers; every document carries the region of its account. It holds one document per
snippet and one ``stats`` document:

- snippet: the snippet itself (``snippet``), its ``position`` in the playbook (the tie order), its
  stems (``terms``, every stem of its text: FTS5's ``porter unicode61`` tokens, computed by
  ``retrieval.tokens``), the column-weighted frequency of each stem (``tf``), its length in tokens
  (``tokens``), a ``text`` field for the native full-text mode, and a ``digest`` of all of it.
- stats: how many snippets the playbook has and how many tokens they hold together.

``bm25`` mode (default; runs on any Cosmos DB NoSQL API, including the loopback test server): one
parameterized query fetches the stats document and every snippet holding any stem of the query
(``EXISTS`` over ``terms`` with ``ARRAY_CONTAINS(@terms, t)``), and the candidates are ranked here
with ``retrieval.bm25``. A stem's document frequency is exact, since every snippet that holds it is a
candidate, so the scores and the order (ties by playbook position) are those of the embedded FTS5
``Retriever``.

``fulltext`` mode (``FOLLOWUP_SNIPPET_SEARCH=fulltext``, real Azure accounts only): the container is
created with ``FULLTEXT_POLICY`` and a full-text index on ``/text``, and Cosmos DB ranks with
``ORDER BY RANK FullTextScore(...)`` (``fulltext_query``). Its tokenizer, stemmer, stop words and
BM25 are Cosmos DB's, and ``text`` repeats the title twice and the trigger phrases three times to
approximate the FTS5 column weights, so rankings can differ from the embedded index; ``FullTextScore``
cannot be projected, so ``Hit.score`` is ``1 / rank``. The loopback ``@vercel/cosmosdb-server`` cannot
run this mode (it has no full-text functions or policies); only the query and the policies sent are
tested here.

``sync`` writes only what changed (compared by digest) and deletes snippets no longer in the
playbook. Failures leave as ``followup.errors`` (``StoreUnavailable``, ``StoreError``, ``ConfigError``);
``retrieval.FallbackIndex`` then answers from the embedded index.
"""
from __future__ import annotations

import hashlib
import json
import threading
from typing import Any, Callable, Iterable

from followup.adapters.cosmos_errors import boundary, status_of, translate
from followup.adapters.cosmos_records import safe_id
from followup.drafting.retrieval import WEIGHTS, Hit, bm25, query_terms, query_words, snippet_columns, term_weights
from followup.drafting.voice import Snippet
from followup.errors import ConfigError, FollowupError, ProposalNotFound, StoreError


CONTAINER = "snippets"
STATS_ID = "stats"
SCHEMA = 1  # bump when documents are built differently: the next sync rewrites them all
LANGUAGE = "en-US"

LIST_QUERY = "SELECT c.id, c.kind, c.digest FROM c WHERE c.region = @region"
CANDIDATES_QUERY = (
    "SELECT c.id, c.kind, c.position, c.snippet, c.tf, c.tokens, c.snippetCount, c.tokenCount FROM c "
    "WHERE c.region = @region AND (c.kind = 'stats' OR EXISTS(SELECT VALUE t FROM t IN c.terms WHERE ARRAY_CONTAINS(@terms, t)))"
)
# range indexes only where queries filter; stem frequencies and the snippet text are never filtered on
INDEXING_POLICY = {
    "indexingMode": "consistent",
    "automatic": True,
    "includedPaths": [{"path": "/*"}],
    "excludedPaths": [{"path": '/"_etag"/?'}, {"path": "/tf/*"}, {"path": "/snippet/*"}],
}
FULLTEXT_POLICY = {"defaultLanguage": LANGUAGE, "fullTextPaths": [{"path": "/text", "language": LANGUAGE}]}
FULLTEXT_INDEXING_POLICY = {**INDEXING_POLICY, "fullTextIndexes": [{"path": "/text"}]}


def container_options(fulltext: bool) -> dict[str, Any]:
    """Keyword arguments of ``create_container_if_not_exists`` for the snippets container."""
    if fulltext:
        return {"indexing_policy": FULLTEXT_INDEXING_POLICY, "full_text_policy": FULLTEXT_POLICY}
    return {"indexing_policy": INDEXING_POLICY}


def fulltext_query(k: int, words: int) -> str:
    """The native full-text query for ``words`` query words (parameters ``@w0`` ...); not runnable on
    the loopback test server."""
    names = ", ".join(f"@w{i}" for i in range(words))
    return (f"SELECT TOP {int(k)} c.id, c.position, c.snippet FROM c "
            f"WHERE c.region = @region AND c.kind = 'snippet' AND FullTextContainsAny(c.text, {names}) "
            f"ORDER BY RANK FullTextScore(c.text, {names})")


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def document_id(snippet_id: str) -> str:
    return "snippet." + safe_id(snippet_id)


def snippet_document(snippet: Snippet, position: int, region: str) -> dict:
    """The Cosmos DB document of one playbook snippet."""
    tf, length = term_weights(snippet)
    columns = snippet_columns(snippet)
    repeat = {name: int(weight) for name, weight in WEIGHTS}
    text = " ".join(" ".join([columns[name]] * repeat[name]) for name, _ in WEIGHTS)
    doc = {
        "id": document_id(snippet.id), "kind": "snippet", "region": region, "schema": SCHEMA, "position": position,
        "snippet": {"id": snippet.id, "title": snippet.title, "triggers": list(snippet.triggers),
                    "recap_line": snippet.recap_line, "guidance": snippet.guidance, "source": snippet.source},
        "terms": sorted(tf), "tf": tf, "tokens": length, "text": text,
    }
    doc["digest"] = _digest(doc)
    return doc


def stats_document(docs: list[dict], region: str) -> dict:
    doc = {"id": STATS_ID, "kind": "stats", "region": region, "schema": SCHEMA, "snippetCount": len(docs),
           "tokenCount": sum(d["tokens"] for d in docs), "snippets": sorted((d["id"], d["digest"]) for d in docs)}
    doc["digest"] = _digest(doc)
    return doc


def _snippet(doc: dict) -> Snippet:
    s = doc["snippet"]
    return Snippet(id=s["id"], title=s["title"], triggers=tuple(s["triggers"]), recap_line=s["recap_line"],
                   guidance=s["guidance"], source=s["source"])


def _translate(exc: BaseException, what: str) -> FollowupError:
    error = translate(exc, what)
    if isinstance(error, ProposalNotFound):  # 404 on a query: the database or the container is missing
        return StoreError(f"{what}: Cosmos DB database or container {CONTAINER!r} not found (infra creates it; "
                          "with an account key it is created on first use)")
    return error


class CosmosSnippetIndex:
    """``SnippetIndex`` over the ``snippets`` container of one region's account.

    ``container``: the container client, or None with ``opener``, a function that opens it on first
    use (so that building the index needs no network). ``playbook``: snippets to ``sync`` before the
    first search.
    """

    def __init__(self, container: Any, region: str, *, opener: Callable[[], Any] | None = None,
                 playbook: Iterable[Snippet] | None = None, fulltext: bool = False):
        if container is None and opener is None:
            raise TypeError("CosmosSnippetIndex needs a container or an opener")
        self.region = region
        self.fulltext = fulltext
        self._open = opener
        self._container = container
        self._pending = tuple(playbook) if playbook is not None else None
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, endpoint: str, credential: Any, database: str, region: str, *, create: bool = False,
                fulltext: bool = False, playbook: Iterable[Snippet] | None = None, **client_options: Any) -> "CosmosSnippetIndex":
        """The index in the account at ``endpoint``, opened on first use; ``create`` makes the database
        and the container (key auth only: Entra data-plane roles cannot create them, infra does)."""

        def open_container():
            from azure.cosmos import CosmosClient, PartitionKey

            client = CosmosClient(endpoint, credential=credential, **client_options)
            if not create:
                return client.get_database_client(database).get_container_client(CONTAINER)
            db = client.create_database_if_not_exists(database)
            return db.create_container_if_not_exists(CONTAINER, PartitionKey(path="/region"), **container_options(fulltext))

        return cls(None, region, opener=open_container, playbook=playbook, fulltext=fulltext)

    # ---------------------------------------------------------------- plumbing
    def _client(self) -> Any:
        with self._lock:
            if self._container is None:
                self._container = self._open()
            return self._container

    def _query(self, sql: str, **params: Any) -> list[dict]:
        parameters = [{"name": f"@{k}", "value": v} for k, v in {**params, "region": self.region}.items()]
        return list(self._client().query_items(sql, parameters=parameters, partition_key=self.region))

    def _ready(self) -> None:
        """Sync the playbook given at construction, once (again after a failed attempt)."""
        pending = self._pending
        if pending is not None:
            self.sync(pending)

    # -------------------------------------------------------------------- sync
    @boundary("syncing the playbook", _translate)
    def sync(self, snippets: Iterable[Snippet]) -> dict[str, int]:
        """Make the container hold exactly ``snippets`` (by id; the first of a repeated id counts, as in
        the FTS5 index). Idempotent: unchanged documents are not written. Returns counts of
        ``written``, ``deleted`` and ``unchanged`` snippet documents."""
        unique = list({s.id: s for s in snippets}.values())
        docs = [snippet_document(s, position, self.region) for position, s in enumerate(unique)]
        if len({d["id"] for d in docs}) != len(docs):
            raise ConfigError("two playbook snippet ids map to the same Cosmos DB id: " + ", ".join(s.id for s in unique))
        stats = stats_document(docs, self.region)
        container = self._client()
        existing = {row["id"]: row for row in self._query(LIST_QUERY)}
        written = 0
        for doc in docs:
            if existing.get(doc["id"], {}).get("digest") != doc["digest"]:
                container.upsert_item(doc)
                written += 1
        wanted = {d["id"] for d in docs}
        stale = [i for i, row in existing.items() if row.get("kind") == "snippet" and i not in wanted]
        for doc_id in stale:
            try:
                container.delete_item(doc_id, partition_key=self.region)
            except Exception as exc:
                if status_of(exc) != 404:
                    raise
        if existing.get(STATS_ID, {}).get("digest") != stats["digest"]:
            container.upsert_item(stats)
        self._pending = None
        return {"written": written, "deleted": len(stale), "unchanged": len(docs) - written}

    # ------------------------------------------------------------------ search
    @boundary("searching the playbook", _translate)
    def search(self, query: str, k: int = 3) -> list[Hit]:
        if k <= 0:
            return []
        if self.fulltext:
            return self._search_fulltext(query, k)
        terms = query_terms(query)
        if not terms:
            return []
        self._ready()
        rows = self._query(CANDIDATES_QUERY, terms=sorted(set(terms)))
        try:
            return self._rank(terms, rows, k)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"searching the playbook ({self.region}): malformed snippet document "
                             f"({type(exc).__name__}: {exc})") from exc

    def _rank(self, terms: list[str], rows: list[dict], k: int) -> list[Hit]:
        stats = next((r for r in rows if r.get("kind") == "stats"), None)
        docs = [r for r in rows if r.get("kind") == "snippet"]
        if stats is None:
            if docs:
                raise StoreError(f"searching the playbook ({self.region}): no stats document (sync the playbook)")
            return []
        scores = bm25(terms, [(d["tf"], d["tokens"]) for d in docs], stats["snippetCount"], stats["tokenCount"])
        ranked = sorted(zip(scores, docs), key=lambda pair: (-pair[0], pair[1]["position"]))
        return [Hit(_snippet(doc), score) for score, doc in ranked[:k]]

    def _search_fulltext(self, query: str, k: int) -> list[Hit]:
        words = query_words(query)  # Cosmos DB stems and drops its own stop words
        if not words:
            return []
        self._ready()
        rows = self._query(fulltext_query(k, len(words)), **{f"w{i}": w for i, w in enumerate(words)})
        try:
            return [Hit(_snippet(doc), 1.0 / rank) for rank, doc in enumerate(rows[:k], start=1)]
        except (KeyError, TypeError, AttributeError) as exc:
            raise StoreError(f"searching the playbook ({self.region}): malformed snippet document "
                             f"({type(exc).__name__}: {exc})") from exc


def cosmos_snippet_index_factory(settings: Any, playbook: Callable[[], Iterable[Snippet]],
                                 **client_options: Any) -> Callable[[str], CosmosSnippetIndex | None]:
    """``region -> CosmosSnippetIndex`` in the region's own account (``FOLLOWUP_COSMOS_ENDPOINT_<REGION>``),
    or None when that region has no Cosmos endpoint (the recap then uses its embedded index).
    Credentials as for the store: the account key when one is set, else Entra ID. ``playbook()`` gives
    the snippets synced before the index's first search."""

    def factory(region: str) -> CosmosSnippetIndex | None:
        endpoint = settings.region_setting("cosmos_endpoint", region)
        if not endpoint:
            return None
        if settings.cosmos_key:
            credential, create = settings.cosmos_key, True
        else:
            from azure.identity import DefaultAzureCredential

            credential, create = DefaultAzureCredential(), False
        return CosmosSnippetIndex.connect(endpoint, credential, settings.cosmos_database, region, create=create,
                                          fulltext=settings.snippet_search == "fulltext", playbook=playbook(),
                                          **client_options)

    return factory
