"""Buyer roles said on a call, mapped to the OpportunityContactRole picklist."""
from __future__ import annotations

import re

from followup.drafting.context import CallContext, confidence, evidence
from followup.drafting.model import ExtractedRole

ROLE_CUES = [
    (re.compile(r"\b(I own the budget|my budget|budget holder|I sign off on budget|holds? the budget)\b", re.I), "Economic Buyer"),
    (re.compile(r"\b(I'm the one signing|I sign|final say|I make the (?:final )?decision|decision is mine)\b", re.I), "Decision Maker"),
    (re.compile(r"\b(security review|questionnaire|architecture|integration|technical evaluation)\b", re.I), "Technical Buyer"),
]


def extract_roles(ctx: CallContext) -> list[ExtractedRole]:
    roles: dict[str, ExtractedRole] = {}
    for u in ctx.units:
        contact = ctx.snapshot.contact_by_name(u.turn.speaker)
        if contact is None or contact.Id in roles:
            continue
        for pattern, role in ROLE_CUES:
            if pattern.search(u.sentence):
                certainty = "explicit" if role != "Technical Buyer" else "inferred"
                roles[contact.Id] = ExtractedRole(name=contact.Name, title=contact.Title, role=role, contact_id=contact.Id,
                                                  evidence=[evidence(u.turn, u.sentence)], certainty=certainty,
                                                  confidence=confidence(certainty, True, False, False))
                break
    return list(roles.values())
