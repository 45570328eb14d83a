"""What every process would otherwise redo at start-up, kept beside the package's ``.pyc`` files.

Two caches in ``formparse/__pycache__`` (where Python keeps the package's compiled modules; under
``PYTHONPYCACHEPREFIX`` when that is set). Each is written atomically at first use, and only where Python itself
would write a ``.pyc`` (not under ``PYTHONDONTWRITEBYTECODE``, not where the folder is read-only); a cache that is
missing, damaged, stale or of another Python is not used, and what it holds is made as before. Like a ``.pyc``,
a cache is trusted as much as the package's own files (it holds code objects and a pickle):

- **attrs' generated methods**: attrs writes each class's ``__init__``, ``__eq__``, ``__repr__`` … as Python
  source and compiles it when the class is defined (about a third of the cost of an attrs class; a parse
  defines about 40). :func:`install` hooks that compile in ``attr._make`` (for formparse's own classes only): a
  script met before is taken from the cache, keyed by its exact text and file name, so the code object is the
  one ``compile`` makes of it.
- the **bundled schemas** (formparse.schema): built from their TOML once, pickled, and used while the TOML
  files and the modules that build them have the same modification time and size (and formparse its version).

Also here: :func:`lazy_re`, a regular expression compiled on first use (most of formparse's patterns are for
what a given file does not have, and compiling one costs ~0.1–1 ms).
"""

from __future__ import annotations
import __future__

import importlib.util
import marshal
import re
import sys
import types
from pathlib import Path
from typing import Any, cast

# (Python's bytecode format in the name: a cache of another Python is another file)
_TAG = f"{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}"
_PACKAGE = Path(__file__).resolve().parent
# (where Python puts this package's .pyc files: its __pycache__, or under PYTHONPYCACHEPREFIX when that is set)
DIR = (Path(sys.pycache_prefix) / _PACKAGE.relative_to(_PACKAGE.anchor) if sys.pycache_prefix
       else _PACKAGE / "__pycache__")
_MAX_SCRIPTS = 1500  # (a bound: entries of other attrs versions are dropped first)


def cache_path(name: str) -> Path:
    """The file of the cache ``name`` (for this Python)."""
    return DIR / f"formparse-{name}.{_TAG}.bin"


def write(name: str, data: bytes) -> bool:
    """Publish ``data`` as the cache ``name``, atomically; False (and nothing left behind) where it cannot
    be written (a read-only install, a full disk) or Python is asked not to write ``.pyc`` files."""
    if sys.dont_write_bytecode:
        return False
    from .atomic import atomic_path

    try:
        with atomic_path(cache_path(name), overwrite=True) as tmp:
            with open(tmp, "wb") as f:
                f.write(data)
    except OSError:
        return False
    return True


def read(name: str) -> bytes | None:
    try:
        with open(cache_path(name), "rb") as f:
            return f.read()
    except OSError:
        return None


# --- attrs' generated methods -------------------------------------------------------------------------------

# (file name, script) → its code, marshalled (unmarshalled on use: the cache holds several scripts of a class,
# one for each form of its __hash__'s number, see _TYPE_HASH)
_SCRIPTS: dict[tuple[str, str], bytes] | None = None
_USED: set[tuple[str, str]] = set()
_FORMS: list[tuple[str, str, int, int]] = []  # (file name, script, where its hash number is, its length)
_NEW = 0
stats = {"hits": 0, "misses": 0}


def _load_scripts() -> dict[tuple[str, str], bytes]:
    data = read("attrs")
    try:
        found = marshal.loads(data) if data else {}
    except (EOFError, ValueError, TypeError):
        found = {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, tuple) and len(k) == 2
            and all(isinstance(x, str) for x in k) and isinstance(v, bytes)}


def _ours(filename: Any) -> bool:
    # attrs names a class's script "<attrs generated methods MODULE.QUALNAME>"
    return isinstance(filename, str) and filename.startswith("<attrs generated ") and " formparse." in filename


# A frozen class's ``__hash__`` starts from ``hash()`` of a string, which differs in every process: that number is
# put back into the cached code (compiled with a placeholder of the same length, so positions are the same)
_FLAGS = 0  # the __future__ flags attr._make's own compile calls inherit (set by install)
_TYPE_HASH = re.compile(r"(hash\(\(\n[ \t]*)(-?[0-9]+)(,\n)")


def _swap(code: types.CodeType, old: int, new: int) -> types.CodeType:
    """``code`` with the constant ``old`` as ``new`` (in the code objects that hold it: the others are kept)."""
    consts = list(code.co_consts)
    changed = False
    for i, c in enumerate(consts):
        if type(c) is int and c == old:
            consts[i], changed = new, True
        elif type(c) is types.CodeType:
            swapped = _swap(c, old, new)
            if swapped is not c:
                consts[i], changed = swapped, True
    return code.replace(co_consts=tuple(consts)) if changed else code


def _compile(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
    """``compile`` as attr._make sees it: the scripts of formparse's classes from the cache."""
    global _SCRIPTS, _NEW
    if args or kwargs:
        return compile(source, filename, mode, *args, **kwargs)
    if mode != "exec" or not isinstance(source, str) or not _ours(filename):
        return compile(source, filename, mode, _FLAGS, True)
    hashes = list(_TYPE_HASH.finditer(source))
    value = placeholder = 0
    if hashes:
        literal = hashes[0].group(2)
        value = int(literal)
        text = "-" * (value < 0) + "9" * (len(literal) - (value < 0))
        placeholder = int(text)
        source = source[:hashes[0].start(2)] + text + source[hashes[0].end(2):]
        if len(hashes) > 1 or source.count(text) > 1:  # (not the script this cache knows: compiled as it is)
            return compile(source.replace(text, literal, 1), filename, mode, _FLAGS, True)
    if _SCRIPTS is None:
        _SCRIPTS = _load_scripts()
    key = (filename, source)
    code = None
    data = _SCRIPTS.get(key)
    if data is not None:
        try:
            code = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            code = None
    if not isinstance(code, types.CodeType):
        code = compile(source, filename, mode, _FLAGS, True)
        _SCRIPTS[key] = marshal.dumps(code)
        stats["misses"] += 1
        if hashes:  # (its number's other usual forms are compiled too, when the cache is written)
            _FORMS.append((filename, source, hashes[0].start(2), len(text)))
        if not _NEW:
            import atexit

            atexit.register(save_scripts)
        _NEW += 1
    else:
        stats["hits"] += 1
    _USED.add(key)
    return _swap(code, placeholder, value) if hashes else code


def save_scripts() -> bool:
    """Write the scripts met in this process (and, up to a bound, the others the cache held) back."""
    global _NEW
    if not _NEW or _SCRIPTS is None or sys.dont_write_bytecode:
        return False
    # a frozen class's script for the usual forms of its hash number too (17–19 digits, either sign: 99.9 % of
    # processes), so that a later process finds its own
    while _FORMS:
        filename, source, start, length = _FORMS.pop()
        for other in (f"{sign}{'9' * digits}" for sign in ("", "-") for digits in (19, 18, 17)):
            variant = source[:start] + other + source[start + length:]
            if (filename, variant) not in _SCRIPTS:
                _SCRIPTS[(filename, variant)] = marshal.dumps(compile(variant, filename, "exec", _FLAGS, True))
            _USED.add((filename, variant))
    keep = dict(_load_scripts())
    keep.update((k, _SCRIPTS[k]) for k in _USED)
    if len(keep) > _MAX_SCRIPTS:  # this process's first, then the rest in the order the file held them
        keep = {k: keep[k] for k in [*(k for k in keep if k in _USED), *(k for k in keep if k not in _USED)]
                [:_MAX_SCRIPTS]}
    _NEW = 0
    return write("attrs", marshal.dumps(keep))


def install() -> None:
    """Take attrs' generated methods of formparse's classes from the cache (idempotent; a later attrs
    that compiles elsewhere just compiles as before)."""
    global _FLAGS
    make: Any = sys.modules.get("attr._make")
    if make is None:
        import attr._make as make
    if getattr(make, "compile", None) is not _compile:
        feature = getattr(make, "annotations", None)  # (``from __future__ import annotations`` there)
        _FLAGS = feature.compiler_flag if isinstance(feature, type(__future__.annotations)) else 0
        make.compile = _compile  # (shadows the builtin in that module only)


# --- regular expressions compiled on first use ---------------------------------------------------------------

_PATTERN_ATTRS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "scanner",
                  "pattern", "flags", "groups", "groupindex")


class _LazyPattern:
    """Stands for ``re.compile(pattern, flags)`` until first used; then its methods are the compiled pattern's
    own, bound in this object (so a later ``x.match`` costs what it costs on the pattern itself)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self.__dict__["_args"])
        for attr in _PATTERN_ATTRS:
            self.__dict__[attr] = getattr(compiled, attr)
        return getattr(compiled, name)


def lazy_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used: for a module-level pattern used only through
    its methods and attributes (``.match``, ``.sub``, ``.pattern`` …; not where an ``re.Pattern`` itself is
    needed, e.g. ``isinstance`` or ``re.sub(PATTERN, …)``)."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
