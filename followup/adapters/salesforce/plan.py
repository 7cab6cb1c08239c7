"""Turn approved writes into one composite request, and its answer into one outcome per write.

The Opportunity update is a PATCH subrequest guarded by If-Unmodified-Since (the LastModifiedDate
read in the same commit); other updates and all creates travel as sObject Collections subrequests
with allOrNone=false, whose per-record results are matched by position.
"""
from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from typing import Any

from followup.adapters.salesforce.metadata import OrgMetadata, resolve
from followup.adapters.salesforce.soql import OpportunityState, marker
from followup.errors import CrmRejected
from followup.ports import CrmWrite, WriteOutcome

COLLECTION_MAX = 200
COMPOSITE_MAX = 25
RETRYABLE_CODES = {"REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "API_CURRENTLY_DISABLED"}


def same(a: Any, b: Any) -> bool:
    if a is None or a == "" or b is None or b == "":
        return (a is None or a == "") and (b is None or b == "")
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return str(a) == str(b)


def http_date(salesforce_datetime: str) -> str:
    """``2024-05-01T10:00:00.000+0000`` -> ``Wed, 01 May 2024 10:00:00 GMT`` (If-Unmodified-Since)."""
    moment = dt.datetime.strptime(salesforce_datetime, "%Y-%m-%dT%H:%M:%S.%f%z")
    return email.utils.format_datetime(moment.astimezone(dt.timezone.utc), usegmt=True)


@dataclass
class Pending:
    """A record write waiting for the composite call; ``keys`` are the writes it settles."""

    sobject: str
    record_id: str | None
    values: dict[str, Any]
    keys: list[str] = field(default_factory=list)


@dataclass
class Plan:
    opportunity_id: str
    settled: dict[str, WriteOutcome] = field(default_factory=dict)
    opportunity: Pending | None = None
    updates: dict[tuple[str, str], Pending] = field(default_factory=dict)
    creates: list[Pending] = field(default_factory=list)
    unmodified_since: str | None = None

    def settle(self, outcome: WriteOutcome) -> None:
        self.settled[outcome.key] = outcome

    @property
    def empty(self) -> bool:
        return self.opportunity is None and not self.updates and not self.creates


def build_plan(opportunity_id: str, writes: list[CrmWrite], state: OpportunityState, meta: OrgMetadata) -> Plan:
    plan = Plan(opportunity_id)
    for write in writes:
        try:
            if write.kind == "field":
                _plan_field(plan, write, state, meta)
            elif write.kind == "contact_role":
                _plan_role(plan, write, state, meta)
            else:
                _plan_task(plan, write, state, meta)
        except CrmRejected as exc:
            plan.settle(WriteOutcome(key=write.key, status="failed", record_id=write.record_id, error=str(exc)))
    if plan.opportunity is not None and state.opportunity.get("LastModifiedDate"):
        plan.unmodified_since = http_date(state.opportunity["LastModifiedDate"])
    return plan


def _plan_field(plan: Plan, w: CrmWrite, state: OpportunityState, meta: OrgMetadata) -> None:
    if not w.field:
        raise CrmRejected("a field write names no field")
    qualified = f"{w.object}.{w.field}"
    value = meta.validate(qualified, w.after)
    record = plan.opportunity_id if w.object == "Opportunity" else w.record_id
    current = state.value(w.object, record, w.field)
    if same(current, value):
        plan.settle(WriteOutcome(key=w.key, status="committed", record_id=record))
        return
    if not same(current, w.before):
        plan.settle(WriteOutcome(key=w.key, status="conflict", record_id=record, current=current))
        return
    if w.object == "Contact" and w.field == "Role":
        _set_role(plan, w.key, record, value, state)
    elif w.object == "Opportunity":
        plan.opportunity = plan.opportunity or Pending("Opportunity", plan.opportunity_id, {})
        plan.opportunity.values[w.field] = value
        plan.opportunity.keys.append(w.key)
    else:
        if not record:
            raise CrmRejected(f"{qualified} write names no record")
        pending = plan.updates.setdefault((w.object, record), Pending(w.object, record, {}))
        pending.values[w.field] = value
        pending.keys.append(w.key)


def _set_role(plan: Plan, key: str, contact_id: str | None, role: Any, state: OpportunityState) -> None:
    if not contact_id:
        raise CrmRejected("a contact role write names no contact")
    existing = state.roles.get(contact_id)
    if existing:
        pending = plan.updates.setdefault(("OpportunityContactRole", existing["Id"]),
                                          Pending("OpportunityContactRole", existing["Id"], {}))
        pending.values["Role"] = role
        pending.keys.append(key)
    else:
        plan.creates.append(Pending("OpportunityContactRole", None,
                                    {"OpportunityId": plan.opportunity_id, "ContactId": contact_id, "Role": role}, [key]))


def _plan_role(plan: Plan, w: CrmWrite, state: OpportunityState, meta: OrgMetadata) -> None:
    contact_id = w.values.get("ContactId") or w.record_id
    role = meta.validate("OpportunityContactRole.Role", w.values.get("Role", w.after), creating=True)
    existing = state.roles.get(contact_id or "")
    if existing and same(existing.get("Role"), role):
        plan.settle(WriteOutcome(key=w.key, status="committed", record_id=existing["Id"]))
    elif existing and existing.get("Role"):
        plan.settle(WriteOutcome(key=w.key, status="conflict", record_id=existing["Id"], current=existing["Role"]))
    else:
        _set_role(plan, w.key, contact_id, role, state)


def _plan_task(plan: Plan, w: CrmWrite, state: OpportunityState, meta: OrgMetadata) -> None:
    done = state.tasks_by_key.get(w.key)
    if done:
        plan.settle(WriteOutcome(key=w.key, status="committed", record_id=done["Id"]))
        return
    values: dict[str, Any] = {"Status": "Not Started", "Priority": "Normal"}
    if w.kind == "activity":
        values.update({"Status": "Completed", "TaskSubtype": "Email", "ActivityDate": dt.date.today().isoformat()})
    for name, value in w.values.items():
        values[resolve(f"Task.{name}")[1]] = value
    if not values.get("Subject"):
        raise CrmRejected("a Task needs a Subject")
    description = values.get("Description") or ""
    values["Description"] = (description + "\n\n" if description else "") + marker(w.key)
    values["WhatId"] = plan.opportunity_id
    checked = {name: meta.validate(f"Task.{name}", value, creating=True) for name, value in values.items()}
    plan.creates.append(Pending("Task", None, {k: v for k, v in checked.items() if v is not None}, [w.key]))


# ---------------------------------------------------------------- composite request and answer
def subrequests(plan: Plan, version: str) -> list[dict]:
    base = f"/services/data/v{version}"
    subs: list[dict] = []
    if plan.opportunity is not None:
        sub = {"method": "PATCH", "url": f"{base}/sobjects/Opportunity/{plan.opportunity_id}",
               "referenceId": "opportunity", "body": plan.opportunity.values}
        if plan.unmodified_since:
            sub["httpHeaders"] = {"If-Unmodified-Since": plan.unmodified_since}
        subs.append(sub)
    updates = list(plan.updates.values())
    for n, start in enumerate(range(0, len(updates), COLLECTION_MAX)):
        chunk = updates[start:start + COLLECTION_MAX]
        subs.append({"method": "PATCH", "url": f"{base}/composite/sobjects", "referenceId": f"update{n}",
                     "body": {"allOrNone": False, "records": [
                         {"attributes": {"type": p.sobject}, "id": p.record_id, **p.values} for p in chunk]}})
    for n, start in enumerate(range(0, len(plan.creates), COLLECTION_MAX)):
        chunk = plan.creates[start:start + COLLECTION_MAX]
        subs.append({"method": "POST", "url": f"{base}/composite/sobjects", "referenceId": f"create{n}",
                     "body": {"allOrNone": False, "records": [{"attributes": {"type": p.sobject}, **p.values} for p in chunk]}})
    return subs


def pending_for(plan: Plan, reference: str) -> list[Pending]:
    if reference == "opportunity":
        return [plan.opportunity] if plan.opportunity else []
    kind, n = reference[:6], int(reference[6:])
    items = list(plan.updates.values()) if kind == "update" else plan.creates
    return items[n * COLLECTION_MAX:(n + 1) * COLLECTION_MAX]


def error_text(errors: Any) -> tuple[str, bool]:
    """Salesforce's message(s) and whether retrying later can help."""
    items = errors if isinstance(errors, list) else [errors]
    codes, messages = [], []
    for item in items:
        if isinstance(item, dict):
            code = item.get("errorCode") or item.get("statusCode") or "ERROR"
            fields = item.get("fields") or []
            codes.append(code)
            messages.append(f"{code}: {item.get('message', '')}" + (f" ({', '.join(fields)})" if fields else ""))
        else:
            messages.append(str(item))
    return "; ".join(messages) or "Salesforce refused the write", any(c in RETRYABLE_CODES for c in codes)


def read_answer(plan: Plan, answer: dict) -> list[Pending]:
    """Settle every pending write from a composite answer; returns the pendings refused with 412."""
    refused: list[Pending] = []
    seen = set()
    for result in answer.get("compositeResponse") or []:
        reference = result.get("referenceId", "")
        seen.add(reference)
        status, body = result.get("httpStatusCode", 0), result.get("body")
        items = pending_for(plan, reference)
        if status == 412:
            refused.extend(items)
            continue
        if status >= 300:
            text, retryable = error_text(body)
            for p in items:
                _settle_all(plan, p, "failed", error=text, retryable=retryable or status >= 500)
            continue
        if reference == "opportunity":
            for p in items:
                _settle_all(plan, p, "committed")
            continue
        results = body if isinstance(body, list) else []
        for index, p in enumerate(items):
            row = results[index] if index < len(results) else None
            if row is None:
                _settle_all(plan, p, "failed", error="Salesforce returned no result for this record", retryable=True)
            elif row.get("success"):
                _settle_all(plan, p, "committed", record_id=row.get("id") or p.record_id)
            else:
                text, retryable = error_text(row.get("errors"))
                _settle_all(plan, p, "failed", error=text, retryable=retryable)
    return refused


def _settle_all(plan: Plan, p: Pending, status: str, record_id: str | None = None, error: str | None = None,
                retryable: bool = False) -> None:
    for key in p.keys:
        plan.settle(WriteOutcome(key=key, status=status, record_id=record_id or p.record_id, error=error,
                                 retryable=retryable))
