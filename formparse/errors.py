"""The errors formparse raises. Nothing else escapes :func:`formparse.read` or :func:`formparse.fill`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class FormparseError(Exception):
    """Base of every error formparse raises; ``path`` names the file when there is one."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


class UnreadableFile(FormparseError, ValueError):
    """The file is empty, truncated, not a document, or of a kind we do not read."""


class NotThisForm(FormparseError, ValueError):
    """The file is a readable document but not this form: the labels that were missing are listed."""

    def __init__(self, missing: Sequence[str], *, form: str, path: str | Path | None = None) -> None:
        self.missing = list(missing)
        self.form = form
        super().__init__(f"不是{form}：找不到标签 " + "、".join(f"“{m}”" for m in self.missing), path=path)


class InvalidValues(FormparseError, ValueError):
    """Cells whose content cannot be what their label asks for (e.g. money that is not a number)."""

    def __init__(self, problems: Sequence[str], *, path: str | Path | None = None) -> None:
        self.problems = list(problems)
        super().__init__("；".join(self.problems), path=path)


class SchemaError(FormparseError, ValueError):
    """A layout schema is malformed; the message names the key."""


class CannotFill(FormparseError, ValueError):
    """A record cannot be written into the given template (the message says why)."""


class EncryptedFile(UnreadableFile):
    """The file is password-protected (an encrypted OOXML package inside an OLE2 container)."""


class UnsafeFile(FormparseError, ValueError):
    """The file exceeds a safety limit (size, inflate ratio, entries, sheet extent, …) or is malformed in a
    way only a hostile file is (duplicate zip entries, a DTD in an OOXML part)."""


class ConversionFailed(FormparseError, RuntimeError):
    """LibreOffice could not convert a legacy file."""


class AmbiguousLayout(FormparseError, ValueError):
    """Labels that could belong to several places of the form equally well: ``cells`` names them all."""

    def __init__(self, message: str, *, cells: Sequence[str] = (), path: str | Path | None = None) -> None:
        self.cells = list(cells)
        super().__init__(message, path=path)
