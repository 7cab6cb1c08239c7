"""Recap drafting time per dev call (retrieval, drafting, content checks), plus the PII masking
of the whole transcript that precedes a model call. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_recap.py [DEV_DIR]
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from followup.domain.snapshot import load_snapshot  # noqa: E402
from followup.drafting.recap import draft_recap  # noqa: E402
from followup.drafting.retrieval import Retriever  # noqa: E402
from followup.drafting.rules import RuleExtractor  # noqa: E402
from followup.drafting.transcript import load_transcript  # noqa: E402
from followup.drafting.voice import load_voice  # noqa: E402
from governance.pii import Masker  # noqa: E402

ROUNDS = 5
DEFAULT_DEV = ROOT.parent / "shared" / "scenarios" / "dev"


def _ms(fn, rounds=ROUNDS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main(dev: Path) -> None:
    folders = sorted(p for p in dev.iterdir() if (p / "crm.json").exists())
    if not folders:
        print(f"no dev calls under {dev}")
        return
    start = time.perf_counter()
    Retriever(load_voice().snippets)
    print(f"voice + FTS5 index load (once per worker): {(time.perf_counter() - start) * 1000:.1f} ms")
    print(f"{'call':34} {'turns':>5} {'words':>6} {'recap ms':>9} {'mask ms':>8}  checks")
    recap_times, mask_times = [], []
    for folder in folders:
        transcript = load_transcript(next(folder.glob("transcript.*")))
        snapshot = load_snapshot(folder / "crm.json")
        extraction = RuleExtractor().extract(transcript, snapshot)
        recap_ms, draft = _ms(lambda: draft_recap(extraction, snapshot, transcript))
        names = [c.Name for c in snapshot.Contacts] + [snapshot.call.rep.name] + transcript.speakers

        def mask_all():
            masker = Masker(names)
            return [masker.mask(t.text) for t in transcript.turns]

        mask_ms, _ = _ms(mask_all)
        recap_times.append(recap_ms)
        mask_times.append(mask_ms)
        words = sum(len(t.text.split()) for t in transcript.turns)
        ok = "all pass" if set(draft.checks.values()) == {"pass"} else draft.checks
        print(f"{folder.name:34} {len(transcript.turns):5d} {words:6d} {recap_ms:9.2f} {mask_ms:8.1f}  {ok}")
    print(f"recap drafting: median {statistics.median(recap_times):.2f} ms, max {max(recap_times):.2f} ms "
          f"(median of {ROUNDS} rounds per call)")
    print(f"transcript masking before a model call: median {statistics.median(mask_times):.1f} ms, max {max(mask_times):.1f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEV)
