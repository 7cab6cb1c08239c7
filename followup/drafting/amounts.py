"""Money said on a call: "$152K", "120k", "72,000", "seventy-two thousand", "one eighty-five",
"one seventy-two five", "ninety-two and a half thousand", "fifty-two five a year", "a hundred and twenty grand", "1.2 million".

``find_amounts`` only finds figures; whether a figure is the deal's annual value is decided by
``followup.drafting.fields`` from the words around it.
"""
from __future__ import annotations

import re
from functools import lru_cache

UNITS = {"zero": 0, "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALE = {"k": 1_000, "thousand": 1_000, "grand": 1_000, "m": 1_000_000, "million": 1_000_000, "mil": 1_000_000}

_DIGIT = "one|two|three|four|five|six|seven|eight|nine"
_TEEN = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS = "|".join(TENS)
SUB100 = rf"(?:(?:{_TENS})(?:[\s-](?:{_DIGIT}))?|{_TEEN}|{_DIGIT})"
SUB1000 = rf"(?:(?:a|{_DIGIT})[\s-]hundred(?:[\s-](?:and[\s-])?{SUB100})?|{SUB100})"
HUNDREDS = rf"(?:(?:a|{_DIGIT})[\s-]hundred(?:[\s-](?:and[\s-])?{SUB100})?)"
ANNUAL_AHEAD = r"(?=,?\s+(?:a|per|each|every)\s+year\b|,?\s+annually\b|,?\s+per\s+annum\b|\s*k\b)"

NUMERIC = re.compile(r"([$€£]|\b(?:USD|EUR|GBP|CAD|AUD|CHF)\s?)?(\d{1,3}(?:[,.]\d{3})+|\d+(?:\.\d+)?)\s?(k|m|thousand|grand|million)?\b", re.I)
# "two hundred and ten thousand", "fifty-two thousand five hundred", "a hundred and twenty grand"
WORDS = re.compile(rf"\b({SUB1000})[\s-]+(?:(and[\s-]+a[\s-]+half)[\s-]+)?(thousand|grand|million|k)\b(?:[\s-]+(?:and[\s-]+)?({HUNDREDS}))?", re.I)
# "one million three hundred and twenty thousand", "three million nine hundred and sixty thousand"
MILLIONS = re.compile(rf"\b({SUB1000})[\s-]+million(?:,?[\s-]+(?:and[\s-]+)?({SUB1000})[\s-]+thousand)?(?:[\s-]+(?:and[\s-]+)?({HUNDREDS}))?\b", re.I)
# "one point three two (million)": the digits after "point" said one by one
_POINT_DIGIT = f"zero|oh|{_DIGIT}"
POINT = re.compile(rf"\b({_DIGIT}|{_TEEN})[\s-]+point((?:[\s-]+(?:{_POINT_DIGIT})){{1,3}})\b(?:[\s-]+(million|m)\b)?", re.I)


def point_value(m: re.Match) -> float:
    """ "one point three two" -> 1.32."""
    digits = "".join(str(UNITS.get(w, 0)) for w in re.split(r"[\s-]+", m.group(2).lower().strip(" -")) if w)
    return float(f"{words_value(m.group(1))}.{digits}")


# "one eighty-five", "one seventy-two five" (hundreds of thousands said as digits)
SHORTHAND = re.compile(rf"\b({_DIGIT})[\s-]({_TENS})(?:[\s-]({_DIGIT}))?(?:[\s-]({_DIGIT})\b{ANNUAL_AHEAD})?\b", re.I)
# "fifty-two five a year" = 52,500 (only when a yearly word or "k" follows)
TENS_HALF = re.compile(rf"\b({_TENS})[\s-]({_DIGIT})[\s-]({_DIGIT})\b{ANNUAL_AHEAD}", re.I)


def words_value(words: str) -> int | None:
    """Value of a spoken number under a million: "two hundred and ten" -> 210."""
    current = 0
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and" or not w:
            continue
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        else:
            return None
    return current or None


_words_value = words_value  # kept for callers of the earlier private name


def find_amounts(text: str) -> list[tuple[float, str]]:
    """(value, phrase) for every money-like figure, in order of appearance; bare numbers under
    1,000 without a scale, years, and long digit strings without a currency, separator or scale
    (phone numbers, post codes, standard numbers) are ignored."""
    return [(v, p) for _, v, p in find_amount_spans(text)]


# Cheap gate: a sentence with no digit, scale word or tens word holds no figure.
GATE = re.compile(rf"\d|\b(?:thousand|grand|million|k|point|{_TENS})\b", re.I)


def find_amount_spans(text: str) -> list[tuple[int, float, str]]:
    """(position, value, phrase) for every figure in ``text``, in order of appearance."""
    if not GATE.search(text):
        return []
    return list(_spans(text))


# "two hundred thousand claims a year", "120,000 parcels": a figure followed by a plural noun counts things, not money
NEXT_WORD = re.compile(r"[\s-]*([a-z]+)\b", re.I)
IRREGULAR_COUNTS = {"people", "staff", "personnel", "children", "men", "women"}
NOT_COUNT = {"euros", "dollars", "pounds", "francs", "bucks", "quid", "is", "was", "has", "as", "plus", "less", "its", "this", "thus", "us",
             "yes", "across", "unless", "always", "perhaps", "towards", "besides", "regardless", "afterwards", "minus", "tops", "thanks"}


def counts_things(text: str, end: int) -> bool:
    """True when the figure ending at ``end`` is followed by a plural noun ("200,000 claims", "40k users"): a count, not money.
    ``find_amounts`` still returns such figures (other callers read spoken numbers with it); the deal amount skips them."""
    m = NEXT_WORD.match(text, end)
    if not m:
        return False
    word = m.group(1).lower()
    return word in IRREGULAR_COUNTS or len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word not in NOT_COUNT


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, float, str], ...]:
    out: list[tuple[int, float, str]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    for m in MILLIONS.finditer(text):
        base = words_value(m.group(1))
        if base and (m.group(2) or m.group(3)):
            value = base * 1_000_000 + (words_value(m.group(2) or "") or 0) * 1000 + (words_value(m.group(3) or "") or 0)
            out.append((m.start(), float(value), m.group(0)))
            taken.append((m.start(), m.end()))
    for m in POINT.finditer(text):
        if m.group(3) and free(m.start(), m.end()):
            out.append((m.start(), round(point_value(m) * 1_000_000, 2), m.group(0)))
            taken.append((m.start(), m.end()))
    for m in WORDS.finditer(text):
        base = words_value(m.group(1))
        if base and free(m.start(), m.end()):
            rest = words_value(m.group(4)) if m.group(4) else 0
            half = 0.5 if m.group(2) else 0  # "ninety-two and a half thousand"
            out.append((m.start(), float((base + half) * SCALE[m.group(3).lower()] + (rest or 0)), m.group(0)))
            taken.append((m.start(), m.end()))
    for m in SHORTHAND.finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = UNITS[m.group(1).lower()] * 100 + TENS[m.group(2).lower()] + (UNITS[m.group(3).lower()] if m.group(3) else 0)
        extra = UNITS[m.group(4).lower()] * 100 if m.group(4) else 0
        out.append((m.start(), float(value * 1000 + extra), m.group(0)))
        taken.append((m.start(), m.end()))
    for m in TENS_HALF.finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = (TENS[m.group(1).lower()] + UNITS[m.group(2).lower()]) * 1000 + UNITS[m.group(3).lower()] * 100
        out.append((m.start(), float(value), m.group(0)))
        taken.append((m.start(), m.end()))
    for m in NUMERIC.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "-/:"):
            continue  # part of a code, an id, a phone number or a time
        digits, currency, scale = m.group(2), m.group(1), (m.group(3) or "").lower()
        raw = digits.replace(",", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            raw = digits.replace(".", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        if scale:
            value *= SCALE[scale]
        elif value < 1000 or not currency and value < 10000:
            continue
        elif not currency and re.fullmatch(r"\d+", digits):
            continue  # 62443, 69001, 900461: a standard, a post code, a phone number
        if 1900 <= value <= 2100 and not scale and not currency:
            continue  # a year
        out.append((m.start(), value, m.group(0).strip()))
        taken.append((m.start(), m.end()))
    return tuple(sorted(out))
