"""The workbook as OpenDocument (.ods), which many Vietnamese public offices open with LibreOffice.
LibreOffice itself converts the .xlsx we write (`soffice --headless --convert-to ods`), so the two
files hold the same cells and styles; where LibreOffice is not installed the format is offered
as unavailable rather than written by a second, lesser writer."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180


class OdsUnavailable(RuntimeError):
    """LibreOffice is not installed, or failed to convert."""


def available() -> bool:
    return shutil.which("soffice") is not None


def to_ods(xlsx: bytes) -> bytes:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise OdsUnavailable("LibreOffice (soffice) không có trên máy chủ. / LibreOffice is not installed.")
    with tempfile.TemporaryDirectory(prefix="zonerisk-ods-") as folder:
        source = Path(folder) / "report.xlsx"
        source.write_bytes(xlsx)
        profile = Path(folder) / "profile"  # a private profile: concurrent conversions do not collide
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "ods",
                "--outdir",
                folder,
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        target = Path(folder) / "report.ods"
        if done.returncode != 0 or not target.exists():
            raise OdsUnavailable(f"LibreOffice: {done.stderr.strip()[:300] or done.stdout.strip()[:300]}")
        return target.read_bytes()
