"""`python -m followup replay PROMPT_ID [--region REGION] [--json]`

Re-runs a logged model call: the stored masked prompt goes to the model endpoint of the region
the entry was logged in (never another region's), with the logged parameters. Prints the
original and the new response. Needs ``FOLLOWUP_LLM=azure|openai`` and that region's endpoint.
"""
from __future__ import annotations

import json


def register(subparsers) -> None:
    cmd = subparsers.add_parser("replay", help="re-run a logged model prompt against its region's endpoint")
    cmd.add_argument("prompt_id", help="prompt log entry id (prm_...)")
    cmd.add_argument("--region", help="region whose prompt log holds the entry (default: search all regions)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object")
    cmd.set_defaults(func=run)


def replay_prompt(entry, client) -> str:
    """Send ``entry.masked_prompt`` again with the logged parameters; returns the new response text."""
    from followup.drafting.llm_extractor import response_format

    params = entry.parameters or {}
    structured = params.get("response_format") == "call_extraction"
    reply = client.complete([dict(m) for m in entry.masked_prompt],
                            response_format=response_format() if structured else None,
                            timeout_s=float(params.get("timeout_s", 20.0)),
                            temperature=params.get("temperature", 0.0), seed=params.get("seed"))
    return reply.text


def find_entry(app, prompt_id: str, region: str | None = None):
    from followup.errors import FollowupError, ProposalNotFound

    for name in [region] if region else app.regions:
        try:
            return app.store(name).get_prompt(prompt_id)
        except ProposalNotFound:
            continue
        except FollowupError:
            if region:
                raise
    raise ProposalNotFound(f"no prompt log entry {prompt_id!r}" + (f" in region {region}" if region else ""))


def run(args, app=None, client_for_region=None) -> int:
    from followup.adapters.llm_openai import client_factory, endpoints_from_settings
    from followup.bootstrap import bootstrap

    app = app or bootstrap()
    entry = find_entry(app, args.prompt_id, args.region)
    if client_for_region is None:
        client_for_region = client_factory(endpoints_from_settings(app.settings, app.regions))
    client = client_for_region(entry.region)
    response = replay_prompt(entry, client)
    if args.json:
        print(json.dumps({"id": entry.id, "region": entry.region, "endpoint": client.endpoint, "model": client.model,
                          "original": entry.response, "replayed": response}, ensure_ascii=False, indent=2))
    else:
        print(f"prompt {entry.id} ({entry.purpose}, region {entry.region}, logged outcome {entry.outcome})")
        print(f"endpoint: {client.endpoint}  model: {client.model}")
        print("--- original response ---")
        print(entry.response or "(none)")
        print("--- replayed response ---")
        print(response)
    return 0
