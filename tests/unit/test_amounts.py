"""Money phrases: spoken, shorthand and numeric figures; times, phone numbers and codes are not money."""
from __future__ import annotations

import pytest

from followup.drafting.amounts import counts_things, find_amount_spans, find_amounts


@pytest.mark.parametrize("phrase, expected", [
    ("two hundred and ten thousand", 210000),
    ("one hundred forty-six thousand euros per year", 146000),
    ("a hundred and seventy thousand a year", 170000),
    ("Fifty-two thousand five hundred a year", 52500),
    ("one seventy-two five a year", 172500),
    ("one twenty-eight", 128000),
    ("sixty-four eight a year", 64800),
    ("ninety-eight five per year", 98500),
    ("EUR 52.5K", 52500),
    ("€146.000", 146000),
    ("£48,000", 48000),
    ("$1.2M", 1200000),
    ("seventy grand", 70000),
    ("ninety-two and a half thousand a year", 92500),
    ("seven and a half thousand", 7500),
    ("one and a half million", 1500000),
    ("one million three hundred and twenty thousand kronor", 1320000),
    ("three million nine hundred and sixty thousand", 3960000),
    ("two million and five hundred", 2000500),
    ("one point three two million a year", 1320000),
    ("two point oh five million", 2050000),
])
def test_spoken_and_written_figures(phrase, expected):
    assert find_amounts(phrase)[0][0] == expected


def test_a_range_gives_its_parts_not_their_sum():
    assert [v for v, _ in find_amounts("somewhere between forty and eighty thousand a year")] == [80000]


def test_a_shorthand_followed_by_a_digit_needs_a_yearly_word():
    # "fifty-two five" only means 52,500 when a money cue follows
    assert find_amounts("we have fifty-two five star reviews") == []


@pytest.mark.parametrize("text", [
    "My cell is 07700 900461.", "It's certified to IEC 62443.", "Send it to 12 Rue Victor Hugo, 75011 Paris.",
    "In 2027 we grow to 40 sites.", "ticket T12 and PO-55555",
])
def test_phones_codes_years_and_small_numbers_are_not_money(text):
    assert find_amounts(text) == []


def test_a_figure_followed_by_a_plural_noun_counts_things_not_money():
    def counted(text):
        return [counts_things(text, pos + len(phrase)) for pos, _, phrase in find_amount_spans(text)]
    assert counted("We process two hundred thousand claims a year.") == [True]
    assert counted("We ship 120,000 parcels and have twelve thousand people.") == [True, True]
    assert counted("Ninety thousand euros a year for fifty thousand employees.") == [False, True]
    assert counted("It is $40k a year, that is 88,000 annually.") == [False, False]


def test_a_figure_said_as_one_point_three_two_needs_its_scale():
    assert find_amounts("One point three two a year.") == []
