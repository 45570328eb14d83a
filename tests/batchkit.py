"""Make folders of many submissions quickly: clone real files under new unit names (a byte-level edit
of the XML parts, the way a copy-and-edit submitter would), and readers that misbehave on purpose."""

import os
import time
import zipfile
from pathlib import Path

import formparse

BROKEN = {
    "空文件.xlsx": b"",
    "截断.docx": None,  # filled in from a real file, cut in half
    "乱码.xlsx": b"\x00\x01garbage" * 50,
    "不是表格.docx": None,  # a real .docx that is not this form
    "文本改名.xlsx": "这是一封邮件，不是申报表。".encode(),
}


def clone(src: Path, dst: Path, old: str, new: str) -> None:
    """Copy an .xlsx/.docx replacing one text everywhere in its XML parts."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith(".xml"):
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)


def make_folder(root: Path, bases: list[Path], n_good: int, n_duplicates: int) -> dict[str, formparse.Record]:
    """n_good distinct submissions (cloned from ``bases`` under new unit names, in subfolders by
    format), n_duplicates exact copies of some of them, and the broken files of BROKEN.
    Returns the expected record of every readable file, by relative path."""
    records = [(b, formparse.read(b)) for b in bases]
    expected: dict[str, formparse.Record] = {}
    for i in range(n_good):
        base, rec = records[i % len(records)]
        new = f"{rec.unit_name}分局{i:04d}"
        rel = f"{base.suffix[1:]}/{i % 7}/附件1-{i:04d}{base.suffix}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        clone(base, root / rel, rec.unit_name, new)
        want = formparse.from_dict(formparse.to_dict(rec))
        want.unit_name = new
        expected[rel] = want
    originals = sorted(expected)
    for k in range(n_duplicates):
        src = originals[k * 3]
        rel = f"重复/再次报送-{k}{Path(src).suffix}"
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes((root / src).read_bytes())
        expected[rel] = expected[src]
    docx = next(b for b in bases if b.suffix == ".docx")
    for name, content in BROKEN.items():
        path = root / "坏文件" / name
        path.parent.mkdir(exist_ok=True)
        if name == "截断.docx":
            content = docx.read_bytes()[: docx.stat().st_size // 2]
        elif name == "不是表格.docx":
            from docx import Document
            doc = Document()
            doc.add_paragraph("关于报送2020年部门整体支出绩效目标的通知")
            doc.save(path)
            continue
        path.write_bytes(content)
    return expected


def misbehaving_read(path: str) -> formparse.Record:
    """Reads like formparse.read, except that a file named *crash* kills its process and *hang* hangs."""
    name = os.path.basename(path)
    if "crash" in name:
        os.kill(os.getpid(), 9)
    if "hang" in name:
        time.sleep(600)
    return formparse.read(path)


def slow_read(path: str) -> formparse.Record:
    """Reads like formparse.read, a third of a second slower (so a run can be killed in the middle)."""
    time.sleep(0.3)
    return formparse.read(path)
