"""Cosmos DB (NoSQL API) region store: one account per residency region.

Database ``settings.cosmos_database`` holds the containers ``proposals``, ``audit``, ``prompts``,
``outbox``, ``exceptions`` and ``conversations``, all partitioned on ``/region``. Every document
carries ``region``; a document of another region is never written or returned
(``ResidencyViolation``).

Cosmos DB has no transaction across containers, so ``save_with_events`` uses the proposal
document itself as the commit point (transactional outbox): one conditional replace (etag +
``IfNotModified``, after checking ``version``) stores the new proposal state together with its
new audit events and its commit job under ``pending``. The events are then chained into the
audit ledger (idempotent per event key), the job is enqueued and ``pending`` is cleared. If the
store becomes unreachable after the commit point, the pending work stays in the proposal
document and is finished by the next save of that proposal or by ``recover()`` (called by
``entries``, ``verify`` and ``due``), so a proposal change and its audit entries are never
separated and never duplicated.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any, Callable, Iterable

from followup.adapters.cosmos_errors import boundary, is_sdk_error, status_of, translate
from followup.adapters.cosmos_ledger import CosmosLedger
from followup.adapters.cosmos_records import CONTAINERS, SAVE_ATTEMPTS, CosmosRecords, as_json, if_match, iso, safe_id
from followup.domain.events import DomainEvent
from followup.domain.proposal import Proposal
from followup.errors import ConfigError, ProposalNotFound, StaleWrite, StoreUnavailable
from followup.ports import AuditEntry, AuditVerification, OutboxJob

log = logging.getLogger(__name__)


class CosmosRegionStore(CosmosRecords):
    """All stores of one region in that region's Cosmos DB account (records: ``CosmosRecords``)."""

    def __init__(self, database: Any, region: str):
        super().__init__(database, region)
        self.ledger = CosmosLedger(self._c["audit"], region)
        self._etags: dict[str, tuple[int, str]] = {}  # proposal id -> (version, etag) of a doc with nothing pending

    @classmethod
    def connect(cls, endpoint: str, credential: Any, database: str, region: str, create: bool = False,
                **client_options: Any) -> "CosmosRegionStore":
        """Open the region's account; ``create`` makes the database and containers (key auth only:
        Entra data-plane roles cannot create them, infra does)."""
        from azure.cosmos import CosmosClient, PartitionKey

        try:
            client = CosmosClient(endpoint, credential=credential, **client_options)
            if create:
                db = client.create_database_if_not_exists(database)
                for name in CONTAINERS:
                    db.create_container_if_not_exists(name, PartitionKey(path="/region"))
            else:
                db = client.get_database_client(database)
        except Exception as exc:
            if not is_sdk_error(exc):
                raise
            raise translate(exc, f"opening Cosmos DB {endpoint} ({region})") from exc
        return cls(db, region)

    # ----------------------------------------------------------- proposals
    def _proposal_doc(self, proposal: Proposal, events: list[DomainEvent], job: OutboxJob | None) -> dict:
        self._check(proposal.region, f"proposal {proposal.id}")
        for event in events:
            self._check(event.region, f"event {event.name} of proposal {event.proposal_id}")
        if job is not None:
            self._check(job.region, f"outbox job of proposal {job.proposal_id}")
        doc = {"id": proposal.id, "type": "proposal", "region": self.region, "version": proposal.version,
               "status": proposal.status.value, "repUserId": proposal.rep_user_id, "createdAt": iso(proposal.created_at),
               "proposal": as_json(proposal), "hasPending": bool(events or job)}
        if doc["hasPending"]:
            prefix = safe_id(f"{proposal.id}.{proposal.version}")
            doc["pending"] = {"events": [{"key": f"{prefix}.{i}", "event": as_json(e)} for i, e in enumerate(events)],
                              "job": as_json(job) if job else None}
        return doc

    @boundary("adding a proposal")
    def add_with_events(self, proposal: Proposal) -> None:
        events = proposal.pull_events()
        proposal.version += 1
        try:
            doc = self._proposal_doc(proposal, events, None)
            try:
                stored = self._c["proposals"].create_item(doc)
            except Exception as exc:
                if status_of(exc) == 409:
                    raise StaleWrite(f"proposal {proposal.id} already exists in region {self.region}") from exc
                raise
        except BaseException:
            proposal.version -= 1
            proposal._events[:0] = events
            raise
        self._finish_after_commit(stored)

    @boundary("saving a proposal")
    def save_with_events(self, proposal: Proposal, job: OutboxJob | None = None) -> None:
        """Persist ``proposal`` if its stored version is still ``proposal.version`` (else StaleWrite),
        with its new audit events and, when given, its commit job (see the module docstring)."""
        events = proposal.pull_events()
        expected = proposal.version
        proposal.version = expected + 1
        try:
            doc = self._proposal_doc(proposal, events, job)
            stored = self._replace_if_version(proposal.id, expected, doc)
        except BaseException:
            proposal.version = expected
            proposal._events[:0] = events
            raise
        self._finish_after_commit(stored)

    def _replace_if_version(self, proposal_id: str, expected: int, doc: dict) -> dict:
        for _ in range(SAVE_ATTEMPTS):
            cached = self._etags.pop(proposal_id, None)
            if cached and cached[0] == expected:
                etag = cached[1]
            else:
                current = self._read("proposals", proposal_id)
                if current is None or current["version"] != expected:
                    found = "gone" if current is None else f"at version {current['version']}"
                    raise StaleWrite(f"proposal {proposal_id} changed since it was read (expected version {expected}, {found})")
                if current.get("hasPending"):
                    self._finish(current)  # the previous save's audit events go first
                    continue
                etag = current["_etag"]
            try:
                return self._c["proposals"].replace_item(proposal_id, doc, **if_match(etag))
            except Exception as exc:
                if status_of(exc) != 412:
                    raise
        raise StaleWrite(f"proposal {proposal_id} kept changing while being saved")

    def _finish_after_commit(self, stored: dict) -> None:
        try:
            self._finish(stored)
        except (StoreUnavailable, StaleWrite) as exc:
            log.warning("proposal %s saved; audit/outbox completion deferred (%s)", stored["id"], exc)
        except Exception as exc:
            if not is_sdk_error(exc):
                raise
            log.warning("proposal %s saved; audit/outbox completion deferred (%s)", stored["id"], type(exc).__name__)

    def _finish(self, stored: dict) -> None:
        """Chain the pending events, enqueue the pending job, then clear ``pending`` (idempotent)."""
        pending = stored.get("pending")
        if not stored.get("hasPending") or not pending:
            self._etags[stored["id"]] = (stored["version"], stored["_etag"])
            return
        self.ledger.append([(item["key"], item["event"]) for item in pending["events"]])
        if pending.get("job"):
            self._enqueue(OutboxJob.model_validate(pending["job"]))
        cleared = {k: v for k, v in stored.items() if not k.startswith("_") and k != "pending"}
        cleared["hasPending"] = False
        try:
            done = self._c["proposals"].replace_item(stored["id"], cleared, **if_match(stored["_etag"]))
        except Exception as exc:
            if status_of(exc) == 412:
                return  # a newer save finished this pending work before replacing the document
            raise
        self._etags[stored["id"]] = (done["version"], done["_etag"])

    @boundary("recovering pending audit entries")
    def recover(self) -> int:
        """Finish every proposal save cut short after its commit point; returns how many."""
        rows = self._query("proposals", "SELECT * FROM c WHERE c.region = @region AND c.hasPending = true")
        for row in rows:
            self._finish(row)
        return len(rows)

    @boundary("reading a proposal")
    def get(self, proposal_id: str) -> Proposal:
        doc = self._read("proposals", proposal_id)
        if doc is None:
            raise ProposalNotFound(f"no proposal {proposal_id!r} in region {self.region}")
        if not doc.get("hasPending"):
            self._etags[proposal_id] = (doc["version"], doc["_etag"])
        proposal = Proposal.model_validate(doc["proposal"])
        self._check(proposal.region, f"proposal {proposal_id}")
        return proposal

    @boundary("listing proposals")
    def list(self, statuses: Iterable[str] | None = None, limit: int = 500) -> list[Proposal]:
        select = f"SELECT TOP {max(int(limit), 0)} c.proposal, c.region FROM c WHERE c.region = @region"
        if statuses:
            rows = self._query("proposals", select + " AND ARRAY_CONTAINS(@statuses, c.status) ORDER BY c.createdAt",
                               statuses=[getattr(s, "value", s) for s in statuses])
        else:
            rows = self._query("proposals", select + " ORDER BY c.createdAt")
        return [Proposal.model_validate(r["proposal"]) for r in rows]

    # --------------------------------------------------------------- audit
    @boundary("appending to the audit ledger")
    def append(self, event: DomainEvent) -> AuditEntry:
        self._check(event.region, f"event {event.name} of proposal {event.proposal_id}")
        key = safe_id(f"{event.proposal_id}.direct.{uuid.uuid4().hex}")
        entry = self.ledger.append([(key, as_json(event))])[0]
        return self._entry(entry)

    def _entry(self, doc: dict) -> AuditEntry:
        return AuditEntry(seq=doc["seq"], partition=doc["partition"], event=DomainEvent.model_validate(doc["event"]),
                          prev_hash=doc["prevHash"], hash=doc["hash"])

    @boundary("reading the audit ledger")
    def entries(self, proposal_id: str | None = None) -> list[AuditEntry]:
        self.recover()
        rows, _ = self.ledger.entries(proposal_id)
        return [self._entry(self._own(r)) for r in rows]

    @boundary("verifying the audit ledger")
    def verify(self) -> AuditVerification:
        self.recover()
        count, bad, problem = self.ledger.verify()
        return AuditVerification(partition=self.region, entries=count, ok=bad is None, first_bad_seq=bad, problem=problem)

    def due(self, now: dt.datetime, limit: int = 50) -> list[OutboxJob]:
        self.recover()  # a save cut short after its commit point may still owe its commit job
        return super().due(now, limit)


def cosmos_store_factory(settings: Any, **client_options: Any) -> Callable[[str], CosmosRegionStore]:
    """``region -> CosmosRegionStore`` for ``bootstrap``: the region's own account
    (``FOLLOWUP_COSMOS_ENDPOINT_<REGION>``), with the account key when one is set, else Entra ID
    (``DefaultAzureCredential``, managed identity in Azure)."""

    def factory(region: str) -> CosmosRegionStore:
        endpoint = settings.region_setting("cosmos_endpoint", region)
        if not endpoint:
            raise ConfigError(f"FOLLOWUP_COSMOS_ENDPOINT_{region.replace('-', '_').upper()} is not set (store=cosmos, region {region})")
        if settings.cosmos_key:
            credential, create = settings.cosmos_key, True
        else:
            from azure.identity import DefaultAzureCredential

            credential, create = DefaultAzureCredential(), False
        return CosmosRegionStore.connect(endpoint, credential, settings.cosmos_database, region, create=create, **client_options)

    return factory
