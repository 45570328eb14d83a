"""Make the OpenDocument fixtures: every bundled submission and packet saved by real LibreOffice as .ods
(from .xlsx) or .odt (from .docx), as a department saving the form in LibreOffice or WPS would.

    python tests/data/odf/make.py        # needs soffice on PATH; rewrites the .ods/.odt files here

The default test run reads these files (no LibreOffice needed); the slow tests make more on the fly.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def main() -> None:
    sources = sorted((ROOT / "samples" / "submissions").glob("*.xlsx")) + sorted(
        (ROOT / "samples" / "submissions").glob("*.docx")) + sorted((ROOT / "samples" / "packets").glob("*.xlsx")) \
        + sorted((ROOT / "samples" / "packets").glob("*.docx"))
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, suffix in (("ods", ".xlsx"), ("odt", ".docx")):
            files = [str(p) for p in sources if p.suffix == suffix]
            subprocess.run(["soffice", f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
                            "--norestore", "--convert-to", fmt, "--outdir", str(HERE), *files], check=True,
                           capture_output=True, timeout=600)
    print(f"{len(sources)} files made in {HERE}", file=sys.stderr)


if __name__ == "__main__":
    main()
