// ambit studio, cases page: list, edit and validate case files (validated by the cases library
// on the server before anything is stored) and assess them with the study's QCA model.
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
refresh().catch((e) => say(e.message, true));
