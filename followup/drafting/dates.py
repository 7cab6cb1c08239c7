"""Resolve dates said on a call against the call date (conventions of the labelled call sets).

"Friday" is the coming Friday; "next Wednesday" the Wednesday of the following week; "end of
next week" the Friday of the following week; "Thursday week" Thursday of the following week;
"a fortnight" 14 days; "EOD"/"close of play"/"today" the call date; "end of the month/quarter".
Explicit dates ("December 12th", "12 March", "2026-01-30") take the next occurrence.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
DAY_RE = "|".join(WEEKDAYS)
ORD = r"(\d{1,2})(?:st|nd|rd|th)?"

PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(rf"\b({MONTH_RE})\.?\s+(?:the\s+)?{ORD}\b", re.I), "month_day"),
    (re.compile(rf"\b(?:the\s+)?{ORD}\s+(?:of\s+)?({MONTH_RE})\b", re.I), "day_month"),
    (re.compile(r"\bend of next week\b", re.I), "end_next_week"),
    (re.compile(r"\bend of (?:the|this) week\b", re.I), "end_week"),
    (re.compile(rf"\b({DAY_RE}) week\b", re.I), "day_week"),
    (re.compile(rf"\b(?:a week on|the) ({DAY_RE})(?: after next)?\b", re.I), "day_after_next"),
    (re.compile(rf"\bnext ({DAY_RE})\b", re.I), "next_day"),
    (re.compile(rf"\b(?:this |on |by |until )?({DAY_RE})\b", re.I), "day"),
    (re.compile(r"\b(?:in )?a fortnight\b", re.I), "fortnight"),
    (re.compile(r"\btomorrow\b", re.I), "tomorrow"),
    (re.compile(r"\b(?:today|EOD|end of (?:the )?day|close of play)\b", re.I), "today"),
    (re.compile(r"\bend of (?:the )?month\b", re.I), "end_month"),
    (re.compile(r"\bend of (?:the )?(?:quarter|Q([1-4]))\b", re.I), "end_quarter"),
]


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


def find_dates(text: str, call_date: dt.date) -> list[tuple[dt.date, str]]:
    """All dates in ``text`` with the phrase that gave each, in order of appearance."""
    found: list[tuple[int, dt.date, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _resolve(kind, m, call_date)
            if value is not None:
                taken.append((m.start(), m.end()))
                found.append((m.start(), value, m.group(0)))
    return [(d, phrase) for _, d, phrase in sorted(found)]


def _resolve(kind: str, m: re.Match, base: dt.date) -> dt.date | None:
    if kind == "iso":
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if kind == "month_day":
        return _explicit(base, MONTHS[m.group(1).lower()], int(m.group(2)))
    if kind == "day_month":
        return _explicit(base, MONTHS[m.group(2).lower()], int(m.group(1)))
    if kind == "end_next_week":
        return _next_weekday(base, 4, strictly_after=False) + dt.timedelta(days=7 if base.weekday() <= 4 else 0)
    if kind == "end_week":
        return _next_weekday(base, 4, strictly_after=False)
    if kind in ("day_week", "next_day"):
        monday_next = base + dt.timedelta(days=7 - base.weekday())
        return monday_next + dt.timedelta(days=WEEKDAYS[m.group(1).lower()])
    if kind == "day_after_next":
        if "after next" in m.group(0).lower() or "week on" in m.group(0).lower():
            return _next_weekday(base, WEEKDAYS[m.group(1).lower()]) + dt.timedelta(days=7)
        return _next_weekday(base, WEEKDAYS[m.group(1).lower()])
    if kind == "day":
        return _next_weekday(base, WEEKDAYS[m.group(1).lower()])
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
