"""Coverage-guided fuzzing of formparse.read for long runs outside CI.

    pip install atheris
    python fuzz/atheris_read.py -max_total_time=3600 -rss_limit_mb=2048 fuzz/corpus/

Seeds the corpus with the bundled submissions. Only FormparseError may come out of read(); anything
else (or a crash, a hang, a memory blow-up) is a finding: libFuzzer saves the input that caused it.
"""

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import formparse

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="formparse-fuzz-"))


def test_one(data: bytes) -> None:
    for suffix in (".xlsx", ".docx"):
        path = WORK / f"input{suffix}"
        path.write_bytes(data)
        try:
            formparse.read(path)
        except formparse.FormparseError:
            pass


def main() -> None:
    corpus = Path(sys.argv[-1]) if len(sys.argv) > 1 and not sys.argv[-1].startswith("-") else None
    if corpus is not None:
        corpus.mkdir(parents=True, exist_ok=True)
        for sample in (ROOT / "samples" / "submissions").iterdir():
            shutil.copyfile(sample, corpus / sample.name.encode("utf-8").hex()[:40])
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
