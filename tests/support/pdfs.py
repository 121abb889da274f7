"""Reading PDFs back as a person or a validator would: text, QR, signature."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

XHTML = "{http://www.w3.org/1999/xhtml}"


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


def pdf_lines(path: Path) -> list[str]:
    """Every printed line of text, as poppler finds it in its column (words joined by
    a space): what a 禁則 check looks at, since a laid-out page runs columns together."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(xhtml)  # poppler's output for our own PDF
    return [
        " ".join(word.text or "" for word in line.iter(f"{XHTML}word"))
        for line in root.iter(f"{XHTML}line")
    ]
