"""Region store latency per operation: embedded SQLite vs. the local Cosmos DB API server; and the
recap's playbook search: embedded FTS5 vs. CosmosSnippetIndex on the same server.

    .venv/bin/python bench/bench_store.py [--rounds 200] [--ledger 1000] [--searches 10]

Prints median / p95 per operation; asserts nothing. The Cosmos figures come from
@vercel/cosmosdb-server on loopback (in-memory, no RU accounting, no replication): they show the
store's round trips and client overhead, not what a real Cosmos DB account costs or answers in.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from followup.adapters.sqlite_store import SqliteRegionStore  # noqa: E402
from followup.domain.events import DomainEvent  # noqa: E402
from followup.domain.proposal import Proposal, RecapDraft  # noqa: E402

REGION = "us-east"
T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)


def proposal() -> Proposal:
    p = Proposal(region=REGION, account_id="001A", account_name="Acme", opportunity_id="006A", opportunity_name="Acme - Platform",
                 rep_name="Priya Shah", call_date=dt.date(2026, 11, 17), expires_at=T0 + dt.timedelta(days=3),
                 recap=RecapDraft(subject="Recap", body="Thanks for the call. " * 40))
    p.record("ProposalDrafted", items=6)
    return p


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def report(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(f"  {label:<34} n={len(samples):<5} median {statistics.median(samples):8.2f} ms   p95 {p95:8.2f} ms")


def run(name: str, store, rounds: int, ledger: int) -> None:
    print(f"{name}")
    p = proposal()
    report("add_with_events (1 event)", [timed(lambda: store.add_with_events(p))])
    saves, gets = [], []
    for i in range(rounds):
        p = store.get(p.id)
        p.record("ItemApproved", item=f"chg_{i}")
        p.record("ProposalStatusChanged", before="a", after="b")
        saves.append(timed(lambda: store.save_with_events(p)))
        gets.append(timed(lambda: store.get(p.id)))
    report("save_with_events (2 events)", saves)
    report("get", gets)
    appends = [timed(lambda: store.append(DomainEvent(name="ItemEdited", proposal_id=p.id, region=REGION, payload={"n": i})))
               for i in range(max(0, ledger - 1 - 2 * rounds))]
    if appends:
        report("append (1 event)", appends)
    count = len(store.entries())
    verify = [timed(store.verify) for _ in range(3)]
    report(f"verify ({count} entries)", verify)


def search_queries() -> list[str]:
    from followup.drafting.voice import load_voice

    snippets = load_voice().snippets
    return [" ".join(s.triggers) for s in snippets] + [f"{s.title} {s.recap_line}" for s in snippets]


def run_search(index, passes: int) -> None:
    queries = search_queries()
    samples = [timed(lambda: index.search(q, 5)) for _ in range(passes) for q in queries]
    report(f"playbook search (k=5, {len(queries)} queries)", samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="saves and gets per store")
    parser.add_argument("--ledger", type=int, default=1000, help="audit entries before timing verify")
    parser.add_argument("--searches", type=int, default=10, help="passes over the playbook search queries")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")

    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite (file in a temp dir)", SqliteRegionStore(Path(tmp) / f"{REGION}.sqlite", REGION), args.rounds, args.ledger)
    from followup.drafting.retrieval import Retriever
    from followup.drafting.voice import load_voice

    print("FTS5 playbook index (SQLite in memory, the recap's embedded default)")
    run_search(Retriever(load_voice().snippets), args.searches)

    from followup.adapters.cosmos_store import CosmosRegionStore
    from tests.integration.cosmos_server import KEY, CosmosServer, available

    reason = available()
    if reason:
        print(f"Cosmos emulator skipped: {reason}")
        return
    server = CosmosServer()
    try:
        store = CosmosRegionStore.connect(server.endpoint, KEY, "bench", REGION, create=True)
        run("Cosmos API emulator (@vercel/cosmosdb-server, loopback HTTPS; NOT real Cosmos DB latency or RU cost)",
            store, args.rounds, args.ledger)
        from followup.adapters.cosmos_snippets import CosmosSnippetIndex
        from followup.drafting.voice import load_voice

        index = CosmosSnippetIndex.connect(server.endpoint, KEY, "bench", REGION, create=True)
        report("playbook sync (first, all written)", [timed(lambda: index.sync(load_voice().snippets))])
        report("playbook sync (unchanged)", [timed(lambda: index.sync(load_voice().snippets))])
        run_search(index, args.searches)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
