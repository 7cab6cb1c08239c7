"""What extraction produces: values with evidence, certainty and computed confidence."""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from followup.domain.proposal import Evidence

Certainty = Literal["explicit", "inferred"]


class ExtractedStep(BaseModel):
    text: str
    owner: str | None = None
    due_date: dt.date | None = None
    evidence: list[Evidence]
    certainty: Certainty
    confidence: float
    tentative: bool = False


class ExtractedField(BaseModel):
    field: str
    value: Any
    evidence: list[Evidence]
    certainty: Certainty
    confidence: float


class ExtractedRole(BaseModel):
    name: str
    title: str | None = None
    role: str
    contact_id: str | None = None
    evidence: list[Evidence]
    certainty: Certainty
    confidence: float

    @property
    def value(self) -> str:
        return self.role

    @property
    def in_crm(self) -> bool:
        """False for someone named on the call who is not one of the CRM Contacts."""
        return self.contact_id is not None


class Extraction(BaseModel):
    next_steps: list[ExtractedStep] = Field(default_factory=list)
    fields: list[ExtractedField] = Field(default_factory=list)
    contact_roles: list[ExtractedRole] = Field(default_factory=list)
    competitors: list[str] = Field(default_factory=list)
    objections: list[str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)
    attendees: list[str] = Field(default_factory=list)

    def to_json(self, recap=None) -> dict:
        def plain(v):
            return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v

        return {
            "next_steps": [{"text": s.text, "owner": s.owner, "due_date": plain(s.due_date),
                            "evidence": [e.quote for e in s.evidence], "certainty": s.certainty,
                            "confidence": round(s.confidence, 3), "tentative": s.tentative} for s in self.next_steps],
            "fields": [{"field": f.field, "value": plain(f.value), "evidence": [e.quote for e in f.evidence],
                        "certainty": f.certainty, "confidence": round(f.confidence, 3)} for f in self.fields],
            "contact_roles": [{"name": r.name, "title": r.title, "role": r.role, "evidence": [e.quote for e in r.evidence],
                               "in_crm": r.in_crm, "certainty": r.certainty, "confidence": round(r.confidence, 3)}
                              for r in self.contact_roles],
            "recap": {"subject": recap.subject, "body": recap.body} if recap is not None else None,
        }
