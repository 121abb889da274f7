"""Reading PDFs back as a person or a validator would: text, QR, signature."""

from __future__ import annotations

import subprocess
from pathlib import Path


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squeeze(text: str) -> str:
    """Text without any white space: wrapping splits lines anywhere."""
    return "".join(text.split())


def decode_qr(path: Path, tmp_dir: Path) -> list[str]:
    """Every QR code zbar finds on the PDF's pages rendered at 300 dpi."""
    prefix = tmp_dir / f"{path.stem}-page"
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(prefix)], check=True)
    found: list[str] = []
    for page in sorted(tmp_dir.glob(f"{prefix.name}*.png")):
        result = subprocess.run(
            ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            text=True,
            check=False,
        )
        found.extend(line for line in result.stdout.splitlines() if line)
    return found


def pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
