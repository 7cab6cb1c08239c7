"""Next steps said on a call: who does what by when, with the sentence that says so."""
from __future__ import annotations

import re

from followup.drafting.context import HEDGE, HYPOTHETICAL, CallContext, confidence, evidence
from followup.drafting.dates import find_dates
from followup.drafting.model import ExtractedStep

COMMIT = re.compile(r"\b(I'll|I will|I can|we'll|we will|let me|I'm going to|our (?:legal )?team will|[A-Z][a-z]+ will)\s+([a-z]+(?:\s+[a-z]+)?)\b")
ACTION_VERBS = {"send", "share", "set", "schedule", "book", "confirm", "review", "finish", "complete", "follow",
                "introduce", "get", "loop", "prepare", "draft", "circulate", "update", "check", "organise", "organize", "run"}


def extract_steps(ctx: CallContext) -> list[ExtractedStep]:
    steps: list[ExtractedStep] = []
    for u in ctx.units:
        s = u.sentence
        m = COMMIT.search(s)
        if not m or m.group(2).split()[0] not in ACTION_VERBS or HYPOTHETICAL.search(s) and not HEDGE.search(s):
            continue
        subject = m.group(1)
        owner = u.turn.speaker
        first = subject.split()[0]
        if not subject.lower().startswith(("we", "our", "i")) and ctx.person(first):
            owner = ctx.person(first)
        if owner == "Notes":
            owner = ctx.rep
        action = s[m.start(2):].rstrip(".!?")
        dates = [d for d, _ in find_dates(s, ctx.call_date) if d >= ctx.call_date]
        hedged = bool(HEDGE.search(s))
        text = action[0].upper() + action[1:]
        if any(x.text == text and x.owner == owner for x in steps):
            continue
        steps.append(ExtractedStep(text=text[:200], owner=owner, due_date=dates[0] if dates else None,
                                   evidence=[evidence(u.turn, s)], certainty="explicit", tentative=hedged,
                                   confidence=confidence("explicit", bool(dates), False, hedged)))
    return steps
