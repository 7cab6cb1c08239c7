"""`audit verify` proves every region's hash chain; `audit show PROPOSAL_ID` prints its trail."""
from __future__ import annotations

import json


def register(subparsers) -> None:
    audit = subparsers.add_parser("audit", help="audit ledger")
    sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = sub.add_parser("verify", help="verify the hash chain of every region's audit ledger")
    verify.set_defaults(func=run_verify)
    show = sub.add_parser("show", help="print the audit trail of one proposal")
    show.add_argument("proposal_id")
    show.set_defaults(func=run_show)


def verify_all(app) -> tuple[bool, list[str]]:
    ok, lines = True, []
    for region in app.regions:
        result = app.store(region).verify()
        ok &= result.ok
        if result.ok:
            lines.append(f"  {region}: {result.entries} entries, chain intact")
        else:
            lines.append(f"  {region}: TAMPERED at entry {result.first_bad_seq}: {result.problem}")
    return ok, lines


def run_verify(args) -> int:
    from followup.bootstrap import bootstrap

    ok, lines = verify_all(bootstrap())
    print("\n".join(lines))
    print(f"audit verify: {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1


def run_show(args) -> int:
    from followup.bootstrap import bootstrap

    app = bootstrap()
    store, _ = app.find(args.proposal_id)
    for entry in store.entries(args.proposal_id):
        e = entry.event
        print(f"{entry.seq:>5} {e.at:%Y-%m-%d %H:%M:%S} {e.name:<26} {e.actor:<38} {json.dumps(e.payload, default=str)}")
    return 0
