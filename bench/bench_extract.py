"""Extraction time for a one-hour transcript (~9,000 words) and per sample format. Prints figures."""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from followup.domain.snapshot import load_snapshot  # noqa: E402
from followup.drafting.rules import RuleExtractor  # noqa: E402
from followup.drafting.transcript import Transcript, load_transcript  # noqa: E402

RUNS = 7


def timed(fn) -> float:
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    extractor = RuleExtractor()
    folders = sorted(p for p in (ROOT / "samples").iterdir() if p.is_dir())
    calls = [(load_transcript(next(f.glob("transcript.*"))), load_snapshot(f / "crm.json")) for f in folders]
    for (transcript, snapshot), folder in zip(calls, folders):
        ms = timed(lambda: extractor.extract(transcript, snapshot))
        print(f"{folder.name:<28} {transcript.format:<14} {sum(len(t.text.split()) for t in transcript.turns):>6} words  {ms:7.2f} ms")
    turns, snapshot = [], calls[0][1]
    while sum(len(t.text.split()) for t in turns) < 9000:
        for transcript, _ in calls:
            turns.extend(transcript.turns)
    hour = Transcript(format="speaker_lines", turns=turns)
    words = sum(len(t.text.split()) for t in turns)
    ms = timed(lambda: extractor.extract(hour, snapshot))
    print(f"one-hour transcript: {words} words, {len(turns)} turns, extraction median {ms:.1f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
