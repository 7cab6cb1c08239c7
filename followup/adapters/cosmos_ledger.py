"""Hash-chained audit ledger of one region in the Cosmos ``audit`` container.

Documents (partition key ``/region``, one logical partition per region):

* ``{"type": "entry", "id": <event key>, "seq", "proposalId", "event", "prevHash", "hash"}``
* ``{"type": "head", "id": "head", "seq", "hash", "batch": [entries]}``

The head document is the commit point. An append reads the head, chains the new entries after it
and replaces the head with ``IfNotModified`` on its etag, carrying the new entries in ``batch``;
two writers cannot both extend the same head (the loser gets 412, re-reads and retries), so the
chain never forks. The entries are then written as their own documents ("materialized"); if that
is cut short, the head still holds them and the next append or read materializes them. An
entry's id is its event key, so appending the same event twice is recognised and skipped.
"""
from __future__ import annotations

import logging
from typing import Any

from followup.adapters.cosmos_errors import is_sdk_error, status_of
from followup.errors import StoreUnavailable
from governance.ledger import GENESIS, entry_hash, verify_chain

log = logging.getLogger(__name__)

HEAD_ID = "head"
MAX_ATTEMPTS = 20


class CosmosLedger:
    def __init__(self, container: Any, region: str):
        self.container = container
        self.region = region

    # ------------------------------------------------------------ reads
    def _head(self) -> dict | None:
        try:
            return self.container.read_item(HEAD_ID, partition_key=self.region)
        except Exception as exc:
            if status_of(exc) == 404:
                return None
            raise

    def _query(self, sql: str, **params: Any) -> list[dict]:
        parameters = [{"name": f"@{k}", "value": v} for k, v in {**params, "region": self.region}.items()]
        return list(self.container.query_items(sql, parameters=parameters, partition_key=self.region))

    def _materialize(self, batch: list[dict]) -> None:
        """Write the head's entries as documents (in order, so the last one existing means all do)."""
        if not batch:
            return
        try:
            self.container.read_item(batch[-1]["id"], partition_key=self.region)
            return
        except Exception as exc:
            if status_of(exc) != 404:
                raise
        for entry in batch:
            try:
                self.container.create_item(entry)
            except Exception as exc:
                if status_of(exc) != 409:
                    raise

    # ----------------------------------------------------------- append
    def append(self, items: list[tuple[str, dict]]) -> list[dict]:
        """Chain ``(event_key, event_json)`` items in order; keys already in the chain are skipped.

        Returns the entry documents written by this call. Raises StoreUnavailable (or an SDK
        error) only when nothing was committed; once the head is replaced the entries are durable.
        """
        if not items:
            return []
        for _ in range(MAX_ATTEMPTS):
            head = self._head()
            if head is not None:
                self._materialize(head.get("batch", []))
            keys = [key for key, _ in items]
            present = {row["id"] for row in self._query(
                "SELECT c.id FROM c WHERE c.region = @region AND c.type = 'entry' AND ARRAY_CONTAINS(@keys, c.id)", keys=keys)}
            todo = [(key, event) for key, event in items if key not in present]
            if not todo:
                return []
            seq, prev = (head["seq"], head["hash"]) if head else (0, GENESIS)
            batch = []
            for key, event in todo:
                seq += 1
                digest = entry_hash(prev, seq, self.region, event)
                batch.append({"id": key, "type": "entry", "region": self.region, "partition": self.region, "seq": seq,
                              "proposalId": event.get("proposal_id"), "event": event, "prevHash": prev, "hash": digest})
                prev = digest
            new_head = {"id": HEAD_ID, "type": "head", "region": self.region, "seq": seq, "hash": prev, "batch": batch}
            try:
                if head is None:
                    self.container.create_item(new_head)
                else:
                    from azure.core import MatchConditions

                    self.container.replace_item(HEAD_ID, new_head, etag=head["_etag"], match_condition=MatchConditions.IfNotModified)
            except Exception as exc:
                if status_of(exc) in (409, 412):
                    continue  # another writer extended the chain first: re-read and chain after it
                raise
            try:
                self._materialize(batch)
            except Exception as exc:  # committed in the head; the next append or read finishes it
                if not is_sdk_error(exc):
                    raise
                log.warning("audit %s: entries %s-%s kept in the head only for now (%s)", self.region,
                            batch[0]["seq"], batch[-1]["seq"], type(exc).__name__)
            return batch
        raise StoreUnavailable(f"audit chain of {self.region}: head contended {MAX_ATTEMPTS} times; retry later")

    # ------------------------------------------------------------ reads
    def entries(self, proposal_id: str | None = None) -> tuple[list[dict], dict | None]:
        """Entry documents in seq order (including any the head holds but not yet materialized)."""
        head = self._head()
        sql = "SELECT * FROM c WHERE c.region = @region AND c.type = 'entry'"
        params: dict[str, Any] = {}
        if proposal_id:
            sql += " AND c.proposalId = @pid"
            params["pid"] = proposal_id
        rows = {row["seq"]: row for row in self._query(sql + " ORDER BY c.seq", **params)}
        for entry in (head or {}).get("batch", []):
            if entry["seq"] not in rows and (not proposal_id or entry.get("proposalId") == proposal_id):
                rows[entry["seq"]] = entry
        return [rows[seq] for seq in sorted(rows)], head

    def verify(self) -> tuple[int, int | None, str | None]:
        rows, head = self.entries()
        count, bad, problem = verify_chain((r["seq"], r["partition"], r["event"], r["prevHash"], r["hash"]) for r in rows)
        if bad is None and head is not None:
            last_seq, last_hash = (rows[-1]["seq"], rows[-1]["hash"]) if rows else (0, GENESIS)
            if head["seq"] != last_seq:
                return count, last_seq + 1, f"entries missing: the chain head is at seq {head['seq']}, the last entry found is {last_seq}"
            if head["hash"] != last_hash:
                return count, last_seq, "the last entry does not match the chain head"
        elif bad is None and rows:
            return count, rows[-1]["seq"], "entries exist but the chain head is missing"
        return count, bad, problem
