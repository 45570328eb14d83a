"""ActiveX check boxes (Microsoft Forms 2.0, Forms.CheckBox.1) in .docx and .xlsx, their state kept in binary.

The 附件2 samples' 项目属性 (延续项目 ticked) rewritten with the boxes as Word and Excel persist them: a w:object
holding a w:control (.docx) or a sheet <control> (.xlsx) whose part (activeXN.xml, ax:persistence
"persistStreamInit") leads to activeXN.bin: the class id, then the MorphData stream of [MS-OFORMS] 2.2.5.1
written here byte by byte (version, size, property mask, DataBlock, ExtraDataBlock, the font's TextProps).
LibreOffice opens such a file as form check boxes and saves it back the other way Word does
(persistStorage: an OLE2 compound file with a ``contents`` stream), which the slow test reads.
"""

import shutil
import struct
import subprocess
import tempfile
import uuid

import pytest
from lxml import etree

import formparse
from formparse.backends.activex import CHECK_BOX, morph_data
from tests.conftest import SAMPLES, needs_soffice
from tests.partkit import expected, parts_of, read_numeric, rewrite

FORM2 = SAMPLES / "附件2-2020-邵阳市交通运输局-农村公路养护工程.docx"  # 项目属性: 延续项目
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
AX_BINARY = "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary"


def _w(tag):
    return f"{{{W}}}{tag}"


def _string(text, compressed=False):
    data = text.encode("latin-1" if compressed else "utf-16-le")
    return data, len(data) | (0x80000000 if compressed else 0)


def morph(value, caption, *, compressed=False, style=4):
    """A check box's MorphData stream ([MS-OFORMS] 2.2.5.1) as Office writes it: VariousPropertyBits,
    DisplayStyle 4 (check box; ``style`` 1 a text box, 3 a combo box), Size, and Value/Caption when given;
    then its TextProps (font)."""
    bits = {0: b"\x1b\x08\x00\x2c", 6: bytes([style])}
    extra = struct.pack("<ii", 2646, 529)  # Size (HIMETRIC)
    mask = 1 | 1 << 6 | 1 << 8 | 1 << 31  # (bit 31: always set in a MorphData)
    strings = []
    for bit, text in ((22, value), (23, caption)):
        if text is not None:
            data, count = _string(text, compressed)
            bits[bit] = struct.pack("<I", count)
            strings.append(data + bytes(-len(data) % 4))
            mask |= 1 << bit
    block = b""
    for bit in sorted(bits):
        raw = bits[bit]
        block += bytes(-(12 + len(block)) % len(raw)) + raw
    block += bytes(-(12 + len(block)) % 4)
    body = struct.pack("<Q", mask) + block + extra + b"".join(strings)
    text_props = b"\x00\x02\x04\x00" + struct.pack("<I", 0)  # (no font property set)
    return b"\x00\x02" + struct.pack("<H", len(body)) + body + text_props


def stream_init_bin(value, caption, classid=CHECK_BOX, **kw):
    """activeXN.bin of ax:persistence="persistStreamInit": the class id (as a GUID's bytes), then the stream."""
    return uuid.UUID(classid).bytes_le + morph(value, caption, **kw)


def _ocx_xml(classid=CHECK_BOX):
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?><ax:ocx ax:classid="{classid}" '
            'ax:persistence="persistStreamInit" r:id="rId1" xmlns:ax="http://schemas.microsoft.com/office/2006/'
            f'activeX" xmlns:r="{REL}"/>').encode()


def _ocx_rels(n):
    return (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{AX_BINARY}" Target="activeX{n}.bin"/></Relationships>').encode()


def activex_parts(folder, bins):
    """The parts of ActiveX check boxes (``folder``: word or xl) whose binaries are ``bins``, and their types;
    a binary's class id is the ax:ocx's."""
    parts, types = {}, []
    for n, data in enumerate(bins, start=1):
        parts[f"{folder}/activeX/activeX{n}.xml"] = _ocx_xml(str(uuid.UUID(bytes_le=data[:16])).upper()
                                                             .join("{}") if len(data) >= 16 else CHECK_BOX)
        parts[f"{folder}/activeX/_rels/activeX{n}.xml.rels"] = _ocx_rels(n)
        parts[f"{folder}/activeX/activeX{n}.bin"] = data
        types.append(f'<Override PartName="/{folder}/activeX/activeX{n}.xml" '
                     'ContentType="application/vnd.ms-office.activeX+xml"/>')
    types.append('<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/>')
    return parts, "".join(types)


def _object(rid, n):
    """A run holding an ActiveX control as Word writes it: w:object, its VML picture, and the w:control."""
    return (f'<w:r xmlns:w="{W}" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="{REL}" '
            'xmlns:o="urn:schemas-microsoft-com:office:office"><w:object w:dxaOrig="1440" w:dyaOrig="1440">'
            f'<v:shape id="_x0000_i10{n}" type="#_x0000_t75" style="width:60pt;height:18pt" o:ole="">'
            f'<v:imagedata r:id="rIdImg{n}" o:title=""/></v:shape>'
            f'<w:control r:id="{rid}" w:name="CheckBox{n}" w:shapeid="_x0000_i10{n}"/></w:object></w:r>')


def docx_with_boxes(tmp_path, name, bins, typed=None, find="延续项目"):
    """FORM2 with 项目属性's cell (the paragraph holding ``find``) holding one ActiveX control per binary in
    place of its text (and, when ``typed`` is given, those texts typed after each box: the options beside
    captionless boxes)."""
    parts, types = activex_parts("word", bins)

    def edit(part, data):
        if part == "word/document.xml":
            doc = etree.fromstring(data)
            t = next(t for t in doc.iter(_w("t")) if t.text and find in t.text)
            p = t.getparent().getparent()
            for r in p.findall(_w("r")):
                p.remove(r)
            for n in range(1, len(bins) + 1):
                p.append(etree.fromstring(_object(f"rIdAx{n}", n)))
                if typed:
                    r = etree.SubElement(p, _w("r"))
                    etree.SubElement(r, _w("t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}).text \
                        = typed[n - 1]
            return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
        if part == "word/_rels/document.xml.rels":
            rels = "".join(f'<Relationship Id="rIdAx{n}" Type="{REL}/control" Target="activeX/activeX{n}.xml"/>'
                           for n in range(1, len(bins) + 1))
            return data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
        if part == "[Content_Types].xml":
            return data.replace(b"</Types>", types.encode() + b"</Types>")
        return data

    return rewrite(FORM2, tmp_path / name, edit, add=parts)


def test_the_stream_written_here_is_read_back():
    assert morph_data(morph("1", "延续项目")) == ("1", "延续项目")
    assert morph_data(morph("0", "Yes", compressed=True)) == ("0", "Yes")
    assert morph_data(morph(None, "")) == (None, "")


def test_a_cut_or_damaged_stream_is_unreadable_never_an_exception():
    good = morph("1", "延续项目")
    for n in range(len(good) - 12):  # (the font after the control's own blocks is not needed)
        assert morph_data(good[:n]) in (None, ("1", "延续项目"))
    assert morph_data(good[:40]) is None
    assert morph_data(b"\x00\x03" + good[2:]) is None  # another version
    assert morph_data(good[:4] + struct.pack("<Q", 1 << 40) + good[12:]) is None  # a property no MorphData has


def test_docx_activex_boxes_read_from_their_binary(tmp_path):
    path = docx_with_boxes(tmp_path, "ax.docx", [stream_init_bin("0", "新增项目"), stream_init_bin("1", "延续项目")])
    assert read_numeric(path) == expected(FORM2.stem)
    bins = [stream_init_bin("1", "新增项目"), stream_init_bin(None, "延续项目")]  # (no Value: never ticked)
    other = docx_with_boxes(tmp_path, "ax-new.docx", bins)
    rec = formparse.read(other)
    assert rec.project_kind == "新增项目" and not [w for w in rec.warnings if w.code == "check-box"]


def test_docx_activex_boxes_with_word_captions_mark_the_text_typed_beside_them(tmp_path):
    bins = [stream_init_bin("0", "CheckBox1"), stream_init_bin("1", "CheckBox2")]
    path = docx_with_boxes(tmp_path, "ax-typed.docx", bins, typed=["新增项目   ", "延续项目"])
    assert read_numeric(path) == expected(FORM2.stem)


def test_docx_activex_box_whose_state_cannot_be_read_is_a_warning_naming_the_cell(tmp_path):
    bins = [stream_init_bin("0", "新增项目")[:30], stream_init_bin("0", "延续项目")[:30]]
    rec = formparse.read(docx_with_boxes(tmp_path, "ax-bad.docx", bins))
    assert rec.project_kind is None
    warned = [w for w in rec.warnings if w.code == "check-box"]
    assert [w.cell for w in warned] == ["表1第2行第2列"]  # (two boxes alike: one warning)
    assert "ActiveX 复选框" in warned[0].message and "无法读取" in warned[0].message
    assert not [w for w in formparse.read(docx_with_boxes(tmp_path, "ax-ok.docx", [
        stream_init_bin("0", "新增项目"), stream_init_bin("1", "延续项目")])).warnings if w.code == "check-box"]


@pytest.mark.slow
@needs_soffice()
def test_docx_saved_by_libreoffice_reads_the_same(tmp_path):
    """LibreOffice opens the boxes as form check boxes and writes them back as Word does (persistStorage:
    an OLE2 compound file per box): the state and caption it kept are read the same."""
    src = docx_with_boxes(tmp_path, "ax-src.docx", [stream_init_bin("0", "新增项目"), stream_init_bin("1", "延续项目")])
    out = tmp_path / "out"
    with tempfile.TemporaryDirectory(prefix="lo-ax-") as profile:
        subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)],
                       check=True, capture_output=True, timeout=300)
    saved = out / src.name
    bins = [d for n, d in parts_of(saved).items() if n.startswith("word/activeX/") and n.endswith(".bin")]
    assert len(bins) == 2 and all(b.startswith(b"\xd0\xcf\x11\xe0") for b in bins)  # (the other persistence)
    assert read_numeric(saved) == expected(FORM2.stem)
