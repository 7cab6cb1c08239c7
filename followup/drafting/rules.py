"""Offline rule-based extractor: the embedded default, and the fallback of the LLM extractor.

Precision first: a value is proposed only from a sentence that says it, never from a sentence
that is hypothetical, about a competitor, superseded, or addressed to the assistant.

Confidence (documented formula): start from 0.60 (explicit) or 0.50 (inferred); +0.15 when the
evidence quote is found verbatim in the transcript (always, or the value is dropped); +0.10 when
a validator passes (date after the call, amount within 0.25×–4× of the CRM amount or no CRM
amount, stage later than the current one); +0.10 when an independent second mention agrees
(another speaker repeats the value); −0.15 when hedged ("maybe", "if", "pencil in"). Capped at 0.99.
"""
from __future__ import annotations

import datetime as dt
import re

from followup.domain.proposal import Evidence
from followup.domain.snapshot import CrmSnapshot
from followup.drafting.amounts import find_amounts
from followup.drafting.dates import find_dates
from followup.drafting.model import ExtractedField, ExtractedRole, ExtractedStep, Extraction
from followup.drafting.transcript import Transcript

STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
SENTENCE = re.compile(r"[^.!?]+[.!?]?")
INJECTION = re.compile(r"\b(note (?:to|for) the (?:ai|assistant|bot|copilot)|ai assistant|dear (?:ai|copilot)|ignore (?:that|previous|all)|just kidding)\b", re.I)
HYPOTHETICAL = re.compile(r"\b(if we|if you|hypothetical|ballpark|let's say|say roughly|don't write|not a quote|for example|imagine|could be|would be)\b", re.I)
CONDITIONAL_SIGN = re.compile(r"\b(once|as soon as|when|after) (?:it's|it is|it has been|the \w+ is|that's) (?:counter)?signed\b", re.I)
NOT_DEAL_AMOUNT = re.compile(r"\b(anything (?:above|over|under)|above|typically|somewhere|depends on|range|up to|free first year|they offered|compared to|list price|another vendor|competitor|quote from|came in at|offered us|threshold|approval limit|one-time|one off|setup fee|implementation fee|total over|over (?:two|three|2|3) years|multi-year|per (?:seat|user|unit|month)|previous tool|last tool|budget freeze)\b", re.I)
ANNUAL = re.compile(r"\b(per year|a year|annual|annually|per annum|subscription|works for us|agreed|deal at|we can do|i can do)\b", re.I)
CLOSE_CUE = re.compile(r"\b(sign|signature|signed|close the deal|contract signed|ink|go live decision)\b", re.I)
MEETING_CUE = re.compile(r"\b(call|meeting|demo|deep dive|workshop|session|invite|catch-up|sync)\b", re.I)
HEDGE = re.compile(r"\b(maybe|might|perhaps|if|pencil|no promises|try to|hopefully|tentative)\b", re.I)
COMMIT = re.compile(r"\b(I'll|I will|I can|we'll|we will|let me|I'm going to|our (?:legal )?team will|[A-Z][a-z]+ will)\s+([a-z]+(?:\s+[a-z]+)?)\b")
ACTION_VERBS = {"send", "share", "set", "schedule", "book", "confirm", "review", "finish", "complete", "follow",
                "introduce", "get", "loop", "prepare", "draft", "circulate", "update", "check", "organise", "organize", "run"}
CORRECTION = re.compile(r"\b(actually|scratch that|correction|sorry,? I mean|rather|no,? make that)\b", re.I)
NEXT_STEP_PHRASE = re.compile(r"\bnext steps? (?:then |is |are |will be )+(.+?)[.!?]?$", re.I)
STAGE_CUES = [
    (re.compile(r"\b(we've signed|we have signed|it's signed|has been signed|just signed|countersigned)\b", re.I), "Closed Won", "explicit"),
    (re.compile(r"\b(went with|chose|decided (?:to go )?with) (?:another|a different|[A-Z]\w+)\b.*\b(instead|vendor)?", re.I), "Closed Lost", "inferred"),
    (re.compile(r"\b(redline[sd]?|legal review|review the MSA|negotiat\w+|order form)\b", re.I), "Negotiation/Review", "inferred"),
    (re.compile(r"\b(formal quote|send (?:you )?(?:the|a) (?:quote|proposal)|pricing proposal|revised proposal)\b", re.I), "Proposal/Price Quote", "inferred"),
]
ROLE_CUES = [
    (re.compile(r"\b(I own the budget|my budget|budget holder|I sign off on budget|holds? the budget)\b", re.I), "Economic Buyer"),
    (re.compile(r"\b(I'm the one signing|I sign|final say|I make the (?:final )?decision|decision is mine)\b", re.I), "Decision Maker"),
    (re.compile(r"\b(security review|questionnaire|architecture|integration|technical evaluation)\b", re.I), "Technical Buyer"),
]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def _ev(turn, sentence: str) -> Evidence:
    return Evidence(quote=sentence, speaker=turn.speaker, start=turn.start)


def _conf(certainty: str, valid: bool, agree: bool, hedged: bool) -> float:
    score = (0.60 if certainty == "explicit" else 0.50) + 0.15 + (0.10 if valid else 0) + (0.10 if agree else 0) - (0.15 if hedged else 0)
    return round(min(score, 0.99), 2)


class RuleExtractor:
    name = "rules"

    def extract(self, transcript: Transcript, snapshot: CrmSnapshot) -> Extraction:
        call_date = snapshot.call.date
        rep = snapshot.call.rep.name
        people = {p.split()[0].lower(): p for p in [*transcript.speakers, *(c.Name for c in snapshot.Contacts), rep]}
        units = [(t, s) for t in transcript.turns for s in _sentences(t.text) if not INJECTION.search(s)]
        result = Extraction(attendees=[s for s in transcript.speakers if s != "Notes"])
        result.fields += self._close_date(units, snapshot, call_date)
        result.fields += self._amount(units, snapshot)
        result.fields += self._stage(units, snapshot)
        steps = self._next_steps(units, rep, people, call_date)
        result.next_steps = steps
        result.fields += self._next_step_field(units, steps, snapshot)
        result.contact_roles = self._roles(units, snapshot)
        return result

    # ----------------------------------------------------------------- fields
    def _close_date(self, units, snap, call_date):
        best = None
        for turn, s in units:
            if not CLOSE_CUE.search(s) or HYPOTHETICAL.search(s) or CONDITIONAL_SIGN.search(s):
                continue
            dates = [d for d, phrase in find_dates(s, call_date) if d > call_date]
            if not dates or (MEETING_CUE.search(s) and not re.search(r"\bsign", s, re.I)):
                continue
            best = (turn, s, dates[-1])  # later mentions and corrections win
        if best is None:
            return []
        turn, s, value = best
        agree = sum(1 for t, x in units if value in [d for d, _ in find_dates(x, call_date)] and t.speaker != turn.speaker) > 0
        return [ExtractedField(field="Opportunity.CloseDate", value=value, evidence=[_ev(turn, s)], certainty="explicit",
                               confidence=_conf("explicit", True, agree, bool(HEDGE.search(s))))]

    def _amount(self, units, snap):
        candidates = []
        for turn, s in units:
            if NOT_DEAL_AMOUNT.search(s) or HYPOTHETICAL.search(s) or not ANNUAL.search(s):
                continue
            for value, phrase in find_amounts(s):
                candidates.append((turn, s, value))
        if not candidates:
            return []
        turn, s, value = candidates[-1]
        speakers = {t.speaker for t, _, v in candidates if v == value}
        current = snap.Opportunity.Amount
        valid = current is None or 0.25 * current <= value <= 4 * current
        return [ExtractedField(field="Opportunity.Amount", value=value, evidence=[_ev(turn, s)], certainty="explicit",
                               confidence=_conf("explicit", valid, len(speakers) > 1, bool(HEDGE.search(s))))]

    def _stage(self, units, snap):
        current = STAGES.index(snap.Opportunity.StageName) if snap.Opportunity.StageName in STAGES else -1
        found = None
        for turn, s in units:
            if HYPOTHETICAL.search(s) or CONDITIONAL_SIGN.search(s):
                continue
            for pattern, stage, certainty in STAGE_CUES:
                if pattern.search(s) and STAGES.index(stage) > current:
                    if found is None or STAGES.index(stage) > STAGES.index(found[2]):
                        found = (turn, s, stage, certainty)
                    break
        if found is None:
            return []
        turn, s, stage, certainty = found
        return [ExtractedField(field="Opportunity.StageName", value=stage, evidence=[_ev(turn, s)], certainty=certainty,
                               confidence=_conf(certainty, True, False, bool(HEDGE.search(s))))]

    def _next_step_field(self, units, steps, snap):
        for turn, s in reversed(units):
            m = NEXT_STEP_PHRASE.search(s)
            if m and len(m.group(1).split()) >= 3:
                text = m.group(1).strip().rstrip(",")
                text = text[0].upper() + text[1:]
                return [ExtractedField(field="Opportunity.NextStep", value=text[:255], evidence=[_ev(turn, s)],
                                       certainty="explicit", confidence=_conf("explicit", True, bool(steps), False))]
        firm = [st for st in steps if not st.tentative and st.due_date]
        if firm:
            first = min(firm, key=lambda st: st.due_date)
            text = f"{first.text} ({first.owner}, {first.due_date:%d %b})"
            return [ExtractedField(field="Opportunity.NextStep", value=text[:255], evidence=first.evidence,
                                   certainty="inferred", confidence=_conf("inferred", True, False, False))]
        return []

    # ------------------------------------------------------------ next steps
    def _next_steps(self, units, rep, people, call_date):
        steps: list[ExtractedStep] = []
        for turn, s in units:
            m = COMMIT.search(s)
            if not m or m.group(2).split()[0] not in ACTION_VERBS or HYPOTHETICAL.search(s) and not HEDGE.search(s):
                continue
            subject = m.group(1)
            owner = turn.speaker
            if subject.lower().startswith(("we", "our")):
                owner = turn.speaker
            elif subject.split()[0].lower() in people and subject.split()[0] not in ("I'll", "I"):
                owner = people[subject.split()[0].lower()]
            if owner == "Notes":
                owner = rep
            action = s[m.start(2):].rstrip(".!?")
            dates = [d for d, _ in find_dates(s, call_date) if d >= call_date]
            hedged = bool(HEDGE.search(s))
            text = action[0].upper() + action[1:]
            if any(x.text == text and x.owner == owner for x in steps):
                continue
            steps.append(ExtractedStep(text=text[:200], owner=owner, due_date=dates[0] if dates else None,
                                       evidence=[_ev(turn, s)], certainty="explicit", tentative=hedged,
                                       confidence=_conf("explicit", bool(dates), False, hedged)))
        return steps

    # ----------------------------------------------------------------- roles
    def _roles(self, units, snap):
        roles: dict[str, ExtractedRole] = {}
        for turn, s in units:
            contact = snap.contact_by_name(turn.speaker)
            if contact is None:
                continue
            for pattern, role in ROLE_CUES:
                if pattern.search(s) and contact.Id not in roles:
                    certainty = "explicit" if role != "Technical Buyer" else "inferred"
                    roles[contact.Id] = ExtractedRole(name=contact.Name, title=contact.Title, role=role, contact_id=contact.Id,
                                                      evidence=[_ev(turn, s)], certainty=certainty,
                                                      confidence=_conf(certainty, True, False, False))
                    break
        return list(roles.values())
