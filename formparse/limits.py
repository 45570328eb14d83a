"""Safety limits applied before and while parsing: on by default, configurable per call.

A submission is untrusted. These bound what one file may cost (memory, time) before any library
that allocates by the file's own description of itself is called.
"""

from __future__ import annotations

import attrs

from . import _startcache

_startcache.install()  # attrs' generated methods of the classes below: from the cache


@attrs.frozen
class Limits:
    """Every limit a read enforces. ``formparse.read(path, limits=Limits(max_file_bytes=...))``."""

    max_file_bytes: int = 200 * 2**20  # the file on disk
    max_entries: int = 10_000  # zip entries
    max_part_bytes: int = 200 * 2**20  # one part, uncompressed
    max_total_bytes: int = 1024 * 2**20  # all parts, uncompressed
    max_inflate_ratio: float = 200.0  # uncompressed / compressed, for parts over 1 MiB
    max_rows: int = 100_000  # a sheet's extent (rows with content or merges)
    max_cols: int = 2_000
    max_cells: int = 5_000_000  # rows × columns of the grid the form is located on
    max_text_chars: int = 1_000_000  # one cell's text
    max_table_depth: int = 8  # tables nested in tables (.docx)
    max_pdf_pages: int = 500  # a PDF's pages (a packet of forms is tens)
    max_pdf_objects: int = 50_000  # objects in a PDF's cross-reference tables (a 10-page export has hundreds)
    max_pdf_stream_bytes: int = 16 * 2**20  # one PDF page's content streams, inflated
    max_pdf_chars: int = 2_000_000  # characters of a PDF's text layer, all pages


DEFAULT = Limits()
