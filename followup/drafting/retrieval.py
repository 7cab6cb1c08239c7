"""BM25 retrieval over playbook/FAQ snippets.

``SnippetIndex`` is the port the recap searches through. ``Retriever`` is its embedded default: SQLite
FTS5 (stdlib ``sqlite3``, in memory, ``porter unicode61`` tokenizer), built once per ``Voice`` by
``embedded_index``. ``followup.adapters.cosmos_snippets.CosmosSnippetIndex`` keeps the playbook in the
region's Cosmos DB account and ranks with ``bm25`` below, which reproduces FTS5's scores: the same
tokens (``tokens``: unicode61 folding), the same stems (``porter``: a port of FTS5's Porter stemmer)
and the same formula, column weights and tie order. ``FallbackIndex`` puts the embedded index behind
a remote one, so an outage costs the recap nothing but a log record.
"""
from __future__ import annotations

import functools
import logging
import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Protocol, Sequence

from followup.drafting.voice import Snippet, Voice
from followup.errors import AdapterError, ConfigError

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "is", "are", "we", "you", "our", "your",
         "it", "that", "this", "with", "be", "at", "as", "by", "i", "so", "if", "not", "no"}
MAX_QUERY_TERMS = 64
# bm25 column weights (title, triggers, body): titles and trigger phrases count more than the body text
WEIGHTS = (("title", 2.0), ("triggers", 3.0), ("body", 1.0))
K1, B = 1.2, 0.75  # FTS5's constants


@dataclass(frozen=True)
class Hit:
    snippet: Snippet
    score: float  # BM25, higher is better


class SnippetIndex(Protocol):
    """Full-text search over the playbook snippets the recap may quote.

    ``search`` returns at most ``k`` hits, best first; an empty or stop-word-only query returns [].
    A remote implementation raises ``followup.errors.AdapterError`` (``StoreError``,
    ``StoreUnavailable``) or ``ConfigError`` when its service fails; ``FallbackIndex`` turns that into
    a search of the embedded index.

    Implementations: ``Retriever`` (SQLite FTS5, embedded default) and
    ``followup.adapters.cosmos_snippets.CosmosSnippetIndex`` (the region's Cosmos DB account).
    """

    def search(self, query: str, k: int = 3) -> list[Hit]: ...


# ------------------------------------------------------------------ query and document terms
def query_words(text: str) -> list[str]:
    """The words of a query: lower-cased, stop words and one-letter words dropped, each word once,
    at most 64."""
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word not in _STOP and len(word) > 1 and word not in terms:
            terms.append(word)
    return terms[:MAX_QUERY_TERMS]


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression (OR of quoted terms) from free text; never raises a syntax error."""
    return " OR ".join(f'"{t}"' for t in query_words(text))


def _fold(text: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer folds (``remove_diacritics=1``)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def tokens(text: str) -> list[str]:
    """Stemmed tokens of ``text`` as the FTS5 ``porter unicode61`` tokenizer produces them (all of
    them: documents are indexed with their stop words)."""
    return [porter(t) for t in _WORD.findall(_fold(text))]


def query_terms(text: str) -> list[str]:
    """The stems FTS5 searches for when given ``fts_query(text)``: one per query word, in order. Two
    words with one stem ("price", "pricing") stay two terms, as they are two phrases to FTS5."""
    return [stem for word in query_words(text) for stem in tokens(word)]


def snippet_columns(snippet: Snippet) -> dict[str, str]:
    """The indexed text of a snippet, per column (what ``Retriever`` stores)."""
    return {"title": snippet.title, "triggers": " ".join(snippet.triggers), "body": f"{snippet.recap_line} {snippet.guidance}"}


def term_weights(snippet: Snippet) -> tuple[dict[str, float], int]:
    """Column-weighted frequency of each stem in the snippet, and its length in tokens."""
    weights: dict[str, float] = {}
    length = 0
    columns = snippet_columns(snippet)
    for column, weight in WEIGHTS:
        for stem in tokens(columns[column]):
            weights[stem] = weights.get(stem, 0.0) + weight
            length += 1
    return weights, length


def bm25(terms: Sequence[str], docs: Sequence[tuple[Mapping[str, float], int]], corpus_docs: int,
         corpus_tokens: int) -> list[float]:
    """FTS5's ``bm25()`` (as a positive score) of each ``(term weights, length)`` document.

    ``docs`` must hold every document of the corpus that contains any of ``terms`` (a term's document
    frequency is counted among them); ``corpus_docs`` and ``corpus_tokens`` describe the whole corpus.
    A document without any of the terms scores 0.
    """
    if not docs or corpus_docs <= 0:
        return [0.0] * len(docs)
    avgdl = corpus_tokens / corpus_docs
    idf = []
    for term in terms:
        hits = sum(1 for weights, _ in docs if term in weights)
        value = math.log((corpus_docs - hits + 0.5) / (hits + 0.5))
        idf.append(value if value > 0.0 else 1e-6)
    scores = []
    for weights, length in docs:
        score = 0.0
        for term, term_idf in zip(terms, idf):
            freq = weights.get(term, 0.0)
            score += term_idf * ((freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * length / avgdl)))
        scores.append(score)
    return scores


# -------------------------------------------------------------------------------- Porter stemmer
# FTS5's ``porter`` tokenizer (sqlite ext/fts5/fts5_tokenize.c), rule for rule. It works on the UTF-8
# bytes of a token: tokens shorter than 3 or longer than 64 bytes are not stemmed, and non-ASCII
# bytes count as consonants.
_STEP1B = {ord("e"): ((b"eed", "m>0", b"ee", False), (b"ed", "*v*", b"", True)),
           ord("n"): ((b"ing", "*v*", b"", True),)}
_STEP1B2 = {ord("a"): ((b"at", None, b"ate", True),), ord("b"): ((b"bl", None, b"ble", True),),
            ord("i"): ((b"iz", None, b"ize", True),)}
_STEP2 = {
    ord("a"): ((b"ational", "m>0", b"ate", False), (b"tional", "m>0", b"tion", False)),
    ord("c"): ((b"enci", "m>0", b"ence", False), (b"anci", "m>0", b"ance", False)),
    ord("e"): ((b"izer", "m>0", b"ize", False),),
    ord("g"): ((b"logi", "m>0", b"log", False),),
    ord("l"): ((b"bli", "m>0", b"ble", False), (b"alli", "m>0", b"al", False), (b"entli", "m>0", b"ent", False),
               (b"eli", "m>0", b"e", False), (b"ousli", "m>0", b"ous", False)),
    ord("o"): ((b"ization", "m>0", b"ize", False), (b"ation", "m>0", b"ate", False), (b"ator", "m>0", b"ate", False)),
    ord("s"): ((b"alism", "m>0", b"al", False), (b"iveness", "m>0", b"ive", False), (b"fulness", "m>0", b"ful", False),
               (b"ousness", "m>0", b"ous", False)),
    ord("t"): ((b"aliti", "m>0", b"al", False), (b"iviti", "m>0", b"ive", False), (b"biliti", "m>0", b"ble", False)),
}
_STEP3 = {
    ord("a"): ((b"ical", "m>0", b"ic", False),),
    ord("s"): ((b"ness", "m>0", b"", False),),
    ord("t"): ((b"icate", "m>0", b"ic", False), (b"iciti", "m>0", b"ic", False)),
    ord("u"): ((b"ful", "m>0", b"", False),),
    ord("v"): ((b"ative", "m>0", b"", False),),
    ord("z"): ((b"alize", "m>0", b"al", False),),
}
_STEP4 = {
    ord("a"): ((b"al", "m>1", b"", False),),
    ord("c"): ((b"ance", "m>1", b"", False), (b"ence", "m>1", b"", False)),
    ord("e"): ((b"er", "m>1", b"", False),),
    ord("i"): ((b"ic", "m>1", b"", False),),
    ord("l"): ((b"able", "m>1", b"", False), (b"ible", "m>1", b"", False)),
    ord("n"): ((b"ant", "m>1", b"", False), (b"ement", "m>1", b"", False), (b"ment", "m>1", b"", False),
               (b"ent", "m>1", b"", False)),
    ord("o"): ((b"ion", "m>1 and (*s or *t)", b"", False), (b"ou", "m>1", b"", False)),
    ord("s"): ((b"ism", "m>1", b"", False),),
    ord("t"): ((b"ate", "m>1", b"", False), (b"iti", "m>1", b"", False)),
    ord("u"): ((b"ous", "m>1", b"", False),),
    ord("v"): ((b"ive", "m>1", b"", False),),
    ord("z"): ((b"ize", "m>1", b"", False),),
}
_VOWELS = frozenset(b"aeiou")


def _vowel(c: int, y_is_vowel: bool) -> bool:
    return c in _VOWELS or (y_is_vowel and c == ord("y"))


def _gobble_vc(stem: bytes, prev_consonant: bool) -> int:
    """Length of the shortest prefix ending in vowel(s) then a consonant, or 0."""
    consonant = prev_consonant
    i = 0
    while i < len(stem):
        consonant = not _vowel(stem[i], consonant)
        if not consonant:
            break
        i += 1
    i += 1
    while i < len(stem):
        consonant = not _vowel(stem[i], consonant)
        if consonant:
            return i + 1
        i += 1
    return 0


def _m_gt0(stem: bytes) -> bool:
    return bool(_gobble_vc(stem, False))


def _m_gt1(stem: bytes) -> bool:
    n = _gobble_vc(stem, False)
    return bool(n and _gobble_vc(stem[n:], True))


def _m_eq1(stem: bytes) -> bool:
    n = _gobble_vc(stem, False)
    return bool(n and not _gobble_vc(stem[n:], True))


def _o_star(stem: bytes) -> bool:
    if not stem or stem[-1] in b"wxy":
        return False
    mask, consonant = 0, False
    for c in stem:
        consonant = not _vowel(c, consonant)
        mask = (mask << 1) + int(consonant)
    return (mask & 0x7) == 0x5


def _has_vowel(stem: bytes) -> bool:
    return any(_vowel(c, i > 0) for i, c in enumerate(stem))


_CONDITIONS: dict[str | None, Callable[[bytes], bool]] = {
    None: lambda stem: True, "m>0": _m_gt0, "m>1": _m_gt1, "*v*": _has_vowel,
    "m>1 and (*s or *t)": lambda stem: stem[-1:] in (b"s", b"t") and _m_gt1(stem),
}


def _step(buf: bytes, rules: dict) -> tuple[bytes, bool]:
    """The first rule (for the buffer's next-to-last letter) whose suffix matches decides, whether or
    not its condition holds; returns the new buffer and whether a rule flagged a follow-up step."""
    if len(buf) < 2:
        return buf, False
    for suffix, condition, replacement, flag in rules.get(buf[-2], ()):
        if len(buf) > len(suffix) and buf.endswith(suffix):
            stem = buf[: len(buf) - len(suffix)]
            if _CONDITIONS[condition](stem):
                return stem + replacement, flag
            return buf, False
    return buf, False


def _step1a(buf: bytes) -> bytes:
    if buf[-1:] == b"s":
        if buf[-2:-1] == b"e":
            if (len(buf) > 4 and buf[-4:-2] == b"ss") or (len(buf) > 3 and buf[-3:-2] == b"i"):
                return buf[:-2]
            return buf[:-1]
        if buf[-2:-1] != b"s":
            return buf[:-1]
    return buf


@functools.lru_cache(maxsize=8192)
def porter(token: str) -> str:
    """The stem FTS5's ``porter`` tokenizer gives a (folded) unicode61 token."""
    buf = token.encode("utf-8")
    if len(buf) > 64 or len(buf) < 3:
        return token
    buf = _step1a(buf)
    buf, more = _step(buf, _STEP1B)
    if more:
        buf, done = _step(buf, _STEP1B2)
        if not done:
            c = buf[-1]
            if not _vowel(c, False) and c not in b"lsz" and len(buf) > 1 and c == buf[-2]:
                buf = buf[:-1]
            elif _m_eq1(buf) and _o_star(buf):
                buf += b"e"
    if buf[-1:] == b"y" and _has_vowel(buf[:-1]):
        buf = buf[:-1] + b"i"
    buf, _ = _step(buf, _STEP2)
    buf, _ = _step(buf, _STEP3)
    buf, _ = _step(buf, _STEP4)
    if buf[-1:] == b"e" and (_m_gt1(buf[:-1]) or (_m_eq1(buf[:-1]) and not _o_star(buf[:-1]))):
        buf = buf[:-1]
    if len(buf) > 1 and buf.endswith(b"ll") and _m_gt1(buf[:-1]):
        buf = buf[:-1]
    return buf.decode("utf-8")


# ------------------------------------------------------------------------------- FTS5 index
class Retriever:
    """The embedded ``SnippetIndex``: SQLite FTS5 in memory."""

    def __init__(self, snippets: Iterable[Snippet]):
        self._snippets = {s.id: s for s in snippets}
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE snippets USING fts5(id UNINDEXED, title, triggers, body, tokenize='porter unicode61')")
        self._db.executemany(
            "INSERT INTO snippets (id, title, triggers, body) VALUES (?, ?, ?, ?)",
            [(s.id, *snippet_columns(s).values()) for s in self._snippets.values()],
        )

    def search(self, query: str, k: int = 3) -> list[Hit]:
        match = fts_query(query)
        if not match or k <= 0:
            return []
        weights = ", ".join(str(w) for _, w in WEIGHTS)  # the id column weighs nothing
        rows = self._db.execute(
            f"SELECT id, bm25(snippets, 0.0, {weights}) AS rank FROM snippets WHERE snippets MATCH ? "
            "ORDER BY rank, rowid LIMIT ?",
            (match, k),
        ).fetchall()
        return [Hit(self._snippets[row[0]], -row[1]) for row in rows]

    def close(self) -> None:
        self._db.close()


@functools.lru_cache(maxsize=16)
def embedded_index(voice: Voice) -> Retriever:
    """The FTS5 index of a voice's snippets, built once per voice (keyed on the voice's value)."""
    return Retriever(voice.snippets)


class FallbackIndex:
    """Searches ``primary``; when its service fails (``AdapterError``, ``ConfigError``) logs a warning
    on ``followup.drafting.retrieval`` and answers from ``fallback()`` instead."""

    def __init__(self, primary: SnippetIndex, fallback: Callable[[], SnippetIndex]):
        self.primary = primary
        self.fallback = fallback

    def search(self, query: str, k: int = 3) -> list[Hit]:
        try:
            return self.primary.search(query, k)
        except (AdapterError, ConfigError) as exc:
            log.warning("snippet search via %s failed, using the embedded FTS5 index instead: %s: %s",
                        type(self.primary).__name__, type(exc).__name__, exc,
                        extra={"snippet_index_fallback": type(self.primary).__name__})
            return self.fallback().search(query, k)


# ---------------------------------------------------------------------------------- the recap
def triggered(snippets: Iterable[Snippet], text: str) -> list[tuple[Snippet, list[str]]]:
    """Snippets whose trigger phrases occur in ``text`` (whole words, case-insensitive)."""
    lowered = " ".join(text.lower().split())
    out = []
    for snippet in snippets:
        found = [t for t in snippet.triggers if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", lowered)]
        if found:
            out.append((snippet, found))
    return out


def relevant_snippets(index: SnippetIndex, snippets: Iterable[Snippet], topics: list[str], call_text: str,
                      k: int = 2) -> list[Snippet]:
    """Snippets for the recap: BM25 over the objections/competitors/trigger phrases that the call
    actually contains; a snippet must also be triggered by the call or match an objection. The
    snippets returned are the given ones (the approved wording), whatever copy the index holds."""
    hits = triggered(snippets, call_text + "\n" + "\n".join(topics))
    if not hits:
        return []
    allowed = {s.id: s for s, _ in hits}
    query = " ".join(topics + [phrase for _, found in hits for phrase in found])
    ranked = [allowed[h.snippet.id] for h in index.search(query, k=len(allowed) + 5) if h.snippet.id in allowed]
    return ranked[:k]
