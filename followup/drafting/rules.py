"""Offline rule-based extractor: the embedded default, and the fallback of the LLM extractor.

It composes the rule modules (``steps``, ``field_updates``, ``roles``) over one shared call context; the
confidence formula is documented in ``followup.drafting.context``.
"""
from __future__ import annotations

from followup.domain.snapshot import CrmSnapshot
from followup.drafting.context import HYPOTHETICAL, INJECTION, STAGES, build_context
from followup.drafting.facts import extract_facts
from followup.drafting.field_updates import extract_fields
from followup.drafting.fields import NOT_DEAL_AMOUNT
from followup.drafting.model import Extraction
from followup.drafting.roles import extract_roles
from followup.drafting.steps import extract_steps
from followup.drafting.transcript import Transcript

__all__ = ["HYPOTHETICAL", "INJECTION", "NOT_DEAL_AMOUNT", "STAGES", "RuleExtractor"]


class RuleExtractor:
    name = "rules"

    def extract(self, transcript: Transcript, snapshot: CrmSnapshot) -> Extraction:
        ctx = build_context(transcript, snapshot)
        steps = extract_steps(ctx)
        fields, roles = extract_fields(ctx, steps), extract_roles(ctx)
        return Extraction(attendees=[s for s in transcript.speakers if s != "Notes"], next_steps=steps,
                          fields=fields, contact_roles=roles, **extract_facts(ctx, roles, fields))
