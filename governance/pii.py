"""PII detection, reversible masking (before any model call) and irreversible redaction (logs).

Entities: PERSON (known names plus capitalised names after cues such as "Dr." or "my colleague"),
EMAIL (written and spoken: "jana dot vogt at gmail dot com"), PHONE (``phonenumbers`` matcher
across the regions we sell in, plus digit-group patterns) and ADDRESS (street addresses in
English, German, Dutch and French forms, with the town/postcode tail).

Pure functions; ``phonenumbers`` is a pure library, no SDK is imported here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

ALL_ENTITIES = ("PERSON", "EMAIL", "PHONE", "ADDRESS")
PHONE_REGIONS = ("US", "CA", "GB", "IE", "DE", "NL", "FR", "ES", "IT", "AU", "NZ", "BE", "AT", "CH")
_PRIORITY = {"EMAIL": 0, "ADDRESS": 1, "PHONE": 2, "PERSON": 3}

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?<!\.)")
_SPOKEN_TOKEN = r"[^\W\d_][\w'-]*|\d+"
SPOKEN_EMAIL = re.compile(
    rf"(?:(?:{_SPOKEN_TOKEN})[ ]+(?:(?:dot|underscore|dash|hyphen)[ ]+)?){{1,8}}"
    rf"at[ ]+[a-z][\w-]*(?:[ ]+dot[ ]+[a-z]{{2,10}}){{1,3}}\b",
    re.I,
)
_SPOKEN_LEAD_STOP = {
    "my", "email", "e-mail", "mail", "address", "is", "it's", "its", "it", "that's", "thats", "the", "to", "send",
    "me", "use", "personal", "private", "work", "just", "so", "and", "or", "yes", "ok", "okay", "got", "at",
    "write", "reach", "on", "a", "an", "please", "i", "i'm", "you", "can", "copy", "of", "better", "sure", "here",
}

PHONE_GROUPS = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ .-]\d{2,5}){1,4}(?![\w-])"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_STREET_EN = (r"Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Boulevard|Blvd\.?|Terrace|Way|Court|Ct\.?"
              r"|Place|Pl\.?|Close|Crescent|Square|Parade|Row|Highway|Hwy\.?|Park|Lawn|Grove|Gardens|Heights|Hill|Rise"
              r"|View|Green|Mews|Walk|Meadows|Drive|Wynd|Quay")
_TAIL = r"(?:,[ ]*(?:[A-Z0-9][\w-]*)(?:[ ]+(?:[A-Z0-9][\w-]*)){0,2}){0,4}"
ADDRESS_PATTERNS = (
    # 7 Glenview Terrace, Douglas, Cork, T12 XK42 / 1600 Main St., Springfield
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?[ ]+(?:[A-Z][\w'-]*[ ]+){{1,3}}(?:{_STREET_EN})\b\.?{_TAIL}"),
    # 14 rue des Capucins, 69001 Lyon / 3 avenue de la République
    re.compile(r"\b\d{1,4}(?:[ ]?(?:bis|ter))?,?[ ]+(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|allee|quai|impasse|cours)"
               r"[ ]+(?:(?:de|des|du|de la|d'|l'|la|le)[ ]*)?[A-ZÀ-Ý][\w'-]*(?:[ ]+[A-ZÀ-Ý][\w'-]*){0,2}" + _TAIL),
    # 12 Via Roma / Calle Mayor 5 / Rua Augusta 24 (the street name capitalised, so "2 via email" is not one)
    re.compile(r"\b\d{1,5},?[ ]+(?:[Cc]alle|[Vv]ia|[Vv]iale|[Rr]ua|[Aa]venida|[Pp]laza|[Pp]iazza|[Cc]hemin)[ ]+"
               r"(?:(?:de|del|della|di|da|dos|das|la|le)[ ]+)?[A-ZÀ-Ý][\w'’-]*(?:[ ]+[A-ZÀ-Ý][\w'’-]*){0,2}" + _TAIL),
    re.compile(r"\b(?:Calle|Via|Viale|Rua|Avenida|Plaza|Piazza)[ ]+(?:(?:de|del|della|di|da|dos|das|la|le)[ ]+)?"
               r"(?:[A-ZÀ-Ý][\w'’-]*[ ]+){1,3}\d{1,4}\b" + _TAIL),
    # postcodes that pin a building or a street: Eircode (V95 X2K7), UK (SW1A 1AA), Canada (K1A 0B1)
    re.compile(r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ ](?=[0-9A-Z]{0,3}\d)(?=[0-9A-Z]{0,3}[A-Z])[0-9AC-FHKNPRTV-Y]{4}\b"),
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ ]\d[A-Z]{2}\b"),
    re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ ]\d[ABCEGHJ-NPRSTV-Z]\d\b"),
    # Musterstraße 12, 70173 Stuttgart / Keizersgracht 123 / Parkweg 4a
    re.compile(r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|laan|straat|gracht|plein|kade|dijk|vej|gatan|gata)"
               r"[ ]+\d{1,4}[a-z]?\b" + _TAIL),
)

_NAME = r"[A-ZÀ-Ý][a-zà-ÿ'’-]+(?:[ ]+(?:van|von|de|der|den|da|di|le|la)?[ ]?[A-ZÀ-Ý][a-zà-ÿ'’-]+)?"
PERSON_CUES = (
    re.compile(rf"\b(?:Dr|Mr|Mrs|Ms|Prof|Herr|Frau|Mme|Mlle|M)\.?[ ]+({_NAME})"),
    re.compile(rf"\b(?:colleague|boss|assistant|CFO|CEO|CTO|CIO|CISO|COO|my name is|named|called|"
               rf"ask|cc|loop in|speak to|talk to)[ ,]+({_NAME})"),
)
NOT_NAMES = {
    "I", "The", "We", "You", "They", "He", "She", "It", "Yes", "No", "Okay", "Ok", "So", "And", "But", "Our", "My",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "Teams", "Zoom",
    "Salesforce", "Microsoft", "Azure", "Google", "Excel", "Outlook", "SAP", "Legal", "Finance", "Procurement",
    "Security", "Sales", "Support", "Marketing", "IT", "Europe", "London", "Dublin", "Munich", "Paris", "Q1", "Q2",
    "Q3", "Q4", "Dr", "Mr", "Mrs", "Ms", "Prof", "Thanks", "Thank", "Hi", "Hello", "Great", "Sure", "Right", "Well", "Also", "Just", "Then",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    text: str


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def _emails(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "EMAIL", m.group()) for m in EMAIL.finditer(text)]
    for m in SPOKEN_EMAIL.finditer(text):
        start = m.start()
        for word in re.finditer(r"\S+", m.group()):
            if word.group().lower().strip(",") not in _SPOKEN_LEAD_STOP:
                break
            start = m.start() + word.end() + 1
        if start < m.end() and not text[start:m.end()].lower().startswith("at "):
            spans.append(Span(start, m.end(), "EMAIL", text[start:m.end()]))
    return spans


def _phones(text: str) -> list[Span]:
    import phonenumbers

    spans: dict[tuple[int, int], Span] = {}
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            inside_word = (match.start > 0 and text[match.start - 1].isalnum()) or (
                match.end < len(text) and text[match.end].isalnum())
            if _digits(match.raw_string) >= 7 and not inside_word and not ISO_DATE.match(match.raw_string.strip()):
                spans[(match.start, match.end)] = Span(match.start, match.end, "PHONE", match.raw_string)
    for m in PHONE_GROUPS.finditer(text):
        raw = m.group()
        if 8 <= _digits(raw) <= 15 and not ISO_DATE.match(raw) and not re.fullmatch(r"\d{1,3}(?:[ ,]\d{3})+", raw):
            spans.setdefault((m.start(), m.end()), Span(m.start(), m.end(), "PHONE", raw))
    return list(spans.values())


def _addresses(text: str) -> list[Span]:
    out = []
    for pattern in ADDRESS_PATTERNS:
        for m in pattern.finditer(text):
            raw = m.group().rstrip(" ,")
            out.append(Span(m.start(), m.start() + len(raw), "ADDRESS", raw))
    return out


def _name_forms(known_names: Iterable[str]) -> list[str]:
    forms: set[str] = set()
    for name in known_names:
        name = " ".join((name or "").split())
        if not name or name in NOT_NAMES:
            continue
        forms.add(name)
        for part in re.split(r"[ ]+", name):
            if len(part) >= 3 and part[0].isupper() and part.rstrip(".") not in {"Dr", "Mr", "Mrs", "Ms", "Prof"} | NOT_NAMES:
                forms.add(part)
    return sorted(forms, key=len, reverse=True)


def _persons(text: str, known_names: Iterable[str]) -> list[Span]:
    out = []
    forms = _name_forms(known_names)
    if forms:
        pattern = re.compile(r"(?<![\w@.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w@])")
        out += [Span(m.start(), m.end(), "PERSON", m.group()) for m in pattern.finditer(text)]
    for cue in PERSON_CUES:
        for m in cue.finditer(text):
            words = m.group(1).split()
            while words and words[-1] in NOT_NAMES:
                words.pop()
            if words and words[0] not in NOT_NAMES:
                name = " ".join(words)
                out.append(Span(m.start(1), m.start(1) + len(name), "PERSON", name))
    return out


def detect(text: str, known_names: Iterable[str] = (), entities: Iterable[str] = ALL_ENTITIES) -> list[Span]:
    """Non-overlapping PII spans in text order; on overlap the longer (then EMAIL > ADDRESS > PHONE > PERSON) wins."""
    wanted = set(entities)
    found: list[Span] = []
    if "EMAIL" in wanted:
        found += _emails(text)
    if "ADDRESS" in wanted:
        found += _addresses(text)
    if "PHONE" in wanted:
        found += _phones(text)
    if "PERSON" in wanted:
        found += _persons(text, known_names)
    found.sort(key=lambda s: (-(s.end - s.start), _PRIORITY[s.kind], s.start))
    chosen: list[Span] = []
    for span in found:
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


class Masker:
    """Reversible masking with stable placeholders: the same surface text always gets the same
    ``<KIND_n>`` within one Masker, so several messages of one prompt share a mapping."""

    def __init__(self, known_names: Iterable[str] = (), entities: Iterable[str] = ALL_ENTITIES):
        self.known_names = [n for n in known_names if n]
        self.entities = tuple(entities)
        self.mapping: dict[str, str] = {}  # placeholder -> original
        self._by_text: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def _placeholder(self, span: Span) -> str:
        key = (span.kind, span.text)
        if key not in self._by_text:
            self._counts[span.kind] = self._counts.get(span.kind, 0) + 1
            token = f"<{span.kind}_{self._counts[span.kind]}>"
            self._by_text[key] = token
            self.mapping[token] = span.text
        return self._by_text[key]

    def mask(self, text: str) -> tuple[str, dict[str, str]]:
        parts, last = [], 0
        for span in detect(text, self.known_names, self.entities):
            parts += [text[last:span.start], self._placeholder(span)]
            last = span.end
        parts.append(text[last:])
        return "".join(parts), dict(self.mapping)

    @staticmethod
    def unmask(text: str, mapping: dict[str, str]) -> str:
        if not mapping or not text:
            return text
        pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
        return pattern.sub(lambda m: mapping[m.group()], text)


def unmask(text: str, mapping: dict[str, str]) -> str:
    return Masker.unmask(text, mapping)


def redact(text: str, known_names: Iterable[str] = (), policy=None, entities: Iterable[str] | None = None) -> str:
    """Irreversible redaction for logs: ``[EMAIL]``, ``[PHONE]``, ``[ADDRESS]``, ``[PERSON]``.

    With a policy (``TrustLayer``), ``pii_rules.redact_in_logs`` false leaves text as is and
    ``pii_rules.detect_entities`` picks the kinds.
    """
    if policy is not None:
        if not policy.pii_rules.redact_in_logs:
            return text
        entities = entities or policy.pii_rules.detect_entities
    parts, last = [], 0
    for span in detect(text, known_names, entities or ALL_ENTITIES):
        parts += [text[last:span.start], f"[{span.kind}]"]
        last = span.end
    parts.append(text[last:])
    return "".join(parts)
