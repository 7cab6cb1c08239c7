"""Call transcripts in the formats reps have: Teams WebVTT, `Name: text` lines,
`[hh:mm:ss] Name: text` lines, JSON turn lists, and free-form notes."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from followup.errors import TranscriptError

VTT_CUE = re.compile(r"<v\s+([^>]+)>(.*?)(?:</v>|$)", re.S)
VTT_TIME = re.compile(r"(\d{1,2}:)?(\d{2}):(\d{2})[.,](\d{3})\s+-->")
TIMESTAMPED = re.compile(r"^\[(\d{1,2}):(\d{2}):(\d{2})\]\s*([^:\]]{1,60}):\s*(.+)$")
SPEAKER_LINE = re.compile(r"^([A-Z][^:\n]{0,50}?):\s+(.+)$")


class Turn(BaseModel):
    speaker: str
    text: str
    start: float | None = None


class Transcript(BaseModel):
    format: Literal["vtt", "speaker_lines", "timestamped", "json", "notes"]
    turns: list[Turn]

    @property
    def speakers(self) -> list[str]:
        seen: list[str] = []
        for turn in self.turns:
            if turn.speaker not in seen:
                seen.append(turn.speaker)
        return seen


def normalize_speaker(name: str) -> str:
    name = re.sub(r"\s*\((External|Guest|Extern)\)\s*$", "", name.strip(), flags=re.I)
    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}"
    return " ".join(name.split())


def _merge(turns: list[Turn]) -> list[Turn]:
    merged: list[Turn] = []
    for turn in turns:
        if merged and merged[-1].speaker == turn.speaker:
            merged[-1] = Turn(speaker=turn.speaker, text=f"{merged[-1].text} {turn.text}", start=merged[-1].start)
        else:
            merged.append(turn)
    return merged


def _parse_vtt(text: str) -> list[Turn]:
    turns, start = [], None
    for line in text.splitlines():
        time = VTT_TIME.search(line)
        if time:
            h = int((time.group(1) or "0:")[:-1])
            start = h * 3600 + int(time.group(2)) * 60 + int(time.group(3)) + int(time.group(4)) / 1000
            continue
        for speaker, body in VTT_CUE.findall(line):
            if body.strip():
                turns.append(Turn(speaker=normalize_speaker(speaker), text=body.strip(), start=start))
    return _merge(turns)


def _parse_json(text: str, source: str) -> list[Turn]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"{source}: not valid JSON ({exc})") from None
    if isinstance(data, dict):
        data = data.get("turns") or data.get("transcript")
    if not isinstance(data, list):
        raise TranscriptError(f"{source}: JSON transcript must be a list of turns")
    turns = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("speaker"), str) or not isinstance(item.get("text"), str):
            raise TranscriptError(f"{source}: turn {i} needs string 'speaker' and 'text'")
        start = item.get("start")
        turns.append(Turn(speaker=normalize_speaker(item["speaker"]), text=item["text"].strip(),
                          start=float(start) if isinstance(start, (int, float)) else None))
    return _merge([t for t in turns if t.text])


def parse_transcript(text: str, source: str = "transcript") -> Transcript:
    if "\x00" in text:
        raise TranscriptError(f"{source}: binary data, not a transcript")
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise TranscriptError(f"{source}: empty transcript")
    if stripped.startswith("WEBVTT"):
        turns, fmt = _parse_vtt(stripped), "vtt"
    elif stripped[0] in "[{" and not TIMESTAMPED.match(stripped.splitlines()[0]):
        turns, fmt = _parse_json(stripped, source), "json"
    else:
        lines = [ln.strip() for ln in stripped.splitlines() if ln.strip()]
        stamped = [TIMESTAMPED.match(ln) for ln in lines]
        spoken = [SPEAKER_LINE.match(ln) for ln in lines]
        if sum(1 for m in stamped if m) >= max(1, len(lines) // 2):
            turns = [Turn(speaker=normalize_speaker(m.group(4)), text=m.group(5).strip(),
                          start=int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))) for m in stamped if m]
            fmt = "timestamped"
        elif sum(1 for m in spoken if m) >= max(1, len(lines) // 2):
            turns, fmt = [Turn(speaker=normalize_speaker(m.group(1)), text=m.group(2).strip()) for m in spoken if m], "speaker_lines"
        else:
            printable = sum(ch.isprintable() or ch.isspace() for ch in stripped) / len(stripped)
            if printable < 0.95 or len(stripped.split()) < 3:
                raise TranscriptError(f"{source}: not a recognisable transcript or notes")
            turns, fmt = [Turn(speaker="Notes", text=p.strip()) for p in re.split(r"\n\s*\n", stripped) if p.strip()], "notes"
        turns = _merge(turns)
    if not turns:
        raise TranscriptError(f"{source}: no speaker turns found")
    return Transcript(format=fmt, turns=turns)


def load_transcript(path: str | Path) -> Transcript:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptError(f"{path}: file not found") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TranscriptError(f"{path}: not UTF-8 text") from None
    return parse_transcript(text, source=str(path))
