"""Embedded store: one SQLite file per residency region (``<data_dir>/<region>.sqlite``).

Implements the proposal repository, audit ledger, prompt log, commit outbox, exceptions queue
and conversation references. ``save_with_events`` writes a proposal and the audit entries of
its new domain events in one transaction, so a failure never leaves half a change behind.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from followup.domain.events import DomainEvent
from followup.domain.proposal import Proposal
from followup.errors import ProposalNotFound, StaleWrite, StoreUnavailable
from followup.ports import AuditEntry, AuditVerification, ExceptionItem, OutboxJob, PromptLogEntry
from governance.ledger import GENESIS, entry_hash, verify_chain

SCHEMA = """
CREATE TABLE IF NOT EXISTS proposals (
  id TEXT PRIMARY KEY, region TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,
  rep_user_id TEXT, created_at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS proposals_status ON proposals(status);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY, partition TEXT NOT NULL, proposal_id TEXT, event TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_proposal ON audit(proposal_id);
CREATE TABLE IF NOT EXISTS prompts (id TEXT PRIMARY KEY, at TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  proposal_id TEXT PRIMARY KEY, not_before TEXT NOT NULL, attempts INTEGER NOT NULL,
  last_error TEXT, done INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exceptions (id TEXT PRIMARY KEY, resolved INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations (user_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
"""


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat()


class SqliteRegionStore:
    """All stores of one region in one SQLite database file."""

    def __init__(self, path: Path, region: str):
        self.region = region
        self.path = Path(path)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None

    # ------------------------------------------------------------ plumbing
    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
            except (sqlite3.Error, OSError) as exc:
                raise StoreUnavailable(f"{self.path}: cannot open store ({exc})") from exc
            self._conn = conn
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return list(self.conn.execute(sql, tuple(params)))
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"{self.path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # ----------------------------------------------------------- proposals
    def add_with_events(self, proposal: Proposal) -> None:
        self._write(proposal, insert=True)

    def save_with_events(self, proposal: Proposal, job: OutboxJob | None = None) -> None:
        """Persist ``proposal`` (optimistic concurrency on ``version``), audit its new events and,
        when given, enqueue its commit job, all in one transaction."""
        self._write(proposal, insert=False, job=job)

    def _write(self, proposal: Proposal, insert: bool, job: OutboxJob | None = None) -> None:
        events = proposal.pull_events()
        try:
            with self.transaction() as conn:
                expected = proposal.version
                proposal.version = expected + 1
                doc = proposal.model_dump_json()
                if insert:
                    conn.execute(
                        "INSERT INTO proposals(id, region, version, status, rep_user_id, created_at, doc) VALUES (?,?,?,?,?,?,?)",
                        (proposal.id, proposal.region, proposal.version, proposal.status.value, proposal.rep_user_id,
                         _iso(proposal.created_at), doc))
                else:
                    cur = conn.execute(
                        "UPDATE proposals SET version=?, status=?, doc=? WHERE id=? AND version=?",
                        (proposal.version, proposal.status.value, doc, proposal.id, expected))
                    if cur.rowcount != 1:
                        raise StaleWrite(f"proposal {proposal.id} changed since it was read (version {expected})")
                for event in events:
                    self._append(conn, event)
                if job is not None:
                    self._enqueue(conn, job)
        except BaseException:
            proposal.version -= 1
            proposal._events[:0] = events
            raise

    def get(self, proposal_id: str) -> Proposal:
        rows = self._query("SELECT doc FROM proposals WHERE id=?", (proposal_id,))
        if not rows:
            raise ProposalNotFound(f"no proposal {proposal_id!r} in region {self.region}")
        return Proposal.model_validate_json(rows[0][0])

    def list(self, statuses: Iterable[str] | None = None, limit: int = 500) -> list[Proposal]:
        if statuses:
            statuses = list(statuses)
            marks = ",".join("?" * len(statuses))
            rows = self._query(f"SELECT doc FROM proposals WHERE status IN ({marks}) ORDER BY created_at LIMIT ?", [*statuses, limit])
        else:
            rows = self._query("SELECT doc FROM proposals ORDER BY created_at LIMIT ?", (limit,))
        return [Proposal.model_validate_json(r[0]) for r in rows]

    # --------------------------------------------------------------- audit
    def _append(self, conn: sqlite3.Connection, event: DomainEvent) -> AuditEntry:
        if event.region != self.region:
            from followup.errors import ResidencyViolation

            raise ResidencyViolation(f"event of region {event.region!r} written to the {self.region!r} ledger")
        row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
        payload = json.loads(event.model_dump_json())
        digest = entry_hash(prev, seq, self.region, payload)
        conn.execute("INSERT INTO audit(seq, partition, proposal_id, event, prev_hash, hash) VALUES (?,?,?,?,?,?)",
                     (seq, self.region, event.proposal_id, json.dumps(payload, sort_keys=True), prev, digest))
        return AuditEntry(seq=seq, partition=self.region, event=event, prev_hash=prev, hash=digest)

    def append(self, event: DomainEvent) -> AuditEntry:
        with self.transaction() as conn:
            return self._append(conn, event)

    def entries(self, proposal_id: str | None = None) -> list[AuditEntry]:
        sql, params = "SELECT seq, partition, event, prev_hash, hash FROM audit", ()
        if proposal_id:
            sql, params = sql + " WHERE proposal_id=?", (proposal_id,)
        rows = self._query(sql + " ORDER BY seq", params)
        return [AuditEntry(seq=r[0], partition=r[1], event=DomainEvent.model_validate_json(r[2]), prev_hash=r[3], hash=r[4]) for r in rows]

    def verify(self) -> AuditVerification:
        rows = self._query("SELECT seq, partition, event, prev_hash, hash FROM audit ORDER BY seq")
        count, bad, problem = verify_chain((r[0], r[1], r[2], r[3], r[4]) for r in rows)
        return AuditVerification(partition=self.region, entries=count, ok=bad is None, first_bad_seq=bad, problem=problem)

    # ---------------------------------------------------------- prompt log
    def record(self, entry: PromptLogEntry) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO prompts(id, at, doc) VALUES (?,?,?)", (entry.id, _iso(entry.at), entry.model_dump_json()))

    def get_prompt(self, entry_id: str) -> PromptLogEntry:
        rows = self._query("SELECT doc FROM prompts WHERE id=?", (entry_id,))
        if not rows:
            raise ProposalNotFound(f"no prompt log entry {entry_id!r} in region {self.region}")
        return PromptLogEntry.model_validate_json(rows[0][0])

    def prompts_for(self, proposal_id: str) -> list[PromptLogEntry]:
        rows = self._query("SELECT doc FROM prompts ORDER BY at")
        entries = [PromptLogEntry.model_validate_json(r[0]) for r in rows]
        return [e for e in entries if e.proposal_id == proposal_id]

    def purge_prompts_older_than(self, cutoff: dt.datetime) -> int:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM prompts WHERE at < ?", (_iso(cutoff),)).rowcount

    # -------------------------------------------------------------- outbox
    def enqueue(self, job: OutboxJob) -> None:
        with self.transaction() as conn:
            self._enqueue(conn, job)

    @staticmethod
    def _enqueue(conn: sqlite3.Connection, job: OutboxJob) -> None:
        conn.execute(
            "INSERT INTO outbox(proposal_id, not_before, attempts, last_error, done, doc) VALUES (?,?,?,?,0,?) "
            "ON CONFLICT(proposal_id) DO UPDATE SET done=0, not_before=excluded.not_before",
            (job.proposal_id, _iso(job.not_before), job.attempts, job.last_error, job.model_dump_json()))

    def due(self, now: dt.datetime, limit: int = 50) -> list[OutboxJob]:
        rows = self._query("SELECT proposal_id, not_before, attempts, last_error FROM outbox WHERE done=0 AND not_before <= ? ORDER BY not_before LIMIT ?",
                           (_iso(now), limit))
        return [OutboxJob(proposal_id=r[0], region=self.region, not_before=dt.datetime.fromisoformat(r[1]), attempts=r[2], last_error=r[3]) for r in rows]

    def pending_jobs(self) -> int:
        return self._query("SELECT COUNT(*) FROM outbox WHERE done=0")[0][0]

    def done(self, proposal_id: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE outbox SET done=1 WHERE proposal_id=?", (proposal_id,))

    def retry(self, proposal_id: str, not_before: dt.datetime, error: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE outbox SET attempts=attempts+1, not_before=?, last_error=? WHERE proposal_id=?",
                         (_iso(not_before), error, proposal_id))

    # ---------------------------------------------------------- exceptions
    def add_exception(self, item: ExceptionItem) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO exceptions(id, resolved, doc) VALUES (?,?,?)",
                         (item.id, int(item.resolved), item.model_dump_json()))

    def open_exceptions(self) -> list[ExceptionItem]:
        return [ExceptionItem.model_validate_json(r[0]) for r in self._query("SELECT doc FROM exceptions WHERE resolved=0")]

    # ------------------------------------------------------- conversations
    def save_conversation(self, user_id: str, reference: dict) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO conversations(user_id, doc) VALUES (?,?)", (user_id, json.dumps(reference)))

    def conversation(self, user_id: str) -> dict | None:
        rows = self._query("SELECT doc FROM conversations WHERE user_id=?", (user_id,))
        return json.loads(rows[0][0]) if rows else None
