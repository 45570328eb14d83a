"""The writer's cost against the form: is ``fill`` linear in rows and merges, and bounded in memory?

    python benchmarks/bench_write.py [--repeat 3]

Prints, from one run on this machine (ratios within the run, best of ``--repeat``; times are this
process's CPU time, ``time.process_time``, so other work on a shared machine does not skew a ratio —
every step of a fill and a read runs in this process):

* fill of 1,000 indicators ÷ fill of 100, per format (linear: about 10; the target is at most 12);
* fill into a template with 100,000 merged ranges ÷ reading that template (target: at most 3);
* peak RSS of filling a template whose shared-string table holds 1,000,000 strings, and of reading
  it, each in its own process (the tests' hostile-input cap is 2 GB of address space).

The templates are made here from the bundled blank form (tests/outputkit.py makes the records).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import formparse  # noqa: E402
from formparse.writer import template_path  # noqa: E402
from tests.outputkit import base_record  # noqa: E402


def _rewrite_sheet(dst: Path, edit_sheet, extra: dict[str, bytes] | None = None, edit_types=None) -> Path:
    with zipfile.ZipFile(template_path(".xlsx")) as zf:
        items = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    sheet = next(n for n in items if n.startswith("xl/worksheets/sheet"))
    items[sheet] = edit_sheet(items[sheet].decode()).encode()
    items.update(extra or {})
    if edit_types:
        items["[Content_Types].xml"] = edit_types(items["[Content_Types].xml"])
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)
    return dst


def many_merges(dst: Path, n: int) -> Path:
    """The blank form with ``n`` merged ranges (two per row) in rows below it, each with a little text."""
    first = 200

    def edit(s: str) -> str:
        rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                       for r in range(first, first + n // 2))
        merges = "".join(f'<mergeCell ref="A{r}:B{r}"/><mergeCell ref="C{r}:D{r}"/>'
                         for r in range(first, first + n // 2))
        s = s.replace("</sheetData>", rows + "</sheetData>")
        return re.sub(r'<mergeCells count="(\d+)">', lambda m: f'<mergeCells count="{int(m[1]) + n}">' + merges, s)

    return _rewrite_sheet(dst, edit)


def many_strings(dst: Path, n: int) -> Path:
    """The blank form with a shared-string table of ``n`` distinct strings (one used, in a far cell)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    body = "".join(f"<si><t>共享字符串{k}</t></si>" for k in range(n))
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="{n}" uniqueCount="{n}">{body}</sst>'

    def edit(s: str) -> str:
        return s.replace("</sheetData>", f'<row r="300"><c r="A300" t="s"><v>{n - 1}</v></c></row></sheetData>')

    def types(t: bytes) -> bytes:
        if b"sharedStrings" in t:
            return t
        return t.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                      b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')

    with zipfile.ZipFile(template_path(".xlsx")) as zf:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    if b"sharedStrings" not in rels:
        rels = rels.replace(b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
                            b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                            b"</Relationships>")
    return _rewrite_sheet(dst, edit, {"xl/sharedStrings.xml": sst.encode(), "xl/_rels/workbook.xml.rels": rels},
                          types)


def _best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        run()
        times.append(time.process_time() - t0)
    return min(times)


def _fill_time(tmp: Path, suffix: str, n: int, repeat: int, template: Path | None = None) -> float:
    rec = base_record(n_goals=3, n_indicators=n)

    def run() -> None:
        out = tmp / f"fill-{n}{suffix}"
        out.unlink(missing_ok=True)
        formparse.fill(rec, out, template)

    return _best(repeat, run)


_PEAK = """
import resource, sys
sys.path.insert(0, sys.argv[3])
import formparse
from tests.outputkit import base_record
if sys.argv[1] == "read":
    formparse.read(sys.argv[2])
else:
    formparse.fill(base_record(), sys.argv[2] + ".out.xlsx", sys.argv[2], overwrite=True)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _peak_mb(what: str, path: Path) -> int:
    out = subprocess.run([sys.executable, "-c", _PEAK, what, str(path), str(ROOT)], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for suffix in (".xlsx", ".docx"):
            _fill_time(tmp, suffix, 10, 1)  # warm imports
            small = _fill_time(tmp, suffix, 100, args.repeat)
            large = _fill_time(tmp, suffix, 1000, args.repeat)
            print(f"fill {suffix}: 100 indicators {small:.3f} s, 1,000 {large:.3f} s, ratio {large / small:.1f} "
                  f"(target ≤ 12)")
        merges = many_merges(tmp / "merges-100k.xlsx", 100_000)
        read = _best(args.repeat, lambda: formparse.read(merges))
        fill = _fill_time(tmp, ".xlsx", 30, args.repeat, merges)
        print(f"100,000 merged ranges: read {read:.2f} s, fill {fill:.2f} s, ratio {fill / read:.2f} (target ≤ 3)")
        strings = many_strings(tmp / "strings-1m.xlsx", 1_000_000)
        read = _best(1, lambda: formparse.read(strings))
        fill = _fill_time(tmp, ".xlsx", 30, 1, strings)
        print(f"1,000,000 shared strings: read {read:.2f} s, peak {_peak_mb('read', strings)} MB; "
              f"fill {fill:.2f} s, peak {_peak_mb('fill', strings)} MB")


if __name__ == "__main__":
    main()
