// ambit planning studio: the map's reference and reading layers over the comune polygons.
// District outlines and province borders are drawn from the shared edges of the boundary
// polygons (the data's topology: neighbouring comuni share their vertices exactly, so an edge
// seen by two polygons is the border between them, an edge seen once is the region's outline);
// district labels (name, population, compliance in words) sit in each district's largest comune
// and hide when the district is too small on screen; comune names appear at high zoom; district
// colours differ between neighbours (greedy graph colouring, as ambit-report's
// district_colours). Uses app.js's globals (S, $, esc, fmt).
"use strict";

const NS = "http://www.w3.org/2000/svg";

// Paul Tol's "light" qualitative scheme without its grey (colour-blind safe; Tol, "Colour
// schemes", SRON/EPS/TN/09-002, 2021): every district also has its outline and its label, so
// the colour only needs to tell neighbours apart.
const PALETTE = ["#77aadd", "#99ddff", "#44bb99", "#bbcc33", "#aaaa00", "#eedd88", "#ee8866", "#ffaabb"];

const L = {
  ids: [],            // polygon index -> polygon code
  index: new Map(),   // polygon code -> index
  edges: [],          // {i, j, d}: shared border of polygons i < j (j = -1: region outline), path data
  area: [],           // polygon index -> area (map units²)
  centre: [],         // polygon index -> [x, y] centroid
  bbox: [],           // polygon index -> [x0, y0, x1, y1]
  colourOf: new Map(),// district -> palette index (main map)
  colourOfB: new Map(),// the same for the compared map
  labels: new Map(),  // district -> {x, y, bbox}
};

// Walks every ring of every polygon once: each segment is keyed by its two end points (exact
// coordinates, order-free); a second pass groups the consecutive segments of a ring that border
// the same neighbour into one polyline, kept once per pair of polygons.
function buildTopology(features, P) {
  L.ids = features.map((f) => f.properties.istat_code ?? f.properties.code);
  L.ids.forEach((id, i) => L.index.set(id, i));
  const owners = new Map();
  const key = (a, b) => {
    const ka = a[0] + "," + a[1], kb = b[0] + "," + b[1];
    return ka < kb ? ka + "|" + kb : kb + "|" + ka;
  };
  features.forEach((f, i) => forEachRing(f.geometry, (ring) => {
    for (let k = 0; k + 1 < ring.length; k++) {
      const s = key(ring[k], ring[k + 1]);
      const o = owners.get(s);
      if (o === undefined) owners.set(s, i); else if (o !== i) owners.set(s, [o, i]);
    }
  }));
  const pt = (c) => P.X(c[0]).toFixed(2) + " " + P.Y(c[1]).toFixed(2);
  const byPair = new Map();
  features.forEach((f, i) => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, area = 0;
    forEachRing(f.geometry, (ring) => {
      let a = 0, run = null, runN = null;
      const flush = () => {
        if (run && (runN === -1 || i < runN)) {
          const k = i + "|" + runN;
          byPair.set(k, (byPair.get(k) || "") + "M" + run.join("L"));
        }
        run = null;
      };
      for (let k = 0; k + 1 < ring.length; k++) {
        const o = owners.get(key(ring[k], ring[k + 1]));
        const n = Array.isArray(o) ? (o[0] === i ? o[1] : o[0]) : -1;
        if (n !== runN || !run) { flush(); run = [pt(ring[k])]; runN = n; }
        run.push(pt(ring[k + 1]));
        const x = P.X(ring[k][0]), y = P.Y(ring[k][1]);
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
        a += x * P.Y(ring[k + 1][1]) - P.X(ring[k + 1][0]) * y;
      }
      flush();
      area += a / 2;
    });
    L.area[i] = Math.abs(area);
    L.bbox[i] = [x0, y0, x1, y1];
    L.centre[i] = S.centres.get(L.ids[i]) || [(x0 + x1) / 2, (y0 + y1) / 2];
  });
  L.edges = [...byPair].map(([k, d]) => { const [i, j] = k.split("|").map(Number); return { i, j, d }; });
}

// District of polygon i in `assignment` (its first comune's), or null.
function polyDistrict(i, assignment) {
  const codes = S.byPoly.get(L.ids[i]);
  return codes && codes.length ? assignment[codes[0]] ?? null : null;
}

function polyProvince(i) {
  const codes = S.byPoly.get(L.ids[i]);
  return codes && codes.length ? S.byCode.get(codes[0]).province ?? null : null;
}

// Neighbour-distinct colours: districts in Welsh-Powell order (most neighbours first) take a
// colour none of their coloured neighbours has, keeping their previous one when they can (so an
// edit does not repaint the map), else the least used.
function colourDistricts(assignment, previous) {
  const nb = new Map();
  for (const d of new Set(Object.values(assignment))) nb.set(d, new Set());
  for (const e of L.edges) {
    if (e.j < 0) continue;
    const a = polyDistrict(e.i, assignment), b = polyDistrict(e.j, assignment);
    if (a != null && b != null && a !== b) { nb.get(a).add(b); nb.get(b).add(a); }
  }
  const order = [...nb.keys()].sort((a, b) => nb.get(b).size - nb.get(a).size || (a < b ? -1 : 1));
  const used = PALETTE.map(() => 0), out = new Map();
  for (const d of order) {
    const taken = new Set([...nb.get(d)].map((n) => out.get(n)).filter((c) => c != null));
    const prev = previous && previous.get(d);
    let c = prev != null && !taken.has(prev) ? prev : null;
    if (c == null) {
      const free = PALETTE.map((_, k) => k).filter((k) => !taken.has(k));
      const pool = free.length ? free : PALETTE.map((_, k) => k);
      c = pool.reduce((best, k) => (used[k] < used[best] ? k : best), pool[0]);
    }
    used[c]++;
    out.set(d, c);
  }
  return out;
}

function districtFill(d, colours) {
  const k = colours && colours.get(d);
  return k == null ? "#ccc" : PALETTE[k];
}

// One outline path per district (its border with every other district, the unassigned comuni
// and the region's edge), province borders, in `svg`.
function drawBorders(svg, assignment) {
  // a canvas map draws its borders itself, from the mesh's arcs
  if (C.on && svg.id === "map") { canvasRedraw(); return; }
  let g = svg.querySelector("g.overlays");
  if (!g) {
    g = document.createElementNS(NS, "g");
    g.setAttribute("class", "overlays");
    svg.appendChild(g);
    const prov = document.createElementNS(NS, "path");
    prov.setAttribute("class", "province-border");
    let d = "";
    for (const e of L.edges) if (e.j < 0 || polyProvince(e.i) !== polyProvince(e.j)) d += e.d;
    prov.setAttribute("d", d);
    g.appendChild(prov);
    for (const cls of ["district-borders", "district-labels", "comune-labels"]) {
      const sub = document.createElementNS(NS, "g");
      sub.setAttribute("class", cls);
      g.appendChild(sub);
    }
  }
  const outline = new Map();
  const add = (dist, d) => { if (dist != null) outline.set(dist, (outline.get(dist) || "") + d); };
  for (const e of L.edges) {
    const a = polyDistrict(e.i, assignment), b = e.j < 0 ? null : polyDistrict(e.j, assignment);
    if (a === b) continue;
    add(a, e.d); add(b, e.d);
  }
  const layer = g.querySelector("g.district-borders");
  layer.textContent = "";
  for (const [dist, d] of outline) {
    const p = document.createElementNS(NS, "path");
    p.setAttribute("class", "district-border");
    p.setAttribute("d", d);
    p.dataset.district = dist;
    layer.appendChild(p);
  }
}

// Where each district's label goes: the district's area-weighted centre when one of its own
// comuni holds it (so the label sits inside the district), else the centre of its comune
// nearest to that point; and the district's bounding box (to hide labels that do not fit).
function placeDistrictLabels(assignment) {
  L.labels = labelPlaces(assignment);
}

// The label places of `assignment`'s districts (see placeDistrictLabels).
function labelPlaces(assignment) {
  const acc = new Map();
  L.ids.forEach((_, i) => {
    const d = polyDistrict(i, assignment);
    if (d == null) return;
    let a = acc.get(d);
    if (!a) acc.set(d, (a = { w: 0, x: 0, y: 0, polys: [], bbox: L.bbox[i].slice() }));
    const w = L.area[i] || 1e-9;
    a.w += w; a.x += w * L.centre[i][0]; a.y += w * L.centre[i][1];
    a.polys.push(i);
    const b = a.bbox, p = L.bbox[i];
    b[0] = Math.min(b[0], p[0]); b[1] = Math.min(b[1], p[1]); b[2] = Math.max(b[2], p[2]); b[3] = Math.max(b[3], p[3]);
  });
  const places = new Map();
  for (const [d, a] of acc) {
    const cx = a.x / a.w, cy = a.y / a.w;
    const inside = a.polys.some((i) => {
      const [x0, y0, x1, y1] = L.bbox[i];
      if (cx < x0 || cx > x1 || cy < y0 || cy > y1) return false;
      const p = S.paths.get(L.ids[i]);
      return p && p.isPointInFill && p.isPointInFill(new DOMPoint(cx, cy));
    });
    let at = [cx, cy];
    if (!inside) {
      const near = a.polys.reduce((b, i) => ((L.centre[i][0] - cx) ** 2 + (L.centre[i][1] - cy) ** 2 < (L.centre[b][0] - cx) ** 2 + (L.centre[b][1] - cy) ** 2 ? i : b), a.polys[0]);
      at = L.centre[near];
    }
    places.set(d, { x: at[0], y: at[1], bbox: a.bbox });
  }
  return places;
}

// Map units per screen pixel of `svg` at the current view (preserveAspectRatio meet).
function unitsPerPixel(svg) {
  const r = svg.getBoundingClientRect();
  const [, , w, h] = S.view;
  return Math.max(w / Math.max(r.width, 1), h / Math.max(r.height, 1));
}

const LABEL_PX = 12;

// A district's compliance in words and signs for labels and tooltips (never colour alone).
function verdictWords(a) {
  if (a.contiguous_parts > 1) return " · not contiguous";
  if (a.compliant) return " ✓";
  return a.shortfall != null ? " ✗ short by " + fmt(a.shortfall) : " ✗ below threshold";
}

// A name cut at spaces into lines of about `width` characters (a long name needs less width).
function wrapWords(name, width) {
  const lines = [];
  for (const w of name.split(" ")) {
    const last = lines[lines.length - 1];
    if (last != null && last.length + 1 + w.length <= width) lines[lines.length - 1] = last + " " + w;
    else lines.push(w);
  }
  return lines;
}

// District labels: name, population and compliance in words (never colour alone); shown when
// the district's box on screen is wide and tall enough for them.
function drawDistrictLabels(svg, byDistrict, places) {
  const layer = svg.querySelector("g.district-labels");
  if (!layer) return;
  const s = unitsPerPixel(svg);
  layer.textContent = "";
  const fs = LABEL_PX * s;
  layer.setAttribute("font-size", fs.toFixed(3));
  let shown = 0;
  // larger districts first; a label that would overlap one already placed waits for a closer zoom
  const placed = [];
  const area = (b) => (b[2] - b[0]) * (b[3] - b[1]);
  for (const [d, at] of [...places].sort((p, q) => area(q[1].bbox) - area(p[1].bbox))) {
    const a = byDistrict.get(d);
    const line2 = a ? `${fmt(a.population)}${verdictWords(a)}` : "";
    const lines = wrapWords(d, 18);
    const wPx = Math.max(...lines.map((l) => l.length), line2.length) * LABEL_PX * 0.55;
    const [x0, y0, x1, y1] = at.bbox;
    const hPx = (lines.length + (line2 ? 1 : 0)) * 1.2 * LABEL_PX;
    if ((x1 - x0) / s < wPx || (y1 - y0) / s < (lines.length + 1.4) * 1.2 * LABEL_PX) continue;
    const box = [at.x - (wPx / 2) * s, at.y - LABEL_PX * s, at.x + (wPx / 2) * s, at.y - LABEL_PX * s + hPx * s];
    if (placed.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) continue;
    placed.push(box);
    const t = document.createElementNS(NS, "text");
    t.setAttribute("class", "district-label" + (a && (!a.compliant || a.contiguous_parts > 1) ? " bad" : ""));
    t.setAttribute("x", at.x.toFixed(2));
    t.setAttribute("y", at.y.toFixed(2));
    t.dataset.district = d;
    lines.forEach((l, k) => {
      const n = document.createElementNS(NS, "tspan");
      n.textContent = l;
      n.setAttribute("x", at.x.toFixed(2));
      if (k) n.setAttribute("dy", "1.2em");
      t.appendChild(n);
    });
    if (line2) {
      const p = document.createElementNS(NS, "tspan");
      p.textContent = line2;
      p.setAttribute("x", at.x.toFixed(2));
      p.setAttribute("dy", "1.2em");
      t.appendChild(p);
    }
    layer.appendChild(t);
    shown++;
  }
  layer.dataset.shown = shown;
  return placed;
}

// Comune names when zoomed in: every comune in view whose polygon is wide enough on screen.
function drawComuneLabels(svg, avoid) {
  const layer = svg.querySelector("g.comune-labels");
  if (!layer) return;
  layer.textContent = "";
  const s = unitsPerPixel(svg);
  const [vx, vy, vw, vh] = S.view;
  const fs = 10 * s;
  layer.setAttribute("font-size", fs.toFixed(3));
  let shown = 0;
  for (let i = 0; i < L.ids.length && shown < 400; i++) {
    const [x0, y0, x1, y1] = L.bbox[i];
    if (x1 < vx || x0 > vx + vw || y1 < vy || y0 > vy + vh) continue;
    const codes = S.byPoly.get(L.ids[i]);
    if (!codes || !codes.length) continue;
    const name = S.byCode.get(codes[0]).name;
    if ((x1 - x0) / s < name.length * 6 + 8 || (y1 - y0) / s < 28) continue;
    // never over a district's label
    const cx = L.centre[i][0], cy = L.centre[i][1] + 2.2 * fs, hw = name.length * 3 * s;
    if (avoid.some((b) => b[0] < cx + hw && cx - hw < b[2] && b[1] < cy && cy - fs < b[3])) continue;
    const t = document.createElementNS(NS, "text");
    t.setAttribute("class", "comune-label");
    t.setAttribute("x", L.centre[i][0].toFixed(2));
    t.setAttribute("y", (L.centre[i][1] + 2.2 * fs).toFixed(2));
    t.textContent = name;
    layer.appendChild(t);
    shown++;
  }
  layer.dataset.shown = shown;
}

// Labels depend on the zoom: redrawn after each view change (debounced while panning).
let labelTimer = null;
function drawLabels() {
  clearTimeout(labelTimer);
  labelTimer = null;
  const placed = drawDistrictLabels($("map"), S.auditByDistrict, L.labels) || [];
  drawComuneLabels($("map"), placed);
  // hatches keep their screen size at every zoom (the pattern lives in map units)
  const s = unitsPerPixel($("map"));
  $("pat-short").setAttribute("patternTransform", `scale(${s.toFixed(4)}) rotate(45)`);
  $("pat-parts").setAttribute("patternTransform", `scale(${s.toFixed(4)})`);
  // the compared scenario or proposed plan is labelled as well, from its own figures
  if (S.compare && S.pathsB && L.labelsB) drawDistrictLabels($("map-b"), L.byDistrictB, L.labelsB);
}
function labelsSoon() {
  if (labelTimer == null) labelTimer = setTimeout(drawLabels, 120);
}

// ---------- search and fly ----------

function searchIndex() {
  const opts = [];
  for (const m of S.territory.municipalities) opts.push(`<option value="${esc(m.name)}">${unit1()} ${esc(m.code)}${m.province ? " (" + esc(m.province) + ")" : ""}</option>`);
  for (const d of new Set(Object.values(S.assignment))) opts.push(`<option value="${esc(d)}">district</option>`);
  $("search-list").innerHTML = opts.join("");
}

// Animates the view to the box [x0, y0, x1, y1] (with a margin, a share of its larger side) in
// a few frames.
function flyTo(box, margin = 0.6) {
  const [x0, y0, x1, y1] = box;
  const pad = Math.max(x1 - x0, y1 - y0) * margin + 2;
  const to = [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad];
  const from = S.view.slice();
  const t0 = performance.now(), ms = 350;
  const step = (now) => {
    const t = Math.min(1, (now - t0) / ms), e = t * t * (3 - 2 * t);
    setView(from.map((v, k) => v + (to[k] - v) * e));
    if (t < 1) requestAnimationFrame(step); else { S.flown = to; drawLabels(); }
  };
  requestAnimationFrame(step);
}

// Finds a comune or a district by name (case- and accent-insensitive; exact first, then the
// first that starts with the text), selects it and flies to it.
function search(text) {
  const norm = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  const q = norm(text);
  if (!q) return;
  const ms = S.territory.municipalities;
  const ds = [...new Set(Object.values(S.assignment))];
  const m = ms.find((x) => norm(x.name) === q) || ms.find((x) => norm(x.name).startsWith(q));
  const d = ds.find((x) => norm(x) === q) || (!m && ds.find((x) => norm(x).startsWith(q)));
  if (d && (!m || norm(d) === q && norm(m.name) !== q)) {
    const at = L.labels.get(d);
    if (at) flyTo(at.bbox);
    S.focusDistrict = d;
    S.selection = new Set(Object.keys(S.assignment).filter((c) => S.assignment[c] === d));
    selectionChanged(); showDistrict();
    $("search-result").textContent = `district ${d}`;
    return;
  }
  if (!m) { $("search-result").textContent = `no ${unit1()} or district named “${text}”`; return; }
  const i = L.index.get(m.polygon);
  if (i != null) flyTo(L.bbox[i]);
  clickPolygon(m.polygon, false);
  $("search-result").textContent = `${m.name} (${m.code})`;
}
