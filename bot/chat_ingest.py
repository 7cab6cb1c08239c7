"""`recap <opportunity id or name>` from chat: find the CRM snapshot, then ingest the pasted notes.

The snapshot comes from a JSON attachment (crm.json shape) when one is attached; otherwise from
the CRM's own records (the local sandbox CRM can list them). The rep is the person chatting.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from followup.domain.snapshot import CrmSnapshot, parse_snapshot
from followup.errors import InputError, SnapshotError

USAGE = ("Usage: `recap <opportunity id or name>` on the first line, then paste your call notes on the next lines "
         "(optionally attach the CRM snapshot as JSON).")


@dataclass
class RecapRequest:
    opportunity: str
    notes: str


def parse_recap_command(text: str) -> RecapRequest:
    first, _, rest = text.strip().partition("\n")
    words = first.strip().split(None, 1)
    if not words or words[0].lower() != "recap" or len(words) < 2:
        raise InputError(USAGE)
    if not rest.strip():
        raise InputError("No call notes after the first line. " + USAGE)
    return RecapRequest(opportunity=words[1].strip().strip('"'), notes=rest.strip())


def snapshot_from_attachment(attachments: list[Any] | None) -> CrmSnapshot | None:
    for attachment in attachments or []:
        content_type = (getattr(attachment, "content_type", None) or "").lower()
        content = getattr(attachment, "content", None)
        if "json" not in content_type or content is None:
            continue
        if isinstance(content, str):
            try:
                content = json.loads(content)
            except json.JSONDecodeError as exc:
                raise SnapshotError(f"the attached snapshot is not valid JSON ({exc.msg})") from None
        return parse_snapshot(content, source="attached snapshot")
    return None


def _find_opportunity(crm, wanted: str) -> dict:
    record = crm.record("Opportunity", wanted)
    if record:
        return record
    matches = [o for o in crm.created("Opportunity") if str(o.get("Name", "")).lower() == wanted.lower()]
    if not matches:
        matches = [o for o in crm.created("Opportunity") if wanted.lower() in str(o.get("Name", "")).lower()]
    if len(matches) != 1:
        found = "no opportunity" if not matches else f"{len(matches)} opportunities"
        raise SnapshotError(f"{found} match {wanted!r} in {crm.label}; use the opportunity id")
    return matches[0]


def snapshot_from_crm(crm, wanted: str, rep: dict, call_date: dt.date) -> CrmSnapshot:
    """Build a snapshot from CRM records (needs a CRM that can list records, like the sandbox)."""
    if not (hasattr(crm, "record") and hasattr(crm, "created")):
        raise SnapshotError(f"{crm.label} cannot look up opportunities from chat; attach the CRM snapshot as JSON")
    opportunity = _find_opportunity(crm, wanted)
    account = crm.record("Account", opportunity.get("AccountId", "")) or None
    if account is None:
        raise SnapshotError(f"opportunity {opportunity.get('Id')} has no account in {crm.label}")
    contacts = [c for c in crm.created("Contact") if c.get("AccountId") == account["Id"]]
    return parse_snapshot({"Account": account, "Opportunity": opportunity, "Contacts": contacts,
                           "call": {"date": call_date.isoformat(), "rep": rep}}, source=crm.label)
