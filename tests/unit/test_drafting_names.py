"""Speaker labels and names said on a call, mapped to the one CRM person they stand for."""
from __future__ import annotations

import pytest

from followup.drafting.names import crm_name_for, nickname_for

CRM = ["Ayaka Mori", "Lim Wei Jie", "Jessica Moreno", "Thomas Reed", "Tomás Ortega", "Rita Rep"]


@pytest.mark.parametrize("said, who", [
    ("Mori", "Ayaka Mori"),            # surname only
    ("Wei Jie", "Lim Wei Jie"),        # given names of a family-name-first name
    ("Jess", "Jessica Moreno"),        # a short form of one contact's first name
    ("Tom", "Thomas Reed"),
    ("Hugo", None),                    # nobody's
    ("Reed Mori", None),
])
def test_a_label_maps_to_the_one_crm_person_it_stands_for(said, who):
    assert crm_name_for(said, CRM) == who


def test_a_label_two_people_could_be_is_nobodys():
    assert crm_name_for("Sam", ["Samuel Okafor", "Samantha Price"]) is None


def test_a_short_form_with_a_surname_needs_both_to_match():
    assert nickname_for("Liz Ward", ["Elizabeth Ward", "Elizabeth Stone"]) == "Elizabeth Ward"
    assert nickname_for("Liz", ["Elizabeth Ward", "Elizabeth Stone"]) is None
