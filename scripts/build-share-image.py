"""Draw the theme's default share image, themes/default/static/share.png (1200 x 630, PNG).

Link previews (Open Graph, Twitter cards) need a raster image, so the SVG favicon cannot serve. The image
carries no words, so one picture serves every language of a site: the theme's brand colour, the favicon's
house mark and the four Cynefin domains in their tints. Run it again after changing the theme's colours:

    .venv/bin/python scripts/build-share-image.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "themes" / "default" / "static" / "share.png"
WIDTH, HEIGHT = 1200, 630

# from themes/default/static/style.css (section 1, tokens)
BRAND = "#0e5470"
WHITE = "#ffffff"
DOMAINS = (  # (tint, line): complex, complicated / chaotic, clear, as the Cynefin diagram places them
    ("#f1eafb", "#7c4dbd"),
    ("#e5eefb", "#3a6fc4"),
    ("#fde8e6", "#c0392b"),
    ("#e6f4ea", "#2e7d4f"),
)


def draw() -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    pen = ImageDraw.Draw(image)
    # the favicon's house (its 32-unit grid scaled by 12): a roof line and walls on a ground line
    scale, left, top = 12, 90, 123
    ground = [(left + 6 * scale, top + 22 * scale), (left + 26 * scale, top + 22 * scale)]
    house = [(left + x * scale, top + y * scale) for x, y in ((9, 22), (9, 12), (16, 7), (23, 12), (23, 22))]
    pen.line(ground, fill=WHITE, width=30)
    pen.line(house, fill=WHITE, width=30, joint="curve")
    # the four Cynefin domains, each a tinted square with its line colour as a border
    size, gap, grid_left, grid_top = 200, 24, 640, (HEIGHT - 2 * 200 - 24) // 2
    for index, (tint, line) in enumerate(DOMAINS):
        x = grid_left + (index % 2) * (size + gap)
        y = grid_top + (index // 2) * (size + gap)
        pen.rounded_rectangle((x, y, x + size, y + size), radius=24, fill=tint, outline=line, width=10)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)  # no text chunks or dates: the same bytes on every run
    return out.getvalue()


def main() -> int:
    TARGET.write_bytes(draw())
    print(f"wrote {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
