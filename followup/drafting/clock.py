"""Meeting times as people say them, written the way a CRM line shows them.

"half nine" -> "9:30", "Seven-thirty" -> "7:30", "ten o'clock" / "at ten" -> "10:00", "2 pm" -> "2pm",
"fourteen thirty" -> "14:30", "14:00" stays.
A bare number word is a time only after "at" or with o'clock, thirty/fifteen/forty-five or am/pm ("ten days" is not);
an hour from one to six said without am/pm is in the afternoon (business hours).
"""
from __future__ import annotations

import re

HOURS = {w: i for i, w in enumerate(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                     "eleven", "twelve"], 1)}
_HOUR = "|".join(HOURS)
_NOT_TIME = r"thousand|hundred|grand|k\b|percent|%|users?|seats?|people|days?|weeks?|months?|years?|per\b|a year|of\b|or\b|to\b|euros?|dollars?|pounds?"
HOURS_24 = {w: i for i, w in enumerate(["thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"], 13)}
SPOKEN_TIME = re.compile(
    rf"\b(?P<hw24>{'|'.join(HOURS_24)})[ -](?P<mw24>hundred|thirty|fifteen|forty-five)\b(?!\s*(?:{_NOT_TIME}|a\b|and\b))|"
    rf"\b(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)|\b(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b|"
    rf"\b(?P<half>half|quarter)(?: (?P<rel>past|to))? (?P<hh>{_HOUR})\b(?! (?:days?|weeks?|months?|years?|percent|of)\b)|"
    rf"\b(?:(?P<at>at) )?(?P<hw>{_HOUR})(?:(?P<oc> o['’]clock)|[- ](?P<mw>thirty|fifteen|forty-five))?(?: (?P<apw>am|pm|in the morning|in the afternoon))?"
    rf"(?!\s*(?:{_NOT_TIME}))\b", re.I)


def _written(m: re.Match) -> str:
    """The time a SPOKEN_TIME match says, or "" when the words are not a time after all."""
    if m.group("hw24"):  # "fourteen thirty"
        mins = {"hundred": 0, "thirty": 30, "fifteen": 15, "forty-five": 45}[m.group("mw24").lower()]
        return f"{HOURS_24[m.group('hw24').lower()]}:{mins:02d}"
    if m.group("h"):
        ap = m.group("ap").replace(".", "").lower()
        return f"{int(m.group('h'))}{':' + m.group('m') if m.group('m') else ''}{ap}"
    if m.group("h24"):
        return f"{int(m.group('h24'))}:{m.group('m24')}"
    if m.group("half"):
        if m.group("half").lower() == "quarter" and not m.group("rel"):
            return ""  # "a quarter nine" is not a time
        hour = HOURS[m.group("hh").lower()] - (1 if m.group("rel") == "to" else 0)
        mins = 30 if m.group("half").lower() == "half" else 45 if m.group("rel") == "to" else 15
        return f"{hour}:{mins:02d}"
    if not (m.group("at") or m.group("oc") or m.group("mw") or m.group("apw")):
        return ""
    hour = HOURS[m.group("hw").lower()]
    mins = {"thirty": 30, "fifteen": 15, "forty-five": 45}.get((m.group("mw") or "").lower(), 0)
    ap = (m.group("apw") or "").lower()
    if ap in ("pm", "in the afternoon") and hour < 12 or not ap and hour <= 6:
        return f"{hour}:{mins:02d}pm" if mins else f"{hour}pm"
    return f"{hour}:{mins:02d}"


def spoken_time(sentence: str) -> str:
    """The first meeting time said in ``sentence``, written ("" when none)."""
    return next((t for t in map(_written, SPOKEN_TIME.finditer(sentence)) if t), "")


def times_written(text: str) -> str:
    """``text`` with every spoken time written: "the kickoff on Tuesday at ten" -> "the kickoff on Tuesday at 10:00"."""
    def sub(m: re.Match) -> str:
        t = _written(m)
        return ("at " if m.group("at") else "") + t if t else m.group(0)
    return SPOKEN_TIME.sub(sub, text)
