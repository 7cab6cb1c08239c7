"""Opportunity fields said on a call: CloseDate, Amount, StageName and the NextStep text.

Precision first: a value is proposed only from a sentence that says it, never from a sentence
that is hypothetical, about a competitor, superseded, or addressed to the assistant.
"""
from __future__ import annotations

import re

from followup.drafting.amounts import find_amounts
from followup.drafting.context import HEDGE, HYPOTHETICAL, STAGES, CallContext, confidence, evidence
from followup.drafting.dates import find_dates
from followup.drafting.model import ExtractedField, ExtractedStep

CONDITIONAL_SIGN = re.compile(r"\b(once|as soon as|when|after) (?:it's|it is|it has been|the \w+ is|that's) (?:counter)?signed\b", re.I)
NOT_DEAL_AMOUNT = re.compile(r"\b(anything (?:above|over|under)|above|typically|somewhere|depends on|range|up to|free first year|they offered|compared to|list price|another vendor|competitor|quote from|came in at|offered us|threshold|approval limit|one-time|one off|setup fee|implementation fee|total over|over (?:two|three|2|3) years|multi-year|per (?:seat|user|unit|month)|previous tool|last tool|budget freeze)\b", re.I)
ANNUAL = re.compile(r"\b(per year|a year|annual|annually|per annum|subscription|works for us|agreed|deal at|we can do|i can do)\b", re.I)
CLOSE_CUE = re.compile(r"\b(sign|signature|signed|close the deal|contract signed|ink|go live decision)\b", re.I)
MEETING_CUE = re.compile(r"\b(call|meeting|demo|deep dive|workshop|session|invite|catch-up|sync)\b", re.I)
NEXT_STEP_PHRASE = re.compile(r"\bnext steps? (?:then |is |are |will be )+(.+?)[.!?]?$", re.I)
STAGE_CUES = [
    (re.compile(r"\b(we've signed|we have signed|it's signed|has been signed|just signed|countersigned)\b", re.I), "Closed Won", "explicit"),
    (re.compile(r"\b(went with|chose|decided (?:to go )?with) (?:another|a different|[A-Z]\w+)\b.*\b(instead|vendor)?", re.I), "Closed Lost", "inferred"),
    (re.compile(r"\b(redline[sd]?|legal review|review the MSA|negotiat\w+|order form)\b", re.I), "Negotiation/Review", "inferred"),
    (re.compile(r"\b(formal quote|send (?:you )?(?:the|a) (?:quote|proposal)|pricing proposal|revised proposal)\b", re.I), "Proposal/Price Quote", "inferred"),
]


def extract_fields(ctx: CallContext, steps: list[ExtractedStep]) -> list[ExtractedField]:
    return [*close_date(ctx), *amount(ctx), *stage(ctx), *next_step_field(ctx, steps)]


def close_date(ctx: CallContext) -> list[ExtractedField]:
    best = None
    for u in ctx.units:
        s = u.sentence
        if not CLOSE_CUE.search(s) or HYPOTHETICAL.search(s) or CONDITIONAL_SIGN.search(s):
            continue
        dates = [d for d, phrase in find_dates(s, ctx.call_date) if d > ctx.call_date]
        if not dates or (MEETING_CUE.search(s) and not re.search(r"\bsign", s, re.I)):
            continue
        best = (u, dates[-1])  # later mentions and corrections win
    if best is None:
        return []
    u, value = best
    agree = any(value in [d for d, _ in find_dates(x.sentence, ctx.call_date)] and x.turn.speaker != u.turn.speaker
                for x in ctx.units)
    return [ExtractedField(field="Opportunity.CloseDate", value=value, evidence=[evidence(u.turn, u.sentence)],
                           certainty="explicit", confidence=confidence("explicit", True, agree, bool(HEDGE.search(u.sentence))))]


def amount(ctx: CallContext) -> list[ExtractedField]:
    candidates = []
    for u in ctx.units:
        s = u.sentence
        if NOT_DEAL_AMOUNT.search(s) or HYPOTHETICAL.search(s) or not ANNUAL.search(s):
            continue
        for value, _phrase in find_amounts(s):
            candidates.append((u, value))
    if not candidates:
        return []
    u, value = candidates[-1]
    speakers = {x.turn.speaker for x, v in candidates if v == value}
    current = ctx.snapshot.Opportunity.Amount
    valid = current is None or 0.25 * current <= value <= 4 * current
    return [ExtractedField(field="Opportunity.Amount", value=value, evidence=[evidence(u.turn, u.sentence)], certainty="explicit",
                           confidence=confidence("explicit", valid, len(speakers) > 1, bool(HEDGE.search(u.sentence))))]


def stage(ctx: CallContext) -> list[ExtractedField]:
    name = ctx.snapshot.Opportunity.StageName
    current = STAGES.index(name) if name in STAGES else -1
    found = None
    for u in ctx.units:
        if HYPOTHETICAL.search(u.sentence) or CONDITIONAL_SIGN.search(u.sentence):
            continue
        for pattern, value, certainty in STAGE_CUES:
            if pattern.search(u.sentence) and STAGES.index(value) > current:
                if found is None or STAGES.index(value) > STAGES.index(found[1]):
                    found = (u, value, certainty)
                break
    if found is None:
        return []
    u, value, certainty = found
    return [ExtractedField(field="Opportunity.StageName", value=value, evidence=[evidence(u.turn, u.sentence)], certainty=certainty,
                           confidence=confidence(certainty, True, False, bool(HEDGE.search(u.sentence))))]


def next_step_field(ctx: CallContext, steps: list[ExtractedStep]) -> list[ExtractedField]:
    for u in reversed(ctx.units):
        m = NEXT_STEP_PHRASE.search(u.sentence)
        if m and len(m.group(1).split()) >= 3:
            text = m.group(1).strip().rstrip(",")
            text = text[0].upper() + text[1:]
            return [ExtractedField(field="Opportunity.NextStep", value=text[:255], evidence=[evidence(u.turn, u.sentence)],
                                   certainty="explicit", confidence=confidence("explicit", True, bool(steps), False))]
    firm = [st for st in steps if not st.tentative and st.due_date]
    if firm:
        first = min(firm, key=lambda st: st.due_date)
        text = f"{first.text} ({first.owner}, {first.due_date:%d %b})"
        return [ExtractedField(field="Opportunity.NextStep", value=text[:255], evidence=first.evidence,
                               certainty="inferred", confidence=confidence("inferred", True, False, False))]
    return []
