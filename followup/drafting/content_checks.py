"""Content checks the policy runs on every recap (``actions.recap_email.content_checks``).

Each check is a pure, deterministic function returning ``"pass"`` or a one-line problem.
"""
from __future__ import annotations

import re
from typing import Iterable

from followup.drafting.amounts import find_amounts
from followup.drafting.voice import Voice
from governance.pii import detect

PASS = "pass"
EMOJI = re.compile("[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF\U0000FE0F\U0000200D]")
GUARANTEE_WORDS = re.compile(
    r"\b(guarantee[sd]?|guaranteeing|certified|certification|accredited|compliant|100 ?%|risk[- ]free|"
    r"proven to|always works|never fails|zero downtime|fully secure|unhackable)\b", re.I)
PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s?(?:%|percent\b|per cent\b)", re.I)
NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*\d(?![\w])|(?<![\w.,])\d(?![\w.,]?\d)")
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
DATE_LIKE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b(?:\s+\d{{4}})?|\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b", re.I)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
                "fifty": 50, "sixty": 60, "hundred": 100, "thousand": 1000}


def brand_tone(body: str, voice: Voice) -> str:
    lowered = body.lower()
    problems = []
    banned = [p for p in voice.banned_phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered)]
    if banned:
        problems.append("banned phrase: " + ", ".join(repr(p) for p in banned))
    hype = [w for w in voice.hype_words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", lowered)]
    if hype:
        problems.append("hype: " + ", ".join(repr(w) for w in hype))
    if EMOJI.search(body):
        problems.append("emoji")
    bangs = body.count("!")
    if bangs > voice.max_exclamation_marks or "!!" in body:
        problems.append(f"{bangs} exclamation marks (max {voice.max_exclamation_marks})")
    words = len(body.split())
    if words > voice.max_body_words:
        problems.append(f"{words} words (max {voice.max_body_words})")
    shouting = [w for w in re.findall(r"\b[A-Z]{6,}\b", body)]
    if shouting:
        problems.append("all-caps words: " + ", ".join(shouting[:3]))
    return "; ".join(problems) or PASS


def _numbers(text: str) -> set[str]:
    text = DATE_LIKE.sub(" ", text)
    out = set()
    for raw in NUMBER.findall(text):
        value = raw.replace(",", "")
        if value.endswith(".0"):
            value = value[:-2]
        out.add(value.rstrip("."))
    return out


def _source_numbers(sources: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for text in sources:
        out |= _numbers(text)
        for word, value in NUMBER_WORDS.items():
            if re.search(rf"\b{word}\b", text, re.I):
                out.add(str(value))
        for value, _ in find_amounts(text):  # spoken amounts: "two thousand three hundred"
            out.add(str(int(value)) if float(value).is_integer() else str(value))
    return out


def claims_policy(body: str, sources: Iterable[str]) -> str:
    """No claim the call or the approved snippets do not support: percentages, guarantees,
    certifications and any number (dates and times aside) must appear in a source."""
    sources = list(sources)
    joined = "\n".join(sources).lower()
    problems = []
    for m in GUARANTEE_WORDS.finditer(body):
        if m.group().lower() not in joined:
            problems.append(f"unsupported claim {m.group()!r}")
    for m in PERCENT.finditer(body):
        if m.group().lower().replace(" ", "") not in joined.replace(" ", ""):
            problems.append(f"unsupported percentage {m.group()!r}")
    known = _source_numbers(sources)
    unsupported = sorted(n for n in _numbers(PERCENT.sub(" ", body)) if n not in known)
    if unsupported:
        problems.append("numbers not in the call or snippets: " + ", ".join(unsupported))
    return "; ".join(dict.fromkeys(problems)) or PASS


def pii_mask(body: str, allowed_emails: Iterable[str] = ()) -> str:
    """No phone numbers, addresses or emails (other than the sender's own) in the email body."""
    allowed = {e.lower() for e in allowed_emails if e}
    found = [s for s in detect(body, entities=("EMAIL", "PHONE", "ADDRESS")) if s.text.lower() not in allowed]
    if not found:
        return PASS
    return "personal data in body: " + ", ".join(sorted({s.kind for s in found}))


def run_checks(body: str, voice: Voice, sources: Iterable[str], allowed_emails: Iterable[str] = (),
               checks: Iterable[str] = ("brand_tone", "claims_policy", "pii_mask")) -> dict[str, str]:
    runners = {
        "brand_tone": lambda: brand_tone(body, voice),
        "claims_policy": lambda: claims_policy(body, sources),
        "pii_mask": lambda: pii_mask(body, allowed_emails),
    }
    return {name: runners[name]() for name in checks}
