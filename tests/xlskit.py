"""ActiveX controls put into a real .xls as Excel 97–2003 keeps them, written byte by byte from the specifications:

* in the worksheet substream ([MS-XLS] 2.4.181 Obj): per control an MSODRAWING record ending in its
  OfficeArtClientAnchorSheet (the cells it is drawn over) and a picture OBJ (ftCmo ot 8) whose FtPioGrbit says
  it is a control with its data in the Ctls stream (fCtl, fPrstm) and whose FtPictFmla (2.5.150) names its
  class (“Forms.CheckBox.1”) and gives lPosInCtlStm/cbBufInCtlStm; the BOUNDSHEET positions of the sheets after
  it moved by what was inserted;
* the Control Stream “Ctls” (2.1.7.22): each control's class id (a GUID's 16 bytes) then its stream
  ([MS-OFORMS] MorphData), as LibreOffice's importer reads it (oox MSConvertOCXControls::ReadOCXCtlsStream);
* both in a compound file ([MS-CFB] version 3, 512-byte sectors, every stream at least the 4096-byte cutoff
  so that no mini stream is needed) written here.
"""

from __future__ import annotations

import io
import struct
import uuid
from pathlib import Path

_BOF, _EOF, _BOUNDSHEET, _MSODRAWING, _OBJ = 0x0809, 0x000A, 0x0085, 0x00EC, 0x005D
_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512
_CUTOFF = 4096


def workbook_stream(path: Path) -> bytes:
    from xlrd.compdoc import CompDoc

    doc = CompDoc(path.read_bytes(), logfile=io.StringIO())
    mem, start, size = doc.locate_named_stream("Workbook")
    return bytes(mem[start:start + size])


def _record(rt: int, body: bytes) -> bytes:
    return struct.pack("<HH", rt, len(body)) + body


def _records(stream: bytes, pos: int = 0):
    while pos + 4 <= len(stream):
        rt, size = struct.unpack_from("<HH", stream, pos)
        yield pos, rt, stream[pos + 4: pos + 4 + size]
        pos += 4 + size


def _anchor(row: int, col: int) -> bytes:
    """An OfficeArtSpContainer's tail: the ClientAnchorSheet (flags, colL, dxL, rwT, dyT, colR, dxR, rwB, dyB)."""
    sides = struct.pack("<9H", 2, col, 60, row, 40, col, 700, row, 200)
    return b"\x00\x00\x10\xf0" + struct.pack("<I", len(sides)) + sides


def control_obj(oid: int, prog_id: str, pos: int, size: int) -> bytes:
    """The OBJ record of an ActiveX control whose data is ``size`` bytes at ``pos`` of the Ctls stream."""
    cmo = struct.pack("<HHH", 0x08, oid, 0x6011) + bytes(12)  # ot 8: a picture
    pio = struct.pack("<H", 0x0010 | 0x0020 | 0x0001)  # fCtl, fPrstm, fAutoPict
    name = prog_id.encode("latin-1")
    embed = bytes([0x03]) + struct.pack("<H", len(name)) + b"\x00" + name  # ttb, cbClass, fHighByte, strClass
    fmla = struct.pack("<H", 5) + bytes(4) + b"\x02" + bytes(4) + embed  # cce 5: a PtgTbl and 4 bytes
    fmla += bytes(len(fmla) % 2)
    key = struct.pack("<I", 0) + struct.pack("<H", 0) + struct.pack("<H", 0)  # no key, no linked cell, no range
    pict = struct.pack("<H", len(fmla)) + fmla + struct.pack("<II", pos, size) + key
    body = (struct.pack("<HH", 0x15, len(cmo)) + cmo + struct.pack("<HH", 0x08, len(pio)) + pio
            + struct.pack("<HH", 0x09, len(pict)) + pict + bytes(4))
    return _record(_OBJ, body)


def with_controls(src: Path, dst: Path, controls: list[tuple[str, str, int, int, bytes]]) -> Path:
    """``src`` (a real .xls) with ActiveX ``controls`` drawn over its first worksheet: (ProgID, class id, 0-based
    row, col, the control's stream) each; the stream is stored after its class id in the Ctls stream."""
    stream = workbook_stream(src)
    ctls, inserted = b"", b""
    for n, (prog_id, classid, row, col, data) in enumerate(controls, start=1):
        blob = uuid.UUID(classid).bytes_le + data
        inserted += _record(_MSODRAWING, b"\x0f\x00\x04\xf0" + bytes(40) + _anchor(row, col))
        inserted += control_obj(n, prog_id, len(ctls), len(blob))
        ctls += blob
    sheets = [(pos, body) for pos, rt, body in _records(stream) if rt == _BOUNDSHEET]
    first = min(struct.unpack_from("<I", body)[0] for _, body in sheets)
    depth, at = 0, None
    for pos, rt, _ in _records(stream, first):
        depth += rt == _BOF
        if rt == _EOF:
            depth -= 1
            if depth == 0:
                at = pos
                break
    assert at is not None
    out = bytearray(stream[:at] + inserted + stream[at:])
    for pos, body in sheets:  # (the globals come first: their records have not moved)
        start = struct.unpack_from("<I", body)[0]
        if start > at:
            struct.pack_into("<I", out, pos + 4, start + len(inserted))
    dst.write_bytes(compound({"Workbook": bytes(out), "Ctls": ctls}))
    return dst


def compound(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` (each padded to the 4096-byte cutoff: none in the mini stream)."""
    names = list(streams)
    data = [streams[n] + bytes(max(0, _CUTOFF - len(streams[n]))) for n in names]
    counts = [-(-len(d) // _SECTOR) for d in data]
    entries = 1 + len(names)
    dir_sectors = -(-entries * 128 // _SECTOR)
    fat_sectors = 1
    while fat_sectors * 128 < sum(counts) + dir_sectors + fat_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109
    fat: list[int] = []
    starts = []
    for count in counts:
        starts.append(len(fat))
        fat += [len(fat) + k + 1 for k in range(count - 1)] + [_END]
    dir_start = len(fat)
    fat += [len(fat) + k + 1 for k in range(dir_sectors - 1)] + [_END]
    fat_start = len(fat)
    fat += [_FATSECT] * fat_sectors
    fat += [_FREE] * (fat_sectors * 128 - len(fat))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = (name.encode("utf-16-le") + b"\x00\x00") if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", left, right, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<IQ", start, size))

    # the directory tree: the root's child is the middle of the names (shorter names, then upper-case order)
    order = sorted(range(len(names)), key=lambda i: (len(names[i]), names[i].upper()))

    def tree(ids: list[int]) -> tuple[int, dict[int, tuple[int, int]]]:
        if not ids:
            return _NOSTREAM, {}
        mid = len(ids) // 2
        left, lt = tree(ids[:mid])
        right, rt = tree(ids[mid + 1:])
        return ids[mid] + 1, {**lt, **rt, ids[mid] + 1: (left, right)}

    root_child, links = tree(order)
    directory = entry("Root Entry", 5, _NOSTREAM, _NOSTREAM, root_child, _END, 0)
    for i, name in enumerate(names):
        left, right = links[i + 1]
        directory += entry(name, 2, left, right, _NOSTREAM, starts[i], len(data[i]))
    while len(directory) < dir_sectors * _SECTOR:
        directory += entry("", 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, 0, 0)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, _CUTOFF, _END, 0, _END, 0))
    difat = [fat_start + k for k in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header += struct.pack("<109I", *difat)
    body = b"".join(d.ljust(c * _SECTOR, b"\x00") for d, c in zip(data, counts, strict=True))
    return header + body + directory + struct.pack(f"<{len(fat)}I", *fat)
