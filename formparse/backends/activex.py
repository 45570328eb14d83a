"""ActiveX check boxes and option buttons (Microsoft Forms 2.0) as the state and caption they show; text boxes
and combo boxes as the text they hold; any other control named, so that it is reported, never passed over.

Excel and Word keep an ActiveX control in a part of its own (``xl/activeX/activeXN.xml``,
``word/activeX/activeXN.xml``: an ``ax:ocx`` with the control's class id) whose ``ax:persistence`` says
where its properties are ([MS-OI29500], [MS-OFORMS]):

* ``persistPropertyBag``: in the XML, as ``ax:ocxPr ax:name="Value" ax:value="1"`` (and ``Caption``);
* ``persistStreamInit``: in a binary part (``activeXN.bin``, the ax:ocx's ``r:id``): the class id
  (16 bytes) then the control's stream;
* ``persistStorage``: the binary part is an OLE2 compound file whose ``contents`` stream is the control's
  stream (Word writes this, and LibreOffice when it saves form controls to .docx).

A check box's or option button's stream is a MorphData control ([MS-OFORMS] 2.2.5.1): version (2 bytes),
the size of the blocks (2), a 64-bit mask of the properties present, a DataBlock of the small ones
(each aligned to its size; a string stands there as its byte count, high bit set when it is stored one byte
a character) and an ExtraDataBlock of the large ones (each aligned to 4). Of them we need ``Value`` (bit 22:
“1” ticked, “0” not; absent: the default, not ticked) and ``Caption`` (bit 23).

A stream we cannot follow, or a Value that is neither (a triple-state box left grey), gives state None:
the caller reports the box instead of guessing its mark.

A text box (Forms.TextBox.1) and a combo box (Forms.ComboBox.1) are MorphData controls too: their ``Value``
is the text they show. Read the same way; a stream that cannot be followed gives text None (reported). Every
other Forms 2.0 control (list box, label, button, spin button, scroll bar, image) and any other ActiveX control
is returned with its name and nothing read, for the caller to report.
"""

from __future__ import annotations

import re
import struct
from typing import Any

from lxml import etree

from .ooxml import Package, parse

# Class ids of the Forms 2.0 controls read as tick boxes (upper case), and what the warnings call them.
CHECK_BOX = "{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"
OPTION_BUTTON = "{8BD21D50-EC42-11CE-9E0D-00AA006002F3}"
KINDS = {CHECK_BOX: "复选框", OPTION_BUTTON: "单选按钮"}
# The controls whose Value is the text they show, read; then the others named in warnings.
TEXT_BOX = "{8BD21D10-EC42-11CE-9E0D-00AA006002F3}"
COMBO_BOX = "{8BD21D30-EC42-11CE-9E0D-00AA006002F3}"
TEXT_KINDS = {TEXT_BOX: "文本框", COMBO_BOX: "组合框"}
LIST_BOX = "{8BD21D20-EC42-11CE-9E0D-00AA006002F3}"
TOGGLE_BUTTON = "{8BD21D60-EC42-11CE-9E0D-00AA006002F3}"
LABEL = "{978C9E23-D4B0-11CE-BF2D-00AA003F40D0}"
COMMAND_BUTTON = "{D7053240-CE69-11CD-A777-00DD01143C57}"
SPIN_BUTTON = "{79176FB0-B7F2-11CE-97EF-00AA006D2776}"
SCROLL_BAR = "{DFD181E0-5E2F-11CE-A449-00AA004A803D}"
IMAGE = "{4C599241-6926-101B-9992-00000B65C6F9}"
OTHER_KINDS = {LIST_BOX: "列表框", TOGGLE_BUTTON: "切换按钮", LABEL: "标签", COMMAND_BUTTON: "命令按钮",
               SPIN_BUTTON: "数值调节钮", SCROLL_BAR: "滚动条", IMAGE: "图像"}
# What a control of a class not listed above is called.
OTHER = "控件"
# The ProgIDs (“Forms.CheckBox.1”) of the Forms 2.0 classes, as an .xls names a control's class.
PROG_IDS = {"CheckBox": CHECK_BOX, "OptionButton": OPTION_BUTTON, "TextBox": TEXT_BOX, "ComboBox": COMBO_BOX,
            "ListBox": LIST_BOX, "ToggleButton": TOGGLE_BUTTON, "Label": LABEL, "CommandButton": COMMAND_BUTTON,
            "SpinButton": SPIN_BUTTON, "ScrollBar": SCROLL_BAR, "Image": IMAGE}


def guid_bytes(classid: str) -> bytes:
    """A class id as a GUID's 16 bytes are stored (the first three fields little-endian)."""
    import uuid

    return uuid.UUID(classid).bytes_le

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The DataBlock's small properties before Value, by mask bit: their size in bytes (VariousPropertyBits,
# BackColor, ForeColor, MaxLength, BorderStyle, ScrollBars, DisplayStyle, MousePointer, PasswordChar, …).
_SMALL = {0: 4, 1: 4, 2: 4, 3: 4, 4: 1, 5: 1, 6: 1, 7: 1, 9: 2, 10: 4, 11: 2, 12: 2, 13: 2, 14: 2, 15: 2,
          16: 1, 17: 1, 18: 1, 20: 1, 21: 1}
# The properties after them: 22 Value, 23 Caption (a string's count, 4), 24 PicturePosition, 25 BorderColor,
# 26 SpecialEffect (4 each), 27 MouseIcon, 28 Picture (2 each), 29 Accelerator (2), 32 GroupName (a count, 4).
_AFTER = {22: 4, 23: 4, 24: 4, 25: 4, 26: 4, 27: 2, 28: 2, 29: 2, 32: 4}
# Bits with nothing in the DataBlock: 8 Size (8 bytes in the ExtraDataBlock), 19 and 30 unused, 31 a flag.
_FLAGS = {8, 19, 30, 31}
_SIZE, _VALUE, _CAPTION = 8, 22, 23
_COMPRESSED = 0x80000000
# A caption or value longer than this is no check box's: the stream is taken for unreadable.
_MAX_STRING = 4096
# A caption Excel or Word gives a new box and nobody changed (it names no option).
_GENERIC = re.compile(r"^(?:check\s*box|复选框|选项按钮|单选按钮|option\s*button)\s*\d*$", re.I)
_TICKED = {"1", "true", "-1"}
_CLEAR = {"0", "false"}


class Control:
    """A control's class (its warning name), whether it is ticked (None: unknown, or not a tick box) and its
    caption; for a text or combo box, ``text``: what it shows (None: not read). ``box``: a tick box;
    ``readable``: a control whose content this module reads (a tick box or a text/combo box)."""

    __slots__ = ("kind", "checked", "caption", "text", "box", "readable")

    def __init__(self, kind: str, checked: bool | None, caption: str, *, text: str | None = None,
                 box: bool = True, readable: bool = True) -> None:
        self.kind, self.checked, self.caption = kind, checked, caption
        self.text, self.box, self.readable = text, box, readable


def names_option(caption: str) -> bool:
    """Whether a box's caption names something (not Excel's “Check Box 1” or Word's “CheckBox1”)."""
    return bool(caption.strip()) and not _GENERIC.match(caption.strip())


def _attr(el: Any, name: str) -> str:
    """An attribute by its local name, whatever its namespace (ax:classid)."""
    return next((v for k, v in el.attrib.items() if etree.QName(k).localname == name), "")


def read_control(pkg: Package, part: str) -> Control:
    """The control the ActiveX part ``part`` holds: a tick box's state and caption, a text or combo box's text,
    or any other control by its name only (``readable`` False)."""
    ocx = parse(pkg.read(part), path=pkg.path, part=part)
    classid = _attr(ocx, "classid").strip().upper()
    kind = KINDS.get(classid)
    text_kind = TEXT_KINDS.get(classid)
    if kind is None and text_kind is None:
        return Control(OTHER_KINDS.get(classid, OTHER), None, "", box=False, readable=False)
    persistence = _attr(ocx, "persistence").strip()
    found: tuple[str | None, str] | None
    if persistence == "persistPropertyBag" or persistence == "":
        props = {_attr(p, "name").lower(): _attr(p, "value") for p in ocx.iter()
                 if isinstance(p.tag, str) and etree.QName(p).localname == "ocxPr"}
        found = (props.get("value"), props.get("caption", ""))
        if kind is not None:
            return Control(kind, state(found[0]), found[1])
    else:
        rel = pkg.rels(part).get(_attr(ocx, "id"))
        data = pkg.read(rel[1]) if rel is not None and pkg.has(rel[1]) else b""
        if persistence == "persistStorage" or data.startswith(_OLE2):
            stream = _contents(data)
        else:  # persistStreamInit: the class id, then the stream
            stream = data[16:] if len(data) > 16 else None
        found = morph_data(stream) if stream else None
    return control(kind or text_kind or OTHER, text_kind is not None, found)


def control(kind: str, text_kind: bool, found: tuple[str | None, str] | None) -> Control:
    """The Control a MorphData's (Value, Caption) (None: not read) stands for."""
    if text_kind:  # (no Value: an empty box)
        return Control(kind, None, "", text=None if found is None else found[0] or "", box=False)
    if found is None:
        return Control(kind, None, "")
    value, caption = found
    return Control(kind, state(value, default=False), caption)


def state(value: str | None, *, default: bool | None = None) -> bool | None:
    """A Value as a tick: True, False, or None when it says neither (``default`` when there is none)."""
    if value is None:
        return default
    v = value.strip().lower()
    return True if v in _TICKED else False if v in _CLEAR else None


def _contents(data: bytes) -> bytes | None:
    """The ``contents`` stream of an OLE2 compound file, or None."""
    from xlrd.compdoc import CompDoc

    class _Quiet:
        def write(self, _: str) -> None:
            pass

    try:
        doc = CompDoc(data, logfile=_Quiet())
        stream = doc.get_named_stream("contents")
    except Exception:  # (a damaged compound file in any way: the box is reported as unreadable)
        return None
    return bytes(stream) if stream is not None else None


def morph_data(data: bytes) -> tuple[str | None, str] | None:
    """(Value or None when absent, Caption) of a MorphData stream, or None when it cannot be followed."""
    try:
        if len(data) < 12 or data[1] != 2:
            return None
        size = struct.unpack_from("<H", data, 2)[0]
        end = 4 + size
        if size < 8 or end > len(data):  # (the blocks begin with the 8-byte mask)
            return None
        mask = struct.unpack_from("<Q", data, 4)[0]
        pos = 12
        sizes: dict[int, int] = {}  # bit → the byte count of a string property
        for bit in range(64):
            if not mask >> bit & 1:
                continue
            width = _SMALL.get(bit) or _AFTER.get(bit, 0)
            if width == 0:
                if bit not in _FLAGS:
                    return None  # a property no MorphData has: not a stream we know
                continue
            pos += -pos % width
            if bit in (_VALUE, _CAPTION):
                sizes[bit] = struct.unpack_from("<I", data, pos)[0]
            pos += width
        pos += -pos % 4  # the ExtraDataBlock
        if mask >> _SIZE & 1:
            pos += 8
        strings: dict[int, str] = {}
        for bit in (_VALUE, _CAPTION):
            if bit not in sizes:
                continue
            n = sizes[bit] & ~_COMPRESSED
            if n > _MAX_STRING or pos + n > end:
                return None
            raw = data[pos: pos + n]
            strings[bit] = raw.decode("latin-1") if sizes[bit] & _COMPRESSED else raw.decode("utf-16-le")
            pos += n + (-n % 4)
        return strings.get(_VALUE), strings.get(_CAPTION, "")
    except (struct.error, UnicodeDecodeError, IndexError):
        return None
