"""The recap email in the team's voice, drafted from an extraction, then content-checked.

Deterministic: the same extraction, snapshot and transcript give the same draft. Anything copied
from the call (next steps, objections, pains) has phone numbers, emails and addresses taken out first.

Sections: who joined (titles from CRM or the call, the vendor side marked as such, and a plain-words
note of each buyer's part in the decision from the extracted roles, plus key people named but not
on the call), what we heard (objections, pains, what success looks like, alternatives named), where we
can help (approved playbook lines only), next steps with owners and dates, and tentative items. When
the draft runs over the word limit, optional lines go first and long step texts are shortened; every
step keeps its owner and date.
"""
from __future__ import annotations

import datetime as dt
import re

from followup.domain.proposal import RecapDraft
from followup.domain.snapshot import CrmSnapshot
from followup.drafting.content_checks import run_checks
from followup.drafting.context import build_context
from followup.drafting.model import ExtractedRole, ExtractedStep, Extraction, Finding, finding_text
from followup.drafting.names import fold
from followup.drafting.roles import Directory
from followup.drafting.retrieval import FallbackIndex, SnippetIndex, embedded_index, relevant_snippets
from followup.drafting.transcript import Transcript
from followup.drafting.voice import Voice, load_voice
from governance.pii import detect
from governance.residency import EU_EEA

DEFAULT_CHECKS = ("brand_tone", "claims_policy", "pii_mask")
NOT_PEOPLE = {"notes", "unknown", "speaker"}
ROLE_WORDS = {"Economic Buyer": "budget sign-off", "Decision Maker": "decision lead", "Executive Sponsor": "executive sponsor",
              "Technical Buyer": "technical review", "Evaluator": "evaluation", "Influencer": "involved in the decision",
              "Business User": "day-to-day user"}
OUR_VOICE = re.compile(r"\b(?:our|we)\s+(?:connectors?|platform|product|agent|trust portal|support team|roadmap|region|customers|"
                       r"library|SOC ?2|onboarding|pricing|engineers?|appliances?|sensors?|analysts?)\b", re.I)


def _snippet_index(voice: Voice, index: SnippetIndex | None) -> SnippetIndex:
    """The voice's embedded FTS5 index, or ``index`` with that one behind it when ``index`` fails."""
    if index is None:
        return embedded_index(voice)
    return FallbackIndex(index, lambda: embedded_index(voice))


def scrub(text: str) -> str:
    """Remove contact details from text copied out of the call."""
    out, last = [], 0
    for span in detect(text, entities=("EMAIL", "PHONE", "ADDRESS")):
        out += [text[last:span.start], "(details shared on the call)"]
        last = span.end
    out.append(text[last:])
    return " ".join("".join(out).split())


def _first(name: str, said: str = "") -> str:
    """How to greet someone: the first name, unless the call addresses them by another part of their name
    (family name first, "Lim Wei Jie" is "Wei Jie")."""
    parts = [p for p in name.split() if p.rstrip(".") not in {"Dr", "Mr", "Mrs", "Ms", "Prof"}]
    if not parts:
        return name
    if len(parts) > 2 and said:
        forms = [parts[0], " ".join(parts[1:])]
        counts = [len(re.findall(rf"(?<!\w){re.escape(f)}(?!\w)", said)) for f in forms]
        if counts[1] > counts[0]:
            return forms[1]
    return parts[0]


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


class _People:
    """Who was on the call and on which side, with full names for first-name speakers."""

    def __init__(self, extraction: Extraction, snapshot: CrmSnapshot, transcript: Transcript):
        self.dir = Directory(build_context(transcript, snapshot))
        self.snapshot = snapshot
        self.roles = {fold(r.name): r for r in extraction.contact_roles}
        heard = [n for n in (extraction.attendees or transcript.speakers) if n.lower() not in NOT_PEOPLE]
        self.attendees = list(dict.fromkeys(self.dir.speaker_names.get(n, n) for n in heard))
        self.transcript = transcript

    def vendor(self, name: str) -> bool:
        if self.dir.is_vendor(name):
            return True
        if self.dir.contact(name) is not None:
            return False
        text = " ".join(t.text for t in self.transcript.turns if self.dir.speaker_names.get(t.speaker, t.speaker) == name)
        return len(OUR_VOICE.findall(text)) >= 2

    def buyers(self) -> list[str]:
        rep = fold(self.snapshot.call.rep.name)
        heard = {fold(n) for n in self.attendees}
        buyers = [c.Name for c in self.snapshot.Contacts if fold(c.Name) in heard and fold(c.Name) != rep]
        return buyers or [c.Name for c in self.snapshot.Contacts[:1]]


def _role_note(role: ExtractedRole | None) -> str:
    return f" — {ROLE_WORDS[role.role]}" if role is not None and role.role in ROLE_WORDS else ""


def _attendee_lines(extraction: Extraction, snapshot: CrmSnapshot, people: _People) -> tuple[list[str], list[str]]:
    """Lines for who joined, and for key buyer-side people named on the call who were not on it."""
    titles = {fold(c.Name): c.Title for c in snapshot.Contacts}
    for role in extraction.contact_roles:
        if role.title and not titles.get(fold(role.name)):
            titles[fold(role.name)] = role.title
    seller = (snapshot.call.rep.email or "").partition("@")[2].split(".")[0].capitalize()
    account = snapshot.Account.Name
    lines = []
    for name in people.attendees:
        key = fold(name)
        if key == fold(snapshot.call.rep.name):
            detail = "Account Executive" + (f", {seller}" if seller else "")
        elif people.vendor(name):
            detail = seller or ""
        elif titles.get(key):
            detail = ", ".join(p for p in (titles[key], account) if p)
        else:
            detail = account
        lines.append(f"- {name}" + (f" ({detail})" if detail else "") + _role_note(people.roles.get(key)))
    heard = {fold(n) for n in people.attendees}
    absent = [r for r in extraction.contact_roles
              if fold(r.name) not in heard and r.role in {"Economic Buyer", "Decision Maker", "Executive Sponsor"}]
    also = [f"- {r.name}" + (f" ({r.title})" if r.title else "") + _role_note(r) + ", not on the call" for r in absent]
    return lines, also


def _subject(snapshot: CrmSnapshot) -> str:
    date = snapshot.call.date
    return f"{snapshot.Opportunity.Name}: recap of our call on {date.day} {date:%B %Y}"


def _heard_lines(extraction: Extraction) -> tuple[list[str], list[str]]:
    """Objections (always kept), then optional lines: pains, what success looks like, alternatives."""
    core = []
    named = any(finding_text(c).strip() for c in extraction.competitors)
    for o in extraction.objections:
        if named and isinstance(o, Finding) and o.kind == "competition":
            continue  # the alternatives line below names them, without repeating anyone's price
        if isinstance(o, Finding):
            text = _tidy(o.value)
            if text:
                core.append(f"- {o.label}: {text}.")
            continue
        text = scrub(finding_text(o)).rstrip(" .…") + "."
        if not text.strip(" ."):
            continue
        core.append(f"- {text[:1].upper()}{text[1:]}")
    optional = []
    facts = extraction.facts or {}
    quoted = {finding_text(o) for o in extraction.objections}
    for key in ("pain", "metrics", "decision_criteria"):
        for item in (facts.get(key) or [])[:1]:
            value = finding_text(item)
            if value in quoted:
                continue
            quoted.add(value)
            label = {"pain": "What is not working today", "metrics": "What you measure",
                     "decision_criteria": "What a good outcome needs"}[key]
            if _tidy(value):
                optional.append(f"- {label}: {_tidy(value)}.")
    names = list({fold(finding_text(c)): finding_text(c).strip() for c in extraction.competitors
                  if finding_text(c).strip()}.values())  # the LLM merge may hold a name twice
    if names:
        optional.append(f"- Alternatives you mentioned: {_join(names)}.")
    return core, optional


FILLER = re.compile(r",?\s*\b(?:um|uh|erm|ehm|you know|basically)\b,?", re.I)
LEAD = re.compile(r"^(?:(?:and|but|so|well|okay|ok|yes|yeah|right|look|also|then|now|anyway)\b[,\s]*)+", re.I)


def _tidy(text: str) -> str:
    """A sentence heard on the call, readable in an email: no fillers, no leading "And so, ..."."""
    text = FILLER.sub("", scrub(text))
    text = LEAD.sub("", text.strip()).strip(" ,")
    text = " ".join(text.split()).rstrip(" .…")
    return (text[:1].upper() + text[1:]) if text else text


def _words(lines: list[str]) -> int:
    return len("\n".join(lines).split())


def _shorten(text: str, words: int) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + " …"


def draft_recap(extraction: Extraction, snapshot: CrmSnapshot, transcript: Transcript, voice: Voice | None = None,
                checks: tuple[str, ...] = DEFAULT_CHECKS, today: dt.date | None = None,
                index: SnippetIndex | None = None) -> RecapDraft:
    """``index``: where to search the playbook (default: the voice's embedded FTS5 index, which also
    answers when ``index`` fails)."""
    voice = voice or load_voice()
    call_date = snapshot.call.date
    rep = snapshot.call.rep
    people = _People(extraction, snapshot, transcript)
    buyers = people.buyers()
    rep_lower = rep.name.lower()
    buyer_text = "\n".join(t.text for t in transcript.turns if t.speaker.lower() != rep_lower)
    topics = [f"{o.label} {o.value}" if isinstance(o, Finding) else str(o) for o in extraction.objections]
    topics += [finding_text(c) for c in extraction.competitors]
    snippets = relevant_snippets(_snippet_index(voice, index), voice.snippets, topics, buyer_text, k=3)
    if (snapshot.Account.BillingCountry or "").upper() not in EU_EEA:  # an EU-hosting line is no help outside the EU
        snippets = [s for s in snippets if not re.search(r"\bEU\b|\bEurope", s.recap_line)]
    snippets = snippets[:2]
    heard, helping, next_steps, tentative = voice.sections[1], voice.sections[2], voice.sections[3], voice.sections[4]
    attendees, also = _attendee_lines(extraction, snapshot, people)
    core, optional = _heard_lines(extraction)
    value = [s.recap_line for s in snippets if s.recap_line]
    firm = [s for s in extraction.next_steps if not s.tentative]
    maybe = [s for s in extraction.next_steps if s.tentative]

    def body(step_words: int | None, extras: bool, help_lines: bool, notes: bool) -> str:
        def text(s: ExtractedStep) -> str:
            t = _step_text(s)
            return _shorten(t, step_words) if step_words else t

        said = "\n".join(t.text for t in transcript.turns)
        lines = [voice.greeting.format(names=_join([_first(b, said) for b in buyers])), ""]
        lines += [voice.thanks.format(when=_when(call_date, today if today is not None else call_date)), ""]
        who = [a if notes else re.sub(r" — [^—]+$", "", a) for a in attendees] + (also if notes else [])
        if who:
            lines += [voice.sections[0], *who, ""]
        said = core + (optional if extras else [])
        if said:
            lines += [heard, *said, ""]
        if value and help_lines:
            lines += [helping, *[f"- {v}" for v in value], ""]
        if firm:
            lines += [next_steps, *[f"- {s.owner or 'Owner to confirm'}: {text(s)}{_due(s, call_date)}" for s in firm], ""]
        if maybe:
            lines += [tentative, *[f"- {text(s)[:1].upper()}{text(s)[1:]} ({s.owner or 'owner to confirm'}, tentative)"
                                   for s in maybe], ""]
        if not firm and not maybe:
            lines += [next_steps, "- No firm next steps were agreed; I will follow up once you have had time to consider.", ""]
        lines += ["If I have missed or misread anything, reply here and I will correct it.", "", voice.sign_off, rep.name]
        return "\n".join(lines)

    # the full draft, then lighter ones until it fits the word limit (steps always keep owner and date)
    attempts = [(None, True, True, True), (None, False, True, True), (14, False, True, True), (10, False, True, False),
                (7, False, False, False), (5, False, False, False)]
    for step_words, extras, help_lines, notes in attempts:
        text = body(step_words, extras, help_lines, notes)
        if len(text.split()) <= voice.max_body_words:
            break
    body_text = text

    to = [c.Email for c in snapshot.Contacts if c.Email and c.Name in buyers]
    sources = [t.text for t in transcript.turns] + [s.recap_line + " " + s.guidance for s in snippets] + [voice.thanks]
    result = run_checks(body_text, voice, sources, allowed_emails=[rep.email or ""], checks=checks)
    return RecapDraft(subject=_subject(snapshot), body=body_text, to=to, checks=result)
