"""Domain events: past-tense facts recorded by aggregates and consumed by the audit ledger.

Every event carries the proposal id and the region so the ledger can chain it in the right
partition. ``payload`` holds the field-level detail (before → after, reason codes, actor).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class DomainEvent(BaseModel):
    name: str
    proposal_id: str
    region: str
    at: dt.datetime = Field(default_factory=utcnow)
    actor: str = "system"
    payload: dict[str, Any] = Field(default_factory=dict)


# Event names (past tense). Kept as constants so producers and consumers agree.
PROPOSAL_DRAFTED = "ProposalDrafted"
PROPOSAL_SENT = "ProposalSentForApproval"
CHANGE_BLOCKED = "ChangeBlocked"
ITEM_APPROVED = "ItemApproved"
ITEM_EDITED = "ItemEdited"
ITEM_DECLINED = "ItemDeclined"
ITEM_EXPIRED = "ItemExpired"
DECISION_REFUSED = "DecisionRefused"
PROPOSAL_DECIDED = "ProposalDecided"
PROPOSAL_QUEUED = "ProposalQueuedForCommit"
CHANGE_COMMITTED = "ChangeCommitted"
CHANGE_CONFLICTED = "ChangeConflicted"
CHANGE_FAILED = "ChangeFailed"
PROPOSAL_STATUS_CHANGED = "ProposalStatusChanged"
FINANCE_NOTIFIED = "FinanceNotified"
RECAP_SENT = "RecapSent"
EVIDENCE_ARCHIVED = "EvidenceArchived"
RECAP_SLA_MISSED = "RecapSlaMissed"
EXCEPTION_RAISED = "ExceptionRaised"
