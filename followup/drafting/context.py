"""What every offline extraction rule shares: the call cut into sentences, the people on it,
evidence quotes and the confidence formula.

Confidence (documented formula): start from 0.60 (explicit) or 0.50 (inferred); +0.15 when the
evidence quote is found verbatim in the transcript (always, or the value is dropped); +0.10 when
a validator passes (date after the call, amount within 0.25×–4× of the CRM amount or no CRM
amount, stage later than the current one); +0.10 when an independent second mention agrees
(another speaker repeats the value); −0.15 when hedged ("maybe", "if", "pencil in"). Capped at 0.99.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from followup.domain.proposal import Evidence
from followup.domain.snapshot import CrmSnapshot
from followup.drafting.names import crm_name_for
from followup.drafting.transcript import Transcript, Turn
from governance.pii import Span, detect

try:  # the regular-expression parser, for the literal pre-filter below
    import re._constants as _C
    import re._parser as _sre_parser
except ImportError:  # Python < 3.11
    import sre_constants as _C  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
# "2.5k", "1.194.480" and "from 30.6. to 29.5." stay in one sentence
SENTENCE = re.compile(r"(?:[^.!?]|\.(?=\d)|(?<=\d\.\d)\.(?=\s+[a-z])|(?<=\d\.\d\d)\.(?=\s+[a-z]))+[.!?]*")
INJECTION = re.compile(r"\b(note (?:to|for) the (?:ai|assistant|bot|copilot)|ai assistant|dear (?:ai|copilot)|ignore (?:that|previous|all)|just kidding)\b", re.I)
HYPOTHETICAL = re.compile(r"\b(if we|if you|hypothetical|ballpark|let's say|say roughly|don't write|not a quote|for example|imagine|could be|would be)\b", re.I)
HEDGE = re.compile(r"\b(maybe|might|perhaps|if|pencil|no promises|try to|hopefully|tentative)\b", re.I)


@dataclass(frozen=True)
class Unit:
    """One sentence of one turn; ``turn_index`` orders units and finds neighbouring turns."""
    turn: Turn
    sentence: str
    turn_index: int


@dataclass
class CallContext:
    transcript: Transcript
    snapshot: CrmSnapshot
    units: list[Unit]
    people: dict[str, str] = field(default_factory=dict)  # lower-case first name or full name -> full name
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Work several rules need, done once per call."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def call_date(self) -> dt.date:
        return self.snapshot.call.date

    @property
    def rep(self) -> str:
        return self.snapshot.call.rep.name

    def person(self, name: str) -> str | None:
        return self.people.get(name.lower())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def build_context(transcript: Transcript, snapshot: CrmSnapshot) -> CallContext:
    names = [*transcript.speakers, *(c.Name for c in snapshot.Contacts), snapshot.call.rep.name]
    people: dict[str, str] = {}
    crm = [n for n in (*(c.Name for c in snapshot.Contacts), snapshot.call.rep.name) if n]
    for speaker in transcript.speakers:  # "Mori", "Wei Jie", "Jess": the one CRM person the label stands for
        if speaker.lower() not in {n.lower() for n in crm} and (found := crm_name_for(speaker, crm)):
            people[speaker.lower()] = found
    for name in names:
        if name == "Notes":
            continue
        people.setdefault(name.lower(), name)
        people.setdefault(name.split()[0].lower(), name)
    # a sentence can only be an injection where its turn matches the pattern, so most turns skip the per-sentence test
    units = [Unit(turn, s, i) for i, turn in enumerate(transcript.turns)
             for injected in (INJECTION.search(turn.text) is not None,) for s in sentences(turn.text)
             if not (injected and INJECTION.search(s))]
    return CallContext(transcript=transcript, snapshot=snapshot, units=units, people=people)


# -- a cheap pre-filter for the rule patterns ------------------------------------------------------------
def required_literals(pattern: re.Pattern | str) -> frozenset[str] | None:
    """Lower-case strings of which every match of ``pattern`` contains at least one, or None when no such set
    is found (then the pattern has to run on every sentence). Read from the compiled pattern's syntax tree:
    a run of literal characters is required; an alternation requires one of its branches' requirements; a
    sequence picks its most selective required part. Used as a necessary condition only, so results never change."""
    rx = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    flags = pattern.flags if isinstance(pattern, re.Pattern) else 0
    if not isinstance(rx, str):
        return None
    try:
        tree = _sre_parser.parse(rx, flags)
    except Exception:  # noqa: BLE001 - an unreadable pattern simply gets no pre-filter
        return None
    found = _required(list(tree))
    if not found or not all(found):
        return None
    # "approved" adds nothing next to "approve": a sentence holding it holds "approve" too
    return frozenset(x for x in found if not any(y != x and y in x for y in found))


def _score(lits: frozenset[str] | None) -> tuple[int, int]:
    return (min(len(x) for x in lits), -len(lits)) if lits else (0, 0)


def _required(items: list) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    run: list[str] = []

    def offer(lits: frozenset[str] | None) -> None:
        nonlocal best
        if lits and _score(lits) > _score(best):
            best = lits

    for op, arg in items:
        if op is _C.LITERAL:
            run.append(chr(arg).lower())
            continue
        if run:
            offer(frozenset(["".join(run)]))
            run = []
        if op is _C.SUBPATTERN:
            offer(_required(list(arg[-1])))
        elif op is _C.BRANCH:
            alts = [_required(list(alt)) for alt in arg[1]]
            if all(alts):
                offer(frozenset().union(*alts))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and arg[0] >= 1:
            offer(_required(list(arg[2])))
        elif op is _C.ATOMIC_GROUP:
            offer(_required(list(arg)))
    if run:
        offer(frozenset(["".join(run)]))
    return best


_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a\u212b\u1e9e\u03f4\u2126]")


class SentenceIndex:
    """Which of a list of sentences contain a literal (lower-case), found by scanning the joined text once per
    literal instead of testing every sentence."""

    def __init__(self, sentences: list[str]):
        self._starts: list[int] = []
        parts, pos = [], 0
        for s in sentences:
            self._starts.append(pos)
            low = s.lower() + " "
            parts.append(low)
            pos += len(low) + 1
        self._lows = parts
        self._text = "\0".join(parts)
        self._memo: dict[str, frozenset[int]] = {}
        self.size = len(sentences)
        # letters that match an ASCII letter when a pattern ignores case but do not lower-case to it ("ſ", "K"...):
        # such sentences pass every pre-filter
        self._odd = frozenset(i for i, s in enumerate(sentences) if _ODD_CASE.search(s))

    def having(self, literal: str) -> frozenset[int]:
        hit = self._memo.get(literal)
        if hit is None:
            out, text, starts, i = set(), self._text, self._starts, self._text.find(literal)
            while i >= 0:
                if len(out) > 48:  # a common literal: testing each sentence is quicker than hopping
                    out = {k for k, low in enumerate(self._lows) if literal in low}
                    break
                k = bisect.bisect_right(starts, i) - 1
                out.add(k)
                nxt = starts[k + 1] if k + 1 < len(starts) else len(text)
                i = text.find(literal, nxt)
            hit = self._memo[literal] = frozenset(out)
        return hit

    def any_of(self, literals) -> frozenset[int] | None:
        """Sentences that may match a pattern whose ``required_literals`` are ``literals``; None (every sentence)
        when there are none to test."""
        if not literals:
            return None
        return self._odd.union(*(self.having(x) for x in literals))


def evidence(turn: Turn, quote: str) -> Evidence:
    return Evidence(quote=quote, speaker=turn.speaker, start=turn.start)


def confidence(certainty: str, valid: bool, agree: bool, hedged: bool) -> float:
    score = (0.60 if certainty == "explicit" else 0.50) + 0.15 + (0.10 if valid else 0) + (0.10 if agree else 0) - (0.15 if hedged else 0)
    return round(min(score, 0.99), 2)


# Contact details are never copied into a proposed value or its evidence.
CONTACT_ENTITIES = ("EMAIL", "PHONE", "ADDRESS")
# what the detector may not see in a transcript: an "@", a spoken "at x dot com", a long run of digits
SPOKEN_CONTACT = re.compile(r"@|\b(?:at|dot)\s+\w+\s+dot\s+(?:com|net|org|me|de|fr|ie|nl|es|it|co)\b|(?:\d[\s-]?){7,}", re.I)


@functools.lru_cache(maxsize=8192)
def contact_spans(text: str) -> tuple[Span, ...]:
    return tuple(detect(text, entities=CONTACT_ENTITIES))


@functools.lru_cache(maxsize=8192)
def has_contact_details(text: str) -> bool:
    return bool(contact_spans(text)) or bool(SPOKEN_CONTACT.search(text))
