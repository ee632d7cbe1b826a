// ambit planning studio: the start screen, the scenario and view in the URL, the unsaved-edit
// warning, the district table, and the editing tools (paint brush, unassign, new district,
// rename). Uses app.js's and layers.js's globals.
"use strict";

// ---------- start screen ----------

// Shown when the page opens on no scenario and an empty map: what the studio is for, the region
// and its rules, and the three ways in.
function showStart() {
  const t = S.territory, maps = S.bundledMaps || [];
  $("start-region").textContent = t.name.split(":")[0];
  $("start-what").innerHTML =
    `Group the ${fmt(t.municipalities.length)} ${units()} into districts (<i>${esc(t.policy.district_word)}</i>) that meet the rules of ` +
    `<b>${esc(t.policy.name)}</b>. Every edit is checked at once: each district's population against the threshold of its class. ` +
    `The optimiser proposes plans; scenarios keep every version.`;
  const current = maps[maps.length - 1];
  $("start-current").disabled = !current;
  $("start-current-what").textContent = current ? `${current.name}: ${current.description || ""}` : "no map is bundled with this region";
  $("start").classList.remove("hidden");
  $("start-current").focus();
}

// Flies to the extent of every district (a map that covers part of the region opens on it).
function flyToDistricts() {
  if (C.on && S.home) return flyTo([S.home[0], S.home[1], S.home[0] + S.home[2], S.home[1] + S.home[3]], 0);
  const boxes = [...L.labels.values()].map((l) => l.bbox);
  if (!boxes.length) return;
  flyTo([Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))], 0.05);
}

function closeStart() {
  $("start").classList.add("hidden");
}

async function startSaved() {
  const list = await api("GET", "/api/scenarios");
  if (!list.length) return;
  $("start-saved").innerHTML = `<div>Or continue a saved scenario:</div><ul>` +
    list.slice(0, 5).map((s) => `<li><a href="?scenario=${s.id}" data-id="${s.id}">${esc(s.name)}</a> (version ${s.version})</li>`).join("") + "</ul>";
}

// ---------- URL: scenario, colouring and view ----------

let urlTimer = null;
function viewToUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    const q = new URLSearchParams(location.search);
    if (S.scenario) q.set("scenario", S.scenario.scenario_id); else q.delete("scenario");
    q.set("colour", $("colour-mode").value);
    if (S.view) q.set("view", S.view.map((v) => v.toFixed(1)).join(","));
    history.replaceState(null, "", "?" + q.toString());
  }, 150);
}

// Applies the URL's colouring and view; loads its scenario. True when a scenario was asked for.
async function fromUrl() {
  const q = new URLSearchParams(location.search);
  const colour = q.get("colour");
  if (colour && [...$("colour-mode").options].some((o) => o.value === colour)) $("colour-mode").value = colour;
  const view = (q.get("view") || "").split(",").map(Number);
  if (view.length === 4 && view.every(Number.isFinite) && view[2] > 0 && view[3] > 0) setView(view);
  const id = q.get("scenario");
  if (!id) return false;
  try {
    loadVersion(await api("GET", `/api/scenarios/${encodeURIComponent(id)}`));
    $("scenario-select").value = id;
  } catch (e) {
    status(`scenario ${id} of the link could not be opened: ${e.message}`, true);
  }
  return true;
}

// ---------- unsaved edits ----------

function markDirty(dirty) {
  S.dirty = dirty;
  $("unsaved").classList.toggle("hidden", !dirty);
}

window.addEventListener("beforeunload", (ev) => {
  if (!S.dirty) return;
  ev.preventDefault();
  ev.returnValue = "";
});

// ---------- district table ----------

const COLUMNS = [
  { key: "name", title: "District", num: false, value: (d) => d.name.toLowerCase() },
  { key: "population", title: "Population", num: true, value: (d) => d.population },
  { key: "class", title: "Class", num: false, value: (d) => d.class },
  { key: "compliant", title: "Complies", num: false, value: (d) => (d.compliant && d.contiguous_parts === 1 ? 1 : 0) },
  { key: "shortfall", title: "Short by", num: true, value: (d) => d.shortfall },
  { key: "municipalities", get title() { return capital(units()); }, num: true, value: (d) => d.municipalities },
];

function sortDistricts(list) {
  const { key, dir } = S.tableSort || { key: "name", dir: 1 };
  const col = COLUMNS.find((c) => c.key === key);
  return list.slice().sort((a, b) => {
    const x = col.value(a), y = col.value(b);
    return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.name < b.name ? -1 : 1);
  });
}

// Every district with its population drawn against its class threshold (the tick), its class and
// why in words, compliance in words (not by colour alone), shortfall and size; sortable by each
// column; a row (click or Enter) selects the district on the map.
function renderDistrictTable() {
  if (!S.audit) return;
  const sort = S.tableSort || { key: "name", dir: 1 };
  $("district-table").querySelector("thead").innerHTML = "<tr>" + COLUMNS.map((c) =>
    `<th class="${c.num ? "n" : ""}" aria-sort="${c.key === sort.key ? (sort.dir > 0 ? "ascending" : "descending") : "none"}">` +
    `<button class="sort" data-key="${c.key}">${c.title}${c.key === sort.key ? (sort.dir > 0 ? " ▲" : " ▼") : ""}</button></th>`).join("") + "</tr>";
  const rows = sortDistricts(S.audit.districts).map((d) => {
    const ok = d.compliant && d.contiguous_parts === 1;
    const share = d.threshold > 0 ? d.population / d.threshold : 1;
    const width = Math.min(share / 1.5, 1) * 100;
    const verdict = ok ? "yes" : !d.compliant ? "no" : `no: ${d.contiguous_parts} parts`;
    return `<tr tabindex="0" data-district="${esc(d.name)}" class="${S.focusDistrict === d.name ? "focus" : ""}" title="${esc(d.class)}, needs ${esc(d.threshold_text)}: ${esc(reasonWords(d))}">` +
      `<td>${esc(d.name)}${S.locked.has(d.name) ? " 🔒" : ""}</td>` +
      `<td class="n"><div>${fmt(d.population)}</div><div class="bar" title="${fmt(d.population)} of ${esc(d.threshold_text)}"><span class="fill ${ok ? "ok" : "short"}" style="width:${width.toFixed(1)}%"></span><span class="tick" style="left:${(100 / 1.5).toFixed(1)}%"></span></div></td>` +
      `<td>${esc(d.class)}</td>` +
      `<td class="${ok ? "ok" : "bad"}">${verdict}</td>` +
      `<td class="n">${d.shortfall ? fmt(d.shortfall) : "–"}</td>` +
      `<td class="n">${fmt(d.municipalities)}</td></tr>` +
      // why in words under the districts that fail and the one looked at (the others: on hover)
      (!ok || S.focusDistrict === d.name ? `<tr class="why" data-for="${esc(d.name)}"><td colspan="${COLUMNS.length}">${esc(d.class)}, needs ${esc(d.threshold_text)}: ${esc(reasonWords(d))}</td></tr>` : "");
  });
  $("district-table").querySelector("tbody").innerHTML = rows.join("") ||
    `<tr><td colspan="${COLUMNS.length}">No districts yet: start from a map, or select ${units()} and make a new district.</td></tr>`;
}

// Why a district has its class, in words (the server's `class_in_words`), without the class
// name the table shows beside it.
function reasonWords(d) {
  const w = d.class_in_words || d.class_reason;
  return w.startsWith(d.class + ": ") ? w.slice(d.class.length + 2) : w;
}

function selectDistrict(d) {
  S.focusDistrict = d;
  S.selection = new Set(Object.keys(S.assignment).filter((c) => S.assignment[c] === d));
  for (const id of ["merge-a", "lock-district", "rename-from"]) $(id).value = d;
  $("assign-district").value = d;
  const at = L.labels.get(d);
  if (at) flyTo(at.bbox);
  selectionChanged();
  showDistrict();
  renderDistrictTable();
}

// ---------- editing: paint brush, unassign, new district, rename ----------

// Names are unique whatever their case: "seriate" where "Seriate" exists is that district.
function existingDistrict(name) {
  const low = name.trim().toLowerCase();
  return districts().find((d) => d.toLowerCase() === low) ?? null;
}

function editMessage(html, isError) {
  $("edit-message").innerHTML = html;
  $("edit-message").className = isError ? "error" : "";
}

function unassignSelection() {
  const codes = [...S.selection].filter((c) => S.assignment[c] != null);
  if (!codes.length) return status(`select assigned ${units()} first`, true);
  edit(`unassign ${nUnits(codes.length)}`, () => {
    const fromLocked = codes.find((c) => S.locked.has(S.assignment[c]));
    if (fromLocked) return `${S.byCode.get(fromLocked).name} is in locked district ${S.assignment[fromLocked]}`;
    codes.forEach((c) => delete S.assignment[c]);
  });
}

function createDistrict() {
  const name = $("new-district").value.trim();
  if (!name) return editMessage("Type a name for the new district.", true);
  const same = existingDistrict(name);
  if (same) {
    editMessage(`A district named <b>${esc(same)}</b> exists already (names are compared without case). ` +
      `<button id="use-existing">Assign the selection to ${esc(same)}</button>`, true);
    $("use-existing").onclick = () => { $("assign-district").value = same; assignSelection(); editMessage(""); };
    return;
  }
  if (!S.selection.size) return editMessage(`Select the ${units()} of the new district first (click, box, lasso or brush).`, true);
  $("assign-district").value = name;
  assignSelection();
  editMessage(`New district <b>${esc(name)}</b>.`);
  $("new-district").value = "";
}

function renameDistrict() {
  const from = $("rename-from").value, to = $("rename-to").value.trim();
  if (!from || !to) return editMessage("Choose a district and type its new name.", true);
  const same = existingDistrict(to);
  if (same && same !== from) return editMessage(`A district named <b>${esc(same)}</b> exists already: merge them instead.`, true);
  edit(`rename ${from} to ${to}`, () => {
    for (const c in S.assignment) if (S.assignment[c] === from) S.assignment[c] = to;
    if (S.locked.delete(from)) S.locked.add(to);
    if (S.focusDistrict === from) S.focusDistrict = to;
  });
  $("rename-to").value = "";
  editMessage("");
}

// A stroke of the brush paints the comuni under the pointer (and those whose centroid lies within
// the brush radius) into the district named in the editing panel; the stroke is one edit,
// validated when the button is released.
const BRUSH = { stroke: null };

function brushStart(svg, ev) {
  if ($("tool").value === "eraser") {
    // the eraser is a brush that paints "no district"
    BRUSH.stroke = { district: null, before: snapshot(), painted: new Set() };
    brushMove(svg, ev);
    return true;
  }
  const d = $("assign-district").value.trim();
  if (!d) { editMessage("Name the district to paint into (Editing panel), then paint.", true); return false; }
  const target = existingDistrict(d) ?? d;
  if (S.locked.has(target)) { status(`district ${target} is locked`, true); return false; }
  BRUSH.stroke = { district: target, before: snapshot(), painted: new Set() };
  brushMove(svg, ev);
  return true;
}

function brushMove(svg, ev) {
  const st = BRUSH.stroke;
  if (!st) return;
  const polys = new Set();
  const under = polyAt(svg, ev);
  if (under) polys.add(under);
  const r = Number($("brush-size").value);
  // the province brush (Districtr's county brush): every comune of the province under the pointer
  if ($("brush-province").checked && under) {
    const codes = S.byPoly.get(under) || [];
    const prov = codes.length ? S.byCode.get(codes[0]).province : null;
    if (prov != null) for (const m of S.territory.municipalities) if (m.province === prov) polys.add(m.polygon);
  }
  if (r > 0) {
    const [mx, my, s] = toMap(svg, ev);
    const rr = (r * s) ** 2;
    for (const [poly, [x, y]] of S.centres) if ((x - mx) ** 2 + (y - my) ** 2 <= rr) polys.add(poly);
  }
  for (const poly of polys) {
    for (const c of S.byPoly.get(poly) || []) {
      if ((S.assignment[c] ?? null) === st.district || S.locked.has(S.assignment[c])) continue;
      if (st.district == null) delete S.assignment[c]; else S.assignment[c] = st.district;
      st.painted.add(c);
    }
    const p = S.paths.get(poly);
    if (p) { p.fill = colourFor(S.byPoly.get(poly) || [], S.assignment, S.auditByDistrict); p.style.fill = p.fill; }
  }
}

function brushEnd() {
  const st = BRUSH.stroke;
  BRUSH.stroke = null;
  if (!st || !st.painted.size) return;
  S.undo.push({ label: st.district == null ? `erase ${nUnits(st.painted.size)}` : `paint ${nUnits(st.painted.size)} into ${st.district}`, state: st.before });
  S.redo = [];
  if (st.district != null) S.focusDistrict = st.district;
  S.lastStroke = { comuni: st.painted.size, t0: performance.now() };
  afterEdit(S.undo[S.undo.length - 1].label);
}

// ---------- keyboard on the map ----------

function mapKeys(ev) {
  const [x, y, w, h] = S.view;
  const step = 0.15;
  const moves = { ArrowLeft: [-w * step, 0], ArrowRight: [w * step, 0], ArrowUp: [0, -h * step], ArrowDown: [0, h * step] };
  if (moves[ev.key]) { ev.preventDefault(); setView([x + moves[ev.key][0], y + moves[ev.key][1], w, h]); return; }
  const f = ev.key === "+" || ev.key === "=" ? 1 / 1.3 : ev.key === "-" ? 1.3 : 0;
  if (f) { ev.preventDefault(); setView([x + (w * (1 - f)) / 2, y + (h * (1 - f)) / 2, w * f, h * f]); }
}

// ---------- wiring ----------

function initPanels() {
  initScenarioList();
  $("start-close").onclick = closeStart;
  $("start-current").onclick = async () => {
    const maps = S.bundledMaps || [];
    closeStart();
    $("base-map").value = maps[maps.length - 1].name;
    await startFrom();
    flyToDistricts();
  };
  $("start-plan").onclick = () => {
    closeStart();
    const panel = $("optimiser").closest("details");
    panel.open = true;
    $("opt-objective").value = "max-districts";
    panel.scrollIntoView();
    startRun();
  };
  $("start-import").onclick = () => {
    closeStart();
    const panel = $("import-file").closest("details");
    panel.open = true;
    panel.scrollIntoView();
    $("import-file").focus();
    $("import-file").click();
  };
  $("start").addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeStart(); });
  $("district-table").addEventListener("click", (ev) => {
    const b = ev.target.closest("button.sort");
    if (b) {
      const s = S.tableSort || { key: "name", dir: 1 };
      S.tableSort = { key: b.dataset.key, dir: s.key === b.dataset.key ? -s.dir : 1 };
      renderDistrictTable();
      return;
    }
    const tr = ev.target.closest("tr[data-district]");
    if (tr) selectDistrict(tr.dataset.district);
  });
  $("district-table").addEventListener("keydown", (ev) => {
    const tr = ev.target.closest("tr[data-district]");
    if (tr && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); selectDistrict(tr.dataset.district); }
  });
  $("unassign").onclick = unassignSelection;
  $("create-district").onclick = createDistrict;
  $("rename").onclick = renameDistrict;
  $("tool").addEventListener("change", () => $("brush-size-label").classList.toggle("hidden", !["brush", "eraser"].includes($("tool").value)));
  // the brush's reach follows the pointer (what a stroke would paint)
  $("map").addEventListener("mousemove", (ev) => {
    let ring = $("map").querySelector("circle.brush");
    const r = Number($("brush-size").value);
    if (!["brush", "eraser"].includes($("tool").value) || r === 0) { if (ring) ring.remove(); return; }
    const [x, y, s] = toMap($("map"), ev);
    if (!ring) { ring = document.createElementNS(NS, "circle"); ring.setAttribute("class", "brush"); $("map").appendChild(ring); }
    ring.setAttribute("cx", x); ring.setAttribute("cy", y); ring.setAttribute("r", r * s);
  });
  $("map").addEventListener("keydown", mapKeys);
  $("colour-mode").addEventListener("change", viewToUrl);
}

// ---------- scenarios: search, rename, archive, delete ----------

// Every scenario, newest change first (the server's order), filtered by the search text; each
// with Open, Rename, Archive (every version kept) and Delete (after a confirmation in place).
function renderScenarioList() {
  const q = $("scenario-search").value.trim().toLowerCase();
  const archived = $("show-archived").checked;
  const list = (S.scenarioList || []).filter((x) => (archived || !x.archived_at) && x.name.toLowerCase().includes(q));
  $("scenario-list").innerHTML = list.map((x) =>
    `<li data-id="${x.id}"><b>${esc(x.name)}</b> <span class="meta">v${x.version}, changed ${esc(x.updated_at.slice(0, 16).replace("T", " "))}${x.archived_at ? ", archived" : ""}</span>` +
    `<span class="acts"><button data-act="open">Open</button><button data-act="rename">Rename</button>` +
    `<button data-act="archive">${x.archived_at ? "Unarchive" : "Archive"}</button><button data-act="delete">Delete</button></span></li>`).join("") ||
    `<li>${S.scenarioList && S.scenarioList.length ? "No scenario matches." : "No saved scenario yet."}</li>`;
}

async function scenarioAction(ev) {
  const b = ev.target.closest("button[data-act]");
  if (!b) return;
  const li = b.closest("li[data-id]"), id = Number(li.dataset.id);
  const sc = S.scenarioList.find((x) => x.id === id);
  const act = b.dataset.act;
  try {
    if (act === "open") {
      if (S.dirty && !confirmInPlace(li, `Open ${sc.name}? Your unsaved edits will be lost.`, "Open", () => openScenario(id))) return;
      if (!S.dirty) await openScenario(id);
    } else if (act === "rename") {
      li.querySelector(".acts").innerHTML = `<input class="new-name" value="${esc(sc.name)}" aria-label="new name of ${esc(sc.name)}"><button data-act="rename-ok">Rename</button><button data-act="cancel">Cancel</button>`;
      li.querySelector(".new-name").focus();
    } else if (act === "rename-ok") {
      const name = li.querySelector(".new-name").value.trim();
      const v = await api("POST", `/api/scenarios/${id}/rename`, { name });
      if (S.scenario && S.scenario.scenario_id === id) setScenario(v);
      await refreshScenarioList();
      status(`renamed to ${v.name}`);
    } else if (act === "archive") {
      S.scenarioList = await api("POST", `/api/scenarios/${id}/archive`, { archived: !sc.archived_at });
      await refreshScenarioList();
      status(`${sc.name} ${sc.archived_at ? "taken out of the archive" : "archived (every version kept)"}`);
    } else if (act === "delete") {
      confirmInPlace(li, `Delete ${sc.name} and its ${plural(sc.version, "version", "versions")} for good? Archive keeps them.`, "Delete for good", async () => {
        await api("DELETE", `/api/scenarios/${id}?expected_version=${sc.version}`);
        if (S.scenario && S.scenario.scenario_id === id) { S.scenario = null; $("scenario-info").textContent = "No scenario loaded (unsaved edit)."; markDirty(true); }
        await refreshScenarioList();
        status(`deleted ${sc.name}`);
      });
    } else if (act === "cancel") renderScenarioList();
  } catch (e) {
    status(e.message, true);
    renderScenarioList();
  }
}

// Replaces the row's buttons by a question with a confirming and a cancelling button.
function confirmInPlace(li, question, yes, then) {
  li.querySelector(".acts").innerHTML = `<span class="confirm">${esc(question)}</span><button class="danger" data-act="yes">${esc(yes)}</button><button data-act="cancel">Cancel</button>`;
  li.querySelector("button[data-act=yes]").onclick = (ev) => { ev.stopPropagation(); Promise.resolve(then()).catch((e) => status(e.message, true)); };
  li.querySelector("button[data-act=yes]").focus();
  return false;
}

async function openScenario(id) {
  loadVersion(await api("GET", `/api/scenarios/${id}`));
  $("scenario-select").value = id;
}

function initScenarioList() {
  $("scenario-search").addEventListener("input", renderScenarioList);
  $("show-archived").addEventListener("change", renderScenarioList);
  $("scenario-list").addEventListener("click", scenarioAction);
}
