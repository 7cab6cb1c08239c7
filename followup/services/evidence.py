"""The evidence bundle of a proposal: every proposed value with the quotes it rests on.

Quotes pass through the policy's log redaction; values follow ``logging.field_diffs``. The
bundle's SHA-256 goes into the audit ledger, so a changed bundle is detectable.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from followup.domain.proposal import Proposal
from governance.audit_policy import audit_payload
from governance.policy import TrustLayer


def evidence_bundle(proposal: Proposal, transcript_text: str, policy: TrustLayer) -> dict[str, Any]:
    items = []
    for item in proposal.items:
        entry = {"item_id": item.id, "field": item.qualified_field, "value": item.proposed_value,
                 "confidence": item.confidence,
                 "evidence": [{"quote": e.quote, "speaker": e.speaker, "start": e.start} for e in item.evidence]}
        items.append(audit_payload(entry, policy))
    return {"proposal_id": proposal.id, "region": proposal.region, "account_id": proposal.account_id,
            "opportunity_id": proposal.opportunity_id, "call_date": proposal.call_date.isoformat(),
            "transcript_sha256": hashlib.sha256(transcript_text.encode("utf-8")).hexdigest(), "items": items}


def bundle_digest(bundle: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(bundle, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()
