// ambit planning studio: the page. Plain JS, no build step, no network beyond this server.
// Every figure shown (populations, classes, thresholds, compliance, contiguity) comes from the
// server's audit (the same library function as `ambit audit`); the page only edits the
// assignment and draws it.
"use strict";

const $ = (id) => document.getElementById(id);
const fmt = (n) => (n == null ? "–" : Math.round(n).toLocaleString("en-US"));
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

const S = {
  territory: null,        // /api/territory
  byCode: new Map(),      // code -> municipality row
  byPoly: new Map(),      // polygon code -> [codes]
  paths: new Map(),       // polygon code -> <path> in the main map
  centres: new Map(),     // polygon code -> [x, y] in map units
  assignment: {},         // code -> district
  locked: new Set(),
  scenario: null,         // {scenario_id, name, version}
  audit: null,
  auditByDistrict: new Map(),
  selection: new Set(),   // codes
  undo: [],
  redo: [],
  focusDistrict: null,
  view: null,             // viewBox [x, y, w, h]
  full: null,
  auditSeq: 0,
  compare: null,          // scenario version shown beside
  policyText: "",         // the scenario's own rules (policy TOML); "" = the region's policy
};
window.studio = S; // for tests and for the curious

async function api(method, url, body, raw) {
  const opt = { method, headers: {} };
  if (body !== undefined) {
    if (raw) { opt.body = body; opt.headers["Content-Type"] = "text/csv"; }
    else { opt.body = JSON.stringify(body); opt.headers["Content-Type"] = "application/json"; }
  }
  const r = await fetch(url, opt);
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = { error: text }; }
  if (!r.ok) {
    const e = new Error((data && data.error) || r.statusText);
    e.status = r.status; e.data = data;
    throw e;
  }
  return data;
}

function status(msg, isError) {
  const el = $("status");
  el.textContent = msg;
  el.className = isError ? "error" : "";
}

// ---------- drawing ----------

function project(features) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, latSum = 0, latN = 0;
  for (const f of features) forEachRing(f.geometry, (ring) => {
    for (const [, lat] of ring) { latSum += lat; latN++; }
  });
  const k = Math.cos(((latSum / Math.max(latN, 1)) * Math.PI) / 180);
  const X = (lon) => lon * k * 100, Y = (lat) => -lat * 100;
  for (const f of features) forEachRing(f.geometry, (ring) => {
    for (const [lon, lat] of ring) {
      const x = X(lon), y = Y(lat);
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
  });
  return { X: (lon) => X(lon) - minX, Y: (lat) => Y(lat) - minY, w: maxX - minX, h: maxY - minY };
}

function forEachRing(g, fn) {
  if (!g) return;
  if (g.type === "Polygon") g.coordinates.forEach(fn);
  else if (g.type === "MultiPolygon") g.coordinates.forEach((p) => p.forEach(fn));
}

function pathData(g, P) {
  const parts = [];
  forEachRing(g, (ring) => {
    let d = "";
    ring.forEach(([lon, lat], i) => { d += (i ? "L" : "M") + P.X(lon).toFixed(2) + " " + P.Y(lat).toFixed(2); });
    parts.push(d + "Z");
  });
  return parts.join("");
}

// Area-weighted centroid of a (Multi)Polygon in map units: exterior rings count positive,
// holes negative; the bounding-box centre when the area is nil. Box and lasso select the
// comuni whose polygon's centroid lies inside.
function centroid(g, P) {
  let sw = 0, sx = 0, sy = 0, minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const polys = !g ? [] : g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
  for (const rings of polys) rings.forEach((ring, k) => {
    let a = 0, cx = 0, cy = 0;
    for (let i = 0; i < ring.length; i++) {
      const [x0, y0] = [P.X(ring[i][0]), P.Y(ring[i][1])];
      const j = (i + 1) % ring.length;
      const [x1, y1] = [P.X(ring[j][0]), P.Y(ring[j][1])];
      const c = x0 * y1 - x1 * y0;
      a += c; cx += (x0 + x1) * c; cy += (y0 + y1) * c;
      if (x0 < minX) minX = x0; if (x0 > maxX) maxX = x0;
      if (y0 < minY) minY = y0; if (y0 > maxY) maxY = y0;
    }
    if (a === 0) return;
    const w = (k === 0 ? 1 : -1) * Math.abs(a / 2);
    sw += w; sx += w * cx / (3 * a); sy += w * cy / (3 * a);
  });
  return Math.abs(sw) > 1e-12 ? [sx / sw, sy / sw] : [(minX + maxX) / 2, (minY + maxY) / 2];
}

// Even-odd rule: whether point [x, y] lies inside the polygon pts ([[x, y], ...]).
function insidePolygon([x, y], pts) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i], [xj, yj] = pts[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// Selects the comuni whose polygon centroid satisfies inside([x, y]); adds to the selection
// when add is set (Shift, Ctrl or Cmd held), else replaces it.
function selectWhere(inside, add) {
  if (!add) S.selection.clear();
  for (const [poly, c] of S.centres) if (inside(c)) (S.byPoly.get(poly) || []).forEach((code) => S.selection.add(code));
  selectionChanged();
}

function drawMap(svg, features, P, withEvents) {
  const ns = "http://www.w3.org/2000/svg";
  const g = document.createElementNS(ns, "g");
  const paths = new Map();
  for (const f of features) {
    const code = f.properties.istat_code ?? f.properties.code;
    const p = document.createElementNS(ns, "path");
    p.setAttribute("d", pathData(f.geometry, P));
    p.setAttribute("class", "comune");
    p.dataset.poly = code;
    g.appendChild(p);
    paths.set(code, p);
  }
  svg.innerHTML = "";
  svg.appendChild(g);
  svg.setAttribute("viewBox", S.full.join(" "));
  if (withEvents) attachMapEvents(svg);
  return paths;
}

// ---------- colours ----------

const CLASS_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7"];

function colourFor(codes, assignment, auditByDistrict) {
  const mode = S.mode || $("colour-mode").value;
  const d = assignment[codes[0]];
  if (mode === "population") {
    const pop = codes.reduce((s, c) => s + (S.byCode.get(c)?.population || 0), 0);
    const t = Math.min(1, Math.log10(Math.max(pop, 10)) / 6.2);
    return `hsl(210, 60%, ${Math.round(92 - t * 65)}%)`;
  }
  if (mode === "class") {
    const classes = S.territory.policy.classes;
    const cls = d != null ? auditByDistrict.get(d)?.class : S.byCode.get(codes[0])?.class_alone;
    const i = classes.indexOf(cls);
    const c = i < 0 ? "#bbb" : CLASS_COLOURS[i % CLASS_COLOURS.length];
    return d != null ? c : c + "66";
  }
  if (d == null) return "#d4d4d4";
  if (mode === "compliance") {
    // patterns as well as colours: no information by colour alone (see the legend)
    const a = auditByDistrict.get(d);
    if (!a) return "#aaa";
    if (a.contiguous_parts > 1) return "url(#pat-parts)";
    return a.compliant ? "#a6dba0" : "url(#pat-short)";
  }
  return districtFill(d, assignment === S.assignment ? L.colourOf : L.colourOfB);
}

function recolour() {
  // outlines and colours follow the assignment; labels follow the audit and the zoom
  if (S.drawnEdit !== S.editCount) {
    S.drawnEdit = S.editCount;
    L.colourOf = colourDistricts(S.assignment, L.colourOf);
    drawBorders($("map"), S.assignment);
    placeDistrictLabels(S.assignment);
    const names = [...L.labels.keys()].sort().join("\n");
    if (names !== S.searchNames) { S.searchNames = names; searchIndex(); }
  }
  if (S.compare && S.pathsB && S.drawnCompare !== S.compare) {
    S.drawnCompare = S.compare;
    L.colourOfB = colourDistricts(S.compare.content.assignment, L.colourOf);
    drawBorders($("map-b"), S.compare.content.assignment);
    L.labelsB = labelPlaces(S.compare.content.assignment);
    L.byDistrictB = new Map((S.compare.audit?.districts || []).map((d) => [d.name, d]));
  }
  drawLabels();
  // only the paths whose fill or selection changed are touched: each change restyles the path
  S.mode = $("colour-mode").value;
  for (const [poly, p] of S.paths) {
    const codes = S.byPoly.get(poly) || [];
    const fill = codes.length ? colourFor(codes, S.assignment, S.auditByDistrict) : "#eee";
    if (p.fill !== fill) { p.style.fill = fill; p.fill = fill; }
    const sel = codes.some((c) => S.selection.has(c));
    if (p.sel !== sel) { p.classList.toggle("sel", sel); p.sel = sel; }
  }
  if (S.compare && S.pathsB) {
    const moved = movedCodes();
    const byD = new Map((S.compare.audit?.districts || []).map((d) => [d.name, d]));
    for (const [poly, p] of S.pathsB) {
      const codes = S.byPoly.get(poly) || [];
      p.style.fill = codes.length ? colourFor(codes, S.compare.content.assignment, byD) : "#eee";
      p.classList.toggle("moved", codes.some((c) => moved.has(c)));
    }
    for (const [poly, p] of S.paths) {
      p.classList.toggle("moved", (S.byPoly.get(poly) || []).some((c) => moved.has(c)));
    }
  }
  legend();
}

function legend() {
  const mode = $("colour-mode").value;
  // a pattern swatch is a small SVG filled with the map's own pattern
  const sw = (c, t) => `<span class="sw" style="background:${c}"></span>${esc(t)}`;
  let h = "";
  if (mode === "compliance") h = sw("#a6dba0", "compliant ✓") + sw("repeating-linear-gradient(45deg, #a50f15 0 2px, #f6b3b3 2px 5px)", "below threshold ✗ (hatched)") + sw("repeating-linear-gradient(45deg, #8c4a00 0 1px, #fdd49e 1px 4px), #fdd49e", "not contiguous (crossed)") + sw("#d4d4d4", "unassigned");
  else if (mode === "class") h = S.territory.policy.classes.map((c, i) => sw(CLASS_COLOURS[i % CLASS_COLOURS.length], c)).join("") + ` (pale: ${unit1()} alone)`;
  else if (mode === "population") h = sw("hsl(210,60%,85%)", "100") + sw("hsl(210,60%,60%)", "10,000") + sw("hsl(210,60%,30%)", "1,000,000");
  else h = `colour tells neighbouring districts apart; thick line: district border; ${S.territory.area_word ? `dashed: ${S.territory.area_word}; ` : ""}grey: unassigned`;
  $("legend").innerHTML = h;
}

// ---------- pan, zoom, selection ----------

// While dragging, the map moves as one picture (a CSS translation the compositor applies without
// redrawing a polygon: frames stay cheap whatever the number of polygons); the view is redrawn
// once, when the button is released (commitPan).
function previewPan(v) {
  S.viewTarget = v;
  for (const id of S.compare && !C.on ? ["map", "map-b"] : C.on ? ["map", "map-canvas"] : ["map"]) {
    const svg = $(id);
    const s = Math.max(S.view[2] / svg.clientWidth, S.view[3] / svg.clientHeight);
    svg.style.transform = `translate(${((S.view[0] - v[0]) / s).toFixed(1)}px, ${((S.view[1] - v[1]) / s).toFixed(1)}px)`;
  }
}

function commitPan() {
  const v = S.viewTarget;
  if (v) setView(v);
}

function setView(v) {
  S.viewTarget = null;
  $("map").style.transform = "";
  $("map-b").style.transform = "";
  S.view = v;
  $("map").setAttribute("viewBox", v.join(" "));
  if (S.compare) $("map-b").setAttribute("viewBox", v.join(" "));
  // the canvas keeps its moved picture until it is redrawn for the new view (no blank frame)
  if (C.on) canvasRedraw();
  labelsSoon();
  viewToUrl();
}

function toMap(svg, ev) {
  const r = svg.getBoundingClientRect();
  const [x, y, w, h] = S.view;
  // preserveAspectRatio xMidYMid meet: uniform scale, centred
  const s = Math.max(w / r.width, h / r.height);
  const ox = x - (r.width * s - w) / 2, oy = y - (r.height * s - h) / 2;
  return [ox + (ev.clientX - r.left) * s, oy + (ev.clientY - r.top) * s, s];
}

function attachMapEvents(svg) {
  let drag = null;
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [mx, my] = toMap(svg, ev);
    const f = ev.deltaY > 0 ? 1.2 : 1 / 1.2;
    const [x, y, w, h] = S.view;
    setView([mx - (mx - x) * f, my - (my - y) * f, w * f, h * f]);
  }, { passive: false });
  svg.addEventListener("mousedown", (ev) => {
    if (["brush", "eraser"].includes($("tool").value) && svg.id === "map") { ev.preventDefault(); brushStart(svg, ev); return; }
    const [mx, my] = toMap(svg, ev);
    const box = $("tool").value === "box" || ev.shiftKey && ev.altKey;
    const lasso = !box && $("tool").value === "lasso" ? [[mx, my]] : null;
    drag = { x0: ev.clientX, y0: ev.clientY, mx, my, view: S.view.slice(), box, lasso, moved: false, rect: null };
  });
  window.addEventListener("mousemove", (ev) => {
    if (BRUSH.stroke && svg.id === "map") { brushMove(svg, ev); return; }
    if (!drag) return;
    if (drag.lasso) {
      // Every pointer position is a vertex of the lasso, in map units (pan/zoom safe).
      drag.lasso.push(toMap(svg, ev).slice(0, 2));
      if (!drag.rect) {
        drag.rect = document.createElementNS("http://www.w3.org/2000/svg", "polygon");
        drag.rect.setAttribute("class", "lasso");
        svg.appendChild(drag.rect);
      }
      drag.rect.setAttribute("points", drag.lasso.map((p) => p.join(",")).join(" "));
    }
    if (Math.abs(ev.clientX - drag.x0) + Math.abs(ev.clientY - drag.y0) > 4) drag.moved = true;
    if (!drag.moved || drag.lasso) return;
    if (drag.box) {
      const [mx, my] = toMap(svg, ev);
      if (!drag.rect) {
        drag.rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
        drag.rect.setAttribute("class", "selbox");
        svg.appendChild(drag.rect);
      }
      drag.rect.setAttribute("x", Math.min(mx, drag.mx)); drag.rect.setAttribute("y", Math.min(my, drag.my));
      drag.rect.setAttribute("width", Math.abs(mx - drag.mx)); drag.rect.setAttribute("height", Math.abs(my - drag.my));
      drag.end = [mx, my];
    } else {
      const [, , w, h] = drag.view;
      const s = Math.max(w / svg.clientWidth, h / svg.clientHeight);
      previewPan([drag.view[0] - (ev.clientX - drag.x0) * s, drag.view[1] - (ev.clientY - drag.y0) * s, w, h]);
    }
  });
  window.addEventListener("mouseup", (ev) => {
    if (BRUSH.stroke && svg.id === "map") { brushEnd(); return; }
    if (!drag) return;
    const d = drag; drag = null;
    commitPan();
    if (d.rect) d.rect.remove();
    if (d.box && d.moved && d.end) {
      const [x1, x2] = [Math.min(d.mx, d.end[0]), Math.max(d.mx, d.end[0])];
      const [y1, y2] = [Math.min(d.my, d.end[1]), Math.max(d.my, d.end[1])];
      selectWhere(([cx, cy]) => cx >= x1 && cx <= x2 && cy >= y1 && cy <= y2, ev.ctrlKey || ev.metaKey || ev.shiftKey);
    } else if (d.lasso && d.moved && d.lasso.length >= 3) {
      S.lastLasso = d.lasso;
      selectWhere((c) => insidePolygon(c, d.lasso), ev.ctrlKey || ev.metaKey || ev.shiftKey);
    } else if (!d.moved && polyAt(svg, ev)) {
      clickPolygon(polyAt(svg, ev), ev.ctrlKey || ev.metaKey || ev.shiftKey);
    }
  });
  svg.addEventListener("mousemove", (ev) => {
    if (C.on && (drag || BRUSH.stroke)) return;
    showTip(svg, ev);
  });
  svg.addEventListener("mouseleave", () => { S.tipAt = null; $("tooltip").classList.add("hidden"); });
}

// The tooltip of the comune under the pointer with its district's audited figures; kept
// (S.tipAt) so that a validation arriving while the pointer rests redraws it with the new figures.
function showTip(svg, ev) {
  S.tipAt = { svg, ev };
  const poly = polyAt(svg, ev);
  const tip = $("tooltip");
  if (!poly) { tip.classList.add("hidden"); return; }
  const codes = S.byPoly.get(poly) || [];
  const assignment = svg.id === "map-b" && S.compare ? S.compare.content.assignment : S.assignment;
  tip.innerHTML = codes.map((c) => {
    const m = S.byCode.get(c);
    const d = assignment[c], a = d != null && assignment === S.assignment ? S.auditByDistrict.get(d) : null;
    return `<b>${esc(m.name)}</b> ${esc(c)}${m.province ? " (" + esc(m.province) + ")" : ""}<br>pop. ${fmt(m.population)} · ${esc(d ?? "unassigned")}` +
      (a ? `<br>${esc(d)}: ${fmt(a.population)}${verdictWords(a)}` : "");
  }).join("<hr>") || esc(poly);
  const r = $("maps").getBoundingClientRect();
  tip.style.left = ev.clientX - r.left + 14 + "px";
  tip.style.top = ev.clientY - r.top + 10 + "px";
  tip.classList.remove("hidden");
}

function clickPolygon(poly, add) {
  const codes = S.byPoly.get(poly) || [];
  if (!add) S.selection.clear();
  const all = codes.every((c) => S.selection.has(c));
  codes.forEach((c) => (all && add ? S.selection.delete(c) : S.selection.add(c)));
  const d = S.assignment[codes[0]];
  S.focusDistrict = d ?? null;
  if (d != null) { $("merge-a").value = d; $("lock-district").value = d; $("assign-district").value = d; }
  selectionChanged();
  showDistrict();
}

function selectionChanged() {
  const codes = [...S.selection];
  if (!codes.length) {
    $("selection-info").textContent = `Nothing selected. Click a ${unit1()} (Ctrl/Shift-click adds), or use the box or lasso tool: they select the ${units()} whose polygon's centroid lies inside (Shift adds).`;
  } else {
    const pop = codes.reduce((s, c) => s + S.byCode.get(c).population, 0);
    const names = codes.slice(0, 6).map((c) => S.byCode.get(c).name).join(", ");
    $("selection-info").textContent = `${nUnits(codes.length)} selected, ${plural(pop, "inhabitant", "inhabitants")}: ${names}${codes.length > 6 ? ", …" : ""}`;
  }
  recolour();
}

// ---------- editing ----------

function snapshot() {
  return { assignment: { ...S.assignment }, locked: [...S.locked], policyText: S.policyText };
}

function edit(label, fn) {
  const before = snapshot();
  const err = fn();
  if (err) { status(err, true); return false; }
  S.undo.push({ label, state: before });
  S.redo = [];
  afterEdit(label);
  return true;
}

function afterEdit(label) {
  S.editCount = (S.editCount || 0) + 1;
  markDirty(label !== "");
  showRules();
  $("undo").disabled = !S.undo.length;
  $("redo").disabled = !S.redo.length;
  status(label + (S.scenario ? " (unsaved)" : ""));
  refreshDistrictLists();
  recolour();
  validate();
  if (S.compare) showDiff().then(recolour).catch((e) => status("compare failed: " + e.message, true));
}

function restoreState(st) {
  S.assignment = { ...st.assignment };
  S.locked = new Set(st.locked);
  S.policyText = st.policyText;
}

function undo() {
  const u = S.undo.pop();
  if (!u) return;
  S.redo.push({ label: u.label, state: snapshot() });
  restoreState(u.state);
  afterEdit("undo: " + u.label);
}

function redo() {
  const r = S.redo.pop();
  if (!r) return;
  S.undo.push({ label: r.label, state: snapshot() });
  restoreState(r.state);
  afterEdit("redo: " + r.label);
}

function assignSelection() {
  // names are unique whatever their case: "seriate" is the district Seriate
  const typed = $("assign-district").value.trim();
  const d = existingDistrict(typed) ?? typed;
  const codes = [...S.selection];
  if (!codes.length) return status(`select ${units()} first`, true);
  if (!d) return status("type a district name", true);
  edit(`assign ${nUnits(codes.length)} to ${d}`, () => {
    if (S.locked.has(d)) return `district ${d} is locked`;
    const fromLocked = codes.find((c) => S.locked.has(S.assignment[c]));
    if (fromLocked) return `${S.byCode.get(fromLocked).name} is in locked district ${S.assignment[fromLocked]}`;
    codes.forEach((c) => (S.assignment[c] = d));
    S.focusDistrict = d;
  });
}

function merge() {
  const a = $("merge-a").value, b = $("merge-b").value;
  if (!a || !b || a === b) return status("choose two different districts to merge", true);
  edit(`merge ${b} into ${a}`, () => {
    if (S.locked.has(a) || S.locked.has(b)) return `cannot merge a locked district`;
    for (const c in S.assignment) if (S.assignment[c] === b) S.assignment[c] = a;
    S.focusDistrict = a;
  });
}

function toggleLock() {
  const d = $("lock-district").value;
  if (!d) return;
  edit(`${S.locked.has(d) ? "unlock" : "lock"} ${d}`, () => {
    if (S.locked.has(d)) S.locked.delete(d); else S.locked.add(d);
  });
}

function districts() {
  return [...new Set(Object.values(S.assignment))].sort();
}

function refreshDistrictLists() {
  const ds = districts();
  const opts = ds.map((d) => `<option value="${esc(d)}">${esc(d)}${S.locked.has(d) ? " 🔒" : ""}</option>`).join("");
  for (const id of ["merge-a", "merge-b", "lock-district", "rename-from"]) {
    const el = $(id), v = el.value;
    el.innerHTML = `<option value="">(district)</option>` + opts;
    if (ds.includes(v)) el.value = v;
  }
  $("district-list").innerHTML = ds.map((d) => `<option value="${esc(d)}">`).join("");
}

// ---------- validation (server audit) ----------

let validateTimer = null;
function validate() {
  clearTimeout(validateTimer);
  // 0 ms: edits of one task are validated once; a newer audit supersedes an older (auditSeq)
  validateTimer = setTimeout(runValidate, 0);
}

async function runValidate() {
  const seq = ++S.auditSeq;
  const t0 = performance.now();
  try {
    // Live validation skips the costly search for closing mergers, except for the district
    // the user is looking at (see mergersSearched).
    const closing_mergers = S.focusDistrict != null ? { district: S.focusDistrict } : "skip";
    const audit = C.on ? await liveValidate(closing_mergers)
      : await api("POST", "/api/audit", { assignment: S.assignment, closing_mergers, policy: S.policyText });
    if (seq !== S.auditSeq) return; // a newer edit is being validated
    S.audit = audit;
    S.auditByDistrict = new Map(audit.districts.map((d) => [d.name, d]));
    const s = audit.summary;
    const v = $("validation");
    v.dataset.districts = s.districts;
    v.dataset.compliant = s.compliant_districts;
    v.dataset.noncompliant = s.non_compliant_districts;
    v.dataset.noncontiguous = s.non_contiguous_districts;
    v.dataset.unassigned = s.unassigned_municipalities;
    v.innerHTML = `<table class="figures">
      <tr><td>Districts</td><td class="n">${s.districts}</td></tr>
      <tr><td class="ok">Compliant</td><td class="n">${s.compliant_districts}</td></tr>
      <tr><td class="bad">Below threshold</td><td class="n">${s.non_compliant_districts}</td></tr>
      <tr><td class="bad">Not contiguous</td><td class="n">${s.non_contiguous_districts}</td></tr>
      <tr><td>Unassigned ${units()}</td><td class="n">${fmt(s.unassigned_municipalities)} (${fmt(s.unassigned_population)} inh.)</td></tr></table>` +
      audit.districts.filter((d) => !d.compliant || d.contiguous_parts > 1).slice(0, 12).map((d) =>
        `<div class="bad">${esc(d.name)}: ${fmt(d.population)} vs ${esc(d.threshold_text)}${d.contiguous_parts > 1 ? `, ${d.contiguous_parts} parts` : ""}</div>`).join("") +
      (S.policyText ? `<div id="own-rules">Rules: the scenario's own, <i>${esc(audit.policy.name)}</i></div>` : "");
    S.lastValidateMs = performance.now() - t0;
    $("validation-time").textContent = `validated in ${Math.round(S.lastValidateMs)} ms (round trip${S.liveDelta ? `, ${plural(S.liveDelta.changed, "district", "districts")} re-audited` : ""})`;
    recolour();
    showDistrict();
    renderDistrictTable();
    if (S.tipAt && !$("tooltip").classList.contains("hidden")) showTip(S.tipAt.svg, S.tipAt.ev);
    if (S.policyText) showRules();
    // a brush stroke's latency: release -> validated, recoloured and outlined (bench/studio)
    if (S.lastStroke && S.lastStroke.ms == null) S.lastStroke.ms = performance.now() - S.lastStroke.t0;
    v.dataset.seq = seq;
  } catch (e) {
    if (seq === S.auditSeq) status("validation failed: " + e.message, true);
  }
}

// Live validation by deltas (POST /api/audit/live), for the large regions drawn on a canvas:
// the server keeps this page's last audit; an edit sends only the comuni it moved and gets back
// the districts it changed (France: two EPCI instead of 1,259). Requests go one after the other
// (each names the answer it builds on); a session out of step (409) is restarted with the
// whole map.
let liveQueue = Promise.resolve();
function liveValidate(closing_mergers) {
  const next = liveQueue.then(() => liveRequest(closing_mergers));
  liveQueue = next.catch(() => {});
  return next;
}

async function liveRequest(closing_mergers) {
  const live = S.live, snap = { ...S.assignment };
  if (live && live.policy === S.policyText && S.audit) {
    const changes = {};
    for (const c in snap) if (live.assignment[c] !== snap[c]) changes[c] = snap[c];
    for (const c in live.assignment) if (!(c in snap)) changes[c] = null;
    try {
      const d = await api("POST", "/api/audit/live", { session: live.id, base: live.seq, changes, policy: S.policyText, closing_mergers });
      live.seq = d.seq;
      live.assignment = snap;
      const rows = new Map(live.rows);
      for (const n of d.removed) rows.delete(n);
      for (const r of d.changed) rows.set(r.name, r);
      live.rows = rows;
      const districts = [...rows.values()].sort((a, b) => (a.compliant - b.compliant) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      S.liveDelta = { changes: Object.keys(changes).length, changed: d.changed.length, removed: d.removed.length };
      return { ...live.audit, summary: d.summary, districts, merger_search: d.merger_search };
    } catch (e) {
      if (e.status !== 409) throw e;
    }
  }
  const a = await api("POST", "/api/audit/live", { assignment: snap, policy: S.policyText, closing_mergers });
  S.live = { id: a.session, seq: a.seq, assignment: snap, policy: S.policyText, audit: a, rows: new Map(a.districts.map((d) => [d.name, d])) };
  S.liveDelta = null;
  return a;
}

// Whether the current audit searched closing mergers for district d.
function mergersSearched(d) {
  const m = S.audit && S.audit.merger_search;
  return m === "all" || (m && m.district === d);
}

function showDistrict() {
  const d = S.focusDistrict;
  const el = $("district-info");
  if (d == null) { el.textContent = `Click a ${unit1()} to see its district's audit figures.`; return; }
  const a = S.auditByDistrict.get(d);
  if (!a) { el.textContent = `${d}: waiting for the audit…`; return; }
  // A district looked at for the first time: audit again with its merger options.
  if (!a.compliant && !mergersSearched(d)) validate();
  el.innerHTML = `<b>${esc(a.name)}</b>${S.locked.has(d) ? " 🔒 locked" : ""}
    <table class="figures">
    <tr><td>${capital(units())}</td><td class="n">${a.municipalities} (${a.small_municipalities} small)</td></tr>
    <tr><td>Population</td><td class="n" id="district-pop">${fmt(a.population)}</td></tr>
    <tr><td>Class</td><td class="n">${esc(a.class)}</td></tr>
    <tr><td>Threshold</td><td class="n">${esc(a.threshold_text)}</td></tr>
    <tr><td>Compliant</td><td class="n ${a.compliant ? "ok" : "bad"}">${a.compliant ? "yes" : "no, short by " + fmt(a.shortfall)}</td></tr>
    <tr><td>Contiguous parts</td><td class="n ${a.contiguous_parts > 1 ? "bad" : ""}">${a.contiguous_parts}</td></tr>
    <tr><td>Area</td><td class="n">${a.area_km2.toFixed(1)} km²</td></tr>
    <tr><td>Density</td><td class="n">${a.density.toFixed(0)} /km²</td></tr></table>
    <div id="district-why">Why ${esc(a.class)}: ${esc(reasonWords(a))}.</div>` +
    (a.closing_mergers.length ? `<div>Mergers that would comply: ${a.closing_mergers.map((m) => esc(m.with) + " (" + fmt(m.population) + ")").join(", ")}</div>` : "");
}

// ---------- scenarios ----------

function content() {
  return { assignment: S.assignment, locked: [...S.locked], policy: S.policyText, notes: $("notes").value };
}

async function refreshScenarioList() {
  const all = await api("GET", "/api/scenarios");
  S.scenarioList = all;
  renderScenarioList();
  const list = all.filter((x) => !x.archived_at);
  const opts = list.map((s) => `<option value="${s.id}">${esc(s.name)} (v${s.version})</option>`).join("");
  $("scenario-select").innerHTML = `<option value="">(saved scenarios)</option>` + opts;
  $("compare-select").innerHTML = `<option value="">(scenario to compare)</option>` + opts;
  fillReportBaselines(list);
  if (S.scenario) $("scenario-select").value = S.scenario.scenario_id;
}

function setScenario(v) {
  S.scenario = { scenario_id: v.scenario_id, name: v.name, version: v.version };
  $("scenario-name").value = v.name;
  $("scenario-info").innerHTML = `<b id="scenario-loaded">${esc(v.name)}</b>, version <span id="scenario-version">${v.version}</span> (${esc(v.message)}, ${esc(v.created_at)})`;
  reportLink();
  $("export-report").classList.remove("disabled");
  refreshHistory();
  viewToUrl();
}

// The report page of the loaded version (the document `ambit report` writes), with the changes
// from the chosen baseline: a bundled map ("map:NAME") or a saved scenario ("scenario:ID").
function reportLink() {
  if (!S.scenario) return;
  const b = $("report-baseline").value;
  let q = `version=${S.scenario.version}`;
  if (b.startsWith("map:")) q += `&baseline_map=${encodeURIComponent(b.slice(4))}`;
  else if (b.startsWith("scenario:")) q += `&baseline=${encodeURIComponent(b.slice(9))}`;
  $("export-report").href = `/api/scenarios/${S.scenario.scenario_id}/report?${q}`;
}

function fillReportBaselines(list) {
  const el = $("report-baseline"), v = el.value;
  el.innerHTML = `<option value="">(no baseline)</option>` +
    (S.bundledMaps || []).map((m) => `<option value="map:${esc(m.name)}">${esc(m.name)}</option>`).join("") +
    list.map((s) => `<option value="scenario:${s.id}">${esc(s.name)} (v${s.version})</option>`).join("");
  if ([...el.options].some((o) => o.value === v)) el.value = v;
  reportLink();
}

async function refreshHistory() {
  if (!S.scenario) return;
  const h = await api("GET", `/api/scenarios/${S.scenario.scenario_id}/history`);
  $("history-select").innerHTML = h.slice().reverse().map((x) => `<option value="${x.version}">v${x.version}: ${esc(x.message)}</option>`).join("");
}

function loadVersion(v) {
  closeStart();
  S.assignment = { ...v.content.assignment };
  // a scenario may carry its own rules (policy TOML, set over the API): validate and save with them
  S.policyText = v.content.policy || "";
  S.locked = new Set(v.content.locked || []);
  $("notes").value = v.content.notes || "";
  S.undo = []; S.redo = []; S.selection.clear();
  setScenario(v);
  afterEdit("");
  status(`loaded ${v.name} version ${v.version}`);
}

async function save(asNew) {
  const name = $("scenario-name").value.trim();
  try {
    let v;
    if (!S.scenario || asNew) {
      if (!name) return status("type a scenario name", true);
      v = await api("POST", "/api/scenarios", { name, content: content(), message: "created in the studio" });
    } else {
      if (name && name !== S.scenario.name) await api("POST", `/api/scenarios/${S.scenario.scenario_id}/rename`, { name });
      const label = S.undo.length ? S.undo[S.undo.length - 1].label : "edit";
      v = await api("PUT", `/api/scenarios/${S.scenario.scenario_id}`, { expected_version: S.scenario.version, content: content(), message: label });
    }
    setScenario(v);
    markDirty(false);
    await refreshScenarioList();
    status(`saved ${v.name} version ${v.version}`);
  } catch (e) {
    if (e.status === 409 && e.data && e.data.current_version) {
      status(`not saved: someone saved version ${e.data.current_version} meanwhile; load it and re-apply your edit (or "Save as new")`, true);
    } else status("not saved: " + e.message, true);
  }
}

async function loadSelected() {
  const id = $("scenario-select").value;
  if (!id) return;
  // unsaved edits: the first press warns, a second one (for the same scenario) discards them
  if (S.dirty && S.confirmLoad !== id) {
    S.confirmLoad = id;
    return status("Unsaved edits would be lost: save them, or press Load again to discard them", true);
  }
  S.confirmLoad = null;
  try { loadVersion(await api("GET", `/api/scenarios/${id}`)); } catch (e) { status(e.message, true); }
}

async function restoreVersion() {
  if (!S.scenario) return;
  const version = Number($("history-select").value);
  try {
    const v = await api("POST", `/api/scenarios/${S.scenario.scenario_id}/restore`, { version, expected_version: S.scenario.version });
    loadVersion(v);
    await refreshScenarioList();
  } catch (e) { status(e.message, true); }
}

async function startFrom() {
  const base = $("base-map").value;
  if (!base) return;
  closeStart();
  const before = snapshot();
  if (base === "__empty") S.assignment = {};
  else if (base === "__singletons") S.assignment = Object.fromEntries(S.territory.municipalities.map((m) => [m.code, m.name + " " + m.code]));
  else S.assignment = await api("GET", `/api/district-maps/${encodeURIComponent(base)}`);
  S.locked = new Set();
  S.undo.push({ label: "start from " + base, state: before });
  S.redo = [];
  afterEdit("started from " + base);
}

// ---------- import / export ----------

async function importCsv() {
  const f = $("import-file").files[0];
  const rep = $("import-report");
  if (!f) return status("choose a CSV file", true);
  if (!S.scenario) {
    // a first import makes a scenario of its own, named after the file
    try {
      setScenario(await api("POST", "/api/scenarios", { name: `${f.name} (imported ${new Date().toISOString().slice(0, 16).replace("T", " ")})`, content: { assignment: {} }, message: "created for an import" }));
    } catch (e) { rep.innerHTML = `<div class="bad">${esc(e.message)}</div>`; return; }
  }
  if (f.size > 1024 * 1024) { rep.innerHTML = `<div class="bad">File too large (${fmt(f.size)} bytes, limit 1 MiB); nothing changed.</div>`; return; }
  const text = await f.text();
  try {
    const r = await api("POST", `/api/scenarios/${S.scenario.scenario_id}/import?expected_version=${S.scenario.version}`, text, true);
    rep.innerHTML = `<div class="ok">Imported ${nUnits(r.assigned)} in ${plural(r.districts, "district", "districts")} (version ${r.scenario.version}).</div>` +
      (r.missing ? `<div>${nUnits(r.missing)} not in the file (left unassigned):</div><ul>${r.missing_examples.map((m) => `<li>${esc(m)}</li>`).join("")}</ul>` : "") +
      (r.notices.length ? `<div>Notices:</div><ul>${r.notices.map((m) => `<li>${esc(m)}</li>`).join("")}</ul>` : "");
    loadVersion(r.scenario);
  } catch (e) {
    const probs = (e.data && e.data.details && e.data.details.problems) || [];
    rep.innerHTML = `<div class="bad">${esc(e.message)}</div><ul>${probs.map((p) => `<li>${esc(p)}</li>`).join("")}</ul>`;
  }
}

// The current edit (saved or not) posted to an export route and downloaded as the file the
// server names: "districts.geojson" (outlines dissolved by the server, each with its audit
// figures), "comuni.csv" (the import format), "comuni.geojson" (one feature per comune).
async function exportCurrent(route) {
  if (!Object.keys(S.assignment).length) return status("nothing to export: the map is empty", true);
  const districts = route === "districts.geojson";
  const stem = S.scenario ? `${S.scenario.name}-v${S.scenario.version}${S.dirty ? "-edited" : ""}` : "";
  const name = districts ? (stem ? `${stem}-districts` : "districts") : (stem || units());
  status("exporting…");
  try {
    const r = await fetch(`/api/export/${route}`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ assignment: S.assignment, policy: S.policyText, name }),
    });
    if (!r.ok) { const e = await r.json().catch(() => ({ error: r.statusText })); throw new Error(e.error); }
    const blob = await r.blob();
    const file = (/filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "") || [])[1] || route;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = file;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    const n = new Set(Object.values(S.assignment)).size;
    const m = Object.keys(S.assignment).length;
    S.lastExport = { file, bytes: blob.size, districts: n, comuni: m };
    const what = districts
      ? `${plural(n, "district", "districts")} with their audit figures`
      : `${nUnits(m)} in ${plural(n, "district", "districts")}`;
    status(`exported ${what} to ${file} (${fmt(blob.size / 1024)} KB)`);
  } catch (e) { status("export failed: " + e.message, true); }
}

// ---------- compare ----------

// The comuni the server's comparison lists as changed (moved, newly assigned, unassigned):
// the one definition of "moved" (MapChanges), never recomputed here.
function movedCodes() {
  return (S.compare && S.compare.changedCodes) || new Set();
}

async function compare() {
  const id = $("compare-select").value;
  if (!id) return;
  const v = await api("GET", `/api/scenarios/${id}`);
  v.audit = await api("GET", `/api/scenarios/${id}/audit`);
  S.compare = v;
  // a canvas-drawn region shows the comparison as lists, not as a second map
  if (!C.on) {
    $("wrap-b").classList.remove("hidden");
    $("title-b").textContent = `${v.name} v${v.version}`;
    S.pathsB = drawMap($("map-b"), S.features, S.proj, false);
    attachMapEvents($("map-b"));
    setView(S.view);
  }
  await showDiff();
  recolour();
}

const plural = (n, one, many) => `${fmt(n)} ${n === 1 ? one : many}`;
// What one municipality and several are called in this region (dataset.toml's `noun`), and
// "3 comuni" with it.
const unit1 = () => (S.territory ? S.territory.noun[0] : "municipality");
const units = () => (S.territory ? S.territory.noun[1] : "municipalities");
const nUnits = (n) => plural(n, unit1(), units());
const capital = (w) => w.charAt(0).toUpperCase() + w.slice(1);
// The page's own text names comuni and provinces (the founding region); every other region
// reads its own words there: text and titles under `root`, once the territory is known.
function nameUnits(root) {
  const area = S.territory.area_word || "area";
  const swap = (t) => t.replace(/\bcomuni\b/g, units()).replace(/\bcomune\b/g, unit1()).replace(/\bwhole province\b/g, `whole ${area}`);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) n.nodeValue = swap(n.nodeValue);
  for (const el of root.querySelectorAll("[title], [placeholder], [aria-label]")) {
    for (const a of ["title", "placeholder", "aria-label"]) if (el.hasAttribute(a)) el.setAttribute(a, swap(el.getAttribute(a)));
  }
}

// The current edit against the compared scenario, as the server compares maps (POST /api/diff,
// the same MapChanges as GET /api/diff, the report and the optimiser preview).
async function showDiff() {
  if (!S.compare) return;
  const d = await api("POST", "/api/diff", { baseline: S.assignment, scenario: S.compare.content.assignment, baseline_name: "current edit" });
  S.compare.changes = d;
  // outlined on both maps: the moved and unassigned comuni, and the newly assigned ones unless
  // they are most of the map (a plan for an empty map would outline every comune)
  const outlined = [...d.moved, ...d.unassigned, ...(d.assigned.length <= 300 ? d.assigned : [])];
  S.compare.changedCodes = new Set(outlined.map((m) => m.code));
  const all = [...d.moved, ...d.assigned, ...d.unassigned];
  const lines = all.slice(0, 200).map((m) => `<li>${esc(m.name)}: ${esc(m.from)} → ${esc(m.to)}</li>`);
  $("diff").innerHTML =
    `<div id="diff-moved" data-moved="${d.moved.length}" data-changed="${d.changed}">From the current edit (left) to <b>${esc(S.compare.name)}</b>${S.compare.version ? " v" + S.compare.version : ""} (right): ` +
    `${nUnits(d.moved.length)} moved to another district, ${fmt(d.assigned.length)} newly in a district, ${fmt(d.unassigned.length)} left without one; ` +
    `${plural(d.merged.length, "district", "districts")} formed by merger, ${fmt(d.unchanged)} unchanged.</div>` +
    `<ul>${d.merged.map((m) => `<li>${esc(m.district)} ⟵ ${m.baseline.map(esc).join(" + ")}</li>`).join("")}</ul>` +
    `<div>Incentives for an agreement on ${esc(d.incentive.date)}:</div><ul id="diff-incentives">${d.incentive.incentives.map((i) => `<li>${esc(i.name)}: ${i.new_districts} × ${fmt(i.per_new_district)} = ${fmt(i.total)} ${esc(i.currency)}${i.condition ? " (if " + esc(i.condition) + ")" : ""}</li>`).join("")}</ul>` +
    `<details><summary>${capital(units())} in another district</summary><ul>${lines.join("")}</ul></details>`;
}

function closeCompare() {
  S.compare = null; S.pathsB = null;
  $("wrap-b").classList.add("hidden");
  $("diff").innerHTML = "";
  recolour();
}

// ---------- rules ----------

// The rules panel: the scenario's own rules (policy TOML) or the region's, editable; rules are
// checked by the server (an audit with them) before they are used, and using them is an edit.
function showRules() {
  if (S.regionPolicy == null) return;
  const own = !!S.policyText;
  $("rules-text").value = own ? S.policyText : S.regionPolicy.text;
  $("rules-info").innerHTML = own
    ? `This scenario's own rules (saved with it; see the policy text below); the region's are <i>${esc(S.regionPolicy.name)}</i>.`
    : `The region's rules: <i>${esc(S.regionPolicy.name)}</i> (${esc(S.regionPolicy.file || "")}).`;
  // the scenario's own rules in words come with its audit (the server describes the policy it used)
  const words = own ? (S.audit && S.audit.rules_in_words) || [] : S.regionPolicy.rules_in_words || [];
  $("rules-words").innerHTML = words.map((r) => `<li>${esc(r)}</li>`).join("") +
    (own ? "" : (S.territory.policy.assumptions || []).map((r) => `<li class="assumption">Assumption: ${esc(r)}</li>`).join(""));
  $("rules-info").dataset.own = own ? "1" : "0";
}

async function useRules(text) {
  const own = text.trim() === S.regionPolicy.text.trim() ? "" : text;
  try {
    await api("POST", "/api/audit", { assignment: {}, closing_mergers: "skip", policy: own });
  } catch (e) {
    $("rules-info").innerHTML = `<span class="error">${esc(e.message)}</span>`;
    $("rules-info").dataset.own = "error";
    return;
  }
  edit(own ? "own rules" : "region's rules", () => { S.policyText = own; });
}

// ---------- start ----------

async function main() {
  status("loading…");
  const [territory, maps] = await Promise.all([api("GET", "/api/territory"), api("GET", "/api/district-maps")]);
  S.territory = territory;
  nameUnits(document.body);
  $("region-name").textContent = territory.name;
  for (const m of territory.municipalities) {
    S.byCode.set(m.code, m);
    if (!S.byPoly.has(m.polygon)) S.byPoly.set(m.polygon, []);
    S.byPoly.get(m.polygon).push(m.code);
  }
  if (canvasWanted(territory)) {
    // a large region (France): drawn on a canvas from the server's compact mesh
    await setupCanvas();
    homeView();
  } else {
    const geo = await api("GET", "/api/territory/boundaries");
    S.features = geo.features;
    S.proj = project(geo.features);
    S.full = [-5, -5, S.proj.w + 10, S.proj.h + 10];
    S.view = S.full.slice();
    S.paths = drawMap($("map"), geo.features, S.proj, true);
    for (const f of geo.features) S.centres.set(f.properties.istat_code ?? f.properties.code, centroid(f.geometry, S.proj));
    buildTopology(geo.features, S.proj);
  }
  S.editCount = 1;
  $("search").addEventListener("change", () => search($("search").value));
  $("search").addEventListener("keydown", (ev) => { if (ev.key === "Enter") search($("search").value); });
  $("base-map").innerHTML += maps.map((m) => `<option value="${esc(m.name)}" title="${esc(m.description || "")}">${esc(m.name)}</option>`).join("");
  $("colour-mode").onchange = recolour;
  $("tool").onchange = () => $("map").classList.toggle("box", $("tool").value !== "pan");
  $("undo").onclick = undo;
  $("redo").onclick = redo;
  $("zoom-reset").onclick = () => setView((S.home || S.full).slice());
  $("assign").onclick = assignSelection;
  $("clear-selection").onclick = () => { S.selection.clear(); selectionChanged(); };
  $("merge").onclick = merge;
  $("lock").onclick = toggleLock;
  $("save").onclick = () => save(false);
  $("save-as").onclick = () => save(true);
  $("scenario-load").onclick = loadSelected;
  $("restore").onclick = restoreVersion;
  $("load-base").onclick = startFrom;
  $("import").onclick = importCsv;
  $("export-districts").onclick = () => exportCurrent("districts.geojson");
  $("export-csv").onclick = () => exportCurrent("comuni.csv");
  $("export-geojson").onclick = () => exportCurrent("comuni.geojson");
  S.bundledMaps = maps;
  $("report-baseline").onchange = reportLink;
  $("compare").onclick = () => compare().catch((e) => status("compare failed: " + e.message, true));
  $("compare-close").onclick = closeCompare;
  S.regionPolicy = await api("GET", "/api/policy");
  showRules();
  $("rules-use").onclick = () => useRules($("rules-text").value);
  $("rules-reset").onclick = () => useRules(S.regionPolicy.text);
  document.addEventListener("keydown", (ev) => {
    if (ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA") return;
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "z") { ev.preventDefault(); undo(); }
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "y") { ev.preventDefault(); redo(); }
  });
  await refreshScenarioList();
  refreshDistrictLists();
  initPanels();
  const fromLink = await fromUrl();
  recolour();
  await runValidate();
  if (!fromLink && !Object.keys(S.assignment).length) { showStart(); startSaved().catch(() => {}); }
  S.readyMs = Math.round(performance.now());
  S.ready = true;
  document.body.dataset.ready = "1";
  if (C.on) loadFineMesh().catch((e) => status("fine mesh: " + e.message, true));
  status(`${fmt(territory.municipalities.length)} ${units()} on ${fmt(S.paths.size)} polygons loaded`);
}

// start once every script of the page has run: on a small region the territory can arrive
// before the later scripts (canvas.js, panels.js) are parsed
document.addEventListener("DOMContentLoaded", () => main().catch((e) => status("failed to load: " + e.message, true)));
