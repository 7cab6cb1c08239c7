"""The team's recap voice: phrasing and limits from ``governance/voice/rules.md``, example recaps
from ``governance/voice/examples/*.md`` and playbook/FAQ snippets from ``governance/voice/playbook/*.md``.

Files are read when ``load_voice`` is called (cached per directory), never at import.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_VOICE_DIR = Path(__file__).resolve().parents[2] / "governance" / "voice"


@dataclass(frozen=True)
class Snippet:
    id: str
    title: str
    triggers: tuple[str, ...]
    recap_line: str
    guidance: str
    source: str

    @property
    def text(self) -> str:
        return " ".join([self.title, " ".join(self.triggers), self.recap_line, self.guidance])


@dataclass(frozen=True)
class Voice:
    greeting: str = "Hi {names},"
    thanks: str = "Thank you for the time {when} — it was good to talk through where things stand."
    sign_off: str = "Best regards,"
    sections: tuple[str, ...] = ("Who joined", "What we heard", "Where we can help", "Next steps", "To be confirmed")
    banned_phrases: tuple[str, ...] = ()
    hype_words: tuple[str, ...] = ()
    max_exclamation_marks: int = 1
    max_body_words: int = 450
    examples: tuple[str, ...] = ()
    snippets: tuple[Snippet, ...] = field(default_factory=tuple)

    def section(self, index: int) -> str:
        return self.sections[index]


def _md_sections(text: str) -> dict[str, list[str]]:
    """``## Heading`` → its ``- item`` lines."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip().lower()
            out[current] = []
        elif current and line.startswith("- "):
            out[current].append(line[2:].strip())
    return out


def parse_rules(text: str) -> dict:
    sections = _md_sections(text)
    limits = {}
    for item in sections.get("limits", []):
        key, _, value = item.partition(":")
        limits[key.strip()] = int(value.strip())
    values = {
        "banned_phrases": tuple(p.lower() for p in sections.get("banned phrases", [])),
        "hype_words": tuple(p.lower() for p in sections.get("hype words", [])),
        "max_exclamation_marks": limits.get("max_exclamation_marks", 1),
        "max_body_words": limits.get("max_body_words", 450),
    }
    for key, name in (("greeting", "greeting"), ("thanks", "thanks"), ("sign_off", "sign-off")):
        if sections.get(name):
            values[key] = sections[name][0]
    if len(sections.get("sections", [])) == 5:
        values["sections"] = tuple(sections["sections"])
    return values


def parse_snippets(text: str, source: str) -> list[Snippet]:
    snippets = []
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, rest = block.partition("\n")
        triggers, recap, guidance = (), "", []
        for line in rest.strip().splitlines():
            if line.lower().startswith("triggers:"):
                triggers = tuple(t.strip().lower() for t in line.split(":", 1)[1].split(",") if t.strip())
            elif line.lower().startswith("recap:"):
                recap = line.split(":", 1)[1].strip()
            elif line.strip():
                guidance.append(line.strip())
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        snippets.append(Snippet(id=f"{Path(source).stem}/{slug}", title=title.strip(), triggers=triggers,
                                recap_line=recap, guidance=" ".join(guidance), source=source))
    return snippets


@functools.lru_cache(maxsize=8)
def load_voice(directory: str | Path = DEFAULT_VOICE_DIR) -> Voice:
    directory = Path(directory)
    rules_path = directory / "rules.md"
    values = parse_rules(rules_path.read_text(encoding="utf-8")) if rules_path.exists() else {}
    examples = tuple(p.read_text(encoding="utf-8") for p in sorted((directory / "examples").glob("*.md")))
    snippets: list[Snippet] = []
    for path in sorted((directory / "playbook").glob("*.md")):
        snippets += parse_snippets(path.read_text(encoding="utf-8"), source=str(path.relative_to(directory)))
    return Voice(examples=examples, snippets=tuple(snippets), **values)
