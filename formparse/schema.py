"""Layout schemas: TOML data describing where a form's fields are, validated when loaded; found by id among the
bundled ones and the user's folders, or read from a file. The blocks are in formparse.schema_blocks, the TOML
reader in formparse.schema_toml; their public names are importable from here too."""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs

from . import schema_blocks
from .errors import SchemaError
from .schema_blocks import *  # noqa: F403 (the block classes, importable from here as before the split)
from .schema_blocks import Schema
from .schema_toml import COMPARISONS, RULE_KINDS, key_line, parse_schema

__all__ = [
    *schema_blocks.__all__, "COMPARISONS", "RULE_KINDS", "SCHEMA_PATH_ENV", "as_schemas", "bundled_schemas",
    "data_dir", "derived", "folder_schemas", "key_line", "known_schemas", "load_schema", "load_schema_file",
    "parse_schema", "resolve", "resolve_for", "schema_for",
]


def resolve(ref: str) -> Any:
    """The object a schema names as ``module:name`` (its record class, its rules)."""
    module, _, name = ref.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise SchemaError(f"cannot import {ref}: {exc}") from exc


def resolve_for(schema: Schema, key: str, ref: str) -> Any:
    """:func:`resolve` for a reference a schema file makes (``record``, ``rules`` …): an error names the
    file, the key and its line."""
    try:
        return resolve(ref)
    except SchemaError as exc:
        line = key_line(schema.text, key) if schema.text else None
        where = f"（第 {line} 行 / line {line}）" if line else ""
        raise SchemaError(f"{key} = {ref!r}: {exc.message}{where}", path=schema.source or schema.id) from exc


def data_dir(name: str) -> Path:
    """A bundled data folder: inside the installed package, or at the top of a source checkout."""
    packaged = resources.files("formparse") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / ("schemas" if name == "schemas" else "samples/templates")
    return checkout


_DERIVED: dict[tuple[int, str], tuple[Schema, Any]] = {}
T = TypeVar("T")


def derived(schema: Schema, name: str, make: Callable[[Schema], T]) -> T:
    """``make(schema)``, computed once per schema object and name (a schema never changes; schemas hold
    dicts, so they cannot be keys of a cache themselves)."""
    hit = _DERIVED.get((id(schema), name))
    if hit is None or hit[0] is not schema:
        if len(_DERIVED) > 256:
            _DERIVED.clear()
        hit = _DERIVED[(id(schema), name)] = (schema, make(schema))
    return cast(T, hit[1])


@functools.lru_cache(maxsize=16)
def _bundled(schema_id: str) -> Schema:
    built = _built_bundled().get(schema_id)
    if built is not None:
        return built
    path = data_dir("schemas") / f"{schema_id}.toml"
    return parse_schema(path.read_text(encoding="utf-8"), source=str(path))


# the modules whose code decides what a schema file builds (a change to one makes the cache stale)
_BUILDERS = ("schema_toml.py", "schema_blocks.py", "text.py")


@functools.cache
def _built_bundled() -> dict[str, Schema]:
    """Every bundled schema as built from its TOML, kept in a start-up cache (formparse._startcache) while the
    files and the modules that build them are unchanged (modification time and size, formparse's version);
    empty where a file cannot be read (each is then built as before, and says what is wrong)."""
    import pickle

    from . import __version__, _startcache

    folder = data_dir("schemas")
    try:
        files = [(i, os.stat(folder / f"{i}.toml")) for i in _bundled_ids()]
        own = [(n, os.stat(Path(__file__).with_name(n))) for n in _BUILDERS]
    except OSError:
        return {}
    key = (__version__, str(folder), *((n, st.st_mtime_ns, st.st_size) for n, st in [*files, *own]))
    data = _startcache.read("schemas")
    if data:
        try:
            found = pickle.loads(data)
            if isinstance(found, tuple) and len(found) == 2 and found[0] == key and isinstance(found[1], dict):
                return cast(dict[str, Schema], found[1])
        except Exception:  # noqa: BLE001 (a damaged or foreign cache: built again)
            pass
    built = {}
    for schema_id, _ in files:
        path = folder / f"{schema_id}.toml"
        try:
            built[schema_id] = parse_schema(path.read_text(encoding="utf-8"), source=str(path))
        except (OSError, UnicodeDecodeError, SchemaError):
            return {}
    _startcache.write("schemas", pickle.dumps((key, built), protocol=pickle.HIGHEST_PROTOCOL))
    return built


def load_schema(schema: str | Path = "dept-overall-2020") -> Schema:
    """A schema by bundled id (“project-2020”), by the id of one in a ``FORMPARSE_SCHEMAS`` folder, or from a
    TOML file (a path, or a name ending in .toml). Loaded once per process.

    Raises SchemaError saying what was looked for and where, or naming the file's bad key and its line."""
    text = str(schema)
    if isinstance(schema, Path) or text.endswith(".toml") or os.sep in text or "/" in text:
        return load_schema_file(schema)
    # (the listing first: a batch asks for the default schema for every file it writes, and a stat each
    # time was a tenth of a 1,000-file convert's own time)
    if text in _bundled_ids() or (data_dir("schemas") / f"{text}.toml").is_file():
        return _bundled(text)
    for path in _folder_files(os.environ.get(SCHEMA_PATH_ENV, "")):
        if path.stem == text:
            return load_schema_file(path)
    folders = [str(data_dir("schemas")), *_folders(os.environ.get(SCHEMA_PATH_ENV, ""))]
    raise SchemaError(f"no bundled schema named {text!r}, and no file {text}.toml in {', '.join(folders)} "
                      f"(a schema file is given by its path, e.g. ./{text}.toml)", path=text)


@functools.cache
def _bundled_ids() -> tuple[str, ...]:
    # the shipped folder does not change while a process runs (listing it cost ~45 µs of every read)
    # (a listing, not Path.glob: its pattern costs ~1.5 ms to compile, a tenth of what a parse does after start-up)
    try:
        names = os.listdir(data_dir("schemas"))
    except OSError:
        return ()
    return tuple(n[:-5] if n != ".toml" else n for n in sorted(names) if n.endswith(".toml"))  # (Path.stem)


def bundled_schemas() -> list[Schema]:
    """Every schema shipped with formparse (each file in ``schemas/``), in name order."""
    return [_bundled(i) for i in _bundled_ids()]


# The folders of the user's own schemas, tried like the bundled ones (``dir1:dir2``, os.pathsep between).
SCHEMA_PATH_ENV = "FORMPARSE_SCHEMAS"


def _folders(value: str) -> list[str]:
    return [d for d in value.split(os.pathsep) if d]


@functools.lru_cache(maxsize=8)
def _folder_files(value: str) -> tuple[Path, ...]:
    files: list[Path] = []
    for folder in _folders(value):
        try:
            files += sorted(p for p in Path(folder).glob("*.toml") if p.is_file())
        except OSError:
            continue
    return tuple(files)


def folder_schemas() -> list[Schema]:
    """The schemas of the ``FORMPARSE_SCHEMAS`` folders, each folder's in name order (SchemaError names a bad
    file, its key and line)."""
    return [load_schema_file(p) for p in _folder_files(os.environ.get(SCHEMA_PATH_ENV, ""))]


def known_schemas() -> list[Schema]:
    """The schemas a file is tried with by default: the user's folders' (``FORMPARSE_SCHEMAS``), then the
    bundled ones."""
    return [*folder_schemas(), *bundled_schemas()] if os.environ.get(SCHEMA_PATH_ENV) else bundled_schemas()


_FILES: dict[str, tuple[float, int, Schema]] = {}


def load_schema_file(path: str | Path) -> Schema:
    """A schema from a TOML file of the caller's (``--schema FILE``); the same object while the file is
    unchanged (its generated record class is made once)."""
    key = os.path.abspath(path)
    try:
        st = os.stat(path)
        hit = _FILES.get(key)
        if hit is not None and hit[:2] == (st.st_mtime, st.st_size):
            return hit[2]
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"不是 UTF-8 文本 / not UTF-8 text (byte {exc.start})", path=str(path)) from exc
    except OSError as exc:
        from .errors import os_words

        raise SchemaError(f"无法读取版式文件：{os_words(exc)} / cannot read the schema: {exc.strerror or exc}",
                          path=str(path)) from exc
    schema = parse_schema(text, source=str(path))
    if schema.template and not os.path.isabs(schema.template):  # beside the file, wherever the caller goes next
        schema = attrs.evolve(schema, template=os.path.join(os.path.dirname(key), schema.template))
    _FILES[key] = (st.st_mtime, st.st_size, schema)
    return schema


def as_schemas(items: Iterable[Schema | str | Path]) -> list[Schema]:
    """Schemas given as Schema objects, schema files or ids (``schemas=[...]``), loaded."""
    if isinstance(items, Schema | str | Path):
        items = [items]
    return [s if isinstance(s, Schema) else load_schema(s) for s in items]


def schema_for(record: Any, extra: Iterable[Schema] = ()) -> Schema:
    """The schema whose record class ``record`` is (to fill a record into its own form)."""
    own = getattr(type(record), "__formparse_schema__", None)
    if isinstance(own, Schema):
        return own
    for schema in [*extra, *known_schemas()]:
        if schema.record is not None and type(record) is resolve(schema.record):
            return schema
    raise SchemaError(f"no schema has records of class {type(record).__name__}")
