"""Draw the two Teams app icons with Pillow (deterministic; re-run after a design change).

    .venv/bin/python manifest/make_icons.py

color.png   192x192, full colour: a blue rounded tile with a white speech bubble and a check mark
outline.png  32x32, white glyph on a fully transparent background (Teams' outline-icon rule)
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ACCENT = (27, 94, 158, 255)  # #1B5E9E, the manifest's accentColor
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)


def _bubble_with_check(draw: ImageDraw.ImageDraw, size: int, margin: float, stroke: int, ink, paper) -> None:
    """A speech bubble (rounded box + tail) filled with ``ink`` and a check mark cut out in ``paper``."""
    m = round(size * margin)
    box = (m, m, size - m, round(size * 0.74))
    draw.rounded_rectangle(box, radius=round(size * 0.14), fill=ink)
    tail = [(round(size * 0.30), box[3] - 1), (round(size * 0.30), round(size * 0.90)), (round(size * 0.50), box[3] - 1)]
    draw.polygon(tail, fill=ink)
    check = [(size * 0.32, size * 0.45), (size * 0.45, size * 0.58), (size * 0.68, size * 0.32)]
    draw.line([(round(x), round(y)) for x, y in check], fill=paper, width=stroke, joint="curve")


def color_icon() -> Image.Image:
    size = 192
    img = Image.new("RGBA", (size, size), ACCENT)
    _bubble_with_check(ImageDraw.Draw(img), size, margin=0.2, stroke=14, ink=WHITE, paper=ACCENT)
    return img


def outline_icon() -> Image.Image:
    size = 32
    img = Image.new("RGBA", (size, size), CLEAR)
    _bubble_with_check(ImageDraw.Draw(img), size, margin=0.06, stroke=3, ink=WHITE, paper=CLEAR)
    return img


def main(out_dir: Path = HERE) -> int:
    color_icon().save(out_dir / "color.png", optimize=True)
    outline_icon().save(out_dir / "outline.png", optimize=True)
    print(f"wrote {out_dir / 'color.png'} and {out_dir / 'outline.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
