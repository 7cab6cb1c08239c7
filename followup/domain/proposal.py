"""The Proposal aggregate: everything the copilot proposes after one call, and its lifecycle.

A proposal holds the recap draft, field changes and tasks. Each item carries its evidence, a
computed confidence and the governance gate that applies to it. Decisions and commit outcomes
are applied through methods that enforce the transition tables below and record domain events.
"""
from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr

from followup.domain import events as ev
from followup.domain.events import DomainEvent, utcnow
from followup.errors import DecisionClosed, IllegalTransition, UnknownItem


class ProposalStatus(str, Enum):
    DRAFTED = "drafted"
    AWAITING_APPROVAL = "awaiting_approval"
    PARTIALLY_DECIDED = "partially_decided"
    DECIDED = "decided"
    QUEUED = "queued"
    COMMITTED = "committed"
    CONFLICTED = "conflicted"
    FAILED = "failed"
    EXPIRED = "expired"
    CLOSED = "closed"  # decided with nothing approved: nothing to commit


S = ProposalStatus
PROPOSAL_TRANSITIONS: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    S.DRAFTED: frozenset({S.AWAITING_APPROVAL, S.EXPIRED}),
    S.AWAITING_APPROVAL: frozenset({S.PARTIALLY_DECIDED, S.DECIDED, S.EXPIRED}),
    S.PARTIALLY_DECIDED: frozenset({S.DECIDED, S.EXPIRED}),
    S.DECIDED: frozenset({S.QUEUED, S.CLOSED}),
    S.QUEUED: frozenset({S.COMMITTED, S.CONFLICTED, S.FAILED}),
    S.FAILED: frozenset({S.QUEUED}),
    S.CONFLICTED: frozenset(),
    S.COMMITTED: frozenset(),
    S.EXPIRED: frozenset(),
    S.CLOSED: frozenset(),
}


class ItemStatus(str, Enum):
    PENDING = "pending"
    APPROVED = "approved"
    EDITED = "edited"  # approved with a value the approver typed
    DECLINED = "declined"
    EXPIRED = "expired"
    COMMITTED = "committed"
    CONFLICTED = "conflicted"
    FAILED = "failed"


I = ItemStatus
ITEM_TRANSITIONS: dict[ItemStatus, frozenset[ItemStatus]] = {
    I.PENDING: frozenset({I.APPROVED, I.EDITED, I.DECLINED, I.EXPIRED}),
    I.APPROVED: frozenset({I.COMMITTED, I.CONFLICTED, I.FAILED}),
    I.EDITED: frozenset({I.COMMITTED, I.CONFLICTED, I.FAILED}),
    I.FAILED: frozenset({I.COMMITTED, I.CONFLICTED, I.FAILED}),
    I.DECLINED: frozenset(),
    I.EXPIRED: frozenset(),
    I.COMMITTED: frozenset(),
    I.CONFLICTED: frozenset(),
}
TO_COMMIT = frozenset({I.APPROVED, I.EDITED, I.FAILED})


class ReasonCode(str, Enum):
    WRONG_VALUE = "wrong_value"
    NOT_DISCUSSED = "not_discussed"
    PREMATURE = "premature"
    DUPLICATE = "duplicate"
    OTHER = "other"


class Evidence(BaseModel):
    quote: str
    speaker: str | None = None
    start: float | None = None
    source: Literal["transcript", "crm"] = "transcript"


class Gate(BaseModel):
    """What the trust layer decided about one item, computed by ``governance.gates``."""

    field: str
    approver_role: str
    confidence_min: float
    meets_threshold: bool
    high_risk: bool = False
    additional_step: str | None = None

    @property
    def label(self) -> str:
        level = "high" if self.meets_threshold else "low"
        return f"{self.approver_role}, {level} (min {self.confidence_min:.2f})"


class Decision(BaseModel):
    action: Literal["approve", "edit", "decline", "expire"]
    by: str
    role: str | None = None
    at: dt.datetime = Field(default_factory=utcnow)
    value: Any = None
    reason_code: ReasonCode | None = None
    reason_text: str | None = None


class ProposedItem(BaseModel):
    id: str
    confidence: float
    certainty: Literal["explicit", "inferred"]
    evidence: list[Evidence]
    gate: Gate
    status: ItemStatus = ItemStatus.PENDING
    decision: Decision | None = None
    commit_note: str | None = None
    retryable: bool = True  # False once a commit failed for a reason a retry cannot fix

    @property
    def final_value(self) -> Any:
        if self.decision is not None and self.decision.action == "edit":
            return self.decision.value
        return self.proposed_value

    @property
    def proposed_value(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def _move(self, target: ItemStatus) -> None:
        if target not in ITEM_TRANSITIONS[self.status]:
            raise IllegalTransition(f"item {self.id}: {self.status.value} → {target.value} is not allowed")
        self.status = target


class FieldChange(ProposedItem):
    kind: Literal["field"] = "field"
    object: str
    record_id: str
    field: str
    before: Any = None
    after: Any

    @property
    def qualified_field(self) -> str:
        return f"{self.object}.{self.field}"

    @property
    def proposed_value(self) -> Any:
        return self.after


class TaskProposal(ProposedItem):
    kind: Literal["task"] = "task"
    subject: str
    owner_name: str
    owner_is_rep: bool = False
    due_date: dt.date | None = None
    tentative: bool = False

    @property
    def qualified_field(self) -> str:
        return "Task.Subject"

    @property
    def proposed_value(self) -> Any:
        return {"subject": self.subject, "due_date": self.due_date.isoformat() if self.due_date else None}


class RecapDraft(BaseModel):
    subject: str
    body: str
    to: list[str] = Field(default_factory=list)
    sender: str | None = None  # ``actions.recap_email.email_from`` resolved (rep_primary: the rep's address)
    checks: dict[str, str] = Field(default_factory=dict)  # content check → "pass" or the problem
    draft_ms: int | None = None  # measured against ``actions.recap_email.sla_ms``


class BlockedChange(BaseModel):
    """A value the extractor found but the policy does not let anyone write (audited, not shown)."""

    field: str
    value: Any
    reason: str


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


class Proposal(BaseModel):
    id: str = Field(default_factory=lambda: new_id("prop"))
    region: str
    account_id: str
    account_name: str
    opportunity_id: str
    opportunity_name: str
    rep_name: str
    rep_email: str | None = None
    rep_user_id: str | None = None
    call_date: dt.date
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    status: ProposalStatus = ProposalStatus.DRAFTED
    recap: RecapDraft | None = None  # None when ``actions.recap_email.enabled`` is false
    changes: list[FieldChange] = Field(default_factory=list)
    tasks: list[TaskProposal] = Field(default_factory=list)
    blocked: list[BlockedChange] = Field(default_factory=list)
    snapshot_modified: str | None = None  # Opportunity.LastModifiedDate when drafted
    recap_sent_at: dt.datetime | None = None
    version: int = 0
    _events: list[DomainEvent] = PrivateAttr(default_factory=list)

    # ----------------------------------------------------------------- events
    def record(self, name: str, actor: str = "system", **payload: Any) -> None:
        self._events.append(DomainEvent(name=name, proposal_id=self.id, region=self.region, actor=actor, payload=payload))

    def map_events(self, fn) -> None:
        """Rewrite the not-yet-stored events (the audit policy applied before they are chained)."""
        self._events = [fn(e) for e in self._events]

    def pull_events(self) -> list[DomainEvent]:
        out, self._events = self._events, []
        return out

    # ------------------------------------------------------------- lifecycle
    def transition(self, target: ProposalStatus, actor: str = "system") -> None:
        if target not in PROPOSAL_TRANSITIONS[self.status]:
            raise IllegalTransition(f"proposal {self.id}: {self.status.value} → {target.value} is not allowed")
        before, self.status = self.status, target
        self.record(ev.PROPOSAL_STATUS_CHANGED, actor=actor, before=before.value, after=target.value)

    @property
    def items(self) -> list[ProposedItem]:
        return [*self.changes, *self.tasks]

    def item(self, item_id: str) -> ProposedItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise UnknownItem(f"proposal {self.id} holds no item {item_id!r}")

    @property
    def pending(self) -> list[ProposedItem]:
        return [i for i in self.items if i.status == ItemStatus.PENDING]

    @property
    def to_commit(self) -> list[ProposedItem]:
        return [i for i in self.items if i.status in TO_COMMIT and i.retryable]

    @property
    def is_open_for_decisions(self) -> bool:
        return self.status in (S.DRAFTED, S.AWAITING_APPROVAL, S.PARTIALLY_DECIDED)

    def send_for_approval(self) -> None:
        self.transition(S.AWAITING_APPROVAL)
        self.record(ev.PROPOSAL_SENT, items=len(self.items))
        if not self.items:
            self._settle_decisions("system")

    def decide(self, item_id: str, decision: Decision, now: dt.datetime | None = None) -> ProposedItem:
        """Apply one decision. Authorisation is checked by governance before this is called."""
        now = now or utcnow()
        item = self.item(item_id)
        if not self.is_open_for_decisions or now >= self.expires_at:
            raise DecisionClosed(f"proposal {self.id} is {self.status.value}; decisions are closed")
        if item.status != ItemStatus.PENDING:
            raise DecisionClosed(f"item {item_id} was already {item.status.value}")
        target = {"approve": I.APPROVED, "edit": I.EDITED, "decline": I.DECLINED}[decision.action]
        before = item.final_value
        item._move(target)
        item.decision = decision
        name = {"approve": ev.ITEM_APPROVED, "edit": ev.ITEM_EDITED, "decline": ev.ITEM_DECLINED}[decision.action]
        self.record(
            name,
            actor=decision.by,
            item_id=item.id,
            field=item.qualified_field,
            proposed=_jsonable(before),
            value=_jsonable(item.final_value),
            role=decision.role,
            reason_code=decision.reason_code.value if decision.reason_code else None,
            reason_text=decision.reason_text,
        )
        self._settle_decisions(decision.by)
        return item

    def _settle_decisions(self, actor: str) -> None:
        if self.status == S.DRAFTED:
            return
        if self.pending:
            if self.status == S.AWAITING_APPROVAL:
                self.transition(S.PARTIALLY_DECIDED, actor)
            return
        self.transition(S.DECIDED, actor)
        self.record(ev.PROPOSAL_DECIDED, actor=actor, approved=len(self.to_commit))
        if self.to_commit:
            self.transition(S.QUEUED, actor)
            self.record(ev.PROPOSAL_QUEUED, actor=actor, items=[i.id for i in self.to_commit])
        else:
            self.transition(S.CLOSED, actor)

    def expire(self, now: dt.datetime | None = None) -> list[ProposedItem]:
        """Timeout with ``fallback: no_commit``: undecided items expire and are never written."""
        now = now or utcnow()
        if not self.is_open_for_decisions or now < self.expires_at:
            return []
        expired = self.pending
        for item in expired:
            item._move(I.EXPIRED)
            item.decision = Decision(action="expire", by="system", at=now)
            self.record(ev.ITEM_EXPIRED, item_id=item.id, field=item.qualified_field, fallback="no_commit")
        if self.status == S.DRAFTED or not self.to_commit:
            self.transition(S.EXPIRED)
        else:
            self.transition(S.DECIDED)
            self.transition(S.QUEUED)
            self.record(ev.PROPOSAL_QUEUED, items=[i.id for i in self.to_commit])
        return expired

    # ---------------------------------------------------------------- commit
    def _committing(self, item_id: str) -> ProposedItem:
        """Commit outcomes are recorded only while the proposal is queued for commit."""
        item = self.item(item_id)
        if self.status != S.QUEUED:
            raise IllegalTransition(f"proposal {self.id} is {self.status.value}, not queued: no commit outcome for {item_id}")
        return item

    def mark_committed(self, item_id: str, note: str | None = None) -> None:
        item = self._committing(item_id)
        before = item.before if isinstance(item, FieldChange) else None
        item._move(I.COMMITTED)
        item.commit_note = note
        self.record(ev.CHANGE_COMMITTED, item_id=item.id, field=item.qualified_field,
                    before=_jsonable(before), after=_jsonable(item.final_value), note=note)

    def mark_conflicted(self, item_id: str, current: Any) -> None:
        item = self._committing(item_id)
        item._move(I.CONFLICTED)
        item.commit_note = f"changed in CRM since drafting: now {current!r}"
        self.record(ev.CHANGE_CONFLICTED, item_id=item.id, field=item.qualified_field,
                    expected=_jsonable(getattr(item, "before", None)), current=_jsonable(current))

    def mark_failed(self, item_id: str, error: str, retryable: bool) -> None:
        item = self._committing(item_id)
        item._move(I.FAILED)
        item.commit_note = error
        item.retryable = retryable
        self.record(ev.CHANGE_FAILED, item_id=item.id, field=item.qualified_field, error=error, retryable=retryable)

    def settle_commit(self) -> ProposalStatus:
        """After a commit attempt: committed, conflicted (some conflict) or failed (retry later)."""
        approved = [i for i in self.items if i.decision and i.decision.action in ("approve", "edit")]
        unattempted = [i.id for i in approved if i.status in (I.APPROVED, I.EDITED)]
        if unattempted:
            raise IllegalTransition(f"proposal {self.id}: no commit outcome yet for {unattempted}")
        statuses = {i.status for i in approved}
        if any(i.status == I.FAILED and i.retryable for i in approved):
            target = S.FAILED
        elif I.CONFLICTED in statuses:
            target = S.CONFLICTED
        elif I.FAILED in statuses:
            target = S.FAILED  # final: nothing a retry can fix; raised as an exception
        else:
            target = S.COMMITTED
        if self.status != target:
            self.transition(target)
        return target

    def requeue(self) -> None:
        self.transition(S.QUEUED)

    def mark_recap_sent(self, by: str, now: dt.datetime | None = None) -> None:
        if self.recap is None:
            raise IllegalTransition(f"proposal {self.id}: no recap was drafted (actions.recap_email.enabled is false)")
        if self.recap_sent_at is None:
            self.recap_sent_at = now or utcnow()
            self.record(ev.RECAP_SENT, actor=by, subject=self.recap.subject)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
