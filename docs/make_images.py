"""Render the sample slips for the README: ``python docs/make_images.py``.

Writes into ``docs/images/``:

* ``slip-thermal.png`` / ``slip-a4.png``: a confirmation slip (the 80 mm roll's two
  pages, and the two A4 sheets: customer copy and shop copy side by side);
* ``guidance-thermal.png`` / ``guidance-a4.png``: the guidance slip of a refused intake
  (an Android phone not yet revoked: the app, the forgotten-password fallback and the
  hotline route);
* ``slip-<lang>-thermal.png`` and ``guidance-<lang>-a4.png`` for each language the
  customer may choose besides Japanese (issue 13: the Japanese text and the chosen
  language's reference translation, the note that the Japanese prevails and the
  hotline's foreign-language number).

The slips are rendered by ``reports.slip.render_slip`` from the sample snapshots of
``tests/support/snapshots.py`` (the same ones the renderer's tests use) and rasterised
with poppler's ``pdftoppm``.  ``--pdf`` also keeps the PDFs next to the images.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402 - after the path set-up (Pillow comes with ReportLab)

from desktop.languages import TRANSLATED  # noqa: E402
from reports.slip import render_slip  # noqa: E402
from reports.snapshot import SlipFormat, SlipSnapshot  # noqa: E402
from tests.support import snapshots  # noqa: E402

TRANSLATED_AND_ENGLISH = ("en", *TRANSLATED)

OUT = ROOT / "docs" / "images"
# Resolution per format: the roll at about twice its printed size on a screen, the A4
# sheet at a size that reads without zooming in a README.
DPI = {SlipFormat.THERMAL: 150, SlipFormat.A4: 110}
SAMPLES = {"slip": snapshots.confirmation, "guidance": snapshots.guidance}
# One sample a language (issue 13): the confirmation on the roll, the guidance on A4.
LANGUAGE_SAMPLES = {
    (f"slip-{code}", SlipFormat.THERMAL): partial(snapshots.confirmation_for, language=code)
    for code in TRANSLATED_AND_ENGLISH
} | {
    (f"guidance-{code}", SlipFormat.A4): partial(snapshots.guidance_for, language=code)
    for code in TRANSLATED_AND_ENGLISH
}


SHEET_GAP = 24  # pixels between the A4 sheets laid side by side


def render_png(snapshot: SlipSnapshot, fmt: SlipFormat, png: Path, pdf_dir: Path) -> Path:
    """Render ``snapshot`` to ``pdf_dir/<stem>.pdf`` and rasterise it to ``png``: every
    page, side by side (A4 has a sheet per copy)."""
    pdf = pdf_dir / f"{png.stem}.pdf"
    pdf.write_bytes(render_slip(snapshot, fmt))
    prefix = pdf_dir / f"{png.stem}-page"
    subprocess.run(
        ["pdftoppm", "-r", str(DPI[fmt]), "-png", str(pdf), str(prefix)],
        check=True,
    )
    pages = sorted(pdf_dir.glob(f"{prefix.name}-*.png"))
    # The slips are black and grey: an 8-bit grey PNG is a third of the RGB one.
    images = [Image.open(page).convert("L") for page in pages]
    width = sum(image.width for image in images) + SHEET_GAP * (len(images) - 1)
    sheet = Image.new("L", (width, max(image.height for image in images)), 200)
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + SHEET_GAP
    sheet.save(png, optimize=True)
    for page in pages:
        page.unlink()
    return pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action="store_true", help="keep the PDFs in docs/images too")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (docs/images)")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: install poppler-utils", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf_dir = args.out if args.pdf else Path(tmp)
        for name, sample in SAMPLES.items():
            for fmt in SlipFormat:
                png = args.out / f"{name}-{fmt.value}.png"
                render_png(sample(), fmt, png, pdf_dir)
                print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)
        for (name, fmt), language_sample in LANGUAGE_SAMPLES.items():
            png = args.out / f"{name}-{fmt.value}.png"
            render_png(language_sample(), fmt, png, pdf_dir)
            print(png.relative_to(ROOT) if png.is_relative_to(ROOT) else png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
