"""SalesforceCrm against the HTTPS loopback Salesforce: final org state and one outcome per write."""
from __future__ import annotations

import pytest

from followup.adapters.salesforce import SalesforceCrm, SalesforceSettings
from followup.errors import CrmAuthError, CrmRateLimited, CrmUnavailable
from followup.ports import CrmWrite
from tests.integration.sf_fake import Rule, SalesforceFake, errors, rsa_keypair, seed_org

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def keypair():
    return rsa_keypair()


@pytest.fixture
def fake(tmp_path, keypair):
    server = SalesforceFake(jwt_public_key=keypair[1]).start(tmp_path)
    server.ids = seed_org(server)
    yield server
    server.stop()


def connect(fake: SalesforceFake, private_pem: str) -> SalesforceCrm:
    return SalesforceCrm(SalesforceSettings(
        username="integration@example.com", consumer_key="3MVG9fake", private_key_pem=private_pem,
        token_url=f"{fake.url}/services/oauth2/token", verify=fake.ca_path))


@pytest.fixture
def crm(fake, keypair):
    return connect(fake, keypair[0])


def field(key, obj, rec, name, before, after):
    return CrmWrite(key=key, kind="field", object=obj, record_id=rec, field=name, before=before, after=after)


def approved(ids) -> list[CrmWrite]:
    opp = ids["opportunity"]
    return [
        field("chg_stage", "Opportunity", opp, "StageName", "Qualification", "Proposal/Price Quote"),
        field("chg_close", "Opportunity", opp, "CloseDate", "2024-06-30", "2024-07-15"),
        field("chg_amount", "Opportunity", opp, "Amount", 120000.0, 150000),
        field("chg_role", "Contact", ids["tom"], "Role", None, "Technical Buyer"),
        field("chg_title", "Contact", ids["maria"], "Title", "VP Operations", "COO"),
        CrmWrite(key="tsk_sec", kind="task", object="Task",
                 values={"Subject": "Send security questionnaire", "ActivityDate": "2024-05-10",
                         "OwnerId": "005000000000001AAA", "WhoId": ids["tom"]}),
        CrmWrite(key="rcp_1", kind="activity", object="Task",
                 values={"Subject": "Recap: platform renewal call", "Description": "Thanks for the time today.",
                         "ActivityDate": "2024-05-02"}),
    ]


def by_key(outcomes):
    return {o.key: o for o in outcomes}


def test_happy_path_commits_everything_in_three_calls(fake, crm):
    ids = fake.ids
    outcomes = crm.apply(ids["opportunity"], approved(ids))

    assert {o.key: o.status for o in outcomes} == {w.key: "committed" for w in approved(ids)}
    assert crm.api_calls == 3  # describe batch (once per adapter) + query + composite
    assert [r["path"].rsplit("/", 1)[-1] for r in fake.requests] == ["batch", "", "composite"]
    opp = fake.get("Opportunity", ids["opportunity"])
    assert (opp["StageName"], opp["CloseDate"], opp["Amount"]) == ("Proposal/Price Quote", "2024-07-15", 150000.0)
    assert fake.get("Contact", ids["maria"])["Title"] == "COO"
    assert [r["Role"] for r in fake.all("OpportunityContactRole", ContactId=ids["tom"])] == ["Technical Buyer"]
    tasks = {t["Subject"]: t for t in fake.all("Task", WhatId=ids["opportunity"])}
    assert tasks["Send security questionnaire"]["Status"] == "Not Started"
    assert tasks["Send security questionnaire"]["WhoId"] == ids["tom"]
    assert "[followup:tsk_sec]" in tasks["Send security questionnaire"]["Description"]
    recap = tasks["Recap: platform renewal call"]
    assert (recap["Status"], recap["TaskSubtype"]) == ("Completed", "Email")
    assert recap["Description"].startswith("Thanks for the time today.") and "[followup:rcp_1]" in recap["Description"]
    assert by_key(outcomes)["tsk_sec"].record_id == tasks["Send security questionnaire"]["Id"]
    # the Opportunity PATCH was conditional on the LastModifiedDate read in the same commit
    sub = fake.calls("/composite")[0]["json"]["compositeRequest"][0]
    assert sub["method"] == "PATCH" and sub["httpHeaders"]["If-Unmodified-Since"] == "Wed, 01 May 2024 10:00:02 GMT"
    assert fake.token_requests[0]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"


def test_retry_after_success_writes_nothing_twice(fake, crm):
    ids = fake.ids
    crm.apply(ids["opportunity"], approved(ids))
    before_calls, tasks, roles = crm.api_calls, len(fake.all("Task")), len(fake.all("OpportunityContactRole"))

    again = crm.apply(ids["opportunity"], approved(ids))

    assert all(o.status == "committed" for o in again)
    assert crm.api_calls - before_calls == 1  # the read shows everything done; no write is sent
    assert len(fake.all("Task")) == tasks and len(fake.all("OpportunityContactRole")) == roles
    assert by_key(again)["tsk_sec"].record_id == fake.all("Task", Subject="Send security questionnaire")[0]["Id"]


def test_session_expiry_mid_commit_refreshes_once_and_keeps_the_condition(fake, crm):
    ids = fake.ids
    crm.snapshot(ids["opportunity"])
    # the session dies and, meanwhile, a person moves the stage: the re-sent PATCH must still be conditional
    fake.fail_next("/composite", 401, errors("INVALID_SESSION_ID", "Session expired or invalid"), method="POST",
                   before=lambda: fake.edit("Opportunity", ids["opportunity"], StageName="Negotiation/Review"))

    outcomes = by_key(crm.apply(ids["opportunity"], approved(ids)))

    first, resent, fresh = fake.calls("/composite")
    assert first["headers"]["Authorization"] != resent["headers"]["Authorization"]
    assert len(fake.token_requests) == 2  # one login, one refresh
    header = lambda call: call["json"]["compositeRequest"][0]["httpHeaders"]["If-Unmodified-Since"]
    assert header(resent) == header(first)
    assert outcomes["chg_stage"].status == "conflict" and outcomes["chg_stage"].current == "Negotiation/Review"
    # the untouched fields were re-sent once under the new LastModifiedDate
    assert header(fresh) != header(first) and set(fresh["json"]["compositeRequest"][0]["body"]) == {"CloseDate", "Amount"}
    assert outcomes["chg_close"].status == "committed" and outcomes["chg_amount"].status == "committed"
    opp = fake.get("Opportunity", ids["opportunity"])
    assert (opp["StageName"], opp["CloseDate"]) == ("Negotiation/Review", "2024-07-15")
    assert outcomes["tsk_sec"].status == "committed" and outcomes["chg_title"].status == "committed"


def test_session_that_stays_invalid_is_an_auth_error_after_one_refresh(fake, crm):
    fake.fail_next("/query", 401, errors("INVALID_SESSION_ID", "Session expired or invalid"), times=5)
    with pytest.raises(CrmAuthError):
        crm.snapshot(fake.ids["opportunity"])
    assert len(fake.token_requests) == 2 and len(fake.calls("/query")) == 2


def test_request_limit_exceeded_on_read_raises_rate_limited(fake, crm):
    fake.fail_next("/query", 403, errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
    with pytest.raises(CrmRateLimited) as caught:
        crm.apply(fake.ids["opportunity"], approved(fake.ids))
    assert caught.value.retryable
    assert fake.get("Opportunity", fake.ids["opportunity"])["StageName"] == "Qualification"
    assert fake.calls("/composite") == []


def test_request_limit_exceeded_on_write_fails_each_pending_write_retryably(fake, crm):
    ids = fake.ids
    fake.edit("Contact", ids["maria"], Title="Chief Operating Officer")  # this one is a conflict before any write
    fake.fail_next("/composite", 403, errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))

    outcomes = by_key(crm.apply(ids["opportunity"], approved(ids)))

    assert outcomes["chg_title"].status == "conflict" and outcomes["chg_title"].current == "Chief Operating Officer"
    pending = [o for k, o in outcomes.items() if k != "chg_title"]
    assert all(o.status == "failed" and o.retryable and "REQUEST_LIMIT_EXCEEDED" in o.error for o in pending)
    assert fake.all("Task") == [] and fake.get("Opportunity", ids["opportunity"])["StageName"] == "Qualification"


def test_precondition_failed_rereads_and_reports_conflicts(fake, crm):
    ids = fake.ids

    def someone_edits_once():
        fake.before_composite = None
        fake.edit("Opportunity", ids["opportunity"], Amount=99000.0)

    fake.before_composite = someone_edits_once

    outcomes = by_key(crm.apply(ids["opportunity"], approved(ids)))

    opp = fake.get("Opportunity", ids["opportunity"])
    assert opp["Amount"] == 99000.0  # the concurrent edit is not overwritten
    assert outcomes["chg_amount"].status == "conflict" and outcomes["chg_amount"].current == 99000.0
    # fields still as drafted were re-sent once, conditionally
    assert (opp["StageName"], opp["CloseDate"]) == ("Proposal/Price Quote", "2024-07-15")
    assert outcomes["chg_stage"].status == "committed" and outcomes["chg_close"].status == "committed"
    assert outcomes["tsk_sec"].status == "committed" and outcomes["chg_role"].status == "committed"
    assert crm.api_calls == 5  # describe + read + composite (412) + re-read + conditional re-send
    assert len(fake.all("Task")) == 2


def test_record_that_keeps_changing_ends_in_conflicts_not_overwrites(fake, crm):
    ids = fake.ids
    fake.before_composite = lambda: fake.edit("Opportunity", ids["opportunity"], Description="busy record")

    outcomes = by_key(crm.apply(ids["opportunity"], approved(ids)))

    for key in ("chg_stage", "chg_close", "chg_amount"):
        assert outcomes[key].status == "conflict"
    assert outcomes["chg_stage"].current == "Qualification"
    opp = fake.get("Opportunity", ids["opportunity"])
    assert (opp["StageName"], opp["Amount"]) == ("Qualification", 120000.0)
    assert len(fake.calls("/composite")) == 2 and len(fake.calls("/query")) == 3


def test_validation_rule_failure_is_reported_with_salesforce_message(fake, crm):
    ids = fake.ids
    fake.rules.append(Rule("Opportunity", lambda v: "CloseDate" in v and v["CloseDate"] > "2024-07-01",
                           "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Close date cannot move past the quarter end",
                           ["CloseDate"]))

    outcomes = by_key(crm.apply(ids["opportunity"], approved(ids)))

    for key in ("chg_stage", "chg_close", "chg_amount"):  # one PATCH for the record: all refused together
        assert outcomes[key].status == "failed" and not outcomes[key].retryable
        assert "Close date cannot move past the quarter end" in outcomes[key].error
    assert fake.get("Opportunity", ids["opportunity"])["CloseDate"] == "2024-06-30"
    assert outcomes["tsk_sec"].status == "committed" and outcomes["chg_title"].status == "committed"


def test_partial_collection_failure_matches_results_by_position(fake, crm):
    ids = fake.ids
    fake.rules.append(Rule("Task", lambda v: "legal" in v.get("Subject", ""), "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                           "Legal tasks need a matter number", ["Subject"]))
    fake.rules.append(Rule("Task", lambda v: "locked" in v.get("Subject", ""), "UNABLE_TO_LOCK_ROW",
                           "unable to obtain exclusive access to this record"))
    writes = [CrmWrite(key=f"tsk_{n}", kind="task", object="Task", values={"Subject": subject})
              for n, subject in enumerate(["Book demo", "Loop in legal", "Send deck", "locked row", "Share notes"])]

    outcomes = crm.apply(ids["opportunity"], writes)

    assert [o.status for o in outcomes] == ["committed", "failed", "committed", "failed", "committed"]
    assert "Legal tasks need a matter number" in outcomes[1].error and not outcomes[1].retryable
    assert "UNABLE_TO_LOCK_ROW" in outcomes[3].error and outcomes[3].retryable
    created = {t["Subject"]: t["Id"] for t in fake.all("Task")}
    assert sorted(created) == ["Book demo", "Send deck", "Share notes"]
    assert [outcomes[i].record_id for i in (0, 2, 4)] == [created["Book demo"], created["Send deck"], created["Share notes"]]


def test_field_level_security_refusal_is_not_retryable(fake, crm):
    fake.rules.append(Rule("Contact", lambda v: "Title" in v, "INVALID_FIELD_FOR_INSERT_UPDATE",
                           "Unable to create/update fields: Title.", ["Title"]))
    outcomes = by_key(crm.apply(fake.ids["opportunity"], approved(fake.ids)))
    assert outcomes["chg_title"].status == "failed" and not outcomes["chg_title"].retryable
    assert "INVALID_FIELD_FOR_INSERT_UPDATE" in outcomes["chg_title"].error
    assert fake.get("Contact", fake.ids["maria"])["Title"] == "VP Operations"


def test_concurrent_edit_between_draft_and_commit_is_a_conflict(fake, crm):
    ids = fake.ids
    fake.edit("Opportunity", ids["opportunity"], StageName="Closed Lost", NextStep="Customer went elsewhere")

    outcomes = by_key(crm.apply(ids["opportunity"], approved(ids)))

    assert outcomes["chg_stage"].status == "conflict" and outcomes["chg_stage"].current == "Closed Lost"
    assert fake.get("Opportunity", ids["opportunity"])["StageName"] == "Closed Lost"
    assert outcomes["chg_close"].status == "committed"  # unchanged fields still go through (conditionally)
    assert fake.get("Opportunity", ids["opportunity"])["CloseDate"] == "2024-07-15"


def test_outage_then_recovery(fake, crm):
    ids = fake.ids
    fake.down_status = 503
    with pytest.raises(CrmUnavailable) as caught:
        crm.apply(ids["opportunity"], approved(ids))
    assert caught.value.retryable
    fake.down_status = None
    fake.stop()  # connection refused
    with pytest.raises(CrmUnavailable):
        crm.apply(ids["opportunity"], approved(ids))
    fake.server.start()  # same port

    outcomes = crm.apply(ids["opportunity"], approved(ids))

    assert all(o.status == "committed" for o in outcomes)
    assert len(fake.all("Task")) == 2
    assert fake.get("Opportunity", ids["opportunity"])["StageName"] == "Proposal/Price Quote"


def test_server_error_inside_composite_is_retryable(fake, crm):
    ids = fake.ids
    fake.fail_next("/composite", 500, errors("UNKNOWN_EXCEPTION", "An unexpected error occurred"))
    outcomes = crm.apply(ids["opportunity"], approved(ids))
    assert all(o.status == "failed" and o.retryable for o in outcomes)
    assert crm.apply(ids["opportunity"], approved(ids))[0].status == "committed"
