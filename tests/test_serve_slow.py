"""formparse serve, the long tests: a real browser (Debian's Chromium driven by Playwright), the hostile corpus
through the API, and 200 files uploaded at once."""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import formparse
from formparse.serve import ServeLimits, running
from tests.conftest import SAMPLES
from tests.servekit import XLSX, get_json, renamed_unit, request, upload, with_total

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(os.environ.get("FORMPARSE_SHOTS", "")) if os.environ.get("FORMPARSE_SHOTS") else None


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("no Chromium (Debian package chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def _shot(page, name: str, tmp_path: Path) -> None:
    where = SHOTS or tmp_path
    where.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(where / f"{name}.png"), full_page=True)


def test_browser_upload_table_form_warning_download(browser, tmp_path):
    warned = with_total(XLSX, tmp_path / "某局-合计有误.xlsx", "1")
    hostile_name = tmp_path / "<img src=x onerror=alert(1)>.xlsx"
    hostile_name.write_bytes(renamed_unit("<b>粗体局</b>"))
    uploads = [str(p) for p in sorted(SAMPLES.iterdir())] + [str(warned), str(hostile_name)]
    with running(None, workers=2) as srv:
        page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: errors.append("dialog: " + d.message))  # an alert() would be script run
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(srv.url)
        page.set_input_files("#pick-files", uploads)
        page.wait_for_selector(f"#progress-text:has-text('已读取 {len(uploads)}')", timeout=240_000)
        rows = page.locator("#files tbody tr")
        assert rows.count() == len(uploads)  # one form per file here
        assert page.locator("#files tbody tr:has-text('已被新版本替代')").count() >= 1
        # the hostile name and unit are text, not markup
        assert page.locator("#files tbody td:text-is('<b>粗体局</b>')").count() == 1
        assert page.locator("#files tbody img, #files tbody b").count() == 0
        _shot(page, "list", tmp_path)
        # filter by unit and status
        page.fill("#filter-unit", "教育局")
        assert all("教育局" in t for t in page.locator("#files tbody tr td:nth-child(2)").all_inner_texts())
        page.fill("#filter-unit", "")
        page.select_option("#filter-status", "warnings")
        assert set(page.locator("#files tbody .status").all_inner_texts()) == {"有提示"}
        page.select_option("#filter-status", "")
        # sort by unit
        page.click("#files th[data-key=unit_name]")
        units = page.locator("#files tbody tr td:nth-child(2)").all_inner_texts()
        assert units == sorted(units, key=lambda u: u) or len(set(units)) > 1
        # open the form with the wrong total: the warning stands at its cell, yellow, with its message beside
        page.click("#files tbody tr:has-text('某局-合计有误.xlsx')")
        page.wait_for_selector("table.sheet td.value")
        rec = formparse.read(warned)
        cell = next(w.cell for w in rec.warnings if w.code == "income-sum")
        td = page.locator(f"table.sheet td[data-cell='{cell}']")
        assert "warn" in td.get_attribute("class")
        assert page.locator(f"#notes li.warn[data-cell='{cell}']").count() == 1
        assert "≠" in page.locator(f"#notes li[data-cell='{cell}']").inner_text()
        # hovering a value shows its field and cell
        src = rec.source("income.total")
        key = f"{src.sheet}!{src.address}"
        page.hover(f"table.sheet td[data-cell='{key}']")
        assert "income.total" in page.inner_text("#hover-info") and src.address in page.inner_text("#hover-info")
        _shot(page, "form", tmp_path)
        page.click("button[data-tab=json]")
        assert '"income"' in page.inner_text("#record-json")
        page.click("button[data-tab=versions]")
        assert page.locator("#versions tr.differs td.path").all_inner_texts() == ["income.total"]
        _shot(page, "versions", tmp_path)
        # English
        page.click("#lang")
        assert page.inner_text("#d-downloads") .count("Download") == 2
        page.click("#lang")
        page.click("text=返回列表")
        # the workbook, downloaded through the page, opens with pandas
        with page.expect_download() as got:
            page.click("#dl-summary")
        path = got.value.path()
        forms = pd.read_excel(path, sheet_name="申报表", engine="calamine")
        assert "邵阳市教育局" in set(forms["填报单位"]) and "<b>粗体局</b>" in set(forms["填报单位"])
        with page.expect_download() as got:
            page.click("#dl-marked")
        assert got.value.suggested_filename == "标注副本.zip"
        assert not errors, errors
        assert all(u.startswith(srv.url) for u in requests), [u for u in requests if not u.startswith(srv.url)]


def test_browser_sees_inbox_files_arrive(browser, tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(renamed_unit("甲局"))
    with running(inbox, poll=0.3, workers=1) as srv:
        page = browser.new_page()
        page.goto(srv.url)
        page.wait_for_selector("#files tbody tr:has-text('甲局')", timeout=60_000)
        (inbox / "乙.xlsx").write_bytes(renamed_unit("乙局"))
        page.wait_for_selector("#files tbody tr:has-text('乙局')", timeout=60_000)  # no reload
        assert page.locator("#files tbody tr").count() == 2


def test_hostile_corpus_through_the_api(tmp_path):
    from tests.hostile import build

    corpus = build(tmp_path / "corpus")
    outside = tmp_path / "cwd"
    outside.mkdir()
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "corpus").rglob("*") if p.is_file()}
    cwd = os.getcwd()
    os.chdir(outside)
    try:
        with running(None, workers=2, limits=ServeLimits(read_timeout=90)) as srv:
            result: dict[str, object] = {}

            def send() -> None:
                result["answer"] = upload(srv, [(path.name, path.read_bytes()) for path, _w in corpus.values()])

            sender = threading.Thread(target=send)
            sender.start()
            while sender.is_alive():  # the page answers while the corpus is read
                assert request(srv.url + "api/status", timeout=30)[0] == 200
                time.sleep(0.5)
            sender.join()
            code, got = result["answer"]
            assert code == 200, got
            by_file = {r["file"]: r for r in got}
            for label, (path, want) in corpus.items():
                row = by_file[path.name]
                if want == "record":
                    assert row["status"] in ("read", "warnings", "superseded"), (label, row)
                else:
                    assert row["status"] == "unreadable", (label, row)
                    assert row["problems"][0]["kind"] == want, (label, row)
            listed = get_json(srv, "api/files")
            assert len([r for r in listed if r["status"] == "unreadable"]) == sum(
                1 for _p, w in corpus.values() if w != "record")
            # the page of each still draws (or says why not), and the downloads are made
            for r in listed:
                assert request(srv.url + f"api/files/{r['id']}/grid")[0] == 200
            for path in ("api/summary.xlsx", "api/problems.xlsx", "api/marked.zip"):
                assert request(srv.url + path)[0] == 200
            workspace = srv.desk.workspace
    finally:
        os.chdir(cwd)
    assert os.listdir(outside) == []
    assert not workspace.exists()
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "corpus").rglob("*") if p.is_file()} == before


def test_two_hundred_files_at_once(tmp_path):
    n = 200
    files = [(f"负载/附件1-{i:03d}.xlsx", renamed_unit(f"负载测试局{i:03d}")) for i in range(n)]
    with running(None, workers=2) as srv:
        answers: list[list[dict]] = []
        failures: list[str] = []
        lock = threading.Lock()

        def send(chunk: list[tuple[str, bytes]]) -> None:
            code, got = upload(srv, chunk)
            with lock:
                (answers.append(got) if code == 200 else failures.append(str(got)))

        # the page's way: 5 files a request; all 40 requests at once
        threads = [threading.Thread(target=send, args=(files[i:i + 5],)) for i in range(0, n, 5)]
        began = time.monotonic()
        for t in threads:
            t.start()
        slowest = 0.0
        while any(t.is_alive() for t in threads):
            start = time.monotonic()
            assert request(srv.url, timeout=30)[0] == 200
            assert request(srv.url + "api/status", timeout=30)[0] == 200
            slowest = max(slowest, time.monotonic() - start)
            time.sleep(0.5)
        for t in threads:
            t.join()
        assert not failures
        print(f"\n200 files read in {time.monotonic() - began:.1f} s; the page's slowest answer {slowest:.2f} s")
        assert slowest < 5, f"the page took {slowest:.1f} s to answer while reading"
        rows = get_json(srv, "api/files")
        assert sorted(r["file"] for r in rows) == sorted(name for name, _d in files)  # none lost
        assert {r["unit_name"] for r in rows} == {f"负载测试局{i:03d}" for i in range(n)}
        assert sum(len(a) for a in answers) == n
        code, _h, data = request(srv.url + "api/summary.xlsx")
        assert len(pd.read_excel(io.BytesIO(data), sheet_name="申报表", engine="calamine")) == n


def _invalid_copy(tmp_path: Path) -> tuple[Path, str]:
    """The sample with 三公经费 合计 typed as words: a file that cannot be read (InvalidValues at that cell)."""
    from openpyxl import load_workbook

    src = formparse.read(XLSX).source("three_public.total")
    wb = load_workbook(XLSX)
    ws = wb[src.sheet]
    ws[src.address] = "十五"
    out = tmp_path / "三公写成汉字.xlsx"
    wb.save(out)
    return out, f"{src.sheet}!{src.address}"


def _stray_copy(tmp_path: Path) -> Path:
    """The sample with a note typed in a cell outside the form (N5): read, with that cell reported unread."""
    from openpyxl import load_workbook

    wb = load_workbook(XLSX)
    wb["Sheet1"]["N5"] = "随手写的备注"
    out = tmp_path / "随手.xlsx"
    wb.save(out)
    assert any(w.code == "unread" and w.cell == "Sheet1!N5" for w in formparse.read(out).warnings)
    return out


def test_browser_drop_folder_and_error_cell(browser, tmp_path):
    bad, cell = _invalid_copy(tmp_path)
    folder = tmp_path / "各单位"
    (folder / "一科").mkdir(parents=True)
    (folder / "一科" / "甲.xlsx").write_bytes(renamed_unit("甲局"))
    (folder / "乙.xlsx").write_bytes(renamed_unit("乙局"))
    (folder / "说明.txt").write_text("不是申报表", encoding="utf-8")
    (folder / "~$乙.xlsx").write_bytes(b"lock")
    with running(None, workers=2) as srv:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(srv.url)
        # a folder chosen: only the submissions in it, with their folder in the name
        page.set_input_files("#pick-folder", str(folder))
        page.wait_for_selector("#progress-text:has-text('已读取 2')", timeout=120_000)
        files = sorted(page.locator("#files tbody tr td:nth-child(1)").all_inner_texts())
        assert files == ["各单位/一科/甲.xlsx", "各单位/乙.xlsx"]
        assert "已跳过 2" in page.inner_text("#upload-errors")
        # a file dropped on the page (a DataTransfer made in the page, as a drag from the desktop gives one)
        stray = _stray_copy(tmp_path)
        page.evaluate("""(files) => {
            const dt = new DataTransfer();
            for (const [name, bytes] of files) dt.items.add(new File([new Uint8Array(bytes)], name));
            document.querySelector('#drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true}));
        }""", [[p.name, list(p.read_bytes())] for p in (bad, stray)])
        page.wait_for_selector("#files tbody tr:has-text('无法读取')", timeout=120_000)
        page.wait_for_selector("#files tbody tr:has-text('随手.xlsx')", timeout=120_000)
        # a cell typed outside the form is marked unread, with its message beside
        page.click("#files tbody tr:has-text('随手.xlsx')")
        page.wait_for_selector("table.sheet td.value")
        assert "unread" in page.locator("table.sheet td[data-cell='Sheet1!N5']").get_attribute("class")
        assert page.locator("#notes li.unread[data-cell='Sheet1!N5']").count() == 1
        page.click("text=返回列表")
        page.click("#files tbody tr:has-text('三公写成汉字.xlsx')")
        page.wait_for_selector("table.sheet")
        td = page.locator(f"table.sheet td[data-cell='{cell}']")
        assert "error" in td.get_attribute("class")
        assert "十五" in page.inner_text("#notes li.error")
        assert "InvalidValues" in page.inner_text("#d-problems")
        _shot(page, "unreadable", tmp_path)
        page.click("#lang")
        assert page.inner_text("#d-downloads").count("Download") >= 1
        page.click("text=Back to the list")
        assert "unreadable" in page.inner_text("#files tbody")
        _shot(page, "list-en", tmp_path)
        assert not errors, errors
