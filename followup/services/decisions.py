"""Decisions on proposal items: approve, edit, decline (with reason code), bulk-approve.

Every decision is checked against the trust layer before it touches the aggregate: the actor
must hold the gate's approver role (and be the proposal's rep for rep-level items); edited
values are validated per field; refusals are audited.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from pydantic import BaseModel, Field

from followup.domain import events as ev
from followup.domain.proposal import Decision, FieldChange, Proposal, ProposalStatus, ReasonCode
from followup.errors import CardPayloadError, DecisionClosed, GovernanceError, InputError, NotAuthorized, UnknownItem
from followup.ports import OutboxJob
from governance.gates import bulk_approvable, check_can_approve
from governance.policy import TrustLayer


class Actor(BaseModel):
    user_id: str
    name: str = ""
    roles: set[str] = Field(default_factory=set)


def _check_actor(policy: TrustLayer, proposal: Proposal, item, actor: Actor) -> str:
    role = check_can_approve(policy, actor.roles, item.gate)
    if role == policy.approvals.default.approver_role and proposal.rep_user_id and actor.user_id != proposal.rep_user_id:
        raise NotAuthorized(f"only the proposal's rep may decide {item.gate.field} as {role}")
    return role


def validate_edit(item, value: Any, picklist: list[str] | None = None) -> Any:
    """Coerce an edited value to the field's type or raise ``InputError``."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise InputError(f"{item.gate.field}: an edited value is required")
    field = item.gate.field
    if field.endswith("Date") or field == "Task.DueDate":
        try:
            return dt.date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise InputError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None
    if field.endswith("Amount"):
        try:
            amount = float(text.replace(",", ""))
        except ValueError:
            raise InputError(f"{field}: {text!r} is not a number") from None
        if amount < 0:
            raise InputError(f"{field}: amount cannot be negative")
        return amount
    if picklist is not None and text not in picklist:
        raise InputError(f"{field}: {text!r} is not one of {picklist}")
    if len(text) > 255:
        raise InputError(f"{field}: longer than 255 characters")
    if not isinstance(item, FieldChange):
        return {"subject": text, "due_date": item.due_date.isoformat() if item.due_date else None}
    return text


def _commit_job(proposal: Proposal, now: dt.datetime) -> OutboxJob | None:
    if proposal.status == ProposalStatus.QUEUED:
        return OutboxJob(proposal_id=proposal.id, region=proposal.region, not_before=now)
    return None


def decide(store, policy: TrustLayer, proposal_id: str, item_id: str, action: str, actor: Actor,
           value: Any = None, reason_code: str | None = None, reason_text: str | None = None,
           picklist: Callable[[str], list[str] | None] = lambda f: None, notify_finance=None,
           now: dt.datetime | None = None) -> Proposal:
    now = now or dt.datetime.now(dt.timezone.utc)
    proposal = store.get(proposal_id)
    try:
        item = proposal.item(item_id)
    except UnknownItem as exc:
        _refuse(store, proposal, actor, item_id, action, str(exc))
        raise CardPayloadError(str(exc)) from None
    try:
        if action not in ("approve", "edit", "decline"):
            raise CardPayloadError(f"unknown action {action!r}")
        role = _check_actor(policy, proposal, item, actor)
        code = None
        if action == "decline":
            try:
                code = ReasonCode(reason_code or "")
            except ValueError:
                raise InputError(f"a decline needs a reason code: one of {[c.value for c in ReasonCode]}") from None
            if code == ReasonCode.OTHER and not (reason_text or "").strip():
                raise InputError("reason 'other' needs a short explanation")
        if action == "edit":
            value = validate_edit(item, value, picklist(item.gate.field))
        proposal.decide(item_id, Decision(action=action, by=actor.user_id, role=role, at=now, value=value,
                                          reason_code=code, reason_text=reason_text), now=now)
    except (GovernanceError, InputError) as exc:
        _refuse(store, proposal, actor, item_id, action, str(exc))
        raise
    if item.gate.additional_step == "FinanceNotify" and action in ("approve", "edit"):
        proposal.record(ev.FINANCE_NOTIFIED, actor=actor.user_id, item_id=item.id, field=item.gate.field,
                        before=getattr(item, "before", None), after=item.final_value)
        if notify_finance is not None:
            notify_finance(proposal, item)
    store.save_with_events(proposal, job=_commit_job(proposal, now))
    return proposal


def approve_all(store, policy: TrustLayer, proposal_id: str, actor: Actor, now: dt.datetime | None = None) -> tuple[Proposal, int]:
    """Approve every pending item that is high-confidence, not high-risk, and the actor may approve."""
    now = now or dt.datetime.now(dt.timezone.utc)
    proposal = store.get(proposal_id)
    if not proposal.is_open_for_decisions or now >= proposal.expires_at:
        _refuse(store, proposal, actor, "*", "approve_all", f"proposal is {proposal.status.value}")
        raise DecisionClosed(f"proposal {proposal_id} is {proposal.status.value}; decisions are closed")
    approved = 0
    for item in list(proposal.pending):
        if not bulk_approvable(item.gate):
            continue
        try:
            role = _check_actor(policy, proposal, item, actor)
        except NotAuthorized:
            continue
        proposal.decide(item.id, Decision(action="approve", by=actor.user_id, role=role, at=now), now=now)
        approved += 1
    store.save_with_events(proposal, job=_commit_job(proposal, now))
    return proposal, approved


def mark_recap_sent(store, proposal_id: str, actor: Actor, now: dt.datetime | None = None) -> Proposal:
    proposal = store.get(proposal_id)
    if proposal.rep_user_id and actor.user_id != proposal.rep_user_id:
        raise NotAuthorized("only the proposal's rep sends the recap")
    proposal.mark_recap_sent(actor.user_id, now)
    store.save_with_events(proposal)
    return proposal


def _refuse(store, proposal: Proposal, actor: Actor, item_id: str, action: str, reason: str) -> None:
    store.append(ev.DomainEvent(name=ev.DECISION_REFUSED, proposal_id=proposal.id, region=proposal.region,
                                actor=actor.user_id, payload={"item_id": item_id, "action": action, "reason": reason}))

