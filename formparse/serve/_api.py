"""What the JSON API answers, from the desk's store (no HTTP here: the handler calls these)."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from ._desk import STATUS_ZH, Desk, Item

_CELL_IN_MESSAGE = re.compile(r"\(([^()\s]+![A-Z]{1,3}[0-9]{1,7}|表[0-9]+第[0-9]+行第[0-9]+列|第[0-9]+段)\)")


class NotFound(Exception):
    pass


def _form_names() -> dict[str, str]:
    from ..export import _form_names as names

    return names()


def _parse_id(ident: str) -> tuple[str, int]:
    m = re.fullmatch(r"([vp])([0-9]{1,12})", ident)
    if not m:
        raise NotFound(ident)
    return m.group(1), int(m.group(2))


def rows(desk: Desk, *, shas: set[str] | None = None, only: str | None = None) -> list[dict[str, Any]]:
    """Every submission held: each form read (a version, current or superseded) and each file that could not
    be read, in the order received. ``shas``: only those of these contents; ``only``: the one with this id."""
    names = _form_names()
    kind, n = _parse_id(only) if only is not None else ("", 0)
    one_version = "WHERE id = ? " if kind == "v" else "WHERE 1 = 0 " if kind == "p" else ""
    params: tuple[Any, ...] = (n,) if kind == "v" else ()
    versions = desk.query("SELECT id, file, position, schema, unit_name, year, project, sha256, read_at, current, "
                          f"superseded_by, identity FROM versions {one_version}ORDER BY id", params)
    of_version = "AND version_id = ? " if kind == "v" else ""
    warnings: dict[int, list[dict[str, Any]]] = {}
    for vid, code, label, cell, message in [] if kind == "p" else desk.query(
            "SELECT version_id, code, label, cell, message FROM warnings "
            f"{'WHERE version_id = ? ' if kind == 'v' else ''}ORDER BY version_id, n", params):
        warnings.setdefault(vid, []).append({"code": code, "label": label, "cell": cell, "message": message})
    notes: dict[int, list[dict[str, Any]]] = {}
    for vid, pkind, message in [] if kind == "p" else desk.query(
            f"SELECT version_id, kind, message FROM problems WHERE version_id IS NOT NULL {of_version}ORDER BY id",
            params):
        notes.setdefault(vid, []).append({"kind": pkind, "message": message})
    ranks: dict[str, list[int]] = {}
    if kind == "v":  # one version: its rank among the versions of its form
        for v in versions:
            ranks[v[11]] = [r[0] for r in desk.query("SELECT id FROM versions WHERE identity = ? ORDER BY id",
                                                     (v[11],))]
    else:
        for v in versions:
            ranks.setdefault(v[11], []).append(v[0])
    out = []
    for vid, file, position, schema, unit, year, project, sha, read_at, current, by, identity in versions:
        if shas is not None and sha not in shas:
            continue
        ws = warnings.get(vid, [])
        status = "superseded" if not current else "warnings" if ws else "read"
        out.append({"id": f"v{vid}", "file": file, "position": position, "status": status,
                    "status_label": STATUS_ZH[status], "schema": schema, "form": names.get(schema, schema),
                    "unit_name": unit, "year": year, "project": project, "version": ranks[identity].index(vid) + 1,
                    "versions": len(ranks[identity]), "current": bool(current), "superseded_by":
                    f"v{by}" if by is not None else None, "received": read_at, "sha256": sha,
                    "warnings": [{"message": w["message"], "cell": w["cell"], "code": w["code"], "label": w["label"]}
                                 for w in ws],
                    "problems": notes.get(vid, [])})
    if kind == "v":
        return out
    one_problem = "AND p.id = ? " if kind == "p" else ""
    for pid, file, sha, pkind, message, at in desk.query(
            "SELECT p.id, p.file, p.sha256, p.kind, p.message, p.at FROM problems p WHERE p.version_id IS NULL "
            "AND (p.sha256 IS NULL OR EXISTS (SELECT 1 FROM files f WHERE f.sha256 = p.sha256 AND f.gone = 0)) "
            f"{one_problem}ORDER BY p.id", (n,) if kind == "p" else ()):
        if shas is not None and sha not in shas:
            continue
        out.append({"id": f"p{pid}", "file": file, "position": None, "status": "unreadable",
                    "status_label": STATUS_ZH["unreadable"], "schema": None, "form": None, "unit_name": None,
                    "year": None, "project": None, "version": None, "versions": None, "current": None,
                    "superseded_by": None, "received": at, "sha256": sha, "warnings": [],
                    "problems": [{"kind": pkind, "message": message}]})
    return out


def received(desk: Desk, items: list[Item]) -> list[dict[str, Any]]:
    """The answer to an upload: for each file, the rows its content gave (a packet: one per form)."""
    by_sha: dict[str, list[dict[str, Any]]] = {}
    for row in rows(desk, shas={i.sha for i in items}):
        by_sha.setdefault(row["sha256"], []).append(row)
    out = []
    for item in items:
        got = by_sha.get(item.sha) or [{"id": None, "status": "unreadable", "status_label": STATUS_ZH["unreadable"],
                                       "schema": None, "unit_name": None, "year": None, "project": None,
                                       "warnings": [], "problems": [{"kind": "InternalError",
                                                                     "message": "未能读取 / not read"}]}]
        for row in got:
            out.append({**row, "file": item.name})
    return out


def one(desk: Desk, ident: str) -> dict[str, Any]:
    """One submission: its row, where each value was read (cells), its record, its other versions."""
    kind, n = _parse_id(ident)
    found = rows(desk, only=ident)
    if not found:
        raise NotFound(ident)
    row = found[0]
    if kind == "v":
        cells = [{"path": p, "sheet": s, "address": a, "text": t} for p, s, a, t in desk.query(
            "SELECT path, sheet, address, text FROM cells WHERE version_id = ? ORDER BY n", (n,))]
        record = desk.query("SELECT record, identity FROM versions WHERE id = ?", (n,))
        others = desk.query("SELECT id, file, read_at, current FROM versions WHERE identity = ? ORDER BY id",
                            (record[0][1],))
        row = {**row, "cells": cells, "record": json.loads(record[0][0]) if record[0][0] else None,
               "history": [{"id": f"v{i}", "file": f, "received": at, "current": bool(c)} for i, f, at, c in others]}
    else:
        errors = []
        for p in row["problems"]:
            for m in _CELL_IN_MESSAGE.finditer(p["message"]):
                errors.append({"cell": m.group(1), "message": p["message"]})
        row = {**row, "cells": [], "record": None, "history": [], "errors": errors}
    row["original"] = original_of(desk, row["sha256"]) is not None
    return row


def record_json(desk: Desk, ident: str) -> str:
    kind, n = _parse_id(ident)
    got = desk.query("SELECT record FROM versions WHERE id = ?", (n,)) if kind == "v" else []
    if not got or got[0][0] is None:
        raise NotFound(ident)
    return str(got[0][0])


def original_of(desk: Desk, sha: str | None) -> Path | None:
    """The kept copy of a content received in this workspace, or None."""
    if not sha or not re.fullmatch(r"[0-9a-f]{64}", sha):
        return None
    for p in desk.files_dir.glob(sha + ".*"):
        return p
    return None


def original(desk: Desk, ident: str) -> tuple[Path, str]:
    row = _row(desk, ident)
    path = original_of(desk, row["sha256"])
    if path is None:
        raise NotFound(ident)
    return path, row["file"]


def _row(desk: Desk, ident: str) -> dict[str, Any]:
    found = rows(desk, only=ident)
    if not found:
        raise NotFound(ident)
    return found[0]


def grid(desk: Desk, ident: str) -> dict[str, Any]:
    """The file's grids (drawn by a helper process with a time limit; kept once drawn)."""
    from ._helper import run

    row = _row(desk, ident)
    path = original_of(desk, row["sha256"])
    if path is None:
        return {"grids": [], "error": "原件不在本次的工作区中（以前的运行收到的）/ the original is not in this run's "
                                      "workspace"}
    cached = desk.cache / f"{row['sha256']}.grid.json"
    if cached.exists():
        return dict(json.loads(cached.read_text(encoding="utf-8")))
    ok, out = run(["grid", str(path)], desk.limits.helper_timeout, cwd=str(desk.tmp))
    if not ok:
        return {"grids": [], "error": out}
    tmp = desk.fresh_path(desk.tmp, ".json")
    tmp.write_text(out, encoding="utf-8")
    tmp.replace(cached)
    return dict(json.loads(out))


def versions(desk: Desk, ident: str) -> dict[str, Any]:
    """Every version of this submission's form side by side: each value's path, its value in each version
    (oldest first), and whether they differ."""
    kind, n = _parse_id(ident)
    if kind != "v":
        raise NotFound(ident)
    got = desk.query("SELECT identity FROM versions WHERE id = ?", (n,))
    if not got:
        raise NotFound(ident)
    found = desk.query("SELECT id, file, read_at, current, record FROM versions WHERE identity = ? ORDER BY id",
                       (got[0][0],))
    flats = [_flatten(json.loads(r[4])) if r[4] else {} for r in found]
    paths: list[str] = []
    for f in flats:
        paths.extend(p for p in f if p not in paths)
    return {"versions": [{"id": f"v{i}", "file": f, "received": at, "current": bool(c)} for i, f, at, c, _r in found],
            "rows": [{"path": p, "values": [f.get(p) for f in flats],
                      "differs": len({json.dumps(f.get(p)) for f in flats}) > 1} for p in paths]}


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else k))
    elif isinstance(value, list):
        if not value:
            out[prefix] = []
        for i, v in enumerate(value):
            out.update(_flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = value
    return out


# -- downloads ----------------------------------------------------------------------------------------

def summary_xlsx(desk: Desk, out: Path) -> None:
    """汇总.xlsx of the current versions, as ``formparse convert STORE -o 汇总.xlsx`` writes it."""
    from ..export import convert

    convert(desk.store_target, out, schemas=desk.schemas)


def problems_xlsx(desk: Desk, out: Path) -> None:
    """问题清单.xlsx: every warning of the current versions and every file that could not be read, as
    ``formparse check -o`` writes it."""
    from ..report import write_report

    report = []
    for r in rows(desk):
        if r["status"] in ("read", "warnings"):
            for w in r["warnings"]:
                report.append({"file": r["file"], "unit_name": r["unit_name"], "code": w["code"], "label": w["label"],
                               "cell": w["cell"], "message": w["message"]})
        elif r["status"] == "unreadable":
            for p in r["problems"]:
                report.append({"file": r["file"], "unit_name": None, "code": "unreadable", "label": p["kind"],
                               "cell": None, "message": p["message"]})
    write_report(report, out)


def zip_name(name: str, taken: set[str]) -> str:
    """A name inside a zip from a received name: relative, no ``..``, unique."""
    from ._desk import display_name

    base = display_name(name)
    candidate, k = base, 1
    while candidate in taken:
        k += 1
        stem, dot, suffix = base.rpartition(".")
        candidate = f"{stem}（{k}）.{suffix}" if dot else f"{base}（{k}）"
    taken.add(candidate)
    return candidate


def marked_zip(desk: Desk, out: Path) -> None:
    """标注副本.zip: a copy of each current submission with warnings at cells, the cells marked (yellow, with
    the message as a comment), as ``formparse check --highlight`` makes them; 说明.txt lists what could not be
    marked (.xls and .doc cannot)."""
    from ._helper import run

    work = desk.fresh_path(desk.tmp)
    work.mkdir()
    try:
        jobs: list[dict[str, Any]] = []
        seen: set[str] = set()
        taken: set[str] = set()
        notes_by_sha: dict[str, tuple[str, list[tuple[str, str]]]] = {}
        for r in rows(desk):
            if r["status"] != "warnings":
                continue
            notes = [(w["cell"], f"{w['label']} ({w['cell']})：{w['message']}") for w in r["warnings"] if w["cell"]]
            if not notes:
                continue
            entry = notes_by_sha.setdefault(r["sha256"], (r["file"], []))
            entry[1].extend(notes)
        missing = []
        for sha, (name, notes) in notes_by_sha.items():
            src = original_of(desk, sha)
            if src is None:
                missing.append(f"{name}: 原件不在本次的工作区中 / the original is not in this run's workspace")
                continue
            if sha in seen:
                continue
            seen.add(sha)
            dst = work / f"{len(jobs)}{src.suffix}"
            jobs.append({"src": str(src), "dst": str(dst), "notes": notes, "name": name,
                         "zip": zip_name(name, taken)})
        failed: list[str] = []
        if jobs:
            spec = work / "jobs.json"
            spec.write_text(json.dumps(jobs), encoding="utf-8")
            ok, got = run(["mark", str(spec)], desk.limits.helper_timeout * 4, cwd=str(desk.tmp))
            failed = list(json.loads(got)) if ok else [f"标注失败 / marking failed: {got}"]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for job in jobs:
                if Path(job["dst"]).exists():
                    zf.write(job["dst"], job["zip"])
            lines = missing + failed
            if lines:
                zf.writestr("说明.txt", "未能标注的文件 / files that could not be marked:\n" + "\n".join(lines) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
