"""`python -m followup demo`: the whole one-call flow on embedded defaults, for each sample call.

transcript + CRM snapshot → proposal (recap, field changes, tasks) → decisions by the rep and a
manager → timeout sweep → commit to the local sandbox CRM → brief → audit verify. The demo runs
on a simulated clock starting at 14:00 UTC on each call's date so timeouts and the change window
are shown deterministically; its data lives in ``<data_dir>/demo`` and is reset on every run.
"""
from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

from followup.domain.proposal import FieldChange, ItemStatus, ProposedItem
from followup.domain.snapshot import load_snapshot

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
TRANSCRIPT_NAMES = ("transcript.vtt", "transcript.txt", "transcript.json", "transcript.md")
MANAGER_ID = "00000000-0000-0000-0000-00000000f00d"


def register(subparsers) -> None:
    demo = subparsers.add_parser("demo", help="run sample calls end to end on embedded defaults")
    demo.add_argument("--samples", type=Path, default=SAMPLES, help="folder of call folders (transcript + crm.json)")
    demo.set_defaults(func=run_demo)


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


def call_folders(root: Path) -> list[tuple[Path, Path]]:
    from followup.errors import InputError

    if not root.is_dir():
        raise InputError(f"{root}: samples folder not found")
    calls = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        transcript = next((folder / n for n in TRANSCRIPT_NAMES if (folder / n).exists()), None)
        if transcript is None:
            raise InputError(f"{folder}: no transcript ({', '.join(TRANSCRIPT_NAMES)})")
        calls.append((transcript, folder / "crm.json"))
    if not calls:
        raise InputError(f"{root}: no call folders")
    return calls


def _value(value) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return str(value)


def _quote(item: ProposedItem, width: int = 90) -> str:
    if not item.evidence:
        return ""
    return textwrap.shorten(item.evidence[0].quote, width=width, placeholder="…")


def describe(item: ProposedItem) -> str:
    gate = item.gate.label
    if isinstance(item, FieldChange):
        head = f"{item.qualified_field}: {_value(item.before)} → {_value(item.after)}"
    else:
        due = item.due_date.isoformat() if item.due_date else "no date"
        head = f"Task: {item.subject} [owner {item.owner_name}, due {due}{', tentative' if item.tentative else ''}]"
    return f'{head} ({item.confidence:.2f}, {gate}, "{_quote(item)}")'


def run_demo(args) -> int:
    from followup.bootstrap import bootstrap
    from followup.commands.audit import verify_all
    from followup.config import load_settings
    from followup.services.brief import render_text

    calls = call_folders(args.samples)
    settings = load_settings()
    data_dir = settings.data_dir / "demo"
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = settings.model_copy(update={"data_dir": data_dir, "role_map": {MANAGER_ID: "Manager"}})
    clock = Clock()
    app = bootstrap(settings, clock=clock)
    print(f"Sales Follow-Up Copilot demo — policy {settings.policy_path.name}, CRM: {app.crm.label}, "
          f"store: SQLite per region under {data_dir}/, drafting: {settings.llm}\n")

    for transcript_path, crm_path in calls:
        snapshot = load_snapshot(crm_path)
        text = transcript_path.read_text(encoding="utf-8")
        if hasattr(app.crm, "seed"):
            app.crm.seed(snapshot)
        clock.now = dt.datetime.combine(snapshot.call.date, dt.time(14, 0), tzinfo=dt.timezone.utc)
        proposal = app.ingest(text, snapshot, source=str(transcript_path))
        print("=" * 100)
        print(f"{transcript_path.parent.name}: {snapshot.Opportunity.Name} — {snapshot.Account.BillingCountry} → region {proposal.region}")
        if proposal.recap is None:
            print("Recap: not drafted (actions.recap_email.enabled is false)")
        else:
            print(f"Recap: {proposal.recap.subject}  (from {proposal.recap.sender}, drafted in {proposal.recap.draft_ms} ms)")
            opening = " ".join(proposal.recap.body.split())[:220]
            print(f"  {opening}…")
            failed_checks = {k: v for k, v in proposal.recap.checks.items() if v != "pass"}
            print(f"  content checks: {'all pass' if not failed_checks else failed_checks}")
        print("Proposed changes:")
        for change in proposal.changes:
            print(f"  {describe(change)}")
        for blocked in proposal.blocked:
            print(f"  (not proposed: {blocked.field} = {blocked.value!r}: {blocked.reason})")
        print("Tasks:")
        for task in proposal.tasks:
            print(f"  {describe(task)}")

        rep = app.actor_for(snapshot.call.rep.user_id or "rep", snapshot.call.rep.name)
        manager = app.actor_for(MANAGER_ID, "Sales Manager")
        clock.now += dt.timedelta(minutes=2)
        app.recap_sent(proposal.id, rep)
        print(f"Recap sent by {rep.name} after 2 minutes (opened in Outlook from the card)")
        clock.now += dt.timedelta(minutes=4)
        proposal, n = app.approve_all(proposal.id, rep)
        print(f"Approval: rep {rep.name} bulk-approved {n} high-confidence item(s)")
        for item in [i for i in proposal.pending if i.gate.approver_role == "Manager"]:
            if item.gate.meets_threshold or item.gate.field == "Opportunity.Amount":
                proposal = app.decide(proposal.id, item.id, "approve", manager)
                level = "" if item.gate.meets_threshold else " explicitly (low confidence: never bulk-approved)"
                print(f"  manager approved {item.gate.field}{level}" + (f" → {item.gate.additional_step}" if item.gate.additional_step else ""))
            else:
                proposal = app.decide(proposal.id, item.id, "decline", manager, reason_code="premature",
                                      reason_text="needs a firmer signal")
                print(f"  manager declined {item.gate.field} (premature: below {item.gate.confidence_min:.2f})")
        if proposal.pending:
            print(f"  {len(proposal.pending)} low-confidence item(s) left for the rep; the timeout decides them")

        if transcript_path.parent.name.startswith("03"):
            app.crm.edit("Opportunity", snapshot.Opportunity.Id, Amount=90000)
            print("  meanwhile someone edits Opportunity.Amount directly in the CRM (90,000)")

        clock.now += dt.timedelta(minutes=app.policy.approvals.default.timeout_minutes)
        app.sweep()
        app.commit_due()
        proposal = app.get(proposal.id)
        print(f"Commit ({app.crm.label}): proposal {proposal.status.value}")
        for item in proposal.items:
            if item.status in (ItemStatus.PENDING,):
                continue
            note = f" — {item.commit_note}" if item.commit_note and item.status != ItemStatus.COMMITTED else ""
            reason = f" ({item.decision.reason_code.value})" if item.decision and item.decision.reason_code else ""
            print(f"  {item.status.value:<10} {item.gate.field}{reason}{note}")
        print()

    print("=" * 100)
    brief = app.brief(hours=72)
    print(render_text(brief))
    ok, lines = verify_all(app)
    print("\n".join(lines))
    print(f"audit verify: {'OK' if ok else 'FAILED'}")
    return 0 if ok else 1
