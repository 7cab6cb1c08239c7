"""SalesforceCrm reads, org metadata from real describe payloads, validation before sending, logins, batching."""
from __future__ import annotations

import pytest

from followup.adapters.salesforce import SalesforceCrm, SalesforceSettings
from followup.domain.snapshot import parse_snapshot
from followup.errors import ConfigError, CrmAuthError, CrmRejected, CrmUnavailable
from followup.ports import CrmWrite
from tests.integration.sf_fake import SalesforceFake, rsa_keypair, seed_org

pytestmark = pytest.mark.integration

STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
          "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost"]


@pytest.fixture(scope="module")
def keypair():
    return rsa_keypair()


@pytest.fixture
def fake(tmp_path, keypair):
    server = SalesforceFake(jwt_public_key=keypair[1], password="s3cret" + "TOKEN").start(tmp_path)
    server.ids = seed_org(server)
    yield server
    server.stop()


@pytest.fixture
def crm(fake, keypair):
    return SalesforceCrm(SalesforceSettings(
        username="integration@example.com", consumer_key="3MVG9fake", private_key_pem=keypair[0],
        token_url=f"{fake.url}/services/oauth2/token", verify=fake.ca_path))


def test_snapshot_is_one_query_and_fits_the_snapshot_model(fake, crm):
    snap = crm.snapshot(fake.ids["opportunity"])

    assert crm.api_calls == 1 and len(fake.calls("/query")) == 1
    assert snap["Opportunity"]["StageName"] == "Qualification" and snap["Account"]["BillingCountry"] == "Germany"
    assert [(c["Name"], c["Role"]) for c in snap["Contacts"]] == [("Maria Anders", "Decision Maker")]
    model = parse_snapshot({**snap, "call": {"date": "2024-05-01", "rep": {"name": "Ana Rep"}}})
    assert model.Opportunity.LastModifiedDate == fake.get("Opportunity", fake.ids["opportunity"])["LastModifiedDate"]


def test_current_values_reads_fields_and_contact_roles_in_one_query(fake, crm):
    ids = fake.ids
    wanted = [("Opportunity", ids["opportunity"], "Amount"), ("Contact", ids["maria"], "Role"),
              ("Contact", ids["tom"], "Role"), ("Contact", ids["maria"], "Title")]
    values = crm.current_values(ids["opportunity"], wanted)
    assert values == {wanted[0]: 120000.0, wanted[1]: "Decision Maker", wanted[2]: None, wanted[3]: "VP Operations"}
    assert crm.api_calls == 1


def test_metadata_comes_from_the_org_describe_once(fake, crm):
    assert crm.picklist("Opportunity.StageName") == STAGES
    assert "Technical Buyer" in crm.picklist("Contact.Role")  # OpportunityContactRole.Role
    assert crm.picklist("Opportunity.NextStep") is None
    assert crm.updateable("Opportunity.CloseDate") and crm.updateable("Contact.Title")
    assert not crm.updateable("Opportunity.LastModifiedDate") and not crm.updateable("Contact.Name")
    assert not crm.updateable("Opportunity.NoSuchField__c")
    assert crm.api_calls == 1 and len(fake.calls("/composite/batch")) == 1


@pytest.mark.parametrize("name, value, message", [
    ("StageName", "Closed - Won", "not an active Opportunity.StageName value"),
    ("StageName", "closed won", "not an active Opportunity.StageName value"),
    ("CloseDate", "next Friday", "takes a date"),
    ("Amount", "about 50k", "takes a currency number"),
    ("NextStep", "x" * 256, "at most 255 characters"),
    ("LastModifiedDate", "2024-05-02T00:00:00.000+0000", "not updateable"),
])
def test_values_the_org_would_refuse_are_refused_before_sending(fake, crm, name, value, message):
    opp = fake.ids["opportunity"]
    before = fake.get("Opportunity", opp).get(name)
    write = CrmWrite(key="chg_x", kind="field", object="Opportunity", record_id=opp, field=name, before=before, after=value)

    [outcome] = crm.apply(opp, [write])

    assert outcome.status == "failed" and not outcome.retryable and message in outcome.error
    assert fake.calls("/composite") == [] and fake.get("Opportunity", opp).get(name) == before
    with pytest.raises(CrmRejected):
        crm.validate(f"Opportunity.{name}", value)


def test_non_updateable_field_is_refused_while_the_rest_commits(fake, crm):
    ids = fake.ids
    writes = [CrmWrite(key="chg_name", kind="field", object="Contact", record_id=ids["maria"], field="Name",
                       before="Maria Anders", after="Maria Anders-Berg"),
              CrmWrite(key="chg_next", kind="field", object="Opportunity", record_id=ids["opportunity"],
                       field="NextStep", before="Send pricing", after="Security review on Friday")]
    name, next_step = crm.apply(ids["opportunity"], writes)
    assert name.status == "failed" and "Contact.Name is not updateable" in name.error
    assert next_step.status == "committed"
    assert fake.get("Contact", ids["maria"])["Name"] == "Maria Anders"
    assert fake.get("Opportunity", ids["opportunity"])["NextStep"] == "Security review on Friday"


def test_contact_role_creates_are_idempotent(fake, crm):
    ids = fake.ids
    role = CrmWrite(key="rol_tom", kind="contact_role", object="OpportunityContactRole",
                    values={"ContactId": ids["tom"], "Role": "Evaluator"})
    clash = CrmWrite(key="rol_maria", kind="contact_role", object="OpportunityContactRole",
                     values={"ContactId": ids["maria"], "Role": "Influencer"})
    first = crm.apply(ids["opportunity"], [role, clash])
    second = crm.apply(ids["opportunity"], [role])
    assert [o.status for o in first] == ["committed", "conflict"] and first[1].current == "Decision Maker"
    assert second[0].status == "committed" and second[0].record_id == first[0].record_id
    assert [r["Role"] for r in fake.all("OpportunityContactRole", ContactId=ids["tom"])] == ["Evaluator"]


def test_hundreds_of_creates_travel_as_collections_in_one_composite(fake, crm):
    writes = [CrmWrite(key=f"tsk_{n}", kind="task", object="Task", values={"Subject": f"Follow up {n}"}) for n in range(250)]
    outcomes = crm.apply(fake.ids["opportunity"], writes)
    assert all(o.status == "committed" for o in outcomes) and len(fake.all("Task")) == 250
    [composite] = fake.calls("/composite")
    sizes = [len(s["body"]["records"]) for s in composite["json"]["compositeRequest"]]
    assert sizes == [200, 50]
    assert len({o.record_id for o in outcomes}) == 250


def test_password_flow_logs_in_and_wrong_secret_is_an_auth_error(fake):
    settings = dict(username="integration@example.com", consumer_key="3MVG9fake", consumer_secret="cs",
                    password="s3cret", security_token="TOKEN", token_url=f"{fake.url}/services/oauth2/token",
                    verify=fake.ca_path)
    crm = SalesforceCrm(SalesforceSettings(**settings))
    assert crm.snapshot(fake.ids["opportunity"])["Account"]["Name"] == "Northwind Traders"
    assert fake.token_requests[-1]["grant_type"] == "password"
    with pytest.raises(CrmAuthError, match="authentication failure"):
        SalesforceCrm(SalesforceSettings(**{**settings, "security_token": "WRONG"})).snapshot(fake.ids["opportunity"])


def test_jwt_signed_with_another_key_is_refused(fake):
    other_private, _ = rsa_keypair()
    crm = SalesforceCrm(SalesforceSettings(username="integration@example.com", consumer_key="3MVG9fake",
                                           private_key_pem=other_private, token_url=f"{fake.url}/services/oauth2/token",
                                           verify=fake.ca_path))
    with pytest.raises(CrmAuthError, match="invalid assertion"):
        crm.snapshot(fake.ids["opportunity"])
    assert fake.requests == []


def test_untrusted_certificate_is_unavailable_not_ignored(fake, keypair):
    crm = SalesforceCrm(SalesforceSettings(username="integration@example.com", consumer_key="3MVG9fake",
                                           private_key_pem=keypair[0], token_url=f"{fake.url}/services/oauth2/token"))
    with pytest.raises(CrmUnavailable, match="unreachable"):
        crm.snapshot(fake.ids["opportunity"])
    assert fake.token_requests == []


def test_settings_need_one_complete_auth_flow():
    with pytest.raises(ConfigError):
        SalesforceSettings(username="u@example.com", consumer_key="k")
    with pytest.raises(ConfigError):
        SalesforceSettings(username="u@example.com", consumer_key="k", private_key_pem="pem", domain="prod")
    assert SalesforceSettings(username="u", consumer_key="k", private_key_pem="p", domain="test").oauth_token_url \
        == "https://test.salesforce.com/services/oauth2/token"
