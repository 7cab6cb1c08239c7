"""Org metadata from describe payloads: which fields are updateable, picklists, value validation."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from followup.errors import CrmRejected

DESCRIBED_OBJECTS = ("Opportunity", "Account", "Contact", "OpportunityContactRole", "Task")
# names the copilot uses that live on another object in Salesforce
ALIASES = {"Contact.Role": "OpportunityContactRole.Role", "Task.DueDate": "Task.ActivityDate"}
NUMBER_TYPES = {"currency", "double", "percent", "int", "long"}
TEXT_TYPES = {"string", "textarea", "combobox", "phone", "email", "url", "encryptedstring"}
ID_PATTERN = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")


def resolve(qualified_field: str) -> tuple[str, str]:
    obj, _, name = ALIASES.get(qualified_field, qualified_field).partition(".")
    return obj, name


class OrgMetadata:
    """Field facts of one org, indexed from ``/sobjects/<Object>/describe`` bodies."""

    def __init__(self, describes: dict[str, dict]):
        self.fields: dict[str, dict[str, dict]] = {
            obj: {f["name"]: f for f in body.get("fields", [])} for obj, body in describes.items()}

    def field(self, qualified_field: str) -> dict | None:
        obj, name = resolve(qualified_field)
        return self.fields.get(obj, {}).get(name)

    def updateable(self, qualified_field: str) -> bool:
        meta = self.field(qualified_field)
        return bool(meta and meta.get("updateable"))

    def createable(self, qualified_field: str) -> bool:
        meta = self.field(qualified_field)
        return bool(meta and meta.get("createable"))

    def picklist(self, qualified_field: str) -> list[str] | None:
        meta = self.field(qualified_field)
        if not meta or meta.get("type") not in ("picklist", "multipicklist"):
            return None
        return [p["value"] for p in meta.get("picklistValues", []) if p.get("active")]

    def validate(self, qualified_field: str, value: Any, creating: bool = False) -> Any:
        """The value as Salesforce expects it, or CrmRejected saying why the org would refuse it."""
        meta = self.field(qualified_field)
        if meta is None:
            raise CrmRejected(f"{qualified_field} does not exist in this org")
        if not (meta.get("createable") if creating else meta.get("updateable")):
            raise CrmRejected(f"{qualified_field} is not {'createable' if creating else 'updateable'} in this org")
        if value is None or value == "":
            if not meta.get("nillable", True) and not meta.get("defaultedOnCreate"):
                raise CrmRejected(f"{qualified_field} cannot be empty")
            return None
        kind = meta.get("type")
        if kind == "date":
            return _date(qualified_field, value)
        if kind in NUMBER_TYPES:
            return _number(qualified_field, value, kind)
        if kind == "boolean":
            if not isinstance(value, bool):
                raise CrmRejected(f"{qualified_field} takes true or false, not {value!r}")
            return value
        if kind == "reference":
            if not isinstance(value, str) or not ID_PATTERN.match(value):
                raise CrmRejected(f"{qualified_field} takes a Salesforce record id, not {value!r}")
            return value
        if kind in ("picklist", "multipicklist"):
            allowed = self.picklist(qualified_field) or []
            chosen = str(value).split(";") if kind == "multipicklist" else [value]
            bad = [v for v in chosen if v not in allowed]  # exact match: 'closed won' is not 'Closed Won'
            if bad:
                raise CrmRejected(f"{bad[0]!r} is not an active {qualified_field} value in this org "
                                  f"(allowed: {', '.join(allowed)})")
            return value
        if kind in TEXT_TYPES:
            text = str(value)
            limit = meta.get("length") or 0
            if limit and len(text) > limit:
                raise CrmRejected(f"{qualified_field} holds at most {limit} characters; the value has {len(text)}")
            return text
        return value


def _date(qualified_field: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise CrmRejected(f"{qualified_field} takes a date (YYYY-MM-DD), not {value!r}") from None


def _number(qualified_field: str, value: Any, kind: str) -> float | int:
    if isinstance(value, bool):
        raise CrmRejected(f"{qualified_field} takes a number, not {value!r}")
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise CrmRejected(f"{qualified_field} takes a {kind} number, not {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CrmRejected(f"{qualified_field} takes a finite number, not {value!r}")
    if kind in ("int", "long"):
        if number != int(number):
            raise CrmRejected(f"{qualified_field} takes a whole number, not {value!r}")
        return int(number)
    return number
