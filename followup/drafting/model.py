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


class Finding(BaseModel):
    """A deal fact heard on the call: a competitor, an objection, or a MEDDICC/BANT item.

    ``kind`` is the category ("price", "security", "metrics", ...); ``value`` the competitor's name or
    the sentence that says it. Hashable and printable as its value, so code that handled the plain
    strings these lists used to hold keeps working.
    """
    kind: str
    value: str
    evidence: list[Evidence] = Field(default_factory=list)
    certainty: Certainty = "explicit"
    confidence: float = 0.0

    def __str__(self) -> str:
        return self.value

    def __hash__(self) -> int:
        return hash((self.kind, self.value))

    @property
    def label(self) -> str:
        return FINDING_LABELS.get(self.kind, self.kind.replace("_", " ").capitalize())

    def to_json(self) -> dict:
        return {"kind": self.kind, "value": self.value, "evidence": [e.quote for e in self.evidence],
                "certainty": self.certainty, "confidence": round(self.confidence, 3)}


FINDING_LABELS = {
    "price": "Price", "budget": "Budget", "security": "Security and compliance", "timing": "Timing", "legal": "Legal terms",
    "works_council": "Works council", "integration": "Integration", "resources": "Team capacity", "competition": "Competition",
    "status_quo": "Priority", "metrics": "Metrics", "economic_buyer": "Economic buyer", "decision_criteria": "Decision criteria",
    "decision_process": "Decision process", "paper_process": "Paper process", "pain": "Pain", "champion": "Champion",
    "authority": "Authority", "need": "Need", "timeline": "Timeline", "competitor": "Competitor",
}


def finding_text(item) -> str:
    """The text of a competitor/objection entry, whether a Finding or a plain string (LLM extractor)."""
    return item.value if isinstance(item, Finding) else str(item)


class Extraction(BaseModel):
    next_steps: list[ExtractedStep] = Field(default_factory=list)
    fields: list[ExtractedField] = Field(default_factory=list)
    contact_roles: list[ExtractedRole] = Field(default_factory=list)
    competitors: list[Finding | str] = Field(default_factory=list)
    objections: list[Finding | str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)  # MEDDICC/BANT key -> list[Finding]
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
            "competitors": [_finding_json(c, "competitor") for c in self.competitors],
            "objections": [_finding_json(o, "objection") for o in self.objections],
            "facts": {key: [_finding_json(f, key) for f in (items if isinstance(items, list) else [items])]
                      for key, items in self.facts.items()},
            "recap": {"subject": recap.subject, "body": recap.body} if recap is not None else None,
        }


def _finding_json(item, kind: str) -> dict:
    if isinstance(item, Finding):
        return item.to_json()
    if isinstance(item, dict):
        return item
    return {"kind": kind, "value": str(item), "evidence": [], "certainty": "inferred", "confidence": None}
