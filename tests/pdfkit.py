"""Small PDF files written by hand, as the PDF 1.7 reference describes them: pages of ruling lines and text
in the standard Helvetica font (tests of the PDF back-end's grid building), and hostile variants (a page
tree that loops, a million objects, an inflating content stream).

Coordinates are the page's: points from the bottom-left corner; :func:`top` turns a distance from the top
of an A4 page into one.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

A4 = (595, 842)


def top(y: float) -> float:
    """The PDF y of a point ``y`` points below the top of an A4 page."""
    return A4[1] - y


def line(x0: float, y0: float, x1: float, y1: float, width: float = 0.5) -> str:
    return f"{width} w {x0:.2f} {top(y0):.2f} m {x1:.2f} {top(y1):.2f} l S\n"


def grid_lines(xs: Sequence[float], ys: Sequence[float], skip: Sequence[tuple[str, int, int]] = ()) -> str:
    """The ruling lines of a table with column edges ``xs`` and row edges ``ys`` (from the top); ``skip``
    leaves out segments: ("v", i, r) the vertical at xs[i] in row r, ("h", j, c) the horizontal at ys[j] in
    column c (a merge)."""
    out = []
    for i, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if ("v", i, r) not in skip:
                out.append(line(x, ys[r], x, ys[r + 1]))
    for j, y in enumerate(ys):
        for c in range(len(xs) - 1):
            if ("h", j, c) not in skip:
                out.append(line(xs[c], y, xs[c + 1], y))
    return "".join(out)


def text(x: float, y: float, s: str, size: float = 10) -> str:
    """Text with its baseline ``y`` points below the top of the page (Latin-1 only: the standard font)."""
    body = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F1 {size} Tf {x:.2f} {top(y):.2f} Td ({body}) Tj ET\n"


def glyphs(x: float, y: float, ids: Sequence[int], size: float = 10) -> str:
    """Glyphs by id in the font without a ToUnicode map (/F2)."""
    hexes = "".join(f"{i:04x}" for i in ids)
    return f"BT /F2 {size} Tf {x:.2f} {top(y):.2f} Td <{hexes}> Tj ET\n"


def document(pages: Sequence[str | bytes], *, compress: bool = False, filler_objects: int = 0,
             loop: bool = False, raw_streams: Sequence[bytes] | None = None) -> bytes:
    """A PDF of the given page contents. ``filler_objects``: that many extra (unused) objects; ``loop``: the
    page tree lists itself among its kids; ``raw_streams``: page content streams given already deflated."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    # /F2: a composite font with no ToUnicode map (what a PDF made without one shows: glyph ids only)
    cid = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NoMap /CIDSystemInfo << /Registry (Adobe) "
              b"/Ordering (Identity) /Supplement 0 >> /DW 1000 >>")
    unmapped = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /NoMap /Encoding /Identity-H "
                   f"/DescendantFonts [{cid} 0 R] >>".encode())
    kids = []
    streams = list(raw_streams) if raw_streams is not None else [
        zlib.compress(p.encode("latin-1") if isinstance(p, str) else p) if compress
        else (p.encode("latin-1") if isinstance(p, str) else p) for p in pages]
    flate = compress or raw_streams is not None
    for data in streams:
        head = f"<< /Length {len(data)}{' /Filter /FlateDecode' if flate else ''} >>".encode()
        content = add(head + b"\nstream\n" + data + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {A4[0]} {A4[1]}] /Contents {content} 0 R "
                        f"/Resources << /Font << /F1 {font} 0 R /F2 {unmapped} 0 R >> >> >>".encode()))
    for _ in range(filler_objects):
        add(b"null")
    refs = " ".join(f"{k} 0 R" for k in kids) + (f" {tree} 0 R" if loop else "")
    objects[tree - 1] = f"<< /Type /Pages /Kids [{refs}] /Count {len(kids)} >>".encode()
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    return _assemble(objects, root=catalog)


def deep_tree(depth: int) -> bytes:
    """A PDF whose page tree nests ``depth`` /Pages nodes, one inside the other, above its one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for k in range(depth):
        n = 2 + k
        objects.append(f"<< /Type /Pages /Kids [{n + 1} 0 R] /Count 1 >>".encode())
    objects.append(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
    return _assemble(objects, root=1)


def _assemble(objects: Sequence[bytes], root: int) -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def image_only(jpeg: bytes, width: int, height: int, colors: str = "DeviceRGB", stamp: str = "",
               cover: float = 1.0) -> bytes:
    """A one-page PDF showing a JPEG over the whole page (``cover``: that share of its width and height) and
    nothing else (what a scanner writes); ``stamp``: a line of text at the foot, as scanning apps print theirs."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4[0]} {A4[1]}] /Contents 4 0 R "
        f"/Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> >>".encode(),
    ]
    picture = f"q {A4[0] * cover:.2f} 0 0 {A4[1] * cover:.2f} 0 0 cm /Im1 Do Q\n"
    draw = (picture + (text(40, 830, stamp, 8) if stamp else "")).encode("latin-1")
    objects.append(f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream")
    objects.append(f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /{colors} "
                   f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>\nstream\n".encode()
                   + jpeg + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    return _assemble(objects, root=1)
