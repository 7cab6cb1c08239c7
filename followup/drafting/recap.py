"""The recap email in the team's voice, drafted from an extraction, then content-checked.

Deterministic: the same extraction, snapshot and transcript give the same draft. Anything copied
from the call (next steps, objections) has phone numbers, emails and addresses taken out first.
"""
from __future__ import annotations

import datetime as dt
import re

from followup.domain.proposal import RecapDraft
from followup.domain.snapshot import CrmSnapshot
from followup.drafting.content_checks import run_checks
from followup.drafting.model import ExtractedStep, Extraction
from followup.drafting.retrieval import Retriever, relevant_snippets
from followup.drafting.transcript import Transcript
from followup.drafting.voice import Voice, load_voice
from governance.pii import detect

DEFAULT_CHECKS = ("brand_tone", "claims_policy", "pii_mask")
NOT_PEOPLE = {"notes", "unknown", "speaker"}
_retrievers: dict[int, Retriever] = {}


def _retriever(voice: Voice) -> Retriever:
    key = id(voice.snippets)
    if key not in _retrievers:
        _retrievers[key] = Retriever(voice.snippets)
    return _retrievers[key]


def scrub(text: str) -> str:
    """Remove contact details from text copied out of the call."""
    out, last = [], 0
    for span in detect(text, entities=("EMAIL", "PHONE", "ADDRESS")):
        out += [text[last:span.start], "(details shared on the call)"]
        last = span.end
    out.append(text[last:])
    return " ".join("".join(out).split())


def _first(name: str) -> str:
    parts = [p for p in name.split() if p.rstrip(".") not in {"Dr", "Mr", "Mrs", "Ms", "Prof"}]
    return parts[0] if parts else name


def _join(names: list[str]) -> str:
    if not names:
        return "all"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _when(call_date: dt.date, today: dt.date | None) -> str:
    if today == call_date:
        return "today"
    return f"on {call_date:%A}"


def _due(step: ExtractedStep, call_date: dt.date) -> str:
    if step.due_date is None:
        return ""
    if step.due_date == call_date:
        return " — today"
    return f" — by {step.due_date:%A} {step.due_date.day} {step.due_date:%B}"


def _step_text(step: ExtractedStep) -> str:
    text = scrub(step.text).rstrip(" .")
    text = re.sub(r"^(\w+) you (?=the |a |an |our |your |it\b)", r"\1 ", text, flags=re.I)
    return text[:1].lower() + text[1:] if text[:2].istitle() or text[:1].isupper() and not text[1:2].isupper() else text


def _buyers(extraction: Extraction, snapshot: CrmSnapshot, transcript: Transcript) -> list[str]:
    rep = snapshot.call.rep.name.lower()
    heard = {n.lower() for n in (extraction.attendees or transcript.speakers)}
    buyers = [c.Name for c in snapshot.Contacts if c.Name.lower() in heard and c.Name.lower() != rep]
    return buyers or [c.Name for c in snapshot.Contacts[:1]]


def _attendee_lines(extraction: Extraction, snapshot: CrmSnapshot, transcript: Transcript) -> list[str]:
    titles = {c.Name.lower(): c.Title for c in snapshot.Contacts}
    for role in extraction.contact_roles:
        if role.title and not titles.get(role.name.lower()):
            titles[role.name.lower()] = role.title
    seller = (snapshot.call.rep.email or "").partition("@")[2].split(".")[0].capitalize()
    account = snapshot.Account.Name
    lines = []
    for name in extraction.attendees or transcript.speakers:
        if name.lower() in NOT_PEOPLE:
            continue
        if name.lower() == snapshot.call.rep.name.lower():
            detail = "Account Executive" + (f", {seller}" if seller else "")
        elif name.lower() in titles:
            detail = ", ".join(p for p in (titles[name.lower()], account) if p)
        else:
            detail = seller or ""
        lines.append(f"- {name}" + (f" ({detail})" if detail else ""))
    return lines


def _subject(snapshot: CrmSnapshot) -> str:
    date = snapshot.call.date
    return f"{snapshot.Opportunity.Name}: recap of our call on {date.day} {date:%B %Y}"


def draft_recap(extraction: Extraction, snapshot: CrmSnapshot, transcript: Transcript, voice: Voice | None = None,
                checks: tuple[str, ...] = DEFAULT_CHECKS, today: dt.date | None = None) -> RecapDraft:
    voice = voice or load_voice()
    call_date = snapshot.call.date
    rep = snapshot.call.rep
    buyers = _buyers(extraction, snapshot, transcript)
    rep_lower = rep.name.lower()
    buyer_text = "\n".join(t.text for t in transcript.turns if t.speaker.lower() != rep_lower)
    topics = list(extraction.objections) + list(extraction.competitors)
    snippets = relevant_snippets(_retriever(voice), voice.snippets, topics, buyer_text, k=2)
    heard, helping, next_steps, tentative = voice.sections[1], voice.sections[2], voice.sections[3], voice.sections[4]

    lines = [voice.greeting.format(names=_join([_first(b) for b in buyers])), ""]
    lines += [voice.thanks.format(when=_when(call_date, today if today is not None else call_date)), ""]
    attendees = _attendee_lines(extraction, snapshot, transcript)
    if attendees:
        lines += [voice.sections[0], *attendees, ""]
    objections = [scrub(o).rstrip(".") + "." for o in extraction.objections if o.strip()]
    if objections:
        lines += [heard, *[f"- {o[:1].upper()}{o[1:]}" for o in objections], ""]
    value = [s.recap_line for s in snippets if s.recap_line]
    if value:
        lines += [helping, *[f"- {v}" for v in value], ""]
    firm = [s for s in extraction.next_steps if not s.tentative]
    maybe = [s for s in extraction.next_steps if s.tentative]
    if firm:
        lines += [next_steps, *[f"- {s.owner or 'Owner to confirm'}: {_step_text(s)}{_due(s, call_date)}" for s in firm], ""]
    if maybe:
        lines += [tentative, *[f"- {_step_text(s)[:1].upper()}{_step_text(s)[1:]} ({s.owner or 'owner to confirm'}, tentative)"
                               for s in maybe], ""]
    if not firm and not maybe:
        lines += [next_steps, "- No firm next steps were agreed; I will follow up once you have had time to consider.", ""]
    lines += ["If I have missed or misread anything, reply here and I will correct it.", "", voice.sign_off, rep.name]
    body = "\n".join(lines)

    to = [c.Email for c in snapshot.Contacts if c.Email and c.Name in buyers]
    sources = [t.text for t in transcript.turns] + [s.recap_line + " " + s.guidance for s in snippets] + [voice.thanks]
    result = run_checks(body, voice, sources, allowed_emails=[rep.email or ""], checks=checks)
    return RecapDraft(subject=_subject(snapshot), body=body, to=to, checks=result)
