// ambit planning studio: canvas drawing for large regions (France's 34,970 communes).
// When the server says so (`canvas` in /api/territory: above a few thousand polygons) or with
// ?draw=canvas, the comuni are painted on a <canvas> under
// the SVG (#map then holds only the labels and the selection tools) from the server's compact
// mesh (/api/territory/mesh: quantised, simplified along the topology, borders as arcs):
// - fills in batches: polygons in chunks of CHUNK (in file order, so a chunk is a compact area),
//   one Path2D per chunk and fill colour, rebuilt only for the chunks an edit touches;
// - district and province borders from the arcs between polygons of different districts;
// - while dragging, the canvas bitmap moves as one composited picture (as the SVG does); the map
//   is redrawn once at rest, and a polygon recoloured by the brush is painted at once over it;
// - the coarse mesh draws the whole country, the fine one (fetched after the first paint) any
//   view closer than FINE_BELOW map units per pixel;
// - hit-testing (click, hover, brush) through a grid of the polygons' bounding boxes and an
//   even-odd point-in-polygon test on the mesh.
// Uses app.js's and layers.js's globals (S, L, $, api, colourFor...).
"use strict";

const CHUNK = 256;
const FINE_BELOW = 0.25;

const C = {
  on: false,
  coarse: null,        // decoded meshes
  fine: null,
  fill: [],            // polygon index -> fill (colour or pattern id)
  sel: new Uint8Array(0),
  dirtyChunks: new Set(),
  frame: 0,            // pending full redraw (requestAnimationFrame id)
  drawMs: [],          // durations of full redraws (bench/studio)
  firstPaintMs: null,
  grid: null,
  borders: null,       // Path2D of district borders (per mesh)
  bordersFor: -1,
};

// Whether the map is drawn on a canvas: ?draw=canvas|svg, else as the server decided.
function canvasWanted(territory) {
  const q = new URLSearchParams(location.search).get("draw");
  if (q === "canvas") return true;
  if (q === "svg") return false;
  return territory.canvas === true;
}

// Decodes a mesh (delta-coded quantised integers) into map units: per polygon its rings and
// bounding box, per arc its two polygons and points; chunks of CHUNK polygons with their boxes.
function decodeMesh(m) {
  const P = m.polygons.length, q = m.quantum;
  const xy = new Float64Array(m.points.length);
  for (let r = 0; r + 1 < m.ring_points.length; r++) {
    let x = 0, y = 0;
    for (let i = m.ring_points[r]; i < m.ring_points[r + 1]; i++) {
      const first = i === m.ring_points[r];
      x = first ? m.points[2 * i] : x + m.points[2 * i];
      y = first ? m.points[2 * i + 1] : y + m.points[2 * i + 1];
      xy[2 * i] = x * q; xy[2 * i + 1] = y * q;
    }
  }
  const bbox = new Float64Array(4 * P);
  for (let p = 0; p < P; p++) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = m.ring_points[m.rings[p]]; i < m.ring_points[m.rings[p + 1]]; i++) {
      const x = xy[2 * i], y = xy[2 * i + 1];
      if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
    }
    bbox.set([x0, y0, x1, y1], 4 * p);
  }
  const axy = new Float64Array(m.arc_coords.length);
  for (let a = 0; a + 1 < m.arc_points.length; a++) {
    let x = 0, y = 0;
    for (let i = m.arc_points[a]; i < m.arc_points[a + 1]; i++) {
      const first = i === m.arc_points[a];
      x = first ? m.arc_coords[2 * i] : x + m.arc_coords[2 * i];
      y = first ? m.arc_coords[2 * i + 1] : y + m.arc_coords[2 * i + 1];
      axy[2 * i] = x * q; axy[2 * i + 1] = y * q;
    }
  }
  const chunks = [];
  for (let c = 0; c * CHUNK < P; c++) {
    const from = c * CHUNK, to = Math.min(P, from + CHUNK);
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let p = from; p < to; p++) {
      x0 = Math.min(x0, bbox[4 * p]); y0 = Math.min(y0, bbox[4 * p + 1]);
      x1 = Math.max(x1, bbox[4 * p + 2]); y1 = Math.max(y1, bbox[4 * p + 3]);
    }
    chunks.push({ from, to, box: [x0, y0, x1, y1], paths: null, arcs: [], borders: null });
  }
  // each arc belongs to the chunk of its first polygon (comune borders drawn chunk by chunk)
  for (let a = 0; 2 * a < m.arc_polygons.length; a++) chunks[Math.floor(m.arc_polygons[2 * a] / CHUNK)].arcs.push(a);
  return { m, ids: m.polygons, rings: m.rings, ringPoints: m.ring_points, xy, bbox, arcPolys: m.arc_polygons, arcPoints: m.arc_points, axy, chunks, vertices: m.points.length / 2 };
}

// Adds polygon p's rings to path (map units).
function tracePolygon(mesh, p, path) {
  const { rings, ringPoints, xy } = mesh;
  for (let r = rings[p]; r < rings[p + 1]; r++) {
    const a = ringPoints[r], b = ringPoints[r + 1];
    path.moveTo(xy[2 * a], xy[2 * a + 1]);
    for (let i = a + 1; i < b; i++) path.lineTo(xy[2 * i], xy[2 * i + 1]);
    path.closePath();
  }
}

function traceArc(mesh, a, path) {
  const from = mesh.arcPoints[a], to = mesh.arcPoints[a + 1], xy = mesh.axy;
  path.moveTo(xy[2 * from], xy[2 * from + 1]);
  for (let i = from + 1; i < to; i++) path.lineTo(xy[2 * i], xy[2 * i + 1]);
}

// Even-odd test of map point [x, y] against polygon p of mesh.
function inPolygon(mesh, p, x, y) {
  const { rings, ringPoints, xy, bbox } = mesh;
  if (x < bbox[4 * p] || x > bbox[4 * p + 2] || y < bbox[4 * p + 1] || y > bbox[4 * p + 3]) return false;
  let inside = false;
  for (let r = rings[p]; r < rings[p + 1]; r++) {
    const a = ringPoints[r], b = ringPoints[r + 1];
    for (let i = a, j = b - 1; i < b; j = i++) {
      const xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

// A grid over the polygons' bounding boxes: cells about twice the median polygon's size, each
// listing the polygons whose box meets it (a hash map: France's overseas departements leave
// most of its extent empty).
function buildGrid(mesh) {
  const P = mesh.ids.length, sizes = [];
  for (let p = 0; p < P; p += 7) sizes.push(Math.max(mesh.bbox[4 * p + 2] - mesh.bbox[4 * p], mesh.bbox[4 * p + 3] - mesh.bbox[4 * p + 1]));
  sizes.sort((a, b) => a - b);
  const cell = Math.max(2 * (sizes[sizes.length >> 1] || 1), 1e-6);
  const cells = new Map();
  for (let p = 0; p < P; p++) {
    const x0 = Math.floor(mesh.bbox[4 * p] / cell), x1 = Math.floor(mesh.bbox[4 * p + 2] / cell);
    const y0 = Math.floor(mesh.bbox[4 * p + 1] / cell), y1 = Math.floor(mesh.bbox[4 * p + 3] / cell);
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) {
      const k = gx * 1048576 + gy;
      const list = cells.get(k);
      if (list) list.push(p); else cells.set(k, [p]);
    }
  }
  return { cell, cells, mesh };
}

// The polygon index at map point [x, y], or -1.
function hitIndex(x, y) {
  const g = C.grid;
  if (!g) return -1;
  const list = g.cells.get(Math.floor(x / g.cell) * 1048576 + Math.floor(y / g.cell)) || [];
  for (const p of list) if (inPolygon(g.mesh, p, x, y)) return p;
  return -1;
}

// The polygon code under the pointer: the SVG path's own in SVG mode, the grid's on a canvas.
function polyAt(svg, ev) {
  if (C.on && svg.id === "map") {
    const [x, y] = toMap(svg, ev);
    const p = hitIndex(x, y);
    return p < 0 ? null : C.coarse.ids[p];
  }
  return (ev.target.dataset && ev.target.dataset.poly) || null;
}

// What S.paths holds for a canvas polygon: the fill and selection recolour() and the brush set,
// and isPointInFill for label placement (as an SVG path has).
class CanvasPolygon {
  constructor(i) { this.i = i; this.fill = null; this.sel = false; const self = this;
    this.style = { set fill(v) { canvasFill(self.i, v); }, get fill() { return C.fill[self.i]; } };
    this.classList = { toggle(cls, on) { if (cls === "sel") canvasSelect(self.i, on); } };
  }
  isPointInFill(pt) { return inPolygon(C.coarse, this.i, pt.x, pt.y); }
}

function canvasFill(i, v) {
  if (C.fill[i] === v) return;
  C.fill[i] = v;
  C.dirtyChunks.add(Math.floor(i / CHUNK));
  // painted at once over the picture (a brush stroke shows under the pointer), the whole map
  // redrawn at rest
  if (S.ready) paintNow(i);
  canvasRedraw();
}

function canvasSelect(i, on) {
  if (!!C.sel[i] === !!on) return;
  C.sel[i] = on ? 1 : 0;
  C.selPath = null;
  canvasRedraw();
}

const PATTERN_OF = { "url(#pat-short)": ["#f6b3b3", "#a50f15", "short"], "url(#pat-parts)": ["#fdd49e", "#8c4a00", "parts"] };
function patternFor(ctx, fill, s) {
  const p = PATTERN_OF[fill];
  if (!p) return fill;
  C.patterns = C.patterns || {};
  let pat = C.patterns[p[2]];
  if (!pat) {
    const t = document.createElement("canvas");
    t.width = t.height = 6;
    const g = t.getContext("2d");
    g.fillStyle = p[0]; g.fillRect(0, 0, 6, 6);
    g.strokeStyle = p[1];
    if (p[2] === "short") { g.lineWidth = 2; g.beginPath(); g.moveTo(-1, 7); g.lineTo(7, -1); g.moveTo(-4, 4); g.lineTo(4, -4); g.moveTo(2, 10); g.lineTo(10, 2); g.stroke(); }
    else { g.lineWidth = 1.2; g.beginPath(); g.moveTo(0, 0); g.lineTo(6, 6); g.moveTo(6, 0); g.lineTo(0, 6); g.stroke(); }
    pat = C.patterns[p[2]] = ctx.createPattern(t, "repeat");
  }
  // the hatching keeps its screen size at every zoom
  pat.setTransform(new DOMMatrix([s, 0, 0, s, 0, 0]));
  return pat;
}

// The transform of the current view: map units -> canvas pixels (xMidYMid meet, as the SVG).
function viewTransform(canvas) {
  const cw = canvas.clientWidth, ch = canvas.clientHeight;
  const [x, y, w, h] = S.view;
  const s = Math.max(w / Math.max(cw, 1), h / Math.max(ch, 1));
  const ox = x - (cw * s - w) / 2, oy = y - (ch * s - h) / 2;
  return { s, ox, oy, cw, ch };
}

function currentMesh(s) {
  return s < FINE_BELOW && C.fine ? C.fine : C.coarse;
}

function chunkPaths(mesh, chunk) {
  const byFill = new Map();
  for (let p = chunk.from; p < chunk.to; p++) {
    const f = C.fill[p] || "#eee";
    let path = byFill.get(f);
    if (!path) byFill.set(f, (path = new Path2D()));
    tracePolygon(mesh, p, path);
  }
  return byFill;
}

function canvasRedraw() {
  if (!C.frame) C.frame = requestAnimationFrame(() => { C.frame = 0; drawCanvas(); });
}

// Paints the whole view: fills by chunk and colour, comune borders when zoomed in, province and
// district borders, the selection.
function drawCanvas() {
  const canvas = $("map-canvas"), t0 = performance.now();
  const dpr = window.devicePixelRatio || 1;
  const { s, ox, oy, cw, ch } = viewTransform(canvas);
  if (canvas.width !== Math.round(cw * dpr) || canvas.height !== Math.round(ch * dpr)) {
    canvas.width = Math.round(cw * dpr); canvas.height = Math.round(ch * dpr);
  }
  canvas.style.transform = "";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = "#dfe9f0";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(dpr / s, 0, 0, dpr / s, (-ox * dpr) / s, (-oy * dpr) / s);
  const mesh = currentMesh(s);
  if (mesh !== C.drawnMesh) { for (const ch of mesh.chunks) ch.paths = null; C.drawnMesh = mesh; C.selPath = null; }
  for (const k of C.dirtyChunks) if (mesh.chunks[k]) mesh.chunks[k].paths = null;
  C.dirtyChunks.clear();
  const vx1 = ox + cw * s, vy1 = oy + ch * s;
  let drawn = 0;
  ctx.lineJoin = "round";
  ctx.lineWidth = 0.7 * s; // each fill stroked in its own colour: no seams between neighbours
  for (const chunk of mesh.chunks) {
    const [x0, y0, x1, y1] = chunk.box;
    if (x1 < ox || x0 > vx1 || y1 < oy || y0 > vy1) continue;
    if (!chunk.paths) chunk.paths = chunkPaths(mesh, chunk);
    for (const [f, path] of chunk.paths) {
      const style = patternFor(ctx, f, s);
      ctx.fillStyle = style;
      ctx.fill(path, "evenodd");
      if (style === f) { ctx.strokeStyle = f; ctx.stroke(path); }
    }
    drawn += chunk.to - chunk.from;
  }
  // comune borders (thin, white) once a comune is a few pixels wide, cached by chunk
  if (s < 0.6) {
    ctx.strokeStyle = "rgba(255,255,255,0.8)";
    ctx.lineWidth = 0.4 * s;
    for (const chunk of mesh.chunks) {
      const [x0, y0, x1, y1] = chunk.box;
      if (x1 < ox || x0 > vx1 || y1 < oy || y0 > vy1) continue;
      if (!chunk.borders) { chunk.borders = new Path2D(); for (const a of chunk.arcs) traceArc(mesh, a, chunk.borders); }
      ctx.stroke(chunk.borders);
    }
  }
  if (!C.provinces || C.provinces.mesh !== mesh) C.provinces = { mesh, path: borderPath(mesh, (i, j) => j < 0 || polyProvince(i) !== polyProvince(j)) };
  ctx.strokeStyle = "#444"; ctx.lineWidth = 1.1 * s; ctx.setLineDash([4 * s, 3 * s]);
  ctx.stroke(C.provinces.path);
  ctx.setLineDash([]);
  if (C.bordersFor !== S.drawnEdit || C.bordersMesh !== mesh) {
    C.bordersFor = S.drawnEdit; C.bordersMesh = mesh;
    C.borders = borderPath(mesh, (i, j) => { const a = polyDistrict(i, S.assignment), b = j < 0 ? null : polyDistrict(j, S.assignment); return a !== b; });
  }
  ctx.strokeStyle = "#1b1b1b"; ctx.lineWidth = 2.2 * s;
  ctx.stroke(C.borders);
  if (!C.selPath) {
    C.selPath = new Path2D();
    for (let p = 0; p < C.sel.length; p++) if (C.sel[p]) tracePolygon(mesh, p, C.selPath);
  }
  ctx.strokeStyle = "#0050e6"; ctx.lineWidth = 1.8 * s; ctx.setLineDash([3 * s, 2 * s]);
  ctx.stroke(C.selPath);
  ctx.setLineDash([]);
  const ms = performance.now() - t0;
  C.drawMs.push(ms);
  C.lastDraw = { ms, polygons: drawn, mesh: mesh === C.fine ? "fine" : "coarse", unitsPerPixel: s };
  canvas.dataset.drawn = drawn;
  canvas.dataset.mesh = C.lastDraw.mesh;
  if (C.firstPaintMs == null) C.firstPaintMs = performance.now();
}

// The arcs for which keep(i, j) holds (j = -1: the region's edge), as one path.
function borderPath(mesh, keep) {
  const path = new Path2D();
  let n = 0;
  for (let a = 0; 2 * a < mesh.arcPolys.length; a++) {
    if (keep(mesh.arcPolys[2 * a], mesh.arcPolys[2 * a + 1])) { traceArc(mesh, a, path); n++; }
  }
  path.arcs = n;
  return path;
}

// Paints polygon i in its fill over the current picture (until the next full redraw).
function paintNow(i) {
  const canvas = $("map-canvas");
  if (canvas.style.transform) return;
  const dpr = window.devicePixelRatio || 1;
  const { s, ox, oy } = viewTransform(canvas);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr / s, 0, 0, dpr / s, (-ox * dpr) / s, (-oy * dpr) / s);
  const path = new Path2D();
  tracePolygon(currentMesh(s), i, path);
  ctx.fillStyle = patternFor(ctx, C.fill[i] || "#eee", s);
  ctx.fill(path, "evenodd");
}

// Sets up canvas drawing from the coarse mesh: the page's projection, polygon boxes and
// centroids, the topology layers.js uses (L.ids, L.edges from the arcs, L.bbox, L.area, L.centre),
// S.paths as CanvasPolygon objects, the hit-testing grid. The fine mesh follows in the
// background.
async function setupCanvas() {
  C.on = true;
  document.body.classList.add("canvas-map");
  const m = await api("GET", "/api/territory/mesh?detail=coarse");
  const mesh = decodeMesh(m);
  C.coarse = mesh;
  const k = m.k, [ox, oy] = m.origin;
  S.proj = { X: (lon) => lon * k * 100 - ox, Y: (lat) => -lat * 100 - oy, w: m.size[0], h: m.size[1] };
  S.full = [-5, -5, S.proj.w + 10, S.proj.h + 10];
  S.view = S.full.slice();
  $("map").setAttribute("viewBox", S.full.join(" "));
  const P = mesh.ids.length;
  C.fill = new Array(P).fill(null);
  C.sel = new Uint8Array(P);
  S.paths = new Map();
  L.ids = mesh.ids;
  L.index = new Map();
  for (let p = 0; p < P; p++) {
    const id = mesh.ids[p];
    L.index.set(id, p);
    S.paths.set(id, new CanvasPolygon(p));
    // area-weighted centroid (holes negative), as centroid() computes it for SVG
    let sw = 0, sx = 0, sy = 0;
    for (let r = mesh.rings[p]; r < mesh.rings[p + 1]; r++) {
      const a = mesh.ringPoints[r], b = mesh.ringPoints[r + 1];
      let ar = 0, cx = 0, cy = 0;
      for (let i = a; i < b; i++) {
        const j = i + 1 < b ? i + 1 : a;
        const x0 = mesh.xy[2 * i], y0 = mesh.xy[2 * i + 1], x1 = mesh.xy[2 * j], y1 = mesh.xy[2 * j + 1];
        const c = x0 * y1 - x1 * y0;
        ar += c; cx += (x0 + x1) * c; cy += (y0 + y1) * c;
      }
      if (ar === 0) continue;
      const w = (r === mesh.rings[p] ? 1 : -1) * Math.abs(ar / 2);
      sw += w; sx += (w * cx) / (3 * ar); sy += (w * cy) / (3 * ar);
    }
    const bb = mesh.bbox.subarray(4 * p, 4 * p + 4);
    const centre = Math.abs(sw) > 1e-12 ? [sx / sw, sy / sw] : [(bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2];
    S.centres.set(id, centre);
    L.area[p] = Math.abs(sw);
    L.bbox[p] = [bb[0], bb[1], bb[2], bb[3]];
    L.centre[p] = centre;
  }
  L.edges = [];
  for (let a = 0; 2 * a < mesh.arcPolys.length; a++) L.edges.push({ i: mesh.arcPolys[2 * a], j: mesh.arcPolys[2 * a + 1], d: "" });
  C.grid = buildGrid(mesh);
  // the SVG above keeps the labels and the selection tools
  const svg = $("map");
  const g = document.createElementNS(NS, "g");
  g.setAttribute("class", "overlays");
  for (const cls of ["district-borders", "district-labels", "comune-labels"]) {
    const sub = document.createElementNS(NS, "g");
    sub.setAttribute("class", cls);
    g.appendChild(sub);
  }
  svg.appendChild(g);
  attachMapEvents(svg);
  new ResizeObserver(() => canvasRedraw()).observe($("map-canvas"));
  C.meshStats = { polygons: P, vertices: mesh.vertices, arcs: mesh.arcPolys.length / 2, tolerance: m.tolerance };
}

// The fine mesh, once the page is ready: drawn from then on when zoomed in.
async function loadFineMesh() {
  const m = await api("GET", "/api/territory/mesh?detail=fine");
  C.fine = decodeMesh(m);
  C.grid = buildGrid(C.fine);
  C.fineStats = { vertices: C.fine.vertices, tolerance: m.tolerance };
  canvasRedraw();
}

// The view the map opens on: the box of the polygons' centroids between the 0.5% and 99.5%
// quantiles on each axis (France's overseas departements, 0.4% of its communes, would leave
// metropolitan France an eighth of the screen's width), when that box is much smaller than
// the whole extent; "Fit map" returns to it. Search and fly reach the others.
function homeView() {
  const xs = [], ys = [];
  for (const c of S.centres.values()) { xs.push(c[0]); ys.push(c[1]); }
  xs.sort((a, b) => a - b); ys.sort((a, b) => a - b);
  const q = (v, f) => v[Math.min(v.length - 1, Math.max(0, Math.round((v.length - 1) * f)))];
  const box = [q(xs, 0.005), q(ys, 0.005), q(xs, 0.995), q(ys, 0.995)];
  const w = box[2] - box[0], h = box[3] - box[1];
  if (w * h < 0.25 * S.full[2] * S.full[3]) {
    const pad = 0.04 * Math.max(w, h);
    S.home = [box[0] - pad, box[1] - pad, w + 2 * pad, h + 2 * pad];
    setView(S.home.slice());
  }
}
