"""Score an extractor against labelled calls (folders with transcript.*, crm.json, gold.json).

Matching rules:
- a field proposal is correct when gold has that exact value (dates equal, amounts within 0.5%,
  StageName exact; NextStep counts as correct when at least half of the gold text's content words
  appear in it). Gold ``null`` or a value equal to the CRM value means "no proposal expected".
- a next step matches a gold step when the owners are equal and the due dates are equal (both
  may be null), or when at least 40% of the gold step's content words appear in it with equal
  owner. Recall counts firm gold steps only; tentative gold steps may be matched for precision.
- must-not-propose: any proposed field whose value equals a listed value.
- PII leak: any gold ``pii`` substring found in the extractor's output (JSON incl. recap).
- ungrounded: a transcript evidence quote that is not a substring of a transcript turn (fields, steps
  and roles; a role resting on the CRM title cites the title with ``source="crm"``); ``ungrounded_facts_evidence`` counts the same for competitors, objections and facts.
- contact roles: a proposed role is correct when gold has the same full name (case, accents and
  spacing ignored) with the same OpportunityContactRole value; precision over proposed roles,
  recall over gold roles.
- precision by confidence: field precision among proposals at or above each of the shipped policy's
  thresholds (0.78 AE, 0.85 StageName, 0.90 Amount), i.e. what the approval gates let be bulk-approved.
- model outcomes: for a model-backed extractor, how many calls the model answered ("ok") and how many fell
  back to the offline rules ("fallback"), so a score is never silently the rules' score.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

from pydantic import BaseModel, Field

from followup.domain.snapshot import load_snapshot
from followup.drafting.transcript import load_transcript

CONFIDENCE_LEVELS = (0.78, 0.85, 0.90)  # the shipped policy's AE, StageName and Amount thresholds
STOP = {"the", "a", "an", "and", "or", "to", "of", "for", "with", "on", "in", "by", "at", "from", "send", "is", "be", "our", "their", "his", "her"}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 1}


def _overlap(gold: str, got: str) -> float:
    g = _words(gold)
    return len(g & _words(got)) / len(g) if g else 0.0


def _name_key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def _role_key(name: str, role: str) -> tuple[str, str]:
    return _name_key(name), " ".join((role or "").lower().split())


def _equal(field: str, gold, got) -> bool:
    if gold is None or got is None:
        return False
    if field.endswith("Amount"):
        return abs(float(gold) - float(got)) <= 0.005 * abs(float(gold))
    if field.endswith("NextStep"):
        return _overlap(str(gold), str(got)) >= 0.5
    return str(gold) == str(got)


class Score(BaseModel):
    calls: int = 0
    steps_firm: int = 0
    steps_firm_found: int = 0
    steps_proposed: int = 0
    steps_proposed_correct: int = 0
    field_expected: dict[str, int] = Field(default_factory=dict)
    field_proposed: dict[str, int] = Field(default_factory=dict)
    field_correct: dict[str, int] = Field(default_factory=dict)
    must_not_violations: list[str] = Field(default_factory=list)
    pii_leaks: list[str] = Field(default_factory=list)
    ungrounded: int = 0
    ungrounded_facts: int = 0
    roles_expected: int = 0
    roles_proposed: int = 0
    roles_correct: int = 0
    role_errors: list[str] = Field(default_factory=list)
    field_scored: list[tuple[float, bool]] = Field(default_factory=list)  # (confidence, correct) per field proposal
    model_outcomes: dict[str, int] = Field(default_factory=dict)  # a model-backed extractor's "ok" / "fallback" per call

    def ratio(self, a: int, b: int) -> float | None:
        return a / b if b else None

    def summary(self) -> dict:
        fields = sorted(set(self.field_expected) | set(self.field_proposed))
        total_p = sum(self.field_proposed.values())
        total_c = sum(self.field_correct.values())
        total_e = sum(self.field_expected.values())
        return {
            "calls": self.calls,
            "next_step_recall": self.ratio(self.steps_firm_found, self.steps_firm),
            "next_step_precision": self.ratio(self.steps_proposed_correct, self.steps_proposed),
            "field_precision": self.ratio(total_c, total_p),
            "field_recall": self.ratio(total_c, total_e),
            "per_field": {f: {"precision": self.ratio(self.field_correct.get(f, 0), self.field_proposed.get(f, 0)),
                              "recall": self.ratio(self.field_correct.get(f, 0), self.field_expected.get(f, 0))} for f in fields},
            "must_not_propose_violations": self.must_not_violations,
            "pii_leaks": self.pii_leaks,
            "ungrounded_evidence": self.ungrounded,
            "ungrounded_facts_evidence": self.ungrounded_facts,
            "contact_role_precision": self.ratio(self.roles_correct, self.roles_proposed),
            "contact_role_recall": self.ratio(self.roles_correct, self.roles_expected),
            "contact_role_errors": self.role_errors,
            "field_precision_at_confidence": {f"{t:.2f}": self.precision_at(t) for t in CONFIDENCE_LEVELS},
            "model_outcomes": self.model_outcomes,
        }

    def precision_at(self, threshold: float) -> dict:
        """Field precision among proposals at or above a confidence (the policy's thresholds as a lever)."""
        kept = [ok for confidence, ok in self.field_scored if confidence >= threshold]
        return {"proposed": len(kept), "precision": self.ratio(sum(kept), len(kept))}


def score_dir(root: Path, extractor, recap=None) -> Score:
    score = Score()
    for folder in sorted(p for p in Path(root).iterdir() if (p / "gold.json").exists()):
        transcript_path = next(folder.glob("transcript.*"))
        transcript = load_transcript(transcript_path)
        snapshot = load_snapshot(folder / "crm.json")
        gold = json.loads((folder / "gold.json").read_text())
        extraction = extractor.extract(transcript, snapshot)
        outcome = getattr(extractor, "last_report", {}).get("outcome")
        if outcome:
            score.model_outcomes[outcome] = score.model_outcomes.get(outcome, 0) + 1
        draft = recap(extraction, snapshot, transcript) if recap else None
        score.calls += 1
        texts = [t.text for t in transcript.turns]
        for item in [*extraction.fields, *extraction.next_steps, *extraction.contact_roles]:
            score.ungrounded += sum(1 for e in item.evidence if e.source == "transcript" and not any(e.quote in t for t in texts))
        facts = [*extraction.competitors, *extraction.objections,
                 *[f for items in extraction.facts.values() for f in (items if isinstance(items, list) else [items])]]
        score.ungrounded_facts += sum(1 for item in facts for e in getattr(item, "evidence", [])
                                      if e.source == "transcript" and not any(e.quote in t for t in texts))
        for field, expected in gold["fields"].items():
            current = snapshot.field_value(field)
            expected_change = expected is not None and not _equal(field, expected, current if not isinstance(current, dt.date) else current.isoformat())
            score.field_expected[field] = score.field_expected.get(field, 0) + int(expected_change)
            got = next((f for f in extraction.fields if f.field == field), None)
            if got is not None:
                value = got.value.isoformat() if isinstance(got.value, dt.date) else got.value
                score.field_proposed[field] = score.field_proposed.get(field, 0) + 1
                correct = expected_change and _equal(field, expected, value)
                score.field_correct[field] = score.field_correct.get(field, 0) + int(correct)
                score.field_scored.append((got.confidence, correct))
        for bad in gold.get("must_not_propose", []):
            for f in extraction.fields:
                value = f.value.isoformat() if isinstance(f.value, dt.date) else f.value
                right = gold["fields"].get(f.field) is not None and _equal(f.field, gold["fields"][f.field], value)
                if f.field == bad["field"] and _equal(f.field, bad["value"], value) and not right:
                    # 502,320 is within the Amount tolerance of a 500K threshold, but it is the labelled value
                    score.must_not_violations.append(f"{folder.name}: {f.field}={value}")
        matched: set[int] = set()
        for step in extraction.next_steps:
            score.steps_proposed += 1
            hit = None
            for i, g in enumerate(gold["next_steps"]):
                same_owner = (g.get("owner") or "") == (step.owner or "")
                same_due = (g.get("due_date") or None) == (step.due_date.isoformat() if step.due_date else None)
                if same_owner and (same_due and _overlap(g["text"], step.text) >= 0.2 or _overlap(g["text"], step.text) >= 0.4):
                    hit = i
                    break
            if hit is not None:
                score.steps_proposed_correct += 1
                matched.add(hit)
        firm = [i for i, g in enumerate(gold["next_steps"]) if not g.get("tentative")]
        score.steps_firm += len(firm)
        score.steps_firm_found += len(set(firm) & matched)
        gold_roles = {_role_key(r["name"], r["role"]) for r in gold.get("contact_roles", [])}
        got_roles = {_role_key(r.name, r.role) for r in extraction.contact_roles}
        score.roles_expected += len(gold_roles)
        score.roles_proposed += len(got_roles)
        score.roles_correct += len(gold_roles & got_roles)
        score.role_errors += [f"{folder.name}: proposed {n} = {r}" for n, r in sorted(got_roles - gold_roles)]
        score.role_errors += [f"{folder.name}: missed {n} = {r}" for n, r in sorted(gold_roles - got_roles)]
        output = json.dumps(extraction.to_json(draft), default=str)
        score.pii_leaks += [f"{folder.name}: {p}" for p in gold.get("pii", []) if p in output]
    return score

