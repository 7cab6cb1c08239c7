"""Card build time and in-process invoke round trip for a 40-change proposal. Prints figures.

- build: ``approval_card`` for the rep (40 changes + 1 task), JSON-serialised, size in KB.
- invoke: a ``field.approve`` tap through the activity handler and the HTTP bridge's turn
  processing (activity JSON in → InvokeResponse JSON out), store write included, no network.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cards import approval_card  # noqa: E402
from bot.http_bridge import BotBridge  # noqa: E402
from bot.sample import sample_proposal  # noqa: E402
from followup.adapters.sandbox_crm import SandboxCrm  # noqa: E402
from followup.bootstrap import bootstrap  # noqa: E402
from followup.config import Settings  # noqa: E402

ROUNDS = 50
T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)


def ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms (n={len(ordered)})"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = bootstrap(Settings(data_dir=Path(tmp)), crm=SandboxCrm(Path(tmp) / "crm.sqlite"), clock=lambda: T0)
        rep = app.actor_for("rep-1")
        proposal = sample_proposal(app.policy, changes=40, now=T0)
        build = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            raw = json.dumps(approval_card(proposal, rep, app.policy, app.crm.picklist))
            build.append(time.perf_counter() - start)
        print(f"card build (40 changes): {ms(build)}, {len(raw.encode()) / 1024:.1f} KB")

        bridge = BotBridge(app)
        store = app.store("us-east")
        invoke = []

        async def tap(p, item_id) -> dict:
            activity = {"type": "invoke", "name": "adaptiveCard/action", "id": "a", "channelId": "msteams",
                        "serviceUrl": "http://127.0.0.1:9/", "from": {"id": "29:u", "aadObjectId": "rep-1"},
                        "recipient": {"id": "28:bot"}, "conversation": {"id": "c"},
                        "value": {"action": {"type": "Action.Execute", "verb": "field.approve",
                                             "data": {"proposal_id": p.id, "item_id": item_id, "version": p.version}}}}
            result = await bridge.messages(json.dumps(activity).encode(), None)
            assert result.status == 200 and result.body["statusCode"] == 200
            return result.body

        async def run() -> None:
            for _ in range(ROUNDS // 5):
                p = sample_proposal(app.policy, changes=40, now=T0)
                store.add_with_events(p)
                p = app.get(p.id)
                for change in [c for c in p.changes if c.field == "CloseDate"][:5]:
                    start = time.perf_counter()
                    body = await tap(p, change.id)
                    invoke.append(time.perf_counter() - start)
                    assert "Approved Close date." in json.dumps(body)
                    p = app.get(p.id)

        asyncio.run(run())
        print(f"invoke round trip (field.approve, 40-change card answered): {ms(invoke)}")


if __name__ == "__main__":
    main()
