"""Approval timeouts (``fallback: no_commit``: undecided items expire, never written) and log retention."""
from __future__ import annotations

import datetime as dt

from followup.domain.proposal import Proposal, ProposalStatus
from followup.ports import OutboxJob
from followup.services.commit import raise_exception
from governance.policy import TrustLayer

OPEN = (ProposalStatus.DRAFTED.value, ProposalStatus.AWAITING_APPROVAL.value, ProposalStatus.PARTIALLY_DECIDED.value)


def sweep_timeouts(store, policy: TrustLayer, now: dt.datetime | None = None) -> list[Proposal]:
    now = now or dt.datetime.now(dt.timezone.utc)
    touched = []
    for proposal in store.list(OPEN):
        expired = proposal.expire(now)
        if not expired:
            continue
        job = OutboxJob(proposal_id=proposal.id, region=proposal.region, not_before=now) if proposal.status == ProposalStatus.QUEUED else None
        store.save_with_events(proposal, job=job)
        fields = ", ".join(sorted({i.gate.field for i in expired}))
        raise_exception(store, policy, proposal, "expired", f"{len(expired)} undecided item(s) expired, not committed: {fields}", now)
        touched.append(proposal)
    return touched


def purge_prompt_log(store, policy: TrustLayer, now: dt.datetime | None = None) -> int:
    """``logging.retention_days``: delete prompt-log entries older than the retention period."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return store.purge_prompts_older_than(now - dt.timedelta(days=policy.logging.retention_days))
