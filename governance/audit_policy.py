"""What the policy's ``logging`` and ``pii_rules`` sections allow into the audit ledger.

- ``logging.field_diffs: false`` keeps the fact that a field was proposed, decided or written
  (field, item, actor, reason code) but drops the before/after values.
- ``pii_rules.redact_in_logs: true`` redacts the configured entities in every string of a payload.

Pure functions: the ledger adapters chain whatever these return.
"""
from __future__ import annotations

from typing import Any

from governance.pii import redact
from governance.policy import TrustLayer

VALUE_KEYS = ("before", "after", "proposed", "value", "expected", "current")
OMITTED = "omitted (logging.field_diffs: false)"


def _without_values(payload: dict[str, Any]) -> dict[str, Any]:
    out = dict(payload)
    if "field" in out:  # a field-level event; status events keep their before/after states
        for key in VALUE_KEYS:
            if key in out:
                out[key] = OMITTED
    if isinstance(out.get("changes"), list):
        out["changes"] = [_without_values(c) if isinstance(c, dict) else c for c in out["changes"]]
    return out


def _redacted(value: Any, policy: TrustLayer) -> Any:
    if isinstance(value, str):
        return redact(value, policy=policy)
    if isinstance(value, dict):
        return {k: _redacted(v, policy) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, policy) for v in value]
    return value


def audit_payload(payload: dict[str, Any], policy: TrustLayer) -> dict[str, Any]:
    """The payload as the ledger may keep it (idempotent: applying it twice changes nothing)."""
    out = payload if policy.logging.field_diffs else _without_values(payload)
    return _redacted(out, policy)
