"""Ingest one call: extraction → governed Proposal (gates, allowlist, org metadata) → stored."""
from __future__ import annotations

import datetime as dt
from typing import Any

from followup.domain import events as ev
from followup.domain.proposal import BlockedChange, Evidence, FieldChange, Proposal, RecapDraft, TaskProposal, new_id
from followup.domain.snapshot import CrmSnapshot
from governance.gates import gate_for, writable_by_any_role
from governance.policy import TrustLayer


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return str(a).strip() == str(b).strip()


def build_proposal(extraction, snapshot: CrmSnapshot, recap: RecapDraft | None, policy: TrustLayer, crm, region: str,
                   now: dt.datetime | None = None) -> Proposal:
    """Turn an extraction into a Proposal. Values no role may write, that the org does not accept,
    or that equal the CRM's current value are not proposed (the first two are recorded as blocked)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    proposal = Proposal(
        region=region, account_id=snapshot.Account.Id, account_name=snapshot.Account.Name,
        opportunity_id=snapshot.Opportunity.Id, opportunity_name=snapshot.Opportunity.Name,
        rep_name=snapshot.call.rep.name, rep_email=snapshot.call.rep.email, rep_user_id=snapshot.call.rep.user_id,
        call_date=snapshot.call.date, created_at=now,
        expires_at=now + dt.timedelta(minutes=policy.approvals.default.timeout_minutes),
        recap=recap, snapshot_modified=snapshot.Opportunity.LastModifiedDate,
    )

    def admit(field: str, value: Any) -> str | None:
        if not writable_by_any_role(policy, field):
            return "not_allowlisted"
        if not crm.updateable(field):
            return "not_updateable_in_org"
        allowed = crm.picklist(field)
        if allowed is not None and value not in allowed:
            return "not_in_org_picklist"
        return None

    candidates: list[tuple[str, str, str, Any, Any]] = []  # (object, record id, field, before, extracted item)
    for item in extraction.fields:
        obj, _, name = item.field.partition(".")
        record_id = snapshot.Opportunity.Id if obj == "Opportunity" else snapshot.Account.Id
        candidates.append((obj, record_id, name, snapshot.field_value(item.field), item))
    for role in extraction.contact_roles:
        if role.contact_id:
            candidates.append(("Contact", role.contact_id, "Role", None, role))

    for obj, record_id, name, before, item in candidates:
        value = item.value if hasattr(item, "value") else item.role
        qualified = f"{obj}.{name}"
        if _same(before, value):
            continue
        reason = admit(qualified, value)
        if reason:
            proposal.blocked.append(BlockedChange(field=qualified, value=_plain(value), reason=reason))
            proposal.record(ev.CHANGE_BLOCKED, field=qualified, value=_plain(value), reason=reason)
            continue
        proposal.changes.append(FieldChange(
            id=new_id("chg"), object=obj, record_id=record_id, field=name, before=_plain(before), after=_plain(value),
            confidence=item.confidence, certainty=item.certainty, evidence=list(item.evidence),
            gate=gate_for(policy, qualified, item.confidence)))

    rep = snapshot.call.rep.name
    for step in extraction.next_steps:
        if not writable_by_any_role(policy, "Task.Subject"):
            break
        proposal.tasks.append(TaskProposal(
            id=new_id("tsk"), subject=step.text, owner_name=step.owner or rep,
            owner_is_rep=(step.owner or rep) == rep, due_date=step.due_date, tentative=step.tentative,
            confidence=step.confidence, certainty=step.certainty, evidence=list(step.evidence),
            gate=gate_for(policy, "Task.Subject", step.confidence)))

    proposal.record(ev.PROPOSAL_DRAFTED, account=snapshot.Account.Id, opportunity=snapshot.Opportunity.Id,
                    changes=[{"field": c.qualified_field, "before": c.before, "after": c.after, "confidence": c.confidence,
                              "gate": c.gate.approver_role} for c in proposal.changes],
                    tasks=len(proposal.tasks), blocked=len(proposal.blocked))
    return proposal


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def evidence_quotes(evidence: list[Evidence]) -> list[str]:
    return [e.quote for e in evidence]
