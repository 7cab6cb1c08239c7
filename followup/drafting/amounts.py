"""Money said on a call: "$152K", "120k", "72,000", "seventy-two thousand", "one eighty-five",
"a hundred and twenty grand", "1.2 million"."""
from __future__ import annotations

import re

UNITS = {"zero": 0, "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALE = {"k": 1_000, "thousand": 1_000, "grand": 1_000, "m": 1_000_000, "million": 1_000_000, "mil": 1_000_000}
WORD = "|".join([*UNITS, *TENS, "hundred", "and"])
TRAIL = "|".join([*(u for u in UNITS if u != "a"), *TENS])
NUMERIC = re.compile(r"[$€£]?\s?(\d{1,3}(?:[,.]\d{3})+|\d+(?:\.\d+)?)\s?(k|m|thousand|grand|million)?\b", re.I)
WORDS = re.compile(rf"\b((?:(?:{WORD})[\s-]+)*(?:{WORD}))[\s-]+(thousand|grand|million|k)(?:[\s-]+(?:and[\s-]+)?((?:(?:{WORD})[\s-]+)*hundred(?:[\s-]+(?:and[\s-]+)?(?:{TRAIL}))*))?\b", re.I)
SHORTHAND = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine)[\s-](twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](one|two|three|four|five|six|seven|eight|nine))?\b", re.I)


def _words_value(words: str) -> int | None:
    total, current = 0, 0
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
    return total + current or None


def find_amounts(text: str) -> list[tuple[float, str]]:
    """(value, phrase) for every money-like figure; bare numbers under 1,000 without a scale are ignored."""
    out: list[tuple[int, float, str]] = []
    taken: list[tuple[int, int]] = []
    for m in WORDS.finditer(text):
        base = _words_value(m.group(1))
        if base:
            rest = _words_value(m.group(3)) if m.group(3) else 0
            out.append((m.start(), float(base * SCALE[m.group(2).lower()] + (rest or 0)), m.group(0)))
            taken.append((m.start(), m.end()))
    for m in SHORTHAND.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        value = UNITS[m.group(1).lower()] * 100 + TENS[m.group(2).lower()] + (UNITS[m.group(3).lower()] if m.group(3) else 0)
        out.append((m.start(), float(value * 1000), m.group(0)))
        taken.append((m.start(), m.end()))
    for m in NUMERIC.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        raw = m.group(1).replace(",", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", m.group(1)):
            raw = m.group(1).replace(".", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = (m.group(2) or "").lower()
        if scale:
            value *= SCALE[scale]
        elif value < 1000 or not m.group(0).strip()[0] in "$€£" and value < 10000:
            continue
        if 1900 <= value <= 2100 and not scale and m.group(0).strip()[0] not in "$€£":
            continue  # a year
        out.append((m.start(), value, m.group(0).strip()))
    return [(v, p) for _, v, p in sorted(out)]
