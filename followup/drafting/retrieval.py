"""BM25 retrieval over playbook/FAQ snippets with SQLite FTS5 (stdlib ``sqlite3``, in memory)."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Iterable

from followup.drafting.voice import Snippet

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "is", "are", "we", "you", "our", "your",
         "it", "that", "this", "with", "be", "at", "as", "by", "i", "so", "if", "not", "no"}


@dataclass(frozen=True)
class Hit:
    snippet: Snippet
    score: float  # BM25, higher is better


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression (OR of quoted terms) from free text; never raises a syntax error."""
    terms = []
    for word in _WORD.findall(text.lower()):
        if word not in _STOP and len(word) > 1 and word not in terms:
            terms.append(word)
    return " OR ".join(f'"{t}"' for t in terms[:64])


class Retriever:
    def __init__(self, snippets: Iterable[Snippet]):
        self._snippets = {s.id: s for s in snippets}
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE snippets USING fts5(id UNINDEXED, title, triggers, body, tokenize='porter unicode61')")
        self._db.executemany(
            "INSERT INTO snippets (id, title, triggers, body) VALUES (?, ?, ?, ?)",
            [(s.id, s.title, " ".join(s.triggers), f"{s.recap_line} {s.guidance}") for s in self._snippets.values()],
        )

    def search(self, query: str, k: int = 3) -> list[Hit]:
        match = fts_query(query)
        if not match or k <= 0:
            return []
        # bm25 weights: title, triggers count more than the body text
        rows = self._db.execute(
            "SELECT id, bm25(snippets, 0.0, 2.0, 3.0, 1.0) AS rank FROM snippets WHERE snippets MATCH ? ORDER BY rank LIMIT ?",
            (match, k),
        ).fetchall()
        return [Hit(self._snippets[row[0]], -row[1]) for row in rows]

    def close(self) -> None:
        self._db.close()


def triggered(snippets: Iterable[Snippet], text: str) -> list[tuple[Snippet, list[str]]]:
    """Snippets whose trigger phrases occur in ``text`` (whole words, case-insensitive)."""
    lowered = " ".join(text.lower().split())
    out = []
    for snippet in snippets:
        found = [t for t in snippet.triggers if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", lowered)]
        if found:
            out.append((snippet, found))
    return out


def relevant_snippets(retriever: Retriever, snippets: Iterable[Snippet], topics: list[str], call_text: str,
                      k: int = 2) -> list[Snippet]:
    """Snippets for the recap: BM25 over the objections/competitors/trigger phrases that the call
    actually contains; a snippet must also be triggered by the call or match an objection."""
    hits = triggered(snippets, call_text + "\n" + "\n".join(topics))
    if not hits:
        return []
    allowed = {s.id for s, _ in hits}
    query = " ".join(topics + [phrase for _, found in hits for phrase in found])
    ranked = [h.snippet for h in retriever.search(query, k=len(allowed) + 5) if h.snippet.id in allowed]
    return ranked[:k]
