"""Draw the app icon: ui/icons/revoke-desk.png (window, About, .deb) and the Windows .ico.

    python installer/icons/make_icons.py

A phone on a blue tile, its screen showing a card struck through (the certificate
revoked) and a green tick (attested).  installer/icons/revoke-desk.svg is the same
drawing by hand, for the Linux icon theme; keep the two alike.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
SIZE = 256
BLUE = (31, 95, 168, 255)
DARK = (20, 48, 92, 255)
WHITE = (255, 255, 255, 255)
SCREEN = (214, 230, 247, 255)
RED = (200, 40, 40, 255)
GREEN = (34, 150, 70, 255)


def draw(scale: int = 4) -> Image.Image:
    """The icon at SIZE, drawn at ``scale`` times and scaled down for smooth edges."""
    s = SIZE * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale))

    pen.rounded_rectangle(box(8, 8, 248, 248), radius=44 * scale, fill=BLUE)
    # the phone
    pen.rounded_rectangle(box(68, 28, 176, 228), radius=18 * scale, fill=DARK)
    pen.rounded_rectangle(box(76, 44, 168, 204), radius=6 * scale, fill=SCREEN)
    pen.rounded_rectangle(box(108, 212, 136, 218), radius=3 * scale, fill=SCREEN)
    # the card on its screen, struck through
    pen.rounded_rectangle(
        box(86, 84, 158, 130), radius=6 * scale, fill=WHITE, outline=DARK, width=3 * scale
    )
    pen.ellipse(box(94, 94, 114, 114), fill=BLUE)
    pen.rectangle(box(120, 96, 150, 102), fill=DARK)
    pen.rectangle(box(120, 108, 144, 113), fill=DARK)
    pen.line([box(80, 142, 164, 72)[:2], box(80, 142, 164, 72)[2:]], fill=RED, width=9 * scale)
    # the tick, on a white disc at the lower right
    pen.ellipse(box(150, 150, 232, 232), fill=WHITE)
    pen.ellipse(box(156, 156, 226, 226), fill=GREEN)
    pen.line(
        [box(172, 192, 0, 0)[:2], box(186, 206, 0, 0)[:2], box(210, 174, 0, 0)[:2]],
        fill=WHITE,
        width=10 * scale,
        joint="curve",
    )
    return image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)


def main() -> None:
    icon = draw()
    icon.save(ROOT / "ui" / "icons" / "revoke-desk.png", optimize=True)
    icon.save(
        ROOT / "installer" / "icons" / "revoke-desk.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )


if __name__ == "__main__":
    main()
