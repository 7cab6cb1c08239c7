"""Cosmos DB documents of one region other than proposals and the audit ledger: prompt log,
commit outbox, exceptions queue and Teams conversation references, plus the container plumbing
shared with ``cosmos_store.CosmosRegionStore``.

Every document carries ``region`` (the partition key value); a document of another region is
neither written (``ResidencyViolation``) nor returned.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Callable

from followup.adapters.cosmos_errors import boundary, status_of
from followup.errors import ProposalNotFound, ResidencyViolation, StaleWrite
from followup.ports import ExceptionItem, OutboxJob, PromptLogEntry

CONTAINERS = ("proposals", "audit", "prompts", "outbox", "exceptions", "conversations")
SAVE_ATTEMPTS = 4


def iso(value: dt.datetime) -> str:
    """Fixed-width UTC timestamp, so string order is time order in queries."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def as_json(model: Any) -> dict:
    return json.loads(model.model_dump_json())


def safe_id(text: str) -> str:
    return "".join("_" if ch in '/\\?#' else ch for ch in text)


def if_match(etag: str) -> dict:
    from azure.core import MatchConditions

    return {"etag": etag, "match_condition": MatchConditions.IfNotModified}


class CosmosRecords:
    """Containers of one region's database, and the non-proposal records kept in them."""

    def __init__(self, database: Any, region: str):
        self.region = region
        self._c = {name: database.get_container_client(name) for name in CONTAINERS}

    # ------------------------------------------------------------ plumbing
    def _own(self, doc: dict) -> dict:
        if doc.get("region") != self.region:
            raise ResidencyViolation(f"document {doc.get('id')!r} of region {doc.get('region')!r} read from the {self.region!r} store")
        return doc

    def _check(self, region: str, what: str) -> None:
        if region != self.region:
            raise ResidencyViolation(f"{what} of region {region!r} written to the {self.region!r} store")

    def _read(self, container: str, doc_id: str) -> dict | None:
        try:
            return self._own(self._c[container].read_item(doc_id, partition_key=self.region))
        except Exception as exc:
            if status_of(exc) == 404:
                return None
            raise

    def _query(self, container: str, sql: str, **params: Any) -> list[dict]:
        parameters = [{"name": f"@{k}", "value": v} for k, v in {**params, "region": self.region}.items()]
        rows = self._c[container].query_items(sql, parameters=parameters, partition_key=self.region)
        return [self._own(r) if isinstance(r, dict) and "region" in r else r for r in rows]

    # ---------------------------------------------------------- prompt log
    @boundary("recording a prompt")
    def record(self, entry: PromptLogEntry) -> None:
        self._check(entry.region, f"prompt log entry {entry.id}")
        self._c["prompts"].upsert_item({"id": entry.id, "region": self.region, "at": iso(entry.at),
                                        "proposalId": entry.proposal_id, "entry": as_json(entry)})

    @boundary("reading a prompt")
    def get_prompt(self, entry_id: str) -> PromptLogEntry:
        doc = self._read("prompts", entry_id)
        if doc is None:
            raise ProposalNotFound(f"no prompt log entry {entry_id!r} in region {self.region}")
        return PromptLogEntry.model_validate(doc["entry"])

    @boundary("reading prompts")
    def prompts_for(self, proposal_id: str) -> list[PromptLogEntry]:
        rows = self._query("prompts", "SELECT * FROM c WHERE c.region = @region AND c.proposalId = @pid ORDER BY c.at", pid=proposal_id)
        return [PromptLogEntry.model_validate(r["entry"]) for r in rows]

    @boundary("purging prompts")
    def purge_prompts_older_than(self, cutoff: dt.datetime) -> int:
        ids = self._query("prompts", "SELECT c.id, c.region FROM c WHERE c.region = @region AND c.at < @cutoff", cutoff=iso(cutoff))
        for row in ids:
            try:
                self._c["prompts"].delete_item(row["id"], partition_key=self.region)
            except Exception as exc:
                if status_of(exc) != 404:
                    raise
        return len(ids)

    # -------------------------------------------------------------- outbox
    @boundary("enqueuing a commit job")
    def enqueue(self, job: OutboxJob) -> None:
        self._check(job.region, f"outbox job of proposal {job.proposal_id}")
        self._enqueue(job)

    def _enqueue(self, job: OutboxJob) -> None:
        """Idempotent per proposal: an existing job is re-armed (``done`` false, new ``not_before``),
        keeping its attempt count and last error."""
        self._update_job(job.proposal_id, lambda doc: {**doc, "done": False, "notBefore": iso(job.not_before)},
                         create={"id": job.proposal_id, "region": self.region, "notBefore": iso(job.not_before),
                                 "attempts": job.attempts, "lastError": job.last_error, "done": False})

    def _update_job(self, proposal_id: str, change: Callable[[dict], dict], create: dict | None = None) -> None:
        container = self._c["outbox"]
        for _ in range(SAVE_ATTEMPTS):
            doc = self._read("outbox", proposal_id)
            try:
                if doc is None:
                    if create is not None:
                        container.create_item(create)
                    return
                fields = {k: v for k, v in doc.items() if not k.startswith("_")}
                container.replace_item(proposal_id, change(fields), **if_match(doc["_etag"]))
                return
            except Exception as exc:
                if status_of(exc) not in (409, 412):
                    raise
        raise StaleWrite(f"outbox job {proposal_id} kept changing")

    @boundary("reading due commit jobs")
    def due(self, now: dt.datetime, limit: int = 50) -> list[OutboxJob]:
        rows = self._query("outbox", f"SELECT TOP {max(int(limit), 0)} * FROM c "
                           "WHERE c.region = @region AND c.done = false AND c.notBefore <= @now "
                           "ORDER BY c.notBefore", now=iso(now))
        return [OutboxJob(proposal_id=r["id"], region=self.region, not_before=dt.datetime.fromisoformat(r["notBefore"]),
                          attempts=r["attempts"], last_error=r["lastError"]) for r in rows]

    @boundary("counting commit jobs")
    def pending_jobs(self) -> int:
        return self._query("outbox", "SELECT VALUE COUNT(1) FROM c WHERE c.region = @region AND c.done = false")[0]

    @boundary("completing a commit job")
    def done(self, proposal_id: str) -> None:
        self._update_job(proposal_id, lambda doc: {**doc, "done": True})

    @boundary("rescheduling a commit job")
    def retry(self, proposal_id: str, not_before: dt.datetime, error: str) -> None:
        self._update_job(proposal_id, lambda doc: {**doc, "attempts": doc["attempts"] + 1, "notBefore": iso(not_before),
                                                   "lastError": error})

    # ---------------------------------------------------------- exceptions
    @boundary("adding an exception")
    def add_exception(self, item: ExceptionItem) -> None:
        self._check(item.region, f"exception {item.id}")
        self._c["exceptions"].upsert_item({"id": item.id, "region": self.region, "resolved": item.resolved,
                                           "createdAt": iso(item.created_at), "item": as_json(item)})

    @boundary("reading exceptions")
    def open_exceptions(self) -> list[ExceptionItem]:
        rows = self._query("exceptions", "SELECT * FROM c WHERE c.region = @region AND c.resolved = false ORDER BY c.createdAt")
        return [ExceptionItem.model_validate(r["item"]) for r in rows]

    # ------------------------------------------------------- conversations
    @staticmethod
    def _conversation_id(user_id: str) -> str:
        return hashlib.sha256(user_id.encode("utf-8")).hexdigest()

    @boundary("saving a conversation reference")
    def save_conversation(self, user_id: str, reference: dict) -> None:
        self._c["conversations"].upsert_item({"id": self._conversation_id(user_id), "region": self.region,
                                              "userId": user_id, "reference": reference})

    @boundary("reading a conversation reference")
    def conversation(self, user_id: str) -> dict | None:
        doc = self._read("conversations", self._conversation_id(user_id))
        return doc["reference"] if doc else None


