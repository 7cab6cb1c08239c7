"""What every offline extraction rule shares: the call cut into sentences, the people on it,
evidence quotes and the confidence formula.

Confidence (documented formula): start from 0.60 (explicit) or 0.50 (inferred); +0.15 when the
evidence quote is found verbatim in the transcript (always, or the value is dropped); +0.10 when
a validator passes (date after the call, amount within 0.25×–4× of the CRM amount or no CRM
amount, stage later than the current one); +0.10 when an independent second mention agrees
(another speaker repeats the value); −0.15 when hedged ("maybe", "if", "pencil in"). Capped at 0.99.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from followup.domain.proposal import Evidence
from followup.domain.snapshot import CrmSnapshot
from followup.drafting.transcript import Transcript, Turn

STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
SENTENCE = re.compile(r"[^.!?]+[.!?]?")
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
    for name in names:
        if name == "Notes":
            continue
        people.setdefault(name.lower(), name)
        people.setdefault(name.split()[0].lower(), name)
    units = [Unit(turn, s, i) for i, turn in enumerate(transcript.turns) for s in sentences(turn.text)
             if not INJECTION.search(s)]
    return CallContext(transcript=transcript, snapshot=snapshot, units=units, people=people)


def evidence(turn: Turn, quote: str) -> Evidence:
    return Evidence(quote=quote, speaker=turn.speaker, start=turn.start)


def confidence(certainty: str, valid: bool, agree: bool, hedged: bool) -> float:
    score = (0.60 if certainty == "explicit" else 0.50) + 0.15 + (0.10 if valid else 0) + (0.10 if agree else 0) - (0.15 if hedged else 0)
    return round(min(score, 0.99), 2)
