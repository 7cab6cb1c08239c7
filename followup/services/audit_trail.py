"""A region store whose audit events pass through the policy first (``governance.audit_policy``).

Every write path that reaches the ledger (``add_with_events``, ``save_with_events``, ``append``)
goes through here; everything else is the wrapped store's own.
"""
from __future__ import annotations

from typing import Any

from followup.domain.events import DomainEvent
from followup.domain.proposal import Proposal
from governance.audit_policy import audit_payload
from governance.policy import TrustLayer


class PolicyAuditedStore:
    def __init__(self, inner: Any, policy: TrustLayer):
        self.inner = inner
        self.policy = policy

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _apply(self, event: DomainEvent) -> DomainEvent:
        return event.model_copy(update={"payload": audit_payload(event.payload, self.policy)})

    def add_with_events(self, proposal: Proposal) -> None:
        proposal.map_events(self._apply)
        self.inner.add_with_events(proposal)

    def save_with_events(self, proposal: Proposal, job=None) -> None:
        proposal.map_events(self._apply)
        self.inner.save_with_events(proposal, job=job)

    def append(self, event: DomainEvent):
        return self.inner.append(self._apply(event))
