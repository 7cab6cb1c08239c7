"""Local sandbox CRM: a SQLite stand-in for Salesforce, the embedded default without credentials.

It keeps the same ``CrmPort`` contract as the Salesforce adapter: conflict-checked field
updates, idempotent creates keyed by the proposal item, standard picklists. It is not
Salesforce and says so in every label.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from followup.domain.snapshot import CrmSnapshot
from followup.errors import CrmRejected, CrmUnavailable, SnapshotError
from followup.ports import CrmWrite, WriteOutcome

STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]
CONTACT_ROLES = ["Business User", "Decision Maker", "Economic Buyer", "Economic Decision Maker", "Evaluator",
                 "Executive Sponsor", "Influencer", "Technical Buyer", "Other"]
PICKLISTS = {"Opportunity.StageName": STAGES, "Contact.Role": CONTACT_ROLES, "OpportunityContactRole.Role": CONTACT_ROLES}
UPDATEABLE = {"Opportunity.StageName", "Opportunity.CloseDate", "Opportunity.Amount", "Opportunity.NextStep",
              "Contact.Role", "Contact.Title", "Task.Subject", "Task.DueDate", "Task.ActivityDate", "Task.Description",
              "Activity.EmailMessageId"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (object TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
  modified TEXT NOT NULL, PRIMARY KEY (object, id));
CREATE TABLE IF NOT EXISTS created (key TEXT PRIMARY KEY, object TEXT NOT NULL, id TEXT NOT NULL);
"""


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)


class SandboxCrm:
    label = "local sandbox CRM (SQLite, not Salesforce)"

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.api_calls = 0

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
                self._conn.executescript(SCHEMA)
            except (sqlite3.Error, OSError) as exc:
                raise CrmUnavailable(f"{self.path}: cannot open sandbox CRM ({exc})") from exc
        return self._conn

    # ------------------------------------------------------------- records
    def _get(self, obj: str, record_id: str) -> dict | None:
        row = self.conn.execute("SELECT doc FROM records WHERE object=? AND id=?", (obj, record_id)).fetchone()
        return json.loads(row[0]) if row else None

    def _put(self, obj: str, record_id: str, doc: dict) -> None:
        doc["LastModifiedDate"] = _now()
        self.conn.execute("INSERT OR REPLACE INTO records(object, id, doc, modified) VALUES (?,?,?,?)",
                          (obj, record_id, json.dumps(doc, default=str), doc["LastModifiedDate"]))

    def seed(self, snapshot: CrmSnapshot) -> None:
        """Load a snapshot's records unless they exist already (re-running the demo keeps edits)."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for obj, rec in [("Account", snapshot.Account), ("Opportunity", snapshot.Opportunity),
                                 *[("Contact", c) for c in snapshot.Contacts]]:
                    if self._get(obj, rec.Id) is None:
                        doc = json.loads(rec.model_dump_json())
                        if obj == "Opportunity":
                            doc["AccountId"] = snapshot.Account.Id
                        if obj == "Contact":
                            doc["AccountId"] = snapshot.Account.Id
                        self.conn.execute("INSERT INTO records(object, id, doc, modified) VALUES (?,?,?,?)",
                                          (obj, rec.Id, json.dumps(doc), doc.get("LastModifiedDate") or _now()))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def record(self, obj: str, record_id: str) -> dict | None:
        with self._lock:
            return self._get(obj, record_id)

    def edit(self, obj: str, record_id: str, **values: Any) -> None:
        """A human edit in the CRM (used by the demo and tests to simulate concurrent changes)."""
        with self._lock:
            doc = self._get(obj, record_id)
            if doc is None:
                raise SnapshotError(f"sandbox CRM has no {obj} {record_id}")
            doc.update(values)
            self._put(obj, record_id, doc)

    def created(self, obj: str) -> list[dict]:
        rows = self.conn.execute("SELECT doc FROM records WHERE object=? ORDER BY modified", (obj,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    # ------------------------------------------------------------- CrmPort
    def picklist(self, qualified_field: str) -> list[str] | None:
        return PICKLISTS.get(qualified_field)

    def updateable(self, qualified_field: str) -> bool:
        return qualified_field in UPDATEABLE

    def _current(self, opportunity_id: str, obj: str, record_id: str | None, field: str) -> Any:
        if obj == "Contact" and field == "Role":
            doc = self._get("OpportunityContactRole", f"{opportunity_id}:{record_id}")
            return doc.get("Role") if doc else None
        doc = self._get(obj, record_id or "")
        return doc.get(field) if doc else None

    def current_values(self, opportunity_id, fields):
        with self._lock:
            self.api_calls += 1
            return {(o, r, f): self._current(opportunity_id, o, r, f) for o, r, f in fields}

    def apply(self, opportunity_id: str, writes: list[CrmWrite]) -> list[WriteOutcome]:
        with self._lock:
            self.api_calls += 1
            outcomes = []
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for write in writes:
                    outcomes.append(self._apply_one(opportunity_id, write))
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            return outcomes

    def _apply_one(self, opportunity_id: str, w: CrmWrite) -> WriteOutcome:
        done = self.conn.execute("SELECT id FROM created WHERE key=?", (w.key,)).fetchone()
        if done:
            return WriteOutcome(key=w.key, status="committed", record_id=done[0])
        if w.kind == "field":
            qualified = f"{w.object}.{w.field}"
            if not self.updateable(qualified):
                return WriteOutcome(key=w.key, status="failed", error=f"{qualified} is not updateable in this org")
            allowed = self.picklist(qualified)
            if allowed is not None and w.after not in allowed:
                return WriteOutcome(key=w.key, status="failed", error=f"{w.after!r} is not a {qualified} value in this org")
            current = self._current(opportunity_id, w.object, w.record_id, w.field)
            if _same(current, w.after):
                return WriteOutcome(key=w.key, status="committed", record_id=w.record_id)
            if not _same(current, w.before):
                return WriteOutcome(key=w.key, status="conflict", record_id=w.record_id, current=current)
            if w.object == "Contact" and w.field == "Role":
                rid = f"{opportunity_id}:{w.record_id}"
                self._put("OpportunityContactRole", rid, {"OpportunityId": opportunity_id, "ContactId": w.record_id, "Role": w.after})
            else:
                doc = self._get(w.object, w.record_id or "")
                if doc is None:
                    return WriteOutcome(key=w.key, status="failed", error=f"{w.object} {w.record_id} not found")
                doc[w.field] = w.after
                self._put(w.object, w.record_id, doc)
            return WriteOutcome(key=w.key, status="committed", record_id=w.record_id)
        if w.kind in ("task", "activity"):
            if not w.values.get("Subject"):
                raise CrmRejected("a Task needs a Subject")
            rid = f"00T{abs(hash(w.key)) % 10**15:015d}"
            self._put("Task", rid, {"Id": rid, "WhatId": opportunity_id, "Description": f"followup:{w.key}", **w.values})
            self.conn.execute("INSERT INTO created(key, object, id) VALUES (?,?,?)", (w.key, "Task", rid))
            return WriteOutcome(key=w.key, status="committed", record_id=rid)
        return WriteOutcome(key=w.key, status="failed", error=f"unsupported write kind {w.kind}")
