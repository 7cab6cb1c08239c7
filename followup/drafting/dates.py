"""Resolve dates said on a call against the call date (conventions of the labelled call sets).

"Friday" is the coming Friday; "two weeks from Monday", "a week today" count whole weeks from that day; "in ten days"; "next Wednesday" / "Wednesday next week" the Wednesday of the
following week; "end of next week" the Friday of the following week; "this week"/"end of the week" the coming Friday; "Thursday week", "a week on
Friday" and "the Friday after next"/"the following Friday" a week after the coming one; "a fortnight"
14 days; "EOD"/"close of play"/"today"/"tonight"/"right after this call" the call date; "end of the
month/quarter"; "mid-September" the 15th. Explicit dates ("December 12th", "12 March", "the
twenty-fourth of March", "June second", "Friday the twenty-fourth", "by the twenty-first",
"2026-01-30", "Tue 5.5." in typed notes) take the next occurrence. "tomorrow's demo" names a thing, not a due date.
Holidays mentioned on a call ("Monday is Easter Monday") shift a date that falls on them.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_RE = "|".join(WEEKDAYS)
ORD = r"(\d{1,2})(?:st|nd|rd|th)?"

_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
WORD_ORDINALS: dict[str, int] = {w: i + 1 for i, w in enumerate(_UNITS)}
WORD_ORDINALS.update({"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
                      "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
                      "twentieth": 20, "thirtieth": 30})
for _i, _w in enumerate(_UNITS):
    WORD_ORDINALS[f"twenty-{_w}"] = 21 + _i
    WORD_ORDINALS[f"twenty {_w}"] = 21 + _i
WORD_ORDINALS["thirty-first"] = WORD_ORDINALS["thirty first"] = 31
WORD_ORD_RE = "|".join(sorted((re.escape(w) for w in WORD_ORDINALS), key=len, reverse=True))
# a day of the month said as a number with a suffix or as a word: "24th", "twenty-fourth"
DAY_ORD = rf"(\d{{1,2}}(?:st|nd|rd|th)|{WORD_ORD_RE})"
# nouns after an ordinal that make it not a date ("the first week", "the second half")
NOT_DAY_NOUN = (r"(?!\s+(?:week|weeks|time|times|thing|things|one|ones|item|items|quarter|half|phase|year|years|"
                r"month|months|day|days|call|round|floor|option|point|question|step|page|site|sites|line|plant|"
                r"version|part|meeting|board|draft|person|people|place|tier|row|rows|batch|of\s+(?:all|the|them|these|those)))")

PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    # "by Tue 5.5.", "from 30.6. to 29.5." (day.month. in notes written in Europe); not "version 4.5." or "2.5k"
    (re.compile(r"\b(?:by|on|from|to|until|till|before|after|due|said|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
                r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\s+(\d{1,2})\.(\d{1,2})\.(?![\d\w])", re.I), "day_dot_month"),
    (re.compile(rf"\b(?:EOD|COB|end of (?:the )?(?:day|business)|close of (?:play|business))\s+(?:on\s+)?({DAY_RE})\b", re.I), "day"),
    (re.compile(r"\b(?:EOD|COB|end of (?:the )?(?:day|business)|(?:close|end) of (?:play|business))\s+(?:on\s+)?tomorrow\b", re.I), "tomorrow"),
    (re.compile(rf"\b(a|one|two|three|four|\d) weeks? (?:from|after|on) (today|tomorrow|{DAY_RE})\b|"
                rf"\b(a|one|two|three|four|\d) weeks? (today|tomorrow)\b", re.I), "week_from"),
    (re.compile(rf"\b(?:the )?({DAY_RE}) after next\b", re.I), "day_after_next"),
    (re.compile(r"\bthe day after tomorrow\b", re.I), "day_after_tomorrow"),
    (re.compile(r"\b(?:same time|this time) next week\b", re.I), "week_from_today"),
    (re.compile(r"\bwithin (?:24|twenty-four) hours\b", re.I), "tomorrow"),
    (re.compile(r"\b(?:within (?:48|forty-eight) hours|in (?:a couple of|two) days|in the next (?:day or two|couple of days))\b", re.I), "two_days"),
    (re.compile(r"\bend of next month\b", re.I), "end_next_month"),
    (re.compile(rf"\bend of play\s+(?:on\s+)?({DAY_RE})\b", re.I), "day"),
    (re.compile(rf"\b({MONTH_RE})\.?\s+(?:the\s+)?{DAY_ORD}(?![\w-])", re.I), "month_wordday"),
    (re.compile(rf"\b({MONTH_RE})\.?\s+(?:the\s+)?{ORD}\b(?!\s*(?:%|k\b|thousand|million))", re.I), "month_day"),
    (re.compile(rf"\b(?:the\s+)?{DAY_ORD}\s+(?:of\s+)?({MONTH_RE})\b", re.I), "wordday_month"),
    (re.compile(rf"\b(?:the\s+)?{ORD}\s+(?:of\s+)?({MONTH_RE})\b", re.I), "day_month"),
    (re.compile(rf"\b({DAY_RE}),?\s+(?:the\s+)?{DAY_ORD}\s+(?:of\s+)?({MONTH_RE})\b", re.I), "weekday_wordday_month"),
    (re.compile(rf"\b({DAY_RE}),?\s+(?:the\s+)?{ORD}\s+(?:of\s+)?({MONTH_RE})\b", re.I), "weekday_day_month"),
    (re.compile(rf"\b({DAY_RE}),?\s+({MONTH_RE})\.?\s+(?:the\s+)?{DAY_ORD}(?![\w-])", re.I), "weekday_month_wordday"),
    (re.compile(rf"\b({DAY_RE}),?\s+({MONTH_RE})\.?\s+(?:the\s+)?{ORD}\b", re.I), "weekday_month_day"),
    (re.compile(rf"\bmid[- ]({MONTH_RE})\b", re.I), "mid_month"),
    (re.compile(rf"\bend of ({MONTH_RE})\b", re.I), "end_named_month"),
    (re.compile(r"\bend of next week\b", re.I), "end_next_week"),
    (re.compile(r"\bend of (?:the |this )?week\b|\b(?:later |sometime |some time )?this week\b(?!['’]s)", re.I), "end_week"),
    (re.compile(rf"\b({DAY_RE}),?\s+(?:the\s+)?{DAY_ORD}(?![\w-])", re.I), "weekday_ord"),
    (re.compile(rf"\b({DAY_RE}),?\s+(?:the\s+)?(\d{{1,2}})\b(?!\s*(?:am|pm|:|o'clock|\.\d|eastern|pacific|central|mountain|[ECMP][SD]?T\b|GMT|BST|CET|CEST|UTC))", re.I), "weekday_num"),
    (re.compile(rf"\b({DAY_RE}) next week\b", re.I), "next_day"),
    (re.compile(rf"\b({DAY_RE}) week\b", re.I), "day_week"),
    (re.compile(rf"\b(?:the )?following ({DAY_RE})\b", re.I), "day_after_next"),
    (re.compile(rf"\b(?:a week on|the) ({DAY_RE})(?: after next)?\b", re.I), "day_after_next"),
    (re.compile(rf"\bnext ({DAY_RE})\b", re.I), "next_day"),
    (re.compile(rf"\b(?:this |on |by |until )?({DAY_RE})\b(?!'s)", re.I), "day"),
    (re.compile(rf"\b(?:by|on|until|till|before|for|from|after)\s+the\s+{DAY_ORD}(?![\w-]){NOT_DAY_NOUN}", re.I), "bare_ord"),
    (re.compile(rf"\bthe\s+(\d{{1,2}}(?:st|nd|rd|th)|{WORD_ORD_RE})(?![\w-]){NOT_DAY_NOUN}(?=\s*(?:[.,?!;]|$|at\b|is\b|works\b|then\b|and\b|it is\b))", re.I), "bare_ord_weak"),
    (re.compile(r"\b(?:in )?a fortnight\b|\bin two weeks\b", re.I), "fortnight"),
    (re.compile(r"\bin (a|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}) (days?|weeks?)(?:['’] time)?\b", re.I), "in_n"),
    (re.compile(r"\btomorrow\b(?!'s)", re.I), "tomorrow"),
    (re.compile(r"\b(?:today|tonight|EOD|COB|end of (?:the )?(?:day|business)|(?:close of (?:play|business)|end of play)(?:\s+today)?|this (?:afternoon|evening|arvo)|"
                r"later today|within the hour|in the next hour|in an hour(?:['’]s time)?|(?:right |straight |directly )?after (?:this|the|our) call|in the next (?:few|couple of|\w+|\d+) (?:minutes|hours))\b(?!'s)", re.I), "today"),
    (re.compile(r"\bend of (?:the |this )?month\b", re.I), "end_month"),
    (re.compile(r"\bend of (?:the )?(?:quarter|Q([1-4]))\b", re.I), "end_quarter"),
]


ADJ_ORD = re.compile(r"(?:first|second|third)$", re.I)
NOUN_AFTER = re.compile(r"\s+(?!(?:of|and|or|at|is|then|works|latest|please|if|so|would|will|should|could|when|which|that|"
                        r"for|to|in|on|we|you|it|they|he|she|but|was|as|with|from|by|too|instead|works|suits|okay|ok|"
                        r"morning|afternoon|evening|latest|already|anyway|fine|perhaps|maybe|again)\b)[a-z]{3,}\b")
EXPLICIT_KINDS = {"iso", "day_dot_month", "month_day", "month_wordday", "day_month", "wordday_month", "weekday_ord", "weekday_num",
                  "bare_ord", "bare_ord_weak", "weekday_wordday_month", "weekday_day_month",
                  "weekday_month_wordday", "weekday_month_day"}
RESTATE = re.compile(r"[\s,;:-]*(?:so\s+|that's\s+|that is\s+|i\.e\.\s+)?(?:on\s+|by\s+)?", re.I)


def _next_weekday(base: dt.date, weekday: int, strictly_after: bool = True) -> dt.date:
    days = (weekday - base.weekday()) % 7
    if days == 0 and strictly_after:
        days = 7
    return base + dt.timedelta(days=days)


def _explicit(year_base: dt.date, month: int, day: int) -> dt.date | None:
    for year in (year_base.year, year_base.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            return None
        if candidate >= year_base - dt.timedelta(days=31):
            return candidate
    return None


def _day_number(token: str) -> int:
    token = token.lower()
    if token in WORD_ORDINALS:
        return WORD_ORDINALS[token]
    return int(re.match(r"\d+", token).group(0))


def _day_of_month(base: dt.date, day: int, weekday: int | None = None) -> dt.date | None:
    """The next date (on or after ``base``) with this day of the month, matching ``weekday`` when possible."""
    if not 1 <= day <= 31:
        return None
    candidates = []
    year, month = base.year, base.month
    for _ in range(4):
        try:
            d = dt.date(year, month, day)
            if d >= base:
                candidates.append(d)
        except ValueError:
            pass
        month += 1
        if month > 12:
            year, month = year + 1, 1
    if not candidates:
        return None
    if weekday is not None:
        for d in candidates[:3]:
            if d.weekday() == weekday:
                return d
    return candidates[0]


def find_dates(text: str, call_date: dt.date) -> list[tuple[dt.date, str]]:
    """All dates in ``text`` with the phrase that gave each, in order of appearance."""
    return [(d, phrase) for _, _, d, phrase in find_date_spans(text, call_date)]


# cheap pre-check: text with none of these cannot hold a date phrase
DATE_HINT = re.compile(r"\d|day|week|month|tomorrow|tonight|eod|cob|close of|fortnight|quarter|mid|end of|call|minute|hour|"
                       r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|first|second|third|th\b|afternoon|evening|arvo")


def find_date_spans(text: str, call_date: dt.date) -> list[tuple[int, int, dt.date, str]]:
    """Like ``find_dates`` with the character span of each phrase: (start, end, date, phrase)."""
    if not DATE_HINT.search(text.lower()):
        return []
    return list(_find_date_spans(text, call_date))


@lru_cache(maxsize=8192)
def _find_date_spans(text: str, call_date: dt.date) -> tuple[tuple[int, int, dt.date, str], ...]:
    found: list[tuple[int, int, dt.date, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _resolve(kind, m, call_date)
            if value is not None:
                taken.append((m.start(), m.end()))
                found.append((m.start(), m.end(), value, m.group(0).strip(" ,"), kind))
    found.sort(key=lambda x: x[0])
    out: list[tuple[int, int, dt.date, str]] = []
    for i, (start, end, value, phrase, kind) in enumerate(found):
        nxt = found[i + 1] if i + 1 < len(found) else None
        if (kind not in EXPLICIT_KINDS and nxt is not None and nxt[4] in EXPLICIT_KINDS
                and RESTATE.fullmatch(text[end:nxt[0]])):
            continue  # "next Wednesday, the first of July": the explicit restatement wins
        out.append((start, end, value, phrase))
    return tuple(out)


def _resolve(kind: str, m: re.Match, base: dt.date) -> dt.date | None:
    if kind == "iso":
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if kind == "day_dot_month":
        day, month = int(m.group(1)), int(m.group(2))
        return _explicit(base, month, day) if 1 <= day <= 31 and 1 <= month <= 12 else None
    if kind in ("month_day", "month_wordday"):
        if m.group(1) == "may" or m.group(1).lower() in ("mar", "jan", "sun", "sat") and m.group(1).islower():
            return None  # "may", "mar" are words, not months, when written in lower case
        day = _day_number(m.group(2))
        return _explicit(base, MONTHS[m.group(1).lower()], day) if 1 <= day <= 31 else None
    if kind in ("day_month", "wordday_month"):
        month = m.group(2)
        if month == "may" or month.lower() in ("mar", "jan") and month.islower():
            return None
        day = _day_number(m.group(1))
        return _explicit(base, MONTHS[month.lower()], day) if 1 <= day <= 31 else None
    if kind == "mid_month":
        return _explicit(base, MONTHS[m.group(1).lower()], 15)
    if kind == "end_named_month":
        month = MONTHS[m.group(1).lower()]
        return _explicit(base, month, calendar.monthrange(base.year, month)[1])
    if kind in ("weekday_wordday_month", "weekday_day_month"):
        return _explicit(base, MONTHS[m.group(3).lower()], _day_number(m.group(2)))
    if kind in ("weekday_month_wordday", "weekday_month_day"):
        return _explicit(base, MONTHS[m.group(2).lower()], _day_number(m.group(3)))
    if kind in ("weekday_ord", "weekday_num"):
        return _day_of_month(base, _day_number(m.group(2)), WEEKDAYS[m.group(1).lower()])
    if kind in ("bare_ord", "bare_ord_weak"):
        if ADJ_ORD.match(m.group(1)) and NOUN_AFTER.match(m.string, m.end()):
            return None  # "before the first shift": an ordinal adjective, not a day of the month
        return _day_of_month(base, _day_number(m.group(1)))
    if kind == "end_next_week":
        return _next_weekday(base, 4, strictly_after=False) + dt.timedelta(days=7 if base.weekday() <= 4 else 0)
    if kind == "end_week":
        return _next_weekday(base, 4, strictly_after=False)
    if kind in ("day_week", "next_day"):
        monday_next = base + dt.timedelta(days=7 - base.weekday())
        return monday_next + dt.timedelta(days=WEEKDAYS[m.group(1).lower()])
    if kind == "day_after_next":
        phrase = m.group(0).lower()
        if "after next" in phrase or "week on" in phrase or "following" in phrase:
            return _next_weekday(base, WEEKDAYS[m.group(1).lower()]) + dt.timedelta(days=7)
        return _next_weekday(base, WEEKDAYS[m.group(1).lower()])
    if kind == "day":
        return _next_weekday(base, WEEKDAYS[m.group(1).lower()])
    if kind == "in_n":
        n = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
             "ten": 10}.get(m.group(1).lower()) or int(m.group(1))
        return base + dt.timedelta(days=n * (7 if m.group(2).lower().startswith("week") else 1))
    if kind == "week_from":
        count, word = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        n = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(count.lower()) or int(count)
        word = word.lower()
        start = base if word == "today" else base + dt.timedelta(days=1) if word == "tomorrow" \
            else _next_weekday(base, WEEKDAYS[word])
        return start + dt.timedelta(days=7 * n)
    if kind == "week_from_today":
        return base + dt.timedelta(days=7)
    if kind == "day_after_tomorrow":
        return base + dt.timedelta(days=2)
    if kind == "two_days":
        return base + dt.timedelta(days=2)
    if kind == "end_next_month":
        year, month = (base.year + 1, 1) if base.month == 12 else (base.year, base.month + 1)
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if kind == "fortnight":
        return base + dt.timedelta(days=14)
    if kind == "tomorrow":
        return base + dt.timedelta(days=1)
    if kind == "today":
        return base
    if kind == "end_month":
        return dt.date(base.year, base.month, calendar.monthrange(base.year, base.month)[1])
    if kind == "end_quarter":
        q = int(m.group(1)) if m.group(1) else (base.month - 1) // 3 + 1
        year = base.year if q >= (base.month - 1) // 3 + 1 else base.year + 1
        month = q * 3
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return None


HOLIDAY = re.compile(r"\b(?:(?:bank|public|national|school)\s+)?holidays?\b|\b(?:Good Friday|Easter Monday|Easter|Whit Monday|"
                     r"Labou?r Day|Memorial Day|Thanksgiving|Christmas(?: Day| Eve)?|Boxing Day|New Year's(?: Day| Eve)?|"
                     r"Independence Day|St\.? Patrick's Day|Ascension(?: Day)?|Pentecost|May Day|"
                     r"Feiertag|feestdag|jour férié|festivo|helgdag|helligdag|svátek|święto|"
                     r"Festa della Repubblica|Republic Day|King['’]?s Day|Koningsdag|Victoria Day|Canada Day|Australia Day|Anzac Day|"
                     r"Waitangi Day|Bastille Day|Corpus Christi|Assumption Day|Feast of the Assumption|Ferragosto|All Saints['’]? Day|Reformation Day|(?:German )?Unity Day|"
                     r"Constitution Day|Midsummer(?: Eve| Day)?|Juneteenth|Martin Luther King(?: Jr\.?)? Day|Presidents['’]? Day|"
                     r"Columbus Day|Veterans Day|Golden Week|Mariä Empfängnis|Immaculate Conception|Whitsun|Epiphany|National Day)\b", re.I)
# every HOLIDAY match contains one of these (lower case): a cheap test before the regex, per sentence
HOLIDAY_KEYS = ("holiday", "good friday", "easter", "whit monday", "labour day", "labor day", "memorial day", "thanksgiving",
                "christmas", "boxing day", "new year", "independence day", "patrick", "ascension", "pentecost", "may day",
                "feiertag", "feestdag", "férié", "festivo", "helgdag", "helligdag", "svátek", "święto", "repubblica", "republic day",
                "king's day", "king’s day", "kings day", "koningsdag", "victoria day", "canada day", "australia day", "anzac", "waitangi", "bastille", "corpus christi",
                "assumption day", "feast of the assumption", "ferragosto", "all saints", "reformation", "unity day", "constitution day", "midsummer", "juneteenth", "luther king",
                "presidents", "columbus day", "veterans day", "golden week", "empfängnis", "immaculate", "whitsun", "epiphany",
                "national day")
RELATIVE_TO = re.compile(r"\b(?:after|before|following|until|till|ahead of)\b", re.I)
DAY_REF = re.compile(rf"\b(?:(?:next |this )?({DAY_RE})|(tomorrow)|(today))\b", re.I)


def holidays_mentioned(sentences: list[str], call_date: dt.date) -> set[dt.date]:
    """Days a call says are holidays: "Monday is Easter Monday", "I'm off tomorrow, it's Good Friday",
    "Friday is a bank holiday", "End of next week is the first of May. That's Labour Day". The date named
    nearest before the holiday word is the holiday; "That's ..." points back to the sentence before."""
    days: set[dt.date] = set()
    previous = ""
    if not HOLIDAY.search(" \n ".join(sentences)):
        return days  # one scan of the call: most calls name no holiday
    for s in sentences:
        low = s.lower()
        found = list(HOLIDAY.finditer(s)) if any(k in low for k in HOLIDAY_KEYS) else []
        if not found:
            previous = s
            continue
        # holiday names ("Whit Monday") are not day references themselves
        masked = HOLIDAY.sub(lambda m: " " * len(m.group(0)), s)
        for h in found:
            before = [m for m in DAY_REF.finditer(masked[:h.start()]) if h.start() - m.end() <= 40]
            spans = [x for x in find_date_spans(masked[:h.start()], call_date) if h.start() - x[1] <= 40]
            if spans and RELATIVE_TO.search(masked[spans[-1][1]:h.start()]):
                continue  # "the Tuesday after the bank holiday": a day relative to the holiday, not the holiday
            if spans and (not before or spans[-1][1] >= before[-1].end()):
                days.add(spans[-1][2])
                continue
            if before:
                m = before[-1]
                if m.group(2):
                    days.add(call_date + dt.timedelta(days=1))
                elif m.group(3):
                    days.add(call_date)
                else:
                    found = find_date_spans(m.group(0), call_date)
                    if found:
                        days.add(found[0][2])
                continue
            opener = re.match(r"\s*(?:that['’]s|that is|it['’]s|it is|which is)\b", s, re.I)
            if opener and h.start() - opener.end() <= 25 or not s[:h.start()].strip(" \"'") and re.match(r"\s*(?:[,.;!—–-]|$)", s[h.end():]):
                # "That's Labour Day", "Tuesday is the second. Festa della Repubblica, nobody's here."; not "It's ten weeks,
                # and the Christmas range is ..."
                back = find_date_spans(previous, call_date)
                if back:
                    days.add(back[-1][2])
        previous = s
    return days


def shift_for_holidays(date: dt.date, holidays: set[dt.date], backward: bool = False) -> dt.date:
    """A date that falls on a mentioned holiday moves to the next working day that is not one; an
    "end of the week/month" deadline (``backward``) moves to the working day before it."""
    if date not in holidays:
        return date
    step = dt.timedelta(days=-1 if backward else 1)
    while date in holidays or date.weekday() >= 5:
        date += step
    return date
