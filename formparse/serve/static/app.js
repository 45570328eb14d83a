// formparse 收件台 / the clerk's desk. Every text from a file is put in the page with textContent, never as HTML.
"use strict";

const TOKEN = document.querySelector('meta[name="formparse-token"]').content;
const SUFFIXES = [".xlsx", ".xlsm", ".docx", ".docm", ".xls", ".doc", ".wps", ".et", ".htm", ".html", ".mht", ".mhtml"];
const PER_REQUEST = 5;   // files in one upload request
const PARALLEL = 2;      // requests at once

const WORDS = {
  zh: {
    title: "formparse 收件台", dlSummary: "下载 汇总.xlsx", dlProblems: "下载 问题清单.xlsx", dlMarked: "下载 标注副本.zip",
    dropHint: "把申报表文件或整个文件夹拖到这里", chooseFiles: "选择文件", chooseFolder: "选择文件夹",
    filterUnit: "单位", filterStatus: "状态", all: "全部", st_read: "已读取", st_warnings: "有提示",
    st_unreadable: "无法读取", st_superseded: "已被新版本替代", colFile: "文件", colUnit: "单位", colForm: "表",
    colProject: "项目", colYear: "年度", colVersion: "版本", colStatus: "状态", colWarnings: "提示",
    empty: "还没有申报表。", back: "← 返回列表", dlOriginal: "下载原件", dlJson: "下载 JSON", tabGrid: "表格",
    tabJson: "记录 JSON", tabVersions: "版本对比", lgValue: "读取的值", lgWarn: "提示", lgError: "错误", lgUnread: "未读取",
    hoverHint: "把鼠标移到一个值上，可看到它的字段与单元格。", shown: (n, all) => `显示 ${n} / 共 ${all} 份`,
    reading: (done, all) => `读取中 ${done} / ${all}`, readDone: (n) => `已读取 ${n} 个文件`,
    inbox: (p) => `收件箱：${p}（自动读取新文件）`, field: "字段", cell: "单元格", shownText: "显示的文字",
    versionOf: (v, n) => `第 ${v} 版，共 ${n} 版`, current: "现行", old: "旧版", path: "字段",
    noGrid: "无法显示表格：", tooBig: (name, max) => `${name}：超过 ${max} 字节，未上传`,
    failed: "上传失败：", skipped: (n) => `已跳过 ${n} 个不是申报表的文件`, noVersions: "只有这一版。",
    pending: (n) => `正在读取 ${n} 个文件`, unit: "单位", year: "年度", project: "项目", form: "表", lang: "English", truncated: "（表格过大，只显示了一部分）",
  },
  en: {
    title: "formparse clerk's desk", dlSummary: "Download summary (汇总.xlsx)", dlProblems: "Download problems (问题清单.xlsx)",
    dlMarked: "Download marked copies (.zip)", dropHint: "Drop submission files or a whole folder here",
    chooseFiles: "Choose files", chooseFolder: "Choose a folder", filterUnit: "Unit", filterStatus: "Status", all: "All",
    st_read: "read", st_warnings: "warnings", st_unreadable: "unreadable", st_superseded: "superseded",
    colFile: "File", colUnit: "Unit", colForm: "Form", colProject: "Project", colYear: "Year", colVersion: "Version",
    colStatus: "Status", colWarnings: "Warnings", empty: "No submissions yet.", back: "← Back to the list",
    dlOriginal: "Download the original", dlJson: "Download JSON", tabGrid: "Grid", tabJson: "Record JSON",
    tabVersions: "Versions", lgValue: "value read", lgWarn: "warning", lgError: "error", lgUnread: "not read",
    hoverHint: "Hover over a value to see its field and cell.", shown: (n, all) => `${n} of ${all} shown`,
    reading: (done, all) => `reading ${done} / ${all}`, readDone: (n) => `${n} files read`,
    inbox: (p) => `inbox: ${p} (new files are read as they arrive)`, field: "field", cell: "cell",
    shownText: "text shown", versionOf: (v, n) => `version ${v} of ${n}`, current: "current", old: "older",
    path: "field", noGrid: "The grid cannot be shown: ", tooBig: (name, max) => `${name}: over ${max} bytes, not uploaded`,
    failed: "Upload failed: ", skipped: (n) => `${n} files that are not submissions were skipped`,
    noVersions: "There is only this version.", pending: (n) => `reading ${n} files`, unit: "unit", year: "year", project: "project", form: "form",
    lang: "中文", truncated: " (the grid is large: only a part is shown)",
  },
};
let lang = localStorage.getItem("formparse-lang") === "en" ? "en" : "zh";
const t = (key, ...args) => { const w = WORDS[lang][key]; return typeof w === "function" ? w(...args) : w; };

const $ = (sel) => document.querySelector(sel);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  $("#lang").textContent = t("lang");
  document.title = t("title");
  renderTable();
  renderProgress();
  if (current) showDetail(current.id, true);
}

// the upload's progress, kept so that the language switch can say it again
const progressState = { done: 0, total: 0, finished: false };
function renderProgress() {
  if (!progressState.total) return;
  $("#progress").max = progressState.total;
  $("#progress").value = progressState.done;
  $("#progress-text").textContent = progressState.finished ? t("readDone", progressState.done)
    : t("reading", progressState.done, progressState.total);
}

// -- the table ------------------------------------------------------------------------------------------
let rows = [];
let generation = -1;
let sortKey = "received", sortDir = 1;
let current = null;

async function api(path) {
  const r = await fetch(path, { credentials: "same-origin" });
  if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.statusText);
  return r.json();
}

async function refresh() {
  rows = await api("/api/files");
  renderTable();
}

function statusChip(row) {
  return el("span", { class: `status ${row.status}`, text: t(`st_${row.status}`) });
}

function renderTable() {
  const unit = $("#filter-unit").value.trim().toLowerCase();
  const status = $("#filter-status").value;
  const shown = rows.filter((r) => (!unit || (r.unit_name || "").toLowerCase().includes(unit)
    || (r.file || "").toLowerCase().includes(unit)) && (!status || r.status === status));
  const value = (r) => sortKey === "nwarn" ? r.warnings.length : (r[sortKey] ?? "");
  shown.sort((a, b) => {
    const x = value(a), y = value(b);
    return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh")) * sortDir;
  });
  const body = $("#files tbody");
  body.replaceChildren(...shown.map((r) => {
    const tr = el("tr", { "data-id": r.id },
      el("td", { text: r.position ? `${r.file} · ${r.position}` : r.file }), el("td", { text: r.unit_name || "" }), el("td", { text: r.form || "" }),
      el("td", { text: r.project || "" }), el("td", { text: r.year ?? "" }),
      el("td", { text: r.version ? `${r.version}/${r.versions}` : "" }), el("td", {}, statusChip(r)),
      el("td", { text: r.status === "unreadable" ? r.problems.map((p) => p.kind).join(", ") : r.warnings.length }));
    tr.addEventListener("click", () => { location.hash = `#/files/${r.id}`; });
    return tr;
  }));
  for (const th of document.querySelectorAll("#files th")) {
    th.classList.toggle("asc", th.dataset.key === sortKey && sortDir === 1);
    th.classList.toggle("desc", th.dataset.key === sortKey && sortDir === -1);
  }
  $("#count").textContent = t("shown", shown.length, rows.length);
  $("#empty").hidden = rows.length > 0;
}

async function poll() {
  try {
    const s = await api("/api/status");
    const parts = [];
    if (s.inbox) parts.push(t("inbox", s.inbox));
    if (s.pending) parts.push(t("pending", s.pending));
    $("#inbox-line").textContent = parts.join(" · ");
    if (s.generation !== generation) { generation = s.generation; await refresh(); }
  } catch (e) { /* the server is restarting or gone: try again */ }
  setTimeout(poll, 1500);
}

// -- uploads --------------------------------------------------------------------------------------------
let limits = { max_file_bytes: 50 * 1048576, max_files: 500, max_request_bytes: 512 * 1048576 };

function wanted(name) {
  const base = name.split("/").pop();
  if (base.startsWith(".") || base.startsWith("~$")) return false;
  const dot = base.lastIndexOf(".");
  return dot >= 0 && SUFFIXES.includes(base.slice(dot).toLowerCase());
}

async function upload(entries, fromFolder) {
  // entries: [{file, name}]; a folder's files are filtered as `convert` filters a folder
  const errors = $("#upload-errors");
  errors.replaceChildren();
  let list = entries;
  if (fromFolder) {
    list = entries.filter((e) => wanted(e.name));
    if (list.length < entries.length) errors.append(el("li", { text: t("skipped", entries.length - list.length) }));
  }
  const ok = [];
  for (const e of list) {
    if (e.file.size > limits.max_file_bytes) errors.append(el("li", { text: t("tooBig", e.name, limits.max_file_bytes) }));
    else ok.push(e);
  }
  if (!ok.length) return;
  $("#progress-box").hidden = false;
  let done = 0;
  Object.assign(progressState, { done: 0, total: ok.length, finished: false });
  renderProgress();
  const chunks = [];
  for (let i = 0; i < ok.length; i += PER_REQUEST) chunks.push(ok.slice(i, i + PER_REQUEST));
  async function run() {
    while (chunks.length) {
      const chunk = chunks.shift();
      const form = new FormData();
      for (const e of chunk) form.append("files", e.file, e.name);
      try {
        const r = await fetch("/api/files", { method: "POST", body: form, credentials: "same-origin",
          headers: { "X-Formparse-Token": TOKEN } });
        if (!r.ok) throw new Error((await r.json().catch(() => ({}))).error || r.statusText);
        await r.json();
      } catch (err) {
        errors.append(el("li", { text: t("failed") + chunk.map((e) => e.name).join("、") + " — " + err.message }));
      }
      done += chunk.length;
      progressState.done = done;
      renderProgress();
      await refresh();
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, run));
  progressState.finished = true;
  renderProgress();
}

function readEntry(entry, prefix, out) {
  return new Promise((resolve) => {
    if (entry.isFile) {
      entry.file((f) => { out.push({ file: f, name: prefix + f.name }); resolve(); }, () => resolve());
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      const all = [];
      const next = () => reader.readEntries(async (batch) => {
        if (!batch.length) {
          for (const e of all) await readEntry(e, prefix + entry.name + "/", out);
          resolve();
        } else { all.push(...batch); next(); }
      }, () => resolve());
      next();
    } else resolve();
  });
}

function setupDrop() {
  const drop = $("#drop");
  for (const ev of ["dragenter", "dragover"]) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const out = [];
    let folder = false;
    const items = [...(e.dataTransfer.items || [])].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (items.length) {
      for (const entry of items) { if (entry.isDirectory) folder = true; await readEntry(entry, "", out); }
    } else {
      for (const f of e.dataTransfer.files) out.push({ file: f, name: f.name });
    }
    upload(out, folder);
  });
  $("#pick-files").addEventListener("change", (e) => {
    upload([...e.target.files].map((f) => ({ file: f, name: f.name })), false);
    e.target.value = "";
  });
  $("#pick-folder").addEventListener("change", (e) => {
    upload([...e.target.files].map((f) => ({ file: f, name: f.webkitRelativePath || f.name })), true);
    e.target.value = "";
  });
}

// -- one submission -------------------------------------------------------------------------------------
function keyOf(sheet, address) { return sheet ? `${sheet}!${address}` : address; }

async function showDetail(id, keepTab) {
  const row = await api(`/api/files/${encodeURIComponent(id)}`);
  current = row;
  $("#list-view").hidden = true;
  $("#detail-view").hidden = false;
  const title = [row.unit_name, row.form, row.project].filter(Boolean).join(" · ") || row.file;
  $("#d-title").textContent = title;
  const meta = [row.file, row.position, row.year ? `${t("year")} ${row.year}` : "",
    row.version ? t("versionOf", row.version, row.versions) : ""].filter(Boolean).join(" · ");
  $("#d-meta").replaceChildren(document.createTextNode(meta + " "), statusChip(row));
  const orig = $("#d-original"), json = $("#d-json");
  orig.hidden = !row.original;
  orig.href = `/api/files/${encodeURIComponent(id)}/original`;
  json.hidden = !row.record;
  json.href = `/api/files/${encodeURIComponent(id)}/record?download=1`;
  $("#d-problems").replaceChildren(...row.problems.map((p) => el("li", { text: `${p.kind}：${p.message}` })));
  $("#record-json").textContent = row.record ? JSON.stringify(row.record, null, 2) : "";
  for (const name of ["json", "versions"]) $(`.tabs button[data-tab=${name}]`).hidden = !row.record;
  if (!keepTab || !row.record) selectTab("grid");
  await drawGrid(row);
  await drawVersions(row);
}

function selectTab(name) {
  for (const b of document.querySelectorAll(".tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const tab of ["grid", "json", "versions"]) $(`#tab-${tab}`).hidden = tab !== name;
}

async function drawGrid(row) {
  const grids = $("#grids"), notes = $("#notes");
  grids.replaceChildren(); notes.replaceChildren();
  const g = await api(`/api/files/${encodeURIComponent(row.id)}/grid`);
  const values = new Map();
  for (const c of row.cells) {
    const k = keyOf(c.sheet, c.address);
    if (!values.has(k)) values.set(k, []);
    values.get(k).push(c);
  }
  const marks = new Map();  // cell key -> [{kind, n}]
  const list = [];
  for (const w of row.warnings) list.push({ kind: w.code === "unread" ? "unread" : "warn", cell: w.cell, text: `${w.label}：${w.message}` });
  for (const e of row.errors || []) list.push({ kind: "error", cell: e.cell, text: e.message });
  list.forEach((m, i) => {
    notes.append(el("li", { class: m.kind, "data-cell": m.cell || "" }, m.cell ? `${m.cell} ` : "", m.text));
    if (m.cell) { if (!marks.has(m.cell)) marks.set(m.cell, []); marks.get(m.cell).push({ kind: m.kind, n: i + 1 }); }
  });
  if (g.error) { grids.append(el("p", { class: "error", text: t("noGrid") + g.error })); return; }
  const info = $("#hover-info");
  for (const grid of g.grids) {
    const table = el("table", { class: "sheet" }, el("caption", { text: grid.title + (grid.truncated ? t("truncated") : "") }));
    const hidden = new Set(grid.hidden_rows);
    const covered = new Set();
    grid.rows.forEach((cells, r) => {
      const tr = el("tr", { class: hidden.has(r) ? "hidden" : null });
      const byCol = new Map(cells.map((c) => [c[0], c]));
      for (let col = 0; col < grid.ncols; col++) {
        if (covered.has(`${r},${col}`)) continue;
        const c = byCol.get(col);
        if (!c) { tr.append(el("td")); continue; }
        const [, rs, cs, text, address] = c;
        for (let i = 0; i < rs; i++) for (let j = 0; j < cs; j++) if (i || j) covered.add(`${r + i},${col + j}`);
        const td = el("td", { rowspan: rs > 1 ? rs : null, colspan: cs > 1 ? cs : null, "data-cell": address }, text);
        const v = values.get(address);
        if (v) {
          td.classList.add("value");
          const words = v.map((x) => `${t("field")} ${x.path} · ${t("cell")} ${address}`).join("\n");
          td.title = words;
          td.addEventListener("mouseenter", () => { info.textContent = words; td.classList.add("current-hover"); });
          td.addEventListener("mouseleave", () => td.classList.remove("current-hover"));
        }
        for (const m of marks.get(address) || []) {
          td.classList.add(m.kind);
          td.append(el("sup", { class: "badge", text: m.n }));
        }
        tr.append(td);
        col += cs - 1;
      }
      table.append(tr);
    });
    grids.append(table);
  }
}

function shownValue(v) {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

async function drawVersions(row) {
  const table = $("#versions");
  table.replaceChildren();
  if (!row.id.startsWith("v")) return;
  const got = await api(`/api/files/${encodeURIComponent(row.id)}/versions`);
  if (got.versions.length < 2) { table.append(el("tr", {}, el("td", { text: t("noVersions") }))); return; }
  table.append(el("tr", {}, el("th", { text: t("path") }), ...got.versions.map((v, i) =>
    el("th", { text: `${i + 1}. ${v.file} (${v.current ? t("current") : t("old")})` }))));
  for (const r of got.rows) {
    table.append(el("tr", { class: r.differs ? "differs" : null }, el("td", { class: "path", text: r.path }),
      ...r.values.map((v) => el("td", { text: shownValue(v) }))));
  }
}

// -- routing --------------------------------------------------------------------------------------------
function route() {
  const m = location.hash.match(/^#\/files\/([vp][0-9]+)$/);
  if (m) { showDetail(m[1]).catch((e) => { $("#d-title").textContent = e.message; }); return; }
  current = null;
  $("#detail-view").hidden = true;
  $("#list-view").hidden = false;
}

document.addEventListener("DOMContentLoaded", async () => {
  $("#lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("formparse-lang", lang);
    applyLanguage();
  });
  for (const th of document.querySelectorAll("#files th")) {
    th.addEventListener("click", () => {
      if (sortKey === th.dataset.key) sortDir = -sortDir; else { sortKey = th.dataset.key; sortDir = 1; }
      renderTable();
    });
  }
  $("#filter-unit").addEventListener("input", renderTable);
  $("#filter-status").addEventListener("change", renderTable);
  for (const b of document.querySelectorAll(".tabs button")) b.addEventListener("click", () => selectTab(b.dataset.tab));
  setupDrop();
  window.addEventListener("hashchange", route);
  try { const s = await api("/api/status"); limits = s.limits; } catch (e) { /* defaults */ }
  applyLanguage();
  route();
  poll();
});
