"""Legacy formats at modern speed: .xls read natively, .doc through one long-lived LibreOffice.

    python benchmarks/bench_legacy.py [--files 400] [--runs 5]

1. Per file, in one process (medians over ``--runs`` rounds, contenders interleaved):
   .xls native (xlrd) · .xls through LibreOffice (what every .xls cost before) · the same form as .xlsx;
   .doc through a cold ``soffice --convert-to`` (before) · through the long-lived LibreOffice (now).
2. A mixed folder (50% .xlsx, 30% .docx, 10% .xls, 10% .doc; distinct files: the samples cloned under
   new unit names, the legacy ones saved by LibreOffice) read by ``read_folder`` with 2 workers, once
   with cold conversions (``FORMPARSE_LIBREOFFICE=cold``, as before) and once with the long-lived one,
   and once without its .doc files: what one .doc costs in the folder is the difference over the count.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402
from formparse.backends import legacy, xls  # noqa: E402
from tests.batchkit import clone  # noqa: E402
from tests.conftest import sample_files  # noqa: E402


def soffice_convert(files: list[Path], fmt: str, outdir: Path, profile: Path) -> None:
    for k in range(0, len(files), 200):
        subprocess.run([legacy.soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", fmt, "--outdir", str(outdir), *map(str, files[k:k + 200])],
                       check=True, capture_output=True, timeout=3600)


def make_mixed(root: Path, n: int) -> dict[str, list[Path]]:
    """A mixed folder of ``n`` distinct submissions; returns its files by suffix."""
    bases = {s: [p for p in sample_files() if p.suffix == s] for s in (".xlsx", ".docx")}
    names = {p: formparse.read(p).unit_name for ps in bases.values() for p in ps}
    shares = {".xlsx": n // 2, ".docx": n * 3 // 10, ".xls": n // 10, ".doc": n // 10}
    staging = root / "staging"
    staging.mkdir()
    folder = root / "mixed"
    folder.mkdir()
    made: dict[str, list[Path]] = {}
    i = 0
    for suffix, count in shares.items():
        source = bases[".xlsx" if suffix in (".xlsx", ".xls") else ".docx"]
        out = []
        for k in range(count):
            base = source[k % len(source)]
            dst = (folder if suffix in (".xlsx", ".docx") else staging) / f"附件1-{i:05d}{base.suffix}"
            clone(base, dst, names[base], f"{names[base]}分局{i:05d}")
            out.append(dst)
            i += 1
        if suffix in (".xls", ".doc"):
            soffice_convert(out, suffix[1:], folder, root / "profile")
            out = [folder / f"{p.stem}{suffix}" for p in out]
        made[suffix] = out
    return made


def median_ms(fn, paths: list[Path]) -> float:
    times = []
    for p in paths:
        t = time.perf_counter()
        fn(p)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def read_xls_via_libreoffice(path: Path) -> object:
    real = xls.read_grids

    def declined(*args: object, **kwargs: object) -> None:
        raise xls.Declined("benchmark: the LibreOffice route")

    xls.read_grids = declined  # type: ignore[assignment]
    os.environ["FORMPARSE_LIBREOFFICE"] = "cold"
    try:
        return formparse.read(path)
    finally:
        xls.read_grids = real
        del os.environ["FORMPARSE_LIBREOFFICE"]


def read_cold(path: Path) -> object:
    os.environ["FORMPARSE_LIBREOFFICE"] = "cold"
    try:
        return formparse.read(path)
    finally:
        del os.environ["FORMPARSE_LIBREOFFICE"]


def folder_seconds(folder: Path, cold: bool) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if cold:
        env["FORMPARSE_LIBREOFFICE"] = "cold"
    code = ("import sys, time, formparse\nt = time.perf_counter()\nb = formparse.read_folder(sys.argv[1], workers=2)\n"
            "print(time.perf_counter() - t, len(b.problems))")
    out = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, env=env,
                         check=True, cwd=ROOT).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=400)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, uno Python: {legacy.uno_python()}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        made = make_mixed(root, args.files)
        print(f"made {sum(map(len, made.values()))} files in {time.perf_counter() - t:.0f} s: "
              + ", ".join(f"{len(v)} {k}" for k, v in made.items()))

        # 1. per file, one process: distinct files, each contender on its own share of them
        xls_files, doc_files = made[".xls"], made[".doc"]
        runs = min(args.runs, len(xls_files) // 2, len(doc_files) // 2)
        native = median_ms(formparse.read, xls_files[runs:])
        via_lo = median_ms(read_xls_via_libreoffice, xls_files[:runs])
        xlsx_ms = median_ms(formparse.read, made[".xlsx"][: len(xls_files)])
        cold = median_ms(read_cold, doc_files[:runs])
        formparse.read(doc_files[runs])  # the long-lived LibreOffice started (its start is in part 2's figures)
        warm = median_ms(formparse.read, doc_files[runs + 1:])
        legacy.close_office()
        print(f".xls native {native:8.1f} ms | via LibreOffice {via_lo:8.1f} ms | same form .xlsx {xlsx_ms:6.1f} ms"
              f" | native/.xlsx {native / xlsx_ms:.2f}x, LibreOffice/native {via_lo / native:.0f}x")
        print(f".doc cold soffice {cold:8.1f} ms | long-lived LibreOffice {warm:8.1f} ms | cold/long-lived "
              f"{cold / warm:.0f}x")

        # 2. the mixed folder, 2 workers
        folder = root / "mixed"
        no_doc = root / "mixed-no-doc"
        shutil.copytree(folder, no_doc, ignore=shutil.ignore_patterns("*.doc"))
        n_doc = len(doc_files)
        base, _ = folder_seconds(no_doc, cold=False)
        before, p1 = folder_seconds(folder, cold=True)
        now, p2 = folder_seconds(folder, cold=False)
        assert p1 == p2 == 0, (p1, p2)
        per_before, per_now = (before - base) / n_doc, (now - base) / n_doc
        print(f"mixed folder of {args.files}, 2 workers: {before:6.1f} s with cold conversions, {now:6.1f} s with "
              f"the long-lived LibreOffice, {base:6.1f} s without its {n_doc} .doc")
        print(f"one .doc in the folder: {per_before * 1000:7.0f} ms before, {per_now * 1000:7.0f} ms now "
              f"({per_now / per_before:.3f} of before); folder {args.files / before:.1f} → "
              f"{args.files / now:.1f} files/s")


if __name__ == "__main__":
    main()
