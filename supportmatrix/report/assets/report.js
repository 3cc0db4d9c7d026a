// supportmatrix HTML report: renders the JSON in #page-data (see report/html_data.py).
// Text from the data only ever goes through textContent, never innerHTML.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("page-data").textContent);
  const S = D.strings, E = D.expectations, LINES = D.lines;
  const LEG = Object.fromEntries(D.legend.map((l) => [l.key, l]));
  const str = (i) => (i === null || i === undefined ? null : S[i]);
  const FAMILIES = Object.entries(D.families);   // [name, {title, axes, layout, count, ...}]
  const axisTitle = (axis) => D.axis_titles[axis] || (axis === "outcome" ? "Outcome" : axis);
  const labelOf = (axis, value) => (D.labels[axis] || {})[value] || value;
  const capitalized = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  // Every combination of the lists' values, the first list slowest: [[a1, b1], [a1, b2], ...].
  const product = (lists) => lists.reduce((acc, l) => acc.flatMap((a) => l.map((v) => [...a, v])), [[]]);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  // Footnote text marks code spans with \x1e ... \x1f; each becomes a <code> element.
  function rich(text) {
    const out = document.createDocumentFragment();
    text.split(/(\x1e[^\x1f]*\x1f)/).forEach((part) => {
      if (part.startsWith("\x1e")) out.append(el("code", { text: part.slice(1, -1) }));
      else if (part) out.append(part);
    });
    return out;
  }
  const num = (x) => (x === null || x === undefined ? "—" : Number(x).toPrecision(3));

  // Each kind's mark, taken from the page's hidden #marks block (html_marks.py) and cloned
  // into every cell: an SVG icon, or a text badge ("n/a"); never an emoji, which needs a
  // font the browser may lack. Screen readers read the cell's aria-label instead.
  const MARKS = {};
  document.querySelectorAll("#marks [data-key]").forEach((node) => {
    const copy = node.cloneNode(true);
    copy.removeAttribute("data-key");
    MARKS[node.dataset.key] = copy;
  });
  const mark = (key) => (MARKS[key] || MARKS.absent).cloneNode(true);
  const swatch = (key, extra) => el("span", { class: "cell swatch k-" + key + (extra ? " " + extra : ""),
    role: "img", "aria-label": key, title: LEG[key].symbol ? `${key} (${LEG[key].symbol} in the Markdown tables)` : key },
    mark(key));

  const app = document.getElementById("app");
  const cells = D.cells;

  // ------------------------------------------------------------------ header and summary
  const header = el("header", {}, el("h1", { text: "supportmatrix report — " + D.title }));
  const sources = el("ul", { class: "sources" });
  D.sources.forEach((s) => sources.append(el("li", { text: s.label })));
  header.append(sources);
  const legend = el("ul", { class: "legend", id: "legend" });
  const shownKeys = new Set(cells.map((c) => c.shown));
  D.legend.forEach((l) => {
    // What the page shows, and the five usual outcomes, so that legends compare.
    if (!shownKeys.has(l.key) && !["supported", "forward-raises", "gradient-raises", "no-gradient",
      "incorrect"].includes(l.key)) return;
    legend.append(el("li", { "data-key": l.key }, swatch(l.key), el("code", { text: l.key }), ": " + l.meaning));
  });
  legend.append(el("li", {}, swatch("supported", "warns"), " PennyLane warns (declared or observed)"));
  if (D.mode !== "declared") legend.append(el("li", {}, swatch("supported", "mismatch"),
    " observed ≠ matrix.yaml"));
  if (D.mode === "drift") legend.append(el("li", {}, swatch("supported", "changed"), " changed between the runs"));
  header.append(legend);
  const byKey = {};
  cells.forEach((c) => { byKey[c.shown] = (byKey[c.shown] || 0) + 1; });
  header.append(el("p", { class: "summary" },
    FAMILIES.map(([, f]) => `${f.count} ${f.title} cells` +
      (f.not_applicable ? ` (and ${f.not_applicable} not applicable)` : "")).join(", ") + "; drawn: " +
    Object.entries(byKey).map(([k, n]) => `${n} ${k}`).join(", ") + ". Shown: ",
    el("strong", { id: "shown-count", text: String(cells.length) }),
    ". Click a cell for its declaration, observation, checks, versions and reproduction."));
  const nav = el("nav", { id: "families" }, "Families: ");
  FAMILIES.forEach(([name, f], k) => nav.append(k ? ", " : "", el("a", { "data-family": name,
    onclick: () => document.querySelector(`section.family[data-family="${name}"]`).scrollIntoView(),
    text: f.title })));
  header.append(nav);
  app.append(header);
  const main = el("main");
  app.append(main);

  // ------------------------------------------------------------------ drift
  if (D.drift) {
    const d = D.drift;
    const box = el("section", { id: "drift" }, el("h2", { text: "Drift" }), el("p", {
      text: `${d.compared} cells compared, ${d.changed} changed, ${d.regressions} regressions; ` +
        `${d.not_compared} not compared (on one side only, or skipped).` }));
    const table = el("table", {}, el("tr", {}, el("th", { text: "change" }), el("th", { text: "cells" })));
    d.groups.forEach((g) => table.append(el("tr", { class: g.regression ? "regression" : null },
      el("td", { text: g.heading }), el("td", { "data-group": g.key, text: String(g.changes.length) }))));
    box.append(table);
    d.groups.forEach((g) => {
      if (!g.changes.length) return;
      const list = el("ul");
      g.changes.forEach((c) => list.append(el("li", {},
        el("a", { onclick: () => openById(c.id), text: c.id }),
        (c.tag ? " (" + c.tag + ")" : "") + ": " + c.old + " → " + c.new)));
      box.append(el("details", { open: g.regression, "data-group": g.key },
        el("summary", { class: g.regression ? "regression" : null,
          text: `${g.heading} (${g.changes.length})` }), list));
    });
    main.append(box);
  }

  // ------------------------------------------------------------------ filters
  const filterAxes = [];
  const filterValues = {};
  for (const [, f] of FAMILIES) {
    for (const [axis, values] of Object.entries(f.axes)) {
      if (!filterValues[axis]) { filterValues[axis] = []; filterAxes.push(axis); }
      values.forEach((v) => { if (!filterValues[axis].includes(v)) filterValues[axis].push(v); });
    }
  }
  filterAxes.push("outcome");
  filterValues.outcome = D.legend.map((l) => l.key).filter((k) => shownKeys.has(k));
  const selected = {};
  const axisNames = Object.fromEntries(FAMILIES.map(([name, f]) => [name, Object.keys(f.axes)]));
  // How many cells each filter value covers, counted in one pass.
  const counts = {};
  const count = (axis, value) => { const a = counts[axis] || (counts[axis] = {}); a[value] = (a[value] || 0) + 1; };
  cells.forEach((c) => { count("outcome", c.shown); axisNames[c.family].forEach((axis, k) => count(axis, c.axes[k])); });
  const countOf = (axis, value) => (counts[axis] || {})[value] || 0;
  const filters = el("form", { id: "filters" });
  filterAxes.forEach((axis) => {
    selected[axis] = new Set(filterValues[axis]);
    const set = el("fieldset", { "data-axis": axis }, el("legend", { text: axisTitle(axis) }));
    filterValues[axis].forEach((v) => {
      const text = axis === "outcome" ? [mark(v), " " + v] : [" " + labelOf(axis, v)];
      set.append(el("label", { class: axis === "outcome" ? "k-" + v : null }, el("input", { type: "checkbox",
        checked: true, "data-axis": axis, value: v }), ...text, " ",
        el("span", { class: "count", text: `(${countOf(axis, v)})` })));
    });
    filters.append(set);
  });
  const toggles = {};
  function toggle(name, text) {
    const box = el("input", { type: "checkbox", "data-toggle": name });
    toggles[name] = box;
    filters.append(el("fieldset", {}, el("label", {}, box, " " + text)));
  }
  if (D.mode === "drift") toggle("changed", "changed cells only");
  if (D.mode !== "declared") toggle("mismatch", "only cells that disagree with matrix.yaml");
  filters.addEventListener("change", (e) => {
    const t = e.target;
    if (t.dataset.axis) {
      if (t.checked) selected[t.dataset.axis].add(t.value); else selected[t.dataset.axis].delete(t.value);
    }
    applyFilters();
  });
  main.append(filters);

  // ------------------------------------------------------------------ tables
  const index = new Map(cells.map((c, i) => [c.family + "|" + c.axes.join("|"), i]));
  const placed = [];   // {el, i, tr, table, col}
  const tables = [];   // {node, section, rows: [tr], cols: [[nodes]]}
  function cellNode(i, tr, t, col) {
    const c = cells[i];
    const side = c.sides.length ? c.sides[c.sides.length - 1] : null;
    let cls = "cell k-" + c.shown;
    if (c.warns) cls += " warns";
    if (side && side.status === "fail") cls += " mismatch";
    if (c.groups.length) cls += " changed";
    const what = c.id + ": " + c.shown;
    const node = el("span", { class: cls, role: "button", tabindex: "0", "data-i": String(i), "data-id": c.id,
      title: what, "aria-label": what }, mark(c.shown));
    placed.push({ el: node, i, tr, t, col });
    return node;
  }
  function grid(section, headers, rows) {
    // rows: [{labels: [..], entries: [[cellIndex or undefined, ...] per column]}]
    const t = { node: el("table", { class: "grid" }), section, rows: [], cols: headers.map(() => []),
      labelCols: rows.length ? rows[0].labels.length : headers.length };
    const head = el("tr");
    headers.forEach((h, ci) => { const th = el("th", { text: h }); head.append(th); t.cols[ci].push(th); });
    t.node.append(el("thead", {}, head));
    const body = el("tbody");
    rows.forEach((r) => {
      const tr = el("tr");
      r.labels.forEach((l, ci) => { const th = el("th", { class: "row", text: l }); tr.append(th); t.cols[ci].push(th); });
      r.entries.forEach((entry, k) => {
        const ci = r.labels.length + k;
        const td = el("td");
        entry.forEach((i) => { if (i !== undefined) td.append(cellNode(i, tr, t, ci)); });
        tr.append(td); t.cols[ci].push(td);
      });
      t.rows.push(tr); body.append(tr);
    });
    t.node.append(body);
    section.append(t.node);
    tables.push(t);
  }
  // A family's tables, as its layout says: one per combination of the section axes' values,
  // a row per combination of the row axes', a column per combination of the column axes',
  // and the paired axis's values side by side in one table cell.
  function familyTables(name, f) {
    const ax = f.axes, L = f.layout, names = Object.keys(ax);
    const values = (axes) => axes.map((a) => ax[a]);
    const labels = (axes, combo) => combo.map((v, k) => labelOf(axes[k], v));
    const pairedValues = L.paired ? ax[L.paired] : [null];
    const columns = product(values(L.columns));
    const box = el("section", { class: "family", "data-family": name }, el("h2", { text: capitalized(f.title) +
      ` (${f.count} cells` + (f.not_applicable ? `, ${f.not_applicable} not applicable)` : ")") }));
    for (const sectionCombo of product(values(L.sections))) {
      const at = {};
      const attrs = { class: "part", "data-family": name };
      L.sections.forEach((a, k) => { at[a] = sectionCombo[k]; attrs["data-" + a] = sectionCombo[k]; });
      const part = el("section", attrs);
      if (L.sections.length) part.append(el("h3", { text: `${labels(L.sections, sectionCombo).join(", ")} (${f.title})` }));
      const rows = product(values(L.rows)).map((rowCombo) => {
        L.rows.forEach((a, k) => { at[a] = rowCombo[k]; });
        return {
          labels: labels(L.rows, rowCombo),
          entries: columns.map((columnCombo) => {
            L.columns.forEach((a, k) => { at[a] = columnCombo[k]; });
            return pairedValues.map((p) => {
              if (L.paired) at[L.paired] = p;
              return index.get(name + "|" + names.map((a) => at[a]).join("|"));
            });
          }),
        };
      });
      grid(part, [...L.rows.map(axisTitle), ...columns.map((combo) => labels(L.columns, combo).join(", "))], rows);
      if (L.paired) part.append(el("p", { class: "summary", text: `Each table cell shows one entry per ${L.paired} value: ` +
        pairedValues.map((p) => labelOf(L.paired, p)).join(", then ") + "." }));
      box.append(part);
    }
    tablesBox.append(box);
  }
  const tablesBox = el("div", { id: "tables" });
  main.append(tablesBox);

  // The plots (inline images written by the server side) go below the tables.
  const plots = document.getElementById("plots");
  if (plots) { plots.hidden = false; main.append(el("h2", { text: "Plots" }), plots); }
  // The first family's tables are drawn before the page is first shown, each further
  // family's in a task of its own, so the page opens at once even with thousands of cells;
  // body[data-ready] says every table is drawn.
  const pending = FAMILIES.slice();
  function drawNext() {
    if (pending.length) familyTables(...pending.shift());
    applyFilters();
    if (pending.length) { setTimeout(drawNext, 0); return; }
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.ready = "true";
  }

  function visible(c) {
    if (!selected.outcome.has(c.shown)) return false;
    const names = axisNames[c.family];
    for (let k = 0; k < names.length; k++) if (!selected[names[k]].has(c.axes[k])) return false;
    if (toggles.changed && toggles.changed.checked && !c.groups.length) return false;
    if (toggles.mismatch && toggles.mismatch.checked) {
      const side = c.sides[c.sides.length - 1];
      if (!side || side.status !== "fail") return false;
    }
    return true;
  }
  function applyFilters() {
    const rowOn = new Set(), colOn = new Map(), tableOn = new Set();
    let shown = 0;
    for (const p of placed) {
      const on = visible(cells[p.i]);
      p.el.hidden = !on;
      if (!on) continue;
      shown++;
      rowOn.add(p.tr); tableOn.add(p.t);
      if (!colOn.has(p.t)) colOn.set(p.t, new Set());
      colOn.get(p.t).add(p.col);
    }
    for (const t of tables) {
      const on = tableOn.has(t);
      t.section.hidden = !on;
      t.rows.forEach((tr) => { tr.hidden = !rowOn.has(tr); });
      const cols = colOn.get(t) || new Set();
      // Label columns stay; a value column goes when none of its cells is shown.
      t.cols.forEach((nodes, ci) => {
        const keep = ci < t.labelCols || cols.has(ci);
        nodes.forEach((n) => { n.hidden = !keep; });
      });
    }
    // A family whose every table is emptied goes too.
    main.querySelectorAll("section.family").forEach((box) => {
      box.hidden = !box.querySelector("section.part:not([hidden])");
    });
    document.getElementById("shown-count").textContent = String(shown);
  }

  // ------------------------------------------------------------------ the cell panel
  const panel = el("aside", { id: "detail", hidden: true, "aria-live": "polite" });
  document.body.append(panel);
  let openEl = null;
  function section(title, ...children) { return [el("h3", { text: title }), ...children]; }
  function dl(pairs) {
    const list = el("dl");
    pairs.forEach(([k, v]) => { if (v !== null && v !== undefined && v !== "") list.append(el("dt", { text: k }), el("dd", { text: String(v) })); });
    return list;
  }
  function table(headers, rows) {
    const t = el("table", {}, el("tr", {}, ...headers.map((h) => el("th", { text: h }))));
    rows.forEach((r) => t.append(el("tr", {}, ...r)));
    return t;
  }
  function versions(env) {
    const pairs = Object.entries(env.packages || {}).map(([k, v]) => [k, v === null ? "not installed" : v]);
    ["python", "platform", "supportmatrix", "commit", "timestamp"].forEach((k) => { if (env[k] !== undefined) pairs.push([k, env[k] === null ? "—" : env[k]]); });
    return dl(pairs);
  }
  function declaration(i) {
    const e = E[i];
    return [el("p", {}, rich(e.text)), el("pre", { class: "declared", text: e.describe })];
  }
  function observedSide(side, source) {
    const out = [];
    if (side === null) return [el("p", { text: "No record of this cell in " + source.label + "." })];
    out.push(dl([["status", side.status], ["seconds", side.seconds], ["reason", str(side.reason)],
      ["training target", side.target]]));
    if (side.problems.length) out.push(el("ul", { class: "problems" },
      ...side.problems.map((p) => el("li", { class: "fail", text: str(p) }))));
    const o = side.observed;
    if (o) {
      out.push(dl([["outcome", o.outcome], ["observed", str(o.detail)], ["resolved method", o.method],
        ["training", o.training]]));
      if (o.error) out.push(...section("Error", dl([["class", str(o.error.class)], ["module", str(o.error.module)],
        ["stage", o.error.stage]]), el("pre", { class: "error-message", text: str(o.error.message) })));
      if (o.warnings.length) out.push(...section("Warnings", table(["category", "message", "judged"],
        o.warnings.map((w) => [el("td", { text: str(w.category) }), el("td", {}, el("pre", { text: str(w.message) })),
          el("td", { text: w.pennylane ? "PennyLane's: judged" : "other library: shown only" })]))));
      if (o.checks.length) out.push(...section("Value checks", table(
        ["check", "criterion", "passed", "max abs error", "max rel error", "error / tolerance"],
        o.checks.map((c) => [el("td", { text: str(c.what) }), el("td", { text: str(c.criterion) }),
          el("td", { class: c.passed ? null : "fail", text: c.passed ? "yes" : "no" }),
          el("td", { text: num(c.abs) }), el("td", { text: num(c.rel) }),
          el("td", { class: "ratio", text: num(c.ratio) })]))));
    }
    out.push(...section("Versions", versions(source.environment)));
    if (side.declared !== undefined) out.push(el("details", {}, el("summary", { text: "declared for this run" }),
      ...declaration(side.declared)));
    return out;
  }
  function showDetail(i) {
    const c = cells[i];
    panel.replaceChildren();
    panel.append(el("span", { class: "close", role: "button", title: "close", text: "✕", onclick: closeDetail }),
      el("h2", { text: c.id }));
    if (c.groups.length) {
      const headings = D.drift.groups.filter((g) => c.groups.includes(g.key));
      panel.append(el("p", { class: "changed" }, el("strong", { text: "Changed: " }),
        headings.map((g) => { const ch = g.changes.find((x) => x.id === c.id); return `${g.heading}: ${ch.old} → ${ch.new}`; }).join("; ")));
    }
    if (c.declared === null) panel.append(...section("Not applicable (matrix.yaml)", el("p", {}, rich(str(c.reason)))));
    else panel.append(...section("Declaration (matrix.yaml)", ...declaration(c.declared)));
    if (!c.sides.length) panel.append(...section("Versions (the matrix was resolved for)", versions(D.sources[0].environment)));
    c.sides.forEach((side, k) => panel.append(...section(
      (c.sides.length > 1 ? (k === 0 ? "Old: " : "New: ") : "Observed: ") + D.sources[k].label),
      ...observedSide(side, D.sources[k])));
    if (c.snippet) panel.append(...section("Reproduce (Python)", el("pre", { class: "repro", text: c.snippet.map((n) => LINES[n]).join("\n") })));
    if (c.command) panel.append(...section("Reproduce (pytest)", el("pre", { class: "repro", text: c.command })));
    panel.hidden = false;
    if (openEl) openEl.classList.remove("open");
    openEl = placed.find((p) => p.i === i)?.el || null;
    if (openEl) openEl.classList.add("open");
    panel.scrollTop = 0;
  }
  function closeDetail() { panel.hidden = true; if (openEl) openEl.classList.remove("open"); openEl = null; }
  function openById(id) {
    const i = cells.findIndex((c) => c.id === id);
    if (i < 0) return;
    showDetail(i);
    if (openEl) openEl.scrollIntoView({ block: "center" });
  }
  main.addEventListener("click", (e) => {
    const node = e.target.closest(".cell[data-i]");
    if (node) showDetail(Number(node.dataset.i));
  });
  main.addEventListener("keydown", (e) => {
    const node = e.target.closest(".cell[data-i]");
    if (node && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showDetail(Number(node.dataset.i)); }
  });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetail(); });
  drawNext();
})();
