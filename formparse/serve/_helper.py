"""Work on a received file that the server never does in its own process: ``python -m formparse.serve._helper``.

``grid PATH`` prints the file's grids as JSON (what the page draws); ``mark JOBS.json`` writes marked copies
(formparse.backends.highlight) for each ``{"src", "dst", "notes"}``. The server runs it with a time limit
(:func:`run`), so a file that is slow or hostile to open costs a helper process, never the page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

MAX_ROWS = 1500
MAX_COLS = 80
MAX_TEXT = 4000


def grids_json(path: str) -> dict[str, Any]:
    """The grids of the file at ``path``: each a title and rows of cells ``[col, rowspan, colspan, text,
    address]`` (a position no cell covers is left out: the page fills it), cut at MAX_ROWS × MAX_COLS."""
    from ..backends import open_grids

    out = []
    for n, grid in enumerate(open_grids(path)):
        ncols = min(MAX_COLS, max((len(r) for r in grid.rows), default=0))
        nrows = min(MAX_ROWS, len(grid.rows))
        rows: list[list[list[Any]]] = []
        sheets = set()
        for r in range(nrows):
            line: list[list[Any]] = []
            for cell in grid.own_anchors(r):
                if cell.col >= ncols:
                    continue
                sheet, bang, _ = cell.address.rpartition("!")
                if bang:
                    sheets.add(sheet)
                rowspan = min(cell.rowspan, nrows - r)
                colspan = ncols if cell.paragraph else min(cell.colspan, ncols - cell.col)
                line.append([cell.col, rowspan, colspan, cell.text[:MAX_TEXT], cell.address])
            if grid.blank is not None:  # a sheet's empty positions are cells too (a blank value is read there)
                row = grid.rows[r]
                for c in range(ncols):
                    if c >= len(row) or row[c] is None:
                        line.append([c, 1, 1, "", grid.blank(r, c).address])
                line.sort(key=lambda item: int(item[0]))
            rows.append(line)
        title = next(iter(sheets)) if len(sheets) == 1 else f"第 {n + 1} 个表格 / grid {n + 1}"
        out.append({"title": title, "ncols": ncols, "rows": rows,
                    "hidden_rows": sorted(r for r in grid.hidden_rows if r < nrows),
                    "hidden_cols": sorted(c for c in grid.hidden_cols if c < ncols),
                    "sheet_hidden": grid.sheet_hidden,
                    "truncated": len(grid.rows) > nrows or any(len(r) > ncols for r in grid.rows)})
    return {"grids": out}


def mark(jobs: list[dict[str, Any]]) -> list[str]:
    """Marked copies; returns a line for each that could not be made."""
    from ..backends.highlight import highlight
    from ..errors import FormparseError

    failed = []
    for job in jobs:
        try:
            highlight(Path(job["src"]), Path(job["dst"]), [tuple(n) for n in job["notes"]])
        except FormparseError as exc:
            failed.append(f"{job['name']}: {exc.message}")
        except Exception as exc:
            failed.append(f"{job['name']}: {type(exc).__name__}: {exc}")
    return failed


def run(args: list[str], timeout: float, cwd: str | None = None) -> tuple[bool, str]:
    """Run the helper with ``args``; (True, its output) or (False, why not) — never raises."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parent.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run([sys.executable, "-m", "formparse.serve._helper", *args], capture_output=True,
                              timeout=timeout, env=env, cwd=cwd, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, f"超过 {timeout:g} 秒仍未完成，已中止 / took over {timeout:g} s"
    except OSError as exc:
        return False, f"无法启动辅助进程 / could not start a helper: {exc}"
    if done.returncode != 0:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return False, last[-1] if last else f"辅助进程退出码 {done.returncode}"
    return True, done.stdout.decode("utf-8")


def main() -> None:
    from ..errors import FormparseError

    what, arg = sys.argv[1], sys.argv[2]
    try:
        if what == "grid":
            print(json.dumps(grids_json(arg)))
        elif what == "mark":
            print(json.dumps(mark(json.loads(Path(arg).read_text(encoding="utf-8")))))
    except FormparseError as exc:
        print(exc.message, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
