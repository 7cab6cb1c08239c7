"""`python -m followup extract TRANSCRIPT [--crm CRM.json] [--call-date YYYY-MM-DD] --json`."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def register(subparsers) -> None:
    cmd = subparsers.add_parser("extract", help="extract next steps, fields, roles and a recap from one transcript")
    cmd.add_argument("transcript", type=Path)
    cmd.add_argument("--crm", type=Path, help="CRM snapshot (crm.json shape)")
    cmd.add_argument("--call-date", type=dt.date.fromisoformat, help="call date (default: the snapshot's call.date)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object (the only output format)")
    cmd.add_argument("--llm", action="store_true",
                     help="use the model configured by FOLLOWUP_LLM and the region endpoints (offline rules as the fallback)")
    cmd.set_defaults(func=run)


def extractor(llm: bool):
    """The offline rule extractor, or with ``llm`` the bootstrapped app's model-backed one (region endpoints,
    prompt log in the region's store, rules as the fallback)."""
    from followup.drafting.rules import RuleExtractor

    if not llm:
        return RuleExtractor()
    from followup.bootstrap import bootstrap
    from followup.errors import ConfigError

    app = bootstrap()
    if app.settings.llm == "offline":
        raise ConfigError("--llm needs FOLLOWUP_LLM=azure or openai and FOLLOWUP_OPENAI_ENDPOINT_<REGION> for each region")
    return app.extractor


def run(args) -> int:
    from followup.domain.snapshot import load_snapshot, parse_snapshot
    from followup.drafting.recap import draft_recap
    from followup.drafting.transcript import load_transcript
    from followup.errors import InputError

    transcript = load_transcript(args.transcript)
    if args.crm:
        snapshot = load_snapshot(args.crm)
        if args.call_date:
            snapshot.call.date = args.call_date
    else:
        if not args.call_date:
            raise InputError("--call-date is required without --crm")
        snapshot = parse_snapshot({"Account": {"Id": "", "Name": ""}, "Opportunity": {"Id": "", "Name": "Opportunity"},
                                   "call": {"date": args.call_date.isoformat(), "rep": {"name": transcript.speakers[0]}}})
    extraction = extractor(args.llm).extract(transcript, snapshot)
    print(json.dumps(extraction.to_json(draft_recap(extraction, snapshot, transcript)), indent=2, ensure_ascii=False))
    return 0
