"""The one SOQL query a draft or a commit needs, and what its answer says about the opportunity.

Task.Description is a long text area, which SOQL cannot filter on, so the opportunity's recent
Tasks come back in the same query and their idempotency markers are read here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from followup.errors import CrmRejected

OPPORTUNITY_FIELDS = ["Id", "Name", "StageName", "CloseDate", "Amount", "NextStep", "OwnerId", "LastModifiedDate", "AccountId"]
ACCOUNT_FIELDS = ["Id", "Name", "BillingCountry"]
CONTACT_FIELDS = ["Id", "Name", "Email", "Title"]
TASK_FIELDS = ["Id", "Subject", "Status", "ActivityDate", "Description"]
TASK_WINDOW = 200
ID_PATTERN = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")
MARKER = re.compile(r"\[followup:([A-Za-z0-9_.:-]+)\]")


def marker(key: str) -> str:
    """Text put in a created Task's Description so a retry can find it."""
    return f"[followup:{key}]"


def record_id(value: str, what: str = "record id") -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise CrmRejected(f"{value!r} is not a Salesforce {what}")
    return value


def _merge(base: list[str], extra: set[str]) -> list[str]:
    return base + sorted(f for f in extra if f not in base)


def opportunity_query(opportunity_id: str, opportunity_fields: set[str] = frozenset(),
                      contact_fields: set[str] = frozenset(), account_fields: set[str] = frozenset()) -> str:
    opp = _merge(OPPORTUNITY_FIELDS, set(opportunity_fields))
    contact = [f"Contact.{f}" for f in _merge(CONTACT_FIELDS, set(contact_fields))]
    account = [f"Account.{f}" for f in _merge(ACCOUNT_FIELDS, set(account_fields))]
    roles = "SELECT " + ", ".join(["Id", "ContactId", "Role", "IsPrimary", *contact]) + " FROM OpportunityContactRoles"
    tasks = ("SELECT " + ", ".join(TASK_FIELDS) + f" FROM Tasks ORDER BY CreatedDate DESC LIMIT {TASK_WINDOW}")
    return (f"SELECT {', '.join(opp + account)}, ({roles}), ({tasks}) "
            f"FROM Opportunity WHERE Id = '{record_id(opportunity_id, 'Opportunity id')}'")


def contacts_query(contact_ids: list[str], fields: set[str]) -> str:
    ids = ", ".join(f"'{record_id(c, 'Contact id')}'" for c in contact_ids)
    return f"SELECT {', '.join(_merge(['Id'], set(fields)))} FROM Contact WHERE Id IN ({ids})"


def plain(record: dict | None) -> dict:
    return {k: v for k, v in (record or {}).items() if k != "attributes"}


def children(record: dict, relationship: str) -> list[dict]:
    block = record.get(relationship) or {}
    return [plain(r) for r in block.get("records", [])]


@dataclass
class OpportunityState:
    """What the org holds for one opportunity at the moment of reading."""

    opportunity: dict
    account: dict
    roles: dict[str, dict] = field(default_factory=dict)  # ContactId -> OpportunityContactRole
    contacts: dict[str, dict] = field(default_factory=dict)  # Contact Id -> Contact fields
    tasks_by_key: dict[str, dict] = field(default_factory=dict)  # idempotency key -> Task

    @classmethod
    def from_query(cls, answer: dict, opportunity_id: str) -> "OpportunityState":
        records = answer.get("records") or []
        if not records:
            raise CrmRejected(f"Opportunity {opportunity_id} not found (or not visible to the integration user)")
        opp = plain(records[0])
        state = cls(opportunity={k: v for k, v in opp.items() if not isinstance(v, dict) or k == "Account"},
                    account=plain(opp.get("Account")))
        state.opportunity.pop("Account", None)
        for key in ("OpportunityContactRoles", "Tasks"):
            state.opportunity.pop(key, None)
        for role in children(opp, "OpportunityContactRoles"):
            contact = plain(role.pop("Contact", None))
            state.roles[role["ContactId"]] = role
            if contact:
                state.contacts[role["ContactId"]] = contact
        for task in children(opp, "Tasks"):
            for key in MARKER.findall(task.get("Description") or ""):
                state.tasks_by_key.setdefault(key, task)
        return state

    def add_contacts(self, answer: dict) -> None:
        for contact in answer.get("records") or []:
            contact = plain(contact)
            self.contacts[contact["Id"]] = contact

    def value(self, obj: str, rec_id: str | None, name: str) -> Any:
        if obj == "Contact" and name == "Role":
            return (self.roles.get(rec_id or "") or {}).get("Role")
        if obj == "Opportunity":
            return self.opportunity.get(name)
        if obj == "Account":
            return self.account.get(name)
        if obj == "Contact":
            return (self.contacts.get(rec_id or "") or {}).get(name)
        return None

    def snapshot(self) -> dict:
        contacts = []
        for contact_id, contact in self.contacts.items():
            role = self.roles.get(contact_id) or {}
            contacts.append({**contact, "Role": role.get("Role"), "IsPrimary": role.get("IsPrimary")})
        return {"Account": dict(self.account), "Opportunity": dict(self.opportunity), "Contacts": contacts}
