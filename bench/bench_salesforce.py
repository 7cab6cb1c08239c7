"""Salesforce writeback cost per approved proposal: API calls and wall time, against the HTTPS loopback fake.

    .venv/bin/python bench/bench_salesforce.py [--proposals 50]

Each proposal writes 3 Opportunity fields, a contact role, a contact title, a follow-up Task and the
recap (completed email Task). Prints API calls and median / p95 wall time for: a first commit, a
retry of an already committed proposal, and a commit that loses a race to one concurrent edit
(412, re-read, untouched fields re-sent once under a fresh condition).
The fake answers from memory on loopback: times show the adapter's and simple-salesforce's own
overhead plus TLS round trips, not Salesforce's server time.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from followup.adapters.salesforce import SalesforceCrm, SalesforceSettings  # noqa: E402
from followup.ports import CrmWrite  # noqa: E402
from tests.integration.sf_fake import SalesforceFake, rsa_keypair, seed_org  # noqa: E402


def writes(ids: dict[str, str], n: int) -> list[CrmWrite]:
    opp = ids["opportunity"]

    def field(key, obj, rec, name, before, after):
        return CrmWrite(key=f"{key}_{n}", kind="field", object=obj, record_id=rec, field=name, before=before, after=after)

    return [
        field("chg_stage", "Opportunity", opp, "StageName", "Qualification", "Proposal/Price Quote"),
        field("chg_close", "Opportunity", opp, "CloseDate", "2024-06-30", "2024-07-15"),
        field("chg_amount", "Opportunity", opp, "Amount", 120000.0, 150000.0),
        field("chg_role", "Contact", ids["tom"], "Role", None, "Technical Buyer"),
        field("chg_title", "Contact", ids["maria"], "Title", "VP Operations", "COO"),
        CrmWrite(key=f"tsk_{n}", kind="task", object="Task", values={"Subject": "Send security questionnaire",
                                                                      "ActivityDate": "2024-05-10"}),
        CrmWrite(key=f"rcp_{n}", kind="activity", object="Task", values={"Subject": "Recap", "Description": "Thanks!"}),
    ]


def run(crm: SalesforceCrm, opportunity_id: str, batch: list[CrmWrite]) -> tuple[int, float, list[str]]:
    calls, start = crm.api_calls, time.perf_counter()
    outcomes = crm.apply(opportunity_id, batch)
    return crm.api_calls - calls, (time.perf_counter() - start) * 1000, [o.status for o in outcomes]


def report(name: str, rows: list[tuple[int, float, list[str]]]) -> None:
    calls = sorted({r[0] for r in rows})
    times = sorted(r[1] for r in rows)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    statuses = sorted({s for r in rows for s in r[2]})
    print(f"{name:<34} api calls/proposal {'/'.join(map(str, calls)):<6} median {statistics.median(times):7.1f} ms"
          f"   p95 {p95:7.1f} ms   outcomes {','.join(statuses)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=50)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    private, public = rsa_keypair()
    with tempfile.TemporaryDirectory() as tmp:
        fake = SalesforceFake(jwt_public_key=public).start(Path(tmp))
        try:
            crm = SalesforceCrm(SalesforceSettings(username=fake.username, consumer_key=fake.consumer_key,
                                                   private_key_pem=private, verify=fake.ca_path,
                                                   token_url=f"{fake.url}/services/oauth2/token"))
            start = time.perf_counter()
            crm.metadata()
            print(f"login + describe batch (once per worker): {crm.api_calls} api call, {crm.logins} token request, "
                  f"{(time.perf_counter() - start) * 1000:.1f} ms")
            first, retry, race = [], [], []
            for n in range(args.proposals):
                ids = seed_org(fake)
                batch = writes(ids, n)
                first.append(run(crm, ids["opportunity"], batch))
                retry.append(run(crm, ids["opportunity"], batch))
                ids = seed_org(fake)

                def someone_edits(opp=ids["opportunity"]):
                    fake.before_composite = None  # one concurrent edit, just before the write lands
                    fake.edit("Opportunity", opp, Amount=1.0)

                fake.before_composite = someone_edits
                race.append(run(crm, ids["opportunity"], writes(ids, n)))
            print(f"{args.proposals} proposals, 7 writes each (3 Opportunity fields, role, title, task, recap):")
            report("first commit", first)
            report("retry of a committed proposal", retry)
            report("lost race (412, re-read, re-send)", race)
        finally:
            fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
