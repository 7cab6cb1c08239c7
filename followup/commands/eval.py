"""`python -m followup eval DIR`: score the extractor on labelled calls."""
from __future__ import annotations

import json
from pathlib import Path


def register(subparsers) -> None:
    cmd = subparsers.add_parser("eval", help="score the extractor against labelled calls")
    cmd.add_argument("dir", type=Path)
    cmd.add_argument("--json", action="store_true", help="print the scores as JSON")
    cmd.add_argument("--verbose", action="store_true", help="also list each contact role proposed wrongly or missed")
    cmd.add_argument("--llm", action="store_true",
                     help="score the model configured by FOLLOWUP_LLM and the region endpoints instead of the offline rules")
    cmd.set_defaults(func=run)


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def run(args) -> int:
    from followup.commands.extract import extractor
    from followup.drafting.evaluation import score_dir
    from followup.drafting.recap import draft_recap
    from followup.errors import InputError

    if not args.dir.is_dir():
        raise InputError(f"{args.dir}: not a folder of labelled calls")
    summary = score_dir(args.dir, extractor(args.llm), recap=draft_recap).summary()
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"calls: {summary['calls']}")
    if summary["model_outcomes"]:
        print("model calls: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["model_outcomes"].items())))
    print(f"next steps: recall {_fmt(summary['next_step_recall'])} (firm), precision {_fmt(summary['next_step_precision'])}")
    print(f"fields: precision {_fmt(summary['field_precision'])}, recall {_fmt(summary['field_recall'])}")
    for field, s in summary["per_field"].items():
        print(f"  {field:<26} precision {_fmt(s['precision'])}  recall {_fmt(s['recall'])}")
    levels = ", ".join(f"≥{t} {_fmt(s['precision'])} ({s['proposed']})" for t, s in summary["field_precision_at_confidence"].items())
    print(f"  by confidence: {levels}")
    print(f"contact roles: precision {_fmt(summary['contact_role_precision'])}, recall {_fmt(summary['contact_role_recall'])}")
    if args.verbose:
        for error in summary["contact_role_errors"]:
            print(f"  {error}")
    print(f"must-not-propose violations: {len(summary['must_not_propose_violations'])} {summary['must_not_propose_violations'] or ''}")
    print(f"PII leaks: {len(summary['pii_leaks'])} {summary['pii_leaks'] or ''}")
    print(f"ungrounded evidence quotes: {summary['ungrounded_evidence']} "
          f"(competitors/objections/facts: {summary['ungrounded_facts_evidence']})")
    return 0
