"""Tamper-evident audit ledger: each entry's hash covers its content and the previous hash."""
from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, seq: int, partition: str, event: dict[str, Any]) -> str:
    body = canonical({"prev": prev_hash, "seq": seq, "partition": partition, "event": event})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def verify_chain(entries: Iterable[tuple[int, str, dict[str, Any] | str, str, str]]) -> tuple[int, int | None, str | None]:
    """Check ``(seq, partition, event, prev_hash, hash)`` rows in order (``event`` as a dict or its stored JSON text).

    Returns ``(count, first_bad_seq, problem)``; ``first_bad_seq`` is None when the chain holds.
    """
    prev, expected_seq, count = GENESIS, 1, 0
    for seq, partition, event, prev_hash, digest in entries:
        count += 1
        if seq != expected_seq:
            return count, seq, f"sequence gap: expected {expected_seq}, found {seq}"
        if prev_hash != prev:
            return count, seq, "previous-hash link broken"
        if isinstance(event, str):  # stored text: a tamper may leave it unparseable
            try:
                event = json.loads(event)
            except ValueError:
                return count, seq, "stored entry is not valid JSON"
        if entry_hash(prev_hash, seq, partition, event) != digest:
            return count, seq, "content does not match its hash"
        prev, expected_seq = digest, seq + 1
    return count, None, None
