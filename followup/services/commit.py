"""Commit approved changes from the durable outbox to the CRM, conflict-safe and idempotent.

A job is stored before the first attempt (with the decision that queued it). Outside the
change window it waits for the window to open. Retryable CRM errors back off exponentially;
conflicts and final failures go to the exceptions queue. Each item's idempotency key is its id,
so a retry never writes twice.
"""
from __future__ import annotations

import datetime as dt
import random

from followup.domain.proposal import FieldChange, ItemStatus, Proposal, ProposalStatus, TaskProposal, new_id
from followup.errors import CrmError
from followup.ports import CrmWrite, ExceptionItem
from governance.change_window import is_open, next_opening
from governance.policy import TrustLayer

MAX_ATTEMPTS = 8


def to_write(proposal: Proposal, item) -> CrmWrite:
    if isinstance(item, FieldChange):
        return CrmWrite(key=item.id, kind="field", object=item.object, record_id=item.record_id, field=item.field,
                        before=item.before, after=item.final_value)
    assert isinstance(item, TaskProposal)
    value = item.final_value
    subject = value["subject"] if isinstance(value, dict) else str(value)
    if not item.owner_is_rep:
        subject = f"{subject} ({item.owner_name})"
    return CrmWrite(key=item.id, kind="task", object="Task", values={
        "Subject": subject[:255], "ActivityDate": value.get("due_date") if isinstance(value, dict) else None,
        "Status": "Not Started", "Priority": "Normal"})


def backoff(attempts: int, now: dt.datetime) -> dt.datetime:
    seconds = min(3600, 30 * 2 ** attempts) * (0.8 + 0.4 * random.random())
    return now + dt.timedelta(seconds=seconds)


def raise_exception(store, policy: TrustLayer, proposal: Proposal, kind: str, detail: str, now: dt.datetime) -> None:
    store.add_exception(ExceptionItem(
        id=new_id("exc"), region=proposal.region, proposal_id=proposal.id,
        kind=kind, detail=detail, created_at=now, due_by=now + dt.timedelta(minutes=policy.exceptions.sla_minutes),
        owners=list(policy.exceptions.owners)))


def commit_proposal(store, crm, policy: TrustLayer, proposal_id: str, attempts: int = 0,
                    now: dt.datetime | None = None) -> Proposal:
    now = now or dt.datetime.now(dt.timezone.utc)
    updates = policy.actions.crm_updates
    proposal = store.get(proposal_id)
    if not updates.enabled:
        store.done(proposal_id)
        return proposal
    if not is_open(updates.change_window, now):
        store.retry(proposal_id, next_opening(updates.change_window, now), "outside the change window")
        return proposal
    if proposal.status == ProposalStatus.FAILED and proposal.to_commit:
        proposal.requeue()
    if proposal.status != ProposalStatus.QUEUED:
        store.done(proposal_id)
        return proposal

    items = {item.id: item for item in proposal.to_commit}
    writes = [to_write(proposal, item) for item in items.values()]
    batches = [writes] if updates.batch_commit else [[w] for w in writes]
    retry_error = None
    for batch in batches:
        try:
            outcomes = crm.apply(proposal.opportunity_id, batch)
        except CrmError as exc:
            for write in batch:
                proposal.mark_failed(write.key, str(exc), retryable=exc.retryable)
            retry_error = str(exc) if exc.retryable else retry_error
            continue
        for outcome in outcomes:
            if outcome.status == "committed":
                proposal.mark_committed(outcome.key, note=f"{crm.label} id {outcome.record_id}" if outcome.record_id else None)
            elif outcome.status == "conflict":
                proposal.mark_conflicted(outcome.key, outcome.current)
                item = items[outcome.key]
                raise_exception(store, policy, proposal, "conflict",
                                f"{item.gate.field} changed in CRM to {outcome.current!r}; proposal expected {getattr(item, 'before', None)!r}", now)
            else:
                proposal.mark_failed(outcome.key, outcome.error or "failed", retryable=outcome.retryable)
                if outcome.retryable:
                    retry_error = outcome.error
                else:
                    raise_exception(store, policy, proposal, "commit_failed", f"{items[outcome.key].gate.field}: {outcome.error}", now)

    for item in items.values():  # a write the CRM answered nothing for is retried, never assumed done
        if item.status in (ItemStatus.APPROVED, ItemStatus.EDITED):
            proposal.mark_failed(item.id, "the CRM returned no outcome for this write", retryable=True)
            retry_error = retry_error or "the CRM returned no outcome for some writes"
    status = proposal.settle_commit()
    if status == ProposalStatus.FAILED and retry_error and attempts + 1 < MAX_ATTEMPTS:
        store.save_with_events(proposal)
        store.retry(proposal_id, backoff(attempts, now), retry_error)
    else:
        if status == ProposalStatus.FAILED and retry_error:
            raise_exception(store, policy, proposal, "commit_failed", f"gave up after {attempts + 1} attempts: {retry_error}", now)
        store.save_with_events(proposal)
        store.done(proposal_id)
    return proposal


def process_outbox(store, crm, policy: TrustLayer, now: dt.datetime | None = None) -> list[Proposal]:
    now = now or dt.datetime.now(dt.timezone.utc)
    return [commit_proposal(store, crm, policy, job.proposal_id, job.attempts, now) for job in store.due(now)]
