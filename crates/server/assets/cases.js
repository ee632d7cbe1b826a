// ambit studio, cases page: list, edit and validate case files (validated by the cases library
// on the server before anything is stored), assess them with the study's QCA model, and run QCA
// over a chosen set of stored case files (truth table, solutions with their fit, stored runs).
"use strict";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
let current = null; // {id, version, name}

const EXAMPLE = `id = "X"
name = "Two area plans with close ties"
[structures]
ties = true
trust = 1
[actors.roles]
sponsor = "unknown"
`;

async function api(method, url, body) {
  const r = await fetch(url, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = { error: text }; }
  if (!r.ok) { const e = new Error((data && data.error) || r.statusText); e.data = data; throw e; }
  return data;
}

function say(msg, bad) {
  $("case-status").textContent = msg;
  $("case-status").className = bad ? "bad" : "ok";
}

async function refresh() {
  const list = await api("GET", "/api/case-files");
  $("case-list").innerHTML = list.map((c) => `<li><a href="#" data-id="${c.id}">${esc(c.name)}</a></li>`).join("") || "<li>none yet</li>";
  for (const a of $("case-list").querySelectorAll("a")) a.onclick = (ev) => { ev.preventDefault(); open(a.dataset.id); };
  qcaFiles(list);
}

async function open(id) {
  const c = await api("GET", `/api/case-files/${id}`);
  current = { id: c.id, version: c.version, name: c.name };
  $("case-name").value = c.name;
  $("case-text").value = c.content;
  $("case-version").textContent = `version ${c.version}`;
  say(`opened ${c.name}`);
}

async function validate() {
  try {
    const r = await api("POST", "/api/case-files/validate", { name: $("case-name").value || "case.toml", content: $("case-text").value });
    say(`valid: case ${r.id} (${r.name})`);
  } catch (e) { say(e.message, true); }
}

async function save() {
  try {
    const content = $("case-text").value;
    const c = current
      ? await api("PUT", `/api/case-files/${current.id}`, { expected_version: current.version, content })
      : await api("POST", "/api/case-files", { name: $("case-name").value.trim(), content });
    current = { id: c.id, version: c.version, name: c.name };
    $("case-version").textContent = `version ${c.version}`;
    say(`saved ${c.name} version ${c.version}`);
    await refresh();
  } catch (e) { say(e.message, true); }
}

async function assessCurrent() {
  if (!current) return say("save the case file first", true);
  try {
    const r = await api("POST", `/api/case-files/${current.id}/assess`);
    const a = r.assessment;
    const paths = (list) => list.map((p) => `<li>${esc(p.expression ?? p.path ?? JSON.stringify(p))}: ${esc(p.holds ?? "")}</li>`).join("");
    $("case-result").innerHTML = `<div id="case-predicted"><b>Predicted: ${esc(a.predicted)}</b> (model ${esc(a.model.name)}: ${esc(a.model.success)})</div>
      <div>Success membership ${esc(JSON.stringify(a.membership))}${a.rests_on_assumptions ? " — rests on assumptions" : ""}${a.rests_on_unknowns ? " — rests on unknowns" : ""}</div>
      ${a.unknown_conditions.length ? `<div>Unknown conditions: ${a.unknown_conditions.map(esc).join(", ")}</div>` : ""}
      <div>Success paths:</div><ul>${paths(a.paths)}</ul>
      <div>Failure paths:</div><ul>${paths(a.failure_paths)}</ul>
      <details><summary>Full assessment (JSON, analysis ${r.analysis_id})</summary><pre>${esc(JSON.stringify(a, null, 1))}</pre></details>`;
  } catch (e) { say(e.message, true); }
}

$("case-new").onclick = () => { current = null; $("case-name").value = "partnership.toml"; $("case-text").value = EXAMPLE; $("case-version").textContent = "new"; };
$("case-validate").onclick = validate;
$("case-save").onclick = save;
$("case-assess").onclick = assessCurrent;

// ---- QCA over stored case files ----

const fmt = (v) => (v === null || v === undefined || Number.isNaN(v) ? "-" : Number(v).toFixed(3));
const table = (head, rows, numeric) => `<table><tr>${head.map((h, i) => `<th${numeric && numeric[i] ? ' class="n"' : ""}>${esc(h)}</th>`).join("")}</tr>${rows.join("")}</table>`;
const td = (v, n) => `<td${n ? ' class="n"' : ""}>${esc(v)}</td>`;

function qcaSay(msg, bad) {
  $("qca-status").textContent = msg;
  $("qca-status").className = bad ? "bad" : "ok";
}

function qcaFiles(list) {
  const checked = new Set([...document.querySelectorAll("#qca-files input:checked")].map((i) => i.value));
  const byName = [...list].sort((a, b) => a.name.localeCompare(b.name));
  $("qca-files").innerHTML = byName.map((c) => `<label><input type="checkbox" value="${c.id}"${checked.has(String(c.id)) ? " checked" : ""}> ${esc(c.name)}</label>`).join("") || "no stored case files";
}

async function qcaConditions() {
  const c = await api("GET", "/api/qca/conditions");
  $("qca-default").textContent = c.default_conditions.join(", ");
  $("qca-conditions").innerHTML = c.conditions.filter((d) => d.name !== c.default_outcome).map((d) => {
    const on = c.default_conditions.includes(d.name) ? " checked" : "";
    const at = d.kind === "count" ? ` &ge; <input type="number" min="0" step="1" value="1" data-at="${esc(d.name)}" title="a count is in the set from this value">` : "";
    return `<label title="${esc(d.field)}: ${esc(d.about)}"><input type="checkbox" value="${esc(d.name)}" data-kind="${d.kind}"${on}> ${esc(d.name)}${at} <small>${esc(d.about)}</small></label>`;
  }).join("");
}

function qcaRequest() {
  const conditions = [...document.querySelectorAll("#qca-conditions input[type=checkbox]:checked")].map((i) => {
    if (i.dataset.kind !== "count") return i.value;
    const at = document.querySelector(`#qca-conditions input[data-at="${i.value}"]`);
    return `${i.value}>=${at ? at.value : 1}`;
  });
  const list = (s) => s.split(/[,;]/).map((x) => x.trim()).filter((x) => x);
  return {
    case_files: [...document.querySelectorAll("#qca-files input:checked")].map((i) => Number(i.value)),
    outcome: $("qca-outcome").value.trim() || "SUCCESS",
    conditions,
    scale: $("qca-scale").value,
    unknown: $("qca-unknown").value,
    incl_cut: Number($("qca-incl").value),
    n_cut: Number($("qca-ncut").value),
    pri_cut: Number($("qca-pri").value),
    dir_exp: list($("qca-direxp").value),
  };
}

const KIND_TITLE = {
  conservative: "Conservative solution (observed configurations only)",
  parsimonious: "Parsimonious solution (remainders as simplifying assumptions)",
  intermediate: "Intermediate solution (remainders that agree with the directional expectations)",
};

function rowText(r, conditions) {
  return `row ${r.row} (${conditions.map((c, i) => `${c}=${r.values[i]}`).join(", ")})`;
}

function renderSolution(sol, outcome, conditions) {
  const models = sol.models.map((m) => {
    const rows = m.terms.map((t) => `<tr>${td(t.term)}${td(fmt(t.inclS), 1)}${td(fmt(t.PRI), 1)}${td(fmt(t.covS), 1)}${td(t.covU === undefined ? "-" : fmt(t.covU), 1)}${td(t.cases)}</tr>`);
    rows.push(`<tr class="fit">${td(`solution ${m.label}`)}${td(fmt(m.fit.inclS), 1)}${td(fmt(m.fit.PRI), 1)}${td(fmt(m.fit.covS), 1)}${td("")}${td("")}</tr>`);
    const assumed = m.assumptions.length
      ? `<div>rests on ${sol.kind === "intermediate" ? "easy counterfactuals" : "simplifying assumptions"}: ${m.assumptions.map((r) => esc(rowText(r, conditions))).join("; ")}</div>`
      : "";
    return `<div class="model"><b>${esc(m.label)}</b>: <span class="model-expr">${esc(m.expression)}</span> &rarr; ${esc(outcome)}
      ${table(["term", "consistency (inclS)", "PRI", "coverage (covS)", "unique (covU)", "cases"], rows, [0, 1, 1, 1, 1, 0])}${assumed}</div>`;
  }).join("");
  const ambiguity = sol.model_ambiguity
    ? `<div class="bad">Model ambiguity: ${sol.models.length} models explain the data equally well${sol.essential.length ? `; essential: ${sol.essential.map(esc).join(", ")}` : ""}.</div>`
    : "";
  return `<div class="solution" data-kind="${sol.kind}"><h4>${esc(KIND_TITLE[sol.kind] || sol.kind)}</h4>${ambiguity}${models}</div>`;
}

function renderAnalysis(a) {
  const r = a.result;
  const inp = a.input;
  const matrix = table(["case", ...r.matrix.columns], r.matrix.cases.map((c, i) => `<tr>${td(c)}${r.matrix.values[i].map((v) => td(v, 1)).join("")}</tr>`), [0, ...r.matrix.columns.map(() => 1)]);
  const tt = table(["row", ...r.truth_table.conditions, "OUT", "n", "incl", "PRI", "cases"],
    r.truth_table.observed_rows.map((row) => `<tr>${td(row.row, 1)}${row.values.map((v) => td(v, 1)).join("")}${td(row.OUT)}${td(row.n, 1)}${td(fmt(row.incl), 1)}${td(fmt(row.PRI), 1)}${td(row.cases.join(", "))}</tr>`),
    [1, ...r.truth_table.conditions.map(() => 1), 0, 1, 1, 1, 0]);
  const notes = r.notes.length ? `<ul id="qca-notes">${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  const sols = r.solutions.length ? r.solutions.map((s) => renderSolution(s, r.outcome, r.conditions)).join("") : `<div class="bad">No solution for ${esc(r.outcome)}: see the notes above.</div>`;
  $("qca-result").innerHTML = `<div id="qca-analysis" data-id="${a.id}"><b>Analysis ${a.id}</b> (${esc(a.created_at)}): ${esc(r.outcome)} over ${esc(r.conditions.join(", "))};
    case files ${inp.case_files.map((f) => esc(`${f.name} v${f.version}`)).join(", ")}; ${esc(inp.scale)}, unknowns ${esc(inp.unknown)}, inclusion cut-off ${esc(inp.incl_cut)}, frequency cut-off ${esc(inp.n_cut)}${inp.dir_exp.length ? `, directional expectations ${esc(inp.dir_exp.join(", "))}` : ""}</div>
    ${notes}${sols}
    <details open><summary>Truth table (${r.truth_table.observed_rows.length} observed of ${r.truth_table.n_rows_total} rows)</summary>${tt}</details>
    <details><summary>Data matrix (${r.matrix.cases.length} cases)</summary>${matrix}</details>`;
}

async function qcaList() {
  const list = await api("GET", "/api/qca/analyses");
  $("qca-analyses").innerHTML = list.map((a) => {
    const sol = a.solutions.parsimonious || a.solutions.conservative || [];
    return `<li><a href="#" data-id="${a.id}">#${a.id} ${esc(a.outcome)} = ${esc(sol.join(" | ") || "no solution")}</a><br><small>${esc(a.conditions.join(", "))} on ${esc(a.case_files.join(", "))}</small></li>`;
  }).join("") || "<li>none yet</li>";
  for (const el of $("qca-analyses").querySelectorAll("a")) {
    el.onclick = async (ev) => {
      ev.preventDefault();
      try { renderAnalysis(await api("GET", `/api/qca/analyses/${el.dataset.id}`)); qcaSay(`reopened analysis ${el.dataset.id}`); } catch (e) { qcaSay(e.message, true); }
    };
  }
}

async function qcaRun() {
  const req = qcaRequest();
  if (!req.case_files.length) return qcaSay("choose at least one case file", true);
  qcaSay("running...");
  try {
    const a = await api("POST", "/api/qca", req);
    renderAnalysis(a);
    qcaSay(`analysis ${a.id} stored`);
    await qcaList();
  } catch (e) {
    const problems = (e.data && e.data.details && e.data.details.problems) || [];
    qcaSay(problems.length ? `refused, nothing was stored: ${problems.length} problem(s)` : e.message, true);
    if (problems.length) $("qca-result").innerHTML = `<ul id="qca-problems" class="bad">${problems.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`;
  }
}

$("qca-run").onclick = qcaRun;
$("qca-all").onclick = () => { for (const i of document.querySelectorAll("#qca-files input")) i.checked = true; };
$("qca-none").onclick = () => { for (const i of document.querySelectorAll("#qca-files input")) i.checked = false; };

Promise.all([refresh().catch((e) => say(e.message, true)), qcaConditions(), qcaList()])
  .then(() => { document.body.dataset.qcaReady = "1"; })
  .catch((e) => qcaSay(e.message, true));
