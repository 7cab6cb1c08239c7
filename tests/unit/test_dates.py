"""Relative and explicit dates resolved from the call date, one test per labelling convention."""
from __future__ import annotations

import datetime as dt

import pytest

from followup.drafting.dates import find_date_spans, find_dates, holidays_mentioned, shift_for_holidays

TUE = dt.date(2026, 11, 17)  # a Tuesday
FRI = dt.date(2026, 11, 20)  # a Friday


def first(phrase: str, base: dt.date = TUE) -> dt.date:
    found = find_dates(phrase, base)
    assert found, f"no date found in {phrase!r}"
    return found[0][0]


@pytest.mark.parametrize("phrase, expected", [
    ("I'll send it Friday", dt.date(2026, 11, 20)),            # "Friday" = the coming Friday
    ("by this Friday", dt.date(2026, 11, 20)),
    ("on Monday", dt.date(2026, 11, 23)),
])
def test_weekday_is_the_coming_one(phrase, expected):
    assert first(phrase) == expected


def test_same_weekday_as_the_call_is_a_week_later():
    assert first("Tuesday works", TUE) == dt.date(2026, 11, 24)


@pytest.mark.parametrize("phrase, expected", [
    ("next Wednesday", dt.date(2026, 11, 25)),                 # Wednesday of the following week
    ("Wednesday next week", dt.date(2026, 11, 25)),
    ("next Monday", dt.date(2026, 11, 23)),
])
def test_next_weekday_is_in_the_following_week(phrase, expected):
    assert first(phrase) == expected


def test_next_weekday_said_on_a_friday():
    assert first("next Thursday", FRI) == dt.date(2026, 11, 26)


@pytest.mark.parametrize("phrase, expected", [
    ("by the end of next week", dt.date(2026, 11, 27)),
    ("end of this week", dt.date(2026, 11, 20)),
    ("later this week", dt.date(2026, 11, 20)),
])
def test_end_of_week(phrase, expected):
    assert first(phrase) == expected


@pytest.mark.parametrize("phrase, expected", [
    ("Thursday week", dt.date(2026, 11, 26)),
    ("a week on Friday", dt.date(2026, 11, 27)),
    ("the Friday after next", dt.date(2026, 11, 27)),
    ("the following Friday", dt.date(2026, 11, 27)),
])
def test_week_after_forms(phrase, expected):
    assert first(phrase) == expected


@pytest.mark.parametrize("phrase", ["in a fortnight", "a fortnight from now", "in two weeks"])
def test_fortnight_is_fourteen_days(phrase):
    assert first(phrase) == TUE + dt.timedelta(days=14)


@pytest.mark.parametrize("phrase", ["by EOD", "close of play", "end of day", "today", "tonight",
                                    "right after this call", "in the next ten minutes"])
def test_same_day_phrases(phrase):
    assert first(phrase) == TUE


def test_tomorrow_but_not_tomorrows_meeting():
    assert first("tomorrow morning") == dt.date(2026, 11, 18)
    assert find_dates("I'll cancel tomorrow's invite", TUE) == []


@pytest.mark.parametrize("phrase, expected", [
    ("Friday the eleventh", dt.date(2026, 12, 11)),            # the next eleventh, a Friday
    ("Tuesday the twenty-fourth", dt.date(2026, 11, 24)),
    ("by the twenty-first", dt.date(2026, 11, 21)),
    ("June second", dt.date(2027, 6, 2)),
    ("the first of December", dt.date(2026, 12, 1)),
    ("Thursday 3 December at 10", dt.date(2026, 12, 3)),
    ("December 12th", dt.date(2026, 12, 12)),
    ("mid-January", dt.date(2027, 1, 15)),
    ("end of January", dt.date(2027, 1, 31)),
])
def test_explicit_and_spoken_dates(phrase, expected):
    assert first(phrase) == expected


def test_relative_date_restated_explicitly_keeps_the_explicit_one():
    assert find_dates("next Wednesday, the second of December", TUE) == [(dt.date(2026, 12, 2), "the second of December")]


def test_ordinal_nouns_are_not_dates():
    assert find_dates("in the first week of June we start", TUE) == []
    assert find_dates("the second half of the year", TUE) == []


def test_end_of_month_and_quarter():
    assert first("end of the month") == dt.date(2026, 11, 30)
    assert first("end of the quarter") == dt.date(2026, 12, 31)


def test_mentioned_holiday_shifts_a_date_that_falls_on_it():
    call = dt.date(2026, 4, 2)  # Thursday before Easter
    said = ["I'm off tomorrow, it's Good Friday.", "Monday is Easter Monday, nobody is in the office."]
    holidays = holidays_mentioned(said, call)
    assert holidays == {dt.date(2026, 4, 3), dt.date(2026, 4, 6)}
    monday = first("on Monday", call)
    assert shift_for_holidays(monday, holidays) == dt.date(2026, 4, 7)
    assert shift_for_holidays(dt.date(2026, 4, 8), holidays) == dt.date(2026, 4, 8)


def test_bank_holiday_phrasing():
    holidays = holidays_mentioned(["Friday is a bank holiday here."], TUE)
    assert holidays == {dt.date(2026, 11, 20)}


@pytest.mark.parametrize("phrase, expected", [
    ("by COB Thursday", dt.date(2026, 11, 19)),
    ("EOD tomorrow", dt.date(2026, 11, 18)),
    ("in a week", dt.date(2026, 11, 24)),
    ("in three days", dt.date(2026, 11, 20)),
])
def test_end_of_day_on_a_named_day_and_counted_days(phrase, expected):
    assert first(phrase) == expected


def test_end_of_week_deadline_on_a_holiday_moves_to_the_day_before():
    call = dt.date(2026, 4, 22)  # Wednesday; Friday 1 May is Labour Day
    holidays = holidays_mentioned(["End of next week is the first of May.", "That's Labour Day, a holiday here."], call)
    assert dt.date(2026, 5, 1) in holidays
    assert shift_for_holidays(first("by the end of next week", call), holidays, backward=True) == dt.date(2026, 4, 30)


def test_holiday_named_with_a_date_and_holiday_names_are_not_day_references():
    call = dt.date(2026, 5, 12)
    assert holidays_mentioned(["Monday the twenty-fifth is Whit Monday here, also a holiday."], call) == {dt.date(2026, 5, 25)}
    assert holidays_mentioned(["The fourth of June is Corpus Christi, a holiday here."], call) == {dt.date(2026, 6, 4)}


def test_a_day_said_relative_to_a_holiday_is_not_the_holiday():
    assert holidays_mentioned(["Monday is a bank holiday, so let's say the Wednesday after the bank holiday."], TUE) \
        == {dt.date(2026, 11, 23)}
    assert holidays_mentioned(["We go live the Thursday before the public holiday."], TUE) == set()


def test_that_is_points_back_only_when_the_holiday_follows_it():
    assert holidays_mentioned(["End of next week is the twenty-seventh.", "That's Thanksgiving."], TUE) == {dt.date(2026, 11, 27)}
    assert holidays_mentioned(["First thing Monday.", "It's about ten weeks, and the Christmas range is the first wave."], TUE) == set()


def test_ordinal_adjectives_before_a_noun_are_not_days_of_the_month():
    assert find_dates("I'll have it ready before the first shift.", TUE) == []
    assert find_dates("after the second interview", TUE) == []
    assert first("by the first, please") == dt.date(2026, 12, 1)
    assert first("by the third of December") == dt.date(2026, 12, 3)


@pytest.mark.parametrize("phrase, expected", [
    ("a week from today", dt.date(2026, 11, 24)),
    ("a week from Friday", dt.date(2026, 11, 27)),
    ("the day after tomorrow", dt.date(2026, 11, 19)),
    ("within 24 hours", dt.date(2026, 11, 18)),
    ("in the next day or two", dt.date(2026, 11, 19)),
    ("by the end of next month", dt.date(2026, 12, 31)),
    ("this arvo", TUE),
    ("end of play Thursday", dt.date(2026, 11, 19)),
])
def test_more_spoken_relative_dates(phrase, expected):
    assert first(phrase) == expected


def test_end_of_play_today_is_one_date_phrase():
    assert len(find_dates("I'll send it by end of play today.", TUE)) == 1


@pytest.mark.parametrize("phrase, expected", [
    ("two weeks from today", dt.date(2026, 12, 1)),
    ("a week today", dt.date(2026, 11, 24)),
    ("three weeks from tomorrow", dt.date(2026, 12, 9)),
    ("two weeks on Friday", dt.date(2026, 12, 4)),
    ("Monday after next", dt.date(2026, 11, 30)),
    ("in ten days", dt.date(2026, 11, 27)),
    ("end of play tomorrow", dt.date(2026, 11, 18)),
])
def test_counted_weeks_and_days_from_a_named_day(phrase, expected):
    assert first(phrase) == expected
    assert len(find_dates(phrase, TUE)) == 1


def test_day_dot_month_dates_in_typed_notes():
    call = dt.date(2026, 4, 30)
    assert [d for _, _, d, _ in find_date_spans("formal quote by Tue 5.5., call moved from 13.5. to Thu 14.5.", call)] \
        == [dt.date(2026, 5, 5), dt.date(2026, 5, 13), dt.date(2026, 5, 14)]
    assert find_date_spans("we're on version 4.5. and the rate is 4.5.", call) == []
    assert holidays_mentioned(["(Fri 1.5. svátek + Jana out Mon)"], call) == {dt.date(2026, 5, 1)}


def test_a_named_holiday_said_on_its_own_after_the_day_marks_that_day():
    call = dt.date(2026, 5, 26)
    assert holidays_mentioned(["Tuesday is the second.", "Festa della Repubblica, nobody's here."], call) == {dt.date(2026, 6, 2)}
    assert holidays_mentioned(["I will send it Monday.", "Christmas is busy for us."], call) == set()
    assert holidays_mentioned(["My assumption is Friday works, that's the twenty-ninth."], call) == set()
    assert holidays_mentioned(["The Monday is King's Day, so Tuesday then."], dt.date(2026, 4, 20)) == {dt.date(2026, 4, 27)}
