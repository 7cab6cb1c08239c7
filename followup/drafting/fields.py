"""Opportunity fields said on a call: CloseDate, Amount and StageName (the NextStep line is ``next_step``).

Precision first: a value is proposed only from a sentence that says it, never from a sentence
that is hypothetical, about a competitor, a threshold, a list price, a multi-year total, a
one-time fee, superseded ("ignore that number"), negated, or addressed to the assistant. When the
call keeps moving a value, the last firm statement wins; a value equal to CRM is not proposed.

A loss said on the call ("we've gone with X", X a rival) outranks any bare signature talk ("the contract's
signed" is then the rival's): the deal is Closed Lost and gets no CloseDate and no NextStep.

Confidence keeps the documented formula of ``followup.drafting.context.confidence`` and adds one penalty
term here, ``PENALTY`` (−0.10), when a validator of the evidence's strength fails:
- CloseDate: the close cue is only a weak one ("move it", "the paperwork"), or the date sits in a clause of its
  own that says something else ("The office closes on the 23rd, and I want it signed before then");
- StageName Closed Won, and the CloseDate taken from a signature on the call: a rival is spoken of on the call
  (its price, its contract, a competing bid), so whose signature it was is less certain;
- StageName Negotiation/Review or Closed Won proposed from a stage before Proposal/Price Quote (the move skips the quote);
- CloseDate: a bare day ("by the 15th") whose month nobody said with signature talk (the month is a guess).
So single-cue, loosely tied or inferred evidence stays below the approval thresholds (0.78; StageName 0.85).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from followup.drafting.amounts import POINT, SUB100, SUB1000, TENS, counts_things, find_amount_spans, point_value, words_value
from followup.drafting.context import HEDGE, HYPOTHETICAL, STAGES, CallContext, Unit, confidence, evidence
from followup.drafting.dates import MONTHS, WORD_ORD_RE, WORD_ORDINALS, find_dates
from followup.drafting.model import ExtractedField

_TENS_WORDS = "|".join(TENS)

PENALTY = 0.10  # one validator failing on otherwise explicit evidence (see the module docstring)


def _next_turn_unit(ctx: CallContext, idx: int) -> Unit | None:
    """The first sentence of the turn after the one holding unit ``idx`` (the reply), found in O(1)."""
    def compute():
        units, out, nxt = ctx.units, [len(ctx.units)] * len(ctx.units), len(ctx.units)
        for j in range(len(units) - 1, -1, -1):
            out[j] = nxt
            if j == 0 or units[j - 1].turn_index != units[j].turn_index:
                nxt = j
        return out
    table = ctx.memo("fields.next_turn", compute)
    return ctx.units[table[idx]] if 0 <= idx < len(table) and table[idx] < len(ctx.units) else None


# --------------------------------------------------------------------------------------------
# Amount
# --------------------------------------------------------------------------------------------

# A sentence with one of these never states the deal amount (checked on the whole sentence).
NOT_DEAL_SENTENCE = re.compile(
    r"\b(anything (?:above|over|under|below)|above|below|typically|somewhere|depends on|range|between|up to|"
    r"free first year|they offered|offered (?:us|him|her|them|me)|compared to|list price|another (?:vendor|provider|supplier|tool)|"
    r"competitor|quote from|came in at|the other (?:guys|vendors?|providers?|suppliers?|ones?|bidders?)|they(?:'re| are) (?:at|charging|offering)|they charge|"
    r"quoted (?:us|me|him|her|them)|their (?:price|quote|offer|number|pricing)|came back (?:last \w+ )?with|threshold|approval limit|sign (?:off )?(?:myself|on my own)|tender|one-time|one off|one-off|"
    r"(?:signing|spending|purchasing|approval|sign-off|signoff) (?:authority|limit|cap)|authority|ceiling|cap(?:ped)? at|"
    r"previous tool|last tool|current (?:provider|vendor|supplier|tool|solution|platform)|incumbent|usually|normally|on average|most (?:customers|clients)|(?:customers|companies) (?:like you|your size|of your size)|starts? at|starting (?:at|from)|entry[- ]level|smallest package|tier (?:is|costs|would be)|costs? us|we pay|we're paying|we are paying|we currently pay|budget freeze|budget\w*|envelope|set aside|earmarked|allocated|allocation|we paid|paid|spend|spent|spending|saving|savings|save|saves|saved|revenue|roi)\b", re.I)
# Checked on the clause around the figure only: "45 a user a month for 120 users, so 64.8K a year".
UNIT_OR_TOTAL = re.compile(
    r"\b(one-time|one time|one off|one-off|setup|set-up|(?:implementation|integration|onboarding|services|setup|set-up|installation) fee|(?:with|plus|including|incl\.?) (?:the )?onboarding|total|in total|"
    r"over (?:the )?(?:two|three|four|five|2|3|4|5)[ -]years?|(?:two|three|four|five|2|3|4|5)[ -]year (?:total|value)|for the (?:two|three|four|five) years|"
    r"in subscription|multi-year (?:total|value|commitment value)|year one|first year|first-year|per (?!year\b|annum\b|cent\b)[a-z]+|"
    r"an? (?:user|seat|employee|endpoint|device|month)|a month|monthly|list|each (?!year\b|annum\b)[a-z]+|"
    r"on top|an extra|extra|additional|alone|adds|phase (?:two|three|2|3)|second phase|next year|"
    r"year (?:two|three|four|five|2|3|4|5)|(?:second|third|fourth|fifth)[ -]year|goes up to|rises to|uplift|escalat\w*)\b", re.I)
CLAUSE_SPLIT = re.compile(r"(?:[^,;:—–]|(?<=\d)[,.](?=\d{3}))+")  # "72,000" is one figure, not two clauses
OLD_FIGURE = re.compile(r"\b(?:old|previous|original(?:ly)?|initial|first|last year's|current|existing) (?:price|number|quote|figure|offer|proposal|contract|amount|renewal|deal)\b|"
                        r"\blast (?:year|time|term|contract|round)\b|\bprevious(?:ly)?\b|\bin the past\b|"
                        r"\bused to (?:be|pay|cost)\b|\bwas (?:originally|initially)\b|\bin (?:my|our|the|your) (?:system|crm|forecast)\b", re.I)
# Exported for rules.py / llm_extractor.py, which check one evidence quote: every cue above, on the whole quote.
NOT_DEAL_AMOUNT = re.compile(rf"(?:{NOT_DEAL_SENTENCE.pattern})|(?:{UNIT_OR_TOTAL.pattern})", re.I)
HYPOTHETICAL_MONEY = re.compile(
    rf"\b(if (?:we|you|they|i|it)|hypothetical\w*|ballpark|let's say|say roughly|roughly|rough|something like|"
    rf"(?:about|around|approximately|circa|some)\s+(?:[$€£]|\d|a hundred|{SUB100}\b)|"
    r"order of magnitude|in the region of|don't write|not a quote|not a number|estimate|for example|imagine|could be|would be|"
    r"you'd be|it'd be|we'd|i'd|they'd|(?:we|i|they) would|would add|would cost|might|maybe|perhaps|even if|match (?:that|their|it|at|them))\b", re.I)
SUPERSEDED = re.compile(r"\b(ignore (?:that|the|this|those|my)|scratch that|forget (?:that|the|about)|disregard|no longer valid|not valid anymore|"
                        r"is not valid|strike that|that's old|out of date|outdated)\b", re.I)
ANNUAL = re.compile(r"(?:\b(?:per year|a year|each year|every year|annual|annually|per annum|p\.a|yearly|subscription|ARR)\b|/yr\b|/year\b)", re.I)
DEAL = re.compile(r"\b(?:order form|proposal|quote|offer|contract|agreement|agreed|deal|price|pricing|we land at|land at|"
                  r"commit to|can do|put .{0,30} in the|number)\b", re.I)


# A named party other than the people on the call or the account: "Routewise is at 75K a year", "we asked Routewise to quote".
NAMED_SUBJECT = re.compile(r"(?-i:\b(?P<name>[A-Z][a-zA-Z]+))(?:'s)?\s+(?:is|are|was|were|wants?|sent|gave|(?P<bid>came (?:in|back|out)|comes (?:in|back|out)|charges?|quoted|quotes|offers?|"
                           r"offered|proposed|bid|priced))\b|"
                           r"\b(?:asked|ask|asking|invited|invite)\s+(?-i:(?P<asked>[A-Z][a-zA-Z]+))\s+(?:to|for)\b")
COMMON_CAPS = {"i", "we", "you", "that", "this", "it", "the", "our", "your", "so", "and", "but", "yes", "okay", "ok", "well", "then",
               "which", "what", "there", "here", "he", "she", "they", "everything", "everyone", "nothing", "price", "pricing", "quote",
               "proposal", "contract", "legal", "procurement", "finance", "security", "who", "now", "also", "good", "great", "perfect"}


def _proper_nouns(ctx: CallContext) -> set[str]:
    """Words written with a capital inside a sentence somewhere on the call: names, not "List" or "Budget"."""
    return ctx.memo("fields.proper", lambda: {w.lower() for u in ctx.units for w in MID_CAPS.findall(u.sentence)})


MID_CAPS = re.compile(r"(?<=[a-z0-9,;] )([A-Z][a-zA-Z]+)")


def _third_party(ctx: CallContext, sentence: str) -> bool:
    account = (getattr(ctx.snapshot.Account, "Name", "") or "").lower().split()
    for m in NAMED_SUBJECT.finditer(sentence):
        group = "name" if m.group("name") else "asked"
        name = m.group(group).lower()
        if name in COMMON_CAPS or name in account or ctx.person(name):
            continue
        if not sentence[:m.start(group)].strip(" \"'-,") and name not in _proper_nouns(ctx) and not m.group("bid"):
            continue  # a capital at the start of a sentence is a name when the call writes it so elsewhere or it quotes a price
        return True
    return False


BARE = re.compile(rf"(?:\b(at|ignore the|ignore|forget the|not)\s+)?\b({SUB1000}|\d{{2,3}})\b(?=(\s+(?:euros?\s+|dollars?\s+|pounds?\s+)?(?:a|per)\s+year\b|\s+annually\b)?)", re.I)


BARE_GATE = re.compile(rf"\b(?:{_TENS_WORDS})\b|\b\d{{2,3}}\b", re.I)


def bare_figures(sentence: str, spans, known: set[float]) -> list[tuple[int, float, str]]:
    """ "eighty-eight per year", "the order form at eighty-eight", "ignore the ninety-six", "one point three two a year":
    a figure said without "thousand" or "million" counts only when the same figure was said in full elsewhere on the call."""
    out = []
    for m in POINT.finditer(sentence) if " point " in sentence.lower() else ():
        value = round(point_value(m) * 1_000_000, 2)
        if not m.group(3) and value in known:
            out.append((m.start(), value, m.group(0)))
    for m in BARE.finditer(sentence):
        if any(s <= m.start(2) < s + len(p) for s, _, p in spans):
            continue
        if not (m.group(1) or m.group(3)):
            continue
        n = int(m.group(2)) if m.group(2).isdigit() else words_value(m.group(2))
        if n and 10 <= n < 1000 and n * 1000 in known:
            out.append((m.start(2), float(n * 1000), m.group(2)))
    return out


def _amount_mentions(ctx: CallContext) -> list[tuple[Unit, float, bool, bool]]:
    """(unit, value, annual, deal) for every figure that may be the deal's annual value."""
    out = []
    units = ctx.units
    superseded: set[float] = set()
    spans_of = [find_amount_spans(u.sentence) for u in units]
    known = {v for spans in spans_of for _, v, _ in spans if v >= 1000}
    for idx, u in enumerate(units):
        s = u.sentence
        prev = units[idx - 1].sentence if idx and units[idx - 1].turn_index == u.turn_index else ""
        nxt = units[idx + 1].sentence if idx + 1 < len(units) and units[idx + 1].turn_index == u.turn_index else ""
        spans = spans_of[idx]
        if known and (BARE_GATE.search(s) or " point " in s.lower()):
            spans = spans + bare_figures(s, spans, known)
        if not spans:
            continue
        if SUPERSEDED.search(nxt):  # "I gave you 210K as our envelope. Ignore that number."
            superseded.update(v for _, v, _ in spans)
        if SUPERSEDED.search(s):
            superseded.update(v for _, v, _ in spans)
        for start, value, phrase in spans:
            if value < 1000 or counts_things(s, start + len(phrase)) and not re.match(r"[$€£]|(?:USD|EUR|GBP|CAD|AUD|CHF)\b", phrase):
                continue  # "two hundred thousand claims a year" counts things
            clause = next((c.group(0) for c in CLAUSE_SPLIT.finditer(s) if c.start() <= start < c.end()), s)
            if OLD_FIGURE.search(clause):
                continue  # "the original proposal was 120K a year, the revised one is 110K a year"
            hit = UNIT_OR_TOTAL.search(clause)
            if hit and not (hit.group(0).lower() in ("total", "in total") and ANNUAL.search(clause)):
                continue
            # one figure: the whole sentence speaks of it; several: each its own clause ("..., 112K a year, 18K one-off")
            if NOT_DEAL_SENTENCE.search(clause if len(spans) > 1 else s) or HYPOTHETICAL_MONEY.search(s) or HYPOTHETICAL.search(s):
                continue
            if EXPLORING.search(s) or EXPLORING.search(prev) or idx > 1 and units[idx - 2].turn_index == u.turn_index \
                    and EXPLORING.search(units[idx - 2].sentence):
                continue  # "Please don't take this as an offer, I'm just exploring. What if ...? That'd be about 22K a year."
            if re.search(r"\b(not a quote|don't write|not in the proposal|hypothetical|rough|range)\b", nxt, re.I):
                continue
            if re.search(r"\b(competitor|another (?:vendor|provider)|quote from|came in at|quoted (?:us|me|him|her|them)|they offered|offered)\b", prev, re.I) \
                    and not re.search(r"\b(?:our|we|we'll|we can|I can|I'll|you)\b", s, re.I):
                continue  # "They came in at one fifty. One fifty-two, actually, $152K."
            if COMPARED.search(s[max(0, start - 30):start]):
                continue  # "higher than Corvex at 80K a year": the figure compared against
            if idx == _turn_start(ctx, idx) and _answers_if(ctx, idx):
                continue  # "And if we add the managers later?" - "Then 224K a year.": the answer is as hypothetical as the question
            if NEGATED_MONEY.search(clause) or BUYER_ASK.search(s) or RANGE.search(s) or _third_party(ctx, s):
                continue  # "I can't get to ninety-five thousand a year", "Could you do 95K a year?"
            if s.rstrip().endswith("?"):
                reply = _next_turn_unit(ctx, idx)
                if reply is None or reply.turn.speaker == u.turn.speaker or not AFFIRM.search(reply.turn.text):
                    continue  # a figure asked about is agreed only when the other side says yes
            out.append((u, value, bool(ANNUAL.search(clause)), bool(DEAL.search(s))))
    return [m for m in out if m[1] not in superseded]


# thinking aloud about a figure, in the sentence or just before it in the same turn
EXPLORING = re.compile(r"\b(?:what if|not (?:as )?an offer|take this as an offer|just exploring|(?:thinking|think) (?:out loud|aloud)|"
                       r"(?:just )?floating|kite-?flying|fly a kite|thought experiment)\b", re.I)
COMPARED = re.compile(r"\b(?:than|versus|vs\.?|against|compared (?:to|with))\b(?!.*\b(?:than|versus|against)\b)[^,;.]{0,25}$", re.I)
IF_QUESTION = re.compile(r"\b(?:if|what if|suppose|supposing|hypothetically|say we|in case)\b", re.I)


def _turn_start(ctx: CallContext, idx: int) -> int:
    """Index of the first sentence of the turn holding unit ``idx``."""
    units, t = ctx.units, ctx.units[idx].turn_index
    while idx > 0 and units[idx - 1].turn_index == t:
        idx -= 1
    return idx


def _answers_if(ctx: CallContext, idx: int) -> bool:
    """The turn before, by someone else, ends in a conditional question ("And if we add them later?")."""
    if idx == 0:
        return False
    before = ctx.units[idx - 1]
    return before.turn.speaker != ctx.units[idx].turn.speaker and before.sentence.rstrip().endswith("?") \
        and bool(IF_QUESTION.search(before.sentence))


RANGE = re.compile(rf"\b(?:{SUB1000})\s+(?:to|or)\s+(?:{SUB1000})\s+(?:thousand|grand|k)\b|[$€£]?\d+(?:\.\d+)?k?\s*(?:-|–|to)\s*[$€£]?\d+(?:\.\d+)?\s*(?:k\b|thousand|grand|million)", re.I)
NEGATED_MONEY = re.compile(r"\b(?:not|never|no way|cannot|can't|won't|couldn't|wouldn't|isn't|aren't|wasn't|don't)\b", re.I)
BUYER_ASK = re.compile(r"\b(?:can|could|would|will) you (?:do|get|go|come|bring|make it|meet|match|sharpen)\b", re.I)


def deal_amount(ctx: CallContext) -> tuple[Unit, float, list[Unit]] | None:
    """The last annual deal value stated or agreed on the call, with every unit that says it."""
    mentions = ctx.memo("fields.amount_mentions", lambda: _amount_mentions(ctx))
    annual_values = {v for _, v, annual, _ in mentions if annual}
    chosen = [(u, v) for u, v, annual, deal in mentions if annual or (deal and v in annual_values)]
    if not chosen:
        return None
    u, value = chosen[-1]
    support = [x for x, v in chosen if v == value]
    return u, value, support


def amount(ctx: CallContext) -> list[ExtractedField]:
    found = deal_amount(ctx)
    if found is None:
        return []
    u, value, support = found
    current = ctx.snapshot.Opportunity.Amount
    if current is not None and abs(float(current) - value) <= 0.005 * float(current):
        return []  # the call confirms what CRM already holds
    valid = current is None or 0.25 * current <= value <= 4 * current
    if not valid:
        return []  # precision first: a tenfold jump is more likely a misheard or unrelated figure
    speakers = {x.turn.speaker for x in support}
    hedged = bool(HEDGE.search(u.sentence))
    return [ExtractedField(field="Opportunity.Amount", value=value, evidence=[evidence(u.turn, u.sentence)], certainty="explicit",
                           confidence=confidence("explicit", valid, len(speakers) > 1, hedged))]


# --------------------------------------------------------------------------------------------
# CloseDate
# --------------------------------------------------------------------------------------------

ORD_WORD = WORD_ORD_RE
DAY = rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?|({ORD_WORD}))"
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
PATTERN_NEEDS = {"end_q": ("end", "close"), "end_year": ("end",), "end_month": ("end",), "end_rel_month": ("month",), "end_rel_q": ("quarter",),
                 "numeric": "digit", "mid_month": ("mid",), "day_rel_month": ("month",), "weekday_day": ("day",), "day_only": ("the",)}
QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1": 1, "2": 2, "3": 3, "4": 4}
CLOSE_DATE_PATTERNS = [
    (re.compile(r"\b(?:the\s+)?(?:end|close)\s+of\s+(?:the\s+)?(?:q([1-4])|(first|second|third|fourth)\s+quarter)\b", re.I), "end_q"),
    (re.compile(r"\b(?:the\s+)?(?:end|close)\s+of\s+(?:the\s+)?(?:year|calendar year)\b|\byear[- ]end\b", re.I), "end_year"),
    (re.compile(rf"\b(?:the\s+)?(?:very\s+)?end\s+of\s+({MONTH})\b", re.I), "end_month"),
    (re.compile(r"\b(?:the\s+)?end\s+of\s+(this|next)\s+month\b|\b(this|next)?\s*month[- ]end\b", re.I), "end_rel_month"),
    (re.compile(r"\b(?:the\s+)?(?:end|close)\s+of\s+(?:the|this|(next))\s+quarter\b|\b(?:this\s+|(next)\s+)?quarter[- ]end\b", re.I), "end_rel_q"),
    (re.compile(r"(?<![\d/.])(\d{1,2})(?:/(\d{1,2})(?:/(\d{4}|\d{2}))?|\.(\d{1,2})\.(\d{4}|\d{2}))(?![\d/]|\.\d)", re.I), "numeric"),
    (re.compile(rf"\b(?:mid|middle\s+of)[\s-]+({MONTH})\b", re.I), "mid_month"),
    (re.compile(rf"\b({MONTH})\.?\s+(?:the\s+)?{DAY}\b", re.I), "month_day"),
    (re.compile(rf"\b(?:the\s+)?{DAY}\s+of\s+({MONTH})\b", re.I), "day_month"),
    (re.compile(rf"\b(?:the\s+)?{DAY}\s+of\s+(this|next)\s+month\b", re.I), "day_rel_month"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH})\b", re.I), "num_month"),
    (re.compile(rf"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+the\s+{DAY}\b(?!\s+of\b)", re.I), "weekday_day"),
    (re.compile(rf"\bthe\s+{DAY}\b(?!\s+of\b)", re.I), "day_only"),
]
# Cues that speak of the close only when signing was just discussed: "move it", "the paperwork", "get it done".
SELF_CORRECTION = re.compile(r"^\W*(?:actually|sorry|correction|no wait|wait|scratch that|I mean|rather|make (?:it|that))\b|\bmake (?:it|that) the\b", re.I)
WEAK_CUE = re.compile(r"move (?:it|the date|the target)|paperwork|get (?:it|this|the deal) (?:done|over the line)", re.I)
CLOSE_CUE = re.compile(r"(?-i:\bCD\b)|\b((?:counter)?sign(?:s|ed|ing|atures?)?(?! up\b| in\b| out\b| off\b(?! on (?:the|our|your) (?:contract|deal|agreement|order form)))|docusign|close date|closing date|target close|target date|target signature|"
                       r"close (?:it|this|the deal)|get (?:it|this|the deal) (?:done|over the line)|paperwork|"
                       r"move (?:it|the date|the close|the target)|(?:the )?close (?:moves|stays|is)|"
                       r"date[^.?!]{0,40}in (?:my|our|your|the) (?:system|crm|salesforce)|in (?:my|our|your|the) forecast)\b", re.I)
NOT_CLOSE = re.compile(r"\b(board|committee|meeting|meet|demo|call|workshop|deep dive|session|go[- ]live|live|kick-?off|start|onboarding|"
                       r"budget|approv\w*|shutdown|holiday|vacation|leave|break|offsite|out|until|back|trial|expire\w*|invoice|payment|"
                       r"deliver\w*|ship\w*|send|sent|share|email|invite|nda|baa|dpa|questionnaire|review|renewal|migration|install\w*|"
                       r"commissioning|funds|funded|money|available|fiscal|financial year|bids?|"
                       r"ends|ended|ending|runs? out|runs? until|notice|terminat\w*|renews?|training|rollout|roll-out|pilot|launch\w*|audit|"
                       r"morning|afternoon|evening|o'clock|[ap]\.?m\.?|decision|decide|decides|choose|shortlist|"
                       r"ask|asks|check|checks|confirm|confirms|talk|speak|tell|agenda|christmas|easter|closes for|closed for|"
                       r"legal|lawyers?|counsel|procurement|goes to|go to|sent to|comes back|back from|tender|rfp|rfi|submissions?)\b", re.I)
# "the version we agreed on Thursday": a weekday after a past-tense verb is behind us
PAST_VERB = re.compile(r"\b(?:agreed|discussed|talked|spoke|met|said|sent|had|was|were|did|went)\b|"
                       r"\b(?:we|i|they|he|she|you)\s+(?:already\s+|just\s+|all\s+)?(?:signed|countersigned|closed|finali[sz]ed)\b", re.I)
# Signing as the condition of something else: "Once it's signed, Ravi shares the report by Wednesday the eighth."
AFTER_SIGNING = re.compile(r"\b(?:once|when|after|as soon as|until|the day)\b[^,.;]{0,40}\b(?:counter)?sign", re.I)
STRONG_HEDGE = re.compile(r"\b(?:maybe|might|perhaps|no promises|hold me to|can't promise|cannot promise|hopefully|fingers crossed|best case)\b", re.I)
# A date read out from the record or an earlier plan ("In our forecast we had the end of March", "the close date in my
# system is the 9th") is the old value, not a new one, unless the sentence also changes it.
RECORDED = re.compile(r"\b(?:in|on|into) (?:my|our|the|your) (?:system|crm|salesforce|forecast|pipeline|records?|notes)\b|"
                      r"\b(?:we|i|you) (?:had|have got|still have)\b(?! to\b)|\b(?:we|i|you)(?:'ve| have) got\b(?! to\b)|\bhave (?:you|it|this|the deal) (?:down|pencil+ed|marked)\b|\bwhat (?:i|we|you) had\b|\boriginally\b|\b(?:was|were) (?:planned|planning|aiming|hoping)\b", re.I)
CHANGE = re.compile(r"\b(?:move|moving|moved|change|update|put|push|pull|set|make it|let's|i'll|we'll|will|going to|new|instead)\b", re.I)
# Few words besides the date: "End of June.", "Mid-May, I'd say." (an answer right after talk of signing)
FILLER = re.compile(r"[a-z]+(?:'[a-z]+)?", re.I)
NEGATED = re.compile(r"\b(not|n't|no way|never|won't|can't|cannot|unlikely|too late|no longer|not going to|nobody|no one|nothing)\b|n't\b", re.I)
CONDITIONAL = re.compile(r"^\W*(?:and\s+|but\s+|so\s+)?(?:if|once|as soon as|when|unless|assuming|provided)\b", re.I)
KEEP = re.compile(r"\b(stays? (?:at|where|as)|leave it (?:where|as|at)|don't move it|do not move it|keep (?:it|the date) (?:at|where|as))\b", re.I)
AFFIRM = re.compile(r"^\W*(yes|yeah|yep|yup|correct|exactly|right|perfect|that works|works for me|sounds good|fine|agreed|ok|okay|sure|grand)\b", re.I)
CLAUSE = re.compile(r"(?:[^,;:—–\s]|\s(?!(?:so|but|because|while|and|so that)\s))+", re.I)
REJECT = re.compile(r"^\W*(?:no\b|nope|let's not|not\b|that won't|that wouldn't|i don't think|unlikely|too (?:early|soon|tight)|that's too)", re.I)


FULL_MONTHS = frozenset(m for m in MONTHS if len(m) > 3 or m == "may")
NAMED_DAY = re.compile(rf"\b({MONTH})\.?\s+(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORD_WORD})\b|"
                       rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORD_WORD})\s+of\s+({MONTH})\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+({MONTH})\b", re.I)
BEFORE_THEN = re.compile(r"\b(?:before|ahead of|prior to|by) (?:then|that(?: date| day)?)\b", re.I)


def _month_date(base: dt.date, month: int, day: int | None) -> dt.date | None:
    """The next occurrence on or after the call date (the month's last day when ``day`` is None)."""
    for year in (base.year, base.year + 1):
        last = calendar.monthrange(year, month)[1]
        d = last if day is None else day
        if d > last:
            return None
        candidate = dt.date(year, month, d)
        if candidate >= base:
            return candidate
    return None


def _day(m: re.Match, digits: int, word: int) -> int | None:
    if m.group(digits):
        return int(m.group(digits))
    if m.group(word):
        return WORD_ORDINALS.get(re.sub(r"\s+", " ", m.group(word).lower()))
    return None


def close_dates(text: str, base: dt.date, month_hint: int | None = None, month_first: bool = True) -> list[tuple[int, dt.date, str, str]]:
    """(position, date, phrase, kind) of dates a close date is said in: "May twenty-ninth", "the sixth of
    November", "end of June", "mid-October", "end of Q3", "the thirtieth" (day only; the month of the
    discussion, else the next such day). Weekday phrases come from ``find_dates`` (kind "relative")."""
    found: list[tuple[int, dt.date, str, str]] = []
    taken: list[tuple[int, int]] = []
    low = text.lower()
    digits = any(c.isdigit() for c in text)
    for pattern, kind in CLOSE_DATE_PATTERNS:
        need = PATTERN_NEEDS.get(kind)
        if need == "digit" and not digits or need and need != "digit" and not any(w in low for w in need):
            continue  # cheap: each pattern runs only when its key word is in the text
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = None
            if kind == "end_q":
                q = int(m.group(1)) if m.group(1) else QUARTER_WORDS[m.group(2).lower()]
                value = _month_date(base, q * 3, None)
            elif kind == "end_year":
                value = dt.date(base.year, 12, 31)
            elif kind == "end_month":
                value = _month_date(base, MONTHS[m.group(1).lower()], None)
            elif kind == "end_rel_q":
                q_month, year = ((base.month - 1) // 3 + 1) * 3, base.year
                if m.group(1) or m.group(2):
                    q_month, year = (3, year + 1) if q_month == 12 else (q_month + 3, year)
                value = dt.date(year, q_month, calendar.monthrange(year, q_month)[1])
            elif kind == "end_rel_month":
                month, year = base.month, base.year
                if (m.group(1) or m.group(2) or "").lower() == "next":
                    month, year = (1, year + 1) if month == 12 else (month + 1, year)
                value = dt.date(year, month, calendar.monthrange(year, month)[1])
            elif kind == "numeric":
                a, b = int(m.group(1)), int(m.group(2) or m.group(4))
                month, day = (a, b) if month_first and m.group(2) else (b, a)
                yr = m.group(3) or m.group(5)
                if yr and 1 <= month <= 12:
                    year = int(yr) + (2000 if len(yr) == 2 else 0)
                    try:
                        value = dt.date(year, month, day)
                    except ValueError:
                        value = None
                elif 1 <= month <= 12:
                    value = _month_date(base, month, day) if day <= 31 else None
            elif kind == "mid_month":
                value = _month_date(base, MONTHS[m.group(1).lower()], 15)
            elif kind == "month_day":
                day = _day(m, 2, 3)
                value = _month_date(base, MONTHS[m.group(1).lower()], day) if day else None
            elif kind == "day_month":
                day = _day(m, 1, 2)
                value = _month_date(base, MONTHS[m.group(3).lower()], day) if day else None
            elif kind == "day_rel_month":
                day = _day(m, 1, 2)
                month, year = base.month, base.year
                if m.group(3).lower() == "next":
                    month, year = (1, year + 1) if month == 12 else (month + 1, year)
                value = dt.date(year, month, day) if day and day <= calendar.monthrange(year, month)[1] else None
            elif kind == "num_month":
                value = _month_date(base, MONTHS[m.group(2).lower()], int(m.group(1)))
            elif kind in ("day_only", "weekday_day"):
                day = _day(m, 1, 2)
                if day:
                    if month_hint:
                        value = _month_date(base, month_hint, day)
                    else:
                        month, year = base.month, base.year
                        for _ in range(2):
                            if day <= calendar.monthrange(year, month)[1] and dt.date(year, month, day) >= base:
                                value = dt.date(year, month, day)
                                break
                            month, year = (1, year + 1) if month == 12 else (month + 1, year)
            if value is not None:
                taken.append((m.start(), m.end()))
                found.append((m.start(), value, m.group(0), kind))
    for d, phrase in find_dates(text, base):
        pos = text.find(phrase)
        if pos >= 0 and not any(pos < e and s < pos + len(phrase) for s, e in taken):
            kind = "quarter" if re.search(r"quarter|\bQ[1-4]\b", phrase, re.I) else "relative"
            found.append((pos, d, phrase, kind))
    return sorted(found)


# Whether a sentence can hold a date at all: a digit or a month, ordinal, weekday or period word.
DATE_WORDS_SET = frozenset([*MONTHS, *(w for o in WORD_ORDINALS for w in re.split(r"[\s-]+", o)), "monday", "tuesday", "wednesday", "thursday", "friday",
                            "saturday", "sunday", "today", "tomorrow", "tonight", "eod", "week", "fortnight", "month", "quarter", "q1", "q2", "q3",
                            "q4", "year", "mid", "end", "play"])
TOKENS = re.compile(r"[a-z0-9]+")


def _date_gate(sentence: str) -> bool:
    return any(c.isdigit() for c in sentence) or not DATE_WORDS_SET.isdisjoint(TOKENS.findall(sentence.lower()))


def _clause_at(sentence: str, pos: int) -> str:
    for m in CLAUSE.finditer(sentence):
        if m.start() <= pos < m.end():
            return m.group(0)
    return sentence


def _close_candidates(ctx: CallContext) -> list[tuple[Unit, dt.date, bool]]:
    """(unit, date, hedged) for every statement of the expected signature date, in call order; a date
    the other side turns down at once ("I'll put the 28th." - "Let's not.") is dropped."""
    def compute():
        found = _find_close_candidates(ctx)
        kept = []
        for idx, u, value, hedged in found:
            reply = _next_turn_unit(ctx, idx)
            if value is not None and reply is not None and reply.turn.speaker != u.turn.speaker and REJECT.search(reply.turn.text) \
                    and not any(x.turn_index == reply.turn_index and v == value for _, x, v, _ in found):
                continue
            kept.append((u, value, hedged))
        return kept
    return ctx.memo("fields.close_candidates", compute)


def _find_close_candidates(ctx: CallContext) -> list[tuple[int, Unit, dt.date, bool]]:
    units = ctx.units
    out: list[tuple[int, Unit, dt.date, bool]] = []
    guessed: set[tuple[int, dt.date]] = ctx.memo("fields.close_guessed", set)
    last_cue_turn = -99
    month_hint: int | None = None
    horizon = ctx.call_date + dt.timedelta(days=3 * 366)
    month_first = getattr(ctx.snapshot.Account, "BillingCountry", None) in ("US", "CA", "PH")
    crm_close = ctx.snapshot.Opportunity.CloseDate
    if crm_close is not None and not isinstance(crm_close, dt.date):
        try:
            crm_close = dt.date.fromisoformat(str(crm_close))
        except ValueError:
            crm_close = None
    for idx, u in enumerate(units):
        s = u.sentence
        m = CLOSE_CUE.search(s)
        cue = bool(m) and not re.search(r"\b(nda|baa|dpa|questionnaire)\b", s, re.I)
        named = NAMED_DAY.search(s) if cue and not FULL_MONTHS.isdisjoint(TOKENS.findall(s.lower())) else None
        if cue and WEAK_CUE.fullmatch(m.group(0)) and not any(WEAK_CUE.fullmatch(x.group(0)) is None for x in CLOSE_CUE.finditer(s)) \
                and u.turn_index - last_cue_turn > 2:
            cue = False  # "move it to Tuesday" is about the close only right after talk of signing
        if not cue and idx and units[idx - 1].turn_index == u.turn_index and SELF_CORRECTION.search(s) \
                and CLOSE_CUE.search(units[idx - 1].sentence):
            cue = True  # "Let's target signature for the 20th of March. Actually no, make it the 27th."
        if cue:
            last_cue_turn = u.turn_index
        in_window = u.turn_index - last_cue_turn <= 3
        if not cue and not in_window:
            continue
        if HYPOTHETICAL.search(s) and not cue or CONDITIONAL.search(s) or PAST_OR_OTHER.search(s):
            continue  # "If the board approves, we sign on the 3rd", "the last time we signed with them"
        bound = cue and BEFORE_THEN.search(s)  # "The office closes on the 23rd, and I want it signed before then."
        if cue and AFTER_SIGNING.search(s):
            continue  # the dates say when other things happen after signing
        keep = KEEP.search(s)
        if not keep and not _date_gate(s):
            continue
        if keep:
            out.append((idx, u, None, False))  # type: ignore[arg-type]  # "the close date stays at ..."
        prev = units[idx - 1].sentence if idx and units[idx - 1].turn_index == u.turn_index else ""
        question = s.rstrip().endswith("?")
        if question:
            nxt_turn = _next_turn_unit(ctx, idx)
            if nxt_turn is None or nxt_turn.turn.speaker == u.turn.speaker or not AFFIRM.search(nxt_turn.turn.text):
                continue
        if keep and not _date_gate(s):
            continue
        asked = None
        if not cue:  # the question this sentence answers: the last sentence of the turn before, by someone else
            asked = next((x for x in reversed(units[max(0, idx - 6):idx]) if x.turn_index < u.turn_index), None)
            if asked is not None and asked.turn.speaker == u.turn.speaker:
                asked = None
        hint_here = month_hint
        if named:  # "the 18th of December in our system for signature": a later bare "the 18th" is December's
            month_hint = MONTHS[(named.group(1) or named.group(2) or named.group(3)).lower()]
        for pos, value, phrase, kind in close_dates(s, ctx.call_date, hint_here, month_first):
            clause = _clause_at(s, pos)
            if bound and not CLOSE_CUE.search(clause):
                continue  # the date is a bound signing must come before (a holiday, an office closure), not the signature date
            if kind in ("relative", "day_only", "weekday_day", "numeric") and not cue and not question:
                continue  # weekdays and bare days count only in a sentence about signing
            if not cue and len(FILLER.findall(s[:pos] + " " + s[pos + len(phrase):])) > 6:
                continue  # near talk of signing, only a short answer is a signature date; a longer sentence is about something else
            if not cue and asked is not None and not CLOSE_CUE.search(asked.sentence) and NOT_CLOSE.search(asked.sentence):
                continue  # "And go-live?" - "The 1st of June.": the answer is about what was asked
            if RECORDED.search(clause if cue else s) and not CHANGE.search(s):
                continue  # the date already on record or planned before, read out
            if kind in ("relative", "weekday_day") and PAST_VERB.search(clause):
                continue
            if (value - ctx.call_date).days > 300 and re.search(r"\b(?:signed|was|were|had)\b", s[:pos], re.I) \
                    and not re.search(r"\b(?:will|'ll|going to|next year|20\d\d)\b", s, re.I):
                continue  # "I have it, signed on the twentieth of April": a past date, not one a year away
            if NOT_CLOSE.search(clause) or NEGATED.search(clause) or CONDITIONAL.search(clause) or STRONG_HEDGE.search(clause):
                continue
            if not cue and (NOT_CLOSE.search(s) or NOT_CLOSE.search(prev) and kind == "day_only"):
                continue
            if not cue and re.search(r"\b(board|committee|meeting|approv\w*|live|kick-?off)\b", prev, re.I):
                continue  # "The next one is the third of November" after "goes through the capex committee"
            if not (ctx.call_date < value <= horizon):
                continue
            if kind not in ("day_only", "weekday_day"):
                month_hint = value.month
            if kind in ("end_month", "end_rel_month", "end_q", "end_rel_q", "end_year") and crm_close is not None \
                    and (crm_close.year, crm_close.month) == (value.year, value.month) and 0 <= (value - crm_close).days <= 6:
                value = crm_close  # "end of October" for a CRM date of Friday the 30th confirms it
            if kind in ("day_only", "weekday_day") and hint_here is None:
                guessed.add((idx, value))  # "by the 15th" with no month said with signature: the month is our guess
            out.append((idx, u, value, bool(HEDGE.search(clause)) or bool(re.search(r"\bI'd say\b|\bprobably\b", clause, re.I))))
    return out


def signed_on_call(ctx: CallContext) -> tuple[Unit, dt.date] | None:
    """A deal signed on (or just before) the call: the close date is the signing date."""
    return ctx.memo("fields.signed", lambda: _find_signed(ctx))


def _find_signed(ctx: CallContext) -> tuple[Unit, dt.date] | None:
    pattern = STAGE_CUES[0][0]
    for i, u in enumerate(ctx.units):
        s = u.sentence
        m = pattern.search(s) if "sign" in s.lower() else None
        if not m or HYPOTHETICAL.search(s) or CONDITIONAL.search(s) or NOT_STAGE.search(s) or s.rstrip().endswith("?") \
                or not _won_here(ctx, i, m):
            continue
        if re.search(r"\byesterday\b", s, re.I):
            return u, ctx.call_date - dt.timedelta(days=1)
        day = re.search(r"\bsigned\b[^.!?]*?\b(?:on |last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", s, re.I)
        if day:  # "Klaus signed on Friday evening": the last such day before the call
            back = (ctx.call_date.weekday() - list(calendar.day_name).index(day.group(1).capitalize()) - 1) % 7 + 1
            return u, ctx.call_date - dt.timedelta(days=back)
        if re.search(r"\blast (?:week|month)|\b(?:days?|weeks?|months?) ago\b", s, re.I):
            return None  # signed earlier on a day we cannot pin down from this sentence
        return u, ctx.call_date  # "this morning", "twenty minutes ago"
    return None


def stated_close(ctx: CallContext) -> dt.date | None:
    """The signature date the call ends on, even when it equals CRM (for the NextStep line)."""
    if signed_on_call(ctx) is not None:
        return None
    candidates = _close_candidates(ctx)
    return candidates[-1][1] if candidates else None


def close_date(ctx: CallContext) -> list[ExtractedField]:
    signed = signed_on_call(ctx)
    if signed is not None:
        u, value = signed
        current = ctx.snapshot.Opportunity.CloseDate
        if current is not None and str(current) == value.isoformat():
            return []
        score = confidence("inferred", True, False, False)
        if _competition(ctx):
            score = _penalise(score)  # a rival spoken of on the call: whose signature it was is less certain
        return [ExtractedField(field="Opportunity.CloseDate", value=value, evidence=[evidence(u.turn, u.sentence)],
                               certainty="inferred", confidence=score)]
    candidates = _close_candidates(ctx)
    if not candidates or candidates[-1][1] is None:
        return []
    u, value, hedged = candidates[-1]
    current = ctx.snapshot.Opportunity.CloseDate
    if current is not None and (current.isoformat() if isinstance(current, dt.date) else str(current)) == value.isoformat():
        return []
    others = [x for x, v, _ in candidates if v == value and x.turn.speaker != u.turn.speaker]
    certainty = "explicit" if CLOSE_CUE.search(u.sentence) else "inferred"
    ev = [evidence(u.turn, u.sentence)]
    if others and others[-1].sentence != u.sentence:
        ev.append(evidence(others[-1].turn, others[-1].sentence))  # the other side saying the same date
    score = confidence(certainty, True, bool(others), hedged)
    if certainty == "explicit" and _loose_close(ctx, u, value):
        score = _penalise(score)
    return [ExtractedField(field="Opportunity.CloseDate", value=value, evidence=ev, certainty=certainty, confidence=score)]


def _penalise(score: float, by: float = PENALTY) -> float:
    return round(max(score - by, 0.05), 2)


def _loose_close(ctx: CallContext, u: Unit, value: dt.date) -> bool:
    """The signature talk and the date are only loosely tied: the cue is a weak one ("move it", "the paperwork"),
    or the date sits in a clause of its own that says something else ("The office closes on the 23rd, and I want
    it signed before then")."""
    s = u.sentence
    if all(WEAK_CUE.fullmatch(x.group(0)) for x in CLOSE_CUE.finditer(s)):
        return True
    guessed = ctx.memo("fields.close_guessed", set)
    if any(ctx.units[i] is u and v == value for i, v in guessed):
        return True  # a bare day whose month nobody said with signature
    month_first = getattr(ctx.snapshot.Account, "BillingCountry", None) in ("US", "CA", "PH")
    for pos, v, phrase, _ in close_dates(s, ctx.call_date, value.month, month_first):
        if v == value:
            clause = _clause_at(s, pos)
            return not CLOSE_CUE.search(clause) and len(FILLER.findall(clause.replace(phrase, " "))) > 3
    return False


# --------------------------------------------------------------------------------------------
# StageName
# --------------------------------------------------------------------------------------------

OTHER_PARTY = re.compile(r"\b(nda|baa|dpa|framework|another|other (?:vendor|provider)|competitor|with (?:them|[A-Z][a-zA-Z]+)\b)", re.I)
STAGE_CUES = [
    (re.compile(r"\b((?:i|we)(?:'ve| have)? (?:just |now |already )?signed (?:it|the (?:order form|contract|agreement|quote|proposal|offer)|your (?:order form|contract|agreement|quote|proposal|offer))|"
                r"you(?:'ve| have) signed(?! off| up)|"
                r"(?:it's|it is|it has been|the (?:order form|contract|agreement) (?:is|has been|was)) (?:now )?(?:counter)?signed(?! off| up)|"
                r"(?:we've|we have|i've|i have) countersigned|docusign (?:is )?(?:complete|done|signed)|"
                r"(?:contract|order form|agreement|paperwork)(?:'s| is| has been| was) (?:now |all |fully )?(?:counter)?signed(?! off| up)|"
                r"(?:our|my) (?:cfo|ceo|coo|cto|md|director|managing director|vp|boss|president|owner|founder) (?:has |just |already )*signed (?:it|the (?:order form|contract|agreement))|"
                r"(?-i:[A-Z][a-z]+) (?:has |just |already )*signed (?:it|the (?:order form|contract|agreement|docusign|envelope))(?= (?:on |last )?(?:this morning|yesterday|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)|"
                r"(?:we|i)(?:'ve| have) (?:now |just |already )?signed(?=\s*[.!]|\s+on our side)|(?:all|everything(?:'s| is)) signed(?! off| up)|"
                r"(?:i|we)(?:'ve| have)? (?:just |now |already )?signed the (?:docusign|envelope)|docusign (?:envelope )?(?:is |was )?completed?|"
                r"envelope (?:is |was )?completed|signed[^.!?]{0,40}\bwe(?:'re| are) (?:officially )?(?:your )?customers? now)\b", re.I), "Closed Won", "explicit"),
    (re.compile(r"\b(decided (?:to go )?with (?:another|a different|an other)|(?:went|going|go) with (?:another|a different) (?:vendor|provider|supplier|solution|tool|platform)|"
                r"signed (?:\w+ ){0,3}?with (?:another|a different|the other|an other|a competing) (?:vendor|provider|supplier|company|solution|tool|platform)|"
                r"chose (?:another|a different) (?:vendor|provider|supplier|solution)|not (?:going to )?(?:move|moving) forward with (?:you|your)|"
                r"(?:will not|won't|are not going to|aren't going to) go (?:ahead )?with (?:you|your (?:offer|proposal|solution|platform))|"
                r"(?:we've|we have) (?:selected|chosen) (?:another|a different)|"
                r"(?:we|they|the board|the committee|management)(?:'ve| have| has|'re| are)? (?:go|went|gone|decided to go|chose|chosen|picked|selected|signed|going) with (?P<rival>(?-i:[A-Z][a-zA-Z]+))|"
                r"(?:we|the board|the committee|management)(?:'ve| have| has)? (?:chose|chosen|selected|picked|awarded (?:it|the contract|the deal) to) (?P<named>(?-i:[A-Z][a-zA-Z]+))|"
                r"(?P<winner>(?-i:[A-Z][a-zA-Z]+)) (?:won|has won) (?:it|the deal|the contract|the business|the tender)|"
                r"we(?:'ve| have)? lost (?:this|it|the deal|the opportunity)(?! (?:deal )?(?:to|if|unless|when)\b)|(?:I am|I'm|I'll be) marking it (?:as )?(?:closed )?lost)\b", re.I),
     "Closed Lost", "explicit"),
    (re.compile(r"\b(redlines?|redlined|legal review|review (?:of )?(?:the|your) (?:msa|contract|agreement)|(?:revised|updated|new|draft|marked-up|redlined) msa|"
                r"(?:comments|markup|mark-up|changes) (?:on|to) (?:the|your|our) (?:msa|contract|agreement)|"
                r"negotiat\w+ (?:on |over |the |a |our |your )*(?:price|pricing|terms|discount|contract|agreement|deal|rate|order form|msa)|(?:price|pricing|commercial|contract) negotiation|"
                r"(?:revised|updated|final|new) order form|(?:revised|updated|sharpened|better) (?:quote|pricing|price|offer)|order form at|counter[- ]?offer|can you do [^.?!]{0,30}flat|meet (?:you )?in the middle|"
                r"can you (?:get|bring) (?:me|us|it|that) (?:down )?to|can you come down|that's my floor|(?:is|was) my floor|my floor (?:is|was|would be)|best and final|"
                r"(?:contract|agreement|msa|order form|terms)\b[^.?!]{0,60}\b(?:legal|counsel|lawyers)|(?:legal|counsel|lawyers)\b[^.?!]{0,60}\b(?:contract|agreement|msa|terms and conditions|t&cs|terms)\b)", re.I),
     "Negotiation/Review", "inferred"),
    (re.compile(r"\b((?:send|sending|sent|share|email|put together|prepare|draft|issue|submit)\s+(?:\w+\s+){0,3}?"
                r"(?:(?:a |the |our |your |an )?(?:formal |revised |updated |new |written |final |official )?(?:proposal|quote|pricing proposal)|"
                r"(?:a |the |our |your |an )(?:formal |revised |updated |new |written |final |official )?offer)|"
                r"formal (?:quote|offer|proposal)|revised proposal|updated quote|in the proposal)\b", re.I), "Proposal/Price Quote", "inferred"),
]
NOT_STAGE = re.compile(r"\b(not a quote|not in the proposal|if you (?:send|get)|if we (?:send|get)|before the proposal|"
                       r"before (?:any|a|an|the) (?:formal |written |official )?(?:proposal|quote|offer|contract)|not ready|too early|too soon|premature|no need for|"
                       r"don't|do not|won't|not (?:sending|going to send)|mark it as|if you mark)\b", re.I)


STAGE_WORDS = ("sign", "proposal", "quote", "offer", "order form", "pricing", "contract", "agreement", "msa", "legal", "counsel", "lawyer",
               "redline", "negotiat", "counter", "floor", "can you", "went", "going", "go with", "chose", "decided", "selected", "chosen",
               "move", "moving", "docusign", "meet", "final", "gone", "picked", "awarded", "won", "lost", "revised", "updated", "envelope")  # a sentence without one of these moves no stage (substring tests: cheap)
REQUEST = re.compile(r"^\W*(?:so\s+|and\s+)?(?:can|could|would|will) you\b", re.I)
LATER = re.compile(r"\b(once|as soon as|unless|assuming|when (?:we|you|it|they)|after (?:we|you|the|our|your|it)|until|down the line|later on|eventually|"
                   r"next (?:month|quarter|year)|in the new year)\b", re.I)
GENERIC = re.compile(r"\b(any (?:contract|agreement|proposal|quote)|at some point|usually|typically|always|in general|normally|every (?:contract|vendor))\b", re.I)
PENDING = re.compile(r"\b(once|as soon as|when|after|before|if|until|unless|assuming|by the time|ready)\b", re.I)
PAST_LONG = re.compile(r"\b(last (?:year|time|round)|previous(?:ly)?|in the past|used to|back then|years ago|for (?:the|our) (?:old|previous|last))\b", re.I)
# The quote, proposal or contract is someone else's: a competitor's, the incumbent's, the buyer's own internal case, a lease.
OTHER_DEAL = re.compile(r"\b(?:(?:their|competitor'?s?|incumbent'?s?|other vendor'?s?) (?:\w+ )?(?:proposal|quote|offer|contract|agreement|msa|pricing|terms)|"
                        r"(?:proposal|quote|offer|contract|agreement|msa|terms) (?:with|from) (?:them|another|the other|a different|(?-i:[A-Z][a-z]+))|"
                        r"(?:current|existing|old|previous) (?:contract|agreement|msa|vendor|provider|supplier)|competitor|another (?:vendor|provider|supplier)|"
                        r"internal(?:ly)?|business case|for (?:my|our) (?:cfo|ceo|coo|board|boss|management|director|committee|manager)|lease|landlord|"
                        r"(?-i:\b(?!(?:You|We|I)\b)(?:They|they|[A-Z][a-z]+)) (?:\w+ )?(?:sent|gave|emailed|offered|quoted|submitted) (?:us|me))\b", re.I)
# Legal and the contract named in a plan ("then Legal needs some weeks for the contract", "legal will have to see the
# agreement") is a later stage foreseen, not reached; a review under way says so ("redlines", "legal review", "is with legal").
LEGAL_PLAN = re.compile(r"\b(?:needs?|will|'ll|going to|then|have to|has to|would|later|eventually|at some point|takes?|goes to|go to|send (?:it )?to|sending (?:it )?to)\b", re.I)
REVISED_QUOTE = re.compile(r"(?:revised|updated|sharpened|better) (?:quote|pricing|price|offer)", re.I)
LEGAL_WORDS = re.compile(r"legal|counsel|lawyer|attorney|contract|agreement|msa|terms|t&cs", re.I)
UNDER_WAY = re.compile(r"\b(?:now|today|right away|this week|already|currently)\b", re.I)  # "I'll take the contract into legal review now"
ACTIVE_REVIEW = re.compile(r"redline|review|negotiat|comments|mark-?up|changes|counter|floor|final|order form at|meet", re.I)
# Not a loss but a pause: "not moving forward with you this year", "we're pausing for now"
PAUSE = re.compile(r"\b(?:for now|right now|at the moment|this (?:year|quarter|budget cycle)|at this (?:time|point|stage)|not now|not yet|revisit|"
                   r"paus\w+|on hold|next year|new year|come back (?:to (?:it|this|you) )?later|maybe later)\b", re.I)
# "the contract would then go through our legal team": how things would go, not where they are
WOULD = re.compile(r"\b(?:would|we'd|they'd|it'd|he'd|she'd)\b", re.I)
# A loss or a win that is only possible or expected, not done.
MAYBE = re.compile(r"\b(?:otherwise|or else|we'd|we would|would|might|may|could|consider\w*|thinking (?:about|of)|looking at|threat\w*|unless|if|risk)\b", re.I)
NOT_YET = re.compile(r"\b(?:hopefully|expect\w*|should|will|'ll|going to|next (?:week|month)|tomorrow|soon|by (?:the )?end|not yet|need\w*|want\w*|to get|get (?:it|this|everything)|have (?:it|everything))\b", re.I)
# What "it" was: a signed NDA or DPA is not the deal.
SIDE_DOC = re.compile(r"\b(?:nda|baa|dpa|questionnaire|sow|purchase order|po|pilot|trial|poc|letter)\b", re.I)
SIDE_REVIEW = re.compile(r"\b(?:nda|baa|dpa|dpia|questionnaire|security review|pen ?test|soc ?2|iso|toms?|pilot|trial|poc)\b", re.I)
DEAL_PAPER = re.compile(r"\b(?:order form|contract|agreement|msa|deal|quote|proposal|offer)\b", re.I)
PAST_OR_OTHER = re.compile(r"\b(last (?:year|time|month|round)|previous(?:ly)?|in the past|ago|used to|back then|for (?:the|our) (?:old|previous|last))\b", re.I)


def _rival(ctx: CallContext, name: str, i: int) -> bool:
    low = name.lower()
    if low in COMMON_CAPS or ctx.person(low):
        return False
    account = (getattr(ctx.snapshot.Account, "Name", "") or "").lower()
    email = (getattr(ctx.snapshot.call.rep, "email", None) or "").lower()
    vendor = email.split("@")[-1].split(".")[0] if "@" in email else ""
    if low in re.findall(r"[a-z]+", account) or vendor and (low in vendor or vendor in low):
        return False
    # a rival is spoken of as one: its price, quote, contract or signature named with it, or talked of just after
    # ("... they went with Sampra." - "What tipped it?" - "Mostly price. They came in at 410 thousand.")
    t = ctx.units[i].turn_index
    return any(RIVAL_TALK.search(u.sentence) for u in ctx.units[i + 1:i + 12] if u.turn_index <= t + 2) \
        or any(name in u.sentence and RIVAL_TALK.search(u.sentence) for u in ctx.units)


RIVAL_TALK = re.compile(r"\b(?:quote\w*|pric\w+|offer\w*|proposal|cheaper|vendor|provider|supplier|competitor|sign\w*|contract|deal|instead|"
                        r"came in|costs?|charg\w+)\b", re.I)


HOLD_OFF = re.compile(r"^\W*(?:no\b|nope|not yet|please don't|don't|hold off|let's not|not now|wait)|\b(?:hold off|not yet|don't send)\b", re.I)


def _affirmed(ctx: CallContext, i: int) -> bool:
    """A question the other side answers yes to at once."""
    u = ctx.units[i]
    if not u.sentence.rstrip().endswith("?"):
        return False
    reply = _next_turn_unit(ctx, i)
    return reply is not None and reply.turn.speaker != u.turn.speaker and reply.turn_index == u.turn_index + 1 \
        and bool(AFFIRM.search(reply.sentence)) and not HOLD_OFF.search(reply.sentence)


def _turned_down(ctx: CallContext, i: int) -> bool:
    u = ctx.units[i]
    reply = _next_turn_unit(ctx, i)
    return reply is not None and reply.turn.speaker != u.turn.speaker and reply.turn_index == u.turn_index + 1 \
        and bool(HOLD_OFF.search(reply.sentence))


def _won_here(ctx: CallContext, i: int, m: re.Match) -> bool:
    """A signature cue that says the deal is signed now: not pending, expected, someone else's, long past or a side paper."""
    s = ctx.units[i].sentence
    clause = next((c.group(0) for c in CLAUSE_SPLIT.finditer(s) if c.start() <= m.start() < c.end()), s)
    if PAST_LONG.search(s) or OTHER_PARTY.search(s) or PENDING.search(s[:m.start()]) or NOT_YET.search(clause) or _their_paper(ctx, s) \
            or _side_doc_signed(ctx, i, m.group(0)):
        return False
    # a loss said on the same call makes a bare "the contract's signed" the rival's contract; only a signature
    # that names our paper or us ("I signed your order form", "signed with you") is still a win
    return _loss_on_call(ctx) is None or bool(OUR_PAPER.search(s))


# "Their contract's signed", "Corvex's order form is signed": someone else's paper
THEIR_PAPER = re.compile(r"\b(?:their|(?!(?:That|It|What|There|Here|Everything|Everyone|Who|Which|This|He|She|Let)'s)(?P<owner>(?-i:[A-Z][a-zA-Z]+))'s) (?:\w+ )?(?:contract|order form|agreement|paperwork|deal)\b", re.I)


def _their_paper(ctx: CallContext, s: str) -> bool:
    """ "Their contract's signed", "Corvex's order form is signed": someone else's paper, unless the owner is the account."""
    m = THEIR_PAPER.search(s)
    if not m:
        return False
    owner = (m.group("owner") or "").lower()
    return not (owner and (owner in re.findall(r"[a-z]+", (getattr(ctx.snapshot.Account, "Name", "") or "").lower()) or ctx.person(owner)))
OUR_PAPER = re.compile(r"\b(?:your|the vendor's) (?:order form|contract|agreement|quote|proposal|offer)|\bsigned (?:\w+ ){0,3}?with (?:you|your)\b", re.I)


def _lost_here(ctx: CallContext, i: int, m: re.Match) -> bool:
    """A loss cue that says the buyer chose someone else: not us, the account or a person on the call, not a pause, not a threat."""
    s = ctx.units[i].sentence
    clause = next((c.group(0) for c in CLAUSE_SPLIT.finditer(s) if c.start() <= m.start() < c.end()), s)
    name = m.group("rival") or m.group("named") or m.group("winner")
    if name and not _rival(ctx, name, i):
        return False  # "we went with Fleetly" is a loss only when Fleetly is not us, the account or someone on the call
    nxt = _next_in_turn(ctx, i)
    if STILL_US.search(s) or STILL_US.search(nxt):
        return False  # "We've signed with Corvex for the hardware, and we want your software on top": another scope, not a loss
    return not (PAUSE.search(s) or PAUSE.search(nxt) or MAYBE.search(clause))


STILL_US = re.compile(r"\b(?:we (?:still |also )?(?:want|need|'d like|would like|'re keen on|are keen on) (?:you|your)|"
                      r"(?:you|your \w+) (?:would |will |could |can )?(?:sit|go|run|plug) (?:on top|alongside)|on top of (?:it|that|them)|"
                      r"alongside (?:you|your)|still (?:want|need|keen|interested)|(?:you're|you are) still in)\b", re.I)
LOSS_GATE = re.compile(r"with|chose|selected|picked|awarded|won\b|lost\b", re.I)


def _loss_on_call(ctx: CallContext) -> Unit | None:
    """The first sentence where the buyer says they chose someone else (same guards as the stage rule)."""
    def compute():
        pattern = STAGE_CUES[1][0]
        for i, u in enumerate(ctx.units):
            s = u.sentence
            m = pattern.search(s) if LOSS_GATE.search(s) else None  # a cheap gate: the words every loss phrase has
            if not m or HYPOTHETICAL.search(s) or CONDITIONAL.search(s) or NOT_STAGE.search(s) or s.rstrip().endswith("?") \
                    or PAST_OR_OTHER.search(s):
                continue
            if _lost_here(ctx, i, m):
                return u
        return None
    return ctx.memo("fields.lost", compute)


PAUSED = re.compile(r"\b(?:it|this|that|everything|(?:the|our) (?:deal|project|proposal|opportunity|evaluation|purchase|decision|rollout|budget)|"
                    r"(?:all )?(?:new )?(?:vendor |software )?(?:commitments|purchases|projects|contracts|spending))"
                    r"\s*(?:is|are|['’]s|['’]re|remains?|stays?)\s+(?:now\s+|currently\s+|officially\s+|all\s+|just\s+)?(?:paused|frozen|on hold|on ice)\b|"
                    r"\b(?:put|placed)\s+(?:a|the)\s+(?:freeze|hold)\s+on\b|\b(?:spending|budget|procurement|purchasing)\s+freeze\b", re.I)
NOT_PAUSED = re.compile(r"\b(?:not|no longer|isn['’]t|aren['’]t|wasn['’]t|never|if|unless|whether|might|could|would)\b", re.I)


def paused_on_call(ctx: CallContext) -> Unit | None:
    """The buyer saying the deal is paused ("It's paused.", "everything is frozen until he finishes", "the board has put a
    freeze on any new contracts", "we've got a spending freeze"): not lost, but nothing to date or to track until it lifts."""
    def compute():
        for u in ctx.units:
            s = u.sentence
            m = PAUSED.search(s) if any(k in s.lower() for k in ("paus", "froz", "hold", "ice", "freeze")) else None
            if m and not s.rstrip().endswith("?") and not NOT_PAUSED.search(s[:m.start()]) and not HYPOTHETICAL.search(s):
                return u
        return None
    return ctx.memo("fields.paused", compute)


def _next_in_turn(ctx: CallContext, i: int) -> str:
    units = ctx.units
    return units[i + 1].sentence if i + 1 < len(units) and units[i + 1].turn_index == units[i].turn_index else ""


def _side_doc_signed(ctx: CallContext, i: int, said: str) -> bool:
    """ "Did the NDA come through?" - "Yes, I've signed it": "it" is the last paper named in the two sentences before."""
    if DEAL_PAPER.search(said) or not re.search(r"\b(?:it|it's|it is)\b", said, re.I):
        return False
    here = ctx.units[i].sentence
    texts = [ctx.units[j].sentence for j in range(max(0, i - 2), i)] + [here[:max(0, here.lower().find(said.lower()))]]
    for text in reversed(texts):
        side, deal = SIDE_DOC.search(text), DEAL_PAPER.search(text)
        if side or deal:
            return bool(side) and not deal
    return False


def stage(ctx: CallContext) -> list[ExtractedField]:
    name = ctx.snapshot.Opportunity.StageName
    current = STAGES.index(name) if name in STAGES else -1
    found = None
    speakers: dict[str, set[str]] = {}
    for i, u in enumerate(ctx.units):
        s = u.sentence
        low = s.lower()
        if not any(w in low for w in STAGE_WORDS):
            continue
        checked = False
        for pattern, value, certainty in STAGE_CUES:
            m = pattern.search(s)
            if not m:
                continue
            if value == "Negotiation/Review" and REVISED_QUOTE.fullmatch(m.group(0)) and current < STAGES.index("Proposal/Price Quote"):
                value = "Proposal/Price Quote"  # an updated quote revises the proposal stage only once a quote was out
            if value != "Closed Lost" and STAGES.index(value) <= current or value == "Closed Lost" and name == "Closed Lost":
                break  # no later stage than CRM's (cheap, so first; later patterns are earlier stages)
            if not checked:
                request = bool(REQUEST.match(s)) or _affirmed(ctx, i)  # "Can you send us a quote?", "Shall I send a quote?" - "Yes, please."
                if HYPOTHETICAL.search(s) or CONDITIONAL.search(s) or NOT_STAGE.search(s) or s.rstrip().endswith("?") and not request:
                    break
                checked = True
            if value == "Closed Won" and not _won_here(ctx, i, m):
                continue  # "hopefully it's signed next week", "I've signed it" (the NDA), "we signed it last year"
            if value != "Closed Won" and PAST_OR_OTHER.search(s):
                continue  # "you sent us a proposal two years ago", "the last time we signed"
            clause = next((c.group(0) for c in CLAUSE_SPLIT.finditer(s) if c.start() <= m.start() < c.end()), s)
            if value == "Closed Lost" and not _lost_here(ctx, i, m):
                continue  # "we went with Fleetly" (us), "not moving forward with you this year", "otherwise we'd go with another supplier"
            if value == "Negotiation/Review" and LEGAL_WORDS.search(m.group(0)) and (
                    LEGAL_PLAN.search(clause) and not (ACTIVE_REVIEW.search(m.group(0)) or UNDER_WAY.search(clause))
                    or re.search(r"\b(?:if|unless|once|when)\b", clause + " " + m.group(0), re.I)):
                continue  # "then Legal needs some weeks for the contract", "our agreement, and if your legal doesn't fight":
                # legal named in a plan or a condition, not a review under way
            if value == "Negotiation/Review" and SIDE_REVIEW.search(s) and not DEAL_PAPER.search(s):
                continue  # legal reviewing the NDA, the DPA or a security questionnaire is not the contract
            if value == "Proposal/Price Quote" and _turned_down(ctx, i):
                continue  # "I'll send you a proposal by Friday." - "Please hold off, not yet."
            if value in ("Proposal/Price Quote", "Negotiation/Review") and (LATER.search(s) or GENERIC.search(s) or OTHER_DEAL.search(s) or WOULD.search(s) and not REQUEST.match(s) or _third_party(ctx, s)):
                continue  # "a proposal once we've done the workshop", "legal will review any contract eventually", "they sent us a quote"
            if s.rstrip().endswith("?") and value != "Proposal/Price Quote":
                continue
            rank = 99 if value == "Closed Lost" else STAGES.index(value)
            speakers.setdefault(value, set()).add(u.turn.speaker)
            # the latest proposal/contract cue (recaps are clearest); the first words of a win or loss
            if found is None or rank > found[3] or rank == found[3] and value not in ("Closed Won", "Closed Lost"):
                found = (u, value, certainty, rank)
            break
    if found is None:
        return []
    u, value, certainty, _ = found
    agree = len(speakers.get(value, ())) > 1  # both sides speak of the quote, the contract review, the signature
    score = confidence(certainty, True, agree, bool(HEDGE.search(u.sentence)))
    if value == "Closed Won" and _competition(ctx):
        score = _penalise(score)  # a rival spoken of on the call: "it's signed" may be the rival's paper
    if value in ("Negotiation/Review", "Closed Won") and 0 <= current < STAGES.index("Proposal/Price Quote"):
        score = _penalise(score)  # skipping the quote stage: the evidence says more than the deal's history does
    return [ExtractedField(field="Opportunity.StageName", value=value, evidence=[evidence(u.turn, u.sentence)], certainty=certainty,
                           confidence=score)]


COMPETITION = re.compile(r"\b(?:competitors?|competition|competing|another (?:vendor|provider|supplier|bidder)|the other (?:vendor|provider|supplier|bidder)s?|"
                         r"incumbent|their (?:price|pricing|quote|offer|contract|proposal)|came in (?:at|cheaper|lower)|cheaper)\b", re.I)


def _competition(ctx: CallContext) -> bool:
    """A rival is spoken of somewhere on the call (its price, its contract, a competing bid)."""
    return ctx.memo("fields.competition", lambda: any(COMPETITION.search(u.sentence) for u in ctx.units))
