"""The Opportunity.NextStep text: the firm, dated next steps of a call as one short line.

"Revised order form (EUR 88K/yr) (Jonas, Mon 16 Mar); Contract call, 2pm (Jonas, Thu 26 Mar); signature 30 Apr":
most important first within Salesforce's 255 characters (deal paper, then meetings, then the rest; the buyer's
commitments and what other steps wait on count more), then shown in date order, with the deal's figure once on the first
offer and the target signature date when one was said. Contact details never go into the field.
"""
from __future__ import annotations

import datetime as dt
import re

from followup.drafting.amounts import SUB100, SUB1000, find_amount_spans, words_value
from followup.drafting.clock import spoken_time, times_written
from followup.drafting.context import CallContext, confidence, has_contact_details
from followup.drafting.dates import find_date_spans
from followup.drafting.fields import CLOSE_DATE_PATTERNS, ORD_WORD, bare_figures, close_dates, signed_on_call
from followup.drafting.model import ExtractedField, ExtractedStep

# NextStep money in the currency the call speaks, else the account country's
CURRENCY = {"US": "$", "CA": "CAD ", "GB": "£", "AU": "AUD ", "NZ": "NZD ", "CH": "CHF ", "IN": "INR ", "JP": "JPY ", "SE": "SEK ",
            "NO": "NOK ", "DK": "DKK ", "PL": "PLN ", "CZ": "CZK ", "HU": "HUF ", "RO": "RON ", "BG": "BGN ", "IS": "ISK ",
            "SG": "SGD ", "HK": "HKD ", "ZA": "ZAR ", "MX": "MXN ", "BR": "BRL ", "AE": "AED "}
EURO = {"DE", "FR", "NL", "IE", "ES", "IT", "AT", "BE", "PT", "FI", "LU", "GR", "SK", "SI", "EE", "LV", "LT", "MT", "CY", "HR"}


LEAD = re.compile(r"^(?:(?:also|then|just|quickly|definitely|so|and)\s+)+", re.I)
OBJECT_NOISE = re.compile(r"\b(?:(?:it|that|them|this|those|both) )?(?:over )?to (?:you|me|us)\b|\b(?:you|me|us) (?=the |a |an |our |my |your |their )", re.I)
NUMBER_WORD = re.compile(rf"\b({SUB1000})\b(?=\s+(?!(?:{SUB100}|o'clock|am|pm|thirty|fifteen|forty-five|thousand|grand|million|k)\b)[a-z])", re.I)
DEAL_DOC = re.compile(r"\b(proposal|quote|offer|order form|contract|agreement|msa|sow|pricing|signature|sign)\b", re.I)
MEETING = re.compile(r"\b(meeting|meet|call|demo|workshop|deep dive|board|committee|session|check-in|follow-up|review|decide|decision|briefs?|present|"
                     r"kick-?off|walkthrough|site visit)\b", re.I)
DATE_WORDS = re.compile(r"\b(?:by|on|for|until|before|from)?\s*(?:(?:this|next|the following)\s+)?(?:today|tonight|tomorrow(?: morning| afternoon)?|EOD|end of (?:the |this |next )?(?:day|week|month)|"
                        r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|week))?)\b"
                        r"(?:,?\s+the\s+(?:\d{1,2}(?:st|nd|rd|th)?|[a-z]+(?:-[a-z]+)?(?:th|st|nd|rd)))?(?!'s)", re.I)
SEND_LEAD = re.compile(r"^(?i:send|sends|sending|share|shares|get|gets|email|emails|forward|forwards)\s+(?:(?P<who>[A-Z][a-z]+)\s+)?(?:over\s+)?(?=the\b|our\b|a\b|an\b|his\b|her\b|their\b|[a-z])(?:(?:the|our|a|an)\s+)?")
MEET_AGAIN = re.compile(r"^(?:we\s+)?(?:meet|talk|speak|reconvene)\s+again\b|^(?:we\s+)?(?:check|checking)\s+in\b|^(?:book|schedule|set up)\s+(?:a\s+)?(?:follow[- ]up(?:\s+(?:call|meeting))?|call)\b", re.I)
PRONOUNS = {"it", "that", "them", "this", "those", "both", "her", "him", "over", "to", "and", "the", "a", "an", "me", "you", "us", "in", "on", "with"}


def _currency(ctx: CallContext) -> str:
    """The currency the call speaks in, else the account's country's."""
    text = " ".join(t.text for t in ctx.transcript.turns).lower()
    counts = {"EUR ": len(re.findall(r"\beuros?\b|€", text)), "$": len(re.findall(r"\bdollars?\b|\$", text)),
              "£": len(re.findall(r"\bpounds?\b|£", text))}
    country = getattr(ctx.snapshot.Account, "BillingCountry", None)
    default = "EUR " if country in EURO else CURRENCY.get(country or "", "$")
    best = max(counts, key=counts.get)
    if counts[best] == 0 or best == "$" and default.strip() in ("CAD", "AUD", "NZD", "SGD", "HKD"):
        return default
    return best


def _money(value: float, symbol: str) -> str:
    num = (f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "K") if value < 1_000_000 else (f"{value / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M")
    return f"{symbol}{num}"


def _fmt_date(d: dt.date, country: str | None, weekday: bool = False) -> str:
    """ "2/12" or "12 Feb"; with ``weekday`` "Fri 2/12" / "Fri 12 Feb", the way people write a due day."""
    day = f"{d.month}/{d.day}" if country in ("US", "CA") else f"{d.day} {d:%b}"
    return f"{d:%a} {day}" if weekday else day


def _compact(text: str, symbol: str, max_words: int = 11, deal_value: float | None = None,
             due: dt.date | None = None, country: str | None = None) -> str:
    """A step as a short phrase: no context in brackets, no date words (the due date is appended), money
    and counts as figures ("EUR 146K/yr", "38 connectors"). A later date that names an event stays, short:
    "Put us on the agenda for the June second board" -> "Put us on agenda for 6/2 board"."""
    text = re.sub(r"\s*\([^)]*\)?", "", text)  # the steps extractor's context in brackets, closed or cut
    events = []
    if due is not None:
        for start, end, d, _ in reversed(find_date_spans(text, due)):
            if d > due and re.search(r"\b(?:for|of|at) the\s*$", text[max(0, start - 12):start], re.I):
                events.append(_fmt_date(d, country))
                text = f"{text[:start]}§{len(events) - 1}{text[end:]}"
    text = LEAD.sub("", text.strip().rstrip(".!?,"))
    text = ON_AGENDA.sub("Agenda", text)  # "Put us on the agenda for the board" -> "Agenda for board"
    text = re.sub(r"^((?:[\w-]+\s+){0,2}?(?:kickoff|kick-off|workshop|meeting|call|demo|session|walkthrough|review))\s+is\s+", r"\1 ",
                  text, flags=re.I)  # "Kickoff is Tuesday at ten" -> "Kickoff at 10:00"
    have = HAVE_SEND.match(text)  # "Have procurement send the PO" -> "the PO from procurement"
    text = text[have.end():] + f" from {have.group(1)}" if have else DOER.sub("", text)  # "Do the site survey" -> "site survey"
    spans = find_amount_spans(text)
    if deal_value:  # "one point three two a year" for the deal's 1.32M
        spans = sorted(spans + bare_figures(text, spans, {deal_value}))
    for start, value, phrase in reversed(spans):
        if not re.search(r"\d|thousand|grand|million|\bk\b|[$€£]", phrase, re.I) and value != deal_value:
            continue  # "nine thirty" is a time unless it is the deal's figure
        tail = CURRENCY_WORDS.sub("", text[start + len(phrase):], count=1)  # "18K Singapore dollars": the symbol says it
        yearly = re.match(r"(?:\s+(?:euros?|dollars?|pounds?|canadian|australian|us))?\s*(?:a|per)\s+year|(?:\s+(?:euros?|dollars?))?\s*annually", tail, re.I)
        text = text[:start] + _money(value, symbol) + ("/yr" if yearly else "") + (tail[yearly.end():] if yearly else tail)
    for pattern, _kind in CLOSE_DATE_PATTERNS[:-1]:  # "on the fourth of June", "by August fifth"
        text = re.sub(r"\b(?:by|on|for|until|before)?\s*" + pattern.pattern, " ", text, flags=re.I)
    text = DATE_WORDS.sub(" ", text)
    text = DOT_DATE.sub(" ", text)  # "by Wed 6.5." in typed notes
    text = BARE_DAY.sub(" ", text)  # "return it by the twenty-first": the date is appended
    text = DANGLING.sub("", FILLER_TAIL.sub("", DANGLING.sub("", text.strip())))
    text = MEET_AGAIN.sub("Follow-up call", text.strip())
    m = SEND_LEAD.match(text.strip())
    if m and len(text.strip()[m.end():].split()) >= 2 and text.strip()[m.end():].split()[0].lower().strip(",") not in PRONOUNS:
        rest = text.strip()[m.end():]
        text = rest + (f" to {m.group('who')}" if m.group("who") and m.group("who").lower() not in PRONOUNS else "")
    text = NUMBER_WORD.sub(lambda m: m.group(1) if m.group(1).lower() in ("one", "a") else str(words_value(m.group(1)) or m.group(1)), text)
    if deal_value:
        text = re.sub(r"\bat (\d{2,3})\b(?!\s*(?:%|percent))", lambda m: "at " + (_money(deal_value, symbol) if int(m.group(1)) * 1000 == deal_value else m.group(1)), text)
    text = times_written(text)  # "the demo at two" -> "the demo at 2pm"
    text = OBJECT_NOISE.sub(" ", text)
    text = re.sub(r"(?<=\S)\s+(?:the|a|an|our|your|their)\s+(?=\S)", " ", text, flags=re.I)  # terse CRM style
    text = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"\s{2,}", " ", text))
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text).strip(" ,;:-")
    tail = SECOND_CLAUSE.search(text)
    if tail and text[:tail.start()].split():
        text = text[:tail.start()]  # "Take it to the committee, and we target signature": one step, one clause
    text = FILLER_TAIL.sub("", text.strip(" ,;-"))
    words = text.split()
    if len(words) > max_words:
        head = " ".join(words[:max_words])
        cut = head.find(",", len(" ".join(words[:4])))
        text = head[:cut] if cut > 0 else head
    text = re.sub(r"^(?:the|an?|our)\s+(?=\S+\s*\S)", "", text.strip(" ,;-"), flags=re.I)  # "The site survey" -> "Site survey"
    text = re.sub(r"§(\d)", lambda m: events[int(m.group(1))], text)
    return text[:1].upper() + text[1:]


DOT_DATE = re.compile(r"\b(?:(?:by|on|from|until|before|to)\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+)?\d{1,2}\.\d{1,2}\b\.?", re.I)
CURRENCY_WORDS = re.compile(r"^\s+(?:(?:singapore|hong kong|us|u\.s\.|american|canadian|australian|new zealand|swiss)\s+)?"
                            r"(?:dollars?|euros?|pounds?(?: sterling)?|francs?|kroner|kronor|krona|zloty|złoty|rupees|yen)\b(?!\s*(?:a|per)\s+year)", re.I)
ON_AGENDA = re.compile(r"^(?:put|get|add)\s+(?:us|me|them|it|this|that)\s+(?:on|onto|to)\s+(?:the\s+)?agenda\b", re.I)
DOER = re.compile(r"^(?:do|hold|run)\s+(?=(?:the|a|an|our)\s)", re.I)
HAVE_SEND = re.compile(r"^have\s+((?:[\w'-]+\s+){0,1}[\w'-]+)\s+(?:send|share|return|issue)\s+(?=(?:the|a|an|our)\s)", re.I)
INVITE = re.compile(r"\b(?:invite|invitation|calendar hold|meeting request)\s+for\s+(?:the\s+|our\s+|a\s+)?([a-z][a-z -]{2,40}?)(?=\s*(?:,|\bon\b|\bfor\b|\bat\b|\btoday\b|\btomorrow\b|$))", re.I)


def _meeting(st: ExtractedStep, call_date: dt.date) -> tuple[str, dt.date, str] | None:
    """ "Send the invite for the deep dive today, for Tuesday the 24th at ten" -> ("Deep dive", 24th, " 10:00"):
    the meeting is what matters, on its own date."""
    m = INVITE.search(st.text)
    if not m or st.due_date is None:
        return None
    later = [d for _, d, _, kind in close_dates(st.text, call_date) if d > st.due_date and kind != "day_only"]
    if not later:
        return None
    clock = spoken_time(st.text[m.end():])
    name = m.group(1).strip()
    return name[:1].upper() + name[1:], later[0], f" {clock}" if clock else ""


SECOND_CLAUSE = re.compile(r",?\s+(?:so|so that|because|and then)\s+|,\s*and\s+(?:we|I|you|they|he|she|(?-i:[A-Z][a-z]+))\s|"
                           r",\s*and\s+(?:[\w'-]+\s+){1,4}(?:will|'ll|would|can|should|must|is going to)\s|"
                           r",\s*(?:it|which|that|this)(?:'s|\s+(?:has|is|was|includes|covers))\b", re.I)
FILLER_TAIL = re.compile(r"(?:,?\s+(?:this (?:arvo|morning|afternoon|evening|week)|anyway|on (?:my|our|your|their|his|her) (?:side|end)|ahead of time|(?:the )?same day|right after (?:this|the) call|as well|too|then))+$", re.I)
BARE_DAY = re.compile(rf"\b(?:by|on|until|before|for)\s+(?:the\s+)?(?:{ORD_WORD}|\d{{1,2}}(?:st|nd|rd|th))\b(?!\s+of\b)", re.I)
DANGLING = re.compile(r"(?:\s+(?:by|on|for|until|before|from|at|the|to|and|with))+\s*$", re.I)
# Housekeeping around a meeting or a document is not the opportunity's next step.
ADMIN = re.compile(r"^(?:send |cancel |resend |forward |update |book |reserve |set up |schedule )?(?:the |a |an |new |calendar |meeting |teams |zoom )*"
                   r"(?:invite|invitation|calendar hold|hold|link|dial-in|room|meeting room|welcome pack|intro(?:duction)? email|forms?(?!\s+walkthrough)|template|"
                   r"supplier (?:onboarding )?forms?|vendor forms?|courier)\b|^(?:loop in|cc|copy|introduce|book|cancel|courier)\b", re.I)
# Checking, confirming or asking around something is not a step a reader can track.
THIN = re.compile(r"^(?:double-check|check|confirm|let \w+ know|ask|find out|look into|think about|get back|make sure)\b", re.I)
MAX_PARTS = 5
MONEY = re.compile(r"\d+(?:\.\d+)?[KM]\b")
OFFER = re.compile(r"\b(proposal|quote|offer|order form)\b", re.I)
LOGISTICS = re.compile(r"\b(?:invite|invitation|calendar hold|link|dial-in|room|forms?(?!\s+walkthrough)|template|welcome pack|courier)\b", re.I)


WAITS_ON = re.compile(r"\b(?:if|once|as soon as|assuming|after|when)\b[^,.;]{0,30}?\b(?P<doc>questionnaire|proposal|quote|order form|contract|"
                      r"agreement|msa|dpa|nda|sow|purchase order|po)\b[^,.;]{0,20}?\b(?:back|signed|countersigned|returned|in place|comes|arrives|approved)\b", re.I)


def _priority(st: ExtractedStep, rep: str, gating: frozenset[str] = frozenset()) -> int:
    """Deal paper first, then meetings, then the rest; a step the buyer owns, or one another step waits on
    ("assuming the NDA is back by Tuesday"), counts one more."""
    text = st.text
    gates = any(d.lower() in gating for d in PAPER.findall(text))
    return (3 if DEAL_DOC.search(text) else 2 if MEETING.search(text) else 1) + (1 if st.owner and st.owner != rep or gates else 0)


PAPER = re.compile(r"\b(?:questionnaire|proposal|quote|order form|contract|agreement|msa|dpa|nda|sow|redlines|purchase order|po|form)\b", re.I)
RETURNS = re.compile(r"^(?:return|send back|countersign|sign|complete|fill in)\b", re.I)


def _returned_later(item, phrased) -> bool:
    """ "Send questionnaire (Sanne, 4/7)" when "Return questionnaire (Ravi, 4/21)" is listed too: the document's
    last milestone is the one worth the space."""
    st, _, text = item
    docs = {d.lower() for d in PAPER.findall(text)}
    return bool(docs) and not RETURNS.match(text) and any(
        o is not st and o.due_date > st.due_date and RETURNS.match(t) and docs == {d.lower() for d in PAPER.findall(t)}
        for o, _, t in phrased)


def next_step_field(ctx: CallContext, steps: list[ExtractedStep], deal_value: float | None = None,
                    target: dt.date | None = None) -> list[ExtractedField]:
    """NextStep: the firm, dated next steps as one short line ("Revised order form ($170K/yr) (Dana, 4/16);
    CFO review (Marcus, 4/24)"), most important first within 255 characters, then shown in date order."""
    firm = [st for st in steps if not st.tentative and st.due_date and st.due_date >= ctx.call_date and st.evidence]
    if not firm or len(firm) < 2 and all(st.due_date == ctx.call_date for st in firm):
        return []  # a lone same-day item is too thin to be the opportunity's next step
    country = getattr(ctx.snapshot.Account, "BillingCountry", None)
    symbol = _currency(ctx)
    # one entry per owner and date: the most informative wording
    best: dict[tuple, ExtractedStep] = {}
    for st in firm:
        key = (st.owner, st.due_date)
        text = re.sub(r"\s*\([^)]*\)?", "", st.text)
        score = len(re.findall(r"[A-Za-z]{3,}", text)) - 3 * len(re.findall(r"\b(?:it|that|them)\b", text, re.I)) \
            + (20 if MEETING.search(text) else 0)  # the kick-off that day, not "bring the good coffee" to it
        if key not in best or score > best[key][0]:
            best[key] = (score, st)
    gating = frozenset(m.group("doc").lower() for st in firm for e in st.evidence for m in WAITS_ON.finditer(e.quote))
    chosen = sorted((st for _, st in best.values()), key=lambda st: (-_priority(st, ctx.rep, gating), st.due_date))
    signed = target is not None and signed_on_call(ctx) is not None
    extra = f"; {'signed' if signed else 'signature'} {_fmt_date(target, country)}" if target is not None else ""
    reserve = len(extra)  # the signature date is worth more than a fifth step, so keep room for it
    phrased = []
    for st in chosen:
        if has_contact_details(st.text) or any(has_contact_details(e.quote) for e in st.evidence):
            continue  # a home address or a phone number never goes into the CRM field
        meeting = _meeting(st, ctx.call_date)
        text = meeting[0] if meeting else _compact(st.text, symbol, deal_value=deal_value, due=st.due_date, country=country)
        booked = MEETING.search(text) and not LOGISTICS.search(text)  # "Book the deep dive" is the meeting; "send the invite" is not
        if not meeting and (ADMIN.search(text) and not booked or THIN.search(text)) and not DEAL_DOC.search(text):
            continue  # an invite, a meeting room, supplier forms, an intro email; "check with him that the 13th is clear"
        if len([w for w in re.findall(r"[A-Za-z0-9$€£]+", text) if w.lower() not in PRONOUNS]) < 2:
            continue  # "Send it", "Ask her": nothing a reader could act on
        phrased.append((st, meeting, text))
    phrased = [p for p in phrased if not _returned_later(p, phrased)]
    parts: list[tuple[dt.date, str, ExtractedStep]] = []
    for st, meeting, text in phrased:
        if len(parts) >= MAX_PARTS:
            break
        owner = st.owner.split()[0] if st.owner else ""
        if owner.endswith(".") and st.owner and len(st.owner.split()) > 1:  # "Dr. Martina Hofer"
            owner = st.owner.split()[1]
        when = f"{_fmt_date(meeting[1], country, weekday=True)}{meeting[2]}" if meeting else \
            "today" if st.due_date == ctx.call_date else _fmt_date(st.due_date, country, weekday=True)
        part = f"{text} ({owner + ', ' if owner else ''}{when})"
        if len("; ".join([p for _, p, _ in parts] + [part])) > 255 - reserve:
            continue
        parts.append((st.due_date, part, st))
    if not parts:
        return []
    offers = [k for k, (_, part, _) in enumerate(parts) if OFFER.search(part.rpartition(" (")[0])]
    if deal_value and offers and not any(MONEY.search(p) for _, p, _ in parts):
        first = min(offers, key=lambda k: parts[k][0])  # the deal's figure, once, on the first offer
        due, part, st = parts[first]
        head, _, tail = part.rpartition(" (")
        parts[first] = (due, f"{head} ({_money(deal_value, symbol)}/yr) ({tail}", st)
        while len("; ".join(p for _, p, _ in parts)) > 255 - reserve and len(parts) > 1:
            parts.pop(max(k for k, p in enumerate(parts) if p[2] is not st))  # worth more than the least important step
    parts.sort(key=lambda x: x[0])
    value = "; ".join(p for _, p, _ in parts)
    if extra and len(value) + len(extra) <= 255:
        value += extra
    current = ctx.snapshot.Opportunity.NextStep
    if current and current.strip().lower() == value.lower():
        return []
    ev = []
    for _, _, st in parts:
        for e in st.evidence:
            if all(e.quote != x.quote for x in ev):
                ev.append(e)
    return [ExtractedField(field="Opportunity.NextStep", value=value, evidence=ev[:6], certainty="inferred",
                           confidence=confidence("inferred", len(parts) >= 2, False, False))]
