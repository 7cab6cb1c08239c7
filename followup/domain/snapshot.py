"""The CRM record as it was when the call was drafted (format of the dev set's ``crm.json``)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from followup.errors import SnapshotError


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Account(_Model):
    Id: str
    Name: str
    BillingCountry: str | None = None


class Opportunity(_Model):
    Id: str
    Name: str
    StageName: str | None = None
    CloseDate: dt.date | None = None
    Amount: float | None = None
    NextStep: str | None = None
    OwnerId: str | None = None
    LastModifiedDate: str | None = None


class Contact(_Model):
    Id: str
    Name: str
    Email: str | None = None
    Title: str | None = None


class Rep(_Model):
    name: str
    email: str | None = None
    role: str = "AE"
    user_id: str | None = Field(default=None, description="Entra object id of the rep in Teams")


class CallInfo(_Model):
    date: dt.date
    rep: Rep


class CrmSnapshot(_Model):
    Account: Account
    Opportunity: Opportunity
    Contacts: list[Contact] = Field(default_factory=list)
    call: CallInfo

    def field_value(self, qualified: str, record_id: str | None = None):
        """Current value of ``Object.Field`` (``Contact.Role`` has no snapshot value)."""
        obj, _, name = qualified.partition(".")
        if obj == "Opportunity":
            return getattr(self.Opportunity, name, None)
        if obj == "Account":
            return getattr(self.Account, name, None)
        if obj == "Contact":
            for contact in self.Contacts:
                if contact.Id == record_id:
                    return getattr(contact, name, None)
        return None

    def contact_by_name(self, name: str) -> Contact | None:
        wanted = name.strip().lower()
        for contact in self.Contacts:
            if contact.Name.lower() == wanted:
                return contact
        return None


def load_snapshot(path: str | Path) -> CrmSnapshot:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SnapshotError(f"{path}: file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path}: not valid JSON ({exc})") from None
    return parse_snapshot(raw, source=str(path))


def parse_snapshot(raw: object, source: str = "snapshot") -> CrmSnapshot:
    try:
        return CrmSnapshot.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SnapshotError(f"{source}: {where}: {first['msg']}") from None
