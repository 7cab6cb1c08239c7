"""`outbox run`: expire timed-out approvals and commit what is due (what the timer trigger does)."""
from __future__ import annotations


def register(subparsers) -> None:
    outbox = subparsers.add_parser("outbox", help="commit outbox")
    sub = outbox.add_subparsers(dest="outbox_command", required=True)
    run = sub.add_parser("run", help="expire timed-out approvals, then commit approved changes that are due")
    run.set_defaults(func=run_outbox)


def run_outbox(args) -> int:
    from followup.bootstrap import bootstrap

    app = bootstrap()
    expired = app.sweep()
    committed = app.commit_due()
    print(f"expired: {len(expired)} proposal(s); commit attempts: {len(committed)} ({app.crm.label})")
    for p in committed:
        print(f"  {p.id} {p.region}: {p.status.value}")
    return 0
