"""End-to-end flow timing on the sample calls: ingest (parse, extract, recap, gate, store),
bulk approval, commit to the sandbox CRM, and audit verification. Prints figures; asserts nothing."""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from followup.bootstrap import bootstrap  # noqa: E402
from followup.commands.demo import call_folders  # noqa: E402
from followup.config import Settings  # noqa: E402
from followup.domain.snapshot import load_snapshot  # noqa: E402

ROUNDS = 5


def main() -> None:
    calls = [(t.read_text(encoding="utf-8"), load_snapshot(c)) for t, c in call_folders(ROOT / "samples")]
    timings: dict[str, list[float]] = {"ingest": [], "approve_all": [], "commit": [], "verify": []}
    calls_per_proposal: list[float] = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            now = {"t": dt.datetime(2026, 11, 18, 14, 0, tzinfo=dt.timezone.utc)}
            app = bootstrap(Settings(data_dir=Path(tmp)), clock=lambda: now["t"])
            for text, snap in calls:
                app.crm.seed(snap)
                t0 = time.perf_counter()
                p = app.ingest(text, snap)
                t1 = time.perf_counter()
                app.approve_all(p.id, app.actor_for(snap.call.rep.user_id or "rep"))
                t2 = time.perf_counter()
                timings["ingest"].append((t1 - t0) * 1000)
                timings["approve_all"].append((t2 - t1) * 1000)
            now["t"] += dt.timedelta(minutes=121)
            app.sweep()
            before = app.crm.api_calls
            t0 = time.perf_counter()
            committed = app.commit_due()
            timings["commit"].append((time.perf_counter() - t0) * 1000 / max(1, len(committed)))
            calls_per_proposal.append((app.crm.api_calls - before) / max(1, len(committed)))
            t0 = time.perf_counter()
            for region in app.regions:
                app.store(region).verify()
            timings["verify"].append((time.perf_counter() - t0) * 1000)
    for name, values in timings.items():
        print(f"{name:<12} median {statistics.median(values):8.2f} ms   max {max(values):8.2f} ms   (n={len(values)})")
    print(f"CRM calls per committed proposal ({app.crm.label}): {statistics.mean(calls_per_proposal):.1f}")


if __name__ == "__main__":
    main()
