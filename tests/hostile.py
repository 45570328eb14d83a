"""A corpus of bad and hostile inputs, each built from scratch or from a real submission."""

import io
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

from tests.conftest import ROOT, SAMPLES

DOCX = SAMPLES / "附件1-2020-邵阳市科学技术局.docx"
XLSX = SAMPLES / "附件1-2020-邵阳市科学技术局.xlsx"
ODF = Path(__file__).parent / "data" / "odf"
ODS, ODT = ODF / "附件1-2020-邵阳市科学技术局.ods", ODF / "附件1-2020-邵阳市科学技术局.odt"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def write_zip(dst: Path, items: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which we want here
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in items:
                zf.writestr(name, data)
    return dst


def with_part(src: Path, dst: Path, name: str, data: bytes) -> Path:
    items = [(n, data if n == name else d) for n, d in parts(src).items()]
    return write_zip(dst, items)


def sheet_xml(cells: str, merges: str = "") -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    merge = f"<mergeCells>{merges}</mergeCells>" if merges else ""
    return f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>{cells}</sheetData>{merge}</worksheet>'.encode()


def nested_tables(depth: int) -> bytes:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    inner = "<w:p><w:r><w:t>深处</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    return f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{inner}</w:body></w:document>'.encode()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def biff_patch(data: bytes, opcode: int, offset: int, words: tuple[int, ...]) -> bytes:
    """The .xls with the first BIFF record of ``opcode`` overwritten at ``offset`` by 16-bit ``words`` (in place:
    a record's bytes sit inside the OLE2 stream's sectors, so the container stays valid)."""
    import struct

    start = data.index(b"\x09\x08\x10\x00")  # the workbook globals' BOF record
    pos = start
    while pos + 4 <= len(data):
        op, size = struct.unpack_from("<HH", data, pos)
        if op == opcode:
            body = pos + 4 + offset
            return data[:body] + struct.pack(f"<{len(words)}H", *words) + data[body + 2 * len(words):]
        pos += 4 + size
    raise AssertionError(f"no BIFF record {opcode:#x}")


def cyclic_fat(data: bytes) -> bytes:
    """The .xls with the Workbook stream's first sector chained to itself in the file allocation table."""
    import struct

    shift = struct.unpack_from("<H", data, 30)[0]
    size = 1 << shift
    fat0 = struct.unpack_from("<i", data, 76)[0]  # the first FAT sector (enough for a small file)
    dir0 = struct.unpack_from("<i", data, 48)[0]
    name = "Workbook".encode("utf-16-le")
    directory = 512 + dir0 * size
    for k in range(size // 128):
        entry = directory + 128 * k
        if data[entry : entry + len(name)] == name:
            first = struct.unpack_from("<i", data, entry + 116)[0]
            break
    else:
        raise AssertionError("no Workbook stream")
    slot = 512 + fat0 * size + 4 * first
    return data[:slot] + struct.pack("<i", first) + data[slot + 4:]


def build(root: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, the error class expected, or 'record' for a readable form)."""
    root.mkdir(parents=True, exist_ok=True)
    out: dict[str, tuple[Path, str]] = {}

    def add(name: str, path: Path, want: str) -> None:
        out[name] = (path, want)

    p = root / "empty.xlsx"
    p.write_bytes(b"")
    add("empty", p, "UnreadableFile")
    p = root / "truncated.xlsx"
    p.write_bytes(XLSX.read_bytes()[: XLSX.stat().st_size // 2])
    add("truncated", p, "UnreadableFile")
    p = root / "renamed-text.docx"
    p.write_text("各科室：请于3月20日前报送绩效目标申报表。", encoding="utf-8")
    add("renamed text", p, "UnreadableFile")
    p = write_zip(root / "wrong-container.xlsx", [("readme.txt", b"hello"), ("data.bin", b"\x00" * 10)])
    add("wrong container (zip of other files)", p, "UnreadableFile")
    p = root / "gzip.docx"
    import gzip
    p.write_bytes(gzip.compress(b"not a document"))
    add("wrong container (gzip)", p, "UnreadableFile")
    p = root / "docx-named.xlsx"
    shutil.copyfile(DOCX, p)
    add("docx named .xlsx", p, "record")
    p = root / "xlsx-named.docx"
    shutil.copyfile(XLSX, p)
    add("xlsx named .docx", p, "record")
    try:
        import msoffcrypto.format.ooxml as ooxml

        p = root / "encrypted.xlsx"
        with XLSX.open("rb") as fh, p.open("wb") as outf:
            ooxml.OOXMLFile(fh).encrypt("secret", outf)
        add("encrypted OOXML", p, "EncryptedFile")
    except ImportError:
        pass
    p = root / "garbage-ole.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 20)
    add("garbage OLE2", p, "UnreadableFile")
    # a part that inflates a thousandfold: refused from the zip directory, before inflating
    bomb = root / "zip-bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in parts(DOCX).items():
            if n != "word/document.xml":
                zf.writestr(n, d)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b" " * 2**20
            for _ in range(300):
                fh.write(chunk)
    add("zip bomb", bomb, "UnsafeFile")
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    laughs = (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
              '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              '<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    add("XML entity bomb", with_part(DOCX, root / "entity-bomb.docx", "word/document.xml", laughs.encode()),
        "UnsafeFile")
    xxe = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    add("XXE", with_part(DOCX, root / "xxe.docx", "word/document.xml", xxe.encode()), "UnsafeFile")
    items = list(parts(DOCX).items())
    add("duplicate zip entries", write_zip(root / "duplicate.docx", items + [("word/document.xml", b"<x/>")]),
        "UnsafeFile")
    add("path traversal entry", write_zip(root / "traversal.docx", items + [("../../evil.sh", b"rm -rf /")]),
        "UnsafeFile")
    sheet = "xl/worksheets/sheet1.xml"
    add("far-away cell", with_part(XLSX, root / "far-cell.xlsx", sheet,
                                   sheet_xml('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')), "UnsafeFile")
    add("whole-sheet merge", with_part(XLSX, root / "huge-merge.xlsx", sheet,
                                       sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
                                                 '<mergeCell ref="A1:XFD1048576"/>')), "UnsafeFile")
    add("deep table nesting", with_part(DOCX, root / "deep.docx", "word/document.xml", nested_tables(40)),
        "UnsafeFile")
    doc = parts(DOCX)["word/document.xml"].replace(b'<w:gridSpan w:val="2"/>', b'<w:gridSpan w:val="99999999"/>', 1)
    add("huge gridSpan", with_part(DOCX, root / "span.docx", "word/document.xml", doc), "UnsafeFile")
    add("bad cell reference", with_part(XLSX, root / "bad-ref.xlsx", sheet,
                                        sheet_xml('<row r="1"><c r="A0"><v>1</v></c></row>')), "UnreadableFile")
    add("shared string out of range", with_part(XLSX, root / "bad-sst.xlsx", sheet,
                                                sheet_xml('<row r="1"><c r="A1" t="s"><v>99999</v></c></row>')),
        "UnreadableFile")
    add("infinite number", with_part(XLSX, root / "inf.xlsx", sheet,
                                     sheet_xml('<row r="1"><c r="A1"><v>1e999</v></c></row>')), "UnreadableFile")
    from docx import Document

    d = Document()
    d.add_paragraph("关于报送2020年部门整体支出绩效目标的通知")
    d.save(root / "no-tables.docx")
    add("no tables", root / "no-tables.docx", "NotThisForm")
    d = Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "姓名", "成绩"
    d.save(root / "wrong-form.docx")
    add("wrong form", root / "wrong-form.docx", "NotThisForm")
    p = root / "html-as.xls"
    p.write_text("<html><body><table><tr><td>编制人数</td><td>23</td></tr></table></body></html>", encoding="utf-8")
    add("HTML saved as .xls (not the form)", p, "NotThisForm")
    p = root / "mhtml.xls"
    p.write_text("MIME-Version: 1.0\nContent-Type: multipart/related; boundary=x\n\n--x\n", encoding="utf-8")
    add("MHTML saved as .xls", p, "UnreadableFile")
    _opendocument(root, add)
    if shutil.which("soffice"):
        for fmt, src in (("doc", DOCX), ("xls", XLSX)):
            subprocess.run(["soffice", f"-env:UserInstallation=file://{root}/profile", "--headless", "--convert-to",
                            fmt, "--outdir", str(root), str(src)], check=True, capture_output=True, timeout=300)
            legacy = root / f"{src.stem}.{fmt}"
            add(f"legacy .{fmt}", legacy, "record")
        xls = (root / f"{XLSX.stem}.xls").read_bytes()
        add("xls whole-sheet merge", write(root / "huge-merge.xls", biff_patch(xls, 0x00E5, 2, (0, 65535, 0, 255))),
            "UnsafeFile")
        add("xls far-away cell", write(root / "far-cell.xls", biff_patch(xls, 0x00FD, 0, (65535, 255))), "UnsafeFile")
        add("xls cyclic sector chain", write(root / "cyclic.xls", cyclic_fat(xls)), "NotThisForm")
        add("xls truncated", write(root / "truncated.xls", xls[: len(xls) // 2]), "UnreadableFile")
    pdf_cases(root, add)
    return out


def odf_content(body: str) -> bytes:
    """An OpenDocument content.xml around ``body`` (the office:body's content)."""
    ns = " ".join(f'xmlns:{k}="urn:oasis:names:tc:opendocument:xmlns:{v}"' for k, v in
                  (("office", "office:1.0"), ("table", "table:1.0"), ("text", "text:1.0")))
    return (f'<?xml version="1.0"?><office:document-content {ns}><office:body>{body}</office:body>'
            "</office:document-content>").encode()


def _opendocument(root: Path, add) -> None:
    """Hostile OpenDocument files, each a real LibreOffice .ods/.odt with its content.xml replaced."""
    bomb = root / "odf-bomb.ods"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in parts(ODS).items():
            if n != "content.xml":
                zf.writestr(n, d)
        with zf.open("content.xml", "w", force_zip64=True) as fh:
            chunk = b" " * 2**20
            for _ in range(8):  # 8 MiB that deflate a thousandfold: refused from the zip directory
                fh.write(chunk)
    add("ODF zip bomb", bomb, "UnsafeFile")
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    laughs = odf_content("<office:text><text:p>&lol9;</text:p></office:text>").replace(
        b"?>", f"?><!DOCTYPE lolz [{entities}]>".encode(), 1)
    add("ODF entity bomb", with_part(ODT, root / "odf-laughs.odt", "content.xml", laughs), "UnsafeFile")
    xxe = odf_content("<office:text><text:p>&x;</text:p></office:text>").replace(
        b"?>", b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    add("ODF XXE", with_part(ODT, root / "odf-xxe.odt", "content.xml", xxe), "UnsafeFile")
    row = '<table:table-row table:number-rows-repeated="{}"><table:table-cell table:number-columns-repeated="{}">' \
          "<text:p>填报单位</text:p></table:table-cell></table:table-row>"
    sheet = '<office:spreadsheet><table:table table:name="S">{}</table:table></office:spreadsheet>'
    add("ODF content rows repeated a million times",
        with_part(ODS, root / "odf-rows.ods", "content.xml", odf_content(sheet.format(row.format(1_000_000, 1)))),
        "UnsafeFile")
    add("ODF content repeated past the cell limit",
        with_part(ODS, root / "odf-cells.ods", "content.xml", odf_content(sheet.format(row.format(90_000, 1000)))),
        "UnsafeFile")
    span = ('<table:table-row><table:table-cell table:number-rows-spanned="99999999" table:number-columns-spanned="9">'
            "<text:p>x</text:p></table:table-cell></table:table-row>")
    add("ODF whole-sheet merge", with_part(ODS, root / "odf-span.ods", "content.xml", odf_content(sheet.format(span))),
        "UnsafeFile")
    inner = "<text:p>深处</text:p>"
    for _ in range(40):
        inner = (f"<table:table><table:table-row><table:table-cell>{inner}</table:table-cell></table:table-row>"
                 "</table:table>")
    add("ODF deep table nesting",
        with_part(ODT, root / "odf-deep.odt", "content.xml", odf_content(f"<office:text>{inner}</office:text>")),
        "UnsafeFile")


def pdf_cases(root: Path, add) -> None:
    """Hostile and broken PDFs (issue 18), written by hand (tests/pdfkit.py)."""
    import zlib

    from tests import pdfkit as K

    form = K.grid_lines([50, 150, 250], [100, 120, 140]) + K.text(55, 115, "Name") + K.text(155, 115, "x")
    add("pdf page tree loop", write(root / "loop.pdf", K.document([form], loop=True)), "NotThisForm")
    add("pdf deep page tree", write(root / "deep.pdf", K.deep_tree(5000)), "UnsafeFile")
    add("pdf many objects", write(root / "objects.pdf", K.document([form], filler_objects=60_000)), "UnsafeFile")
    add("pdf thousands of pages", write(root / "pages.pdf", K.document([""] * 3000)), "UnsafeFile")
    # 32 MiB of drawing operators deflated to ~32 KiB: refused before pdfminer inflates and interprets it
    bomb = zlib.compress(b"0 0 m 1 1 l S\n" * (32 * 2**20 // 14), 9)
    add("pdf inflate bomb", write(root / "bomb.pdf", K.document([""], raw_streams=[bomb])), "UnsafeFile")
    add("pdf truncated", write(root / "truncated.pdf", K.document([form])[:200]), "UnreadableFile")
    garbage = b"%PDF-1.7\n" + bytes(range(256)) * 40
    add("pdf garbage after header", write(root / "garbage.pdf", garbage), "UnreadableFile")
    scan = K.image_only(_TINY_JPEG, 1, 1, "DeviceGray")
    add("pdf scan (no text layer)", write(root / "scan.pdf", scan), "UnreadableFile")
    add("pdf encrypted", write(root / "encrypted.pdf", (ROOT / "samples" / "pdf" / "encrypted-附件2.pdf").read_bytes()),
        "EncryptedFile")


# A 1×1 grey JPEG (what a scanner writes, at its smallest).
_TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d"
    "1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f00000105010101"
    "01010100000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d010203000411051221314106135161"
    "07227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a53545556575859"
    "5a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6"
    "c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbfcffd9")


def zip_bytes(items: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in items.items():
                zf.writestr(name, data)
    return buf.getvalue()
