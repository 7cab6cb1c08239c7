"""Interfaces the services own and the adapters implement (stores, CRM, LLM, Teams delivery).

Everything crossing these boundaries is a plain pydantic model or a domain object, so a SQLite,
Cosmos DB, Salesforce or in-memory implementation can be swapped in by ``bootstrap``.

The recap's playbook search (``SnippetIndex``) is declared with its types in
``followup.drafting.retrieval``: drafting imports this module, so it cannot import drafting.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Literal, Protocol

from pydantic import BaseModel, Field

from followup.domain.events import DomainEvent, utcnow
from followup.domain.proposal import Proposal


# --------------------------------------------------------------------------- stores
class AuditEntry(BaseModel):
    seq: int
    partition: str  # region
    event: DomainEvent
    prev_hash: str
    hash: str


class AuditVerification(BaseModel):
    partition: str
    entries: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str | None = None


class PromptLogEntry(BaseModel):
    id: str
    region: str
    proposal_id: str | None = None
    at: dt.datetime = Field(default_factory=utcnow)
    purpose: str  # "extract", "recap", ...
    model: str
    endpoint: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    masked_prompt: list[dict[str, str]]  # chat messages with PII replaced by placeholders
    response: str | None = None
    outcome: Literal["ok", "fallback", "error"]
    error: str | None = None
    latency_ms: float | None = None


class OutboxJob(BaseModel):
    proposal_id: str
    region: str
    attempts: int = 0
    not_before: dt.datetime = Field(default_factory=utcnow)
    last_error: str | None = None


class ExceptionItem(BaseModel):
    id: str
    region: str
    proposal_id: str
    kind: Literal["conflict", "commit_failed", "blocked_write", "expired", "delivery_failed", "recap_sla_missed"]
    detail: str
    created_at: dt.datetime = Field(default_factory=utcnow)
    due_by: dt.datetime
    owners: list[str]
    resolved: bool = False


class RegionStore(Protocol):
    """Everything one residency region stores; nothing in it refers to another region.

    Implementations: ``adapters.sqlite_store.SqliteRegionStore`` (embedded default, one file per
    region) and a Cosmos DB store (one account per region, partition key = region).
    """

    region: str

    # proposals; the two writers also append the proposal's new domain events to the audit
    # ledger in the same transaction (optimistic concurrency on ``Proposal.version``: StaleWrite)
    def add_with_events(self, proposal: Proposal) -> None: ...
    def save_with_events(self, proposal: Proposal, job: OutboxJob | None = None) -> None: ...
    def get(self, proposal_id: str) -> Proposal: ...
    def list(self, statuses: Iterable[str] | None = None, limit: int = 500) -> list[Proposal]: ...
    # audit ledger (hash-chained per region)
    def append(self, event: DomainEvent) -> AuditEntry: ...
    def entries(self, proposal_id: str | None = None) -> list[AuditEntry]: ...
    def verify(self) -> AuditVerification: ...
    # prompt log
    def record(self, entry: PromptLogEntry) -> None: ...
    def get_prompt(self, entry_id: str) -> PromptLogEntry: ...
    def purge_prompts_older_than(self, cutoff: dt.datetime) -> int: ...
    # durable commit outbox (idempotent per proposal id)
    def enqueue(self, job: OutboxJob) -> None: ...
    def due(self, now: dt.datetime, limit: int = 50) -> list[OutboxJob]: ...
    def done(self, proposal_id: str) -> None: ...
    def retry(self, proposal_id: str, not_before: dt.datetime, error: str) -> None: ...
    # exceptions queue
    def add_exception(self, item: ExceptionItem) -> None: ...
    def open_exceptions(self) -> list[ExceptionItem]: ...
    # Teams conversation references for proactive sends
    def save_conversation(self, user_id: str, reference: dict) -> None: ...
    def conversation(self, user_id: str) -> dict | None: ...


# ----------------------------------------------------------------------------- CRM
class CrmWrite(BaseModel):
    """One approved item to write. ``key`` is the idempotency key (one per proposal item)."""

    key: str
    kind: Literal["field", "task", "contact_role", "activity"]
    object: str  # Opportunity, Contact, Task, OpportunityContactRole, Task (activity)
    record_id: str | None = None  # record to update; None for creates
    field: str | None = None
    before: Any = None
    after: Any = None
    values: dict[str, Any] = Field(default_factory=dict)  # for creates (Subject, ActivityDate, ...)


class WriteOutcome(BaseModel):
    key: str
    status: Literal["committed", "conflict", "failed"]
    record_id: str | None = None
    current: Any = None  # value found in CRM when status == conflict
    error: str | None = None
    retryable: bool = False


class CrmPort(Protocol):
    """A CRM the copilot reads at draft time and writes to after approval."""

    label: str  # shown to users, e.g. "local sandbox CRM (not Salesforce)"

    def current_values(self, opportunity_id: str, fields: list[tuple[str, str | None, str]]) -> dict[tuple[str, str | None, str], Any]:
        """Re-read ``(object, record_id, field)`` triples; ``Contact.Role`` is the contact's role on the opportunity."""

    def apply(self, opportunity_id: str, writes: list[CrmWrite]) -> list[WriteOutcome]:
        """Write in as few API calls as possible; one outcome per write, matched by ``key``.

        Must be idempotent per ``key``: a create whose key already exists is reported committed
        without creating a second record. Never overwrites a value that differs from ``before``
        (reports ``conflict`` with the current value instead).
        """

    def picklist(self, qualified_field: str) -> list[str] | None:
        """Allowed values of a picklist field in this org, or None when not a picklist."""

    def updateable(self, qualified_field: str) -> bool: ...


# --------------------------------------------------------------------------- evidence
class EvidenceArchive(Protocol):
    """Where evidence bundles go (``logging.evidence_store``), one object per proposal under its region.

    Implementation: ``adapters.evidence_archive.DirectoryEvidenceArchive``.
    """

    def put(self, region: str, proposal_id: str, bundle: dict[str, Any]) -> str: ...  # returns the object's URI
    def purge_older_than(self, cutoff: dt.datetime) -> int: ...
