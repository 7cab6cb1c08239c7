"""Buyer roles from a call (followup.drafting.roles) on small invented transcripts."""
from __future__ import annotations

from followup.domain.snapshot import parse_snapshot
from followup.drafting.context import build_context
from followup.drafting.roles import extract_roles, vendor_side
from followup.drafting.transcript import parse_transcript


def _snapshot(contacts, rep="Alex Moreno", email="alex.moreno@vendorly.io", opportunity="Oakridge - Analytics"):
    return parse_snapshot({
        "Account": {"Id": "001X", "Name": "Oakridge Foods", "BillingCountry": "GB"},
        "Opportunity": {"Id": "006X", "Name": opportunity, "StageName": "Qualification"},
        "Contacts": [{"Id": f"003{i}", "Name": n, "Email": f"{n.split()[0].lower()}@oakridge.example", "Title": t}
                     for i, (n, t) in enumerate(contacts)],
        "call": {"date": "2026-05-12", "rep": {"name": rep, "email": email}},
    })


def _roles(text, contacts, **kw):
    snapshot = _snapshot(contacts, **kw)
    ctx = build_context(parse_transcript(text), snapshot)
    return {r.name: r for r in extract_roles(ctx)}, ctx


def test_person_talked_about_with_title_and_threshold_is_economic_buyer_outside_crm():
    roles, ctx = _roles(
        "Alex Moreno: Who else needs to be involved?\n"
        "Priya Shah: Our CFO, Tobias Lindqvist, signs off anything over 50k. Anything above that goes to him.\n",
        [("Priya Shah", "Head of Customer Insight")])
    tobias = roles["Tobias Lindqvist"]
    assert tobias.role == "Economic Buyer" and tobias.contact_id is None and not tobias.in_crm
    assert tobias.title == "CFO" and tobias.certainty == "explicit"
    texts = [t.text for t in ctx.transcript.turns]
    assert all(any(e.quote in t for t in texts) for e in tobias.evidence)


def test_need_someone_to_approve_the_budget_and_first_name_resolves_to_contact():
    roles, _ = _roles(
        "Alex Moreno: What happens after the workshop?\n"
        "Priya Shah: I'll need Matthew to approve the budget before we go further.\n",
        [("Priya Shah", "Insight Lead"), ("Matthew Okafor", "Group Finance Controller")])
    assert roles["Matthew Okafor"].role == "Economic Buyer"
    assert roles["Matthew Okafor"].contact_id == "0031"


def test_speaker_budget_and_decision_cues():
    roles, _ = _roles(
        "Alex Moreno: How does the decision get made?\n"
        "Grace Adeyemi: The choice of platform is mine. The money comes out of my budget too.\n"
        "Liam Byrne: I just make sure it runs.\n",
        [("Grace Adeyemi", "Director of Customer Operations"), ("Liam Byrne", "Platform Engineer")])
    assert roles["Grace Adeyemi"].role == "Economic Buyer"
    assert roles["Liam Byrne"].role == "Technical Buyer"  # from the CRM title
    assert roles["Liam Byrne"].certainty == "inferred"


def test_negated_signing_is_not_a_buyer_cue_but_marks_an_influencer():
    roles, _ = _roles(
        "Alex Moreno: Are you the one signing?\n"
        "Noor Haddad: I can champion it internally, but I don't sign contracts, Fiona does.\n",
        [("Noor Haddad", "Head of Planning"), ("Fiona Walsh", "Managing Director")])
    assert roles["Noor Haddad"].role == "Influencer"
    assert roles["Fiona Walsh"].role == "Economic Buyer"


def test_team_ran_the_pilot_and_security_review_owner():
    roles, _ = _roles(
        "Alex Moreno: The pilot with Keira's team went well, I hear.\n"
        "Keira Lund: It did, the planners liked it.\n"
        "Omar Said: I run the vendor security reviews, so anything with customer data comes through me.\n",
        [("Keira Lund", "Demand Planning Manager"), ("Omar Said", "Information Security Analyst")])
    assert roles["Keira Lund"].role == "Evaluator"
    assert roles["Omar Said"].role == "Evaluator"


def test_pronoun_refers_to_the_person_named_before():
    roles, _ = _roles(
        "Alex Moreno: Will Dana join the demo?\n"
        "Priya Shah: Yes, Dana wants to see it. She's the one who'll ask about the money.\n",
        [("Priya Shah", "Insight Lead"), ("Dana Kowalczyk", "Chief Operating Officer")])
    assert roles["Dana Kowalczyk"].role == "Economic Buyer"


def test_vendor_colleagues_never_get_buyer_roles():
    text = ("Alex Moreno: I have my colleague Sofia Rossi with me, she's one of our solutions engineers.\n"
            "Sofia Rossi: Hi all. I own the budget for our demo environment, so ask away.\n"
            "Hugo Brandt: Hugo Brandt, product management at Vendorly, joining for the roadmap.\n"
            "Hugo Brandt: I make the final decision on the roadmap.\n"
            "Priya Shah: Great. I own the budget on our side.\n")
    roles, ctx = _roles(text, [("Priya Shah", "Head of Insight")])
    assert set(roles) == {"Priya Shah"}
    assert {"alex moreno", "sofia rossi", "hugo brandt"} <= vendor_side(ctx)


def test_one_title_based_decision_maker_and_named_budget_holder_beats_cfo_title():
    roles, _ = _roles(
        "Alex Moreno: Where do things stand?\n"
        "Ruth Mensah: The decision sits with Owen now, he owns the budget since the reorganisation.\n"
        "Ben Carter: And my stores will use it every day.\n",
        [("Ruth Mensah", "Head of Analytics"), ("Ben Carter", "Head of Retail Operations"),
         ("Owen Price", "VP Strategy"), ("Carla Diaz", "Chief Financial Officer")])
    assert roles["Owen Price"].role == "Economic Buyer"
    assert "Carla Diaz" not in roles  # never mentioned on the call
    assert roles["Ruth Mensah"].role == "Decision Maker"
    assert roles["Ben Carter"].role == "Business User"


def test_first_name_speakers_and_names_said_with_surname():
    roles, _ = _roles(
        "Alex: Thanks for joining.\n"
        "Ines: I have Marek from IT with me, and Marek Novak will check the single sign-on.\n"
        "Marek: Hello. Nothing goes into production without me testing it.\n"
        "Ines: The choice is mine, but Jana, our finance director, signs it.\n",
        [("Ines Duarte", "Head of People")])
    assert roles["Ines Duarte"].role == "Decision Maker"
    assert roles["Marek Novak"].role == "Technical Buyer" and not roles["Marek Novak"].in_crm
    assert roles["Jana"].role == "Economic Buyer"


def test_no_roles_without_any_evidence_and_procurement_is_other():
    roles, _ = _roles(
        "Alex Moreno: Any questions?\n"
        "Sam Li: From procurement, just the supplier form.\n"
        "Tessa Grant: Not from me.\n",
        [("Sam Li", "Procurement Officer"), ("Tessa Grant", "Office Coordinator"), ("Nina Volk", "CFO")])
    assert roles["Sam Li"].role == "Other"
    assert "Tessa Grant" not in roles and "Nina Volk" not in roles


def test_evidence_never_quotes_contact_details():
    roles, _ = _roles(
        "Alex Moreno: Best number?\n"
        "Priya Shah: Call me on 07700 900123. I own the budget for this.\n",
        [("Priya Shah", "Head of Insight")])
    assert all("07700" not in e.quote for r in roles.values() for e in r.evidence)


def test_more_phrasings_of_authority():
    cases = [
        ("I'm the one who signs off on this.", "Priya Shah", "Economic Buyer"),
        ("Ultimately it's Omar's call.", "Omar Said", "Decision Maker"),
        ("The decision maker is Omar.", "Omar Said", "Decision Maker"),
        ("We need sign-off from Omar before anything happens.", "Omar Said", "Economic Buyer"),
        ("Omar is our main technical contact.", "Omar Said", "Technical Buyer"),
        ("Omar will run the technical evaluation.", "Omar Said", "Technical Buyer"),
        ("Omar and his team will evaluate the tool next month.", "Omar Said", "Evaluator"),
        ("I can't sign this, Omar can.", "Omar Said", "Economic Buyer"),
        ("I don't make the decision, Omar does.", "Omar Said", "Decision Maker"),
        ("Omar signs the cheques around here.", "Omar Said", "Economic Buyer"),
        ("Omar from our IT team will test the integration next week.", "Omar Said", "Technical Buyer"),
        ("Our COO Bill Hart is sponsoring this internally.", "Bill Hart", "Executive Sponsor"),
    ]
    for line, name, role in cases:
        roles, _ = _roles(f"Alex Moreno: Hello.\nPriya Shah: {line}\n", [("Priya Shah", "Coordinator"), ("Omar Said", "Analyst")])
        assert roles.get(name) is not None and roles[name].role == role, (line, {n: r.role for n, r in roles.items()})


def test_questions_and_the_vendors_own_titles_are_not_cues():
    roles, _ = _roles(
        "Alex Moreno: Does Omar sign off on this? I'll ask our CFO to approve the discount.\n"
        "Priya Shah: No idea yet.\n",
        [("Priya Shah", "Coordinator"), ("Omar Said", "Analyst"), ("Lena Fox", "Chief Financial Officer")])
    assert roles == {}


def test_display_names_with_the_vendor_tag_or_address_are_vendor_side():
    import json

    turns = [{"speaker": "Alex Moreno", "text": "Thanks for joining."},
             {"speaker": "Ravi Patel (Vendorly)", "text": "I own the budget for the pilot credits on our side."},
             {"speaker": "kim.lee@vendorly.io", "text": "And I make the final decision on discounts."},
             {"speaker": "Priya Shah", "text": "Good. I own the budget here."}]
    snapshot = _snapshot([("Priya Shah", "Head of Insight")])
    ctx = build_context(parse_transcript(json.dumps(turns)), snapshot)
    assert {r.name for r in extract_roles(ctx)} == {"Priya Shah"}
    assert {"ravi patel", "kim lee"} <= vendor_side(ctx)


def test_eval_scores_contact_roles_by_full_name_and_role(tmp_path):
    import json

    from followup.drafting.evaluation import score_dir
    from followup.drafting.rules import RuleExtractor

    call = tmp_path / "01"
    call.mkdir()
    (call / "transcript.txt").write_text(
        "Alex Moreno: Who signs?\n"
        "Renee Duval: I own the budget. Omar runs the vendor security reviews.\n"
        "Omar Said: Correct, and Ivo Petrov will test it with his team.\n")
    crm = {"Account": {"Id": "001", "Name": "Oakridge Foods", "BillingCountry": "GB"},
           "Opportunity": {"Id": "006", "Name": "Oakridge", "StageName": "Qualification"},
           "Contacts": [{"Id": "0031", "Name": "Renée Duval", "Title": "COO"},
                        {"Id": "0032", "Name": "Omar Said", "Title": "Security Analyst"}],
           "call": {"date": "2026-05-12", "rep": {"name": "Alex Moreno", "email": "alex@vendorly.io"}}}
    (call / "crm.json").write_text(json.dumps(crm))
    gold = {"next_steps": [], "fields": {"Opportunity.CloseDate": None, "Opportunity.StageName": None,
                                         "Opportunity.Amount": None, "Opportunity.NextStep": None},
            "contact_roles": [{"name": "Renée Duval", "role": "Economic Buyer"},
                              {"name": "Omar Said", "role": "Technical Buyer"},
                              {"name": "Nadia Roth", "role": "Other", "in_crm": False}],
            "must_not_propose": [], "pii": []}
    (call / "gold.json").write_text(json.dumps(gold))
    summary = score_dir(tmp_path, RuleExtractor()).summary()
    assert summary["contact_role_recall"] == 1 / 3  # Renée matches with or without the accent
    assert summary["contact_role_precision"] == 1 / 2  # Omar is proposed as Evaluator
    assert any("missed nadia roth = other" in e for e in summary["contact_role_errors"])


def test_compound_subject_gives_both_people_the_decision_and_honorific_full_name_resolves():
    roles, _ = _roles(
        "Alex Moreno: Where did you land?\n"
        "Olena Kravets: My co-founder, Dr. Ruben Achterberg, wants to wait until spring. He and I decide these things together.\n",
        [("Olena Kravets", "Co-Owner")])
    assert roles["Olena Kravets"].role == "Decision Maker"  # the explicit cue beats the owner title
    assert roles["Ruben Achterberg"].role == "Decision Maker" and roles["Ruben Achterberg"].contact_id is None
    assert "Dr. Ruben" not in roles


def test_plain_business_staff_title_speaking_is_a_business_user_with_inferred_confidence():
    roles, _ = _roles(
        "Alex Moreno: How are things at the depot?\n"
        "Bea Lindgren: Busy. I spend half my day on the phone with drivers, so anything that cuts that helps.\n"
        "Tom Harker: The budget is mine, I sign off the spend.\n",
        [("Bea Lindgren", "Front Office Coordinator"), ("Tom Harker", "Managing Director")])
    assert roles["Bea Lindgren"].role == "Business User" and roles["Bea Lindgren"].certainty == "inferred"
    assert roles["Bea Lindgren"].confidence < roles["Tom Harker"].confidence


def test_business_lead_decides_when_finance_signs_and_nobody_else_decides():
    text = ("Alex Moreno: Are we still on for the end of the month?\n"
            "Ivy Marsh: Yes. It's my budget, I sign once legal is done.\n"
            "Oscar Penn: And my crews are ready for the rollout. I'll send the site list on Friday, with the depot hours "
            "and the gate codes, so the installers know where to go. The drivers want the paper logbooks gone before "
            "the winter schedule starts, so the sooner the better for us.\n")
    roles, _ = _roles(text, [("Ivy Marsh", "Finance Manager"), ("Oscar Penn", "Warehouse Operations Manager")])
    assert roles["Ivy Marsh"].role == "Economic Buyer"
    assert roles["Oscar Penn"].role == "Decision Maker" and roles["Oscar Penn"].certainty == "inferred"
    # an owner who signs decides too: the operations manager stays a day-to-day user
    roles, _ = _roles(text.replace("Ivy Marsh", "Ivy Stone"), [("Ivy Stone", "Managing Director"),
                                                               ("Oscar Penn", "Warehouse Operations Manager")])
    assert roles["Oscar Penn"].role == "Business User"


def test_senior_technical_head_with_own_engineer_on_the_call_leads_the_decision():
    text = ("Alex Moreno: Shall we scope the trial?\n"
            "Nadia Roos: Yes. Keep it to the warehouse tables for now.\n"
            "Piet Smit: I can set up the read-only account by Thursday.\n")
    roles, _ = _roles(text, [("Nadia Roos", "Head of Data Infrastructure"), ("Piet Smit", "Data Engineer")])
    assert roles["Nadia Roos"].role == "Decision Maker" and roles["Piet Smit"].role == "Technical Buyer"
    # alone, the same head stays the technical buyer
    roles, _ = _roles("Alex Moreno: Shall we scope the trial?\nNadia Roos: Yes. Keep it to the warehouse tables for now.\n",
                      [("Nadia Roos", "Head of Data Infrastructure")])
    assert roles["Nadia Roos"].role == "Technical Buyer"


def test_procurement_buying_its_own_tool_is_not_a_gatekeeper():
    text = ("Alex Moreno: Is the order form the version we agreed?\n"
            "Mira Holt: It is. I'll raise the purchase order by Friday.\n")
    contacts = [("Mira Holt", "Head of Procurement")]
    roles, _ = _roles(text, contacts, opportunity="Oakridge - Vendorly Procure Suite")
    assert roles["Mira Holt"].role == "Decision Maker"
    roles, _ = _roles(text, contacts)  # an analytics deal: procurement is Other
    assert roles["Mira Holt"].role == "Other"


def test_non_senior_analyst_title_is_an_evaluator_and_empty_crm_title_uses_the_title_said_on_the_call():
    roles, _ = _roles(
        "Alex Moreno: Thanks both for joining.\n"
        "Lea Brandt: Happy to. I'll be the one pulling the numbers out of it.\n"
        "Rui Costa: Hi. I'm the CFO, so I'll mostly listen today.\n",
        [("Lea Brandt", "Reporting Analyst"), ("Rui Costa", None)])
    assert roles["Lea Brandt"].role == "Evaluator" and roles["Lea Brandt"].certainty == "inferred"
    assert roles["Rui Costa"].role == "Economic Buyer" and roles["Rui Costa"].title == "CFO"


def test_unintroduced_speaker_who_talks_about_our_platform_gets_no_buyer_role():
    roles, _ = _roles(
        "Alex Moreno: Let's get into the pilot.\n"
        "Sam Ortiz: Sure. Our platform handles that, and our onboarding team will run the pilot with you.\n"
        "Sam Ortiz: I'll run the pilot setup myself, our engineers have done this many times.\n"
        "Hana Mori: Good. I'm leading the evaluation on our side.\n",
        [("Hana Mori", "Operations Lead")])
    assert "Sam Ortiz" not in roles
    assert roles["Hana Mori"].role == "Evaluator"


def test_titles_in_other_languages_map_like_their_english_forms():
    from followup.drafting.roles import _prior
    assert _prior("Gerente General") == "Economic Buyer"
    assert _prior("Jefe de Operaciones") == "Decision Maker"
    assert _prior("Coordinadora de Ventas") is None  # no seniority and no staff title: the call has to say
    assert _prior("Front Office Manager") == "Business User"
    assert _prior("Reporting Analyst") == "Evaluator" and _prior("Head of Analytics") == "Decision Maker"


def test_two_people_named_together_as_deciding_or_signing_both_get_the_role():
    roles, _ = _roles(
        "Alex Moreno: Who makes the call on this?\n"
        "Jon Berg: Sara and I will decide by Friday.\n"
        "Jon Berg: And Tomas Ruiz and I sign off anything over a hundred thousand.\n",
        [("Jon Berg", "Operations Manager"), ("Sara Lind", "Warehouse Lead")])
    assert roles["Sara Lind"].role == "Decision Maker" and roles["Sara Lind"].certainty == "explicit"
    assert roles["Jon Berg"].role == "Economic Buyer"  # signing outranks deciding
    assert roles["Tomas Ruiz"].role == "Economic Buyer" and roles["Tomas Ruiz"].contact_id is None


def test_business_lead_needs_a_real_share_of_the_talk_to_be_promoted():
    roles, _ = _roles(
        "Alex Moreno: Hi Jon.\n"
        "Jon Berg: Hi. Kate Moss from operations is on too. The budget is mine, I own the budget, and I sign.\n"
        "Kate Moss: Hi.\n",
        [("Jon Berg", "Finance Manager"), ("Kate Moss", "Operations Manager")])
    assert roles["Jon Berg"].role == "Economic Buyer" and roles["Kate Moss"].role == "Business User"


def test_colleague_the_rep_introduces_as_working_for_the_vendor_gets_no_buyer_role():
    for intro in ("This is Priya Nair, she leads implementation for us.", "Joining me is Priya Nair from our solutions team."):
        roles, ctx = _roles(
            f"Alex Moreno: Hi all. {intro}\n"
            "Priya Nair: Hi! I'll run the pilot with your team.\n"
            "Jon Berg: Great, I'm the one signing this.\n",
            [("Jon Berg", "Finance Director")])
        assert "Priya Nair" not in roles and "priya nair" in vendor_side(ctx)
        assert roles["Jon Berg"].role == "Economic Buyer"


def test_a_contraction_before_a_name_is_not_part_of_the_name():
    roles, _ = _roles(
        "Alex Moreno: Who holds the money?\n"
        "Anna Weber: It's Maria's budget, so she signs.\n",
        [("Anna Weber", "Head of Operations"), ("Maria Lopez", "Finance Director")])
    assert roles["Maria Lopez"].role == "Economic Buyer" and roles["Maria Lopez"].certainty == "explicit"


def test_speaking_contact_with_an_uninformative_title_gets_a_default_from_how_they_take_part():
    tech = ("Li Wei: Yes, a few. Does the API support webhooks, and can we keep the database on-prem? "
            "We also need SSO with Active Directory and a nightly export to SAP, so the integration matters more than the UI to me.\n")
    use = ("Li Wei: Today my team does the rota by hand in spreadsheets every week, and the shifts change daily, "
           "so anything that helps the schedule is welcome for the people on the floor.\n")
    chat = ("Li Wei: Thursday at two works for me, I will move my other meeting and send the invite to everyone "
            "in the office today, thanks a lot for sorting that out so quickly.\n")
    contacts = [("Li Wei", "Project Coordinator")]
    roles, _ = _roles("Alex Moreno: Any questions?\n" + tech, contacts)
    assert roles["Li Wei"].role == "Technical Buyer" and roles["Li Wei"].certainty == "inferred"
    roles, _ = _roles("Alex Moreno: How do you work today?\n" + use, contacts)
    assert roles["Li Wei"].role == "Business User"
    roles, _ = _roles("Alex Moreno: Does Thursday work?\n" + chat, contacts)
    assert "Li Wei" not in roles  # scheduling and small talk say nothing about a role


def test_short_forms_of_a_contacts_first_name_resolve_to_the_contact():
    roles, _ = _roles(
        "Alex Moreno: Hi Tom, hi Liz.\n"
        "Tom: Hi Alex. Liz signs off anything over fifty thousand, so she is the one to convince.\n"
        "Liz: That's right, the budget is mine.\n",
        [("Thomas Reed", "Operations Manager"), ("Elizabeth Ward", "Finance Director")])
    assert roles["Elizabeth Ward"].role == "Economic Buyer" and roles["Elizabeth Ward"].contact_id == "0031"
    assert "Liz" not in roles and "Tom" not in roles and "Thomas Reed" in roles


def test_role_named_first_then_the_person():
    roles, _ = _roles(
        "Alex Moreno: Who should we keep in the loop?\n"
        "Anna Weber: Our executive sponsor is Maria, she pushed for this. The technical lead on our side is Kevin Murphy.\n",
        [("Anna Weber", "Head of Operations"), ("Kevin Murphy", "IT Manager"), ("Maria Lopez", "Finance Director")])
    assert roles["Maria Lopez"].role == "Executive Sponsor" and roles["Maria Lopez"].certainty == "explicit"
    assert roles["Kevin Murphy"].role == "Technical Buyer" and roles["Kevin Murphy"].certainty == "explicit"


def test_buyer_side_speaker_outside_crm_stating_a_technical_job_is_a_technical_buyer_but_a_vendor_job_is_not():
    roles, _ = _roles(
        "Alex Moreno: Welcome all.\n"
        "Kevin Doyle: Hi, I'm Kevin, I look after IT here at Oakridge.\n"
        "Dana Price: And I'm the solutions architect on the account.\n",
        [("Anna Weber", "Head of Operations")])
    assert roles["Kevin Doyle"].role == "Technical Buyer" and roles["Kevin Doyle"].contact_id is None
    assert roles["Kevin Doyle"].certainty == "inferred"
    assert "Dana Price" not in roles


def test_speaker_labels_with_an_initial_or_a_middle_name_map_to_the_contact():
    roles, _ = _roles(
        "Alex Moreno: Hi both.\n"
        "Maria L.: Hi. The budget is mine, I sign.\n"
        "Kevin J. Murphy: I'll review the architecture.\n",
        [("Maria Lopez", "Finance Director"), ("Kevin Murphy", "IT Manager")])
    assert roles["Maria Lopez"].role == "Economic Buyer" and roles["Maria Lopez"].contact_id == "0030"
    assert roles["Kevin Murphy"].role == "Technical Buyer" and roles["Kevin Murphy"].contact_id == "0031"
    assert "Maria L." not in roles and "Kevin J. Murphy" not in roles


def test_a_role_resting_on_the_crm_title_cites_the_title_not_a_greeting():
    roles, _ = _roles(
        "Alex Moreno: Good morning Dana, good morning Sam.\n"
        "Dana Reed: Morning. We looked at the dashboards last week.\n"
        "Sam Cole: Which connectors do you support for the warehouse, and how do you handle SSO?\n",
        [("Dana Reed", "Chief Financial Officer"), ("Sam Cole", "IT Director")])
    for role in roles.values():
        if role.certainty == "inferred" and role.evidence[0].source == "crm":
            contact_title = {"Dana Reed": "Chief Financial Officer", "Sam Cole": "IT Director"}[role.name]
            assert role.evidence == [role.evidence[0]] and role.evidence[0].quote == f"Title: {contact_title}"
    assert all("Good morning" not in e.quote for r in roles.values() for e in r.evidence)
    assert any(e.source == "crm" for r in roles.values() for e in r.evidence)


def test_security_titles_head_buys_technically_staff_evaluate_and_mixed_or_compliance_titles_do_not_default():
    from followup.drafting.roles import _prior
    assert _prior("Chief Information Security Officer") == "Technical Buyer"
    assert _prior("Head of Cyber Security") == "Technical Buyer"
    assert _prior("Information Security Officer") == "Evaluator"
    assert _prior("Privacy Analyst") == "Evaluator"
    assert _prior("VP Facilities & Security") == "Decision Maker"  # the head of a function that includes security
    assert _prior("Risk and Compliance Manager") is None


def test_someone_who_made_the_final_call_is_the_decision_maker():
    roles, _ = _roles(
        "Alex Moreno: How did the committee land?\n"
        "Priya Shah: The board met on Monday, and Dana Whitfield, our CEO, made the final call.\n",
        [("Priya Shah", "Insight Lead")])
    assert roles["Dana Whitfield"].role == "Decision Maker"


def test_in_house_counsel_introduced_by_name_outside_crm_is_other():
    roles, _ = _roles(
        "Alex Moreno: Anything else before we can sign?\n"
        "Priya Shah: Our in-house counsel, Jonas Berg, needs to review the master agreement.\n",
        [("Priya Shah", "Insight Lead")])
    assert roles["Jonas Berg"].role == "Other" and roles["Jonas Berg"].contact_id is None


def test_a_price_inside_what_the_speaker_budgeted_marks_the_budget_holder():
    roles, _ = _roles(
        "Alex Moreno: So forty-two thousand a year for the full scope.\n"
        "Priya Shah: Forty-two is inside what I budgeted, so send us the quote.\n",
        [("Priya Shah", "Insight Lead")])
    assert roles["Priya Shah"].role == "Economic Buyer"


def test_people_listening_to_someone_more_than_the_speaker_marks_an_influencer():
    roles, _ = _roles(
        "Alex Moreno: Who should be at the review?\n"
        "Priya Shah: I might bring Tom Reilly into that review. The crews listen to him more than to me.\n",
        [("Priya Shah", "Insight Lead"), ("Tom Reilly", "")])
    assert roles["Tom Reilly"].role == "Influencer"


def test_a_union_delegate_named_on_the_call_can_take_a_cue():
    roles, _ = _roles(
        "Alex Moreno: Who should be at the review?\n"
        "Priya Shah: I might bring Tom Reilly, our union delegate, into that review. The crews listen to him more than to me.\n",
        [("Priya Shah", "Insight Lead")])
    assert roles["Tom Reilly"].role == "Influencer" and roles["Tom Reilly"].contact_id is None


def test_a_title_in_the_local_language_is_a_title_not_a_person():
    roles, _ = _roles(
        "Alex Moreno: Who signs a three-year contract?\n"
        "Priya Shah: Helene Pichler, our Geschäftsführerin, the managing director. She signs anything over 50k.\n",
        [("Priya Shah", "Head of Customer Insight")])
    assert "Geschäftsführerin" not in roles
    assert roles["Helene Pichler"].title == "Geschäftsführerin"


def test_a_speaker_shown_by_surname_takes_the_crm_contacts_full_name_and_title():
    roles, _ = _roles("Alex Moreno: Thanks for joining.\nShah: Happy to. I own the decision on the analytics platform.\n",
                      [("Priya Shah", "Head of Customer Insight")])
    assert "Shah" not in roles and "Priya Shah" in roles, roles


def test_the_reps_colleague_named_with_our_title_is_not_a_buyer():
    roles, _ = _roles("Alex Moreno: That would be Hugo, our solutions engineer. And Faisal, our legal counsel, will fix the clause.\n"
                      "Priya Shah: Good. Paulo, our CFO, signs the contract.\n",
                      [("Priya Shah", "Head of Customer Insight")])
    assert "Hugo" not in roles and "Faisal" not in roles, roles
    assert roles["Paulo"].role == "Economic Buyer"
